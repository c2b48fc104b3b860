// SPDX-License-Identifier: MPL-2.0
// Truncation of mapped files: every address space is on one list, so a shrinking file's pages leave all mappings.
#include <ostd/vm_space.h>
#include "mm/mm.h"
#include "fs/vfs.h"
#include "fs/file.h"

/*
 * Every live mm, for truncate's walk (Linux finds mappings through the
 * inode's i_mmap tree; truncation is rare enough here for a plain list).
 * Lock order: mm_list_lock -> mm->lock (never taken the other way round).
 */
static struct list_head all_mms = LIST_HEAD_INIT(all_mms);   /* guarded by mm_list_lock */
static struct mutex mm_list_lock = MUTEX_INIT(mm_list_lock, "mm_list");

void mm_list_add(struct mm *mm)
{
    mutex_lock(&mm_list_lock);
    list_add_tail(&mm->all_node, &all_mms);
    mutex_unlock(&mm_list_lock);
}

void mm_list_del(struct mm *mm)
{
    mutex_lock(&mm_list_lock);
    list_del(&mm->all_node);
    mutex_unlock(&mm_list_lock);
}

/*
 * Unmap v's pages at file page index >= keep. Like Linux, private pages go
 * too, copied on write or not: an access wholly past the end of file is
 * SIGBUS whatever the page holds.
 */
static void unmap_vma_tail_locked(struct mm *mm, struct vma *v, uint64_t keep)
{
    uint64_t from = v->start;
    if ((keep << PAGE_SHIFT) > v->file_off)
        from = v->start + (keep << PAGE_SHIFT) - v->file_off;
    if (from >= v->end || from < v->start)
        return;
    mm_rss_add_locked(mm, -(int64_t)mm_mapped_pages_locked(mm, from, v->end));
    vm_unmap(mm->vs, from, v->end - from);
}

void mm_unmap_file_tail(struct inode *ino, uint64_t size)
{
    uint64_t keep = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    mutex_lock(&mm_list_lock);
    struct list_head *p, *q;
    list_for_each(p, &all_mms) {
        struct mm *mm = list_entry(p, struct mm, all_node);
        mutex_lock(&mm->lock);
        list_for_each(q, &mm->vmas) {
            struct vma *v = list_entry(q, struct vma, node);
            if (v->file && v->file->inode == ino)
                unmap_vma_tail_locked(mm, v, keep);
        }
        mutex_unlock(&mm->lock);
    }
    mutex_unlock(&mm_list_lock);
}
