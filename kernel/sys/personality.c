// SPDX-License-Identifier: MPL-2.0
// personality(2): the process's execution domain and layout flags (ADDR_NO_RANDOMIZE turns ASLR off at exec).
#include <uapi/errno.h>
#include <uapi/personality.h>
#include "proc/process.h"
#include "syscall/syscall.h"

/*
 * Flags Keel accepts: ADDR_NO_RANDOMIZE, which exec honours, and those that
 * Linux x86-64 itself ignores for 64-bit programs.
 * FIXME: the PER_LINUX32 and other execution domains (uname's machine),
 * UNAME26, READ_IMPLIES_EXEC, MMAP_PAGE_ZERO, ADDR_COMPAT_LAYOUT and the
 * ADDR_LIMIT flags are not implemented: they answer -EINVAL.
 */
long sys_personality(struct sys_call *c);

#define PERS_SUPPORTED (ADDR_NO_RANDOMIZE | FDPIC_FUNCPTRS | SHORT_INODE | WHOLE_SECONDS | STICKY_TIMEOUTS)

long sys_personality(struct sys_call *c)
{
    unsigned want = (unsigned)c->arg[0];
    if (want != PERSONALITY_QUERY && (want & ~(unsigned)PERS_SUPPORTED))
        return -EINVAL;
    struct process *p = current_proc();
    mutex_lock(&p->lock);
    unsigned old = p->ctl.personality;
    if (want != PERSONALITY_QUERY)
        p->ctl.personality = want;
    mutex_unlock(&p->lock);
    return old;
}
