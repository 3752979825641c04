// MMU-on test guest for QEMU's virt machine, entered at EL1 with the MMU off (QEMU's -kernel ELF, our --kernel).
// It builds 4 KiB-granule tables for 39-bit VAs: TTBR0 maps the low GiB as Device (UART, GIC) and RAM's first
// GiB as Normal, identity, for the code; TTBR1 maps, at HI, the PL011 (Device), a read-only page, a hole, and a
// read-write page. With the MMU on it prints through the UART's high VA, takes a permission fault (write to the
// read-only page) and a translation fault (the hole), printing ESR_EL1 and FAR_EL1 from the handler, loads
// unaligned from Normal memory, translates with AT S1E1R (PAR_EL1, mapped and unmapped), remaps the read-write
// page to another frame with TLBI VAE1IS, reads the new frame, reads one low VA under ASID 1, 2 and 1 again
// (not-global blocks, two TTBR0 tables, no TLBI), and powers off through PSCI SYSTEM_OFF.
// Built by TestMMUProgramMatchesQEMU: aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40000000 -Wl,-N \
//   -Wl,--build-id=none -Wl,--no-warn-rwx-segments mmu.S -o mmu.elf (-N: one segment, no ELF headers loaded below RAM)
.equ UART_PA, 0x09000000
.equ HI, 0xffffff8000000000         // the lowest TTBR1 address with T1SZ = 25
.equ HI_UART, HI
.equ HI_RO, HI + 0x1000
.equ HI_HOLE, HI + 0x2000
.equ HI_RW, HI + 0x3000
.equ PTE_PAGE_DEV, 0x0060000000000403       // page, AttrIndx 0 (Device-nGnRE), AF, PXN, UXN
.equ PTE_PAGE_RO, 0x0060000000000787        // page, AttrIndx 1 (Normal), AP EL1 read-only, inner shareable, AF, PXN, UXN
.equ PTE_PAGE_RW, 0x0060000000000707        // the same, read-write
.equ PTE_BLOCK_DEV, 0x0060000000000401      // block, Device, AF, PXN, UXN
.equ PTE_BLOCK_NORMAL, 0x0000000000000705   // block, Normal, inner shareable, AF, executable
.equ PTE_BLOCK_NG, 0x0060000000000f05       // block, Normal, inner shareable, AF, not global, PXN, UXN
.equ LO_ASID, 0x80000000            // TTBR0 L1[2]: a 2 MiB block per ASID (ASID 1: RAM's first, ASID 2: its second)
.equ OTHER_PA, 0x40200000
.equ TCR, 0x00000000b519b519                // T0SZ = T1SZ = 25, WBWA, inner shareable, TG0 4K, TG1 4K, IPS 32 bits
.equ MAIR, 0xff04                           // Attr0 Device-nGnRE, Attr1 Normal write-back
.global _start
_start:
    ldr x0, =stack_top
    mov sp, x0
    adr x0, vectors
    msr vbar_el1, x0
    // TTBR0: L1[0] = 1 GiB Device block at 0, L1[1] = 1 GiB Normal block at 0x40000000.
    adr x1, l1_lo
    ldr x0, =PTE_BLOCK_DEV
    str x0, [x1]
    ldr x0, =(0x40000000 + PTE_BLOCK_NORMAL)
    str x0, [x1, #8]
    // A second TTBR0 table for ASID 2: the same two blocks; L1[2] differs (not global, per ASID).
    adr x2, l1_lo2
    ldp x3, x4, [x1]
    stp x3, x4, [x2]
    adr x0, l2_a
    orr x0, x0, #3
    str x0, [x1, #16]
    adr x0, l2_b
    orr x0, x0, #3
    str x0, [x2, #16]
    ldr x0, =(0x40000000 + PTE_BLOCK_NG)
    adr x3, l2_a
    str x0, [x3]
    ldr x0, =(OTHER_PA + PTE_BLOCK_NG)
    adr x3, l2_b
    str x0, [x3]
    adr x0, frame_a                 // what ASID 2 finds at frame_a's offset
    and x0, x0, #0x1fffff          // its offset in the 2 MiB block
    ldr x3, =OTHER_PA
    ldr x4, =0x2222222222222222
    str x4, [x3, x0]
    // TTBR1: L1[0] -> L2[0] -> L3 with four pages.
    adr x1, l1_hi
    adr x0, l2_hi
    orr x0, x0, #3
    str x0, [x1]
    adr x1, l2_hi
    adr x0, l3_hi
    orr x0, x0, #3
    str x0, [x1]
    adr x1, l3_hi
    ldr x0, =(UART_PA + PTE_PAGE_DEV)
    str x0, [x1]
    adr x0, ro_page
    ldr x2, =PTE_PAGE_RO
    orr x0, x0, x2
    str x0, [x1, #8]
    adr x0, frame_a
    ldr x2, =PTE_PAGE_RW
    orr x0, x0, x2
    str x0, [x1, #24]
    dsb sy
    ldr x0, =MAIR
    msr mair_el1, x0
    ldr x0, =TCR
    msr tcr_el1, x0
    adr x0, l1_lo
    orr x0, x0, #(1 << 48)          // ASID 1
    msr ttbr0_el1, x0
    adr x0, l1_hi
    msr ttbr1_el1, x0
    isb
    tlbi vmalle1
    dsb sy
    isb
    mrs x0, sctlr_el1
    orr x0, x0, #(1 << 0)           // M
    orr x0, x0, #(1 << 2)           // C
    orr x0, x0, #(1 << 12)          // I
    bic x0, x0, #(1 << 1)           // A: unaligned Normal accesses allowed
    msr sctlr_el1, x0
    isb
    ldr x20, =HI_UART
    adr x0, s_on
    bl puts
    mrs x1, sctlr_el1
    mov x2, #0x1007
    and x1, x1, x2
    mov x0, #'s'
    bl tagged
    // Reads through TTBR1: the read-only page's first word.
    ldr x21, =HI_RO
    ldr x1, [x21]
    mov x0, #'r'
    bl tagged
    // A write to the read-only page: permission fault, level 3.
    mov x1, #1
    str x1, [x21, #8]
    // A load from the hole: translation fault, level 3.
    ldr x21, =HI_HOLE
    ldr x1, [x21, #0x10]
    // An unaligned load from Normal memory.
    ldr x21, =HI_RO
    ldr x1, [x21, #1]
    mov x0, #'u'
    bl tagged
    // AT S1E1R on a mapped and an unmapped address.
    ldr x21, =HI_RO
    at s1e1r, x21
    isb
    mrs x1, par_el1
    mov x0, #'p'
    bl tagged
    ldr x21, =HI_HOLE
    at s1e1r, x21
    isb
    mrs x1, par_el1
    mov x0, #'q'
    bl tagged
    // The read-write page: read frame_a, remap to frame_b, TLBI by VA, read frame_b.
    ldr x22, =HI_RW
    ldr x1, [x22]
    mov x0, #'a'
    bl tagged
    adr x1, l3_hi
    adr x0, frame_b
    ldr x2, =PTE_PAGE_RW
    orr x0, x0, x2
    str x0, [x1, #24]
    dsb ishst
    lsr x0, x22, #12
    ubfx x0, x0, #0, #44
    tlbi vae1is, x0
    dsb ish
    isb
    ldr x1, [x22]
    mov x0, #'b'
    bl tagged
    // ASIDs: the same low VA under ASID 1, 2, then 1 again, with no TLBI in between.
    adr x23, frame_a
    and x23, x23, #0x1fffff
    ldr x0, =LO_ASID
    add x23, x23, x0
    ldr x1, [x23]
    mov x0, #'g'
    bl tagged
    adr x0, l1_lo2
    orr x0, x0, #(2 << 48)
    msr ttbr0_el1, x0
    isb
    ldr x1, [x23]
    mov x0, #'h'
    bl tagged
    adr x0, l1_lo
    orr x0, x0, #(1 << 48)
    msr ttbr0_el1, x0
    isb
    ldr x1, [x23]
    mov x0, #'i'
    bl tagged
    mov x0, #'f'
    ldr x1, =faults
    ldr x1, [x1]
    bl tagged
    adr x0, s_off
    bl puts
    ldr x0, =0x84000008             // PSCI SYSTEM_OFF
    hvc #0
1:  b 1b

// puts prints the NUL-terminated string at x0 (uses x0, x1).
puts:
    ldrb w1, [x0], #1
    cbz w1, 1f
    str w1, [x20]
    b puts
1:  ret

// tagged prints "c 0123456789abcdef\n" for the character x0 and the value x1 (uses x0-x3).
tagged:
    str w0, [x20]
    mov w0, #' '
    str w0, [x20]
    mov x2, #60
1:  lsr x3, x1, x2
    and x3, x3, #0xf
    cmp x3, #10
    add x0, x3, #'0'
    add x3, x3, #('a' - 10)
    csel x0, x3, x0, hs
    str w0, [x20]
    subs x2, x2, #4
    b.pl 1b
    mov w0, #'\n'
    str w0, [x20]
    ret

// The synchronous handler prints ESR_EL1 and FAR_EL1, counts, and returns past the faulting instruction.
sync_handler:
    stp x0, x1, [sp, #-48]!
    stp x2, x3, [sp, #16]
    str x30, [sp, #32]
    mov x0, #'e'
    mrs x1, esr_el1
    bl tagged
    mov x0, #'v'
    mrs x1, far_el1
    bl tagged
    ldr x0, =faults
    ldr x1, [x0]
    add x1, x1, #1
    str x1, [x0]
    mrs x0, elr_el1
    add x0, x0, #4
    msr elr_el1, x0
    ldr x30, [sp, #32]
    ldp x2, x3, [sp, #16]
    ldp x0, x1, [sp], #48
    eret

// Anything else prints its vector offset and powers off.
unexpected:
    mov x0, #'x'
    mrs x1, esr_el1
    bl tagged
    ldr x0, =0x84000008
    hvc #0
1:  b 1b

.balign 2048
vectors:
.rept 4
    b unexpected
    .balign 128
.endr
    b sync_handler                  // current EL with SPx, synchronous
    .balign 128
.rept 11
    b unexpected
    .balign 128
.endr

s_on:  .asciz "mmu on, printing through the uart at 0xffffff8000000000\n"
s_off: .asciz "power off\n"

.data
.balign 8
faults: .quad 0
.balign 4096
l1_lo: .fill 512, 8, 0
l1_hi: .fill 512, 8, 0
l2_hi: .fill 512, 8, 0
l3_hi: .fill 512, 8, 0
l1_lo2: .fill 512, 8, 0
l2_a: .fill 512, 8, 0
l2_b: .fill 512, 8, 0
ro_page: .quad 0x1122334455667788, 0x99aabbccddeeff00
.balign 4096
frame_a: .quad 0xaaaaaaaaaaaaaaaa
.balign 4096
frame_b: .quad 0xbbbbbbbbbbbbbbbb
.balign 4096
stack: .fill 512, 8, 0
stack_top:
