// SPDX-License-Identifier: MPL-2.0
// Linux AF_UNIX socket address (struct sockaddr_un).
#ifndef KEEL_UAPI_UN_H
#define KEEL_UAPI_UN_H

#include <ostd/types.h>

#define UNIX_PATH_MAX 108

struct sockaddr_un {
    uint16_t sun_family;
    char sun_path[UNIX_PATH_MAX];
};

#endif
