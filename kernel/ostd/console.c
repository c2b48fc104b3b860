// SPDX-License-Identifier: MPL-2.0
// Serial (16550 COM1) console and printk.
#include <ostd/console.h>
#include <ostd/sync.h>
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

void vprintk_level(int level, const char *fmt, va_list ap)
{
    char buf[512];
    if (level > loglevel)
        return;
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
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
