// SPDX-License-Identifier: MPL-2.0
// ext2 extended attributes in one external block (user.*, trusted.*, security.*), shared blocks copied on write.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "fs/ext2/ext2.h"

#define XATTR_CREATE  1
#define XATTR_REPLACE 2
#define HDR sizeof(struct ext2_xattr_header)
#define ENT sizeof(struct ext2_xattr_entry)
#define PAD4(n) (((n) + 3u) & ~3u)

static const struct { uint8_t index; const char *prefix; } prefixes[] = {
    { EXT2_XATTR_INDEX_USER, "user." },
    { EXT2_XATTR_INDEX_TRUSTED, "trusted." },
    { EXT2_XATTR_INDEX_SECURITY, "security." },
};

/* One attribute, pointing into a block copy or the caller's value. */
struct xa {
    uint8_t index, name_len;
    const char *name;
    const uint8_t *value;
    uint32_t size;
};

#define MAX_XA 128

/* Split "user.foo" into index and suffix; -EOPNOTSUPP for other namespaces. */
static int split_name(const char *full, uint8_t *index, const char **name, size_t *len)
{
    for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
        size_t pl = strlen(prefixes[i].prefix);
        if (!strncmp(full, prefixes[i].prefix, pl)) {
            *index = prefixes[i].index;
            *name = full + pl;
            *len = strlen(*name);
            return *len == 0 ? -EINVAL : *len > 255 ? -ERANGE : 0;
        }
    }
    return -EOPNOTSUPP;
}

/* Read the inode's attribute block into blk and decode it into xs; count or -errno. */
static int load(struct ext2_fs *fs, struct ext2_inode *ip, uint8_t *blk, struct xa *xs)
{
    if (!ip->d.i_file_acl)
        return 0;
    int r = ext2_read_block(fs, ip->d.i_file_acl, blk);
    if (r)
        return r;
    struct ext2_xattr_header h;
    memcpy(&h, blk, HDR);
    if (h.h_magic != EXT2_XATTR_MAGIC || h.h_blocks != 1)
        return -EIO;
    int n = 0;
    for (uint32_t off = HDR; off + 4 <= fs->bs; n++) {
        struct ext2_xattr_entry e;
        uint32_t first;
        memcpy(&first, blk + off, 4);
        if (first == 0)
            return n;
        if (off + ENT > fs->bs || n == MAX_XA)
            return -EIO;
        memcpy(&e, blk + off, ENT);
        if (off + ENT + e.e_name_len > fs->bs || e.e_value_inum ||
            (uint64_t)e.e_value_offs + e.e_value_size > fs->bs)
            return -EIO;
        xs[n] = (struct xa){ e.e_name_index, e.e_name_len, (const char *)blk + off + ENT,
                             blk + e.e_value_offs, e.e_value_size };
        off += PAD4(ENT + e.e_name_len);
    }
    return -EIO;
}

static int find(const struct xa *xs, int n, uint8_t index, const char *name, size_t len)
{
    for (int i = 0; i < n; i++)
        if (xs[i].index == index && xs[i].name_len == len && !memcmp(xs[i].name, name, len))
            return i;
    return -1;
}

long ext2_getxattr(struct ext2_fs *fs, struct ext2_inode *ip, const char *full, void *buf, size_t size)
{
    uint8_t index;
    const char *name;
    size_t len;
    long r = split_name(full, &index, &name, &len);
    struct xa *xs = kmalloc(sizeof(*xs) * MAX_XA);
    uint8_t *blk = kmalloc(fs->bs);
    int n = r || !xs || !blk ? (r ? (int)r : -ENOMEM) : load(fs, ip, blk, xs);
    if (n < 0) {
        r = n;
    } else {
        int i = find(xs, n, index, name, len);
        if (i < 0)
            r = -ENODATA;
        else if (size && xs[i].size > size)
            r = -ERANGE;
        else {
            if (size)
                memcpy(buf, xs[i].value, xs[i].size);
            r = xs[i].size;
        }
    }
    kfree(xs);
    kfree(blk);
    return r;
}

long ext2_listxattr(struct ext2_fs *fs, struct ext2_inode *ip, char *buf, size_t size)
{
    struct xa *xs = kmalloc(sizeof(*xs) * MAX_XA);
    uint8_t *blk = kmalloc(fs->bs);
    int n = xs && blk ? load(fs, ip, blk, xs) : -ENOMEM;
    long total = n < 0 ? n : 0;
    for (int i = 0; i < n && total >= 0; i++) {
        const char *pre = NULL;
        for (size_t k = 0; k < ARRAY_SIZE(prefixes); k++)
            if (prefixes[k].index == xs[i].index)
                pre = prefixes[k].prefix;
        if (!pre)
            continue;       /* FIXME: system.posix_acl_* are not listed */
        size_t pl = strlen(pre), need = pl + xs[i].name_len + 1;
        if (size && (size_t)total + need > size) {
            total = -ERANGE;
            break;
        }
        if (size) {
            memcpy(buf + total, pre, pl);
            memcpy(buf + total + pl, xs[i].name, xs[i].name_len);
            buf[total + (long)need - 1] = 0;
        }
        total += (long)need;
    }
    kfree(xs);
    kfree(blk);
    return total;
}

static uint32_t entry_hash(const struct xa *x)
{
    uint32_t h = 0;
    for (uint32_t i = 0; i < x->name_len; i++)
        h = (h << 5) ^ (h >> 27) ^ (uint8_t)x->name[i];
    for (uint32_t i = 0; i < PAD4(x->size); i += 4) {
        uint32_t w = 0;
        memcpy(&w, x->value + i, MIN(4u, x->size - i));
        h = (h << 16) ^ (h >> 16) ^ w;
    }
    return h;
}

static int cmp_xa(const struct xa *a, const struct xa *b)
{
    if (a->index != b->index)
        return a->index - b->index;
    if (a->name_len != b->name_len)
        return a->name_len - b->name_len;
    return memcmp(a->name, b->name, a->name_len);
}

/* Lay out xs (sorted) in out; -ENOSPC when they do not fit in a block. */
static int build(const struct ext2_fs *fs, struct xa *xs, int n, uint8_t *out)
{
    for (int i = 1; i < n; i++)             /* insertion sort: a handful of entries */
        for (int j = i; j > 0 && cmp_xa(&xs[j - 1], &xs[j]) > 0; j--) {
            struct xa t = xs[j];
            xs[j] = xs[j - 1];
            xs[j - 1] = t;
        }
    memset(out, 0, fs->bs);
    uint32_t eoff = HDR, voff = fs->bs, bhash = 0;
    for (int i = 0; i < n; i++) {
        uint32_t elen = PAD4(ENT + xs[i].name_len), vlen = PAD4(xs[i].size);
        if (eoff + elen + 4 + vlen > voff)
            return -ENOSPC;
        voff -= vlen;
        struct ext2_xattr_entry e = { xs[i].name_len, xs[i].index,
                                      (uint16_t)(xs[i].size ? voff : 0), 0, xs[i].size,
                                      entry_hash(&xs[i]) };
        memcpy(out + eoff, &e, ENT);
        memcpy(out + eoff + ENT, xs[i].name, xs[i].name_len);
        memcpy(out + voff, xs[i].value, xs[i].size);
        eoff += elen;
        bhash = (bhash << 16) ^ (bhash >> 16) ^ e.e_hash;
    }
    struct ext2_xattr_header h = { EXT2_XATTR_MAGIC, 1, 1, bhash, 0, { 0, 0, 0 } };
    memcpy(out, &h, HDR);
    return 0;
}

/* Drop this inode's use of its current block (free it or lower the share count). */
static int release_block(struct ext2_fs *fs, struct ext2_inode *ip, uint8_t *scratch)
{
    uint32_t blk = ip->d.i_file_acl;
    struct ext2_xattr_header h;
    int r = ext2_read_block(fs, blk, scratch);
    if (r)
        return r;
    memcpy(&h, scratch, HDR);
    if (h.h_refcount > 1) {
        h.h_refcount--;
        memcpy(scratch, &h, HDR);
        r = ext2_write_block(fs, blk, scratch);
    } else {
        r = ext2_free_block(fs, blk);
    }
    if (r)
        return r;
    ip->d.i_file_acl = 0;
    ip->d.i_blocks -= fs->bs / 512;
    return 0;
}

/* Store the new set: in place when the block is ours alone, else in a new block. */
static int store(struct ext2_fs *fs, struct ext2_inode *ip, struct xa *xs, int n, uint8_t *old)
{
    uint8_t *nb = kmalloc(fs->bs);
    int r = nb ? (n ? build(fs, xs, n, nb) : 0) : -ENOMEM;
    uint32_t refs = 0;
    if (!r && ip->d.i_file_acl)
        memcpy(&refs, old + 4, 4);
    if (!r && refs == 1 && n) {
        r = ext2_write_block(fs, ip->d.i_file_acl, nb);
    } else if (!r) {
        if (ip->d.i_file_acl)
            r = release_block(fs, ip, old);
        uint32_t blk;
        if (!r && n && !(r = ext2_alloc_block(fs, fs->sb.s_first_data_block +
                                              (ip->ino - 1) / fs->ipg * fs->bpg, &blk))) {
            r = ext2_write_block(fs, blk, nb);
            ip->d.i_file_acl = blk;
            ip->d.i_blocks += fs->bs / 512;
        }
    }
    kfree(nb);
    if (r)
        return r;
    ip->d.i_ctime = ext2_now();
    return ext2_write_inode(fs, ip);
}

int ext2_setxattr(struct ext2_fs *fs, struct ext2_inode *ip, const char *full, const void *value,
                  size_t size, int flags)
{
    uint8_t index;
    const char *name;
    size_t len;
    if (fs->rdonly)
        return -EROFS;
    int r = split_name(full, &index, &name, &len);
    if (r)
        return r;
    if (size > fs->bs)
        return -ENOSPC;
    struct xa *xs = kmalloc(sizeof(*xs) * MAX_XA);
    uint8_t *blk = kmalloc(fs->bs);
    int n = xs && blk ? load(fs, ip, blk, xs) : -ENOMEM;
    int i = n < 0 ? -1 : find(xs, n, index, name, len);
    if (n < 0)
        r = n;
    else if (i >= 0 && (flags & XATTR_CREATE))
        r = -EEXIST;
    else if (i < 0 && ((flags & XATTR_REPLACE) || !value))
        r = -ENODATA;
    else if (i < 0 && n == MAX_XA)
        r = -ENOSPC;
    if (!r) {
        if (i < 0)
            i = n++;
        if (value)
            xs[i] = (struct xa){ index, (uint8_t)len, name, value, (uint32_t)size };
        else
            xs[i] = xs[--n];
        r = store(fs, ip, xs, n, blk);
    }
    kfree(xs);
    kfree(blk);
    return r;
}

int ext2_xattr_drop(struct ext2_fs *fs, struct ext2_inode *ip)
{
    if (!ip->d.i_file_acl)
        return 0;
    uint8_t *blk = kmalloc(fs->bs);
    int r = blk ? release_block(fs, ip, blk) : -ENOMEM;
    kfree(blk);
    return r;
}
