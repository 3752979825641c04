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

// dwarfStruct finds a struct type by name in kernel.elf's DWARF.
func dwarfStruct(t *testing.T, name string) *dwarf.StructType {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(KernelELF))
	require.NoError(t, err)
	d, err := f.DWARF()
	require.NoError(t, err)
	r := d.Reader()
	for {
		e, err := r.Next()
		require.NoError(t, err)
		require.NotNil(t, e, "struct %s not found in DWARF", name)
		if e.Tag != dwarf.TagStructType || e.Val(dwarf.AttrName) != name {
			continue
		}
		typ, err := d.Type(e.Offset)
		require.NoError(t, err)
		return typ.(*dwarf.StructType)
	}
}

type member struct {
	path      string
	off, size int64
}

// cMembers flattens nested structs ("hw.ctrl.len"); arrays and scalars are leaves.
func cMembers(st *dwarf.StructType, prefix string, base int64) []member {
	var out []member
	for _, f := range st.Field {
		typ := f.Type
		for {
			if q, ok := typ.(*dwarf.QualType); ok {
				typ = q.Type
				continue
			}
			if td, ok := typ.(*dwarf.TypedefType); ok {
				typ = td.Type
				continue
			}
			break
		}
		if inner, ok := typ.(*dwarf.StructType); ok {
			out = append(out, cMembers(inner, prefix+f.Name+".", base+f.ByteOffset)...)
			continue
		}
		out = append(out, member{prefix + f.Name, base + f.ByteOffset, f.Type.Size()})
	}
	return out
}

// goMembers lists a packed Go mirror's fields by their c tags.
func goMembers(v any) []member {
	var out []member
	var off int64
	wt := reflect.TypeOf(v)
	for i := 0; i < wt.NumField(); i++ {
		f := wt.Field(i)
		out = append(out, member{f.Tag.Get("c"), off, int64(f.Type.Size())})
		off += int64(f.Type.Size())
	}
	return out
}

// The Go mirrors and the C structs agree member by member (DWARF of kernel.elf).
func TestLayoutsMatchC(t *testing.T) {
	tests := []struct {
		cName string
		goVal any
		size  int
	}{
		{"kernel_config", configWire{}, ConfigSize},
		{"perf_event", PerfEvent{}, PerfEventSize},
	}
	for _, tc := range tests {
		t.Run(tc.cName, func(t *testing.T) {
			st := dwarfStruct(t, tc.cName)
			require.Equal(t, int64(tc.size), st.ByteSize)
			require.Equal(t, cMembers(st, "", 0), goMembers(tc.goVal))
		})
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
		"KCFG_DBG_NO_MDE": uint64(DebugNoMDE), "KCFG_DBG_KEEP_D_MASKED": uint64(DebugKeepDMasked), "KCFG_DBG_SELFTEST_HITS": uint64(DebugSelftestHits),
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
