/*
 * A small perf-like API for kernel breakpoint events: create (with a counting
 * or a debugger overflow handler), enable and disable on the event's CPU
 * through a cross-call, release. Slots are reserved at creation per CPU and
 * type, like kernel/events/hw_breakpoint.c, so an enable never lacks a slot.
 */
#include "hw_breakpoint.h"
#include "asm.h"

#define NR_PERF_EVENTS 160

enum bp_type_idx { TYPE_INST = 0, TYPE_DATA = 1 };

struct perf_event perf_events[NR_PERF_EVENTS];
/* Pinned slots per CPU and type. */
int bp_slots_pinned[NR_CPUS][2];

static enum bp_type_idx find_slot_idx(const struct perf_event *bp)
{
	return bp->attr.bp_type == HW_BREAKPOINT_X ? TYPE_INST : TYPE_DATA;
}

static int hw_breakpoint_slots(enum bp_type_idx type)
{
	return type == TYPE_INST ? core_num_brps : core_num_wrps;
}

static int reserve_bp_slot(struct perf_event *bp)
{
	enum bp_type_idx type = find_slot_idx(bp);

	if (bp_slots_pinned[bp->cpu][type] + 1 > hw_breakpoint_slots(type))
		return -ENOSPC;
	bp_slots_pinned[bp->cpu][type]++;
	return 0;
}

static void release_bp_slot(struct perf_event *bp)
{
	bp_slots_pinned[bp->cpu][find_slot_idx(bp)]--;
}

/* The default handler: count, and let the kernel step over the hit. */
__stable void perf_count_overflow_handler(struct perf_event *bp, struct pt_regs *regs)
{
	(void)regs;
	bp->count++;
}

/*
 * A debugger's handler (like ptrace's): count and tell the server by HVC;
 * the kernel does not step, the debugger does its own step-over.
 */
__stable void perf_debugger_overflow_handler(struct perf_event *bp, struct pt_regs *regs)
{
	(void)regs;
	bp->count++;
	psci_call(HVC_HWBP_NOTIFY, (u64)bp, bp->hw.trigger,
		  bp->attr.bp_type == HW_BREAKPOINT_X ? 0 : 1);
}

void perf_bp_event(struct perf_event *bp, struct pt_regs *regs)
{
	u64 n = bp->count;

	if (n < PERF_EVENT_HIT_LOG)
		bp->hit_pc[n] = regs->pc;
	bp->overflow_handler(bp, regs);
}

struct perf_event *perf_event_create_kernel_counter(const struct perf_event_attr *attr, int cpu,
						    perf_overflow_handler_t handler, void *context)
{
	struct perf_event *ev = NULL;
	int i, err;

	if (cpu < 0 || cpu >= nr_cpus_online)
		return ERR_PTR(-ENODEV);
	for (i = 0; i < NR_PERF_EVENTS; i++) {
		if (perf_events[i].state == PERF_EVENT_STATE_FREE) {
			ev = &perf_events[i];
			break;
		}
	}
	if (!ev)
		return ERR_PTR(-ENOSPC);
	memset(ev, 0, sizeof(*ev));
	ev->attr = *attr;
	ev->cpu = cpu;
	ev->slot = -1;
	ev->overflow_handler = handler ? handler : perf_count_overflow_handler;
	ev->context = context;
	err = arch_build_bp_info(ev, attr, &ev->hw);
	if (err)
		return ERR_PTR(err);
	err = reserve_bp_slot(ev);
	if (err)
		return ERR_PTR(err);
	ev->state = PERF_EVENT_STATE_OFF;
	return ev;
}

static int hw_breakpoint_add(void *arg)
{
	return arch_install_hw_breakpoint(arg);
}

static int hw_breakpoint_del(void *arg)
{
	arch_uninstall_hw_breakpoint(arg);
	return 0;
}

int perf_event_enable(struct perf_event *ev)
{
	int err;

	if (ev->state == PERF_EVENT_STATE_ACTIVE)
		return 0;
	if (ev->state != PERF_EVENT_STATE_OFF)
		return -EINVAL;
	err = smp_call_on_cpu(ev->cpu, hw_breakpoint_add, ev);
	if (!err)
		ev->state = PERF_EVENT_STATE_ACTIVE;
	return err;
}

int perf_event_disable(struct perf_event *ev)
{
	int err;

	if (ev->state != PERF_EVENT_STATE_ACTIVE)
		return 0;
	err = smp_call_on_cpu(ev->cpu, hw_breakpoint_del, ev);
	if (!err)
		ev->state = PERF_EVENT_STATE_OFF;
	return err;
}

void perf_event_release(struct perf_event *ev)
{
	if (ev->state == PERF_EVENT_STATE_FREE)
		return;
	perf_event_disable(ev);
	release_bp_slot(ev);
	ev->state = PERF_EVENT_STATE_FREE;
}

/*
 * Entry points for a debugger's cross-call (DESIGN §8): the server calls
 * these on a CPU with x30 = debugger_call_done. They return the event
 * pointer (or a negative errno) / 0 or a negative errno.
 */
__stable long debugger_event_create(u64 addr, u64 len, u64 type, u64 cpu)
{
	struct perf_event_attr attr = { .bp_addr = addr, .bp_len = len, .bp_type = (u32)type };
	struct perf_event *ev = perf_event_create_kernel_counter(&attr, (int)cpu,
								  perf_debugger_overflow_handler, NULL);
	return (long)ev;
}

/* The same with the counting handler (the kernel steps over hits): "monitor perf". */
__stable long debugger_counter_create(u64 addr, u64 len, u64 type, u64 cpu)
{
	struct perf_event_attr attr = { .bp_addr = addr, .bp_len = len, .bp_type = (u32)type };
	struct perf_event *ev = perf_event_create_kernel_counter(&attr, (int)cpu,
								  perf_count_overflow_handler, NULL);
	return (long)ev;
}

__stable long debugger_event_install(struct perf_event *ev)
{
	int err;

	if (ev->state != PERF_EVENT_STATE_OFF || ev->cpu != smp_processor_id())
		return -EINVAL;
	err = arch_install_hw_breakpoint(ev);
	if (!err)
		ev->state = PERF_EVENT_STATE_ACTIVE;
	return err;
}

__stable long debugger_event_uninstall(struct perf_event *ev)
{
	if (ev->state != PERF_EVENT_STATE_ACTIVE || ev->cpu != smp_processor_id())
		return -EINVAL;
	arch_uninstall_hw_breakpoint(ev);
	ev->state = PERF_EVENT_STATE_OFF;
	return 0;
}

__stable long debugger_event_release(struct perf_event *ev)
{
	if (ev->state == PERF_EVENT_STATE_ACTIVE)
		return -EBUSY;
	if (ev->state == PERF_EVENT_STATE_FREE)
		return -EINVAL;
	release_bp_slot(ev);
	ev->state = PERF_EVENT_STATE_FREE;
	return 0;
}
