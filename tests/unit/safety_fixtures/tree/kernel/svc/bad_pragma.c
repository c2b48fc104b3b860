// SPDX-License-Identifier: MPL-2.0
// Fixture R7: switching warnings or optimisation off in service code.
#include <ostd/types.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-variable"      // EXPECT: R7
#pragma GCC diagnostic warning "-Wformat"               // EXPECT: R7
#pragma clang diagnostic ignored "-Wcast-align"         // EXPECT: R7
#pragma GCC diagnostic error "-Wshadow"
#pragma GCC diagnostic pop
#pragma GCC optimize ("O0")                             // EXPECT: R7
#pragma GCC system_header                               // EXPECT: R7

#define QUIET _Pragma("GCC diagnostic ignored \"-Wshadow\"") // EXPECT: R7

__attribute__((optimize("no-tree-loop-distribute-patterns"))) // EXPECT: R7
void fill(char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = 0;
}
