/* SPDX-License-Identifier: MPL-2.0 */
/* Linux x86-64 generic and terminal ioctl request numbers. */
#ifndef KEEL_UAPI_IOCTLS_H
#define KEEL_UAPI_IOCTLS_H

#include <stdint.h>

#define TCGETS      0x5401
#define TCSETS      0x5402
#define TCSETSW     0x5403
#define TCSETSF     0x5404
#define TCSBRK      0x5409
#define TCXONC      0x540A
#define TCFLSH      0x540B
#define TIOCSCTTY   0x540E
#define TIOCGPGRP   0x540F
#define TIOCSPGRP   0x5410
#define TIOCOUTQ    0x5411
#define TIOCSTI     0x5412      /* fake input: push one byte into the input queue */
#define TIOCGWINSZ  0x5413
#define TIOCSWINSZ  0x5414
#define FIONREAD    0x541B
#define TIOCNOTTY   0x5422
#define TIOCPKT     0x5420      /* int *: packet mode on a pty master */
#define TIOCGPKT    0x80045438  /* _IOR('T', 0x38, int) */
#define TIOCGSID    0x5429
#define FIONBIO     0x5421
#define FIONCLEX    0x5450
#define FIOCLEX     0x5451
#define FIOASYNC    0x5452
#define TIOCGPTN    0x80045430  /* _IOR('T', 0x30, unsigned int): pty number */
#define TIOCSPTLCK  0x40045431  /* _IOW('T', 0x31, int): lock/unlock the slave */
#define TIOCGPTLCK  0x80045439  /* _IOR('T', 0x39, int) */
#define TIOCGPTPEER 0x5441      /* _IO('T', 0x41): open the slave, flags in arg */
#define TIOCSIG     0x40045436  /* _IOW('T', 0x36, int): signal the slave's foreground group, the number in arg */

/* The status byte a packet-mode master reads first. */
#define TIOCPKT_DATA       0
#define TIOCPKT_FLUSHREAD  1
#define TIOCPKT_FLUSHWRITE 2
#define TIOCPKT_STOP       4
#define TIOCPKT_START      8
#define TIOCPKT_NOSTOP     16
#define TIOCPKT_DOSTOP     32
#define TIOCPKT_IOCTL      64  /* termios changed while EXTPROC is set */

struct linux_winsize {
    uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

#endif
