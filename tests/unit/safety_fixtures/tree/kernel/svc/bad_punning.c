// SPDX-License-Identifier: MPL-2.0
// Fixture R8: pointer reinterpretation.
#include <ostd/types.h>

struct a { int x; };
struct b { long y; };
struct base { int kind; };
struct derived { struct base base; int extra; };
struct deeper { struct derived d; };
union any { struct a a; struct b b; };
typedef int (*op_fn)(int);
#define AS_B(p) ((struct b *)(p))

long pun(struct a *pa, int *pi, void *code)
{
    struct b *pb = (struct b *)pa;                 // EXPECT: R8
    long *pl = (long *)pi;                         // EXPECT: R8
    op_fn f = (op_fn)code;                         // EXPECT: R8
    op_fn f2 = code;                               // EXPECT: R8
    void (*g)(void) = (void (*)(void))f;           // EXPECT: R8
    struct a **pp = (struct a **)&pb;              // EXPECT: R8
    return pb->y + *pl + AS_B(pa)->y + (long)g + (long)pp + (long)f2; // EXPECT: R8
}

int related(struct deeper *dp, struct a *pa, union any *u, op_fn f)
{
    struct base *b = (struct base *)dp;
    struct derived *d = (struct derived *)b;
    struct deeper *back = (struct deeper *)b;
    union any *ua = (union any *)pa;
    struct b *ub = (struct b *)u;
    const struct a *ca = (const struct a *)pa;
    op_fn same = (op_fn)f;
    void *erased = (void *)f;
    return d->extra + back->d.extra + ua->a.x + (int)ub->y + ca->x +
           same(0) + (erased != 0);
}

long byte_views(struct a *pa, const void *raw, uint8_t *buf)
{
    unsigned char *c = (unsigned char *)pa;
    const struct b *pb = (const struct b *)raw;
    struct a *from_bytes = (struct a *)buf;
    char *s = (char *)pb;
    return c[0] + pb->y + from_bytes->x + s[0];
}
