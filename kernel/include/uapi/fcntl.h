/* SPDX-License-Identifier: MPL-2.0 */
/* Linux x86-64 open flags, *at() flags, fcntl commands, access modes and rename flags. */
#ifndef KEEL_UAPI_FCNTL_H
#define KEEL_UAPI_FCNTL_H

#define O_ACCMODE    0003
#define O_RDONLY     0000
#define O_WRONLY     0001
#define O_RDWR       0002
#define O_CREAT      0100
#define O_EXCL       0200
#define O_NOCTTY     0400
#define O_TRUNC      01000
#define O_APPEND     02000
#define O_NONBLOCK   04000
#define O_DSYNC      010000
#define O_ASYNC      020000
#define O_DIRECT     040000
#define O_LARGEFILE  0100000
#define O_DIRECTORY  0200000
#define O_NOFOLLOW   0400000
#define O_NOATIME    01000000
#define O_CLOEXEC    02000000
#define O_SYNC       04010000
#define O_PATH       010000000
#define O_TMPFILE    020200000

#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_EACCESS          0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_NO_AUTOMOUNT     0x800
#define AT_EMPTY_PATH       0x1000

#define F_DUPFD          0
#define F_GETFD          1
#define F_SETFD          2
#define F_GETFL          3
#define F_SETFL          4
#define F_DUPFD_CLOEXEC  1030
#define F_SETPIPE_SZ     1031
#define F_GETPIPE_SZ     1032
#define FD_CLOEXEC       1

#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

#define SEEK_SET  0
#define SEEK_CUR  1
#define SEEK_END  2
#define SEEK_DATA 3
#define SEEK_HOLE 4

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE  2
#define RENAME_WHITEOUT  4

#define UTIME_NOW  ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)

#define PIPE_BUF 4096
#define PATH_MAX 4096
#define NAME_MAX 255
#define IOV_MAX  1024

#endif
