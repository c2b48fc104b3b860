// SPDX-License-Identifier: MPL-2.0
// User and group id syscalls: get/set uid, gid (real, effective, saved, fs) and supplementary groups.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include "proc/process.h"
#include "proc/cred.h"
#include "syscall/syscall.h"

long sys_getuid(struct sys_call *c);
long sys_geteuid(struct sys_call *c);
long sys_getgid(struct sys_call *c);
long sys_getegid(struct sys_call *c);
long sys_getresuid(struct sys_call *c);
long sys_getresgid(struct sys_call *c);
long sys_setuid(struct sys_call *c);
long sys_setgid(struct sys_call *c);
long sys_setreuid(struct sys_call *c);
long sys_setregid(struct sys_call *c);
long sys_setresuid(struct sys_call *c);
long sys_setresgid(struct sys_call *c);
long sys_setfsuid(struct sys_call *c);
long sys_setfsgid(struct sys_call *c);
long sys_getgroups(struct sys_call *c);
long sys_setgroups(struct sys_call *c);

#define NOCHANGE 0xffffffffU

/* The caller's credentials, with a reference. */
static struct cred *cred_current(void)
{
    struct process *p = current_proc();
    mutex_lock(&p->lock);
    struct cred *c = p->cred;
    cred_get(c);
    mutex_unlock(&p->lock);
    return c;
}

static void cred_install(struct cred *n)
{
    struct process *p = current_proc();
    mutex_lock(&p->lock);
    struct cred *old = p->cred;
    p->cred = n;
    mutex_unlock(&p->lock);
    cred_put(old);
}

/* FIXME: CAP_SETUID/CAP_SETGID checks become capability checks with the Isolation issue. */
static bool capable_setid(const struct cred *c) { return c->euid == 0; }

static long get_id(int which)
{
    struct cred *c = cred_current();
    uint32_t v = which == 0 ? c->uid : which == 1 ? c->euid : which == 2 ? c->gid : c->egid;
    cred_put(c);
    return v;
}

long sys_getuid(struct sys_call *c) { (void)c; return get_id(0); }
long sys_geteuid(struct sys_call *c) { (void)c; return get_id(1); }
long sys_getgid(struct sys_call *c) { (void)c; return get_id(2); }
long sys_getegid(struct sys_call *c) { (void)c; return get_id(3); }

static long put_res(struct sys_call *c, uint32_t r, uint32_t e, uint32_t s)
{
    if (copy_to_user(uptr(c->arg[0]), &r, 4) || copy_to_user(uptr(c->arg[1]), &e, 4) ||
        copy_to_user(uptr(c->arg[2]), &s, 4))
        return -EFAULT;
    return 0;
}

long sys_getresuid(struct sys_call *c)
{
    struct cred *cr = cred_current();
    long r = put_res(c, cr->uid, cr->euid, cr->suid);
    cred_put(cr);
    return r;
}

long sys_getresgid(struct sys_call *c)
{
    struct cred *cr = cred_current();
    long r = put_res(c, cr->gid, cr->egid, cr->sgid);
    cred_put(cr);
    return r;
}

/* An unprivileged caller may only pick one of its current real/effective/saved ids. */
static bool id_allowed(uint32_t v, uint32_t r, uint32_t e, uint32_t s)
{
    return v == NOCHANGE || v == r || v == e || v == s;
}

/* Install a copy of the credentials with the given real/effective/saved ids (NOCHANGE keeps one). */
static long apply_res(uint32_t nr, uint32_t ne, uint32_t ns, bool gid)
{
    struct cred *old = cred_current();
    struct cred *n = cred_copy(old);
    cred_put(old);
    if (!n)
        return -ENOMEM;
    uint32_t *r = gid ? &n->gid : &n->uid, *e = gid ? &n->egid : &n->euid;
    uint32_t *sv = gid ? &n->sgid : &n->suid, *fs = gid ? &n->fsgid : &n->fsuid;
    if (nr != NOCHANGE)
        *r = nr;
    if (ne != NOCHANGE)
        *e = ne;
    if (ns != NOCHANGE)
        *sv = ns;
    *fs = *e;
    cred_install(n);
    return 0;
}

/* The caller's real, effective and saved ids of one kind; returns whether it may set any id. */
static bool read_ids(bool gid, uint32_t *r, uint32_t *e, uint32_t *s)
{
    struct cred *c = cred_current();
    *r = gid ? c->gid : c->uid;
    *e = gid ? c->egid : c->euid;
    *s = gid ? c->sgid : c->suid;
    bool cap = capable_setid(c);
    cred_put(c);
    return cap;
}

static long set_res(uint32_t nr, uint32_t ne, uint32_t ns, bool gid)
{
    uint32_t r, e, s;
    if (!read_ids(gid, &r, &e, &s) &&
        !(id_allowed(nr, r, e, s) && id_allowed(ne, r, e, s) && id_allowed(ns, r, e, s)))
        return -EPERM;
    return apply_res(nr, ne, ns, gid);
}

long sys_setresuid(struct sys_call *c) { return set_res((uint32_t)c->arg[0], (uint32_t)c->arg[1], (uint32_t)c->arg[2], false); }
long sys_setresgid(struct sys_call *c) { return set_res((uint32_t)c->arg[0], (uint32_t)c->arg[1], (uint32_t)c->arg[2], true); }

/* setuid/setgid: privileged sets all three, otherwise only the effective id (to real or saved). */
static long set_one(uint32_t v, bool gid)
{
    if (v == NOCHANGE)
        return -EINVAL;
    uint32_t r, e, s;
    if (read_ids(gid, &r, &e, &s))
        return apply_res(v, v, v, gid);
    if (v != r && v != s)
        return -EPERM;
    return apply_res(NOCHANGE, v, NOCHANGE, gid);
}

long sys_setuid(struct sys_call *c) { return set_one((uint32_t)c->arg[0], false); }
long sys_setgid(struct sys_call *c) { return set_one((uint32_t)c->arg[0], true); }

/* setreuid/setregid: the saved id follows the new effective one when the real one is set or e != old real. */
static long set_re(uint32_t nr, uint32_t ne, bool gid)
{
    uint32_t r, e, s;
    bool cap = read_ids(gid, &r, &e, &s);
    if (!cap && (!(nr == NOCHANGE || nr == r || nr == e) || !id_allowed(ne, r, e, s)))
        return -EPERM;
    uint32_t ns = NOCHANGE;
    if (nr != NOCHANGE || (ne != NOCHANGE && ne != r))
        ns = ne != NOCHANGE ? ne : e;
    return apply_res(nr, ne, ns, gid);
}

long sys_setreuid(struct sys_call *c) { return set_re((uint32_t)c->arg[0], (uint32_t)c->arg[1], false); }
long sys_setregid(struct sys_call *c) { return set_re((uint32_t)c->arg[0], (uint32_t)c->arg[1], true); }

/* setfsuid/setfsgid always return the old value and change it only when allowed. */
static long set_fs(uint32_t v, bool gid)
{
    struct cred *c = cred_current();
    uint32_t old = gid ? c->fsgid : c->fsuid;
    bool ok = v != NOCHANGE && (capable_setid(c) || v == old ||
                                (gid ? id_allowed(v, c->gid, c->egid, c->sgid) : id_allowed(v, c->uid, c->euid, c->suid)));
    struct cred *n = ok ? cred_copy(c) : NULL;
    cred_put(c);
    if (n) {
        if (gid)
            n->fsgid = v;
        else
            n->fsuid = v;
        cred_install(n);
    }
    return old;
}

long sys_setfsuid(struct sys_call *c) { return set_fs((uint32_t)c->arg[0], false); }
long sys_setfsgid(struct sys_call *c) { return set_fs((uint32_t)c->arg[0], true); }

long sys_getgroups(struct sys_call *c)
{
    int size = (int)c->arg[0];
    if (size < 0)
        return -EINVAL;
    struct cred *cr = cred_current();
    long r = cr->ngroups;
    if (size && (uint32_t)size < cr->ngroups)
        r = -EINVAL;
    else if (size && cr->ngroups && copy_to_user(uptr(c->arg[1]), cr->groups, cr->ngroups * 4))
        r = -EFAULT;
    cred_put(cr);
    return r;
}

long sys_setgroups(struct sys_call *c)
{
    int size = (int)c->arg[0];
    if (size < 0 || size > NGROUPS_MAX)
        return -EINVAL;
    uint32_t r, e, s;
    if (!read_ids(true, &r, &e, &s))
        return -EPERM;
    uint32_t *g = size ? kcalloc((size_t)size, 4) : NULL;
    if (size && !g)
        return -ENOMEM;
    if (size && copy_from_user(g, uptr(c->arg[1]), (size_t)size * 4)) {
        kfree(g);
        return -EFAULT;
    }
    struct cred *old = cred_current();
    struct cred *n = cred_copy(old);
    cred_put(old);
    if (!n) {
        kfree(g);
        return -ENOMEM;
    }
    kfree(n->groups);
    n->groups = g;
    n->ngroups = (uint32_t)size;
    cred_install(n);
    return 0;
}
