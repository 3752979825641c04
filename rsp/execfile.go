package rsp

// ExecFile is optional: the executable the target runs, served read-only so
// that "target remote" alone gives gdb the symbols. Its name answers
// qXfer:exec-file:read; its bytes are served by vFile open/pread/fstat/close
// for that name only. Every other path is refused with ENOENT, and every
// write, unlink or readlink with an errno; the host file system is never
// touched. Return ok == false when there is no file.
type ExecFile interface {
	ExecFile() (name string, data []byte, ok bool)
}
