// SPDX-License-Identifier: MPL-2.0
// In-kernel tests of DMA buffers: sizes, alignment, bounded copies and scalar accessors.
#include <ostd/ktest.h>
#include <ostd/dma.h>
#include <lib/string.h>
#include <uapi/errno.h>

KTEST(dma_alloc_sizes_and_bounds)
{
    KT_ASSERT(dma_alloc(0) == NULL);
    KT_ASSERT(dma_alloc(DMA_MAX_SIZE + 1) == NULL);
    struct dma_buf *d = dma_alloc(5000);
    KT_ASSERT(d != NULL);
    KT_EQ(dma_size(d), 8192);
    KT_EQ(dma_addr(d) % 8192, 0);                       /* buddy blocks are size-aligned */
    uint8_t b[16];
    memset(b, 0xaa, sizeof(b));
    KT_EQ(dma_read(d, 8192 - 16, b, 16), 0);
    KT_EQ(b[0], 0);                                     /* zeroed */
    KT_EQ(dma_read(d, 8192 - 15, b, 16), -EINVAL);
    KT_EQ(dma_write(d, 8193, b, 0), -EINVAL);
    KT_EQ(dma_write(d, (size_t)-1, b, 2), -EINVAL);
    dma_store32(d, 4096, 0x11223344);
    dma_store16(d, 4100, 0x5566);
    dma_store64(d, 4104, 0x8877665544332211ull);
    KT_EQ(dma_load32(d, 4096), 0x11223344);
    KT_EQ(dma_load16(d, 4098), 0x1122);
    KT_EQ(dma_load16(d, 4102), 0);
    KT_EQ(dma_read(d, 4100, b, 12), 0);
    KT_EQ(b[0], 0x66);
    KT_EQ(b[4], 0x11);
    KT_EQ(b[11], 0x88);
    dma_free(d);
}
