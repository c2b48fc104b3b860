// SPDX-License-Identifier: MPL-2.0
// The TTY's hook for job-control signals (a stub until signal delivery exists).
#include <ostd/console.h>
#include <uapi/errno.h>
#include "fs/tty.h"

/* FIXME: deliver sig to process group pgrp once kernel/signal exists (signals issue). */
int tty_signal_pgrp(int pgrp, int sig)
{
    pr_debug("tty: would send signal %d to process group %d\n", sig, pgrp);
    return -ENOSYS;
}
