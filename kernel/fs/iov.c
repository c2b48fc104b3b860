// SPDX-License-Identifier: MPL-2.0
// I/O iterators over user iovecs or kernel buffers, copying at page granularity.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/iov.h"

void iov_iter_user(struct iov_iter *it, const struct user_iovec *iov, size_t nr, size_t total)
{
    *it = (struct iov_iter){ .iov = iov, .nr = nr, .count = total };
}

void iov_iter_kernel(struct iov_iter *it, void *buf, size_t len)
{
    *it = (struct iov_iter){ .kbuf = buf, .count = len };
}

/* Next user chunk: address and length up to the end of its page and of n. */
static size_t next_chunk(struct iov_iter *it, size_t n, uptr_t *at)
{
    while (it->seg < it->nr && it->seg_off >= it->iov[it->seg].len) {
        it->seg++;
        it->seg_off = 0;
    }
    if (it->seg >= it->nr)
        return 0;
    uint64_t a = it->iov[it->seg].base + it->seg_off;
    size_t c = MIN(n, (size_t)(it->iov[it->seg].len - it->seg_off));
    c = MIN(c, PAGE_SIZE - (size_t)(a % PAGE_SIZE));
    *at = uptr(a);
    return c;
}

static size_t iov_copy(struct iov_iter *it, void *kptr, size_t n, bool to_user, bool *fault)
{
    char *k = kptr;
    size_t done = 0;
    n = MIN(n, it->count);
    if (it->kbuf) {
        if (to_user)
            memcpy(it->kbuf + it->koff, k, n);
        else
            memcpy(k, it->kbuf + it->koff, n);
        it->koff += n;
        it->count -= n;
        return n;
    }
    while (done < n) {
        uptr_t at;
        size_t c = next_chunk(it, n - done, &at);
        if (!c)
            break;
        int r = to_user ? copy_to_user(at, k + done, c) : copy_from_user(k + done, at, c);
        if (r) {
            *fault = true;
            break;
        }
        it->seg_off += c;
        it->count -= c;
        done += c;
    }
    return done;
}

size_t iov_copy_to(struct iov_iter *it, const void *src, size_t n, bool *fault)
{
    return iov_copy(it, (void *)src, n, true, fault);   /* src is only read */
}

size_t iov_copy_from(struct iov_iter *it, void *dst, size_t n, bool *fault)
{
    return iov_copy(it, dst, n, false, fault);
}

long iov_import(uptr_t uiov, uint64_t cnt, struct user_iovec **out, size_t *total)
{
    *out = NULL;
    *total = 0;
    if (cnt > IOV_MAX)
        return -EINVAL;
    if (cnt == 0)
        return 0;
    struct user_iovec *iov = kcalloc(cnt, sizeof(*iov));
    if (!iov)
        return -ENOMEM;
    if (copy_from_user(iov, uiov, cnt * sizeof(*iov))) {
        kfree(iov);
        return -EFAULT;
    }
    size_t sum = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        if ((int64_t)iov[i].len < 0) {
            kfree(iov);
            return -EINVAL;
        }
        if (iov[i].len > MAX_RW_COUNT - sum)
            iov[i].len = MAX_RW_COUNT - sum;
        sum += iov[i].len;
    }
    *out = iov;
    *total = sum;
    return 0;
}
