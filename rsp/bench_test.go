package rsp_test

import (
	"net"
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// benchClient connects a no-ack client to a Server over loopback TCP, the
// way gdb talks to the stub.
func benchClient(b *testing.B, f *rsptest.FakeTarget) *rsptest.Client {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go rsp.NewServer(f, rsp.Options{}).Serve(l)
	b.Cleanup(func() { l.Close() })
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	c := rsptest.NewClient(b, conn)
	if c.Exchange("QStartNoAckMode") != "OK" {
		b.Fatal("no-ack mode refused")
	}
	c.NoAck = true
	return c
}

// BenchmarkStepRoundTrip is one stepi's worth of protocol: vCont;s and the
// stop reply.
func BenchmarkStepRoundTrip(b *testing.B) {
	c := benchClient(b, rsptest.NewFakeTarget(2))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.Send("vCont;s:p1.1;c:p1.-1")
		c.Recv()
	}
}

// BenchmarkReadMemory reads 0x1000 bytes per 'm' packet.
func BenchmarkReadMemory(b *testing.B) {
	c := benchClient(b, rsptest.NewFakeTarget(1))
	b.SetBytes(0x1000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.Send("m40000000,1000")
		c.Recv()
	}
}
