// SPDX-License-Identifier: MPL-2.0
// KTESTs for the UTS name object.
#include <ostd/ktest.h>
#include <lib/string.h>
#include "sys/uts.h"

KTEST(uts_set_and_read)
{
    struct uts_ns ns = { .lock = SPINLOCK_INIT("uts-test") };
    char name[NEW_UTS_LEN];
    memset(name, 'x', sizeof(name));
    uts_ns_set(&ns, UTS_NODENAME, name, sizeof(name));
    struct new_utsname out;
    uts_ns_read(&ns, &out);
    KT_EQ(strlen(out.nodename), NEW_UTS_LEN);
    uts_ns_set(&ns, UTS_NODENAME, "ab", 2);
    uts_ns_set(&ns, UTS_DOMAINNAME, "dom", 3);
    uts_ns_read(&ns, &out);
    KT_ASSERT(strcmp(out.nodename, "ab") == 0);
    for (int i = 2; i <= NEW_UTS_LEN; i++)
        KT_EQ(out.nodename[i], 0);
    KT_ASSERT(strcmp(out.domainname, "dom") == 0);
}

KTEST(uts_root_defaults)
{
    struct new_utsname out;
    uts_ns_read(uts_ns_current(), &out);
    KT_ASSERT(strcmp(out.sysname, "Linux") == 0);
    KT_ASSERT(strcmp(out.machine, "x86_64") == 0);
    KT_ASSERT(out.release[0] >= '0' && out.release[0] <= '9');
}
