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
