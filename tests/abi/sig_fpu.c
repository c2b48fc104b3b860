// SPDX-License-Identifier: MPL-2.0
// ABI suite: the extended (XSAVE) FPU state in signal frames: AVX registers survive handlers, layout, edits, bad images.
#include <cpuid.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "tap.h"

#define MAGIC1 0x46505853u
#define MAGIC2 0x46505845u
#define SW_OFF 464              /* fpx_sw_bytes in the FXSAVE area */
#define HDR_OFF 512             /* XSAVE header */
#define XMM_OFF 160             /* xmm0 in the FXSAVE area */
#define UC_FP_XSTATE 1
#define UC_SIGCONTEXT_SS 2
#define UC_STRICT_RESTORE_SS 4

static uint32_t xsave_size;     /* CPUID.(0xd,0).EBX: standard image size for XCR0 */
static uint32_t ymm_hi_off;     /* CPUID.(0xd,2).EBX: where the upper YMM halves sit */
static uint64_t xcr0;

static bool have_avx(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)) || !(c & (1u << 28)))
        return false;
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    xcr0 = ((uint64_t)hi << 32) | lo;
    if ((xcr0 & 6) != 6)
        return false;
    __cpuid_count(0xd, 0, a, b, c, d);
    xsave_size = b;
    __cpuid_count(0xd, 2, a, b, c, d);
    ymm_hi_off = b;
    return true;
}

#define YLOAD(n) "vmovdqu " #n "*32(%[in]), %%ymm" #n "\n\t"
#define YSTORE(n) "vmovdqu %%ymm" #n ", " #n "*32(%[out])\n\t"
#define Y16(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
#define XCLOBBER "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", \
                 "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

/*
 * Load ymm0-15 from in, x87 control word fcw and st0 = *x87, MXCSR mx, send
 * sig to this thread with tgkill (delivered before the syscall returns), then
 * store ymm0-15, st0, FCW and MXCSR back. No compiler code runs in between.
 */
struct fpu_out { uint8_t ymm[512]; double st0; uint16_t fcw; uint32_t mxcsr; };

static long avx_signal_roundtrip(const uint8_t *in, struct fpu_out *o, uint16_t fcw, double x87,
                                 uint32_t mx, int sig)
{
    long ret = SYS_tgkill;
    long tgid = getpid(), tid = syscall(SYS_gettid);
    __asm__ volatile("fldcw %[fcw]\n\tfldl %[x87]\n\tldmxcsr %[mx]\n\t" Y16(YLOAD)
                     "syscall\n\t" Y16(YSTORE)
                     "fstpl %[st0]\n\tfnstcw %[ocw]\n\tstmxcsr %[omx]\n\tvzeroupper\n\t"
                     "movl $0x1f80, %[mx]\n\tldmxcsr %[mx]\n\tmovw $0x37f, %[fcw]\n\tfldcw %[fcw]"
                     : "+a"(ret), [st0] "=m"(o->st0), [ocw] "=m"(o->fcw), [omx] "=m"(o->mxcsr),
                       [fcw] "+m"(fcw), [mx] "+m"(mx)
                     : "D"(tgid), "S"(tid), "d"((long)sig), [in] "r"(in), [out] "r"(o->ymm), [x87] "m"(x87)
                     : "rcx", "r11", "memory", XCLOBBER);
    return ret;
}

/* Fill ymm0-15, x87 and MXCSR with values nothing else uses. */
static void clobber_fpu(void)
{
    uint32_t mx = 0x7f80;
    uint16_t cw = 0x0c7f;
    __asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n\t"
                     "vmovdqa %%ymm0, %%ymm1\n\tvmovdqa %%ymm0, %%ymm2\n\tvmovdqa %%ymm0, %%ymm3\n\t"
                     "vmovdqa %%ymm0, %%ymm4\n\tvmovdqa %%ymm0, %%ymm5\n\tvmovdqa %%ymm0, %%ymm6\n\t"
                     "vmovdqa %%ymm0, %%ymm7\n\tvmovdqa %%ymm0, %%ymm8\n\tvmovdqa %%ymm0, %%ymm9\n\t"
                     "vmovdqa %%ymm0, %%ymm10\n\tvmovdqa %%ymm0, %%ymm11\n\tvmovdqa %%ymm0, %%ymm12\n\t"
                     "vmovdqa %%ymm0, %%ymm13\n\tvmovdqa %%ymm0, %%ymm14\n\tvmovdqa %%ymm0, %%ymm15\n\t"
                     "fninit\n\tfldcw %1\n\tfldpi\n\tfld1\n\tfstp %%st(0)\n\tfstp %%st(0)\n\tldmxcsr %0"
                     :: "m"(mx), "m"(cw) : "memory", XCLOBBER);
}

static void pattern(uint8_t *p, unsigned seed)
{
    for (unsigned i = 0; i < 512; i++)
        p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 5) * 29 + 1);
}

/* ---- what the handler saw and does ---- */

enum mode { M_CLOBBER, M_EDIT, M_LEGACY, M_BAD_BV, M_BAD_XCOMP, M_BAD_PTR };
static volatile enum mode mode;
static volatile int hits;
static uint8_t seen[4096];      /* a copy of the frame's fpstate */
static volatile uint64_t seen_flags, seen_fp;
static uint8_t edit_xmm[16], edit_hi[16];

static void on_sig(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ucv;
    uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
    hits++;
    seen_flags = uc->uc_flags;
    seen_fp = (uint64_t)(uintptr_t)fp;
    if (fp && xsave_size + 4 <= sizeof(seen))
        memcpy(seen, fp, xsave_size + 4);
    clobber_fpu();
    uint64_t v = 0;
    switch (mode) {
    case M_CLOBBER: break;
    case M_EDIT:                /* ymm3 := edit_xmm | edit_hi */
        memcpy(fp + XMM_OFF + 3 * 16, edit_xmm, 16);
        memcpy(fp + ymm_hi_off + 3 * 16, edit_hi, 16);
        break;
    case M_LEGACY:              /* no magic1: only the FXSAVE part (xmm3 low half) is restored */
        memset(fp + SW_OFF, 0, 4);
        memcpy(fp + XMM_OFF + 3 * 16, edit_xmm, 16);
        break;
    case M_BAD_BV:
        memcpy(&v, fp + HDR_OFF, 8);
        v |= 1ULL << 62;
        memcpy(fp + HDR_OFF, &v, 8);
        break;
    case M_BAD_XCOMP:
        v = 1;
        memcpy(fp + HDR_OFF + 8, &v, 8);
        break;
    case M_BAD_PTR:
        uc->uc_mcontext.fpregs = (void *)(uintptr_t)0x1000;
        break;
    }
}

static void install(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* ---- tests ---- */

static void test_roundtrip(void)
{
    uint8_t in[512];
    struct fpu_out o;
    pattern(in, 1);
    mode = M_CLOBBER;
    hits = 0;
    long r = avx_signal_roundtrip(in, &o, 0x027f, 2.75, 0x3f80, SIGUSR1);
    tap_ok(r == 0 && hits == 1, "tgkill returned 0 after the handler ran");
    tap_ok(memcmp(in, o.ymm, 512) == 0, "every byte of ymm0-15 survives a handler that clobbers them");
    int bad = -1;
    for (int i = 0; i < 512 && bad < 0; i++)
        if (in[i] != o.ymm[i])
            bad = i;
    if (bad >= 0)
        tap_diag_long("first differing byte of ymm0-15", bad, -1);
    tap_ok(o.st0 == 2.75 && o.fcw == 0x027f, "x87 st0 and control word survive");
    tap_eq_long(o.mxcsr & 0xffc0, 0x3f80, "MXCSR survives");

    tap_eq_long((long)(seen_flags & 7), UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS,
                "uc_flags has UC_FP_XSTATE, UC_SIGCONTEXT_SS and UC_STRICT_RESTORE_SS");
    tap_eq_long((long)(seen_fp & 63), 0, "fpstate is 64-byte aligned");
    tap_eq_long(rd32(seen + SW_OFF), MAGIC1, "sw_reserved.magic1 is FP_XSTATE_MAGIC1");
    tap_eq_long(rd32(seen + SW_OFF + 4), xsave_size + 4, "sw_reserved.extended_size is xstate_size + 4");
    tap_eq_long((long)rd64(seen + SW_OFF + 8), (long)xcr0, "sw_reserved.xfeatures is XCR0");
    tap_eq_long(rd32(seen + SW_OFF + 16), xsave_size, "sw_reserved.xstate_size is CPUID 0xd's size");
    tap_eq_long(rd32(seen + xsave_size), MAGIC2, "FP_XSTATE_MAGIC2 follows the XSAVE image");
    tap_ok((rd64(seen + HDR_OFF) & 7) == 7 && rd64(seen + HDR_OFF + 8) == 0,
           "XSTATE_BV has x87/SSE/AVX, XCOMP_BV is 0 (standard form)");
    tap_ok(memcmp(seen + XMM_OFF, in, 16) == 0 && memcmp(seen + ymm_hi_off, in + 16, 16) == 0 &&
           memcmp(seen + XMM_OFF + 15 * 16, in + 15 * 32, 16) == 0 &&
           memcmp(seen + ymm_hi_off + 15 * 16, in + 15 * 32 + 16, 16) == 0,
           "the frame holds xmm0/xmm15 and the upper halves of ymm0/ymm15 where XSAVE puts them");
    tap_eq_long(rd32(seen + 24) & 0xffc0, 0x3f80, "the frame's MXCSR is the interrupted code's");
}

static void test_edit(void)
{
    uint8_t in[512], want[512];
    struct fpu_out o;
    pattern(in, 2);
    memcpy(want, in, 512);
    for (int i = 0; i < 16; i++) {
        edit_xmm[i] = (uint8_t)(0xa0 + i);
        edit_hi[i] = (uint8_t)(0x50 + i);
    }
    memcpy(want + 3 * 32, edit_xmm, 16);
    memcpy(want + 3 * 32 + 16, edit_hi, 16);
    mode = M_EDIT;
    avx_signal_roundtrip(in, &o, 0x037f, 1.0, 0x1f80, SIGUSR1);
    tap_ok(memcmp(o.ymm + 96, want + 96, 32) == 0, "ymm3 edited in the frame (both halves) takes effect");
    tap_ok(memcmp(o.ymm, want, 512) == 0, "the other ymm registers are unchanged");

    mode = M_LEGACY;
    pattern(in, 3);
    avx_signal_roundtrip(in, &o, 0x037f, 1.0, 0x1f80, SIGUSR1);
    static const uint8_t zero[16];
    tap_ok(memcmp(o.ymm + 96, edit_xmm, 16) == 0, "without magic1 the FXSAVE part (xmm3) is restored");
    tap_ok(memcmp(o.ymm + 96 + 16, zero, 16) == 0 && memcmp(o.ymm + 16, zero, 16) == 0,
           "without magic1 the upper ymm halves get their initial state (zero)");
    tap_ok(memcmp(o.ymm, in, 16) == 0 && memcmp(o.ymm + 15 * 32, in + 15 * 32, 16) == 0,
           "without magic1 the other xmm registers come from the frame");
}

/* A child corrupts its frame's FPU image; sigreturn must kill it with SIGSEGV. */
static void expect_segv(enum mode m, const char *desc)
{
    pid_t pid = fork();
    if (pid == 0) {
        uint8_t in[512];
        struct fpu_out o;
        pattern(in, 4);
        mode = m;
        avx_signal_roundtrip(in, &o, 0x037f, 1.0, 0x1f80, SIGUSR1);
        _exit(7);
    }
    int st = 0;
    pid_t w = waitpid(pid, &st, 0);
    tap_ok(w == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, desc);
    if (w == pid && !WIFSIGNALED(st))
        tap_diag_long("child exit status", WEXITSTATUS(st), -1);
}

static void test_bad_images(void)
{
    expect_segv(M_BAD_BV, "XSTATE_BV with a bit outside XCR0 gives SIGSEGV at sigreturn");
    expect_segv(M_BAD_XCOMP, "a non-zero XCOMP_BV gives SIGSEGV at sigreturn");
    expect_segv(M_BAD_PTR, "fpstate pointing at unmapped memory gives SIGSEGV at sigreturn");
}

/* ---- two threads doing AVX work under signals ---- */

#define ROUNDS 150
static volatile int go;

static void *avx_worker(void *arg)
{
    unsigned id = (unsigned)(uintptr_t)arg;
    long bad = 0;
    while (!go)
        sched_yield();
    for (unsigned r = 0; r < ROUNDS; r++) {
        uint8_t in[512];
        struct fpu_out o;
        pattern(in, id * 1000 + r);
        avx_signal_roundtrip(in, &o, 0x037f, (double)(id * 1000 + r), 0x1f80, id == 1 ? SIGUSR1 : SIGUSR2);
        if (memcmp(in, o.ymm, 512) || o.st0 != (double)(id * 1000 + r))
            bad++;
        if (r % 16 == 0)
            sched_yield();
    }
    return (void *)bad;
}

static void test_threads(void)
{
    mode = M_CLOBBER;
    install(SIGUSR2);
    hits = 0;
    pthread_t a, b;
    void *ra = (void *)1, *rb = (void *)1;
    bool made = pthread_create(&a, NULL, avx_worker, (void *)1) == 0 &&
                pthread_create(&b, NULL, avx_worker, (void *)2) == 0;
    go = 1;
    if (made) {
        pthread_join(a, &ra);
        pthread_join(b, &rb);
    }
    tap_ok(made && ra == NULL && rb == NULL, "two threads' AVX and x87 state never leak into each other");
}

/* ---- AT_MINSIGSTKSZ ---- */

static void test_minsigstksz(void)
{
    unsigned long min = getauxval(AT_MINSIGSTKSZ);
    unsigned long need = 8 + 304 + 128 + xsave_size + 4;     /* pretcode, ucontext, siginfo, XSAVE + magic2 */
    if (!tap_ok(min >= need && min <= need + 1024, "AT_MINSIGSTKSZ covers the frame with the full XSAVE image"))
        tap_diag_long("AT_MINSIGSTKSZ", (long)min, (long)need);
    uint8_t *buf = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    size_t size = min < MINSIGSTKSZ ? MINSIGSTKSZ : min;   /* sigaltstack refuses less than MINSIGSTKSZ */
    stack_t ss = { .ss_sp = buf + 32768, .ss_size = size, .ss_flags = 0 };
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    bool set = buf != MAP_FAILED && sigaltstack(&ss, NULL) == 0;
    uint8_t in[512];
    struct fpu_out o;
    pattern(in, 9);
    mode = M_CLOBBER;
    hits = 0;
    if (set)
        avx_signal_roundtrip(in, &o, 0x037f, 1.0, 0x1f80, SIGUSR1);
    uint64_t lo = (uint64_t)(uintptr_t)ss.ss_sp, hi = lo + size;
    tap_ok(set && hits == 1 && seen_fp >= lo && seen_fp + xsave_size + 4 <= hi &&
           memcmp(in, o.ymm, 512) == 0, "a frame fits in an alternate stack of max(AT_MINSIGSTKSZ, MINSIGSTKSZ) bytes");
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    install(SIGUSR1);
}

int main(void)
{
    tap_plan(25);
    if (!have_avx()) {
        for (int i = 0; i < 25; i++)
            tap_skip("AVX signal-frame checks", "no AVX/OSXSAVE on this CPU");
        tap_finish();
    }
    install(SIGUSR1);
    test_roundtrip();
    test_edit();
    test_bad_images();
    test_threads();
    test_minsigstksz();
    tap_finish();
}
