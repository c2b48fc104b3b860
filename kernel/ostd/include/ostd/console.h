// SPDX-License-Identifier: MPL-2.0
// Kernel console output (serial COM1) and log levels.
#ifndef OSTD_CONSOLE_H
#define OSTD_CONSOLE_H

#include <ostd/types.h>

enum { LOG_EMERG, LOG_ALERT, LOG_CRIT, LOG_ERR, LOG_WARN, LOG_NOTICE, LOG_INFO, LOG_DEBUG };

/* Print to the console at a level; messages above the console log level are dropped. Any context. */
void printk_level(int level, const char *fmt, ...) __printf(2, 3);
void vprintk_level(int level, const char *fmt, va_list ap);
#define printk(...)   printk_level(LOG_INFO, __VA_ARGS__)
#define pr_err(...)   printk_level(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk_level(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk_level(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk_level(LOG_DEBUG, __VA_ARGS__)

/* Raw write of bytes to the console (user-visible output, not filtered by level). */
void console_write(const char *buf, size_t len);
/* Read one byte if available; returns -1 when none is pending. */
int console_getc(void);
/*
 * Deliver console input by interrupt: fn(ctx, byte) runs in IRQ context for
 * every received byte (it must not sleep; typically it queues the byte and
 * wakes a wait queue). NULL turns the interrupt off again (polling with
 * console_getc() keeps working either way).
 */
void console_set_rx_handler(void (*fn)(void *ctx, uint8_t byte), void *ctx);
void console_set_loglevel(int level);
int console_loglevel(void);

/*
 * The kernel log: every printk message, whatever the console level, is also
 * kept as text lines "<level>[seconds.micros] message" in a ring of
 * CONSOLE_LOG_SIZE bytes (what syslog(2)/dmesg read). A position counts the
 * bytes logged since boot; older text than console_log_start() has been
 * overwritten. Both functions work in any context (they take the log lock
 * with IRQs off, briefly).
 */
#define CONSOLE_LOG_SIZE (64 * 1024)
/* The oldest position still kept (*start) and the position after the newest byte (*end). */
void console_log_bounds(uint64_t *start, uint64_t *end);
/*
 * Copy the log text from position pos (raised to the oldest kept position)
 * into buf, at most len bytes; returns the number copied, and *from gets
 * the position the copy began at.
 */
size_t console_log_read(uint64_t pos, char *buf, size_t len, uint64_t *from);

#endif
