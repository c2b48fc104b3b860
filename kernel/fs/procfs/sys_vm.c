// SPDX-License-Identifier: MPL-2.0
// /proc/sys/vm: drop_caches (1 page cache, 2 dentries and inodes, 3 both, 4 quiet), as Linux.
#include <ostd/sync.h>
#include <uapi/errno.h>
#include <uapi/stat.h>
#include <lib/format.h>
#include "fs/procfs/procfs.h"
#include "mm/shrink.h"

/* The last value written (Linux reads it back); written only by root, any order is fine. */
static int drop_caches_last;

/* A decimal integer with optional surrounding blanks and one trailing newline; false if not. */
static bool parse_int(const char *s, size_t len, long *out)
{
    size_t i = 0;
    long v = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t start = i;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        if ((v = v * 10 + (s[i] - '0')) > 1000000)
            return false;
    if (i == start)
        return false;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
        i++;
    *out = v;
    return i == len;
}

/*
 * Bit 1 drops every cache's clean pages that nobody maps (the ext2 page
 * cache: mm_drop_caches), as Linux; dirty and mapped pages stay. Each ext2
 * mount's metadata cache is a fixed set of slots with nothing to give back.
 * FIXME: bit 2 (unused dentries and inodes) frees nothing yet; 4 (quiet) only
 * silences a message Keel does not print.
 */
static long store_drop_caches(const struct inode *ino, const char *buf, size_t len)
{
    (void)ino;
    long v;
    if (!parse_int(buf, len, &v) || v < 1 || v > 4)
        return -EINVAL;
    if (v & 1)
        (void)mm_drop_caches();
    atomic_store(&drop_caches_last, (int)v);
    return (long)len;
}

static int show_drop_caches(struct pbuf *b, const struct inode *ino)
{
    (void)ino;
    pb_printf(b, "%d\n", atomic_load(&drop_caches_last));
    return 0;
}

const struct proc_entry proc_sys_vm[] = {
    { "drop_caches", S_IFREG | 0200, .show = show_drop_caches, .store = store_drop_caches },
    { .name = NULL },
};
