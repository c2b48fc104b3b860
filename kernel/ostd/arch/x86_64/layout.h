// SPDX-License-Identifier: MPL-2.0
// Virtual memory layout constants shared by assembly, the linker script and C (framework-internal).
#ifndef OSTD_ARCH_LAYOUT_H
#define OSTD_ARCH_LAYOUT_H

#define KERNEL_PHYS_BASE   0x200000
#define KERNEL_VMA         0xffffffff80000000
#define PHYSMAP_BASE       0xffff800000000000
#define IOMAP_BASE         0xffffc90000000000
#define IOMAP_SIZE         0x0000001000000000
#define BOOT_STACK_SIZE    16384
#define KSTACK_SIZE        16384
#define USER_TOP           0x0000800000000000
#define AP_TRAMPOLINE      0x8000

#endif
