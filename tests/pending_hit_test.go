package tests

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Issue 9 point 8: the other CPU was inside the kernel's handler for the same write when gdb stopped; gdb
// deletes that watchpoint and sets another on the same bytes. The next stop names the new watchpoint, never
// a bare SIGTRAP.
func TestDeletedWatchpointsPendingHitGdb(t *testing.T) {
	onBothRoutes(t, func(t *testing.T, route string) {
		s := startServer(t, "--hw-debug", route)
		out := gdb(t, s.Addr, `
watch workload_counter
continue
delete
watch *(unsigned int*)&workload_counter
continue
continue
`)
		require.Contains(t, out, "Hardware watchpoint 1: workload_counter")
		require.Equal(t, 2, countMatches(out, `Hardware watchpoint 2: \*\(unsigned int\*\)&workload_counter\n\nOld value = \d+\nNew value = \d+`), out)
		require.NotContains(t, out, "SIGTRAP")
	})
}

// The same with lldb, which stops running its commands at a stop it cannot explain.
func TestDeletedWatchpointsPendingHitLLDB(t *testing.T) {
	bin := requireTool(t, "lldb")
	s := startServer(t, "--hw-debug", "kernel")
	kernel := filepath.Join(t.TempDir(), "kernel.elf")
	_, stderr, err := runCapture(t, 30*time.Second, nil, serverBin, "--dump-kernel", kernel)
	require.NoError(t, err, stderr)
	out := runTool(t, 120*time.Second, bin, "--batch", "--no-lldbinit",
		"-o", "target create "+kernel,
		"-o", "gdb-remote "+s.Addr,
		"-o", "breakpoint set -H -n workload_done",
		"-o", "continue",
		"-o", "breakpoint delete 1",
		"-o", "watchpoint set variable workload_counter",
		"-o", "continue",
		"-o", "watchpoint delete 1",
		"-o", "watchpoint set expression -s 4 -- &workload_counter",
		"-o", "continue",
		"-o", "continue",
		"-o", "process detach")
	require.Contains(t, out, "Watchpoint 1 hit:")
	require.Equal(t, 2, countMatches(out, `Watchpoint 2 hit:\nold value: (0x)?[0-9a-f]+\nnew value: (0x)?[0-9a-f]+`), out)
	require.Equal(t, 1, countMatches(out, `stop reason = signal SIGTRAP`), "only the stop at attach is a bare SIGTRAP:\n%s", out)
	require.Contains(t, out, "Process 1 detached")
}

// Issue 9 point 9: a watch set at _start sees the BSS clear on the kernel route too (the simulator matches
// gdb's points until the guest kernel can hold them). gdb steps over the store itself, so it shows the next
// instruction of the loop.
func TestWatchAtStartSeesBSSClear(t *testing.T) {
	onBothRoutes(t, func(t *testing.T, route string) {
		s := startServer(t, "--hw-debug", route)
		out := gdb(t, s.Addr, `
printf "pc=%#lx\n", $pc
awatch workload_counter
continue
x/i $pc
delete
hbreak workload_done
continue
info symbol $pc
`)
		require.Contains(t, out, "_start")
		require.Regexp(t, `hit Hardware access \(read/write\) watchpoint 1: workload_counter\n\nValue = 0\n_start \(\) at guest/start\.S`, out)
		require.Regexp(t, `=> 0x[0-9a-f]+ <_start\+\d+>:`, out, "gdb stepped over the store and stays in the clear loop")
		require.Regexp(t, `workload_done in section \.text`, out)
	})
}

// With every breakpoint comparator in use, deleting one and setting another at the same stop works: the
// kernel route frees the deleted point's comparators before it reserves the new one.
func TestReplaceAPointAtFullCapacity(t *testing.T) {
	onBothRoutes(t, func(t *testing.T, route string) {
		s := startServer(t, "--hw-debug", route)
		out := gdb(t, s.Addr, `
break workload_done
continue
hbreak *0x40000004
hbreak *0x40000008
hbreak *0x4000000c
hbreak *0x40000010
hbreak *0x40000014
hbreak *0x40000018
continue
delete 2
hbreak *0x4000001c
continue
info breakpoints
`)
		require.NotContains(t, out, "Could not insert")
		require.Equal(t, 3, countMatches(out, `Breakpoint 1, (0x[0-9a-f]+ in )?workload_done`), out)
		require.Contains(t, out, "hw breakpoint  keep y   0x000000004000001c")
	})
}

// onBothRoutes runs a subtest per route for gdb's hardware points.
func onBothRoutes(t *testing.T, test func(t *testing.T, route string)) {
	for _, route := range []string{"kernel", "external"} {
		t.Run(route, func(t *testing.T) { test(t, route) })
	}
}
