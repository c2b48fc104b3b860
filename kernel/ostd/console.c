// SPDX-License-Identifier: MPL-2.0
// Serial (16550 COM1) console and printk.
#include <ostd/console.h>
#include <ostd/sync.h>
#include <ostd/time.h>
#include <lib/format.h>
#include "arch/x86_64/cpu.h"
#include "internal.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/percpu.h"

#define COM1 0x3f8

static spinlock_t console_lock = SPINLOCK_INIT("console");
static int loglevel = LOG_INFO;
static bool serial_ready;

void console_early_init(void)
{
    outb(COM1 + 1, 0x00);   /* no interrupts */
    outb(COM1 + 3, 0x80);   /* DLAB */
    outb(COM1 + 0, 0x01);   /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8N1 */
    outb(COM1 + 2, 0xC7);   /* FIFO on, cleared */
    outb(COM1 + 4, 0x0B);
    serial_ready = true;
}

static void serial_putc(char c)
{
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
        ;
    outb(COM1, (uint8_t)c);
}

static void emit_raw(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            serial_putc('\r');
        serial_putc(buf[i]);
    }
}

void console_write(const char *buf, size_t len)
{
    if (!serial_ready)
        console_early_init();
    unsigned long f = spin_lock_irqsave(&console_lock);
    emit_raw(buf, len);
    spin_unlock_irqrestore(&console_lock, f);
}

/* Used by panic: bypasses the lock, which may be held by the failing CPU. */
void console_write_unlocked(const char *buf, size_t len)
{
    if (!serial_ready)
        console_early_init();
    emit_raw(buf, len);
}

int console_getc(void)
{
    if (!(inb(COM1 + 5) & 0x01))
        return -1;
    return inb(COM1);
}

void console_set_loglevel(int level) { loglevel = level; }
int console_loglevel(void) { return loglevel; }

/* ---- the kernel log ring ---- */

static spinlock_t log_lock = SPINLOCK_INIT("klog");
static char log_ring[CONSOLE_LOG_SIZE];     /* guarded by log_lock */
static uint64_t log_end;                    /* guarded by log_lock: bytes ever logged */
static bool log_mid_line;                   /* guarded by log_lock: the last byte was not '\n' */

static void log_put_locked(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        log_ring[log_end++ % CONSOLE_LOG_SIZE] = s[i];
}

/* Append one message; a line that starts here gets the level and time prefix. */
static void log_append(int level, const char *msg, size_t n)
{
    char pre[40];
    uint64_t ns = clock_monotonic_ns();
    int pn = ksnprintf(pre, sizeof(pre), "<%d>[%5llu.%06llu] ", level,
                       (unsigned long long)(ns / 1000000000ULL),
                       (unsigned long long)(ns % 1000000000ULL / 1000));
    unsigned long f = spin_lock_irqsave(&log_lock);
    for (size_t i = 0; i < n; i++) {
        if (!log_mid_line && pn > 0)
            log_put_locked(pre, (size_t)pn);
        log_put_locked(&msg[i], 1);
        log_mid_line = msg[i] != '\n';
    }
    spin_unlock_irqrestore(&log_lock, f);
}

void console_log_bounds(uint64_t *start, uint64_t *end)
{
    unsigned long f = spin_lock_irqsave(&log_lock);
    *end = log_end;
    *start = log_end > CONSOLE_LOG_SIZE ? log_end - CONSOLE_LOG_SIZE : 0;
    spin_unlock_irqrestore(&log_lock, f);
}

size_t console_log_read(uint64_t pos, char *buf, size_t len, uint64_t *from)
{
    unsigned long f = spin_lock_irqsave(&log_lock);
    uint64_t start = log_end > CONSOLE_LOG_SIZE ? log_end - CONSOLE_LOG_SIZE : 0;
    if (pos < start)
        pos = start;
    size_t n = 0;
    for (; n < len && pos + n < log_end; n++)
        buf[n] = log_ring[(pos + n) % CONSOLE_LOG_SIZE];
    spin_unlock_irqrestore(&log_lock, f);
    *from = pos;
    return n;
}

void vprintk_level(int level, const char *fmt, va_list ap)
{
    char buf[512];
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    log_append(level, buf, (size_t)n);
    if (level <= loglevel)
        console_write(buf, (size_t)n);
}

void printk_level(int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk_level(level, fmt, ap);
    va_end(ap);
}

/* ---- interrupt-driven input (COM1 = ISA IRQ 4) ---- */

static void (*rx_fn)(void *ctx, uint8_t byte);
static void *rx_ctx;

static void serial_irq(int vec, void *ctx)
{
    (void)vec;
    (void)ctx;
    void (*fn)(void *, uint8_t) = __atomic_load_n(&rx_fn, __ATOMIC_ACQUIRE);
    for (int i = 0; i < 256 && (inb(COM1 + 5) & 0x01); i++) {
        uint8_t b = inb(COM1);
        if (fn)
            fn(rx_ctx, b);
    }
}

void console_set_rx_handler(void (*fn)(void *ctx, uint8_t byte), void *ctx)
{
    bool level, active_low;
    unsigned gsi = irq_isa_to_gsi(4, &level, &active_low);
    int vec = IRQ_VECTOR_BASE + 4;
    rx_ctx = ctx;
    __atomic_store_n(&rx_fn, fn, __ATOMIC_RELEASE);
    if (!fn) {
        outb(COM1 + 1, 0x00);
        return;
    }
    trap_set_irq_handler(vec, serial_irq, NULL);
    ioapic_route(gsi, (uint8_t)vec, percpu_array[0].apic_id, level, active_low);
    outb(COM1 + 4, 0x0B);   /* OUT2 gates the UART's interrupt line */
    outb(COM1 + 1, 0x01);   /* received-data interrupt */
}
