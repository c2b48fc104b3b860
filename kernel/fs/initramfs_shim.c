// SPDX-License-Identifier: MPL-2.0
// Interim VFS: executables are looked up directly in the initramfs cpio until the real VFS lands.
#include <ostd/boot.h>
#include <ostd/heap.h>
#include <lib/cpio.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "fs/vfs.h"

/* FIXME: replaced by the VFS (VFS issue): no fds, no cwd, read-only view of the cpio. */

struct file { uint32_t refcount; const uint8_t *data; size_t size; };
struct files { uint32_t refcount; };
struct fs_context { uint32_t refcount; };

int vfs_init(void) { return 0; }

static bool name_matches(const char *name, size_t nlen, const char *want)
{
    while (nlen && (*name == '/' || (name[0] == '.' && nlen > 1 && name[1] == '/'))) {
        size_t skip = *name == '/' ? 1 : 2;
        name += skip;
        nlen -= skip;
    }
    while (*want == '/')
        want++;
    return nlen == strlen(want) && memcmp(name, want, nlen) == 0;
}

int vfs_open_exec(const char *path, struct file **out)
{
    size_t len = 0;
    const uint8_t *buf = boot_module_count() ? boot_module_data(0, &len) : NULL;
    struct cpio_iter it;
    struct cpio_entry e;
    if (!buf)
        return -ENOENT;
    cpio_iter_init(&it, buf, len);
    while (cpio_next(&it, &e) == 1) {
        if (!name_matches(e.name, e.name_len, path))
            continue;
        if ((e.mode & 0170000) != 0100000 || !(e.mode & 0111))
            return -EACCES;
        struct file *f = kzalloc(sizeof(*f));
        if (!f)
            return -ENOMEM;
        *f = (struct file){ 1, e.data, e.size };
        *out = f;
        return 0;
    }
    return -ENOENT;
}

long kernel_read(struct file *f, uint64_t off, void *buf, size_t len)
{
    if (off >= f->size)
        return 0;
    len = MIN(len, f->size - off);
    memcpy(buf, f->data + off, len);
    return (long)len;
}

uint64_t file_size(struct file *f) { return f->size; }
void file_get(struct file *f) { f->refcount++; }
void file_put(struct file *f) { if (--f->refcount == 0) kfree(f); }

struct files *files_create(void)
{
    struct files *ft = kzalloc(sizeof(*ft));
    if (ft)
        ft->refcount = 1;
    return ft;
}
struct files *files_dup(struct files *src) { (void)src; return files_create(); }
void files_get(struct files *ft) { __atomic_add_fetch(&ft->refcount, 1, __ATOMIC_RELAXED); }
void files_put(struct files *ft) { if (__atomic_sub_fetch(&ft->refcount, 1, __ATOMIC_ACQ_REL) == 0) kfree(ft); }
void files_close_on_exec(struct files *ft) { (void)ft; }
int files_open_console(struct files *ft) { (void)ft; return 0; }

struct fs_context *fs_context_create(void)
{
    struct fs_context *fs = kzalloc(sizeof(*fs));
    if (fs)
        fs->refcount = 1;
    return fs;
}
struct fs_context *fs_context_dup(struct fs_context *src) { (void)src; return fs_context_create(); }
void fs_context_get(struct fs_context *fs) { __atomic_add_fetch(&fs->refcount, 1, __ATOMIC_RELAXED); }
void fs_context_put(struct fs_context *fs) { if (__atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL) == 0) kfree(fs); }
