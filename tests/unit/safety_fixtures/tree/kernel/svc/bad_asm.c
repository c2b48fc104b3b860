// SPDX-License-Identifier: MPL-2.0
// Fixture R1: every form of inline assembly.
#include <ostd/types.h>

__asm__(".globl svc_sym");                     // EXPECT: R1
register unsigned long stack_reg asm("rsp");   // EXPECT: R1
extern int renamed(void) __asm__("other");     // EXPECT: R1

static unsigned long read_cr3(void)
{
    unsigned long v;
    asm volatile("mov %%cr3, %0" : "=r"(v));   // EXPECT: R1
    __asm__ __volatile__("" ::: "memory");     // EXPECT: R1
    __asm("nop");                              // EXPECT: R1
    return v;
}

#define BARRIER() asm goto("" :::: out)        // EXPECT: R1

unsigned long use_asm(void)
{
    cpu_relax();
    return read_cr3() + stack_reg;
}
