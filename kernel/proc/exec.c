// SPDX-License-Identifier: MPL-2.0
// ELF loader: maps PT_LOAD segments and builds the initial stack (argv, envp, auxv) as Linux does.
#include <ostd/frame.h>
#include <ostd/vm_space.h>
#include <ostd/user.h>
#include <ostd/cpu.h>
#include <ostd/heap.h>
#include <ostd/task.h>
#include <lib/elf.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/mman.h>
#include <uapi/fcntl.h>
#include "proc/exec.h"
#include "proc/exec_script.h"
#include "proc/process.h"
#include "mm/mm.h"
#include "fs/vfs.h"
#include "signal/sigtypes.h"
#include "signal/signal.h"
#include "proc/cred.h"
#include "proc/futex.h"
#include "vdso/vdso.h"
#include "mm/aslr.h"

#define STACK_TOP     0x00007ffffffff000ULL
#define STACK_BOTTOM  (STACK_TOP - ASLR_STACK_MAX - (8UL << 20))  /* ELF segments must end below this */
#define STACK_INIT    (128UL << 10)             /* initial stack VMA; it grows down on demand up to RLIMIT_STACK */
#define STACK_EXPAND  (128UL << 10)             /* Linux leaves this much mapped below the initial frame */
#define PIE_BASE      0x0000555555554000ULL
#define MAX_ARG_BYTES ((6UL << 20) + 8192)   /* execve's largest limit (RLIMIT_STACK/4, capped) plus "#!" additions */

static unsigned seg_prot(uint32_t flags)
{
    return ((flags & PF_R) ? VM_READ : 0) | ((flags & PF_W) ? VM_WRITE : 0) | ((flags & PF_X) ? VM_EXEC : 0);
}

/* Make [start, end) a VMA with prot (a page shared with an earlier segment gets both protections). */
static int map_segment_vma(struct mm *mm, uint64_t start, uint64_t end, unsigned prot, uint64_t *mapped_end)
{
    if (start < *mapped_end) {
        mutex_lock(&mm->lock);
        struct vma *v = vma_find_locked(mm, start);
        if (v)
            v->prot |= prot;
        mutex_unlock(&mm->lock);
        start = *mapped_end;
    }
    if (start >= end)
        return 0;
    *mapped_end = end;
    return mm_map_anon(mm, start, end, prot, 0);
}

/* FIXME: segments are copied in at exec; demand paging them from the file needs file-backed VMAs with a file size limit. */
static int load_segment(struct mm *mm, const struct exec_image *img, const Elf64_Phdr *ph, uint64_t bias,
                        uint64_t *mapped_end)
{
    uint64_t start = ALIGN_DOWN(ph->p_vaddr + bias, PAGE_SIZE);
    uint64_t end = ALIGN_UP(ph->p_vaddr + bias + ph->p_memsz, PAGE_SIZE);
    uint64_t file_va = ph->p_vaddr + bias, file_end = file_va + ph->p_filesz;
    int err = map_segment_vma(mm, start, end, seg_prot(ph->p_flags), mapped_end);
    for (uint64_t va = ALIGN_DOWN(file_va, PAGE_SIZE); !err && va < file_end; va += PAGE_SIZE) {
        struct frame *f = mm_populate_page(mm, va, &err);
        if (!f)
            return err;
        uint64_t lo = MAX(va, file_va), hi = MIN(va + PAGE_SIZE, file_end);
        err = frame_write(f, lo - va, img->data + ph->p_offset + (lo - file_va), hi - lo);
        frame_put(f);
    }
    return err;
}

/* Map every PT_LOAD of img at bias; *end is where the last one ends (the program break starts there). */
static int load_segments(struct mm *mm, const struct exec_image *img, const struct elf_info *info, uint64_t bias,
                         uint64_t *end)
{
    uint64_t mapped_end = 0;
    for (unsigned i = 0; i < info->ehdr.e_phnum; i++) {
        Elf64_Phdr ph;
        int r = elf_get_phdr(img->data, img->size, &info->ehdr, i, &ph);
        if (r)
            return r;
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_offset + ph.p_filesz > img->size || ph.p_filesz > ph.p_memsz ||
            ph.p_vaddr + bias + ph.p_memsz > STACK_BOTTOM || ph.p_vaddr + bias + ph.p_memsz < ph.p_vaddr)
            return -ENOEXEC;
        r = load_segment(mm, img, &ph, bias, &mapped_end);
        if (r)
            return r;
    }
    *end = mapped_end;
    return 0;
}

static int map_stack(struct mm *mm, uint64_t top)
{
    return mm_map_anon(mm, top - STACK_INIT, top, PROT_READ | PROT_WRITE, VMA_STACK | VMA_GROWSDOWN);
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

struct auxv_in { uint64_t phdr, phnum, entry, base, start, execfn, random, platform, vdso; };

/* The auxiliary vector in Linux's order. */
static size_t fill_auxv(uint64_t *aux, const struct auxv_in *a)
{
    struct process *p = current_proc();
    mutex_lock(&p->lock);
    const struct cred *c = p->cred;
    uint64_t uid = c->uid, euid = c->euid, gid = c->gid, egid = c->egid;
    mutex_unlock(&p->lock);
    uint64_t v[] = {
        AT_SYSINFO_EHDR, a->vdso, AT_MINSIGSTKSZ, signal_frame_max_size(), AT_HWCAP, cpu_hwcap(), AT_PAGESZ, PAGE_SIZE, AT_CLKTCK, 100,
        AT_PHDR, a->phdr, AT_PHENT, sizeof(Elf64_Phdr), AT_PHNUM, a->phnum,
        AT_BASE, a->base, AT_FLAGS, 0, AT_ENTRY, a->entry,
        AT_UID, uid, AT_EUID, euid, AT_GID, gid, AT_EGID, egid,
        /* FIXME: set-id bits are not honoured at exec, so AT_SECURE is 0 and nothing resets the pdeath signal or dumpable for them. */
        AT_SECURE, 0,
        AT_RANDOM, a->random, AT_HWCAP2, 0, AT_EXECFN, a->execfn, AT_PLATFORM, a->platform,
        AT_NULL, 0,
    };
    memcpy(aux, v, sizeof(v));
    return ARRAY_SIZE(v);
}

#define AUXV_MAX 48

static void push_vector(struct stack_writer *w, const struct auxv_in *a, int argc,
                        const uint64_t *argvp, int envc, const uint64_t *envpp)
{
    uint64_t aux[AUXV_MAX];
    size_t naux = fill_auxv(aux, a);
    uint64_t words = naux + (uint64_t)envc + 1 + (uint64_t)argc + 1 + 1;
    w->sp = ALIGN_DOWN(w->sp - words * 8, 16) + words * 8;   /* rsp ends 16-byte aligned */
    uint64_t zero = 0, argc64 = (uint64_t)argc;
    push_bytes(w, aux, naux * 8);
    push_bytes(w, &zero, 8);
    for (int i = envc - 1; i >= 0; i--)
        push_bytes(w, &envpp[i], 8);
    push_bytes(w, &zero, 8);
    for (int i = argc - 1; i >= 0; i--)
        push_bytes(w, &argvp[i], 8);
    push_bytes(w, &argc64, 8);
}

/*
 * The initial stack as Linux lays it out, from the top: a zero word, the
 * file name (AT_EXECFN), the environment strings, the argument strings,
 * (16-byte aligned) the platform string, 16 random bytes (AT_RANDOM), then
 * argc, argv[], NULL, envp[], NULL, auxv, with rsp 16-byte aligned at argc.
 */
static int build_stack(struct user_context *uc, const struct exec_image *img, struct auxv_in *a,
                       char *const argv[], char *const envp[], const struct aslr_offsets *o)
{
    size_t bytes = 0;
    int argc = count_strings(argv, &bytes), envc = count_strings(envp, &bytes);
    if (bytes + ((size_t)argc + (size_t)envc) * 8 > MAX_ARG_BYTES)
        return -E2BIG;
    uint64_t *argvp = kcalloc((size_t)argc + (size_t)envc + 2, sizeof(uint64_t));
    if (!argvp)
        return -ENOMEM;
    uint64_t *envpp = argvp + argc + 1;
    uint64_t top = STACK_TOP - o->stack;
    struct stack_writer w = { .sp = top - 8, .floor = top - 2 * MAX_ARG_BYTES - 64 * 1024 };
    a->execfn = push_bytes(&w, img->path, strlen(img->path) + 1);
    push_strings(&w, envp, envc, envpp);
    push_strings(&w, argv, argc, argvp);
    w.sp = ALIGN_DOWN(w.sp - o->stack_sub, 16);   /* as Linux, the frame's place within its page is random too */
    a->platform = push_bytes(&w, "x86_64", 7);
    uint64_t rnd[2] = { cpu_random_u64(), cpu_random_u64() };
    a->random = push_bytes(&w, rnd, sizeof(rnd));
    push_vector(&w, a, argc, argvp, envc, envpp);
    kfree(argvp);
    if (w.err)
        return w.err;
    /* As Linux, expand the stack VMA 128 KiB below the frame (within RLIMIT_STACK); failure is harmless. */
    mm_grow_stack(current_mm(), ALIGN_DOWN(w.sp, PAGE_SIZE) - STACK_EXPAND);
    memset(&uc->regs, 0, sizeof(uc->regs));
    uc->regs.rsp = w.sp;
    uc->regs.rip = a->start;
    uc->fs_base = 0;
    uc->gs_base = 0;
    return 0;
}

/* Map the interpreter: an ET_DYN one goes where a fresh mmap would (top-down below the mmap base). */
static int load_interp(struct mm *mm, const struct exec_image *img, const struct elf_info *info, uint64_t *bias)
{
    *bias = 0;
    if (info->ehdr.e_type == ET_DYN) {
        mutex_lock(&mm->lock);
        uint64_t at = mm_find_gap_locked(mm, info->load_end - info->load_start, 0);
        mutex_unlock(&mm->lock);
        if (!at)
            return -ENOMEM;
        *bias = at - info->load_start;
    }
    uint64_t end;
    return load_segments(mm, img, info, *bias, &end);
}

/* The calling process's personality(2) value. */
static unsigned current_personality(void)
{
    struct process *p = current_proc();
    mutex_lock(&p->lock);
    unsigned pers = p->ctl.personality;
    mutex_unlock(&p->lock);
    return pers;
}

/*
 * Build the new image in mm (already the current task's address space, seen
 * by no other task yet). With ASLR the stack top, the mmap base (and so the
 * interpreter and the vDSO), a PIE's load base and the program break's start
 * move by random page multiples.
 */
static int exec_load(struct mm *mm, struct user_context *uc, const struct exec_prog *prog,
                     char *const argv[], char *const envp[])
{
    const struct elf_info *info = &prog->info;
    struct aslr_offsets o;
    aslr_draw(&o, current_personality());
    mm->mmap_base -= o.mmap;
    uint64_t bias = info->ehdr.e_type == ET_DYN ? PIE_BASE + o.pie - info->load_start : 0, end, ibias = 0;
    int r = load_segments(mm, &prog->img, info, bias, &end);
    if (!r)
        mm_set_brk_start(mm, end + o.brk);
    if (!r)
        r = map_stack(mm, STACK_TOP - o.stack);
    if (!r && prog->interp.data)
        r = load_interp(mm, &prog->interp, &prog->interp_info, &ibias);
    uint64_t vdso = 0;
    if (!r)
        r = vdso_map(mm, STACK_TOP - o.stack, o.vdso, &vdso);
    if (r)
        return r;
    struct auxv_in a = {
        .vdso = vdso,
        .phdr = info->phdr_vaddr ? info->phdr_vaddr + bias : 0,
        .phnum = info->ehdr.e_phnum,
        .entry = info->ehdr.e_entry + bias,
        .base = prog->interp.data ? ibias : 0,
        .start = prog->interp.data ? prog->interp_info.ehdr.e_entry + ibias : info->ehdr.e_entry + bias,
    };
    return build_stack(uc, &prog->img, &a, argv, envp, &o);
}

#define EXEC_MAX_FILE (64UL << 20)

static int read_whole(int dirfd, const char *path, unsigned at_flags, uint8_t **out, uint64_t *size_out,
                      struct file **exe)
{
    struct file *f;
    int r = vfs_open_exec_at(dirfd, path, at_flags, &f);
    if (r)
        return r;
    uint64_t size = file_size(f);
    uint8_t *buf = size && size <= EXEC_MAX_FILE ? kmalloc(size) : NULL;
    r = size > EXEC_MAX_FILE ? -E2BIG : buf ? 0 : size ? -ENOMEM : -ENOEXEC;
    if (!r && kernel_read(f, 0, buf, size) != (long)size)
        r = -EIO;
    *exe = r ? NULL : f;    /* kept for /proc/PID/exe */
    if (r)
        file_put(f);
    if (r)
        kfree(buf);
    *out = r ? NULL : buf;
    *size_out = size;
    return r;
}

/* argv or envp as NUL-terminated strings back to back (for /proc/PID/cmdline, environ). */
static char *join_strings(char *const v[], size_t *len)
{
    size_t n = 0;
    for (size_t i = 0; v && v[i]; i++)
        n += strlen(v[i]) + 1;
    char *s = n ? kmalloc(n) : NULL;
    *len = s ? n : 0;
    for (size_t i = 0, o = 0; s && v[i]; i++) {
        memcpy(s + o, v[i], strlen(v[i]) + 1);
        o += strlen(v[i]) + 1;
    }
    return s;
}

/* Record what procfs shows about the new image; the old values are freed. */
static void set_exec_info(struct process *p, struct file *exe, char *const argv[], char *const envp[])
{
    size_t cl, el;
    char *c = join_strings(argv, &cl), *e = join_strings(envp, &el);
    mutex_lock(&p->lock);
    char *oc = p->cmdline, *oe = p->environ;
    struct file *ox = p->exe_file;
    p->cmdline = c, p->cmdline_len = cl;
    p->environ = e, p->environ_len = el;
    p->exe_file = exe;
    mutex_unlock(&p->lock);
    kfree(oc);
    kfree(oe);
    if (ox)
        file_put(ox);
}

/*
 * Linux's exec_mm_release: with the old mm still current, the exec'ing thread
 * walks its robust list (and forgets it), and a clear_child_tid is written
 * only if another user of the old mm can see it, then forgotten.
 */
static void exec_mm_release(struct thread *th, struct mm *old)
{
    robust_list_exit(th);
    if (th->clear_child_tid && __atomic_load_n(&old->refcount, __ATOMIC_ACQUIRE) > 1) {
        int zero = 0;
        if (!copy_to_user(uptr(th->clear_child_tid), &zero, sizeof(zero)))
            futex_wake_addr(th->clear_child_tid, 1);
    }
    th->clear_child_tid = 0;
}

/* Swap in the new image: the old mm goes when this returns 0; on error the old one is current again. */
static int switch_mm(struct process *p, struct user_context *uc, const struct exec_prog *prog,
                     const char *filename, char *const argv[], char *const envp[])
{
    struct mm *nmm = mm_create();
    if (!nmm)
        return -ENOMEM;
    struct user_context saved = *uc;
    uint64_t old_hw = 0;
    task_set_vm_space(nmm->vs);
    int r = exec_load(nmm, uc, prog, argv, envp);
    if (!r) {
        task_set_vm_space(p->mm->vs);   /* the old image, for its robust list */
        exec_mm_release(thread_current(), p->mm);
        task_set_vm_space(nmm->vs);
        old_hw = mm_hiwater_pages(p->mm);
    }
    mutex_lock(&p->lock);
    struct mm *old = p->mm;
    if (r) {
        old = nmm;
        *uc = saved;
        task_set_vm_space(p->mm->vs);
    } else {
        p->mm = nmm;
        p->maxrss = MAX(p->maxrss, old_hw);   /* ru_maxrss outlives the image, as Linux */
        p->did_exec = true;
        const char *base = strrchr(filename, '/');
        strlcpy(p->comm, base ? base + 1 : filename, sizeof(p->comm));
        proc_ctl_exec(&p->ctl);
    }
    mutex_unlock(&p->lock);
    mm_put(old);
    return r;
}

/*
 * Read and check the program's PT_INTERP interpreter as Linux does: the path
 * must be NUL-terminated (ENOEXEC); opening it gives ENOENT, EACCES...; a
 * short file EIO; a file that is not an x86-64 ELF image ELIBBAD.
 */
static int read_interp(struct exec_prog *prog)
{
    const struct elf_info *info = &prog->info;
    const char *ipath = (const char *)prog->img.data + info->interp_offset;
    if (elf_check_interp_path(ipath, info->interp_size))
        return -ENOEXEC;
    struct file *f;
    uint64_t size;
    uint8_t *buf;
    int r = read_whole(AT_FDCWD, ipath, 0, &buf, &size, &f);
    if (r)
        return r == -ENOEXEC ? -EIO : r;   /* an empty file: the header read comes up short */
    file_put(f);
    prog->interp = (struct exec_image){ buf, size, ipath };
    if (size < sizeof(Elf64_Ehdr))
        return -EIO;
    Elf64_Ehdr eh;
    if (elf_check_header(buf, size, size, &eh) || elf_parse(buf, size, size, &prog->interp_info))
        return -ELIBBAD;
    return 0;
}

/* What the script hops allocated: the parsed lines and the rewritten argv arrays. */
struct script_chain {
    int depth;
    struct script_line *line[SCRIPT_MAX_DEPTH + 1];
    char **argv[SCRIPT_MAX_DEPTH + 1];
};

static void chain_free(struct script_chain *c)
{
    for (int i = 0; i < c->depth; i++) {
        kfree(c->line[i]);
        kfree(c->argv[i]);
    }
}

/*
 * The file at *path is a "#!" script (data): switch *path to its interpreter
 * and *argv to the interpreter's arguments. -ENOEXEC when it is not a
 * script, -ELOOP past the nesting limit, -ENOENT when the script was named
 * through a close-on-exec descriptor (the interpreter could not open it).
 */
static int script_hop(struct script_chain *c, const struct exec_req *req, const uint8_t *data, uint64_t size,
                      const char **path, char *const **argv)
{
    struct script_line *l = kmalloc(sizeof(*l));
    if (!l)
        return -ENOMEM;
    int r = script_parse(data, size, l);
    if (!r && req->path_inaccessible)
        r = -ENOENT;
    if (!r && c->depth == SCRIPT_MAX_DEPTH)
        r = -ELOOP;
    char **v = r ? NULL : script_argv(l, *path, *argv);
    if (!r && !v)
        r = -ENOMEM;
    if (r) {
        kfree(l);
        return r;
    }
    c->line[c->depth] = l;
    c->argv[c->depth++] = v;
    *path = l->interp;
    *argv = v;
    return 0;
}

/* Open the program, following "#!" interpreters; prog->img is the ELF file in the end. */
static int open_prog(const struct exec_req *req, struct script_chain *c, struct exec_prog *prog,
                     struct file **exe, char *const **argv)
{
    const char *path = req->path;
    int dirfd = req->dirfd;
    unsigned at = req->at_flags;
    for (;;) {
        uint64_t size;
        uint8_t *buf;
        int r = read_whole(dirfd, path, at, &buf, &size, exe);
        if (r)
            return r;
        /* The script's own name in the interpreter's argv is how exec named it. */
        const char *name = c->depth ? path : req->filename;
        r = size >= 2 && buf[0] == '#' && buf[1] == '!' ? script_hop(c, req, buf, size, &name, argv) : 1;
        if (r <= 0) {
            kfree(buf);
            file_put(*exe);
            if (r)
                return r;
            path = name, dirfd = AT_FDCWD, at = 0;
            continue;
        }
        prog->img = (struct exec_image){ buf, size, req->filename };
        return 0;
    }
}

int exec_file(struct process *p, struct user_context *uc, const struct exec_req *req,
              char *const argv[], char *const envp[])
{
    struct exec_prog prog = { 0 };
    struct script_chain chain = { 0 };
    struct file *exe;
    int r = open_prog(req, &chain, &prog, &exe, &argv);
    if (r) {
        chain_free(&chain);
        return r;
    }
    r = elf_parse(prog.img.data, prog.img.size, prog.img.size, &prog.info);
    if (!r && prog.info.has_interp)
        r = read_interp(&prog);
    if (!r && __atomic_load_n(&p->nr_threads, __ATOMIC_ACQUIRE) > 1)
        r = proc_kill_other_threads();
    if (!r)
        r = switch_mm(p, uc, &prog, req->filename, argv, envp);
    if (!r)
        set_exec_info(p, exe, argv, envp);
    else
        file_put(exe);
    kfree((void *)prog.img.data);
    kfree((void *)prog.interp.data);
    chain_free(&chain);
    return r;
}
