package tests

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// Issue 9 point 3, through the real server with a raw client: after a watch over 1 MiB hit and was removed,
// a Z2 over 4 GiB is refused with E16 (within the client's bound, not never), and \x03 still stops the
// machine afterwards.
func TestHugeZ2AfterHitAnswersAndInterruptWorks(t *testing.T) {
	s := startServer(t)
	conn, err := net.Dial("tcp", s.Addr)
	require.NoError(t, err)
	defer conn.Close()
	c := rsptest.NewClient(t, conn)
	c.Timeout = 30 * time.Second
	require.Contains(t, c.Exchange("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+"), "hwbreak+")
	require.Equal(t, "OK", c.Exchange("QStartNoAckMode"))
	c.NoAck = true
	img, err := kernelsim.Default()
	require.NoError(t, err)
	sym := func(name string) string {
		addr, _, ok := img.Symbols.Lookup(name)
		require.True(t, ok, name)
		return fmt.Sprintf("%x", addr)
	}
	next := func() string { // the next packet that is not console output
		for {
			if p := c.Recv(); p == "OK" || len(p) == 0 || p[0] != 'O' {
				return p
			}
		}
	}
	stop := func(packet string) string {
		c.Send(packet)
		return next()
	}
	done, counter := sym(kernelsim.SymWorkloadDone), sym(kernelsim.SymWorkloadCounter)
	require.Equal(t, "OK", c.Exchange("Z1,"+done+",4"))
	require.Contains(t, stop("vCont;c"), "hwbreak:")
	require.Equal(t, "OK", c.Exchange("z1,"+done+",4"))
	require.Equal(t, "OK", c.Exchange("Z2,"+counter+",100000"))
	require.Contains(t, stop("vCont;c"), "watch:")
	require.Equal(t, "OK", c.Exchange("z2,"+counter+",100000"))
	require.Equal(t, "E16", c.Exchange("Z2,"+counter+",ffffffff"))
	c.Send("vCont;c")
	c.SendRaw("\x03")
	require.Regexp(t, `^T02`, next())
	require.Regexp(t, `^T`, c.Exchange("?"))
}
