// SPDX-License-Identifier: MPL-2.0
// Fixture: vDSO user code is not kernel code; the checker skips kernel/vdso/user (no hits, not counted).
static inline unsigned long long user_tsc(void)
{
    unsigned lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((unsigned long long)hi << 32) | lo;
}

unsigned long long read_page(unsigned long addr)
{
    return *(volatile unsigned long long *)addr + user_tsc();
}
