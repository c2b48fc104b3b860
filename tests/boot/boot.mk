# SPDX-License-Identifier: MPL-2.0
# Boot tests: each TAP initramfs boots on Keel (PVH, q35 and pc) and on Linux.
# Included by tests/tests.mk, which defines the QEMU_RUN_* commands.

# $(call keel_tap_test,NAME,INITRAMFS,MACHINE): boot Keel via PVH (-kernel)
# with INITRAMFS as the initramfs; its /init must print a clean TAP stream
# and power off.
define keel_tap_test
.PHONY: test-keel-$(1)-$(3)
test-keel-$(1)-$(3): kernel $(2)
	@mkdir -p $(TEST_LOGS)
	$(Q)$(QEMU_RUN_KEEL) --name keel-$(1)-$(3) --machine $(3) \
		--kernel $$(KERNEL_ELF) --initrd $(2) --append "$(KEEL_APPEND)" \
		--tap --log $(TEST_LOGS)/keel-$(1)-$(3).log
KEEL_BOOT_TESTS += test-keel-$(1)-$(3)
endef

# $(call linux_tap_test,NAME,INITRAMFS): the same initramfs on Debian's own
# Linux kernel. A test that fails here is a wrong test, not a Keel bug.
define linux_tap_test
.PHONY: test-linux-$(1)
test-linux-$(1): $(2)
	@mkdir -p $(TEST_LOGS)
	$(Q)vmlinuz=$$$$($(LINUX_KERNEL_SH) $(BUILD)) && \
	$(QEMU_RUN_LINUX) --name linux-$(1) --machine q35 \
		--kernel "$$$$vmlinuz" --initrd $(2) --append "$(LINUX_APPEND)" \
		--tap --log $(TEST_LOGS)/linux-$(1).log
LINUX_BOOT_TESTS += test-linux-$(1)
endef

# $(call tap_test,NAME,INITRAMFS): the full set for one TAP initramfs.
define tap_test
$(call keel_tap_test,$(1),$(2),q35)
$(call keel_tap_test,$(1),$(2),pc)
$(call linux_tap_test,$(1),$(2))
endef

# $(call image_tap_test,NAME,IMAGE,FIRMWARE): hook for the disk image tests
# (GRUB + multiboot2): boot IMAGE with FIRMWARE (bios or uefi) and require
# a clean TAP stream. The image's init decides what runs.
define image_tap_test
.PHONY: test-image-$(1)
test-image-$(1): $(2)
	@mkdir -p $(TEST_LOGS)
	$(Q)$(QEMU_RUN_KEEL) --name image-$(1) --image $(2) --firmware $(3) \
		--snapshot --tap --log $(TEST_LOGS)/image-$(1).log
IMAGE_BOOT_TESTS += test-image-$(1)
endef

# The tests. Add a line per TAP initramfs (userland/initramfs/<name>.list).
$(eval $(call tap_test,hello,$(INITRAMFS_TEST)))
