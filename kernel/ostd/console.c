// SPDX-License-Identifier: MPL-2.0
// Serial (16550 COM1) console and printk.
#include <ostd/console.h>
#include <ostd/sync.h>
#include <lib/format.h>
#include "arch/x86_64/cpu.h"
#include "internal.h"

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
