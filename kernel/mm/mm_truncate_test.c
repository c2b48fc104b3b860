// SPDX-License-Identifier: MPL-2.0
// KTESTs for truncation of mapped files: pages wholly past the new end leave shared and private mappings.
#include <ostd/ktest.h>
#include <ostd/frame.h>
#include <ostd/heap.h>
#include <ostd/vm_space.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mman.h>
#include "fs/vfs.h"
#include "fs/tmpfs.h"
#include "mm/mm.h"

#define BASE 0x40000000ULL

/* Is va of mm mapped? */
static bool mapped(struct mm *mm, uint64_t va)
{
    struct frame *f = vm_query(mm->vs, va, NULL);
    if (f)
        frame_put(f);
    return f != NULL;
}

static int fault(struct mm *mm, uint64_t va, unsigned fl)
{
    mutex_lock(&mm->lock);
    int r = mm_fault_locked(mm, va, fl);
    mutex_unlock(&mm->lock);
    return r;
}

KTEST(mm_truncate_unmaps_pages_past_eof)
{
    struct super_block *sb = tmpfs_new_sb();
    KT_ASSERT(sb);
    struct inode *ino = inode_new(sb, S_IFREG | 0644);
    KT_ASSERT(ino);
    static char data[3 * PAGE_SIZE];
    KT_EQ(tmpfs_write_kernel(ino, 0, data, sizeof(data)), (long)sizeof(data));
    struct file *f;
    KT_EQ(file_alloc(NULL, ino, &tmpfs_file_ops, O_RDWR, &f), 0);
    struct mm *mm = mm_create();
    KT_ASSERT(mm);
    uint64_t shr = BASE, prv = BASE + 4 * PAGE_SIZE;
    KT_EQ(mm_map_file(mm, shr, shr + 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, VMA_SHARED, f, 0), 0);
    KT_EQ(mm_map_file(mm, prv, prv + 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, 0, f, 0), 0);
    for (uint64_t i = 0; i < 3; i++) {
        KT_EQ(fault(mm, shr + i * PAGE_SIZE, VM_FAULT_READ), 0);
        KT_EQ(fault(mm, prv + i * PAGE_SIZE, i == 2 ? VM_FAULT_WRITE : VM_FAULT_READ), 0);  /* page 2: copied */
    }
    KT_EQ(mm->rss, 6);
    KT_EQ(inode_setsize(ino, PAGE_SIZE + 100), 0);
    KT_ASSERT(mapped(mm, shr) && mapped(mm, shr + PAGE_SIZE) && !mapped(mm, shr + 2 * PAGE_SIZE));
    KT_ASSERT(mapped(mm, prv + PAGE_SIZE) && !mapped(mm, prv + 2 * PAGE_SIZE));  /* even the copy goes */
    KT_EQ(mm->rss, 4);
    KT_EQ(fault(mm, shr + 2 * PAGE_SIZE, VM_FAULT_READ), -ENXIO);   /* SIGBUS for the user */
    KT_EQ(inode_setsize(ino, 3 * PAGE_SIZE), 0);                    /* growing unmaps nothing */
    KT_EQ(mm->rss, 4);
    KT_EQ(fault(mm, shr + 2 * PAGE_SIZE, VM_FAULT_READ), 0);
    mm_put(mm);
    file_put(f);
    inode_put(ino);
    kfree(sb);
}
