/* SPDX-License-Identifier: MPL-2.0 */
/* Linux robust futex ABI: struct robust_list_head and the futex word bits the kernel sets at owner death. */
#ifndef KEEL_UAPI_FUTEX_ROBUST_H
#define KEEL_UAPI_FUTEX_ROBUST_H

#include <stdint.h>

#define FUTEX_WAITERS       0x80000000u     /* someone sleeps on the word */
#define FUTEX_OWNER_DIED    0x40000000u     /* the owner exited holding it */
#define FUTEX_TID_MASK      0x3fffffffu     /* the owner's thread id */
#define ROBUST_LIST_LIMIT   2048            /* entries walked at most (a cycle guard) */

/* struct robust_list_head: 24 bytes on x86-64. Entry pointers with bit 0 set name PI futexes. */
struct k_robust_list_head {
    uint64_t next;              /* first entry; the list ends when it points back at the head */
    int64_t futex_offset;       /* from an entry to its futex word */
    uint64_t list_op_pending;   /* the entry being locked or unlocked, or 0 */
};

#endif
