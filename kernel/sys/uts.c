// SPDX-License-Identifier: MPL-2.0
// The UTS names and their syscalls: uname, sethostname, setdomainname.
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/capability.h>
#include "proc/cred.h"
#include "syscall/syscall.h"
#include "sys/uts.h"

long sys_uname(struct sys_call *c);
long sys_sethostname(struct sys_call *c);
long sys_setdomainname(struct sys_call *c);

static struct uts_ns root_uts = {
    .lock = SPINLOCK_INIT("uts"),
    .name = {
        .sysname = UTS_SYSNAME,
        .nodename = UTS_DEFAULT_NAME,
        .release = UTS_RELEASE,
        .version = UTS_VERSION,
        .machine = UTS_MACHINE,
        .domainname = UTS_DEFAULT_NAME,
    },
};

struct uts_ns *uts_ns_current(void) { return &root_uts; }

void uts_ns_read(struct uts_ns *ns, struct new_utsname *out)
{
    spin_lock(&ns->lock);
    *out = ns->name;
    spin_unlock(&ns->lock);
}

void uts_ns_set(struct uts_ns *ns, enum uts_field f, const char *name, size_t len)
{
    spin_lock(&ns->lock);
    char *dst = f == UTS_NODENAME ? ns->name.nodename : ns->name.domainname;
    memcpy(dst, name, len);
    memset(dst + len, 0, NEW_UTS_LEN + 1 - len);
    spin_unlock(&ns->lock);
}

long sys_uname(struct sys_call *c)
{
    struct new_utsname u;
    uts_ns_read(uts_ns_current(), &u);
    return copy_to_user(uptr(c->arg[0]), &u, sizeof(u)) ? -EFAULT : 0;
}

/* Both setters: the length is an int; the bytes are copied as given (NULs included). */
static long set_name(struct sys_call *c, enum uts_field f)
{
    int len = (int)c->arg[1];
    char buf[NEW_UTS_LEN];
    /* FIXME(Isolation): CAP_SYS_ADMIN in the UTS namespace's user namespace. */
    if (!capable(CAP_SYS_ADMIN))
        return -EPERM;
    if (len < 0 || len > NEW_UTS_LEN)
        return -EINVAL;
    if (copy_from_user(buf, uptr(c->arg[0]), (size_t)len))
        return -EFAULT;
    uts_ns_set(uts_ns_current(), f, buf, (size_t)len);
    return 0;
}

long sys_sethostname(struct sys_call *c) { return set_name(c, UTS_NODENAME); }
long sys_setdomainname(struct sys_call *c) { return set_name(c, UTS_DOMAINNAME); }
