// SPDX-License-Identifier: MPL-2.0
// The vDSO service: one shared object holding the vvar frame and the vDSO's pages, mapped at exec.
#include <ostd/frame.h>
#include <ostd/vvar.h>
#include <ostd/sync.h>
#include <ostd/vm_space.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/mman.h>
#include "vdso/vdso.h"
#include "vdso/vdso_image.h"
#include "mm/mm.h"

/* Page 0: the vvar frame; pages 1..: the vDSO image. Built once; guarded by vdso_lock until then. */
static struct anon_shared *vdso_obj;
static struct mutex vdso_lock = { .lock = SPINLOCK_INIT("vdso"),
                                  .wq = { .lock = SPINLOCK_INIT("vdso.wq"),
                                          .waiters = LIST_HEAD_INIT(vdso_lock.wq.waiters) } };

static uint64_t image_pages(void) { return ALIGN_UP((uint64_t)vdso_image_len, PAGE_SIZE) >> PAGE_SHIFT; }

uint64_t vdso_total_pages(void) { return 1 + image_pages(); }

/* Copy page i of the image into a fresh frame and install it at index 1 + i. */
static int add_image_page(struct anon_shared *s, uint64_t i)
{
    struct frame *f = frame_alloc(FRAME_ZERO);
    if (!f)
        return -ENOMEM;
    size_t off = (size_t)(i << PAGE_SHIFT), len = MIN(PAGE_SIZE, vdso_image_len - off);
    int r = frame_write(f, 0, vdso_image + off, len);
    if (!r)
        r = anon_shared_set_page(s, 1 + i, f);
    frame_put(f);
    return r;
}

static struct anon_shared *build_obj(void)
{
    struct frame *vv = vvar_frame();
    struct anon_shared *s = vv ? anon_shared_create(vdso_total_pages()) : NULL;
    int r = s ? anon_shared_set_page(s, 0, vv) : -ENOMEM;
    for (uint64_t i = 0; !r && i < image_pages(); i++)
        r = add_image_page(s, i);
    if (vv)
        frame_put(vv);
    if (r && s)
        anon_shared_put(s);
    return r ? NULL : s;
}

/* The shared object with a new reference, built on first use; NULL on OOM. */
static struct anon_shared *get_obj(void)
{
    mutex_lock(&vdso_lock);
    if (!vdso_obj)
        vdso_obj = build_obj();
    struct anon_shared *s = vdso_obj;
    if (s)
        anon_shared_get(s);
    mutex_unlock(&vdso_lock);
    return s;
}

static struct vma *special_vma(struct anon_shared *s, uint64_t start, uint64_t pages, uint64_t pgoff,
                               unsigned prot, unsigned flag)
{
    struct vma *v = vma_alloc(start, start + (pages << PAGE_SHIFT), prot, VMA_SHARED | VMA_NOWRITE | flag);
    if (v) {
        anon_shared_get(s);
        v->shm = s;
        v->shm_pgoff = pgoff;
    }
    return v;
}

#define BLOCK (2ULL << 20)

/* Where above stack_top the mapping may go (see vdso_map), or 0. mm->lock held. */
static uint64_t above_stack_locked(struct mm *mm, uint64_t stack_top, uint64_t rnd, uint64_t len)
{
    uint64_t end = MIN(ALIGN_UP(stack_top + len, BLOCK), VM_USER_TOP);
    if (end < stack_top + len)
        return 0;
    uint64_t at = stack_top + (rnd % (((end - len - stack_top) >> PAGE_SHIFT) + 1)) * PAGE_SIZE;
    return mm_range_free_locked(mm, at, at + len) ? at : 0;
}

int vdso_map(struct mm *mm, uint64_t stack_top, uint64_t rnd, uint64_t *ehdr)
{
    struct anon_shared *s = get_obj();
    if (!s)
        return -ENOMEM;
    int r = -ENOMEM;
    mutex_lock(&mm->lock);
    uint64_t len = vdso_total_pages() << PAGE_SHIFT;
    uint64_t at = above_stack_locked(mm, stack_top, rnd, len);
    if (!at)
        at = mm_find_gap_locked(mm, len, 0);
    struct vma *vv = at ? special_vma(s, at, 1, 0, PROT_READ, VMA_VVAR) : NULL;
    struct vma *vd = vv ? special_vma(s, at + PAGE_SIZE, image_pages(), 1, PROT_READ | PROT_EXEC, VMA_VDSO) : NULL;
    if (vd) {
        vma_insert_locked(mm, vv);
        vma_insert_locked(mm, vd);
        *ehdr = at + PAGE_SIZE;
        r = 0;
    } else if (vv) {
        vma_free(vv);
    }
    mutex_unlock(&mm->lock);
    anon_shared_put(s);
    return r;
}
