// SPDX-License-Identifier: MPL-2.0
// getrandom(2): random bytes for user space from the kernel's ChaCha20 generator.
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/random.h>
#include "syscall/syscall.h"
#include "sys/crng.h"

long sys_getrandom(struct sys_call *c);

/* Largest single transfer, as Linux caps every read: INT_MAX rounded down to a page. */
#define MAX_RW_COUNT (0x7fffffffUL & ~(PAGE_SIZE - 1))
/* Bytes generated per copy: a divisor of the page size, small enough for the kernel stack. */
#define CHUNK 256

/*
 * Copy len bytes of s to user memory at p, CHUNK by CHUNK. Chunks never
 * cross a page boundary, so a fault ends the copy exactly where the unmapped
 * memory starts. Returns the bytes copied, or -EFAULT if none could be.
 */
static long copy_random(struct crng_stream *s, uptr_t p, size_t len)
{
    uint8_t buf[CHUNK];
    size_t done = 0;
    while (done < len) {
        uptr_t at = uptr_add(p, done);
        size_t n = MIN(len - done, CHUNK - (at.addr & (CHUNK - 1)));
        crng_stream_read(s, buf, n);
        if (copy_to_user(at, buf, n))
            return done ? (long)done : -EFAULT;
        done += n;
        /* FIXME: stop early with the count so far when a signal is pending, as Linux does. */
    }
    return (long)done;
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
    /* The generator is seeded from the first use on, so no flag ever waits or fails with EAGAIN. */
    len = MIN(len, MAX_RW_COUNT);
    if (!user_range_ok(p, len))
        return -EFAULT;
    struct crng_stream s;
    crng_stream_init(&s);
    long r = copy_random(&s, p, len);
    crng_stream_wipe(&s);
    return r;
}
