# SPDX-License-Identifier: MPL-2.0
# ABI suites: every tests/abi/<area>.c is a static musl TAP program that becomes /init of its own
# initramfs, booted on Keel (q35) and on Debian's Linux (the oracle). Adding a file adds the tests.

ABI_SRCS   := $(sort $(wildcard tests/abi/*.c))
ABI_NAMES  := $(patsubst tests/abi/%.c,%,$(ABI_SRCS))
ABI_DIR    := $(BUILD)/userland/abi
ABI_CFLAGS := $(USER_CFLAGS) -D_GNU_SOURCE -Iuserland/lib -I$(BUILD)/gen

$(ABI_DIR)/%: tests/abi/%.c $(USER_LIB_SRCS) $(USER_LIB_HDRS) $(wildcard tests/abi/*.h) $(GEN)/uapi/syscall_nr.h
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(ABI_CFLAGS) $(ABI_PRE) -Itests/abi -o $@ $< $(USER_LIB_SRCS) $(ABI_POST)

# mm_aslr is a static PIE (musl's rcrt1.o relocates it), so that its load base can be randomised.
# musl-gcc's specs know no -static-pie, hence the explicit start files and linker flags.
MUSL_LIBDIR ?= /usr/lib/x86_64-linux-musl
$(ABI_DIR)/mm_aslr: ABI_PRE = -fPIE -nostartfiles $(MUSL_LIBDIR)/rcrt1.o $(MUSL_LIBDIR)/crti.o
$(ABI_DIR)/mm_aslr: ABI_POST = $(MUSL_LIBDIR)/crtn.o -Wl,-static,-pie,--no-dynamic-linker,-z,text

$(BUILD)/abi/%.list: tests/abi/abi.mk
	@mkdir -p $(@D)
	$(Q)printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' 'nod /dev/null 0666 0 0 c 1 3' \
	    'dir /proc 0755 0 0' 'dir /sys 0755 0 0' 'dir /tmp 1777 0 0' 'dir /etc 0755 0 0' \
	    'file /init $(ABI_DIR)/$* 0755 0 0' > $@

$(BUILD)/initramfs-abi-%.cpio: $(BUILD)/abi/%.list $(ABI_DIR)/% $(MKCPIO)
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<

# One Keel (q35) and one Linux run per suite.
define abi_suite
$(call keel_tap_test,abi-$(1),$(BUILD)/initramfs-abi-$(1).cpio,q35)
$(call linux_tap_test,abi-$(1),$(BUILD)/initramfs-abi-$(1).cpio)
endef
$(foreach n,$(ABI_NAMES),$(eval $(call abi_suite,$(n))))

.PHONY: test-abi test-abi-linux
## test-abi: run only the ABI suites on Keel.
test-abi: kernel
	$(call run_test_list,$(foreach n,$(ABI_NAMES),test-keel-abi-$(n)-q35),test-abi)
## test-abi-linux: run only the ABI suites on Linux.
test-abi-linux:
	$(call run_test_list,$(foreach n,$(ABI_NAMES),test-linux-abi-$(n)),test-abi-linux)

# Keep the built programs and lists (make would delete them as intermediates).
.SECONDARY: $(foreach n,$(ABI_NAMES),$(ABI_DIR)/$(n) $(BUILD)/abi/$(n).list)
