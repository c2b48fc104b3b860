// SPDX-License-Identifier: MPL-2.0
// User exceptions: page faults go to the address space's handler; the rest terminate the process.
#include <ostd/user.h>
#include <ostd/vm_space.h>
#include <ostd/console.h>
#include <uapi/signal.h>
#include "proc/process.h"
#include "proc/fault.h"
#include "mm/mm.h"

static int exception_signal(uint64_t vec)
{
    switch (vec) {
    case 0: case 16: case 19: return SIGFPE;
    case 1: case 3: return SIGTRAP;
    case 6: return SIGILL;
    case 17: return SIGBUS;
    default: return SIGSEGV;
    }
}

void user_exception(struct thread *th)
{
    struct user_context *uc = th->uctx;
    if (uc->regs.vector == 14) {
        unsigned fl = (uc->regs.error_code & 1 ? VM_FAULT_PRESENT : 0) |
                      (uc->regs.error_code & 2 ? VM_FAULT_WRITE : VM_FAULT_READ) |
                      (uc->regs.error_code & 16 ? VM_FAULT_EXEC : 0);
        if (vm_space_handle_fault(th->proc->mm->vs, uc->fault_addr, fl) == 0)
            return;
    }
    int sig = exception_signal(uc->regs.vector);
    /* FIXME: deliver the signal to a handler once signals exist (Processes issue). */
    pr_warn("%s[%d]: killed by signal %d: exception %lu at ip %#lx sp %#lx addr %#lx\n",
            th->proc->comm, th->proc->pid, sig, uc->regs.vector, uc->regs.rip, uc->regs.rsp,
            uc->fault_addr);
    process_exit(sig);
}
