package rsp

import (
	"errors"
	"fmt"
)

// Errno is an error a target reports to the client; it is sent as "E"
// followed by two hex digits. Capability methods return it (or wrap it) to
// choose the code. Values follow the Linux errno numbers gdbserver uses.
type Errno uint8

// Common errno values.
const (
	EPERM  Errno = 0x01
	ENOENT Errno = 0x02
	EIO    Errno = 0x05
	EBADF  Errno = 0x09
	EACCES Errno = 0x0d
	EFAULT Errno = 0x0e
	EBUSY  Errno = 0x10
	EINVAL Errno = 0x16
	EMFILE Errno = 0x18
	ENOSPC Errno = 0x1c
)

func (e Errno) Error() string { return fmt.Sprintf("rsp: target error E%02x", uint8(e)) }

// ErrUnsupported from a capability method means "this request is not
// supported": the client gets the empty reply. The session never sends an
// empty reply for a Z type it has already answered OK (gdb treats that as a
// protocol error); it sends E01 instead.
var ErrUnsupported = errors.New("rsp: unsupported")

// FatalError ends the session. Wrap a target failure in it (with Fatal)
// when the target can no longer serve this client.
type FatalError struct{ Err error }

func (e *FatalError) Error() string { return "rsp: fatal: " + e.Err.Error() }
func (e *FatalError) Unwrap() error { return e.Err }

// Fatal wraps err so that the session ends after it.
func Fatal(err error) error { return &FatalError{Err: err} }

// ProtocolError is a protocol violation by the client: bad framing, a
// malformed packet or an out-of-range field. The session logs it and answers
// with a NAK or an "E" reply; it never ends the session by itself.
type ProtocolError string

func (e ProtocolError) Error() string { return "rsp: protocol error: " + string(e) }

// errnoOf maps a target error to the code sent to the client, with def for
// plain errors.
func errnoOf(err error, def Errno) Errno {
	var e Errno
	if errors.As(err, &e) {
		return e
	}
	return def
}
