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

// Names of guest symbols others depend on (DESIGN §13 and the scenarios).
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
)

// StableSymbols lists the guest symbols that must exist in every kernel build.
var StableSymbols = []string{
	SymConfig, SymWorkloadCounter, SymWorkloadReadonly, SymWorkloadDone, SymWriteWBReg, SymReadWBReg,
	SymHWBreakpointControl, SymHWBreakpointSlotSetup, SymArchInstallHWBreakpoint,
	SymArchUninstallHWBreakpoint, SymDoBreakpoint, SymDoWatchpoint, SymBpOnReg, SymWpOnReg,
	SymSteppingKernelBp, SymToggleBpRegisters, SymTryStepSuspendedBreakpoint, SymVectors,
	SymDebuggerCallDone, SymBpExceptions, SymWpExceptions, SymStepExceptions, SymUnhandledExceptions,
	SymSameELRRun, SymLastELR, SymLastESR, SymHeartbeat, SymStallReports, SymCsyncTrappedEnable,
	SymCsyncTrappedDisable,
}
