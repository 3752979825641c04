// Debug-architecture test guest (target/debugwire_test.go). Each test sets PC to one entry below and
// registers as its arguments; every entry ends at `done` (HVC 0xc6000100: the test's Config.Hypercall
// hook stops there). The exception handler records ESR, ELR, FAR of every synchronous exception in
// `records` (32 bytes each; `hits` counts them) and then does what x28 says:
//   0: disable DBGBCR0/DBGWCR0, ISB, ERET     1: ERET (re-traps: a livelock)
//   2: MDSCR_EL1 = MDE|KDE (step off), ERET   3: HVC 0xc6000001 (x1 = ELR) then as 0
// Build: aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40000000 -Wl,-z,separate-code -Wl,-z,max-page-size=4096 -Wl,--build-id=none debug.S -o debug.elf
.global _start
_start:
    b done

// x0 = DBGBCR0 value, x1 != 0: leave the OS lock set, x2 = MDSCR_EL1, x3 != 0: leave PSTATE.D set
.global bp_test
bp_test:
    cbnz x1, 1f
    msr oslar_el1, xzr
1:  msr mdscr_el1, x2
    adr x4, bp_target
    msr dbgbvr0_el1, x4
    msr dbgbcr0_el1, x0
    isb
    cbnz x3, 2f
    msr daifclr, #8
2:  nop
.global bp_target
bp_target:
    add x7, x7, #1
    b done

// x0 = DBGWCR0, x1 = DBGWVR0, x2 = address accessed, x3 = 0 load / 1 store
.global wp_test
wp_test:
    msr oslar_el1, xzr
    mov x4, #0xa000
    msr mdscr_el1, x4
    msr dbgwvr0_el1, x1
    msr dbgwcr0_el1, x0
    isb
    msr daifclr, #8
    cbnz x3, 1f
.global wp_load
wp_load:
    ldr x5, [x2]
    b done
1:  mov x5, #0x55
.global wp_store
wp_store:
    str x5, [x2]
    b done

// The sync window: x0 = DBGWCR0 written with no ISB before the first load, x1 = watched address.
.global csync_test
csync_test:
    msr oslar_el1, xzr
    mov x4, #0xa000
    msr mdscr_el1, x4
    msr dbgwvr0_el1, x1
    isb
    msr daifclr, #8
    msr dbgwcr0_el1, x0
.global csync_ldr1
csync_ldr1:
    ldr x5, [x1]
    isb
.global csync_ldr2
csync_ldr2:
    ldr x5, [x1]
    b done

// Software step of one EL1 instruction: ERET with SPSR.SS = 1 and MDSCR_EL1.SS = 1.
.global step_test
step_test:
    msr oslar_el1, xzr
    mov x4, #0xa001
    msr mdscr_el1, x4
    adr x5, step_target
    msr elr_el1, x5
    mov x6, #0x1c5
    orr x6, x6, #(1 << 21)
    msr spsr_el1, x6
    isb
    eret
.global step_target
step_target:
    add x7, x7, #1
.global step_next
step_next:
    add x7, x7, #1
    b done

// x0 = function id, x1..x3 arguments: HVC, then x20 = x0.
.global hvc_test
hvc_test:
    hvc #0
.global hvc_after
hvc_after:
    mov x20, x0
    b done

// The same with HVC #1: not a vendor call (the hook is not asked).
.global hvc1_test
hvc1_test:
    hvc #1
    mov x20, x0
    b done

// Cross-call targets.
.global add_fn
add_fn:
    add x0, x0, x1
    ret
.global sp_fn
sp_fn:
    mov x0, sp
    stp x29, x30, [sp, #-16]!
    mrs x1, daif
    mov x2, #0x5a5a
    ldp x29, x30, [sp], #16
    ret
.global hyp_fn
hyp_fn:
    ldr x0, =0xc6000009
    hvc #0
    mov x0, #5
    ret
.global call_done
call_done:
    mov x1, x0
    ldr x0, =0xc6000002
    hvc #0
    b call_done

.global done
done:
    ldr x0, =0xc6000100
    hvc #0
    b done

    .balign 2048
.global vectors
vectors:
    .rept 16
    b sync_handler
    .balign 128
    .endr

sync_handler:
    mrs x9, esr_el1
    mrs x10, elr_el1
    mrs x11, far_el1
    ldr x12, =hits
    ldr x13, [x12]
    ldr x14, =records
    add x14, x14, x13, lsl #5
    stp x9, x10, [x14]
    str x11, [x14, #16]
    add x13, x13, #1
    str x13, [x12]
    cmp x28, #1
    b.eq 9f
    cmp x28, #2
    b.eq 2f
    cmp x28, #3
    b.ne 1f
    ldr x0, =0xc6000001
    mov x1, x10
    hvc #0
1:  msr dbgbcr0_el1, xzr
    msr dbgwcr0_el1, xzr
    isb
    eret
2:  mov x9, #0xa000
    msr mdscr_el1, x9
    eret
9:  eret

    .ltorg
    .data
    .balign 16
.global hits
hits:
    .quad 0
    .quad 0
.global records
records:
    .space 32 * 64
.global watched
watched:
    .quad 0x1122334455667788
    .quad 0
