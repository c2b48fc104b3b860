// SPDX-License-Identifier: MPL-2.0
// wait4 and waitid: finding, reporting and reaping zombie children.
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/signal.h>
#include <uapi/wait.h>
#include <uapi/resource.h>
#include "proc/process.h"
#include "proc/pidfd.h"
#include "syscall/syscall.h"
#include "signal/signal.h"

long sys_wait4(struct sys_call *c);
long sys_waitid(struct sys_call *c);

enum wsel { WSEL_ANY, WSEL_PID, WSEL_PGID };

struct wait_req {
    enum wsel sel;
    int id;
    unsigned options;
    /* results */
    int pid, status;
    int code;                   /* CLD_EXITED/KILLED/DUMPED/STOPPED/CONTINUED */
    uint64_t runtime_ns, utime_ns;     /* the child's CPU time and its user-mode part */
};

/* Report an unreported stop or continue of a live child; tasklist_lock held. */
static bool take_stop_report_locked(struct process *c, struct wait_req *w)
{
    if ((w->options & WSTOPPED) && c->wait_stop_status) {
        w->status = c->wait_stop_status;
        w->code = CLD_STOPPED;
        if (!(w->options & WNOWAIT))
            c->wait_stop_status = 0;
    } else if ((w->options & WCONTINUED) && c->wait_continued) {
        w->status = 0xffff;
        w->code = CLD_CONTINUED;
        if (!(w->options & WNOWAIT))
            c->wait_continued = false;
    } else {
        return false;
    }
    w->pid = c->pid;
    w->runtime_ns = c->runtime_ns;
    w->utime_ns = c->utime_ns;
    return true;
}

static bool child_matches(const struct process *c, const struct wait_req *w)
{
    if (w->sel == WSEL_PID && c->pid != w->id)
        return false;
    if (w->sel == WSEL_PGID && c->pgid != w->id)
        return false;
    if (w->options & __WALL)
        return true;
    /* A "clone" child reports to its parent with a signal other than SIGCHLD. */
    return !!(w->options & __WCLONE) == (c->exit_signal != SIGCHLD);
}

/* One scan of the children: 1 found (and reaped unless WNOWAIT), 0 none yet, -ECHILD none at all. */
static int scan_children(struct process *p, struct wait_req *w)
{
    int r = -ECHILD;
    mutex_lock(&tasklist_lock);
    struct list_head *l;
    list_for_each(l, &p->children) {
        struct process *c = list_entry(l, struct process, sibling);
        if (!child_matches(c, w))
            continue;
        r = 0;
        if (c->state != PROC_ZOMBIE && take_stop_report_locked(c, w)) {
            r = 1;
            break;
        }
        if (c->state != PROC_ZOMBIE || !(w->options & WEXITED))
            continue;
        w->pid = c->pid;
        w->status = c->exit_status;
        w->code = (c->exit_status & 0x7f) == 0 ? CLD_EXITED : (c->exit_status & 0x80) ? CLD_DUMPED : CLD_KILLED;
        w->runtime_ns = c->runtime_ns;
        w->utime_ns = c->utime_ns;
        if (!(w->options & WNOWAIT))
            proc_reap_locked(c);
        r = 1;
        break;
    }
    mutex_unlock(&tasklist_lock);
    return r;
}

static int do_wait(struct wait_req *w)
{
    struct process *p = current_proc();
    for (;;) {
        uint32_t gen = atomic_load(&p->child_gen);
        int r = scan_children(p, w);
        if (r != 0)
            return r < 0 ? r : w->pid;
        if (w->options & WNOHANG)
            return 0;
        int err = wait_event_interruptible(&p->child_wq, atomic_load(&p->child_gen) != gen);
        if (err)
            return err;
    }
}

static void fill_rusage(struct k_rusage *ru, const struct wait_req *w)
{
    memset(ru, 0, sizeof(*ru));
    uint64_t user = MIN(w->utime_ns, w->runtime_ns), sys = w->runtime_ns - user;
    ru->ru_utime.tv_sec = (int64_t)(user / 1000000000ULL);
    ru->ru_utime.tv_usec = (int64_t)(user % 1000000000ULL / 1000);
    ru->ru_stime.tv_sec = (int64_t)(sys / 1000000000ULL);
    ru->ru_stime.tv_usec = (int64_t)(sys % 1000000000ULL / 1000);
}

long sys_wait4(struct sys_call *c)
{
    int pid = (int)c->arg[0];
    unsigned opts = (unsigned)c->arg[2];
    if (opts & ~(unsigned)(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
        return -EINVAL;
    if (pid == (int)0x80000000)
        return -ESRCH;
    struct wait_req w = { .options = opts | WEXITED, .id = pid < 0 ? -pid : pid };
    w.sel = pid == -1 ? WSEL_ANY : pid > 0 ? WSEL_PID : WSEL_PGID;
    if (pid == 0) {
        mutex_lock(&tasklist_lock);
        w.id = current_proc()->pgid;
        mutex_unlock(&tasklist_lock);
    }
    long r = do_wait(&w);
    if (r <= 0)
        return r;
    if (c->arg[1] && copy_to_user(uptr(c->arg[1]), &w.status, sizeof(int)))
        return -EFAULT;
    struct k_rusage ru;
    fill_rusage(&ru, &w);
    if (c->arg[3] && copy_to_user(uptr(c->arg[3]), &ru, sizeof(ru)))
        return -EFAULT;
    return r;
}

/* The part of siginfo_t that waitid fills (the rest of the 128 bytes is left alone, as Linux does). */
struct waitid_info {
    int32_t si_signo, si_errno, si_code, pad;
    int32_t si_pid;
    uint32_t si_uid;
    int32_t si_status;
};

long sys_waitid(struct sys_call *c)
{
    int type = (int)c->arg[0], id = (int)c->arg[1];
    unsigned opts = (unsigned)c->arg[3];
    if (opts & ~(unsigned)(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
        return -EINVAL;
    if (!(opts & (WEXITED | WSTOPPED | WCONTINUED)))
        return -EINVAL;
    struct wait_req w = { .options = opts, .id = id };
    if (type == P_ALL)
        w.sel = WSEL_ANY;
    else if (type == P_PID && id > 0)
        w.sel = WSEL_PID;
    else if (type == P_PGID && id >= 0)
        w.sel = WSEL_PGID;
    else if (type == P_PIDFD) {
        bool reaped = false;
        int pid = pidfd_to_pid(id, &reaped);
        if (pid < 0)
            return pid;
        if (reaped)
            return -ECHILD;     /* already waited for */
        w.sel = WSEL_PID;
        w.id = pid;
    } else
        return -EINVAL;
    if (type == P_PGID && id == 0) {
        mutex_lock(&tasklist_lock);
        w.id = current_proc()->pgid;
        mutex_unlock(&tasklist_lock);
    }
    long r = do_wait(&w);
    if (r < 0)
        return r;
    struct waitid_info info = { 0 };
    if (r > 0) {
        int st = w.code == CLD_EXITED ? (w.status >> 8) & 0xff : w.code == CLD_STOPPED ? (w.status >> 8) & 0xff :
                 w.code == CLD_CONTINUED ? SIGCONT : w.status & 0x7f;
        info = (struct waitid_info){ .si_signo = SIGCHLD, .si_code = w.code, .si_pid = w.pid, .si_status = st };
    }
    if (c->arg[2] && copy_to_user(uptr(c->arg[2]), &info, sizeof(info)))
        return -EFAULT;
    struct k_rusage ru;
    fill_rusage(&ru, &w);
    if (c->arg[4] && copy_to_user(uptr(c->arg[4]), &ru, sizeof(ru)))
        return -EFAULT;
    return 0;
}
