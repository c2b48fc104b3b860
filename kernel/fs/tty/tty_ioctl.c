// SPDX-License-Identifier: MPL-2.0
// Terminal ioctls: termios (TCGETS/TCSETS*), window size, FIONREAD, flushing, job control.
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/ioctls.h>
#include <uapi/signal.h>
#include <uapi/capability.h>
#include "proc/cred.h"
#include "fs/tty.h"
#include "fs/tty/tty.h"
#include "fs/tty/tty_ctty.h"

/* Does termios give the standard ^S/^Q flow control (a pty master in packet mode hears of changes)? */
static bool std_flow(const struct linux_termios *tio)
{
    return (tio->c_iflag & IXON) && tio->c_cc[VSTOP] == 0x13 && tio->c_cc[VSTART] == 0x11;
}

/* After a termios change: flow-control and EXTPROC events, and IXON switched off restarts output. Lock held. */
static void flow_changed_locked(struct tty *t, const struct linux_termios *old)
{
    bool was = std_flow(old), now = std_flow(&t->termios);
    if (was != now)
        tty_event_locked(t, now ? TIOCPKT_DOSTOP : TIOCPKT_NOSTOP);
    if ((old->c_lflag | t->termios.c_lflag) & EXTPROC)
        tty_event_locked(t, TIOCPKT_IOCTL);     /* the master edits lines: it hears of every change */
    if ((old->c_iflag & IXON) && !(t->termios.c_iflag & IXON) && !t->tco_stopped)
        tty_start_locked(t);
}

/* TCSETS, TCSETSW (output is never queued, so no drain is needed) and TCSETSF (flush input too). */
static long tty_set_termios(struct tty *t, unsigned cmd, uptr_t arg)
{
    struct linux_termios nt;
    if (copy_from_user(&nt, arg, sizeof(nt)))
        return -EFAULT;
    mutex_lock(&t->lock);
    bool was_canon = L_CANON(t);
    struct linux_termios old = t->termios;
    if (cmd == TCSETSF) {
        ldisc_flush_input_locked(t);
        tty_event_locked(t, TIOCPKT_FLUSHREAD);
    }
    t->termios = nt;
    ldisc_mode_changed_locked(t, was_canon);
    flow_changed_locked(t, &old);
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

/* TCFLSH: input is dropped here; queued output (a pty's) by the driver's FLUSHWRITE event. */
static long tty_flush(struct tty *t, uint64_t arg)
{
    if (arg > TCIOFLUSH)
        return -EINVAL;
    mutex_lock(&t->lock);
    if (arg == TCIFLUSH || arg == TCIOFLUSH) {
        ldisc_flush_input_locked(t);
        tty_event_locked(t, TIOCPKT_FLUSHREAD);
    }
    if (arg == TCOFLUSH || arg == TCIOFLUSH)
        tty_event_locked(t, TIOCPKT_FLUSHWRITE);
    mutex_unlock(&t->lock);
    return 0;
}

/* TCXONC: suspend or restart output, or send the STOP/START character. */
static long tty_xonc(struct tty *t, uint64_t arg)
{
    if (arg > TCION)
        return -EINVAL;
    mutex_lock(&t->lock);
    if (arg == TCOOFF && !t->tco_stopped) {
        t->tco_stopped = true;
        tty_stop_locked(t);
    } else if (arg == TCOON && t->tco_stopped) {
        t->tco_stopped = false;
        tty_start_locked(t);
    } else if (arg == TCIOFF || arg == TCION) {
        char c = (char)t->termios.c_cc[arg == TCIOFF ? VSTOP : VSTART];
        if (c && t->ops)
            (void)t->ops->write(t, &c, 1);     /* sent even while output is stopped, as Linux's send_xchar */
    }
    mutex_unlock(&t->lock);
    return 0;
}

/* TIOCSTI: the caller's own controlling terminal, or CAP_SYS_ADMIN (Linux 6.1's rule), then the byte. */
static long tty_sti(struct tty *t, uptr_t arg)
{
    if (!tty_ctty_is_callers(t) && !capable(CAP_SYS_ADMIN))
        return -EPERM;
    char c;
    if (copy_from_user(&c, arg, 1))
        return -EFAULT;
    tty_receive(t, &c, 1);
    return 0;
}

/* Requests that change the terminal: a background caller gets SIGTTOU first. */
static bool changes_tty(unsigned cmd)
{
    return cmd == TCSETS || cmd == TCSETSW || cmd == TCSETSF || cmd == TCFLSH
        || cmd == TCXONC || cmd == TCSBRK;
}

static long tty_ioctl_common(struct tty *t, unsigned cmd, uint64_t arg, bool master);

long tty_ioctl(struct tty *t, unsigned cmd, uint64_t arg) { return tty_ioctl_common(t, cmd, arg, false); }
long tty_ioctl_master(struct tty *t, unsigned cmd, uint64_t arg) { return tty_ioctl_common(t, cmd, arg, true); }

static long tty_ioctl_common(struct tty *t, unsigned cmd, uint64_t arg, bool master)
{
    if (!master && changes_tty(cmd)) {
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
        return tty_xonc(t, arg);
    case TIOCSTI:
        return tty_sti(t, uptr(arg));
    }
    long r = tty_ctty_ioctl(t, cmd, arg);
    return r == -ENOIOCTLCMD ? -ENOTTY : r;
}
