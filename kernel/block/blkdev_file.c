// SPDX-License-Identifier: MPL-2.0
// Block special files: byte-granular read/write through a bounce buffer, size ioctls, fsync.
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/blkdev.h>
#include <uapi/errno.h>
#include "block/blkdev.h"
#include "block/blkdev_file.h"

#define CHUNK (64u * 1024)      /* bytes moved per device request */

/*
 * Serialises writes through device files, so two partial-sector writes to
 * one sector cannot lose each other's bytes (there is no page cache yet).
 */
static struct mutex write_lock = MUTEX_INIT(write_lock, "blkdev write");

static int blk_open(struct file *f)
{
    struct blkdev *bd = blkdev_by_rdev(f->inode->rdev);
    if (!bd)
        return -ENXIO;
    f->priv = bd;
    return 0;
}

uint64_t blkdev_file_size(struct file *f)
{
    const struct blkdev *bd = f->priv;
    return bd ? blkdev_size(bd) : 0;
}

static long blk_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct blkdev *bd = f->priv;
    uint64_t size = blkdev_size(bd);
    if (*pos >= size || !to->count)
        return 0;
    uint8_t *buf = kmalloc(CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t want = (size_t)MIN((uint64_t)to->count, size - *pos), done = 0;
    bool fault = false;
    int r = 0;
    while (done < want && !fault && !r) {
        uint64_t p = *pos + done;
        size_t skip = p % BLK_SECTOR_SIZE, n = MIN(want - done, CHUNK - skip);
        uint32_t cnt = (uint32_t)((skip + n + BLK_SECTOR_SIZE - 1) / BLK_SECTOR_SIZE);
        r = blkdev_read(bd, p / BLK_SECTOR_SIZE, buf, cnt);
        if (!r)
            done += iov_copy_to(to, buf + skip, n, &fault);
    }
    kfree(buf);
    *pos += done;
    return done ? (long)done : fault ? -EFAULT : r;
}

/* Write one chunk [p, p + n) (n <= CHUNK - p % 512); returns bytes written or -errno. */
static long write_chunk(struct blkdev *bd, uint8_t *buf, uint64_t p, size_t n, struct iov_iter *from,
                        bool *fault)
{
    size_t skip = p % BLK_SECTOR_SIZE;
    uint64_t sec = p / BLK_SECTOR_SIZE;
    uint32_t cnt = (uint32_t)((skip + n + BLK_SECTOR_SIZE - 1) / BLK_SECTOR_SIZE);
    bool partial = skip || (skip + n) % BLK_SECTOR_SIZE;
    int r = partial ? blkdev_read(bd, sec, buf, cnt) : 0;
    if (r)
        return r;
    size_t got = iov_copy_from(from, buf + skip, n, fault);
    if (got < n && !partial) {
        got = ALIGN_DOWN(got, BLK_SECTOR_SIZE);  /* the rest of the sector holds no old data */
        cnt = (uint32_t)(got / BLK_SECTOR_SIZE);
    } else if (got < n) {
        cnt = (uint32_t)((skip + got + BLK_SECTOR_SIZE - 1) / BLK_SECTOR_SIZE);
    }
    r = cnt ? blkdev_write(bd, sec, buf, cnt) : 0;
    return r ? r : (long)got;
}

static long blk_write(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    struct blkdev *bd = f->priv;
    uint64_t size = blkdev_size(bd);
    if (bd->readonly)
        return -EPERM;
    if (!from->count)
        return 0;
    if (*pos >= size)
        return -ENOSPC;
    uint8_t *buf = kmalloc(CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t want = (size_t)MIN((uint64_t)from->count, size - *pos), done = 0;
    bool fault = false;
    long r = 0;
    mutex_lock(&write_lock);
    while (done < want && !fault && r >= 0) {
        uint64_t p = *pos + done;
        r = write_chunk(bd, buf, p, MIN(want - done, CHUNK - p % BLK_SECTOR_SIZE), from, &fault);
        if (r > 0)
            done += (size_t)r;
        else if (r == 0)
            break;
    }
    mutex_unlock(&write_lock);
    kfree(buf);
    *pos += done;
    return done ? (long)done : fault ? -EFAULT : r;
}

static long put_u64(uint64_t arg, uint64_t v) { return copy_to_user(uptr(arg), &v, sizeof(v)) ? -EFAULT : 0; }
static long put_int(uint64_t arg, int v) { return copy_to_user(uptr(arg), &v, sizeof(v)) ? -EFAULT : 0; }

static long blk_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
    struct blkdev *bd = f->priv;
    switch (cmd) {
    case BLKGETSIZE64: return put_u64(arg, blkdev_size(bd));
    case BLKGETSIZE: return put_u64(arg, bd->nsectors);
    case BLKSSZGET:
    case BLKPBSZGET: return put_int(arg, BLK_SECTOR_SIZE);
    case BLKBSZGET: return put_int(arg, 4096);
    case BLKROGET: return put_int(arg, bd->readonly);
    case BLKFLSBUF: return blkdev_flush(bd);
    case BLKRRPART: return -EBUSY;   /* FIXME: partitions are read once, at probe time */
    default: return -ENOTTY;
    }
}

static int blk_fsync(struct file *f) { return blkdev_flush(f->priv); }

static const struct file_ops blk_fops = {
    .open = blk_open, .read = blk_read, .write = blk_write, .ioctl = blk_ioctl,
    .fsync = blk_fsync, .seekable = true,
};

int blkdev_file_ops(uint64_t rdev, const struct file_ops **ops)
{
    if (!blkdev_by_rdev(rdev))
        return -ENXIO;
    *ops = &blk_fops;
    return 0;
}
