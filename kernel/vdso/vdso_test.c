// SPDX-License-Identifier: MPL-2.0
// KTESTs for the vDSO service: exec's mapping of [vvar] and [vdso].
#include <ostd/ktest.h>
#include <ostd/frame.h>
#include <ostd/vm_space.h>
#include <lib/string.h>
#include <uapi/mman.h>
#include "vdso/vdso.h"
#include "vdso/vdso_image.h"
#include "mm/mm.h"

/* The first 4 bytes of the page at index pgoff of v's object. */
static bool page_starts_with(struct vma *v, const char *magic)
{
    struct frame *f = anon_shared_page(v->shm, v->shm_pgoff);
    char b[4] = { 0 };
    bool ok = f && frame_read(f, 0, b, sizeof(b)) == 0 && memcmp(b, magic, 4) == 0;
    if (f)
        frame_put(f);
    return ok;
}

KTEST(vdso_map_places_vvar_below_the_image)
{
    struct mm *mm = mm_create();
    KT_ASSERT(mm != NULL);
    uint64_t ehdr = 0;
    KT_ASSERT(vdso_map(mm, VM_USER_TOP - (64 << 20), 5, &ehdr) == 0);
    KT_ASSERT(ehdr == VM_USER_TOP - (64 << 20) + 5 * PAGE_SIZE + PAGE_SIZE);
    KT_ASSERT(ehdr != 0 && ehdr % PAGE_SIZE == 0);
    mutex_lock(&mm->lock);
    struct vma *vv = vma_find_locked(mm, ehdr - PAGE_SIZE), *vd = vma_find_locked(mm, ehdr);
    bool shapes = vv && vd && vv->start == ehdr - PAGE_SIZE && vv->end == ehdr && vd->start == ehdr &&
                  (vv->flags & VMA_VVAR) && (vd->flags & VMA_VDSO) && vv->prot == PROT_READ &&
                  vd->prot == (PROT_READ | PROT_EXEC) && (vd->flags & VMA_NOWRITE) &&
                  vd->end - vd->start == ALIGN_UP((uint64_t)vdso_image_len, PAGE_SIZE);
    bool image = vd && page_starts_with(vd, "\x7f" "ELF");
    bool shared = vv && vd && vv->shm == vd->shm;
    mutex_unlock(&mm->lock);
    mm_put(mm);
    KT_ASSERT(shapes);
    KT_ASSERT(image);
    KT_ASSERT(shared);
}
