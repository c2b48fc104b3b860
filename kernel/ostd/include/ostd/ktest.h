// SPDX-License-Identifier: MPL-2.0
// In-kernel unit tests: KTEST(name) beside the code, run by the ktest kernel build.
#ifndef OSTD_KTEST_H
#define OSTD_KTEST_H

#include <ostd/types.h>

struct ktest_ctx {
    bool failed;
    char msg[160];
};

struct ktest_case {
    const char *name;
    const char *file;
    void (*fn)(struct ktest_ctx *kt);
};

void ktest_fail(struct ktest_ctx *kt, const char *file, int line, const char *fmt, ...) __printf(4, 5);

#define KTEST(tname)                                                       \
    static void ktest_fn_##tname(struct ktest_ctx *kt);                    \
    static const struct ktest_case ktest_case_##tname                      \
        __attribute__((used, section(".ktests"), aligned(8))) =            \
        { #tname, __FILE__, ktest_fn_##tname };                            \
    static void ktest_fn_##tname(struct ktest_ctx *kt __unused)

#define KT_ASSERT(c) do { if (!(c)) { \
        ktest_fail(kt, __FILE__, __LINE__, "assertion '%s' failed", #c); return; } } while (0)
#define KT_EQ(a, b) do { long long __a = (long long)(a), __b = (long long)(b); if (__a != __b) { \
        ktest_fail(kt, __FILE__, __LINE__, "%s == %lld, expected %s == %lld", #a, __a, #b, __b); return; } } while (0)
#define KT_NE(a, b) do { long long __a = (long long)(a), __b = (long long)(b); if (__a == __b) { \
        ktest_fail(kt, __FILE__, __LINE__, "%s == %s == %lld", #a, #b, __a); return; } } while (0)

#endif
