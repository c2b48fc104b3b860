// SPDX-License-Identifier: MPL-2.0
// ext2 file data: reading (holes read as zeros), writing with allocation, symlink bodies.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/stat.h>
#include "fs/ext2/ext2.h"

long ext2_read(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t off, void *buf, size_t len)
{
    uint64_t size = ext2_isize(ip);
    if (off >= size || len == 0)
        return 0;
    if (len > size - off)
        len = (size_t)(size - off);
    uint8_t *bounce = NULL, *out = buf;
    size_t done = 0;
    int r = 0;
    while (done < len && !r) {
        uint64_t pos = off + done;
        uint32_t in = (uint32_t)(pos % fs->bs), pblk;
        size_t n = MIN((size_t)(fs->bs - in), len - done);
        r = ext2_bmap(fs, ip, pos / fs->bs, false, &pblk);
        if (r)
            break;
        if (!pblk) {
            memset(out + done, 0, n);
        } else if (n == fs->bs) {
            r = ext2_read_block(fs, pblk, out + done);
        } else {
            if (!bounce && !(bounce = kmalloc(fs->bs))) {
                r = -ENOMEM;
                break;
            }
            r = ext2_read_block(fs, pblk, bounce);
            if (!r)
                memcpy(out + done, bounce + in, n);
        }
        if (!r)
            done += n;
    }
    kfree(bounce);
    return done ? (long)done : r;
}

/* Write n bytes at in within logical block lblk; bounce is a scratch block. */
static int write_piece(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t lblk, uint32_t in,
                       const uint8_t *src, size_t n, uint8_t *bounce)
{
    uint32_t pblk;
    int r;
    if (n == fs->bs) {
        r = ext2_bmap(fs, ip, lblk, true, &pblk);
        return r ? r : ext2_write_block(fs, pblk, src);
    }
    r = ext2_bmap(fs, ip, lblk, false, &pblk);
    if (!r && pblk)
        r = ext2_read_block(fs, pblk, bounce);
    else if (!r)
        memset(bounce, 0, fs->bs);
    if (!r && !pblk)
        r = ext2_bmap(fs, ip, lblk, true, &pblk);
    if (r)
        return r;
    memcpy(bounce + in, src, n);
    return ext2_write_block(fs, pblk, bounce);
}

long ext2_write_end(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t off, size_t done, long r)
{
    if (!done)
        return r;
    if (off + done > ext2_isize(ip))
        ext2_set_isize(fs, ip, off + done);
    ip->d.i_mtime = ip->d.i_ctime = ext2_now();
    int w = ext2_write_inode(fs, ip);
    if (!w && fs->sb_dirty)
        w = ext2_write_super(fs);
    return w ? w : (long)done;
}

long ext2_write(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t off, const void *buf, size_t len)
{
    uint64_t max = ext2_max_size(fs);
    if (fs->rdonly)
        return -EROFS;
    if (off >= max)
        return len ? -EFBIG : 0;
    if (len > max - off)
        len = (size_t)(max - off);
    uint8_t *bounce = kmalloc(fs->bs);
    if (!bounce)
        return -ENOMEM;
    const uint8_t *src = buf;
    size_t done = 0;
    int r = 0;
    while (done < len) {
        uint64_t pos = off + done;
        uint32_t in = (uint32_t)(pos % fs->bs);
        size_t n = MIN((size_t)(fs->bs - in), len - done);
        r = write_piece(fs, ip, pos / fs->bs, in, src + done, n, bounce);
        if (r)
            break;
        done += n;
    }
    kfree(bounce);
    return ext2_write_end(fs, ip, off, done, r);
}

long ext2_readlink(struct ext2_fs *fs, struct ext2_inode *ip, char *buf, size_t size)
{
    uint64_t len = ext2_isize(ip);
    if ((ip->d.i_mode & S_IFMT) != S_IFLNK)
        return -EINVAL;
    if (len >= size || len >= fs->bs)
        return -ENAMETOOLONG;
    if (ext2_is_fast_symlink(fs, ip)) {
        if (len >= sizeof(ip->d.i_block))
            return -EIO;
        memcpy(buf, ip->d.i_block, (size_t)len);
    } else {
        long n = ext2_read(fs, ip, 0, buf, (size_t)len);
        if (n < 0)
            return n;
        if ((uint64_t)n != len)
            return -EIO;
    }
    buf[len] = 0;
    return (long)len;
}
