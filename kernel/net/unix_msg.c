// SPDX-License-Identifier: MPL-2.0
// AF_UNIX control messages: SCM_RIGHTS and SCM_CREDENTIALS in (sendmsg) and out (recvmsg).
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "net/unix.h"
#include "proc/process.h"
#include "proc/cred.h"
#include <uapi/capability.h>

void unix_scm_release(struct unix_scm *scm)
{
    for (unsigned i = 0; i < scm->nfds; i++)
        file_put(scm->fds[i]);
    kfree(scm->fds);
    scm->fds = NULL;
    scm->nfds = 0;
}

static int add_rights(uptr_t data, unsigned n, struct unix_scm *scm)
{
    if (!n)
        return 0;
    if (scm->nfds + n > SCM_MAX_FD)
        return -EINVAL;
    int fds[SCM_MAX_FD];
    if (copy_from_user(fds, data, n * sizeof(int)))
        return -EFAULT;
    struct file **arr = kmalloc((scm->nfds + n) * sizeof(struct file *));
    if (!arr)
        return -ENOMEM;
    for (unsigned i = 0; i < scm->nfds; i++)
        arr[i] = scm->fds[i];
    kfree(scm->fds);
    scm->fds = arr;
    for (unsigned i = 0; i < n; i++) {
        struct file *f = fd_get(fds[i]);
        if (!f)
            return -EBADF;
        arr[scm->nfds++] = f;
    }
    return 0;
}

/* Credentials a sender may claim: its own (or anything with the matching capability). */
static int check_cred(const struct ucred *uc)
{
    struct cred *c = cred_current_get();
    if (!c)
        return -ENOMEM;
    bool ok = uc->pid == current_proc()->pid || capable(CAP_SYS_ADMIN);
    ok = ok && (uc->uid == c->uid || uc->uid == c->euid || uc->uid == c->suid || capable(CAP_SETUID));
    ok = ok && (uc->gid == c->gid || uc->gid == c->egid || uc->gid == c->sgid || capable(CAP_SETGID));
    cred_put(c);
    return ok ? 0 : -EPERM;
}

static int one_cmsg(uptr_t p, const struct user_cmsghdr *h, struct unix_scm *scm)
{
    uptr_t data = uptr(p.addr + CMSG_HDRLEN);
    size_t dlen = h->len - CMSG_HDRLEN;
    if (h->level != SOL_SOCKET)
        return 0;
    if (h->type == SCM_RIGHTS)
        return add_rights(data, (unsigned)(dlen / sizeof(int)), scm);
    if (h->type == SCM_CREDENTIALS) {
        if (dlen != sizeof(struct ucred))
            return -EINVAL;
        if (copy_from_user(&scm->cred, data, sizeof(scm->cred)))
            return -EFAULT;
        scm->has_cred = true;
        return check_cred(&scm->cred);
    }
    return -EINVAL;
}

int unix_scm_from_user(uptr_t control, uint64_t len, struct unix_scm *scm)
{
    memset(scm, 0, sizeof(*scm));
    uint64_t off = 0;
    while (len - off >= CMSG_HDRLEN) {
        struct user_cmsghdr h;
        uptr_t p = uptr(control.addr + off);
        if (copy_from_user(&h, p, sizeof(h))) {
            unix_scm_release(scm);
            return -EFAULT;
        }
        if (h.len < CMSG_HDRLEN || h.len > len - off) {
            unix_scm_release(scm);
            return -EINVAL;
        }
        int r = one_cmsg(p, &h, scm);
        if (r) {
            unix_scm_release(scm);
            return r;
        }
        off += CMSG_ALIGN8(h.len);
    }
    return 0;
}

static int put_cmsg(uptr_t control, uint64_t *used, uint64_t cap, int type, const void *data, size_t n)
{
    struct user_cmsghdr h = { .len = CMSG_HDRLEN + n, .level = SOL_SOCKET, .type = type };
    uptr_t p = uptr(control.addr + *used);
    if (copy_to_user(p, &h, sizeof(h)) || copy_to_user(uptr(p.addr + CMSG_HDRLEN), data, n))
        return -EFAULT;
    *used += MIN(CMSG_ALIGN8(h.len), cap - *used);
    return 0;
}

/* Install the received descriptors that fit; the rest are closed (MSG_CTRUNC). */
static int put_rights(uptr_t control, uint64_t *used, uint64_t cap, struct unix_recv_out *out,
                      bool cloexec, int *msg_flags)
{
    uint64_t left = cap - *used;
    unsigned fit = left < CMSG_HDRLEN ? 0 : (unsigned)((left - CMSG_HDRLEN) / sizeof(int));
    unsigned n = MIN(fit, out->nfds);
    int fds[SCM_MAX_FD];
    unsigned done = 0;
    int r = 0;
    for (; done < n; done++) {
        int fd = fd_install(current_files(), out->fds[done], 0, cloexec);
        if (fd < 0) {
            r = fd;
            break;
        }
        out->fds[done] = NULL;
        fds[done] = fd;
    }
    if (done < out->nfds)
        *msg_flags |= MSG_CTRUNC;
    for (unsigned i = done; i < out->nfds; i++)
        if (out->fds[i])
            file_put(out->fds[i]);
    out->nfds = 0;
    if (done)
        r = put_cmsg(control, used, cap, SCM_RIGHTS, fds, done * sizeof(int)) ?: r;
    return r;
}

int unix_scm_to_user(uptr_t control, uint64_t *len, struct unix_recv_out *out, bool passcred,
                     bool cloexec, int *msg_flags)
{
    uint64_t cap = *len, used = 0;
    int r = 0;
    if (passcred && out->has_cred) {
        if (cap < CMSG_HDRLEN + sizeof(struct ucred))
            *msg_flags |= MSG_CTRUNC;
        else
            r = put_cmsg(control, &used, cap, SCM_CREDENTIALS, &out->cred, sizeof(out->cred));
    }
    if (out->nfds) {
        int r2 = put_rights(control, &used, cap, out, cloexec, msg_flags);
        r = r ? r : r2;
    }
    *len = used;
    return r;
}
