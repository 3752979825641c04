package kernelsim

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStableSymbolsExist(t *testing.T) {
	img, err := Default()
	require.NoError(t, err)
	funcs := map[string]bool{
		SymWorkloadDone: true, SymWriteWBReg: true, SymReadWBReg: true, SymHWBreakpointControl: true,
		SymHWBreakpointSlotSetup: true, SymArchInstallHWBreakpoint: true, SymArchUninstallHWBreakpoint: true,
		SymDoBreakpoint: true, SymDoWatchpoint: true, SymToggleBpRegisters: true,
		SymTryStepSuspendedBreakpoint: true, SymDebuggerCallDone: true,
	}
	for _, name := range StableSymbols {
		addr, size, ok := img.Symbols.Lookup(name)
		require.True(t, ok, name)
		require.NotZero(t, addr, name)
		require.NotZero(t, size, name)
		sym, ok := img.Symbols.Find(addr)
		require.True(t, ok, name)
		if funcs[name] {
			require.True(t, sym.Func, "%s must be a real function", name)
		}
	}
	// Per-CPU arrays and slot tables have the sizes the host indexes with.
	sizes := map[string]uint64{
		SymWorkloadCounter: 8, SymWorkloadReadonly: 8, SymBpOnReg: 8 * NumCPUSlots * MaxSlots,
		SymWpOnReg: 8 * NumCPUSlots * MaxSlots, SymBpExceptions: 8 * NumCPUSlots, SymLastELR: 8 * NumCPUSlots,
		SymHeartbeat: 8 * NumCPUSlots, SymSteppingKernelBp: 4 * NumCPUSlots, SymCsyncTrappedEnable: 4,
	}
	for name, want := range sizes {
		_, size, ok := img.Symbols.Lookup(name)
		require.True(t, ok, name)
		require.Equal(t, want, size, name)
	}
}

func TestSymbolize(t *testing.T) {
	img, err := Default()
	require.NoError(t, err)
	wb, wbSize, ok := img.Symbols.Lookup(SymWriteWBReg)
	require.True(t, ok)
	vec, _, ok := img.Symbols.Lookup(SymVectors)
	require.True(t, ok)
	tests := []struct {
		pc   uint64
		want string
	}{
		{wb, "write_wb_reg+0x0"},
		{wb + 4, "write_wb_reg+0x4"},
		{wb + wbSize - 4, "write_wb_reg+" + hex(wbSize-4)},
		{vec + 0x200, "vectors+0x200"},
		{img.Entry, "_start+0x0"},
		{0x1000, "0x1000"},
		{0, "0x0"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, img.Symbols.Symbolize(tc.pc), "pc %#x", tc.pc)
	}
	var none *Symbols
	require.Equal(t, "0x40000000", none.Symbolize(0x40000000))
	_, _, ok = none.Lookup("x")
	require.False(t, ok)
	require.Zero(t, none.Len())
}

func hex(v uint64) string {
	const digits = "0123456789abcdef"
	if v == 0 {
		return "0x0"
	}
	var b []byte
	for ; v > 0; v >>= 4 {
		b = append([]byte{digits[v&15]}, b...)
	}
	return "0x" + string(b)
}
