// Runs on qemu-system-aarch64 -M virt -cpu cortex-a57 -m 1G at EL1, linked
// at 0x40000000. qemu_test.go writes tables.bin (translation tables, placed
// at 0x41000000) and params.bin (register values, then (VA, op) pairs ending
// with op 0xff); this program turns the MMU on with those registers and, for
// each pair, prints one or two hex words on the PL011:
//   ops 0-3 (AT S1E1R, S1E1W, S1E0R, S1E0W): PAR_EL1 (preset to
//   0xdeadbeef, so an AT that takes an exception shows) and the ESR_EL1 of
//   that exception (0 if none)
//   ops 4-8 (LDR, STR, LDTR, STTR, BLR at EL1) and 9-11 (LDR, STR, BLR at
//   EL0, from the page at 0x40010000): ESR_EL1 and FAR_EL1 of the exception
//   the access took (0 and 0 if none; FAR 0 when the exception is not an
//   abort: a fetch that succeeds runs a zero word, UNDEFINED).
.global _start
_start:
    ldr x20, =0x09000000        // PL011 DR (identity-mapped once the MMU is on)
    adr x0, vectors
    msr vbar_el1, x0
    adr x21, params
    ldp x0, x1, [x21], #16
    msr mair_el1, x0
    msr tcr_el1, x1
    ldp x0, x1, [x21], #16
    msr ttbr0_el1, x0
    msr ttbr1_el1, x1
    ldr x0, [x21], #8           // SCTLR_EL1 bits to set
    isb
    tlbi vmalle1
    dsb nsh
    isb
    mrs x1, sctlr_el1
    orr x1, x1, x0
    msr sctlr_el1, x1
    isb
next:
    ldp x24, x25, [x21], #16
    cmp x25, #0xff
    b.eq done
    mov x22, #0
    mov x23, #0
    ldr x0, =0xdeadbeef
    msr par_el1, x0
    cmp x25, #0
    b.eq at_e1r
    cmp x25, #1
    b.eq at_e1w
    cmp x25, #2
    b.eq at_e0r
    cmp x25, #3
    b.eq at_e0w
    cmp x25, #4
    b.eq do_ldr
    cmp x25, #5
    b.eq do_str
    cmp x25, #6
    b.eq do_ldtr
    cmp x25, #7
    b.eq do_sttr
    cmp x25, #8
    b.eq do_blr
    adr x9, el0_ldr             // ops 9-11: at EL0, stubs 8 bytes apart
    sub x10, x25, #9
    add x9, x9, x10, lsl #3
    msr elr_el1, x9
    mov x9, #0x3c0              // EL0t, DAIF masked
    msr spsr_el1, x9
    eret
do_blr:
    blr x24
    b report
at_e1r:
    at s1e1r, x24
    b par
at_e1w:
    at s1e1w, x24
    b par
at_e0r:
    at s1e0r, x24
    b par
at_e0w:
    at s1e0w, x24
par:
    isb
    mrs x0, par_el1
    bl puthex
    mov x0, x22
    bl puthex
    b next
do_ldr:
    ldr w1, [x24]
    b report
do_str:
    str wzr, [x24]
    b report
do_ldtr:
    ldtr w1, [x24]
    b report
do_sttr:
    sttr wzr, [x24]
report:
    mov x0, x22
    bl puthex
    mov x0, x23
    bl puthex
    b next
done:
    ldr x0, =0x84000008         // PSCI SYSTEM_OFF
    hvc #0
// puthex prints x0 as 16 hex digits and a newline, top nibble first.
puthex:
    mov x9, #16
    adr x11, digits
1:  ror x0, x0, #60
    and x10, x0, #15
    ldrb w10, [x11, x10]
    strb w10, [x20]
    subs x9, x9, #1
    b.ne 1b
    mov w10, #10
    strb w10, [x20]
    ret
digits:
    .ascii "0123456789abcdef"

// Synchronous exception from EL1 with SP_EL0 (offset 0) or SP_EL1 (0x200):
// record ESR (and FAR for aborts), skip the access, or return to x30 after a
// fetch (instruction abort, or the UNDEFINED zero word it ran).
.balign 2048
vectors:
    b sync
.balign 0x200
    b sync
.balign 0x200
    b lower                     // 0x400: synchronous from EL0
.balign 0x800
// From EL0: an SVC means the access completed; anything else is recorded.
// Either way, back to report at EL1.
lower:
    mrs x9, esr_el1
    ubfx x10, x9, #26, #6
    cmp x10, #0x15
    b.eq 2f
    mov x22, x9
    cbz x10, 2f
    mrs x23, far_el1
2:  adr x9, report
    msr elr_el1, x9
    mov x9, #0x3c5              // EL1h, DAIF masked
    msr spsr_el1, x9
    eret
sync:
    mrs x22, esr_el1
    ubfx x9, x22, #26, #6
    cmp x9, #0x21
    b.eq fetch
    cbz x9, undef
    mrs x23, far_el1
    mrs x9, elr_el1
    add x9, x9, #4
    msr elr_el1, x9
    eret
fetch:
    mrs x23, far_el1
undef:
    msr elr_el1, x30
    eret

.ltorg
.balign 8
params:
    .incbin "params.bin"

// EL0 stubs, in a page EL0 may execute; each ends in SVC or faults.
.section .el0, "ax"
el0_ldr:
    ldr w1, [x24]
    svc #0
el0_str:
    str wzr, [x24]
    svc #0
el0_blr:
    blr x24
    svc #0

.section .tables, "a"
    .incbin "tables.bin"
