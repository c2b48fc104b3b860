/* SPDX-License-Identifier: MPL-2.0 */
/* Linux x86-64 signal numbers. */
#ifndef KEEL_UAPI_SIGNAL_H
#define KEEL_UAPI_SIGNAL_H

#define SIGHUP     1
#define SIGINT     2
#define SIGQUIT    3
#define SIGILL     4
#define SIGTRAP    5
#define SIGABRT    6
#define SIGBUS     7
#define SIGFPE     8
#define SIGKILL    9
#define SIGUSR1   10
#define SIGSEGV   11
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGSTKFLT 16
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGURG    23
#define SIGXCPU   24
#define SIGXFSZ   25
#define SIGVTALRM 26
#define SIGPROF   27
#define SIGWINCH  28
#define SIGIO     29
#define SIGPWR    30
#define SIGSYS    31
#define SIGRTMIN  32
#define SIGRTMAX  64

#define KNSIG     64        /* signals 1..64 */

/* sigaction handler values and sa_flags */
#define SIG_DFL   0UL
#define SIG_IGN   1UL
#define SA_NOCLDSTOP  0x00000001u
#define SA_NOCLDWAIT  0x00000002u
#define SA_SIGINFO    0x00000004u
#define SA_UNSUPPORTED 0x00000400u
#define SA_EXPOSE_TAGBITS 0x00000800u
#define SA_RESTORER   0x04000000u
#define SA_ONSTACK    0x08000000u
#define SA_RESTART    0x10000000u
#define SA_NODEFER    0x40000000u
#define SA_RESETHAND  0x80000000u

/* rt_sigprocmask how */
#define SIG_BLOCK     0
#define SIG_UNBLOCK   1
#define SIG_SETMASK   2

/* sigaltstack */
#define SS_ONSTACK    1
#define SS_DISABLE    2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ   2048

/* si_code values */
#define SI_USER       0
#define SI_KERNEL     0x80
#define SI_QUEUE      (-1)
#define SI_TIMER      (-2)
#define SI_TKILL      (-6)
#define SEGV_MAPERR   1
#define SEGV_ACCERR   2
#define BUS_ADRERR    2
#define ILL_ILLOPN    2
#define FPE_INTDIV    1
#define TRAP_BRKPT    1
#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_DUMPED    3
#define CLD_TRAPPED   4
#define CLD_STOPPED   5
#define CLD_CONTINUED 6

/* ucontext uc_flags */
#define UC_FP_XSTATE        0x1
#define UC_SIGCONTEXT_SS    0x2
#define UC_STRICT_RESTORE_SS 0x4

#ifndef __ASSEMBLER__
#include <stdint.h>

/* struct sigaction as rt_sigaction passes it on x86-64 (32 bytes). */
struct k_sigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

/* stack_t (24 bytes). */
struct k_stack {
    uint64_t ss_sp;
    int32_t ss_flags;
    int32_t pad;
    uint64_t ss_size;
};

/* siginfo_t: 128 bytes; the union starts at offset 16. */
#define SI_MAX_SIZE 128
struct k_siginfo {
    int32_t si_signo, si_errno, si_code, pad;
    union {
        struct { int32_t pid; uint32_t uid; uint64_t value; } kill;   /* also rt: si_value at 24 */
        struct { int32_t pid; uint32_t uid; int32_t status; int32_t pad; int64_t utime, stime; } chld;
        struct { uint64_t addr; } fault;
        uint8_t bytes[SI_MAX_SIZE - 16];
    } u;
};

/* struct sigcontext (x86-64 general registers, 256 bytes). */
struct k_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;               /* user address of the 512-byte FXSAVE image, or 0 */
    uint64_t reserved1[8];
};

/* The kernel's struct ucontext (sigset is the 8-byte kernel set). */
struct k_ucontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    struct k_stack uc_stack;
    struct k_sigcontext uc_mcontext;
    uint64_t uc_sigmask;
};

/* The frame a handler finds at its stack pointer: return address, ucontext, siginfo. */
struct k_rt_sigframe {
    uint64_t pretcode;
    struct k_ucontext uc;
    struct k_siginfo info;
};

_Static_assert(sizeof(struct k_siginfo) == 128, "siginfo is 128 bytes");
_Static_assert(sizeof(struct k_sigcontext) == 256, "sigcontext is 256 bytes");
_Static_assert(sizeof(struct k_ucontext) == 304, "ucontext is 304 bytes");

/* setitimer/getitimer */
#define ITIMER_REAL    0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF    2
#endif

#endif
