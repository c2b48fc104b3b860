# SPDX-License-Identifier: MPL-2.0
# Keel top-level build: kernel, userland, tests. Options are ?= settings.

BUILD   ?= build
SMP     ?= 2
MEM     ?= 256
ACCEL   ?= tcg
PYTHON  ?= /usr/bin/python3
QEMU    ?= qemu-system-x86_64
V       ?= 0

ifeq ($(V),0)
Q := @
else
Q :=
endif

.DEFAULT_GOAL := kernel
.PHONY: all kernel ktest run test safety unit integration deps clean

all: kernel

include configs/deps.mk
include kernel/kernel.mk
-include kernel/tools/safety.mk
-include tests/unit/unit.mk
-include userland/userland.mk
-include tests/tests.mk
-include tests/boot/multiboot2.mk
-include tests/abi/abi.mk
-include tests/boot/panic.mk
-include tests/image/image.mk
-include tests/boot/tty.mk
-include tests/robust/robust.mk
-include tests/boot/initramfs_gz.mk
-include tests/blk/blk.mk
-include tests/ext2/ext2.mk
-include tests/stress/stress.mk
-include tests/boot/oom.mk
-include tests/dyn/dyn.mk
-include tests/shell/shell.mk

## test: everything CI runs: safety, host unit tests, in-kernel tests, boot/integration tests.
test: deps-check
	$(Q)$(MAKE) --no-print-directory safety
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory ktest
	$(Q)$(MAKE) --no-print-directory ktest-debug
	$(Q)$(MAKE) --no-print-directory integration
	@echo "make test: all stages passed"

clean:
	rm -rf $(BUILD)
