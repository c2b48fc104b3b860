// SPDX-License-Identifier: MPL-2.0
// The TTY layer's interface to the rest of the kernel: device operations and the signal hook.
#ifndef KEEL_FS_TTY_H
#define KEEL_FS_TTY_H

#include "fs/file.h"

/* The serial console's TTY as /dev/console (5:1) and /dev/ttyS0 (4:64); /dev/tty (5:0) is the caller's controlling terminal. */
extern const struct file_ops tty_console_ops;
extern const struct file_ops tty_serial_ops;
extern const struct file_ops tty_current_ops;

/*
 * Send sig to every process of group pgrp (job-control keys, hang-ups, SIGTTIN/SIGTTOU).
 * Task context, no TTY lock held. 0 or -ESRCH (no such group) / -EINVAL.
 */
int tty_signal_pgrp(int pgrp, int sig);

struct process;
/*
 * Exit of session leader p: its controlling terminal is released and, for
 * a pty, its foreground group gets SIGHUP; if a hang-up took the terminal
 * first, the group then in the foreground gets SIGHUP and SIGCONT (Linux's
 * disassociate_ctty on exit). Task context, no lock held; called by the exit path.
 */
void tty_ctty_leader_exit(struct process *p);

#endif
