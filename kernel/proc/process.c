// SPDX-License-Identifier: MPL-2.0
// Process creation, the per-thread user-mode loop, and process exit.
#include <ostd/task.h>
#include <ostd/heap.h>
#include <ostd/user.h>
#include <ostd/vm_space.h>
#include <ostd/console.h>
#include <ostd/panic.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "proc/process.h"
#include "proc/exec.h"
#include "proc/fault.h"
#include "syscall/syscall.h"
#include "fs/vfs.h"

static int next_pid = 1;   /* FIXME: a real PID allocator with reuse arrives with fork (Processes issue) */

struct thread *thread_current(void) { return task_data(task_current()); }

static void user_loop(void *arg)
{
    struct thread *th = arg;
    for (;;) {
        enum user_exit why = user_mode_run(th->uctx);
        if (why == USER_EXIT_SYSCALL)
            syscall_dispatch(th->uctx);
        else if (why == USER_EXIT_EXCEPTION)
            user_exception(th);
        if (task_need_resched())
            task_yield();
    }
}

struct spawn_req {
    const char *path;
    char *const *argv;
    char *const *envp;
    struct thread *th;
    int result;
};

static struct thread *thread_new(struct process *p)
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
    th->tid = p->pid;
    return th;
}

static struct process *process_new(const char *path)
{
    struct process *p = kzalloc(sizeof(*p));
    if (!p)
        return NULL;
    p->vs = vm_space_create();
    if (!p->vs) {
        kfree(p);
        return NULL;
    }
    mutex_init(&p->lock);
    p->pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
    const char *base = strrchr(path, '/');
    strlcpy(p->comm, base ? base + 1 : path, sizeof(p->comm));
    return p;
}

/* Runs as the new process's first thread: load the program, then enter user mode. */
static void init_thread_main(void *arg)
{
    struct spawn_req *req = arg;
    struct thread *th = req->th;
    task_set_data(task_current(), th);
    task_set_vm_space(th->proc->vs);
    int r = exec_file(th->proc->vs, th->uctx, req->path, req->argv, req->envp);
    if (r) {
        pr_err("exec %s failed: %d\n", req->path, r);
        panic("No working init found (exec of %s returned %d)", req->path, r);
    }
    user_loop(th);
}

int process_spawn_init(const char *path, char *const argv[], char *const envp[])
{
    struct process *p = process_new(path);
    if (!p)
        return -ENOMEM;
    p->files = files_create();
    p->fs = fs_context_create();
    if (!p->files || !p->fs || files_open_console(p->files))
        return -ENOMEM;
    struct thread *th = thread_new(p);
    struct spawn_req *req = kzalloc(sizeof(*req));
    if (!th || !req) {
        kfree(th);
        kfree(req);
        vm_space_put(p->vs);
        kfree(p);
        return -ENOMEM;
    }
    *req = (struct spawn_req){ path, argv, envp, th, 0 };
    th->task = task_spawn(p->comm, init_thread_main, req, -1);
    if (!th->task)
        return -ENOMEM;
    return p->pid;
}

void process_exit(int wait_status)
{
    struct thread *th = thread_current();
    struct process *p = th->proc;
    mutex_lock(&p->lock);
    p->exiting = true;
    p->exit_status = wait_status;
    mutex_unlock(&p->lock);
    if (p->pid == 1)
        panic("Attempted to kill init! exitcode=%#06x", wait_status);
    /* FIXME: parents, wait4 and zombies arrive with the Processes issue */
    task_exit();
}
