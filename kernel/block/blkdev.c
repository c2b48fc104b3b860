// SPDX-License-Identifier: MPL-2.0
// The block-device registry, bounds-checked I/O, partition scanning and /dev nodes.
#include <ostd/console.h>
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <lib/format.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/stat.h>
#include "block/blkdev.h"
#include "block/partition.h"
#include "fs/vfs.h"

static spinlock_t blk_lock = SPINLOCK_INIT("blkdev registry");
static struct list_head blk_list = LIST_HEAD_INIT(blk_list);   /* guarded by blk_lock */

static struct blkdev *find_locked(uint64_t rdev, const char *name)
{
    struct list_head *p;
    list_for_each(p, &blk_list) {
        struct blkdev *bd = list_entry(p, struct blkdev, link);
        if ((name && strcmp(bd->name, name) == 0) ||
            (!name && linux_makedev(bd->major, bd->minor) == rdev))
            return bd;
    }
    return NULL;
}

static struct blkdev *find(uint64_t rdev, const char *name)
{
    unsigned long f = spin_lock_irqsave(&blk_lock);
    struct blkdev *bd = find_locked(rdev, name);
    spin_unlock_irqrestore(&blk_lock, f);
    return bd;
}

struct blkdev *blkdev_by_rdev(uint64_t rdev) { return find(rdev, NULL); }
struct blkdev *blkdev_by_name(const char *name) { return find(0, name); }

/* The /dev node; before the root file system exists there is nowhere to put it. */
static void make_node(const struct blkdev *bd)
{
    char path[32];
    ksnprintf(path, sizeof(path), "/dev/%s", bd->name);
    int r = vfs_mknod_kernel(path, S_IFBLK | 0660, linux_makedev(bd->major, bd->minor));
    if (r && r != -EEXIST)
        pr_warn("block: no node %s: %d\n", path, r);
}

int blkdev_register(struct blkdev *bd)
{
    unsigned long f = spin_lock_irqsave(&blk_lock);
    if (find_locked(0, bd->name) || find_locked(linux_makedev(bd->major, bd->minor), NULL)) {
        spin_unlock_irqrestore(&blk_lock, f);
        return -EEXIST;
    }
    list_add_tail(&bd->link, &blk_list);
    spin_unlock_irqrestore(&blk_lock, f);
    printk("block: %s (%u:%u) %lu sectors%s\n", bd->name, bd->major, bd->minor, bd->nsectors,
           bd->readonly ? ", read-only" : "");
    make_node(bd);
    return 0;
}

void blkdev_for_each(void (*fn)(struct blkdev *bd, void *ctx), void *ctx)
{
    /* Devices are never removed and only appended, so the walk needs the lock only per step. */
    unsigned long f = spin_lock_irqsave(&blk_lock);
    struct list_head *p = blk_list.next;
    spin_unlock_irqrestore(&blk_lock, f);
    while (p != &blk_list) {
        fn(list_entry(p, struct blkdev, link), ctx);
        f = spin_lock_irqsave(&blk_lock);
        p = p->next;
        spin_unlock_irqrestore(&blk_lock, f);
    }
}

static int check_range(const struct blkdev *bd, uint64_t sector, uint32_t count)
{
    if (sector > bd->nsectors || count > bd->nsectors - sector)
        return -EINVAL;
    return 0;
}

static struct blkdev *disk_of(struct blkdev *bd) { return bd->parent ? bd->parent : bd; }

int blkdev_read(struct blkdev *bd, uint64_t sector, void *buf, uint32_t count)
{
    int r = check_range(bd, sector, count);
    if (r || count == 0)
        return r;
    return disk_of(bd)->ops->read(disk_of(bd), sector + bd->start, buf, count);
}

int blkdev_write(struct blkdev *bd, uint64_t sector, const void *buf, uint32_t count)
{
    int r = check_range(bd, sector, count);
    if (r || count == 0)
        return r;
    if (bd->readonly)
        return -EROFS;
    return disk_of(bd)->ops->write(disk_of(bd), sector + bd->start, buf, count);
}

int blkdev_flush(struct blkdev *bd)
{
    struct blkdev *d = disk_of(bd);
    return d->ops->flush ? d->ops->flush(d) : 0;
}

static int add_partition(struct blkdev *disk, unsigned n, const struct part_extent *e)
{
    struct blkdev *p = kzalloc(sizeof(*p));
    if (!p)
        return -ENOMEM;
    ksnprintf(p->name, sizeof(p->name), "%s%u", disk->name, n);
    p->major = disk->major;
    p->minor = disk->minor + n;
    p->nsectors = e->nsectors;
    p->readonly = disk->readonly;
    p->ops = disk->ops;
    p->priv = disk->priv;
    p->parent = disk;
    p->start = e->start;
    int r = blkdev_register(p);
    if (r)
        kfree(p);
    return r;
}

static int scan_gpt(struct blkdev *disk, uint8_t *sec)
{
    uint64_t lba;
    uint32_t n, esize;
    int r = blkdev_read(disk, 1, sec, 1);
    if (r || part_parse_gpt_header(sec, disk->nsectors, &lba, &n, &esize))
        return r;
    unsigned found = 0, per = 512 / esize;
    /* Entry i is partition i + 1, as Linux numbers them; minors stop at PART_MAX. */
    for (uint32_t i = 0; i < n && i < PART_MAX; i++) {
        if (i % per == 0 && (r = blkdev_read(disk, lba + i / per, sec, 1)))
            return r;
        struct part_extent e;
        if (part_parse_gpt_entry(sec + (i % per) * esize, esize, disk->nsectors, &e) == 1 &&
            add_partition(disk, i + 1, &e) == 0)
            found++;
    }
    return (int)found;
}

int blkdev_scan_partitions(struct blkdev *disk)
{
    uint8_t *sec = kmalloc(BLK_SECTOR_SIZE);
    if (!sec)
        return -ENOMEM;
    struct part_extent ext[4];
    int r = blkdev_read(disk, 0, sec, 1);
    if (!r)
        r = part_parse_mbr(sec, disk->nsectors, ext);
    if (r == -EAGAIN) {
        r = scan_gpt(disk, sec);
    } else if (r > 0) {
        int found = 0;
        for (unsigned i = 0; i < 4; i++)
            if (ext[i].nsectors && add_partition(disk, i + 1, &ext[i]) == 0)
                found++;
        r = found;
    }
    kfree(sec);
    return r;
}
