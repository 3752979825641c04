package gdbtarget

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// answerBound is how long the session may take to show it is alive after a packet (a bound against a hang,
// not a timing assertion: a resume runs at most fuzzResumeLimit instructions, a cross-call at most callLimit).
const answerBound = 20 * time.Second

// firstWait is how long a packet's answer is waited for before the probe (\x03 and '?') is sent.
const firstWait = 2 * time.Second

// fuzzResumeLimit bounds each gdb resume, so a continue without a stop answers as interrupted.
const fuzzResumeLimit = 2_000_000

// FuzzSessionOverMachine drives rsp.Session over the real adapter, machine and embedded kernel. The input is
// one packet payload per line (a line "\x03" interrupts the packet before it). After every packet the session must answer (or
// end); one that sends nothing, even after \x03 and '?', is wedged. testdata/fuzz holds the Z2 sequence of
// issue 9 that wedged the kernel route before cross-calls had a limit.
func FuzzSessionOverMachine(f *testing.F) {
	counter := fmt.Sprintf("%x", symAddr(f, kernelsim.SymWorkloadCounter))
	done := fmt.Sprintf("%x", symAddr(f, kernelsim.SymWorkloadDone))
	for _, seed := range [][]string{
		{"?", "g", "Z2," + counter + ",8", "vCont;c", "z2," + counter + ",8", "vCont;s:p1.1", "D"},
		{"Z1," + done + ",4", "vCont;c", "z1," + done + ",4", "Z3," + counter + ",40", "vCont;c", "\x03", "k"},
		{"qRcmd,736c6f7473", "qRcmd,7265736574", "Z4," + counter + ",1", "c", "m" + counter + ",8"},
		{"Z0," + done + ",4", "vCont;c", "M" + counter + ",8:0102030405060708", "G00", "p20", "P1=00"},
	} {
		f.Add([]byte(strings.Join(seed, "\n")))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		a, err := Start(Config{Machine: target.Config{CPUs: 2, RAMSize: 4 << 20, LivelockThreshold: target.DefaultLivelockThreshold}})
		if err != nil {
			t.Fatal(err)
		}
		a.resumeLimit = fuzzResumeLimit
		server, client := net.Pipe()
		ended := make(chan struct{})
		go func() {
			rsp.NewSession(a, server, rsp.Options{}).Run()
			server.Close()
			close(ended)
		}()
		defer func() {
			client.Close()
			select {
			case <-ended:
			case <-time.After(answerBound):
				t.Fatalf("the session did not end after the client left; input %q", in)
			}
			a.haltFree()
		}()
		c := &fuzzClient{t: t, conn: client, in: in, more: make(chan struct{}, 1), eof: make(chan struct{})}
		go c.drain()
		if !c.exchange(rsptest.Frame("QStartNoAckMode")) {
			return
		}
		for _, send := range sends(in) {
			if !c.exchange(send) {
				return
			}
		}
		c.exchange("\x03" + rsptest.Frame("?"))
	})
}

// fuzzClient sends raw bytes and waits for the session to show it is alive.
type fuzzClient struct {
	t     *testing.T
	conn  net.Conn
	in    []byte
	total atomic.Int64  // bytes the session sent
	more  chan struct{} // a signal that total grew
	eof   chan struct{} // closed when the session's side closed
}

func (c *fuzzClient) drain() {
	b := make([]byte, 4096)
	for {
		n, err := c.conn.Read(b)
		c.total.Add(int64(n))
		select {
		case c.more <- struct{}{}:
		default:
		}
		if err != nil {
			close(c.eof)
			return
		}
	}
}

// exchange sends b and waits until the session sends anything; false when it has ended. A session that stays
// silent, even after \x03 and '?', fails the test.
func (c *fuzzClient) exchange(b string) bool {
	before := c.total.Load()
	for i, send := range []string{b, "\x03" + rsptest.Frame("?")} {
		c.conn.SetWriteDeadline(time.Now().Add(answerBound))
		if _, err := c.conn.Write([]byte(send)); err != nil {
			return false
		}
		// A packet may have no answer (an interrupt while stopped): a short wait, then the probe, which must
		// be answered.
		wait := answerBound
		if i == 0 {
			wait = firstWait
		}
		if c.await(before, wait) {
			return true
		}
		select {
		case <-c.eof:
			return false
		default:
		}
	}
	c.t.Fatalf("the session is wedged after %q; input %q", b, c.in)
	return false
}

// await waits up to wait for the session to send more than before bytes in all.
func (c *fuzzClient) await(before int64, wait time.Duration) bool {
	deadline := time.After(wait)
	for c.total.Load() == before {
		select {
		case <-c.more:
		case <-c.eof:
			return c.total.Load() > before
		case <-deadline:
			return false
		}
	}
	return true
}

// sends cuts the input into what is sent at once: one framed packet per line, and a line "\x03" joined to the
// packet before it (an interrupt while that packet runs).
func sends(in []byte) []string {
	var out []string
	for _, line := range bytes.Split(in, []byte("\n")) {
		if string(line) == "\x03" && len(out) > 0 {
			out[len(out)-1] += "\x03"
			continue
		}
		out = append(out, rsptest.Frame(string(line)))
	}
	return out
}
