package linux

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewcRoundTrip(t *testing.T) {
	entries := InitramfsEntries([]byte("\x7fELF not really"))
	var b bytes.Buffer
	require.NoError(t, WriteNewc(&b, entries))
	require.Zero(t, b.Len()%4, "newc members are 4-byte aligned")
	got, err := ReadNewc(b.Bytes())
	require.NoError(t, err)
	require.Equal(t, entries, got)

	// The same entries give the same bytes: nothing depends on the time or the user.
	var again bytes.Buffer
	require.NoError(t, WriteNewc(&again, entries))
	require.Equal(t, b.Bytes(), again.Bytes())

	// The first header, field by field: magic, ino 1, a directory 0755, uid/gid/mtime 0, nlink 2.
	require.Equal(t, "070701"+"00000001"+"000041ed"+"00000000"+"00000000"+"00000002"+"00000000", b.String()[:54])
	require.Contains(t, b.String(), "TRAILER!!!\x00")
}

func TestNewcRejects(t *testing.T) {
	for _, e := range []Entry{{Name: ""}, {Name: "/init"}, {Name: "TRAILER!!!"},
		{Name: "dev", Mode: ModeDir | 0o755, Data: []byte("x")}} {
		require.Error(t, WriteNewc(&bytes.Buffer{}, []Entry{e}), "%+v", e)
	}
	var b bytes.Buffer
	require.NoError(t, WriteNewc(&b, InitramfsEntries([]byte("abcdef"))))
	for _, n := range []int{0, 50, 120, b.Len() - 20} {
		_, err := ReadNewc(b.Bytes()[:n])
		require.Error(t, err, "truncated at %d", n)
	}
}

// The initramfs make linux wrote is the one InitramfsEntries describes, around out/init.
func TestInitramfsIsUpToDate(t *testing.T) {
	archive, err := os.ReadFile(output(t, "initramfs.cpio"))
	require.NoError(t, err)
	init, err := os.ReadFile(output(t, "init"))
	require.NoError(t, err)
	var want bytes.Buffer
	require.NoError(t, WriteNewc(&want, InitramfsEntries(init)))
	require.Equal(t, want.Bytes(), archive, "out/initramfs.cpio is stale: run make linux")
}
