// SPDX-License-Identifier: MPL-2.0
// personality(2): execution domains and the flags Linux x86-64 defines beside them.
#ifndef KEEL_UAPI_PERSONALITY_H
#define KEEL_UAPI_PERSONALITY_H

#define PER_LINUX               0x0000
#define PER_MASK                0x00ff      /* the execution domain's bits */
#define UNAME26                 0x0020000
#define ADDR_NO_RANDOMIZE       0x0040000   /* exec lays the address space out without randomisation */
#define FDPIC_FUNCPTRS          0x0080000
#define MMAP_PAGE_ZERO          0x0100000
#define ADDR_COMPAT_LAYOUT      0x0200000
#define READ_IMPLIES_EXEC       0x0400000
#define ADDR_LIMIT_32BIT        0x0800000
#define SHORT_INODE             0x1000000
#define WHOLE_SECONDS           0x2000000
#define STICKY_TIMEOUTS         0x4000000
#define ADDR_LIMIT_3GB          0x8000000
#define PERSONALITY_QUERY       0xffffffffu /* personality(0xffffffff) only reads */

#endif
