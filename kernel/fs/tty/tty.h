// SPDX-License-Identifier: MPL-2.0
// The serial console's TTY: termios state, the line discipline's buffers and job-control owner.
#ifndef KEEL_FS_TTY_TTY_H
#define KEEL_FS_TTY_TTY_H

#include <ostd/sync.h>
#include <ostd/task.h>
#include <uapi/ioctls.h>
#include <uapi/termios.h>

#define TTY_RAW_SIZE   1024     /* bytes received by IRQ, not yet processed */
#define TTY_BUF_SIZE   4096     /* processed input readers may take (N_TTY_BUF_SIZE) */
#define TTY_MAX_LINES  256      /* completed canonical lines queued */

/*
 * Input flows IRQ -> raw ring -> input task (line discipline: echo, editing,
 * signals) -> read buffer -> readers. Lock order: lock -> rx_lock.
 * Job control is pointer-free: a session's controlling terminal is the TTY
 * whose sid equals it (there is one TTY so far).
 */
struct tty {
    spinlock_t rx_lock;             /* IRQ-saving; guards raw, raw_head, raw_count */
    uint8_t raw[TTY_RAW_SIZE];
    unsigned raw_head, raw_count;
    struct waitqueue raw_wq;        /* the input task waits here */

    struct mutex lock;              /* guards everything below */
    struct linux_termios termios;
    struct linux_winsize winsize;
    char buf[TTY_BUF_SIZE];         /* processed input: a ring */
    unsigned head, count;
    unsigned lines[TTY_MAX_LINES];  /* canonical: lengths of the completed lines in buf, a ring */
    unsigned line_head, nlines;
    unsigned edit_len;              /* canonical: bytes of the line being edited (at buf's tail) */
    int sid, pgrp;                  /* controlling session and foreground group; 0: none */
    uint32_t seq_in;                /* atomic: input events (edge-triggered epoll) */
    uint32_t avail;                 /* atomic: bytes a read may return now (wait conditions) */
    struct waitqueue rwait;         /* readers and pollers */
};

extern struct tty console_tty;

/* Start the input task and the interrupt, once. Task context. */
int tty_start(struct tty *t) __must_check;
/*
 * Line discipline: process one received byte; lock held. Echo is written to
 * the console at once; a job-control key sets *sig (the caller signals the
 * foreground group after unlocking), else *sig = 0.
 */
void ldisc_receive_locked(struct tty *t, uint8_t c, int *sig);
/* Read up to len bytes of input into dst; lock held. Returns bytes, 0 at a canonical EOF, -EAGAIN if none. */
long ldisc_read_locked(struct tty *t, char *dst, size_t len);
/* termios changed (ICANON toggled): re-split the pending input; lock held. */
void ldisc_mode_changed_locked(struct tty *t, bool was_canon);
void ldisc_flush_input_locked(struct tty *t);
/* Bytes a read could return now (FIONREAD); lock held. */
unsigned ldisc_readable_locked(const struct tty *t);
/* Would a read return now (a line or an EOF in canonical mode, any byte otherwise)? Lock held. */
bool ldisc_can_read_locked(const struct tty *t);
long tty_ioctl(struct tty *t, unsigned cmd, uint64_t arg);

#define L_CANON(t) ((t)->termios.c_lflag & ICANON)

#endif
