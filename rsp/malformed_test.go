package rsp_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// Reply expectations for raw input.
const (
	nak     = "NAK"     // '-' and no reply
	silence = "SILENCE" // neither ack nor reply
)

// TestMalformedPackets sends one bad input per case and checks the answer,
// then checks that the session still serves a normal request.
func TestMalformedPackets(t *testing.T) {
	big := strings.Repeat("a", rsp.DefaultPacketSize+1)
	cases := []struct {
		name string
		raw  string // sent as is when it starts with '$' or is not a packet; otherwise framed
		want string
	}{
		// framing
		{"bad checksum", "$g#00", nak},
		{"checksum not hex", "$g#xy", nak},
		{"checksum one digit then $", "$g#6$?#3f", "T05thread:1;core:0;"}, // restart wins
		{"overlong packet", "$" + big + "#00", "E16"},
		{"overlong through RLE", "$" + strings.Repeat("a*~", 200) + "#00", "E16"},
		{"stray bytes", "garbage\x00\xff", silence},
		{"interrupt while stopped", "\x03", silence},
		{"stray ack", "+", silence},
		{"stray nak before any reply", "-", silence},
		{"empty packet", "", ""},
		// unknown and unsupported
		{"unknown letter", "J", ""},
		{"unknown q", "qWhatever", ""},
		{"unknown Q", "QWhatever:1", ""},
		{"unknown v", "vWhatever", ""},
		{"vRun outside extended mode", "vRun;" + hexOf("/bin/sh"), "E01"},
		{"binary byte packet", "\x01\x02", ""},
		// registers
		{"p bad hex", "pzz", "E16"},
		{"p huge number", "pffffffffffffffffff", "E16"},
		{"p no such register", "p400", "E16"},
		{"P missing value", "P1", "E16"},
		{"P odd hex", "P1=123", "E16"},
		{"P wrong size", "P1=00", "E16"},
		{"G odd hex", "G0", "E16"},
		{"G bad hex", "Gqq", "E16"},
		{"g bad thread suffix", "g;thread:zz;", "E16"},
		{"g thread suffix out of range", "g;thread:9;", "E16"},
		// memory
		{"m missing length", "m40000000", "E16"},
		{"m bad address", "mzz,4", "E16"},
		{"m bad length", "m40000000,zz", "E16"},
		{"m empty fields", "m,", "E16"},
		{"m overlong address", "m11112222333344445,4", "E16"},
		{"m huge length is clamped", "m40000000,ffffffffffffffff", strings.Repeat("0", 2*((rsp.DefaultPacketSize-8)/2))},
		{"m beyond PacketSize", "m40000000,4000", strings.Repeat("0", 2*((rsp.DefaultPacketSize-8)/2))},
		{"m wraps the address space", "mfffffffffffffffc,10", "E0e"},
		{"m unmapped", "m0,4", "E0e"},
		{"M missing data", "M40000000,4", "E16"},
		{"M short data", "M40000000,4:00", "E16"},
		{"M odd hex", "M40000000,1:0", "E16"},
		{"M bad hex", "M40000000,1:zz", "E16"},
		{"M huge length", "M40000000,ffffffffffffffff:00", "E16"},
		{"M wraps", "Mffffffffffffffff,2:0000", "E0e"},
		{"X length mismatch", "X40000000,4:ab", "E16"},
		{"X trailing escape", "X40000000,1:}", "E16"},
		{"X missing colon", "X40000000,1", "E16"},
		// breakpoints and watchpoints
		{"Z bad type", "Z9,40000000,4", ""},
		{"z bad type", "z7,40000000,4", ""},
		{"Z two-digit type", "Z22,40000000,4", ""},
		{"Z missing kind", "Z0,40000000", "E16"},
		{"Z bad address", "Z0,xyz,4", "E16"},
		{"Z zero-length watch", "Z2,40000000,0", "E16"},
		{"Z huge breakpoint kind", "Z1,40000000,ffffffff", "E16"},
		{"Z empty", "Z", "E16"},
		// run control
		{"vCont no actions", "vCont", "E16"},
		{"vCont empty action", "vCont;;c", "E16"},
		{"vCont unknown action", "vCont;q", "E16"},
		{"vCont bad signal", "vCont;Cxx", "E16"},
		{"vCont bad thread", "vCont;s:p1.zz", "E16"},
		{"vCont no thread matches", "vCont;s:p1.63", "E16"},
		{"vCont other process", "vCont;c:p5.1", "E16"},
		{"vCont range step", "vCont;r40000000,40000010:p1.1", "E16"},
		{"c with address", "c40000000", "E16"},
		{"s with address", "s40000000", "E16"},
		{"C without signal", "C", "E16"},
		{"S bad signal", "Sxx", "E16"},
		{"C with address", "C05;40000000", "E16"},
		// threads
		{"H bad op", "Hq1", "E16"},
		{"H no thread", "Hg", "E16"},
		{"H bad thread", "Hgxyz", "E16"},
		{"H unknown thread", "Hg40", "E16"},
		{"T bad thread", "T", "E16"},
		{"T unknown thread", "T40", "E02"},
		{"qThreadExtraInfo bad", "qThreadExtraInfo,", "E16"},
		{"qThreadExtraInfo huge", "qThreadExtraInfo,ffffffffffffffff", "E16"},
		// qXfer
		{"qXfer missing fields", "qXfer:features:read", "E16"},
		{"qXfer bad offset", "qXfer:features:read:target.xml:zz,10", "E16"},
		{"qXfer huge offset", "qXfer:features:read:target.xml:ffffffffffffffff,10", "l"},
		{"qXfer huge length", "qXfer:features:read:target.xml:0,ffffffffffffffff", "l*"},
		{"qXfer unknown annex", "qXfer:features:read:../../etc/passwd:0,10", "E02"},
		{"qXfer unknown object", "qXfer:memory-map:read::0,10", ""},
		{"qXfer write", "qXfer:features:write:target.xml:0:abc", ""},
		{"qXfer threads with annex", "qXfer:threads:read:x:0,10", "E16"},
		{"qXfer exec-file other pid", "qXfer:exec-file:read:2:0,10", "E02"},
		// vFile
		{"vFile open other path", "vFile:open:" + hexOf("/etc/shadow") + ",0,0", "F-1,2"},
		{"vFile open relative path", "vFile:open:" + hexOf("kernel.elf") + ",0,0", "F-1,2"},
		{"vFile open for write", "vFile:open:" + hexOf("/fake/kernel.elf") + ",2,0", "F-1,d"},
		{"vFile open bad hex", "vFile:open:2f6,0,0", "F-1,16"},
		{"vFile pread bad fd", "vFile:pread:zz,1,0", "F-1,9"},
		{"vFile pread closed fd", "vFile:pread:3,1,0", "F-1,9"},
		{"vFile pread missing fields", "vFile:pread:3", "F-1,16"},
		{"vFile fstat bad fd", "vFile:fstat:99", "F-1,9"},
		{"vFile pwrite", "vFile:pwrite:3,0,41", "F-1,d"},
		{"vFile unlink", "vFile:unlink:" + hexOf("/fake/kernel.elf"), "F-1,d"},
		{"vFile unknown op", "vFile:mkdir:2f", ""},
		// monitor and the rest
		{"qRcmd odd hex", "qRcmd,686", "E16"},
		{"qRcmd bad hex", "qRcmd,zz", "E16"},
		{"D bad form", "Dx", "E16"},
		{"D other pid", "D;5", "E02"},
		{"D bad pid", "D;zz", "E16"},
		{"vAttach bad pid", "vAttach;zz", "E16"},
		{"vAttach other pid", "vAttach;2", "E02"},
		{"vKill other pid", "vKill;ffff", "E01"},
		{"vKill bad pid", "vKill;zz", "E16"},
		{"vKill no pid", "vKill", "E16"},
		{"qRegisterInfo bad", "qRegisterInfozz", "E45"},
		{"qThreadStopInfo bad", "qThreadStopInfo", "E02"},
	}
	require.GreaterOrEqual(t, len(cases), 50)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := rsptest.NewFakeTarget(2)
			cl, _ := rsptest.StartSession(t, f, rsp.Options{})
			raw := c.raw
			framed := raw == "" || (raw[0] != '$' && raw[0] != '+' && raw[0] != '-' && raw[0] != 0x03 && !strings.HasPrefix(raw, "garbage"))
			if framed {
				raw = rsptest.Frame(raw)
			}
			cl.SendRaw(raw)
			switch {
			case c.want == nak:
				require.Equal(t, byte('-'), cl.Byte())
			case c.want == silence:
			default:
				require.Equal(t, byte('+'), cl.Byte())
				got := cl.Recv()
				if strings.HasSuffix(c.want, "*") {
					require.True(t, strings.HasPrefix(got, strings.TrimSuffix(c.want, "*")), "got %q", got)
				} else {
					require.Equal(t, c.want, got)
				}
			}
			// The session is alive and well.
			require.Equal(t, "T05thread:1;core:0;", cl.Exchange("?"))
		})
	}
}
