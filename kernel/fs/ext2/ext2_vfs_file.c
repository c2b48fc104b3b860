// SPDX-License-Identifier: MPL-2.0
// ext2 VFS glue: regular-file read and write through the page cache (via a bounce buffer), fsync, read-ahead state.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mount.h>
#include <uapi/rwf.h>
#include "fs/ext2/ext2_vfs.h"
#include "fs/ext2/ext2_pcache.h"

#define EXT2_CHUNK (64 * 1024)

/*
 * Access time after a read, by the mount's policy: none for noatime or a
 * read-only mount; relatime (the default) only when atime is not newer than
 * mtime or ctime or is a day old; strictatime always. sbi->lock held.
 */
static void touch_atime_locked(struct ext2_sbi *s, struct file *f)
{
    struct ext2_inode *ip = EXT2_I(f->inode);
    uint32_t mf = f->path.mnt ? atomic_load(&f->path.mnt->flags) : 0, now = ext2_now();
    if ((mf & (MS_NOATIME | MS_RDONLY)) || s->fs->rdonly || s->dead)
        return;
    uint32_t at = ip->d.i_atime;
    bool stale = at <= ip->d.i_mtime || at <= ip->d.i_ctime || now - at >= 24 * 3600;
    if (!(mf & MS_STRICTATIME) && !stale)
        return;
    ip->d.i_atime = now;
    if (ext2_write_inode(s->fs, ip) == 0)   /* FIXME: a failed atime write is dropped, as Linux's */
        f->inode->atime = (struct linux_timespec){ now, 0 };
}

static long ext2_file_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct inode *v = f->inode;
    struct ext2_sbi *s = EXT2_SBI(v);
    char *buf = kmalloc(EXT2_CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    long r = 0;
    bool fault = false;
    while (to->count && !fault) {
        mutex_lock(&s->lock);
        r = s->dead ? -EIO : ext2_pcache_read_locked(s, EXT2_I(v), *pos, (uint8_t *)buf,
                                                     MIN(to->count, (size_t)EXT2_CHUNK), f->priv);
        mutex_unlock(&s->lock);
        if (r <= 0)
            break;
        size_t c = iov_copy_to(to, buf, (size_t)r, &fault);
        *pos += c;
        done += c;
        if (c < (size_t)r)
            break;
    }
    kfree(buf);
    if (done) {
        mutex_lock(&s->lock);
        touch_atime_locked(s, f);
        mutex_unlock(&s->lock);
        return (long)done;
    }
    return fault ? -EFAULT : r < 0 ? r : 0;
}

static long ext2_file_write(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    struct inode *v = f->inode;
    struct ext2_sbi *s = EXT2_SBI(v);
    char *buf = kmalloc(EXT2_CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    long r = 0;
    bool fault = false;
    mutex_lock(&v->lock);
    if (f->flags & O_APPEND)
        *pos = v->size;
    while (from->count && !fault) {
        size_t c = iov_copy_from(from, buf, MIN(from->count, (size_t)EXT2_CHUNK), &fault);
        if (c == 0)
            break;
        mutex_lock(&s->lock);
        r = s->dead ? -EIO : ext2_pcache_write_locked(s, EXT2_I(v), *pos, (const uint8_t *)buf, c);
        ext2_vnode_refresh(v, EXT2_I(v));
        mutex_unlock(&s->lock);
        if (r <= 0)
            break;
        *pos += (uint64_t)r;
        done += (size_t)r;
        if ((size_t)r < c)
            break;
    }
    mutex_unlock(&v->lock);
    kfree(buf);
    if (done)
        return (long)done;
    return fault ? -EFAULT : r;
}

/* fsync/fdatasync, msync(MS_SYNC): this file's dirty pages, then ext2_sync (dirty metadata blocks, descriptors, superblock, a device flush). */
static int ext2_file_fsync(struct file *f)
{
    struct ext2_sbi *s = EXT2_SBI(f->inode);
    mutex_lock(&s->lock);
    int r = s->dead ? -EIO : ext2_pcache_writeback_locked(s, EXT2_I(f->inode));
    int e = s->dead || s->fs->rdonly ? 0 : ext2_sync(s->fs);
    mutex_unlock(&s->lock);
    return r ? r : e;
}

/* POSIX_FADV_WILLNEED, readahead(2): read pages [first, end) in the largest requests, dropping the lock between. */
static int willneed(struct ext2_sbi *s, struct ext2_inode *ip, uint64_t first, uint64_t end)
{
    int r = 0;
    for (uint64_t idx = first; idx < end && !r; idx += EXT2_RA_MAX) {
        mutex_lock(&s->lock);
        r = ext2_pcache_fill_locked(s, ip, idx, (uint32_t)MIN(end - idx, (uint64_t)EXT2_RA_MAX));
        mutex_unlock(&s->lock);
    }
    return r;
}

/* posix_fadvise(2) and readahead(2) on an ext2 file (arguments already checked by the VFS). */
static int ext2_file_fadvise(struct file *f, uint64_t off, uint64_t len, int advice)
{
    struct ext2_sbi *s = EXT2_SBI(f->inode);
    struct ext2_inode *ip = EXT2_I(f->inode);
    struct ext2_ra *ra = f->priv;
    mutex_lock(&s->lock);
    uint64_t size = ext2_isize(ip), pages = (size + EXT2_PC_PAGE - 1) / EXT2_PC_PAGE;
    uint64_t end = len == 0 || off + len < off ? size : MIN(off + len, size);
    uint64_t first = off / EXT2_PC_PAGE, last = (end + EXT2_PC_PAGE - 1) / EXT2_PC_PAGE;
    if (advice == POSIX_FADV_NORMAL && ra)
        ra->win = 0;
    else if (advice == POSIX_FADV_SEQUENTIAL && ra)
        ra->win = EXT2_RA_MAX;
    else if (advice == POSIX_FADV_RANDOM && ra)
        ra->win = EXT2_RA_OFF;
    else if (advice == POSIX_FADV_DONTNEED) {
        /* Write dirty pages, then drop the clean ones; a write error is not the hint's to report (Linux neither). */
        (void)(s->dead ? 0 : ext2_pcache_writeback_locked(s, ip));
        ext2_pcache_evict_range_locked(ip, first, MIN(last, pages));
    }
    /* POSIX_FADV_NOREUSE: no effect, as on Linux 6.1. */
    mutex_unlock(&s->lock);
    if (advice == POSIX_FADV_WILLNEED && first < last)
        (void)willneed(s, ip, first, MIN(last, pages));     /* best effort, as Linux's read-ahead */
    return 0;
}

/* Each open file has its own read-ahead state (file->priv). */
static int ext2_file_open(struct file *f)
{
    f->priv = kzalloc(sizeof(struct ext2_ra));
    return f->priv ? 0 : -ENOMEM;
}

static void ext2_file_release(struct file *f)
{
    kfree(f->priv);
    f->priv = NULL;
}

const struct file_ops ext2_file_ops = {
    .open = ext2_file_open,
    .release = ext2_file_release,
    .fadvise = ext2_file_fadvise,
    .read = ext2_file_read,
    .write = ext2_file_write,
    .get_page = ext2_get_page,
    .fsync = ext2_file_fsync,
    .seekable = true,
};
