// SPDX-License-Identifier: MPL-2.0
// Validation and program-header walking for ELF64 x86-64 executables (pure, no I/O).
#ifndef KEEL_LIB_ELF_H
#define KEEL_LIB_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uapi/elf.h>

#define ELF_PAGE_SIZE 4096ULL
#define ELF_PHDRS_MAX_BYTES 65536   // largest accepted program header table
#define ELF_INTERP_MAX 4096         // PATH_MAX: longest PT_INTERP, NUL included
#define ELF_USER_END 0x00007ffffffff000ULL // top of the 47-bit user half, one guard page below 2^47

// What the loader needs to know, gathered by elf_parse. Addresses are the
// file's own (before any load bias for ET_DYN).
struct elf_info {
	Elf64_Ehdr ehdr;
	bool has_interp;
	uint64_t interp_offset;  // file range of the interpreter path
	uint64_t interp_size;    // includes the terminating NUL
	bool has_gnu_stack;
	bool exec_stack;         // PT_GNU_STACK has PF_X, or there is no PT_GNU_STACK
	unsigned nload;          // number of PT_LOAD segments
	uint64_t load_start;     // lowest PT_LOAD vaddr, rounded down to a page
	uint64_t load_end;       // highest PT_LOAD vaddr+memsz, rounded up to a page
	uint64_t phdr_vaddr;     // where the phdr table is mapped (for AT_PHDR), 0 if nowhere
};

// Checks the ELF header in buf[0, len) (a prefix of a file of file_size
// bytes) and copies it to *eh. Returns 0, or -ENOEXEC unless it is a
// little-endian ELF64 ET_EXEC/ET_DYN for x86-64 whose program header table
// (1..ELF_PHDRS_MAX_BYTES bytes of 56-byte entries) lies inside the file.
int elf_check_header(const void *buf, size_t len, uint64_t file_size, Elf64_Ehdr *eh)
	__attribute__((warn_unused_result));

// File offset just past the program header table of a checked header: the
// prefix length a caller must read before calling elf_get_phdr/elf_parse.
uint64_t elf_phdrs_end(const Elf64_Ehdr *eh);

// Copies program header idx out of buf (which holds the file prefix).
// Returns 0, -EINVAL if idx >= e_phnum, -ENOEXEC if the table is not in buf.
int elf_get_phdr(const void *buf, size_t len, const Elf64_Ehdr *eh, unsigned idx, Elf64_Phdr *ph)
	__attribute__((warn_unused_result));

// Checks a PT_LOAD: filesz <= memsz, no address or offset overflow, file
// bytes inside the file, power-of-two p_align with vaddr and offset congruent
// modulo it and modulo the page size. Returns 0 or -EINVAL.
int elf_check_load(const Elf64_Phdr *ph, uint64_t file_size)
	__attribute__((warn_unused_result));

// Checks a PT_INTERP's file range (2..ELF_INTERP_MAX bytes inside the file).
// Returns 0 or -ENOEXEC.
int elf_check_interp(const Elf64_Phdr *ph, uint64_t file_size)
	__attribute__((warn_unused_result));

// Checks interpreter path bytes read from the file: NUL-terminated exactly
// at path[len-1] and non-empty. Returns 0 or -ENOEXEC.
int elf_check_interp_path(const char *path, size_t len)
	__attribute__((warn_unused_result));

// Validates header and every program header in buf (a prefix of the file of
// at least elf_phdrs_end bytes) and summarizes them. Returns 0; -ENOEXEC for a
// file that is not a loadable x86-64 ELF or a bad PT_INTERP; -EINVAL for a bad
// PT_LOAD, none at all, or (ET_EXEC) one above ELF_USER_END or spanning more
// than that for ET_DYN.
int elf_parse(const void *buf, size_t len, uint64_t file_size, struct elf_info *info)
	__attribute__((warn_unused_result));

#endif // KEEL_LIB_ELF_H
