// SPDX-License-Identifier: MPL-2.0
// KTESTs for the kernel log ring behind printk (what syslog(2) reads).
#include <ostd/ktest.h>
#include <ostd/console.h>
#include <lib/string.h>

static char logbuf[512];

static bool contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!memcmp(hay, needle, n))
            return true;
    return false;
}

/* Does the newest part of the log contain s? */
static bool log_tail_has(const char *s)
{
    uint64_t start, end, from;
    console_log_bounds(&start, &end);
    uint64_t pos = end - start > sizeof(logbuf) - 1 ? end - (sizeof(logbuf) - 1) : start;
    size_t n = console_log_read(pos, logbuf, sizeof(logbuf) - 1, &from);
    logbuf[n] = 0;
    return from == pos && contains(logbuf, s);
}

KTEST(console_log_keeps_filtered_messages)
{
    uint64_t s0, e0, s1, e1;
    console_log_bounds(&s0, &e0);
    printk_level(LOG_DEBUG, "ktest-klog-marker %d\n", 4242);   /* below the console level */
    console_log_bounds(&s1, &e1);
    KT_ASSERT(e1 > e0);
    KT_ASSERT(e1 - s1 <= CONSOLE_LOG_SIZE);
    KT_ASSERT(log_tail_has("<7>["));
    KT_ASSERT(log_tail_has("] ktest-klog-marker 4242\n"));
}

KTEST(console_log_prefixes_each_line_once)
{
    printk("ktest-klog-two\nktest-klog-lines\n");
    KT_ASSERT(log_tail_has("] ktest-klog-two\n<6>["));
}

KTEST(console_log_wraps_and_keeps_the_newest)
{
    for (int i = 0; i < CONSOLE_LOG_SIZE / 64 + 8; i++)
        printk_level(LOG_DEBUG, "ktest-klog-fill %04d ..............................\n", i);
    uint64_t s, e, from;
    console_log_bounds(&s, &e);
    KT_EQ(e - s, CONSOLE_LOG_SIZE);
    size_t n = console_log_read(0, logbuf, 16, &from);
    KT_EQ(from, s);     /* a position already overwritten starts at the oldest kept */
    KT_EQ(n, 16);
    KT_ASSERT(log_tail_has("ktest-klog-fill "));
}
