package tests

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// make demo-linux's script on 6.1 (the 6.12 run adds the NMI backtrace, which TestLinuxPerfLivelock covers):
// upstream, gdb stops on CPU 1 with the livelock report and bt down from perf_ioctl, detaches, and Linux's
// own stall report follows; fixed, the init completes and the script exits 0.
func TestDemoLinux(t *testing.T) {
	tests := []struct {
		order string
		want  []string // regular expressions the output must match
	}{
		{"upstream", []string{
			`livelock: cpu 1 pc 0x[0-9a-f]+ <write_wb_reg\+0x0> breakpoint \(EC 0x31\), 1000 times`,
			`Thread 2 "cpu1" received signal SIGTRAP`,
			`#0\s+write_wb_reg \(`,
			`#\d+\s+0x[0-9a-f]+ in arch_uninstall_hw_breakpoint \(`,
			`#\d+\s+0x[0-9a-f]+ in perf_ioctl \(`,
			`DBGBCR0_EL1 0x000001e3\s+E=on`,
			`\[Inferior 1 \(process 1\) detached\]`,
			`\ninit: ioctl DISABLE \.\.\.\n\n== Linux's own report on the console`,
			`rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:`,
		}},
		{"fixed", []string{
			`\ninit: ioctl DISABLE = 0\ninit: count after DISABLE = 1\n`,
			`guest powered off`,
			`the stub exited 0 when the init powered off`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.order, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("./demo-linux.sh")
			cmd.Env = append(os.Environ(), "HWBP_GDBSTUB="+serverBin, "LINUX=6.1", "ORDER="+tt.order)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
			for _, re := range tt.want {
				require.Regexp(t, re, string(out))
			}
			require.NotContains(t, string(out), "internal-error")
			if tt.order == "fixed" {
				require.NotContains(t, string(out), "livelock: cpu")
			}
		})
	}
}
