/* SPDX-License-Identifier: MPL-2.0 */
/* arch_prctl(2) codes (Linux x86-64 ABI). */
#ifndef KEEL_UAPI_PRCTL_H
#define KEEL_UAPI_PRCTL_H

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

#endif
