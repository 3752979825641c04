package linux

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// checkConfig runs check-config.sh (what build-kernel.sh runs after olddefconfig) on a fragment and a
// .config; it returns the script's stderr and whether it passed.
func checkConfig(t *testing.T, fragment, config string) (string, bool) {
	t.Helper()
	cmd := exec.Command("./check-config.sh", fragment, config)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if _, failed := err.(*exec.ExitError); !failed {
		require.NoError(t, err)
	}
	return stderr.String(), err == nil
}

// The check fails the build, naming the option, when Kconfig dropped a wanted option or set an unwanted one.
func TestConfigCheck(t *testing.T) {
	for _, fragment := range []string{"config/linux-6.1.config", "config/linux-6.12.config"} {
		t.Run(filepath.Base(fragment), func(t *testing.T) {
			data, err := os.ReadFile(fragment)
			require.NoError(t, err)
			var wanted, unwanted []string
			for _, l := range strings.Split(string(data), "\n") {
				switch {
				case strings.HasPrefix(l, "CONFIG_"):
					wanted = append(wanted, l)
				case strings.HasPrefix(l, "# CONFIG_") && strings.HasSuffix(l, " is not set"):
					unwanted = append(unwanted, strings.Fields(l)[1])
				}
			}
			require.Contains(t, wanted, "CONFIG_PERF_EVENTS=y")
			require.Contains(t, unwanted, "CONFIG_RANDOMIZE_BASE")
			write := func(lines []string) string {
				path := filepath.Join(t.TempDir(), ".config")
				require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
				return path
			}

			good := append([]string{"CONFIG_ARM64=y"}, wanted...)
			for _, u := range unwanted {
				good = append(good, "# "+u+" is not set")
			}
			msg, ok := checkConfig(t, fragment, write(good))
			require.True(t, ok, msg)

			dropped := []string{}
			for _, l := range good {
				if l != "CONFIG_PERF_EVENTS=y" {
					dropped = append(dropped, l)
				}
			}
			msg, ok = checkConfig(t, fragment, write(append(dropped, "# CONFIG_PERF_EVENTS is not set")))
			require.False(t, ok)
			require.Contains(t, msg, "want CONFIG_PERF_EVENTS=y, have: # CONFIG_PERF_EVENTS is not set")

			msg, ok = checkConfig(t, fragment, write(append(good, "CONFIG_RANDOMIZE_BASE=y")))
			require.False(t, ok)
			require.Contains(t, msg, "want # CONFIG_RANDOMIZE_BASE is not set, have: CONFIG_RANDOMIZE_BASE=y")
		})
	}
}

// The .configs make linux built with honour their fragments.
func TestBuiltConfigs(t *testing.T) {
	for fragment, config := range map[string]string{"config/linux-6.1.config": "config", "config/linux-6.12.config": "config-6.12"} {
		msg, ok := checkConfig(t, fragment, output(t, config))
		require.True(t, ok, msg)
	}
}
