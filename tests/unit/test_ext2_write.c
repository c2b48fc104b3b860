// SPDX-License-Identifier: MPL-2.0
// Host tests for the ext2 core's write path: every change must leave an image e2fsck -fn finds clean.
// unit-kdeps: fs/ext2/ext2_super fs/ext2/ext2_cache fs/ext2/ext2_alloc fs/ext2/ext2_inode
// unit-kdeps: fs/ext2/ext2_bmap fs/ext2/ext2_file fs/ext2/ext2_dir fs/ext2/ext2_namei
// unit-kdeps: fs/ext2/ext2_xattr
#include "ext2_host.h"

static const unsigned block_sizes[] = { 1024, 2048, 4096 };

static void fixture_up(void) { setup_dirs(); }
static void fixture_down(void) { teardown_dirs(); }

static struct ext2_inode *mk(struct ext2_fs *fs, const char *dirpath, const char *name,
                             uint32_t mode, const char *target, uint64_t rdev)
{
    struct ext2_inode *dir = walk(fs, dirpath), *ip = NULL;
    ck_assert_ptr_nonnull(dir);
    struct ext2_new n = { mode, 1000, 100, rdev, target };
    int r = ext2_mknod(fs, dir, name, strlen(name), &n, &ip);
    ck_assert_msg(r == 0, "mknod %s/%s: %d", dirpath, name, r);
    ext2_iput(fs, dir);
    return ip;
}

static int do_unlink(struct ext2_fs *fs, const char *dirpath, const char *name, bool rmdir)
{
    struct ext2_inode *dir = walk(fs, dirpath);
    int r = ext2_unlink(fs, dir, name, strlen(name), rmdir);
    ext2_iput(fs, dir);
    return r;
}

static int do_rename(struct ext2_fs *fs, const char *od, const char *on, const char *nd, const char *nn)
{
    struct ext2_inode *a = walk(fs, od), *b = walk(fs, nd);
    int r = ext2_rename(fs, a, on, strlen(on), b, nn, strlen(nn));
    ext2_iput(fs, b);
    ext2_iput(fs, a);
    return r;
}

static void write_pattern(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t off, size_t len,
                          unsigned seed)
{
    uint8_t *buf = malloc(len);
    pattern(buf, len, off, seed);
    ck_assert_int_eq(ext2_write(fs, ip, off, buf, len), (long)len);
    free(buf);
}

static void check_pattern(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t off, size_t len,
                          unsigned seed)
{
    uint8_t *buf = malloc(len), *want = malloc(len);
    pattern(want, len, off, seed);
    ck_assert_int_eq(ext2_read(fs, ip, off, buf, len), (long)len);
    ck_assert(memcmp(buf, want, len) == 0);
    free(buf);
    free(want);
}

static void debugfs_pattern_eq(const char *path, size_t len, unsigned seed)
{
    uint8_t *want = malloc(len ? len : 1);
    pattern(want, len, 0, seed);
    debugfs_cat_eq(path, want, len);
    free(want);
}

/* Many files of many sizes across a few directories; contents checked by us and by debugfs. */
START_TEST(create_and_write_many)
{
    make_image(block_sizes[_i], 16384, NULL);
    struct ext2_fs *fs = mount_img(false);
    uint32_t free_before = fs->sb.s_free_blocks_count;
    ext2_iput(fs, mk(fs, "/", "d1", S_IFDIR | 0755, NULL, 0));
    ext2_iput(fs, mk(fs, "/d1", "d2", S_IFDIR | 0700, NULL, 0));
    char name[64];
    for (unsigned i = 0; i < 120; i++) {
        snprintf(name, sizeof(name), "file-with-a-long-name-%u", i);
        struct ext2_inode *ip = mk(fs, i % 2 ? "/d1" : "/d1/d2", name, S_IFREG | 0644, NULL, 0);
        write_pattern(fs, ip, 0, (size_t)i * 531, i);
        ext2_iput(fs, ip);
    }
    /* Crosses direct -> single -> double indirect at every block size. */
    struct ext2_inode *big = mk(fs, "/", "big", S_IFREG | 0600, NULL, 0);
    size_t bigsz = 4u << 20;
    for (size_t off = 0; off < bigsz; off += 100000)
        write_pattern(fs, big, off, MIN(100000, bigsz - off), 0);
    check_pattern(fs, big, 0, bigsz, 0);
    ck_assert_uint_eq(ext2_isize(big), bigsz);
    ext2_iput(fs, big);
    ck_assert_uint_lt(fs->sb.s_free_blocks_count, free_before - bigsz / fs->bs);
    umount_img(fs);
    ck_assert_int_eq(fsck(), 0);
    debugfs_pattern_eq("/big", bigsz, 0);
    debugfs_pattern_eq("/d1/file-with-a-long-name-7", 7 * 531, 7);
    debugfs_pattern_eq("/d1/d2/file-with-a-long-name-100", 100 * 531, 100);
    /* Read back after a fresh mount. */
    fs = mount_img(true);
    struct ext2_inode *ip = walk(fs, "/d1/file-with-a-long-name-119");
    check_pattern(fs, ip, 0, 119 * 531, 119);
    ext2_iput(fs, ip);
    umount_img(fs);
}
END_TEST

/* Sparse writes past 2 GiB (i_size_high, triple indirect at 1 KiB), truncation down and up. */
START_TEST(sparse_large_and_truncate)
{
    make_image(block_sizes[_i], 8192, NULL);
    struct ext2_fs *fs = mount_img(false);
    uint32_t free0 = fs->sb.s_free_blocks_count;
    struct ext2_inode *ip = mk(fs, "/", "huge", S_IFREG | 0644, NULL, 0);
    uint64_t far = (3ull << 30) + 12345;
    write_pattern(fs, ip, far, 10000, 3);
    write_pattern(fs, ip, 100, 50, 4);
    ck_assert_uint_eq(ext2_isize(ip), far + 10000);
    ck_assert_uint_eq(ip->d.i_size_high, 0);
    ck_assert(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE);
    check_pattern(fs, ip, far, 10000, 3);
    check_pattern(fs, ip, 100, 50, 4);
    uint8_t z[8192];
    ck_assert_int_eq(ext2_read(fs, ip, 1ull << 30, z, sizeof(z)), (long)sizeof(z));
    for (size_t i = 0; i < sizeof(z); i++)
        ck_assert_int_eq(z[i], 0);
    ck_assert_uint_lt(ip->d.i_blocks, 100);       /* holes cost nothing */
    /* 5 GiB: i_size_high is used. */
    write_pattern(fs, ip, 5ull << 30, 10, 5);
    ck_assert_uint_eq(ip->d.i_size_high, 1);
    umount_img(fs);
    ck_assert_int_eq(fsck(), 0);
    fs = mount_img(false);
    ip = walk(fs, "/huge");
    ck_assert_uint_eq(ext2_isize(ip), (5ull << 30) + 10);
    check_pattern(fs, ip, 5ull << 30, 10, 5);
    /* Down to inside the first block: the rest of that block must read as zero when extended. */
    ck_assert_int_eq(ext2_truncate(fs, ip, 120), 0);
    ck_assert_int_eq(ext2_truncate(fs, ip, 30000), 0);
    ck_assert_uint_eq(ext2_isize(ip), 30000);
    check_pattern(fs, ip, 100, 20, 4);
    ck_assert_int_eq(ext2_read(fs, ip, 120, z, 8192), 8192);
    for (size_t i = 0; i < 8192; i++)
        ck_assert_int_eq(z[i], 0);
    ck_assert_uint_eq(ip->d.i_blocks, fs->bs / 512);
    ck_assert_int_eq(ext2_truncate(fs, ip, 0), 0);
    ck_assert_uint_eq(ip->d.i_blocks, 0);
    ext2_iput(fs, ip);
    ck_assert_int_eq(do_unlink(fs, "/", "huge", false), 0);
    ck_assert_uint_eq(fs->sb.s_free_blocks_count, free0);
    umount_img(fs);
    ck_assert_int_eq(fsck(), 0);
}
END_TEST

static void check_links(struct ext2_fs *fs, const char *path, unsigned n)
{
    struct ext2_inode *ip = walk(fs, path);
    ck_assert_msg(ip != NULL, "%s missing", path);
    ck_assert_uint_eq(ip->d.i_links_count, n);
    ext2_iput(fs, ip);
}

START_TEST(namespace_operations)
{
    make_image(block_sizes[_i], 8192, NULL);
    struct ext2_fs *fs = mount_img(false);
    uint32_t ifree = fs->sb.s_free_inodes_count;
    ext2_iput(fs, mk(fs, "/", "a", S_IFDIR | 0755, NULL, 0));
    ext2_iput(fs, mk(fs, "/", "b", S_IFDIR | 0755, NULL, 0));
    ext2_iput(fs, mk(fs, "/a", "sub", S_IFDIR | 0755, NULL, 0));
    struct ext2_inode *f = mk(fs, "/a", "f", S_IFREG | 0644, NULL, 0);
    write_pattern(fs, f, 0, 3000, 9);
    /* Names that exist, wrong kinds. */
    struct ext2_new n = { S_IFREG | 0644, 0, 0, 0, NULL };
    struct ext2_inode *dir = walk(fs, "/a"), *tmp;
    ck_assert_int_eq(ext2_mknod(fs, dir, "f", 1, &n, &tmp), -17);
    ck_assert_int_eq(ext2_unlink(fs, dir, "sub", 3, false), -21);
    ck_assert_int_eq(ext2_unlink(fs, dir, "f", 1, true), -20);
    ck_assert_int_eq(ext2_unlink(fs, dir, "nope", 4, false), -2);
    /* Hard links. */
    ck_assert_int_eq(ext2_link(fs, dir, "f2", 2, f), 0);
    ck_assert_int_eq(ext2_link(fs, dir, "f2", 2, f), -17);
    ext2_iput(fs, dir);
    ck_assert_uint_eq(f->d.i_links_count, 2);
    check_links(fs, "/a", 3);
    /* Rename a file within a directory and over another file. */
    struct ext2_inode *g = mk(fs, "/b", "g", S_IFREG | 0644, NULL, 0);
    write_pattern(fs, g, 0, 100, 10);
    ext2_iput(fs, g);
    ck_assert_int_eq(do_rename(fs, "/a", "f2", "/a", "f3"), 0);
    ck_assert_int_eq(do_rename(fs, "/a", "f3", "/b", "g"), 0);     /* g is replaced and freed */
    ck_assert_ptr_null(walk(fs, "/a/f3"));
    check_links(fs, "/b/g", 2);
    /* A directory into another directory: ".." and both parents' link counts follow. */
    ck_assert_int_eq(do_rename(fs, "/a", "sub", "/b", "moved"), 0);
    check_links(fs, "/a", 2);
    check_links(fs, "/b", 3);
    struct ext2_inode *m = walk(fs, "/b/moved"), *b = walk(fs, "/b");
    uint32_t up;
    ck_assert_int_eq(ext2_dir_lookup(fs, m, "..", 2, &up), 0);
    ck_assert_uint_eq(up, b->ino);
    ext2_iput(fs, m);
    ext2_iput(fs, b);
    /* Into itself: EINVAL. Directory over a non-empty directory: ENOTEMPTY. */
    ck_assert_int_eq(do_rename(fs, "/", "b", "/b/moved", "x"), -22);
    ext2_iput(fs, mk(fs, "/a", "full", S_IFDIR | 0755, NULL, 0));
    ext2_iput(fs, mk(fs, "/a/full", "x", S_IFREG | 0644, NULL, 0));
    ck_assert_int_eq(do_rename(fs, "/b", "moved", "/a", "full"), -39);
    ck_assert_int_eq(do_rename(fs, "/b", "moved", "/b", "g"), -20);
    ck_assert_int_eq(do_rename(fs, "/b", "g", "/b", "moved"), -21);
    ck_assert_int_eq(do_unlink(fs, "/a", "full", true), -39);
    ck_assert_int_eq(do_unlink(fs, "/a/full", "x", false), 0);
    /* Directory over an empty directory. */
    ck_assert_int_eq(do_rename(fs, "/b", "moved", "/a", "full"), 0);
    check_links(fs, "/a", 3);
    check_links(fs, "/b", 2);
    ck_assert_int_eq(do_unlink(fs, "/a", "full", true), 0);
    check_links(fs, "/a", 2);
    /* Symlinks, devices, FIFOs, sockets. */
    char longt[300];
    memset(longt, 'y', sizeof(longt) - 1);
    longt[sizeof(longt) - 1] = 0;
    struct ext2_inode *s1 = mk(fs, "/", "fast", S_IFLNK | 0777, "a/f", 0);
    struct ext2_inode *s2 = mk(fs, "/", "slow", S_IFLNK | 0777, longt, 0);
    char buf[400];
    ck_assert_int_eq(ext2_readlink(fs, s1, buf, sizeof(buf)), 3);
    ck_assert_str_eq(buf, "a/f");
    ck_assert(ext2_is_fast_symlink(fs, s1));
    ck_assert(!ext2_is_fast_symlink(fs, s2));
    ck_assert_int_eq(ext2_readlink(fs, s2, buf, sizeof(buf)), 299);
    ck_assert(memcmp(buf, longt, 299) == 0);
    ext2_iput(fs, s1);
    ext2_iput(fs, s2);
    uint64_t big_dev = ((uint64_t)(1000 & 0xfffff000) << 32) | ((1000 & 0xfff) << 8) |
                       ((uint64_t)(70000 & 0xffffff00) << 12) | (70000 & 0xff);
    struct ext2_inode *c = mk(fs, "/", "cdev", S_IFCHR | 0600, NULL, (5 << 8) | 1);
    struct ext2_inode *bd = mk(fs, "/", "bdev", S_IFBLK | 0600, NULL, big_dev);
    ck_assert_uint_eq(ext2_rdev(c), (5 << 8) | 1);
    ck_assert_uint_eq(ext2_rdev(bd), big_dev);
    ext2_iput(fs, c);
    ext2_iput(fs, bd);
    ext2_iput(fs, mk(fs, "/", "fifo", S_IFIFO | 0600, NULL, 0));
    ext2_iput(fs, mk(fs, "/", "sock", S_IFSOCK | 0600, NULL, 0));
    ck_assert_uint_eq(ext2_uid(f), 1000);
    ck_assert_uint_eq(ext2_gid(f), 100);
    ext2_iput(fs, f);
    umount_img(fs);
    ck_assert_int_eq(fsck(), 0);
    debugfs_pattern_eq("/b/g", 3000, 9);
    ck_assert_int_eq(sh("debugfs -R 'stat /slow' %s 2>/dev/null | grep -q 'Type: symlink'", img), 0);
    ck_assert_int_eq(sh("debugfs -R 'stat /bdev' %s 2>/dev/null | grep -q 'Device major/minor number: 1000:70000'", img), 0);
    /* Remove everything again: the inode count returns to where it started. */
    fs = mount_img(false);
    const char *files[] = { "fast", "slow", "cdev", "bdev", "fifo", "sock" };
    for (size_t i = 0; i < ARRAY_SIZE(files); i++)
        ck_assert_int_eq(do_unlink(fs, "/", files[i], false), 0);
    ck_assert_int_eq(do_unlink(fs, "/a", "f", false), 0);
    ck_assert_int_eq(do_unlink(fs, "/b", "g", false), 0);
    ck_assert_int_eq(do_unlink(fs, "/", "a", true), 0);
    ck_assert_int_eq(do_unlink(fs, "/", "b", true), 0);
    ck_assert_uint_eq(fs->sb.s_free_inodes_count, ifree);
    check_links(fs, "/", 3);
    umount_img(fs);
    ck_assert_int_eq(fsck(), 0);
}
END_TEST

/* An inode that lost its last name lives while referenced and is freed by the last put. */
START_TEST(unlinked_but_open)
{
    make_image(1024, 4096, NULL);
    struct ext2_fs *fs = mount_img(false);
    uint32_t ifree = fs->sb.s_free_inodes_count, bfree = fs->sb.s_free_blocks_count;
    struct ext2_inode *ip = mk(fs, "/", "tmp", S_IFREG | 0600, NULL, 0);
    write_pattern(fs, ip, 0, 20000, 1);
    ck_assert_int_eq(do_unlink(fs, "/", "tmp", false), 0);
    ck_assert_uint_eq(ip->d.i_links_count, 0);
    check_pattern(fs, ip, 0, 20000, 1);
    ck_assert_uint_lt(fs->sb.s_free_blocks_count, bfree);
    ck_assert_int_eq(ext2_iput(fs, ip), 0);
    ck_assert_uint_eq(fs->sb.s_free_inodes_count, ifree);
    ck_assert_uint_eq(fs->sb.s_free_blocks_count, bfree);
    umount_img(fs);
    ck_assert_int_eq(fsck(), 0);
}
END_TEST

START_TEST(xattrs_in_block)
{
    make_image(block_sizes[_i], 4096, NULL);
    struct ext2_fs *fs = mount_img(false);
    struct ext2_inode *ip = mk(fs, "/", "x", S_IFREG | 0644, NULL, 0);
    char buf[256];
    ck_assert_int_eq(ext2_getxattr(fs, ip, "user.a", buf, sizeof(buf)), -61);
    ck_assert_int_eq(ext2_setxattr(fs, ip, "user.a", "hello", 5, 0), 0);
    ck_assert_int_eq(ext2_setxattr(fs, ip, "trusted.overlay.opaque", "y", 1, 0), 0);
    ck_assert_int_eq(ext2_setxattr(fs, ip, "user.empty", "", 0, 0), 0);
    ck_assert_int_eq(ext2_setxattr(fs, ip, "user.a", "x", 1, 1), -17);       /* XATTR_CREATE */
    ck_assert_int_eq(ext2_setxattr(fs, ip, "user.b", "x", 1, 2), -61);       /* XATTR_REPLACE */
    ck_assert_int_eq(ext2_setxattr(fs, ip, "os2.x", "x", 1, 0), -95);
    ck_assert_int_eq(ext2_getxattr(fs, ip, "user.a", buf, sizeof(buf)), 5);
    ck_assert(memcmp(buf, "hello", 5) == 0);
    ck_assert_int_eq(ext2_getxattr(fs, ip, "user.a", NULL, 0), 5);
    ck_assert_int_eq(ext2_getxattr(fs, ip, "user.a", buf, 2), -34);
    ck_assert_int_eq(ext2_getxattr(fs, ip, "user.empty", buf, sizeof(buf)), 0);
    ck_assert_int_eq(ext2_setxattr(fs, ip, "user.a", "a longer value", 14, 2), 0);
    long n = ext2_listxattr(fs, ip, buf, sizeof(buf));
    const char want[] = "user.a\0user.empty\0trusted.overlay.opaque";
    ck_assert_int_eq(n, (long)sizeof(want));
    ck_assert(memcmp(buf, want, sizeof(want)) == 0);
    ck_assert_int_eq(ext2_listxattr(fs, ip, NULL, 0), n);
    ck_assert_int_eq(ext2_listxattr(fs, ip, buf, 3), -34);
    ck_assert_uint_ne(ip->d.i_file_acl, 0);
    /* A value too large for the block. */
    char *huge = calloc(1, fs->bs);
    ck_assert_int_eq(ext2_setxattr(fs, ip, "user.huge", huge, fs->bs, 0), -28);
    free(huge);
    struct ext2_inode *y = mk(fs, "/", "y", S_IFREG | 0644, NULL, 0);
    ck_assert_int_eq(ext2_setxattr(fs, y, "user.gone", "1", 1, 0), 0);
    ck_assert_int_eq(ext2_setxattr(fs, y, "user.gone", NULL, 0, 0), 0);
    ck_assert_int_eq(ext2_setxattr(fs, y, "user.gone", NULL, 0, 0), -61);
    ck_assert_uint_eq(y->d.i_file_acl, 0);
    ck_assert_uint_eq(y->d.i_blocks, 0);
    ext2_iput(fs, y);
    ext2_iput(fs, ip);
    umount_img(fs);
    ck_assert_int_eq(fsck(), 0);
    ck_assert_int_eq(sh("debugfs -R 'ea_get /x user.a' %s 2>/dev/null | grep -q 'a longer value'", img), 0);
    ck_assert_int_eq(sh("debugfs -R 'ea_list /x' %s 2>/dev/null | grep -q 'trusted.overlay.opaque'", img), 0);
    /* Removing the file frees its attribute block. */
    fs = mount_img(false);
    uint32_t bfree = fs->sb.s_free_blocks_count;
    ck_assert_int_eq(do_unlink(fs, "/", "x", false), 0);
    ck_assert_uint_eq(fs->sb.s_free_blocks_count, bfree + 1);
    umount_img(fs);
    ck_assert_int_eq(fsck(), 0);
}
END_TEST

/* Changing a hashed directory clears its index flag; the result is a valid linear directory. */
START_TEST(modify_hashed_directory)
{
    char p[128];
    for (int i = 0; i < 200; i++) {
        snprintf(p, sizeof(p), "%s%s", i ? "" : "big", "");
        snprintf(p, sizeof(p), "big/entry-number-%04d-with-padding", i);
        if (i == 0) {
            char d[128];
            snprintf(d, sizeof(d), "%s/big", src);
            ck_assert_int_eq(mkdir(d, 0755), 0);
        }
        write_src_file(p, 10, (unsigned)i);
    }
    make_image(block_sizes[_i], 8192, NULL);
    ck_assert_int_le(sh("e2fsck -fyD %s >/dev/null 2>&1", img), 1);
    struct ext2_fs *fs = mount_img(false);
    struct ext2_inode *d = walk(fs, "/big");
    ck_assert(d->d.i_flags & EXT2_INDEX_FL);
    ext2_iput(fs, d);
    for (int i = 0; i < 200; i += 2) {
        snprintf(p, sizeof(p), "entry-number-%04d-with-padding", i);
        ck_assert_int_eq(do_unlink(fs, "/big", p, false), 0);
    }
    for (int i = 0; i < 60; i++) {
        snprintf(p, sizeof(p), "new-%d", i);
        ext2_iput(fs, mk(fs, "/big", p, S_IFREG | 0644, NULL, 0));
    }
    d = walk(fs, "/big");
    ck_assert(!(d->d.i_flags & EXT2_INDEX_FL));
    ext2_iput(fs, d);
    struct ext2_inode *ip = walk(fs, "/big/entry-number-0199-with-padding");
    ck_assert_ptr_nonnull(ip);
    check_pattern(fs, ip, 0, 10, 199);
    ext2_iput(fs, ip);
    ck_assert_ptr_null(walk(fs, "/big/entry-number-0198-with-padding"));
    umount_img(fs);
    ck_assert_int_eq(fsck(), 0);
}
END_TEST

/* Filling the disk gives ENOSPC with a short write, and nothing leaks. */
START_TEST(fill_disk)
{
    make_image(1024, 2048, NULL);
    struct ext2_fs *fs = mount_img(false);
    uint32_t bfree = fs->sb.s_free_blocks_count;
    struct ext2_inode *ip = mk(fs, "/", "fill", S_IFREG | 0644, NULL, 0);
    uint8_t *buf = calloc(1, 1 << 20);
    long total = 0, n;
    while ((n = ext2_write(fs, ip, (uint64_t)total, buf, 1 << 20)) > 0)
        total += n;
    ck_assert_int_eq(n, -28);
    ck_assert_int_gt(total, 1 << 20);
    ck_assert_uint_eq(fs->sb.s_free_blocks_count, 0);
    free(buf);
    ext2_iput(fs, ip);
    umount_img(fs);
    ck_assert_int_eq(fsck(), 0);
    fs = mount_img(false);
    ck_assert_int_eq(do_unlink(fs, "/", "fill", false), 0);
    ck_assert_uint_eq(fs->sb.s_free_blocks_count, bfree);
    umount_img(fs);
    ck_assert_int_eq(fsck(), 0);
}
END_TEST

/* A read-only mount (or remount) refuses every change. */
START_TEST(readonly_refuses_writes)
{
    make_image(4096, 4096, NULL);
    struct ext2_fs *fs = mount_img(false);
    ext2_iput(fs, mk(fs, "/", "f", S_IFREG | 0644, NULL, 0));
    ck_assert_int_eq(ext2_remount(fs, true), 0);
    struct ext2_inode *ip = walk(fs, "/f"), *root = walk(fs, "/"), *out;
    struct ext2_new n = { S_IFREG | 0644, 0, 0, 0, NULL };
    ck_assert_int_eq(ext2_write(fs, ip, 0, "x", 1), -30);
    ck_assert_int_eq(ext2_truncate(fs, ip, 0), -30);
    ck_assert_int_eq(ext2_mknod(fs, root, "g", 1, &n, &out), -30);
    ck_assert_int_eq(ext2_unlink(fs, root, "f", 1, false), -30);
    ck_assert_int_eq(ext2_setxattr(fs, ip, "user.a", "b", 1, 0), -30);
    ext2_iput(fs, ip);
    ext2_iput(fs, root);
    umount_img(fs);
    ck_assert_int_eq(fsck(), 0);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("ext2_write");
    TCase *tc = tcase_create("write");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, fixture_up, fixture_down);
    tcase_add_loop_test(tc, create_and_write_many, 0, 3);
    tcase_add_loop_test(tc, sparse_large_and_truncate, 0, 3);
    tcase_add_loop_test(tc, namespace_operations, 0, 3);
    tcase_add_test(tc, unlinked_but_open);
    tcase_add_loop_test(tc, xattrs_in_block, 0, 3);
    tcase_add_loop_test(tc, modify_hashed_directory, 0, 2);
    tcase_add_test(tc, fill_disk);
    tcase_add_test(tc, readonly_refuses_writes);
    suite_add_tcase(s, tc);
    return s;
}
