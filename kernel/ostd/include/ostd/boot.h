// SPDX-License-Identifier: MPL-2.0
// What the boot loader handed over: the command line and modules (read-only views).
#ifndef OSTD_BOOT_H
#define OSTD_BOOT_H

#include <ostd/types.h>

/* The kernel command line (Linux style), never NULL. */
const char *boot_cmdline(void);
/* Name of the boot protocol used ("pvh" or "multiboot2"). */
const char *boot_protocol(void);
unsigned boot_module_count(void);
/*
 * A read-only view of module i (e.g. the initramfs): its bytes stay valid
 * until boot_release_modules(). Returns NULL if i is out of range.
 */
const uint8_t *boot_module_data(unsigned i, size_t *size);
const char *boot_module_cmdline(unsigned i);
/* Give the modules' memory back to the frame allocator (after unpacking). */
void boot_release_modules(void);

/* Entry point of the services, run in the first kernel task once the framework is up. */
void kernel_main(void);

#endif
