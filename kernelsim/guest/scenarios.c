/* The named scenarios (docs/design.md §6), driven by CPU 0. */
#include "hw_breakpoint.h"

extern volatile u32 workload_go;
extern DEFINE_PER_CPU(volatile u64, workload_rounds_done);
extern DEFINE_PER_CPU(u64, workload_readonly_sum);
extern int has_register_banks;
bool workload_finished(int cpu);

/* Print what the handlers noted on other CPUs (only CPU 0 prints). */
void report_deferred_warnings(void)
{
	int cpu;
	struct orphan_note *n;

	for (cpu = 0; cpu < nr_cpus_online; cpu++) {
		n = &orphan_notes[cpu];
		if (!READ_ONCE(n->pending))
			continue;
		smp_mb();
		printk("hw_breakpoint: WARNING: cpu %d: disabled orphan %s %u at %pS (enabled, no owning slot)\n",
		       cpu, n->is_watchpoint ? "watchpoint" : "breakpoint", n->slot, (void *)n->addr);
		WRITE_ONCE(n->pending, 0);
	}
}

/* ---- workload ---- */

static void scenario_workload(void)
{
	u64 rounds = READ_ONCE(kernel_config.workload_rounds);
	u64 want;
	int cpu, done, bad = -1;

	WRITE_ONCE(workload_go, 1);
	for (;;) {
		this_cpu(cpu_heartbeat)++;
		watchdog_poll();
		if (!workload_finished(0))
			workload_round();
		if (!rounds)
			continue;
		for (done = 1, cpu = 0; cpu < nr_cpus_online; cpu++)
			done &= workload_finished(cpu);
		if (done)
			break;
	}
	smp_mb();
	want = rounds * READ_ONCE(kernel_config.workload_iters) * 42;
	for (cpu = nr_cpus_online - 1; cpu >= 0; cpu--)
		if (workload_readonly_sum[cpu] != want)
			bad = cpu;
	printk("workload: done, cpus %d, rounds %lu each, workload_readonly %s\n", nr_cpus_online, rounds,
	       bad < 0 ? "ok" : "changed");
}

/* ---- perf-livelock ---- */

struct slot_regs {
	struct perf_event *ev;
	int slot;
	u64 bvr;
	u64 bcr;
};

static int read_slot_regs(void *arg)
{
	struct slot_regs *r = arg;

	r->bvr = read_wb_reg(AARCH64_DBG_REG_BVR, r->slot);
	r->bcr = read_wb_reg(AARCH64_DBG_REG_BCR, r->slot);
	return 0;
}

static int restore_slot(void *arg)
{
	return hw_breakpoint_control(arg, HW_BREAKPOINT_RESTORE);
}

static void scenario_perf_livelock(void)
{
	int cpu = (int)READ_ONCE(kernel_config.livelock_cpu), err;
	struct perf_event_attr attr = {
		.bp_addr = (u64)write_wb_reg,
		.bp_len = 4,
		.bp_type = HW_BREAKPOINT_X,
	};
	struct perf_event *ev;
	struct slot_regs r;
	u64 bp0, un0, bp, un;

	if (cpu < 0 || cpu >= nr_cpus_online) {
		printk("perf-livelock: cpu %d is not online (run with at least %d cpus)\n", cpu, cpu + 1);
		return;
	}
	ev = perf_event_create_kernel_counter(&attr, cpu, perf_count_overflow_handler, NULL);
	if (IS_ERR(ev)) {
		printk("perf-livelock: creating the event failed (%ld)\n", PTR_ERR(ev));
		return;
	}
	printk("perf-livelock: kernel execute breakpoint on %pS for cpu %d, counting handler\n",
	       (void *)write_wb_reg, cpu);
	err = perf_event_enable(ev);
	if (err) {
		printk("perf-livelock: enable failed (%d)\n", err);
		return;
	}
	r.ev = ev;
	r.slot = ev->slot;
	smp_call_on_cpu(cpu, read_slot_regs, &r);
	printk("perf-livelock: enabled on cpu %d: slot %d, DBGBVR%d_EL1 %pS, DBGBCR%d_EL1 0x%lx\n", cpu,
	       r.slot, r.slot, (void *)r.bvr, r.slot, r.bcr);

	/* A restore (like resume from suspend) writes through write_wb_reg twice: two stepped-over hits. */
	bp0 = debug_bp_exceptions[cpu];
	un0 = debug_unhandled_exceptions[cpu];
	smp_call_on_cpu(cpu, restore_slot, ev);
	bp = debug_bp_exceptions[cpu] - bp0;
	un = debug_unhandled_exceptions[cpu] - un0;
	printk("perf-livelock: restore on cpu %d: %lu breakpoint exceptions (%lu handled), event count %lu\n",
	       cpu, bp, bp - un, ev->count);

	printk("perf-livelock: disabling on cpu %d\n", cpu);
	bp0 = debug_bp_exceptions[cpu];
	un0 = debug_unhandled_exceptions[cpu];
	perf_event_disable(ev);
	smp_mb();
	bp = debug_bp_exceptions[cpu] - bp0;
	un = debug_unhandled_exceptions[cpu] - un0;
	report_deferred_warnings();
	smp_call_on_cpu(cpu, read_slot_regs, &r);
	printk("perf-livelock: disabled on cpu %d: %lu breakpoint exceptions (%lu handled, %lu unhandled), event count %lu, DBGBCR%d_EL1 0x%lx\n",
	       cpu, bp, bp - un, un, ev->count, r.slot, r.bcr);
	perf_event_release(ev);
}

/* ---- csync-window ---- */

void csync_enable_seq(const volatile u64 *target, u64 wvr, u64 wcr);
void csync_disable_seq(const volatile u64 *target);
extern char csync_en_ldr1[], csync_en_ldr2[], csync_en_ldr3[];
extern char csync_dis_ldr1[], csync_dis_ldr2[], csync_dis_ldr3[];

volatile u64 csync_target __attribute__((aligned(8))) = 0x5a5a;
/* Which loads trapped: bit n-1 set = LDR#n trapped. */
u32 csync_trapped_enable;
u32 csync_trapped_disable;

static u32 trapped_mask(struct perf_event *ev, u64 from, const char *ldr1, const char *ldr2,
			const char *ldr3)
{
	u32 mask = 0;
	u64 i;

	for (i = from; i < ev->count && i < PERF_EVENT_HIT_LOG; i++) {
		if (ev->hit_pc[i] == (u64)ldr1)
			mask |= 1;
		else if (ev->hit_pc[i] == (u64)ldr2)
			mask |= 2;
		else if (ev->hit_pc[i] == (u64)ldr3)
			mask |= 4;
		else
			mask |= 8;
	}
	return mask;
}

static void format_mask(char *buf, int size, u32 mask)
{
	int len = 0, n;
	const char *sep = "LDR";

	if (!(mask & 7)) {
		snprintk(buf, size, "none");
		return;
	}
	for (n = 1; n <= 3; n++) {
		if (mask & (1u << (n - 1))) {
			len += snprintk(buf + len, size - len, "%s#%d", sep, n);
			sep = ",";
		}
	}
}

static void scenario_csync_window(void)
{
	struct perf_event_attr attr = {
		.bp_addr = (u64)&csync_target,
		.bp_len = 8,
		.bp_type = HW_BREAKPOINT_R,
	};
	struct perf_event *ev;
	u64 wvr, wcr, n;
	char en[32], dis[32];
	int err;

	ev = perf_event_create_kernel_counter(&attr, 0, perf_count_overflow_handler, NULL);
	if (IS_ERR(ev)) {
		printk("csync-window: creating the event failed (%ld)\n", PTR_ERR(ev));
		return;
	}
	err = perf_event_enable(ev);
	if (err || ev->slot != 0) {
		printk("csync-window: needs watchpoint slot 0 (enable %d, slot %d)\n", err, ev->slot);
		return;
	}
	wvr = read_wb_reg(AARCH64_DBG_REG_WVR, 0);
	wcr = read_wb_reg(AARCH64_DBG_REG_WCR, 0);
	write_wb_reg(AARCH64_DBG_REG_WCR, 0, 0);
	printk("csync-window: load watchpoint 0 on csync_target: DBGWVR0_EL1 0x%lx, DBGWCR0_EL1 0x%lx\n",
	       wvr, wcr);

	n = ev->count;
	csync_enable_seq(&csync_target, wvr, wcr);
	csync_trapped_enable = trapped_mask(ev, n, csync_en_ldr1, csync_en_ldr2, csync_en_ldr3);
	n = ev->count;
	csync_disable_seq(&csync_target);
	csync_trapped_disable = trapped_mask(ev, n, csync_dis_ldr1, csync_dis_ldr2, csync_dis_ldr3);
	perf_event_release(ev);

	format_mask(en, sizeof(en), csync_trapped_enable);
	format_mask(dis, sizeof(dis), csync_trapped_disable);
	printk("csync-window: enable: %s trapped; disable: %s trapped\n", en, dis);
	if ((csync_trapped_enable | csync_trapped_disable) & 8)
		printk("csync-window: unexpected trap address\n");
}

/* ---- bank-race ---- */

extern volatile u64 wb_banked_accesses;

/* Never executed: the targets of the breakpoints that fill bank 0. */
__stable void bank_race_target(void)
{
	barrier();
}

static const char *bank_guard_name(u32 g)
{
	switch (g) {
	case KCFG_BANK_GUARD_NONE: return "none";
	case KCFG_BANK_GUARD_MASK_DEBUG: return "mask-debug";
	case KCFG_BANK_GUARD_SAVE_RESTORE_MDSELR: return "save-restore-mdselr";
	default: return "unknown";
	}
}

/*
 * FEAT_Debugv8p9 (docs/background.md §2.9): fill breakpoint bank 0, put one
 * more breakpoint in slot 16 (bank 1), watch the store write_wb_reg makes
 * between selecting the bank and writing the register, then uninstall slot
 * 16. The watchpoint handler reselects bank 0; unless guarded, the
 * interrupted MSR then clears DBGBCR0 (bank 0) instead of DBGBCR16.
 */
static void scenario_bank_race(void)
{
	static struct perf_event *bps[MAX_PER_BANK + 1];
	struct perf_event_attr battr = { .bp_addr = (u64)bank_race_target, .bp_len = 4, .bp_type = HW_BREAKPOINT_X };
	struct perf_event_attr wattr = { .bp_addr = (u64)&wb_banked_accesses, .bp_len = 8, .bp_type = HW_BREAKPOINT_W };
	struct perf_event *wp;
	u64 bcr0, bcr16, hits, wp0, flags;
	int i, err = 0;

	if (!has_register_banks) {
		printk("bank-race: needs FEAT_Debugv8p9 with more than 16 breakpoints (this cpu has %d)\n",
		       core_num_brps);
		return;
	}
	printk("bank-race: bank guard %s\n", bank_guard_name(READ_ONCE(kernel_config.bank_guard)));
	for (i = 0; i <= MAX_PER_BANK && !err; i++) {
		bps[i] = perf_event_create_kernel_counter(&battr, 0, perf_count_overflow_handler, NULL);
		err = IS_ERR(bps[i]) ? (int)PTR_ERR(bps[i]) : perf_event_enable(bps[i]);
	}
	if (err || bps[MAX_PER_BANK]->slot != MAX_PER_BANK) {
		printk("bank-race: filling bank 0 failed (%d)\n", err);
		return;
	}
	wp = perf_event_create_kernel_counter(&wattr, 0, perf_count_overflow_handler, NULL);
	if (IS_ERR(wp) || perf_event_enable(wp) || wp->slot != 0) {
		printk("bank-race: watchpoint on wb_banked_accesses failed\n");
		return;
	}
	wp0 = debug_wp_exceptions[0];
	printk("bank-race: breakpoints in slots 0-16, store watchpoint 0 on wb_banked_accesses; uninstalling slot 16\n");
	perf_event_disable(bps[MAX_PER_BANK]);
	hits = debug_wp_exceptions[0] - wp0;
	/* Its own uninstall stores to the watched counter too: keep debug exceptions masked for it. */
	flags = read_sysreg(daif);
	asm volatile("msr daifset, #8" ::: "memory");
	perf_event_release(wp);
	local_daif_restore(flags);
	bcr0 = read_wb_reg(AARCH64_DBG_REG_BCR, 0);
	bcr16 = read_wb_reg(AARCH64_DBG_REG_BCR, MAX_PER_BANK);
	printk("bank-race: %lu watchpoint hits in the window; DBGBCR0_EL1 0x%lx (owned), DBGBCR16_EL1 0x%lx (freed)\n",
	       hits, bcr0, bcr16);
	if ((bcr0 & 1) && !(bcr16 & 1))
		printk("bank-race: banks intact\n");
	else
		printk("bank-race: WRONG BANK: the uninstall wrote bank 0 instead of bank 1\n");
	for (i = 0; i <= MAX_PER_BANK; i++)
		perf_event_release(bps[i]);
}

void run_scenario(void)
{
	u32 s = READ_ONCE(kernel_config.scenario);

	watchdog_reset();
	switch (s) {
	case KCFG_SCENARIO_WORKLOAD:
		scenario_workload();
		break;
	case KCFG_SCENARIO_PERF_LIVELOCK:
		scenario_perf_livelock();
		break;
	case KCFG_SCENARIO_CSYNC_WINDOW:
		scenario_csync_window();
		break;
	case KCFG_SCENARIO_BANK_RACE:
		scenario_bank_race();
		break;
	default:
		printk("scenario: unknown scenario %u\n", s);
		break;
	}
	report_deferred_warnings();
	printk("hwbp-kernel: power off\n");
	system_off();
}
