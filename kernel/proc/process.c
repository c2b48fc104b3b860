// SPDX-License-Identifier: MPL-2.0
// Process and thread objects, the per-thread user-mode loop, and starting init.
#include <ostd/task.h>
#include <ostd/heap.h>
#include <ostd/time.h>
#include <ostd/user.h>
#include <ostd/vm_space.h>
#include <ostd/console.h>
#include <ostd/panic.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/signal.h>
#include "proc/process.h"
#include "proc/pid.h"
#include "proc/cred.h"
#include "proc/exec.h"
#include "proc/fault.h"
#include "proc/futex.h"
#include "proc/pidfd.h"
#include "mm/mm.h"
#include "syscall/syscall.h"
#include "fs/vfs.h"
#include "signal/signal.h"

struct mutex tasklist_lock = { .lock = SPINLOCK_INIT("tasklist"),
                               .wq = { .lock = SPINLOCK_INIT("tasklist.wq"),
                                       .waiters = LIST_HEAD_INIT(tasklist_lock.wq.waiters) } };
static struct list_head all_procs = LIST_HEAD_INIT(all_procs);   /* guarded by tasklist_lock */


struct mm *current_mm(void) { return current_proc()->mm; }

int proc_next_pid_locked(int after)
{
    int best = -1;
    struct list_head *l;
    list_for_each(l, &all_procs) {
        int pid = list_entry(l, struct process, all_node)->pid;
        if (pid > after && (best < 0 || pid < best))
            best = pid;
    }
    return best;
}

static char *dup_bytes(const char *s, size_t len)
{
    char *d = len ? kmalloc(len) : NULL;
    if (d)
        memcpy(d, s, len);
    return d;
}

int proc_copy_exec_info_locked(struct process *np, struct process *p)
{
    np->cmdline = dup_bytes(p->cmdline, p->cmdline_len);
    np->environ = dup_bytes(p->environ, p->environ_len);
    np->cmdline_len = np->cmdline ? p->cmdline_len : 0;
    np->environ_len = np->environ ? p->environ_len : 0;
    np->exe_file = p->exe_file;
    if (np->exe_file)
        file_get(np->exe_file);
    np->oom_score_adj = p->oom_score_adj;
    return (np->cmdline || !p->cmdline_len) && (np->environ || !p->environ_len) ? 0 : -ENOMEM;
}

void proc_free_exec_info(struct process *p)
{
    mutex_lock(&p->lock);
    struct file *exe = p->exe_file;
    kfree(p->cmdline);
    kfree(p->environ);
    p->cmdline = p->environ = NULL;
    p->cmdline_len = p->environ_len = 0;
    p->exe_file = NULL;
    mutex_unlock(&p->lock);
    if (exe)
        file_put(exe);
}

struct process *proc_find_locked(int pid)
{
    struct list_head *l;
    list_for_each(l, &all_procs) {
        struct process *p = list_entry(l, struct process, all_node);
        if (p->pid == pid)
            return p;
    }
    return NULL;
}

struct process *proc_next_locked(struct process *prev)
{
    struct list_head *n = prev ? prev->all_node.next : all_procs.next;
    return n == &all_procs ? NULL : list_entry(n, struct process, all_node);
}

struct thread *thread_find_locked(struct process *p, int tid)
{
    struct list_head *l;
    list_for_each(l, &p->threads) {
        struct thread *t = list_entry(l, struct thread, node);
        if (t->tid == tid)
            return t;
    }
    return NULL;
}

bool proc_pgrp_exists_locked(int pgid, int sid)
{
    /* FIXME: a linear scan; a pgid table comes with job control. */
    struct list_head *l;
    list_for_each(l, &all_procs) {
        struct process *p = list_entry(l, struct process, all_node);
        if (p->pgid == pgid && (sid < 0 || p->sid == sid))
            return true;
    }
    return false;
}

static const struct rlimit64 default_rlimits[RLIM_NLIMITS] = {
    [RLIMIT_CPU] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_FSIZE] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_DATA] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_STACK] = { 8 << 20, RLIM_INFINITY },
    [RLIMIT_CORE] = { 0, RLIM_INFINITY },
    [RLIMIT_RSS] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_NPROC] = { 4096, 4096 },
    [RLIMIT_NOFILE] = { 1024, 4096 },
    [RLIMIT_MEMLOCK] = { 8 << 20, 8 << 20 },
    [RLIMIT_AS] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_LOCKS] = { RLIM_INFINITY, RLIM_INFINITY },
    [RLIMIT_SIGPENDING] = { 4096, 4096 },
    [RLIMIT_MSGQUEUE] = { 819200, 819200 },
    [RLIMIT_NICE] = { 0, 0 },
    [RLIMIT_RTPRIO] = { 0, 0 },
    [RLIMIT_RTTIME] = { RLIM_INFINITY, RLIM_INFINITY },
};

struct process *process_alloc(void)
{
    int err;
    return process_alloc_nr(0, &err);
}

struct process *process_alloc_nr(int nr, int *err)
{
    struct process *p = kzalloc(sizeof(*p));
    *err = -EAGAIN;
    if (!p)
        return NULL;
    p->pid_ns = &root_pid_ns;
    p->pid = nr ? pid_alloc_nr(p->pid_ns, nr) : pid_alloc(p->pid_ns);
    if (p->pid < 0) {
        *err = nr ? p->pid : -EAGAIN;
        kfree(p);
        return NULL;
    }
    mutex_init(&p->lock);
    p->start_ns = clock_monotonic_ns();
    list_init(&p->threads);
    list_init(&p->children);
    list_init(&p->sibling);
    list_init(&p->all_node);
    wq_init(&p->child_wq);
    wq_init(&p->exec_wq);
    p->exit_signal = SIGCHLD;
    memcpy(p->rlim, default_rlimits, sizeof(p->rlim));
    proc_ctl_init(&p->ctl);
    return p;
}

/* Free a process that is not (or no longer) linked anywhere and holds no mm/files/fs. */
void process_free(struct process *p)
{
    if (p->cred)
        cred_put(p->cred);
    signal_process_free(p);
    pidfd_detach_locked(p);
    pid_free(p->pid_ns, p->pid);
    kfree(p);
}

void process_link_locked(struct process *p, struct process *parent)
{
    p->parent = parent;
    __atomic_store_n(&p->ppid, parent ? parent->pid : 0, __ATOMIC_RELAXED);
    if (parent)
        list_add_tail(&p->sibling, &parent->children);
    list_add_tail(&p->all_node, &all_procs);
}

struct thread *thread_alloc(struct process *p, int tid)
{
    struct thread *th = kzalloc(sizeof(*th));
    if (!th)
        return NULL;
    th->uctx = uctx_alloc();
    if (!th->uctx) {
        kfree(th);
        return NULL;
    }
    th->proc = p;
    th->tid = tid;
    list_init(&th->node);
    signal_init_thread(th, NULL, 0);
    return th;
}

bool thread_should_exit(void) { return thread_must_exit(thread_current()); }

#define CPU_CHECK_NS (10 * 1000 * 1000ULL)

/*
 * RLIMIT_CPU, checked at most every 10 ms on the way back to user mode (a
 * CPU-bound thread comes back on every tick): SIGXCPU at the soft limit,
 * which then moves up a second at a time towards the hard one; SIGKILL at
 * the hard limit. As Linux, both are SI_KERNEL signals to the process.
 */
static void check_cpu_limit(struct thread *th)
{
    struct process *p = th->proc;
    if (proc_rlimit(p, RLIMIT_CPU) == RLIM_INFINITY && p->rlim[RLIMIT_CPU].rlim_max == RLIM_INFINITY)
        return;
    uint64_t now = clock_monotonic_ns();
    if (now < __atomic_load_n(&p->cpu_check_ns, __ATOMIC_RELAXED))
        return;
    __atomic_store_n(&p->cpu_check_ns, now + CPU_CHECK_NS, __ATOMIC_RELAXED);
    uint64_t secs = proc_cpu_ns(p) / NSEC_PER_SEC;
    int sig = 0;
    mutex_lock(&p->lock);
    struct rlimit64 *l = &p->rlim[RLIMIT_CPU];
    if (l->rlim_max != RLIM_INFINITY && secs >= l->rlim_max) {
        sig = SIGKILL;
    } else if (l->rlim_cur != RLIM_INFINITY && secs >= l->rlim_cur) {
        sig = SIGXCPU;
        if (l->rlim_cur < l->rlim_max)
            l->rlim_cur++;
    }
    mutex_unlock(&p->lock);
    if (!sig)
        return;
    struct ksiginfo si = { .signo = sig, .code = SI_KERNEL };
    mutex_lock(&tasklist_lock);
    signal_send_proc_locked(p, &si);
    mutex_unlock(&tasklist_lock);
}

static void user_loop(struct thread *th)
{
    for (;;) {
        if (thread_must_exit(th))
            thread_exit(0);
        enum user_exit why = user_mode_run(th->uctx);
        long nr = -1;
        if (why == USER_EXIT_SYSCALL) {
            nr = (long)th->uctx->regs.rax;
            syscall_dispatch(th->uctx);
        } else if (why == USER_EXIT_EXCEPTION) {
            user_exception(th);
        }
        if (task_need_resched())
            task_yield();
        check_cpu_limit(th);
        signal_return_to_user(th, nr);
    }
}

static void thread_main(void *arg)
{
    struct thread *th = arg;
    task_set_data(task_current(), th);
    mutex_lock(&th->proc->lock);
    th->task = task_current();
    mutex_unlock(&th->proc->lock);
    task_set_vm_space(th->proc->mm->vs);
    if (th->set_child_tid) {
        int tid = th->tid;
        (void)!copy_to_user(uptr(th->set_child_tid), &tid, sizeof(tid));
    }
    user_loop(th);
}

int thread_start(struct thread *th)
{
    /* th belongs to the new task from here on: it sets th->task itself and may exit at once. */
    return task_spawn(th->proc->comm, thread_main, th, -1) ? 0 : -ENOMEM;
}

struct init_req {
    const char *path;
    char *const *argv;
    char *const *envp;
    struct thread *th;
};

/* Runs as init's first thread: load the program, then enter user mode. */
static void init_thread_main(void *arg)
{
    struct init_req *req = arg;
    struct thread *th = req->th;
    task_set_data(task_current(), th);
    struct exec_req er = { .dirfd = AT_FDCWD, .path = req->path, .filename = req->path };
    int r = exec_file(th->proc, th->uctx, &er, req->argv, req->envp);
    if (r)
        panic("No working init found (exec of %s returned %d)", req->path, r);
    kfree(req);
    user_loop(th);
}

int process_spawn_init(const char *path, char *const argv[], char *const envp[])
{
    futex_init();
    struct process *p = process_alloc();
    if (!p)
        return -ENOMEM;
    p->files = files_create();
    p->fs = fs_context_create();
    p->cred = cred_root();
    p->mm = mm_create();
    if (signal_init_process(p))
        return -ENOMEM;
    struct thread *th = thread_alloc(p, p->pid);
    struct init_req *req = kzalloc(sizeof(*req));
    if (!p->files || !p->fs || !p->cred || !p->mm || !th || !req || files_open_console(p->files))
        return -ENOMEM;   /* at boot: the caller panics */
    const char *base = strrchr(path, '/');
    strlcpy(p->comm, base ? base + 1 : path, sizeof(p->comm));
    list_add_tail(&th->node, &p->threads);
    p->nr_threads = 1;
    signal_thread_attach(th);
    /* Like Linux, init starts in session 0 and process group 0 (those of the idle task). */
    mutex_lock(&tasklist_lock);
    process_link_locked(p, NULL);
    mutex_unlock(&tasklist_lock);
    *req = (struct init_req){ path, argv, envp, th };
    th->task = task_spawn(p->comm, init_thread_main, req, -1);
    if (!th->task)
        return -ENOMEM;
    return p->pid;
}
