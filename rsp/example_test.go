package rsp_test

import (
	"bufio"
	"fmt"
	"net"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// A session on one end of a pipe; the other end speaks the wire protocol.
func ExampleNewSession() {
	server, client := net.Pipe()
	target := rsptest.NewFakeTarget(2)
	done := make(chan error)
	go func() { done <- rsp.NewSession(target, server, rsp.Options{}).Run() }()

	r := bufio.NewReader(client)
	ask := func(payload string) {
		client.Write(rsp.AppendPacket(nil, []byte(payload), false))
		ack, _ := r.ReadByte()
		reply, _ := r.ReadString('#')
		r.Discard(2) // checksum
		client.Write([]byte{'+'})
		fmt.Printf("%s %c %s\n", payload, ack, reply[1:len(reply)-1])
	}
	ask("qSupported:multiprocess+")
	ask("qfThreadInfo")
	ask("vCont;s:p1.2")
	ask("D;1")
	fmt.Println(<-done)
	// Output:
	// qSupported:multiprocess+ + PacketSize=4000;QStartNoAckMode+;swbreak+;hwbreak+;qXfer:features:read+;qXfer:threads:read+;qXfer:exec-file:read+;vContSupported+;multiprocess+
	// qfThreadInfo + mp1.1,p1.2
	// vCont;s:p1.2 + T05thread:p1.2;core:1;
	// D;1 + OK
	// <nil>
}
