// SPDX-License-Identifier: MPL-2.0
// The smallest static program: exits 0 (the exec benchmarks run it).
int main(void)
{
	return 0;
}
