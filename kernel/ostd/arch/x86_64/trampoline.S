// SPDX-License-Identifier: MPL-2.0
// Application-processor start code, copied to AP_TRAMPOLINE (0x8000): real mode to long mode.

#define TR(x) ((x) - trampoline_start + 0x8000)

    .section .rodata
    .globl trampoline_start, trampoline_end, tr_cr3, tr_stack, tr_entry, tr_cpu
    .balign 16
    .code16
trampoline_start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl TR(tr_gdt_ptr)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x08, $TR(tr_pm)

    .code32
tr_pm:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $(1 << 5), %eax
    mov %eax, %cr4
    mov TR(tr_cr3), %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx
    rdmsr
    or $(1 << 8), %eax
    wrmsr
    mov %cr0, %eax
    or $0x80010000, %eax
    mov %eax, %cr0
    ljmp $0x18, $TR(tr_lm)

    .code64
tr_lm:
    mov $0x20, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov TR(tr_stack), %rsp
    mov TR(tr_cpu), %edi
    mov TR(tr_entry), %rax
    jmp *%rax

    .balign 8
tr_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff
    .quad 0x00cf92000000ffff
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
tr_gdt_ptr:
    .word tr_gdt_ptr - tr_gdt - 1
    .long TR(tr_gdt)
    .balign 8
tr_cr3:   .quad 0
tr_stack: .quad 0
tr_entry: .quad 0
tr_cpu:   .quad 0
trampoline_end:
