// SPDX-License-Identifier: MPL-2.0
// Controlling terminals and the foreground process group (job-control bookkeeping).
#ifndef KEEL_FS_TTY_CTTY_H
#define KEEL_FS_TTY_CTTY_H

#include "fs/tty/tty.h"

/* Open without O_NOCTTY: a session leader with no terminal acquires a free t. */
void tty_ctty_open(struct tty *t);
/* The caller's controlling terminal with a reference (tty_ops.get), or NULL (/dev/tty). */
struct tty *tty_ctty_get_current(void);
/*
 * Job control for a caller outside t's foreground group (Linux's rule): 0 to
 * go on; -EIO (SIGTTIN blocked or ignored, or an orphaned group); or
 * -ERESTARTSYS once sig went to the caller's group. sig is SIGTTIN (reads)
 * or SIGTTOU (TOSTOP writes, termios and foreground changes). No TTY lock held.
 */
int tty_ctty_check_bg(struct tty *t, int sig);
/* TIOCSCTTY, TIOCNOTTY, TIOCGPGRP, TIOCSPGRP, TIOCGSID; -ENOIOCTLCMD for other requests. */
long tty_ctty_ioctl(struct tty *t, unsigned cmd, uint64_t arg);
/* The same requests made on the master of pty slave t. */
long tty_ctty_master_ioctl(struct tty *t, unsigned cmd, uint64_t arg);
/* Is t the caller's controlling terminal? Takes tasklist_lock and t's lock. */
bool tty_ctty_is_callers(struct tty *t);

#endif
