// SPDX-License-Identifier: MPL-2.0
// reboot(2): power off, halt or restart the machine.
#include <ostd/power.h>
#include <ostd/console.h>
#include <uapi/errno.h>
#include <uapi/reboot.h>
#include <uapi/capability.h>
#include "proc/cred.h"
#include "syscall/syscall.h"

long sys_reboot(struct sys_call *c);

static bool cad_enabled = true;   /* Ctrl-Alt-Del behaviour; no keyboard driver reads it yet */

long sys_reboot(struct sys_call *c)
{
    uint32_t m1 = (uint32_t)c->arg[0], m2 = (uint32_t)c->arg[1], cmd = (uint32_t)c->arg[2];
    if (!capable(CAP_SYS_BOOT))
        return -EPERM;
    if (m1 != LINUX_REBOOT_MAGIC1 ||
        (m2 != LINUX_REBOOT_MAGIC2 && m2 != LINUX_REBOOT_MAGIC2A &&
         m2 != LINUX_REBOOT_MAGIC2B && m2 != LINUX_REBOOT_MAGIC2C))
        return -EINVAL;
    switch (cmd) {
    case LINUX_REBOOT_CMD_POWER_OFF:
    case LINUX_REBOOT_CMD_HALT:
        printk("reboot: Power down\n");
        power_off(0);
    case LINUX_REBOOT_CMD_RESTART:
    case LINUX_REBOOT_CMD_RESTART2:
        printk("reboot: Restarting system\n");
        machine_restart();
    case LINUX_REBOOT_CMD_CAD_ON:
        cad_enabled = true;
        return 0;
    case LINUX_REBOOT_CMD_CAD_OFF:
        cad_enabled = false;
        return 0;
    default:
        return -EINVAL;   /* kexec and suspend are not supported */
    }
}
