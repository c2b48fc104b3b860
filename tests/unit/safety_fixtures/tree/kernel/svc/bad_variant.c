// SPDX-License-Identifier: MPL-2.0
// Fixture: code only the ktest kernel compiles is checked too
// (the self-test passes --variant=-DCONFIG_KTEST).
#include <ostd/types.h>

#ifdef CONFIG_KTEST
static volatile int ktest_only;                 // EXPECT: R2
int *ktest_ptr(uintptr_t a) { return (int *)a; } // EXPECT: R3
#else
int *prod_ptr(uintptr_t a) { return (int *)a; } // EXPECT: R3
#endif

#if 0
static volatile int never;
#endif
