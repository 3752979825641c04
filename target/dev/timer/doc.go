// Package timer is the Arm generic timer's per-CPU comparators (CNTV for the
// virtual timer, CNTP for the physical one): CTL, CVAL and TVAL, the level of
// the timer's PPI, and the count at which it next fires.
//
// It exists so the machine can keep one deterministic virtual clock and ask
// each comparator what it means at that count: nothing here reads a clock or
// starts a goroutine; every method takes the current count from the caller.
// Linux's arm_arch_timer driver reads CNTV_CTL_EL0 in its interrupt handler
// and ignores the interrupt unless ISTATUS reads 1, so ISTATUS is computed on
// every read (docs/devices.md, "Generic timer").
package timer
