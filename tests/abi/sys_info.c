// SPDX-License-Identifier: MPL-2.0
// ABI suite: uname, sethostname/setdomainname, sysinfo, getrandom and getcpu.
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

#define BAD_PTR 0x10L
#define KERNEL_PTR ((long)0xffff800000000000UL)
#define MIB (1024UL * 1024)

static long sc(long nr, long a, long b, long c)
{
    long r = syscall(nr, a, b, c);
    return r < 0 ? -errno : r;
}

static char desc[160];
static const char *d(const char *fmt, const char *s)
{
    snprintf(desc, sizeof(desc), fmt, s);
    return desc;
}

static struct utsname un(void)
{
    struct utsname u;
    memset(&u, 0x5a, sizeof(u));
    sc(SYS_uname, (long)&u, 0, 0);
    return u;
}

static bool terminated(const char *f) { return memchr(f, 0, 65) != NULL; }

/* 15 checks. */
static void uname_checks(void)
{
    struct utsname u;
    memset(&u, 0x5a, sizeof(u));
    tap_eq_long(sc(SYS_uname, (long)&u, 0, 0), 0, "uname succeeds");
    tap_ok(strcmp(u.sysname, "Linux") == 0, "sysname is Linux");
    tap_ok(u.release[0] >= '0' && u.release[0] <= '9', "release starts with a digit");
    tap_ok(strchr(u.release, '.') != NULL, "release has a dotted version");
    tap_ok(u.version[0] != 0, "version is not empty");
    tap_ok(strcmp(u.machine, "x86_64") == 0, "machine is x86_64");
    const char *names[6] = { u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname };
    bool all = true;
    for (int i = 0; i < 6; i++)
        all = all && terminated(names[i]);
    tap_ok(all, "every uname field is NUL-terminated within 65 bytes");
    tap_ok(sizeof(u) == 6 * 65, "struct utsname is six 65-byte fields");
    tap_ok(strcmp(u.nodename, "(none)") == 0, "the host name starts as (none)");
    tap_ok(strcmp(u.domainname, "(none)") == 0, "the domain name starts as (none)");
    tap_eq_long(sc(SYS_uname, 0, 0, 0), -EFAULT, "uname(NULL) fails with EFAULT");
    tap_eq_long(sc(SYS_uname, BAD_PTR, 0, 0), -EFAULT, "uname on an unmapped address fails with EFAULT");
    tap_eq_long(sc(SYS_uname, KERNEL_PTR, 0, 0), -EFAULT, "uname on a kernel address fails with EFAULT");
    struct utsname v = un();
    tap_ok(memcmp(&u, &v, sizeof(u)) == 0, "two uname calls agree");
    struct utsname w;
    tap_ok(uname(&w) == 0 && strcmp(w.release, u.release) == 0, "libc uname agrees with the system call");
}

/* Host or domain name field of a fresh uname. */
static void field(int nr, char out[65])
{
    struct utsname u = un();
    memcpy(out, nr == SYS_sethostname ? u.nodename : u.domainname, 65);
}

/* 18 checks per setter. */
static void setter_checks(int nr, const char *what)
{
    char f[65], long64[65], long65[66];
    memset(long64, 'h', 64);
    long64[64] = 0;
    memset(long65, 'i', 65);
    long65[65] = 0;
    tap_eq_long(sc(nr, (long)"keel-test", 9, 0), 0, d("set%s to keel-test succeeds", what));
    field(nr, f);
    tap_ok(strcmp(f, "keel-test") == 0, d("uname reports the new %s", what));
    tap_eq_long(sc(nr, (long)long64, 64, 0), 0, d("a 64-byte %s is accepted", what));
    field(nr, f);
    tap_ok(strlen(f) == 64 && memcmp(f, long64, 64) == 0, d("uname reports the 64-byte %s", what));
    tap_eq_long(sc(nr, (long)"ab", 2, 0), 0, d("a shorter %s replaces a longer one", what));
    field(nr, f);
    bool tail_zero = true;
    for (int i = 2; i < 65; i++)
        tail_zero = tail_zero && f[i] == 0;
    tap_ok(strcmp(f, "ab") == 0 && tail_zero, d("the rest of the %s field is cleared", what));
    tap_eq_long(sc(nr, (long)long65, 65, 0), -EINVAL, d("a 65-byte %s fails with EINVAL", what));
    tap_eq_long(sc(nr, (long)"x", -1, 0), -EINVAL, d("a negative %s length fails with EINVAL", what));
    tap_eq_long(sc(nr, (long)"x", INT_MIN, 0), -EINVAL, d("length INT_MIN for the %s fails with EINVAL", what));
    tap_eq_long(sc(nr, 0, 65, 0), -EINVAL, d("the %s length is checked before the pointer", what));
    tap_eq_long(sc(nr, 0, 5, 0), -EFAULT, d("set%s(NULL, 5) fails with EFAULT", what));
    tap_eq_long(sc(nr, BAD_PTR, 5, 0), -EFAULT, d("set%s on an unmapped address fails with EFAULT", what));
    tap_eq_long(sc(nr, KERNEL_PTR, 5, 0), -EFAULT, d("set%s on a kernel address fails with EFAULT", what));
    field(nr, f);
    tap_ok(strcmp(f, "ab") == 0, d("failed calls leave the %s unchanged", what));
    tap_eq_long(sc(nr, (long)"abc\0def", 7, 0), 0, d("a %s with an embedded NUL is accepted", what));
    field(nr, f);
    tap_ok(memcmp(f, "abc\0def\0", 8) == 0, d("the %s bytes are stored as given", what));
    tap_eq_long(sc(nr, 0, 0, 0), 0, d("set%s(NULL, 0) succeeds", what));
    field(nr, f);
    tap_ok(f[0] == 0, d("the %s is now empty", what));
}

/* 3 checks. */
static void hostname_libc(void)
{
    tap_eq_long(sc(SYS_sethostname, (long)"keel", 4, 0), 0, "set the host name to keel");
    char buf[80] = { 0 };
    tap_ok(gethostname(buf, sizeof(buf)) == 0 && strcmp(buf, "keel") == 0, "gethostname sees it");
    tap_eq_long(sc(SYS_setdomainname, (long)"(none)", 6, 0), 0, "restore the domain name");
}

struct ksysinfo {
    long uptime;
    unsigned long loads[3];
    unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    unsigned short procs, pad;
    unsigned long totalhigh, freehigh;
    unsigned int mem_unit;
    char f[0];
};

/* 13 checks. */
static void sysinfo_checks(void)
{
    unsigned char raw[160];
    memset(raw, 0xaa, sizeof(raw));
    struct timespec bt;
    sc(SYS_clock_gettime, CLOCK_BOOTTIME, (long)&bt, 0);
    tap_eq_long(sc(SYS_sysinfo, (long)raw, 0, 0), 0, "sysinfo succeeds");
    struct ksysinfo si;
    memcpy(&si, raw, sizeof(si));
    bool untouched = true;
    for (size_t i = 112; i < sizeof(raw); i++)
        untouched = untouched && raw[i] == 0xaa;
    tap_ok(untouched, "sysinfo writes exactly 112 bytes");
    tap_eq_long(si.mem_unit, 1, "sysinfo sizes are in bytes (mem_unit 1)");
    tap_ok(si.totalram >= 32 * MIB && si.totalram <= 64UL * 1024 * MIB, "total RAM is plausible for the VM");
    tap_ok(si.freeram > 0 && si.freeram <= si.totalram, "free RAM is positive and at most the total");
    tap_ok(si.uptime >= bt.tv_sec && si.uptime <= bt.tv_sec + 10, "uptime matches CLOCK_BOOTTIME");
    tap_ok(si.uptime > 0 && si.uptime < 3600, "uptime is positive and plausible");
    tap_ok(si.procs >= 1, "at least one process exists");
    tap_ok(si.totalswap == 0 && si.freeswap == 0, "no swap is configured");
    tap_ok(si.totalhigh == 0 && si.freehigh == 0, "x86-64 has no high memory");
    tap_eq_long(sc(SYS_sysinfo, 0, 0, 0), -EFAULT, "sysinfo(NULL) fails with EFAULT");
    tap_eq_long(sc(SYS_sysinfo, BAD_PTR, 0, 0), -EFAULT, "sysinfo on an unmapped address fails with EFAULT");
    tap_eq_long(sc(SYS_sysinfo, KERNEL_PTR, 0, 0), -EFAULT, "sysinfo on a kernel address fails with EFAULT");
}

static unsigned char big[MIB + 64];

/* 25 checks. */
static void getrandom_checks(void)
{
    unsigned char a[32], b[32], zero[32] = { 0 };
    tap_eq_long(sc(SYS_getrandom, (long)a, 32, 0), 32, "getrandom(32) returns 32");
    tap_eq_long(sc(SYS_getrandom, (long)b, 32, 0), 32, "a second getrandom(32) returns 32");
    tap_ok(memcmp(a, b, 32) != 0, "two results differ");
    tap_ok(memcmp(a, zero, 32) != 0, "the bytes are not all zero");
    tap_eq_long(sc(SYS_getrandom, (long)a, 0, 0), 0, "getrandom of 0 bytes returns 0");
    tap_eq_long(sc(SYS_getrandom, 0, 0, 0), 0, "getrandom(NULL, 0) returns 0");
    static const long good[] = { 1, 2, 4, 1 | 2, 1 | 4 };
    static const char *gname[] = { "GRND_NONBLOCK", "GRND_RANDOM", "GRND_INSECURE",
                                   "GRND_NONBLOCK|GRND_RANDOM", "GRND_NONBLOCK|GRND_INSECURE" };
    for (int i = 0; i < 5; i++)
        tap_eq_long(sc(SYS_getrandom, (long)a, 16, good[i]), 16, d("getrandom with %s returns the length", gname[i]));
    tap_eq_long(sc(SYS_getrandom, (long)a, 16, 2 | 4), -EINVAL, "GRND_RANDOM|GRND_INSECURE fails with EINVAL");
    tap_eq_long(sc(SYS_getrandom, (long)a, 16, 8), -EINVAL, "an unknown flag fails with EINVAL");
    tap_eq_long(sc(SYS_getrandom, (long)a, 16, 0x80000000L), -EINVAL, "the top flag bit fails with EINVAL");
    tap_eq_long(sc(SYS_getrandom, (long)a, 16, -1), -EINVAL, "all flag bits fail with EINVAL");
    tap_eq_long(sc(SYS_getrandom, 0, 16, 8), -EINVAL, "flags are checked before the buffer");
    tap_eq_long(sc(SYS_getrandom, 0, 16, 0), -EFAULT, "getrandom into NULL fails with EFAULT");
    tap_eq_long(sc(SYS_getrandom, BAD_PTR, 16, 0), -EFAULT, "getrandom into an unmapped page fails with EFAULT");
    tap_eq_long(sc(SYS_getrandom, KERNEL_PTR, 16, 0), -EFAULT, "getrandom into kernel memory fails with EFAULT");
    tap_eq_long(sc(SYS_getrandom, KERNEL_PTR, 0, 0), -EFAULT, "getrandom of 0 bytes into kernel memory fails with EFAULT");
    memset(big, 0xcc, sizeof(big));
    tap_eq_long(sc(SYS_getrandom, (long)big + 3, 5, 0), 5, "getrandom of 5 bytes at an odd address");
    bool canary = big[0] == 0xcc && big[1] == 0xcc && big[2] == 0xcc;
    for (int i = 8; i < 64; i++)
        canary = canary && big[i] == 0xcc;
    tap_ok(canary, "getrandom writes exactly the bytes asked for");
    tap_eq_long(sc(SYS_getrandom, (long)big, MIB, 0), (long)MIB, "getrandom of 1 MiB returns 1 MiB");
    unsigned seen[256] = { 0 };
    for (size_t i = 0; i < MIB; i++)
        seen[big[i]]++;
    bool every = true, flat = true;
    for (int v = 0; v < 256; v++) {
        every = every && seen[v] > 0;
        flat = flat && seen[v] > MIB / 256 / 2 && seen[v] < MIB / 256 * 2;
    }
    tap_ok(every, "every byte value occurs in 1 MiB of random bytes");
    tap_ok(flat, "byte values are roughly uniformly distributed");
}

/* 9 checks. */
static void getcpu_checks(void)
{
    unsigned cpu = 999, node = 999;
    tap_eq_long(sc(SYS_getcpu, (long)&cpu, (long)&node, 0), 0, "getcpu succeeds");
    tap_ok(cpu < 64, "the CPU number is small");
    tap_eq_long(node, 0, "the NUMA node is 0");
    tap_eq_long(sc(SYS_getcpu, 0, 0, 0), 0, "getcpu(NULL, NULL) succeeds");
    cpu = 999;
    tap_ok(sc(SYS_getcpu, (long)&cpu, 0, 0) == 0 && cpu < 64, "getcpu with only a CPU pointer");
    node = 999;
    tap_ok(sc(SYS_getcpu, 0, (long)&node, 0) == 0 && node == 0, "getcpu with only a node pointer");
    tap_eq_long(sc(SYS_getcpu, BAD_PTR, 0, 0), -EFAULT, "getcpu with a bad CPU pointer fails with EFAULT");
    tap_eq_long(sc(SYS_getcpu, 0, BAD_PTR, 0), -EFAULT, "getcpu with a bad node pointer fails with EFAULT");
    tap_eq_long(sc(SYS_getcpu, KERNEL_PTR, (long)&node, 0), -EFAULT, "getcpu with a kernel CPU pointer fails with EFAULT");
}

int main(void)
{
    tap_plan(15 + 2 * 18 + 3 + 13 + 25 + 9);
    uname_checks();
    setter_checks(SYS_sethostname, "hostname");
    setter_checks(SYS_setdomainname, "domainname");
    hostname_libc();
    sysinfo_checks();
    getrandom_checks();
    getcpu_checks();
    tap_finish();
}
