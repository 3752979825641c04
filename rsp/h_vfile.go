package rsp

import (
	"bytes"
	"encoding/binary"
)

// vFile host I/O, read-only and limited to the ExecFile: open, pread, fstat,
// close and setfs. Every other path gets ENOENT, every write, unlink,
// readlink and the like an errno; the host file system is never touched.
// Replies are "F result[,errno][;attachment]" with gdb's File-I/O errno
// values, which match the Errno constants used here.

const (
	fileioRDONLY  = 0
	fileioModeReg = 0100000 // S_IFREG
	maxOpenFiles  = 16
)

func (s *Session) handleVFile(arg []byte) {
	op, rest, _ := bytes.Cut(arg, []byte{':'})
	switch string(op) {
	case "setfs":
		s.fileReply(0)
	case "open":
		s.vFileOpen(rest)
	case "pread":
		s.vFilePread(rest)
	case "fstat":
		s.vFileFstat(rest)
	case "close":
		fd, ok := s.fileFD(rest)
		if !ok {
			return
		}
		delete(s.files, fd)
		s.fileReply(0)
	case "pwrite", "unlink", "readlink":
		s.fileError(EACCES)
	case "stat", "lstat":
		s.fileError(ENOENT)
	default:
		s.sendEmpty()
	}
}

func (s *Session) fileReply(v int) {
	r := append(s.reply[:0], 'F')
	s.send(appendHexUint(r, uint64(v)))
}

func (s *Session) fileError(e Errno) {
	r := append(s.reply[:0], "F-1,"...)
	s.send(appendHexUint(r, uint64(e)))
}

func (s *Session) vFileOpen(arg []byte) {
	f := bytes.SplitN(arg, []byte{','}, 4)
	if len(f) != 3 {
		s.fileError(EINVAL)
		return
	}
	path, err := decodeHex(nil, f[0])
	if err != nil {
		s.fileError(EINVAL)
		return
	}
	flags, err := parseHexUint(f[1])
	if err != nil {
		s.fileError(EINVAL)
		return
	}
	ef, ok := s.t.(ExecFile)
	if !ok {
		s.fileError(ENOENT)
		return
	}
	name, _, ok := ef.ExecFile()
	if !ok || name != string(path) {
		s.fileError(ENOENT)
		return
	}
	if flags&3 != fileioRDONLY || flags&^3 != 0 {
		s.fileError(EACCES)
		return
	}
	if len(s.files) >= maxOpenFiles {
		s.fileError(EMFILE)
		return
	}
	fd := s.nextFD
	s.nextFD++
	if s.nextFD > 1<<20 {
		s.nextFD = 3
	}
	s.files[fd] = true
	s.fileReply(fd)
}

// fileFD parses and checks a file descriptor; it replies on failure.
func (s *Session) fileFD(b []byte) (int, bool) {
	v, err := parseHexUint(b)
	if err != nil || v > 1<<20 || !s.files[int(v)] {
		s.fileError(EBADF)
		return 0, false
	}
	return int(v), true
}

func (s *Session) execData() []byte {
	if ef, ok := s.t.(ExecFile); ok {
		if _, data, ok := ef.ExecFile(); ok {
			return data
		}
	}
	return nil
}

func (s *Session) vFilePread(arg []byte) {
	f := bytes.SplitN(arg, []byte{','}, 4)
	if len(f) != 3 {
		s.fileError(EINVAL)
		return
	}
	if _, ok := s.fileFD(f[0]); !ok {
		return
	}
	count, err1 := parseHexUint(f[1])
	off, err2 := parseHexUint(f[2])
	if err1 != nil || err2 != nil {
		s.fileError(EINVAL)
		return
	}
	data := s.execData()
	count = min(count, uint64(s.opts.packetSize()-32)/2)
	var chunk []byte
	if off < uint64(len(data)) {
		chunk = data[off:min(uint64(len(data)), off+count)]
	}
	r := append(s.reply[:0], 'F')
	r = appendHexUint(r, uint64(len(chunk)))
	r = append(r, ';')
	s.send(AppendEscaped(r, chunk))
}

func (s *Session) vFileFstat(arg []byte) {
	if _, ok := s.fileFD(arg); !ok {
		return
	}
	// gdb's struct stat for File-I/O: big-endian, 64 bytes.
	var st [64]byte
	be := binary.BigEndian
	be.PutUint32(st[8:], fileioModeReg|0444) // st_mode
	be.PutUint32(st[12:], 1)                 // st_nlink
	be.PutUint64(st[28:], uint64(len(s.execData())))
	be.PutUint64(st[36:], 4096) // st_blksize
	be.PutUint64(st[44:], (uint64(len(s.execData()))+511)/512)
	r := append(s.reply[:0], "F40;"...)
	s.send(AppendEscaped(r, st[:]))
}
