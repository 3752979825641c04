package gdbtarget

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// A restart (extended-remote vRun, and monitor reset) boots the guest as a new machine does: at the same
// breakpoint every register, the virtual counter included, is what the first boot had there.
func TestRestartIsAFreshBoot(t *testing.T) {
	for _, restart := range []string{"vRun;", "monitor reset"} {
		t.Run(restart, func(t *testing.T) {
			a := newTestAdapter(t, RouteExternal)
			cl := session(t, a)
			require.Equal(t, "OK", cl.Exchange("!"))
			cntvct, ok := a.desc.Lookup("CNTVCT_EL0")
			require.True(t, ok)
			state := func() [2]string {
				bootToWorkload(t, cl)
				require.Equal(t, "OK", cl.Exchange("Hg1"))
				return [2]string{cl.Exchange("g"), cl.Exchange(fmt.Sprintf("p%x", cntvct))}
			}
			first := state()
			if restart == "vRun;" {
				require.Contains(t, cl.Exchange(restart), "T05")
			} else {
				_, err := monitor(a, "reset")
				require.NoError(t, err)
			}
			require.Equal(t, first, state())
		})
	}
}
