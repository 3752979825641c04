package kernelsim

import (
	_ "embed"
	"sync"
)

// KernelELF is the built guest kernel (kernel.elf, rebuilt by `make guest`;
// TestKernelUpToDate fails if it differs from the sources).
//
//go:embed kernel.elf
var KernelELF []byte

var (
	defaultOnce  sync.Once
	defaultImage *Image
	defaultErr   error
)

// Default returns the parsed embedded kernel (parsed once; callers must not modify it).
func Default() (*Image, error) {
	defaultOnce.Do(func() { defaultImage, defaultErr = Parse(KernelELF) })
	return defaultImage, defaultErr
}

// Names of guest symbols others depend on (docs/design.md §13 and the scenarios).
const (
	SymConfig                     = "kernel_config"
	SymWorkloadCounter            = "workload_counter"
	SymWorkloadReadonly           = "workload_readonly"
	SymWorkloadDone               = "workload_done"
	SymWriteWBReg                 = "write_wb_reg"
	SymReadWBReg                  = "read_wb_reg"
	SymHWBreakpointControl        = "hw_breakpoint_control"
	SymHWBreakpointSlotSetup      = "hw_breakpoint_slot_setup"
	SymArchInstallHWBreakpoint    = "arch_install_hw_breakpoint"
	SymArchUninstallHWBreakpoint  = "arch_uninstall_hw_breakpoint"
	SymDoBreakpoint               = "do_breakpoint"
	SymDoWatchpoint               = "do_watchpoint"
	SymBpOnReg                    = "bp_on_reg"
	SymWpOnReg                    = "wp_on_reg"
	SymSteppingKernelBp           = "stepping_kernel_bp"
	SymToggleBpRegisters          = "toggle_bp_registers"
	SymTryStepSuspendedBreakpoint = "try_step_suspended_breakpoints"
	SymVectors                    = "vectors"
	SymDebuggerCallDone           = "debugger_call_done"

	// Debugger route entry points (C ABI; run on the target CPU with x30 = debugger_call_done).
	SymDebuggerEventCreate    = "debugger_event_create"   // (addr, len, type, cpu) -> event or -errno
	SymDebuggerCounterCreate  = "debugger_counter_create" // the same, counting handler ("monitor perf")
	SymDebuggerEventInstall   = "debugger_event_install"  // (event) -> 0 or -errno
	SymDebuggerEventUninstall = "debugger_event_uninstall"
	SymDebuggerEventRelease   = "debugger_event_release"
	// Overflow handlers (struct perf_event.overflow_handler tells a debugger event from a counter).
	SymPerfDebuggerOverflowHandler = "perf_debugger_overflow_handler"
	SymPerfCountOverflowHandler    = "perf_count_overflow_handler"
	// Per-CPU [64]u32: 1 from just before the CPU's READY HVC on (cross-calls allowed).
	SymDebuggerCPUReady = "debugger_cpu_ready"
	// u32: set by CPU 0 when every CPU may make its READY HVC.
	SymDebuggerReadyGo = "debugger_ready_go"

	// Per-CPU u64 counters ([64]u64, index = CPU).
	SymBpExceptions        = "debug_bp_exceptions"
	SymWpExceptions        = "debug_wp_exceptions"
	SymStepExceptions      = "debug_step_exceptions"
	SymUnhandledExceptions = "debug_unhandled_exceptions"
	SymSameELRRun          = "debug_same_elr_run"
	SymLastELR             = "debug_last_elr"
	SymLastESR             = "debug_last_esr"
	SymHeartbeat           = "cpu_heartbeat"
	SymStallReports        = "watchdog_stall_reports"

	// csync-window results (u32 each: bit n-1 set = LDR#n trapped).
	SymCsyncTrappedEnable  = "csync_trapped_enable"
	SymCsyncTrappedDisable = "csync_trapped_disable"
)

// Guest constants the host needs.
const (
	// NumCPUSlots is the length of every per-CPU array in the guest.
	NumCPUSlots = 64
	// MaxSlots is the length of each CPU's row in bp_on_reg/wp_on_reg.
	MaxSlots = 64
	// HVCHWBPNotify is the x0 of the HVC the debugger overflow handler makes
	// (x1 = event, x2 = trigger address, x3 = 0 breakpoint / 1 watchpoint).
	HVCHWBPNotify = 0xc600_0001
	// HVCDebuggerDone is the x0 of the HVC at debugger_call_done (x1 = result).
	HVCDebuggerDone = 0xc600_0002
	// HVCCPUReady is the x0 of the HVC each CPU makes once, when its
	// hw_breakpoint state is set up and before its workload (x1 = CPU index).
	HVCCPUReady = 0xc600_0003
	// HVCNotifyStep is the answer (x0) to HVCHWBPNotify that makes the kernel
	// step over the hit itself; any other answer leaves the step to the debugger.
	HVCNotifyStep = 1
)

// Event types of debugger_event_create (Linux's HW_BREAKPOINT_*).
const (
	EventRead      = 1
	EventWrite     = 2
	EventReadWrite = 3
	EventExecute   = 4
)

// Errno values the debugger entry points return negated (x0 = -errno).
const (
	ErrnoEINVAL = 22
	ErrnoENOSPC = 28
	ErrnoENODEV = 19
	ErrnoEBUSY  = 16
)

// MASK region watchpoints (debugger_event_create with len > 8): a power of
// two from MinMaskLen to MaxMaskLen, address aligned to it.
const (
	MinMaskLen = 16
	MaxMaskLen = 1 << 31
)

// StableSymbols lists the guest symbols that must exist in every kernel build.
var StableSymbols = []string{
	SymConfig, SymWorkloadCounter, SymWorkloadReadonly, SymWorkloadDone, SymWriteWBReg, SymReadWBReg,
	SymHWBreakpointControl, SymHWBreakpointSlotSetup, SymArchInstallHWBreakpoint,
	SymArchUninstallHWBreakpoint, SymDoBreakpoint, SymDoWatchpoint, SymBpOnReg, SymWpOnReg,
	SymSteppingKernelBp, SymToggleBpRegisters, SymTryStepSuspendedBreakpoint, SymVectors,
	SymDebuggerCallDone, SymBpExceptions, SymWpExceptions, SymStepExceptions, SymUnhandledExceptions,
	SymSameELRRun, SymLastELR, SymLastESR, SymHeartbeat, SymStallReports, SymCsyncTrappedEnable,
	SymCsyncTrappedDisable, SymDebuggerEventCreate, SymDebuggerCounterCreate, SymDebuggerEventInstall,
	SymDebuggerEventUninstall, SymDebuggerEventRelease, SymPerfDebuggerOverflowHandler,
	SymPerfCountOverflowHandler, SymDebuggerCPUReady, SymDebuggerReadyGo,
}
