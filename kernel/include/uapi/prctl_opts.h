/* SPDX-License-Identifier: MPL-2.0 */
/* prctl(2) options Keel implements, and the last capability number (Linux ABI). */
#ifndef KEEL_UAPI_PRCTL_OPTS_H
#define KEEL_UAPI_PRCTL_OPTS_H

#define PR_SET_PDEATHSIG        1
#define PR_GET_PDEATHSIG        2
#define PR_GET_DUMPABLE         3
#define PR_SET_DUMPABLE         4
#define PR_SET_NAME            15
#define PR_GET_NAME            16
#define PR_CAPBSET_READ        23
#define PR_GET_SECUREBITS      27
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define PR_SET_NO_NEW_PRIVS    38
#define PR_GET_NO_NEW_PRIVS    39

#define CAP_LAST_CAP           40   /* CAP_CHECKPOINT_RESTORE */

#endif
