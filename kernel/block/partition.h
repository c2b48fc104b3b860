// SPDX-License-Identifier: MPL-2.0
// Partition tables (MBR, GPT) parsed from sector images into a list of extents.
#ifndef KEEL_BLOCK_PARTITION_H
#define KEEL_BLOCK_PARTITION_H

#include <ostd/types.h>

#define PART_MAX 15     /* minors 1..15 of a disk, as virtblk reserves */

struct part_extent { uint64_t start, nsectors; };

/*
 * Parse an MBR sector (512 bytes). Fills out[] with the non-empty primary
 * entries in table order (slot i becomes partition i + 1; empty slots have
 * nsectors 0), clipped entries rejected: an entry past disk_sectors is
 * left out. Returns the number of slots (4), 0 with no valid signature,
 * or -EAGAIN when the table is a GPT protective MBR.
 */
int part_parse_mbr(const uint8_t sec[512], uint64_t disk_sectors, struct part_extent out[4]);

/*
 * Parse a GPT header sector; on success *entries_lba, *nentries, *entry_size
 * describe the entry array. Returns 0 or -EINVAL.
 */
int part_parse_gpt_header(const uint8_t sec[512], uint64_t disk_sectors, uint64_t *entries_lba,
                          uint32_t *nentries, uint32_t *entry_size);
/* One GPT entry of entry_size bytes: 1 with *out filled, 0 if unused or invalid. */
int part_parse_gpt_entry(const uint8_t *e, uint32_t entry_size, uint64_t disk_sectors,
                         struct part_extent *out);

#endif
