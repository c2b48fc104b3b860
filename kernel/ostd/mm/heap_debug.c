// SPDX-License-Identifier: MPL-2.0
// Debugging heap (CONFIG_DEBUG_HEAP): redzones, fill and poison patterns, a free quarantine.
#include <ostd/heap.h>
#include <ostd/panic.h>
#include <ostd/sync.h>
#include <ostd/console.h>
#include <lib/string.h>
#include "heap_internal.h"
#include "../internal.h"

#ifdef CONFIG_DEBUG_HEAP

#define MAGIC_LIVE  0x4c495645u   /* "LIVE" */
#define MAGIC_FREED 0x46524545u   /* "FREE" */

/* Sits at the start of every raw object; the caller's pointer is HEAP_DBG_FRONT bytes in. */
struct dbg_hdr {
    uint32_t magic;         /* written last on allocation (release), first read by checkers */
    uint32_t size;          /* requested size */
    uint64_t alloc_ip;      /* caller of kmalloc/kzalloc/kcalloc */
    uint64_t free_ip;       /* caller of kfree, once freed */
    uint64_t raw_usable;    /* usable size of the raw object */
};
_Static_assert(sizeof(struct dbg_hdr) + HEAP_DBG_FRONT_RZ == HEAP_DBG_FRONT, "debug header layout");

/* Freed objects wait here, poisoned, before going back to the allocator. */
#define QUARANTINE_SLOTS  1024
#define QUARANTINE_BYTES  (2UL << 20)
#define QUARANTINE_MAX_OBJ (64UL << 10)   /* larger blocks are checked and freed at once */
static spinlock_t q_lock = SPINLOCK_INIT("heap quarantine");
static struct dbg_hdr *q_ring[QUARANTINE_SLOTS];   /* guarded by q_lock */
static unsigned q_head, q_count;                   /* guarded by q_lock */
static size_t q_bytes;                             /* guarded by q_lock */

static struct dbg_hdr *hdr_of(const void *p) { return (struct dbg_hdr *)(uintptr_t)((uintptr_t)p - HEAP_DBG_FRONT); }
static uint8_t *user_of(struct dbg_hdr *h) { return (uint8_t *)h + HEAP_DBG_FRONT; }

static size_t tail_len(const struct dbg_hdr *h)
{
    size_t avail = h->raw_usable - HEAP_DBG_FRONT - h->size;
    return MIN(avail, (size_t)HEAP_DBG_TAIL_MAX);
}

/* Offset of the first byte in [p, p+n) that is not pat, or -1. */
static long first_not(const uint8_t *p, size_t n, uint8_t pat)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != pat)
            return (long)i;
    return -1;
}

void *heap_debug_alloc(size_t size, uint64_t caller)
{
    if (size > (PAGE_SIZE << 10))
        return NULL;
    if (size == 0)
        size = 1;
    if (size + HEAP_DBG_FRONT + HEAP_DBG_TAIL_MIN > (PAGE_SIZE << 10))
        return heap_raw_alloc(size);    /* the largest blocks: page-aligned, undecorated */
    struct dbg_hdr *h = heap_raw_alloc(size + HEAP_DBG_FRONT + HEAP_DBG_TAIL_MIN);
    if (!h)
        return NULL;
    h->size = (uint32_t)size;
    h->alloc_ip = caller;
    h->free_ip = 0;
    h->raw_usable = heap_raw_usable(h);
    uint8_t *u = user_of(h);
    memset(u - HEAP_DBG_FRONT_RZ, HEAP_DBG_REDZONE, HEAP_DBG_FRONT_RZ);
    memset(u, HEAP_DBG_FILL, size);
    memset(u + size, HEAP_DBG_REDZONE, tail_len(h));
    __atomic_store_n(&h->magic, MAGIC_LIVE, __ATOMIC_RELEASE);
    return u;
}

static void fill_report(struct heap_report *r, enum heap_fault f, const void *p,
                        const struct dbg_hdr *h, long off)
{
    if (!r)
        return;
    r->fault = f;
    r->ptr = p;
    r->size = h ? h->size : 0;
    r->alloc_ip = h ? h->alloc_ip : 0;
    r->free_ip = h ? h->free_ip : 0;
    r->offset = off;
}

enum heap_fault heap_debug_check_live(const void *p, struct heap_report *r)
{
    struct dbg_hdr *h = hdr_of(p);
    if (((uintptr_t)p & 15) || !heap_raw_is_object(h)) {
        fill_report(r, HEAP_BAD_POINTER, p, NULL, 0);
        return HEAP_BAD_POINTER;
    }
    uint32_t magic = __atomic_load_n(&h->magic, __ATOMIC_ACQUIRE);
    enum heap_fault f = HEAP_OK;
    long off = 0;
    if (magic == MAGIC_FREED) {
        f = HEAP_DOUBLE_FREE;
    } else if (magic != MAGIC_LIVE || h->size > h->raw_usable) {
        f = HEAP_BAD_POINTER;
    } else if ((off = first_not(user_of(h) - HEAP_DBG_FRONT_RZ, HEAP_DBG_FRONT_RZ, HEAP_DBG_REDZONE)) >= 0) {
        f = HEAP_FRONT_REDZONE;
        off -= HEAP_DBG_FRONT_RZ;
    } else if ((off = first_not(user_of(h) + h->size, tail_len(h), HEAP_DBG_REDZONE)) >= 0) {
        f = HEAP_TAIL_REDZONE;
        off += (long)h->size;
    }
    bool located = f == HEAP_FRONT_REDZONE || f == HEAP_TAIL_REDZONE;
    fill_report(r, f, p, f == HEAP_BAD_POINTER ? NULL : h, located ? off : 0);
    return f;
}

enum heap_fault heap_debug_check_freed(const void *p, struct heap_report *r)
{
    struct dbg_hdr *h = hdr_of(p);
    if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != MAGIC_FREED) {
        fill_report(r, HEAP_BAD_POINTER, p, NULL, 0);
        return HEAP_BAD_POINTER;
    }
    long off = first_not(user_of(h), h->size, HEAP_DBG_POISON);
    enum heap_fault f = HEAP_OK;
    if (off >= 0)
        f = HEAP_USE_AFTER_FREE;
    else if ((off = first_not(user_of(h) - HEAP_DBG_FRONT_RZ, HEAP_DBG_FRONT_RZ, HEAP_DBG_REDZONE)) >= 0)
        f = HEAP_FRONT_REDZONE, off -= HEAP_DBG_FRONT_RZ;
    else if ((off = first_not(user_of(h) + h->size, tail_len(h), HEAP_DBG_REDZONE)) >= 0)
        f = HEAP_TAIL_REDZONE, off += (long)h->size;
    fill_report(r, f, p, h, f == HEAP_OK ? 0 : off);
    return f;
}

const char *heap_fault_name(enum heap_fault f)
{
    static const char *const names[] = {
        [HEAP_OK] = "ok", [HEAP_BAD_POINTER] = "free of a non-heap pointer or smashed header",
        [HEAP_DOUBLE_FREE] = "double free", [HEAP_FRONT_REDZONE] = "write before the object (front redzone)",
        [HEAP_TAIL_REDZONE] = "write past the end of the object (tail redzone)",
        [HEAP_USE_AFTER_FREE] = "write after free (poison changed in quarantine)",
    };
    return (unsigned)f < ARRAY_SIZE(names) ? names[f] : "?";
}

static const char *sym(uint64_t ip, uint64_t *off)
{
    const char *s = ip ? ksym_lookup(ip, off) : NULL;
    if (!s) {
        *off = ip;
        return "?";
    }
    return s;
}

void heap_report_print(const struct heap_report *r)
{
    uint64_t ao, fo;
    const char *as = sym(r->alloc_ip, &ao), *fs = sym(r->free_ip, &fo);
    pr_err("HEAP CORRUPTION: %s: object %p, size %zu, bad byte at offset %ld, "
           "allocated by %s+0x%lx, freed by %s+0x%lx\n", heap_fault_name(r->fault), r->ptr,
           r->size, r->offset, as, (unsigned long)ao, fs, (unsigned long)fo);
}

static __noreturn void heap_die(const struct heap_report *r)
{
    heap_report_print(r);
    uint64_t ao;
    const char *as = sym(r->alloc_ip, &ao);
    panic("heap: %s (object %p of %zu bytes allocated at %s+0x%lx, offset %ld)",
          heap_fault_name(r->fault), r->ptr, r->size, as, (unsigned long)ao, r->offset);
}

static void periodic_check(void);

/* Really release an object leaving the quarantine, after checking its poison. */
static void release(struct dbg_hdr *h)
{
    struct heap_report r;
    if (heap_debug_check_freed(user_of(h), &r) != HEAP_OK)
        heap_die(&r);
    h->magic = 0;
    heap_raw_free(h);
}

void heap_debug_free(void *p, uint64_t caller)
{
    struct heap_report r;
    if (heap_debug_check_live(p, &r) != HEAP_OK) {
        if (r.fault == HEAP_DOUBLE_FREE)
            r.free_ip = hdr_of(p)->free_ip;
        pr_err("heap: kfree(%p) called from %p\n", p, (void *)(uintptr_t)caller);
        heap_die(&r);
    }
    struct dbg_hdr *h = hdr_of(p);
    h->free_ip = caller;
    periodic_check();
    if (h->raw_usable > QUARANTINE_MAX_OBJ) {
        h->magic = 0;
        heap_raw_free(h);
        return;
    }
    memset(p, HEAP_DBG_POISON, h->size);
    __atomic_store_n(&h->magic, MAGIC_FREED, __ATOMIC_RELEASE);
    struct dbg_hdr *evict[4];
    unsigned n = 0;
    unsigned long fl = spin_lock_irqsave(&q_lock);
    q_ring[(q_head + q_count) % QUARANTINE_SLOTS] = h;
    q_count++;
    q_bytes += h->raw_usable;
    while (n < ARRAY_SIZE(evict) && (q_count >= QUARANTINE_SLOTS || q_bytes > QUARANTINE_BYTES)) {
        evict[n++] = q_ring[q_head];
        q_bytes -= q_ring[q_head]->raw_usable;
        q_head = (q_head + 1) % QUARANTINE_SLOTS;
        q_count--;
    }
    spin_unlock_irqrestore(&q_lock, fl);
    for (unsigned i = 0; i < n; i++)
        release(evict[i]);
}

size_t heap_debug_size(const void *p)
{
    struct heap_report r;
    if (heap_debug_check_live(p, &r) != HEAP_OK)
        heap_die(&r);
    return hdr_of(p)->size;
}

/* One raw slot seen by the heap walk: check it if it holds a live object. */
static void check_slot(void *raw, void *ctx)
{
    struct dbg_hdr *h = raw;
    if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != MAGIC_LIVE)
        return;
    struct heap_report r;
    if (heap_debug_check_live(user_of(h), &r) == HEAP_OK)
        return;
    /* A racing free/reuse may change the object under us: report only a stable redzone failure. */
    if (heap_debug_check_live(user_of(h), &r) != HEAP_FRONT_REDZONE && r.fault != HEAP_TAIL_REDZONE)
        return;
    struct heap_check_result *res = ctx;
    if (res->faults++ == 0)
        heap_report_print(&r);
}

/* Every PERIODIC_FREES frees, kfree checks every live object (quarantined ones are checked on release). */
#define PERIODIC_FREES 8192
static uint32_t frees_since_check;
static bool periodic_paused;      /* while a self-test corrupts an object on purpose */

void heap_debug_pause_periodic(bool pause)
{
    __atomic_store_n(&periodic_paused, pause, __ATOMIC_SEQ_CST);
}

static void periodic_check(void)
{
    if (__atomic_load_n(&periodic_paused, __ATOMIC_SEQ_CST))
        return;
    if (__atomic_add_fetch(&frees_since_check, 1, __ATOMIC_RELAXED) % PERIODIC_FREES)
        return;
    struct heap_check_result res = { 0 };
    heap_raw_for_each_object(check_slot, &res);
    if (res.faults)
        panic("heap: %d corrupted live object(s) found by the periodic check (first above)", res.faults);
}

int heap_check(void)
{
    struct heap_check_result res = { 0 };
    heap_raw_for_each_object(check_slot, &res);
    unsigned long fl = spin_lock_irqsave(&q_lock);
    for (unsigned i = 0; i < q_count; i++) {
        struct dbg_hdr *h = q_ring[(q_head + i) % QUARANTINE_SLOTS];
        struct heap_report r;
        if (heap_debug_check_freed(user_of(h), &r) != HEAP_OK && res.faults++ == 0)
            heap_report_print(&r);
    }
    spin_unlock_irqrestore(&q_lock, fl);
    return res.faults;
}

void heap_quarantine_drain(void)
{
    for (;;) {
        struct dbg_hdr *h = NULL;
        unsigned long fl = spin_lock_irqsave(&q_lock);
        if (q_count) {
            h = q_ring[q_head];
            q_bytes -= h->raw_usable;
            q_head = (q_head + 1) % QUARANTINE_SLOTS;
            q_count--;
        }
        spin_unlock_irqrestore(&q_lock, fl);
        if (!h)
            return;
        release(h);
    }
}

#else

int heap_check(void) { return 0; }
void heap_quarantine_drain(void) {}

#endif
