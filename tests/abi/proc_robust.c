// SPDX-License-Identifier: MPL-2.0
// ABI suite: robust futexes (set/get_robust_list, FUTEX_OWNER_DIED at thread and process death, EOWNERDEAD).
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

#define WAITERS    0x80000000u
#define OWNER_DIED 0x40000000u

struct rhead {
    void *next;
    long futex_offset;
    void *pending;
};

/* A list entry followed by its futex word (futex_offset = 8). */
struct rentry {
    void *next;
    uint32_t word;
};

static long raw(long nr, long a, long b, long c)
{
    long r = syscall(nr, a, b, c);
    return r < 0 ? -errno : r;
}

static void sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&t, &t))
        ;
}

static void test_set_get(void)
{
    /* In a child: musl keeps its own list in the main thread of this process. */
    pid_t pid = fork();
    if (pid == 0) {
        static struct rhead h = { &h, 8, 0 };
        int bad = 0;
        bad |= raw(SYS_set_robust_list, (long)&h, 23, 0) != -EINVAL;
        bad |= (raw(SYS_set_robust_list, (long)&h, 0, 0) != -EINVAL) << 1;
        bad |= (raw(SYS_set_robust_list, (long)&h, sizeof(h), 0) != 0) << 2;
        void *got = 0;
        size_t len = 0;
        bad |= (raw(SYS_get_robust_list, 0, (long)&got, (long)&len) != 0 || got != &h || len != 24) << 3;
        got = 0;
        bad |= (raw(SYS_get_robust_list, getpid(), (long)&got, (long)&len) != 0 || got != &h) << 4;
        bad |= (raw(SYS_get_robust_list, 0, 16, (long)&len) != -EFAULT) << 5;
        bad |= (raw(SYS_get_robust_list, 0, (long)&got, 16) != -EFAULT) << 6;
        bad |= (raw(SYS_get_robust_list, 0x3ffffff, (long)&got, (long)&len) != -ESRCH) << 7;
        /* A bad head pointer is accepted (Linux does not look at it until exit). */
        bad |= (raw(SYS_set_robust_list, 16, sizeof(h), 0) != 0) << 8;
        _exit(bad);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st), "a process with an unmapped robust list head exits normally");
    int bad = WIFEXITED(st) ? WEXITSTATUS(st) : 0xff;
    tap_ok(!(bad & 3), "set_robust_list: a length other than 24 is EINVAL");
    tap_ok(!(bad & 4), "set_robust_list: 24 bytes is accepted");
    tap_ok(!(bad & 0x18), "get_robust_list returns the head and length (pid 0 and own pid)");
    tap_ok(!(bad & 0x60), "get_robust_list: bad pointers are EFAULT");
    tap_ok(!(bad & 0x80), "get_robust_list: no such thread is ESRCH");
}

static void test_eperm(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(1000))
            _exit(2);
        void *got;
        size_t len;
        _exit(raw(SYS_get_robust_list, 1, (long)&got, (long)&len) == -EPERM ? 0 : 1);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "get_robust_list of a root process from uid 1000 is EPERM");
}

/* Shared memory the child process writes its robust list into. */
struct shared_list {
    struct rhead head;
    struct rentry held, waited, other, pending;
};

static void test_process_death(void)
{
    struct shared_list *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t pid = fork();
    if (pid == 0) {
        uint32_t tid = (uint32_t)syscall(SYS_gettid);
        s->held.word = tid;
        s->waited.word = tid | WAITERS;
        s->other.word = tid + 1;            /* owned by someone else: left alone */
        s->pending.word = tid;              /* the op in progress, not on the list */
        s->head.next = &s->held;
        s->held.next = &s->waited;
        s->waited.next = &s->other;
        s->other.next = &s->head;
        s->head.futex_offset = 8;
        s->head.pending = &s->pending;
        raw(SYS_set_robust_list, (long)&s->head, sizeof(s->head), 0);
        _exit(0);   /* exit_group directly: only the kernel walks the list */
    }
    int st;
    waitpid(pid, &st, 0);
    tap_eq_long(s->held.word, OWNER_DIED, "process exit marks a held futex FUTEX_OWNER_DIED");
    tap_eq_long(s->waited.word, OWNER_DIED | WAITERS, "FUTEX_WAITERS is kept");
    tap_eq_long(s->other.word, (long)(uint32_t)(pid + 1), "a futex owned by another thread is left alone");
    tap_eq_long(s->pending.word, OWNER_DIED, "list_op_pending is handled too");

    /* A cycle: the walk is bounded. */
    pid = fork();
    if (pid == 0) {
        uint32_t tid = (uint32_t)syscall(SYS_gettid);
        s->held.word = tid;
        s->head.next = &s->held;
        s->held.next = &s->held;
        s->head.pending = 0;
        raw(SYS_set_robust_list, (long)&s->head, sizeof(s->head), 0);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && s->held.word == OWNER_DIED, "a cyclic robust list ends the walk; the process exits");

    /* An entry pointing at unmapped memory: the walk stops, the exit goes on. */
    pid = fork();
    if (pid == 0) {
        uint32_t tid = (uint32_t)syscall(SYS_gettid);
        s->held.word = tid;
        s->head.next = &s->held;
        s->held.next = (void *)16;
        raw(SYS_set_robust_list, (long)&s->head, sizeof(s->head), 0);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && s->held.word == OWNER_DIED, "a robust list leading to unmapped memory is fault-safe");
    munmap(s, 4096);
}

/* pthread robust mutexes: the owner dies without unlocking. */
static pthread_mutex_t *pmx;
static atomic_int locked;

static void *die_holding(void *arg)
{
    pthread_mutex_lock(pmx);
    atomic_store(&locked, 1);
    if (arg)
        sleep_ms(100);      /* let the main thread block on the mutex first */
    syscall(SYS_exit, 0);   /* the thread ends in the kernel, not via pthread_exit */
    return NULL;
}

static void robust_init(pthread_mutex_t *m, int pshared)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    if (pshared)
        pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(m, &a);
}

static void test_pthread_robust(void)
{
    static pthread_mutex_t m;
    pmx = &m;
    robust_init(&m, 1);     /* musl hands only process-shared robust mutexes to the kernel's list */
    pthread_t t;
    pthread_create(&t, NULL, die_holding, NULL);
    while (!atomic_load(&locked))
        sleep_ms(1);
    sleep_ms(50);
    int r = pthread_mutex_lock(&m);
    tap_eq_long(r, EOWNERDEAD, "a thread that exits holding a robust mutex: the next locker gets EOWNERDEAD");
    tap_eq_long(pthread_mutex_consistent(&m), 0, "pthread_mutex_consistent");
    tap_eq_long(pthread_mutex_unlock(&m), 0, "and the mutex is usable again");

    atomic_store(&locked, 0);
    pthread_create(&t, NULL, die_holding, (void *)1);
    while (!atomic_load(&locked))
        sleep_ms(1);
    r = pthread_mutex_lock(&m);     /* blocks until the owner dies */
    tap_eq_long(r, EOWNERDEAD, "a thread blocked on the mutex is woken with EOWNERDEAD when the owner dies");
    pthread_mutex_consistent(&m);
    pthread_mutex_unlock(&m);

    pthread_mutex_t *sm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    robust_init(sm, 1);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_mutex_lock(sm);
        kill(getpid(), SIGKILL);
        _exit(1);
    }
    int st;
    waitpid(pid, &st, 0);
    r = pthread_mutex_lock(sm);
    tap_ok(WIFSIGNALED(st) && r == EOWNERDEAD, "a process killed holding a process-shared robust mutex: EOWNERDEAD");
}

int main(void)
{
    tap_plan(18);
    test_set_get();
    test_eperm();
    test_process_death();
    test_pthread_robust();
    tap_finish();
}
