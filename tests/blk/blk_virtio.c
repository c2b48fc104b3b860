// SPDX-License-Identifier: MPL-2.0
// virtio-blk through block special files: /dev/vda and /dev/vda1 read, written, sized and synced.
// The disk comes from tests/blk/blkdisk.py (layout and patterns must match); it checks our writes afterwards.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

#define MIB (1024L * 1024)
#define DISK_SIZE (4 * MIB)
#define P1_OFF MIB
#define P1_SIZE (2 * MIB)
#define BLKGETSIZE64_ _IOR(0x12, 114, size_t)
#define BLKSSZGET_ _IO(0x12, 104)
#define BLKGETSIZE_ _IO(0x12, 96)
#define BLKROGET_ _IO(0x12, 94)
#define BLKFLSBUF_ _IO(0x12, 97)
#define BAD_PTR ((void *)0x10)

static uint8_t pat_byte(int seed, long i) { return (uint8_t)(seed * 31 + i * 7 + (i >> 9)); }

static void pat(uint8_t *b, int seed, long n)
{
    for (long i = 0; i < n; i++)
        b[i] = pat_byte(seed, i);
}

static bool is_pat(const uint8_t *b, int seed, long n)
{
    for (long i = 0; i < n; i++)
        if (b[i] != pat_byte(seed, i))
            return false;
    return true;
}

static bool all_zero(const uint8_t *b, long n)
{
    for (long i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static long err(long r) { return r < 0 ? -errno : r; }

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

/* Linux (Debian) builds virtio as modules: load them from /lib/modules when the disk is not there. */
static void load_modules(void)
{
    static const char *const mods[] = { "virtio_ring", "virtio", "virtio_pci_modern_dev",
                                        "virtio_pci_legacy_dev", "virtio_pci", "virtio_blk" };
    char path[64];
    for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
        snprintf(path, sizeof(path), "/lib/modules/%s.ko", mods[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return;
        syscall(SYS_finit_module, fd, "", 0);
        close(fd);
    }
}

static bool wait_for(const char *path)
{
    struct stat st;
    for (int i = 0; i < 1200; i++) {    /* up to 60 s: a loaded host probes late */
        if (stat(path, &st) == 0)
            return true;
        sleep_ms(50);
    }
    return false;
}

static int vda = -1, vda1 = -1;
static uint8_t buf[65536], buf2[65536];

/* 8 checks. */
static void node_checks(void)
{
    long r = err(mount("devtmpfs", "/dev", "devtmpfs", 0, NULL));
    tap_eq_long(r, 0, "mount devtmpfs on /dev");
    struct stat st;
    if (stat("/dev/vda1", &st) != 0) {
        load_modules();
        wait_for("/dev/vda1");
    }
    struct stat s0, s1;
    tap_eq_long(err(stat("/dev/vda", &s0)), 0, "/dev/vda exists");
    tap_eq_long(err(stat("/dev/vda1", &s1)), 0, "/dev/vda1 exists");
    tap_ok(S_ISBLK(s0.st_mode) && S_ISBLK(s1.st_mode), "both are block special files");
    tap_ok(major(s0.st_rdev) == major(s1.st_rdev) && major(s0.st_rdev) != 0, "disk and partition share a major");
    tap_ok(minor(s0.st_rdev) == 0 && minor(s1.st_rdev) == 1, "minors: vda is 0, vda1 is 1");
    vda = open("/dev/vda", O_RDWR);
    vda1 = open("/dev/vda1", O_RDWR);
    tap_ok(vda >= 0, "open /dev/vda read-write");
    tap_ok(vda1 >= 0, "open /dev/vda1 read-write");
}

/* Find "<major> <minor> <blocks> <name>" for name in /proc/partitions; true if found. */
static bool partition_line(const char *text, const char *name, unsigned *ma, unsigned *mi, unsigned long *blocks)
{
    char nm[32];
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (sscanf(l, "%u %u %lu %31s", ma, mi, blocks, nm) == 4 && strcmp(nm, name) == 0)
            return true;
    return false;
}

/* 3 checks. */
static void proc_checks(void)
{
    static char text[4096];
    tap_eq_long(err(mount("proc", "/proc", "proc", 0, NULL)), 0, "mount proc");
    int fd = open("/proc/partitions", O_RDONLY);
    long n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
    text[n > 0 ? n : 0] = 0;
    if (fd >= 0)
        close(fd);
    struct stat st;
    unsigned ma = 0, mi = 9, ma1 = 0, mi1 = 9;
    unsigned long bl = 0, bl1 = 0;
    bool ok = stat("/dev/vda", &st) == 0 && partition_line(text, "vda", &ma, &mi, &bl);
    tap_ok(ok && ma == major(st.st_rdev) && mi == 0 && bl == 4096, "/proc/partitions: vda, 4096 KiB");
    ok = partition_line(text, "vda1", &ma1, &mi1, &bl1);
    tap_ok(ok && ma1 == ma && mi1 == 1 && bl1 == 2048, "/proc/partitions: vda1, 2048 KiB");
}

/* The second disk is attached read-only (VIRTIO_BLK_F_RO) and has a GPT. 9 checks. */
static void readonly_checks(void)
{
    struct stat s0, s, sp;
    bool ok = stat("/dev/vda", &s0) == 0 && stat("/dev/vdb", &s) == 0;
    tap_ok(ok && S_ISBLK(s.st_mode) && major(s.st_rdev) == major(s0.st_rdev) && minor(s.st_rdev) == 16,
           "/dev/vdb is the second disk: minor 16");
    int fd = open("/dev/vdb", O_RDONLY);
    int ro = -1;
    uint64_t sz = 0;
    tap_ok(fd >= 0 && ioctl(fd, BLKROGET_, &ro) == 0 && ro == 1, "BLKROGET: vdb is read-only");
    tap_ok(ioctl(fd, BLKGETSIZE64_, &sz) == 0 && sz == 131072, "vdb is 128 KiB");
    tap_ok(pread(fd, buf, 512, 512) == 512 && memcmp(buf, "EFI PART", 8) == 0, "vdb has a GPT header at LBA 1");
    close(fd);
    ok = stat("/dev/vdb1", &sp) == 0;
    tap_ok(ok && S_ISBLK(sp.st_mode) && minor(sp.st_rdev) == 17, "the GPT partition is /dev/vdb1, minor 17");
    fd = open("/dev/vdb1", O_RDONLY);
    sz = 0;
    ro = -1;
    tap_ok(fd >= 0 && ioctl(fd, BLKGETSIZE64_, &sz) == 0 && sz == 32768, "vdb1 spans LBA 64..127 (32 KiB)");
    tap_ok(pread(fd, buf, 32768, 0) == 32768 && is_pat(buf, 0x66, 32768) && ioctl(fd, BLKROGET_, &ro) == 0 &&
           ro == 1, "vdb1 holds its pattern and is read-only too");
    close(fd);
    fd = open("/dev/vdb", O_RDWR);
    tap_ok(fd >= 0, "a read-only disk opens read-write");
    tap_eq_long(err(pwrite(fd, buf, 512, 0)), -EPERM, "writing a read-only disk: EPERM");
    if (fd >= 0)
        close(fd);
}

/* 11 checks. */
static void size_checks(void)
{
    uint64_t sz = 0;
    int ssz = 0, ro = -1;
    unsigned long secs = 0;
    tap_eq_long(err(ioctl(vda, BLKGETSIZE64_, &sz)), 0, "BLKGETSIZE64 on vda");
    tap_eq_long((long)sz, DISK_SIZE, "vda is 4 MiB");
    tap_eq_long(err(ioctl(vda, BLKSSZGET_, &ssz)), 0, "BLKSSZGET");
    tap_eq_long(ssz, 512, "logical sector size is 512");
    tap_eq_long(err(ioctl(vda, BLKGETSIZE_, &secs)), 0, "BLKGETSIZE");
    tap_eq_long((long)secs, DISK_SIZE / 512, "BLKGETSIZE counts 512-byte sectors");
    tap_ok(ioctl(vda, BLKROGET_, &ro) == 0 && ro == 0, "BLKROGET: the disk is writable");
    sz = 0;
    tap_ok(ioctl(vda1, BLKGETSIZE64_, &sz) == 0 && (long)sz == P1_SIZE, "vda1 is the 2 MiB partition");
    tap_eq_long(lseek(vda, 0, SEEK_END), DISK_SIZE, "lseek SEEK_END on vda gives the disk size");
    tap_eq_long(lseek(vda1, -512, SEEK_END), P1_SIZE - 512, "lseek SEEK_END - 512 on vda1");
    tap_eq_long(err(lseek(vda, -1, SEEK_SET)), -EINVAL, "lseek to a negative offset: EINVAL");
}

/* 10 checks. */
static void read_checks(void)
{
    tap_eq_long(pread(vda, buf, 512, 0), 512, "read the MBR");
    tap_ok(buf[510] == 0x55 && buf[511] == 0xaa, "MBR signature 55 aa");
    tap_ok(buf[446 + 4] == 0x83 && buf[446 + 8] == 0x00 && buf[446 + 9] == 0x08, "partition 1: type 83 at sector 2048");
    tap_ok(pread(vda, buf, 512, 0x10000) == 512 && is_pat(buf, 0x0a, 512), "aligned sector read at 64 KiB");
    tap_ok(pread(vda, buf, 1000, 3 * MIB + 100) == 1000 && is_pat(buf, 0x33, 1000), "unaligned 1000-byte read");
    tap_ok(pread(vda, buf, 1100, 3 * MIB) == 1100 && all_zero(buf, 100) && is_pat(buf + 100, 0x33, 1000),
           "a read spanning the pattern's start");
    tap_ok(pread(vda1, buf, 4096, 0) == 4096 && is_pat(buf, 0x11, 4096), "vda1 offset 0 is disk offset 1 MiB");
    tap_ok(pread(vda1, buf, 512, P1_SIZE - 512) == 512 && is_pat(buf, 0x22, 512), "last sector of vda1");
    tap_eq_long(pread(vda1, buf, 4096, P1_SIZE - 100), 100, "a read past the partition end is short");
    tap_eq_long(pread(vda1, buf, 512, P1_SIZE), 0, "a read at the partition end returns 0");
}

/* 11 checks. */
static void write_checks(void)
{
    pat(buf, 0x44, 700);
    tap_eq_long(pwrite(vda1, buf, 700, 4096 + 3), 700, "unaligned 700-byte write to vda1");
    memset(buf2, 0xff, 710);
    tap_ok(pread(vda1, buf2, 710, 4096) == 710 && all_zero(buf2, 3) && is_pat(buf2 + 3, 0x44, 700) &&
           all_zero(buf2 + 703, 7), "read back: the neighbouring bytes kept their zeros");
    pat(buf, 0x55, 8192);
    tap_eq_long(pwrite(vda, buf, 8192, 2 * MIB + 5120), 8192, "aligned 8 KiB write to vda");
    /* Linux caches the disk and each partition apart: only written-back data is shared. */
    tap_ok(fsync(vda) == 0 && pread(vda1, buf2, 8192, MIB + 5120) == 8192 && is_pat(buf2, 0x55, 8192),
           "after fsync the disk write is seen through the partition");
    memset(buf, 0xee, 10);
    tap_eq_long(pwrite(vda1, buf, 10, P1_SIZE - 4), 4, "a write crossing the partition end is short");
    tap_eq_long(err(pwrite(vda1, buf, 10, P1_SIZE)), -ENOSPC, "a write at the partition end: ENOSPC");
    tap_ok(fsync(vda1) == 0 && pread(vda, buf2, 8, 3 * MIB - 4) == 8 && buf2[0] == 0xee && buf2[3] == 0xee && all_zero(buf2 + 4, 4),
           "the partition write stopped at its end");
    tap_eq_long(err(fsync(vda1)), 0, "fsync on vda1");
    tap_eq_long(err(fdatasync(vda)), 0, "fdatasync on vda");
    int ro = open("/dev/vda", O_RDONLY);
    tap_eq_long(err(write(ro, buf, 512)), -EBADF, "write to a read-only descriptor: EBADF");
    close(ro);
    tap_eq_long(err(ioctl(vda, BLKFLSBUF_, 0)), 0, "BLKFLSBUF");
}

/* 5 checks. */
static void error_checks(void)
{
    tap_eq_long(err(pread(vda, BAD_PTR, 512, 0)), -EFAULT, "read into a bad buffer: EFAULT");
    tap_eq_long(err(pwrite(vda, BAD_PTR, 512, 0)), -EFAULT, "write from a bad buffer: EFAULT");
    tap_eq_long(err(ioctl(vda, BLKGETSIZE64_, BAD_PTR)), -EFAULT, "BLKGETSIZE64 to a bad pointer: EFAULT");
    tap_eq_long(err(ioctl(vda, 0x5401 /* TCGETS */, buf)), -ENOTTY, "a TTY ioctl on a disk: ENOTTY");
    tap_ok(pread(vda, buf, 512, 0) == 512 && buf[510] == 0x55, "the MBR is intact after the failed write");
}

/* Several tasks read different regions at once: requests overlap in the queue. */
#define NTHREADS 4
#define SPAN (256 * 1024)
static uint8_t ref[NTHREADS][SPAN], got[NTHREADS][SPAN];

static void *reader(void *arg)
{
    long t = (long)arg;
    int fd = open("/dev/vda", O_RDONLY);
    long ok = fd >= 0;
    for (int round = 0; round < 4 && ok; round++)
        ok = pread(fd, got[t], SPAN, t * SPAN * 3 % DISK_SIZE) == SPAN && memcmp(got[t], ref[t], SPAN) == 0;
    if (fd >= 0)
        close(fd);
    return (void *)ok;
}

/* 2 checks. */
static void concurrency_checks(void)
{
    bool ok = true;
    for (long t = 0; t < NTHREADS; t++)
        ok = ok && pread(vda, ref[t], SPAN, t * SPAN * 3 % DISK_SIZE) == SPAN;
    tap_ok(ok, "read the reference regions");
    pthread_t th[NTHREADS];
    int started = 0;
    for (long t = 0; t < NTHREADS; t++)
        if (pthread_create(&th[t], NULL, reader, (void *)t) == 0)
            started++;
    bool all = started == NTHREADS;
    for (int t = 0; t < started; t++) {
        void *res = NULL;
        pthread_join(th[t], &res);
        all = all && res != NULL;
    }
    tap_ok(all, "4 threads reading 256 KiB regions concurrently see the same bytes");
}

int main(void)
{
    tap_plan(8 + 3 + 9 + 11 + 10 + 11 + 5 + 2);
    node_checks();
    proc_checks();
    readonly_checks();
    if (vda < 0 || vda1 < 0) {
        tap_diag("no disk: the remaining checks fail");
    }
    size_checks();
    read_checks();
    write_checks();
    error_checks();
    concurrency_checks();
    tap_finish();
}
