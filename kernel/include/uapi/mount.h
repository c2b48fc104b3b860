// SPDX-License-Identifier: MPL-2.0
// mount(2), umount2(2) flags and file-system magic numbers (Linux x86-64 ABI values).
#ifndef KEEL_UAPI_MOUNT_H
#define KEEL_UAPI_MOUNT_H

/* mount(2) flags */
#define MS_RDONLY       0x00000001u
#define MS_NOSUID       0x00000002u
#define MS_NODEV        0x00000004u
#define MS_NOEXEC       0x00000008u
#define MS_SYNCHRONOUS  0x00000010u
#define MS_REMOUNT      0x00000020u
#define MS_MANDLOCK     0x00000040u
#define MS_DIRSYNC      0x00000080u
#define MS_NOSYMFOLLOW  0x00000100u
#define MS_NOATIME      0x00000400u
#define MS_NODIRATIME   0x00000800u
#define MS_BIND         0x00001000u
#define MS_MOVE         0x00002000u
#define MS_REC          0x00004000u
#define MS_SILENT       0x00008000u
#define MS_POSIXACL     0x00010000u
#define MS_UNBINDABLE   0x00020000u
#define MS_PRIVATE      0x00040000u
#define MS_SLAVE        0x00080000u
#define MS_SHARED       0x00100000u
#define MS_RELATIME     0x00200000u
#define MS_KERNMOUNT    0x00400000u
#define MS_I_VERSION    0x00800000u
#define MS_STRICTATIME  0x01000000u
#define MS_LAZYTIME     0x02000000u
#define MS_MGC_VAL      0xC0ED0000u   /* old magic in the top 16 bits, ignored */
#define MS_MGC_MSK      0xffff0000u

/* Flags kept per mount (the rest belong to the super block or are actions). */
#define MS_MNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | \
                      MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_NOSYMFOLLOW)
#define MS_PROPAGATION (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)

/* umount2(2) flags */
#define MNT_FORCE       0x00000001
#define MNT_DETACH      0x00000002
#define MNT_EXPIRE      0x00000004
#define UMOUNT_NOFOLLOW 0x00000008

/* statfs f_type values */
#define PROC_SUPER_MAGIC    0x9fa0
#define SYSFS_MAGIC         0x62656572
#define DEVPTS_SUPER_MAGIC  0x1cd1
#define DEVTMPFS_MAGIC      0x01021994   /* devtmpfs reports tmpfs's magic */
#define CGROUP2_SUPER_MAGIC 0x63677270

/* statfs f_flags values */
#define ST_RDONLY      0x0001
#define ST_NOSUID      0x0002
#define ST_NODEV       0x0004
#define ST_NOEXEC      0x0008
#define ST_NOATIME     0x0400
#define ST_NODIRATIME  0x0800
#define ST_RELATIME    0x1000
#define ST_NOSYMFOLLOW 0x2000

#endif
