/*
 * Boot: CPU 0 enters at _start (EL1h, DAIF masked, MMU off), secondaries at
 * secondary_entry through PSCI CPU_ON with their index as context ID.
 */
#include "asm.h"

	.cfi_sections .debug_frame

	.section .text.boot, "ax"
	.global _start
	.type _start, %function
_start:
	.cfi_startproc
	.cfi_undefined x30	/* outermost frame: gdb's bt ends here */
	msr	daifset, #0xf
	ldr	x1, =cpu_stacks
	add	x1, x1, #STACK_SIZE
	mov	sp, x1
	msr	tpidr_el1, xzr
	/* zero .bss (16-byte aligned bounds, see kernel.ld) */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	mov	x29, xzr
	mov	x30, xzr
	bl	kernel_main
	b	halt_forever
	.cfi_endproc
	.size _start, . - _start

	.text
	.global secondary_entry
	.type secondary_entry, %function
secondary_entry:
	.cfi_startproc
	.cfi_undefined x30
	msr	daifset, #0xf
	ldr	x1, =cpu_stacks
	add	x2, x0, #1
	lsl	x2, x2, #STACK_SHIFT
	add	x1, x1, x2
	mov	sp, x1
	msr	tpidr_el1, x0
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	mov	x29, xzr
	mov	x30, xzr
	bl	secondary_main
	b	halt_forever
	.cfi_endproc
	.size secondary_entry, . - secondary_entry

	.global halt_forever
	.type halt_forever, %function
halt_forever:
	msr	daifset, #0xf
1:	wfe
	b	1b
	.size halt_forever, . - halt_forever

/* long psci_call(u64 fn, u64 a1, u64 a2, u64 a3): PSCI over HVC */
	.global psci_call
	.type psci_call, %function
psci_call:
	hvc	#0
	ret
	.size psci_call, . - psci_call

/*
 * Where a debugger's cross-call into the kernel returns (docs/design.md §8): the
 * server sets x30 here, the called C function returns its result in x0,
 * and the HVC tells the server to restore the interrupted context.
 */
	.cfi_sections .debug_frame
	.type debugger_cross_call, %function
debugger_cross_call:
	.cfi_startproc
	.cfi_undefined x30	/* gdb's bt ends here: the interrupted context is the server's */
	nop			/* a return address at debugger_call_done looks up this frame */
	.global debugger_call_done
	.type debugger_call_done, %function
debugger_call_done:
	mov	x1, x0
	ldr	x0, =HVC_DEBUGGER_DONE
	hvc	#0
	b	halt_forever
	.size debugger_call_done, . - debugger_call_done
	.cfi_endproc
	.size debugger_cross_call, . - debugger_cross_call

	.bss
	.balign 16
	.global cpu_stacks
cpu_stacks:
	.space	NR_CPUS_ASM * STACK_SIZE
	.size cpu_stacks, . - cpu_stacks
