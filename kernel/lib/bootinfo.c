// SPDX-License-Identifier: MPL-2.0
// Multiboot2 and PVH start-info parsers and the memory map normaliser.
#include <lib/bootinfo.h>
#include <uapi/errno.h>

/* Multiboot2 information block: u32 total_size, u32 reserved, then tags. */
#define MB2_HDR_SIZE 8
#define MB2_TAG_HDR 8
#define MB2_MAX_SIZE (1u << 20)   /* sanity cap on total_size */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_MMAP_ENTRY_MIN 24     /* u64 base, u64 length, u32 type, u32 rsvd */
#define RSDP_V1_SIZE 20
#define RSDP_V2_SIZE 36

/* struct hvm_start_info: 40 bytes in version 0, 56 from version 1. */
#define PVH_MAGIC 0x336ec578u
#define PVH_SI_V0_SIZE 40
#define PVH_SI_V1_SIZE 56
#define PVH_MOD_ENTRY_SIZE 32     /* paddr, size, cmdline_paddr, reserved */
#define PVH_MEMMAP_ENTRY_SIZE 24  /* addr, size, u32 type, u32 reserved */
#define PVH_MAX_MEMMAP 4096       /* more entries than this means garbage */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void zero_bytes(void *dst, size_t n)
{
	unsigned char *d = dst;

	for (size_t i = 0; i < n; i++)
		d[i] = 0;
}

/* Copy a string of at most srclen bytes (stops at NUL); always terminates. */
static void copy_str(char *dst, size_t cap, const uint8_t *src, size_t srclen)
{
	size_t n = 0;

	while (n + 1 < cap && n < srclen && src[n] != 0) {
		dst[n] = (char)src[n];
		n++;
	}
	dst[n] = 0;
}

static void reset_info(struct boot_info *bi, const char *loader)
{
	zero_bytes(bi, sizeof(*bi));
	copy_str(bi->loader, sizeof(bi->loader), (const uint8_t *)loader,
		 BOOT_LOADER_MAX);
}

static uint64_t region_end(const struct boot_mem_region *r)
{
	return r->base + r->len;
}

static uint32_t norm_type(uint32_t type)
{
	return type >= BOOT_MEM_USABLE && type <= BOOT_MEM_BAD ? type
							       : BOOT_MEM_RESERVED;
}

/* Strictness order used when regions overlap: the higher one wins. */
static int type_rank(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE: return 0;
	case BOOT_MEM_ACPI_RECLAIM: return 1;
	case BOOT_MEM_RESERVED: return 2;
	case BOOT_MEM_ACPI_NVS: return 3;
	default: return 4;
	}
}

static void remove_region(struct boot_info *bi, uint32_t i)
{
	for (uint32_t j = i; j + 1 < bi->nregions; j++)
		bi->regions[j] = bi->regions[j + 1];
	bi->nregions--;
}

static void sort_regions(struct boot_info *bi)
{
	for (uint32_t i = 1; i < bi->nregions; i++) {
		struct boot_mem_region r = bi->regions[i];
		uint32_t j = i;

		while (j > 0 && bi->regions[j - 1].base > r.base) {
			bi->regions[j] = bi->regions[j - 1];
			j--;
		}
		bi->regions[j] = r;
	}
}

/* Index i such that regions i and i+1 overlap, or -1. Needs sorted input. */
static int first_overlap(const struct boot_info *bi)
{
	for (uint32_t i = 0; i + 1 < bi->nregions; i++)
		if (bi->regions[i + 1].base < region_end(&bi->regions[i]))
			return (int)i;
	return -1;
}

/*
 * a (at index i) is less strict than b and b lies strictly inside it, so a
 * must become two pieces. Without a free slot: keep the larger piece of
 * usable memory, or give all of a b's stricter type.
 */
static void split_around(struct boot_info *bi, uint32_t i)
{
	struct boot_mem_region *a = &bi->regions[i];
	const struct boot_mem_region *b = &bi->regions[i + 1];
	uint64_t head = b->base - a->base, tail = region_end(a) - region_end(b);

	if (bi->nregions < BOOT_MAX_REGIONS) {
		bi->regions[bi->nregions++] = (struct boot_mem_region){
			region_end(b), tail, a->type };
		a->len = head;
	} else if (a->type == BOOT_MEM_USABLE) {
		bi->dropped_regions++;
		if (head >= tail) {
			a->len = head;
		} else {
			a->base = region_end(b);
			a->len = tail;
		}
	} else {
		a->type = b->type;
	}
}

/* Regions i and i+1 overlap, with base[i] <= base[i+1]: make progress. */
static void resolve_pair(struct boot_info *bi, uint32_t i)
{
	struct boot_mem_region *a = &bi->regions[i], *b = &bi->regions[i + 1];
	uint64_t a_end = region_end(a), b_end = region_end(b);

	if (a->type == b->type) {
		a->len = (a_end > b_end ? a_end : b_end) - a->base;
		remove_region(bi, i + 1);
	} else if (type_rank(a->type) > type_rank(b->type)) {
		if (b_end <= a_end) {
			remove_region(bi, i + 1);
		} else {
			b->base = a_end;
			b->len = b_end - a_end;
		}
	} else if (a_end <= b_end) {
		a->len = b->base - a->base;
		if (a->len == 0)
			remove_region(bi, i);
	} else if (a->base == b->base) {
		a->base = b_end;
		a->len = a_end - b_end;
	} else {
		split_around(bi, i);
	}
}

/*
 * Terminates: every step either shrinks a region, removes one, or raises a
 * region's type, and region ends only ever come from the original ends, so
 * (5 * covered elementary intervals + sum of (4 - rank)) strictly falls.
 */
static void resolve_overlaps(struct boot_info *bi)
{
	for (;;) {
		sort_regions(bi);
		int i = first_overlap(bi);

		if (i < 0)
			return;
		resolve_pair(bi, (uint32_t)i);
	}
}

/* Shrink usable regions to whole pages; drop those that vanish. */
static void align_usable(struct boot_info *bi)
{
	const uint64_t mask = BOOT_PAGE_SIZE - 1;
	uint32_t i = 0;

	while (i < bi->nregions) {
		struct boot_mem_region *r = &bi->regions[i];
		uint64_t end = region_end(r) & ~mask;
		uint64_t base = r->base > UINT64_MAX - mask ? UINT64_MAX & ~mask
							    : (r->base + mask) & ~mask;

		if (r->type != BOOT_MEM_USABLE) {
			i++;
		} else if (end <= base) {
			remove_region(bi, i);
		} else {
			r->base = base;
			r->len = end - base;
			i++;
		}
	}
}

/* Merge touching regions of one type. Needs sorted, non-overlapping input. */
static void merge_adjacent(struct boot_info *bi)
{
	uint32_t i = 0;

	while (i + 1 < bi->nregions) {
		struct boot_mem_region *a = &bi->regions[i];
		const struct boot_mem_region *b = &bi->regions[i + 1];

		if (a->type == b->type && region_end(a) == b->base) {
			a->len += b->len;
			remove_region(bi, i + 1);
		} else {
			i++;
		}
	}
}

/* Re-establish the per-region invariant on caller-edited input. */
static void drop_invalid(struct boot_info *bi)
{
	uint32_t i = 0;

	if (bi->nregions > BOOT_MAX_REGIONS)
		bi->nregions = BOOT_MAX_REGIONS;
	while (i < bi->nregions) {
		struct boot_mem_region *r = &bi->regions[i];

		r->type = norm_type(r->type);
		if (r->len > UINT64_MAX - r->base)
			r->len = UINT64_MAX - r->base;
		if (r->len == 0)
			remove_region(bi, i);
		else
			i++;
	}
}

void bootinfo_sanitize_memmap(struct boot_info *bi)
{
	drop_invalid(bi);
	resolve_overlaps(bi);
	merge_adjacent(bi);     /* before aligning: two half pages make a page */
	align_usable(bi);
}

/* Index of the smallest usable region, or -1. */
static int smallest_usable(const struct boot_info *bi)
{
	int best = -1;

	for (uint32_t i = 0; i < bi->nregions; i++) {
		const struct boot_mem_region *r = &bi->regions[i];

		if (r->type == BOOT_MEM_USABLE &&
		    (best < 0 || r->len < bi->regions[best].len))
			best = (int)i;
	}
	return best;
}

/* Table full: compact, then evict usable memory (the safe direction). */
static int make_room(struct boot_info *bi, uint32_t type)
{
	bootinfo_sanitize_memmap(bi);
	if (bi->nregions < BOOT_MAX_REGIONS)
		return 0;
	if (type == BOOT_MEM_USABLE)
		return 1;
	int victim = smallest_usable(bi);

	if (victim < 0)
		return -E2BIG;
	remove_region(bi, (uint32_t)victim);
	bi->dropped_regions++;
	return 0;
}

int bootinfo_add_region(struct boot_info *bi, uint64_t base, uint64_t len,
			uint32_t type)
{
	type = norm_type(type);
	if (len > UINT64_MAX - base)
		len = UINT64_MAX - base;
	if (len == 0)
		return 0;
	if (bi->nregions >= BOOT_MAX_REGIONS) {
		int rc = make_room(bi, type);

		if (rc < 0)
			return rc;
		if (rc > 0) {
			bi->dropped_regions++;
			return 0;
		}
	}
	bi->regions[bi->nregions++] = (struct boot_mem_region){ base, len, type };
	return 0;
}

static void add_module(struct boot_info *bi, uint64_t start, uint64_t size,
		       const uint8_t *cmd, size_t cmdlen)
{
	struct boot_module *m;

	if (size > UINT64_MAX - start || bi->nmodules >= BOOT_MAX_MODULES) {
		bi->dropped_modules++;
		return;
	}
	m = &bi->modules[bi->nmodules++];
	m->start = start;
	m->end = start + size;
	copy_str(m->cmdline, sizeof(m->cmdline), cmd, cmdlen);
}

/* ---- multiboot2 ---- */

struct mb2_state {
	bool have_mmap, have_meminfo;
	uint32_t mem_lower_kb, mem_upper_kb;
	uint64_t rsdp_old, rsdp_new;
};

static void mb2_module(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
	uint32_t start, end;

	if (size < 16) {
		bi->dropped_modules++;
		return;
	}
	start = le32(tag + 8);
	end = le32(tag + 12);
	if (end < start) {
		bi->dropped_modules++;
		return;
	}
	add_module(bi, start, end - start, tag + 16, size - 16);
}

static int mb2_mmap(struct boot_info *bi, struct mb2_state *st,
		    const uint8_t *tag, uint32_t size)
{
	uint32_t esz;

	if (size < 16)
		return 0;
	esz = le32(tag + 8);
	if (esz < MB2_MMAP_ENTRY_MIN)
		return 0;       /* unusable map: fall back to basic meminfo */
	st->have_mmap = true;
	for (uint32_t o = 16; o <= size && size - o >= esz; o += esz) {
		const uint8_t *e = tag + o;
		int rc = bootinfo_add_region(bi, le64(e), le64(e + 8), le32(e + 16));

		if (rc < 0)
			return rc;
	}
	return 0;
}

static int mb2_tag(struct boot_info *bi, struct mb2_state *st,
		   const uint8_t *tag, uint32_t size, uint64_t tag_paddr)
{
	switch (le32(tag)) {
	case MB2_TAG_CMDLINE:
		copy_str(bi->cmdline, sizeof(bi->cmdline), tag + 8, size - 8);
		break;
	case MB2_TAG_LOADER:
		if (size > 8 && tag[8] != 0)
			copy_str(bi->loader, sizeof(bi->loader), tag + 8, size - 8);
		break;
	case MB2_TAG_MODULE:
		mb2_module(bi, tag, size);
		break;
	case MB2_TAG_MEMINFO:
		if (size >= 16) {
			st->have_meminfo = true;
			st->mem_lower_kb = le32(tag + 8);
			st->mem_upper_kb = le32(tag + 12);
		}
		break;
	case MB2_TAG_MMAP:
		return mb2_mmap(bi, st, tag, size);
	case MB2_TAG_ACPI_OLD:
		if (size >= 8 + RSDP_V1_SIZE)
			st->rsdp_old = tag_paddr + 8;
		break;
	case MB2_TAG_ACPI_NEW:
		if (size >= 8 + RSDP_V2_SIZE)
			st->rsdp_new = tag_paddr + 8;
		break;
	default:
		break;
	}
	return 0;
}

static int mb2_finish(struct boot_info *bi, const struct mb2_state *st)
{
	int rc = 0;

	bi->rsdp_paddr = st->rsdp_new ? st->rsdp_new : st->rsdp_old;
	if (st->have_mmap || !st->have_meminfo)
		return 0;
	rc = bootinfo_add_region(bi, 0, (uint64_t)st->mem_lower_kb * 1024,
				 BOOT_MEM_USABLE);
	if (rc == 0)
		rc = bootinfo_add_region(bi, 1u << 20,
					 (uint64_t)st->mem_upper_kb * 1024,
					 BOOT_MEM_USABLE);
	return rc;
}

/* Walk the tags of a block already known to be total bytes long. */
static int mb2_walk(struct boot_info *bi, const uint8_t *buf, uint32_t total,
		    uint64_t paddr)
{
	struct mb2_state st = { 0 };
	uint32_t off = MB2_HDR_SIZE;

	while (total - off >= MB2_TAG_HDR) {
		uint32_t type = le32(buf + off), size = le32(buf + off + 4);

		if (size < MB2_TAG_HDR || size > total - off)
			return -EINVAL;
		if (type == MB2_TAG_END)
			return mb2_finish(bi, &st);
		int rc = mb2_tag(bi, &st, buf + off, size, paddr + off);

		if (rc < 0)
			return rc;
		if (size > total - off - 7)
			break;          /* no room for another tag after padding */
		off += (size + 7) & ~7u;
	}
	return -EINVAL;                 /* no end tag */
}

int bootinfo_from_multiboot2(struct boot_info *bi, uint64_t info_paddr,
			     phys_view_fn view, void *ctx)
{
	const uint8_t *buf;
	uint32_t total;

	reset_info(bi, "multiboot2");
	buf = view(ctx, info_paddr, MB2_HDR_SIZE);
	if (!buf)
		return -EFAULT;
	total = le32(buf);
	if (total < MB2_HDR_SIZE + MB2_TAG_HDR || total > MB2_MAX_SIZE ||
	    info_paddr > UINT64_MAX - total)
		return -EINVAL;
	buf = view(ctx, info_paddr, total);
	if (!buf)
		return -EFAULT;
	bi->info_start = info_paddr;
	bi->info_end = info_paddr + total;
	return mb2_walk(bi, buf, total, info_paddr);
}

/* ---- PVH ---- */

/* Widen [info_start, info_end) to cover [paddr, paddr + len). */
static int extent_add(struct boot_info *bi, uint64_t paddr, uint64_t len)
{
	if (len == 0)
		return 0;
	if (paddr > UINT64_MAX - len)
		return -EINVAL;
	if (bi->info_end == 0 || paddr < bi->info_start)
		bi->info_start = paddr;
	if (paddr + len > bi->info_end)
		bi->info_end = paddr + len;
	return 0;
}

/*
 * Copy the NUL-terminated string at paddr (0 means none) into dst, viewing
 * at most one page at a time so no view crosses a page boundary.
 */
static int read_phys_str(phys_view_fn view, void *ctx, uint64_t paddr,
			 char *dst, size_t cap)
{
	size_t n = 0;

	dst[0] = 0;
	while (paddr != 0 && n + 1 < cap) {
		size_t chunk = BOOT_PAGE_SIZE - (size_t)(paddr % BOOT_PAGE_SIZE);
		const uint8_t *p;

		if (chunk > cap - 1 - n)
			chunk = cap - 1 - n;
		p = view(ctx, paddr, chunk);
		if (!p)
			return -EFAULT;
		for (size_t i = 0; i < chunk; i++) {
			if (p[i] == 0)
				return 0;
			dst[n++] = (char)p[i];
			dst[n] = 0;
		}
		paddr += chunk;         /* wraps to 0 (and stops) at the top */
	}
	return 0;
}

static int pvh_modules(struct boot_info *bi, uint64_t list, uint32_t count,
		       phys_view_fn view, void *ctx)
{
	uint32_t n = count > BOOT_MAX_MODULES ? BOOT_MAX_MODULES : count;
	const uint8_t *ents;
	char cmd[BOOT_MODULE_CMDLINE_MAX];

	bi->dropped_modules += count - n;
	if (n == 0)
		return 0;
	if (list == 0)
		return -EINVAL;
	ents = view(ctx, list, (size_t)n * PVH_MOD_ENTRY_SIZE);
	if (!ents)
		return -EFAULT;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = ents + (size_t)i * PVH_MOD_ENTRY_SIZE;
		int rc = read_phys_str(view, ctx, le64(e + 16), cmd, sizeof(cmd));

		if (rc < 0)
			return rc;
		add_module(bi, le64(e), le64(e + 8), (const uint8_t *)cmd,
			   sizeof(cmd));
	}
	return extent_add(bi, list, (uint64_t)n * PVH_MOD_ENTRY_SIZE);
}

static int pvh_memmap(struct boot_info *bi, uint64_t map, uint32_t count,
		      phys_view_fn view, void *ctx)
{
	const uint8_t *ents;

	if (count == 0)
		return 0;
	if (map == 0 || count > PVH_MAX_MEMMAP)
		return -EINVAL;
	ents = view(ctx, map, (size_t)count * PVH_MEMMAP_ENTRY_SIZE);
	if (!ents)
		return -EFAULT;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = ents + (size_t)i * PVH_MEMMAP_ENTRY_SIZE;
		int rc = bootinfo_add_region(bi, le64(e), le64(e + 8), le32(e + 16));

		if (rc < 0)
			return rc;
	}
	return extent_add(bi, map, (uint64_t)count * PVH_MEMMAP_ENTRY_SIZE);
}

int bootinfo_from_pvh(struct boot_info *bi, uint64_t start_info_paddr,
		      phys_view_fn view, void *ctx)
{
	const uint8_t *si;
	uint64_t memmap = 0;
	uint32_t memmap_entries = 0, si_len = PVH_SI_V0_SIZE;
	int rc;

	reset_info(bi, "pvh");
	si = view(ctx, start_info_paddr, PVH_SI_V0_SIZE);
	if (!si)
		return -EFAULT;
	if (le32(si) != PVH_MAGIC)
		return -EINVAL;
	if (le32(si + 4) >= 1) {
		si_len = PVH_SI_V1_SIZE;
		si = view(ctx, start_info_paddr, si_len);
		if (!si)
			return -EFAULT;
		memmap = le64(si + 40);
		memmap_entries = le32(si + 48);
	}
	bi->rsdp_paddr = le64(si + 32);
	rc = extent_add(bi, start_info_paddr, si_len);
	if (rc == 0)
		rc = read_phys_str(view, ctx, le64(si + 24), bi->cmdline,
				   sizeof(bi->cmdline));
	if (rc == 0)
		rc = pvh_modules(bi, le64(si + 16), le32(si + 12), view, ctx);
	if (rc == 0)
		rc = pvh_memmap(bi, memmap, memmap_entries, view, ctx);
	return rc;
}
