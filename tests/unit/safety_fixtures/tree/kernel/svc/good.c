// SPDX-License-Identifier: MPL-2.0
// Fixture: tricky negatives; nothing in this file may be reported.
/* Words in comments do not count: volatile asm __asm__ arch_x __ostd_y
 * __builtin_frame_address __attribute__((section(".x"))) (int *)0x1000
 * #pragma GCC diagnostic ignored "-Wall" */
#include <ostd/types.h>
#include <ostd/ktest.h>
#include <stddef.h>
#include <uapi/fixture_abi.h>
#include "svc/good.h"

#if 0
volatile int dead_code;
asm("nop");
#endif

static const char *words = "volatile asm __asm__ arch_x __builtin_frame_address";
static const char pragma_text[] = "#pragma GCC diagnostic ignored";

struct pair { int first; int second; };

uintptr_t addr_of(const void *p)
{
    return (uintptr_t)p;                       /* pointer -> integer is fine */
}

long null_pointers(int *p)
{
    int *a = 0;
    int *b = NULL;
    void *c = (void *)0;
    char *d = (char *)(1 - 1);
    if (p == 0 || p == NULL)
        return 0;
    return (a == b) + (c == d) + (long)sizeof(((struct pair *)0)->second);
}

struct item *item_lookup(struct ostd_node *n)
{
    struct item *x = container_of(n, struct item, link);
    struct item *y = item_of(n);
    struct item *z = item_from_node(n);
    return x == y && y == z ? item_from_link(n) : NULL;
}

int audited_macros(int *slot)
{
    void *err = ERR_PTR(-22);
    cpu_relax();
    return READ_ONCE(*slot) + (int)PTR_ERR(err) + (int)io_peek(0);
}

int *own_container(int *second)
{
    struct pair *pp = (struct pair *)(void *)((char *)second -
                                            offsetof(struct pair, second));
    return &pp->first;
}

const char *byte_walk(const struct pair *p, size_t i)
{
    const unsigned char *bytes = (const unsigned char *)p;
    return (const char *)(bytes + i) + (words[0] - words[0]) +
           (pragma_text[0] - pragma_text[0]);
}

unsigned long long user_addr(const struct fixture_abi *abi)
{
    return abi->addr + FIXTURE_MAGIC;
}

KTEST(good_registration)
{
}
