// SPDX-License-Identifier: MPL-2.0
// In-kernel tests of the VFS: mount crossing, "..", path strings, tmpfs data and descriptor tables.
#include <ostd/ktest.h>
#include <ostd/heap.h>
#include <ostd/task.h>
#include <ostd/time.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/vfs.h"
#include "fs/open.h"
#include "fs/tmpfs.h"
#include <ostd/frame.h>

static void vfs_up(void)
{
    static bool done;
    if (!done && (root_mount || vfs_init() == 0))     /* dcache_test.c may have done it */
        done = true;
}

/* Resolve a kernel path (following symlinks) to a path; 0 or -errno. */
static int lookup(const char *p, struct path *out)
{
    struct nameidata nd;
    int r = nd_init_kernel(&nd, p, LOOKUP_FOLLOW);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_lookup_locked(&nd);
        if (!r)
            *out = nd.child;
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    return r;
}

KTEST(vfs_dotdot_crosses_mounts)
{
    vfs_up();
    struct path top, m, in, up, slash;
    KT_EQ(vfs_mkdir_kernel("/ktm", 0755), 0);
    KT_EQ(vfs_mkdir_kernel("/ktm/m", 0755), 0);
    KT_EQ(vfs_mount_tmpfs_kernel("/ktm/m"), 0);
    KT_EQ(vfs_mkdir_kernel("/ktm/m/inner", 0755), 0);
    KT_EQ(lookup("/ktm", &top), 0);
    KT_EQ(lookup("/ktm/m", &m), 0);
    KT_ASSERT(m.mnt != root_mount);
    KT_ASSERT(m.dentry == m.mnt->root);
    KT_EQ(lookup("/ktm/m/inner", &in), 0);
    KT_ASSERT(in.mnt == m.mnt);
    KT_EQ(lookup("/ktm/m/inner/../..", &up), 0);
    KT_ASSERT(up.mnt == top.mnt && up.dentry == top.dentry);
    KT_EQ(lookup("/ktm/m/../../..", &slash), 0);
    KT_ASSERT(slash.mnt == root_mount && slash.dentry == root_mount->root);
    char buf[64];
    mutex_lock(&vfs_lock);
    long n = path_to_string_locked(&in, &slash, buf, sizeof(buf));
    mutex_unlock(&vfs_lock);
    KT_EQ(n, 12);
    KT_EQ(strcmp(buf, "/ktm/m/inner"), 0);
    KT_ASSERT(in.dentry->inode->sb != top.dentry->inode->sb);
}

KTEST(vfs_mountpoint_is_busy)
{
    vfs_up();
    KT_EQ(vfs_mkdir_kernel("/ktb", 0755), 0);
    KT_EQ(vfs_mount_tmpfs_kernel("/ktb"), 0);
    struct nameidata nd;
    KT_EQ(nd_init_kernel(&nd, "/ktb", 0), 0);
    mutex_lock(&vfs_lock);
    int r = nd_walk_locked(&nd);
    int d = r ? r : vfs_may_delete_locked(&nd, true);
    mutex_unlock(&vfs_lock);
    nd_fini(&nd);
    KT_EQ(d, -EBUSY);
}

KTEST(tmpfs_pages_truncate_and_holes)
{
    vfs_up();
    struct super_block *sb = tmpfs_new_sb();
    KT_ASSERT(sb);
    struct inode *ino = inode_new(sb, S_IFREG | 0644);
    KT_ASSERT(ino);
    char data[6000], back[6000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)(i % 251);
    KT_EQ(tmpfs_write_kernel(ino, 3000, data, sizeof(data)), 6000);
    KT_EQ(ino->size, 9000);
    struct file *f;
    KT_EQ(file_alloc(NULL, ino, &tmpfs_file_ops, O_RDONLY, &f), 0);
    KT_EQ(kernel_read(f, 3000, back, sizeof(back)), 6000);
    KT_EQ(memcmp(data, back, sizeof(data)), 0);
    KT_EQ(kernel_read(f, 0, back, 100), 100);
    KT_EQ(back[0] | back[99], 0);
    mutex_lock(&ino->lock);
    KT_EQ(tmpfs_truncate_locked(ino, 4000), 0);
    KT_EQ(tmpfs_truncate_locked(ino, 9000), 0);
    mutex_unlock(&ino->lock);
    KT_EQ(kernel_read(f, 3990, back, 20), 20);
    KT_EQ(memcmp(back, data + 990, 10), 0);
    KT_EQ(back[10] | back[19], 0);
    KT_EQ(kernel_read(f, 9000, back, 10), 0);
    uint64_t far = 1ULL << 40;  /* sparse: only the touched page and tree nodes are allocated */
    KT_EQ(tmpfs_write_kernel(ino, far, "far", 3), 3);
    KT_EQ(ino->size, far + 3);
    KT_EQ(ino->nr_pages, 2);   /* page 0 survived the truncation to 4000 */
    KT_EQ(kernel_read(f, far - 2, back, 10), 5);
    KT_EQ(memcmp(back, "\0\0far", 5), 0);
    mutex_lock(&ino->lock);
    KT_EQ(tmpfs_truncate_locked(ino, 4096), 0);
    mutex_unlock(&ino->lock);
    KT_EQ(ino->nr_pages, 1);
    file_put(f);
    inode_put(ino);
    kfree(sb);
}

KTEST(files_dup_shares_descriptions)
{
    vfs_up();
    struct files *a = files_create();
    KT_ASSERT(a);
    KT_EQ(files_open_console(a), 0);
    struct files *b = files_dup(a);
    KT_ASSERT(b);
    KT_ASSERT(a->fd[1] == b->fd[1]);
    KT_EQ(a->fd[1]->refcount, 6);   /* fds 0-2 in two tables */
    a->cloexec[2] = 1;
    files_close_on_exec(a);
    KT_ASSERT(a->fd[2] == NULL && b->fd[2] != NULL);
    files_put(a);
    KT_EQ(b->fd[1]->refcount, 3);
    files_put(b);
}

static void fifo_writer(void *arg)
{
    struct file *w;
    task_sleep_ns(20 * 1000 * 1000);
    if (vfs_open_kernel("/ktfifo", O_WRONLY, 0, &w) == 0) {
        kernel_write(w, 0, "hi", 2);
        file_put(w);
    }
}

KTEST(fifo_read_open_waits_for_a_writer)
{
    vfs_up();
    KT_EQ(vfs_mknod_kernel("/ktfifo", S_IFIFO | 0600, 0), 0);
    struct task *t = task_spawn("fifo-writer", fifo_writer, NULL, -1);
    KT_ASSERT(t);
    uint64_t t0 = clock_monotonic_ns();
    struct file *r;
    KT_EQ(vfs_open_kernel("/ktfifo", O_RDONLY, 0, &r), 0);
    KT_ASSERT(clock_monotonic_ns() - t0 >= 15 * 1000 * 1000);
    char buf[8];
    KT_EQ(kernel_read(r, 0, buf, sizeof(buf)), 2);
    KT_EQ(memcmp(buf, "hi", 2), 0);
    task_join(t);
    task_put(t);
    KT_EQ(kernel_read(r, 0, buf, sizeof(buf)), 0);     /* the writer closed: EOF */
    file_put(r);
}

KTEST(tmpfs_get_page_is_the_file_data)
{
    vfs_up();
    struct super_block *sb = tmpfs_new_sb();
    KT_ASSERT(sb);
    struct inode *ino = inode_new(sb, S_IFREG | 0644);
    KT_ASSERT(ino);
    KT_EQ(tmpfs_write_kernel(ino, 0, "hello", 5), 5);
    struct frame *f = NULL, *g = NULL;
    KT_EQ(tmpfs_file_ops.get_page(ino, 0, &f), 0);
    KT_EQ(tmpfs_file_ops.get_page(ino, 0, &g), 0);
    KT_ASSERT(f && f == g);                     /* every mapper gets the same frame */
    char buf[8] = { 0 };
    KT_EQ(frame_read(f, 0, buf, 5), 0);
    KT_EQ(memcmp(buf, "hello", 5), 0);
    KT_EQ(frame_write(f, 0, "J", 1), 0);        /* a store through a mapping ... */
    struct file *fl;
    KT_EQ(file_alloc(NULL, ino, &tmpfs_file_ops, O_RDONLY, &fl), 0);
    KT_EQ(kernel_read(fl, 0, buf, 5), 5);
    KT_EQ(memcmp(buf, "Jello", 5), 0);          /* ... is what read sees */
    KT_EQ(tmpfs_file_ops.get_page(ino, 1, &g), -ENXIO);   /* past the end of file */
    frame_put(f);
    frame_put(f);
    file_put(fl);
    inode_put(ino);
    kfree(sb);
}
