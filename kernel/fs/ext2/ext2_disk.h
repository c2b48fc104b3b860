// SPDX-License-Identifier: MPL-2.0
// The ext2 on-disk format (revision 1): superblock, group descriptor, inode, directory entry, xattr block.
#ifndef KEEL_FS_EXT2_DISK_H
#define KEEL_FS_EXT2_DISK_H

#include <ostd/types.h>

/* All fields are little-endian and naturally aligned (sizes checked below); Keel runs
 * on x86-64 only, so they are read natively. */

#define EXT2_SUPER_MAGIC    0xEF53
#define EXT2_SUPER_OFFSET   1024u       /* bytes from the start of the device */
#define EXT2_ROOT_INO       2u
#define EXT2_GOOD_OLD_FIRST_INO 11u
#define EXT2_GOOD_OLD_INODE_SIZE 128u
#define EXT2_NDIR_BLOCKS    12u
#define EXT2_IND_BLOCK      12u
#define EXT2_DIND_BLOCK     13u
#define EXT2_TIND_BLOCK     14u
#define EXT2_N_BLOCKS       15u
#define EXT2_NAME_LEN       255u

/* s_state */
#define EXT2_VALID_FS       0x0001
#define EXT2_ERROR_FS       0x0002

/* Features. */
#define EXT2_FEATURE_COMPAT_EXT_ATTR        0x0008
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE   0x0002
#define EXT2_FEATURE_INCOMPAT_FILETYPE      0x0002
#define EXT2_SUPPORTED_INCOMPAT  EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_SUPPORTED_RO_COMPAT (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
                                  EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* i_flags */
#define EXT2_INDEX_FL       0x00001000u     /* hashed (htree) directory */

struct ext2_super_disk {
    uint32_t s_inodes_count;
    uint32_t s_blocks_count;
    uint32_t s_r_blocks_count;
    uint32_t s_free_blocks_count;
    uint32_t s_free_inodes_count;
    uint32_t s_first_data_block;
    uint32_t s_log_block_size;
    uint32_t s_log_frag_size;
    uint32_t s_blocks_per_group;
    uint32_t s_frags_per_group;
    uint32_t s_inodes_per_group;
    uint32_t s_mtime;
    uint32_t s_wtime;
    uint16_t s_mnt_count;
    int16_t  s_max_mnt_count;
    uint16_t s_magic;
    uint16_t s_state;
    uint16_t s_errors;
    uint16_t s_minor_rev_level;
    uint32_t s_lastcheck;
    uint32_t s_checkinterval;
    uint32_t s_creator_os;
    uint32_t s_rev_level;
    uint16_t s_def_resuid;
    uint16_t s_def_resgid;
    uint32_t s_first_ino;
    uint16_t s_inode_size;
    uint16_t s_block_group_nr;
    uint32_t s_feature_compat;
    uint32_t s_feature_incompat;
    uint32_t s_feature_ro_compat;
    uint8_t  s_uuid[16];
    char     s_volume_name[16];
    char     s_last_mounted[64];
    uint32_t s_algorithm_usage_bitmap;
    uint8_t  s_prealloc_blocks;
    uint8_t  s_prealloc_dir_blocks;
    uint16_t s_reserved_gdt_blocks;
    uint8_t  s_journal_uuid[16];
    uint32_t s_journal_inum;
    uint32_t s_journal_dev;
    uint32_t s_last_orphan;
    uint32_t s_hash_seed[4];
    uint8_t  s_def_hash_version;
    uint8_t  s_jnl_backup_type;
    uint16_t s_desc_size;
    uint32_t s_default_mount_opts;
    uint32_t s_first_meta_bg;
    uint32_t s_mkfs_time;
    uint32_t s_jnl_blocks[17];
    uint32_t s_blocks_count_hi;
    uint32_t s_r_blocks_count_hi;
    uint32_t s_free_blocks_hi;
    uint16_t s_min_extra_isize;
    uint16_t s_want_extra_isize;
    uint8_t  s_rest[1024 - 352];
};

struct ext2_group_desc {
    uint32_t bg_block_bitmap;
    uint32_t bg_inode_bitmap;
    uint32_t bg_inode_table;
    uint16_t bg_free_blocks_count;
    uint16_t bg_free_inodes_count;
    uint16_t bg_used_dirs_count;
    uint16_t bg_flags;
    uint8_t  bg_reserved[12];
};

struct ext2_dinode {
    uint16_t i_mode;
    uint16_t i_uid;
    uint32_t i_size;
    uint32_t i_atime;
    uint32_t i_ctime;
    uint32_t i_mtime;
    uint32_t i_dtime;
    uint16_t i_gid;
    uint16_t i_links_count;
    uint32_t i_blocks;          /* 512-byte sectors, including indirect and xattr blocks */
    uint32_t i_flags;
    uint32_t i_osd1;
    uint32_t i_block[EXT2_N_BLOCKS];
    uint32_t i_generation;
    uint32_t i_file_acl;        /* xattr block */
    uint32_t i_size_high;       /* regular files: bits 32..63 of the size */
    uint32_t i_faddr;
    uint8_t  i_frag, i_fsize;
    uint16_t i_pad1;
    uint16_t i_uid_high;
    uint16_t i_gid_high;
    uint32_t i_reserved2;
};

/* Directory entry header; the name follows, rec_len covers it and any slack. */
struct ext2_dirent {
    uint32_t inode;
    uint16_t rec_len;
    uint8_t  name_len;
    uint8_t  file_type;
};

#define EXT2_DIRENT_HDR 8u
#define EXT2_DIRENT_LEN(n) ((EXT2_DIRENT_HDR + (n) + 3u) & ~3u)

/* dirent file_type */
enum { EXT2_FT_UNKNOWN, EXT2_FT_REG_FILE, EXT2_FT_DIR, EXT2_FT_CHRDEV, EXT2_FT_BLKDEV,
       EXT2_FT_FIFO, EXT2_FT_SOCK, EXT2_FT_SYMLINK };

/* Extended attribute block: header, entries growing down, values packed at the end. */
#define EXT2_XATTR_MAGIC 0xEA020000u
struct ext2_xattr_header {
    uint32_t h_magic;
    uint32_t h_refcount;
    uint32_t h_blocks;
    uint32_t h_hash;
    uint32_t h_checksum;
    uint32_t h_reserved[3];
};

struct ext2_xattr_entry {
    uint8_t  e_name_len;
    uint8_t  e_name_index;
    uint16_t e_value_offs;
    uint32_t e_value_inum;
    uint32_t e_value_size;
    uint32_t e_hash;
};

#define EXT2_XATTR_INDEX_USER     1
#define EXT2_XATTR_INDEX_TRUSTED  4
#define EXT2_XATTR_INDEX_SECURITY 6

_Static_assert(sizeof(struct ext2_super_disk) == 1024, "superblock size");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "group descriptor size");
_Static_assert(sizeof(struct ext2_dinode) == 128, "inode size");
_Static_assert(sizeof(struct ext2_xattr_header) == 32, "xattr header size");
_Static_assert(sizeof(struct ext2_xattr_entry) == 16, "xattr entry size");

#endif
