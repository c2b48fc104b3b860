// SPDX-License-Identifier: MPL-2.0
// Boot protocol parsers: turn multiboot2 or PVH start info into one struct boot_info.
#ifndef KEEL_LIB_BOOTINFO_H
#define KEEL_LIB_BOOTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Physical memory is reached only through this callback: it returns a
 * readable view of [paddr, paddr + len) or NULL when that range is not
 * accessible. A view must stay valid until the parser that asked for it
 * returns (parsers hold several at once); parsers never read outside a view
 * and never keep one after they return.
 */
typedef const void *(*phys_view_fn)(void *ctx, uint64_t paddr, size_t len);

/* Region types use the e820 numbering; anything else becomes RESERVED. */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1,
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI_RECLAIM = 3,
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
};

#define BOOT_MAX_REGIONS 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODULE_CMDLINE_MAX 64
#define BOOT_LOADER_MAX 32
#define BOOT_PAGE_SIZE 4096u

/* Invariant kept by the parsers: len > 0 and base + len does not overflow. */
struct boot_mem_region {
	uint64_t base, len;
	uint32_t type;
};

/* [start, end) in physical memory; cmdline is NUL-terminated, maybe truncated. */
struct boot_module {
	uint64_t start, end;
	char cmdline[BOOT_MODULE_CMDLINE_MAX];
};

/*
 * Everything the kernel needs from the boot loader, copied out of the
 * loader's structures so those can be reused once reserved ranges are known.
 * Strings are always NUL-terminated (truncated if the source was longer).
 * dropped_* count entries that did not fit or were malformed; the kernel
 * should log them.
 */
struct boot_info {
	uint32_t nregions;
	struct boot_mem_region regions[BOOT_MAX_REGIONS];
	uint32_t nmodules;
	struct boot_module modules[BOOT_MAX_MODULES];
	char cmdline[BOOT_CMDLINE_MAX];
	uint64_t rsdp_paddr;            /* 0 if unknown */
	char loader[BOOT_LOADER_MAX];   /* "pvh", "multiboot2" or the name tag */
	uint64_t info_start, info_end;  /* physical extent to reserve, see parsers */
	uint32_t dropped_regions;       /* usable regions evicted for lack of room */
	uint32_t dropped_modules;       /* modules beyond BOOT_MAX_MODULES or malformed */
};

/*
 * Fill *bi from the multiboot2 information block at info_paddr (EBX at
 * entry; the caller has checked EAX == 0x36d76289). info_start/info_end
 * cover the whole block (total_size bytes). If there is no memory map tag,
 * the basic meminfo tag gives two usable regions. rsdp_paddr points at the
 * RSDP copy inside the ACPI tag (new RSDP preferred over old).
 * Returns 0, -EFAULT if the block is not viewable, -EINVAL if malformed,
 * -E2BIG if the memory map has more non-usable regions than fit.
 * Regions are not sanitized; call bootinfo_sanitize_memmap() afterwards.
 */
__attribute__((warn_unused_result))
int bootinfo_from_multiboot2(struct boot_info *bi, uint64_t info_paddr,
			     phys_view_fn view, void *ctx);

/*
 * Fill *bi from the PVH struct hvm_start_info at start_info_paddr (EBX at
 * entry). info_start/info_end is the smallest single range covering the
 * start_info, the module list and the memory map array (it may include
 * unrelated memory between them; strings are copied and not covered).
 * A version-0 start_info has no memory map: nregions stays 0 and the caller
 * must get one elsewhere. Returns 0, -EINVAL on a bad magic or malformed
 * data, -EFAULT if a needed range is not viewable, -E2BIG as above.
 */
__attribute__((warn_unused_result))
int bootinfo_from_pvh(struct boot_info *bi, uint64_t start_info_paddr,
		      phys_view_fn view, void *ctx);

/*
 * Normalise bi->regions: afterwards they are sorted by base, do not overlap,
 * adjacent regions of one type are merged, and usable regions are shrunk
 * inwards to whole pages (dropped if nothing is left). Where regions
 * overlap the stricter type wins (usable < ACPI reclaimable < reserved <
 * ACPI NVS < bad). If splitting a region needs more than BOOT_MAX_REGIONS
 * slots, usable memory is given up (never reserved memory made usable).
 */
void bootinfo_sanitize_memmap(struct boot_info *bi);

/*
 * Append one region (type normalised to e820 numbering, clamped so it does
 * not wrap). When the table is full it is sanitized to make room, then a
 * usable region is evicted if needed. Returns 0 or -E2BIG.
 */
__attribute__((warn_unused_result))
int bootinfo_add_region(struct boot_info *bi, uint64_t base, uint64_t len,
			uint32_t type);

#endif
