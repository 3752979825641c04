// Interrupt test guest (GICv2 or GICv3, found through ID_AA64PFR0_EL1.GIC):
// CPU 0 enables the GIC and its virtual timer (PPI 27), takes `rounds` timer
// interrupts with WFI in between (each rearms CNTV_TVAL with `period`), then
// one with IRQs masked (WFI wakes anyway, ISR_EL1 shows it, DAIFClr takes
// it); then it starts CPU 1, which waits in WFI for SGI 1 that CPU 0 sends
// through GICD_SGIR (v2) or ICC_SGI1R_EL1 (v3). CPU 0 prints what it saw,
// one "tag value" line each, and powers off.
// Build: aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40000000 -Wl,-z,separate-code -Wl,--build-id=none irq.S -o irq.elf
.equ GICD, 0x08000000
.equ GICC, 0x08010000
.equ GICR, 0x080a0000
.global _start
_start:
    ldr x20, =0x09000000
    adr x0, vectors
    msr vbar_el1, x0
    isb
    mrs x0, id_aa64pfr0_el1
    ubfx x23, x0, #24, #4          // x23 = 1 with the GICv3 CPU interface
    ldr x1, =GICD
    cbnz x23, 1f
    mov w0, #1                      // GICv2: GICD_CTLR.EnableGrp0 (Group 0 is IRQ with FIQEn 0)
    str w0, [x1]
    b 2f
1:  mov w0, #0x12                   // GICv3: ARE | EnableGrp1
    str w0, [x1]
2:  bl cpu_gic_init
    mov x0, #'g'
    add x1, x23, #2
    bl tagged
    // Timer interrupts.
    mov x22, #0                     // interrupts taken
    ldr x0, =period
    ldr x0, [x0]
    msr cntv_tval_el0, x0
    mov x0, #1
    msr cntv_ctl_el0, x0
    msr daifclr, #2
wait:
    ldr x0, =rounds
    ldr x0, [x0]
    cmp x22, x0
    b.hs timers_done
    wfi
after_wfi:
    b wait
timers_done:
    mov x0, #'n'
    mov x1, x22
    bl tagged
    ldr x19, =first                 // s SPSR, e ELR - after_wfi, d DAIF, c CNTV_CTL (ENABLE | ISTATUS), i IAR
    adr x21, first_tags
8:  ldrb w0, [x21], #1
    cbz w0, 9f
    ldr x1, [x19], #8
    bl tagged
    b 8b
9:
    // One more with IRQs masked: WFI still wakes, ISR_EL1.I shows it.
    msr daifset, #2
    mov x0, #100
    msr cntv_tval_el0, x0
    mov x0, #1
    msr cntv_ctl_el0, x0
3:  wfi
    mrs x24, isr_el1
    cbz x24, 3b
    mov x25, x22
    msr daifclr, #2                 // taken here
    isb
    mov x26, x22
    mov x0, #'m'
    mov x1, x24
    bl tagged
    mov x0, #'u'                    // count before and after the unmask
    lsl x1, x25, #8
    orr x1, x1, x26
    bl tagged
    // SGI to CPU 1.
    ldr x0, =0xc4000003
    mov x1, #1
    adr x2, secondary
    mov x3, #0
    hvc #0
4:  ldr x0, =ready
    ldar x1, [x0]
    cbz x1, 4b
    cbnz x23, 5f
    ldr x1, =GICD
    ldr w0, =0x00020001             // GICD_SGIR: target list CPU 1, SGI 1
    str w0, [x1, #0xf00]
    b 6f
5:  ldr x0, =0x01000002             // ICC_SGI1R_EL1: INTID 1, Aff0 list {1}
    msr icc_sgi1r_el1, x0
    isb
6:  ldr x0, =sgi_iar
    ldar x1, [x0]
    cbz x1, 6b
    mov x0, #'x'
    bl tagged
    ldr x0, =0x84000008
    hvc #0

secondary:
    ldr x20, =0x09000000
    adr x0, vectors
    msr vbar_el1, x0
    isb
    mrs x0, id_aa64pfr0_el1
    ubfx x23, x0, #24, #4
    bl cpu_gic_init
    msr daifclr, #2
    ldr x0, =ready
    mov x1, #1
    stlr x1, [x0]
7:  wfi
    ldr x0, =sgi_iar
    ldar x1, [x0]
    cbz x1, 7b
    ldr x0, =0x84000002             // CPU_OFF
    hvc #0

// cpu_gic_init: this CPU's interface; enables PPI 27 and SGI 1.
cpu_gic_init:
    ldr w2, =(1 << 27) | (1 << 1)
    cbnz x23, 1f
    ldr x1, =GICD
    str w2, [x1, #0x100]            // ISENABLER0 (banked)
    ldr x1, =GICC
    mov w0, #0xf0
    str w0, [x1, #4]                // GICC_PMR
    mov w0, #1
    str w0, [x1]                    // GICC_CTLR
    ret
1:  mrs x0, mpidr_el1
    and x0, x0, #0xff
    ldr x1, =GICR
    add x1, x1, x0, lsl #17         // this CPU's RD_base
    ldr w0, [x1, #0x14]
    bic w0, w0, #2                  // GICR_WAKER.ProcessorSleep = 0
    str w0, [x1, #0x14]
2:  ldr w0, [x1, #0x14]
    tbnz w0, #2, 2b                 // ChildrenAsleep
    add x1, x1, #0x10000            // SGI_base
    mov w0, #-1
    str w0, [x1, #0x80]             // IGROUPR0: Group 1
    str w2, [x1, #0x100]            // ISENABLER0
    mov x0, #7
    msr icc_sre_el1, x0
    isb
    mov x0, #0xf0
    msr icc_pmr_el1, x0
    mov x0, #1
    msr icc_igrpen1_el1, x0
    isb
    ret

irq:
    cbnz x23, 1f
    ldr x1, =GICC
    ldr w0, [x1, #0xc]              // GICC_IAR
    b 2f
1:  mrs x0, icc_iar1_el1
2:  and x1, x0, #0x3ff
    cmp x1, #27
    b.ne sgi
    cbnz x22, 3f                    // the first one: record the entry state
    mrs x2, spsr_el1
    mrs x3, elr_el1
    adr x4, after_wfi
    sub x3, x3, x4
    mrs x4, daif
    mrs x5, cntv_ctl_el0
    ldr x6, =first
    stp x2, x3, [x6]
    stp x4, x5, [x6, #16]
    str x0, [x6, #32]
3:  add x22, x22, #1
    ldr x2, =rounds
    ldr x2, [x2]
    cmp x22, x2
    b.hs 4f
    ldr x2, =period
    ldr x2, [x2]
    msr cntv_tval_el0, x2           // rearm: lowers the level
    b eoi
4:  msr cntv_ctl_el0, xzr           // done: disable
    b eoi
sgi:
    ldr x3, =sgi_iar
    orr x2, x0, #1 << 31            // never 0
    stlr x2, [x3]
eoi:
    isb
    cbnz x23, 5f
    ldr x1, =GICC
    str w0, [x1, #0x10]             // GICC_EOIR
    eret
5:  msr icc_eoir1_el1, x0
    eret

bad:
    mov x0, #'!'
    mrs x1, esr_el1
    bl tagged
    ldr x0, =0x84000008
    hvc #0

// tagged: prints the character x0, a space, x1 in hex and a newline.
tagged:
    strb w0, [x20]
    mov w0, #' '
    strb w0, [x20]
    mov x9, #60
1:  lsr x10, x1, x9
    and x10, x10, #15
    cmp x10, #10
    add x11, x10, #'0'
    add x12, x10, #('a'-10)
    csel x10, x11, x12, lo
    strb w10, [x20]
    subs x9, x9, #4
    b.pl 1b
    mov x10, #10
    strb w10, [x20]
    ret

first_tags: .asciz "sedci"
.ltorg
.balign 2048
vectors:
    .rept 5
    b bad
    .balign 128
    .endr
    b irq                           // current EL, SP_ELx, IRQ
    .balign 128
    .rept 10
    b bad
    .balign 128
    .endr

.data
.balign 8
period: .quad 62500                 // 1 ms at 62.5 MHz
rounds: .quad 5
ready: .quad 0
sgi_iar: .quad 0
first: .quad 0, 0, 0, 0, 0           // the first timer interrupt: SPSR, ELR - after_wfi, DAIF, CNTV_CTL, IAR
