// SPDX-License-Identifier: MPL-2.0
// "#!" interpreter scripts for exec.
#ifndef KEEL_PROC_EXEC_SCRIPT_H
#define KEEL_PROC_EXEC_SCRIPT_H

#include <ostd/types.h>

#define SCRIPT_BUF 256          /* bytes of the file Linux looks at (BINPRM_BUF_SIZE) */
#define SCRIPT_MAX_DEPTH 5      /* interpreters that may themselves be scripts; one more is ELOOP */

struct script_line {
    char buf[SCRIPT_BUF];
    char *interp;               /* into buf */
    char *arg;                  /* the one optional argument, or NULL */
};

/* Parse a "#!" line from the start of a file: 0, or -ENOEXEC (not a script, no interpreter name). */
int script_parse(const uint8_t *data, size_t size, struct script_line *out) __must_check;
/*
 * The interpreter's argv: interpreter, optional argument, the script's path,
 * then argv[1...]. kmalloc'd array (the caller frees it) pointing into s,
 * script and argv, which must outlive it; NULL on OOM.
 */
char **script_argv(const struct script_line *s, const char *script, char *const argv[]);

#endif
