// SPDX-License-Identifier: MPL-2.0
// Interactive TTY test (/init): the harness types at each prompt; canonical editing, EOF and raw reads.
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "tap.h"

/* Print a prompt (no newline) that the harness answers with --send-after. */
static void prompt(const char *p) { write(1, p, strlen(p)); }

static long read_line(char *buf, size_t size)
{
    long n = read(0, buf, size - 1);
    buf[n > 0 ? n : 0] = 0;
    write(1, "\n", 1);      /* TAP lines start at column 0 whatever was echoed */
    return n;
}

int main(void)
{
    char buf[128];
    tap_plan(9);
    prompt("READY1> ");
    read_line(buf, sizeof(buf));
    tap_ok(strcmp(buf, "hello keel\n") == 0, "canonical read: a whole line, CR mapped to NL, DEL erased a character");
    prompt("READY2> ");
    read_line(buf, sizeof(buf));
    tap_ok(strcmp(buf, "second\n") == 0, "canonical read: ^U killed the line typed before it");
    prompt("READY3> ");
    tap_eq_long(read_line(buf, sizeof(buf)), 0, "canonical read: ^D on an empty line reads as end of file");
    struct termios t, orig;
    tcgetattr(0, &orig);
    t = orig;
    t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    t.c_cc[VMIN] = 3;
    t.c_cc[VTIME] = 0;
    tap_ok(tcsetattr(0, TCSANOW, &t) == 0, "raw mode set");
    prompt("READY4> ");
    long n = 0;
    while (n < 3) {
        long r = read(0, buf + n, sizeof(buf) - 1 - (size_t)n);
        if (r <= 0)
            break;
        n += r;
    }
    buf[n] = 0;
    write(1, "\n", 1);
    tap_ok(n == 3 && memcmp(buf, "a\nb", 3) == 0, "raw read: VMIN=3 returns three bytes (ICRNL still maps CR)");
    tcsetattr(0, TCSANOW, &orig);
    prompt("READY5> ");
    struct pollfd pf = { 0, POLLIN, 0 };
    tap_eq_long(poll(&pf, 1, 20000), 1, "poll on the console wakes when a line arrives");
    int avail = -1;
    ioctl(0, FIONREAD, &avail);
    tap_eq_long(avail, 2, "FIONREAD counts the pending line");
    read_line(buf, sizeof(buf));
    tap_ok(strcmp(buf, "z\n") == 0, "the line polled for is read");
    tap_ok(1, "the interactive session finished");
    tap_finish();
}
