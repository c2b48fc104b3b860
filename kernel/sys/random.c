// SPDX-License-Identifier: MPL-2.0
// getrandom(2): random bytes for user space.
#include <ostd/cpu.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/random.h>
#include "syscall/syscall.h"

long sys_getrandom(struct sys_call *c);

/* Largest single transfer, as Linux caps every read: INT_MAX rounded down to a page. */
#define MAX_RW_COUNT (0x7fffffffUL & ~(PAGE_SIZE - 1))

/* Bytes generated per copy: a divisor of the page size, small enough for the kernel stack. */
#define CHUNK 256

/*
 * Fill up to CHUNK bytes of user memory. Chunks never cross a page boundary,
 * so a fault ends the copy exactly where the unmapped memory starts.
 * FIXME: cpu_random_u64 is RDRAND output (or a TSC mixer without RDRAND);
 * a seeded ChaCha20 generator should stand between it and user space.
 */
static int fill_chunk(uptr_t p, size_t len)
{
    uint64_t buf[CHUNK / sizeof(uint64_t)];
    for (size_t i = 0; i < (len + 7) / 8; i++)
        buf[i] = cpu_random_u64();
    return copy_to_user(p, buf, len);
}

long sys_getrandom(struct sys_call *c)
{
    uptr_t p = uptr(c->arg[0]);
    size_t len = (size_t)c->arg[1];
    unsigned flags = (unsigned)c->arg[2];
    if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
        return -EINVAL;
    /* The pool is always ready, so neither GRND_NONBLOCK nor blocking changes anything. */
    len = MIN(len, MAX_RW_COUNT);
    if (!user_range_ok(p, len))
        return -EFAULT;
    size_t done = 0;
    while (done < len) {
        uptr_t at = uptr_add(p, done);
        size_t n = MIN(len - done, CHUNK - (at.addr & (CHUNK - 1)));
        if (fill_chunk(at, n))
            return done ? (long)done : -EFAULT;
        done += n;
        /* FIXME: stop early with the count so far when a signal is pending, as Linux does. */
    }
    return (long)done;
}
