// SPDX-License-Identifier: MPL-2.0
// Service entry: set up the root file system from the initramfs, then start init (rdinit=, default /init).
#include <ostd/boot.h>
#include <ostd/console.h>
#include <ostd/panic.h>
#include <ostd/cpu.h>
#include <ostd/frame.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "proc/process.h"
#include "fs/vfs.h"
#include "drivers/drivers.h"

#define PATH_MAX 4096

static char init_path[PATH_MAX] = "/init";
static char *init_argv[32];
static char *init_envp[] = { "HOME=/", "TERM=linux", NULL };
static char init_args_buf[1024];

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
    if (!boot_module_count())
        panic("no initramfs given: nothing to run (root= file systems arrive with block storage)");
    int r = vfs_init();
    if (r)
        panic("cannot set up the root file system: %d", r);
    drivers_init();
    r = process_spawn_init(init_path, init_argv, init_envp);
    if (r < 0)
        panic("cannot start %s: %d", init_path, r);
}
