package rsp_test

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// exchange is one packet and its expected reply.
type exchange struct {
	send, want string
}

// familyCase runs exchanges against a fresh two-thread FakeTarget session.
type familyCase struct {
	name  string
	setup func(f *rsptest.FakeTarget)
	steps []exchange
	check func(t *testing.T, f *rsptest.FakeTarget)
}

func runFamily(t *testing.T, cases []familyCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := rsptest.NewFakeTarget(2)
			if c.setup != nil {
				c.setup(f)
			}
			cl, _ := rsptest.StartSession(t, f, rsp.Options{})
			for i, s := range c.steps {
				got := cl.Exchange(s.send)
				if strings.HasSuffix(s.want, "*") {
					require.True(t, strings.HasPrefix(got, strings.TrimSuffix(s.want, "*")), "#%d %q: got %q, want %q", i, s.send, got, s.want)
				} else {
					require.Equal(t, s.want, got, "#%d %q", i, s.send)
				}
			}
			if c.check != nil {
				c.check(t, f)
			}
		})
	}
}

func hexOf(s string) string { return hex.EncodeToString([]byte(s)) }

func TestSupported(t *testing.T) {
	runFamily(t, []familyCase{
		{name: "gdb 13", steps: []exchange{{
			"qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;exec-events+;vContSupported+;QThreadEvents+;no-resumed+;memory-tagging+;xmlRegisters=i386",
			"PacketSize=4000;QStartNoAckMode+;swbreak+;hwbreak+;qXfer:features:read+;qXfer:threads:read+;qXfer:exec-file:read+;vContSupported+;multiprocess+",
		}}},
		{name: "gdb 16 binary-upload", steps: []exchange{
			{"qSupported:multiprocess+;binary-upload+", "PacketSize=4000;QStartNoAckMode+;swbreak+;hwbreak+;qXfer:features:read+;qXfer:threads:read+;qXfer:exec-file:read+;vContSupported+;multiprocess+;binary-upload+"},
			{"x40000000,4", "b\x00\x00\x00\x00"},
		}},
		{name: "no binary-upload, x unsupported", steps: []exchange{{"x40000000,4", ""}}},
		{name: "must reply empty", steps: []exchange{{"vMustReplyEmpty", ""}}},
		{name: "unknown packets", steps: []exchange{{"qTStatus", ""}, {"qOffsets", ""}, {"qSymbol::", ""}, {"qFooBar", ""}, {"J", ""}}},
		{name: "extended mode", steps: []exchange{{"!", "OK"}}},
	})
}

func TestNoAckMode(t *testing.T) {
	f := rsptest.NewFakeTarget(1)
	cl, _ := rsptest.StartSession(t, f, rsp.Options{})
	require.Equal(t, "OK", cl.Exchange("QStartNoAckMode"))
	cl.NoAck = true
	cl.SendRaw(rsptest.Frame("?"))
	require.Equal(t, "T05thread:1;core:0;", cl.Recv())
	// No acks in either direction now; a bad checksum is taken as sent.
	cl.SendRaw("$?#00")
	require.Equal(t, "T05thread:1;core:0;", cl.Recv())
}

func TestNakResend(t *testing.T) {
	f := rsptest.NewFakeTarget(1)
	cl, _ := rsptest.StartSession(t, f, rsp.Options{})
	require.Equal(t, "OK", cl.Exchange("Hg1"))
	cl.SendRaw("-")
	require.Equal(t, "OK", cl.Recv())
	// A packet with a bad checksum is NAKed and not answered.
	cl.SendRaw("$g#00")
	require.Equal(t, byte('-'), cl.Byte())
	require.Equal(t, "OK", cl.Exchange("Hg1"))
}

func TestThreads(t *testing.T) {
	mp := "qSupported:multiprocess+"
	mpReply := "PacketSize=*"
	runFamily(t, []familyCase{
		{name: "list without multiprocess", steps: []exchange{{"qfThreadInfo", "m1,2"}, {"qsThreadInfo", "l"}, {"qC", "QC1"}}},
		{name: "list with multiprocess", steps: []exchange{{mp, mpReply}, {"qfThreadInfo", "mp1.1,p1.2"}, {"qC", "QCp1.1"}}},
		{name: "H forms", steps: []exchange{
			{"Hgp1.2", "OK"}, {"qC", "QC2"}, {"Hgp1.-1", "OK"}, {"Hg-1", "OK"}, {"Hg0", "OK"}, {"Hg2", "OK"}, {"Hg0001", "OK"},
			{"Hcp0.0", "OK"}, {"Hc-1", "OK"}, {"Hg3", "E16"}, {"Hgp2.1", "E16"}, {"Hx1", "E16"}, {"H", "E16"},
		}},
		{name: "alive", steps: []exchange{{"Tp1.1", "OK"}, {"T2", "OK"}, {"T3", "E02"}, {"T0", "E02"}, {"Tp2.1", "E02"}}},
		{name: "attached and extra info", steps: []exchange{
			{"qAttached", "1"}, {"qAttached:1", "1"},
			{"qThreadExtraInfo,p1.2", hexOf("CPU#1 [halted]")}, {"qThreadExtraInfo,9", "E02"},
		}},
		{name: "xfer threads", steps: []exchange{
			{mp, mpReply},
			{"qXfer:threads:read::0,ffb", "l<?xml version=\"1.0\"?>\n<threads>\n<thread id=\"p1.1\" core=\"0\" name=\"cpu0\">CPU}\x030 [halted]</thread>\n<thread id=\"p1.2\" core=\"1\" name=\"cpu1\">CPU}\x031 [halted]</thread>\n</threads>\n"},
			{"qXfer:threads:read::0,10", "m<?xml version=\"1"},
			{"qXfer:threads:read::1000,10", "l"},
		}},
	})
}

func TestRegisters(t *testing.T) {
	g := func(f *rsptest.FakeTarget, tid int) string {
		b, _ := f.ReadRegisters(tid, nil)
		return hex.EncodeToString(b)
	}
	f0 := rsptest.NewFakeTarget(2)
	runFamily(t, []familyCase{
		{name: "g per thread", steps: []exchange{
			{"g", g(f0, 1)}, {"Hg2", "OK"}, {"g", g(f0, 2)}, {"g;thread:1;", g(f0, 1)},
		}},
		{name: "p and P", steps: []exchange{
			{"p20", "0000004000000000"}, {"p21", "c5030000"}, {"p22", "0000000000000000"},
			{"P22=efbeadde00000000", "OK"}, {"p22", "efbeadde00000000"}, {"p22;thread:2;", "0000000000000000"},
			{"p1000", "E16"}, {"P22=00", "E16"}, {"P22", "E16"}, {"pzz", "E16"},
		}},
		{name: "G", steps: []exchange{
			{"G" + strings.Repeat("11", 8), "OK"}, {"p0", "1111111111111111"}, {"p1", "0000000000000000"},
			{"G123", "E16"}, {"Gzz", "E16"},
		}},
		// Data that ends inside a register is refused and writes nothing (not x0, not the tail into cpsr).
		{name: "G partial register", steps: []exchange{
			{"G" + strings.Repeat("11", 12), "E16"}, {"p0", "0000000000000000"}, {"p21", "c5030000"},
			{"G" + strings.Repeat("22", 33*8+2), "E16"}, {"p20", "0000004000000000"}, {"p21", "c5030000"},
			{"G" + strings.Repeat("33", 33*8+4+4), "E16"}, {"p21", "c5030000"},
			{"G", "E16"},
		}},
		{name: "G whole-register prefixes", steps: []exchange{
			{"G" + strings.Repeat("44", 16), "OK"}, {"p1", "4444444444444444"}, {"p2", "0000000000000000"},
			{"G" + strings.Repeat("55", 33*8), "OK"}, {"p20", "5555555555555555"}, {"p21", "c5030000"},
			{"G" + strings.Repeat("66", 33*8+4), "OK"}, {"p21", "66666666"},
		}},
	})
}

func TestMemory(t *testing.T) {
	runFamily(t, []familyCase{
		{name: "m/M", steps: []exchange{
			{"M40000010,4:deadbeef", "OK"}, {"m40000010,4", "deadbeef"}, {"m4000000e,6", "0000deadbeef"},
			{"m3ffffffc,4", "E0e"},
			{"m4000fffe,4", "0000"}, // short read at the end of RAM
			{"M3ffffffe,4:00000000", "E0e"},
		}},
		{name: "X", steps: []exchange{
			{"X40000020,0:", "OK"},
			{"X40000020,4:}\x03}\x04}]}\n", "OK"}, {"m40000020,4", "23247d2a"},
			{"X40000020,4:ab", "E16"}, {"X40000020,1:}", "E16"},
		}},
		{name: "m clamps to the packet size", steps: []exchange{
			{"m40000000,100000", strings.Repeat("0", 2*(0x4000-8)/2) + "*"},
		}},
		{name: "zero length", steps: []exchange{{"m40000000,0", "E16"}}},
	})
}

func TestResume(t *testing.T) {
	runFamily(t, []familyCase{
		{name: "stepi as gdb 13 sends it", steps: []exchange{
			{"qSupported:multiprocess+;swbreak+;hwbreak+", "PacketSize=*"},
			{"vCont?", "vCont;c;C;s;S"},
			{"vCont;s:p1.1;c:p1.-1", "T05thread:p1.1;core:0;"},
			{"vCont;s:p1.2", "T05thread:p1.2;core:1;"},
			{"qC", "QCp1.2"}, // the stopped thread becomes current
		}, check: func(t *testing.T, f *rsptest.FakeTarget) {
			require.Contains(t, f.CallLog(), "Resume step,continue")
			require.Contains(t, f.CallLog(), "Resume stop,step")
			require.Equal(t, uint64(rsptest.RAMBase+4), f.PC(1))
		}},
		{name: "lldb bare thread ids", steps: []exchange{{"vCont;s:0002", "T05thread:2;core:1;"}}},
		{name: "legacy s follows Hc", steps: []exchange{{"Hc2", "OK"}, {"s", "T05thread:2;core:1;"}}},
		{name: "legacy S", steps: []exchange{{"S05", "T05thread:1;core:0;"}}, check: func(t *testing.T, f *rsptest.FakeTarget) {
			require.Contains(t, f.CallLog(), "Resume step/5,stop")
		}},
		{name: "scripted stops", setup: func(f *rsptest.FakeTarget) {
			f.Script = []rsptest.ScriptedStop{
				{Stop: rsp.StopReason{Kind: rsp.StopWatch, Thread: 2, Addr: 0x40001000, Watch: rsp.WatchWrite}},
				{Stop: rsp.StopReason{Kind: rsp.StopWatch, Thread: 1, Addr: 0x40001008, Watch: rsp.WatchRead}},
				{Stop: rsp.StopReason{Kind: rsp.StopWatch, Thread: 1, Addr: 0x40001010, Watch: rsp.WatchAccess}},
				{Stop: rsp.StopReason{Kind: rsp.StopHwBreak, Thread: 1}},
				{Stop: rsp.StopReason{Kind: rsp.StopSwBreak, Thread: 2}},
				{Stop: rsp.StopReason{Kind: rsp.StopSignal, Signal: 11, Thread: 1}},
				{Stop: rsp.StopReason{Kind: rsp.StopExited}},
			}
		}, steps: []exchange{
			{"qSupported:multiprocess+;swbreak+;hwbreak+", "PacketSize=*"},
			{"vCont;c", "T05thread:p1.2;core:1;watch:40001000;"},
			{"c", "T05thread:p1.1;core:0;rwatch:40001008;"},
			{"C00", "T05thread:p1.1;core:0;awatch:40001010;"},
			{"vCont;c:p1.-1", "T05thread:p1.1;core:0;hwbreak:;"},
			{"vCont;c", "T05thread:p1.2;core:1;swbreak:;"},
			{"vCont;c", "T0bthread:p1.1;core:0;"},
			{"vCont;c", "W00"},
			{"?", "W00"},
			{"vCont;c", "E01"}, // nothing left to run
		}},
		{name: "no swbreak/hwbreak fields unless the client asked", setup: func(f *rsptest.FakeTarget) {
			f.Script = []rsptest.ScriptedStop{{Stop: rsp.StopReason{Kind: rsp.StopHwBreak, Thread: 1}}}
		}, steps: []exchange{{"vCont;c", "T05thread:1;core:0;"}}},
		{name: "bad vCont", steps: []exchange{
			{"vCont;s:p1.9", "E16"}, {"vCont;s:p2.1", "E16"}, {"vCont;t", "E16"}, {"vCont;", "E16"}, {"c40000000", "E16"},
		}},
	})
}

func TestInterrupt(t *testing.T) {
	f := rsptest.NewFakeTarget(2)
	cl, _ := rsptest.StartSession(t, f, rsp.Options{})
	cl.Send("vCont;c")
	cl.ExpectSilence(50 * time.Millisecond)
	cl.SendRaw("\x03")
	require.Equal(t, "T02thread:1;core:0;", cl.Recv())
	require.Equal(t, "OK", cl.Exchange("Hg2")) // the session goes on
}

// TestStopAfterAck: the stop reply never comes before the ack of the packet
// that caused it (gdb logs "Packet instead of Ack" otherwise).
func TestStopAfterAck(t *testing.T) {
	f := rsptest.NewFakeTarget(1)
	cl, _ := rsptest.StartSession(t, f, rsp.Options{})
	for i := 0; i < 20; i++ {
		cl.SendRaw(rsptest.Frame("vCont;s:1"))
		require.Equal(t, byte('+'), cl.Byte())
		require.Equal(t, "T05thread:1;core:0;", cl.Recv())
	}
}

func TestConsoleOutput(t *testing.T) {
	f := rsptest.NewFakeTarget(1)
	f.Script = []rsptest.ScriptedStop{{Console: "hello from the guest\n", Stop: rsp.StopReason{Kind: rsp.StopHwBreak, Thread: 1}}}
	cl, _ := rsptest.StartSession(t, f, rsp.Options{})
	cl.Send("vCont;c")
	require.Equal(t, "O"+hexOf("hello from the guest\n"), cl.Recv())
	require.Equal(t, "T05thread:1;core:0;", cl.Recv())
}

func TestPoints(t *testing.T) {
	runFamily(t, []familyCase{
		{name: "counted per type/addr/len", steps: []exchange{
			{"Z2,40001000,8", "OK"}, {"Z2,40001000,8", "OK"}, {"Z2,40001000,4", "OK"}, {"Z3,40001000,8", "OK"},
			{"z2,40001000,8", "OK"}, {"z2,40001000,8", "OK"}, {"z2,40001000,8", "OK"}, // one too many is fine
		}, check: func(t *testing.T, f *rsptest.FakeTarget) {
			log := strings.Join(f.CallLog(), "\n")
			require.Equal(t, 1, strings.Count(log, "AddWatchpoint 0x40001000 8 write"))
			require.Equal(t, 1, strings.Count(log, "RemoveWatchpoint 0x40001000 8 write"))
			_, _, w := f.Inserted()
			require.Equal(t, 2, w) // the 4-byte write and the read watch stay
		}},
		{name: "out of slots gives Enn, never empty", steps: []exchange{
			{"Z2,40001000,8", "OK"}, {"Z2,40001008,8", "OK"}, {"Z3,40001010,8", "OK"}, {"Z4,40001018,8", "OK"},
			{"Z2,40001020,8", "E1c"},
			{"z4,40001018,8", "OK"}, {"Z2,40001020,8", "OK"},
		}},
		{name: "breakpoints", steps: []exchange{
			{"Z0,40000000,4", "OK"}, {"Z1,40000004,4", "OK"}, {"z0,40000000,4", "OK"}, {"z1,40000004,4", "OK"},
			{"Z0,40000000,4;X2,0a0b", "OK"},
		}, check: func(t *testing.T, f *rsptest.FakeTarget) {
			sw, hw, _ := f.Inserted()
			require.Equal(t, 1, sw)
			require.Equal(t, 0, hw)
		}},
		{name: "bad points", steps: []exchange{
			{"Z5,0,4", ""}, {"z9,0,4", ""}, {"Z2,40001000,0", "E16"}, {"Z1,0,ffff", "E16"}, {"Z2,zz,4", "E16"}, {"Z2", "E16"},
		}},
		{name: "detach removes what is left", steps: []exchange{
			{"Z2,40001000,8", "OK"}, {"Z2,40001000,8", "OK"}, {"Z1,40000004,4", "OK"},
		}},
	})
}

func TestDetachRemovesPoints(t *testing.T) {
	for _, how := range []string{"D", "D;1", "k", "vKill;1", "eof"} {
		t.Run(how, func(t *testing.T) {
			f := rsptest.NewFakeTarget(2)
			cl, done := rsptest.StartSession(t, f, rsp.Options{})
			require.Equal(t, "OK", cl.Exchange("Z2,40001000,8"))
			require.Equal(t, "OK", cl.Exchange("Z2,40001000,8"))
			require.Equal(t, "OK", cl.Exchange("Z1,40000004,4"))
			switch how {
			case "eof":
				cl.Close()
			case "k":
				require.Equal(t, "X09", cl.Exchange("k"))
			default:
				require.Equal(t, "OK", cl.Exchange(how))
			}
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(5 * time.Second):
				t.Fatal("session did not end")
			}
			sw, hw, w := f.Inserted()
			require.Zero(t, sw+hw+w)
			require.Len(t, f.Detaches, 1)
			log := strings.Join(f.CallLog(), "\n")
			require.Equal(t, 1, strings.Count(log, "RemoveWatchpoint 0x40001000 8 write"))
		})
	}
	t.Run("wrong pid", func(t *testing.T) {
		f := rsptest.NewFakeTarget(1)
		cl, _ := rsptest.StartSession(t, f, rsp.Options{})
		require.Equal(t, "E02", cl.Exchange("D;2"))
		require.Equal(t, "OK", cl.Exchange("Hg1"))
	})
}

func TestDetachWhileRunning(t *testing.T) {
	f := rsptest.NewFakeTarget(1)
	cl, done := rsptest.StartSession(t, f, rsp.Options{})
	require.Equal(t, "OK", cl.Exchange("Z2,40001000,8"))
	cl.Send("vCont;c")
	cl.Close()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("session did not end")
	}
	require.Equal(t, []rsp.DetachKind{rsp.DetachEOF}, f.Detaches)
	_, _, w := f.Inserted()
	require.Zero(t, w)
}

func TestExtendedDetachStaysConnected(t *testing.T) {
	f := rsptest.NewFakeTarget(1)
	cl, _ := rsptest.StartSession(t, f, rsp.Options{})
	require.Equal(t, "OK", cl.Exchange("!"))
	require.Equal(t, "OK", cl.Exchange("Z2,40001000,8"))
	require.Equal(t, "OK", cl.Exchange("D;1"))
	require.Equal(t, []rsp.DetachKind{rsp.DetachPacket}, f.Detaches)
	require.Equal(t, "T05thread:1;core:0;", cl.Exchange("vAttach;1"))
	require.Equal(t, "E02", cl.Exchange("vAttach;2"))
}

func TestTargetDescription(t *testing.T) {
	f := rsptest.NewFakeTarget(1)
	core, _ := f.TargetXML("aarch64-core.xml")
	cl, _ := rsptest.StartSession(t, f, rsp.Options{})
	// Read aarch64-core.xml in chunks as gdb does and put it back together.
	var got []byte
	for off := 0; ; {
		r := cl.Exchange(fmt.Sprintf("qXfer:features:read:aarch64-core.xml:%x,200", off))
		require.NotEmpty(t, r)
		data, err := rsp.Unescape(nil, []byte(r[1:]))
		require.NoError(t, err)
		got = append(got, data...)
		off += len(data)
		if r[0] == 'l' {
			break
		}
		require.Equal(t, byte('m'), r[0])
	}
	require.Equal(t, string(core), string(got))
	require.Equal(t, "E02", cl.Exchange("qXfer:features:read:nope.xml:0,ffb"))
	require.Equal(t, "", cl.Exchange("qXfer:features:write:target.xml:0:xx"))
	require.Equal(t, "", cl.Exchange("qXfer:libraries:read::0,ffb"))
}

func TestExecFileAndVFile(t *testing.T) {
	f := rsptest.NewFakeTarget(1)
	name := hexOf(f.ExecName)
	runFamily(t, []familyCase{
		{name: "exec-file", steps: []exchange{
			{"qXfer:exec-file:read:1:0,ffb", "l/fake/kernel.elf"}, {"qXfer:exec-file:read::0,ffb", "l/fake/kernel.elf"},
			{"qXfer:exec-file:read:2:0,ffb", "E02"},
		}},
		{name: "read the exec file", steps: []exchange{
			{"vFile:setfs:0", "F0"},
			{"vFile:open:" + name + ",0,1c0", "F3"},
			{"vFile:pread:3,4,0", "F4;\x7fELF"},
			{"vFile:pread:3,4,17", "F4;}\x03}\x04}]}\n"},
			{"vFile:pread:3,100,1000", "F0;"},
			{"vFile:fstat:3", "F40;*"},
			{"vFile:close:3", "F0"},
			{"vFile:pread:3,4,0", "F-1,9"},
		}},
		{name: "refuse everything else", steps: []exchange{
			{"vFile:open:" + hexOf("/etc/passwd") + ",0,0", "F-1,2"},
			{"vFile:open:" + name + ",1,0", "F-1,d"},
			{"vFile:open:" + name + ",202,1ff", "F-1,d"},
			{"vFile:pwrite:3,0,00", "F-1,d"},
			{"vFile:unlink:" + hexOf("/tmp/x"), "F-1,d"},
			{"vFile:readlink:" + hexOf("/proc/self/exe"), "F-1,d"},
			{"vFile:close:7", "F-1,9"},
			{"vFile:open:zz,0,0", "F-1,16"},
			{"vFile:open:", "F-1,16"},
			{"vFile:frobnicate:1", ""},
		}},
		{name: "too many open files", steps: func() []exchange {
			var s []exchange
			for i := 0; i < 16; i++ {
				s = append(s, exchange{"vFile:open:" + name + ",0,0", fmt.Sprintf("F%x", 3+i)})
			}
			return append(s, exchange{"vFile:open:" + name + ",0,0", "F-1,18"})
		}()},
	})
}

func TestMonitor(t *testing.T) {
	f := rsptest.NewFakeTarget(1)
	cl, _ := rsptest.StartSession(t, f, rsp.Options{})
	require.Equal(t, "O"+hexOf("hi there\n"), cl.Exchange("qRcmd,"+hexOf("echo hi there")))
	require.Equal(t, "OK", cl.Recv())
	require.Equal(t, "E16", cl.Exchange("qRcmd,"+hexOf("fail")))
	require.Equal(t, "E16", cl.Exchange("qRcmd,zz"))
	require.Contains(t, f.CallLog(), `Monitor "echo hi there"`)
}

func TestLLDBExtras(t *testing.T) {
	runFamily(t, []familyCase{
		{name: "lldb 14 start", steps: []exchange{
			{"QStartNoAckMode", "OK"},
		}},
		{name: "queries", steps: []exchange{
			{"qHostInfo", "triple:" + hexOf("aarch64-unknown-none") + ";endian:little;ptrsize:8;watchpoint_exceptions_received:before;"},
			{"qProcessInfo", "pid:1;*"},
			{"qWatchpointSupportInfo:", "num:4;"},
			{"qWatchpointSupportInfo", "num:4;"},
			{"qRegisterInfo0", "name:x0;bitsize:64;offset:0;encoding:uint;format:hex;set:General Purpose Registers;ehframe:0;dwarf:0;generic:arg1;"},
			{"qRegisterInfo20", "name:pc;bitsize:64;offset:256;*"},
			{"qRegisterInfo1000", "E45"},
			{"QThreadSuffixSupported", "OK"},
			{"QListThreadsInStopReply", "OK"},
			{"vCont;s:0001", "T05thread:1;core:0;threads:1,2;"},
			{"qThreadStopInfo1", "T05thread:1;core:0;threads:1,2;"},
			{"qThreadStopInfo2", "T00thread:2;core:1;"},
			{"qThreadStopInfo9", "E02"},
			{"jThreadsInfo", ""},
		}},
	})
}

// flakyWatch refuses watchpoints as unsupported after the first one.
type flakyWatch struct {
	*rsptest.FakeTarget
	n int
}

func (f *flakyWatch) AddWatchpoint(addr, length uint64, kind rsp.WatchKind) error {
	f.n++
	if f.n > 1 {
		return rsp.ErrUnsupported
	}
	return f.FakeTarget.AddWatchpoint(addr, length, kind)
}

// TestNeverEmptyAfterOK: once Z2 was answered OK, an unsupported answer from
// the target becomes an error reply (gdb: "conflicting enabled responses").
func TestNeverEmptyAfterOK(t *testing.T) {
	f := &flakyWatch{FakeTarget: rsptest.NewFakeTarget(1)}
	cl, _ := rsptest.StartSession(t, f, rsp.Options{})
	require.Equal(t, "OK", cl.Exchange("Z2,40001000,8"))
	require.Equal(t, "E01", cl.Exchange("Z2,40002000,8"))
	// A type never accepted may still be unsupported.
	f2 := &flakyWatch{FakeTarget: rsptest.NewFakeTarget(1), n: 1}
	cl2, _ := rsptest.StartSession(t, f2, rsp.Options{})
	require.Equal(t, "", cl2.Exchange("Z3,40001000,8"))
}

// panicky panics in ReadMemory and Resume.
type panicky struct{ *rsptest.FakeTarget }

func (p panicky) ReadMemory(uint64, []byte) (int, error)      { panic("boom") }
func (p panicky) Resume([]rsp.Action) (rsp.StopReason, error) { panic("boom") }

// TestTargetPanicEndsSession: a panicking target ends the session with an
// error, and the process lives on.
func TestTargetPanicEndsSession(t *testing.T) {
	for _, pkt := range []string{"m40000000,4", "vCont;c"} {
		f := panicky{rsptest.NewFakeTarget(1)}
		cl, done := rsptest.StartSession(t, f, rsp.Options{})
		cl.Send(pkt)
		select {
		case err := <-done:
			var fe *rsp.FatalError
			require.ErrorAs(t, err, &fe)
		case <-time.After(5 * time.Second):
			t.Fatal("session did not end")
		}
	}
}

// A copy of a packet that arrives with it, before its reply was sent, is a retransmission (gdb resends after
// its ack timeout): it is acked but not answered again, so later replies stay in step. In no-ack mode
// nothing is retransmitted, and two packets are two requests.
func TestRetransmittedPacketAnsweredOnce(t *testing.T) {
	l := listen(t, "tcp") // a buffered transport: on net.Pipe both sides would block writing their acks
	t.Cleanup(func() { l.Close() })
	go rsp.NewServer(rsptest.NewFakeTarget(1), rsp.Options{}).Serve(l)
	cl := dial(t, "tcp", l.Addr().String())
	q := rsptest.Frame("qSupported:multiprocess+")
	cl.SendRaw("+" + q + q)
	require.Equal(t, byte('+'), cl.Byte())
	require.True(t, strings.HasPrefix(cl.Recv(), "PacketSize="))
	require.Equal(t, byte('+'), cl.Byte()) // the copy is acked
	require.Equal(t, "", cl.Exchange("vMustReplyEmpty"))
	require.Equal(t, "OK", cl.Exchange("Hg1"))
	// A different packet in the same read is answered.
	cl.SendRaw(rsptest.Frame("Hg1") + rsptest.Frame("qC"))
	require.Equal(t, byte('+'), cl.Byte())
	require.Equal(t, "OK", cl.Recv())
	require.Equal(t, byte('+'), cl.Byte())
	require.Equal(t, "QCp1.1", cl.Recv())

	require.Equal(t, "OK", cl.Exchange("QStartNoAckMode"))
	cl.NoAck = true
	cl.SendRaw(rsptest.Frame("qC") + rsptest.Frame("qC"))
	require.Equal(t, "QCp1.1", cl.Recv())
	require.Equal(t, "QCp1.1", cl.Recv())
}

// Extended mode: vRun and R restart the target (R with no reply); after a kill or detach there is no process
// (no threads, E01 for what needs one, W00 for '?') until vAttach or vRun.
func TestExtendedRunKillAttach(t *testing.T) {
	noProcess := []exchange{
		{"qfThreadInfo", "l"}, {"qsThreadInfo", "l"},
		{"qXfer:threads:read::0,fff", "l<?xml version=\"1.0\"?>\n<threads>\n</threads>\n"},
		{"g", "E01"}, {"G00000000", "E01"}, {"p20", "E01"}, {"m40000000,4", "E01"}, {"M40000000,1:00", "E01"},
		{"vCont;c", "E01"}, {"c", "E01"}, {"s", "E01"}, {"Z2,40001000,8", "E01"}, {"D;1", "E01"},
		{"Hg1", "E16"}, {"T1", "E02"}, {"?", "W00"}, {"vCont?", "vCont;c;C;s;S"}, {"qAttached", "1"},
	}
	f := rsptest.NewFakeTarget(2)
	cl, _ := rsptest.StartSession(t, f, rsp.Options{})
	open := cl.Exchange("vFile:open:" + hexOf("/fake/kernel.elf") + ",0,0")
	require.True(t, strings.HasPrefix(open, "F"), open)
	fd := strings.TrimPrefix(open, "F")
	steps := []exchange{
		{"!", "OK"}, {"Z2,40001000,8", "OK"}, {"P20=0800004000000000", "OK"},
		{"vRun;", "T05thread:1;core:0;"}, {"p20", "0000004000000000"}, {"qfThreadInfo", "m1,2"},
		{"vKill;2", "E01"}, {"vKill;1", "OK"},
	}
	steps = append(steps, noProcess...)
	steps = append(steps, exchange{"vAttach;1", "T05thread:1;core:0;"}, exchange{"qfThreadInfo", "m1,2"},
		exchange{"m40000000,4", "00000000"}, exchange{"D;1", "OK"})
	steps = append(steps, noProcess...)
	for i, s := range steps {
		require.Equal(t, s.want, cl.Exchange(s.send), "#%d %q", i, s.send)
	}
	require.Equal(t, "F0", cl.Exchange("vFile:close:"+fd), "vFile handles outlive a kill and a detach")
	cl.Send("R00") // no reply; the target is restarted and attached
	require.Equal(t, "T05thread:1;core:0;", cl.Exchange("?"))
	cl.Send("k") // in extended mode k kills and stays connected, with no reply
	require.Equal(t, "l", cl.Exchange("qfThreadInfo"))
	require.Equal(t, "T05thread:1;core:0;", cl.Exchange("vRun;"+hexOf("/bin/sh")+";"+hexOf("-c")))

	log := strings.Join(f.CallLog(), "\n")
	require.Equal(t, 3, strings.Count(log, "Restart"), log)
	require.Equal(t, 1, strings.Count(log, "RemoveWatchpoint 0x40001000 8 write"), "vRun removes the client's points first")
	require.Equal(t, []rsp.DetachKind{rsp.DetachKill, rsp.DetachKill, rsp.DetachPacket, rsp.DetachKill}, f.Detaches)
}

// An attaching client hears which thread is stopped, not why the target last stopped for an earlier client.
func TestAttachReportsAPlainStop(t *testing.T) {
	for _, c := range []struct {
		name string
		stop rsp.StopReason
		want string
	}{
		{"hwbreak", rsp.StopReason{Kind: rsp.StopHwBreak, Thread: 2}, "T05thread:p1.2;core:1;"},
		{"watch", rsp.StopReason{Kind: rsp.StopWatch, Addr: 0x40001000, Thread: 1}, "T05thread:p1.1;core:0;"},
		{"interrupted", rsp.StopReason{Kind: rsp.StopInterrupted, Thread: 2}, "T05thread:p1.2;core:1;"},
		{"exited", rsp.StopReason{Kind: rsp.StopExited}, "W00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := rsptest.NewFakeTarget(2)
			f.AttachStop = &c.stop
			cl, _ := rsptest.StartSession(t, f, rsp.Options{})
			cl.Exchange("qSupported:multiprocess+;hwbreak+;swbreak+")
			require.Equal(t, c.want, cl.Exchange("?"))
		})
	}
}

// A Ctrl-C that arrives after the Resume returned on its own (the stop and the interrupt cross) does not stop
// the next resume at once.
func TestInterruptCrossingAStopIsDropped(t *testing.T) {
	f := rsptest.NewFakeTarget(2)
	entered, proceed := make(chan struct{}), make(chan struct{})
	f.Script = []rsptest.ScriptedStop{
		{Stop: rsp.StopReason{Kind: rsp.StopHwBreak, Thread: 2}, Before: func(*rsptest.FakeTarget) {
			close(entered)
			<-proceed
		}},
		{Stop: rsp.StopReason{Kind: rsp.StopHwBreak, Thread: 1}},
	}
	cl, _ := rsptest.StartSession(t, f, rsp.Options{})
	cl.Send("vCont;c")
	<-entered // the Resume is past its check for an early interrupt
	cl.SendRaw("\x03")
	require.Eventually(t, f.InterruptPending, 5*time.Second, time.Millisecond)
	close(proceed)
	require.Equal(t, "T05thread:2;core:1;", cl.Recv())
	require.Equal(t, "T05thread:1;core:0;", cl.Exchange("vCont;c"), "the stale interrupt stopped the next resume")
}

// In extended mode an exit (W) leaves no process, as a kill does; vRun starts the target again.
func TestExtendedExitLeavesNoProcess(t *testing.T) {
	f := rsptest.NewFakeTarget(2)
	f.Script = []rsptest.ScriptedStop{{Stop: rsp.StopReason{Kind: rsp.StopExited}}}
	cl, _ := rsptest.StartSession(t, f, rsp.Options{})
	for i, s := range []exchange{
		{"!", "OK"}, {"Z2,40001000,8", "OK"}, {"vCont;c", "W00"},
		{"qfThreadInfo", "l"}, {"g", "E01"}, {"vRun;", "T05thread:1;core:0;"}, {"qfThreadInfo", "m1,2"},
	} {
		require.Equal(t, s.want, cl.Exchange(s.send), "#%d %q", i, s.send)
	}
	_, _, w := f.Inserted()
	require.Zero(t, w, "the exit removed the client's watchpoint")
	require.Equal(t, []rsp.DetachKind{rsp.DetachKill}, detaches(f))
}
