// SPDX-License-Identifier: MPL-2.0
// ABI suite: signal handlers, siginfo, masks, pending sets, sigreturn (registers, FPU), sigaltstack, kill errors.
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "tap.h"

static long raw(long nr, long a, long b, long c, long d)
{
    long r = syscall(nr, a, b, c, d);
    return r < 0 ? -errno : r;
}

static volatile int hits, last_sig, last_code, last_pid, last_uid, last_value;
static volatile int self_blocked, other_blocked;
static volatile uint64_t uc_mask;

static void blocked_now(int sig, int other)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    self_blocked = sigismember(&cur, sig);
    other_blocked = other ? sigismember(&cur, other) : 0;
}

static void on_info(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    hits++;
    last_sig = sig;
    last_code = si->si_code;
    last_pid = si->si_pid;
    last_uid = (int)si->si_uid;
    last_value = si->si_value.sival_int;
    memcpy((void *)&uc_mask, &uc->uc_sigmask, sizeof(uint64_t));
    blocked_now(sig, SIGUSR2);
}

static void on_plain(int sig)
{
    hits++;
    last_sig = sig;
    blocked_now(sig, 0);
}

static void set_action(int sig, void *fn, int flags, int mask_sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    if (mask_sig)
        sigaddset(&sa.sa_mask, mask_sig);
    sa.sa_flags = flags;
    if (flags & SA_SIGINFO)
        sa.sa_sigaction = fn;
    else
        sa.sa_handler = fn;
    sigaction(sig, &sa, NULL);
}

static void test_handlers(void)
{
    set_action(SIGUSR1, on_info, SA_SIGINFO, SIGUSR2);
    hits = 0;
    tap_eq_long(kill(getpid(), SIGUSR1), 0, "kill to self succeeds");
    tap_eq_long(hits, 1, "the handler ran once before kill returned");
    tap_eq_long(last_sig, SIGUSR1, "the handler got the signal number");
    tap_eq_long(last_code, SI_USER, "kill gives si_code SI_USER");
    tap_eq_long(last_pid, getpid(), "si_pid is the sender");
    tap_eq_long(last_uid, (long)getuid(), "si_uid is the sender's uid");
    tap_ok(self_blocked, "the signal is blocked inside its handler");
    tap_ok(other_blocked, "sa_mask signals are blocked inside the handler");
    tap_eq_long((long)(uc_mask & (1ULL << (SIGUSR1 - 1))), 0, "uc_sigmask holds the mask before delivery");
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    tap_ok(!sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGUSR2), "sigreturn restores the mask");

    tap_eq_long(raw(SYS_tkill, raw(SYS_gettid, 0, 0, 0, 0), SIGUSR1, 0, 0), 0, "tkill to self succeeds");
    tap_eq_long(last_code, SI_TKILL, "tkill gives si_code SI_TKILL");
    tap_eq_long(raw(SYS_tgkill, getpid(), raw(SYS_gettid, 0, 0, 0, 0), SIGUSR1, 0), 0, "tgkill to self succeeds");
    tap_eq_long(last_code, SI_TKILL, "tgkill gives si_code SI_TKILL");
    tap_eq_long(hits, 3, "each signal ran the handler once");

    union sigval v = { .sival_int = 4242 };
    tap_eq_long(sigqueue(getpid(), SIGUSR1, v), 0, "sigqueue to self succeeds");
    tap_eq_long(last_code, SI_QUEUE, "sigqueue gives si_code SI_QUEUE");
    tap_eq_long(last_value, 4242, "si_value is passed through");

    set_action(SIGUSR2, on_plain, 0, 0);
    hits = 0;
    raise(SIGUSR2);
    tap_eq_long(hits, 1, "a plain sa_handler runs");
    tap_eq_long(last_sig, SIGUSR2, "a plain handler gets the signal number");
}

static void test_flags(void)
{
    set_action(SIGUSR2, on_plain, SA_NODEFER, 0);
    raise(SIGUSR2);
    tap_ok(!self_blocked, "SA_NODEFER: the signal is not blocked in its handler");

    set_action(SIGUSR2, on_plain, SA_RESETHAND, 0);
    hits = 0;
    raise(SIGUSR2);
    tap_eq_long(hits, 1, "SA_RESETHAND: the handler runs once");
    struct sigaction old;
    sigaction(SIGUSR2, NULL, &old);
    tap_ok(old.sa_handler == SIG_DFL, "SA_RESETHAND: the action is back to SIG_DFL");

    set_action(SIGUSR2, on_plain, SA_RESTART | SA_ONSTACK, SIGINT);
    sigaction(SIGUSR2, NULL, &old);
    tap_ok(old.sa_handler == on_plain, "sigaction reports the handler back");
    tap_ok((old.sa_flags & (SA_RESTART | SA_ONSTACK)) == (SA_RESTART | SA_ONSTACK), "sigaction reports the flags back");
    tap_ok(sigismember(&old.sa_mask, SIGINT), "sigaction reports the mask back");

    signal(SIGUSR2, SIG_IGN);
    hits = 0;
    raise(SIGUSR2);
    tap_eq_long(hits, 0, "an ignored signal runs nothing");
}

static void test_mask_pending(void)
{
    set_action(SIGUSR1, on_info, SA_SIGINFO, 0);
    sigset_t s, old, pend;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, &old);
    hits = 0;
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    tap_eq_long(hits, 0, "a blocked signal is not delivered");
    sigpending(&pend);
    tap_ok(sigismember(&pend, SIGUSR1), "a blocked signal is pending");
    tap_ok(!sigismember(&pend, SIGUSR2), "other signals are not pending");
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    tap_eq_long(hits, 1, "unblocking delivers a standard signal once (no queueing)");
    sigpending(&pend);
    tap_ok(!sigismember(&pend, SIGUSR1), "nothing is pending after delivery");

    /* A pending signal that becomes ignored is discarded. */
    sigprocmask(SIG_BLOCK, &s, NULL);
    kill(getpid(), SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    sigpending(&pend);
    tap_ok(!sigismember(&pend, SIGUSR1), "setting SIG_IGN discards a pending signal");
    sigprocmask(SIG_SETMASK, &old, NULL);

    sigfillset(&s);
    sigprocmask(SIG_SETMASK, &s, &old);
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    tap_ok(!sigismember(&cur, SIGKILL) && !sigismember(&cur, SIGSTOP), "SIGKILL and SIGSTOP cannot be blocked");
    tap_ok(sigismember(&cur, SIGTERM), "SIG_SETMASK blocks the rest");
    sigprocmask(SIG_SETMASK, &old, NULL);

    uint64_t k = 0;
    tap_eq_long(raw(SYS_rt_sigprocmask, 7, (long)&k, 0, 8), -EINVAL, "rt_sigprocmask: bad how is EINVAL");
    tap_eq_long(raw(SYS_rt_sigprocmask, SIG_BLOCK, (long)&k, 0, 4), -EINVAL, "rt_sigprocmask: sigsetsize 4 is EINVAL");
    tap_eq_long(raw(SYS_rt_sigprocmask, SIG_BLOCK, 16, 0, 8), -EFAULT, "rt_sigprocmask: bad set pointer is EFAULT");
    tap_eq_long(raw(SYS_rt_sigprocmask, SIG_BLOCK, 0, 16, 8), -EFAULT, "rt_sigprocmask: bad oldset pointer is EFAULT");
    tap_eq_long(raw(SYS_rt_sigpending, (long)&k, 16, 0, 0), -EINVAL, "rt_sigpending: oversized set is EINVAL");
    tap_eq_long(raw(SYS_rt_sigpending, 16, 8, 0, 0), -EFAULT, "rt_sigpending: bad pointer is EFAULT");
}

struct ksa { unsigned long handler, flags, restorer, mask; };

static void test_sigaction_errors(void)
{
    struct ksa a = { (unsigned long)on_plain, 0x04000000, 0, 0 }, o;
    tap_eq_long(raw(SYS_rt_sigaction, SIGKILL, (long)&a, 0, 8), -EINVAL, "a SIGKILL action is EINVAL");
    tap_eq_long(raw(SYS_rt_sigaction, SIGSTOP, (long)&a, 0, 8), -EINVAL, "a SIGSTOP action is EINVAL");
    tap_eq_long(raw(SYS_rt_sigaction, SIGKILL, 0, (long)&o, 8), 0, "querying SIGKILL's action works");
    tap_eq_long(raw(SYS_rt_sigaction, 0, 0, (long)&o, 8), -EINVAL, "signal 0 is EINVAL");
    tap_eq_long(raw(SYS_rt_sigaction, 65, 0, (long)&o, 8), -EINVAL, "signal 65 is EINVAL");
    tap_eq_long(raw(SYS_rt_sigaction, SIGUSR1, (long)&a, 0, 4), -EINVAL, "sigsetsize 4 is EINVAL");
    tap_eq_long(raw(SYS_rt_sigaction, SIGUSR1, 16, 0, 8), -EFAULT, "a bad act pointer is EFAULT");
    tap_eq_long(raw(SYS_rt_sigaction, SIGUSR1, 0, 16, 8), -EFAULT, "a bad oldact pointer is EFAULT");
}

static void test_kill_errors(void)
{
    tap_eq_long(raw(SYS_kill, getpid(), 0, 0, 0), 0, "kill with signal 0 checks existence");
    tap_eq_long(raw(SYS_kill, getpid(), 65, 0, 0), -EINVAL, "kill with signal 65 is EINVAL");
    tap_eq_long(raw(SYS_kill, getpid(), -1, 0, 0), -EINVAL, "kill with a negative signal is EINVAL");
    tap_eq_long(raw(SYS_kill, 999999, 0, 0, 0), -ESRCH, "kill of a missing pid is ESRCH");
    tap_eq_long(raw(SYS_kill, -999999, 0, 0, 0), -ESRCH, "kill of a missing group is ESRCH");
    tap_eq_long(raw(SYS_tkill, 0, SIGUSR1, 0, 0), -EINVAL, "tkill of tid 0 is EINVAL");
    tap_eq_long(raw(SYS_tkill, 999999, 0, 0, 0), -ESRCH, "tkill of a missing tid is ESRCH");
    tap_eq_long(raw(SYS_tkill, getpid(), 65, 0, 0), -EINVAL, "tkill with signal 65 is EINVAL");
    tap_eq_long(raw(SYS_tgkill, 0, getpid(), 0, 0), -EINVAL, "tgkill with tgid 0 is EINVAL");
    tap_eq_long(raw(SYS_tgkill, getpid(), -1, 0, 0), -EINVAL, "tgkill with a negative tid is EINVAL");
    tap_eq_long(raw(SYS_tgkill, getpid(), 999999, 0, 0), -ESRCH, "tgkill of a missing tid is ESRCH");
    tap_eq_long(raw(SYS_tgkill, getpid(), getpid(), 0, 0), 0, "tgkill with signal 0 checks existence");
    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(1000))
            _exit(10);
        long r1 = raw(SYS_kill, 1, 0, 0, 0);
        long r2 = raw(SYS_kill, 1, SIGUSR1, 0, 0);
        long r3 = raw(SYS_kill, getpid(), 0, 0, 0);
        _exit(r1 == -EPERM && r2 == -EPERM && r3 == 0 ? 0 : 1);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    tap_eq_long(st, 0, "an unprivileged process gets EPERM signalling root's process");
}

/* ---- registers and FPU across a handler ---- */

static void on_clobber(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ucv;
    uint32_t mx = 0x7f80;   /* round toward zero: must not leak out of the handler */
    __asm__ volatile("ldmxcsr %0\n\tpcmpeqd %%xmm7, %%xmm7\n\t"
                     "mov $-1, %%r8\n\tmov $-1, %%r9\n\tmov $-1, %%r10\n\t"
                     "mov $-1, %%rdx\n\tmov $-1, %%rsi\n\tmov $-1, %%rdi"
                     :: "m"(mx) : "xmm7", "r8", "r9", "r10", "rdx", "rsi", "rdi");
    uc->uc_mcontext.gregs[REG_R9] = 0x5151515151515151;   /* sigreturn applies edits */
    hits++;
}

static volatile uint32_t handler_mxcsr;

static void on_mxcsr(int sig)
{
    (void)sig;
    uint32_t mx;
    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    handler_mxcsr = mx;
}

static void test_sigreturn_state(void)
{
    set_action(SIGUSR2, on_mxcsr, 0, 0);
    uint32_t mx0, mx1 = 0x7f80, mx2;
    __asm__ volatile("stmxcsr %0\n\tldmxcsr %1" : "=m"(mx0) : "m"(mx1));
    raise(SIGUSR2);
    __asm__ volatile("stmxcsr %0\n\tldmxcsr %1" : "=m"(mx2) : "m"(mx0));
    tap_eq_long(handler_mxcsr & 0xffc0, 0x1f80, "a handler starts with the default MXCSR");
    tap_eq_long(mx2 & 0xffc0, 0x7f80, "the interrupted code's MXCSR comes back");

    set_action(SIGUSR1, on_clobber, SA_SIGINFO, 0);
    hits = 0;
    unsigned long rax = SYS_kill, rdi = (unsigned long)getpid(), rsi = SIGUSR1, rdx = 0xdddd;
    unsigned long xin = 0x7777777777777777, xout = 0, r8 = 0, r9 = 0, r10 = 0;
    __asm__ volatile("mov %[i8], %%r8\n\tmov %[i9], %%r9\n\tmov %[i10], %%r10\n\t"
                     "movq %[xin], %%xmm7\n\tsyscall\n\tmovq %%xmm7, %[xout]\n\t"
                     "mov %%r8, %[o8]\n\tmov %%r9, %[o9]\n\tmov %%r10, %[o10]"
                     : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), [xout] "=m"(xout),
                       [o8] "=m"(r8), [o9] "=m"(r9), [o10] "=m"(r10)
                     : [xin] "r"(xin), [i8] "r"(0x0808080808080808UL), [i9] "r"(0x0909090909090909UL),
                       [i10] "r"(0x1010101010101010UL)
                     : "rcx", "r11", "r8", "r9", "r10", "xmm7", "memory");
    uint32_t mx = 0;
    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    tap_eq_long(hits, 1, "the clobbering handler ran");
    tap_eq_long((long)rax, 0, "the syscall's return value survives the handler");
    tap_ok(rdi == (unsigned long)getpid() && rsi == SIGUSR1 && rdx == 0xdddd, "argument registers are restored");
    tap_ok(r8 == 0x0808080808080808 && r10 == 0x1010101010101010, "r8 and r10 are restored");
    tap_ok(r9 == 0x5151515151515151, "an edited register in uc_mcontext takes effect");
    tap_ok(xout == 0x7777777777777777, "xmm7 is restored");
    tap_eq_long(mx & 0xffc0, 0x1f80, "MXCSR is restored");
}

/* ---- faults ---- */

static sigjmp_buf jb;
static volatile uintptr_t fault_addr;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    last_sig = sig;
    last_code = si->si_code;
    fault_addr = (uintptr_t)si->si_addr;
    siglongjmp(jb, 1);
}

static void test_faults(void)
{
    set_action(SIGSEGV, on_segv, SA_SIGINFO | SA_NODEFER, 0);
    volatile int *bad = (volatile int *)0x1000;
    if (!sigsetjmp(jb, 1))
        *bad = 1;
    tap_eq_long(last_sig, SIGSEGV, "a bad access raises SIGSEGV");
    tap_eq_long(last_code, SEGV_MAPERR, "an unmapped address gives SEGV_MAPERR");
    tap_eq_long((long)fault_addr, 0x1000, "si_addr is the faulting address");
    char *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!sigsetjmp(jb, 1))
        *(volatile char *)(ro + 8) = 1;
    tap_eq_long(last_code, SEGV_ACCERR, "a write to a read-only page gives SEGV_ACCERR");
    tap_eq_long((long)fault_addr, (long)(ro + 8), "si_addr points into the read-only page");
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    tap_ok(!sigismember(&cur, SIGSEGV), "siglongjmp out of the handler restores the mask");
    signal(SIGSEGV, SIG_DFL);
}

/* ---- sigaltstack ---- */

static volatile uintptr_t handler_sp;
static volatile int alt_flags, alt_eperm;

static void on_alt(int sig)
{
    (void)sig;
    volatile char here;
    handler_sp = (uintptr_t)&here;
    stack_t cur, ns = { .ss_sp = 0, .ss_size = 8192, .ss_flags = 0 };
    sigaltstack(NULL, &cur);
    alt_flags = cur.ss_flags;
    alt_eperm = sigaltstack(&ns, NULL) == -1 && errno == EPERM;
}

static void test_altstack(void)
{
    static char stk[16384];
    stack_t ss = { .ss_sp = stk, .ss_size = 1024, .ss_flags = 0 }, old;
    tap_eq_long(raw(SYS_sigaltstack, (long)&ss, 0, 0, 0), -ENOMEM, "sigaltstack below MINSIGSTKSZ is ENOMEM");
    ss.ss_size = sizeof(stk);
    ss.ss_flags = 0x10;
    tap_eq_long(raw(SYS_sigaltstack, (long)&ss, 0, 0, 0), -EINVAL, "sigaltstack with bad flags is EINVAL");
    tap_eq_long(raw(SYS_sigaltstack, 16, 0, 0, 0), -EFAULT, "sigaltstack with a bad pointer is EFAULT");
    sigaltstack(NULL, &old);
    tap_eq_long(old.ss_flags, SS_DISABLE, "no alternate stack at first");
    ss.ss_flags = 0;
    tap_eq_long(sigaltstack(&ss, NULL), 0, "sigaltstack sets a stack");
    sigaltstack(NULL, &old);
    tap_ok(old.ss_sp == stk && old.ss_size == sizeof(stk) && old.ss_flags == 0, "sigaltstack reports it back");
    set_action(SIGUSR2, on_alt, SA_ONSTACK, 0);
    raise(SIGUSR2);
    tap_ok(handler_sp > (uintptr_t)stk && handler_sp < (uintptr_t)stk + sizeof(stk), "an SA_ONSTACK handler runs on the alternate stack");
    tap_eq_long(alt_flags, SS_ONSTACK, "sigaltstack inside the handler reports SS_ONSTACK");
    tap_ok(alt_eperm, "changing the stack while on it is EPERM");
    set_action(SIGUSR2, on_alt, 0, 0);
    raise(SIGUSR2);
    tap_ok(handler_sp < (uintptr_t)stk || handler_sp >= (uintptr_t)stk + sizeof(stk), "without SA_ONSTACK the handler uses the normal stack");

    ss.ss_flags = SS_AUTODISARM;
    tap_eq_long(sigaltstack(&ss, NULL), 0, "sigaltstack accepts SS_AUTODISARM");
    sigaltstack(NULL, &old);
    tap_eq_long((unsigned)old.ss_flags, SS_AUTODISARM, "SS_AUTODISARM is reported back");
    set_action(SIGUSR2, on_alt, SA_ONSTACK, 0);
    raise(SIGUSR2);
    tap_ok(handler_sp > (uintptr_t)stk && handler_sp < (uintptr_t)stk + sizeof(stk), "an SS_AUTODISARM stack is used");
    tap_eq_long(alt_flags, SS_DISABLE, "SS_AUTODISARM: the handler sees the stack disarmed");
    sigaltstack(NULL, &old);
    tap_ok(old.ss_sp == stk && old.ss_size == sizeof(stk) && (unsigned)old.ss_flags == SS_AUTODISARM,
           "sigreturn re-arms the stack from uc_stack");

    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &old);
    tap_eq_long(old.ss_flags, SS_DISABLE, "SS_DISABLE turns it off");
    tap_ok(old.ss_size == 0, "a disabled stack reports size 0");
}

int main(void)
{
    tap_plan(94);
    test_handlers();
    test_flags();
    test_mask_pending();
    test_sigaction_errors();
    test_kill_errors();
    test_sigreturn_state();
    test_faults();
    test_altstack();
    tap_finish();
}
