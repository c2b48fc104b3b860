// SPDX-License-Identifier: MPL-2.0
// Credentials: an immutable, refcounted object replaced as a whole when a set*id call changes it.
#ifndef KEEL_PROC_CRED_H
#define KEEL_PROC_CRED_H

#include <ostd/types.h>

#define NGROUPS_MAX 65536

/* FIXME: capabilities and the user namespace join this object with the Isolation issue. */
struct cred {
    uint32_t refcount;          /* atomic; the fields never change after publication */
    uint32_t uid, euid, suid, fsuid;
    uint32_t gid, egid, sgid, fsgid;
    uint32_t ngroups;
    uint32_t *groups;
};

struct cred *cred_root(void) __must_check;              /* all ids 0, no groups */
struct cred *cred_copy(const struct cred *c) __must_check;
void cred_get(struct cred *c);
void cred_put(struct cred *c);

/* The calling process's credentials (NULL in a kernel task: acts as root). */
struct cred *cred_current_get(void) __must_check;
uint32_t cred_current_fsuid(void);
uint32_t cred_current_fsgid(void);
bool cred_current_in_group(uint32_t gid);

/*
 * Whether the caller holds capability cap (CAP_* of uapi/capability.h).
 * FIXME(Isolation): capability sets and user namespaces are not modelled
 * yet: effective uid 0 holds every capability, any other uid none.
 */
bool capable(int cap);

#endif
