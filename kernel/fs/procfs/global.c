// SPDX-License-Identifier: MPL-2.0
// procfs top level: PID directories, self links, and the global files (meminfo, uptime, sys/...).
#include <ostd/boot.h>
#include <ostd/frame.h>
#include <ostd/time.h>
#include <ostd/cpu.h>
#include <ostd/heap.h>
#include <lib/format.h>
#include <lib/string.h>
#include <uapi/mount.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/procfs/procfs.h"
#include "fs/mount.h"
#include "fs/namei.h"
#include "fs/pipe.h"
#include "proc/process.h"
#include "sys/uts.h"
#include "mm/aslr.h"
#include "block/blkdev.h"
#include "mm/shrink.h"

static long link_self(const struct inode *ino, char *buf, size_t size, struct file **t)
{
    (void)ino, (void)t;
    return ksnprintf(buf, size, "%d", current_proc()->pid);
}

static long link_thread_self(const struct inode *ino, char *buf, size_t size, struct file **t)
{
    (void)ino, (void)t;
    return ksnprintf(buf, size, "%d/task/%d", current_proc()->pid, thread_current()->tid);
}

static long link_mounts(const struct inode *ino, char *buf, size_t size, struct file **t)
{
    (void)ino, (void)t;
    return ksnprintf(buf, size, "self/mounts");
}

static int show_meminfo(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    struct frame_stats st;
    frame_get_stats(&st);
    uint64_t cached, dirty;
    mm_cache_stats(&cached, &dirty);
    unsigned long long total = st.total * 4, free = st.free * 4, cache = cached * 4, dirt = dirty * 4;
    pb_printf(b, "MemTotal:       %8llu kB\nMemFree:        %8llu kB\nMemAvailable:   %8llu kB\n"
              "Buffers:               0 kB\nCached:         %8llu kB\nSwapCached:            0 kB\n"
              "SwapTotal:             0 kB\nSwapFree:              0 kB\nDirty:          %8llu kB\n"
              "Shmem:                 0 kB\n",
              total, free, free + cache - dirt, cache, dirt);
    return 0;
}

static int show_cpuinfo(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    for (unsigned i = 0; i < cpu_count(); i++)
        pb_printf(b, "processor\t: %u\nvendor_id\t: KeelVirtualCPU\nmodel name\t: x86-64 CPU\n"
                  "physical id\t: 0\ncore id\t\t: %u\ncpu cores\t: %u\nflags\t\t: fpu sse sse2 lm\n\n",
                  i, i, cpu_count());
    return 0;
}

static int show_uptime(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    uint64_t cs = clock_monotonic_ns() / 10000000ull;     /* hundredths of a second */
    uint64_t idle = cs * cpu_count();                     /* FIXME: real idle time */
    pb_printf(b, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(cs / 100), (unsigned long long)(cs % 100),
              (unsigned long long)(idle / 100), (unsigned long long)(idle % 100));
    return 0;
}

static int count_procs(void)
{
    int n = 0;
    mutex_lock(&tasklist_lock);
    for (int pid = proc_next_pid_locked(0); pid > 0; pid = proc_next_pid_locked(pid))
        n++;
    mutex_unlock(&tasklist_lock);
    return n;
}

static int show_loadavg(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    mutex_lock(&tasklist_lock);
    int last = 0;
    for (int pid = proc_next_pid_locked(0); pid > 0; pid = proc_next_pid_locked(pid))
        last = pid;
    mutex_unlock(&tasklist_lock);
    pb_printf(b, "0.00 0.00 0.00 1/%d %d\n", count_procs(), last);  /* FIXME: load averages */
    return 0;
}

static int show_stat(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    uint64_t now = clock_monotonic_ns();
    uint64_t btime = (clock_realtime_ns() - now) / 1000000000ull;
    pb_printf(b, "cpu  0 0 0 0 0 0 0 0 0 0\n");
    for (unsigned i = 0; i < cpu_count(); i++)
        pb_printf(b, "cpu%u 0 0 0 0 0 0 0 0 0 0\n", i);   /* FIXME: per-CPU time accounting */
    pb_printf(b, "intr 0\nctxt 0\nbtime %llu\nprocesses %d\nprocs_running 1\nprocs_blocked 0\n",
              (unsigned long long)btime, count_procs());
    return 0;
}

static int show_version(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    pb_printf(b, "%s version %s (keel) %s\n", UTS_SYSNAME, UTS_RELEASE, UTS_VERSION);
    return 0;
}

/* The kernel command line as the boot loader gave it. */
static int show_cmdline(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    pb_printf(b, "%s\n", boot_cmdline());
    return 0;
}

static int show_filesystems(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    for (size_t i = 0; fs_types[i]; i++)
        pb_printf(b, "%s\t%s\n", fs_types[i]->nodev ? "nodev" : "", fs_types[i]->name);
    return 0;
}

static void partition_line(struct blkdev *bd, void *ctx)
{
    pb_printf(ctx, "%4u  %7u %10lu %s\n", bd->major, bd->minor, bd->nsectors / 2, bd->name);
}

/* /proc/partitions: every block device, sizes in KiB. */
static int show_partitions(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    pb_printf(b, "major minor  #blocks  name\n\n");
    blkdev_for_each(partition_line, b);
    return 0;
}

static void mount_opts(struct pbuf *b, uint32_t f)
{
    pb_printf(b, "%s%s%s%s%s", f & MS_RDONLY ? "ro" : "rw", f & MS_NOSUID ? ",nosuid" : "",
              f & MS_NODEV ? ",nodev" : "", f & MS_NOEXEC ? ",noexec" : "",
              f & MS_NOATIME ? ",noatime" : f & MS_RELATIME ? ",relatime" : "");
}

static void mount_line_locked(struct pbuf *b, struct mount *m, bool info, char *path)
{
    struct path root = current_fs()->root;
    struct path at = { m, m->root };
    if (path_to_string_locked(&at, &root, path, PATH_MAX) < 0)
        return;
    if (!info) {
        pb_printf(b, "%s %s %s ", m->source, path, m->sb->type);
        mount_opts(b, m->flags);
        pb_printf(b, " 0 0\n");
        return;
    }
    pb_printf(b, "%d %d 0:%llu / %s ", m->id, m->parent ? m->parent->id : m->id,
              (unsigned long long)m->sb->dev, path);   /* FIXME: the root of bind mounts */
    mount_opts(b, m->flags);
    pb_printf(b, "%s - %s %s rw\n", m->propagation == MS_SHARED ? " shared:1" :
              m->propagation == MS_SLAVE ? " master:1" : m->propagation == MS_UNBINDABLE ? " unbindable" : "",
              m->sb->type, m->source);
}

/* Mounts as seen from the caller's root. FIXME: /proc/PID/mounts should use PID's root. */
int proc_show_mounts(struct pbuf *b, bool info)
{
    char *path = kmalloc(PATH_MAX);
    if (!path)
        return -ENOMEM;
    mutex_lock(&vfs_lock);
    struct list_head *l;
    list_for_each(l, &mount_list)
        mount_line_locked(b, list_entry(l, struct mount, node), info, path);
    mutex_unlock(&vfs_lock);
    kfree(path);
    return 0;
}

static int show_text(struct pbuf *b, const char *s)
{
    pb_write(b, s, strlen(s));
    return 0;
}

static int show_hostname(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    struct new_utsname u;
    uts_ns_read(uts_ns_current(), &u);
    pb_printf(b, "%s\n", u.nodename);
    return 0;
}

static long store_hostname(const struct inode *ino, const char *buf, size_t len)
{
    (void)ino;
    size_t n = len && buf[len - 1] == '\n' ? len - 1 : len;
    if (n > NEW_UTS_LEN)
        return -EINVAL;
    if (current_fsuid() != 0)
        return -EPERM;      /* FIXME: CAP_SYS_ADMIN in the UTS namespace's user namespace */
    uts_ns_set(uts_ns_current(), UTS_NODENAME, buf, n);
    return (long)len;
}

static int show_ostype(struct pbuf *b, const struct inode *i) { (void)i; return show_text(b, UTS_SYSNAME "\n"); }
static int show_osrelease(struct pbuf *b, const struct inode *i) { (void)i; return show_text(b, UTS_RELEASE "\n"); }
static int show_cap_last(struct pbuf *b, const struct inode *i) { (void)i; return show_text(b, "40\n"); }
static int show_pid_max(struct pbuf *b, const struct inode *i) { (void)i; return show_text(b, "4194304\n"); }
static int show_file_max(struct pbuf *b, const struct inode *i) { (void)i; return show_text(b, "9223372036854775807\n"); }
static int show_nr_open(struct pbuf *b, const struct inode *i) { (void)i; return show_text(b, "1048576\n"); }

static int show_randomize(struct pbuf *b, const struct inode *i)
{
    (void)i;
    pb_printf(b, "%d\n", aslr_level());
    return 0;
}

/* As Linux's integer sysctls: one decimal int, optionally negative, then optional white space. */
static long store_randomize(const struct inode *ino, const char *buf, size_t len)
{
    (void)ino;
    if (current_fsuid() != 0)
        return -EPERM;      /* FIXME: CAP_SYS_ADMIN rather than fsuid 0 */
    size_t k = 0;
    bool neg = len && buf[0] == '-';
    k += neg;
    int64_t v = 0;
    size_t digits = 0;
    for (; k < len && buf[k] >= '0' && buf[k] <= '9' && v <= INT32_MAX; k++, digits++)
        v = v * 10 + (buf[k] - '0');
    for (size_t t = k; t < len; t++)
        if (buf[t] != '\n' && buf[t] != ' ' && buf[t] != '\t')
            return -EINVAL;
    if (!digits || v > (int64_t)INT32_MAX + neg)
        return -EINVAL;
    aslr_set_level((int)(neg ? -v : v));
    return (long)len;
}

static int show_pipe_max(struct pbuf *b, const struct inode *i)
{
    (void)i;
    pb_printf(b, "%llu\n", (unsigned long long)pipe_get_max_size());
    return 0;
}

/* A decimal number, optionally newline-terminated, as Linux's proc_douintvec accepts. */
static long store_pipe_max(const struct inode *ino, const char *buf, size_t len)
{
    (void)ino;
    size_t n = len && buf[len - 1] == '\n' ? len - 1 : len;
    uint64_t v = 0;
    if (!n || n > 19)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (buf[i] < '0' || buf[i] > '9')
            return -EINVAL;
        v = v * 10 + (uint64_t)(buf[i] - '0');
    }
    if (current_fsuid() != 0)
        return -EPERM;      /* FIXME: CAP_SYS_RESOURCE rather than fsuid 0 */
    int r = pipe_set_max_size(v);
    return r ? r : (long)len;
}

static const struct proc_entry sys_kernel[] = {
    { "randomize_va_space", S_IFREG | 0644, .show = show_randomize, .store = store_randomize },
    { "hostname", S_IFREG | 0644, .show = show_hostname, .store = store_hostname },
    { "ostype", S_IFREG | 0444, .show = show_ostype },
    { "osrelease", S_IFREG | 0444, .show = show_osrelease },
    { "cap_last_cap", S_IFREG | 0444, .show = show_cap_last },
    { "pid_max", S_IFREG | 0644, .show = show_pid_max },
    { .name = NULL },
};

static const struct proc_entry sys_fs[] = {
    { "file-max", S_IFREG | 0644, .show = show_file_max },
    { "nr_open", S_IFREG | 0644, .show = show_nr_open },
    { "pipe-max-size", S_IFREG | 0644, .show = show_pipe_max, .store = store_pipe_max },
    { .name = NULL },
};

static const struct proc_entry sys_dirs[] = {
    { "kernel", S_IFDIR | 0555, .children = sys_kernel, .iops = &proc_static_iops },
    { "fs", S_IFDIR | 0555, .children = sys_fs, .iops = &proc_static_iops },
    { "vm", S_IFDIR | 0555, .children = proc_sys_vm, .iops = &proc_static_iops },
    { .name = NULL },
};

const struct proc_entry proc_root_entries[] = {
    { "self", S_IFLNK | 0777, .link = link_self },
    { "thread-self", S_IFLNK | 0777, .link = link_thread_self },
    { "mounts", S_IFLNK | 0777, .link = link_mounts },
    { "meminfo", S_IFREG | 0444, .show = show_meminfo },
    { "cpuinfo", S_IFREG | 0444, .show = show_cpuinfo },
    { "uptime", S_IFREG | 0444, .show = show_uptime },
    { "loadavg", S_IFREG | 0444, .show = show_loadavg },
    { "stat", S_IFREG | 0444, .show = show_stat },
    { "version", S_IFREG | 0444, .show = show_version },
    { "cmdline", S_IFREG | 0444, .show = show_cmdline },
    { "filesystems", S_IFREG | 0444, .show = show_filesystems },
    { "partitions", S_IFREG | 0444, .show = show_partitions },
    { "sys", S_IFDIR | 0555, .children = sys_dirs, .iops = &proc_static_iops },
    { .name = NULL },
};

/* The root: the static entries plus one directory per process. */

static bool pid_exists(int64_t pid)
{
    mutex_lock(&tasklist_lock);
    bool ok = pid > 0 && pid < (1 << 30) && proc_find_locked((int)pid);
    mutex_unlock(&tasklist_lock);
    return ok;
}

static bool keep_root_child(struct dentry *d)
{
    int64_t pid;
    return !proc_name_num(d->name, d->namelen, &pid) || pid_exists(pid);
}

static struct dentry *root_lookup(struct dentry *dir, const char *name, size_t len)
{
    int64_t pid;
    if (!proc_name_num(name, len, &pid))
        return proc_static_lookup(dir, name, len);
    struct dentry *d = dentry_lookup_locked(dir, name, len);
    if (!pid_exists(pid)) {
        if (d && !d->mounted)
            dentry_remove_tree_locked(d);
        return NULL;
    }
    return d ? d : proc_add_locked(dir, &proc_pid_dir_entry, pid, 0, name, len);
}

static void root_revalidate(struct dentry *dir)
{
    proc_static_revalidate(dir);
    proc_prune_locked(dir, keep_root_child);
    for (int pid = 0;;) {
        mutex_lock(&tasklist_lock);
        pid = proc_next_pid_locked(pid);
        mutex_unlock(&tasklist_lock);
        if (pid <= 0)
            break;
        char name[12];
        int n = ksnprintf(name, sizeof(name), "%d", pid);
        (void)root_lookup(dir, name, (size_t)n);
    }
}

const struct inode_ops proc_root_iops = { .lookup = root_lookup, .revalidate = root_revalidate };
const struct proc_entry proc_root_entry = { "", S_IFDIR | 0555, .children = proc_root_entries, .iops = &proc_root_iops };
