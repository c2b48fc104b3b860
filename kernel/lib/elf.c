// SPDX-License-Identifier: MPL-2.0
// Validation and program-header walking for ELF64 x86-64 executables (pure, no I/O).
#include <lib/elf.h>
#include <lib/string.h>
#include <uapi/errno.h>

static bool ident_ok(const unsigned char *id)
{
	return id[EI_MAG0] == ELFMAG0 && id[EI_MAG1] == ELFMAG1 &&
	       id[EI_MAG2] == ELFMAG2 && id[EI_MAG3] == ELFMAG3 &&
	       id[EI_CLASS] == ELFCLASS64 && id[EI_DATA] == ELFDATA2LSB &&
	       id[EI_VERSION] == EV_CURRENT;
}

int elf_check_header(const void *buf, size_t len, uint64_t file_size, Elf64_Ehdr *eh)
{
	if (len < sizeof(*eh) || file_size < sizeof(*eh))
		return -ENOEXEC;
	// Copy first: buf need not be aligned for Elf64_Ehdr.
	memcpy(eh, buf, sizeof(*eh));
	if (!ident_ok(eh->e_ident) || eh->e_machine != EM_X86_64)
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum == PN_XNUM)
		return -ENOEXEC;
	uint64_t table = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (table > ELF_PHDRS_MAX_BYTES || eh->e_phoff > file_size ||
	    file_size - eh->e_phoff < table)
		return -ENOEXEC;
	return 0;
}

uint64_t elf_phdrs_end(const Elf64_Ehdr *eh)
{
	return eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
}

int elf_get_phdr(const void *buf, size_t len, const Elf64_Ehdr *eh, unsigned idx, Elf64_Phdr *ph)
{
	const unsigned char *base = buf;

	if (idx >= eh->e_phnum)
		return -EINVAL;
	if (eh->e_phoff > len || elf_phdrs_end(eh) > len || elf_phdrs_end(eh) < eh->e_phoff)
		return -ENOEXEC;
	memcpy(ph, base + eh->e_phoff + (uint64_t)idx * sizeof(*ph), sizeof(*ph));
	return 0;
}

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

int elf_check_load(const Elf64_Phdr *ph, uint64_t file_size)
{
	if (ph->p_filesz > ph->p_memsz)
		return -EINVAL;
	if (ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
		return -EINVAL;
	if (ph->p_offset > file_size || file_size - ph->p_offset < ph->p_filesz)
		return -EINVAL;
	if (ph->p_align > 1 && (!is_pow2(ph->p_align) ||
				(ph->p_vaddr - ph->p_offset) % ph->p_align != 0))
		return -EINVAL;
	// Segments are mapped page by page, so the page offsets must agree.
	if ((ph->p_vaddr - ph->p_offset) % ELF_PAGE_SIZE != 0)
		return -EINVAL;
	return 0;
}

int elf_check_interp(const Elf64_Phdr *ph, uint64_t file_size)
{
	if (ph->p_filesz < 2 || ph->p_filesz > ELF_INTERP_MAX)
		return -ENOEXEC;
	if (ph->p_offset > file_size || file_size - ph->p_offset < ph->p_filesz)
		return -ENOEXEC;
	return 0;
}

int elf_check_interp_path(const char *path, size_t len)
{
	if (len < 2 || path[len - 1] != '\0' || memchr(path, '\0', len - 1))
		return -ENOEXEC;
	return 0;
}

// Folds one valid PT_LOAD into the address span and phdr lookup.
static void note_load(struct elf_info *info, const Elf64_Phdr *ph)
{
	const Elf64_Ehdr *eh = &info->ehdr;
	const uint64_t mask = ~(ELF_PAGE_SIZE - 1);
	uint64_t start = ph->p_vaddr & mask;
	uint64_t end = ph->p_vaddr + ph->p_memsz;

	// Round up without overflow; an end inside the last page saturates
	// (and is then rejected by check_span).
	end = end > mask ? mask : (end + ELF_PAGE_SIZE - 1) & mask;
	if (info->nload == 0 || start < info->load_start)
		info->load_start = start;
	if (info->nload == 0 || end > info->load_end)
		info->load_end = end;
	info->nload++;
	if (!info->phdr_vaddr && eh->e_phoff >= ph->p_offset &&
	    elf_phdrs_end(eh) <= ph->p_offset + ph->p_filesz)
		info->phdr_vaddr = ph->p_vaddr + (eh->e_phoff - ph->p_offset);
}

static int note_phdr(struct elf_info *info, const Elf64_Phdr *ph, uint64_t file_size)
{
	int err;

	switch (ph->p_type) {
	case PT_LOAD:
		if ((err = elf_check_load(ph, file_size)) != 0)
			return err;
		note_load(info, ph);
		break;
	case PT_INTERP:
		// Like Linux, only the first PT_INTERP counts.
		if (info->has_interp)
			break;
		if ((err = elf_check_interp(ph, file_size)) != 0)
			return err;
		info->has_interp = true;
		info->interp_offset = ph->p_offset;
		info->interp_size = ph->p_filesz;
		break;
	case PT_GNU_STACK:
		info->has_gnu_stack = true;
		info->exec_stack = (ph->p_flags & PF_X) != 0;
		break;
	default:
		break;
	}
	return 0;
}

static int check_span(const struct elf_info *info)
{
	if (info->nload == 0)
		return -EINVAL;
	if (info->ehdr.e_type == ET_EXEC)
		return info->load_end <= ELF_USER_END ? 0 : -EINVAL;
	return info->load_end - info->load_start <= ELF_USER_END ? 0 : -EINVAL;
}

int elf_parse(const void *buf, size_t len, uint64_t file_size, struct elf_info *info)
{
	Elf64_Phdr ph;
	uint64_t pt_phdr = 0;
	bool has_pt_phdr = false;
	int err;

	memset(info, 0, sizeof(*info));
	info->exec_stack = true;
	if ((err = elf_check_header(buf, len, file_size, &info->ehdr)) != 0)
		return err;
	for (unsigned i = 0; i < info->ehdr.e_phnum; i++) {
		if ((err = elf_get_phdr(buf, len, &info->ehdr, i, &ph)) != 0)
			return err;
		if ((err = note_phdr(info, &ph, file_size)) != 0)
			return err;
		if (ph.p_type == PT_PHDR && !has_pt_phdr) {
			has_pt_phdr = true;
			pt_phdr = ph.p_vaddr;
		}
	}
	// An explicit PT_PHDR is authoritative over the PT_LOAD lookup.
	if (has_pt_phdr)
		info->phdr_vaddr = pt_phdr;
	return check_span(info);
}
