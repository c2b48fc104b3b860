// SPDX-License-Identifier: MPL-2.0
// ABI suite: mount(2) (tmpfs options, bind, remount, move, propagation, flags), umount2, pivot_root errors.
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include "fs_test.h"

static char buf[256];

static long pivot_root(const char *n, const char *o) { return syscall(SYS_pivot_root, n, o); }

static void new_mounts(void)
{
    struct stat st;
    struct statfs sf;
    mkdir("/tmp/m", 0755);
    CHECK(mount("tmpfs", "/tmp/m", "tmpfs", 0, "size=1m,mode=700,uid=0,gid=0"), 0, "mount tmpfs with options");
    tap_ok(stat("/tmp/m", &st) == 0 && (st.st_mode & 07777) == 0700, "mode= sets the root's mode");
    tap_ok(statfs("/tmp/m", &sf) == 0 && sf.f_type == 0x01021994, "statfs gives TMPFS_MAGIC");
    tap_eq_long((long)sf.f_blocks * (long)sf.f_bsize, 1 << 20, "size= sets the block count");
    CHECK(mount("tmpfs", "/tmp/m", "tmpfs", 0, "bogus=1"), -EINVAL, "an unknown tmpfs option is EINVAL");
    CHECK(mount("x", "/tmp/m", "nosuchfs", 0, NULL), -ENODEV, "an unknown type is ENODEV");
    CHECK(mount("tmpfs", "/tmp/nonexistent", "tmpfs", 0, NULL), -ENOENT, "a missing target is ENOENT");
    CHECK(put_file("/tmp/m/f", "hi"), 0, "create a file on the new tmpfs");
    mkdir("/tmp/dev", 0755);
    CHECK(mount("devtmpfs", "/tmp/dev", "devtmpfs", 0, NULL), 0, "mount devtmpfs");
    tap_ok(stat("/tmp/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
           "devtmpfs has null (1:3)");
    CHECK(umount("/tmp/dev"), 0, "umount devtmpfs");
    CHECK(mount("sysfs", "/sys", "sysfs", 0, NULL), 0, "mount sysfs");
    tap_ok(statfs("/sys", &sf) == 0 && sf.f_type == 0x62656572, "statfs gives SYSFS_MAGIC");
    tap_ok(stat("/sys/fs/cgroup", &st) == 0 && S_ISDIR(st.st_mode), "/sys/fs/cgroup is a directory");
    tap_ok(stat("/sys/kernel", &st) == 0 && S_ISDIR(st.st_mode), "/sys/kernel is a directory");
}

static void bind_and_remount(void)
{
    struct stat a, b;
    struct statvfs sv;
    mkdir("/tmp/b", 0755);
    CHECK(mount("/tmp/m", "/tmp/b", NULL, MS_BIND, NULL), 0, "bind mount");
    tap_ok(get_file("/tmp/b/f", buf, sizeof(buf)) == 2 && strcmp(buf, "hi") == 0, "the bind shows the file");
    tap_ok(stat("/tmp/m/f", &a) == 0 && stat("/tmp/b/f", &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev,
           "the same inode through both mounts");
    CHECK(mount(NULL, "/tmp/b", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), 0, "remount the bind read-only");
    CHECK(open("/tmp/b/g", O_CREAT | O_WRONLY, 0644), -EROFS, "create on a read-only mount is EROFS");
    CHECK(open("/tmp/b/f", O_WRONLY), -EROFS, "open for writing is EROFS");
    CHECK(unlink("/tmp/b/f"), -EROFS, "unlink is EROFS");
    CHECK(mkdir("/tmp/b/d", 0755), -EROFS, "mkdir is EROFS");
    tap_ok(statvfs("/tmp/b", &sv) == 0 && (sv.f_flag & ST_RDONLY), "statvfs reports ST_RDONLY");
    CHECK(put_file("/tmp/m/g", "x"), 0, "the original mount stays writable");
    CHECK(mount(NULL, "/tmp/b", NULL, MS_REMOUNT | MS_BIND, NULL), 0, "remount read-write");
    CHECK(put_file("/tmp/b/h", "y"), 0, "writable again");
    CHECK(mount(NULL, "/tmp", NULL, MS_REMOUNT | MS_BIND, NULL), -EINVAL, "remount of a non-mount-point is EINVAL");
    CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0, "MS_REC|MS_PRIVATE on /");
    CHECK(mount(NULL, "/tmp/m", NULL, MS_SHARED, NULL), 0, "MS_SHARED on a mount");
    CHECK(mount(NULL, "/tmp/m", NULL, MS_PRIVATE, NULL), 0, "back to MS_PRIVATE");
    CHECK(mount(NULL, "/tmp", NULL, MS_PRIVATE, NULL), -EINVAL, "propagation on a non-mount-point is EINVAL");
    CHECK(mount(NULL, "/tmp/m", NULL, MS_PRIVATE | MS_SHARED, NULL), -EINVAL, "two propagation types is EINVAL");
    CHECK(umount("/tmp/b"), 0, "umount the bind");
    CHECK(access("/tmp/b/f", F_OK), -ENOENT, "the bind is gone");
}

static void move_and_rbind(void)
{
    mkdir("/tmp/x", 0755);
    mkdir("/tmp/y", 0755);
    CHECK(mount("tmpfs", "/tmp/x", "tmpfs", 0, NULL), 0, "mount tmpfs on /tmp/x");
    CHECK(put_file("/tmp/x/file", "z"), 0, "create a file there");
    CHECK(mount("/tmp/x", "/tmp/y", NULL, MS_MOVE, NULL), 0, "MS_MOVE to /tmp/y");
    CHECK(access("/tmp/y/file", F_OK), 0, "the file moved with the mount");
    CHECK(access("/tmp/x/file", F_OK), -ENOENT, "nothing is left at the old place");
    CHECK(mount("/tmp", "/tmp/x", NULL, MS_MOVE, NULL), -EINVAL, "moving a non-mount-point is EINVAL");
    mkdir("/tmp/y/sub", 0755);
    CHECK(mount("/tmp/y", "/tmp/y/sub", NULL, MS_MOVE, NULL), -ELOOP, "moving a mount below itself is ELOOP");
    CHECK(mount("tmpfs", "/tmp/y/sub", "tmpfs", 0, NULL), 0, "a submount");
    CHECK(put_file("/tmp/y/sub/inner", "i"), 0, "a file in the submount");
    mkdir("/tmp/z", 0755);
    mkdir("/tmp/z2", 0755);
    CHECK(mount("/tmp/y", "/tmp/z", NULL, MS_BIND | MS_REC, NULL), 0, "recursive bind");
    CHECK(access("/tmp/z/sub/inner", F_OK), 0, "MS_REC copies the submount");
    CHECK(mount("/tmp/y", "/tmp/z2", NULL, MS_BIND, NULL), 0, "plain bind");
    CHECK(access("/tmp/z2/sub/inner", F_OK), -ENOENT, "a plain bind leaves submounts out");
    CHECK(umount("/tmp/y"), -EBUSY, "umount with a submount is EBUSY");
    CHECK(umount2("/tmp/y", MNT_DETACH), 0, "MNT_DETACH takes the tree");
    CHECK(access("/tmp/y/sub", F_OK), -ENOENT, "the detached tree is gone");
    CHECK(umount2("/tmp/z", MNT_DETACH), 0, "detach the recursive bind");
    CHECK(umount("/tmp/z2"), 0, "umount the plain bind");
}

static void umount_rules(void)
{
    int fd = open("/tmp/m/f", O_RDONLY);
    tap_ok(fd >= 0, "open a file on /tmp/m");
    CHECK(umount("/tmp/m"), -EBUSY, "umount with an open file is EBUSY");
    close(fd);
    CHECK(chdir("/tmp/m"), 0, "chdir into the mount");
    CHECK(umount("/tmp/m"), -EBUSY, "umount of the cwd's mount is EBUSY");
    CHECK(umount2("/tmp/m", MNT_DETACH), 0, "MNT_DETACH succeeds anyway");
    CHECK(chdir("/"), 0, "leave");
    CHECK(access("/tmp/m/f", F_OK), -ENOENT, "the mount is gone");
    CHECK(umount("/tmp"), -EINVAL, "umount of a non-mount-point is EINVAL");
    CHECK(umount2("/tmp", 0x100), -EINVAL, "unknown umount2 flags are EINVAL");
    CHECK(umount2("/tmp", MNT_EXPIRE | MNT_DETACH), -EINVAL, "MNT_EXPIRE with MNT_DETACH is EINVAL");
    CHECK(umount("/tmp/none"), -ENOENT, "umount of a missing path is ENOENT");
}

static void flags(void)
{
    mkdir("/tmp/nd", 0755);
    CHECK(mount("tmpfs", "/tmp/nd", "tmpfs", MS_NODEV | MS_NOEXEC, NULL), 0, "mount nodev,noexec");
    CHECK(mknod("/tmp/nd/null", S_IFCHR | 0666, makedev(1, 3)), 0, "mknod on a nodev mount");
    CHECK(open("/tmp/nd/null", O_RDWR), -EACCES, "opening a device on nodev is EACCES");
    CHECK(put_file("/tmp/nd/prog", "#!/bin/sh\n"), 0, "a script on noexec");
    chmod("/tmp/nd/prog", 0755);
    char *argv[] = { "/tmp/nd/prog", NULL };
    CHECK(execve("/tmp/nd/prog", argv, argv + 1), -EACCES, "execve on noexec is EACCES");
    CHECK(umount("/tmp/nd"), 0, "umount");
}

static void pivot(void)
{
    mkdir("/tmp/nr", 0755);
    CHECK(mount("tmpfs", "/tmp/nr", "tmpfs", 0, NULL), 0, "mount a new root");
    mkdir("/tmp/nr/old", 0755);
    CHECK(pivot_root("/tmp/nr", "/tmp/nr/old"), -EINVAL, "pivot_root away from the initramfs rootfs is EINVAL");
    CHECK(pivot_root("/tmp", "/tmp"), -EINVAL, "pivot_root within the rootfs is EINVAL");
    CHECK(pivot_root("/init", "/tmp"), -ENOTDIR, "pivot_root to a non-directory is ENOTDIR");
    CHECK(pivot_root("/tmp/none", "/tmp"), -ENOENT, "pivot_root to a missing path is ENOENT");
    CHECK(umount("/tmp/nr"), 0, "umount the new root");
}

int main(void)
{
    tap_plan(76);
    new_mounts();
    bind_and_remount();
    move_and_rbind();
    umount_rules();
    flags();
    pivot();
    tap_finish();
}
