/* Constants shared by the assembly files and C (pt_regs layout, stacks). */
#ifndef KERNELSIM_ASM_H
#define KERNELSIM_ASM_H

#define NR_CPUS_ASM 64
#define STACK_SHIFT 14 /* 16 KiB per CPU */
#define STACK_SIZE (1 << STACK_SHIFT)

/* struct pt_regs */
#define S_X0 0
#define S_LR 240
#define S_SP 248
#define S_PC 256
#define S_PSTATE 264
#define S_ESR 272
#define S_FAR 280
#define PT_REGS_SIZE 288

/* PSCI 0.2 function IDs (SMC32/SMC64 calling convention over HVC) */
#define PSCI_0_2_FN_PSCI_VERSION 0x84000000
#define PSCI_0_2_FN_CPU_OFF 0x84000002
#define PSCI_0_2_FN64_CPU_ON 0xc4000003
#define PSCI_0_2_FN_SYSTEM_OFF 0x84000008
#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMS (-2)
#define PSCI_RET_ALREADY_ON (-4)

/*
 * Vendor-specific hypervisor calls (SMCCC owner 6) the simulator's server
 * understands; on QEMU they return NOT_SUPPORTED and change nothing.
 *  HVC_HWBP_NOTIFY:    x1 = struct perf_event *, x2 = trigger address, x3 = 0 bp / 1 wp;
 *                      answer x0 = HVC_NOTIFY_STEP: the kernel steps over this hit itself
 *  HVC_DEBUGGER_DONE:  x1 = return value of a debugger cross-call (see debugger_call_done)
 *  HVC_CPU_READY:      x1 = this CPU's index; made once per CPU when its hw_breakpoint state is
 *                      set up, before its workload (the server may run cross-calls meanwhile)
 */
#define HVC_HWBP_NOTIFY 0xc6000001
#define HVC_DEBUGGER_DONE 0xc6000002
#define HVC_CPU_READY 0xc6000003
#define HVC_NOTIFY_STEP 1

#endif
