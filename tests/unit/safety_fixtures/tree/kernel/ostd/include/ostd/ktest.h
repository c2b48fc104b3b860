// SPDX-License-Identifier: MPL-2.0
// Fixture: in-kernel test registration (places objects in .ktests).
#ifndef OSTD_KTEST_H
#define OSTD_KTEST_H

#include <ostd/types.h>

struct ktest_case {
    const char *name;
    void (*fn)(void);
};

#define KTEST(tname)                                                  \
    static void ktest_fn_##tname(void);                               \
    static const struct ktest_case ktest_case_##tname                 \
        __attribute__((used, section(".ktests"), aligned(8))) =       \
        { #tname, ktest_fn_##tname };                                 \
    static void ktest_fn_##tname(void)

#endif
