/*
 * Entry point of the init: the kernel starts a static ELF at _start with sp at argc (16-byte aligned).
 * No libc: init.c has its own syscall wrappers. init_main never returns (it powers the machine off), and
 * pid 1 must not exit, so a return would spin here.
 */
	.text
	.globl	_start
	.type	_start, %function
_start:
	mov	x29, #0
	mov	x30, #0
	mov	x0, sp
	bl	init_main
1:	wfi
	b	1b
	.size	_start, . - _start
