package rsp

import (
	"time"

	"go.uber.org/zap"
)

// DefaultPacketSize is the PacketSize advertised and enforced unless Options
// say otherwise: the largest payload gdb 13 uses for memory packets.
const DefaultPacketSize = 0x4000

// Options configure a Session or a Server.
type Options struct {
	// Logger receives session events; nil logs nothing.
	Logger *zap.Logger
	// LogPackets logs every packet at info level as "<- payload" (from the
	// client) and "-> payload" (to the client), truncated to 200 bytes.
	LogPackets bool
	// PacketSize is the largest packet payload accepted and advertised
	// (0 means DefaultPacketSize; smaller values are raised to it).
	PacketSize int
	// NoRLE turns run-length encoding of replies off.
	NoRLE bool
	// FirstPacketTimeout closes a connection that sends no packet for this
	// long after it was accepted (0 means DefaultFirstPacketTimeout), so a
	// probe that keeps its connection open cannot keep the next client
	// waiting for ever. Only connections with read deadlines (sockets).
	FirstPacketTimeout time.Duration
}

// DefaultFirstPacketTimeout: gdb and lldb send their first packet at once.
const DefaultFirstPacketTimeout = 30 * time.Second

func (o Options) firstPacketTimeout() time.Duration {
	if o.FirstPacketTimeout <= 0 {
		return DefaultFirstPacketTimeout
	}
	return o.FirstPacketTimeout
}

func (o Options) packetSize() int {
	if o.PacketSize < DefaultPacketSize {
		return DefaultPacketSize
	}
	return o.PacketSize
}

func (o Options) logger() *zap.Logger {
	if o.Logger == nil {
		return zap.NewNop()
	}
	return o.Logger
}
