// SPDX-License-Identifier: MPL-2.0
// procfs per-process files: /proc/PID/{stat,status,cmdline,comm,exe,cwd,root,fd/,...} and task/TID/.
#include <ostd/time.h>
#include <ostd/heap.h>
#include <lib/format.h>
#include <lib/string.h>
#include <uapi/mount.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/procfs/procfs.h"
#include "fs/namei.h"
#include "fs/vfs.h"
#include "proc/process.h"
#include "proc/cred.h"
#include "mm/mm.h"

#define USER_HZ 100

static uint64_t ns_to_ticks(uint64_t ns) { return ns / (1000000000ull / USER_HZ); }

/* Per-process numbers gathered under the locks, formatted afterwards. */
struct pinfo {
    int pid, ppid, pgid, sid, nr_threads, exit_signal, nice;
    char comm[16];
    char state;
    uint64_t start_ticks, locked, runtime_ns, utime_ns, child_runtime_ns, child_utime_ns;
    struct mm_usage mu;
    uint32_t uid, euid, suid, fsuid, gid, egid, sgid, fsgid;
    unsigned fd_max;
};

static int pinfo_get(int64_t pid, struct pinfo *pi)
{
    struct process *p = proc_lock(pid, false);
    if (!p)
        return -ESRCH;
    memset(pi, 0, sizeof(*pi));
    pi->pid = p->pid;
    pi->ppid = p->parent ? p->parent->pid : 0;
    pi->pgid = p->pgid;
    pi->sid = p->sid;
    pi->nr_threads = p->nr_threads;
    pi->exit_signal = p->exit_signal;
    pi->nice = p->ctl.nice;
    memcpy(pi->comm, p->comm, sizeof(pi->comm));
    pi->comm[15] = 0;
    pi->state = p->state == PROC_ZOMBIE ? 'Z' : p == current_proc() ? 'R' : 'S';
    pi->start_ticks = ns_to_ticks(p->start_ns);
    mm_get_usage(p->mm, &pi->mu);
    pi->locked = p->mm ? mm_locked_bytes(p->mm) : 0;
    proc_cpu_times_locked(p, &pi->runtime_ns, &pi->utime_ns);
    pi->child_runtime_ns = p->child_runtime_ns;     /* proc_lock holds tasklist_lock too */
    pi->child_utime_ns = MIN(p->child_utime_ns, p->child_runtime_ns);
    if (p->cred) {
        const struct cred *c = p->cred;
        pi->uid = c->uid, pi->euid = c->euid, pi->suid = c->suid, pi->fsuid = c->fsuid;
        pi->gid = c->gid, pi->egid = c->egid, pi->sgid = c->sgid, pi->fsgid = c->fsgid;
    }
    pi->fd_max = p->files ? p->files->max : 0;
    proc_unlock(p);
    return 0;
}

/* FIXME: rss counts mapped virtual pages, not resident ones. */
static int show_stat(struct pbuf *b, const struct inode *ino)
{
    struct pinfo pi;
    int r = pinfo_get(ino->fs_id, &pi);
    if (r)
        return r;
    uint64_t ut = ns_to_ticks(pi.utime_ns), st = ns_to_ticks(pi.runtime_ns - pi.utime_ns);
    uint64_t cut = ns_to_ticks(pi.child_utime_ns), cst = ns_to_ticks(pi.child_runtime_ns - pi.child_utime_ns);
    pb_printf(b, "%d (%s) %c %d %d %d 0 -1 %u 0 0 0 0 %llu %llu %llu %llu %d %d %d 0 %llu %llu %llu ",
              pi.pid, pi.comm, pi.state, pi.ppid, pi.pgid, pi.sid, 0x400000u,
              (unsigned long long)ut, (unsigned long long)st, (unsigned long long)cut,
              (unsigned long long)cst, 20 + pi.nice, pi.nice, pi.nr_threads,
              (unsigned long long)pi.start_ticks, (unsigned long long)pi.mu.size,
              (unsigned long long)(pi.mu.rss / 4096));
    pb_printf(b, "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 %d 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
              pi.exit_signal);
    return 0;
}

static int show_status(struct pbuf *b, const struct inode *ino)
{
    struct pinfo pi;
    int r = pinfo_get(ino->fs_id, &pi);
    if (r)
        return r;
    static const char *const names[] = { ['R'] = "R (running)", ['S'] = "S (sleeping)", ['Z'] = "Z (zombie)" };
    pb_printf(b, "Name:\t%s\nUmask:\t0022\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
              "TracerPid:\t0\n", pi.comm, names[(unsigned char)pi.state], pi.pid, pi.pid, pi.ppid);
    pb_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%u\nGroups:\t\n",
              pi.uid, pi.euid, pi.suid, pi.fsuid, pi.gid, pi.egid, pi.sgid, pi.fsgid, pi.fd_max);
    pb_printf(b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", pi.pid, pi.pid, pi.pgid, pi.sid);
    /* FIXME: VmPeak is the current size: the peak of the mapped size is not tracked. */
    pb_printf(b, "VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\nVmLck:\t%8llu kB\nVmHWM:\t%8llu kB\nVmRSS:\t%8llu kB\n",
              (unsigned long long)pi.mu.size / 1024, (unsigned long long)pi.mu.size / 1024,
              (unsigned long long)pi.locked / 1024, (unsigned long long)pi.mu.hwm / 1024,
              (unsigned long long)pi.mu.rss / 1024);
    pb_printf(b, "VmData:\t%8llu kB\nVmStk:\t%8llu kB\nThreads:\t%d\n", (unsigned long long)pi.mu.data / 1024,
              (unsigned long long)pi.mu.stack / 1024, pi.nr_threads);
    pb_printf(b, "SigQ:\t0/15000\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
              "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n"
              "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n"
              "Cpus_allowed_list:\t0\n");
    return 0;
}

static int show_blob(struct pbuf *b, const struct inode *ino, bool env)
{
    struct process *p = proc_lock(ino->fs_id, false);
    if (!p)
        return -ESRCH;
    if (env && p->environ)
        pb_write(b, p->environ, p->environ_len);
    else if (!env && p->cmdline)
        pb_write(b, p->cmdline, p->cmdline_len);
    proc_unlock(p);
    return 0;
}

static int show_cmdline(struct pbuf *b, const struct inode *ino) { return show_blob(b, ino, false); }
static int show_environ(struct pbuf *b, const struct inode *ino) { return show_blob(b, ino, true); }

static int show_comm(struct pbuf *b, const struct inode *ino)
{
    struct pinfo pi;
    int r = pinfo_get(ino->fs_id, &pi);
    if (!r)
        pb_printf(b, "%s\n", pi.comm);
    return r;
}

static long store_comm(const struct inode *ino, const char *buf, size_t len)
{
    struct process *p = proc_lock(ino->fs_id, false);
    if (!p)
        return -ESRCH;
    size_t n = MIN(len, sizeof(p->comm) - 1);
    if (n && buf[n - 1] == '\n')
        n--;
    memset(p->comm, 0, sizeof(p->comm));
    memcpy(p->comm, buf, n);
    proc_unlock(p);
    return (long)len;
}

static int show_oom(struct pbuf *b, const struct inode *ino)
{
    struct process *p = proc_lock(ino->fs_id, false);
    if (!p)
        return -ESRCH;
    pb_printf(b, "%d\n", p->oom_score_adj);
    proc_unlock(p);
    return 0;
}

static long store_oom(const struct inode *ino, const char *buf, size_t len)
{
    long v = 0;
    size_t i = 0;
    bool neg = len && buf[0] == '-';
    for (i = neg; i < len && buf[i] >= '0' && buf[i] <= '9' && v <= 1000; i++)
        v = v * 10 + (buf[i] - '0');
    while (i < len && (buf[i] == '\n' || buf[i] == ' '))
        i++;
    if (i != len || len == (size_t)neg || v > 1000)
        return -EINVAL;
    struct process *p = proc_lock(ino->fs_id, false);
    if (!p)
        return -ESRCH;
    p->oom_score_adj = (int)(neg ? -v : v);
    proc_unlock(p);
    return (long)len;
}

static int show_cgroup(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    pb_printf(b, "0::/\n");     /* FIXME: the cgroup issue gives processes their own cgroup */
    return 0;
}

static int show_limits(struct pbuf *b, const struct inode *ino)
{
    static const char *const names[RLIM_NLIMITS] = {
        "Max cpu time", "Max file size", "Max data size", "Max stack size", "Max core file size",
        "Max resident set", "Max processes", "Max open files", "Max locked memory",
        "Max address space", "Max file locks", "Max pending signals", "Max msgqueue size",
        "Max nice priority", "Max realtime priority", "Max realtime timeout" };
    static const char *const units[RLIM_NLIMITS] = { "seconds", "bytes", "bytes", "bytes", "bytes",
        "bytes", "processes", "files", "bytes", "bytes", "locks", "signals", "bytes", "", "", "us" };
    struct process *p = proc_lock(ino->fs_id, false);
    if (!p)
        return -ESRCH;
    struct rlimit64 rl[RLIM_NLIMITS];
    memcpy(rl, p->rlim, sizeof(rl));
    proc_unlock(p);
    pb_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
    for (int i = 0; i < RLIM_NLIMITS; i++) {
        char s[24], h[24];
        ksnprintf(s, sizeof(s), rl[i].rlim_cur == RLIM_INFINITY ? "unlimited" : "%llu",
                  (unsigned long long)rl[i].rlim_cur);
        ksnprintf(h, sizeof(h), rl[i].rlim_max == RLIM_INFINITY ? "unlimited" : "%llu",
                  (unsigned long long)rl[i].rlim_max);
        pb_printf(b, "%-25s %-20s %-20s %-10s\n", names[i], s, h, units[i]);
    }
    return 0;
}

/* The bracketed name /proc/PID/maps gives a special mapping, or "". */
static const char *vma_name(const struct vma *v)
{
    if (v->flags & VMA_VDSO)
        return "[vdso]";
    if (v->flags & VMA_VVAR)
        return "[vvar]";
    if (v->flags & VMA_STACK)
        return "[stack]";
    if (v->flags & VMA_BRK)
        return "[heap]";
    return "";
}

static int show_maps(struct pbuf *b, const struct inode *ino)
{
    struct process *p = proc_lock(ino->fs_id, false);
    if (!p)
        return -ESRCH;
    struct mm *mm = p->mm;
    if (mm) {
        mutex_lock(&mm->lock);
        struct list_head *l;
        list_for_each(l, &mm->vmas) {
            struct vma *v = list_entry(l, struct vma, node);
            char line[96];
            ksnprintf(line, sizeof(line), "%08llx-%08llx %c%c%c%c %08llx 00:00 0",
                      (unsigned long long)v->start, (unsigned long long)v->end,
                      v->prot & 1 ? 'r' : '-', v->prot & 2 ? 'w' : '-', v->prot & 4 ? 'x' : '-',
                      (v->shm && !(v->flags & (VMA_VDSO | VMA_VVAR))) ? 's' : 'p',
                      (unsigned long long)v->file_off);
            const char *name = vma_name(v);
            /* As Linux, a name starts at column 73, after the padded fields. */
            if (*name)
                pb_printf(b, "%-72s %s\n", line, name);
            else
                pb_printf(b, "%s\n", line);
        }
        mutex_unlock(&mm->lock);
    }
    proc_unlock(p);
    return 0;   /* FIXME: file names and inode numbers of file mappings */
}

static int show_mounts(struct pbuf *b, const struct inode *ino) { (void)ino; return proc_show_mounts(b, false); }
static int show_mountinfo(struct pbuf *b, const struct inode *ino) { (void)ino; return proc_show_mounts(b, true); }

static int show_idmap(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    pb_printf(b, "%10u %10u %10u\n", 0u, 0u, 4294967295u);  /* the initial user namespace */
    return 0;
}

static int show_setgroups(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    pb_printf(b, "allow\n");
    return 0;
}

/* Links. vfs_lock is held: processes are locked with a trylock (see proc_lock). */

/* An unlinked file (memfds too) shows as its old path plus " (deleted)", as Linux. */
static long deleted_link(const struct path *p, char *buf, size_t size)
{
    struct dentry *d = p->dentry;
    struct path parent = { p->mnt, d->parent };
    long n = d->parent ? path_to_string_locked(&parent, &current_fs()->root, buf, size) : -ENOENT;
    if (n < 0)
        return ksnprintf(buf, size, "%s (deleted)", d->name);
    return n + ksnprintf(buf + n, size - (size_t)n, "%s%s (deleted)", n > 1 ? "/" : "", d->name);
}

static long file_link(struct file *f, char *buf, size_t size, struct file **target)
{
    long n;
    if (!f->path.dentry) {
        n = ksnprintf(buf, size, "%s:[%llu]", S_ISFIFO(f->inode->mode) ? "pipe" : S_ISSOCK(f->inode->mode) ? "socket" : "anon_inode",
                      (unsigned long long)f->inode->ino);
    } else {
        n = path_to_string_locked(&f->path, &current_fs()->root, buf, size);
        if (n == -ENOENT)
            n = deleted_link(&f->path, buf, size);
    }
    if (n >= 0 && (size_t)n >= size)
        n = -ENAMETOOLONG;
    if (n >= 0)
        *target = f;
    else
        file_put(f);
    return n;
}

static long link_fd(const struct inode *ino, char *buf, size_t size, struct file **target)
{
    struct process *p = proc_lock(ino->fs_id, true);
    if (!p)
        return -ENOENT;
    struct files *ft = p->files;
    struct file *f = NULL;
    if (ft) {
        mutex_lock(&ft->lock);
        if (ino->fs_id2 >= 0 && (uint64_t)ino->fs_id2 < ft->max && (f = ft->fd[ino->fs_id2]))
            file_get(f);
        mutex_unlock(&ft->lock);
    }
    proc_unlock(p);
    return f ? file_link(f, buf, size, target) : -ENOENT;
}

static long link_exe(const struct inode *ino, char *buf, size_t size, struct file **target)
{
    struct process *p = proc_lock(ino->fs_id, true);
    if (!p)
        return -ENOENT;
    struct file *f = p->exe_file;
    if (f)
        file_get(f);
    proc_unlock(p);
    return f ? file_link(f, buf, size, target) : -ENOENT;
}

/* cwd and root: not files, so the walk re-resolves the printed path. FIXME: jump to the path itself. */
static long link_fs(const struct inode *ino, char *buf, size_t size, bool root)
{
    struct process *p = proc_lock(ino->fs_id, true);
    if (!p)
        return -ENOENT;
    long n = -ENOENT;
    if (p->fs)
        n = path_to_string_locked(root ? &p->fs->root : &p->fs->cwd, &current_fs()->root, buf, size);
    proc_unlock(p);
    return n;
}

static long link_cwd(const struct inode *ino, char *buf, size_t size, struct file **t)
{
    (void)t;
    return link_fs(ino, buf, size, false);
}

static long link_root(const struct inode *ino, char *buf, size_t size, struct file **t)
{
    (void)t;
    return link_fs(ino, buf, size, true);
}

/* fd/ and fdinfo/: one name per open descriptor. */

static bool fd_is_open(int64_t pid, int64_t fd)
{
    struct process *p = proc_lock(pid, true);
    bool open = false;
    if (p && p->files) {
        mutex_lock(&p->files->lock);
        open = fd >= 0 && (uint64_t)fd < p->files->max && p->files->fd[fd];
        mutex_unlock(&p->files->lock);
    }
    if (p)
        proc_unlock(p);
    return open;
}

static bool keep_fd(struct dentry *d) { return fd_is_open(d->inode->fs_id, d->inode->fs_id2); }

static const struct proc_entry fd_link_entry = { "", S_IFLNK | 0700, .link = link_fd };
static int show_fdinfo(struct pbuf *b, const struct inode *ino);
static const struct proc_entry fdinfo_entry = { "", S_IFREG | 0444, .show = show_fdinfo };

static struct dentry *fd_lookup_in(struct dentry *dir, const char *name, size_t len, const struct proc_entry *e)
{
    int64_t fd;
    struct dentry *d = dentry_lookup_locked(dir, name, len);
    if (!proc_name_num(name, len, &fd) || !fd_is_open(dir->inode->fs_id, fd)) {
        if (d && !d->mounted)
            dentry_remove_locked(d);
        return NULL;
    }
    return d ? d : proc_add_locked(dir, e, dir->inode->fs_id, fd, name, len);
}

static void fd_revalidate_in(struct dentry *dir, const struct proc_entry *e)
{
    proc_prune_locked(dir, keep_fd);
    struct process *p = proc_lock(dir->inode->fs_id, true);
    if (!p || !p->files) {
        if (p)
            proc_unlock(p);
        return;
    }
    unsigned max = p->files->max;
    proc_unlock(p);
    for (unsigned fd = 0; fd < max; fd++) {
        char name[12];
        int n = ksnprintf(name, sizeof(name), "%u", fd);
        if (fd_is_open(dir->inode->fs_id, fd) && !dentry_lookup_locked(dir, name, (size_t)n))
            (void)proc_add_locked(dir, e, dir->inode->fs_id, fd, name, (size_t)n);
    }
}

static struct dentry *fd_lookup(struct dentry *dir, const char *n, size_t l) { return fd_lookup_in(dir, n, l, &fd_link_entry); }
static void fd_revalidate(struct dentry *dir) { fd_revalidate_in(dir, &fd_link_entry); }
static struct dentry *fdinfo_lookup(struct dentry *dir, const char *n, size_t l) { return fd_lookup_in(dir, n, l, &fdinfo_entry); }
static void fdinfo_revalidate(struct dentry *dir) { fd_revalidate_in(dir, &fdinfo_entry); }
static const struct inode_ops fd_iops = { .lookup = fd_lookup, .revalidate = fd_revalidate };
static const struct inode_ops fdinfo_iops = { .lookup = fdinfo_lookup, .revalidate = fdinfo_revalidate };

static int show_fdinfo(struct pbuf *b, const struct inode *ino)
{
    struct process *p = proc_lock(ino->fs_id, false);
    struct file *f = NULL;
    if (p && p->files) {
        mutex_lock(&p->files->lock);
        if ((uint64_t)ino->fs_id2 < p->files->max && (f = p->files->fd[ino->fs_id2]))
            file_get(f);
        mutex_unlock(&p->files->lock);
    }
    if (p)
        proc_unlock(p);
    if (!f)
        return -ENOENT;
    pb_printf(b, "pos:\t%llu\nflags:\t0%o\nmnt_id:\t%d\nino:\t%llu\n", (unsigned long long)f->pos,
              f->flags, f->path.mnt ? f->path.mnt->id : 0, (unsigned long long)f->inode->ino);
    file_put(f);
    return 0;
}

/* task/: the threads of the process (by tid). */

static bool tid_alive(int64_t pid, int64_t tid)
{
    struct process *p = proc_lock(pid, true);
    bool found = false;
    if (!p)
        return false;
    struct list_head *l;
    list_for_each(l, &p->threads)
        found |= list_entry(l, struct thread, node)->tid == tid;
    found |= p->state == PROC_ZOMBIE && tid == pid;
    proc_unlock(p);
    return found;
}

static bool keep_tid(struct dentry *d) { return tid_alive(d->inode->fs_id, d->inode->fs_id2); }

static struct dentry *task_lookup(struct dentry *dir, const char *name, size_t len)
{
    int64_t tid;
    struct dentry *d = dentry_lookup_locked(dir, name, len);
    if (!proc_name_num(name, len, &tid) || !tid_alive(dir->inode->fs_id, tid)) {
        if (d && !d->mounted)
            dentry_remove_tree_locked(d);     /* with its files */
        return NULL;
    }
    return d ? d : proc_add_locked(dir, &proc_tid_dir_entry, dir->inode->fs_id, tid, name, len);
}

static void task_revalidate(struct dentry *dir)
{
    proc_prune_locked(dir, keep_tid);
    int tids[64];
    int n = 0;
    struct process *p = proc_lock(dir->inode->fs_id, true);
    if (!p)
        return;
    struct list_head *l;
    list_for_each(l, &p->threads)
        if (n < 64)
            tids[n++] = list_entry(l, struct thread, node)->tid;   /* FIXME: more than 64 threads */
    proc_unlock(p);
    for (int i = 0; i < n; i++) {
        char name[12];
        int len = ksnprintf(name, sizeof(name), "%d", tids[i]);
        (void)task_lookup(dir, name, (size_t)len);
    }
}

static const struct inode_ops task_iops = { .lookup = task_lookup, .revalidate = task_revalidate };

static const struct proc_entry tid_entries[] = {
    { "stat", S_IFREG | 0444, .show = show_stat },
    { "status", S_IFREG | 0444, .show = show_status },
    { "comm", S_IFREG | 0644, .show = show_comm, .store = store_comm },
    { "cmdline", S_IFREG | 0444, .show = show_cmdline },
    { .name = NULL },
};

const struct proc_entry proc_tid_dir_entry = { "", S_IFDIR | 0555, .children = tid_entries, .iops = &proc_static_iops };

static const struct proc_entry pid_entries[] = {
    { "stat", S_IFREG | 0444, .show = show_stat },
    { "status", S_IFREG | 0444, .show = show_status },
    { "cmdline", S_IFREG | 0444, .show = show_cmdline },
    { "environ", S_IFREG | 0400, .show = show_environ },
    { "comm", S_IFREG | 0644, .show = show_comm, .store = store_comm },
    { "exe", S_IFLNK | 0777, .link = link_exe },
    { "cwd", S_IFLNK | 0777, .link = link_cwd },
    { "root", S_IFLNK | 0777, .link = link_root },
    { "fd", S_IFDIR | 0500, .iops = &fd_iops },
    { "fdinfo", S_IFDIR | 0500, .iops = &fdinfo_iops },
    { "task", S_IFDIR | 0555, .iops = &task_iops },
    { "maps", S_IFREG | 0444, .show = show_maps },
    { "mounts", S_IFREG | 0444, .show = show_mounts },
    { "mountinfo", S_IFREG | 0444, .show = show_mountinfo },
    { "cgroup", S_IFREG | 0444, .show = show_cgroup },
    { "limits", S_IFREG | 0444, .show = show_limits },
    { "oom_score_adj", S_IFREG | 0644, .show = show_oom, .store = store_oom },
    { "uid_map", S_IFREG | 0644, .show = show_idmap },
    { "gid_map", S_IFREG | 0644, .show = show_idmap },
    { "setgroups", S_IFREG | 0644, .show = show_setgroups },
    { .name = NULL },
};

const struct proc_entry proc_pid_dir_entry = { "", S_IFDIR | 0555, .children = pid_entries, .iops = &proc_static_iops };
