// SPDX-License-Identifier: MPL-2.0
// ABI suite: the vDSO (AT_SYSINFO_EHDR, its ELF symbols and versions, clocks agreeing with the syscalls, maps).
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

#define SEC 1000000000LL

typedef int (*gettime_fn)(clockid_t, struct timespec *);
typedef int (*gettod_fn)(struct timeval *, void *);
typedef time_t (*time_fn)(time_t *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

static char desc[160];
static const char *d(const char *fmt, const char *s)
{
    snprintf(desc, sizeof(desc), fmt, s);
    return desc;
}

static long sc(long nr, long a, long b, long c)
{
    long r = syscall(nr, a, b, c);
    return r < 0 ? -errno : r;
}

static long long ts_ns(const struct timespec *t) { return (long long)t->tv_sec * SEC + t->tv_nsec; }

/* ---- a small reader of the vDSO's dynamic symbol table ---- */

struct vdso {
    uintptr_t base;                 /* load address minus the first PT_LOAD's p_vaddr */
    const Elf64_Ehdr *eh;
    const Elf64_Sym *syms;
    const char *strs;
    const Elf64_Word *hash;
    const Elf64_Half *versym;
    const Elf64_Verdef *verdef;
    bool gnu_hash;
};

static bool vdso_parse(struct vdso *v, uintptr_t at)
{
    memset(v, 0, sizeof(*v));
    v->eh = (const Elf64_Ehdr *)at;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(at + v->eh->e_phoff);
    const Elf64_Dyn *dyn = NULL;
    bool have_load = false;
    for (int i = 0; i < v->eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !have_load) {
            v->base = at + ph[i].p_offset - ph[i].p_vaddr;
            have_load = true;
        } else if (ph[i].p_type == PT_DYNAMIC) {
            dyn = (const Elf64_Dyn *)(at + ph[i].p_offset);
        }
    }
    if (!have_load || !dyn)
        return false;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        uintptr_t p = v->base + dyn->d_un.d_ptr;
        switch (dyn->d_tag) {
        case DT_SYMTAB: v->syms = (const Elf64_Sym *)p; break;
        case DT_STRTAB: v->strs = (const char *)p; break;
        case DT_HASH: v->hash = (const Elf64_Word *)p; break;
        case DT_GNU_HASH: v->gnu_hash = true; break;
        case DT_VERSYM: v->versym = (const Elf64_Half *)p; break;
        case DT_VERDEF: v->verdef = (const Elf64_Verdef *)p; break;
        }
    }
    return v->syms && v->strs && v->hash;
}

/* The version index named ver in DT_VERDEF, or -1. */
static int verdef_index(const struct vdso *v, const char *ver)
{
    const Elf64_Verdef *vd = v->verdef;
    while (vd) {
        const Elf64_Verdaux *aux = (const Elf64_Verdaux *)((const char *)vd + vd->vd_aux);
        if (!(vd->vd_flags & VER_FLG_BASE) && strcmp(v->strs + aux->vda_name, ver) == 0)
            return vd->vd_ndx;
        vd = vd->vd_next ? (const Elf64_Verdef *)((const char *)vd + vd->vd_next) : NULL;
    }
    return -1;
}

/* Address of the defined function name with version LINUX_2.6, or NULL. */
static void *vdso_sym(const struct vdso *v, const char *name)
{
    int ndx = verdef_index(v, "LINUX_2.6");
    Elf64_Word nsyms = v->hash[1];
    for (Elf64_Word i = 1; i < nsyms; i++) {
        const Elf64_Sym *s = &v->syms[i];
        int bind = ELF64_ST_BIND(s->st_info);
        if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF ||
            (bind != STB_GLOBAL && bind != STB_WEAK) || strcmp(v->strs + s->st_name, name) != 0)
            continue;
        if (v->versym && (v->versym[i] & 0x7fff) != ndx)
            continue;
        return (void *)(v->base + s->st_value);
    }
    return NULL;
}

static struct vdso V;
static gettime_fn v_gettime, v_getres;
static gettod_fn v_gettod;
static time_fn v_time;
static getcpu_fn v_getcpu;

static const char *const names[] = {
    "__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time", "__vdso_clock_getres", "__vdso_getcpu",
    "clock_gettime", "gettimeofday", "time", "getcpu",
};

/* 6 + 9 + 4 checks */
static bool find_vdso(void)
{
    uintptr_t at = getauxval(AT_SYSINFO_EHDR);
    tap_ok(at != 0, "AT_SYSINFO_EHDR is in the auxiliary vector");
    tap_ok(at % 4096 == 0, "the vDSO is page-aligned");
    if (!at)
        return false;
    const unsigned char *id = (const unsigned char *)at;
    tap_ok(memcmp(id, ELFMAG, SELFMAG) == 0 && id[EI_CLASS] == ELFCLASS64, "it is a 64-bit ELF image");
    tap_ok(((const Elf64_Ehdr *)at)->e_type == ET_DYN, "it is a shared object (ET_DYN)");
    bool ok = vdso_parse(&V, at);
    tap_ok(ok, "it has PT_LOAD, PT_DYNAMIC, DT_SYMTAB, DT_STRTAB and DT_HASH");
    tap_ok(ok && V.gnu_hash && V.versym && V.verdef && verdef_index(&V, "LINUX_2.6") > 0,
           "it has DT_GNU_HASH and the version LINUX_2.6 (DT_VERDEF, DT_VERSYM)");
    if (!ok)
        return false;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        tap_ok(vdso_sym(&V, names[i]) != NULL, d("%s@LINUX_2.6 is exported", names[i]));
    v_gettime = (gettime_fn)vdso_sym(&V, "__vdso_clock_gettime");
    v_getres = (gettime_fn)vdso_sym(&V, "__vdso_clock_getres");
    v_gettod = (gettod_fn)vdso_sym(&V, "__vdso_gettimeofday");
    v_time = (time_fn)vdso_sym(&V, "__vdso_time");
    v_getcpu = (getcpu_fn)vdso_sym(&V, "__vdso_getcpu");
    tap_ok(vdso_sym(&V, "clock_gettime") == (void *)v_gettime, "clock_gettime is an alias of __vdso_clock_gettime");
    tap_ok(vdso_sym(&V, "time") == (void *)v_time, "time is an alias of __vdso_time");
    tap_ok(vdso_sym(&V, "__vdso_no_such_function") == NULL, "an unknown name is not found");
    tap_ok(v_gettime && v_getres && v_gettod && v_time && v_getcpu, "all five functions resolved");
    return v_gettime && v_getres && v_gettod && v_time && v_getcpu;
}

/* ---- clocks ---- */

static const struct { int id; const char *name; } fast[] = {
    { CLOCK_REALTIME, "CLOCK_REALTIME" }, { CLOCK_MONOTONIC, "CLOCK_MONOTONIC" },
    { CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW" }, { CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE" },
    { CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE" }, { CLOCK_BOOTTIME, "CLOCK_BOOTTIME" },
    { CLOCK_TAI, "CLOCK_TAI" },
};

/* 4 checks: vDSO, syscall, vDSO read in that order never go backwards, and getres agrees. */
static void one_clock(int id, const char *name)
{
    struct timespec a = { 0, -1 }, b = { 0, 0 }, c = { 0, -1 }, r1 = { 9, 9 }, r2 = { 7, 7 };
    int ra = v_gettime(id, &a);
    long rb = sc(SYS_clock_gettime, id, (long)&b, 0);
    int rc = v_gettime(id, &c);
    tap_ok(ra == 0 && rb == 0 && rc == 0 && a.tv_nsec >= 0 && a.tv_nsec < SEC,
           d("%s: the vDSO returns 0 and a normalised timespec", name));
    bool order = ts_ns(&a) <= ts_ns(&b) && ts_ns(&b) <= ts_ns(&c);
    /* TAI and REALTIME may differ from the syscall only if the clock is stepped meanwhile (it is not). */
    tap_ok(order, d("%s: vDSO <= syscall <= vDSO", name));
    tap_ok(ts_ns(&c) - ts_ns(&a) < 5 * SEC, d("%s: the two vDSO reads are close", name));
    int g1 = v_getres(id, &r1);
    long g2 = sc(SYS_clock_getres, id, (long)&r2, 0);
    tap_ok(g1 == 0 && g2 == 0 && r1.tv_sec == r2.tv_sec && r1.tv_nsec == r2.tv_nsec,
           d("%s: vDSO clock_getres equals the syscall's", name));
}

/* 7 checks: clocks the vDSO hands to the kernel. */
static void fallback_clocks(void)
{
    struct timespec t = { 0, 0 };
    tap_ok(v_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) == 0 && ts_ns(&t) > 0,
           "CLOCK_PROCESS_CPUTIME_ID through the vDSO gives the CPU time");
    t.tv_sec = t.tv_nsec = 0;
    tap_ok(v_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0 && ts_ns(&t) > 0,
           "CLOCK_THREAD_CPUTIME_ID through the vDSO gives the CPU time");
    tap_eq_long(v_gettime(12345, &t), -EINVAL, "an invalid clock id gives -EINVAL from the vDSO");
    tap_eq_long(v_gettime(-1, &t), -EINVAL, "clock id -1 gives -EINVAL from the vDSO");
    tap_eq_long(v_getres(12345, &t), -EINVAL, "vDSO clock_getres of an invalid clock gives -EINVAL");
    tap_eq_long(v_getres(CLOCK_MONOTONIC, NULL), 0, "vDSO clock_getres with a NULL result pointer returns 0");
    struct timespec r = { 0, 0 };
    tap_ok(v_getres(CLOCK_MONOTONIC_COARSE, &r) == 0 && r.tv_sec == 0 && r.tv_nsec >= 1000000,
           "a coarse clock's resolution is at least a millisecond (a tick)");
}

/* 1 check: 100000 alternating vDSO and syscall reads of CLOCK_MONOTONIC never go backwards. */
static void monotonic_run(void)
{
    long long last = 0;
    long bad = -1;
    for (long i = 0; i < 100000 && bad < 0; i++) {
        struct timespec t;
        if (i & 1)
            sc(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&t, 0);
        else
            v_gettime(CLOCK_MONOTONIC, &t);
        if (ts_ns(&t) < last)
            bad = i;
        last = ts_ns(&t);
    }
    if (bad >= 0)
        tap_diag_long("went backwards at call", bad, -1);
    tap_ok(bad < 0, "100000 alternating vDSO/syscall CLOCK_MONOTONIC reads never go backwards");
}

/* 6 checks */
static void tod_and_time(void)
{
    struct timeval a = { 0, -1 }, b, c = { 0, -1 };
    int ra = v_gettod(&a, NULL);
    long rb = sc(SYS_gettimeofday, (long)&b, 0, 0);
    int rc = v_gettod(&c, NULL);
    long long ua = a.tv_sec * 1000000LL + a.tv_usec, ub = b.tv_sec * 1000000LL + b.tv_usec,
              uc = c.tv_sec * 1000000LL + c.tv_usec;
    tap_ok(ra == 0 && rb == 0 && rc == 0 && a.tv_usec >= 0 && a.tv_usec < 1000000,
           "vDSO gettimeofday returns 0 and a normalised timeval");
    tap_ok(ua <= ub && ub <= uc && uc - ua < 5000000, "gettimeofday: vDSO <= syscall <= vDSO");
    tap_eq_long(v_gettod(NULL, NULL), 0, "vDSO gettimeofday(NULL, NULL) returns 0");
    struct timezone tz = { -1, -1 }, tz2 = { -2, -2 };
    sc(SYS_gettimeofday, 0, (long)&tz2, 0);
    tap_ok(v_gettod(&a, &tz) == 0 && tz.tz_minuteswest == tz2.tz_minuteswest && tz.tz_dsttime == tz2.tz_dsttime,
           "vDSO gettimeofday fills the time zone as the syscall does");
    time_t t1 = 0, t2 = v_time(&t1);
    long ts = sc(SYS_time, 0, 0, 0);
    time_t t3 = v_time(NULL);
    tap_ok(t1 == t2, "vDSO time stores what it returns");
    tap_ok(t2 <= ts && ts <= t3 && t3 - t2 < 5, "time: vDSO <= syscall <= vDSO");
}

/* 3 checks */
static void getcpu_checks(void)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);
    unsigned cpu = 999, node = 999, scpu = 999;
    long r = v_getcpu(&cpu, &node, NULL);
    sc(SYS_getcpu, (long)&scpu, 0, 0);
    tap_ok(r == 0 && cpu < (unsigned)n && node == 0, "vDSO getcpu gives a valid CPU and node 0");
    tap_ok(scpu < (unsigned)n, "the getcpu syscall agrees that CPUs are numbered below the count");
    tap_eq_long(v_getcpu(NULL, NULL, NULL), 0, "vDSO getcpu with NULL pointers returns 0");
}

/* ---- the mapping ---- */

/* Find the maps line naming name; its range in *lo, *hi and permissions in perm. */
static bool maps_find(const char *name, unsigned long *lo, unsigned long *hi, char perm[5])
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[256];
    bool found = false;
    while (f && !found && fgets(line, sizeof(line), f)) {
        char *n = strchr(line, '[');
        if (n && strncmp(n, name, strlen(name)) == 0 && sscanf(line, "%lx-%lx %4s", lo, hi, perm) == 3)
            found = true;
    }
    if (f)
        fclose(f);
    return found;
}

/* 5 checks */
static void maps_checks(void)
{
    unsigned long lo = 0, hi = 0, vlo = 0, vhi = 0;
    char perm[5] = "", vperm[5] = "";
    bool ok = maps_find("[vdso]", &lo, &hi, perm);
    tap_ok(ok, "/proc/self/maps shows [vdso]");
    tap_ok(ok && lo == getauxval(AT_SYSINFO_EHDR), "[vdso] starts at AT_SYSINFO_EHDR");
    tap_ok(ok && strcmp(perm, "r-xp") == 0, "[vdso] is r-xp");
    bool vok = maps_find("[vvar]", &vlo, &vhi, vperm);
    tap_ok(vok && vperm[0] == 'r' && vperm[1] == '-', "/proc/self/maps shows a read-only [vvar]");
    tap_eq_long(vok ? mprotect((void *)vlo, 4096, PROT_READ | PROT_WRITE) : 0, -1,
                "mprotect(PROT_WRITE) of [vvar] fails");
}

/* In a child (raw syscalls only once the vDSO is gone): move, refuse to grow, then unmap it. */
static int child_unmap(void)
{
    unsigned long lo, hi;
    char perm[5];
    if (!maps_find("[vdso]", &lo, &hi, perm))
        return 1;
    size_t len = hi - lo;
    errno = 0;
    if (mremap((void *)lo, len, len + 4096, 0) != MAP_FAILED || errno != EFAULT)
        return 2;                                       /* may not grow in place */
    void *dst = mmap(NULL, len + 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (dst == MAP_FAILED)
        return 3;
    void *moved = mremap((void *)lo, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (char *)dst + 4096);
    if (moved != (char *)dst + 4096 || memcmp(moved, ELFMAG, SELFMAG) != 0)
        return 4;                                       /* moved, and still the image */
    unsigned long nlo, nhi;
    if (!maps_find("[vdso]", &nlo, &nhi, perm) || nlo != (unsigned long)moved)
        return 5;
    if (munmap(moved, len) != 0 || maps_find("[vdso]", &nlo, &nhi, perm))
        return 6;                                       /* unmapped: gone from maps */
    return 0;
}

/* 3 checks */
static void unmap_checks(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(child_unmap());
    int st = -1;
    tap_ok(pid > 0 && waitpid(pid, &st, 0) == pid, "fork a child to move and unmap its vDSO");
    if (!WIFEXITED(st) || WEXITSTATUS(st))
        tap_diag_long("child step failed", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
           "the vDSO moves with mremap, cannot grow (EFAULT) and can be unmapped");
    struct timespec t = { 0, 0 };
    tap_ok(v_gettime(CLOCK_MONOTONIC, &t) == 0 && ts_ns(&t) > 0, "the parent's vDSO still works");
}

/* 2 checks: libc's own functions (musl uses the vDSO) agree with the syscalls. */
static void libc_checks(void)
{
    struct timespec a, b, c;
    clock_gettime(CLOCK_MONOTONIC, &a);
    sc(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&b, 0);
    clock_gettime(CLOCK_MONOTONIC, &c);
    tap_ok(ts_ns(&a) <= ts_ns(&b) && ts_ns(&b) <= ts_ns(&c), "libc clock_gettime agrees with the syscall");
    tap_eq_long(clock_gettime(12345, &a), -1, "libc clock_gettime of an invalid clock fails");
}

int main(void)
{
    const int nfast = (int)(sizeof(fast) / sizeof(fast[0]));
    tap_plan(19 + 4 * nfast + 7 + 1 + 6 + 3 + 1 + 5 + 3 + 2);
    if (!find_vdso()) {
        tap_diag("no usable vDSO: the remaining checks cannot run");
        tap_finish();
    }
    for (int i = 0; i < nfast; i++)
        one_clock(fast[i].id, fast[i].name);
    fallback_clocks();
    monotonic_run();
    tod_and_time();
    getcpu_checks();
    tap_eq_long(mount("proc", "/proc", "proc", 0, NULL), 0, "mount /proc");
    maps_checks();
    unmap_checks();
    libc_checks();
    tap_finish();
}
