// SPDX-License-Identifier: MPL-2.0
// Fixture R6: dangerous builtins and attributes.
#include <ostd/ktest.h>

void *where(void)
{
    __builtin_ia32_pause();                                  // EXPECT: R6
    (void)__builtin_return_address(0);                       // EXPECT: R6
    return __builtin_frame_address(1);                       // EXPECT: R6
}

__attribute__((naked)) void raw_entry(void) { }              // EXPECT: R6
int in_sec __attribute__((aligned(8), __section__(".data.svc"))); // EXPECT: R6
__attribute__((no_sanitize("undefined"))) int f1(int a) { return a << 40; } // EXPECT: R6
__attribute__((no_sanitize_undefined)) int f2(int a) { return a; } // EXPECT: R6
__attribute__((target("sse2"))) int f3(int a) { return a; } // EXPECT: R6
__attribute__((no_stack_protector, unused)) static int f4(void) { return 0; } // EXPECT: R6

int allowed(int x)
{
    if (x < 0)
        __builtin_trap();
    if (x > 100)
        __builtin_unreachable();
    return __builtin_expect(x, 0);
}

KTEST(fixture_registration)
{
}
