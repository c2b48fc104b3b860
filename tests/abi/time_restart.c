// SPDX-License-Identifier: MPL-2.0
// ABI suite: sleeps stopped and continued resume with the time left (restart_syscall), handlers still get EINTR.
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void msleep(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int child_status(pid_t pid)
{
    int st = -1;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return st;
}

enum how { NANOSLEEP, CLOCK_REL, CLOCK_ABS };

/* Wait for the child's "about to sleep" byte. */
static void wait_ready(int p[2])
{
    char c;
    close(p[1]);
    while (read(p[0], &c, 1) < 0 && errno == EINTR)
        ;
    close(p[0]);
}

/*
 * A child sleeps sleep_ms; it is stopped stop_ms and continued cont_ms after it said it is about
 * to sleep. Exit: 0 ok, 1 bad return, 2 too short/long. The bounds leave about a second of slack
 * for a loaded host on each side.
 */
static int stopped_sleep(enum how how, long sleep_ms, long stop_ms, long cont_ms, long lo, long hi)
{
    int p[2];
    if (pipe(p))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = { sleep_ms / 1000, (sleep_ms % 1000) * 1000000 }, rem = { 0, 0 };
        int64_t t0 = now_ms();
        long r;
        close(p[0]);
        write(p[1], "r", 1);
        if (how == NANOSLEEP) {
            r = nanosleep(&ts, &rem);
        } else if (how == CLOCK_REL) {
            r = clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &rem);
        } else {
            struct timespec abs;
            clock_gettime(CLOCK_MONOTONIC, &abs);
            abs.tv_sec += ts.tv_sec;
            abs.tv_nsec += ts.tv_nsec;
            if (abs.tv_nsec >= 1000000000) {
                abs.tv_sec++;
                abs.tv_nsec -= 1000000000;
            }
            r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
        }
        int64_t el = now_ms() - t0;
        _exit(r != 0 ? 1 : el < lo || el > hi ? 2 : 0);
    }
    wait_ready(p);
    msleep(stop_ms);
    kill(pid, SIGSTOP);
    msleep(cont_ms - stop_ms);
    kill(pid, SIGCONT);
    int st = child_status(pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void on_usr1(int sig) { (void)sig; }

static void test_handler_eintr(void)
{
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_usr1;
        sa.sa_flags = SA_RESTART;   /* nanosleep is never restarted after a handler, even so */
        sigaction(SIGUSR1, &sa, NULL);
        struct timespec ts = { 10, 0 }, rem = { 0, 0 };
        close(p[0]);
        write(p[1], "r", 1);
        long r = nanosleep(&ts, &rem);
        _exit(r == -1 && errno == EINTR && rem.tv_sec >= 5 && rem.tv_sec <= 10 ? 0 : 1);
    }
    wait_ready(p);
    msleep(200);
    kill(pid, SIGUSR1);
    int st = child_status(pid);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a handled signal ends nanosleep with EINTR and the time left");
}

int main(void)
{
    tap_plan(6);
    errno = 0;
    tap_eq_long(syscall(SYS_restart_syscall) < 0 ? errno : 0, EINTR, "restart_syscall with nothing to restart is EINTR");
    /* Restarting with the time left at the stop would end at ~3.5 s, with the full time at ~3.8 s. */
    tap_eq_long(stopped_sleep(NANOSLEEP, 2000, 300, 1800, 1950, 3000), 0,
                "nanosleep(2 s) stopped 1.5 s then continued still ends after ~2 s and returns 0");
    tap_eq_long(stopped_sleep(CLOCK_REL, 2000, 300, 1800, 1950, 3000), 0,
                "relative clock_nanosleep stopped and continued ends after ~2 s and returns 0");
    tap_eq_long(stopped_sleep(CLOCK_ABS, 2000, 300, 1800, 1950, 3000), 0,
                "TIMER_ABSTIME clock_nanosleep stopped and continued ends at its deadline");
    tap_eq_long(stopped_sleep(NANOSLEEP, 1000, 100, 2000, 1950, 3500), 0,
                "a sleep whose time ran out while stopped returns 0 on continue");
    test_handler_eintr();
    tap_finish();
}
