/* SPDX-License-Identifier: MPL-2.0 */
/* Fixture: framework assembly; its global symbols are internal. */
#define ENTRY_ALIGN 16

    .text
    .globl trap_entry_raw
    .balign ENTRY_ALIGN
# the trap entry point
trap_entry_raw:
    iretq   // return
