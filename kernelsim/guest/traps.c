/*
 * Synchronous exceptions at EL1: dispatch debug exceptions to the
 * hw_breakpoint handlers and keep per-CPU counters the host reads by name.
 * Everything else is fatal.
 */
#include "hw_breakpoint.h"

DEFINE_PER_CPU(u64, debug_bp_exceptions);
DEFINE_PER_CPU(u64, debug_wp_exceptions);
DEFINE_PER_CPU(u64, debug_step_exceptions);
DEFINE_PER_CPU(u64, debug_unhandled_exceptions);
/* Consecutive debug exceptions with the same ELR, and the last one's details. */
DEFINE_PER_CPU(u64, debug_same_elr_run);
DEFINE_PER_CPU(u64, debug_last_elr);
DEFINE_PER_CPU(u64, debug_last_esr);
DEFINE_PER_CPU(u32, debug_last_handled);

static void note_debug_exception(struct pt_regs *regs, bool handled)
{
	int cpu = smp_processor_id();

	if (debug_same_elr_run[cpu] && debug_last_elr[cpu] == regs->pc)
		debug_same_elr_run[cpu]++;
	else
		debug_same_elr_run[cpu] = 1;
	debug_last_elr[cpu] = regs->pc;
	debug_last_esr[cpu] = regs->esr;
	debug_last_handled[cpu] = handled;
	if (!handled)
		debug_unhandled_exceptions[cpu]++;
}

void el1h_sync_handler(struct pt_regs *regs)
{
	int cpu = smp_processor_id();
	u64 esr = regs->esr, mdselr = 0;
	bool handled, banks = false;
	extern int has_register_banks;

	if (has_register_banks &&
	    READ_ONCE(kernel_config.bank_guard) == KCFG_BANK_GUARD_SAVE_RESTORE_MDSELR) {
		banks = true;
		mdselr = read_sysreg(SYS_MDSELR_EL1);
	}

	switch (ESR_ELx_EC(esr)) {
	case ESR_ELx_EC_BREAKPT_CUR:
		debug_bp_exceptions[cpu]++;
		handled = do_breakpoint(esr, regs) == 0;
		note_debug_exception(regs, handled);
		break;
	case ESR_ELx_EC_WATCHPT_CUR:
		debug_wp_exceptions[cpu]++;
		handled = do_watchpoint(regs->far, esr, regs) == 0;
		note_debug_exception(regs, handled);
		break;
	case ESR_ELx_EC_SOFTSTP_CUR:
		debug_step_exceptions[cpu]++;
		handled = try_step_suspended_breakpoints(regs);
		if (!handled)
			mdscr_write(mdscr_read() & ~DBG_MDSCR_SS); /* a step nobody asked for */
		note_debug_exception(regs, handled);
		break;
	default:
		panic("unexpected synchronous exception", regs);
	}

	if (banks) {
		write_sysreg(mdselr, SYS_MDSELR_EL1);
		isb();
	}
}

static const char *const vector_names[16] = {
	"EL1t sync", "EL1t IRQ", "EL1t FIQ", "EL1t SError",
	"EL1h sync", "EL1h IRQ", "EL1h FIQ", "EL1h SError",
	"EL0 sync", "EL0 IRQ", "EL0 FIQ", "EL0 SError",
	"EL0/32 sync", "EL0/32 IRQ", "EL0/32 FIQ", "EL0/32 SError",
};

void bad_mode(struct pt_regs *regs, int kind)
{
	panic(vector_names[kind & 15], regs);
}

void __noreturn panic(const char *why, struct pt_regs *regs)
{
	panic_printk("panic: cpu %d: %s\n", smp_processor_id(), why);
	if (regs)
		panic_printk("panic: ESR 0x%lx ELR %pS FAR 0x%lx SPSR 0x%lx\n", regs->esr,
			     (void *)regs->pc, regs->far, regs->pstate);
	system_off();
}
