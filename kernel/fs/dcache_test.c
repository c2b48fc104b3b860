// SPDX-License-Identifier: MPL-2.0
// In-kernel tests of the dentry tree: removing a directory frees what lies below it.
#include <ostd/ktest.h>
#include <ostd/heap.h>
#include <uapi/stat.h>
#include "fs/dcache.h"
#include "fs/tmpfs.h"
#include "fs/vfs.h"

/* A child name -> a new inode of mode under dir, or NULL. vfs_lock held. */
static struct dentry *add(struct super_block *sb, struct dentry *dir, const char *name, uint32_t mode)
{
    struct inode *ino = inode_new(sb, mode);
    if (!ino)
        return NULL;
    struct dentry *d = dentry_add_locked(dir, name, 1, ino);
    inode_put(ino);     /* the dentry holds it */
    return d;
}

/* Regression: procfs pruned a dead pid's directory alone, and its files kept it for ever. */
KTEST(dentry_remove_tree_frees_the_subtree)
{
    KT_ASSERT(root_mount || vfs_init() == 0);     /* once per boot, shared with vfs_test.c */
    struct super_block *sb = tmpfs_new_sb();
    KT_ASSERT(sb);
    struct inode *rino = inode_new(sb, S_IFDIR | 0755);
    KT_ASSERT(rino);
    struct dentry *root = dentry_new_root(rino);
    inode_put(rino);
    KT_ASSERT(root);
    struct heap_stats before, after;
    heap_quarantine_drain();    /* debug heap: freed objects are held back until drained */
    heap_get_stats(&before);
    mutex_lock(&vfs_lock);
    struct dentry *a = add(sb, root, "a", S_IFDIR | 0755);
    struct dentry *c = a ? add(sb, a, "c", S_IFDIR | 0755) : NULL;
    bool ok = c && add(sb, a, "b", S_IFREG | 0644) && add(sb, c, "d", S_IFREG | 0644);
    if (a)
        dentry_remove_tree_locked(a);
    mutex_unlock(&vfs_lock);
    heap_quarantine_drain();
    heap_get_stats(&after);
    KT_ASSERT(ok);
    KT_EQ(after.allocations, before.allocations);
    KT_ASSERT(list_empty(&root->children));
    dput(root);
}
