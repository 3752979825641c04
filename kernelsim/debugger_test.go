package kernelsim

import (
	"bytes"
	"encoding/binary"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// defines reads `#define NAME value` lines (decimal or hex, optional `(1u << n)`) from guest headers.
func defines(t *testing.T, files ...string) map[string]uint64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^#define\s+(\w+)\s+\(?(0x[0-9a-fA-F]+|\d+)u?(?:\s*<<\s*(\d+))?\)?\s*(?:/\*.*)?$`)
	got := map[string]uint64{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			v, err := strconv.ParseUint(m[2], 0, 64)
			require.NoError(t, err, m[0])
			if m[3] != "" {
				sh, _ := strconv.Atoi(m[3])
				v <<= sh
			}
			got[m[1]] = v
		}
	}
	return got
}

// The Go constants the server uses are the guest's own (asm.h, hw_breakpoint.h, kernel.h).
func TestDebuggerConstantsMatchGuest(t *testing.T) {
	got := defines(t, "guest/asm.h", "guest/hw_breakpoint.h", "guest/kernel.h")
	for _, c := range []struct {
		define string
		want   uint64
	}{
		{"HVC_HWBP_NOTIFY", HVCHWBPNotify},
		{"HVC_DEBUGGER_DONE", HVCDebuggerDone},
		{"HVC_CPU_READY", HVCCPUReady},
		{"HVC_NOTIFY_STEP", HVCNotifyStep},
		{"HW_BREAKPOINT_R", EventRead},
		{"HW_BREAKPOINT_W", EventWrite},
		{"HW_BREAKPOINT_X", EventExecute},
		{"EINVAL", ErrnoEINVAL},
		{"ENOSPC", ErrnoENOSPC},
		{"ENODEV", ErrnoENODEV},
		{"EBUSY", ErrnoEBUSY},
		{"PERF_EVENT_F_ADDR_MASK", PerfEventFlagAddrMask},
		{"ARM_WATCHPOINT_MASK_SHIFT", 24},
		{"ARM_WATCHPOINT_MASK_MAX", 31},
		{"ARM_MAX_BRP", MaxSlots},
	} {
		t.Run(c.define, func(t *testing.T) {
			v, ok := got[c.define]
			require.True(t, ok, "%s not found in the guest headers", c.define)
			require.Equal(t, c.want, v)
		})
	}
	require.Equal(t, uint64(EventRead|EventWrite), uint64(EventReadWrite))
	require.Equal(t, uint64(MaxMaskLen), uint64(1)<<got["ARM_WATCHPOINT_MASK_MAX"])
}

// The debugger route's symbols are functions or per-CPU arrays of the expected shape.
func TestDebuggerSymbols(t *testing.T) {
	img, err := Default()
	require.NoError(t, err)
	for _, name := range []string{SymDebuggerEventCreate, SymDebuggerCounterCreate, SymDebuggerEventInstall,
		SymDebuggerEventUninstall, SymDebuggerEventRelease, SymPerfDebuggerOverflowHandler,
		SymPerfCountOverflowHandler, SymDebuggerCallDone} {
		sym, ok := img.Symbols.Find(mustLookup(t, img, name))
		require.True(t, ok, name)
		require.Equal(t, name, sym.Name)
		require.True(t, sym.Func, "%s is not a function", name)
	}
	base := mustLookup(t, img, SymDebuggerCPUReady)
	addr, size, err := img.PerCPU(SymDebuggerCPUReady, 5)
	require.NoError(t, err)
	require.Equal(t, uint64(4), size)
	require.Equal(t, base+20, addr)
	_, size, ok := img.Symbols.Lookup(SymDebuggerReadyGo)
	require.True(t, ok)
	require.Equal(t, uint64(4), size)
	// Both start at 0 in the image (.bss): no CPU is ready before it says so.
	b, err := img.ReadInitial(base, 4*NumCPUSlots)
	require.NoError(t, err)
	require.Equal(t, make([]byte, 4*NumCPUSlots), b)
}

func mustLookup(t *testing.T, img *Image, name string) uint64 {
	t.Helper()
	addr, _, ok := img.Symbols.Lookup(name)
	require.True(t, ok, "kernel.elf lacks %s", name)
	return addr
}

func TestPerfEventCtrlAndRange(t *testing.T) {
	for _, c := range []struct {
		name     string
		ev       PerfEvent
		ctrl     uint32
		lo, n    uint64
		isBreakp bool
	}{
		{"execute", PerfEvent{BpType: EventExecute, Address: 0x40001000, CtrlLen: 0xf, CtrlPrivilege: 1, CtrlEnabled: 1},
			0x1e3, 0x40001000, 4, true},
		{"write 8 bytes", PerfEvent{BpType: EventWrite, Address: 0x40008040, CtrlLen: 0xff, CtrlType: 2, CtrlPrivilege: 1, CtrlEnabled: 1},
			0x1ff3, 0x40008040, 8, false},
		{"read 4 bytes at +4", PerfEvent{BpType: EventRead, Address: 0x40008040, CtrlLen: 0xf0, CtrlType: 1, CtrlPrivilege: 1, CtrlEnabled: 1},
			0x1e0b, 0x40008044, 4, false},
		{"MASK 64 bytes", PerfEvent{BpType: EventWrite, Address: 0x40009800, CtrlLen: 0xff, CtrlType: 2, CtrlPrivilege: 1, CtrlEnabled: 1, AddrMask: 6, Flags: PerfEventFlagAddrMask},
			0x06001ff3, 0x40009800, 64, false},
		{"MASK 2 GiB", PerfEvent{BpType: EventReadWrite, Address: 0, CtrlLen: 0xff, CtrlType: 3, CtrlPrivilege: 1, CtrlEnabled: 1, AddrMask: 31},
			0x1f001ffb, 0, 1 << 31, false},
		{"disabled, no BAS", PerfEvent{BpType: EventWrite, Address: 0x1000, CtrlType: 2, CtrlPrivilege: 1},
			0x12, 0x1000, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.ctrl, c.ev.Ctrl())
			lo, n := c.ev.Range()
			require.Equal(t, c.lo, lo)
			require.Equal(t, c.n, n)
			require.Equal(t, c.isBreakp, c.ev.IsBreakpoint())
		})
	}
}

// The appended members keep the offsets the server reads (internal/gdbtarget uses 0..88).
func TestPerfEventAppendOnly(t *testing.T) {
	require.Equal(t, 176, PerfEventSize)
	st := dwarfStruct(t, "perf_event")
	offs := map[string]int64{}
	for _, m := range cMembers(st, "", 0) {
		offs[m.path] = m.off
	}
	for name, off := range map[string]int64{"attr.bp_addr": 0, "overflow_handler": 56, "cpu": 72, "state": 76,
		"slot": 80, "count": 88, "hit_pc": 96, "addr_mask": 160, "flags": 164, "step_hit": 168} {
		require.Equal(t, off, offs[name], name)
	}
}

// DecodePerfEvent eats guest memory: never panics, round-trips, and Range stays inside 64 bits.
func FuzzDecodePerfEvent(f *testing.F) {
	f.Add(make([]byte, PerfEventSize))
	f.Add(bytes.Repeat([]byte{0xff}, PerfEventSize))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := DecodePerfEvent(b)
		if err != nil {
			require.NotEqual(t, PerfEventSize, len(b))
			return
		}
		var buf bytes.Buffer
		require.NoError(t, binary.Write(&buf, binary.LittleEndian, &ev))
		require.Equal(t, b, buf.Bytes())
		lo, n := ev.Range()
		require.LessOrEqual(t, n, uint64(MaxMaskLen))
		_ = lo
		_ = ev.Ctrl()
	})
}
