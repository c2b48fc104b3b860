// SPDX-License-Identifier: MPL-2.0
// In-kernel test runner: runs every KTEST in its own task and reports results on the console.
#include <ostd/ktest.h>
#include <ostd/console.h>
#include <ostd/power.h>
#include <ostd/task.h>
#include <ostd/panic.h>
#include <lib/format.h>
#include <lib/string.h>
#include "internal.h"

extern const struct ktest_case __ktests_start[], __ktests_end[];

void ktest_fail(struct ktest_ctx *kt, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    char msg[120];
    va_start(ap, fmt);
    kvsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    const char *base = strrchr(file, '/');
    ksnprintf(kt->msg, sizeof(kt->msg), "%s:%d: %s", base ? base + 1 : file, line, msg);
    kt->failed = true;
}

struct ktest_run { const struct ktest_case *tc; struct ktest_ctx ctx; };

static void run_one(void *arg)
{
    struct ktest_run *r = arg;
    r->tc->fn(&r->ctx);
}

void ktest_run_all(void)
{
    unsigned passed = 0, failed = 0;
    const char *filter = NULL;
    printk("KTEST: running %ld tests\n", (long)(__ktests_end - __ktests_start));
    for (const struct ktest_case *tc = __ktests_start; tc < __ktests_end; tc++) {
        if (filter && strcmp(filter, tc->name))
            continue;
        struct ktest_run r = { .tc = tc };
        struct task *t = task_spawn(tc->name, run_one, &r, -1);
        if (!t)
            panic("ktest: cannot create a task");
        task_join(t);
        task_put(t);
        if (r.ctx.failed) {
            failed++;
            printk("KTEST FAIL %s: %s\n", tc->name, r.ctx.msg);
        } else {
            passed++;
            printk("KTEST PASS %s\n", tc->name);
        }
    }
    printk("KTEST: %u passed, %u failed\n", passed, failed);
    power_off(failed ? 1 : 0);
}
