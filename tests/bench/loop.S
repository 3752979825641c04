// The benchmark loop of docs/background.md §3.5, for qemu-system-aarch64 -M virt and hwbp-gdbstub --kernel.
// Every CPU runs ITERS iterations of ldr/add/str/ldr/subs/b.ne on its own cache line; CPU 0 starts the others with
// PSCI CPU_ON, waits until all are done and powers off with PSCI SYSTEM_OFF. Built with -DITERS=… -DNCPUS=….
	.text
	.global _start
_start:
	mrs	x9, mpidr_el1
	and	x9, x9, #0xff
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
	ldr	x3, [x1]
	add	x3, x3, #1
	str	x3, [x1]
	ldr	x4, [x2]
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
	ldr	x0, =0x84000008
	hvc	#0
park:	wfi
	b	park
	.ltorg

	.data
	.balign	4096		// data on its own page: a store to a code page would flush decoded code (QEMU: translations)
done:	.quad	0
	.balign	64
data:	.space	64 * 64
