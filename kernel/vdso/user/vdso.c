// SPDX-License-Identifier: MPL-2.0
// linux-vdso.so.1: user-mode clock_gettime/gettimeofday/time/clock_getres/getcpu over the vvar page.
//
// This is user code, mapped into every process: it is not part of the kernel
// and is built -fPIC without the kernel's runtime (docs/safety.md, "The vDSO").
// It reads only the vvar page the framework publishes (ostd/vvar.h) and falls
// back to the real system call for anything it cannot answer.
#define __KEEL_VDSO__
#include <ostd/vvar.h>

#define NSEC_PER_SEC 1000000000ULL

enum {
    NR_gettimeofday = 96, NR_time = 201, NR_clock_gettime = 228, NR_clock_getres = 229, NR_getcpu = 309,
};
enum {
    CLK_REALTIME = 0, CLK_MONOTONIC = 1, CLK_MONOTONIC_RAW = 4, CLK_REALTIME_COARSE = 5,
    CLK_MONOTONIC_COARSE = 6, CLK_BOOTTIME = 7, CLK_TAI = 11,
};

struct vts { long tv_sec; long tv_nsec; };
struct vtv { long tv_sec; long tv_usec; };

/* The page just below the vDSO's first byte (vdso.lds). */
extern const struct vvar_data vvar_page __attribute__((visibility("hidden")));

static long syscall3(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

static inline uint64_t rd_tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Monotonic ns and the realtime offset under the seqcount; false when the TSC may not be used. */
static int read_clock(uint64_t *mono, int64_t *rt_off, uint64_t *tick)
{
    const struct vvar_data *v = &vvar_page;
    for (;;) {
        uint32_t s = __atomic_load_n(&v->seq, __ATOMIC_ACQUIRE);
        if (s & 1) {
            __asm__ volatile("pause");
            continue;
        }
        if (__atomic_load_n(&v->clock_mode, __ATOMIC_RELAXED) != VVAR_CLOCK_TSC)
            return 0;
        uint64_t base = __atomic_load_n(&v->tsc_base, __ATOMIC_RELAXED);
        uint64_t mult = __atomic_load_n(&v->tsc_mult, __ATOMIC_RELAXED);
        uint32_t shift = __atomic_load_n(&v->tsc_shift, __ATOMIC_RELAXED);
        *rt_off = __atomic_load_n(&v->realtime_offset_ns, __ATOMIC_RELAXED);
        *tick = __atomic_load_n(&v->tick_ns, __ATOMIC_RELAXED);
        uint64_t tsc = rd_tsc();
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&v->seq, __ATOMIC_RELAXED) != s)
            continue;
        *mono = (uint64_t)(((unsigned __int128)(tsc - base) * mult) >> shift);
        return 1;
    }
}

/* Nanoseconds of clock id, or -1 when the vDSO does not serve it. */
static int clock_ns(int id, uint64_t *ns)
{
    uint64_t mono, tick;
    int64_t off;
    if (id != CLK_REALTIME && id != CLK_MONOTONIC && id != CLK_MONOTONIC_RAW && id != CLK_REALTIME_COARSE &&
        id != CLK_MONOTONIC_COARSE && id != CLK_BOOTTIME && id != CLK_TAI)
        return -1;
    if (!read_clock(&mono, &off, &tick))
        return -1;
    uint64_t t = mono;
    if (id == CLK_REALTIME || id == CLK_REALTIME_COARSE || id == CLK_TAI)
        t = mono + (uint64_t)off;
    if ((id == CLK_REALTIME_COARSE || id == CLK_MONOTONIC_COARSE) && tick)
        t -= t % tick;
    *ns = t;
    return 0;
}

int __vdso_clock_gettime(int id, struct vts *ts)
{
    uint64_t ns;
    if (clock_ns(id, &ns))
        return (int)syscall3(NR_clock_gettime, id, (long)ts, 0);
    ts->tv_sec = (long)(ns / NSEC_PER_SEC);
    ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
    return 0;
}

int __vdso_gettimeofday(struct vtv *tv, void *tz)
{
    uint64_t ns;
    if (tz || clock_ns(CLK_REALTIME, &ns))
        return (int)syscall3(NR_gettimeofday, (long)tv, (long)tz, 0);
    if (tv) {
        tv->tv_sec = (long)(ns / NSEC_PER_SEC);
        tv->tv_usec = (long)(ns % NSEC_PER_SEC / 1000);
    }
    return 0;
}

long __vdso_time(long *t)
{
    uint64_t ns;
    if (clock_ns(CLK_REALTIME, &ns))
        return syscall3(NR_time, (long)t, 0, 0);
    long s = (long)(ns / NSEC_PER_SEC);
    if (t)
        *t = s;
    return s;
}

int __vdso_clock_getres(int id, struct vts *res)
{
    uint64_t ns;
    if (clock_ns(id, &ns))
        return (int)syscall3(NR_clock_getres, id, (long)res, 0);
    if (res) {
        res->tv_sec = 0;
        res->tv_nsec = (id == CLK_REALTIME_COARSE || id == CLK_MONOTONIC_COARSE) ?
                       (long)__atomic_load_n(&vvar_page.tick_ns, __ATOMIC_RELAXED) : 1;
    }
    return 0;
}

long __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache)
{
    if (__atomic_load_n(&vvar_page.getcpu_mode, __ATOMIC_RELAXED) != VVAR_GETCPU_RDTSCP)
        return syscall3(NR_getcpu, (long)cpu, (long)node, (long)cache);
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    if (cpu)
        *cpu = aux & 0xfff;
    if (node)
        *node = aux >> 12;
    return 0;
}

/* The unprefixed names, as Linux's vDSO also exports them. */
int clock_gettime(int, struct vts *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct vtv *, void *) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
int clock_getres(int, struct vts *) __attribute__((weak, alias("__vdso_clock_getres")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
