// SPDX-License-Identifier: MPL-2.0
// Fixture R3: integer to pointer, explicit and implicit.
#include <ostd/types.h>

enum slot { SLOT_A = 4 };
typedef void (*handler_fn)(void);
#define TO_PTR(x) ((char *)(x))

int *explicit_cast(uintptr_t a)
{
    return (int *)a;                               // EXPECT: R3
}

int *implicit(void)
{
    int *p = 0x1000;                               // EXPECT: R3
    return p;
}

void call_raw(uint64_t addr)
{
    ((handler_fn)addr)();                          // EXPECT: R3
    ((void (*)(int))0xffff800000000000UL)(1);      // EXPECT: R3
}

void *laundered(void *p)
{
    return (void *)(uintptr_t)p;                   // EXPECT: R3
}

void *from_enum(void)
{
    return (void *)SLOT_A;                         // EXPECT: R3
}

char *via_macro(unsigned long v)
{
    return TO_PTR(v);                              // EXPECT: R3
}

char *null_arith(unsigned long v)
{
    char *a = (char *)0 + v;                       // EXPECT: R3
    return &((char *)NULL)[v] + (a - a);           // EXPECT: R3
}
