// SPDX-License-Identifier: MPL-2.0
// The serial console's TTY: termios state, the line discipline's buffers and job-control owner.
#ifndef KEEL_FS_TTY_TTY_H
#define KEEL_FS_TTY_TTY_H

#include <ostd/sync.h>
#include <ostd/task.h>
#include <uapi/ioctls.h>
#include <uapi/termios.h>
#include "fs/file.h"

#define TTY_RAW_SIZE   1024     /* bytes received by IRQ, not yet processed */
#define TTY_BUF_SIZE   4096     /* processed input readers may take (N_TTY_BUF_SIZE) */
#define TTY_MAX_LINES  256      /* completed canonical lines queued */

struct tty;

/* Where a TTY's output goes: the serial console, or a pseudo-terminal's master. */
struct tty_ops {
    /* Take output bytes (OPOST applied by the driver); returns how many were taken. Must not sleep
     * (echo calls it with the TTY lock held). */
    size_t (*write)(struct tty *t, const char *s, size_t n);
    /* Sleep until write can take more: 0, -EIO (hung up) or -ERESTARTSYS. NULL: write takes all. */
    int (*wait_room)(struct tty *t);
    /* /dev/tty opens this TTY: take a reference; -EIO if it is going away. tty_list_lock held. NULL: static TTY. */
    int (*get)(struct tty *t);
    /* A file of this TTY is closed (NULL: nothing to do). */
    void (*release)(struct tty *t);
    /*
     * Line events for a pty master (TIOCPKT_* bits: FLUSHREAD, FLUSHWRITE,
     * STOP, START, NOSTOP, DOSTOP); FLUSHWRITE also discards queued output.
     * Called with the TTY lock held; must not sleep. NULL: ignored.
     */
    void (*event)(struct tty *t, unsigned ev);
};

/*
 * Input flows IRQ -> raw ring -> input task (line discipline: echo, editing,
 * signals) -> read buffer -> readers. Lock order: lock -> rx_lock.
 * Job control is pointer-free: a session's controlling terminal is the TTY
 * whose sid equals it; every TTY is on the tty_list (tty_ctty.c).
 */
struct tty {
    const struct tty_ops *ops;      /* immutable */
    struct list_head node;          /* in the tty_list, guarded by tty_list_lock */
    bool hung_up;                   /* atomic: the other end is gone (reads 0, writes EIO) */
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
    bool stopped, tco_stopped;      /* output held by ^S (IXON) or TCOOFF; stopped also read atomically */
    struct waitqueue owait;         /* writers waiting for output to restart */
    int sid, pgrp;                  /* controlling session and foreground group; 0: none;
                                       written with tasklist_lock and lock held, read under either */
    uint32_t seq_in;                /* atomic: input events (edge-triggered epoll) */
    uint32_t avail;                 /* atomic: bytes a read may return now (wait conditions) */
    struct waitqueue rwait;         /* readers and pollers */
};

extern struct tty console_tty;

/* Start the input task and the interrupt, once. Task context. */
int tty_start(struct tty *t) __must_check;
/* Set up a new TTY with the console's default termios (a pty slave); put it on the tty_list. */
void tty_init(struct tty *t, const struct tty_ops *ops);
/* Take it off the list (before it is freed). */
void tty_unlist(struct tty *t);
/* Put t on the tty_list (the controlling-terminal search). */
void tty_list_add(struct tty *t);
/* Input bytes (a pty master's writes) through the line discipline; signals go to the foreground group. */
void tty_receive(struct tty *t, const char *s, size_t n);
/* The other end went away: readers get 0 (EOF), writers EIO; the foreground group gets SIGHUP and SIGCONT. */
void tty_hangup(struct tty *t);
/* The generic file operations of a TTY whose struct tty is f->priv. */
long tty_file_read(struct file *f, struct iov_iter *to, uint64_t *pos);
long tty_file_write(struct file *f, struct iov_iter *from, uint64_t *pos);
uint32_t tty_file_poll(struct file *f, struct poll_table *pt);
long tty_file_ioctl(struct file *f, unsigned cmd, uint64_t arg);
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
/* Output flow control (^S/^Q, TCOOFF/TCOON), as Linux's stop_tty/start_tty; lock held. */
void tty_stop_locked(struct tty *t);
void tty_start_locked(struct tty *t);
/* Report line events (TIOCPKT_*) to the driver; lock held. */
void tty_event_locked(struct tty *t, unsigned ev);
/* Bytes a read could return now (FIONREAD); lock held. */
unsigned ldisc_readable_locked(const struct tty *t);
/* Would a read return now (a line or an EOF in canonical mode, any byte otherwise)? Lock held. */
bool ldisc_can_read_locked(const struct tty *t);
long tty_ioctl(struct tty *t, unsigned cmd, uint64_t arg);
/* The terminal requests made on the master of pty slave t: on t's state, without job-control checks. */
long tty_ioctl_master(struct tty *t, unsigned cmd, uint64_t arg);

#define L_CANON(t) ((t)->termios.c_lflag & ICANON)

#endif
