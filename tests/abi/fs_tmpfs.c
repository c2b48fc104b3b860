// SPDX-License-Identifier: MPL-2.0
// ABI suite: tmpfs mount options (size=, nr_blocks=, nr_inodes=, mode=, uid=, gid=), ENOSPC, fallocate and statfs.
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include "fs_test.h"

#define M "/tmp/tm"
#define TMPFS_MAGIC 0x01021994

static long fs_blocks(const char *p, long *bfree, long *files, long *ffree)
{
    struct statfs st;
    if (statfs(p, &st))
        return -errno;
    *bfree = (long)st.f_bfree;
    *files = (long)st.f_files;
    *ffree = (long)st.f_ffree;
    return (long)st.f_blocks;
}

static long write_n(int fd, size_t n)
{
    static char buf[65536];
    memset(buf, 'x', sizeof(buf));
    return R(write(fd, buf, n));
}

static void limits(void)
{
    long bfree, files, ffree;
    CHECK(mount("tmpfs", M, "tmpfs", 0, "size=64k,nr_inodes=4,mode=0710,uid=12,gid=34"), 0,
          "mount tmpfs with size, nr_inodes, mode, uid and gid");
    struct stat st;
    CHECK(stat(M, &st), 0, "stat the mount root");
    tap_eq_long(st.st_mode, S_IFDIR | 0710, "mode= sets the root's permissions");
    tap_ok(st.st_uid == 12 && st.st_gid == 34, "uid= and gid= set the root's owner");
    struct statfs sf;
    statfs(M, &sf);
    tap_eq_long(sf.f_type, TMPFS_MAGIC, "statfs reports TMPFS_MAGIC");
    tap_eq_long(fs_blocks(M, &bfree, &files, &ffree), 16, "size=64k is 16 blocks of 4 KiB");
    tap_eq_long(bfree, 16, "all blocks are free");
    tap_ok(files == 4 && ffree == 3, "nr_inodes=4: the root uses one inode");
    int fd = open(M "/a", O_CREAT | O_RDWR, 0644);
    tap_ok(fd >= 0, "create a file");
    CHECK(write_n(fd, 40960), 40960, "write 40 KiB");
    fs_blocks(M, &bfree, &files, &ffree);
    tap_ok(bfree == 6 && ffree == 2, "statfs counts the used blocks and inodes");
    CHECK(write_n(fd, 65536), 24576, "a write past the limit is cut short");
    CHECK(write_n(fd, 4096), -ENOSPC, "a full tmpfs fails writes with ENOSPC");
    fs_blocks(M, &bfree, &files, &ffree);
    tap_eq_long(bfree, 0, "no blocks left");
    CHECK(ftruncate(fd, 1 << 20), 0, "a sparse ftruncate past the limit is allowed");
    CHECK(ftruncate(fd, 8192), 0, "shrink the file to 8 KiB");
    fs_blocks(M, &bfree, &files, &ffree);
    tap_eq_long(bfree, 14, "truncation gives the blocks back");
    close(fd);
    CHECK(put_file(M "/b", ""), 0, "a third inode");
    CHECK(mkdir(M "/c", 0755), 0, "a fourth inode");
    CHECK(open(M "/d", O_CREAT | O_RDWR, 0644), -ENOSPC, "creating past nr_inodes fails with ENOSPC");
    CHECK(mkdir(M "/e", 0755), -ENOSPC, "mkdir past nr_inodes fails with ENOSPC");
    CHECK(symlink("x", M "/f"), -ENOSPC, "symlink past nr_inodes fails with ENOSPC");
    unlink(M "/a");
    fs_blocks(M, &bfree, &files, &ffree);
    tap_ok(bfree == 16 && ffree == 1, "unlinking a closed file frees its blocks and inode");
    CHECK(put_file(M "/d", "ok"), 0, "then a new file fits");
    CHECK(umount(M), 0, "umount");
}

static long blocks_of(int fd, long *size)
{
    struct stat st;
    if (fstat(fd, &st))
        return -errno;
    *size = (long)st.st_size;
    return (long)st.st_blocks;
}

/* fallocate allocates pages, charged against size=: all of them or none. */
static void falloc(void)
{
    long bfree, files, ffree, size = -1;
    CHECK(mount("tmpfs", M, "tmpfs", 0, "size=64k"), 0, "mount tmpfs with size=64k");
    int fd = open(M "/f", O_CREAT | O_RDWR, 0644);
    tap_ok(fd >= 0, "create a file");
    CHECK(fallocate(fd, 0, 0, 128 << 10), -ENOSPC, "fallocate of 128 KiB on a 64 KiB tmpfs fails with ENOSPC");
    tap_eq_long(blocks_of(fd, &size), 0, "... nothing is allocated");
    tap_eq_long(size, 0, "... and the size is unchanged");
    CHECK(fallocate(fd, 0, 0, 32 << 10), 0, "fallocate of 32 KiB");
    tap_eq_long(blocks_of(fd, &size), 64, "... st_blocks grows to 64 sectors");
    tap_eq_long(size, 32 << 10, "... the size grows to 32 KiB");
    fs_blocks(M, &bfree, &files, &ffree);
    tap_eq_long(bfree, 8, "... statfs counts the 8 blocks as used");
    CHECK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 32 << 10, 16 << 10), 0, "fallocate KEEP_SIZE of 16 KiB past the end");
    tap_eq_long(blocks_of(fd, &size), 96, "... st_blocks grows to 96 sectors");
    tap_eq_long(size, 32 << 10, "... the size stays 32 KiB");
    CHECK(fallocate(fd, 0, 0, 48 << 10), 0, "fallocate over pages already allocated needs no room");
    tap_eq_long(blocks_of(fd, &size), 96, "... st_blocks stays 96");
    tap_eq_long(size, 48 << 10, "... the size grows to 48 KiB");
    CHECK(fallocate(fd, 0, 48 << 10, 32 << 10), -ENOSPC, "fallocate of 32 KiB with 16 KiB left fails with ENOSPC");
    tap_eq_long(blocks_of(fd, &size), 96, "... none of it stays allocated");
    tap_eq_long(size, 48 << 10, "... the size is unchanged");
    CHECK(pwrite(fd, "z", 1, 64 << 10), 1, "the 4 free blocks are still usable");
    CHECK(ftruncate(fd, 0), 0, "truncate to 0");
    tap_eq_long(blocks_of(fd, &size), 0, "... frees the allocated blocks");
    CHECK(fallocate(fd, 0, 0, 0), -EINVAL, "fallocate of length 0 fails with EINVAL");
    CHECK(fallocate(fd, 0, -1, 4096), -EINVAL, "fallocate at a negative offset fails with EINVAL");
    CHECK(fallocate(999, 0, 0, 4096), -EBADF, "fallocate on a bad fd fails with EBADF");
    int ro = open(M "/f", O_RDONLY);
    CHECK(fallocate(ro, 0, 0, 4096), -EBADF, "fallocate on a read-only fd fails with EBADF");
    close(ro);
    close(fd);
    CHECK(umount(M), 0, "umount");
}

static void options(void)
{
    long bfree, files, ffree;
    struct sysinfo si;
    sysinfo(&si);
    unsigned long pages = si.totalram * si.mem_unit / 4096;
    CHECK(mount("tmpfs", M, "tmpfs", 0, NULL), 0, "mount tmpfs without options");
    tap_eq_long(fs_blocks(M, &bfree, &files, &ffree), (long)(pages / 2), "the default size is half of RAM");
    tap_ok(files > 0 && ffree == files - 1, "the default inode limit is set");
    umount(M);
    CHECK(mount("tmpfs", M, "tmpfs", 0, "size=25%"), 0, "size=25%");
    unsigned long want = (si.totalram * si.mem_unit / 100 * 25 + 4095) / 4096;
    long got = fs_blocks(M, &bfree, &files, &ffree);
    tap_ok(got >= (long)want - 1 && got <= (long)want + 1, "size=N% is a share of RAM");
    umount(M);
    CHECK(mount("tmpfs", M, "tmpfs", 0, "nr_blocks=10,nr_inodes=2k"), 0, "nr_blocks= and nr_inodes= with a suffix");
    tap_eq_long(fs_blocks(M, &bfree, &files, &ffree), 10, "nr_blocks=10 is 10 blocks");
    tap_eq_long(files, 2048, "nr_inodes=2k is 2048 inodes");
    umount(M);
    CHECK(mount("tmpfs", M, "tmpfs", 0, "size=0"), 0, "size=0 means no limit");
    tap_eq_long(fs_blocks(M, &bfree, &files, &ffree), 0, "statfs reports no block count without a limit");
    umount(M);
    CHECK(mount("tmpfs", M, "tmpfs", 0, "size=5000"), 0, "size in bytes");
    tap_eq_long(fs_blocks(M, &bfree, &files, &ffree), 2, "size= rounds up to whole pages");
    umount(M);
    CHECK(mount("tmpfs", M, "tmpfs", 0, "bogus=1"), -EINVAL, "an unknown option fails with EINVAL");
    CHECK(mount("tmpfs", M, "tmpfs", 0, "size=abc"), -EINVAL, "a malformed size fails with EINVAL");
    CHECK(mount("tmpfs", M, "tmpfs", 0, "nr_inodes=1x"), -EINVAL, "a malformed nr_inodes fails with EINVAL");
    CHECK(mount("tmpfs", M, "tmpfs", 0, "mode=999"), -EINVAL, "a non-octal mode fails with EINVAL");
    CHECK(mount("tmpfs", M, "tmpfs", 0, "uid=-1"), -EINVAL, "a negative uid fails with EINVAL");
    CHECK(mount("tmpfs", M, "tmpfs", 0, "noswap"), -EINVAL, "noswap (newer than 6.1) fails with EINVAL");
    CHECK(mount("tmpfs", M, "tmpfs", 0, BADPTR), -EFAULT, "a bad option pointer fails with EFAULT");
}

int main(void)
{
    tap_plan(70);
    mkdir(M, 0755);
    limits();
    falloc();
    options();
    tap_finish();
}
