// SPDX-License-Identifier: MPL-2.0
// Partition tables (MBR, GPT) parsed from sector images into a list of extents.
#include <uapi/errno.h>
#include "block/partition.h"

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

int part_parse_mbr(const uint8_t sec[512], uint64_t disk_sectors, struct part_extent out[4])
{
    if (sec[510] != 0x55 || sec[511] != 0xaa)
        return 0;
    for (int i = 0; i < 4; i++) {
        const uint8_t *e = sec + 446 + 16 * i;
        if (e[4] == 0xee)
            return -EAGAIN;
    }
    for (int i = 0; i < 4; i++) {
        const uint8_t *e = sec + 446 + 16 * i;
        uint64_t start = le32(e + 8), n = le32(e + 12);
        out[i] = (struct part_extent){ 0, 0 };
        /* FIXME: extended partitions (types 0x05, 0x0f, 0x85): logical partitions are not listed. */
        if (e[4] == 0 || n == 0 || e[4] == 0x05 || e[4] == 0x0f || e[4] == 0x85)
            continue;
        if (start == 0 || start >= disk_sectors || n > disk_sectors - start)
            continue;
        out[i] = (struct part_extent){ start, n };
    }
    return 4;
}

int part_parse_gpt_header(const uint8_t sec[512], uint64_t disk_sectors, uint64_t *entries_lba,
                          uint32_t *nentries, uint32_t *entry_size)
{
    static const char sig[8] = { 'E', 'F', 'I', ' ', 'P', 'A', 'R', 'T' };
    for (int i = 0; i < 8; i++)
        if (sec[i] != (uint8_t)sig[i])
            return -EINVAL;
    /* FIXME: the header and entry-array CRC32s are not verified. */
    uint64_t lba = le64(sec + 72);
    uint32_t n = le32(sec + 80), size = le32(sec + 84);
    if (size < 128 || size > 512 || (size & (size - 1)) || n == 0 || n > 1024)
        return -EINVAL;
    uint64_t bytes = (uint64_t)n * size;
    if (lba < 2 || lba >= disk_sectors || (bytes + 511) / 512 > disk_sectors - lba)
        return -EINVAL;
    *entries_lba = lba;
    *nentries = n;
    *entry_size = size;
    return 0;
}

int part_parse_gpt_entry(const uint8_t *e, uint32_t entry_size, uint64_t disk_sectors,
                         struct part_extent *out)
{
    bool used = false;
    for (int i = 0; i < 16; i++)
        used |= e[i] != 0;
    if (!used || entry_size < 128)
        return 0;
    uint64_t first = le64(e + 32), last = le64(e + 40);
    if (first == 0 || last < first || last >= disk_sectors)
        return 0;
    *out = (struct part_extent){ first, last - first + 1 };
    return 1;
}
