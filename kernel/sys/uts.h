// SPDX-License-Identifier: MPL-2.0
// UTS names (uname, host and domain name): one object per future UTS namespace.
#ifndef KEEL_SYS_UTS_H
#define KEEL_SYS_UTS_H

#include <ostd/sync.h>
#include <uapi/utsname.h>

struct uts_ns {
    spinlock_t lock;
    struct new_utsname name;    /* guarded by lock */
};

/* Values Keel reports; "Linux" because programs parse sysname and release. */
#define UTS_SYSNAME "Linux"
#define UTS_RELEASE "6.1.0-keel"
#define UTS_VERSION "#1 SMP Keel"
#define UTS_MACHINE "x86_64"
#define UTS_DEFAULT_NAME "(none)"

/*
 * The UTS namespace of the calling thread.
 * FIXME: always the root namespace until namespaces exist; then it comes
 * from the process's namespace set and clone(CLONE_NEWUTS) copies it.
 */
struct uts_ns *uts_ns_current(void);

/* Snapshot all names. Takes ns->lock. */
void uts_ns_read(struct uts_ns *ns, struct new_utsname *out);

enum uts_field { UTS_NODENAME, UTS_DOMAINNAME };
/* Replace the host or domain name with len (<= NEW_UTS_LEN) bytes of name. Takes ns->lock. */
void uts_ns_set(struct uts_ns *ns, enum uts_field f, const char *name, size_t len);

#endif
