// SMP test guest: CPU 0 starts CPUs 1..3 with PSCI CPU_ON (context id = index);
// every CPU adds 1000 to a shared counter with LDXR/STXR, marks itself done
// and (CPUs 1..3) powers off; CPU 0 waits for all and calls SYSTEM_OFF.
// Build: aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40000000 -Wl,-z,separate-code -Wl,--build-id=none smp.S -o smp.elf
.global _start
_start:
    mov x20, #1
1:  ldr x0, =0xc4000003
    mov x1, x20
    adr x2, work
    mov x3, x20
    hvc #0
    add x20, x20, #1
    cmp x20, #4
    b.ne 1b
    mov x0, #0
work:
    mov x19, x0
    ldr x1, =counter
    mov x5, #1000
2:  ldxr x2, [x1]
    add x2, x2, #1
    stxr w3, x2, [x1]
    cbnz w3, 2b
    subs x5, x5, #1
    b.ne 2b
    ldr x4, =done
    add x4, x4, x19, lsl #3
    mov x6, #1
    str x6, [x4]
    cbnz x19, park
3:  ldr x4, =done
    ldp x6, x7, [x4]
    ldp x8, x9, [x4, #16]
    and x6, x6, x7
    and x8, x8, x9
    and x6, x6, x8
    cbz x6, 3b
    ldr x0, =0x84000008
    hvc #0
park:
    ldr x0, =0x84000002
    hvc #0
    b park
.ltorg
.data
.align 3
counter: .quad 0
done: .quad 0, 0, 0, 0
