// SPDX-License-Identifier: MPL-2.0
// ELF loader: maps PT_LOAD segments and builds the initial stack (argv, envp, auxv) as Linux does.
#include <ostd/frame.h>
#include <ostd/vm_space.h>
#include <ostd/user.h>
#include <ostd/cpu.h>
#include <ostd/heap.h>
#include <lib/elf.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "proc/exec.h"
#include "fs/vfs.h"

#define STACK_TOP     0x00007ffffffff000ULL
#define STACK_PAGES   32
#define PIE_BASE      0x0000555555554000ULL
#define MAX_ARG_BYTES (128 * 1024)

static unsigned seg_prot(uint32_t flags)
{
    return ((flags & PF_R) ? VM_READ : 0) | ((flags & PF_W) ? VM_WRITE : 0) | ((flags & PF_X) ? VM_EXEC : 0);
}

/* Get the frame at va, mapping a zeroed one if none is there yet. */
static struct frame *page_at(struct vm_space *vs, uint64_t va, unsigned prot, int *err)
{
    struct frame *f = vm_query(vs, va, NULL);
    if (f) {
        if (prot & VM_WRITE)
            vm_protect(vs, va, PAGE_SIZE, prot | VM_WRITE);
        return f;
    }
    f = frame_alloc(FRAME_ZERO);
    if (!f) {
        *err = -ENOMEM;
        return NULL;
    }
    *err = vm_map(vs, va, f, prot);
    if (*err) {
        frame_put(f);
        return NULL;
    }
    return f;
}

static int load_segment(struct vm_space *vs, const struct exec_image *img, const Elf64_Phdr *ph, uint64_t bias)
{
    uint64_t start = ALIGN_DOWN(ph->p_vaddr + bias, PAGE_SIZE);
    uint64_t end = ALIGN_UP(ph->p_vaddr + bias + ph->p_memsz, PAGE_SIZE);
    uint64_t file_va = ph->p_vaddr + bias, file_end = file_va + ph->p_filesz;
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        int err = 0;
        struct frame *f = page_at(vs, va, seg_prot(ph->p_flags), &err);
        if (!f)
            return err;
        uint64_t lo = MAX(va, file_va), hi = MIN(va + PAGE_SIZE, file_end);
        if (lo < hi)
            err = frame_write(f, lo - va, img->data + ph->p_offset + (lo - file_va), hi - lo);
        frame_put(f);
        if (err)
            return err;
    }
    return 0;
}

static int load_segments(struct vm_space *vs, const struct exec_image *img, const struct elf_info *info, uint64_t bias)
{
    for (unsigned i = 0; i < info->ehdr.e_phnum; i++) {
        Elf64_Phdr ph;
        int r = elf_get_phdr(img->data, img->size, &info->ehdr, i, &ph);
        if (r)
            return r;
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        r = load_segment(vs, img, &ph, bias);
        if (r)
            return r;
    }
    return 0;
}

static int map_stack(struct vm_space *vs)
{
    for (uint64_t i = 1; i <= STACK_PAGES; i++) {
        int err = 0;
        struct frame *f = page_at(vs, STACK_TOP - i * PAGE_SIZE, VM_READ | VM_WRITE, &err);
        if (!f)
            return err;
        frame_put(f);
    }
    return 0;
}

/* A downward-growing writer onto the new user stack. */
struct stack_writer { uint64_t sp; uint64_t floor; int err; };

static uint64_t push_bytes(struct stack_writer *w, const void *p, size_t n)
{
    if (w->err || w->sp - w->floor < n) {
        w->err = w->err ? w->err : -E2BIG;
        return 0;
    }
    w->sp -= n;
    if (copy_to_user(uptr(w->sp), p, n))
        w->err = -EFAULT;
    return w->sp;
}

static int count_strings(char *const v[], size_t *bytes)
{
    int n = 0;
    for (; v && v[n]; n++)
        *bytes += strlen(v[n]) + 1;
    return n;
}

static void push_strings(struct stack_writer *w, char *const v[], int n, uint64_t *addrs)
{
    for (int i = n - 1; i >= 0; i--)
        addrs[i] = push_bytes(w, v[i], strlen(v[i]) + 1);
}

struct auxv_in { uint64_t phdr, phnum, entry, execfn, random, platform; };

static void push_vector(struct stack_writer *w, const struct auxv_in *a, int argc,
                        const uint64_t *argvp, int envc, const uint64_t *envpp)
{
    uint64_t aux[] = {
        AT_PHDR, a->phdr, AT_PHENT, sizeof(Elf64_Phdr), AT_PHNUM, a->phnum,
        AT_PAGESZ, PAGE_SIZE, AT_BASE, 0, AT_FLAGS, 0, AT_ENTRY, a->entry,
        AT_UID, 0, AT_EUID, 0, AT_GID, 0, AT_EGID, 0, AT_SECURE, 0,
        AT_CLKTCK, 100, AT_HWCAP, cpu_hwcap(), AT_RANDOM, a->random,
        AT_PLATFORM, a->platform, AT_EXECFN, a->execfn, AT_NULL, 0,
    };
    uint64_t words = ARRAY_SIZE(aux) + (uint64_t)envc + 1 + (uint64_t)argc + 1 + 1;
    w->sp = ALIGN_DOWN(w->sp - words * 8, 16) + words * 8;   /* rsp ends 16-byte aligned */
    uint64_t zero = 0, argc64 = (uint64_t)argc;
    push_bytes(w, aux, sizeof(aux));
    push_bytes(w, &zero, 8);
    for (int i = envc - 1; i >= 0; i--)
        push_bytes(w, &envpp[i], 8);
    push_bytes(w, &zero, 8);
    for (int i = argc - 1; i >= 0; i--)
        push_bytes(w, &argvp[i], 8);
    push_bytes(w, &argc64, 8);
}

static int build_stack(struct user_context *uc, const struct exec_image *img, struct auxv_in *a,
                       char *const argv[], char *const envp[])
{
    size_t bytes = 0;
    int argc = count_strings(argv, &bytes), envc = count_strings(envp, &bytes);
    if (bytes > MAX_ARG_BYTES || argc > 4096 || envc > 4096)
        return -E2BIG;
    uint64_t *argvp = kcalloc((size_t)argc + (size_t)envc + 2, sizeof(uint64_t));
    if (!argvp)
        return -ENOMEM;
    uint64_t *envpp = argvp + argc + 1;
    struct stack_writer w = { .sp = STACK_TOP, .floor = STACK_TOP - STACK_PAGES * PAGE_SIZE + 1024 };
    a->execfn = push_bytes(&w, img->path, strlen(img->path) + 1);
    push_strings(&w, envp, envc, envpp);
    push_strings(&w, argv, argc, argvp);
    a->platform = push_bytes(&w, "x86_64", 7);
    uint64_t rnd[2] = { cpu_random_u64(), cpu_random_u64() };
    w.sp = ALIGN_DOWN(w.sp, 16);
    a->random = push_bytes(&w, rnd, sizeof(rnd));
    push_vector(&w, a, argc, argvp, envc, envpp);
    kfree(argvp);
    if (w.err)
        return w.err;
    memset(&uc->regs, 0, sizeof(uc->regs));
    uc->regs.rsp = w.sp;
    uc->regs.rip = a->entry;
    uc->fs_base = 0;
    uc->gs_base = 0;
    return 0;
}

int exec_load(struct vm_space *vs, struct user_context *uc, const struct exec_image *img,
              char *const argv[], char *const envp[])
{
    struct elf_info info;
    int r = elf_parse(img->data, img->size, img->size, &info);
    if (r)
        return r;
    if (info.has_interp)
        return -ENOEXEC;   /* FIXME: PT_INTERP needs the VFS to open the loader (Processes issue) */
    uint64_t bias = info.ehdr.e_type == ET_DYN ? PIE_BASE : 0;
    r = load_segments(vs, img, &info, bias);
    if (!r)
        r = map_stack(vs);
    if (r)
        return r;
    struct auxv_in a = {
        .phdr = info.phdr_vaddr ? info.phdr_vaddr + bias : 0,
        .phnum = info.ehdr.e_phnum,
        .entry = info.ehdr.e_entry + bias,
    };
    return build_stack(uc, img, &a, argv, envp);
}

#define EXEC_MAX_FILE (64UL << 20)

int exec_file(struct vm_space *vs, struct user_context *uc, const char *path,
              char *const argv[], char *const envp[])
{
    struct file *f;
    int r = vfs_open_exec(path, &f);
    if (r)
        return r;
    uint64_t size = file_size(f);
    uint8_t *buf = size && size <= EXEC_MAX_FILE ? kmalloc(size) : NULL;
    r = size > EXEC_MAX_FILE ? -E2BIG : buf ? 0 : size ? -ENOMEM : -ENOEXEC;
    if (!r && kernel_read(f, 0, buf, size) != (long)size)
        r = -EIO;
    file_put(f);
    if (!r) {
        struct exec_image img = { buf, size, path };
        r = exec_load(vs, uc, &img, argv, envp);
    }
    kfree(buf);
    return r;
}
