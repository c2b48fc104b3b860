// SPDX-License-Identifier: MPL-2.0
// Service entry: set up the root file system (a disk from root=, else the initramfs), then start init.
#include <ostd/boot.h>
#include <ostd/console.h>
#include <ostd/panic.h>
#include <ostd/cpu.h>
#include <ostd/frame.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/mount.h>
#include "proc/process.h"
#include "fs/vfs.h"
#include "fs/mount.h"
#include "fs/dcache.h"
#include "block/blkdev.h"
#include "drivers/drivers.h"

#define PATH_MAX 4096

static char init_path[PATH_MAX] = "/init";
static char *init_argv[32];
static char *init_envp[] = { "HOME=/", "TERM=linux", NULL };
static char init_args_buf[1024];
static char root_spec[256];

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

/* The device root= names: /dev/vda1 (or vda1), LABEL=<ext2 volume name>. */
static struct blkdev *root_device(const char *spec)
{
    if (!strncmp(spec, "LABEL=", 6))
        return ext2_find_label(spec + 6);
    if (!strncmp(spec, "/dev/", 5))
        spec += 5;
    /* FIXME: PARTUUID=, UUID= and major:minor forms of root= are not understood. */
    return blkdev_by_name(spec);
}

/* rootfstype= is a comma-separated list, as Linux's; ext2 is the only disk file system. */
static bool fstype_allows_ext2(const char *list)
{
    size_t n = strlen(list);
    for (const char *p = list; p < list + n;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 4 && !strncmp(p, "ext2", 4))
            return true;
        p += len + 1;
    }
    return !n;
}

/* Mount root= (ext2) on "/": rw unless the bare flag `ro` is given. 0 or -errno. */
static int mount_disk_root(const char *spec)
{
    char fstype[64] = "";
    cmdline_get(boot_cmdline(), "rootfstype", fstype, sizeof(fstype));
    if (!fstype_allows_ext2(fstype))
        return -ENODEV;
    struct blkdev *bd = root_device(spec);
    if (!bd)
        return -ENXIO;
    bool ro = cmdline_has(boot_cmdline(), "ro") && !cmdline_has(boot_cmdline(), "rw");
    struct dentry *root;
    int r = ext2_make_bdev(bd, ro ? MS_RDONLY : 0, &root);
    if (r)
        return r;
    char source[24] = "/dev/";
    strlcat(source, bd->name, sizeof(source));
    r = vfs_mount_root_kernel(root, source, ro);
    if (!r)
        printk("VFS: mounted root (ext2 file system) %s on device %s (%s)\n", ro ? "readonly" : "read-write",
               source, spec);
    return r;
}

/* Does path name an executable file? */
static bool can_exec(const char *path)
{
    struct file *f;
    if (vfs_open_exec(path, &f))
        return false;
    file_put(f);
    return true;
}

/* init= if it is executable, else the first of Linux's defaults that is. */
static bool pick_disk_init(void)
{
    static const char *const defaults[] = { "/sbin/init", "/etc/init", "/bin/init", "/bin/sh" };
    if (cmdline_get(boot_cmdline(), "init", init_path, sizeof(init_path))) {
        if (can_exec(init_path))
            return true;
        printk("Keel: init=%s cannot be run; trying the defaults\n", init_path);
    }
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        if (can_exec(defaults[i])) {
            strlcpy(init_path, defaults[i], sizeof(init_path));
            return true;
        }
    }
    return false;
}

void kernel_main(void)
{
    struct frame_stats fs;
    frame_get_stats(&fs);
    printk("Keel: services starting on %u CPU(s), %lu MiB free\n", cpu_count(), (fs.free * 4096) >> 20);
    cmdline_get(boot_cmdline(), "rdinit", init_path, sizeof(init_path));
    bool want_disk = cmdline_get(boot_cmdline(), "root", root_spec, sizeof(root_spec)) && root_spec[0];
    if (!want_disk && !boot_module_count())
        panic("no root= and no initramfs given: nothing to run");
    int r = vfs_init();
    if (r)
        panic("cannot set up the root file system: %d", r);
    drivers_init();
    if (want_disk) {
        r = mount_disk_root(root_spec);
        if (!r && !pick_disk_init())
            panic("no init found on root=%s: tried init=, /sbin/init, /etc/init, /bin/init, /bin/sh", root_spec);
        if (r && !boot_module_count())
            panic("VFS: unable to mount root fs on root=%s (error %d) and no initramfs to fall back to",
                  root_spec, r);
        if (r)
            printk("Keel: cannot mount root=%s (error %d); falling back to the initramfs\n", root_spec, r);
    }
    build_init_argv();
    r = process_spawn_init(init_path, init_argv, init_envp);
    if (r < 0)
        panic("cannot start %s: %d", init_path, r);
}
