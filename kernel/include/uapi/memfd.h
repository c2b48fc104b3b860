/* SPDX-License-Identifier: MPL-2.0 */
/* Linux x86-64 memfd_create flags, file seals and the sealing fcntl commands. */
#ifndef KEEL_UAPI_MEMFD_H
#define KEEL_UAPI_MEMFD_H

#define MFD_CLOEXEC       0x0001u
#define MFD_ALLOW_SEALING 0x0002u
#define MFD_HUGETLB       0x0004u
#define MFD_HUGE_SHIFT    26        /* log2 of the huge page size, with MFD_HUGETLB */
#define MFD_HUGE_MASK     0x3fu
#define MFD_NAME_MAX      249       /* NAME_MAX minus the "memfd:" prefix */

#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034

#define F_SEAL_SEAL         0x0001u
#define F_SEAL_SHRINK       0x0002u
#define F_SEAL_GROW         0x0004u
#define F_SEAL_WRITE        0x0008u
#define F_SEAL_FUTURE_WRITE 0x0010u

#endif
