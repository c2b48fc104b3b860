// SPDX-License-Identifier: MPL-2.0
// Processes (thread groups) and their threads: the state process syscalls act on.
#ifndef KEEL_PROC_PROCESS_H
#define KEEL_PROC_PROCESS_H

#include <ostd/types.h>
#include <ostd/sync.h>
#include <ostd/list.h>
#include <ostd/task.h>
#include <uapi/resource.h>
#include "signal/sigtypes.h"
#include "sys/proc_ctl.h"

struct user_context;
struct task;
struct mm;
struct files;
struct fs_context;
struct cred;
struct pid_ns;
struct vfork_wait;
struct pidfd_ref;

enum proc_state { PROC_ALIVE, PROC_ZOMBIE };

/*
 * Lock order: tasklist_lock -> process.lock -> mm.lock. tasklist_lock guards
 * the process tree (parent, children, sibling, all_node), pgid/sid, state and
 * the accumulated child times; process.lock guards the rest that changes.
 */
struct process {
    int pid;                        /* in pid_ns; immutable */
    struct pid_ns *pid_ns;
    struct mutex lock;
    char comm[16];                  /* guarded by lock */
    struct list_head threads;       /* guarded by lock */
    int nr_threads;                 /* guarded by lock */
    bool group_exit;                /* guarded by lock; read racily by the user loop */
    int exit_status;                /* wait status, guarded by lock until the process is a zombie */
    bool did_exec;                  /* guarded by lock */
    struct mm *mm;                  /* guarded by lock; NULL once the process has exited */
    struct files *files;            /* descriptor table (fs/vfs.h), guarded by lock */
    struct fs_context *fs;          /* root, cwd, umask (fs/vfs.h), guarded by lock */
    struct cred *cred;              /* guarded by lock: replaced, never changed in place */
    struct rlimit64 rlim[RLIM_NLIMITS];   /* guarded by lock */
    struct vfork_wait *vfork;       /* guarded by lock: the parent waiting for our exec/exit */
    struct thread *exec_thread;     /* guarded by lock: the thread in execve that ends all others */
    struct waitqueue exec_wq;       /* exec_thread sleeps here until it is the only thread */

    struct process *parent;         /* guarded by tasklist_lock */
    int ppid;                       /* parent->pid, 0 without one: written with parent, read atomically without a lock */
    struct list_head children;      /* guarded by tasklist_lock */
    struct list_head sibling;       /* in parent->children */
    struct list_head all_node;      /* in the list of all processes */
    int pgid, sid;                  /* guarded by tasklist_lock */
    int tty_old_pgrp;               /* a leader's: the foreground group of the terminal its session lost
                                       to a hang-up, signalled at its exit; guarded by tasklist_lock */
    enum proc_state state;          /* guarded by tasklist_lock */
    int exit_signal;                /* signal for the parent at exit (SIGCHLD, or another for clone children); guarded by tasklist_lock */
    uint64_t runtime_ns;            /* CPU time of exited threads; guarded by lock */
    uint64_t child_runtime_ns;      /* of reaped children; guarded by tasklist_lock */
    uint64_t utime_ns;              /* the user-mode part of runtime_ns; guarded by lock */
    uint64_t child_utime_ns;        /* the user-mode part of child_runtime_ns; guarded by tasklist_lock */
    uint64_t min_flt;               /* page faults of exited threads; guarded by lock */
    uint64_t maxrss;                /* peak resident pages of address spaces left (exec, exit); guarded by lock */
    uint64_t child_min_flt;         /* of reaped children (and theirs); guarded by tasklist_lock */
    uint64_t child_maxrss;          /* largest peak of reaped children (and theirs), pages; guarded by tasklist_lock */

    /* What procfs shows (cmdline, environ, exe, stat); set at exec, copied at fork. */
    char *cmdline, *environ;        /* guarded by lock: NUL-terminated strings back to back */
    size_t cmdline_len, environ_len;
    struct file *exe_file;          /* guarded by lock: the executable (a reference), or NULL */
    uint64_t start_ns;              /* monotonic time of creation; immutable */
    int oom_score_adj;              /* guarded by lock */
    uint64_t oom_kill_ns;           /* guarded by lock: when the OOM killer chose it (monotonic), 0 = never */
    struct pidfd_ref *pidfd_ref;    /* guarded by tasklist_lock: what open pidfds share, or NULL */
    uint64_t cpu_check_ns;          /* next RLIMIT_CPU check (monotonic); racy hint, owner threads */
    struct proc_ctl ctl;            /* nice, affinity, prctl state: locking in sys/proc_ctl.h */

    struct waitqueue child_wq;      /* wait4 sleeps here; woken when a child changes state */
    uint32_t child_gen;             /* atomic: bumped on each child state change */

    struct sighand *sighand;        /* signal actions; replaced only by exec while single-threaded */
    struct proc_signal sig;         /* pending set, stop state, itimer (signal/sigtypes.h) */
    int wait_stop_status;           /* guarded by tasklist_lock: unreported stop (WUNTRACED), 0 = none */
    bool wait_continued;            /* guarded by tasklist_lock: unreported continue (WCONTINUED) */
};

struct thread {
    int tid;
    struct process *proc;
    struct user_context *uctx;
    struct task *task;              /* set by the thread itself when it starts; guarded by proc->lock */
    struct list_head node;          /* in proc->threads, guarded by proc->lock */
    uint64_t clear_child_tid;       /* set_tid_address / CLONE_CHILD_CLEARTID; owner thread only */
    uint64_t set_child_tid;         /* CLONE_CHILD_SETTID, written by the child when it first runs */
    uint64_t robust_list;           /* set_robust_list head (user address); written by the owner, read atomically */
    struct thread_signal sig;       /* mask, pending set, altstack (signal/sigtypes.h) */
    uint64_t min_flt;               /* page faults resolved (ru_minflt); atomic, incremented by the owner */
};

extern struct mutex tasklist_lock;

/* Soft limit res of p (RLIM_INFINITY: none); read without p->lock, as limits are enforced. */
static inline uint64_t proc_rlimit(struct process *p, unsigned res)
{
    return __atomic_load_n(&p->rlim[res].rlim_cur, __ATOMIC_RELAXED);
}

/* CPU time of p: its exited threads plus the live ones (takes p->lock). */
uint64_t proc_cpu_ns(struct process *p);
/* The same, total and user-mode part (system = total - user); p->lock held. */
void proc_cpu_times_locked(struct process *p, uint64_t *total, uint64_t *user);

/* The thread of the calling task (NULL for pure kernel tasks). */
static inline struct thread *thread_current(void) { return task_current_data(); }
static inline struct process *current_proc(void) { return thread_current()->proc; }
/* The calling process's address space. */
struct mm *current_mm(void);

/* Find a live or zombie process by pid; tasklist_lock held. */
struct process *proc_find_locked(int pid);

/* The smallest pid > after among live and zombie processes, or -1; tasklist_lock held. */
int proc_next_pid_locked(int after);

/* fork: copy procfs data (cmdline, environ, exe) from p to np; p->lock held. 0 or -ENOMEM. */
int proc_copy_exec_info_locked(struct process *np, struct process *p) __must_check;
/* Drop what proc_copy_exec_info_locked or exec set; at exit. */
void proc_free_exec_info(struct process *p);
/* Iterate over all processes: the one after prev (NULL: the first); tasklist_lock held. */
struct process *proc_next_locked(struct process *prev);
/* Thread tid of p, or NULL; p->lock held. */
struct thread *thread_find_locked(struct process *p, int tid);

/* Does process group pgid exist (in session sid; sid < 0: any)? tasklist_lock held. */
bool proc_pgrp_exists_locked(int pgid, int sid);
/*
 * gone is exiting (its children already re-parented): if that leaves group
 * pgid orphaned with a stopped member, send the group SIGHUP then SIGCONT.
 * tasklist_lock held.
 */
void proc_orphan_group_check_locked(int pgid, const struct process *gone);

/* Create init (pid 1) running the executable at path, with fds 0-2 on the console. */
int process_spawn_init(const char *path, char *const argv[], char *const envp[]);

/* Allocate a process / thread skeleton (not yet visible anywhere). */
struct process *process_alloc(void) __must_check;
/* The same with pid nr (0: any); on failure *err is -EAGAIN, -EINVAL or -EEXIST. */
struct process *process_alloc_nr(int nr, int *err) __must_check;
void process_free(struct process *p);
struct thread *thread_alloc(struct process *p, int tid) __must_check;
/* Put p into the process tree under parent (NULL for init); tasklist_lock held. */
void process_link_locked(struct process *p, struct process *parent);
/* Start th running user code on its own task. Returns 0 or -ENOMEM. */
int thread_start(struct thread *th) __must_check;

/* The calling thread ends; the last one out makes the process a zombie. */
__noreturn void thread_exit(int wait_status);
/* Terminate every thread of the calling process with a wait status (exit_group, fatal faults). */
__noreturn void process_exit(int wait_status);
/* execve: end every other thread of the caller's process; the caller takes over the pid. 0 or -EINTR. */
int proc_kill_other_threads(void) __must_check;
/* True when the calling thread must stop what it waits for and exit. */
bool thread_should_exit(void);
/* The same for th, which must be the calling thread (saves looking it up on the return path). */
static inline bool thread_must_exit(struct thread *th)
{
    struct process *p = th->proc;
    if (__atomic_load_n(&p->group_exit, __ATOMIC_ACQUIRE))
        return true;
    struct thread *ex = __atomic_load_n(&p->exec_thread, __ATOMIC_ACQUIRE);
    return ex && ex != th;
}

/* Wake a parent sleeping in vfork; called at exec and at exit. */
void vfork_release(struct process *p);

/* Reap a zombie child (tasklist_lock held): unlink it and free it. */
void proc_reap_locked(struct process *child);

/* Futex wake used by thread exit (CLONE_CHILD_CLEARTID); returns the number woken. */
int futex_wake_addr(uint64_t uaddr, int n);

#endif
