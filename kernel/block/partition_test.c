// SPDX-License-Identifier: MPL-2.0
// In-kernel tests of MBR and GPT parsing.
#include <ostd/ktest.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "block/partition.h"

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static void mbr_entry(uint8_t *sec, int i, uint8_t type, uint32_t start, uint32_t n)
{
    uint8_t *e = sec + 446 + 16 * i;
    memset(e, 0, 16);
    e[4] = type;
    put32(e + 8, start);
    put32(e + 12, n);
}

KTEST(partition_mbr)
{
    static uint8_t sec[512];
    struct part_extent p[4];
    memset(sec, 0, sizeof(sec));
    KT_EQ(part_parse_mbr(sec, 8192, p), 0);             /* no signature */
    sec[510] = 0x55;
    sec[511] = 0xaa;
    mbr_entry(sec, 0, 0x83, 2048, 4096);
    mbr_entry(sec, 2, 0x0c, 6144, 2048);                /* slot 3: vda3, slot 2 empty */
    mbr_entry(sec, 3, 0x83, 7000, 2000);                /* past the disk end: left out */
    KT_EQ(part_parse_mbr(sec, 8192, p), 4);
    KT_EQ(p[0].start, 2048);
    KT_EQ(p[0].nsectors, 4096);
    KT_EQ(p[1].nsectors, 0);
    KT_EQ(p[2].start, 6144);
    KT_EQ(p[3].nsectors, 0);
    mbr_entry(sec, 1, 0x05, 100, 100);                  /* extended: not a data partition */
    KT_EQ(part_parse_mbr(sec, 8192, p), 4);
    KT_EQ(p[1].nsectors, 0);
    mbr_entry(sec, 1, 0xee, 1, 8191);                   /* GPT protective */
    KT_EQ(part_parse_mbr(sec, 8192, p), -EAGAIN);
}

KTEST(partition_gpt)
{
    static uint8_t hdr[512], ent[128];
    uint64_t lba;
    uint32_t n, size;
    memset(hdr, 0, sizeof(hdr));
    memcpy(hdr, "EFI PART", 8);
    put64(hdr + 72, 2);
    put32(hdr + 80, 128);
    put32(hdr + 84, 128);
    KT_EQ(part_parse_gpt_header(hdr, 8192, &lba, &n, &size), 0);
    KT_EQ(lba, 2);
    KT_EQ(n, 128);
    KT_EQ(size, 128);
    put32(hdr + 84, 100);                               /* entry size not a power of two */
    KT_EQ(part_parse_gpt_header(hdr, 8192, &lba, &n, &size), -EINVAL);
    put32(hdr + 84, 128);
    put64(hdr + 72, 8190);                              /* the array runs off the disk */
    KT_EQ(part_parse_gpt_header(hdr, 8192, &lba, &n, &size), -EINVAL);
    hdr[0] = 'X';
    KT_EQ(part_parse_gpt_header(hdr, 8192, &lba, &n, &size), -EINVAL);

    struct part_extent e;
    memset(ent, 0, sizeof(ent));
    KT_EQ(part_parse_gpt_entry(ent, 128, 8192, &e), 0);  /* unused */
    ent[0] = 0xaf;
    put64(ent + 32, 2048);
    put64(ent + 40, 6143);
    KT_EQ(part_parse_gpt_entry(ent, 128, 8192, &e), 1);
    KT_EQ(e.start, 2048);
    KT_EQ(e.nsectors, 4096);
    put64(ent + 40, 9000);                              /* past the end */
    KT_EQ(part_parse_gpt_entry(ent, 128, 8192, &e), 0);
    put64(ent + 40, 1000);                              /* last before first */
    KT_EQ(part_parse_gpt_entry(ent, 128, 8192, &e), 0);
}
