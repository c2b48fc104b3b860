// SPDX-License-Identifier: MPL-2.0
// TSC clock calibrated against the PIT, the periodic APIC timer tick, RTC wall clock, ktimers.
#include <ostd/time.h>
#include <ostd/console.h>
#include <ostd/panic.h>
#include <ostd/sync.h>
#include <ostd/cpu.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "internal.h"

#define TICK_HZ 250

uint64_t tsc_khz;
static uint64_t tsc_boot;
static uint64_t tsc_mult;             /* ns = (tsc * mult) >> 32 */
static uint32_t apic_ticks_per_tick;
static int64_t realtime_offset_ns;    /* realtime = monotonic + offset; guarded by rt_lock */
static spinlock_t rt_lock = SPINLOCK_INIT("realtime");

uint64_t tsc_to_ns(uint64_t tsc)
{
    return (uint64_t)(((unsigned __int128)tsc * tsc_mult) >> 32);
}

uint64_t clock_monotonic_ns(void)
{
    if (!tsc_mult)
        return 0;
    return tsc_to_ns(rdtsc() - tsc_boot);
}

uint64_t clock_realtime_ns(void)
{
    return clock_monotonic_ns() + (uint64_t)__atomic_load_n(&realtime_offset_ns, __ATOMIC_RELAXED);
}

void clock_set_realtime_ns(uint64_t ns)
{
    unsigned long f = spin_lock_irqsave(&rt_lock);
    int64_t off = (int64_t)(ns - clock_monotonic_ns());
    __atomic_store_n(&realtime_offset_ns, off, __ATOMIC_RELAXED);
    vvar_set_realtime_offset(off);
    spin_unlock_irqrestore(&rt_lock, f);
}

uint64_t clock_tick_hz(void) { return TICK_HZ; }

/* Busy-wait on PIT channel 2 for ms milliseconds (gate via port 0x61). */
static void pit_wait_ms(unsigned ms)
{
    uint32_t count = 1193182 * ms / 1000;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);
    outb(0x43, 0xB0);                   /* channel 2, lo/hi, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, (count >> 8) & 0xff);
    uint8_t v = inb(0x61);
    outb(0x61, v & ~0x01);
    outb(0x61, v | 0x01);
    while (!(inb(0x61) & 0x20))
        ;
}

void tsc_calibrate(void)
{
    uint64_t best = ~0ULL;
    uint32_t apic_best = 0;
    lapic_write(LAPIC_TIMER_DIV, 0x3);   /* divide by 16 */
    for (int i = 0; i < 3; i++) {
        lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
        uint64_t t0 = rdtsc();
        pit_wait_ms(10);
        uint64_t t1 = rdtsc();
        uint32_t elapsed = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);
        if (t1 - t0 < best) {
            best = t1 - t0;
            apic_best = elapsed;
        }
    }
    lapic_write(LAPIC_TIMER_INIT, 0);
    tsc_khz = best / 10;
    if (tsc_khz == 0)
        panic("TSC calibration failed");
    tsc_mult = (uint64_t)(((unsigned __int128)1000000 << 32) / tsc_khz);
    tsc_boot = rdtsc();
    apic_ticks_per_tick = (uint32_t)((uint64_t)apic_best * 100 / TICK_HZ);
    printk("time: TSC %lu.%03lu MHz, APIC timer %u counts per %u Hz tick\n",
           tsc_khz / 1000, tsc_khz % 1000, apic_ticks_per_tick, TICK_HZ);
}

static uint8_t cmos(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static unsigned bcd(uint8_t v, bool is_bcd) { return is_bcd ? (v & 0xf) + (v >> 4) * 10 : v; }

static uint64_t days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (uint64_t)(era * 146097 + (int)doe - 719468);
}

static void rtc_read_boot_time(void)
{
    while (cmos(0x0A) & 0x80)
        ;
    uint8_t sec = cmos(0x00), min = cmos(0x02), hour = cmos(0x04);
    uint8_t day = cmos(0x07), mon = cmos(0x08), year = cmos(0x09), regb = cmos(0x0B);
    bool is_bcd = !(regb & 0x04);
    unsigned h = bcd(hour & 0x7f, is_bcd);
    if (!(regb & 0x02) && (hour & 0x80))
        h = (h % 12) + 12;
    uint64_t days = days_from_civil(2000 + (int)bcd(year, is_bcd), bcd(mon, is_bcd), bcd(day, is_bcd));
    uint64_t secs = days * 86400 + h * 3600 + bcd(min, is_bcd) * 60 + bcd(sec, is_bcd);
    clock_set_realtime_ns(secs * NSEC_PER_SEC);
}

static void run_timers(struct percpu *pc)
{
    uint64_t now = clock_monotonic_ns();
    spin_lock(&pc->timer_lock);
    while (!list_empty(&pc->timers)) {
        struct ktimer *t = list_first_entry(&pc->timers, struct ktimer, node);
        if (t->deadline_ns > now)
            break;
        list_del(&t->node);
        t->cpu = -1;
        __atomic_store_n(&pc->running_timer, t, __ATOMIC_RELEASE);
        spin_unlock(&pc->timer_lock);
        t->fn(t->arg);
        __atomic_store_n(&pc->running_timer, NULL, __ATOMIC_RELEASE);
        spin_lock(&pc->timer_lock);
    }
    spin_unlock(&pc->timer_lock);
}

void timer_irq(int vec, void *ctx)
{
    (void)vec;
    (void)ctx;
    run_timers(this_cpu());
    sched_tick();
}

static void apic_timer_start(void)
{
    lapic_write(LAPIC_TIMER_DIV, 0x3);
    lapic_write(LAPIC_TIMER_LVT, TIMER_VECTOR | (1 << 17));   /* periodic */
    lapic_write(LAPIC_TIMER_INIT, apic_ticks_per_tick);
}

void timer_init_bsp(void)
{
    vvar_init(tsc_boot, tsc_mult, 32, NSEC_PER_SEC / TICK_HZ);
    rtc_read_boot_time();
    trap_set_irq_handler(TIMER_VECTOR, timer_irq, NULL);
    apic_timer_start();
}

void timer_init_ap(void)
{
    vvar_init_cpu();
    apic_timer_start();
}

void ktimer_init(struct ktimer *t, void (*fn)(void *), void *arg)
{
    list_init(&t->node);
    t->fn = fn;
    t->arg = arg;
    t->cpu = -1;
    t->deadline_ns = 0;
}

void ktimer_arm(struct ktimer *t, uint64_t deadline_ns)
{
    ktimer_cancel(t);
    unsigned long f = irq_save();
    struct percpu *pc = this_cpu();
    spin_lock(&pc->timer_lock);
    t->deadline_ns = deadline_ns;
    t->cpu = (int)pc->cpu_id;
    struct list_head *p;
    list_for_each(p, &pc->timers)
        if (list_entry(p, struct ktimer, node)->deadline_ns > deadline_ns)
            break;
    list_add_tail(&t->node, p);
    spin_unlock(&pc->timer_lock);
    irq_restore(f);
}

/* Wait until no other CPU is running t's callback (its memory may be freed next). */
static void wait_callback_done(struct ktimer *t)
{
    for (unsigned c = 0; c < cpu_count(); c++) {
        struct percpu *pc = &percpu_array[c];
        if (pc == this_cpu())
            continue;   /* cancelling from inside the callback itself, or not running here */
        while (__atomic_load_n(&pc->running_timer, __ATOMIC_ACQUIRE) == t)
            cpu_relax();
    }
}

bool ktimer_cancel(struct ktimer *t)
{
    for (;;) {
        int cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        if (cpu < 0) {
            wait_callback_done(t);
            return false;
        }
        struct percpu *pc = &percpu_array[cpu];
        unsigned long f = spin_lock_irqsave(&pc->timer_lock);
        bool pending = t->cpu == cpu;
        if (pending) {
            list_del(&t->node);
            t->cpu = -1;
        }
        spin_unlock_irqrestore(&pc->timer_lock, f);
        if (pending)
            return true;
    }
}
