// SPDX-License-Identifier: MPL-2.0
// The TTY's hook for job-control signals: ^C, ^\\, ^Z, hang-up and window changes go to a process group.
#include "fs/tty.h"
#include "signal/signal.h"

/* Task context, no TTY lock held (tasklist_lock is taken inside). */
int tty_signal_pgrp(int pgrp, int sig)
{
    return signal_kill_pgrp(pgrp, sig);
}
