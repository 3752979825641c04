package selfdebug

import (
	"fmt"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
)

// NewUnit builds CPU cpu's Unit from the configuration's names ("" picks
// the default: cortex-a57, strict, clamp); the random sync policy gets a
// per-CPU seed derived from seed.
func NewUnit(model, sync, far string, seed int64, cpu int) (*debugregs.Unit, error) {
	if model == "" {
		model = debugregs.CortexA57.Name
	}
	if sync == "" {
		sync = "strict"
	}
	if far == "" {
		far = "clamp"
	}
	m, err := debugregs.LookupModel(model)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	s, err := debugregs.ParseSyncPolicy(sync)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	f, err := debugregs.ParseFARPolicy(far)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	cpuSeed := mix64(uint64(seed) + uint64(cpu+1)*0x9e3779b97f4a7c15)
	return debugregs.NewUnit(debugregs.Config{Model: m, Sync: s, FAR: f, Seed: cpuSeed})
}

// mix64 is the SplitMix64 finalizer.
func mix64(x uint64) uint64 {
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// PState is the PSTATE view the Unit's rules need.
func PState(s *cpu.State) debugregs.PState {
	return debugregs.PState{EL: s.EL, D: s.DAIF&cpu.DAIFD != 0, SS: s.SS}
}

// Port is one CPU's debug register file: the cpu.DebugOwned encodings.
type Port struct {
	U    *debugregs.Unit
	misc plain
}

// Read is MRS (checkEL, at exception level el) or a debugger's read of key.
// handled is false for an encoding the core's own table answers (an
// ID register debugregs does not decode).
func (p *Port) Read(key uint32, el uint8, checkEL bool) (v uint64, ok, handled bool) {
	e := debugregs.Encoding(key)
	r, isDebug := debugregs.DecodeSysReg(e)
	if !isDebug {
		if key>>14 != 2 {
			return 0, false, false
		}
		if checkEL && el == 0 {
			return 0, false, true
		}
		v, ok = p.misc.ReadDebugReg(key)
		return v, ok, true
	}
	if !checkEL {
		v, ok = p.U.Register(r.Kind, p.debuggerIndex(r))
		return v, ok, true
	}
	v, err := p.U.ReadSysReg(e, el)
	return v, err == nil, true
}

// Write is MSR (checkEL) or a debugger's write of an op0 = 2 register.
// ok=false: UNDEFINED (MSR) or not writable (debugger). The caller then
// rebuilds what depends on the Unit's generation.
func (p *Port) Write(key uint32, v uint64, el uint8, checkEL bool) bool {
	e := debugregs.Encoding(key)
	r, isDebug := debugregs.DecodeSysReg(e)
	if !isDebug {
		if checkEL && el == 0 {
			return false
		}
		return p.misc.WriteDebugReg(key, v)
	}
	if checkEL {
		return p.U.WriteSysReg(e, el, v) == nil
	}
	return p.U.SetRegister(r.Kind, p.debuggerIndex(r), v)
}

// debuggerIndex maps DBG*<m>_EL1 to the physical comparator a debugger's access names: m in the bank
// MDSELR_EL1 selects (effective values), as the guest's own access would.
func (p *Port) debuggerIndex(r debugregs.SysReg) int {
	if !r.Kind.Indexed() {
		return 0
	}
	u := p.U
	if !u.Model().Debugv8p9 {
		return r.M
	}
	mdscr, _ := u.Effective(debugregs.KindMDSCR, 0)
	sel, _ := u.Effective(debugregs.KindMDSELR, 0)
	if !debugregs.MDSCR(mdscr).EMBWE() {
		return r.M
	}
	return int(debugregs.MDSELR(sel).BANK())*16 + r.M
}
