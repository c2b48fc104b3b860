// SPDX-License-Identifier: MPL-2.0
// Shared declarations for the host unit test programs (see unit.mk).
#ifndef KEEL_TESTS_UNIT_H
#define KEEL_TESTS_UNIT_H

#include <check.h>

// Each tests/unit/test_X.c defines this; unit_main.c runs the suite.
Suite *unit_suite(void);

#endif // KEEL_TESTS_UNIT_H
