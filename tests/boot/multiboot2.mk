# SPDX-License-Identifier: MPL-2.0
# Multiboot2 boot path: GRUB (grub-mkrescue, BIOS) loads build/kernel.elf and the test initramfs.

MB2_DIR := $(BUILD)/mb2-iso
MB2_ISO := $(BUILD)/keel-mb2.iso

$(MB2_ISO): $(KERNEL_ELF) $(INITRAMFS_TEST) tests/boot/multiboot2.mk
	@mkdir -p $(MB2_DIR)/boot/grub
	$(Q)cp $(KERNEL_ELF) $(MB2_DIR)/boot/keel.elf
	$(Q)cp $(INITRAMFS_TEST) $(MB2_DIR)/boot/initramfs.cpio
	$(Q)printf '%s\n' 'serial --unit=0 --speed=115200' 'terminal_input serial' \
	    'terminal_output serial' 'set timeout=0' 'menuentry "Keel (multiboot2)" {' \
	    '  multiboot2 /boot/keel.elf console=ttyS0 rdinit=/init' \
	    '  module2 /boot/initramfs.cpio initramfs' '}' > $(MB2_DIR)/boot/grub/grub.cfg
	$(Q)SOURCE_DATE_EPOCH=0 grub-mkrescue -d /usr/lib/grub/i386-pc -o $@ $(MB2_DIR) >$(BUILD)/mb2-iso.log 2>&1 \
	    || { cat $(BUILD)/mb2-iso.log; exit 1; }

.PHONY: test-keel-multiboot2
## test-keel-multiboot2: boot Keel through GRUB's multiboot2 loader (BIOS) and run the hello TAP test.
test-keel-multiboot2: $(MB2_ISO)
	@mkdir -p $(TEST_LOGS)
	$(Q)$(QEMU_RUN_KEEL) --name keel-multiboot2 --image $(MB2_ISO) --image-if ide --snapshot \
	    --tap --log $(TEST_LOGS)/keel-multiboot2.log

KEEL_BOOT_TESTS += test-keel-multiboot2
