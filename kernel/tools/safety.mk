# SPDX-License-Identifier: MPL-2.0
# `make safety`: the framekernel safety check (docs/safety.md), its self-test,
# and the check that docs/syscalls.md matches kernel/syscall/syscall.tbl.
# Included by the top Makefile; also works alone (make -f kernel/tools/safety.mk).

BUILD  ?= build
PYTHON ?= /usr/bin/python3
Q      ?= @

SAFETY_CHECK  := kernel/tools/safety_check.py
SAFETY_TEST   := kernel/tools/test_safety.py
# Configurations besides the default one that service code is compiled in.
SAFETY_VARIANTS := --variant=-DCONFIG_KTEST
# Extra checker options, e.g. SAFETY_FLAGS="--cflag=-DFOO --json".
SAFETY_FLAGS  ?=

GEN_SYSCALLS  := kernel/tools/gen_syscalls.py
SYSCALL_TBL   := kernel/syscall/syscall.tbl
SYSCALL_DOCS  := docs/syscalls.md
# The check regenerates the syscall headers privately (same generator, same
# table as kernel.mk's $(BUILD)/gen), so it needs no kernel build first.
SAFETY_DIR    := $(BUILD)/safety

.PHONY: safety safety-selftest syscall-docs syscall-docs-check

## safety: reject unsafe constructs in service code, print the TCB report.
safety: safety-selftest syscall-docs-check
	$(Q)$(PYTHON) $(SAFETY_CHECK) --gen-dir $(SAFETY_DIR)/gen \
		$(SAFETY_VARIANTS) $(SAFETY_FLAGS)

## safety-selftest: the checker must still catch every fixture violation.
safety-selftest:
	$(Q)SAFETY_TEST_VERBOSE=0 $(PYTHON) $(SAFETY_TEST)

## syscall-docs: regenerate docs/syscalls.md from the syscall table.
syscall-docs:
	$(Q)$(PYTHON) $(GEN_SYSCALLS) --tbl $(SYSCALL_TBL) --docs $(SYSCALL_DOCS)

# Regenerate everything into $(SAFETY_DIR); the committed doc must match.
syscall-docs-check:
	$(Q)rm -rf $(SAFETY_DIR)/gen $(SAFETY_DIR)/syscalls.md
	$(Q)$(PYTHON) $(GEN_SYSCALLS) --tbl $(SYSCALL_TBL) \
		--out-dir $(SAFETY_DIR)/gen --docs $(SAFETY_DIR)/syscalls.md
	$(Q)if ! cmp -s $(SAFETY_DIR)/syscalls.md $(SYSCALL_DOCS); then \
		echo "safety: $(SYSCALL_DOCS) is stale; run 'make syscall-docs'" >&2; \
		diff -u $(SYSCALL_DOCS) $(SAFETY_DIR)/syscalls.md | head -20 >&2; \
		exit 1; \
	fi
