// SPDX-License-Identifier: MPL-2.0
// KTESTs for "#!" line parsing and the interpreter argv.
#include <ostd/ktest.h>
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "proc/exec_script.h"

static int parse(const char *s, struct script_line *l)
{
    return script_parse((const uint8_t *)s, strlen(s), l);
}

KTEST(script_parse_interp_and_arg)
{
    struct script_line *l = kmalloc(sizeof(*l));
    KT_ASSERT(l);
    KT_EQ(parse("#! /bin/sh  -e -x \t\nrest", l), 0);
    KT_EQ(strcmp(l->interp, "/bin/sh"), 0);
    KT_EQ(strcmp(l->arg, "-e -x"), 0);
    KT_EQ(parse("#!/bin/bash\n", l), 0);
    KT_ASSERT(l->arg == NULL);
    KT_EQ(parse("#!/bin/x", l), 0);            /* a short file: the name ends at the end of the data */
    KT_EQ(strcmp(l->interp, "/bin/x"), 0);
    char *longline = kmalloc(301);
    KT_ASSERT(longline);
    memset(longline, 'a', 300);
    longline[0] = '#', longline[1] = '!', longline[300] = 0;
    KT_EQ(parse(longline, l), -ENOEXEC);       /* no newline in 256 bytes and the name may be cut */
    longline[100] = ' ';
    KT_EQ(parse(longline, l), 0);              /* the name visibly ends; the argument is cut */
    KT_EQ(strlen(l->interp), 98);
    kfree(longline);
    KT_EQ(parse("#!  \t\n", l), -ENOEXEC);
    KT_EQ(parse("#", l), -ENOEXEC);
    KT_EQ(parse("\x7f" "ELF", l), -ENOEXEC);
    kfree(l);
}

KTEST(script_argv_layout)
{
    struct script_line *l = kmalloc(sizeof(*l));
    KT_ASSERT(l);
    KT_EQ(parse("#!/i a\n", l), 0);
    char *argv[] = { "old0", "one", "two", NULL };
    char **v = script_argv(l, "/path/s", argv);
    KT_ASSERT(v);
    KT_EQ(strcmp(v[0], "/i"), 0);
    KT_EQ(strcmp(v[1], "a"), 0);
    KT_EQ(strcmp(v[2], "/path/s"), 0);
    KT_EQ(strcmp(v[3], "one"), 0);
    KT_EQ(strcmp(v[4], "two"), 0);
    KT_ASSERT(v[5] == NULL);
    kfree(v);
    kfree(l);
}
