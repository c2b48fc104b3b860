// SPDX-License-Identifier: MPL-2.0
// Host tests for the ext2 core's read path and mount checks, against images made by mke2fs -d.
// unit-kdeps: fs/ext2/ext2_super fs/ext2/ext2_cache fs/ext2/ext2_alloc fs/ext2/ext2_inode
// unit-kdeps: fs/ext2/ext2_bmap fs/ext2/ext2_file fs/ext2/ext2_dir fs/ext2/ext2_namei
// unit-kdeps: fs/ext2/ext2_xattr
#include <dirent.h>
#include "ext2_host.h"

static const unsigned block_sizes[] = { 1024, 2048, 4096 };
static bool have_mknod;

static void fixture_up(void) { setup_dirs(); }
static void fixture_down(void) { teardown_dirs(); }

/* A source tree covering every inode kind and block-map depth. */
static void make_src_tree(void)
{
    char p[256];
    write_src_file("empty", 0, 1);
    write_src_file("one", 1, 2);
    write_src_file("k1023", 1023, 3);
    write_src_file("k4097", 4097, 4);
    write_src_file("ind", 12 * 1024 + 5, 5);        /* single indirect at 1 KiB */
    write_src_file("dind", 700 * 1024 + 77, 6);     /* double indirect at 1 KiB */
    /* Sparse: data at 67 MiB sits under the triple indirect block at 1 KiB. */
    snprintf(p, sizeof(p), "%s/sparse", src);
    int fd = open(p, O_CREAT | O_WRONLY, 0640);
    uint8_t buf[5000];
    pattern(buf, sizeof(buf), 0, 7);
    ck_assert_int_eq(pwrite(fd, buf, sizeof(buf), 67l << 20), (ssize_t)sizeof(buf));
    ck_assert_int_eq(pwrite(fd, buf, 100, 3000), 100);
    close(fd);
    snprintf(p, sizeof(p), "%s/fast", src);
    ck_assert_int_eq(symlink("one", p), 0);
    char longt[201];
    memset(longt, 'x', 200);
    longt[200] = 0;
    snprintf(p, sizeof(p), "%s/slow", src);
    ck_assert_int_eq(symlink(longt, p), 0);
    snprintf(p, sizeof(p), "%s/fifo", src);
    ck_assert_int_eq(mkfifo(p, 0600), 0);
    snprintf(p, sizeof(p), "%s/cdev", src);
    have_mknod = mknod(p, S_IFCHR | 0644, makedev(300, 1000)) == 0;
    snprintf(p, sizeof(p), "%s/sub", src);
    ck_assert_int_eq(mkdir(p, 0711), 0);
    for (int i = 0; i < 150; i++) {
        snprintf(p, sizeof(p), "sub/a-rather-long-file-name-to-fill-blocks-%03d", i);
        write_src_file(p, (size_t)i * 37, (unsigned)i);
    }
    snprintf(p, sizeof(p), "%s/sub/deeper", src);
    ck_assert_int_eq(mkdir(p, 0700), 0);
    write_src_file("sub/deeper/leaf", 33, 99);
}

static int count_entry(void *arg, const char *name, size_t len, uint32_t ino, uint8_t t, uint64_t n)
{
    (void)name, (void)len, (void)ino, (void)t, (void)n;
    (*(int *)arg)++;
    return 0;
}

static void compare_file(struct ext2_fs *fs, struct ext2_inode *ip, const char *hpath, off_t size)
{
    uint8_t *want = malloc((size_t)size + 1), *got = malloc((size_t)size + 1);
    int fd = open(hpath, O_RDONLY);
    ck_assert_int_eq(read(fd, want, (size_t)size), size);
    close(fd);
    ck_assert_int_eq(ext2_read(fs, ip, 0, got, (size_t)size + 1), size);
    ck_assert(memcmp(want, got, (size_t)size) == 0);
    free(want);
    free(got);
}

/* Compare the ext2 directory at rel with the host directory src/rel, recursively. */
static void compare_dir(struct ext2_fs *fs, const char *rel)
{
    char hdir[512], hpath[768], epath[768];
    snprintf(hdir, sizeof(hdir), "%s%s", src, rel);
    DIR *d = opendir(hdir);
    ck_assert_ptr_nonnull(d);
    int host_n = 0, ext_n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        host_n++;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct stat st;
        snprintf(hpath, sizeof(hpath), "%s/%s", hdir, de->d_name);
        snprintf(epath, sizeof(epath), "%s/%s", rel, de->d_name);
        ck_assert_int_eq(lstat(hpath, &st), 0);
        struct ext2_inode *ip = walk(fs, epath);
        ck_assert_msg(ip != NULL, "missing %s", epath);
        ck_assert_uint_eq(ip->d.i_mode, st.st_mode);
        ck_assert_uint_eq(ext2_uid(ip), st.st_uid);
        ck_assert_uint_eq(ip->d.i_links_count, st.st_nlink);
        if (S_ISREG(st.st_mode)) {
            ck_assert_uint_eq(ext2_isize(ip), (uint64_t)st.st_size);
            compare_file(fs, ip, hpath, st.st_size);
        } else if (S_ISLNK(st.st_mode)) {
            char want[512], got[512];
            ssize_t n = readlink(hpath, want, sizeof(want));
            ck_assert_int_eq(ext2_readlink(fs, ip, got, sizeof(got)), n);
            ck_assert(memcmp(want, got, (size_t)n) == 0);
        } else if (S_ISCHR(st.st_mode)) {
            ck_assert_uint_eq(ext2_rdev(ip), st.st_rdev);      /* same dev_t encoding */
        } else if (S_ISDIR(st.st_mode)) {
            compare_dir(fs, epath);
        }
        ext2_iput(fs, ip);
    }
    closedir(d);
    struct ext2_inode *dir = walk(fs, rel[0] ? rel : "/");
    uint64_t pos = 0;
    ck_assert_int_eq(ext2_dir_iterate(fs, dir, &pos, count_entry, &ext_n), 0);
    ck_assert_int_eq(ext_n, host_n + (rel[0] ? 0 : 1));     /* mke2fs adds lost+found */
    ext2_iput(fs, dir);
}

START_TEST(read_tree_matches_source)
{
    make_src_tree();
    make_image(block_sizes[_i], 16384, NULL);
    struct ext2_fs *fs = mount_img(true);
    ck_assert_uint_eq(fs->bs, block_sizes[_i]);
    compare_dir(fs, "");
    /* The hole in the sparse file reads as zeros, the data at 67 MiB as written. */
    struct ext2_inode *ip = walk(fs, "/sparse");
    uint8_t buf[5000], want[5000];
    ck_assert_int_eq(ext2_read(fs, ip, 1 << 20, buf, 4096), 4096);
    for (int i = 0; i < 4096; i++)
        ck_assert_int_eq(buf[i], 0);
    pattern(want, sizeof(want), 0, 7);
    ck_assert_int_eq(ext2_read(fs, ip, 67l << 20, buf, sizeof(buf)), (long)sizeof(buf));
    ck_assert(memcmp(buf, want, sizeof(buf)) == 0);
    ck_assert_int_eq(ext2_read(fs, ip, (67l << 20) + 5000, buf, 10), 0);
    ext2_iput(fs, ip);
    umount_img(fs);
}
END_TEST

/* e2fsck -D turns big directories into hashed ones; reading treats them linearly. */
START_TEST(read_hashed_directory)
{
    make_src_tree();
    make_image(block_sizes[_i], 16384, NULL);
    ck_assert_int_le(sh("e2fsck -fyD %s >/dev/null 2>&1", img), 1);
    struct ext2_fs *fs = mount_img(true);
    struct ext2_inode *ip = walk(fs, "/sub");
    ck_assert(ip->d.i_flags & EXT2_INDEX_FL);
    ext2_iput(fs, ip);
    compare_dir(fs, "");
    umount_img(fs);
}
END_TEST

/* Patch a 32-bit superblock field (byte offset within the superblock). */
static void poke_super32(unsigned off, uint32_t v)
{
    int fd = open(img, O_RDWR);
    ck_assert_int_eq(pwrite(fd, &v, 4, 1024 + off), 4);
    close(fd);
}

static uint32_t peek_super(unsigned off, unsigned size)
{
    uint32_t v = 0;
    int fd = open(img, O_RDONLY);
    ck_assert_int_eq(pread(fd, &v, size, 1024 + off), (ssize_t)size);
    close(fd);
    return v;
}

START_TEST(mount_refuses_unknown_features)
{
    make_image(1024, 2048, NULL);
    struct ext2_fs *fs = NULL;
    uint32_t incompat = peek_super(96, 4), ro_compat = peek_super(100, 4);
    /* Unknown incompatible feature (64bit-style bit 0x8000): no mount at all. */
    poke_super32(96, incompat | 0x8000);
    open_dev(false);
    ck_assert_int_eq(ext2_mount(&dev, true, &fs), -22);
    ck_assert_int_eq(ext2_mount(&dev, false, &fs), -22);
    close(dev_fd);
    /* Unknown read-only-compatible feature: read-only only. */
    poke_super32(96, incompat);
    poke_super32(100, ro_compat | 0x4000);
    open_dev(false);
    ck_assert_int_eq(ext2_mount(&dev, false, &fs), -22);
    ck_assert_int_eq(ext2_mount(&dev, true, &fs), 0);
    ck_assert_int_eq(ext2_remount(fs, false), -22);
    ck_assert_int_eq(ext2_umount(fs), 0);
    close(dev_fd);
    /* Not ext2 at all. */
    poke_super32(100, ro_compat);
    poke_super32(56, 0x1234);
    open_dev(false);
    ck_assert_int_eq(ext2_mount(&dev, true, &fs), -22);
    close(dev_fd);
    dev_fd = -1;
}
END_TEST

START_TEST(mount_state_and_counts)
{
    make_image(4096, 8192, NULL);
    uint32_t cnt = peek_super(52, 2);
    ck_assert_uint_eq(peek_super(58, 2) & EXT2_VALID_FS, EXT2_VALID_FS);
    /* A read-only mount writes nothing. */
    ck_assert_int_eq(sh("cp %s %s.orig", img, img), 0);
    struct ext2_fs *fs = mount_img(true);
    struct ext2_statfs st;
    ext2_statfs(fs, &st);
    ck_assert_uint_eq(st.bsize, 4096);
    ck_assert_uint_eq(st.bfree, fs->sb.s_free_blocks_count);
    ck_assert_uint_eq(st.ffree, fs->sb.s_free_inodes_count);
    ck_assert_uint_lt(st.blocks, fs->sb.s_blocks_count);
    ck_assert_uint_eq(st.namelen, 255);
    umount_img(fs);
    ck_assert_int_eq(sh("cmp -s %s %s.orig", img, img), 0);
    /* Read-write: in use (not VALID) while mounted, one more mount, clean again after. */
    fs = mount_img(false);
    ck_assert_uint_eq(peek_super(58, 2) & EXT2_VALID_FS, 0);
    ck_assert_uint_eq(peek_super(52, 2), cnt + 1);
    ck_assert_uint_ge(peek_super(44, 4), (uint32_t)time(NULL) - 5);
    ck_assert_int_eq(ext2_remount(fs, true), 0);
    ck_assert_uint_eq(peek_super(58, 2) & EXT2_VALID_FS, EXT2_VALID_FS);
    ck_assert_int_eq(ext2_remount(fs, false), 0);
    ck_assert_uint_eq(peek_super(58, 2) & EXT2_VALID_FS, 0);
    umount_img(fs);
    ck_assert_uint_eq(peek_super(58, 2) & EXT2_VALID_FS, EXT2_VALID_FS);
    ck_assert_uint_ge(peek_super(48, 4), (uint32_t)time(NULL) - 5);
    ck_assert_int_eq(fsck(), 0);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("ext2_read");
    TCase *tc = tcase_create("read");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, fixture_up, fixture_down);
    tcase_add_loop_test(tc, read_tree_matches_source, 0, 3);
    tcase_add_loop_test(tc, read_hashed_directory, 0, 2);
    tcase_add_test(tc, mount_refuses_unknown_features);
    tcase_add_test(tc, mount_state_and_counts);
    suite_add_tcase(s, tc);
    return s;
}
