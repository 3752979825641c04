package rsp

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// decodeAll feeds s to a decoder and returns the events with payloads.
func decodeAll(d *Decoder, s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		switch ev := d.Step(s[i]); ev {
		case EventNone:
		case EventPacket:
			out = append(out, "packet:"+string(d.Payload()))
		case EventBadChecksum:
			out = append(out, "badsum:"+string(d.Payload()))
		case EventOverflow:
			out = append(out, "overflow")
		case EventAck:
			out = append(out, "ack")
		case EventNak:
			out = append(out, "nak")
		case EventInterrupt:
			out = append(out, "intr")
		}
	}
	return out
}

func TestDecoder(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"packet", "$g#67", []string{"packet:g"}},
		{"upper-case checksum", "$qSupported#37", []string{"packet:qSupported"}},
		{"acks and interrupt", "+-\x03", []string{"ack", "nak", "intr"}},
		{"noise between packets", "xyz$?#3f", []string{"packet:?"}},
		{"bad checksum", "$g#00", []string{"badsum:g"}},
		{"bad checksum digit", "$g#zz", []string{"badsum:g"}},
		{"restart on $", "$m0,4$?#3f", []string{"packet:?"}},
		{"0x03 inside a packet is data", "$X0,1:\x03#" + sum("X0,1:\x03"), []string{"packet:X0,1:\x03"}},
		{"rle on input", "$0* #" + sum("0* "), []string{"packet:0000"}},
		{"rle with nothing before", "$* #" + sum("* "), []string{"overflow"}},
		{"rle count too small", "$0*\x01#" + sum("0*\x01"), []string{"overflow"}},
		{"escape kept raw", "$X0,1:}]#" + sum("X0,1:}]"), []string{"packet:X0,1:}]"}},
		{"two packets", "$?#3f$g#67", []string{"packet:?", "packet:g"}},
		{"empty packet", "$#00", []string{"packet:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, decodeAll(NewDecoder(64), c.in))
		})
	}
}

func sum(s string) string {
	var v uint8
	for i := 0; i < len(s); i++ {
		v += s[i]
	}
	return string([]byte{hexDigits[v>>4], hexDigits[v&15]})
}

func TestDecoderOverflow(t *testing.T) {
	d := NewDecoder(8)
	long := strings.Repeat("a", 9)
	require.Equal(t, []string{"overflow"}, decodeAll(d, "$"+long+"#"+sum(long)))
	// RLE cannot grow a packet past the limit either.
	require.Equal(t, []string{"overflow"}, decodeAll(d, "$a*~#"+sum("a*~")))
	// The decoder is usable afterwards, and its buffer never grew.
	require.Equal(t, []string{"packet:?"}, decodeAll(d, "$?#3f"))
	require.Equal(t, 8, cap(d.buf))
}

func TestEscapeRoundTrip(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for _, src := range [][]byte{nil, []byte("plain"), []byte("#$}*"), all, bytes.Repeat([]byte{'}'}, 10)} {
		enc := AppendEscaped(nil, src)
		for i := 0; i < len(enc); i++ {
			if enc[i] == '}' {
				i++
				continue
			}
			require.False(t, needsEscape(enc[i]), "unescaped %q in %q", enc[i], enc)
		}
		dec, err := Unescape(nil, enc)
		require.NoError(t, err)
		require.Equal(t, string(src), string(dec))
	}
	_, err := Unescape(nil, []byte("ab}"))
	require.Error(t, err)
}

func TestAppendPacketRLE(t *testing.T) {
	cases := []struct {
		payload string
		want    string // the framed payload, without checksum
	}{
		{"0000", "0* "},                   // 1 + 3 more
		{"000", "000"},                    // too short to encode
		{"00000000", "0*\"00"},            // 1 + 7 would be '$': 5 more, then 2 literal
		{"0000000", "0*\"0"},              // 1 + 6 would be '#' → 5 then 1 literal
		{strings.Repeat("f", 99), "f*~f"}, // counts stop at 97
		{"}]]]]]", "}]]* "},               // the escaped byte is not part of a run
		{"ab", "ab"},
	}
	for _, c := range cases {
		got := AppendPacket(nil, []byte(c.payload), true)
		body := string(got[1 : len(got)-3])
		require.Equal(t, c.want, body, "payload %q", c.payload)
		require.NotContains(t, body, "#")
		require.NotContains(t, body, "$")
		// The client's view: undo RLE, then the original comes back.
		back, err := DecodeRLE(nil, []byte(body))
		require.NoError(t, err)
		require.Equal(t, c.payload, string(back))
	}
	require.Equal(t, "$OK#9a", string(AppendPacket(nil, []byte("OK"), true)))
}

// TestFramingRoundTrip: any binary data, escaped and framed with RLE,
// comes back through DecodeRLE + Unescape, and through the Decoder.
func TestFramingRoundTrip(t *testing.T) {
	data := []byte("aaaaaaaa}}}}}}}}########$$$$$$$$********\x03\x03\x03\x03\x03\x03\x03\x03zzzzzzzzzzzzzzzzz")
	checkRoundTrip(t, data)
}

func checkRoundTrip(t *testing.T, data []byte) {
	esc := AppendEscaped(nil, data)
	framed := AppendPacket(nil, esc, true)
	body := framed[1 : len(framed)-3]
	require.NotContains(t, string(body), "#")
	require.NotContains(t, string(body), "$")
	rle, err := DecodeRLE(nil, body)
	require.NoError(t, err)
	plain, err := Unescape(nil, rle)
	require.NoError(t, err)
	require.Equal(t, string(data), string(plain))

	d := NewDecoder(4 * (len(data) + 1))
	ev := EventNone
	for _, c := range framed {
		ev = d.Step(c)
	}
	require.Equal(t, EventPacket, ev)
	plain, err = Unescape(nil, d.Payload())
	require.NoError(t, err)
	require.Equal(t, string(data), string(plain))
}

// TestFramingAllocs: decoding a packet and framing a reply allocate nothing.
func TestFramingAllocs(t *testing.T) {
	d := NewDecoder(DefaultPacketSize)
	in := []byte("$m40000000,800#" + sum("m40000000,800"))
	payload := bytes.Repeat([]byte("00"), 0x800)
	out := make([]byte, 0, 2*len(payload)+8)
	allocs := testing.AllocsPerRun(100, func() {
		for _, c := range in {
			d.Step(c)
		}
		out = AppendPacket(out[:0], payload, true)
	})
	require.Zero(t, allocs)
}

func BenchmarkAppendPacket(b *testing.B) {
	payload := bytes.Repeat([]byte("0123456789abcdef"), 0x400)
	out := make([]byte, 0, 2*len(payload))
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for i := 0; i < b.N; i++ {
		out = AppendPacket(out[:0], payload, true)
	}
}

func FuzzFraming(f *testing.F) {
	f.Add([]byte("$g#67"), []byte("0000"))
	f.Add([]byte("+-\x03$m0,4#fd"), []byte("#$}*"))
	f.Add([]byte("$a*~#00$X0,1:}]#aa"), []byte("}}}}}}}}"))
	f.Fuzz(func(t *testing.T, stream, data []byte) {
		// The decoder never panics and never grows past its limit.
		d := NewDecoder(64)
		for _, c := range stream {
			d.Step(c)
			if len(d.buf) > 64 || cap(d.buf) != 64 {
				t.Fatalf("decoder buffer %d/%d", len(d.buf), cap(d.buf))
			}
		}
		// Anything escaped and framed comes back unchanged.
		checkRoundTrip(t, data)
	})
}
