package debugregs

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzSysRegRoundTrip drives MSR/MRS with arbitrary encodings, levels and values on both models. Laws:
// no panic; DecodeSysReg and Encoding agree; a successful write of a readable register reads back a value
// that, written again, reads back unchanged (writes keep exactly the implemented bits); the architectural
// value is visible at once and the effective one after ContextSynchronize.
func FuzzSysRegRoundTrip(f *testing.F) {
	f.Add(uint16(encBCR(0)), uint8(1), uint64(0x1e7), false, uint8(0))
	f.Add(uint16(encWCR(3)), uint8(1), ^uint64(0), true, uint8(0x30))
	f.Add(uint16(EncMDSCR), uint8(1), uint64(1<<32|1<<15|1<<13), true, uint8(0x10))
	f.Add(uint16(EncMDSELR), uint8(1), uint64(0x20), true, uint8(0x20))
	f.Add(uint16(EncOSLAR), uint8(0), uint64(1), false, uint8(0))
	f.Add(uint16(encBVR(15)), uint8(1), uint64(0xffff_8000_1234_5678), true, uint8(0x30))
	f.Fuzz(func(t *testing.T, raw uint16, el uint8, v uint64, v89 bool, bank uint8) {
		e := Encoding(raw)
		r, ok := DecodeSysReg(e)
		if ok {
			back, ok := r.Encoding()
			require.True(t, ok)
			require.Equal(t, e, back)
		}
		m := CortexA57
		if v89 {
			m = Debugv8p9
		}
		u := newUnit(t, m, SyncStrict)
		if v89 {
			msr(t, u, EncOSLAR, 0)
			msr(t, u, EncMDSCR, uint64(MDSCR(0).WithEMBWE(true)))
			msr(t, u, EncMDSELR, uint64(bank))
			u.ContextSynchronize()
		}
		el %= 3
		werr := u.WriteSysReg(e, el, v)
		got, rerr := u.ReadSysReg(e, el)
		if !ok {
			require.ErrorIs(t, werr, ErrNotDebugReg)
			require.ErrorIs(t, rerr, ErrNotDebugReg)
			return
		}
		if el == 0 {
			require.ErrorIs(t, werr, ErrUndefined)
			require.ErrorIs(t, rerr, ErrUndefined)
			return
		}
		if werr != nil || rerr != nil {
			return
		}
		require.NoError(t, u.WriteSysReg(e, el, got))
		again, err := u.ReadSysReg(e, el)
		require.NoError(t, err)
		require.Equal(t, got, again, "%v: write of the read-back value is stable", r)
		if r.Kind.Indexed() {
			n := int(u.live.bank)*comparatorsPerBank + r.M
			arch, _ := u.Register(r.Kind, n)
			require.Equal(t, got, arch)
			u.ContextSynchronize()
			eff, _ := u.Effective(r.Kind, n)
			require.Equal(t, got, eff)
		}
		// Matching never panics, whatever was written.
		u.ContextSynchronize()
		u.CheckInstruction(v, PState{EL: 1}, v)
		u.CheckAccess(v, uint64(bank)+1, AccessRMW, false, PState{EL: 0})
	})
}

// The hot path allocates nothing.
func TestHotPathAllocs(t *testing.T) {
	u := newUnit(t, Debugv8p9, SyncRandom)
	debugReady(t, u)
	u.SetRegister(KindDBGWVR, 0, 0x4000_6000)
	u.SetRegister(KindDBGWCR, 0, wcrFor(PACEL1, LSCAny, 0xff))
	u.SetRegister(KindDBGBVR, 0, 0x4000_1000)
	u.SetRegister(KindDBGBCR, 0, bcrFor(PMCEL1))
	n := testing.AllocsPerRun(100, func() {
		u.CheckInstruction(0x4000_1000, el1, 5)
		u.CheckAccess(0x4000_6000, 8, AccessStore, false, el1)
		u.InstructionRetired(el1, false)
		_ = u.WriteSysReg(encWCR(1), 1, 0)
		u.ContextSynchronize()
	})
	require.Zero(t, n)
}

func benchUnit(b *testing.B, armed int) *Unit {
	u := newUnit(b, CortexA57, SyncStrict)
	debugReady(b, u)
	for i := range armed {
		u.SetRegister(KindDBGWVR, i, uint64(0x4000_8000+i*0x100))
		u.SetRegister(KindDBGWCR, i, wcrFor(PACEL1, LSCStore, 0xff))
	}
	return u
}

// BenchmarkWatchpointMatch is the per-access cost as an executor pays it: the WatchArmed gate, then
// CheckAccess on a miss (the common case: the access is to another address in the same page).
func BenchmarkWatchpointMatch(b *testing.B) {
	for _, armed := range []int{0, 4} {
		b.Run(map[int]string{0: "armed=0", 4: "armed=4"}[armed], func(b *testing.B) {
			u := benchUnit(b, armed)
			b.ReportAllocs()
			hits := 0
			for i := range b.N {
				if u.WatchArmed() {
					if ev := u.CheckAccess(0x4000_8800+uint64(i&0xf)*8, 8, AccessLoad, false, el1); ev.Kind != EventNone {
						hits++
					}
				}
			}
			if hits != 0 {
				b.Fatal("unexpected hit")
			}
		})
	}
}

// BenchmarkWatchpointMatchNear: 4 armed, accesses between the watched doublewords (the full loop).
func BenchmarkWatchpointMatchNear(b *testing.B) {
	u := benchUnit(b, 4)
	b.ReportAllocs()
	for i := range b.N {
		if u.WatchArmed() {
			if ev := u.CheckAccess(0x4000_8008+uint64(i&0xf)*8, 8, AccessLoad, false, el1); ev.Kind != EventNone {
				b.Fatal("unexpected hit")
			}
		}
	}
}

func BenchmarkCheckInstruction(b *testing.B) {
	u := benchUnit(b, 0)
	u.SetRegister(KindDBGBVR, 0, 0x4000_1000)
	u.SetRegister(KindDBGBCR, 0, bcrFor(PMCEL1))
	b.ReportAllocs()
	for i := range b.N {
		if u.NeedsInstructionCheck() {
			u.CheckInstruction(0x4000_2000+uint64(i&0xff)*4, el1, uint64(i))
		}
	}
}
