/*
 * The EL1 vector table. Every entry branches to a stub that saves a full
 * struct pt_regs, calls C and restores. The stubs carry CFI (in .debug_frame)
 * describing the frame as a signal frame whose return address is the saved
 * ELR (DWARF register 32 = PC), so gdb's bt unwinds through an exception
 * into the interrupted code.
 */
#include "asm.h"

	.cfi_sections .debug_frame

	.macro ventry target
	.balign	0x80
	b	\target
	.endm

	.macro exception_stub name, handler, kind
	.type \name, %function
\name:
	.cfi_startproc
	.cfi_signal_frame
	.cfi_return_column 32
	.cfi_def_cfa sp, 0
	.cfi_undefined 32
	sub	sp, sp, #PT_REGS_SIZE
	.cfi_adjust_cfa_offset PT_REGS_SIZE
	stp	x0, x1, [sp, #16 * 0]
	.cfi_rel_offset x0, 0
	.cfi_rel_offset x1, 8
	stp	x2, x3, [sp, #16 * 1]
	.cfi_rel_offset x2, 16
	.cfi_rel_offset x3, 24
	stp	x4, x5, [sp, #16 * 2]
	.cfi_rel_offset x4, 32
	.cfi_rel_offset x5, 40
	stp	x6, x7, [sp, #16 * 3]
	.cfi_rel_offset x6, 48
	.cfi_rel_offset x7, 56
	stp	x8, x9, [sp, #16 * 4]
	.cfi_rel_offset x8, 64
	.cfi_rel_offset x9, 72
	stp	x10, x11, [sp, #16 * 5]
	.cfi_rel_offset x10, 80
	.cfi_rel_offset x11, 88
	stp	x12, x13, [sp, #16 * 6]
	.cfi_rel_offset x12, 96
	.cfi_rel_offset x13, 104
	stp	x14, x15, [sp, #16 * 7]
	.cfi_rel_offset x14, 112
	.cfi_rel_offset x15, 120
	stp	x16, x17, [sp, #16 * 8]
	.cfi_rel_offset x16, 128
	.cfi_rel_offset x17, 136
	stp	x18, x19, [sp, #16 * 9]
	.cfi_rel_offset x18, 144
	.cfi_rel_offset x19, 152
	stp	x20, x21, [sp, #16 * 10]
	.cfi_rel_offset x20, 160
	.cfi_rel_offset x21, 168
	stp	x22, x23, [sp, #16 * 11]
	.cfi_rel_offset x22, 176
	.cfi_rel_offset x23, 184
	stp	x24, x25, [sp, #16 * 12]
	.cfi_rel_offset x24, 192
	.cfi_rel_offset x25, 200
	stp	x26, x27, [sp, #16 * 13]
	.cfi_rel_offset x26, 208
	.cfi_rel_offset x27, 216
	stp	x28, x29, [sp, #16 * 14]
	.cfi_rel_offset x28, 224
	.cfi_rel_offset x29, 232
	mrs	x21, elr_el1
	mrs	x22, spsr_el1
	add	x23, sp, #PT_REGS_SIZE
	stp	x30, x23, [sp, #S_LR]
	.cfi_rel_offset x30, S_LR
	stp	x21, x22, [sp, #S_PC]
	.cfi_rel_offset 32, S_PC
	mrs	x24, esr_el1
	mrs	x25, far_el1
	stp	x24, x25, [sp, #S_ESR]
	mov	x29, xzr
	mov	x0, sp
	mov	x1, #\kind
	bl	\handler
	ldp	x21, x22, [sp, #S_PC]
	msr	elr_el1, x21
	msr	spsr_el1, x22
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #S_LR]
	add	sp, sp, #PT_REGS_SIZE
	eret
	.cfi_endproc
	.size \name, . - \name
	.endm

	.text
	.balign	2048
	.global vectors
	.type vectors, %function
vectors:
	ventry	el1t_sync_invalid	/* current EL, SP_EL0 */
	ventry	el1t_irq_invalid
	ventry	el1t_fiq_invalid
	ventry	el1t_error_invalid
	ventry	el1h_sync		/* current EL, SP_ELx: where the kernel runs */
	ventry	el1h_irq_invalid
	ventry	el1h_fiq_invalid
	ventry	el1h_error_invalid
	ventry	el0_sync_invalid	/* lower EL, AArch64 */
	ventry	el0_irq_invalid
	ventry	el0_fiq_invalid
	ventry	el0_error_invalid
	ventry	el0_32_sync_invalid	/* lower EL, AArch32 */
	ventry	el0_32_irq_invalid
	ventry	el0_32_fiq_invalid
	ventry	el0_32_error_invalid
	.balign	0x80
	.size vectors, . - vectors

	exception_stub el1h_sync, el1h_sync_handler, 0
	exception_stub el1t_sync_invalid, bad_mode, 0
	exception_stub el1t_irq_invalid, bad_mode, 1
	exception_stub el1t_fiq_invalid, bad_mode, 2
	exception_stub el1t_error_invalid, bad_mode, 3
	exception_stub el1h_irq_invalid, bad_mode, 5
	exception_stub el1h_fiq_invalid, bad_mode, 6
	exception_stub el1h_error_invalid, bad_mode, 7
	exception_stub el0_sync_invalid, bad_mode, 8
	exception_stub el0_irq_invalid, bad_mode, 9
	exception_stub el0_fiq_invalid, bad_mode, 10
	exception_stub el0_error_invalid, bad_mode, 11
	exception_stub el0_32_sync_invalid, bad_mode, 12
	exception_stub el0_32_irq_invalid, bad_mode, 13
	exception_stub el0_32_fiq_invalid, bad_mode, 14
	exception_stub el0_32_error_invalid, bad_mode, 15
