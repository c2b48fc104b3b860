// SPDX-License-Identifier: MPL-2.0
// PCI configuration-header logic without hardware access: BAR decoding and capability lists.
#include <lib/pci.h>
#include <uapi/errno.h>

int pci_bar_decode(uint32_t lo, uint32_t hi, uint32_t size_lo, uint32_t size_hi,
		   struct pci_bar_info *out)
{
	*out = (struct pci_bar_info){ 0 };
	if (lo & 1) {
		uint32_t mask = size_lo & ~3u;
		out->io = true;
		out->base = lo & ~3u;
		out->size = mask ? (uint32_t)(~mask + 1) & 0xffff : 0;
		return 0;
	}
	unsigned type = (lo >> 1) & 3;
	if (type == 1 || type == 3)
		return -EINVAL;
	out->prefetch = lo & 8;
	out->is64 = type == 2;
	uint64_t mask = size_lo & ~0xfu;
	out->base = lo & ~0xfu;
	if (out->is64) {
		mask |= (uint64_t)size_hi << 32;
		out->base |= (uint64_t)hi << 32;
	} else {
		mask |= 0xffffffff00000000ull;
	}
	if (!(size_lo & ~0xfu) && !(out->is64 && size_hi))
		return 0;       /* no writable address bits: not implemented */
	out->size = ~mask + 1;
	return 0;
}

uint8_t pci_cap_find(const uint8_t cfg[256], uint8_t id, uint8_t after)
{
	uint16_t status = (uint16_t)(cfg[0x06] | cfg[0x07] << 8);
	if (!(status & 0x10))
		return 0;
	uint8_t off = after ? cfg[after + 1] : cfg[0x34];
	/* 48 capabilities fill the 192 bytes after the header: more is a loop. */
	for (int n = 0; n < 48; n++) {
		off &= 0xfc;
		if (off < 0x40)
			return 0;
		if (cfg[off] == id)
			return off;
		off = cfg[off + 1];
	}
	return 0;
}
