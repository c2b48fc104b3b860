// SPDX-License-Identifier: MPL-2.0
// User exceptions: page faults go to the address space's handler; the rest become synchronous signals.
#include <ostd/user.h>
#include <ostd/vm_space.h>
#include <ostd/console.h>
#include <uapi/errno.h>
#include <uapi/signal.h>
#include "mm/shrink.h"
#include "proc/process.h"
#include "proc/fault.h"
#include "proc/oom.h"
#include "mm/mm.h"
#include "signal/signal.h"

static int exception_signal(uint64_t vec, int *code)
{
    switch (vec) {
    case 0: *code = FPE_INTDIV; return SIGFPE;
    case 16: case 19: *code = 0; return SIGFPE;    /* FIXME: decode the x87/SSE status for si_code */
    case 1: case 3: *code = vec == 3 ? SI_KERNEL : TRAP_BRKPT; return SIGTRAP;
    case 6: *code = ILL_ILLOPN; return SIGILL;
    case 17: *code = BUS_ADRERR; return SIGBUS;
    case 14: *code = 0; return SIGSEGV;
    default: *code = SI_KERNEL; return SIGSEGV;    /* #GP and the rest, as Linux */
    }
}

/* SEGV_ACCERR when a mapping covers addr (the access broke its protection), else SEGV_MAPERR. */
static int segv_code(struct mm *mm, uint64_t addr)
{
    mutex_lock(&mm->lock);
    struct vma *v = vma_find_locked(mm, addr);
    bool mapped = v && v->start <= addr;
    mutex_unlock(&mm->lock);
    return mapped ? SEGV_ACCERR : SEGV_MAPERR;
}

#define OOM_SHRINK_PAGES 256   /* what the caches are asked for before a kill */

void user_exception(struct thread *th)
{
    struct user_context *uc = th->uctx;
    int fault = 0;
    if (uc->regs.vector == 14) {
        unsigned fl = (uc->regs.error_code & 1 ? VM_FAULT_PRESENT : 0) |
                      (uc->regs.error_code & 2 ? VM_FAULT_WRITE : VM_FAULT_READ) |
                      (uc->regs.error_code & 16 ? VM_FAULT_EXEC : 0);
        fault = vm_space_handle_fault(th->proc->mm->vs, uc->fault_addr, fl);
        if (fault == 0)
            return;
        if (fault == -ENOMEM) {
            if (mm_shrink(OOM_SHRINK_PAGES))
                return;     /* caches gave memory back: the access faults again and retries */
            oom_kill_for_fault(th);   /* a victim dies (maybe this process); the access is retried */
            return;
        }
    }
    int code;
    int sig = exception_signal(uc->regs.vector, &code);
    uint64_t addr = uc->regs.rip;
    if (uc->regs.vector == 14 && fault == -ENXIO) {
        addr = uc->fault_addr;     /* a file mapping's page past the end of the file */
        sig = SIGBUS;
        code = BUS_ADRERR;
    } else if (uc->regs.vector == 14) {
        addr = uc->fault_addr;
        code = segv_code(th->proc->mm, addr);
    } else if (uc->regs.vector == 13) {
        addr = 0;
    }
    pr_debug("%s[%d]: signal %d: exception %lu at ip %#lx sp %#lx addr %#lx\n",
             th->proc->comm, th->proc->pid, sig, uc->regs.vector, uc->regs.rip, uc->regs.rsp,
             uc->fault_addr);
    signal_force_fault(th, sig, code, addr);
}
