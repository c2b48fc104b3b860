// SPDX-License-Identifier: MPL-2.0
// User address spaces: page tables that services fill with frame handles.
#ifndef OSTD_VM_SPACE_H
#define OSTD_VM_SPACE_H

#include <ostd/types.h>

struct vm_space;
struct frame;

enum { VM_READ = 1, VM_WRITE = 2, VM_EXEC = 4 };
enum { VM_FAULT_READ = 1, VM_FAULT_WRITE = 2, VM_FAULT_EXEC = 4, VM_FAULT_PRESENT = 8 };

#define VM_USER_TOP 0x00007ffffffff000ULL   /* user addresses are below this */

/* Create an empty user address space (refcount 1); NULL on OOM. */
struct vm_space *vm_space_create(void) __must_check;
void vm_space_get(struct vm_space *vs);
/* Drop a reference; the last one unmaps everything and frees the page tables. */
void vm_space_put(struct vm_space *vs);

/*
 * Map one frame at page-aligned user address va with prot (VM_*). Takes its own
 * reference on the frame. -EEXIST if va is mapped, -EINVAL if va is not a user
 * page, -ENOMEM when page tables cannot be allocated.
 */
int vm_map(struct vm_space *vs, uint64_t va, struct frame *f, unsigned prot) __must_check;
/* Unmap [va, va+len) (page-aligned); missing pages are skipped. Flushes TLBs on all CPUs. */
int vm_unmap(struct vm_space *vs, uint64_t va, uint64_t len);
/* Change protection of mapped pages in [va, va+len). */
int vm_protect(struct vm_space *vs, uint64_t va, uint64_t len, unsigned prot);
/* Look up va: returns the frame with a new reference (caller puts it) and its prot, or NULL. */
struct frame *vm_query(struct vm_space *vs, uint64_t va, unsigned *prot);
/*
 * First page-aligned address in [va, end) that has a mapping (including
 * PROT_NONE ones), or end: lets services walk sparse ranges cheaply.
 */
uint64_t vm_next_mapped(struct vm_space *vs, uint64_t va, uint64_t end);
/* Make vs the current CPU's user address space (NULL: none). */
void vm_space_activate(struct vm_space *vs);
struct vm_space *vm_space_current(void);

/*
 * Demand paging hook: called (in the faulting task's context, no locks held)
 * when a user access or a kernel user-copy faults in vs. Return 0 when the
 * page is now mapped (the access is retried) or a negative errno.
 */
typedef int (*vm_fault_fn)(void *ctx, uint64_t addr, unsigned fault_flags);
void vm_space_set_fault_handler(struct vm_space *vs, vm_fault_fn fn, void *ctx);
int vm_space_handle_fault(struct vm_space *vs, uint64_t addr, unsigned fault_flags);

#endif
