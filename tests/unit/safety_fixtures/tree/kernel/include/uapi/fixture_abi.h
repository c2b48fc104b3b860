/* SPDX-License-Identifier: MPL-2.0 */
/* Fixture: a uapi header shared with user space. */
#ifndef UAPI_FIXTURE_ABI_H
#define UAPI_FIXTURE_ABI_H

#define FIXTURE_MAGIC 0x4b45454c

struct fixture_abi {
    unsigned long long addr;   /* a user address is an integer, not a pointer */
    unsigned int len;
};

#endif
