package difftest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// QEMUBinary is the user-mode emulator the sequences are checked against.
const QEMUBinary = "qemu-aarch64"

// RunQEMU runs the image under qemu-aarch64 -cpu max (LSE needs more than the
// default model) and returns one result per case. When the program dies early,
// it returns the results of the cases that finished and an error naming the
// first case that did not.
func RunQEMU(ctx context.Context, im *Image, dir string) ([]Result, error) {
	bin, err := exec.LookPath(QEMUBinary)
	if err != nil {
		return nil, fmt.Errorf("%s not found (run `make deps`): %w", QEMUBinary, err)
	}
	f, err := os.CreateTemp(dir, "difftest-*.elf")
	if err != nil {
		return nil, err
	}
	path := f.Name()
	defer os.Remove(path)
	if _, err := f.Write(im.ELF()); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o755); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-cpu", "max", filepath.Clean(path))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	res, perr := ParseResults(stdout.Bytes(), len(im.Seqs))
	if runErr != nil || len(res) < len(im.Seqs) {
		return res, fmt.Errorf("qemu-aarch64 stopped in case %d of %d (%s): %v %s",
			len(res), len(im.Seqs), im.Seqs[min(len(res), len(im.Seqs)-1)].Name(), runErr, strings.TrimSpace(stderr.String()))
	}
	return res, perr
}
