// SPDX-License-Identifier: MPL-2.0
// Fixture R4: headers outside the service include roots.
#include <ostd/types.h>
#include "ostd/mm/frame_internal.h"      // EXPECT: R4
#include "../ostd/mm/frame_internal.h"   // EXPECT: R4
#include <stdio.h>                       // EXPECT: R4
#include <cpuid.h>                       // EXPECT: R4
#include <stddef.h>
#include <stdarg.h>
#include "svc/good.h"
#include <uapi/fixture_abi.h>
#include <uapi/fixture_gen.h>

int include_only;
