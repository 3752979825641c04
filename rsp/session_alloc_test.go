package rsp_test

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// pingConn hands the session one framed packet per tick and reports each
// write, so a test can drive whole round trips without allocating itself.
type pingConn struct {
	frame   []byte
	tick    chan struct{}
	written chan struct{}
}

func (c *pingConn) Read(p []byte) (int, error) {
	if _, ok := <-c.tick; !ok {
		return 0, io.EOF
	}
	return copy(p, c.frame), nil
}

func (c *pingConn) Write(p []byte) (int, error) {
	c.written <- struct{}{}
	return len(p), nil
}

// TestAnswerDoesNotAllocate: reading, decoding and answering a stopped-target
// packet allocates nothing in the session once it runs.
func TestAnswerDoesNotAllocate(t *testing.T) {
	for _, packet := range []string{"m40000000,4", "m40000000,800", "g", "p20", "?", "qC", "Hg1"} {
		t.Run(packet, func(t *testing.T) {
			c := &pingConn{frame: []byte(rsptest.Frame(packet)), tick: make(chan struct{}), written: make(chan struct{})}
			done := make(chan error, 1)
			go func() { done <- rsp.NewSession(rsptest.NewFakeTarget(2), c, rsp.Options{}).Run() }()
			roundTrip := func() {
				c.tick <- struct{}{}
				<-c.written // the ack
				<-c.written // the reply
			}
			roundTrip() // buffers grow on first use
			require.Zero(t, testing.AllocsPerRun(50, roundTrip))
			close(c.tick)
			require.NoError(t, <-done)
		})
	}
}
