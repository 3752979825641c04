package tests

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// With --once the process ends when the guest powers off, also when gdb was attached at the time: gdb hears
// "exited normally", leaves, and the server exits 0.
func TestOncePowerOffWhileAttached(t *testing.T) {
	s := startServer(t, "--once", "--scenario", "perf-livelock", "--uninstall-order", "fixed")
	out := gdb(t, s.Addr, "continue\n")
	require.Contains(t, out, "exited normally")
	select {
	case err := <-s.done:
		require.NoError(t, err, "server log:\n%s", s.Log.String())
		s.done <- err // for the cleanup
	case <-time.After(20 * time.Second):
		t.Fatalf("the server did not exit after the guest powered off and gdb left\n%s", s.Log.String())
	}
}
