package rsptest

import (
	"bufio"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
)

// Client is a minimal RSP client for tests: it frames packets, checks and
// sends acks, and undoes run-length encoding in replies.
type Client struct {
	t       testing.TB
	conn    net.Conn
	r       *bufio.Reader
	NoAck   bool          // set after QStartNoAckMode was answered OK
	Timeout time.Duration // per reply (default 5 s)
}

// NewClient wraps conn.
func NewClient(t testing.TB, conn net.Conn) *Client {
	return &Client{t: t, conn: conn, r: bufio.NewReader(conn), Timeout: 5 * time.Second}
}

// StartSession runs an rsp.Session for target on one end of a net.Pipe and
// returns a client on the other. The session's result arrives on done; the
// test's cleanup closes the pipe and waits for it.
func StartSession(t testing.TB, target rsp.Target, opts rsp.Options) (c *Client, done <-chan error) {
	t.Helper()
	server, client := net.Pipe()
	errc := make(chan error, 1)
	ended := make(chan struct{})
	go func() {
		err := rsp.NewSession(target, server, opts).Run()
		server.Close()
		errc <- err
		close(ended)
	}()
	t.Cleanup(func() {
		client.Close()
		select {
		case <-ended:
		case <-time.After(5 * time.Second):
			t.Errorf("session did not end after the client closed")
		}
	})
	return NewClient(t, client), errc
}

// Frame returns "$payload#cs".
func Frame(payload string) string {
	return string(rsp.AppendPacket(nil, []byte(payload), false))
}

// SendRaw writes bytes as they are.
func (c *Client) SendRaw(b string) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(c.Timeout))
	if _, err := c.conn.Write([]byte(b)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// Send frames and writes a packet and, in ack mode, reads the ack.
func (c *Client) Send(payload string) {
	c.t.Helper()
	c.SendRaw(Frame(payload))
	if !c.NoAck {
		if a := c.Byte(); a != '+' {
			c.t.Fatalf("sent %q: got %q, want ack", payload, a)
		}
	}
}

// Byte reads one byte.
func (c *Client) Byte() byte {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(c.Timeout))
	b, err := c.r.ReadByte()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return b
}

// Recv reads one packet, checks its checksum, acks it and returns its
// payload with run-length encoding undone. Stray acks are skipped.
func (c *Client) Recv() string {
	c.t.Helper()
	p, err := c.TryRecv()
	if err != nil {
		c.t.Fatalf("recv: %v", err)
	}
	return p
}

// TryRecv is Recv that returns errors instead of failing the test.
func (c *Client) TryRecv() (string, error) {
	c.conn.SetReadDeadline(time.Now().Add(c.Timeout))
	for {
		b, err := c.r.ReadByte()
		if err != nil {
			return "", err
		}
		if b == '$' {
			break
		}
	}
	var raw []byte
	var sum uint8
	for {
		b, err := c.r.ReadByte()
		if err != nil {
			return "", err
		}
		if b == '#' {
			break
		}
		raw = append(raw, b)
		sum += b
	}
	var cs [2]byte
	for i := range cs {
		b, err := c.r.ReadByte()
		if err != nil {
			return "", err
		}
		cs[i] = b
	}
	if fmt.Sprintf("%02x", sum) != string(cs[:]) {
		return "", fmt.Errorf("bad checksum %s for %q (want %02x)", cs[:], raw, sum)
	}
	if !c.NoAck {
		c.conn.SetWriteDeadline(time.Now().Add(c.Timeout))
		c.conn.Write([]byte{'+'}) // the server may be gone after a final reply

	}
	out, err := rsp.DecodeRLE(nil, raw)
	return string(out), err
}

// Exchange sends a packet and returns the reply.
func (c *Client) Exchange(payload string) string {
	c.t.Helper()
	c.Send(payload)
	return c.Recv()
}

// ExpectSilence checks that nothing arrives within d.
func (c *Client) ExpectSilence(d time.Duration) {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(d))
	if b, err := c.r.ReadByte(); err == nil {
		c.t.Fatalf("unexpected byte %q", b)
	}
}

// Close closes the client's end.
func (c *Client) Close() { c.conn.Close() }
