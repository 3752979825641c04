.global _start
_start:
    ldr x20, =0x09000000
    adr x21, tab
1:  ldr x0, [x21], #8
    cbz x0, done
    blr x0
    bl puthex
    b 1b
done:
    ldr x0, =0x84000000
    hvc #0
    bl puthex
    ldr x0, =0x8400000a  // PSCI_FEATURES
    ldr x1, =0xc4000003
    hvc #0
    bl puthex
    ldr x0, =0x84000006  // migrate info type
    hvc #0
    bl puthex
    ldr x0, =0x12345678
    hvc #0
    bl puthex
    ldr x0, =0xc4000003 // CPU_ON 64 target mpidr 0x80000000 (self)
    mov x1, #0
    adr x2, _start
    mov x3, #0
    hvc #0
    bl puthex
    ldr x0, =0xc4000003
    mov x1, #5
    adr x2, _start
    hvc #0
    bl puthex
    ldr x0, =0xc4000004 // AFFINITY_INFO
    mov x1, #0
    mov x2, #0
    hvc #0
    bl puthex
    ldr x0, =0xc4000004
    mov x1, #1
    mov x2, #0
    hvc #0
    bl puthex
    ldr x0, =0xc4000004
    mov x1, #9
    mov x2, #0
    hvc #0
    bl puthex
    mrs x0, currentel
    bl puthex
    mrs x0, nzcv
    bl puthex
    mrs x0, daif
    bl puthex
    mrs x0, spsel
    bl puthex
    mrs x0, sctlr_el1
    bl puthex
    ldr x0, =0x84000008
    hvc #0
puthex:
    mov x9, #60
2:  lsr x10, x0, x9
    and x10, x10, #15
    cmp x10, #10
    add x11, x10, #'0'
    add x12, x10, #('a'-10)
    csel x10, x11, x12, lo
    strb w10, [x20]
    subs x9, x9, #4
    b.pl 2b
    mov x10, #10
    strb w10, [x20]
    ret
.macro R name
    .quad 9f
    .pushsection .text.r
9:  mrs x0, \name
    ret
    .popsection
.endm
.align 3
tab:
 R midr_el1
 R mpidr_el1
 R revidr_el1
 R id_aa64pfr0_el1
 R id_aa64pfr1_el1
 R id_aa64dfr0_el1
 R id_aa64dfr1_el1
 R id_aa64isar0_el1
 R id_aa64isar1_el1
 R id_aa64mmfr0_el1
 R id_aa64mmfr1_el1
 R id_aa64mmfr2_el1
 R id_aa64afr0_el1
 R ctr_el0
 R dczid_el0
 R clidr_el1
 R cntfrq_el0
 R oslsr_el1
 R mdscr_el1
 R id_pfr0_el1
 R id_pfr1_el1
 R id_dfr0_el1
 R id_afr0_el1
 R id_mmfr0_el1
 R id_mmfr1_el1
 R id_mmfr2_el1
 R id_mmfr3_el1
 R id_isar0_el1
 R id_isar1_el1
 R id_isar2_el1
 R id_isar3_el1
 R id_isar4_el1
 R id_isar5_el1
 R mvfr0_el1
 R mvfr1_el1
 R mvfr2_el1
 R aidr_el1
 R cntkctl_el1
 R vbar_el1
 R tcr_el1
 R mair_el1
 R contextidr_el1
 R cpacr_el1
 R actlr_el1
 R id_mmfr4_el1
 R ID_AA64ZFR0_EL1
 R cntv_ctl_el0
 R pmcr_el0
 R dbgbcr0_el1
 R dbgwcr0_el1
 .quad 0
