package linux

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// File modes of newc entries (the S_IF* bits of st_mode).
const (
	ModeDir     = 0o040000
	ModeRegular = 0o100000
	ModeCharDev = 0o020000
	modeType    = 0o170000
)

// Entry is one member of a newc archive. Owner, group and mtime are always
// 0: the archive depends on nothing but the entries.
type Entry struct {
	Name   string // without a leading slash, e.g. "dev/console"
	Mode   uint32 // type bits | permissions, e.g. ModeRegular|0o755
	Data   []byte // regular files only
	RMajor uint32 // device numbers of a device node
	RMinor uint32
}

const (
	newcMagic  = "070701"
	newcHeader = 110 // magic + 13 fields of 8 hex digits
	trailer    = "TRAILER!!!"
)

func pad4(n int) int { return (4 - n%4) % 4 }

// WriteNewc writes entries, in order, as a newc archive the kernel's
// initramfs unpacker reads, followed by the trailer. Inode numbers count from
// 1; nothing else varies.
func WriteNewc(w io.Writer, entries []Entry) error {
	var b bytes.Buffer
	put := func(ino int, e Entry) error {
		if e.Mode&modeType != ModeRegular && len(e.Data) > 0 {
			return fmt.Errorf("newc: %s: only regular files carry data", e.Name)
		}
		nlink := 1
		if e.Mode&modeType == ModeDir {
			nlink = 2
		}
		fields := []uint32{uint32(ino), e.Mode, 0, 0, uint32(nlink), 0, uint32(len(e.Data)), 0, 0,
			e.RMajor, e.RMinor, uint32(len(e.Name) + 1), 0}
		b.WriteString(newcMagic)
		for _, f := range fields {
			fmt.Fprintf(&b, "%08x", f)
		}
		b.WriteString(e.Name)
		b.WriteByte(0)
		b.Write(make([]byte, pad4(newcHeader+len(e.Name)+1)))
		b.Write(e.Data)
		b.Write(make([]byte, pad4(len(e.Data))))
		return nil
	}
	for i, e := range entries {
		if e.Name == "" || e.Name == trailer || e.Name[0] == '/' {
			return fmt.Errorf("newc: bad entry name %q", e.Name)
		}
		if err := put(i+1, e); err != nil {
			return err
		}
	}
	if err := put(0, Entry{Name: trailer}); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ReadNewc parses a newc archive (up to its trailer) back into entries.
func ReadNewc(data []byte) ([]Entry, error) {
	var out []Entry
	off := 0
	for {
		if off+newcHeader > len(data) {
			return nil, errors.New("newc: truncated header")
		}
		h := data[off : off+newcHeader]
		if string(h[:6]) != newcMagic {
			return nil, fmt.Errorf("newc: bad magic at %d", off)
		}
		field := func(i int) (uint32, error) {
			v, err := strconv.ParseUint(string(h[6+8*i:14+8*i]), 16, 32)
			return uint32(v), err
		}
		var f [13]uint32
		for i := range f {
			v, err := field(i)
			if err != nil {
				return nil, fmt.Errorf("newc: header at %d: %w", off, err)
			}
			f[i] = v
		}
		size, namesize := int(f[6]), int(f[11])
		nameEnd := off + newcHeader + namesize
		if namesize < 1 || nameEnd > len(data) {
			return nil, errors.New("newc: truncated name")
		}
		name := string(data[off+newcHeader : nameEnd-1])
		dataOff := nameEnd + pad4(newcHeader+namesize)
		if dataOff+size > len(data) {
			return nil, errors.New("newc: truncated data")
		}
		if name == trailer {
			return out, nil
		}
		e := Entry{Name: name, Mode: f[1], RMajor: f[9], RMinor: f[10]}
		if size > 0 {
			e.Data = append([]byte(nil), data[dataOff:dataOff+size]...)
		}
		out = append(out, e)
		off = dataOff + size + pad4(size)
	}
}

// InitramfsEntries is the initramfs of the Linux guest: /init (the given
// static ELF), /proc for it to mount, and /dev/console so that the kernel can
// give the init its console before any devtmpfs exists.
func InitramfsEntries(init []byte) []Entry {
	return []Entry{
		{Name: "dev", Mode: ModeDir | 0o755},
		{Name: "dev/console", Mode: ModeCharDev | 0o600, RMajor: 5, RMinor: 1},
		{Name: "proc", Mode: ModeDir | 0o755},
		{Name: "init", Mode: ModeRegular | 0o755, Data: init},
	}
}
