/* SPDX-License-Identifier: MPL-2.0 */
/* getpriority/setpriority "which" values and the nice range (Linux ABI). */
#ifndef KEEL_UAPI_PRIORITY_H
#define KEEL_UAPI_PRIORITY_H

#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2

#define MIN_NICE (-20)
#define MAX_NICE 19

#endif
