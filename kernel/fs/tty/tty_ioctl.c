// SPDX-License-Identifier: MPL-2.0
// Terminal ioctls: termios (TCGETS/TCSETS*), window size, FIONREAD, flushing, job control.
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/ioctls.h>
#include <uapi/signal.h>
#include "fs/tty.h"
#include "fs/tty/tty.h"
#include "fs/tty/tty_ctty.h"

/* TCSETS, TCSETSW (output is never queued, so no drain is needed) and TCSETSF (flush input too). */
static long tty_set_termios(struct tty *t, unsigned cmd, uptr_t arg)
{
    struct linux_termios nt;
    if (copy_from_user(&nt, arg, sizeof(nt)))
        return -EFAULT;
    mutex_lock(&t->lock);
    bool was_canon = L_CANON(t);
    if (cmd == TCSETSF)
        ldisc_flush_input_locked(t);
    t->termios = nt;
    ldisc_mode_changed_locked(t, was_canon);
    mutex_unlock(&t->lock);
    wq_wake_all(&t->rwait);     /* a mode change may complete a pending read */
    return 0;
}

static long tty_set_winsize(struct tty *t, uptr_t arg)
{
    struct linux_winsize ws;
    if (copy_from_user(&ws, arg, sizeof(ws)))
        return -EFAULT;
    mutex_lock(&t->lock);
    bool changed = ws.ws_row != t->winsize.ws_row || ws.ws_col != t->winsize.ws_col
        || ws.ws_xpixel != t->winsize.ws_xpixel || ws.ws_ypixel != t->winsize.ws_ypixel;
    t->winsize = ws;
    int pgrp = t->pgrp;
    mutex_unlock(&t->lock);
    if (changed && pgrp > 0)
        (void)tty_signal_pgrp(pgrp, SIGWINCH);
    return 0;
}

/* Copy a snapshot of a TTY field out (taken under the lock). */
static long tty_get(struct tty *t, unsigned cmd, uptr_t arg)
{
    struct linux_termios tio;
    struct linux_winsize ws;
    int n;
    mutex_lock(&t->lock);
    tio = t->termios;
    ws = t->winsize;
    n = (int)ldisc_readable_locked(t);
    mutex_unlock(&t->lock);
    if (cmd == TCGETS)
        return copy_to_user(arg, &tio, sizeof(tio)) ? -EFAULT : 0;
    if (cmd == TIOCGWINSZ)
        return copy_to_user(arg, &ws, sizeof(ws)) ? -EFAULT : 0;
    if (cmd == TIOCOUTQ)
        n = 0;      /* output is written synchronously */
    return copy_to_user(arg, &n, sizeof(n)) ? -EFAULT : 0;
}

static long tty_flush(struct tty *t, uint64_t arg)
{
    if (arg > TCIOFLUSH)
        return -EINVAL;
    if (arg == TCIFLUSH || arg == TCIOFLUSH) {
        mutex_lock(&t->lock);
        ldisc_flush_input_locked(t);
        mutex_unlock(&t->lock);
    }
    return 0;
}

/* Requests that change the terminal: a background caller gets SIGTTOU first. */
static bool changes_tty(unsigned cmd)
{
    return cmd == TCSETS || cmd == TCSETSW || cmd == TCSETSF || cmd == TCFLSH
        || cmd == TCXONC || cmd == TCSBRK;
}

long tty_ioctl(struct tty *t, unsigned cmd, uint64_t arg)
{
    if (changes_tty(cmd)) {
        int bg = tty_ctty_check_bg(t, SIGTTOU);
        if (bg)
            return bg;
    }
    switch (cmd) {
    case TCGETS:
    case TIOCGWINSZ:
    case FIONREAD:
    case TIOCOUTQ:
        return tty_get(t, cmd, uptr(arg));
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        return tty_set_termios(t, cmd, uptr(arg));
    case TIOCSWINSZ:
        return tty_set_winsize(t, uptr(arg));
    case TCFLSH:
        return tty_flush(t, arg);
    case TCSBRK:
        return 0;
    case TCXONC:
        return arg <= 3 ? 0 : -EINVAL;      /* FIXME: output flow control (XON/XOFF) */
    }
    long r = tty_ctty_ioctl(t, cmd, arg);
    return r == -ENOIOCTLCMD ? -ENOTTY : r;
}
