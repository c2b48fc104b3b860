// SPDX-License-Identifier: MPL-2.0
// Fixture R2: the volatile qualifier in any position.
#include <ostd/types.h>

volatile int flag;                                   // EXPECT: R2
static int __volatile__ other;                       // EXPECT: R2
#define MMIO(a) (*(__volatile uint32_t *)(uintptr_t)(a)) // EXPECT: R2

struct dev {
    int volatile status;                             // EXPECT: R2
};

int poll(struct dev *d, int *p)
{
    int a = *(volatile int *)p;                      // EXPECT: R2
    typedef volatile int vint;                       // EXPECT: R2
    vint b = 0;
    (void)b;
    return a + d->status + (int)MMIO(0x1000);        // EXPECT: R3
}
