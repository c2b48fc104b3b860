// SPDX-License-Identifier: MPL-2.0
// Service entry: find the initramfs, then start the first user program (rdinit=, default /init).
#include <ostd/boot.h>
#include <ostd/console.h>
#include <ostd/panic.h>
#include <ostd/cpu.h>
#include <ostd/frame.h>
#include <lib/cmdline.h>
#include <lib/cpio.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "proc/process.h"

#define PATH_MAX 4096

static char init_path[PATH_MAX] = "/init";
static char *init_argv[32];
static char *init_envp[] = { "HOME=/", "TERM=linux", NULL };
static char init_args_buf[1024];

/* Strip "/" and "./" prefixes the way cpio member names are stored. */
static const char *member_name(const char *path)
{
    while (*path == '/' || (path[0] == '.' && path[1] == '/'))
        path += path[0] == '/' ? 1 : 2;
    return path;
}

/* Find path in the cpio archive; returns 0 and the file bytes, or -ENOENT/-EINVAL. */
static int cpio_lookup(const uint8_t *buf, size_t len, const char *path,
                       const uint8_t **data, size_t *size)
{
    struct cpio_iter it;
    struct cpio_entry e;
    const char *want = member_name(path);
    size_t wlen = strlen(want);
    int r;
    cpio_iter_init(&it, buf, len);
    while ((r = cpio_next(&it, &e)) == 1) {
        const char *name = e.name;
        size_t nlen = e.name_len;
        while (nlen && (*name == '/' || (name[0] == '.' && nlen > 1 && name[1] == '/'))) {
            size_t skip = *name == '/' ? 1 : 2;
            name += skip;
            nlen -= skip;
        }
        if (nlen == wlen && memcmp(name, want, wlen) == 0 && (e.mode & 0170000) == 0100000) {
            *data = e.data;
            *size = e.size;
            return 0;
        }
    }
    return r < 0 ? r : -ENOENT;
}

static void build_init_argv(void)
{
    const char *extra[30];
    int n = cmdline_init_args(boot_cmdline(), init_args_buf, sizeof(init_args_buf), extra, 30);
    init_argv[0] = init_path;
    int i = 0;
    for (; n > 0 && i < n && i < 30; i++)
        init_argv[i + 1] = (char *)extra[i];
    init_argv[i + 1] = NULL;
}

void kernel_main(void)
{
    struct frame_stats fs;
    frame_get_stats(&fs);
    printk("Keel: services starting on %u CPU(s), %lu MiB free\n", cpu_count(), (fs.free * 4096) >> 20);
    cmdline_get(boot_cmdline(), "rdinit", init_path, sizeof(init_path));
    build_init_argv();
    size_t size = 0;
    const uint8_t *initrd = boot_module_count() ? boot_module_data(0, &size) : NULL;
    if (!initrd)
        panic("no initramfs given: nothing to run (root= file systems arrive with block storage)");
    if (size >= 2 && initrd[0] == 0x1f && initrd[1] == 0x8b)
        panic("initramfs is gzip-compressed: decompression is not supported yet, pass a plain newc cpio");
    const uint8_t *elf;
    size_t elf_size;
    int r = cpio_lookup(initrd, size, init_path, &elf, &elf_size);
    if (r)
        panic("cannot find %s in the initramfs (%d); try passing rdinit=", init_path, r);
    r = process_spawn_init(init_path, elf, elf_size, init_argv, init_envp);
    if (r < 0)
        panic("cannot start %s: %d", init_path, r);
}
