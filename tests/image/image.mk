# SPDX-License-Identifier: MPL-2.0
# Disk image tests: GRUB (BIOS, UEFI) boots Keel from images/keel.qcow2; the shell test; the rootfs on the Linux oracle.
# Included by the top-level Makefile after tests/tests.mk. See docs/distribution.md.

IMAGE_TEST_TIMEOUT ?= 120
IMAGE_TEST_DIR     := $(BUILD)/tests/image
SERIAL_SESSION     := $(PYTHON) tests/image/serial_session.py
IMAGE_OVERRIDE_NORMAL := $(IMAGE_TEST_DIR)/override-normal.img
# UEFI runs only when GRUB's EFI files and OVMF are installed.
IMAGE_UEFI         := $(if $(and $(wildcard /usr/lib/grub/x86_64-efi/multiboot2.mod),$(wildcard /usr/share/OVMF/OVMF_CODE*.fd)),1)

# The kernel cannot run BusyBox yet (no fork/VFS), so the boot tests check
# that GRUB loaded Keel with the right entry and stop there. The panics that
# follow today are expected: no init runnable (recovery), no root device
# (normal). Any other panic fails the test.
IMAGE_EXPECTED_PANIC := KERNEL PANIC on cpu [0-9]+: (?!No working init found|no initramfs given)
IMAGE_RUN = $(QEMU_RUN) --qemu $(QEMU) --accel $(ACCEL) --smp $(SMP) --mem $(MEM) \
            --timeout $(IMAGE_TEST_TIMEOUT) --image $(IMAGE) --snapshot \
            --no-default-fail --fail '$(IMAGE_EXPECTED_PANIC)' \
            --expect '$(KEEL_BANNER)' --stop-on-expect
RECOVERY_EXPECT := --expect 'boot: GRUB .*, 1 module\(s\), cmdline "console=ttyS0 rdinit=/sbin/init'
NORMAL_EXPECT   := --expect 'boot: GRUB .*, 0 module\(s\), cmdline "root=/dev/vda1 console=ttyS0'

# A second disk whose /keel-grub-override.cfg selects the normal entry
# (images/grub.cfg sources it): a FAT image made with mtools.
$(IMAGE_OVERRIDE_NORMAL): tests/image/image.mk
	@mkdir -p $(@D)
	$(Q)rm -f $@ && truncate -s 1M $@ && mformat -i $@ -N 4b656e6f ::
	$(Q)printf 'set default=normal\nset timeout=0\n' > $(@D)/keel-grub-override.cfg
	$(Q)mcopy -i $@ $(@D)/keel-grub-override.cfg ::/keel-grub-override.cfg

.PHONY: test-image test-image-bios-recovery test-image-bios-normal \
        test-image-uefi-recovery test-image-uefi-normal test-image-shell test-rootfs-linux

## test-image-bios-recovery: BIOS GRUB boots Keel with the default (recovery, initramfs) entry.
test-image-bios-recovery: $(IMAGE)
	$(Q)$(IMAGE_RUN) --name image-bios-recovery $(RECOVERY_EXPECT) --log $(TEST_LOGS)/image-bios-recovery.log

## test-image-bios-normal: BIOS GRUB boots Keel with the normal entry (chosen by the override disk).
test-image-bios-normal: $(IMAGE) $(IMAGE_OVERRIDE_NORMAL)
	$(Q)$(IMAGE_RUN) --name image-bios-normal --drive $(IMAGE_OVERRIDE_NORMAL) $(NORMAL_EXPECT) \
	    --log $(TEST_LOGS)/image-bios-normal.log

## test-image-uefi-recovery: UEFI (OVMF) GRUB boots Keel with the default entry.
test-image-uefi-recovery: $(IMAGE)
	$(Q)$(IMAGE_RUN) --uefi --name image-uefi-recovery $(RECOVERY_EXPECT) --log $(TEST_LOGS)/image-uefi-recovery.log

## test-image-uefi-normal: UEFI (OVMF) GRUB boots Keel with the normal entry.
test-image-uefi-normal: $(IMAGE) $(IMAGE_OVERRIDE_NORMAL)
	$(Q)$(IMAGE_RUN) --uefi --name image-uefi-normal --drive $(IMAGE_OVERRIDE_NORMAL) $(NORMAL_EXPECT) \
	    --log $(TEST_LOGS)/image-uefi-normal.log

IMAGE_TESTS := test-image-bios-recovery test-image-bios-normal \
               $(if $(IMAGE_UEFI),test-image-uefi-recovery test-image-uefi-normal)
# Part of `make integration` (and so `make test`): about 30 s in all.
IMAGE_BOOT_TESTS += $(IMAGE_TESTS)

## test-image: only the disk image boot tests.
test-image: $(IMAGE)
	$(call run_test_list,$(IMAGE_TESTS),test-image)

# The shell test: boot the image, wait for the prompt, run a command over
# the serial console, check its output, power off. Kept out of `make test`
# until Keel runs BusyBox (fork, exec of symlinks, VFS); FIRMWARE=uefi for OVMF.
SHELL_STEPS = --step '@keel:[^\n]*[\#] ' 'echo hello-$$((6*7))' \
              --step 'hello-42' 'crun --version' \
              --step 'crun version [0-9]' 'poweroff'
FIRMWARE ?= bios

## test-image-shell: boot the image to a BusyBox shell, run `echo hello-$((6*7))`, expect hello-42, power off.
test-image-shell: $(IMAGE)
	$(Q)$(SERIAL_SESSION) $(SHELL_STEPS) -- --qemu $(QEMU) --accel $(ACCEL) --smp $(SMP) \
	    --mem $(MEM) --timeout $(IMAGE_TEST_TIMEOUT) --image $(IMAGE) --snapshot \
	    --firmware $(FIRMWARE) --name image-shell-$(FIRMWARE) --log $(TEST_LOGS)/image-shell-$(FIRMWARE).log

## test-rootfs-linux: the oracle: Debian's Linux boots the image's root file system (initramfs) and runs the shell session.
test-rootfs-linux: $(ROOTFS_CPIO)
	$(Q)vmlinuz=$$($(LINUX_KERNEL_SH) $(BUILD)) && \
	$(SERIAL_SESSION) $(SHELL_STEPS) -- --qemu $(QEMU) --accel $(LINUX_ACCEL) --smp $(SMP) \
	    --mem $(MEM) --timeout $(LINUX_TIMEOUT) --kernel $$vmlinuz --initrd $(ROOTFS_CPIO) \
	    --append "$(patsubst rdinit=%,rdinit=/sbin/init,$(LINUX_APPEND))" \
	    --name rootfs-linux --log $(TEST_LOGS)/rootfs-linux.log

LINUX_BOOT_TESTS += test-rootfs-linux
