// SPDX-License-Identifier: MPL-2.0
// TAP output for userland tests, built on write(2) alone so it works on a
// kernel with almost no syscalls (no stdio, no malloc, no ioctl).
#include "tap.h"

#include <stddef.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

static int tap_planned = -1;
static int tap_count;
static int tap_failed;

/* Write all of buf to stdout; give up quietly on error (nothing to report to). */
static void tap_write(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, buf, len);

        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

/* Format v in decimal into buf (at least 21 bytes); return the length. */
static size_t fmt_long(char *buf, long v)
{
    char tmp[21];
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
    size_t n = 0, len = 0;

    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        buf[len++] = '-';
    while (n > 0)
        buf[len++] = tmp[--n];
    return len;
}

/* A line is assembled in one buffer so it reaches the console in one write. */
struct line {
    char buf[512];
    size_t len;
};

static void line_add(struct line *l, const char *s, size_t n)
{
    if (n > sizeof(l->buf) - 1 - l->len)
        n = sizeof(l->buf) - 1 - l->len;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void line_str(struct line *l, const char *s)
{
    line_add(l, s, strlen(s));
}

static void line_long(struct line *l, long v)
{
    char num[21];

    line_add(l, num, fmt_long(num, v));
}

static void line_emit(struct line *l)
{
    l->buf[l->len++] = '\n';
    tap_write(l->buf, l->len);
}

void tap_plan(int n)
{
    struct line l = { .len = 0 };

    tap_planned = n;
    /*
     * Start on a fresh line: firmware and boot stubs often leave the
     * console cursor mid-line, and TAP lines must begin at column 0.
     */
    line_str(&l, "\n1..");
    line_long(&l, n);
    line_emit(&l);
}

bool tap_ok(bool cond, const char *desc)
{
    struct line l = { .len = 0 };

    tap_count++;
    if (!cond) {
        tap_failed++;
        line_str(&l, "not ");
    }
    line_str(&l, "ok ");
    line_long(&l, tap_count);
    line_str(&l, " - ");
    line_str(&l, desc);
    line_emit(&l);
    return cond;
}

void tap_skip(const char *desc, const char *reason)
{
    struct line l = { .len = 0 };

    tap_count++;
    line_str(&l, "ok ");
    line_long(&l, tap_count);
    line_str(&l, " - ");
    line_str(&l, desc);
    line_str(&l, " # SKIP ");
    line_str(&l, reason);
    line_emit(&l);
}

void tap_diag(const char *msg)
{
    struct line l = { .len = 0 };

    line_str(&l, "# ");
    line_str(&l, msg);
    line_emit(&l);
}

void tap_diag_long(const char *label, long got, long want)
{
    struct line l = { .len = 0 };

    line_str(&l, "# ");
    line_str(&l, label);
    line_str(&l, ": got ");
    line_long(&l, got);
    line_str(&l, ", want ");
    line_long(&l, want);
    line_emit(&l);
}

bool tap_eq_long(long got, long want, const char *desc)
{
    if (tap_ok(got == want, desc))
        return true;
    tap_diag_long(desc, got, want);
    return false;
}

int tap_failures(void)
{
    return tap_failed;
}

_Noreturn void tap_finish(void)
{
    bool plan_met = tap_planned == tap_count;

    if (!plan_met)
        tap_diag_long("tests run vs plan", tap_count, tap_planned);
    if (getpid() == 1) {
        reboot(RB_POWER_OFF);
        /* Still here: power-off failed. Init exiting makes Linux panic. */
        tap_diag("reboot(RB_POWER_OFF) failed");
    }
    _exit(tap_failed == 0 && plan_met ? 0 : 1);
}
