//go:build !unix

package bus

// Without mmap the memory comes from the Go heap.
func mapAnonymous(size int) ([]byte, error) { return make([]byte, size), nil }

func unmap([]byte) error { return nil }
