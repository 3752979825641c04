package tests

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim/linux"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/boot"
)

// linuxBoot is the stub's command line for the 6.1 Image as `make run-linux` boots it, with the vmlinux served.
func linuxBoot(t *testing.T, extra ...string) []string {
	t.Helper()
	return linuxKernelBoot(t, linux.Linux61, linux.BaseCmdline, extra...)
}

// dumpDTBWith runs the stub with --dump-dtb and the given flags and returns the blob it wrote.
func dumpDTBWith(t *testing.T, flags ...string) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dump.dtb")
	stdout, stderr, err := runCapture(t, 30*time.Second, nil, serverBin, append(flags, "--dump-dtb", path)...)
	require.NoError(t, err, stderr)
	require.Empty(t, stdout)
	require.Contains(t, stderr, "wrote the device tree")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// dts is dtc's reading of a blob (the Debian device-tree-compiler package).
func dts(t *testing.T, blob []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.dtb")
	require.NoError(t, os.WriteFile(path, blob, 0o644))
	out, stderr, err := runCapture(t, 30*time.Second, nil, requireTool(t, "dtc"), "-q", "-I", "dtb", "-O", "dts", path)
	require.NoError(t, err, stderr)
	return out
}

// --dump-dtb writes the tree the machine would boot Linux with and exits: without a kernel the board's for
// --cpus, --mem and --gic; with an Image, initrd and command line the one placed in RAM (chosen filled in);
// with --dtb the user's tree as QEMU patches it.
func TestDumpDTB(t *testing.T) {
	board := dumpDTBWith(t, "--cpus", "4", "--mem", "1G", "--gic", "3")
	want, err := boot.Board{CPUs: 4, RAMBase: 0x4000_0000, RAMSize: 1 << 30, GIC: 3}.DTB()
	require.NoError(t, err)
	require.Equal(t, want, board)
	src := dts(t, board)
	require.Contains(t, src, `compatible = "arm,gic-v3";`)
	require.Contains(t, src, "reg = <0x00 0x40000000 0x00 0x40000000>;")
	require.Contains(t, src, "cpu@3 {")
	require.NotContains(t, src, "bootargs")

	require.Equal(t, boardDTB(t), dumpDTBWith(t, "--kernel", writeTemp(t, kernelELF(t))), "an ELF kernel gets the board's tree")

	src = dts(t, dumpDTBWith(t, linuxBoot(t)...))
	require.Contains(t, src, `bootargs = "console=ttyAMA0 rdinit=/init";`)
	require.Contains(t, src, "linux,initrd-start = <0x48000000>;")
	require.Contains(t, src, `compatible = "arm,cortex-a15-gic";`)
	require.Contains(t, src, "reg = <0x00 0x40000000 0x00 0x20000000>;")

	user := writeTemp(t, board)
	src = dts(t, dumpDTBWith(t, linuxBoot(t, "--dtb", user, "--mem", "256M")...))
	require.Contains(t, src, `compatible = "arm,gic-v3";`, "the user's GIC stays")
	require.Contains(t, src, "cpu@3 {", "the user's CPUs stay")
	require.Contains(t, src, "reg = <0x00 0x40000000 0x00 0x10000000>;", "memory is the machine's")
	require.Contains(t, src, `bootargs = "console=ttyAMA0 rdinit=/init";`)
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

func kernelELF(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kernel.elf")
	_, stderr, err := runCapture(t, 30*time.Second, nil, serverBin, "--dump-kernel", path)
	require.NoError(t, err, stderr)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

var regLineRE = regexp.MustCompile(`(?m)^(x[0-3]|pc|cpsr)\s+(0x[0-9a-f]+)`)

// entryRegs picks x0-x3, pc and cpsr out of `info registers` output.
func entryRegs(t *testing.T, out string) map[string]string {
	t.Helper()
	regs := map[string]string{}
	for _, m := range regLineRE.FindAllStringSubmatch(out, -1) {
		if _, seen := regs[m[1]]; !seen {
			regs[m[1]] = m[2]
		}
	}
	require.Len(t, regs, 6, "no registers in:\n%s", out)
	return regs
}

// An Image boots halted at its first instruction with booting.rst's entry state; the tree in guest RAM at x0 is
// the one --dump-dtb writes; gdb, with no local file, gets the vmlinux from the stub and resolves Linux's
// symbols; `monitor reset` and extended-remote `starti` load it all again.
func TestLinuxHaltedAtEntry(t *testing.T) {
	want := dumpDTBWith(t, linuxBoot(t)...)
	s := startServer(t, linuxBoot(t)...)
	require.Contains(t, s.Log.String(), "halted at the Image's entry 0x40200000 (device tree at 0x48200000)")
	dir := t.TempDir()
	ram := filepath.Join(dir, "ram.dtb")
	out := gdb(t, "", fmt.Sprintf(`
target extended-remote %s
info registers x0 x1 x2 x3 pc cpsr
dump binary memory %s $x0 $x0+%d
info address start_kernel
info line start_kernel
p &linux_banner
info threads
echo --- clobbered\n
set $x0 = 0
set {int}0x48200000 = 0
stepi
monitor reset
maint flush register-cache
echo --- after reset\n
info registers x0 x1 x2 x3 pc cpsr
x/xw 0x48200000
echo --- clobbered again\n
set $x1 = 7
set {int}0x48200000 = 0
starti
echo --- after starti\n
info registers x0 x1 x2 x3 pc cpsr
x/xw 0x48200000
`, s.Addr, ram, len(want)))
	require.NotContains(t, out, "internal-error", out)
	require.Contains(t, out, "Reading symbols from target:/hwbp-gdbstub/vmlinux", out)
	entry := map[string]string{"x0": "0x48200000", "x1": "0x0", "x2": "0x0", "x3": "0x0", "pc": "0x40200000", "cpsr": "0x400003c5"}
	require.Equal(t, entry, entryRegs(t, out))
	got, err := os.ReadFile(ram)
	require.NoError(t, err)
	require.Equal(t, want, got, "the tree in guest RAM is --dump-dtb's")

	require.Regexp(t, `Symbol "start_kernel" is a function at address 0xffffffc0[0-9a-f]+\.`, out)
	require.Regexp(t, `Line \d+ of "init/main\.c" starts at address 0xffffffc0[0-9a-f]+ <start_kernel>`, out)
	require.Regexp(t, `\$1 = \(const char \(\*\)\[\]\) 0xffffffc0[0-9a-f]+ <linux_banner>`, out)
	require.Regexp(t, `Thread 1\.1 "cpu0" \(CPU#0 MPIDR=0x80000000 \[halted\]\)`, out)
	require.Regexp(t, `Thread 1\.2 "cpu1" \(CPU#1 MPIDR=0x80000001 \[powered off\]\)`, out)

	afterReset := out[strings.Index(out, "--- after reset"):strings.Index(out, "--- clobbered again")]
	require.Equal(t, entry, entryRegs(t, afterReset), "monitor reset restores the entry state:\n%s", afterReset)
	require.Contains(t, afterReset, "0x48200000:\t0xedfe0dd0", "monitor reset reloads the tree")
	afterStarti := out[strings.Index(out, "--- after starti"):]
	require.Equal(t, entry, entryRegs(t, afterStarti), "starti restores the entry state:\n%s", afterStarti)
	require.Contains(t, afterStarti, "0x48200000:\t0xedfe0dd0", "starti reloads the tree")
}

// The entry state is QEMU's: qemu-system-aarch64 -M virt -cpu cortex-a57 with the same Image, initrd, command
// line, RAM, CPUs and GIC (6.1 on a GICv2, 6.12 on a GICv3) reaches the Image's first instruction with the same
// pc, x0 (the tree's address), x1-x3 and cpsr.
func TestLinuxEntryMatchesQEMU(t *testing.T) {
	initrd := linuxOut(t, linux.InitramfsFile)
	for _, c := range []struct {
		name  string
		flags []string
		qemu  []string
	}{
		{"512M-initrd-smp2", nil, []string{"-M", "virt", "-kernel", linuxOut(t, "Image"), "-m", "512M", "-smp", "2",
			"-initrd", initrd, "-append", linux.BaseCmdline}},
		{"128M-smp1", []string{"--kernel", linuxOut(t, "Image"), "--cpus", "1"},
			[]string{"-M", "virt", "-kernel", linuxOut(t, "Image"), "-m", "128M", "-smp", "1"}},
		{"6.12-gicv3", []string{"--kernel", linuxOut(t, "Image-6.12"), "--gic", "3", "--initrd", initrd, "--mem", "1G",
			"--cpus", "4", "--append", linux.BaseCmdline}, []string{"-M", "virt,gic-version=3", "-kernel", linuxOut(t, "Image-6.12"),
			"-m", "1G", "-smp", "4", "-initrd", initrd, "-append", linux.BaseCmdline}},
	} {
		t.Run(c.name, func(t *testing.T) {
			flags := c.flags
			if flags == nil {
				flags = linuxBoot(t)
			}
			s := startServer(t, flags...)
			mine := gdb(t, s.Addr, "info registers x0 x1 x2 x3 pc cpsr\ninfo address start_kernel\n")
			ours := entryRegs(t, mine)
			if c.flags == nil { // --symbols: plain `target remote`, no local file, resolves Linux's symbols
				require.Regexp(t, `Symbol "start_kernel" is a function at address 0xffffffc0[0-9a-f]+\.`, mine)
			}

			port := freePort(t)
			qemu := exec.Command(requireTool(t, "qemu-system-aarch64"), append([]string{"-cpu", "cortex-a57",
				"-display", "none", "-monitor", "none", "-serial", "none", "-S", "-gdb", "tcp:127.0.0.1:" + port}, c.qemu...)...)
			require.NoError(t, qemu.Start())
			t.Cleanup(func() { qemu.Process.Kill(); qemu.Wait() })
			out := gdb(t, "", fmt.Sprintf(`
target remote 127.0.0.1:%s
hbreak *%s
continue
info registers x0 x1 x2 x3 pc cpsr
kill
`, port, ours["pc"]))
			require.Equal(t, entryRegs(t, out), ours, "QEMU at the Image's entry:\n%s", out)
		})
	}
}

// freePort is a loopback TCP port nothing listens on (for QEMU's -gdb, which cannot report the one it took).
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	require.NoError(t, err)
	return port
}

// The names the stub's reports use come from the vmlinux's places: its absolute symbols (constants such as
// PECOFF_FILE_ALIGNMENT = 0x200) never name a pc.
func TestVmlinuxSymbolsArePlaces(t *testing.T) {
	b, err := os.ReadFile(linuxOut(t, "vmlinux"))
	require.NoError(t, err)
	syms, err := kernelsim.ParseSymbolFile(b)
	require.NoError(t, err)
	require.Equal(t, "0x200", syms.Symbolize(0x200))
	addr, _, ok := syms.Lookup("write_wb_reg")
	require.True(t, ok)
	require.Equal(t, "write_wb_reg+0x4", syms.Symbolize(addr+4))
}

// --symbols serves that one file, read-only, under a name of the stub's: every other host path is "no such
// file", and writes and deletes are refused.
func TestSymbolsServeOnlyThatFile(t *testing.T) {
	vmlinux, err := os.ReadFile(linuxOut(t, "vmlinux"))
	require.NoError(t, err)
	s := startServer(t, linuxBoot(t)...)
	conn, err := net.Dial("tcp", s.Addr)
	require.NoError(t, err)
	defer conn.Close()
	cl := rsptest.NewClient(t, conn)
	hexs := func(s string) string { return fmt.Sprintf("%x", s) }
	require.Equal(t, "l/hwbp-gdbstub/vmlinux", cl.Exchange("qXfer:exec-file:read::0,ffb"))
	require.Equal(t, "F0", cl.Exchange("vFile:setfs:0"))
	for _, path := range []string{"/etc/passwd", "/proc/self/environ", linuxOut(t, "vmlinux"), "/hwbp-gdbstub/../etc/passwd"} {
		require.Equal(t, "F-1,2", cl.Exchange("vFile:open:"+hexs(path)+",0,0"), path)
	}
	require.Regexp(t, `^F-1,`, cl.Exchange("vFile:open:"+hexs("/hwbp-gdbstub/vmlinux")+",1,0"), "opened for writing")
	require.Regexp(t, `^F-1,`, cl.Exchange("vFile:unlink:"+hexs("/hwbp-gdbstub/vmlinux")))
	fd := cl.Exchange("vFile:open:" + hexs("/hwbp-gdbstub/vmlinux") + ",0,0")
	require.Regexp(t, `^F[0-9a-f]+$`, fd)
	reply := cl.Exchange("vFile:pread:" + fd[1:] + ",40,0")
	require.True(t, strings.HasPrefix(reply, "F40;"), reply)
	require.Equal(t, string(vmlinux[:0x40]), unescapeBinary(reply[len("F40;"):]))
}

// unescapeBinary undoes the RSP binary escape (0x7d, then the byte xor 0x20).
func unescapeBinary(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x7d && i+1 < len(s) {
			i++
			b.WriteByte(s[i] ^ 0x20)
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// The knobs that are the machine's, not the model kernel's, go with an Image too (issue 12: --csync,
// --livelock-threshold, --far-policy, and --hw-debug external).
func TestMachineKnobsWithAnImage(t *testing.T) {
	s := startServer(t, "--kernel", linuxOut(t, "Image"), "--csync", "eager", "--livelock-threshold", "50",
		"--far-policy", "access-start", "--hw-debug", "external", "--seed", "7")
	out := gdb(t, s.Addr, "info registers pc\nmonitor stats\n")
	require.Regexp(t, `pc\s+0x40200000`, out)
	require.Contains(t, out, "gdb comparators in use: 0 of 6 breakpoints, 0 of 4 watchpoints", out)
}
