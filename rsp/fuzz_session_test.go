package rsp_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// byteConn feeds a fixed input and discards output.
type byteConn struct {
	r *bytes.Reader
	w io.Writer
}

func (c byteConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c byteConn) Write(p []byte) (int, error) { return c.w.Write(p) }

// FuzzSession runs a whole session on arbitrary client bytes against the
// FakeTarget: it must never panic and must end when the input ends.
func FuzzSession(f *testing.F) {
	for _, seed := range []string{
		rsptest.Frame("qSupported:multiprocess+;swbreak+;hwbreak+") + rsptest.Frame("?") + rsptest.Frame("g"),
		rsptest.Frame("QStartNoAckMode") + "+" + rsptest.Frame("vCont;c") + "\x03" + rsptest.Frame("m40000000,10"),
		rsptest.Frame("Z2,40001000,8") + rsptest.Frame("vCont;s:p1.1;c:p1.-1") + rsptest.Frame("D;1"),
		rsptest.Frame("vFile:open:2f66616b652f6b65726e656c2e656c66,0,0") + rsptest.Frame("vFile:pread:3,100,0"),
		rsptest.Frame("qXfer:features:read:target.xml:0,ffb") + rsptest.Frame("qRcmd,68656c70") + "-",
		rsptest.Frame("!") + rsptest.Frame("D") + rsptest.Frame("vAttach;1") + rsptest.Frame("k"),
		"$g#00$X40000000,4:}]}]#00",
		rsptest.Frame("!") + rsptest.Frame("vRun;") + rsptest.Frame("vKill;1") + rsptest.Frame("g") + "+" + rsptest.Frame("R00") + rsptest.Frame("?"),
		rsptest.Frame("?") + rsptest.Frame("?") + rsptest.Frame("G0011") + rsptest.Frame("vKill;2"),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		target := rsptest.NewFakeTarget(2)
		target.Script = []rsptest.ScriptedStop{
			{Stop: rsp.StopReason{Kind: rsp.StopWatch, Thread: 2, Addr: 0x40001000}, Console: "x"},
			{Stop: rsp.StopReason{Kind: rsp.StopExited}},
		}
		done := make(chan error, 1)
		go func() {
			done <- rsp.NewSession(target, byteConn{bytes.NewReader(in), io.Discard}, rsp.Options{}).Run()
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("session hung on %q", in)
		}
	})
}
