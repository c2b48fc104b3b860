# SPDX-License-Identifier: MPL-2.0
# Fixture: user-mode build flags of the vDSO are not service flags (no R7).
VDSO_CFLAGS := -fPIC -fno-stack-protector
