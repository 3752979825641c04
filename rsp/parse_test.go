package rsp

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseThreadID(t *testing.T) {
	cases := []struct {
		in      string
		want    ThreadID
		wantErr bool
	}{
		{"p1.2", ThreadID{1, 2}, false},
		{"p1.-1", ThreadID{1, AllThreads}, false},
		{"p-1.-1", ThreadID{AllThreads, AllThreads}, false},
		{"p1", ThreadID{1, AllThreads}, false},
		{"p01.0a", ThreadID{1, 10}, false},
		{"-1", ThreadID{AnyThread, AllThreads}, false},
		{"0", ThreadID{AnyThread, AnyThread}, false},
		{"2", ThreadID{AnyThread, 2}, false},
		{"0001", ThreadID{AnyThread, 1}, false}, // lldb 14
		{"", ThreadID{}, true},
		{"p", ThreadID{}, true},
		{"p1.", ThreadID{}, true},
		{"x1", ThreadID{}, true},
		{"-2", ThreadID{}, true},
		{"ffffffffff", ThreadID{}, true},
	}
	for _, c := range cases {
		got, err := parseThreadID([]byte(c.in))
		if c.wantErr {
			require.Error(t, err, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, got, c.in)
	}
}

func TestParsePoint(t *testing.T) {
	p, err := parsePoint([]byte("2,40201003,64"))
	require.NoError(t, err)
	require.Equal(t, pointRequest{Type: 2, Addr: 0x40201003, Kind: 0x64}, p)
	p, err = parsePoint([]byte("0,400000,4;X1,0;cmds:0,X1,0"))
	require.NoError(t, err)
	require.Equal(t, pointRequest{Type: 0, Addr: 0x400000, Kind: 4}, p)
	p, err = parsePoint([]byte("5,0,4"))
	require.Error(t, err)
	require.Equal(t, uint8(0xff), p.Type)
	for _, bad := range []string{"", "1", "1,2", "1,,4", "1,2,", "1,zz,4", "12,0,4", "1,0,4,5"} {
		_, err := parsePoint([]byte(bad))
		require.Error(t, err, bad)
	}
}

func TestParseVCont(t *testing.T) {
	acts, err := parseVCont([]byte("s:p1.1;c:p1.-1"))
	require.NoError(t, err)
	require.Len(t, acts, 2)
	require.Equal(t, ActionStep, acts[0].Kind)
	require.Equal(t, ThreadID{1, 1}, *acts[0].Thread)
	require.Equal(t, ThreadID{1, AllThreads}, *acts[1].Thread)

	acts, err = parseVCont([]byte("C0e:2;c"))
	require.NoError(t, err)
	require.Equal(t, vContAction{Kind: ActionContinue, Signal: 0x0e, Thread: &ThreadID{AnyThread, 2}}, acts[0])
	require.Nil(t, acts[1].Thread)

	for _, bad := range []string{"", ";", "x", "c:", "cc", "C", "Czz", "C100", "r0,10", "t", "s:p1.q"} {
		_, err := parseVCont([]byte(bad))
		require.Error(t, err, bad)
	}
}

func TestParseXfer(t *testing.T) {
	r, err := parseXfer([]byte("features:read:target.xml:0,ffb"))
	require.NoError(t, err)
	require.Equal(t, xferRequest{Object: "features", Annex: "target.xml", Offset: 0, Length: 0xffb}, r)
	r, err = parseXfer([]byte("threads:read::7fd,ffb"))
	require.NoError(t, err)
	require.Equal(t, xferRequest{Object: "threads", Offset: 0x7fd, Length: 0xffb}, r)
	_, err = parseXfer([]byte("features:write:target.xml:0:abc"))
	require.ErrorIs(t, err, ErrUnsupported)
	for _, bad := range []string{"", "features", "features:read", "features:read:x", "features:read:x:0", "features:read:x:,1", "features:read:x:0,"} {
		_, err := parseXfer([]byte(bad))
		require.Error(t, err, bad)
	}
}

func TestParseHexUint(t *testing.T) {
	v, err := parseHexUint([]byte("00000000000000000000ffffffffffffffff"))
	require.NoError(t, err)
	require.Equal(t, ^uint64(0), v)
	_, err = parseHexUint([]byte("1ffffffffffffffff"))
	require.Error(t, err)
	_, err = parseHexUint([]byte("-1"))
	require.Error(t, err)
}

func TestLookup(t *testing.T) {
	cases := []struct {
		packet string
		arg    string
		found  bool
	}{
		{"qSupported:multiprocess+", "multiprocess+", true},
		{"qSupported", "", true},
		{"vCont?", "", true},
		{"vCont;c", "c", true},
		{"qRegisterInfo1f", "1f", true},
		{"qThreadStopInfo2", "2", true},
		{"qXfer:features:read:target.xml:0,ffb", "features:read:target.xml:0,ffb", true},
		{"qRcmd,6865", "6865", true},
		{"m0,4", "0,4", true},
		{"qUnknownThing", "", false},
		{"vUnknown;x", "", false},
		{"\x00", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		h, arg := lookup([]byte(c.packet))
		require.Equal(t, c.found, h != nil, c.packet)
		if c.found {
			require.Equal(t, c.arg, string(arg), c.packet)
		}
	}
}

// FuzzParsePacket runs every parser and the dispatch lookup on arbitrary
// input: none may panic.
func FuzzParsePacket(f *testing.F) {
	for _, s := range []string{"p1.2", "2,40201003,64", "s:p1.1;c:p1.-1", "features:read:target.xml:0,ffb",
		"40000000,4", "g;thread:1;", "1f=0011", "vCont;C05:p1.2"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		parseThreadID(b)
		parseMemRange(b)
		parsePoint(b)
		parseVCont(b)
		parseXfer(b)
		splitThreadSuffix(b)
		decodeHex(nil, b)
		Unescape(nil, b)
		DecodeRLE(nil, b)
		lookup(b)
	})
}
