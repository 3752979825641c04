/*
 * Hardware breakpoint and watchpoint slot management, shaped like Linux's
 * arch/arm64/kernel/hw_breakpoint.c (see docs/background.md §1), written for
 * this guest: no tasks and no EL0, so only kernel (EL1) events exist, and the
 * uninstall order and handler recovery are runtime knobs (config.h).
 */
#include "hw_breakpoint.h"
#include "asm.h"

/* Breakpoint and watchpoint slot owners, per CPU. NULL = free. */
struct perf_event *bp_on_reg[NR_CPUS][ARM_MAX_BRP];
struct perf_event *wp_on_reg[NR_CPUS][ARM_MAX_WRP];

/* Kernel step-over state, per CPU (ARM_KERNEL_STEP_*). */
DEFINE_PER_CPU(int, stepping_kernel_bp);

/* Per-CPU "debug_info" of the (only) kernel context: registers toggled off. */
static DEFINE_PER_CPU(int, bps_disabled);
static DEFINE_PER_CPU(int, wps_disabled);

/* Number of BRP/WRP registers on this CPU, and whether they are banked. */
int core_num_brps;
int core_num_wrps;
int has_register_banks;

/* Unknown indices passed to the accessors (Linux prints a warning). */
u64 wb_reg_bad_index;

/*
 * Banked accesses so far. Updated between the bank select and the register
 * access, so a store watchpoint on it lands a debug exception exactly in the
 * window the bank-race scenario is about.
 */
volatile u64 wb_banked_accesses;

/* Orphans met by the handlers; CPU 0 prints them (only CPU 0 prints). */
struct orphan_note orphan_notes[NR_CPUS];

/* ---- register accessors: generated switches of MRS/MSR ---- */

#define READ_WB_REG_CASE(OFF, N, REG, VAL)                 \
	case (OFF + N):                                    \
		VAL = read_sysreg(dbg##REG##N##_el1);      \
		break

#define WRITE_WB_REG_CASE(OFF, N, REG, VAL)                \
	case (OFF + N):                                    \
		write_sysreg(VAL, dbg##REG##N##_el1);      \
		break

#define GEN_READ_WB_REG_CASES(OFF, REG, VAL)   \
	READ_WB_REG_CASE(OFF, 0, REG, VAL);    \
	READ_WB_REG_CASE(OFF, 1, REG, VAL);    \
	READ_WB_REG_CASE(OFF, 2, REG, VAL);    \
	READ_WB_REG_CASE(OFF, 3, REG, VAL);    \
	READ_WB_REG_CASE(OFF, 4, REG, VAL);    \
	READ_WB_REG_CASE(OFF, 5, REG, VAL);    \
	READ_WB_REG_CASE(OFF, 6, REG, VAL);    \
	READ_WB_REG_CASE(OFF, 7, REG, VAL);    \
	READ_WB_REG_CASE(OFF, 8, REG, VAL);    \
	READ_WB_REG_CASE(OFF, 9, REG, VAL);    \
	READ_WB_REG_CASE(OFF, 10, REG, VAL);   \
	READ_WB_REG_CASE(OFF, 11, REG, VAL);   \
	READ_WB_REG_CASE(OFF, 12, REG, VAL);   \
	READ_WB_REG_CASE(OFF, 13, REG, VAL);   \
	READ_WB_REG_CASE(OFF, 14, REG, VAL);   \
	READ_WB_REG_CASE(OFF, 15, REG, VAL)

#define GEN_WRITE_WB_REG_CASES(OFF, REG, VAL)  \
	WRITE_WB_REG_CASE(OFF, 0, REG, VAL);   \
	WRITE_WB_REG_CASE(OFF, 1, REG, VAL);   \
	WRITE_WB_REG_CASE(OFF, 2, REG, VAL);   \
	WRITE_WB_REG_CASE(OFF, 3, REG, VAL);   \
	WRITE_WB_REG_CASE(OFF, 4, REG, VAL);   \
	WRITE_WB_REG_CASE(OFF, 5, REG, VAL);   \
	WRITE_WB_REG_CASE(OFF, 6, REG, VAL);   \
	WRITE_WB_REG_CASE(OFF, 7, REG, VAL);   \
	WRITE_WB_REG_CASE(OFF, 8, REG, VAL);   \
	WRITE_WB_REG_CASE(OFF, 9, REG, VAL);   \
	WRITE_WB_REG_CASE(OFF, 10, REG, VAL);  \
	WRITE_WB_REG_CASE(OFF, 11, REG, VAL);  \
	WRITE_WB_REG_CASE(OFF, 12, REG, VAL);  \
	WRITE_WB_REG_CASE(OFF, 13, REG, VAL);  \
	WRITE_WB_REG_CASE(OFF, 14, REG, VAL);  \
	WRITE_WB_REG_CASE(OFF, 15, REG, VAL)

static inline __attribute__((always_inline)) u64 __read_wb_reg(int reg, int n)
{
	u64 val = 0;

	switch (reg + n) {
		GEN_READ_WB_REG_CASES(AARCH64_DBG_REG_BVR, bvr, val);
		GEN_READ_WB_REG_CASES(AARCH64_DBG_REG_BCR, bcr, val);
		GEN_READ_WB_REG_CASES(AARCH64_DBG_REG_WVR, wvr, val);
		GEN_READ_WB_REG_CASES(AARCH64_DBG_REG_WCR, wcr, val);
	default:
		wb_reg_bad_index++;
	}
	return val;
}

static inline __attribute__((always_inline)) void __write_wb_reg(int reg, int n, u64 val)
{
	switch (reg + n) {
		GEN_WRITE_WB_REG_CASES(AARCH64_DBG_REG_BVR, bvr, val);
		GEN_WRITE_WB_REG_CASES(AARCH64_DBG_REG_BCR, bcr, val);
		GEN_WRITE_WB_REG_CASES(AARCH64_DBG_REG_WVR, wvr, val);
		GEN_WRITE_WB_REG_CASES(AARCH64_DBG_REG_WCR, wcr, val);
	default:
		wb_reg_bad_index++;
	}
	isb();
}

/* Debugv8p9: select the bank of physical register n, then use index n % 16. */
static inline __attribute__((always_inline)) u64 select_bank(int n)
{
	u64 flags = 0;

	if (READ_ONCE(kernel_config.bank_guard) == KCFG_BANK_GUARD_MASK_DEBUG) {
		flags = read_sysreg(daif);
		asm volatile("msr daifset, #8" ::: "memory");
	}
	write_sysreg((u64)(n / MAX_PER_BANK) << 4, SYS_MDSELR_EL1);
	isb();
	return flags;
}

static inline __attribute__((always_inline)) void unselect_bank(u64 flags)
{
	if (READ_ONCE(kernel_config.bank_guard) == KCFG_BANK_GUARD_MASK_DEBUG)
		local_daif_restore(flags);
}

__stable u64 read_wb_reg(int reg, int n)
{
	u64 flags, val;

	if (!has_register_banks)
		return __read_wb_reg(reg, n);
	flags = select_bank(n);
	wb_banked_accesses = wb_banked_accesses + 1;
	val = __read_wb_reg(reg, n % MAX_PER_BANK);
	unselect_bank(flags);
	return val;
}

__stable void write_wb_reg(int reg, int n, u64 val)
{
	u64 flags;

	if (!has_register_banks) {
		__write_wb_reg(reg, n, val);
		return;
	}
	flags = select_bank(n);
	wb_banked_accesses = wb_banked_accesses + 1;
	__write_wb_reg(reg, n % MAX_PER_BANK, val);
	unselect_bank(flags);
}

/* ---- debug monitors (debug-monitors.c) ---- */

static DEFINE_PER_CPU(int, mde_ref_count);
static DEFINE_PER_CPU(int, kde_ref_count);

u64 mdscr_read(void)
{
	return read_sysreg(mdscr_el1);
}

void mdscr_write(u64 mdscr)
{
	u64 flags = local_daif_save();

	write_sysreg(mdscr, mdscr_el1);
	local_daif_restore(flags);
}

void enable_debug_monitors(enum dbg_active_el el)
{
	u64 mdscr, enable = 0;
	u32 flags = READ_ONCE(kernel_config.debug_flags);

	if (this_cpu(mde_ref_count)++ == 0)
		enable = DBG_MDSCR_MDE;
	if (el == DBG_ACTIVE_EL1 && this_cpu(kde_ref_count)++ == 0)
		enable |= DBG_MDSCR_KDE;
	if (flags & KCFG_DBG_NO_MDE)
		enable &= ~DBG_MDSCR_MDE;
	if (flags & KCFG_DBG_NO_KDE)
		enable &= ~DBG_MDSCR_KDE;
	if (enable) {
		mdscr = mdscr_read();
		mdscr |= enable;
		mdscr_write(mdscr);
	}
}

void disable_debug_monitors(enum dbg_active_el el)
{
	u64 mdscr, disable = 0;

	if (--this_cpu(mde_ref_count) == 0)
		disable = ~DBG_MDSCR_MDE;
	if (el == DBG_ACTIVE_EL1 && --this_cpu(kde_ref_count) == 0)
		disable &= ~DBG_MDSCR_KDE;
	if (disable) {
		mdscr = mdscr_read();
		mdscr &= disable;
		mdscr_write(mdscr);
	}
}

/* Per CPU at boot: clear the OS lock (unless told not to) and reset MDSCR. */
void debug_monitors_init(void)
{
	u32 flags = READ_ONCE(kernel_config.debug_flags);

	if (!(flags & KCFG_DBG_KEEP_OS_LOCK)) {
		write_sysreg(0, osdlr_el1);
		write_sysreg(0, oslar_el1);
		isb();
	}
	mdscr_write(has_register_banks ? DBG_MDSCR_EMBWE : 0);
	this_cpu(mde_ref_count) = 0;
	this_cpu(kde_ref_count) = 0;
}

int kernel_active_single_step(void)
{
	return mdscr_read() & DBG_MDSCR_SS;
}

void kernel_enable_single_step(struct pt_regs *regs)
{
	regs->pstate |= DBG_SPSR_SS;
	mdscr_write(mdscr_read() | DBG_MDSCR_SS);
	enable_debug_monitors(DBG_ACTIVE_EL1);
}

void kernel_disable_single_step(void)
{
	mdscr_write(mdscr_read() & ~DBG_MDSCR_SS);
	disable_debug_monitors(DBG_ACTIVE_EL1);
}

/* ---- slot management ---- */

static enum dbg_active_el debug_exception_level(u32 privilege)
{
	return privilege == AARCH64_BREAKPOINT_EL0 ? DBG_ACTIVE_EL0 : DBG_ACTIVE_EL1;
}

/* Find the slot for bp: INSTALL takes the first free one, UNINSTALL frees bp's, RESTORE finds it. */
__stable int hw_breakpoint_slot_setup(struct perf_event **slots, int max_slots, struct perf_event *bp,
				      enum hw_breakpoint_ops ops)
{
	int i;
	struct perf_event **slot;

	for (i = 0; i < max_slots; ++i) {
		slot = &slots[i];
		switch (ops) {
		case HW_BREAKPOINT_INSTALL:
			if (!*slot) {
				WRITE_ONCE(*slot, bp);
				return i;
			}
			break;
		case HW_BREAKPOINT_UNINSTALL:
			if (*slot == bp) {
				WRITE_ONCE(*slot, NULL);
				return i;
			}
			break;
		case HW_BREAKPOINT_RESTORE:
			if (*slot == bp)
				return i;
			break;
		default:
			return -EINVAL;
		}
	}
	return -ENOSPC;
}

__stable int hw_breakpoint_control(struct perf_event *bp, enum hw_breakpoint_ops ops)
{
	struct arch_hw_breakpoint *info = counter_arch_bp(bp);
	struct perf_event **slots;
	int i, max_slots, ctrl_reg, val_reg, reg_enable;
	int cpu = smp_processor_id();
	enum dbg_active_el dbg_el = debug_exception_level(info->ctrl.privilege);
	u32 ctrl;

	if (info->ctrl.type == ARM_BREAKPOINT_EXECUTE) {
		ctrl_reg = AARCH64_DBG_REG_BCR;
		val_reg = AARCH64_DBG_REG_BVR;
		slots = bp_on_reg[cpu];
		max_slots = core_num_brps;
		reg_enable = !bps_disabled[cpu];
	} else {
		ctrl_reg = AARCH64_DBG_REG_WCR;
		val_reg = AARCH64_DBG_REG_WVR;
		slots = wp_on_reg[cpu];
		max_slots = core_num_wrps;
		reg_enable = !wps_disabled[cpu];
	}

	if (ops == HW_BREAKPOINT_UNINSTALL &&
	    READ_ONCE(kernel_config.uninstall_order) == KCFG_UNINSTALL_FIXED) {
		/* Fixed order: disable the comparator (write_wb_reg ends with an ISB), then free the slot. */
		i = hw_breakpoint_slot_setup(slots, max_slots, bp, HW_BREAKPOINT_RESTORE);
		if (i < 0)
			return i;
		write_wb_reg(ctrl_reg, i, 0);
		hw_breakpoint_slot_setup(slots, max_slots, bp, HW_BREAKPOINT_UNINSTALL);
		disable_debug_monitors(dbg_el);
		bp->slot = -1;
		return 0;
	}

	/* Upstream order: the slot array is updated before any register write. */
	i = hw_breakpoint_slot_setup(slots, max_slots, bp, ops);
	if (i < 0)
		return i;

	switch (ops) {
	case HW_BREAKPOINT_INSTALL:
		enable_debug_monitors(dbg_el);
		fallthrough;
	case HW_BREAKPOINT_RESTORE:
		write_wb_reg(val_reg, i, info->address);
		ctrl = encode_ctrl_reg(info->ctrl) | bp->addr_mask << ARM_WATCHPOINT_MASK_SHIFT;
		write_wb_reg(ctrl_reg, i, reg_enable ? ctrl | 0x1 : ctrl & ~0x1u);
		bp->slot = i;
		break;
	case HW_BREAKPOINT_UNINSTALL:
		write_wb_reg(ctrl_reg, i, 0);
		disable_debug_monitors(dbg_el);
		bp->slot = -1;
		break;
	}
	return 0;
}

__stable int arch_install_hw_breakpoint(struct perf_event *bp)
{
	return hw_breakpoint_control(bp, HW_BREAKPOINT_INSTALL);
}

__stable void arch_uninstall_hw_breakpoint(struct perf_event *bp)
{
	hw_breakpoint_control(bp, HW_BREAKPOINT_UNINSTALL);
}

/*
 * A region watchpoint (DBGWCR.MASK, Arm ARM D2.9): a power-of-two length of
 * 16 bytes to 2 GiB at an address aligned to it; BAS covers the whole
 * doubleword. Only events created with PERF_EVENT_F_ADDR_MASK may be one.
 */
static int arch_build_mask_info(struct perf_event *bp, const struct perf_event_attr *attr,
				struct arch_hw_breakpoint *hw)
{
	u64 len = attr->bp_len;
	u32 mask;

	if (!bp || !(bp->flags & PERF_EVENT_F_ADDR_MASK) || hw->ctrl.type == ARM_BREAKPOINT_EXECUTE)
		return -EINVAL;
	if (len & (len - 1) || len > (1ul << ARM_WATCHPOINT_MASK_MAX) || attr->bp_addr & (len - 1))
		return -EINVAL;
	mask = (u32)__builtin_ctzl(len);
	if (mask < ARM_WATCHPOINT_MASK_MIN)
		return -EINVAL;
	hw->ctrl.len = ARM_BREAKPOINT_LEN_8;
	hw->ctrl.privilege = attr->exclude_kernel ? AARCH64_BREAKPOINT_EL0 : AARCH64_BREAKPOINT_EL1;
	hw->ctrl.enabled = 1;
	hw->address = attr->bp_addr;
	hw->trigger = 0;
	bp->addr_mask = mask;
	return 0;
}

/* Validate an event's attributes and build its control word (arch_build_bp_info + arch parse). */
__stable int arch_build_bp_info(struct perf_event *bp, const struct perf_event_attr *attr,
				struct arch_hw_breakpoint *hw)
{
	u64 alignment_mask, offset;

	if (bp)
		bp->addr_mask = 0;
	switch (attr->bp_type) {
	case HW_BREAKPOINT_X:
		hw->ctrl.type = ARM_BREAKPOINT_EXECUTE;
		break;
	case HW_BREAKPOINT_R:
		hw->ctrl.type = ARM_BREAKPOINT_LOAD;
		break;
	case HW_BREAKPOINT_W:
		hw->ctrl.type = ARM_BREAKPOINT_STORE;
		break;
	case HW_BREAKPOINT_RW:
		hw->ctrl.type = ARM_BREAKPOINT_LOAD | ARM_BREAKPOINT_STORE;
		break;
	default:
		return -EINVAL;
	}

	switch (attr->bp_len) {
	case 1: hw->ctrl.len = ARM_BREAKPOINT_LEN_1; break;
	case 2: hw->ctrl.len = ARM_BREAKPOINT_LEN_2; break;
	case 3: hw->ctrl.len = ARM_BREAKPOINT_LEN_3; break;
	case 4: hw->ctrl.len = ARM_BREAKPOINT_LEN_4; break;
	case 5: hw->ctrl.len = ARM_BREAKPOINT_LEN_5; break;
	case 6: hw->ctrl.len = ARM_BREAKPOINT_LEN_6; break;
	case 7: hw->ctrl.len = ARM_BREAKPOINT_LEN_7; break;
	case 8: hw->ctrl.len = ARM_BREAKPOINT_LEN_8; break;
	default:
		if (attr->bp_len > 8)
			return arch_build_mask_info(bp, attr, hw);
		return -EINVAL;
	}

	/* Native execute breakpoints always cover one 4-byte instruction. */
	if (hw->ctrl.type == ARM_BREAKPOINT_EXECUTE)
		hw->ctrl.len = ARM_BREAKPOINT_LEN_4;

	/* This kernel has no user space: every event is an EL1 event. */
	hw->ctrl.privilege = attr->exclude_kernel ? AARCH64_BREAKPOINT_EL0 : AARCH64_BREAKPOINT_EL1;
	hw->ctrl.enabled = 1;

	/* Align the address down and move BAS to the byte offset; refuse what does not fit. */
	alignment_mask = hw->ctrl.type == ARM_BREAKPOINT_EXECUTE ? 0x3 : 0x7;
	offset = attr->bp_addr & alignment_mask;
	if (hw->ctrl.type == ARM_BREAKPOINT_EXECUTE && offset)
		return -EINVAL;
	if (offset + attr->bp_len > 8 && hw->ctrl.type != ARM_BREAKPOINT_EXECUTE)
		return -EINVAL;
	hw->address = attr->bp_addr & ~alignment_mask;
	hw->ctrl.len <<= offset;
	hw->trigger = 0;
	return 0;
}

/* Enable or disable, in hardware, every owned slot whose privilege is el. */
__stable void toggle_bp_registers(int reg, enum dbg_active_el el, int enable)
{
	int i, max_slots, privilege, cpu = smp_processor_id();
	u32 ctrl;
	struct perf_event **slots;

	switch (reg) {
	case AARCH64_DBG_REG_BCR:
		slots = bp_on_reg[cpu];
		max_slots = core_num_brps;
		break;
	case AARCH64_DBG_REG_WCR:
		slots = wp_on_reg[cpu];
		max_slots = core_num_wrps;
		break;
	default:
		return;
	}

	for (i = 0; i < max_slots; ++i) {
		if (!slots[i])
			continue;
		privilege = counter_arch_bp(slots[i])->ctrl.privilege;
		if (debug_exception_level(privilege) != el)
			continue;
		ctrl = read_wb_reg(reg, i);
		if (enable)
			ctrl |= 0x1;
		else
			ctrl &= ~0x1u;
		write_wb_reg(reg, i, ctrl);
	}
}

/*
 * A debug exception nothing owns. With recovery "disable-orphan", turn off
 * the enabled comparator(s) with no owner that match addr and leave a note
 * for CPU 0 to print.
 */
static void hw_breakpoint_unclaimed(bool watchpoint, u64 addr)
{
	int cpu = smp_processor_id();
	int i, max_slots, ctrl_reg, val_reg;
	struct perf_event **slots;
	u64 ctrl, val;
	bool match;

	if (READ_ONCE(kernel_config.recovery) != KCFG_RECOVERY_DISABLE_ORPHAN)
		return;
	if (watchpoint) {
		slots = wp_on_reg[cpu];
		max_slots = core_num_wrps;
		ctrl_reg = AARCH64_DBG_REG_WCR;
		val_reg = AARCH64_DBG_REG_WVR;
	} else {
		slots = bp_on_reg[cpu];
		max_slots = core_num_brps;
		ctrl_reg = AARCH64_DBG_REG_BCR;
		val_reg = AARCH64_DBG_REG_BVR;
	}
	for (i = 0; i < max_slots; ++i) {
		if (READ_ONCE(slots[i]))
			continue;
		ctrl = read_wb_reg(ctrl_reg, i);
		if (!(ctrl & 0x1))
			continue;
		val = read_wb_reg(val_reg, i);
		/* watchpoints: FAR may lie anywhere in the access, so any enabled orphan counts */
		match = watchpoint || val == (addr & ~0x3ul);
		if (!match)
			continue;
		write_wb_reg(ctrl_reg, i, ctrl & ~0x1ul);
		if (!orphan_notes[cpu].pending) {
			orphan_notes[cpu].is_watchpoint = watchpoint;
			orphan_notes[cpu].slot = i;
			orphan_notes[cpu].addr = val;
			orphan_notes[cpu].disabled = 1;
			smp_mb();
			WRITE_ONCE(orphan_notes[cpu].pending, 1);
		}
	}
}

/* Arm the kernel step over the trapping instruction (shared by both handlers). */
static void kernel_step_over(struct pt_regs *regs)
{
	int *kernel_step = &this_cpu(stepping_kernel_bp);

	if (*kernel_step != ARM_KERNEL_STEP_NONE)
		return;
	if (kernel_active_single_step()) {
		*kernel_step = ARM_KERNEL_STEP_SUSPEND;
	} else {
		*kernel_step = ARM_KERNEL_STEP_ACTIVE;
		kernel_enable_single_step(regs);
	}
}

/* Breakpoint exception: returns 0 if a slot owned it, -ENOENT if none did. */
__stable int do_breakpoint(u64 esr, struct pt_regs *regs)
{
	int i, step = 0, claimed = 0, cpu = smp_processor_id();
	u32 ctrl_reg;
	u64 addr, val;
	struct perf_event *bp, **slots = bp_on_reg[cpu];
	struct arch_hw_breakpoint_ctrl ctrl;

	(void)esr;
	addr = regs->pc;
	for (i = 0; i < core_num_brps; ++i) {
		bp = READ_ONCE(slots[i]);
		if (!bp)
			continue;
		/* Is this the breakpoint that fired? */
		val = read_wb_reg(AARCH64_DBG_REG_BVR, i);
		if (val != (addr & ~0x3ul))
			continue;
		ctrl_reg = read_wb_reg(AARCH64_DBG_REG_BCR, i);
		decode_ctrl_reg(ctrl_reg, &ctrl);
		if (!((1u << (addr & 0x3)) & ctrl.len))
			continue;
		counter_arch_bp(bp)->trigger = addr;
		perf_bp_event(bp, regs);
		claimed = 1;
		/*
		 * Counting events step over the instruction; debugger events
		 * only when the debugger said so for this hit (step_hit).
		 */
		if (is_default_overflow_handler(bp) || READ_ONCE(bp->step_hit))
			step = 1;
	}

	if (!claimed) {
		hw_breakpoint_unclaimed(false, addr);
		return -ENOENT;
	}
	if (!step)
		return 0;

	toggle_bp_registers(AARCH64_DBG_REG_BCR, DBG_ACTIVE_EL1, 0);
	kernel_step_over(regs);
	return 0;
}

/* Distance from addr to the bytes a watchpoint covers (BAS, or the whole MASK region); 0 = inside. */
static u64 get_distance_from_watchpoint(u64 addr, u64 val, struct arch_hw_breakpoint_ctrl *ctrl, u32 mask)
{
	u64 wp_low, wp_high;
	u32 lens, lene;

	if (!ctrl->len)
		return (u64)-1;
	if (mask >= ARM_WATCHPOINT_MASK_MIN) {
		wp_low = val & ~((1ul << mask) - 1);
		wp_high = wp_low + ((1ul << mask) - 1);
	} else {
		lens = __builtin_ctz(ctrl->len);
		lene = 31 - __builtin_clz(ctrl->len);
		wp_low = val + lens;
		wp_high = val + lene;
	}
	if (addr < wp_low)
		return wp_low - addr;
	if (addr > wp_high)
		return addr - wp_high;
	return 0;
}

static int watchpoint_report(struct perf_event *wp, u64 addr, struct pt_regs *regs)
{
	struct arch_hw_breakpoint *info = counter_arch_bp(wp);

	info->trigger = addr;
	/* An EL0 watchpoint hit from the kernel (uaccess) is stepped, not reported. */
	if (info->ctrl.privilege == AARCH64_BREAKPOINT_EL0)
		return 1;
	perf_bp_event(wp, regs);
	/* Counting events step; debugger events only when the debugger said so for this hit. */
	return is_default_overflow_handler(wp) || READ_ONCE(wp->step_hit);
}

/* Watchpoint exception (addr = FAR): returns 0 if a slot owned it, -ENOENT if none did. */
__stable int do_watchpoint(u64 addr, u64 esr, struct pt_regs *regs)
{
	int i, step = 0, access, closest_match = -1, cpu = smp_processor_id();
	u64 min_dist = (u64)-1, dist, val;
	u32 ctrl_reg;
	struct perf_event *wp, **slots = wp_on_reg[cpu];
	struct arch_hw_breakpoint_ctrl ctrl;

	for (i = 0; i < core_num_wrps; ++i) {
		wp = READ_ONCE(slots[i]);
		if (!wp)
			continue;
		/* Does the access type match the event's? */
		access = (esr & AARCH64_ESR_ACCESS_MASK) ? HW_BREAKPOINT_W : HW_BREAKPOINT_R;
		if (!(access & wp->attr.bp_type))
			continue;
		val = read_wb_reg(AARCH64_DBG_REG_WVR, i);
		ctrl_reg = read_wb_reg(AARCH64_DBG_REG_WCR, i);
		decode_ctrl_reg(ctrl_reg, &ctrl);
		dist = get_distance_from_watchpoint(addr, val, &ctrl,
						    (ctrl_reg >> ARM_WATCHPOINT_MASK_SHIFT) & 0x1f);
		if (dist < min_dist) {
			min_dist = dist;
			closest_match = i;
		}
		if (dist != 0)
			continue;
		step = watchpoint_report(wp, addr, regs);
	}

	/* No exact match: FAR may be any address of the access, report the closest. */
	if (min_dist > 0 && min_dist != (u64)-1)
		step = watchpoint_report(slots[closest_match], addr, regs);

	if (closest_match < 0) {
		hw_breakpoint_unclaimed(true, addr);
		return -ENOENT;
	}
	if (!step)
		return 0;

	toggle_bp_registers(AARCH64_DBG_REG_WCR, DBG_ACTIVE_EL1, 0);
	kernel_step_over(regs);
	return 0;
}

/* Software-step exception: re-enable what a kernel step-over disabled. */
__stable bool try_step_suspended_breakpoints(struct pt_regs *regs)
{
	int *kernel_step = &this_cpu(stepping_kernel_bp);
	bool handled = false;

	(void)regs;
	if (*kernel_step == ARM_KERNEL_STEP_NONE)
		return false;

	toggle_bp_registers(AARCH64_DBG_REG_BCR, DBG_ACTIVE_EL1, 1);
	toggle_bp_registers(AARCH64_DBG_REG_WCR, DBG_ACTIVE_EL1, 1);
	if (*kernel_step != ARM_KERNEL_STEP_SUSPEND) {
		kernel_disable_single_step();
		handled = true;
	}
	*kernel_step = ARM_KERNEL_STEP_NONE;
	return handled;
}

/*
 * Per CPU, 1 from just before its READY HVC on: its hw_breakpoint state is
 * set up and a debugger may run cross-calls on it (host-readable).
 */
DEFINE_PER_CPU(volatile u32, debugger_cpu_ready);
/* Set by CPU 0 after the boot self-test: every CPU makes its READY HVC. */
volatile u32 debugger_ready_go;

/*
 * Tell a debugger's server this CPU is ready for debugger events (HVC
 * READY, x1 = cpu): it may install pending events through cross-calls
 * before the HVC returns. IRQs masked; on QEMU the HVC returns at once.
 */
__stable void hw_breakpoint_cpu_ready(int cpu)
{
	u64 flags;

	if (this_cpu(debugger_cpu_ready))
		return;
	flags = read_sysreg(daif);
	asm volatile("msr daifset, #2" ::: "memory");
	WRITE_ONCE(this_cpu(debugger_cpu_ready), 1);
	smp_mb();
	psci_call(HVC_CPU_READY, (u64)cpu, 0, 0);
	local_daif_restore(flags);
}

/* CPU bring-up: restore owned slots, zero the rest. Runs on that CPU. */
void hw_breakpoint_reset(int cpu)
{
	int i;
	struct perf_event **slots;

	for (slots = bp_on_reg[cpu], i = 0; i < core_num_brps; ++i) {
		if (slots[i]) {
			hw_breakpoint_control(slots[i], HW_BREAKPOINT_RESTORE);
		} else {
			write_wb_reg(AARCH64_DBG_REG_BCR, i, 0);
			write_wb_reg(AARCH64_DBG_REG_BVR, i, 0);
		}
	}
	for (slots = wp_on_reg[cpu], i = 0; i < core_num_wrps; ++i) {
		if (slots[i]) {
			hw_breakpoint_control(slots[i], HW_BREAKPOINT_RESTORE);
		} else {
			write_wb_reg(AARCH64_DBG_REG_WCR, i, 0);
			write_wb_reg(AARCH64_DBG_REG_WVR, i, 0);
		}
	}
}

static int get_num(u64 dfr0, int shift0, int shift1)
{
	int n = (int)((dfr0 >> shift0) & 0xf) + 1;
	u64 dfr1;

	/* Debugv8p9 (DebugVer >= 0b1011) with 16 in DFR0: DFR1 has the real count. */
	if ((dfr0 & 0xf) >= 0xb && n == 16) {
		dfr1 = read_sysreg(id_aa64dfr1_el1);
		if ((dfr1 >> shift1) & 0xff)
			n = (int)((dfr1 >> shift1) & 0xff) + 1;
	}
	return n > ARM_MAX_BRP ? ARM_MAX_BRP : n;
}

/* Boot CPU: count the registers (arch_hw_breakpoint_init). */
void hw_breakpoint_init(void)
{
	u64 dfr0 = read_sysreg(id_aa64dfr0_el1);

	core_num_brps = get_num(dfr0, 12, 8);
	core_num_wrps = get_num(dfr0, 20, 16);
	has_register_banks = core_num_brps > MAX_PER_BANK || core_num_wrps > MAX_PER_BANK;
}
