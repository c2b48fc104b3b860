// SPDX-License-Identifier: MPL-2.0
// "#!" scripts: parse the interpreter line as Linux's binfmt_script does and build the interpreter's argv.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "proc/exec_script.h"

static bool spacetab(char c) { return c == ' ' || c == '\t'; }

/* First byte in [p, end) that is not a space or tab, or NULL. */
static char *skip_spacetab(char *p, char *end)
{
    for (; p < end; p++)
        if (!spacetab(*p))
            return p;
    return NULL;
}

/* First space, tab or NUL in [p, end), or NULL. */
static char *find_terminator(char *p, char *end)
{
    for (; p < end; p++)
        if (spacetab(*p) || !*p)
            return p;
    return NULL;
}

int script_parse(const uint8_t *data, size_t size, struct script_line *out)
{
    if (size < 2 || data[0] != '#' || data[1] != '!')
        return -ENOEXEC;
    char *buf = out->buf, *buf_end = buf + SCRIPT_BUF - 1;
    memset(buf, 0, SCRIPT_BUF);
    memcpy(buf, data, MIN(size, (size_t)SCRIPT_BUF));
    char *i_end = memchr(buf, '\n', SCRIPT_BUF);
    if (!i_end) {
        /* No newline: only usable if the interpreter name visibly ends inside the buffer. */
        i_end = skip_spacetab(buf + 2, buf_end);
        if (!i_end || !find_terminator(i_end, buf_end))
            return -ENOEXEC;
        i_end = buf_end;
    }
    while (i_end > buf + 2 && spacetab(i_end[-1]))
        i_end--;
    char *name = skip_spacetab(buf + 2, i_end);
    if (!name || name == i_end)
        return -ENOEXEC;
    char *sep = find_terminator(name, i_end), *arg = NULL;
    if (sep && *sep)
        arg = skip_spacetab(sep, i_end);
    *i_end = 0;
    if (sep)
        *sep = 0;
    out->interp = name;
    out->arg = arg;
    return 0;
}

char **script_argv(const struct script_line *s, const char *script, char *const argv[])
{
    size_t n = 0;
    while (argv && argv[n])
        n++;
    char **v = kcalloc(n + 4, sizeof(char *));
    if (!v)
        return NULL;
    size_t i = 0;
    v[i++] = s->interp;
    if (s->arg)
        v[i++] = s->arg;
    v[i++] = (char *)script;    /* the strings are only read */
    for (size_t k = 1; k < n; k++)
        v[i++] = argv[k];
    return v;
}
