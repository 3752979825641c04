package tests

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim/linux"
)

// linuxOut is a file `make linux` writes; the test fails (never skips) when it is missing.
func linuxOut(t *testing.T, name string) string {
	t.Helper()
	path, err := linux.OutPath(name)
	require.NoError(t, err)
	return path
}

// fakeImage is an arm64 Image header (4 KiB pages, anywhere) with the given text_offset and image_size,
// padded to size bytes.
func fakeImage(textOffset, imageSize, flags uint64, size int) []byte {
	b := make([]byte, size)
	binary.LittleEndian.PutUint32(b, 0x1400_0010) // b +0x40
	binary.LittleEndian.PutUint64(b[8:], textOffset)
	binary.LittleEndian.PutUint64(b[16:], imageSize)
	binary.LittleEndian.PutUint64(b[24:], flags)
	copy(b[0x38:], "ARM\x64")
	return b
}

// requireRefused runs the server with args and checks it printed one line that starts with "hwbp-gdbstub: "
// and contains want, wrote nothing on stdout and exited with code. It returns the line.
func requireRefused(t *testing.T, code int, want string, args ...string) string {
	t.Helper()
	stdout, stderr, err := runCapture(t, 30*time.Second, nil, serverBin, append(args, "127.0.0.1:0")...)
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "stderr:\n%s", stderr)
	require.Equal(t, code, exit.ExitCode(), "stderr:\n%s", stderr)
	require.Empty(t, stdout)
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	require.Len(t, lines, 1, "stderr:\n%s", stderr)
	require.True(t, strings.HasPrefix(lines[0], "hwbp-gdbstub: "), lines[0])
	require.Contains(t, lines[0], want)
	return lines[0]
}

// fileWriter writes files into dir by name, for tests that name them on the command line.
func fileWriter(t *testing.T, dir string) func(name string, b []byte) string {
	return func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
}

// Every way the Linux flags can go wrong ends with one clear line and exit 1 (a malformed flag value: exit 2,
// as for every other flag), before anything listens.
func TestLinuxFlagsRefused(t *testing.T) {
	dir := t.TempDir()
	write := fileWriter(t, dir)
	const linuxFlags = 0xa // little-endian, 4 KiB pages, anywhere
	image := write("Image", fakeImage(0, 0x40_0000, linuxFlags, 0x1_0000))
	elf := write("kernel.elf", kernelsim.KernelELF)
	vmlinux := linuxOut(t, "vmlinux")
	realImage, err := os.ReadFile(linuxOut(t, "Image"))
	require.NoError(t, err)
	truncated := write("Image-truncated", realImage[:1<<20])

	tests := []struct {
		name string
		code int
		want string
		args []string
	}{
		{"Image shorter than its header", 1, "truncated: 60 bytes, shorter than the 64-byte header",
			[]string{"--kernel", write("short", fakeImage(0, 0x40_0000, linuxFlags, 0x40)[:60])}},
		{"Image cut short, vmlinux given", 1, "the Image is 1048576 bytes but the vmlinux's _text.._edata is",
			[]string{"--kernel", truncated, "--symbols", vmlinux}},
		{"Image with a corrupt text_offset", 1, "text_offset 0x1234",
			[]string{"--kernel", write("bad-offset", fakeImage(0x1234, 0x40_0000, linuxFlags, 0x1_0000))}},
		{"Image for 64 KiB pages", 1, "64 KiB pages",
			[]string{"--kernel", write("64k", fakeImage(0, 0x40_0000, 3<<1|8, 0x1_0000))}},
		{"Image smaller than its file", 1, "image_size 0x100 is smaller than the file",
			[]string{"--kernel", write("small", fakeImage(0, 0x100, linuxFlags, 0x1_0000))}},
		{"gzip-compressed kernel", 1, "gzip-compressed (a vmlinuz?)",
			[]string{"--kernel", write("vmlinuz", append([]byte{0x1f, 0x8b, 8, 0}, make([]byte, 100)...))}},
		{"neither ELF nor Image", 1, `not an ELF file (no \x7fELF magic) nor an arm64 Linux Image`,
			[]string{"--kernel", write("text", []byte("hello\n"))}},
		{"neither, with --initrd: the kernel's problem comes first", 1, "--kernel " + filepath.Join(dir, "text") + ": kernelsim: not a kernel for the virt machine: not an ELF file",
			[]string{"--kernel", filepath.Join(dir, "text"), "--initrd", image}},
		{"initrd that does not fit", 1, "initrd of 25165824 bytes does not fit in RAM of 33554432 bytes",
			[]string{"--kernel", image, "--mem", "32M", "--initrd", write("big.cpio", make([]byte, 24<<20))}},
		{"initrd larger than RAM", 1, "--initrd " + vmlinux + ": 33948784 bytes, larger than the guest RAM (16777216 bytes)",
			[]string{"--kernel", image, "--mem", "16M", "--initrd", vmlinux}},
		{"DTB that does not parse", 1, "bad.dtb: fdt: invalid device tree blob: magic 0x68656c6c, want 0xd00dfeed",
			[]string{"--kernel", image, "--dtb", write("bad.dtb", bytes.Repeat([]byte("hello, world: not a tree "), 4))}},
		{"DTB cut short", 1, "short.dtb: fdt: invalid device tree blob",
			[]string{"--kernel", image, "--dtb", write("short.dtb", boardDTB(t)[:100])}},
		{"DTB larger than Linux takes", 1, "larger than the 2 MiB a device tree may take",
			[]string{"--kernel", image, "--dtb", write("huge.dtb", make([]byte, 3<<20))}},
		{"DTB that is a device", 1, "--dtb /dev/null: not a regular file (a character device)",
			[]string{"--kernel", image, "--dtb", "/dev/null"}},
		{"--initrd with the model kernel", 1, "--initrd needs --kernel with an arm64 Linux Image",
			[]string{"--initrd", image}},
		{"--append with an ELF kernel", 1, "--append needs --kernel with an arm64 Linux Image",
			[]string{"--kernel", elf, "--append", "console=ttyAMA0"}},
		{"--dtb with --dump-dtb and no kernel", 1, "--dtb needs --kernel with an arm64 Linux Image",
			[]string{"--dtb", image, "--dump-dtb", filepath.Join(dir, "out.dtb")}},
		{"GICv2 with more than 8 CPUs", 1, "--cpus 16: a GICv2 serves at most 8 CPUs",
			[]string{"--kernel", image, "--cpus", "16"}},
		{"--dump-dtb for more CPUs than a GICv2 serves", 1, "--cpus 9: a GICv2 serves at most 8 CPUs",
			[]string{"--dump-dtb", filepath.Join(dir, "out.dtb"), "--cpus", "9"}},
		{"--hw-debug kernel on Linux", 1, "--hw-debug kernel: the kernel route needs the model kernel's debugger entry points",
			[]string{"--kernel", image, "--hw-debug", "kernel"}},
		{"a model-kernel knob on Linux", 1, "--scenario is a knob of the model kernel",
			[]string{"--kernel", image, "--scenario", "perf-livelock"}},
		{"--symbols that is an Image", 1, "--symbols " + image + ": kernelsim: not a kernel for the virt machine: an arm64 Linux Image, not an ELF",
			[]string{"--kernel", image, "--symbols", image}},
		{"--symbols that is stripped", 1, "no symbol table", []string{"--symbols", write("stripped", stripSymtab(t))}},
		{"--symbols that is missing", 1, "--symbols " + filepath.Join(dir, "nope") + ": no such file or directory",
			[]string{"--symbols", filepath.Join(dir, "nope")}},
		{"--mem with a unit we do not take", 2, `--mem "1T"`, []string{"--mem", "1T"}},
		{"--mem below the bound", 2, "from 16 MiB to 16 GiB", []string{"--mem", "1M"}},
		{"--gic 4", 2, "--gic 4: want 2 or 3", []string{"--gic", "4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireRefused(t, tc.code, tc.want, tc.args...)
		})
	}
}

// stripSymtab is the embedded kernel ELF with its symbol table gone, as `strip` leaves a file.
func stripSymtab(t *testing.T) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	require.NoError(t, os.WriteFile(in, kernelsim.KernelELF, 0o644))
	_, stderr, err := runCapture(t, 30*time.Second, nil, requireTool(t, "aarch64-linux-gnu-strip"), "-o", out, in)
	require.NoError(t, err, stderr)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	require.False(t, bytes.Equal(b, kernelsim.KernelELF))
	return b
}

// boardDTB is the tree --dump-dtb writes for the defaults.
func boardDTB(t *testing.T) []byte { return dumpDTBWith(t) }
