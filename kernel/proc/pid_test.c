// SPDX-License-Identifier: MPL-2.0
// KTESTs for the PID allocator: cyclic allocation, reuse after free, exhaustion.
#include <ostd/ktest.h>
#include <ostd/heap.h>
#include <uapi/errno.h>
#include "proc/pid.h"

static struct pid_ns *test_ns(void)
{
    struct pid_ns *ns = kzalloc(sizeof(*ns));
    if (ns)
        spin_init(&ns->lock, "test_pid_ns");
    return ns;
}

KTEST(pid_alloc_is_cyclic_and_reuses)
{
    struct pid_ns *ns = test_ns();
    KT_ASSERT(ns != NULL);
    int a = pid_alloc(ns), b = pid_alloc(ns), c = pid_alloc(ns);
    pid_free(ns, b);
    int d = pid_alloc(ns);           /* cyclic: does not go back to b at once */
    ns->last = PID_MAX - 1;          /* force a wrap */
    int e = pid_alloc(ns);           /* the lowest free number after the wrap is b */
    kfree(ns);
    KT_EQ(a, 1);
    KT_EQ(b, 2);
    KT_EQ(c, 3);
    KT_EQ(d, 4);
    KT_EQ(e, 2);
}

KTEST(pid_alloc_exhaustion_gives_eagain)
{
    struct pid_ns *ns = test_ns();
    KT_ASSERT(ns != NULL);
    int last = 0, n = 0;
    for (int r; (r = pid_alloc(ns)) > 0; n++)
        last = r;
    int full = pid_alloc(ns);
    pid_free(ns, 77);
    int again = pid_alloc(ns);
    kfree(ns);
    KT_EQ(n, PID_MAX - 1);
    KT_EQ(last, PID_MAX - 1);
    KT_EQ(full, -EAGAIN);
    KT_EQ(again, 77);
}
