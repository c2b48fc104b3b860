# SPDX-License-Identifier: MPL-2.0
# Test tiers that run in QEMU: boot smoke test, integration (Keel + Linux oracle).
# Included by the top-level Makefile after kernel/kernel.mk and userland/userland.mk.
# See docs/testing.md.

QEMU_RUN        := $(PYTHON) tests/harness/qemu_run.py
LINUX_KERNEL_SH := tests/harness/linux_kernel.sh
KERNEL_ELF      ?= $(BUILD)/kernel.elf
TEST_LOGS       := $(BUILD)/tests/logs

KEEL_APPEND     ?= console=ttyS0 rdinit=/init
LINUX_APPEND    ?= console=ttyS0 rdinit=/init panic=-1 loglevel=1 edd=off
KEEL_BANNER     ?= Keel kernel booting
# Seconds per QEMU run; TCG on a loaded 2-core host is slow (loaded runs took
# up to 60 s for Linux, 37 s for Keel), so allow about 4x that.
BOOT_TIMEOUT    ?= 240
LINUX_TIMEOUT   ?= 300
# Debian's kernel does not boot under this host's software KVM: the oracle
# always uses TCG unless told otherwise.
LINUX_ACCEL     ?= tcg
# ORACLE=0 leaves the Linux runs out of `make integration` (e.g. offline).
ORACLE          ?= 1

QEMU_RUN_KEEL   = $(QEMU_RUN) --qemu $(QEMU) --accel $(ACCEL) --smp $(SMP) \
                  --mem $(MEM) --timeout $(BOOT_TIMEOUT)
QEMU_RUN_LINUX  = $(QEMU_RUN) --qemu $(QEMU) --accel $(LINUX_ACCEL) --smp $(SMP) \
                  --mem $(MEM) --timeout $(LINUX_TIMEOUT)

# Test targets collected by tests/boot/boot.mk (and by any other makefile
# that adds to them, e.g. the disk image tests): each is a phony target that
# runs one QEMU boot and fails if the harness reports FAIL.
KEEL_BOOT_TESTS  :=
LINUX_BOOT_TESTS :=
IMAGE_BOOT_TESTS ?=

include tests/boot/boot.mk

INTEGRATION_TESTS = $(if $(filter 1,$(ORACLE)),$(LINUX_BOOT_TESTS)) \
                    $(KEEL_BOOT_TESTS) $(IMAGE_BOOT_TESTS)

.PHONY: integration test-keel test-linux boot-smoke linux-kernel harness-check

# Run the make targets in $(1) one after another (QEMU runs compete for the
# CPUs), keep going after a failure, then summarise; fail if any failed.
define run_test_list
	$(Q)failed=""; n=0; \
	for t in $(strip $(1)); do \
		n=$$((n + 1)); \
		$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) $$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "$(2): FAILED:$$failed (logs in $(TEST_LOGS)/)"; exit 1; \
	fi; \
	echo "$(2): all $$n tests passed"
endef

## integration: harness self-test, the Linux oracle, then every Keel boot test.
integration: harness-check kernel initramfs
	$(call run_test_list,$(INTEGRATION_TESTS),integration)

## test-keel: only the Keel boot tests.
test-keel: kernel initramfs
	$(call run_test_list,$(KEEL_BOOT_TESTS),test-keel)

## test-linux: only the Linux oracle runs (Debian's kernel, same initramfs).
test-linux: initramfs
	$(call run_test_list,$(LINUX_BOOT_TESTS),test-linux)

## boot-smoke: boot Keel and check only that it prints its banner.
boot-smoke: kernel initramfs
	@mkdir -p $(TEST_LOGS)
	$(Q)$(QEMU_RUN_KEEL) --name keel-boot-smoke --kernel $(KERNEL_ELF) \
		--initrd $(INITRAMFS_TEST) --append "$(KEEL_APPEND)" \
		--expect "$(KEEL_BANNER)" --stop-on-expect \
		--log $(TEST_LOGS)/keel-boot-smoke.log

## linux-kernel: fetch and unpack Debian's kernel (the oracle) into $(BUILD)/linux/.
linux-kernel:
	$(Q)$(LINUX_KERNEL_SH) $(BUILD)

## harness-check: unit tests of the harness itself (TAP/KTEST parsers, cpio writer).
harness-check:
	$(Q)$(PYTHON) tests/harness/selftest.py
