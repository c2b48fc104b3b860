// SPDX-License-Identifier: MPL-2.0
// The VFS as other subsystems see it: opening executables, reading files, fd tables, cwd/root.
#ifndef KEEL_FS_VFS_H
#define KEEL_FS_VFS_H

#include <ostd/types.h>

struct file;        /* an open file description (refcounted) */
struct files;       /* a descriptor table, shared by CLONE_FILES threads */
struct fs_context;  /* root, cwd and umask, shared by CLONE_FS */

/* Mount the root file system and unpack the initramfs into it. Called once by kernel_main. */
int vfs_init(void) __must_check;

/*
 * Open path (relative to the current process's cwd/root) for execution:
 * -ENOENT, -EACCES (no execute permission or not a regular file), -ENOTDIR,
 * -ELOOP, -ENAMETOOLONG as Linux. Returns a new reference in *out.
 */
int vfs_open_exec(const char *path, struct file **out) __must_check;
/* The same relative to dirfd with execveat's AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW (-ELOOP on a symlink). */
int vfs_open_exec_at(int dirfd, const char *path, unsigned at_flags, struct file **out) __must_check;
/* Read up to len bytes at off into a kernel buffer; bytes read or -errno. */
long kernel_read(struct file *f, uint64_t off, void *buf, size_t len);
/* Size of the file (for regular files). */
uint64_t file_size(struct file *f);
void file_get(struct file *f);
void file_put(struct file *f);

/* Descriptor tables. */
struct files *files_create(void) __must_check;
struct files *files_dup(struct files *src) __must_check;   /* fork: copy, fds share descriptions */
void files_get(struct files *ft);
void files_put(struct files *ft);
void files_close_on_exec(struct files *ft);
/* Install /dev/console as fds 0, 1 and 2 (for init). */
int files_open_console(struct files *ft) __must_check;

/* Root, cwd and umask. */
struct fs_context *fs_context_create(void) __must_check;   /* root = cwd = "/" , umask 022 */
struct fs_context *fs_context_dup(struct fs_context *src) __must_check;
void fs_context_get(struct fs_context *fs);
void fs_context_put(struct fs_context *fs);

/* Kernel-side helpers (boot code, tests): open by path, write, make nodes, mount a fresh tmpfs. */
int vfs_open_kernel(const char *path, uint32_t flags, uint32_t mode, struct file **out) __must_check;
long kernel_write(struct file *f, uint64_t off, const void *buf, size_t len);
int vfs_mknod_kernel(const char *path, uint32_t mode, uint64_t rdev) __must_check;
int vfs_mkdir_kernel(const char *path, uint32_t mode) __must_check;
int vfs_mount_tmpfs_kernel(const char *path) __must_check;
/*
 * Boot: mount a new file system (root: its root dentry, the reference is
 * taken over) on top of "/" as `source`, make it the root and cwd that init
 * inherits, and mount a devtmpfs on its /dev (Linux's devtmpfs.mount=1).
 */
struct dentry;
int vfs_mount_root_kernel(struct dentry *root, const char *source, bool rdonly) __must_check;

/* Internal start-up helper: initialise the boot descriptor table (vfs_init). */
void files_boot_init(void);

#endif
