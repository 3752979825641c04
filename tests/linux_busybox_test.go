package tests

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim/linux"
)

// busyboxScript is what busybox's shell runs as init: ordinary compiled user space, FP/SIMD included (its
// libc's string functions, floating point in seq and awk, sha1). The kernel's command line takes no quotes
// inside its double quotes, hence awk's single ones.
const busyboxScript = `echo ok; busybox mount -t proc proc /proc; busybox cat /proc/cpuinfo; ` +
	`busybox seq 0.5 0.25 1.5; busybox awk 'BEGIN { print 1 / 3, 2.5 * 4.2, 1e300 * 10 }'; ` +
	`busybox sha1sum /bin/busybox; echo done; busybox poweroff -f`

// busyboxInitramfs packs Debian's static busybox (make linux fetches it) as /bin/busybox.
func busyboxInitramfs(t *testing.T) string {
	t.Helper()
	bb, err := os.ReadFile(linuxOut(t, "busybox-arm64/bin/busybox"))
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, linux.WriteNewc(&b, []linux.Entry{
		{Name: "bin", Mode: linux.ModeDir | 0o755},
		{Name: "bin/busybox", Mode: linux.ModeRegular | 0o755, Data: bb},
		{Name: "dev", Mode: linux.ModeDir | 0o755},
		{Name: "dev/console", Mode: linux.ModeCharDev | 0o600, RMajor: 5, RMinor: 1},
		{Name: "proc", Mode: linux.ModeDir | 0o755},
	}))
	path := filepath.Join(t.TempDir(), "busybox.cpio")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	return path
}

// userLines are the console lines busybox printed: not the kernel's, and not cpuinfo's Features line, where
// QEMU's cortex-a57 also lists the crypto extensions that we leave out.
func userLines(console string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(console, "\r\n", "\n"), "\n") {
		if l == "" || strings.HasPrefix(l, "[") || strings.HasPrefix(l, "Features") {
			continue
		}
		out = append(out, l)
	}
	return out
}

// busyboxBoth boots Linux 6.1 with busybox running script as init, on our machine and on QEMU at the same
// time, for at most bound each; stop ends a run early (linux.Watch). reboot lets QEMU restart on a
// SYSTEM_RESET (no -no-reboot) and keeps our stub running past a power-off (no --once).
func busyboxBoth(t *testing.T, script string, reboot bool, bound time.Duration,
	stop func(console, stderr string) bool) (ours, qemu linux.Run) {
	t.Helper()
	initrd := busyboxInitramfs(t)
	cmdline := linux.BaseCmdline[:strings.Index(linux.BaseCmdline, " ")] + ` rdinit=/bin/busybox -- sh -c "` + script + `"`
	k := linux.Linux61
	qargs, err := linux.QEMUArgs(k, 2, cmdline)
	require.NoError(t, err)
	var args []string
	for i := 0; i < len(qargs); i++ {
		switch {
		case qargs[i] == "-no-reboot" && reboot:
			continue
		case qargs[i] == "-initrd":
			qargs[i+1] = initrd
		}
		args = append(args, qargs[i])
	}
	qemuBin, err := exec.LookPath("qemu-system-aarch64")
	require.NoError(t, err)
	qemuDone := make(chan linux.Run, 1)
	go func() {
		run, err := linux.Watch(exec.CommandContext(context.Background(), qemuBin, args...), bound, stop)
		if err != nil {
			run.Stderr += err.Error()
		}
		qemuDone <- run
	}()
	ourArgs := []string{"--kernel", linuxOut(t, k.Image), "--initrd", initrd, "--append", cmdline, "--mem", "512M",
		"--cpus", "2", "--run"}
	if !reboot {
		ourArgs = append(ourArgs, "--once")
	}
	ours, err = linux.Watch(exec.Command(serverBin, append(ourArgs, "127.0.0.1:0")...), bound, stop)
	require.NoError(t, err)
	return ours, <-qemuDone
}

// Under Linux with FP and AdvSIMD advertised, Debian's arm64 busybox-static runs as init on our machine
// as on QEMU, with the same output.
func TestLinuxBusyboxMatchesQEMU(t *testing.T) {
	ours, qemu := busyboxBoth(t, busyboxScript, false, 60*time.Second, nil)
	require.True(t, ours.PoweredOff, "busybox did not power off; console:\n%s", tail(ours.Console, 4000))
	require.True(t, qemu.PoweredOff, "QEMU: %s\n%s", qemu.Stderr, tail(qemu.Console, 4000))
	lines := userLines(ours.Console)
	require.Contains(t, lines, "ok")
	require.Contains(t, lines, "done")
	require.Contains(t, lines, "0.333333 10.5 1e+301", "awk's floating point:\n%s", ours.Console)
	require.Contains(t, ours.Console, "Features\t: fp asimd", "Linux sees FP and AdvSIMD")
	require.NotContains(t, ours.Console, "Floating-point is not implemented")
	require.Equal(t, userLines(qemu.Console), lines)
}

// Linux's reboot is PSCI SYSTEM_RESET: the machine enters the Image again as at power-on (x0 = the device
// tree), so the second boot reaches user space as the first did, on our machine as on QEMU (without
// -no-reboot).
func TestLinuxRebootBootsAgain(t *testing.T) {
	twice := func(console, _ string) bool { return strings.Count(console, "\nok") >= 2 }
	ours, qemu := busyboxBoth(t, "echo ok; busybox reboot -f", true, 90*time.Second, twice)
	release := linuxRelease(t, linux.Linux61)
	for name, run := range map[string]linux.Run{"ours": ours, "QEMU": qemu} {
		require.True(t, twice(run.Console, ""), "%s: the second boot did not reach user space:\n%s", name, tail(run.Console, 4000))
		require.Equal(t, 2, strings.Count(run.Console, "Linux version "+release+" "), name)
		require.Contains(t, run.Console, "reboot: Restarting system", name)
	}
	require.Equal(t, userLines(qemu.Console), userLines(ours.Console))
}
