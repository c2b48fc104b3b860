// SPDX-License-Identifier: MPL-2.0
// Character devices: memory devices (null, zero, full, random, urandom) and the TTYs (kernel/fs/tty).
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
#include "fs/tty.h"
#include "fs/devpts/devpts.h"

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

struct chrdev { uint32_t major, minor; const struct file_ops *ops; };

static const struct chrdev chrdevs[] = {
    { 1, 3, &null_ops }, { 1, 5, &zero_ops }, { 1, 7, &full_ops },
    { 1, 8, &random_ops }, { 1, 9, &random_ops },
    { 5, 0, &tty_current_ops }, { 5, 1, &tty_console_ops }, { 4, 64, &tty_serial_ops },
    { 5, 2, &ptmx_ops },
};

int chrdev_ops(uint64_t rdev, const struct file_ops **ops)
{
    if (linux_major(rdev) == PTY_SLAVE_MAJOR) {
        *ops = &pty_slave_ops;
        return 0;
    }
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
    { "tty", 5, 0, 0666 }, { "console", 5, 1, 0600 }, { "ttyS0", 4, 64, 0660 }, { "ptmx", 5, 2, 0666 },
};
const size_t chrdev_node_count = ARRAY_SIZE(chrdev_nodes);
