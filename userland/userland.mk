# SPDX-License-Identifier: MPL-2.0
# Userland: static musl test programs and the initramfs images that carry them.
# Included by the top-level Makefile (BUILD, PYTHON, Q come from there).

MUSL_CC         ?= musl-gcc
USER_CFLAGS     ?= -static -O2 -g -std=c11 -Wall -Wextra -Werror \
                   -fno-omit-frame-pointer
USERLAND_DIR    := $(BUILD)/userland
USER_LIB_SRCS   := userland/lib/tap.c
USER_LIB_HDRS   := $(wildcard userland/lib/*.h)

# Every userland/tests/<name>.c becomes $(BUILD)/userland/tests/<name>,
# linked with the small test library in userland/lib/.
USER_TEST_SRCS  := $(wildcard userland/tests/*.c)
USER_TESTS      := $(patsubst userland/tests/%.c,$(USERLAND_DIR)/tests/%,$(USER_TEST_SRCS))

MKCPIO          := tests/harness/mkcpio.py
INITRAMFS_TEST  := $(BUILD)/initramfs-test.cpio

.PHONY: userland initramfs

## userland: build every userland test program (static musl).
userland: $(USER_TESTS)

## initramfs: build the boot-test initramfs ($(BUILD)/initramfs-test.cpio).
initramfs: $(INITRAMFS_TEST)

$(USERLAND_DIR)/tests/%: userland/tests/%.c $(USER_LIB_SRCS) $(USER_LIB_HDRS) userland/userland.mk
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -Iuserland/lib -o $@ $< $(USER_LIB_SRCS)

# $(BUILD)/initramfs-<list>.cpio from userland/initramfs/<list>.list. The
# depfile records the files the list pulls in; the program it names as /init
# must be a prerequisite too so that it is built first.
$(BUILD)/initramfs-%.cpio: userland/initramfs/%.list $(MKCPIO) $(USER_TESTS)
	@mkdir -p $(@D)
	@echo "  CPIO    $@"
	$(Q)$(PYTHON) $(MKCPIO) -D USERLAND=$(USERLAND_DIR) \
		--depfile $@.d -o $@ $<

$(BUILD)/initramfs-%.cpio.gz: userland/initramfs/%.list $(MKCPIO) $(USER_TESTS)
	@mkdir -p $(@D)
	@echo "  CPIO    $@"
	$(Q)$(PYTHON) $(MKCPIO) -D USERLAND=$(USERLAND_DIR) --gzip \
		--depfile $@.d -o $@ $<

-include $(wildcard $(BUILD)/initramfs-*.cpio.d $(BUILD)/initramfs-*.cpio.gz.d)

# Third-party programs (BusyBox, crun) from Debian source packages.
include userland/dist/dist.mk
# The benchmark program and `make bench`.
include userland/bench/bench.mk
# The syscall fuzzer.
include userland/fuzz/fuzz.mk
# The staged root file system and the GRUB disk image.
include images/image.mk
