// SPDX-License-Identifier: MPL-2.0
// Open file descriptions, their operations, and per-process descriptor tables.
#ifndef KEEL_FS_FILE_H
#define KEEL_FS_FILE_H

#include <ostd/types.h>
#include <ostd/sync.h>
#include "fs/dcache.h"
#include "fs/iov.h"
#include "fs/vfs.h"
#include <uapi/fcntl.h>

struct file;
struct poll_table;
struct frame;

struct file_ops {
    /* Called once by file_open with the new file; may replace nothing, may fail. */
    int (*open)(struct file *f);
    /* Read/write at *pos (advance it); bytes, or -errno when nothing was transferred. */
    long (*read)(struct file *f, struct iov_iter *to, uint64_t *pos);
    long (*write)(struct file *f, struct iov_iter *from, uint64_t *pos);
    void (*release)(struct file *f);
    /*
     * posix_fadvise(2)/readahead(2), called after the arguments are checked:
     * act on advice (POSIX_FADV_*) for bytes [off, off + len), len 0 meaning
     * to the end of file. 0 or -errno. NULL: the hint has no effect.
     */
    int (*fadvise)(struct file *f, uint64_t off, uint64_t len, int advice);
    /* After open, with no lock held: wait for what the open needs (a FIFO peer). */
    int (*open_wait)(struct file *f);
    /* Device- or file-specific ioctl; -ENOTTY when the request is unknown. */
    long (*ioctl)(struct file *f, unsigned cmd, uint64_t arg);
    /*
     * Readiness as EPOLLIN/OUT/ERR/HUP/RDHUP/PRI bits. Calls poll_wait(pt, wq)
     * (fs/poll/poll.h) on each queue that signals a change before looking at
     * the state; pt may be NULL. Must not block. NULL: always ready.
     */
    uint32_t (*poll)(struct file *f, struct poll_table *pt);
    /* fsync/fdatasync: write back what the file holds; NULL: nothing to do. */
    int (*fsync)(struct file *f);
    /*
     * Files that can be mmap'ed: the frame holding the data of page idx, a new
     * reference, allocated (zeroed) for a hole. This is the page cache: every
     * MAP_SHARED mapper maps this frame and read/write go through it too.
     * -ENXIO when idx lies wholly past the end of file (SIGBUS), -ENOMEM.
     * Takes the inode lock itself (lock order: mm->lock -> inode lock).
     * NULL: mmap fails with ENODEV.
     */
    int (*get_page)(struct inode *ino, uint64_t idx, struct frame **out);
    bool seekable;
};

/* An open file description, shared by dup'ed descriptors and across fork. */
struct file {
    uint32_t refcount;          /* atomic */
    struct path path;           /* NULL dentry for anonymous files (pipes) */
    struct inode *inode;        /* holds a reference */
    const struct file_ops *ops;
    uint32_t flags;             /* access mode and status flags; atomic updates */
    struct mutex pos_lock;      /* serialises users of pos */
    uint64_t pos;               /* guarded by pos_lock */
    void *priv;                 /* ops-private (pipe end) */
};

#define FMODE_READ(f)  (((f)->flags & O_ACCMODE) == O_RDONLY || ((f)->flags & O_ACCMODE) == O_RDWR)
#define FMODE_WRITE(f) (((f)->flags & O_ACCMODE) == O_WRONLY || ((f)->flags & O_ACCMODE) == O_RDWR)

/* A new description of inode (and path, which may be NULL) with ops; runs ops->open. */
int file_alloc(const struct path *p, struct inode *ino, const struct file_ops *ops,
               uint32_t flags, struct file **out) __must_check;

/* Descriptor table. */
#define NR_OPEN_DEFAULT 1024    /* RLIMIT_NOFILE soft and hard default */
#define NR_OPEN_MAX     1048576 /* the largest RLIMIT_NOFILE (Linux's fs.nr_open default) */

struct files {
    uint32_t refcount;          /* atomic */
    struct mutex lock;
    struct file **fd;           /* guarded by lock: max slots */
    uint8_t *cloexec;           /* guarded by lock: one byte per slot */
    unsigned max;
};

/* The calling process's table (or the boot table for kernel tasks). */
struct files *current_files(void);
/* Install f (takes over the caller's reference) at the lowest free fd >= min. */
int fd_install(struct files *ft, struct file *f, unsigned min, bool cloexec) __must_check;
/* A new reference to the file at fd, or NULL. */
struct file *fd_get(int fd);
int fd_close(struct files *ft, int fd);
/* Put f at exactly fd (closing what was there). */
int fd_replace(struct files *ft, int fd, struct file *f, bool cloexec) __must_check;
int fd_get_cloexec(struct files *ft, int fd);
int fd_set_cloexec(struct files *ft, int fd, bool on);
unsigned files_limit(void);

#endif
