/* SPDX-License-Identifier: MPL-2.0 */
/* Linux extended attribute flags and limits. */
#ifndef KEEL_UAPI_XATTR_H
#define KEEL_UAPI_XATTR_H

#define XATTR_CREATE   0x1
#define XATTR_REPLACE  0x2

#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536
#define XATTR_LIST_MAX 65536

#endif
