package gdbtarget

import (
	"io"
	"sync"
	"time"
)

// consoleMux copies the guest console to the local writer and, while a client is attached, to the client.
type consoleMux struct {
	mu     sync.Mutex
	local  io.Writer
	client io.Writer
}

func (c *consoleMux) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.local.Write(p)
	if c.client != nil {
		c.client.Write(p)
	}
	return len(p), nil
}

func (c *consoleMux) setClient(w io.Writer) {
	c.mu.Lock()
	c.client = w
	c.mu.Unlock()
}

func afterMillis(n int) <-chan time.Time { return time.After(time.Duration(n) * time.Millisecond) }
