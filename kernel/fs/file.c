// SPDX-License-Identifier: MPL-2.0
// Open file descriptions (refcounted, shared offsets) and per-process descriptor tables.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "fs/file.h"
#include "fs/lock.h"
#include "fs/vfs.h"
#include "block/blkdev_file.h"
#include "proc/process.h"

int file_alloc(const struct path *p, struct inode *ino, const struct file_ops *ops,
               uint32_t flags, struct file **out)
{
    struct file *f = kzalloc(sizeof(*f));
    if (!f)
        return -ENOMEM;
    f->refcount = 1;
    if (p) {
        f->path = *p;
        path_get(p);
    }
    f->inode = ino;
    inode_get(ino);
    f->ops = ops;
    f->flags = flags;
    mutex_init(&f->pos_lock);
    int r = ops->open ? ops->open(f) : 0;
    if (r) {
        f->ops = NULL;
        file_put(f);
        return r;
    }
    *out = f;
    return 0;
}

void file_get(struct file *f)
{
    atomic_add(&f->refcount, 1);
}

void file_put(struct file *f)
{
    if (!f || atomic_sub(&f->refcount, 1) != 0)
        return;
    locks_remove_file(f);
    if (f->ops && f->ops->release)
        f->ops->release(f);
    path_put(&f->path);
    inode_put(f->inode);
    kfree(f);
}

uint64_t file_size(struct file *f)
{
    if (S_ISBLK(f->inode->mode))
        return blkdev_file_size(f);
    mutex_lock(&f->inode->lock);
    uint64_t s = f->inode->size;
    mutex_unlock(&f->inode->lock);
    return s;
}

long kernel_read(struct file *f, uint64_t off, void *buf, size_t len)
{
    struct iov_iter it;
    iov_iter_kernel(&it, buf, len);
    if (!f->ops->read)
        return -EINVAL;
    return f->ops->read(f, &it, &off);
}

long kernel_write(struct file *f, uint64_t off, const void *buf, size_t len)
{
    struct iov_iter it;
    iov_iter_kernel(&it, (void *)buf, len);     /* only read from */
    if (!f->ops->write)
        return -EINVAL;
    return f->ops->write(f, &it, &off);
}

/* Descriptor tables. */

static struct files boot_files = { .refcount = 1 };

struct files *current_files(void)
{
    struct thread *th = thread_current();
    return th && th->proc->files ? th->proc->files : &boot_files;
}

unsigned files_limit(void)
{
    struct thread *th = thread_current();
    if (!th)
        return NR_OPEN_DEFAULT;
    uint64_t l = proc_rlimit(th->proc, RLIMIT_NOFILE);     /* at most NR_OPEN_MAX (prlimit) */
    return l > NR_OPEN_MAX ? NR_OPEN_MAX : (unsigned)l;
}

struct files *files_create(void)
{
    struct files *ft = kzalloc(sizeof(*ft));
    if (!ft)
        return NULL;
    ft->refcount = 1;
    mutex_init(&ft->lock);
    return ft;
}

/* Grow the table to hold fd n; lock held. */
static int files_expand_locked(struct files *ft, unsigned n)
{
    if (n < ft->max)
        return 0;
    unsigned nmax = MAX(64u, ft->max);
    while (nmax <= n)
        nmax *= 2;
    struct file **nfd = kcalloc(nmax, sizeof(*nfd));
    uint8_t *nce = kzalloc(nmax);
    if (!nfd || !nce) {
        kfree(nfd);
        kfree(nce);
        return -ENOMEM;
    }
    if (ft->max) {
        memcpy(nfd, ft->fd, ft->max * sizeof(*nfd));
        memcpy(nce, ft->cloexec, ft->max);
    }
    kfree(ft->fd);
    kfree(ft->cloexec);
    ft->fd = nfd;
    ft->cloexec = nce;
    ft->max = nmax;
    return 0;
}

struct files *files_dup(struct files *src)
{
    struct files *ft = files_create();
    if (!ft)
        return NULL;
    mutex_lock(&src->lock);
    if (src->max && files_expand_locked(ft, src->max - 1)) {
        mutex_unlock(&src->lock);
        files_put(ft);
        return NULL;
    }
    for (unsigned i = 0; i < src->max; i++) {
        ft->fd[i] = src->fd[i];
        ft->cloexec[i] = src->cloexec[i];
        if (ft->fd[i])
            file_get(ft->fd[i]);
    }
    mutex_unlock(&src->lock);
    return ft;
}

void files_get(struct files *ft)
{
    atomic_add(&ft->refcount, 1);
}

void files_put(struct files *ft)
{
    if (atomic_sub(&ft->refcount, 1) != 0)
        return;
    for (unsigned i = 0; i < ft->max; i++) {
        if (ft->fd[i])
            locks_remove_posix(ft->fd[i], ft);
        file_put(ft->fd[i]);
    }
    kfree(ft->fd);
    kfree(ft->cloexec);
    kfree(ft);
}

void files_close_on_exec(struct files *ft)
{
    mutex_lock(&ft->lock);
    for (unsigned i = 0; i < ft->max; i++) {
        if (ft->fd[i] && ft->cloexec[i]) {
            locks_remove_posix(ft->fd[i], ft);
            file_put(ft->fd[i]);
            ft->fd[i] = NULL;
            ft->cloexec[i] = 0;
        }
    }
    mutex_unlock(&ft->lock);
}

int fd_install(struct files *ft, struct file *f, unsigned min, bool cloexec)
{
    unsigned lim = files_limit();
    if (min >= lim)
        return -EINVAL;
    mutex_lock(&ft->lock);
    unsigned fd = min;
    while (fd < ft->max && ft->fd[fd])
        fd++;
    int r = fd >= lim ? -EMFILE : files_expand_locked(ft, fd);
    if (!r) {
        ft->fd[fd] = f;
        ft->cloexec[fd] = cloexec;
        r = (int)fd;
    }
    mutex_unlock(&ft->lock);
    return r;
}

struct file *fd_get(int fd)
{
    struct files *ft = current_files();
    struct file *f = NULL;
    mutex_lock(&ft->lock);
    if (fd >= 0 && (unsigned)fd < ft->max && ft->fd[fd]) {
        f = ft->fd[fd];
        file_get(f);
    }
    mutex_unlock(&ft->lock);
    return f;
}

int fd_close(struct files *ft, int fd)
{
    struct file *f = NULL;
    mutex_lock(&ft->lock);
    if (fd >= 0 && (unsigned)fd < ft->max) {
        f = ft->fd[fd];
        ft->fd[fd] = NULL;
        ft->cloexec[fd] = 0;
    }
    mutex_unlock(&ft->lock);
    if (!f)
        return -EBADF;
    locks_remove_posix(f, ft);
    file_put(f);
    return 0;
}

int fd_replace(struct files *ft, int fd, struct file *f, bool cloexec)
{
    if (fd < 0 || (unsigned)fd >= files_limit())
        return -EBADF;
    mutex_lock(&ft->lock);
    int r = files_expand_locked(ft, (unsigned)fd);
    struct file *old = NULL;
    if (!r) {
        old = ft->fd[fd];
        ft->fd[fd] = f;
        ft->cloexec[fd] = cloexec;
    }
    mutex_unlock(&ft->lock);
    if (old)
        locks_remove_posix(old, ft);
    file_put(old);
    return r ? r : fd;
}

int fd_get_cloexec(struct files *ft, int fd)
{
    int r = -EBADF;
    mutex_lock(&ft->lock);
    if (fd >= 0 && (unsigned)fd < ft->max && ft->fd[fd])
        r = ft->cloexec[fd] ? 1 : 0;
    mutex_unlock(&ft->lock);
    return r;
}

int fd_set_cloexec(struct files *ft, int fd, bool on)
{
    int r = -EBADF;
    mutex_lock(&ft->lock);
    if (fd >= 0 && (unsigned)fd < ft->max && ft->fd[fd]) {
        ft->cloexec[fd] = on;
        r = 0;
    }
    mutex_unlock(&ft->lock);
    return r;
}

void files_boot_init(void)
{
    mutex_init(&boot_files.lock);
}
