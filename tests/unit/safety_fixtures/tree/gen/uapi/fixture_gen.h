/* SPDX-License-Identifier: MPL-2.0 */
/* Fixture: a generated header found through --gen-dir. */
#define FIXTURE_GENERATED 1
