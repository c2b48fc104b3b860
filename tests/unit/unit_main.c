// SPDX-License-Identifier: MPL-2.0
// main() shared by every host unit test program: runs unit_suite() with Check.
#include <stdlib.h>
#include "unit.h"

int main(void)
{
	SRunner *sr = srunner_create(unit_suite());
	int failed;

	// CK_ENV: CK_VERBOSITY=verbose in the environment lists every test.
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
