// SPDX-License-Identifier: MPL-2.0
// I/O iterators: a list of user segments (an iovec) or one kernel buffer, consumed in order.
#ifndef KEEL_FS_IOV_H
#define KEEL_FS_IOV_H

#include <ostd/types.h>

#define MAX_RW_COUNT 0x7ffff000UL

/* struct iovec as user space lays it out. */
struct user_iovec {
    uint64_t base;
    uint64_t len;
};

struct iov_iter {
    const struct user_iovec *iov;   /* user segments, or NULL for kbuf */
    size_t nr;
    size_t seg, seg_off;
    size_t count;                   /* bytes left */
    char *kbuf;                     /* kernel buffer mode */
    size_t koff;
};

void iov_iter_user(struct iov_iter *it, const struct user_iovec *iov, size_t nr, size_t total);
void iov_iter_kernel(struct iov_iter *it, void *buf, size_t len);
/*
 * Copy n bytes from src into the iterator's destination (to) or from it into
 * dst (from). Returns bytes copied; sets *fault when a user page faulted
 * (copies stop at page granularity, as Linux's do).
 */
size_t iov_copy_to(struct iov_iter *it, const void *src, size_t n, bool *fault);
size_t iov_copy_from(struct iov_iter *it, void *dst, size_t n, bool *fault);

/*
 * Copy in and validate a user iovec array (count <= IOV_MAX, no negative
 * lengths; the total is clamped to MAX_RW_COUNT as Linux does). On success
 * *out is a kmalloc'd array the caller frees and *total the clamped sum.
 */
long iov_import(uptr_t uiov, uint64_t cnt, struct user_iovec **out, size_t *total) __must_check;

#endif
