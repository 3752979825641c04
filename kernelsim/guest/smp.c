/*
 * Secondary CPU start-up through PSCI CPU_ON, the per-CPU cross-call mailbox
 * (the IPI stand-in: the target polls it in its loop) and the stall watchdog
 * CPU 0 runs while it waits.
 */
#include "hw_breakpoint.h"
#include "asm.h"

int nr_cpus_online = 1;
DEFINE_PER_CPU(volatile u32, cpu_online_flag);
DEFINE_PER_CPU(volatile u64, cpu_heartbeat);

struct cross_call {
	volatile u64 req_seq;
	volatile u64 done_seq;
	int (*volatile fn)(void *);
	void *volatile arg;
	volatile int ret;
	u32 pad;
};
static struct cross_call cross_calls[NR_CPUS];

/* Run fn(arg) on cpu with interrupts masked; wait for it (CPU 0 runs the watchdog meanwhile). */
int smp_call_on_cpu(int cpu, int (*fn)(void *), void *arg)
{
	struct cross_call *cc = &cross_calls[cpu];
	u64 flags, seq;
	int ret;

	if (cpu == smp_processor_id()) {
		flags = read_sysreg(daif);
		asm volatile("msr daifset, #3" ::: "memory");
		ret = fn(arg);
		local_daif_restore(flags);
		return ret;
	}
	if (cpu < 0 || cpu >= nr_cpus_online)
		return -ENODEV;
	cc->fn = fn;
	cc->arg = arg;
	seq = cc->req_seq + 1;
	smp_mb();
	cc->req_seq = seq;
	while (READ_ONCE(cc->done_seq) != seq) {
		this_cpu(cpu_heartbeat)++;
		if (smp_processor_id() == 0)
			watchdog_poll();
		cpu_relax();
	}
	smp_mb();
	return cc->ret;
}

extern volatile u32 debugger_ready_go;
extern DEFINE_PER_CPU(volatile u32, debugger_cpu_ready);

/*
 * Called from each CPU's loop: make this CPU's READY HVC once CPU 0 allows
 * it (before anything the scenario asks of this CPU), run a pending cross-call.
 */
void cross_call_poll(void)
{
	struct cross_call *cc = &this_cpu(cross_calls);
	u64 seq = READ_ONCE(cc->req_seq), flags;

	if (!READ_ONCE(this_cpu(debugger_cpu_ready)) && READ_ONCE(debugger_ready_go)) {
		smp_mb();
		hw_breakpoint_cpu_ready(smp_processor_id());
	}
	if (seq == cc->done_seq)
		return;
	smp_mb();
	if (!READ_ONCE(this_cpu(debugger_cpu_ready)) && READ_ONCE(debugger_ready_go))
		hw_breakpoint_cpu_ready(smp_processor_id());
	flags = read_sysreg(daif);
	asm volatile("msr daifset, #3" ::: "memory");
	cc->ret = cc->fn(cc->arg);
	local_daif_restore(flags);
	smp_mb();
	cc->done_seq = seq;
}

/*
 * QEMU virt MPIDR layout (and our machine's): Aff0 = index % 8, Aff1 =
 * index / 8 with a GICv2; 16 per cluster with a GICv3, whose system register
 * interface ID_AA64PFR0_EL1.GIC announces.
 */
static u64 cpu_index_to_mpidr(int idx, int per_cluster)
{
	return ((u64)(idx / per_cluster) << 8) | (u64)(idx % per_cluster);
}

void smp_boot_secondaries(void)
{
	int idx, per_cluster = (read_sysreg(id_aa64pfr0_el1) >> 24 & 0xf) ? 16 : 8;
	long ret;
	u64 start, timeout;

	printk("cpu 0 online\n");
	timeout = 10 * read_sysreg(cntfrq_el0); /* ten seconds: only a broken CPU_ON waits this long */
	for (idx = 1; idx < NR_CPUS; idx++) {
		ret = psci_call(PSCI_0_2_FN64_CPU_ON, cpu_index_to_mpidr(idx, per_cluster),
				(u64)secondary_entry, (u64)idx);
		if (ret == PSCI_RET_INVALID_PARAMS)
			break;
		if (ret != PSCI_RET_SUCCESS) {
			printk("smp: cpu %d: CPU_ON failed (%ld)\n", idx, ret);
			break;
		}
		start = read_cntvct();
		while (!READ_ONCE(cpu_online_flag[idx])) {
			if (read_cntvct() - start > timeout)
				break;
			cpu_relax();
		}
		if (!READ_ONCE(cpu_online_flag[idx])) {
			printk("smp: cpu %d did not come online\n", idx);
			break;
		}
		smp_mb();
		nr_cpus_online = idx + 1;
		printk("cpu %d online\n", idx);
	}
}

/* ---- stall watchdog (CPU 0) ---- */

static u64 wd_last_hb[NR_CPUS];
static u64 wd_last_change[NR_CPUS];
static u32 wd_stalled[NR_CPUS];
/* Stall reports so far, per CPU (host-readable). */
u64 watchdog_stall_reports[NR_CPUS];

static const char *exception_name(u64 esr)
{
	switch (ESR_ELx_EC(esr)) {
	case ESR_ELx_EC_BREAKPT_CUR:
		return "breakpoint";
	case ESR_ELx_EC_WATCHPT_CUR:
		return "watchpoint";
	case ESR_ELx_EC_SOFTSTP_CUR:
		return "software step";
	default:
		return "exception";
	}
}

static void watchdog_report(int cpu, u32 timeout_ms)
{
	u64 esr = READ_ONCE(debug_last_esr[cpu]);

	printk("rcu: INFO: rcu_sched detected stalls on CPUs/tasks:\n");
	printk("rcu:     %d-...!: (heartbeat stopped for more than %u ms)\n", cpu, timeout_ms);
	if (!READ_ONCE(debug_bp_exceptions[cpu]) && !READ_ONCE(debug_wp_exceptions[cpu]) &&
	    !READ_ONCE(debug_step_exceptions[cpu])) {
		printk("rcu: cpu %d took no debug exception\n", cpu);
	} else {
		printk("rcu: cpu %d last debug exception: %s (EC 0x%lx) at %pS%s, %s\n", cpu,
		       exception_name(esr), ESR_ELx_EC(esr), (void *)READ_ONCE(debug_last_elr[cpu]),
		       READ_ONCE(debug_same_elr_run[cpu]) > 1 ? ", repeating" : "",
		       READ_ONCE(debug_last_handled[cpu]) ? "handled by a slot" : "no owning slot");
	}
	watchdog_stall_reports[cpu]++;
	if (READ_ONCE(kernel_config.stall_poweroff)) {
		printk("watchdog: powering off after the stall\n");
		system_off();
	}
}

void watchdog_reset(void)
{
	int cpu;
	u64 now = read_cntvct();

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		wd_last_hb[cpu] = cpu_heartbeat[cpu];
		wd_last_change[cpu] = now;
		wd_stalled[cpu] = 0;
	}
}

void watchdog_poll(void)
{
	u32 timeout_ms = READ_ONCE(kernel_config.stall_timeout_ms);
	u64 now, hb, ticks;
	int cpu;

	if (!timeout_ms)
		return;
	now = read_cntvct();
	ticks = read_sysreg(cntfrq_el0) / 1000 * timeout_ms;
	for (cpu = 1; cpu < nr_cpus_online; cpu++) {
		hb = READ_ONCE(cpu_heartbeat[cpu]);
		if (hb != wd_last_hb[cpu]) {
			wd_last_hb[cpu] = hb;
			wd_last_change[cpu] = now;
			wd_stalled[cpu] = 0;
			continue;
		}
		if (!wd_stalled[cpu] && now - wd_last_change[cpu] > ticks) {
			wd_stalled[cpu] = 1;
			watchdog_report(cpu, timeout_ms);
		}
	}
}
