// SPDX-License-Identifier: MPL-2.0
// Memory devices (null, zero, full, random, urandom) and the console (console, tty).
#include <ostd/console.h>
#include <ostd/cpu.h>
#include <ostd/task.h>
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <ostd/user.h>
#include <uapi/ioctls.h>
#include "fs/chrdev.h"

static long null_read(struct file *f, struct iov_iter *to, uint64_t *pos) { return 0; }

static long sink_write(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    long n = (long)from->count;
    from->count = 0;
    return n;
}

static long full_write(struct file *f, struct iov_iter *from, uint64_t *pos) { return -ENOSPC; }

/* Fill the iterator from gen() in 256-byte blocks, stopping at a fault. */
static long fill_read(struct iov_iter *to, bool random)
{
    uint64_t blk[32];
    size_t done = 0;
    bool fault = false;
    memset(blk, 0, sizeof(blk));
    while (to->count && !fault) {
        if (random)
            for (size_t i = 0; i < ARRAY_SIZE(blk); i++)
                blk[i] = cpu_random_u64();
        done += iov_copy_to(to, blk, MIN(sizeof(blk), to->count), &fault);
    }
    return done || !fault ? (long)done : -EFAULT;
}

static long zero_read(struct file *f, struct iov_iter *to, uint64_t *pos) { return fill_read(to, false); }
static long random_read(struct file *f, struct iov_iter *to, uint64_t *pos) { return fill_read(to, true); }

static const struct file_ops null_ops = { .read = null_read, .write = sink_write, .seekable = true };
static const struct file_ops zero_ops = { .read = zero_read, .write = sink_write, .seekable = true };
static const struct file_ops full_ops = { .read = zero_read, .write = full_write, .seekable = true };
static const struct file_ops random_ops = { .read = random_read, .write = sink_write, .seekable = true };

/*
 * Console output is written in whole 2048-byte chunks, as Linux's tty layer
 * does: a fault inside a chunk discards it, and the call returns what earlier
 * chunks wrote, or -EFAULT if none.
 */
#define TTY_CHUNK 2048

static long console_write_op(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    char *buf = kmalloc(TTY_CHUNK);
    if (!buf)
        return -ENOMEM;
    long written = 0;
    bool fault = false;
    while (from->count && !fault) {
        size_t n = iov_copy_from(from, buf, MIN((size_t)TTY_CHUNK, from->count), &fault);
        if (fault)
            break;
        console_write(buf, n);
        written += (long)n;
    }
    kfree(buf);
    return written || !fault ? written : -EFAULT;
}

/*
 * Console input by polling the serial line, one line at most per read.
 * FIXME: the TTY line discipline (canonical mode, echo, signals) and IRQ-driven input.
 */
static long console_read_op(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    long done = 0;
    bool fault = false;
    while (to->count && !fault) {
        int c = console_getc();
        if (c < 0) {
            if (done)
                break;
            if (atomic_load(&f->flags) & O_NONBLOCK)
                return -EAGAIN;
            task_sleep_ns(10 * 1000 * 1000);
            continue;
        }
        char ch = c == '\r' ? '\n' : (char)c;
        done += (long)iov_copy_to(to, &ch, 1, &fault);
        if (ch == '\n')
            break;
    }
    return done || !fault ? done : -EFAULT;
}

/* FIXME: termios (TCGETS/TCSETS*), job control and FIONREAD come with the TTY layer. */
static long console_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
    if (cmd != TIOCGWINSZ)
        return -ENOTTY;
    struct linux_winsize ws = { 0, 0, 0, 0 };  /* a serial line has no size, as on Linux */
    return copy_to_user(uptr(arg), &ws, sizeof(ws)) ? -EFAULT : 0;
}

const struct file_ops console_ops = { .read = console_read_op, .write = console_write_op, .ioctl = console_ioctl };

struct chrdev { uint32_t major, minor; const struct file_ops *ops; };

static const struct chrdev chrdevs[] = {
    { 1, 3, &null_ops }, { 1, 5, &zero_ops }, { 1, 7, &full_ops },
    { 1, 8, &random_ops }, { 1, 9, &random_ops },
    { 5, 0, &console_ops }, { 5, 1, &console_ops },
};

int chrdev_ops(uint64_t rdev, const struct file_ops **ops)
{
    for (size_t i = 0; i < ARRAY_SIZE(chrdevs); i++) {
        if (chrdevs[i].major == linux_major(rdev) && chrdevs[i].minor == linux_minor(rdev)) {
            *ops = chrdevs[i].ops;
            return 0;
        }
    }
    return -ENXIO;
}

const struct chrdev_node chrdev_nodes[] = {
    { "null", 1, 3, 0666 }, { "zero", 1, 5, 0666 }, { "full", 1, 7, 0666 },
    { "random", 1, 8, 0666 }, { "urandom", 1, 9, 0666 },
    { "tty", 5, 0, 0666 }, { "console", 5, 1, 0600 },
};
const size_t chrdev_node_count = ARRAY_SIZE(chrdev_nodes);
