// SPDX-License-Identifier: MPL-2.0
// ABI suite: signals and threads: per-thread masks and pending sets, thread- vs process-directed signals, group stop/kill.
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

static atomic_long handler_tid, thread_tid, hits;
static atomic_int stop_thread, got_sig;

static long gettid_(void) { return syscall(SYS_gettid); }

static void ms_sleep(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

static void on_sig(int sig)
{
    (void)sig;
    atomic_store(&handler_tid, gettid_());
    atomic_fetch_add(&hits, 1);
}

static void set_handler(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sig;
    sigaction(sig, &sa, NULL);
}

static void block(int sig, int how)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    pthread_sigmask(how, &s, NULL);
}

/* Waits in pause() until told to stop; blocks SIGUSR1 in this thread only when asked. */
static void *sleeper(void *arg)
{
    atomic_store(&thread_tid, gettid_());
    if (arg)
        block(SIGUSR1, SIG_BLOCK);
    while (!atomic_load(&stop_thread))
        pause();
    return NULL;
}

/* Up to ~20 s: a loaded host may not run the other thread for a long while. */
static void wait_for(atomic_long *v, long want)
{
    for (int i = 0; i < 10000 && atomic_load(v) != want; i++)
        ms_sleep(2);
}

static void test_directed(void)
{
    set_handler(SIGUSR1);
    set_handler(SIGUSR2);
    atomic_store(&thread_tid, 0);
    pthread_t t;
    pthread_create(&t, NULL, sleeper, NULL);
    while (!atomic_load(&thread_tid))
        ms_sleep(1);
    long tid = atomic_load(&thread_tid);

    atomic_store(&handler_tid, 0);
    tap_eq_long(pthread_kill(t, SIGUSR1), 0, "pthread_kill succeeds");
    wait_for(&handler_tid, tid);
    tap_eq_long(atomic_load(&handler_tid), tid, "a tgkill'd signal runs in the target thread");

    block(SIGUSR2, SIG_BLOCK);
    atomic_store(&handler_tid, 0);
    kill(getpid(), SIGUSR2);
    wait_for(&handler_tid, tid);
    tap_eq_long(atomic_load(&handler_tid), tid, "a process signal goes to a thread that does not block it");
    block(SIGUSR2, SIG_UNBLOCK);

    block(SIGUSR1, SIG_BLOCK);
    syscall(SYS_tgkill, getpid(), gettid_(), SIGUSR1);
    sigset_t pend;
    sigpending(&pend);
    tap_ok(sigismember(&pend, SIGUSR1), "a signal to the blocking main thread is pending there");
    atomic_store(&handler_tid, 0);
    ms_sleep(20);
    tap_eq_long(atomic_load(&handler_tid), 0, "the other thread does not take a thread-directed signal");
    atomic_store(&hits, 0);
    block(SIGUSR1, SIG_UNBLOCK);
    tap_eq_long(atomic_load(&hits), 1, "unblocking in the main thread delivers it there");
    tap_eq_long(atomic_load(&handler_tid), gettid_(), "the handler ran in the main thread");

    atomic_store(&stop_thread, 1);
    pthread_kill(t, SIGUSR1);
    tap_eq_long(pthread_join(t, NULL), 0, "the thread is woken from pause and joins");
    atomic_store(&stop_thread, 0);
}

static void *mask_reporter(void *arg)
{
    sigset_t cur;
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    *(int *)arg = sigismember(&cur, SIGUSR2);
    block(SIGTERM, SIG_BLOCK);
    return NULL;
}

static void test_masks(void)
{
    block(SIGUSR2, SIG_BLOCK);
    int inherited = 0;
    pthread_t t;
    pthread_create(&t, NULL, mask_reporter, &inherited);
    pthread_join(t, NULL);
    tap_ok(inherited, "a new thread inherits its creator's mask");
    sigset_t cur;
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    tap_ok(!sigismember(&cur, SIGTERM), "a thread's sigprocmask does not change other threads");
    block(SIGUSR2, SIG_UNBLOCK);
}

static void *waiter(void *arg)
{
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    struct timespec ts = { 30, 0 };
    atomic_store(&thread_tid, gettid_());
    atomic_store(&got_sig, sigtimedwait(&s, NULL, &ts));
    return NULL;
}

static void test_sigwait_thread(void)
{
    block(SIGUSR2, SIG_BLOCK);     /* blocked in every thread: only the waiter takes it */
    atomic_store(&thread_tid, 0);
    atomic_store(&got_sig, 0);
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    while (!atomic_load(&thread_tid))
        ms_sleep(1);
    ms_sleep(20);
    kill(getpid(), SIGUSR2);
    pthread_join(t, NULL);
    tap_eq_long(atomic_load(&got_sig), SIGUSR2, "sigtimedwait in a thread takes a process signal");
    sigset_t pend;
    sigpending(&pend);
    tap_ok(!sigismember(&pend, SIGUSR2), "the signal was consumed");
    block(SIGUSR2, SIG_UNBLOCK);
}

static void *spinner(void *arg)
{
    volatile long *counter = arg;
    for (;;)
        (*counter)++;
    return NULL;
}

static void test_group(void)
{
    volatile long *shm = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, spinner, (void *)shm);
        for (;;)
            pause();
    }
    while (shm[0] == 0)
        ms_sleep(1);
    kill(pid, SIGSTOP);
    int st = 0;
    waitpid(pid, &st, WUNTRACED);
    tap_ok(WIFSTOPPED(st), "SIGSTOP stops a multi-threaded process");
    long a = shm[0];        /* the stop is reported only once every thread has stopped */
    ms_sleep(100);
    tap_eq_long(shm[0], a, "no thread runs while the process is stopped");
    kill(pid, SIGCONT);
    waitpid(pid, &st, WCONTINUED);
    /* Poll: the spinner's virtual CPU may not be scheduled by the host for a while. */
    for (int i = 0; i < 2000 && shm[0] == a; i++)
        ms_sleep(10);
    tap_ok(shm[0] != a, "SIGCONT resumes every thread");
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    tap_eq_long(st, SIGTERM, "a fatal signal ends every thread of the process");
}

int main(void)
{
    tap_plan(16);
    test_directed();
    test_masks();
    test_sigwait_thread();
    test_group();
    tap_finish();
}
