/* SPDX-License-Identifier: MPL-2.0 */
/* struct new_utsname of uname(2) and the UTS name length limit (Linux ABI). */
#ifndef KEEL_UAPI_UTSNAME_H
#define KEEL_UAPI_UTSNAME_H

/* Longest name sethostname/setdomainname accept; each field holds it plus a NUL. */
#define NEW_UTS_LEN 64

struct new_utsname {
    char sysname[NEW_UTS_LEN + 1];
    char nodename[NEW_UTS_LEN + 1];
    char release[NEW_UTS_LEN + 1];
    char version[NEW_UTS_LEN + 1];
    char machine[NEW_UTS_LEN + 1];
    char domainname[NEW_UTS_LEN + 1];
};

#endif
