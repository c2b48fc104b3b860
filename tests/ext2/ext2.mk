# SPDX-License-Identifier: MPL-2.0
# ext2 integration test: tests/ext2/ext2_mount.c as /init with an 8 MiB ext2 disk (and an empty
# 80 MiB one for 64 MiB of sequential I/O, the page-cache benchmark) made by
# tests/ext2/ext2disk.py (mke2fs -d, then e2fsck -D), attached as virtio-blk. The guest mounts
# it, reads the host's files, writes a tree, remounts, umounts and mounts again; after QEMU
# exits the host runs e2fsck -fn and checks the files with debugfs. Keel on q35; Debian's
# Linux (its ext4 driver mounts ext2) as the oracle, with the modules loaded from the initramfs.

EXT2_BIN   := $(BUILD)/userland/ext2/ext2_mount
EXT2_CPIO  := $(BUILD)/initramfs-ext2.cpio
EXT2_DISK  := $(PYTHON) tests/ext2/ext2disk.py
EXT2_IMGS  := $(BUILD)/tests/ext2
# 64 MiB of writes and reads in TCG on a loaded host: far more than BOOT_TIMEOUT.
EXT2_TIMEOUT ?= 900
EXT2_MODS  := drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev \
              drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/block/virtio_blk \
              lib/crc16 crypto/crc32c_generic lib/libcrc32c fs/mbcache fs/jbd2/jbd2 fs/ext4/ext4

$(EXT2_BIN): tests/ext2/ext2_mount.c tests/abi/truncate_check.h tests/abi/proc_test.h $(USER_LIB_SRCS) $(USER_LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -D_GNU_SOURCE -Iuserland/lib -o $@ $< $(USER_LIB_SRCS)

$(BUILD)/ext2/ext2.list: tests/ext2/ext2.mk $(EXT2_BIN)
	@mkdir -p $(@D)
	$(Q)printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' 'dir /proc 0755 0 0' \
	    'dir /sys 0755 0 0' 'dir /mnt 0755 0 0' 'dir /lib 0755 0 0' 'dir /lib/modules 0755 0 0' \
	    'file /init $(EXT2_BIN) 0755 0 0' > $@
	$(Q)if [ "$(ORACLE)" = 1 ]; then $(LINUX_KERNEL_SH) $(BUILD) >/dev/null || true; fi; \
	for m in $(EXT2_MODS); do \
		f=$$(ls $(BUILD)/linux/current/lib/modules/*/kernel/$$m.ko 2>/dev/null | head -1); \
		[ -n "$$f" ] && echo "file /lib/modules/$$(basename $$f) $$f 0644 0 0" >> $@; \
	done; true

$(EXT2_CPIO): $(BUILD)/ext2/ext2.list $(EXT2_BIN) $(MKCPIO)
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<

.PHONY: test-keel-ext2-q35
## test-keel-ext2-q35: mount, write and remount an ext2 disk on Keel; e2fsck -fn afterwards.
test-keel-ext2-q35: kernel $(EXT2_CPIO)
	@mkdir -p $(TEST_LOGS) $(EXT2_IMGS)
	$(Q)$(EXT2_DISK) make $(EXT2_IMGS)/keel-q35.img
	$(Q)$(QEMU_RUN_KEEL) --name keel-ext2-q35 --machine q35 \
	    --kernel $(KERNEL_ELF) --initrd $(EXT2_CPIO) --append "$(KEEL_APPEND)" \
	    --disk $(EXT2_IMGS)/keel-q35.img,if=virtio --disk $(EXT2_IMGS)/keel-q35.img.big,if=virtio \
	    --timeout $(EXT2_TIMEOUT) --tap --log $(TEST_LOGS)/keel-ext2-q35.log
	$(Q)$(EXT2_DISK) check $(EXT2_IMGS)/keel-q35.img
KEEL_BOOT_TESTS += test-keel-ext2-q35

.PHONY: test-linux-ext2
## test-linux-ext2: the same ext2 test on Debian's Linux (the oracle).
test-linux-ext2: $(EXT2_CPIO)
	@mkdir -p $(TEST_LOGS) $(EXT2_IMGS)
	$(Q)$(EXT2_DISK) make $(EXT2_IMGS)/linux.img
	$(Q)vmlinuz=$$($(LINUX_KERNEL_SH) $(BUILD)) && \
	$(QEMU_RUN_LINUX) --name linux-ext2 --machine q35 \
	    --kernel "$$vmlinuz" --initrd $(EXT2_CPIO) --append "$(LINUX_APPEND)" \
	    --disk $(EXT2_IMGS)/linux.img,if=virtio --disk $(EXT2_IMGS)/linux.img.big,if=virtio \
	    --timeout $(EXT2_TIMEOUT) --tap --log $(TEST_LOGS)/linux-ext2.log
	$(Q)$(EXT2_DISK) check $(EXT2_IMGS)/linux.img
LINUX_BOOT_TESTS += test-linux-ext2

.SECONDARY: $(EXT2_BIN) $(BUILD)/ext2/ext2.list
