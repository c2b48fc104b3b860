// SPDX-License-Identifier: MPL-2.0
// syslog(2) (klogctl): read and clear the kernel log kept by the framework's console ring; console level.
#include <ostd/console.h>
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/syslog.h>
#include "proc/process.h"
#include "proc/cred.h"
#include "signal/signal.h"
#include "syscall/syscall.h"

long sys_syslog(struct sys_call *c);

/* Linux's console levels: messages below console_loglevel print; Keel prints level <= loglevel. */
#define CONSOLE_LEVEL_MIN 1

static struct mutex klog_lock = { .lock = SPINLOCK_INIT("klog"),
                                  .wq = { .lock = SPINLOCK_INIT("klog.wq"),
                                          .waiters = LIST_HEAD_INIT(klog_lock.wq.waiters) } };
static uint64_t read_pos;       /* guarded by klog_lock: where SYSLOG_ACTION_READ goes on */
static uint64_t clear_pos;      /* guarded by klog_lock: READ_ALL starts no earlier than this */
static int saved_level = -1;    /* guarded by klog_lock: level before CONSOLE_OFF, -1 for none */

/* Index of the first byte after the first newline in buf[0..n) (n when there is none). */
static size_t after_newline(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\n')
            return i + 1;
    return n;
}

/*
 * Copy up to len bytes of log text starting at pos to ubuf. With lines, the
 * byte before pos is read too, and a copy that would begin inside a line
 * starts at the next line instead; either way text already overwritten is
 * skipped up to the next whole line. *next gets the position after the
 * last byte looked at.
 */
static long copy_log_out(uptr_t ubuf, uint64_t pos, size_t len, bool lines, uint64_t *next)
{
    size_t extra = pos && lines ? 1 : 0;
    uint64_t want = pos - extra, from;
    char *kbuf = kmalloc(len + 1);
    if (!kbuf)
        return -ENOMEM;
    size_t n = console_log_read(want, kbuf, len + extra, &from);
    size_t skip = 0;
    if (from == want && extra)
        skip = kbuf[0] == '\n' ? 1 : 1 + after_newline(kbuf + 1, n - 1);
    else if (from != want)
        skip = after_newline(kbuf, n);
    if (skip > n)
        skip = n;
    long r = (long)(n - skip);
    if (r && copy_to_user(ubuf, kbuf + skip, (size_t)r))
        r = -EFAULT;
    kfree(kbuf);
    *next = from + n;
    return r;
}

/* READ_ALL / READ_CLEAR: the newest len bytes since the last clear, whole lines. */
static long read_all(uptr_t ubuf, size_t len, bool clear)
{
    uint64_t start, end, next;
    mutex_lock(&klog_lock);
    console_log_bounds(&start, &end);
    uint64_t pos = clear_pos > start ? clear_pos : start;
    if (end - pos > len)
        pos = end - len;
    long r = copy_log_out(ubuf, pos, (size_t)(end - pos), true, &next);
    if (r >= 0 && clear)
        clear_pos = next;
    mutex_unlock(&klog_lock);
    return r;
}

/* READ: consume unread text, sleeping until there is some. */
static long read_consume(uptr_t ubuf, size_t len)
{
    uint64_t start, end, next;
    for (;;) {
        mutex_lock(&klog_lock);
        console_log_bounds(&start, &end);
        if (read_pos < start)
            read_pos = start;
        if (read_pos < end)
            break;
        mutex_unlock(&klog_lock);
        /* FIXME: printk does not wake readers; poll the ring every 50 ms instead. */
        if (signal_sleep_ns(50000000ULL, NULL))
            return -ERESTARTSYS;
    }
    size_t n = end - read_pos < len ? (size_t)(end - read_pos) : len;
    long r = copy_log_out(ubuf, read_pos, n, false, &next);
    if (r >= 0)
        read_pos = next;
    mutex_unlock(&klog_lock);
    return r;
}

static long console_level(int action, int len)
{
    mutex_lock(&klog_lock);
    if (action == SYSLOG_ACTION_CONSOLE_OFF) {
        if (saved_level < 0)
            saved_level = console_loglevel();
        console_set_loglevel(CONSOLE_LEVEL_MIN - 1);
    } else if (action == SYSLOG_ACTION_CONSOLE_ON) {
        if (saved_level >= 0)
            console_set_loglevel(saved_level);
        saved_level = -1;
    } else {
        console_set_loglevel((len < CONSOLE_LEVEL_MIN ? CONSOLE_LEVEL_MIN : len) - 1);
        saved_level = -1;
    }
    mutex_unlock(&klog_lock);
    return 0;
}

static long log_sizes(int action)
{
    if (action == SYSLOG_ACTION_SIZE_BUFFER)
        return CONSOLE_LOG_SIZE;
    uint64_t start, end;
    mutex_lock(&klog_lock);
    console_log_bounds(&start, &end);
    uint64_t pos = read_pos > start ? read_pos : start;
    mutex_unlock(&klog_lock);
    return (long)(end - pos);
}

/* The log is restricted as with dmesg_restrict=1: only root (CAP_SYSLOG) may act on it. */
long sys_syslog(struct sys_call *c)
{
    int action = (int)c->arg[0];
    uptr_t buf = uptr(c->arg[1]);
    int len = (int)c->arg[2];
    /* FIXME: CAP_SYSLOG once capabilities exist; euid 0 stands for it. */
    if (current_proc()->cred->euid != 0)
        return -EPERM;
    switch (action) {
    case SYSLOG_ACTION_CLOSE:
    case SYSLOG_ACTION_OPEN:
        return 0;
    case SYSLOG_ACTION_READ:
    case SYSLOG_ACTION_READ_ALL:
    case SYSLOG_ACTION_READ_CLEAR:
        if (!buf.addr || len < 0)
            return -EINVAL;
        if (!len)
            return 0;
        if (!user_range_ok(buf, (size_t)len))
            return -EFAULT;
        if (action == SYSLOG_ACTION_READ)
            return read_consume(buf, (size_t)len);
        return read_all(buf, (size_t)len, action == SYSLOG_ACTION_READ_CLEAR);
    case SYSLOG_ACTION_CLEAR: {
        uint64_t start, end;
        mutex_lock(&klog_lock);
        console_log_bounds(&start, &end);
        clear_pos = end;
        mutex_unlock(&klog_lock);
        return 0;
    }
    case SYSLOG_ACTION_CONSOLE_LEVEL:
        if (len < 1 || len > 8)
            return -EINVAL;
        /* fall through */
    case SYSLOG_ACTION_CONSOLE_OFF:
    case SYSLOG_ACTION_CONSOLE_ON:
        return console_level(action, len);
    case SYSLOG_ACTION_SIZE_UNREAD:
    case SYSLOG_ACTION_SIZE_BUFFER:
        return log_sizes(action);
    default:
        return -EINVAL;
    }
}
