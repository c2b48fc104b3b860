// SPDX-License-Identifier: MPL-2.0
// Controlling terminals and the foreground process group (job-control bookkeeping).
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/ioctls.h>
#include <uapi/signal.h>
#include <uapi/capability.h>
#include "fs/tty.h"
#include "proc/cred.h"
#include "fs/tty/tty_ctty.h"
#include "proc/process.h"
#include "signal/signal.h"

/*
 * Lock order: tasklist_lock -> tty->lock. A session owns t while t->sid names
 * it; a session whose leader is gone frees the terminal for the next one.
 */
static struct mutex tty_list_lock = { .lock = SPINLOCK_INIT("tty.list"),
    .wq = { .lock = SPINLOCK_INIT("tty.list.wq"), .waiters = LIST_HEAD_INIT(tty_list_lock.wq.waiters) } };
static struct list_head tty_list = LIST_HEAD_INIT(tty_list);    /* guarded by tty_list_lock */
static bool console_listed;                                     /* guarded by tty_list_lock */

/* Lock order: tasklist_lock -> tty_list_lock -> tty.lock. */
void tty_list_add(struct tty *t)
{
    mutex_lock(&tty_list_lock);
    list_add_tail(&t->node, &tty_list);
    mutex_unlock(&tty_list_lock);
}

void tty_unlist(struct tty *t)
{
    mutex_lock(&tty_list_lock);
    list_del(&t->node);
    mutex_unlock(&tty_list_lock);
}

/* The console is static: listed on first use. tty_list_lock held. */
static void console_list_locked(void)
{
    if (!console_listed) {
        list_add_tail(&console_tty.node, &tty_list);
        console_listed = true;
    }
}

/* The terminal of session sid other than except, or NULL; tasklist_lock and tty_list_lock held. */
static struct tty *session_tty_locked(int sid, struct tty *except)
{
    console_list_locked();
    struct list_head *n;
    list_for_each(n, &tty_list) {
        struct tty *t = container_of(n, struct tty, node);
        if (t != except && sid > 0 && t->sid == sid)
            return t;
    }
    return NULL;
}

static bool session_alive_locked(int sid)
{
    if (sid <= 0)
        return false;
    struct process *p = proc_find_locked(sid);
    return p && p->state == PROC_ALIVE && p->sid == sid;
}

static struct process *caller(void)
{
    struct thread *th = thread_current();
    return th ? th->proc : NULL;
}

static void ctty_lock(struct tty *t)
{
    mutex_lock(&tasklist_lock);
    mutex_lock(&t->lock);
}

static void ctty_unlock(struct tty *t)
{
    mutex_unlock(&t->lock);
    mutex_unlock(&tasklist_lock);
}

/* Both locks held. A leader that acquires a terminal forgets the group of one hung up before (Linux's __proc_set_tty). */
static void ctty_take_locked(struct tty *t, struct process *p)
{
    t->sid = p->sid;
    t->pgrp = p->pgid;
    p->tty_old_pgrp = 0;
}

/* Does the caller's session already own a terminal other than t? tasklist_lock held. */
static bool has_other_tty_locked(struct process *p, struct tty *t)
{
    mutex_lock(&tty_list_lock);
    bool r = session_tty_locked(p->sid, t) != NULL;
    mutex_unlock(&tty_list_lock);
    return r;
}

void tty_ctty_open(struct tty *t)
{
    struct process *p = caller();
    if (!p)
        return;
    mutex_lock(&tasklist_lock);
    bool other = has_other_tty_locked(p, t);
    mutex_lock(&t->lock);
    if (!other && p->pid == p->sid && t->sid != p->sid && !session_alive_locked(t->sid)
        && !atomic_load(&t->hung_up))
        ctty_take_locked(t, p);
    ctty_unlock(t);
}

struct tty *tty_ctty_get_current(void)
{
    struct process *p = caller();
    if (!p)
        return NULL;
    mutex_lock(&tasklist_lock);
    mutex_lock(&tty_list_lock);
    struct tty *t = session_tty_locked(p->sid, NULL);
    if (t && t->ops->get && t->ops->get(t))
        t = NULL;
    mutex_unlock(&tty_list_lock);
    mutex_unlock(&tasklist_lock);
    return t;
}

static void send_kernel_signal_locked(struct process *p, int sig)
{
    struct ksiginfo si = { .signo = sig, .code = SI_KERNEL };
    (void)signal_send_proc_locked(p, &si);
}

/*
 * A hang-up took session sid's terminal, whose foreground group was pgrp:
 * as Linux, only the leader is signalled now (SIGHUP, SIGCONT); it remembers
 * pgrp for its exit. tasklist_lock held.
 */
static void hangup_leader_locked(int sid, int pgrp)
{
    struct process *l = sid > 0 ? proc_find_locked(sid) : NULL;
    if (!l || l->state != PROC_ALIVE || l->sid != sid)
        return;
    send_kernel_signal_locked(l, SIGHUP);
    send_kernel_signal_locked(l, SIGCONT);
    l->tty_old_pgrp = pgrp;
}

void tty_hangup(struct tty *t)
{
    mutex_lock(&tasklist_lock);
    mutex_lock(&t->lock);
    atomic_store(&t->hung_up, true);
    int sid = t->sid, pgrp = t->sid ? t->pgrp : 0;
    t->sid = t->pgrp = 0;
    atomic_add(&t->seq_in, 1);
    mutex_unlock(&t->lock);
    hangup_leader_locked(sid, pgrp);
    mutex_unlock(&tasklist_lock);
    wq_wake_all(&t->rwait);
    wq_wake_all(&t->owait);
}

/*
 * An orphaned group (POSIX): no member has a parent in another group of the
 * same session, so no job-control shell can continue it. As on Linux, a
 * parent that is init does not count. tasklist_lock held.
 */
static bool pgrp_orphaned_locked(int pgrp)
{
    for (struct process *p = proc_next_locked(NULL); p; p = proc_next_locked(p)) {
        if (p->state != PROC_ALIVE || p->pgid != pgrp || !p->parent || p->parent->pid == 1)
            continue;
        if (p->parent->pgid != pgrp && p->parent->sid == p->sid)
            return false;
    }
    return true;
}

int tty_ctty_check_bg(struct tty *t, int sig)
{
    struct process *p = caller();
    if (!p)
        return 0;
    int pgrp = 0;
    bool orphaned = false;
    ctty_lock(t);
    if (t->sid && t->sid == p->sid && t->pgrp > 0 && t->pgrp != p->pgid) {
        pgrp = p->pgid;
        orphaned = pgrp_orphaned_locked(pgrp);
    }
    ctty_unlock(t);
    if (!pgrp)
        return 0;
    if (signal_blocked_or_ignored_current(sig))
        return sig == SIGTTIN ? -EIO : 0;
    if (orphaned)
        return -EIO;
    (void)tty_signal_pgrp(pgrp, sig);
    return -ERESTARTSYS;
}

bool tty_ctty_is_callers(struct tty *t)
{
    struct process *p = caller();
    if (!p)
        return false;
    ctty_lock(t);
    bool r = t->sid > 0 && t->sid == p->sid;
    ctty_unlock(t);
    return r;
}

/*
 * TIOCSCTTY: arg 1 steals the terminal from another session (CAP_SYS_ADMIN);
 * other: the caller's session owns another one.
 */
static long ctty_set_locked(struct tty *t, struct process *p, uint64_t arg, bool other)
{
    if (p->pid == p->sid && t->sid == p->sid)
        return 0;
    if (p->pid != p->sid || other || atomic_load(&t->hung_up))
        return -EPERM;
    if (session_alive_locked(t->sid) && (arg != 1 || !capable(CAP_SYS_ADMIN)))
        return -EPERM;
    ctty_take_locked(t, p);
    return 0;
}

/* TIOCNOTTY: the leader gives the terminal up and hangs up its foreground group. */
static long ctty_drop_locked(struct tty *t, struct process *p, int *hup_pgrp)
{
    if (!t->sid || t->sid != p->sid)
        return -ENOTTY;
    if (p->pid == p->sid) {
        *hup_pgrp = t->pgrp;
        t->sid = t->pgrp = 0;
        p->tty_old_pgrp = 0;
    }
    return 0;   /* FIXME: a non-leader cannot detach alone (no per-process ctty yet) */
}

static long ctty_set_pgrp_locked(struct tty *t, struct process *p, uptr_t arg)
{
    int pgrp;
    if (!t->sid || t->sid != p->sid)
        return -ENOTTY;
    if (copy_from_user(&pgrp, arg, sizeof(pgrp)))
        return -EFAULT;
    if (pgrp < 0)
        return -EINVAL;
    if (!proc_pgrp_exists_locked(pgrp, -1))
        return -ESRCH;
    if (!proc_pgrp_exists_locked(pgrp, p->sid))
        return -EPERM;
    t->pgrp = pgrp;
    return 0;
}

static long ctty_get_locked(struct tty *t, struct process *p, uptr_t arg, int value)
{
    if (!t->sid || t->sid != p->sid)
        return -ENOTTY;
    return copy_to_user(arg, &value, sizeof(value)) ? -EFAULT : 0;
}

/*
 * The job-control requests on a pty master act on its slave t as Linux's
 * tty_pair_get_tty: TIOCGPGRP and TIOCGSID need no controlling terminal
 * (the slave's group, 0 if none; its session, ENOTTY if none), TIOCNOTTY
 * is always ENOTTY (a master is nobody's terminal); the rest as on t.
 */
long tty_ctty_master_ioctl(struct tty *t, unsigned cmd, uint64_t arg)
{
    if (cmd == TIOCNOTTY)
        return -ENOTTY;
    if (cmd != TIOCGPGRP && cmd != TIOCGSID)
        return tty_ctty_ioctl(t, cmd, arg);
    ctty_lock(t);
    int v = cmd == TIOCGSID ? t->sid : (t->sid ? t->pgrp : 0);
    ctty_unlock(t);
    if (cmd == TIOCGSID && v <= 0)
        return -ENOTTY;
    return copy_to_user(uptr(arg), &v, sizeof(v)) ? -EFAULT : 0;
}

/*
 * A session leader exits (Linux's disassociate_ctty on exit): its terminal
 * is released; the foreground group gets SIGHUP (a pty), or the terminal is
 * hung up (any other TTY: FIXME, the console is only released, since the
 * console is every process's output). A leader whose terminal a hang-up took
 * signals the group that was in the foreground then: SIGHUP and SIGCONT.
 */
void tty_ctty_leader_exit(struct process *p)
{
    int pgrp = 0, old = 0;
    mutex_lock(&tasklist_lock);
    mutex_lock(&tty_list_lock);
    struct tty *t = session_tty_locked(p->sid, NULL);
    if (t) {
        mutex_lock(&t->lock);
        if (t != &console_tty)
            pgrp = t->pgrp;
        t->sid = t->pgrp = 0;
        mutex_unlock(&t->lock);
    } else {
        old = p->tty_old_pgrp;
    }
    p->tty_old_pgrp = 0;
    mutex_unlock(&tty_list_lock);
    mutex_unlock(&tasklist_lock);
    if (pgrp > 0)
        (void)tty_signal_pgrp(pgrp, SIGHUP);
    if (old > 0) {
        (void)tty_signal_pgrp(old, SIGHUP);
        (void)tty_signal_pgrp(old, SIGCONT);
    }
}

long tty_ctty_ioctl(struct tty *t, unsigned cmd, uint64_t arg)
{
    struct process *p = caller();
    if (cmd != TIOCSCTTY && cmd != TIOCNOTTY && cmd != TIOCGPGRP && cmd != TIOCSPGRP && cmd != TIOCGSID)
        return -ENOIOCTLCMD;
    if (!p)
        return -ENOTTY;
    if (cmd == TIOCSPGRP) {
        long bg = tty_ctty_check_bg(t, SIGTTOU);
        if (bg)
            return bg == -EIO ? -ENOTTY : bg;
    }
    int hup = 0;
    long r;
    mutex_lock(&tasklist_lock);
    bool other = cmd == TIOCSCTTY && has_other_tty_locked(p, t);
    mutex_lock(&t->lock);
    switch (cmd) {
    case TIOCSCTTY: r = ctty_set_locked(t, p, arg, other); break;
    case TIOCNOTTY: r = ctty_drop_locked(t, p, &hup); break;
    case TIOCGPGRP: r = ctty_get_locked(t, p, uptr(arg), t->pgrp); break;
    case TIOCGSID:  r = ctty_get_locked(t, p, uptr(arg), t->sid); break;
    default:        r = ctty_set_pgrp_locked(t, p, uptr(arg)); break;
    }
    ctty_unlock(t);
    if (hup > 0) {
        (void)tty_signal_pgrp(hup, SIGHUP);
        (void)tty_signal_pgrp(hup, SIGCONT);
    }
    return r;
}
