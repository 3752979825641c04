package tests

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// Same flags and the same gdb commands give the same session, on both routes, every time: stops, values,
// registers, console.
func TestSameCommandsSameTrace(t *testing.T) {
	script := `
watch workload_counter
continue
continue
delete
hbreak workload_done
continue
continue
info registers pc sp x0 x1 x2
thread 2
info registers pc
stepi 20
info registers pc
monitor stats
`
	for _, route := range routes {
		t.Run(route, func(t *testing.T) {
			run := func() string {
				s := startServer(t, "--hw-debug", route, "--cpus", "4", "--seed", "7")
				out := gdb(t, s.Addr, script)
				// The server's port differs between runs; nothing else may.
				return regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(out, "ADDR")
			}
			first, second := run(), run()
			require.Contains(t, first, "Old value")
			require.Equal(t, first, second)
		})
	}
}
