// SPDX-License-Identifier: MPL-2.0
// In-kernel tests of the line discipline: canonical editing, EOF, signal keys, mode switches.
#include <ostd/ktest.h>
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/signal.h>
#include "fs/tty/tty.h"

/* A private TTY with the console's termios but no echo (tests write nothing to the console). */
static struct tty *tty_new(void)
{
    struct tty *t = kzalloc(sizeof(*t));
    if (!t)
        return NULL;
    mutex_init(&t->lock);
    wq_init(&t->rwait);
    wq_init(&t->owait);
    t->termios = console_tty.termios;
    t->termios.c_lflag &= ~(uint32_t)ECHO;
    return t;
}

static int feed(struct tty *t, const char *s)
{
    int sig = 0, last = 0;
    mutex_lock(&t->lock);
    for (; *s; s++) {
        ldisc_receive_locked(t, (uint8_t)*s, &sig);
        if (sig)
            last = sig;
    }
    mutex_unlock(&t->lock);
    return last;
}

static long take(struct tty *t, char *buf, size_t len)
{
    mutex_lock(&t->lock);
    long r = ldisc_read_locked(t, buf, len);
    mutex_unlock(&t->lock);
    if (r >= 0 && (size_t)r < len)
        buf[r] = 0;
    return r;
}

KTEST(ldisc_canonical_editing)
{
    struct tty *t = tty_new();
    char buf[32];
    KT_ASSERT(t);
    feed(t, "abx\x7f");
    KT_EQ(take(t, buf, sizeof(buf)), -EAGAIN);          /* no line yet */
    feed(t, "c\r");
    KT_EQ(take(t, buf, sizeof(buf)), 4);
    KT_ASSERT(strcmp(buf, "abc\n") == 0);               /* DEL erased, ICRNL mapped */
    feed(t, "junk\x15ok\n");
    KT_EQ(take(t, buf, 2), 2);                          /* a partial read of a line */
    KT_EQ(take(t, buf, sizeof(buf)), 1);
    KT_ASSERT(strcmp(buf, "\n") == 0);
    feed(t, "\x04");
    KT_EQ(take(t, buf, sizeof(buf)), 0);                /* ^D on an empty line: EOF */
    KT_EQ(take(t, buf, sizeof(buf)), -EAGAIN);
    kfree(t);
}

KTEST(ldisc_signal_keys_and_raw_mode)
{
    struct tty *t = tty_new();
    char buf[32];
    KT_ASSERT(t);
    feed(t, "half");
    KT_EQ(feed(t, "\x03"), SIGINT);                     /* ^C flushes the pending input */
    KT_EQ(feed(t, "\x1c"), SIGQUIT);
    KT_EQ(feed(t, "\x1a"), SIGTSTP);
    mutex_lock(&t->lock);
    KT_EQ(ldisc_readable_locked(t), 0);
    bool canon = true;
    t->termios.c_lflag &= ~(uint32_t)(ICANON | ISIG);
    ldisc_mode_changed_locked(t, canon);
    mutex_unlock(&t->lock);
    KT_EQ(feed(t, "x\x03y"), 0);                        /* no ISIG: ^C is data */
    KT_EQ(take(t, buf, sizeof(buf)), 3);
    KT_ASSERT(memcmp(buf, "x\x03y", 3) == 0);
    kfree(t);
}

static unsigned events_seen;
static void record_event(struct tty *t, unsigned ev) { (void)t; events_seen |= ev; }
static size_t sink(struct tty *t, const char *s, size_t n) { (void)t, (void)s; return n; }
static const struct tty_ops event_ops = { .write = sink, .event = record_event };

KTEST(ldisc_ixon_stop_start_and_ixany)
{
    struct tty *t = tty_new();
    char buf[8];
    KT_ASSERT(t);
    t->ops = &event_ops;
    events_seen = 0;
    feed(t, "\x13");
    KT_ASSERT(t->stopped);                              /* ^S stops output, and is not input */
    KT_EQ(events_seen, TIOCPKT_STOP);
    feed(t, "\x11");
    KT_ASSERT(!t->stopped);
    KT_EQ(events_seen, TIOCPKT_STOP | TIOCPKT_START);
    mutex_lock(&t->lock);
    t->tco_stopped = true;                              /* TCOOFF: ^Q does not restart it */
    tty_stop_locked(t);
    mutex_unlock(&t->lock);
    feed(t, "\x11");
    KT_ASSERT(t->stopped);
    t->tco_stopped = false;
    t->termios.c_iflag |= IXANY;
    feed(t, "a\n");                                     /* IXANY: any byte restarts, and is input */
    KT_ASSERT(!t->stopped);
    KT_EQ(take(t, buf, sizeof(buf)), 2);
    KT_EQ(take(t, buf, sizeof(buf)), -EAGAIN);          /* ^S and ^Q never reached the reader */
    kfree(t);
}
