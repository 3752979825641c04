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

/*
 * Lock-free (a debugger's cross-call on one CPU may reserve while another
 * CPU does, and a CPU stopped by the debugger must never hold a lock).
 */
static int reserve_bp_slot(struct perf_event *bp)
{
	enum bp_type_idx type = find_slot_idx(bp);
	int *pinned = &bp_slots_pinned[bp->cpu][type];
	int old = __atomic_load_n(pinned, __ATOMIC_RELAXED);

	do {
		if (old + 1 > hw_breakpoint_slots(type))
			return -ENOSPC;
	} while (!__atomic_compare_exchange_n(pinned, &old, old + 1, false, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return 0;
}

static void release_bp_slot(struct perf_event *bp)
{
	__atomic_fetch_sub(&bp_slots_pinned[bp->cpu][find_slot_idx(bp)], 1, __ATOMIC_ACQ_REL);
}

/* The default handler: count, and let the kernel step over the hit. */
__stable void perf_count_overflow_handler(struct perf_event *bp, struct pt_regs *regs)
{
	(void)regs;
	bp->count++;
}

/*
 * A debugger's handler (like ptrace's): count and tell the server by HVC.
 * The answer decides this hit: HVC_NOTIFY_STEP (a hit inside the server's
 * own cross-call) makes the kernel step over it like a counting event;
 * anything else (-1 on QEMU) leaves the step-over to the debugger.
 */
__stable void perf_debugger_overflow_handler(struct perf_event *bp, struct pt_regs *regs)
{
	long answer;

	(void)regs;
	bp->count++;
	answer = psci_call(HVC_HWBP_NOTIFY, (u64)bp, bp->hw.trigger,
			   bp->attr.bp_type == HW_BREAKPOINT_X ? 0 : 1);
	WRITE_ONCE(bp->step_hit, answer == HVC_NOTIFY_STEP);
}

void perf_bp_event(struct perf_event *bp, struct pt_regs *regs)
{
	u64 n = bp->count;

	if (n < PERF_EVENT_HIT_LOG)
		bp->hit_pc[n] = regs->pc;
	bp->overflow_handler(bp, regs);
}

/* Claim a free event (FREE -> OFF, lock-free) and fill it; a failed create frees it again. */
struct perf_event *perf_event_create(const struct perf_event_attr *attr, int cpu,
				     perf_overflow_handler_t handler, void *context, u32 flags)
{
	struct perf_event *ev = NULL, init;
	u32 free;
	int i, err;

	if (cpu < 0 || cpu >= nr_cpus_online)
		return ERR_PTR(-ENODEV);
	for (i = 0; i < NR_PERF_EVENTS; i++) {
		free = PERF_EVENT_STATE_FREE;
		if (__atomic_compare_exchange_n(&perf_events[i].state, &free, PERF_EVENT_STATE_OFF, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			ev = &perf_events[i];
			break;
		}
	}
	if (!ev)
		return ERR_PTR(-ENOSPC);
	memset(&init, 0, sizeof(init));
	init.attr = *attr;
	init.cpu = cpu;
	init.state = PERF_EVENT_STATE_OFF;
	init.slot = -1;
	init.overflow_handler = handler ? handler : perf_count_overflow_handler;
	init.context = context;
	init.flags = flags;
	err = arch_build_bp_info(&init, attr, &init.hw);
	if (!err)
		err = reserve_bp_slot(&init);
	if (err) {
		__atomic_store_n(&ev->state, PERF_EVENT_STATE_FREE, __ATOMIC_RELEASE);
		return ERR_PTR(err);
	}
	*ev = init;
	smp_mb();
	return ev;
}

struct perf_event *perf_event_create_kernel_counter(const struct perf_event_attr *attr, int cpu,
						    perf_overflow_handler_t handler, void *context)
{
	return perf_event_create(attr, cpu, handler, context, 0);
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
	__atomic_store_n(&ev->state, PERF_EVENT_STATE_FREE, __ATOMIC_RELEASE);
}

/*
 * Entry points for a debugger's cross-call (docs/design.md §8): the server calls
 * these on a CPU with x30 = debugger_call_done. They return the event
 * pointer (or a negative errno) / 0 or a negative errno. Creating reserves
 * a comparator on cpu (ENOSPC when the kernel's and the debugger's events
 * would need more than it has) and writes no register; install programs it.
 */
static long debugger_create(u64 addr, u64 len, u64 type, u64 cpu, perf_overflow_handler_t handler)
{
	struct perf_event_attr attr = { .bp_addr = addr, .bp_len = len, .bp_type = (u32)type };

	if (type > HW_BREAKPOINT_X || cpu >= NR_CPUS)
		return cpu >= NR_CPUS ? -ENODEV : -EINVAL;
	return (long)perf_event_create(&attr, (int)cpu, handler, NULL, PERF_EVENT_F_ADDR_MASK);
}

__stable long debugger_event_create(u64 addr, u64 len, u64 type, u64 cpu)
{
	return debugger_create(addr, len, type, cpu, perf_debugger_overflow_handler);
}

/* The same with the counting handler (the kernel steps over hits): "monitor perf". */
__stable long debugger_counter_create(u64 addr, u64 len, u64 type, u64 cpu)
{
	return debugger_create(addr, len, type, cpu, perf_count_overflow_handler);
}

/* Is ev one of perf_events[] (a server's bad pointer must not be followed)? */
static bool debugger_event_valid(const struct perf_event *ev)
{
	u64 off = (u64)ev - (u64)perf_events;

	return (u64)ev >= (u64)perf_events && off < sizeof(perf_events) && off % sizeof(*ev) == 0;
}

__stable long debugger_event_install(struct perf_event *ev)
{
	int err;

	if (!debugger_event_valid(ev))
		return -EINVAL;
	if (ev->state != PERF_EVENT_STATE_OFF || ev->cpu != smp_processor_id())
		return -EINVAL;
	err = arch_install_hw_breakpoint(ev);
	if (!err)
		ev->state = PERF_EVENT_STATE_ACTIVE;
	return err;
}

__stable long debugger_event_uninstall(struct perf_event *ev)
{
	if (!debugger_event_valid(ev))
		return -EINVAL;
	if (ev->state != PERF_EVENT_STATE_ACTIVE || ev->cpu != smp_processor_id())
		return -EINVAL;
	arch_uninstall_hw_breakpoint(ev);
	ev->state = PERF_EVENT_STATE_OFF;
	return 0;
}

__stable long debugger_event_release(struct perf_event *ev)
{
	if (!debugger_event_valid(ev))
		return -EINVAL;
	if (ev->state == PERF_EVENT_STATE_ACTIVE)
		return -EBUSY;
	if (ev->state == PERF_EVENT_STATE_FREE)
		return -EINVAL;
	release_bp_slot(ev);
	__atomic_store_n(&ev->state, PERF_EVENT_STATE_FREE, __ATOMIC_RELEASE);
	return 0;
}
