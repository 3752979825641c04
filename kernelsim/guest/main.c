/* Boot flow: CPU 0 brings the others up, prints the banner and runs the scenario. */
#include "hw_breakpoint.h"

extern DEFINE_PER_CPU(volatile u32, cpu_online_flag);
extern int has_register_banks;
extern volatile u32 debugger_ready_go;
void smp_boot_secondaries(void);
void cpu_loop(int cpu);
void hw_breakpoint_selftest(void);

static void cpu_init_common(int cpu)
{
	debug_monitors_init();
	hw_breakpoint_reset(cpu);
	if (!(READ_ONCE(kernel_config.debug_flags) & KCFG_DBG_KEEP_D_MASKED))
		asm volatile("msr daifclr, #8" ::: "memory"); /* debug exceptions on; IRQs stay masked */
	isb();
}

static const char *scenario_name(u32 s)
{
	switch (s) {
	case KCFG_SCENARIO_WORKLOAD: return "workload";
	case KCFG_SCENARIO_PERF_LIVELOCK: return "perf-livelock";
	case KCFG_SCENARIO_CSYNC_WINDOW: return "csync-window";
	case KCFG_SCENARIO_BANK_RACE: return "bank-race";
	default: return "unknown";
	}
}

void kernel_main(void)
{
	u64 midr = read_sysreg(midr_el1), dfr0 = read_sysreg(id_aa64dfr0_el1);
	u64 el = (read_sysreg(CurrentEL) >> 2) & 3;
	volatile struct kernel_config *cfg = &kernel_config;

	printk("hwbp-kernel: booting on the virt machine at EL%lu\n", el);
	if (cfg->magic != KCFG_MAGIC || cfg->version != KCFG_VERSION) {
		printk("hwbp-kernel: bad kernel_config (magic 0x%x version %u)\n", cfg->magic, cfg->version);
		system_off();
	}
	hw_breakpoint_init();
	cpu_init_common(0);
	smp_boot_secondaries();
	printk("hwbp-kernel: cpus %d, MIDR_EL1 0x%lx, ID_AA64DFR0_EL1 0x%lx\n", nr_cpus_online, midr, dfr0);
	printk("hw_breakpoint: found %d breakpoint and %d watchpoint registers%s\n", core_num_brps,
	       core_num_wrps, has_register_banks ? " (banked)" : "");
	hw_breakpoint_selftest();
	/* Every CPU is set up and the self-test's events are gone: READY on each CPU, then the scenario. */
	smp_mb();
	WRITE_ONCE(debugger_ready_go, 1);
	hw_breakpoint_cpu_ready(0);
	if (cfg->workload_rounds)
		printk("config: scenario %s, rounds %lu, iters %u, uninstall %s, recovery %s\n",
		       scenario_name(cfg->scenario), cfg->workload_rounds, cfg->workload_iters,
		       cfg->uninstall_order == KCFG_UNINSTALL_FIXED ? "fixed" : "upstream",
		       cfg->recovery == KCFG_RECOVERY_DISABLE_ORPHAN ? "disable-orphan" : "none");
	else
		printk("config: scenario %s, rounds forever, iters %u, uninstall %s, recovery %s\n",
		       scenario_name(cfg->scenario), cfg->workload_iters,
		       cfg->uninstall_order == KCFG_UNINSTALL_FIXED ? "fixed" : "upstream",
		       cfg->recovery == KCFG_RECOVERY_DISABLE_ORPHAN ? "disable-orphan" : "none");
	run_scenario();
	system_off();
}

void secondary_main(int cpu)
{
	cpu_init_common(cpu);
	smp_mb();
	WRITE_ONCE(cpu_online_flag[cpu], 1);
	cpu_loop(cpu);
}

void __noreturn system_off(void)
{
	psci_call(0x84000008, 0, 0, 0);
	halt_forever();
}
