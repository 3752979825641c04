package rsp_test

import (
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

func TestSmoke(t *testing.T) {
	f := rsptest.NewFakeTarget(2)
	c, _ := rsptest.StartSession(t, f, rsp.Options{})
	for _, p := range []string{
		"qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;exec-events+;vContSupported+;QThreadEvents+;no-resumed+;memory-tagging+;xmlRegisters=i386",
		"vMustReplyEmpty", "Hgp0.0", "qXfer:features:read:target.xml:0,ffb", "qTStatus", "?", "qfThreadInfo", "qsThreadInfo", "qAttached:1", "Hc-1", "qOffsets", "g",
		"m40000000,4", "m3ffffffc,4", "qSymbol::", "Z2,40000100,8", "vCont?", "vCont;s:p1.1;c:p1.-1", "qXfer:threads:read::0,ffb",
		"qXfer:exec-file:read:1:0,ffb", "vFile:setfs:0", "vFile:open:2f66616b652f6b65726e656c2e656c66,0,1c0", "vFile:pread:3,1000,0", "vFile:fstat:3",
		"p22", "P22=0100000000000000", "p22",
	} {
		t.Logf("%s -> %q", p, c.Exchange(p))
	}
	t.Logf("qRcmd: %q", c.Exchange("qRcmd,68656c70"))
	t.Logf("qRcmd: %q", c.Recv())
	c.Send("vCont;c")
	c.SendRaw("\x03")
	t.Logf("stop: %q", c.Recv())
	t.Logf("D -> %q", c.Exchange("D;1"))
	t.Log(f.CallLog())
}
