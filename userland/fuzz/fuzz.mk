# SPDX-License-Identifier: MPL-2.0
# The syscall fuzzer (userland/fuzz) and its initramfs; `make fuzz` is in tests/robust/robust.mk.
# Included by userland/userland.mk.

FUZZ_DIR    := $(BUILD)/userland/fuzz
FUZZ_SRCS   := $(wildcard userland/fuzz/*.c)
FUZZ_INITRD := $(BUILD)/initramfs-fuzz.cpio

$(FUZZ_DIR)/fuzz: $(FUZZ_SRCS) userland/fuzz/fuzz.h userland/fuzz/fuzz.mk
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -o $@ $(FUZZ_SRCS)

$(FUZZ_DIR)/fuzz.list: userland/fuzz/fuzz.mk
	@mkdir -p $(@D)
	$(Q)printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
	    'nod /dev/null 0666 0 0 c 1 3' 'nod /dev/zero 0666 0 0 c 1 5' \
	    'dir /proc 0755 0 0' 'dir /tmp 1777 0 0' \
	    'file /init $(FUZZ_DIR)/fuzz 0755 0 0' > $@

$(FUZZ_INITRD): $(FUZZ_DIR)/fuzz.list $(FUZZ_DIR)/fuzz $(MKCPIO)
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<
