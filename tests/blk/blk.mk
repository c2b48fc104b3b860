# SPDX-License-Identifier: MPL-2.0
# virtio-blk integration test: tests/blk/blk_virtio.c as /init with a 4 MiB disk made by
# tests/blk/blkdisk.py, attached as virtio-blk; after QEMU exits the host checks the guest's
# writes in the image. Keel on q35 (ECAM, MSI-X) and pc (ports 0xcf8, INTx via pci=nomsi);
# Debian's Linux with its virtio modules loaded by the test from the initramfs.

BLK_BIN   := $(BUILD)/userland/blk/blk_virtio
BLK_CPIO  := $(BUILD)/initramfs-blk-virtio.cpio
BLK_DISK  := $(PYTHON) tests/blk/blkdisk.py
BLK_IMGS  := $(BUILD)/tests/blk
BLK_MODS  := virtio/virtio_ring virtio/virtio virtio/virtio_pci_modern_dev \
             virtio/virtio_pci_legacy_dev virtio/virtio_pci block/virtio_blk

$(BLK_BIN): tests/blk/blk_virtio.c $(USER_LIB_SRCS) $(USER_LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -D_GNU_SOURCE -Iuserland/lib -o $@ $< $(USER_LIB_SRCS)

# Debian's virtio modules go in when the oracle kernel is unpacked (Keel never loads them).
$(BUILD)/blk/blk-virtio.list: tests/blk/blk.mk $(BLK_BIN)
	@mkdir -p $(@D)
	$(Q)printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' 'dir /proc 0755 0 0' \
	    'dir /sys 0755 0 0' 'dir /lib 0755 0 0' 'dir /lib/modules 0755 0 0' \
	    'file /init $(BLK_BIN) 0755 0 0' > $@
	$(Q)if [ "$(ORACLE)" = 1 ]; then $(LINUX_KERNEL_SH) $(BUILD) >/dev/null || true; fi; \
	for m in $(BLK_MODS); do \
		f=$$(ls $(BUILD)/linux/current/lib/modules/*/kernel/drivers/$$m.ko 2>/dev/null | head -1); \
		[ -n "$$f" ] && echo "file /lib/modules/$$(basename $$f) $$f 0644 0 0" >> $@; \
	done; true

$(BLK_CPIO): $(BUILD)/blk/blk-virtio.list $(BLK_BIN) $(MKCPIO)
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<

# $(call blk_keel_test,MACHINE,EXTRA_APPEND)
define blk_keel_test
.PHONY: test-keel-blk-virtio-$(1)
test-keel-blk-virtio-$(1): kernel $(BLK_CPIO)
	@mkdir -p $(TEST_LOGS) $(BLK_IMGS)
	$(Q)$(BLK_DISK) make $(BLK_IMGS)/keel-$(1).img
	$(Q)$(BLK_DISK) make-ro $(BLK_IMGS)/keel-$(1)-ro.img
	$(Q)$(QEMU_RUN_KEEL) --name keel-blk-virtio-$(1) --machine $(1) \
	    --kernel $(KERNEL_ELF) --initrd $(BLK_CPIO) --append "$(KEEL_APPEND) $(2)" \
	    --disk $(BLK_IMGS)/keel-$(1).img,if=virtio --disk $(BLK_IMGS)/keel-$(1)-ro.img,if=virtio,ro --tap --log $(TEST_LOGS)/keel-blk-virtio-$(1).log
	$(Q)$(BLK_DISK) check $(BLK_IMGS)/keel-$(1).img
KEEL_BOOT_TESTS += test-keel-blk-virtio-$(1)
endef
$(eval $(call blk_keel_test,q35,))
$(eval $(call blk_keel_test,pc,pci=nomsi))

.PHONY: test-linux-blk-virtio
## test-linux-blk-virtio: the same disk test on Debian's Linux (the oracle).
test-linux-blk-virtio: $(BLK_CPIO)
	@mkdir -p $(TEST_LOGS) $(BLK_IMGS)
	$(Q)$(BLK_DISK) make $(BLK_IMGS)/linux.img
	$(Q)$(BLK_DISK) make-ro $(BLK_IMGS)/linux-ro.img
	$(Q)vmlinuz=$$($(LINUX_KERNEL_SH) $(BUILD)) && \
	$(QEMU_RUN_LINUX) --name linux-blk-virtio --machine q35 \
	    --kernel "$$vmlinuz" --initrd $(BLK_CPIO) --append "$(LINUX_APPEND)" \
	    --disk $(BLK_IMGS)/linux.img,if=virtio --disk $(BLK_IMGS)/linux-ro.img,if=virtio,ro --tap --log $(TEST_LOGS)/linux-blk-virtio.log
	$(Q)$(BLK_DISK) check $(BLK_IMGS)/linux.img
LINUX_BOOT_TESTS += test-linux-blk-virtio

.SECONDARY: $(BLK_BIN) $(BUILD)/blk/blk-virtio.list
