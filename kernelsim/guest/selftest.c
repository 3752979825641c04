/*
 * A boot-time check of the slot code on this CPU model: validation,
 * reservation (ENOSPC), and install/uninstall through a cross-call on every
 * CPU. Prints one line; nothing it installs is ever hit.
 */
#include "hw_breakpoint.h"

static const char *selftest_failure;
u32 hw_breakpoint_selftest_ok;

static void expect(bool cond, const char *what)
{
	if (!cond && !selftest_failure)
		selftest_failure = what;
}

static long create(u64 addr, u64 len, u32 type, int cpu, struct perf_event **out)
{
	struct perf_event_attr attr = { .bp_addr = addr, .bp_len = len, .bp_type = type };
	struct perf_event *ev = perf_event_create_kernel_counter(&attr, cpu, NULL, NULL);

	*out = IS_ERR(ev) ? NULL : ev;
	return IS_ERR(ev) ? PTR_ERR(ev) : 0;
}

static int read_ctrl(void *arg)
{
	struct perf_event *ev = arg;

	return (int)read_wb_reg(AARCH64_DBG_REG_WCR, ev->slot);
}

long debugger_event_create(u64 addr, u64 len, u64 type, u64 cpu);
long debugger_counter_create(u64 addr, u64 len, u64 type, u64 cpu);
long debugger_event_install(struct perf_event *ev);
long debugger_event_uninstall(struct perf_event *ev);
long debugger_event_release(struct perf_event *ev);

/* Watched by the MASK checks; nothing else touches it. */
static volatile u64 selftest_region[16] __attribute__((aligned(128)));

static long dcreate(bool counter, u64 addr, u64 len, u32 type, struct perf_event **out)
{
	long ret = counter ? debugger_counter_create(addr, len, type, 0) : debugger_event_create(addr, len, type, 0);

	*out = IS_ERR((void *)ret) ? NULL : (struct perf_event *)ret;
	return *out ? 0 : ret;
}

static void drelease(struct perf_event *ev)
{
	if (ev)
		expect(debugger_event_release(ev) == 0, "debugger_event_release failed");
}

/* The debugger route's entry points on CPU 0: MASK validation, reservation, install. */
static void debugger_selftest(void)
{
	static struct perf_event *evs[ARM_MAX_WRP + 1];
	struct perf_event *ev, *kev;
	u64 region = (u64)selftest_region;
	int i, n;

	expect(dcreate(false, region, 64, HW_BREAKPOINT_W, &ev) == 0 && ev && ev->addr_mask == 6 &&
		       ev->hw.ctrl.len == ARM_BREAKPOINT_LEN_8 && ev->hw.address == region,
	       "MASK watchpoint not built");
	if (ev) {
		expect(debugger_event_install(ev) == 0 && ev->slot >= 0 &&
			       read_wb_reg(AARCH64_DBG_REG_WCR, ev->slot) == 0x06001ff3,
		       "MASK watchpoint not programmed");
		expect(debugger_event_uninstall(ev) == 0, "MASK watchpoint uninstall failed");
		drelease(ev);
	}
	expect(dcreate(false, 0, 1ul << 31, HW_BREAKPOINT_RW, &ev) == 0 && ev && ev->addr_mask == 31,
	       "2 GiB MASK watchpoint refused");
	drelease(ev);
	expect(dcreate(false, region + 16, 64, HW_BREAKPOINT_W, &ev) == -EINVAL, "misaligned MASK accepted");
	expect(dcreate(false, region, 24, HW_BREAKPOINT_W, &ev) == -EINVAL, "length 24 accepted");
	expect(dcreate(false, region, 64, HW_BREAKPOINT_X, &ev) == -EINVAL, "MASK breakpoint accepted");
	expect(dcreate(false, 0, 1ul << 32, HW_BREAKPOINT_R, &ev) == -EINVAL, "4 GiB MASK accepted");
	expect(dcreate(false, region, 8, 5, &ev) == -EINVAL, "type 5 accepted");
	expect(dcreate(false, region, 8, HW_BREAKPOINT_W, &ev) == 0 && ev && ev->addr_mask == 0,
	       "8-byte debugger watchpoint not BAS");
	drelease(ev);
	expect(create(region, 16, HW_BREAKPOINT_W, 0, &ev) == -EINVAL, "MASK accepted for a kernel event");
	expect(debugger_event_release((struct perf_event *)(region + 8)) == -EINVAL, "bad event pointer released");

	/* the kernel's events and the debugger's share the comparators */
	expect(create(region, 8, HW_BREAKPOINT_W, 0, &kev) == 0, "kernel event failed");
	for (n = 0; n + 1 < core_num_wrps && n < ARM_MAX_WRP; n++)
		expect(dcreate(false, region, 8, HW_BREAKPOINT_R, &evs[n]) == 0, "debugger reservation failed");
	expect(dcreate(false, region, 64, HW_BREAKPOINT_R, &ev) == -ENOSPC, "more debugger watchpoints than slots");
	if (n) {
		drelease(evs[--n]);
		expect(dcreate(true, region, 64, HW_BREAKPOINT_R, &evs[n]) == 0, "released reservation not reusable");
		n++;
	}
	for (i = 0; i < n; i++)
		drelease(evs[i]);
	if (kev)
		perf_event_release(kev);

	if (!(READ_ONCE(kernel_config.debug_flags) & KCFG_DBG_SELFTEST_HITS))
		return;
	/*
	 * A store deep inside a MASK region hits its counter once (the kernel
	 * steps over it), not the nearer-based 8-byte counter at region+56.
	 */
	expect(dcreate(true, region, 64, HW_BREAKPOINT_W, &ev) == 0 && ev, "MASK counter failed");
	expect(dcreate(true, region + 56, 8, HW_BREAKPOINT_W, &kev) == 0 && kev, "BAS counter failed");
	if (!ev || !kev)
		return;
	expect(debugger_event_install(ev) == 0 && debugger_event_install(kev) == 0, "counter install failed");
	selftest_region[5] = 1;
	selftest_region[8] = 2; /* outside both */
	(void)selftest_region[6];
	expect(debugger_event_uninstall(ev) == 0 && debugger_event_uninstall(kev) == 0, "counter uninstall failed");
	expect(ev->count == 1 && ev->hit_pc[0] && ev->hw.trigger >= region + 40 && ev->hw.trigger < region + 48 &&
		       kev->count == 0, "MASK counter did not count the one hit at region+40");
	drelease(ev);
	drelease(kev);
}

void hw_breakpoint_selftest(void)
{
	static struct perf_event *evs[ARM_MAX_BRP + 1];
	struct perf_event *ev;
	u64 data = (u64)&workload_readonly, code = (u64)workload_done;
	int i, cpu, n;

	/* validation (arch_build_bp_info) */
	expect(create(data, 0, HW_BREAKPOINT_W, 0, &ev) == -EINVAL, "length 0 accepted");
	expect(create(data, 9, HW_BREAKPOINT_W, 0, &ev) == -EINVAL, "length 9 accepted");
	expect(create(data, 4, 0, 0, &ev) == -EINVAL, "type 0 accepted");
	expect(create(code + 2, 4, HW_BREAKPOINT_X, 0, &ev) == -EINVAL, "misaligned execute accepted");
	expect(create(data + 6, 4, HW_BREAKPOINT_RW, 0, &ev) == -EINVAL, "watchpoint across doublewords accepted");
	expect(create(data + 4, 4, HW_BREAKPOINT_RW, 0, &ev) == 0 && ev && ev->hw.ctrl.len == 0xf0 &&
		       ev->hw.address == data, "BAS not moved to the byte offset");
	if (ev)
		perf_event_release(ev);
	expect(create(code, 8, HW_BREAKPOINT_X, 0, &ev) == 0 && ev && ev->hw.ctrl.len == ARM_BREAKPOINT_LEN_4,
	       "execute length not forced to 4");
	if (ev)
		perf_event_release(ev);
	expect(create(data, 8, HW_BREAKPOINT_W, nr_cpus_online, &ev) == -ENODEV, "offline cpu accepted");

	/* reservation: every slot, then ENOSPC */
	for (n = 0; n < core_num_brps && n < ARM_MAX_BRP; n++)
		expect(create(code, 4, HW_BREAKPOINT_X, 0, &evs[n]) == 0, "breakpoint reservation failed");
	expect(create(code, 4, HW_BREAKPOINT_X, 0, &ev) == -ENOSPC, "more breakpoints than slots");
	for (i = 0; i < n; i++)
		if (evs[i])
			perf_event_release(evs[i]);
	for (n = 0; n < core_num_wrps && n < ARM_MAX_WRP; n++)
		expect(create(data, 8, HW_BREAKPOINT_W, 0, &evs[n]) == 0, "watchpoint reservation failed");
	expect(create(data, 8, HW_BREAKPOINT_R, 0, &ev) == -ENOSPC, "more watchpoints than slots");
	for (i = 0; i < n; i++)
		if (evs[i])
			perf_event_release(evs[i]);

	debugger_selftest();

	/* install and uninstall on every CPU through the cross-call */
	for (cpu = 0; cpu < nr_cpus_online; cpu++) {
		if (create(data, 8, HW_BREAKPOINT_W, cpu, &ev)) {
			expect(false, "create on a cpu failed");
			continue;
		}
		expect(perf_event_enable(ev) == 0 && ev->slot == 0, "install failed");
		expect(smp_call_on_cpu(cpu, read_ctrl, ev) == 0x1ff3, "DBGWCR0_EL1 not 0x1ff3 after install");
		expect(READ_ONCE(wp_on_reg[cpu][0]) == ev, "slot not owned after install");
		n = ev->slot;
		expect(perf_event_disable(ev) == 0 && ev->slot == -1, "uninstall failed");
		ev->slot = n;
		expect(smp_call_on_cpu(cpu, read_ctrl, ev) == 0, "DBGWCR0_EL1 not 0 after uninstall");
		expect(READ_ONCE(wp_on_reg[cpu][0]) == NULL, "slot still owned after uninstall");
		perf_event_release(ev);
	}

	if (selftest_failure) {
		printk("hw_breakpoint: self-test FAILED: %s\n", selftest_failure);
		return;
	}
	hw_breakpoint_selftest_ok = 1;
	printk("hw_breakpoint: self-test passed (validation, reservation, install/uninstall on each cpu)\n");
}
