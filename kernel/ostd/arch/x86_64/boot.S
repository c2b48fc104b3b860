// SPDX-License-Identifier: MPL-2.0
// Boot entry: multiboot2 header, PVH note, 32-bit entry to long mode and the higher half.

#include "layout.h"

#define MB2_MAGIC    0xe85250d6
#define MB2_ARCH     0
#define PVH_PROTO    1
#define MB2_PROTO    2

    .section .boot.header, "a"
    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH + (mb2_header_end - mb2_header))
    // entry address tag: the physical 32-bit entry
    .balign 8
    .word 3, 0
    .long 12
    .long _mb2_start
    // end tag
    .balign 8
    .word 0, 0
    .long 8
mb2_header_end:

    // PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY = 18), read by QEMU -kernel.
    .section .note.pvh, "a", @note
    .balign 4
    .long 4
    .long 4
    .long 18
    .asciz "Xen"
    .long _pvh_start

    .section .boot.text, "ax"
    .code32
    .globl _pvh_start
_pvh_start:
    mov $PVH_PROTO, %edi
    jmp common32

    .globl _mb2_start
_mb2_start:
    mov $MB2_PROTO, %edi
    cmp $0x36d76289, %eax
    je common32
    xor %edi, %edi            // unknown loader: the C side reports it

common32:
    cli
    cld
    mov %ebx, %esi
    mov $boot_stack_top_phys, %esp

    // long mode must exist
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb no_long_mode
    mov $0x80000001, %eax
    cpuid
    bt $29, %edx
    jnc no_long_mode

    // PD entries: 4 GiB of 2 MiB pages in boot_pd (4 pages), identity.
    mov $boot_pd, %ebx
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax             // present, writable, 2 MiB
    mov %eax, (%ebx,%ecx,8)
    mov %ecx, %eax
    shr $11, %eax              // high dword: (ecx << 21) >> 32
    mov %eax, 4(%ebx,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jb 1b

    // low PDPT: 4 entries -> the 4 PDs
    mov $boot_pdpt_low, %ebx
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $12, %eax
    add $boot_pd, %eax
    or $0x3, %eax
    mov %eax, (%ebx,%ecx,8)
    movl $0, 4(%ebx,%ecx,8)
    inc %ecx
    cmp $4, %ecx
    jb 2b

    // high PDPT: entry 510 -> first PD (first GiB at KERNEL_VMA)
    mov $boot_pdpt_high, %ebx
    mov $boot_pd, %eax
    or $0x3, %eax
    mov %eax, 510*8(%ebx)
    movl $0, 510*8+4(%ebx)

    // PML4: 0 identity, 256 physmap, 511 kernel
    mov $boot_pml4, %ebx
    mov $boot_pdpt_low, %eax
    or $0x3, %eax
    mov %eax, (%ebx)
    mov %eax, 256*8(%ebx)
    mov $boot_pdpt_high, %eax
    or $0x3, %eax
    mov %eax, 511*8(%ebx)

    mov %cr4, %eax
    or $(1 << 5), %eax         // PAE
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx      // EFER
    rdmsr
    or $(1 << 8), %eax         // LME
    wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax       // PG | WP | PE
    mov %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $0x08, $long_entry_low

no_long_mode:
    mov $0x3f8, %dx
    mov $'!', %al
    out %al, %dx
3:  hlt
    jmp 3b

    .code64
long_entry_low:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    movabs $long_entry_high, %rax
    jmp *%rax

    .section .boot.data, "aw"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff   // 64-bit code
    .quad 0x00cf92000000ffff   // data
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .section .boot.bss, "aw", @nobits
    .balign 4096
    .globl boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096 * 4
boot_stack32:   .skip 1024
boot_stack_top_phys:

    .text
long_entry_high:
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    // edi = protocol, esi = info physical address (zero-extend)
    mov %esi, %esi
    call ostd_boot_main
4:  cli
    hlt
    jmp 4b

    .section .bss
    .balign 16
    .globl boot_stack_bottom
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
    .globl boot_stack_top
boot_stack_top:
