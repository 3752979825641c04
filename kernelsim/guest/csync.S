/*
 * The csync-window sequences (docs/background.md §2.8): watchpoint 0 is
 * written by MSR and a load runs before the ISB. The labels name each load so
 * the handler's recorded PCs say which one trapped.
 *
 * void csync_enable_seq(const u64 *target, u64 wvr, u64 wcr)
 * void csync_disable_seq(const u64 *target)
 */
	.cfi_sections .debug_frame
	.text

	.global csync_enable_seq
	.type csync_enable_seq, %function
csync_enable_seq:
	.cfi_startproc
	.global csync_en_ldr1
csync_en_ldr1:
	ldr	x3, [x0]
	msr	dbgwvr0_el1, x1
	msr	dbgwcr0_el1, x2
	.global csync_en_ldr2
csync_en_ldr2:
	ldr	x3, [x0]
	isb
	.global csync_en_ldr3
csync_en_ldr3:
	ldr	x3, [x0]
	ret
	.cfi_endproc
	.size csync_enable_seq, . - csync_enable_seq

	.global csync_disable_seq
	.type csync_disable_seq, %function
csync_disable_seq:
	.cfi_startproc
	.global csync_dis_ldr1
csync_dis_ldr1:
	ldr	x3, [x0]
	msr	dbgwcr0_el1, xzr
	.global csync_dis_ldr2
csync_dis_ldr2:
	ldr	x3, [x0]
	isb
	.global csync_dis_ldr3
csync_dis_ldr3:
	ldr	x3, [x0]
	ret
	.cfi_endproc
	.size csync_disable_seq, . - csync_disable_seq
