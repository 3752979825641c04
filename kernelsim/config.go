package kernelsim

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// Scenario selects what the kernel runs after boot (kernel_config.scenario).
type Scenario uint32

// Scenarios (config.h enum kcfg_scenario).
const (
	ScenarioWorkload     Scenario = 0
	ScenarioPerfLivelock Scenario = 1
	ScenarioCsyncWindow  Scenario = 2
	ScenarioBankRace     Scenario = 3
)

// UninstallOrder is the order arch_uninstall_hw_breakpoint uses.
type UninstallOrder uint32

// Uninstall orders (config.h enum kcfg_uninstall_order).
const (
	UninstallUpstream UninstallOrder = 0 // slot cleared first: the livelock
	UninstallFixed    UninstallOrder = 1 // control register disabled + ISB first
)

// Recovery is what the breakpoint handlers do with an enabled comparator no slot owns.
type Recovery uint32

// Recoveries (config.h enum kcfg_recovery).
const (
	RecoveryNone          Recovery = 0
	RecoveryDisableOrphan Recovery = 1
)

// BankGuard protects the Debugv8p9 MDSELR bank select from debug exceptions.
type BankGuard uint32

// Bank guards (config.h enum kcfg_bank_guard).
const (
	BankGuardNone              BankGuard = 0
	BankGuardMaskDebug         BankGuard = 1
	BankGuardSaveRestoreMDSELR BankGuard = 2
)

// DebugFlags are deliberate misconfigurations (config.h KCFG_DBG_*).
type DebugFlags uint32

// Debug flags.
const (
	DebugKeepOSLock  DebugFlags = 1 << 0 // do not clear the OS lock at boot
	DebugNoKDE       DebugFlags = 1 << 1 // never set MDSCR_EL1.KDE
	DebugNoMDE       DebugFlags = 1 << 2 // never set MDSCR_EL1.MDE
	DebugKeepDMasked DebugFlags = 1 << 3 // leave PSTATE.D set
	// DebugSelftestHits makes the boot self-test also hit a MASK region counter on CPU 0
	// (watchpoint and step exceptions on CPU 0 at boot; the console is the same).
	DebugSelftestHits DebugFlags = 1 << 4
)

var (
	scenarioNames = []string{"workload", "perf-livelock", "csync-window", "bank-race"}
	orderNames    = []string{"upstream", "fixed"}
	recoveryNames = []string{"none", "disable-orphan"}
	bankNames     = []string{"none", "mask-debug", "save-restore-mdselr"}
)

func name(names []string, v uint32) string {
	if int(v) < len(names) {
		return names[v]
	}
	return fmt.Sprintf("unknown(%d)", v)
}

func parseName(kind string, names []string, s string) (uint32, error) {
	for i, n := range names {
		if n == s {
			return uint32(i), nil
		}
	}
	return 0, fmt.Errorf("kernelsim: unknown %s %q (want one of %s)", kind, s, strings.Join(names, ", "))
}

func (s Scenario) String() string       { return name(scenarioNames, uint32(s)) }
func (o UninstallOrder) String() string { return name(orderNames, uint32(o)) }
func (r Recovery) String() string       { return name(recoveryNames, uint32(r)) }
func (b BankGuard) String() string      { return name(bankNames, uint32(b)) }

// ScenarioNames lists the scenario names in order.
func ScenarioNames() []string { return append([]string(nil), scenarioNames...) }

// ParseScenario maps "workload", "perf-livelock", "csync-window", "bank-race".
func ParseScenario(s string) (Scenario, error) {
	v, err := parseName("scenario", scenarioNames, s)
	return Scenario(v), err
}

// ParseUninstallOrder maps "upstream", "fixed".
func ParseUninstallOrder(s string) (UninstallOrder, error) {
	v, err := parseName("uninstall order", orderNames, s)
	return UninstallOrder(v), err
}

// ParseRecovery maps "none", "disable-orphan".
func ParseRecovery(s string) (Recovery, error) {
	v, err := parseName("recovery", recoveryNames, s)
	return Recovery(v), err
}

// ParseBankGuard maps "none", "mask-debug", "save-restore-mdselr".
func ParseBankGuard(s string) (BankGuard, error) {
	v, err := parseName("bank guard", bankNames, s)
	return BankGuard(v), err
}

// Config holds every runtime knob of the guest (struct kernel_config in config.h).
type Config struct {
	Scenario       Scenario
	UninstallOrder UninstallOrder
	Recovery       Recovery
	BankGuard      BankGuard
	WorkloadRounds uint64 // rounds per CPU; 0 = run forever
	WorkloadIters  uint32 // counter increments per round
	LivelockCPU    uint32 // CPU the perf-livelock event is installed on
	StallTimeoutMS uint32 // stall watchdog threshold; 0 = off
	StallPowerOff  bool   // power off after a stall report
	DebugFlags     DebugFlags
}

// DefaultConfig is the configuration built into kernel.elf.
func DefaultConfig() Config {
	return Config{
		Scenario:       ScenarioWorkload,
		UninstallOrder: UninstallUpstream,
		Recovery:       RecoveryNone,
		BankGuard:      BankGuardNone,
		WorkloadRounds: 0,
		WorkloadIters:  1000,
		LivelockCPU:    1,
		StallTimeoutMS: 2000,
		StallPowerOff:  false,
		DebugFlags:     0,
	}
}

// Validate rejects values the kernel does not know.
func (c Config) Validate() error {
	switch {
	case int(c.Scenario) >= len(scenarioNames):
		return fmt.Errorf("kernelsim: unknown scenario %d", c.Scenario)
	case int(c.UninstallOrder) >= len(orderNames):
		return fmt.Errorf("kernelsim: unknown uninstall order %d", c.UninstallOrder)
	case int(c.Recovery) >= len(recoveryNames):
		return fmt.Errorf("kernelsim: unknown recovery %d", c.Recovery)
	case int(c.BankGuard) >= len(bankNames):
		return fmt.Errorf("kernelsim: unknown bank guard %d", c.BankGuard)
	case c.WorkloadIters == 0:
		return fmt.Errorf("kernelsim: workload iterations must be at least 1")
	case c.LivelockCPU >= NumCPUSlots:
		return fmt.Errorf("kernelsim: livelock CPU %d out of range (max %d)", c.LivelockCPU, NumCPUSlots-1)
	case c.DebugFlags&^(DebugKeepOSLock|DebugNoKDE|DebugNoMDE|DebugKeepDMasked|DebugSelftestHits) != 0:
		return fmt.Errorf("kernelsim: unknown debug flags %#x", uint32(c.DebugFlags))
	}
	return nil
}

// Config block identity (config.h).
const (
	ConfigMagic   = 0x4746434b // "KCFG"
	ConfigVersion = 1
)

// configWire is struct kernel_config byte for byte (little-endian, no
// padding); the c tags name the C members, checked against DWARF by tests.
type configWire struct {
	Magic          uint32 `c:"magic"`
	Version        uint32 `c:"version"`
	Scenario       uint32 `c:"scenario"`
	UninstallOrder uint32 `c:"uninstall_order"`
	Recovery       uint32 `c:"recovery"`
	BankGuard      uint32 `c:"bank_guard"`
	WorkloadRounds uint64 `c:"workload_rounds"`
	WorkloadIters  uint32 `c:"workload_iters"`
	LivelockCPU    uint32 `c:"livelock_cpu"`
	StallTimeoutMS uint32 `c:"stall_timeout_ms"`
	StallPowerOff  uint32 `c:"stall_poweroff"`
	DebugFlags     uint32 `c:"debug_flags"`
	Reserved       uint32 `c:"reserved"`
}

// ConfigSize is sizeof(struct kernel_config).
var ConfigSize = binary.Size(configWire{})

// MarshalBinary encodes c as the guest's struct kernel_config.
func (c Config) MarshalBinary() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	w := configWire{
		Magic: ConfigMagic, Version: ConfigVersion,
		Scenario: uint32(c.Scenario), UninstallOrder: uint32(c.UninstallOrder), Recovery: uint32(c.Recovery),
		BankGuard: uint32(c.BankGuard), WorkloadRounds: c.WorkloadRounds, WorkloadIters: c.WorkloadIters,
		LivelockCPU: c.LivelockCPU, StallTimeoutMS: c.StallTimeoutMS, DebugFlags: uint32(c.DebugFlags),
	}
	if c.StallPowerOff {
		w.StallPowerOff = 1
	}
	var buf bytes.Buffer
	if err := binary.Write(&buf, binary.LittleEndian, &w); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// UnmarshalConfig decodes a struct kernel_config read from guest memory.
func UnmarshalConfig(b []byte) (Config, error) {
	var w configWire
	if len(b) != ConfigSize {
		return Config{}, fmt.Errorf("kernelsim: config block is %d bytes, want %d", len(b), ConfigSize)
	}
	if err := binary.Read(bytes.NewReader(b), binary.LittleEndian, &w); err != nil {
		return Config{}, err
	}
	if w.Magic != ConfigMagic || w.Version != ConfigVersion {
		return Config{}, fmt.Errorf("kernelsim: config block magic %#x version %d, want %#x version %d",
			w.Magic, w.Version, ConfigMagic, ConfigVersion)
	}
	if w.StallPowerOff > 1 {
		return Config{}, fmt.Errorf("kernelsim: stall_poweroff is %d, want 0 or 1", w.StallPowerOff)
	}
	c := Config{
		Scenario: Scenario(w.Scenario), UninstallOrder: UninstallOrder(w.UninstallOrder),
		Recovery: Recovery(w.Recovery), BankGuard: BankGuard(w.BankGuard), WorkloadRounds: w.WorkloadRounds,
		WorkloadIters: w.WorkloadIters, LivelockCPU: w.LivelockCPU, StallTimeoutMS: w.StallTimeoutMS,
		StallPowerOff: w.StallPowerOff != 0, DebugFlags: DebugFlags(w.DebugFlags),
	}
	return c, c.Validate()
}

// ConfigAddr returns the guest address of kernel_config, checking its size.
func (img *Image) ConfigAddr() (uint64, error) {
	addr, size, ok := img.Symbols.Lookup(SymConfig)
	if !ok {
		return 0, fmt.Errorf("kernelsim: the kernel has no %s symbol", SymConfig)
	}
	if size != uint64(ConfigSize) {
		return 0, fmt.Errorf("kernelsim: %s is %d bytes, this package knows a %d-byte layout", SymConfig, size,
			ConfigSize)
	}
	return addr, nil
}

// Config returns the configuration built into the image.
func (img *Image) Config() (Config, error) {
	addr, err := img.ConfigAddr()
	if err != nil {
		return Config{}, err
	}
	b, err := img.ReadInitial(addr, uint64(ConfigSize))
	if err != nil {
		return Config{}, err
	}
	return UnmarshalConfig(b)
}

// ConfigPatch returns the memory writes that set cfg in a loaded image: the
// host applies them after loading the segments and before the first
// instruction (or at run time, for knobs the kernel re-reads).
func (img *Image) ConfigPatch(cfg Config) ([]Segment, error) {
	addr, err := img.ConfigAddr()
	if err != nil {
		return nil, err
	}
	b, err := cfg.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return []Segment{{Addr: addr, Data: b, MemSize: uint64(len(b))}}, nil
}

// PatchedELF returns a copy of the ELF file with cfg built in (for QEMU's
// -kernel, or --dump-kernel). QEMU's "-device loader,data=…" cannot do this:
// it writes before the ELF's own bytes are copied in at reset.
func (img *Image) PatchedELF(cfg Config) ([]byte, error) {
	patch, err := img.ConfigPatch(cfg)
	if err != nil {
		return nil, err
	}
	return img.patchFile(patch[0].Addr, patch[0].Data)
}
