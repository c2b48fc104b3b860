/* SPDX-License-Identifier: MPL-2.0 */
/* Linux x86-64 poll, select and epoll event bits and structures (ABI facts). */
#ifndef KEEL_UAPI_POLL_H
#define KEEL_UAPI_POLL_H

#include <stdint.h>

#define POLLIN      0x0001
#define POLLPRI     0x0002
#define POLLOUT     0x0004
#define POLLERR     0x0008
#define POLLHUP     0x0010
#define POLLNVAL    0x0020
#define POLLRDNORM  0x0040
#define POLLRDBAND  0x0080
#define POLLWRNORM  0x0100
#define POLLWRBAND  0x0200
#define POLLMSG     0x0400
#define POLLRDHUP   0x2000

/* epoll uses the same bits, plus input flags in the top byte. */
#define EPOLLIN         POLLIN
#define EPOLLPRI        POLLPRI
#define EPOLLOUT        POLLOUT
#define EPOLLERR        POLLERR
#define EPOLLHUP        POLLHUP
#define EPOLLRDNORM     POLLRDNORM
#define EPOLLRDBAND     POLLRDBAND
#define EPOLLWRNORM     POLLWRNORM
#define EPOLLWRBAND     POLLWRBAND
#define EPOLLMSG        POLLMSG
#define EPOLLRDHUP      POLLRDHUP
#define EPOLLEXCLUSIVE  (1u << 28)
#define EPOLLWAKEUP     (1u << 29)
#define EPOLLONESHOT    (1u << 30)
#define EPOLLET         (1u << 31)

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLL_CLOEXEC 02000000

/* Maximum nesting of epoll instances inside each other. */
#define EPOLL_MAX_NESTS 4

struct linux_pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};

/* x86-64 packs struct epoll_event: 12 bytes. */
struct linux_epoll_event {
    uint32_t events;
    uint64_t data;
} __attribute__((packed));

/* eventfd2 flags. */
#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC   02000000
#define EFD_NONBLOCK  04000

/* timerfd flags. */
#define TFD_TIMER_ABSTIME        1
#define TFD_TIMER_CANCEL_ON_SET  2
#define TFD_CLOEXEC              02000000
#define TFD_NONBLOCK             04000

#endif
