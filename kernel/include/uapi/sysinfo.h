/* SPDX-License-Identifier: MPL-2.0 */
/* struct sysinfo of sysinfo(2) on x86-64 (112 bytes; loads are 16.16 fixed point). */
#ifndef KEEL_UAPI_SYSINFO_H
#define KEEL_UAPI_SYSINFO_H

#include <stdint.h>

#define SI_LOAD_SHIFT 16

struct kernel_sysinfo {
    int64_t uptime;         /* seconds since boot */
    uint64_t loads[3];      /* 1, 5 and 15 minute load averages */
    uint64_t totalram;      /* sizes in units of mem_unit bytes */
    uint64_t freeram;
    uint64_t sharedram;
    uint64_t bufferram;
    uint64_t totalswap;
    uint64_t freeswap;
    uint16_t procs;         /* number of threads */
    uint16_t pad;
    uint64_t totalhigh;
    uint64_t freehigh;
    uint32_t mem_unit;
};

#endif
