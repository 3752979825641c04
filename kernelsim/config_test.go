package kernelsim

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"encoding/binary"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDefaultConfigIsBuiltIn(t *testing.T) {
	img, err := Default()
	require.NoError(t, err)
	cfg, err := img.Config()
	require.NoError(t, err)
	require.Equal(t, DefaultConfig(), cfg)
}

func TestConfigPatch(t *testing.T) {
	img, err := Default()
	require.NoError(t, err)
	addr, _, _ := img.Symbols.Lookup(SymConfig)
	tests := []struct {
		name string
		cfg  Config
	}{
		{"default", DefaultConfig()},
		{"perf-livelock fixed", Config{Scenario: ScenarioPerfLivelock, UninstallOrder: UninstallFixed,
			Recovery: RecoveryDisableOrphan, WorkloadIters: 1, LivelockCPU: 7, StallTimeoutMS: 1000,
			StallPowerOff: true}},
		{"workload rounds", Config{Scenario: ScenarioWorkload, WorkloadRounds: 1 << 40, WorkloadIters: 5,
			DebugFlags: DebugKeepOSLock | DebugNoKDE, BankGuard: BankGuardSaveRestoreMDSELR}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			patch, err := img.ConfigPatch(tc.cfg)
			require.NoError(t, err)
			require.Len(t, patch, 1)
			require.Equal(t, addr, patch[0].Addr)
			require.Len(t, patch[0].Data, ConfigSize)
			require.Equal(t, uint64(ConfigSize), patch[0].MemSize)
			got, err := UnmarshalConfig(patch[0].Data)
			require.NoError(t, err)
			require.Equal(t, tc.cfg, got)

			elfBytes, err := img.PatchedELF(tc.cfg)
			require.NoError(t, err)
			patched, err := Parse(elfBytes)
			require.NoError(t, err)
			got, err = patched.Config()
			require.NoError(t, err)
			require.Equal(t, tc.cfg, got)
			require.True(t, bytes.Equal(KernelELF, img.Raw), "the image is not modified")
		})
	}
}

func TestConfigRejects(t *testing.T) {
	img, err := Default()
	require.NoError(t, err)
	base := DefaultConfig()
	tests := []struct {
		name string
		edit func(c *Config)
	}{
		{"scenario", func(c *Config) { c.Scenario = 9 }},
		{"order", func(c *Config) { c.UninstallOrder = 2 }},
		{"recovery", func(c *Config) { c.Recovery = 2 }},
		{"bank guard", func(c *Config) { c.BankGuard = 3 }},
		{"zero iters", func(c *Config) { c.WorkloadIters = 0 }},
		{"cpu", func(c *Config) { c.LivelockCPU = 64 }},
		{"flags", func(c *Config) { c.DebugFlags = 1 << 9 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			tc.edit(&c)
			_, err := img.ConfigPatch(c)
			require.Error(t, err)
		})
	}
	_, err = UnmarshalConfig(make([]byte, ConfigSize))
	require.ErrorContains(t, err, "magic")
	_, err = UnmarshalConfig(nil)
	require.ErrorContains(t, err, "bytes")
}

func TestConfigNames(t *testing.T) {
	for i, n := range ScenarioNames() {
		s, err := ParseScenario(n)
		require.NoError(t, err)
		require.Equal(t, Scenario(i), s)
		require.Equal(t, n, s.String())
	}
	o, err := ParseUninstallOrder("fixed")
	require.NoError(t, err)
	require.Equal(t, UninstallFixed, o)
	r, err := ParseRecovery("disable-orphan")
	require.NoError(t, err)
	require.Equal(t, RecoveryDisableOrphan, r)
	b, err := ParseBankGuard("save-restore-mdselr")
	require.NoError(t, err)
	require.Equal(t, BankGuardSaveRestoreMDSELR, b)
	_, err = ParseScenario("nope")
	require.ErrorContains(t, err, "workload, perf-livelock")
	require.Equal(t, "unknown(7)", Scenario(7).String())
}

// The Go wire struct and the C struct kernel_config agree member by member (DWARF of kernel.elf).
func TestConfigLayoutMatchesC(t *testing.T) {
	f, err := elf.NewFile(bytes.NewReader(KernelELF))
	require.NoError(t, err)
	d, err := f.DWARF()
	require.NoError(t, err)
	r := d.Reader()
	var st *dwarf.StructType
	for st == nil {
		e, err := r.Next()
		require.NoError(t, err)
		require.NotNil(t, e, "struct kernel_config not found in DWARF")
		if e.Tag != dwarf.TagStructType || e.Val(dwarf.AttrName) != "kernel_config" {
			continue
		}
		typ, err := d.Type(e.Offset)
		require.NoError(t, err)
		st = typ.(*dwarf.StructType)
	}
	require.Equal(t, int64(ConfigSize), st.ByteSize)

	wt := reflect.TypeOf(configWire{})
	require.Equal(t, wt.NumField(), len(st.Field))
	off := 0
	for i := 0; i < wt.NumField(); i++ {
		gf, cf := wt.Field(i), st.Field[i]
		size := int(gf.Type.Size())
		require.Equal(t, gf.Tag.Get("c"), cf.Name, "member %d", i)
		require.Equal(t, int64(off), cf.ByteOffset, cf.Name)
		require.Equal(t, int64(size), cf.Type.Size(), cf.Name)
		off += size
	}
}

// The enum values and flags of config.h are the Go constants.
func TestConfigConstantsMatchHeader(t *testing.T) {
	src, err := os.ReadFile("guest/config.h")
	require.NoError(t, err)
	re := regexp.MustCompile(`(?m)(KCFG_\w+)\s*(?:=\s*|\s+)\(?(0x[0-9a-fA-F]+|\d+)u?(?:\s*<<\s*(\d+))?`)
	got := map[string]uint64{}
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		v, err := strconv.ParseUint(m[2], 0, 64)
		require.NoError(t, err, m[0])
		if m[3] != "" {
			sh, _ := strconv.Atoi(m[3])
			v <<= sh
		}
		got[m[1]] = v
	}
	want := map[string]uint64{
		"KCFG_MAGIC": ConfigMagic, "KCFG_VERSION": ConfigVersion,
		"KCFG_SCENARIO_WORKLOAD": uint64(ScenarioWorkload), "KCFG_SCENARIO_PERF_LIVELOCK": uint64(ScenarioPerfLivelock),
		"KCFG_SCENARIO_CSYNC_WINDOW": uint64(ScenarioCsyncWindow), "KCFG_SCENARIO_BANK_RACE": uint64(ScenarioBankRace),
		"KCFG_UNINSTALL_UPSTREAM": uint64(UninstallUpstream), "KCFG_UNINSTALL_FIXED": uint64(UninstallFixed),
		"KCFG_RECOVERY_NONE": uint64(RecoveryNone), "KCFG_RECOVERY_DISABLE_ORPHAN": uint64(RecoveryDisableOrphan),
		"KCFG_BANK_GUARD_NONE": uint64(BankGuardNone), "KCFG_BANK_GUARD_MASK_DEBUG": uint64(BankGuardMaskDebug),
		"KCFG_BANK_GUARD_SAVE_RESTORE_MDSELR": uint64(BankGuardSaveRestoreMDSELR),
		"KCFG_DBG_KEEP_OS_LOCK":               uint64(DebugKeepOSLock), "KCFG_DBG_NO_KDE": uint64(DebugNoKDE),
		"KCFG_DBG_NO_MDE": uint64(DebugNoMDE), "KCFG_DBG_KEEP_D_MASKED": uint64(DebugKeepDMasked),
	}
	require.Equal(t, want, got)
}

func FuzzUnmarshalConfig(f *testing.F) {
	b, _ := DefaultConfig().MarshalBinary()
	f.Add(b)
	f.Add(make([]byte, ConfigSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := UnmarshalConfig(b)
		if err != nil {
			return
		}
		out, err := c.MarshalBinary()
		require.NoError(t, err)
		// reserved is the only member not carried through
		binary.LittleEndian.PutUint32(out[ConfigSize-4:], binary.LittleEndian.Uint32(b[ConfigSize-4:]))
		require.Equal(t, b, out)
	})
}
