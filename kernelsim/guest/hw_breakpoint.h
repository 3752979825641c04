/*
 * Linux-shaped arm64 hardware breakpoint support: the encodings of
 * asm/hw_breakpoint.h, the perf-like event the slots hold, and the
 * debug-monitor helpers of debug-monitors.c.
 */
#ifndef KERNELSIM_HW_BREAKPOINT_H
#define KERNELSIM_HW_BREAKPOINT_H

#include "kernel.h"

/* Slot limits: 16 without banks, 64 with FEAT_Debugv8p9 banks of 16. */
#define ARM_MAX_BRP 64
#define ARM_MAX_WRP 64
#define MAX_PER_BANK 16

/* Virtual register numbers for read_wb_reg/write_wb_reg. */
#define AARCH64_DBG_REG_BVR 0
#define AARCH64_DBG_REG_BCR (AARCH64_DBG_REG_BVR + MAX_PER_BANK)
#define AARCH64_DBG_REG_WVR (AARCH64_DBG_REG_BCR + MAX_PER_BANK)
#define AARCH64_DBG_REG_WCR (AARCH64_DBG_REG_WVR + MAX_PER_BANK)

/* Control register fields (Linux's arch_hw_breakpoint_ctrl). */
#define ARM_BREAKPOINT_EXECUTE 0
#define ARM_BREAKPOINT_LOAD 1
#define ARM_BREAKPOINT_STORE 2
#define AARCH64_ESR_ACCESS_MASK (1 << 6)

#define ARM_BREAKPOINT_LEN_1 0x1
#define ARM_BREAKPOINT_LEN_2 0x3
#define ARM_BREAKPOINT_LEN_3 0x7
#define ARM_BREAKPOINT_LEN_4 0xf
#define ARM_BREAKPOINT_LEN_5 0x1f
#define ARM_BREAKPOINT_LEN_6 0x3f
#define ARM_BREAKPOINT_LEN_7 0x7f
#define ARM_BREAKPOINT_LEN_8 0xff

#define AARCH64_BREAKPOINT_EL1 1
#define AARCH64_BREAKPOINT_EL0 2

struct arch_hw_breakpoint_ctrl {
	u32 len;
	u32 type;
	u32 privilege;
	u32 enabled;
};

struct arch_hw_breakpoint {
	u64 address;
	u64 trigger;
	struct arch_hw_breakpoint_ctrl ctrl;
};

static inline u32 encode_ctrl_reg(struct arch_hw_breakpoint_ctrl ctrl)
{
	return (ctrl.len << 5) | (ctrl.type << 3) | (ctrl.privilege << 1) | ctrl.enabled;
}

static inline void decode_ctrl_reg(u32 reg, struct arch_hw_breakpoint_ctrl *ctrl)
{
	ctrl->enabled = reg & 0x1;
	reg >>= 1;
	ctrl->privilege = reg & 0x3;
	reg >>= 2;
	ctrl->type = reg & 0x3;
	reg >>= 2;
	ctrl->len = reg & 0xff;
}

/* Generic breakpoint types (linux/hw_breakpoint.h) */
#define HW_BREAKPOINT_R 1
#define HW_BREAKPOINT_W 2
#define HW_BREAKPOINT_RW (HW_BREAKPOINT_R | HW_BREAKPOINT_W)
#define HW_BREAKPOINT_X 4

enum hw_breakpoint_ops {
	HW_BREAKPOINT_INSTALL,
	HW_BREAKPOINT_UNINSTALL,
	HW_BREAKPOINT_RESTORE,
};

/* Kernel step-over state (stepping_kernel_bp) */
#define ARM_KERNEL_STEP_NONE 0
#define ARM_KERNEL_STEP_ACTIVE 1
#define ARM_KERNEL_STEP_SUSPEND 2

/* debug-monitors */
enum dbg_active_el { DBG_ACTIVE_EL0 = 0, DBG_ACTIVE_EL1 };
#define DBG_MDSCR_SS (1ul << 0)
#define DBG_MDSCR_KDE (1ul << 13)
#define DBG_MDSCR_MDE (1ul << 15)
#define DBG_MDSCR_EMBWE (1ul << 32)

/* The perf-like event a slot holds. */
struct perf_event;
typedef void (*perf_overflow_handler_t)(struct perf_event *, struct pt_regs *);

struct perf_event_attr {
	u64 bp_addr;
	u64 bp_len;
	u32 bp_type;      /* HW_BREAKPOINT_* */
	u32 exclude_kernel;
};

#define PERF_EVENT_HIT_LOG 8

enum perf_event_state { PERF_EVENT_STATE_FREE = 0, PERF_EVENT_STATE_OFF, PERF_EVENT_STATE_ACTIVE };

/* Layout mirrored by kernelsim/perfevent.go (checked against DWARF): append only. */
struct perf_event {
	struct perf_event_attr attr;
	struct arch_hw_breakpoint hw;
	perf_overflow_handler_t overflow_handler;
	void *context;
	int cpu;
	u32 state;
	int slot;            /* physical slot while installed, else -1 */
	u32 pad;
	volatile u64 count;  /* overflow handler calls */
	volatile u64 hit_pc[PERF_EVENT_HIT_LOG]; /* first hits: the PC that trapped */
	u32 addr_mask;       /* DBGWCR.MASK of a region watchpoint (log2 of its length), 0 = BAS only */
	u32 flags;           /* PERF_EVENT_F_* */
	volatile u32 step_hit; /* set by the overflow handler: the kernel steps over this hit */
	u32 pad2;
};

/* struct perf_event.flags */
#define PERF_EVENT_F_ADDR_MASK 0x1 /* may be a MASK region watchpoint (debugger and "monitor perf" events) */

/* DBGWCR_EL1.MASK: bits [28:24]; 3..31 select a 2^MASK-byte aligned region (BAS must be 0xff). */
#define ARM_WATCHPOINT_MASK_SHIFT 24
#define ARM_WATCHPOINT_MASK_MIN 3
#define ARM_WATCHPOINT_MASK_MAX 31

static inline struct arch_hw_breakpoint *counter_arch_bp(struct perf_event *bp)
{
	return &bp->hw;
}

extern int core_num_brps;
extern int core_num_wrps;
extern struct perf_event *bp_on_reg[NR_CPUS][ARM_MAX_BRP];
extern struct perf_event *wp_on_reg[NR_CPUS][ARM_MAX_WRP];
extern DEFINE_PER_CPU(int, stepping_kernel_bp);

u64 read_wb_reg(int reg, int n);
void write_wb_reg(int reg, int n, u64 val);
int hw_breakpoint_slot_setup(struct perf_event **slots, int max_slots, struct perf_event *bp,
			     enum hw_breakpoint_ops ops);
int hw_breakpoint_control(struct perf_event *bp, enum hw_breakpoint_ops ops);
int arch_install_hw_breakpoint(struct perf_event *bp);
void arch_uninstall_hw_breakpoint(struct perf_event *bp);
int arch_build_bp_info(struct perf_event *bp, const struct perf_event_attr *attr,
		       struct arch_hw_breakpoint *hw);
int do_breakpoint(u64 esr, struct pt_regs *regs);
int do_watchpoint(u64 addr, u64 esr, struct pt_regs *regs);
bool try_step_suspended_breakpoints(struct pt_regs *regs);
void toggle_bp_registers(int reg, enum dbg_active_el el, int enable);
void hw_breakpoint_reset(int cpu);
void hw_breakpoint_init(void);

void enable_debug_monitors(enum dbg_active_el el);
void disable_debug_monitors(enum dbg_active_el el);
void debug_monitors_init(void);
void kernel_enable_single_step(struct pt_regs *regs);
void kernel_disable_single_step(void);
int kernel_active_single_step(void);
u64 mdscr_read(void);
void mdscr_write(u64 mdscr);

/* perf_event.c */
void perf_count_overflow_handler(struct perf_event *bp, struct pt_regs *regs);
void perf_debugger_overflow_handler(struct perf_event *bp, struct pt_regs *regs);
void perf_bp_event(struct perf_event *bp, struct pt_regs *regs);
struct perf_event *perf_event_create_kernel_counter(const struct perf_event_attr *attr, int cpu,
						    perf_overflow_handler_t handler, void *context);
int perf_event_enable(struct perf_event *ev);
int perf_event_disable(struct perf_event *ev);
void perf_event_release(struct perf_event *ev);
struct perf_event *perf_event_create(const struct perf_event_attr *attr, int cpu,
				     perf_overflow_handler_t handler, void *context, u32 flags);
void hw_breakpoint_cpu_ready(int cpu);

static inline bool is_default_overflow_handler(struct perf_event *bp)
{
	return bp->overflow_handler == perf_count_overflow_handler;
}

/* An orphan the handler met (recorded on the trapping CPU, printed by CPU 0). */
struct orphan_note {
	volatile u32 pending;
	u32 is_watchpoint;
	u32 slot;
	u32 disabled;
	u64 addr;
};
extern struct orphan_note orphan_notes[NR_CPUS];

#endif
