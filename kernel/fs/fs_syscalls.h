// SPDX-License-Identifier: MPL-2.0
// File-system syscall handlers (see kernel/syscall/syscall.tbl).
#ifndef KEEL_FS_SYSCALLS_H
#define KEEL_FS_SYSCALLS_H

#include "syscall/syscall.h"
#include "fs/file.h"
#include "fs/namei.h"

#define FS_SYSCALLS(X) \
    X(open) X(openat) X(creat) X(close) X(dup) X(dup2) X(dup3) X(fcntl) \
    X(read) X(write) X(readv) X(writev) X(pread64) X(pwrite64) X(lseek) \
    X(truncate) X(ftruncate) X(fsync) X(fdatasync) X(sync) \
    X(stat) X(lstat) X(fstat) X(newfstatat) X(access) X(faccessat) X(faccessat2) \
    X(readlink) X(readlinkat) X(chmod) X(fchmod) X(fchmodat) \
    X(chown) X(lchown) X(fchown) X(fchownat) X(utimensat) X(utimes) X(futimesat) \
    X(mkdir) X(mkdirat) X(mknod) X(mknodat) X(symlink) X(symlinkat) X(link) X(linkat) \
    X(unlink) X(unlinkat) X(rmdir) X(rename) X(renameat) X(renameat2) \
    X(getdents64) X(getdents) X(chdir) X(fchdir) X(getcwd) X(umask) X(pipe) X(pipe2) \
    X(ioctl) X(statfs) X(fstatfs) X(statx) X(preadv) X(pwritev) X(preadv2) X(pwritev2) X(syncfs) X(fallocate) X(chroot) \
    X(setxattr) X(lsetxattr) X(fsetxattr) X(getxattr) X(lgetxattr) X(fgetxattr) \
    X(listxattr) X(llistxattr) X(flistxattr) X(removexattr) X(lremovexattr) X(fremovexattr)

#define FS_DECLARE(n) long sys_##n(struct sys_call *c);
FS_SYSCALLS(FS_DECLARE)
#undef FS_DECLARE

#endif
