// SPDX-License-Identifier: MPL-2.0
// Framework boot sequence: from the assembly entry to the first service task.
#include <ostd/types.h>
#include <ostd/console.h>
#include <ostd/panic.h>
#include <ostd/boot.h>
#include <ostd/cpu.h>
#include <lib/bootinfo.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/gdt.h"
#include "internal.h"

#define PROTO_PVH 1
#define PROTO_MB2 2

static struct boot_info boot_info;
static bool modules_released;

/* Boot-time view of low physical memory through the boot page tables' 4 GiB physmap. */
static const void *boot_phys_view(void *ctx, uint64_t pa, size_t len)
{
    (void)ctx;
    if (pa + len < pa || pa + len > physmap_limit)
        return NULL;
    return phys_to_virt(pa);
}

static void parse_boot_info(uint32_t proto, uint64_t info_pa)
{
    int r;
    if (proto == PROTO_PVH)
        r = bootinfo_from_pvh(&boot_info, info_pa, boot_phys_view, NULL);
    else if (proto == PROTO_MB2)
        r = bootinfo_from_multiboot2(&boot_info, info_pa, boot_phys_view, NULL);
    else
        panic("unknown boot protocol (not PVH or multiboot2)");
    if (r < 0)
        panic("cannot parse boot information (%d)", r);
    bootinfo_sanitize_memmap(&boot_info);
    if (boot_info.nregions == 0)
        panic("boot loader gave no memory map");
}

static void apply_cmdline(void)
{
    char v[16];
    if (cmdline_has(boot_info.cmdline, "quiet"))
        console_set_loglevel(LOG_WARN);
    if (cmdline_get(boot_info.cmdline, "loglevel", v, sizeof(v)) && v[0] >= '0' && v[0] <= '7')
        console_set_loglevel(v[0] - '0');
}

static void print_memmap(void)
{
    uint64_t usable = 0;
    for (uint32_t i = 0; i < boot_info.nregions; i++) {
        const struct boot_mem_region *r = &boot_info.regions[i];
        pr_debug("mem: [%#014lx-%#014lx] type %u\n", r->base, r->base + r->len - 1, r->type);
        if (r->type == BOOT_MEM_USABLE)
            usable += r->len;
    }
    printk("boot: %s, %lu MiB usable, %u module(s), cmdline \"%s\"\n",
           boot_info.loader, usable >> 20, boot_info.nmodules, boot_info.cmdline);
}

void ostd_boot_main(uint32_t proto, uint64_t info_pa);
void ostd_boot_main(uint32_t proto, uint64_t info_pa)
{
    console_early_init();
    physmap_limit = 4ULL << 30;   /* what the boot page tables map */
    parse_boot_info(proto, info_pa);
    apply_cmdline();
    printk("Keel kernel booting\n");
    print_memmap();

    percpu_init_cpu(0, 0);
    idt_init();
    frame_init(&boot_info);
    paging_init();
    heap_init();
    acpi_init(&boot_info);
    pci_init();
    apic_init_bsp();
    tsc_calibrate();
    timer_init_bsp();
    fpu_init_cpu();
    syscall_msr_init();
    vm_init();
    sched_init_cpu(0);
    smp_boot_aps();
    sched_start_bsp(NULL, NULL);
}

const char *boot_cmdline(void) { return boot_info.cmdline; }
const char *boot_protocol(void) { return boot_info.loader; }
unsigned boot_module_count(void) { return modules_released ? 0 : boot_info.nmodules; }

const uint8_t *boot_module_data(unsigned i, size_t *size)
{
    if (modules_released || i >= boot_info.nmodules)
        return NULL;
    const struct boot_module *m = &boot_info.modules[i];
    if (m->end > physmap_limit || m->end < m->start)
        return NULL;
    *size = m->end - m->start;
    return phys_to_virt(m->start);
}

const char *boot_module_cmdline(unsigned i)
{
    return i < boot_info.nmodules ? boot_info.modules[i].cmdline : NULL;
}

const struct boot_info *boot_get_info(void) { return &boot_info; }

void boot_release_modules(void)
{
    if (modules_released)
        return;
    modules_released = true;
    for (unsigned i = 0; i < boot_info.nmodules; i++)
        frame_release_range(boot_info.modules[i].start, boot_info.modules[i].end);
}
