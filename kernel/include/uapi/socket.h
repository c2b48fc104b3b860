// SPDX-License-Identifier: MPL-2.0
// Linux x86-64 socket ABI: families, types, flags, options and the msghdr/cmsghdr layouts.
#ifndef KEEL_UAPI_SOCKET_H
#define KEEL_UAPI_SOCKET_H

#include <ostd/types.h>

#define AF_UNSPEC   0
#define AF_UNIX     1
#define AF_INET     2
#define AF_INET6    10
#define AF_NETLINK  16
#define AF_MAX      46

#define SOCK_STREAM     1
#define SOCK_DGRAM      2
#define SOCK_RAW        3
#define SOCK_RDM        4
#define SOCK_SEQPACKET  5
#define SOCK_PACKET     10
#define SOCK_TYPE_MASK  0xf
#define SOCK_NONBLOCK   00004000
#define SOCK_CLOEXEC    02000000

#define MSG_OOB          0x1
#define MSG_PEEK         0x2
#define MSG_DONTROUTE    0x4
#define MSG_CTRUNC       0x8
#define MSG_TRUNC        0x20
#define MSG_DONTWAIT     0x40
#define MSG_EOR          0x80
#define MSG_WAITALL      0x100
#define MSG_NOSIGNAL     0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2

#define SOL_SOCKET    1
#define SO_REUSEADDR  2
#define SO_TYPE       3
#define SO_ERROR      4
#define SO_SNDBUF     7
#define SO_RCVBUF     8
#define SO_PASSCRED   16
#define SO_PEERCRED   17
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL   38
#define SO_DOMAIN     39

#define SCM_RIGHTS      1
#define SCM_CREDENTIALS 2
#define SCM_MAX_FD      253

/* struct msghdr as x86-64 user space lays it out (56 bytes). */
struct user_msghdr {
    uint64_t name;
    uint32_t namelen;
    uint32_t pad0;
    uint64_t iov;
    uint64_t iovlen;
    uint64_t control;
    uint64_t controllen;
    int32_t flags;
    uint32_t pad1;
};

/* struct cmsghdr: the payload follows, aligned to 8 bytes. */
struct user_cmsghdr {
    uint64_t len;
    int32_t level;
    int32_t type;
};
#define CMSG_ALIGN8(n) (((n) + 7) & ~(uint64_t)7)
#define CMSG_HDRLEN    sizeof(struct user_cmsghdr)

struct ucred {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
};

#endif
