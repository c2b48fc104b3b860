// SPDX-License-Identifier: MPL-2.0
// procfs core: super block, inodes from entry tables, directories made on lookup, text files.
#include <ostd/heap.h>
#include <lib/format.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mount.h>
#include "fs/procfs/procfs.h"
#include "fs/mount.h"
#include <ostd/task.h>
#include "proc/process.h"

#define PROC_FILE_MAX (1u << 20)   /* a generated file never grows past 1 MiB */

void pb_write(struct pbuf *b, const void *p, size_t n)
{
    if (b->oom || b->len + n > PROC_FILE_MAX) {
        b->oom = true;
        return;
    }
    if (b->len + n > b->cap) {
        size_t cap = MAX(b->cap * 2, b->len + n + 256);
        char *d = kmalloc(cap);
        if (!d) {
            b->oom = true;
            return;
        }
        if (b->len)
            memcpy(d, b->data, b->len);
        kfree(b->data);
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void pb_printf(struct pbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(tmp)) {
        pb_write(b, tmp, (size_t)n);
        return;
    }
    char *big = kmalloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    kvsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    pb_write(b, big, (size_t)n);
    kfree(big);
}

bool proc_name_num(const char *name, size_t len, int64_t *out)
{
    int64_t v = 0;
    if (len == 0 || len > 9 || (name[0] == '0' && len > 1))
        return false;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return false;
        v = v * 10 + (name[i] - '0');
    }
    *out = v;
    return true;
}

struct process *proc_lock(int64_t pid, bool holding_vfs)
{
    for (int tries = 0; tries < 64; tries++) {
        mutex_lock(&tasklist_lock);
        struct process *p = pid > 0 && pid < (1 << 30) ? proc_find_locked((int)pid) : NULL;
        if (!p) {
            mutex_unlock(&tasklist_lock);
            return NULL;
        }
        if (!holding_vfs) {
            mutex_lock(&p->lock);
            return p;
        }
        if (mutex_trylock(&p->lock))
            return p;
        mutex_unlock(&tasklist_lock);
        task_yield();
    }
    return NULL;    /* FIXME: a process stuck in fork holding its lock while waiting for vfs_lock */
}

void proc_unlock(struct process *p)
{
    mutex_unlock(&p->lock);
    mutex_unlock(&tasklist_lock);
}

/* Regular files: contents made on first read (and again after a seek to 0). */
struct proc_open { struct pbuf b; bool made; };

static int proc_file_open(struct file *f)
{
    f->priv = kzalloc(sizeof(struct proc_open));
    return f->priv ? 0 : -ENOMEM;
}

static void proc_file_release(struct file *f)
{
    struct proc_open *po = f->priv;
    if (po)
        kfree(po->b.data);
    kfree(po);
}

static int proc_make(struct file *f, struct proc_open *po)
{
    const struct proc_entry *e = f->inode->fs_priv;
    kfree(po->b.data);
    memset(&po->b, 0, sizeof(po->b));
    int r = e->show ? e->show(&po->b, f->inode) : -EINVAL;
    if (!r && po->b.oom)
        r = -ENOMEM;
    po->made = !r;
    return r;
}

static long proc_file_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct proc_open *po = f->priv;
    if (!po->made || *pos == 0) {
        int r = proc_make(f, po);
        if (r)
            return r;
    }
    if (*pos >= po->b.len)
        return 0;
    bool fault = false;
    size_t n = iov_copy_to(to, po->b.data + *pos, MIN(po->b.len - (size_t)*pos, to->count), &fault);
    if (n == 0 && fault)
        return -EFAULT;
    *pos += n;
    return (long)n;
}

static long proc_file_write(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    const struct proc_entry *e = f->inode->fs_priv;
    if (!e->store)
        return -EINVAL;
    char buf[128];
    size_t n = MIN(from->count, sizeof(buf) - 1);
    bool fault = false;
    size_t got = iov_copy_from(from, buf, n, &fault);
    if (got < n && fault)
        return -EFAULT;
    buf[got] = 0;
    long r = e->store(f->inode, buf, got);
    if (r >= 0)
        *pos += got;
    return r < 0 ? r : (long)got;
}

static const struct file_ops proc_file_ops = {
    .open = proc_file_open, .read = proc_file_read, .write = proc_file_write,
    .release = proc_file_release, .seekable = true,
};

static struct inode *proc_inode(struct super_block *sb, const struct proc_entry *e, int64_t id, int64_t id2)
{
    struct inode *ino = inode_new(sb, e->mode);
    if (!ino)
        return NULL;
    ino->fs_priv = e;
    ino->fs_id = id;
    ino->fs_id2 = id2;
    ino->iops = e->iops;
    if (S_ISREG(e->mode))
        ino->fops = &proc_file_ops;
    return ino;
}

static long proc_get_link(struct inode *ino, char *buf, size_t size, struct file **target)
{
    const struct proc_entry *e = ino->fs_priv;
    return e->link ? e->link(ino, buf, size, target) : -EINVAL;
}

static const struct inode_ops proc_link_iops = { .get_link = proc_get_link };

struct dentry *proc_add_locked(struct dentry *dir, const struct proc_entry *e,
                               int64_t id, int64_t id2, const char *name, size_t len)
{
    struct inode *ino = proc_inode(dir->inode->sb, e, id, id2);
    if (!ino)
        return NULL;
    if (S_ISLNK(e->mode))
        ino->iops = &proc_link_iops;
    struct dentry *d = dentry_add_locked(dir, name, len, ino);
    inode_put(ino);
    if (d && S_ISDIR(e->mode))
        dir->inode->nlink++;
    return d;
}

void proc_prune_locked(struct dentry *dir, bool (*keep)(struct dentry *d))
{
    struct list_head *l = dir->children.next;
    while (l != &dir->children) {
        struct dentry *c = list_entry(l, struct dentry, sibling);
        l = l->next;
        if (!keep(c) && !c->mounted) {
            if (S_ISDIR(c->inode->mode))
                dir->inode->nlink--;
            dentry_remove_tree_locked(c);     /* a pid directory's files go with it */
        }
    }
}

static const struct proc_entry *find_entry(const struct proc_entry *t, const char *name, size_t len)
{
    for (; t && t->name; t++)
        if (strlen(t->name) == len && !memcmp(t->name, name, len))
            return t;
    return NULL;
}

struct dentry *proc_static_lookup(struct dentry *dir, const char *name, size_t len)
{
    struct dentry *d = dentry_lookup_locked(dir, name, len);
    if (d)
        return d;
    const struct proc_entry *de = dir->inode->fs_priv;
    const struct proc_entry *e = find_entry(de->children, name, len);
    return e ? proc_add_locked(dir, e, dir->inode->fs_id, dir->inode->fs_id2, name, len) : NULL;
}

void proc_static_revalidate(struct dentry *dir)
{
    const struct proc_entry *de = dir->inode->fs_priv;
    for (const struct proc_entry *e = de->children; e && e->name; e++)
        (void)proc_static_lookup(dir, e->name, strlen(e->name));
}

const struct inode_ops proc_static_iops = { .lookup = proc_static_lookup, .revalidate = proc_static_revalidate };

int procfs_make(const char *data, struct dentry **root)
{
    (void)data;     /* FIXME: hidepid=, gid=, subset= are accepted and ignored */
    struct super_block *sb = kzalloc(sizeof(*sb));
    if (!sb)
        return -ENOMEM;
    static uint64_t next_dev = 0x100;
    sb->dev = atomic_add(&next_dev, 1);
    sb->magic = PROC_SUPER_MAGIC;
    sb->next_ino = 1;
    sb->type = "proc";
    struct inode *ino = proc_inode(sb, &proc_root_entry, 0, 0);
    *root = ino ? dentry_new_root(ino) : NULL;
    if (ino)
        inode_put(ino);
    return *root ? 0 : -ENOMEM;     /* FIXME: super blocks are not freed yet */
}
