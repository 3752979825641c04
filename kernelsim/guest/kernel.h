/* Common definitions for the guest kernel: types, barriers, system registers, per-CPU data. */
#ifndef KERNELSIM_KERNEL_H
#define KERNELSIM_KERNEL_H

#include "config.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef int s32;
typedef long s64;
typedef _Bool bool;
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)
#define true 1
#define false 0
#define NULL ((void *)0)

#define NR_CPUS 64
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Functions others name (docs/design.md §13) must stay real, separate functions. */
#define __stable __attribute__((noipa, used))
#define noinline __attribute__((noinline))
#define __used __attribute__((used))
#define __noreturn __attribute__((noreturn))
#define fallthrough __attribute__((fallthrough))

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier() asm volatile("" ::: "memory")
#define isb() asm volatile("isb" ::: "memory")
#define smp_mb() asm volatile("dmb ish" ::: "memory")
#define cpu_relax() asm volatile("yield" ::: "memory")

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)
/* Unlike Linux, with a memory clobber: slot stores and counters stay on their side of every MSR. */
#define read_sysreg(r) ({ u64 __v; asm volatile("mrs %0, " __stringify(r) : "=r"(__v) : : "memory"); __v; })
#define write_sysreg(v, r) do { u64 __v = (u64)(v); asm volatile("msr " __stringify(r) ", %x0" : : "rZ"(__v) : "memory"); } while (0)

/* MDSELR_EL1 (Debugv8p9) is not known to binutils 2.40. */
#define SYS_MDSELR_EL1 s2_0_c0_c4_2

#define EINVAL 22
#define ENOSPC 28
#define ENOENT 2
#define EBUSY 16
#define ENODEV 19
#define MAX_ERRNO 4095
#define ERR_PTR(e) ((void *)(long)(e))
#define PTR_ERR(p) ((long)(p))
#define IS_ERR(p) ((unsigned long)(p) >= (unsigned long)-MAX_ERRNO)

/* PSTATE / DAIF */
#define PSR_D_BIT (1ul << 9)
#define DBG_SPSR_SS (1ul << 21)

/* The saved register frame built by the exception vectors (entry.S). */
struct pt_regs {
	u64 regs[31];
	u64 sp;
	u64 pc;
	u64 pstate;
	u64 esr;
	u64 far;
};

#define ESR_ELx_EC(esr) (((esr) >> 26) & 0x3f)
#define ESR_ELx_EC_BREAKPT_CUR 0x31
#define ESR_ELx_EC_SOFTSTP_CUR 0x33
#define ESR_ELx_EC_WATCHPT_CUR 0x35
#define ESR_ELx_EC_BRK64 0x3c
#define ESR_ELx_WNR (1ul << 6)

static inline int smp_processor_id(void)
{
	return (int)read_sysreg(tpidr_el1);
}

static inline u64 read_cntvct(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static inline u64 local_daif_save(void)
{
	u64 flags = read_sysreg(daif);
	asm volatile("msr daifset, #0xf" ::: "memory");
	return flags;
}

static inline void local_daif_restore(u64 flags)
{
	write_sysreg(flags, daif);
	isb();
}

/* per-CPU data is an array indexed by CPU */
#define DEFINE_PER_CPU(type, name) type name[NR_CPUS]
#define this_cpu(name) ((name)[smp_processor_id()])

/* config.c */
extern volatile struct kernel_config kernel_config;

/* console.c: only CPU 0 prints (deterministic output); panic prints from any CPU */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintk(char *buf, int size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *ksym_name(u64 pc, u64 *off);
void print_symbol(char *buf, int size, u64 pc);

/* psci.c / start.S */
long psci_call(u64 fn, u64 a1, u64 a2, u64 a3);
void __noreturn system_off(void);
void __noreturn halt_forever(void);
extern char secondary_entry[];
extern char vectors[];

/* lib.c */
void *memset(void *s, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
int strcmp(const char *a, const char *b);

/* smp.c */
extern int nr_cpus_online;
extern DEFINE_PER_CPU(volatile u64, cpu_heartbeat);
int smp_call_on_cpu(int cpu, int (*fn)(void *), void *arg);
void cross_call_poll(void);
void watchdog_poll(void);
void watchdog_reset(void);

/* traps.c: debug exception counters, read by the host */
extern DEFINE_PER_CPU(u64, debug_bp_exceptions);
extern DEFINE_PER_CPU(u64, debug_wp_exceptions);
extern DEFINE_PER_CPU(u64, debug_step_exceptions);
extern DEFINE_PER_CPU(u64, debug_unhandled_exceptions);
extern DEFINE_PER_CPU(u64, debug_same_elr_run);
extern DEFINE_PER_CPU(u64, debug_last_elr);
extern DEFINE_PER_CPU(u64, debug_last_esr);
extern DEFINE_PER_CPU(u32, debug_last_handled);
void __noreturn panic(const char *why, struct pt_regs *regs);

/* workload.c */
void workload_round(void);
extern volatile u64 workload_counter;
extern volatile u64 workload_readonly;
void workload_done(void);

/* scenarios.c */
void run_scenario(void);
void report_deferred_warnings(void);

#endif
