package rsp

// Framing: "$payload#cs", acks, NAKs, Ctrl-C, escapes and run-length
// encoding. The Decoder works one byte at a time with a bounded buffer and no
// allocation after construction; AppendPacket builds replies.

// Event is what the Decoder reports after a byte.
type Event uint8

const (
	EventNone        Event = iota // nothing complete yet
	EventPacket                   // a packet with a good checksum: Payload()
	EventBadChecksum              // a complete packet whose checksum is wrong
	EventOverflow                 // a complete packet longer than the limit (its payload is dropped)
	EventAck                      // '+'
	EventNak                      // '-'
	EventInterrupt                // 0x03 outside a packet
)

type decodeState uint8

const (
	stIdle decodeState = iota
	stData
	stRLE
	stCS1
	stCS2
)

// Decoder turns the client's byte stream into events. Run-length encoding on
// input is expanded; binary escapes are left in place for the packets that
// carry binary data (see Unescape).
type Decoder struct {
	buf      []byte
	max      int
	state    decodeState
	sum      uint8 // checksum of the raw bytes seen
	cs       uint8 // checksum received
	overflow bool
}

// NewDecoder returns a decoder that accepts payloads of up to max bytes
// (after run-length expansion).
func NewDecoder(max int) *Decoder {
	return &Decoder{buf: make([]byte, 0, max), max: max}
}

// Payload is the payload of the last EventPacket (or EventBadChecksum). It is
// valid until the next call to Step.
func (d *Decoder) Payload() []byte { return d.buf }

// Swap hands the current payload buffer to the caller and continues with
// buf (its contents are discarded), so the caller may keep the payload while
// decoding goes on.
func (d *Decoder) Swap(buf []byte) []byte {
	old := d.buf
	d.buf = buf[:0]
	return old
}

// Reset drops any partial packet.
func (d *Decoder) Reset() { d.state = stIdle; d.buf = d.buf[:0] }

// Step consumes one byte.
func (d *Decoder) Step(c byte) Event {
	switch d.state {
	case stIdle:
		switch c {
		case '$':
			d.start()
		case '+':
			return EventAck
		case '-':
			return EventNak
		case 0x03:
			return EventInterrupt
		}
		return EventNone // anything else between packets is noise
	case stData:
		switch c {
		case '$': // a new packet starts: the client gave up on this one
			d.start()
		case '#':
			d.state = stCS1
		case '*':
			d.sum += c
			if len(d.buf) == 0 {
				d.overflow = true // nothing to repeat: malformed
				return EventNone
			}
			d.state = stRLE
		default:
			d.sum += c
			d.put(c)
		}
	case stRLE:
		d.sum += c
		d.state = stData
		if c < 29+3 || c > 126 { // counts below 3 are never sent; treat as malformed
			d.overflow = true
			return EventNone
		}
		if len(d.buf) == 0 {
			return EventNone
		}
		prev := d.buf[len(d.buf)-1]
		for n := int(c) - 29; n > 0; n-- {
			d.put(prev)
		}
	case stCS1:
		if c == '$' { // a new packet: drop the broken one
			d.start()
			return EventNone
		}
		v, ok := unhex(c)
		if !ok {
			d.state = stIdle
			return EventBadChecksum
		}
		d.cs = v << 4
		d.state = stCS2
	case stCS2:
		if c == '$' {
			d.start()
			return EventNone
		}
		d.state = stIdle
		v, ok := unhex(c)
		if !ok {
			return EventBadChecksum
		}
		d.cs |= v
		if d.overflow {
			d.buf = d.buf[:0]
			return EventOverflow
		}
		if d.cs != d.sum {
			return EventBadChecksum
		}
		return EventPacket
	}
	return EventNone
}

func (d *Decoder) start() {
	d.state = stData
	d.buf = d.buf[:0]
	d.sum = 0
	d.overflow = false
}

func (d *Decoder) put(c byte) {
	if len(d.buf) >= d.max {
		d.overflow = true
		return
	}
	d.buf = append(d.buf, c)
}

// needsEscape reports whether b must be escaped in binary data: '#', '$',
// '}' always, and '*' so that replies never look run-length encoded.
func needsEscape(b byte) bool { return b == '#' || b == '$' || b == '}' || b == '*' }

// AppendEscaped appends src to dst with the binary escapes: each of # $ } *
// becomes '}' followed by the byte xor 0x20.
func AppendEscaped(dst, src []byte) []byte {
	for _, b := range src {
		if needsEscape(b) {
			dst = append(dst, '}', b^0x20)
		} else {
			dst = append(dst, b)
		}
	}
	return dst
}

// Unescape appends the decoded form of escaped binary data src to dst. A
// trailing lone '}' is an error.
func Unescape(dst, src []byte) ([]byte, error) {
	for i := 0; i < len(src); i++ {
		b := src[i]
		if b == '}' {
			i++
			if i == len(src) {
				return dst, ProtocolError("binary data ends in an escape")
			}
			b = src[i] ^ 0x20
		}
		dst = append(dst, b)
	}
	return dst, nil
}

// AppendPacket appends "$payload#cs" to dst. The payload must already be
// escaped where it carries binary data. With rle, runs of a repeated byte
// are run-length encoded: never across an escape (the byte after '}' is not
// repeated), never with '#' or '$' as the count, counts from 3 to 97.
func AppendPacket(dst, payload []byte, rle bool) []byte {
	dst = append(dst, '$')
	start := len(dst)
	if !rle {
		dst = append(dst, payload...)
	} else {
		for i := 0; i < len(payload); {
			b := payload[i]
			dst = append(dst, b)
			i++
			if b == '}' { // copy the escaped byte literally
				if i < len(payload) {
					dst = append(dst, payload[i])
					i++
				}
				continue
			}
			run := 0
			for i+run < len(payload) && payload[i+run] == b && run < 97 {
				run++
			}
			if run < 3 {
				continue // repeats of fewer than 3 are copied by the loop
			}
			if run == 6 || run == 7 { // '#' (6+29) and '$' (7+29) cannot be counts
				run = 5
			}
			dst = append(dst, '*', byte(run+29))
			i += run
		}
	}
	var sum uint8
	for _, b := range dst[start:] {
		sum += b
	}
	return append(dst, '#', hexDigits[sum>>4], hexDigits[sum&15])
}

// DecodeRLE expands run-length encoding in a received reply payload (for
// clients and tests; the server's Decoder does it on input already).
func DecodeRLE(dst, src []byte) ([]byte, error) {
	for i := 0; i < len(src); i++ {
		if src[i] != '*' {
			dst = append(dst, src[i])
			continue
		}
		if len(dst) == 0 || i+1 >= len(src) {
			return dst, ProtocolError("bad run-length encoding")
		}
		i++
		n := int(src[i]) - 29
		if n < 0 {
			return dst, ProtocolError("bad run-length count")
		}
		prev := dst[len(dst)-1]
		for ; n > 0; n-- {
			dst = append(dst, prev)
		}
	}
	return dst, nil
}
