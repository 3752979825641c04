package tests

import (
	"bytes"
	"debug/elf"
	"fmt"
	"math/rand"
	"net"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// Issue 9: 1000 clients that vanish at random points — mid-packet, while the machine runs, with points
// inserted, by RST or by an orderly close — leave the server answering, its goroutines back at the baseline,
// no point armed and the kernel's text unchanged.
func TestAbruptCloseCycles(t *testing.T) {
	for _, route := range []string{"kernel", "external"} {
		t.Run(route, func(t *testing.T) {
			s := startServer(t, "--hw-debug", route)
			counter, done := symbolAddr(t, kernelsim.SymWorkloadCounter), symbolAddr(t, kernelsim.SymWorkloadDone)

			first := dialRSP(t, s.Addr)
			handshake(first)
			baseline := serverGoroutines(t, first)
			first.Close()

			rng := rand.New(rand.NewSource(9))
			cycles := 1000
			for i := 0; i < cycles; i++ {
				abruptCycle(t, s.Addr, rng, counter, done)
			}

			c := dialRSP(t, s.Addr)
			handshake(c)
			require.Regexp(t, `^T0[25]`, c.Exchange("?"))
			// Teardown of the last session may still be finishing its goroutines; give it a moment.
			var now int
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				if now = serverGoroutines(t, c); now <= baseline || time.Now().After(deadline) {
					break
				}
			}
			if now > baseline {
				// The server's goroutine stacks (the Go runtime prints them on SIGQUIT) say which one leaked.
				_ = s.cmd.Process.Signal(syscall.SIGQUIT)
				time.Sleep(500 * time.Millisecond)
			}
			require.LessOrEqual(t, now, baseline, "goroutines after %d abrupt closes", cycles)
			stats := monitor(t, c, "stats")
			require.Regexp(t, `gdb comparators in use: 0 of 6 breakpoints, 0 of 4 watchpoints`, stats)
			require.NotContains(t, stats, "software breakpoints")
			if route == "kernel" {
				require.Regexp(t, `kernel route: 0 gdb requests`, stats)
			}
			requireKernelTextUnchanged(t, c)
			require.Equal(t, "OK", c.Exchange("D"))
		})
	}
}

func abruptCycle(t *testing.T, addr string, rng *rand.Rand, counter, done uint64) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	c := rsptest.NewClient(t, conn)
	packets := []string{
		"qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+",
		"?",
		fmt.Sprintf("Z2,%x,8", counter),
		fmt.Sprintf("Z1,%x,4", done),
		"vCont;c",
	}
	n := rng.Intn(len(packets) + 1)
	for _, p := range packets[:n] {
		if p == "vCont;c" {
			c.Send(p) // the machine runs; the client vanishes while it does
			continue
		}
		reply := c.Exchange(p)
		if strings.HasPrefix(reply, "E") {
			t.Logf("slots:\n%s\nstats:\n%s", monitor(t, c, "slots"), monitor(t, c, "stats"))
		}
		require.NotEmpty(t, reply, "%s got an empty reply", p)
		require.NotRegexp(t, `^E`, reply, "%s refused", p)
	}
	switch rng.Intn(3) {
	case 0: // a packet cut short
		frame := rsptest.Frame("m40000000,40")
		c.SendRaw(frame[:1+rng.Intn(len(frame)-1)])
	case 1: // bytes that are not a packet
		c.SendRaw("garbage\x00\xff")
	}
	if rng.Intn(2) == 0 {
		require.NoError(t, conn.(*net.TCPConn).SetLinger(0)) // RST
	}
	conn.Close()
}

func dialRSP(t *testing.T, addr string) *rsptest.Client {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return rsptest.NewClient(t, conn)
}

func handshake(c *rsptest.Client) {
	c.Exchange("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+")
	if c.Exchange("QStartNoAckMode") == "OK" {
		c.NoAck = true
	}
}

// monitor runs a qRcmd and returns its console output.
func monitor(t *testing.T, c *rsptest.Client, cmd string) string {
	t.Helper()
	c.Send("qRcmd," + fmt.Sprintf("%x", cmd))
	var out strings.Builder
	for {
		p := c.Recv()
		if !strings.HasPrefix(p, "O") || p == "OK" {
			require.Equal(t, "OK", p, "monitor %s", cmd)
			return out.String()
		}
		b := make([]byte, len(p[1:])/2)
		for i := range b {
			v, err := strconv.ParseUint(p[1+2*i:3+2*i], 16, 8)
			require.NoError(t, err)
			b[i] = byte(v)
		}
		out.Write(b)
	}
}

var goroutinesRE = regexp.MustCompile(`server goroutines (\d+)`)

func serverGoroutines(t *testing.T, c *rsptest.Client) int {
	t.Helper()
	out := monitor(t, c, "stats")
	m := goroutinesRE.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}

func symbolAddr(t *testing.T, name string) uint64 {
	t.Helper()
	img, err := kernelsim.Parse(kernelsim.KernelELF)
	require.NoError(t, err)
	addr, _, ok := img.Symbols.Lookup(name)
	require.True(t, ok, name)
	return addr
}

// requireKernelTextUnchanged compares the guest's executable segments with the embedded ELF.
func requireKernelTextUnchanged(t *testing.T, c *rsptest.Client) {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(kernelsim.KernelELF))
	require.NoError(t, err)
	checked := 0
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD || p.Flags&elf.PF_X == 0 || p.Filesz == 0 {
			continue
		}
		want := make([]byte, p.Filesz)
		_, err := p.ReadAt(want, 0)
		require.NoError(t, err)
		for off := uint64(0); off < p.Filesz; off += 0x400 {
			n := min(0x400, p.Filesz-off)
			reply := c.Exchange(fmt.Sprintf("m%x,%x", p.Paddr+off, n))
			require.Equal(t, fmt.Sprintf("%x", want[off:off+n]), reply, "kernel text at %#x", p.Paddr+off)
		}
		checked++
	}
	require.NotZero(t, checked)
}
