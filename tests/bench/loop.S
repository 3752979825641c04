// The benchmark loop of docs/bench.md, for qemu-system-aarch64 -M virt and hwbp-gdbstub --kernel.
// Every CPU runs ITERS iterations of ldr/add/str/ldr/subs/b.ne on its own cache line; CPU 0 starts the others with
// PSCI CPU_ON, waits until all are done, stores to same_page_var and far_var (the ends of the gdb watch cases),
// prints what its own debug exceptions were and powers off with PSCI SYSTEM_OFF.
// Built with -DITERS=… -DNCPUS=… and optionally:
//   -DGUEST_WP  every CPU arms its own store watchpoint (DBGWCR0/DBGWVR0) on same_page_var, in the loop's data page;
//   -DGUEST_BP  every CPU arms its own breakpoint (DBGBCR0/DBGBVR0) on same_page_func, in the loop's code page.
//   -DFPSIMD    every CPU enables FP/SIMD (CPACR_EL1.FPEN) and runs the FP/SIMD loop instead: ldr q/fadd v.2d/
//               str q/ldr d/subs/b.ne on the same cache line (issue 15's FP row);
//   -DMEMCPY    the same, with a memcpy/strlen-like body: ldp q/stp q (32 bytes each way), ldrb, add, subs, b.ne;
//   -DMMU       every CPU first turns its stage-1 MMU on with an identity map (39-bit VAs, 4 KiB granule; the
//               first GiB, the devices, one Device-nGnRnE block; RAM's GiB in 2 MiB Normal write-back blocks).
// Either guest point unlocks the OS lock, sets MDSCR_EL1.MDE|KDE and clears PSTATE.D, as a kernel would. The loop never
// touches either point; after it, CPU 0 stores to same_page_var and calls same_page_func, so each armed point
// fires once and the handler prints W (watchpoint, EC 0x35) or B (breakpoint, EC 0x31) on the PL011: the bench
// checks that line, so a point that was never armed cannot pass for a fast one.
#define UART 0x09000000
	.text
	.global _start
_start:
	mrs	x9, mpidr_el1
	and	x9, x9, #0xff
#if defined(FPSIMD) || defined(MEMCPY)
	mov	x10, #(3 << 20)		// CPACR_EL1.FPEN: no FP/SIMD trap at EL1 and EL0
	msr	cpacr_el1, x10
	isb
	fmov	d4, #1.0
	fmov	d6, #0.5
	mov	v4.d[1], v6.d[0]	// v4 = {1.0, 0.5}
#endif
#if defined(GUEST_WP) || defined(GUEST_BP)
	adr	x10, vectors
	msr	vbar_el1, x10
	msr	oslar_el1, xzr		// OS lock off
	isb
#ifdef GUEST_WP
	ldr	x10, =same_page_var
	msr	dbgwvr0_el1, x10
	ldr	x10, =0x1ff3		// BAS 0xff, LSC store, PAC EL1, E
	msr	dbgwcr0_el1, x10
#endif
#ifdef GUEST_BP
	ldr	x10, =same_page_func
	msr	dbgbvr0_el1, x10
	ldr	x10, =0x1e3		// BAS 0xf, PMC EL1, E
	msr	dbgbcr0_el1, x10
#endif
	ldr	x10, =0xa000		// MDSCR_EL1.MDE | KDE: debug exceptions at EL1
	msr	mdscr_el1, x10
	isb
	msr	daifclr, #8		// PSTATE.D = 0
	isb
#endif
#ifdef MMU
	ldr	x10, =0xff00		// MAIR_EL1: attr0 Device-nGnRnE, attr1 Normal write-back
	msr	mair_el1, x10
	ldr	x10, =(25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23))	// T0SZ 25, WB, inner shareable, 4 KiB, EPD1
	msr	tcr_el1, x10
	ldr	x10, =l1_table
	msr	ttbr0_el1, x10
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	mrs	x10, sctlr_el1
	orr	x10, x10, #1		// M
	orr	x10, x10, #(1 << 2)	// C
	orr	x10, x10, #(1 << 12)	// I
	msr	sctlr_el1, x10
	isb
#endif
	cbnz	x9, run
	mov	x11, #1
1:	cmp	x11, #NCPUS
	b.ge	run
	ldr	x0, =0xc4000003
	mov	x1, x11
	adr	x2, _start
	mov	x3, #0
	hvc	#0
	add	x11, x11, #1
	b	1b
run:
	ldr	x1, =data
	add	x1, x1, x9, lsl #6
	add	x2, x1, #8
	ldr	x0, =ITERS
loop:
#if defined(FPSIMD)
	ldr	q3, [x1]
	fadd	v3.2d, v3.2d, v4.2d
	str	q3, [x1]
	ldr	d5, [x2]
#elif defined(MEMCPY)
	ldp	q0, q1, [x1]
	stp	q0, q1, [x1, #32]
	ldrb	w3, [x1, #1]
	add	x4, x4, x3
#else
	ldr	x3, [x1]
	add	x3, x3, #1
	str	x3, [x1]
	ldr	x4, [x2]
#endif
	subs	x0, x0, #1
	b.ne	loop
	ldr	x5, =done
2:	ldxr	x6, [x5]
	add	x6, x6, #1
	stxr	w7, x6, [x5]
	cbnz	w7, 2b
	cbnz	x9, park
3:	ldr	x6, [x5]
	cmp	x6, #NCPUS
	b.lt	3b
	.global	perf_done
perf_done:			// after the loop, in its code page: the gdb hbreak case stops here
	mov	x11, #1		// a new value: gdb ignores a watch hit that leaves the value unchanged
	ldr	x10, =same_page_var
	str	x11, [x10]		// the gdb watch (and guest watchpoint) case ends here
	ldr	x10, =far_var
	str	x11, [x10]		// the gdb far watch case ends here
	bl	same_page_func		// the guest breakpoint case fires here
	ldr	x10, =UART
	mov	w11, #'\n'
	strb	w11, [x10]
	ldr	x0, =0x84000008
	hvc	#0
park:	wfi
	b	park

	.global	same_page_func
same_page_func:			// in the loop's code page, called once after the loop
	nop
	ret
	.ltorg

// Only synchronous exceptions from EL1 (SPx) are expected: the guest's own watchpoint or breakpoint. The handler
// prints one letter, skips the instruction (the access is not performed, the nop is not run) and returns.
	.balign	2048
vectors:
	.rept	16
	b	handler
	.balign	128
	.endr
handler:
	mrs	x20, esr_el1
	lsr	x20, x20, #26
	mov	w21, #'?'
	cmp	x20, #0x35
	b.ne	4f
	mov	w21, #'W'
4:	cmp	x20, #0x31
	b.ne	5f
	mov	w21, #'B'
5:	ldr	x22, =UART
	strb	w21, [x22]
	cmp	w21, #'?'
	b.eq	park
	mrs	x20, elr_el1
	add	x20, x20, #4
	msr	elr_el1, x20
	eret
	.ltorg

	.data
	.balign	4096		// data on its own page: a store to a code page would flush decoded code (QEMU: translations)
done:	.quad	0
	.global	same_page_var
same_page_var:	.quad	0	// in the loop's data page, not in any CPU's line: touched once, after the loop
	.balign	64
data:	.space	64 * 64
	.balign	4096
	.global	far_var
far_var:	.quad	0		// on another data page

#ifdef MMU
	.balign	4096
l1_table:			// level 1: 1 GiB per entry
	.quad	0x401		// 0x0: block, AF, attr0 (Device): the PL011
	.quad	l2_table + 3	// 0x40000000: table
	.fill	510, 8, 0
l2_table:			// level 2: 2 MiB blocks, AF, inner shareable, attr1 (Normal)
	.set	blk, 0x40000000
	.rept	512
	.quad	blk | 0x705
	.set	blk, blk + 0x200000
	.endr
#endif
