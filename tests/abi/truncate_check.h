// SPDX-License-Identifier: MPL-2.0
// Shared checks: shrinking a mapped file unmaps its pages wholly past the new end (SIGBUS), zeroes the partial page's tail.
#ifndef KEEL_TESTS_TRUNCATE_CHECK_H
#define KEEL_TESTS_TRUNCATE_CHECK_H

#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tap.h"

#define TC_PG 4096L
#define TC_CHECKS 17   /* tap results truncate_checks() prints */

static sigjmp_buf tc_env;
static volatile int tc_code;
static volatile long tc_addr;

static void tc_on_bus(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    tc_code = si->si_code;
    tc_addr = (long)si->si_addr;
    siglongjmp(tc_env, 1);
}

/* Read *p: its byte (0..255), or -1 after a SIGBUS whose si_code is BUS_ADRERR at p (-2: another one). */
static int tc_read(volatile char *p)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = tc_on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, &old);
    int r;
    if (sigsetjmp(tc_env, 1))
        r = tc_code == BUS_ADRERR && tc_addr == (long)p ? -1 : -2;
    else
        r = (unsigned char)*p;
    sigaction(SIGBUS, &old, NULL);
    return r;
}

/* fd: a read-write regular file; fills it with 3 pages ('a', 'b', 'c'), maps it and shrinks it to 1.5 pages. */
static void truncate_checks(int fd, const char *where)
{
    char buf[TC_PG], d[160];
    bool setup = ftruncate(fd, 0) == 0;
    for (int p = 0; p < 3; p++) {
        memset(buf, 'a' + p, sizeof(buf));
        setup = setup && pwrite(fd, buf, TC_PG, p * TC_PG) == TC_PG;
    }
    char *s = mmap(0, 3 * TC_PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *pv = mmap(0, 3 * TC_PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    char *cw = mmap(0, 3 * TC_PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    setup = setup && s != MAP_FAILED && pv != MAP_FAILED && cw != MAP_FAILED;
    snprintf(d, sizeof(d), "%s: a file of 3 pages mapped shared, private and private-copied", where);
    tap_ok(setup && s[2 * TC_PG] == 'c' && pv[2 * TC_PG] == 'c' && cw[TC_PG] == 'b', d);
    if (!setup)
        return;
    cw[2 * TC_PG] = 'Z';          /* copied on write: Linux unmaps even these past EOF (even_cows) */
    cw[10] = 'Y';
    (void)s[0], (void)s[TC_PG], (void)pv[0], (void)pv[TC_PG];
    long half = TC_PG + TC_PG / 2;
    snprintf(d, sizeof(d), "%s: ftruncate to 1.5 pages", where);
    tap_eq_long(ftruncate(fd, half), 0, d);
    snprintf(d, sizeof(d), "%s: MAP_SHARED page wholly past EOF is SIGBUS (BUS_ADRERR)", where);
    tap_eq_long(tc_read(s + 2 * TC_PG), -1, d);
    snprintf(d, sizeof(d), "%s: MAP_PRIVATE page not yet copied, past EOF, is SIGBUS", where);
    tap_eq_long(tc_read(pv + 2 * TC_PG + 100), -1, d);
    snprintf(d, sizeof(d), "%s: a private page copied on write, wholly past EOF, is SIGBUS too", where);
    tap_eq_long(tc_read(cw + 2 * TC_PG), -1, d);
    snprintf(d, sizeof(d), "%s: the partial page keeps its bytes up to EOF", where);
    tap_ok(tc_read(s + half - 1) == 'b' && tc_read(pv + half - 1) == 'b' && tc_read(s) == 'a', d);
    snprintf(d, sizeof(d), "%s: the partial page reads zeros past EOF (shared)", where);
    tap_eq_long(tc_read(s + half), 0, d);
    snprintf(d, sizeof(d), "%s: the partial page reads zeros past EOF (private, not copied)", where);
    tap_eq_long(tc_read(pv + TC_PG * 2 - 1), 0, d);
    snprintf(d, sizeof(d), "%s: the copied private page 1 keeps its store", where);
    tap_ok(tc_read(cw + 10) == 'Y' && tc_read(cw + half - 1) == 'b', d);
    snprintf(d, sizeof(d), "%s: ftruncate back to 3 pages", where);
    tap_eq_long(ftruncate(fd, 3 * TC_PG), 0, d);
    char got[4] = { 1, 1, 1, 1 };
    snprintf(d, sizeof(d), "%s: re-extended, the old partial tail and page 3 read zeros", where);
    tap_ok(pread(fd, got, 2, half) == 2 && pread(fd, got + 2, 2, 2 * TC_PG) == 2 && !got[0] && !got[1] &&
           !got[2] && !got[3], d);
    snprintf(d, sizeof(d), "%s: re-extended, the shared mapping's page 3 is a zero page again", where);
    tap_ok(tc_read(s + 2 * TC_PG) == 0 && tc_read(s + half) == 0, d);
    snprintf(d, sizeof(d), "%s: re-extended, the private mapping's page 3 reads zeros", where);
    tap_eq_long(tc_read(pv + 2 * TC_PG), 0, d);
    s[2 * TC_PG + 1] = 'W';
    got[0] = 0;
    snprintf(d, sizeof(d), "%s: a store to the re-extended shared page reaches the file", where);
    tap_ok(pread(fd, got, 1, 2 * TC_PG + 1) == 1 && got[0] == 'W', d);
    snprintf(d, sizeof(d), "%s: ftruncate to 0", where);
    tap_eq_long(ftruncate(fd, 0), 0, d);
    snprintf(d, sizeof(d), "%s: after truncation to 0 every shared page is SIGBUS", where);
    tap_ok(tc_read(s) == -1 && tc_read(s + TC_PG) == -1 && tc_read(pv) == -1, d);
    snprintf(d, sizeof(d), "%s: after truncation to 0 the copied private page is SIGBUS too", where);
    tap_eq_long(tc_read(cw + 10), -1, d);
    munmap(s, 3 * TC_PG);
    munmap(pv, 3 * TC_PG);
    munmap(cw, 3 * TC_PG);
}

#endif
