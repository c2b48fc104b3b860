// SPDX-License-Identifier: MPL-2.0
// The line discipline (N_TTY): input mapping, canonical editing, echo, signal keys, VMIN reads.
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/signal.h>
#include <uapi/ioctls.h>
#include "fs/tty/tty.h"

/* Echo goes out through the TTY's driver; a full pty output queue drops it, as Linux may. */
static void tty_echo_out(struct tty *t, const char *s, size_t n)
{
    if (t->ops)
        (void)t->ops->write(t, s, n);
}

static bool is_ctrl(uint8_t c) { return (c < 0x20 || c == 0x7f) && c != '\t' && c != '\n'; }

/* Echo one input byte, as ^X for control characters under ECHOCTL. */
static void echo_char(struct tty *t, uint8_t c)
{
    if ((t->termios.c_lflag & ECHOCTL) && is_ctrl(c)) {
        char s[2] = { '^', (char)(c ^ 0x40) };
        tty_echo_out(t, s, 2);
    } else {
        char ch = (char)c;
        tty_echo_out(t, &ch, 1);
    }
}

static void buf_put_locked(struct tty *t, uint8_t c)
{
    t->buf[(t->head + t->count) % TTY_BUF_SIZE] = (char)c;
    t->count++;
}

static uint8_t buf_last_locked(const struct tty *t)
{
    return (uint8_t)t->buf[(t->head + t->count - 1) % TTY_BUF_SIZE];
}

/* Complete the edited line (its bytes are already in buf). */
static void end_line_locked(struct tty *t)
{
    t->lines[(t->line_head + t->nlines) % TTY_MAX_LINES] = t->edit_len;
    t->nlines++;
    t->edit_len = 0;
    atomic_add(&t->seq_in, 1);
}

/* Erase the last edited character; ECHOE draws it away. */
static void erase_char_locked(struct tty *t)
{
    if (!t->edit_len)
        return;
    uint8_t c = buf_last_locked(t);
    t->count--;
    t->edit_len--;
    if (!(t->termios.c_lflag & ECHO))
        return;
    if (!(t->termios.c_lflag & ECHOE)) {
        echo_char(t, t->termios.c_cc[VERASE]);
        return;
    }
    int cols = (t->termios.c_lflag & ECHOCTL) && is_ctrl(c) ? 2 : 1;
    for (int i = 0; i < cols; i++)
        tty_echo_out(t, "\b \b", 3);
}

static void kill_line_locked(struct tty *t)
{
    uint32_t lf = t->termios.c_lflag;
    if ((lf & ECHO) && (lf & ECHOKE) && (lf & ECHOE)) {
        while (t->edit_len)
            erase_char_locked(t);
        return;
    }
    t->count -= t->edit_len;
    t->edit_len = 0;
    if (lf & ECHO) {
        echo_char(t, t->termios.c_cc[VKILL]);
        if (lf & ECHOK)
            tty_echo_out(t, "\n", 1);
    }
}

static bool is_cc(const struct tty *t, int idx, uint8_t c)
{
    return t->termios.c_cc[idx] && t->termios.c_cc[idx] == c;   /* 0 disables a key (_POSIX_VDISABLE) */
}

/* ICRNL, IGNCR, INLCR, ISTRIP; -1 drops the byte. */
static int map_input(const struct tty *t, uint8_t c)
{
    uint32_t in = t->termios.c_iflag;
    if (in & ISTRIP)
        c &= 0x7f;
    if (c == '\r')
        return (in & IGNCR) ? -1 : (in & ICRNL) ? '\n' : '\r';
    if (c == '\n' && (in & INLCR))
        return '\r';
    return c;
}

void tty_event_locked(struct tty *t, unsigned ev)
{
    if (t->ops && t->ops->event)
        t->ops->event(t, ev);
}

void tty_stop_locked(struct tty *t)
{
    if (t->stopped)
        return;
    atomic_store(&t->stopped, true);
    tty_event_locked(t, TIOCPKT_STOP);
}

void tty_start_locked(struct tty *t)
{
    if (!t->stopped || t->tco_stopped)
        return;
    atomic_store(&t->stopped, false);
    tty_event_locked(t, TIOCPKT_START);
    wq_wake_all(&t->owait);
}

/* IXON: VSTART restarts output (it wins when equal to VSTOP), VSTOP stops it; neither is input. IXANY: any other byte restarts. */
static bool flow_key_locked(struct tty *t, uint8_t c)
{
    if (!(t->termios.c_iflag & IXON))
        return false;
    if (is_cc(t, VSTART, c)) {
        tty_start_locked(t);
        return true;
    }
    if (is_cc(t, VSTOP, c)) {
        tty_stop_locked(t);
        return true;
    }
    if (t->stopped && !t->tco_stopped && (t->termios.c_iflag & IXANY))
        tty_start_locked(t);
    return false;
}

static int signal_key(const struct tty *t, uint8_t c)
{
    if (!(t->termios.c_lflag & ISIG))
        return 0;
    if (is_cc(t, VINTR, c))
        return SIGINT;
    if (is_cc(t, VQUIT, c))
        return SIGQUIT;
    if (is_cc(t, VSUSP, c))
        return SIGTSTP;
    return 0;
}

static void receive_canon_locked(struct tty *t, uint8_t c)
{
    uint32_t lf = t->termios.c_lflag;
    if (is_cc(t, VERASE, c) || ((lf & IEXTEN) && c == '\b' && is_cc(t, VERASE, 0x7f))) {
        erase_char_locked(t);
    } else if (is_cc(t, VKILL, c)) {
        kill_line_locked(t);
    } else if (is_cc(t, VEOF, c)) {
        if (t->nlines < TTY_MAX_LINES)
            end_line_locked(t);     /* an empty line is read as end of file */
    } else if (c == '\n' || is_cc(t, VEOL, c) || is_cc(t, VEOL2, c)) {
        if (t->nlines >= TTY_MAX_LINES || t->count >= TTY_BUF_SIZE)
            return;
        buf_put_locked(t, c);
        t->edit_len++;
        if ((lf & ECHO) || (c == '\n' && (lf & ECHONL)))
            echo_char(t, c);
        end_line_locked(t);
    } else if (t->count < TTY_BUF_SIZE - 1) {  /* keep room for the newline */
        buf_put_locked(t, c);
        t->edit_len++;
        if (lf & ECHO)
            echo_char(t, c);
    }
}

void ldisc_receive_locked(struct tty *t, uint8_t byte, int *sig)
{
    int m = map_input(t, byte);
    if (m < 0)
        return;
    uint8_t c = (uint8_t)m;
    *sig = 0;
    if (flow_key_locked(t, c))
        return;
    *sig = signal_key(t, c);
    if (*sig) {
        if (!(t->termios.c_lflag & NOFLSH)) {
            ldisc_flush_input_locked(t);
            tty_event_locked(t, TIOCPKT_FLUSHREAD | TIOCPKT_FLUSHWRITE);    /* as Linux's isig: output too */
        }
        if (t->termios.c_lflag & ECHO)
            echo_char(t, c);
        atomic_add(&t->seq_in, 1);
        return;
    }
    if (L_CANON(t)) {
        receive_canon_locked(t, c);
        return;
    }
    if (t->count < TTY_BUF_SIZE)
        buf_put_locked(t, c);
    if (t->termios.c_lflag & ECHO)
        echo_char(t, c);
    atomic_add(&t->seq_in, 1);
}

static void buf_take_locked(struct tty *t, char *dst, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        dst[i] = t->buf[(t->head + i) % TTY_BUF_SIZE];
    t->head = (t->head + n) % TTY_BUF_SIZE;
    t->count -= n;
}

long ldisc_read_locked(struct tty *t, char *dst, size_t len)
{
    if (!L_CANON(t)) {
        if (!t->count)
            return -EAGAIN;
        unsigned n = (unsigned)MIN((size_t)t->count, len);
        buf_take_locked(t, dst, n);
        return n;
    }
    if (!t->nlines)
        return -EAGAIN;
    unsigned l = t->lines[t->line_head];
    unsigned n = (unsigned)MIN((size_t)l, len);
    buf_take_locked(t, dst, n);
    if (n == l) {
        t->line_head = (t->line_head + 1) % TTY_MAX_LINES;
        t->nlines--;
    } else {
        t->lines[t->line_head] -= n;
    }
    return n;
}

void ldisc_mode_changed_locked(struct tty *t, bool was_canon)
{
    if (was_canon && !L_CANON(t)) {
        t->nlines = 0;              /* every pending byte becomes raw input */
        t->edit_len = 0;
    } else if (!was_canon && L_CANON(t)) {
        t->edit_len = t->count;     /* pending raw input becomes the line being edited */
    }
    atomic_add(&t->seq_in, 1);
}

void ldisc_flush_input_locked(struct tty *t)
{
    t->head = t->count = 0;
    t->line_head = t->nlines = 0;
    t->edit_len = 0;
}

unsigned ldisc_readable_locked(const struct tty *t)
{
    if (!L_CANON(t))
        return t->count;
    return t->count - t->edit_len;
}

bool ldisc_can_read_locked(const struct tty *t)
{
    return L_CANON(t) ? t->nlines > 0 : t->count > 0;
}
