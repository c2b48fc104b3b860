# SPDX-License-Identifier: MPL-2.0
# Root file system staging, the GRUB disk image (make image) and booting it (run-image, run-uefi).
# Included by userland/userland.mk after userland/dist/dist.mk; see docs/distribution.md.

ROOTFS_STAGE  := $(BUILD)/rootfs
ROOTFS_STAMP  := $(BUILD)/rootfs.stamp
ROOTFS_CPIO   := $(BUILD)/rootfs.cpio.gz
IMAGE         ?= images/keel.qcow2
IMAGE_WORK    := $(BUILD)/image
IMAGE_KERNEL  ?= $(BUILD)/kernel.elf
ROOTFS_SKEL   := $(shell find rootfs -type f 2>/dev/null)
STAGE_ROOTFS  := userland/dist/stage-rootfs.sh
MKIMAGE       := images/mkimage.sh
IMAGE_MEM     ?= $(MEM)
OVMF_CODE     ?= /usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS     ?= /usr/share/OVMF/OVMF_VARS_4M.fd

.PHONY: rootfs rootfs-cpio image image-repro run-image run-uefi

## rootfs: stage the root file system in $(BUILD)/rootfs/ (skeleton, BusyBox, crun, example bundle).
rootfs: $(ROOTFS_STAMP)
## rootfs-cpio: the staged root file system as a gzipped initramfs ($(BUILD)/rootfs.cpio.gz).
rootfs-cpio: $(ROOTFS_CPIO)

$(ROOTFS_STAMP): $(ROOTFS_SKEL) $(BUSYBOX_BIN) $(CRUN_BIN) $(STAGE_ROOTFS) images/image.mk
	@echo "  ROOTFS  $(ROOTFS_STAGE)/"
	$(Q)$(STAGE_ROOTFS) $(ROOTFS_STAGE) rootfs $(BUSYBOX_BIN) $(CRUN_BIN) $(DIST_EPOCH)
	$(Q)touch $@

$(ROOTFS_CPIO): $(ROOTFS_STAMP) $(MKCPIO)
	@echo "  CPIO    $@"
	$(Q)$(PYTHON) $(MKCPIO) --gzip --mtime $(DIST_EPOCH) -o $@ $(ROOTFS_STAGE).cpio-list

## image: build images/keel.qcow2 (GRUB BIOS + UEFI, ext2 root, recovery initramfs).
image: $(IMAGE)

$(IMAGE): $(ROOTFS_STAMP) $(ROOTFS_CPIO) $(IMAGE_KERNEL) $(MKIMAGE) images/grub.cfg images/early.cfg
	@echo "  IMAGE   $@"
	$(Q)$(MKIMAGE) $@ $(IMAGE_WORK) $(ROOTFS_STAGE) $(IMAGE_KERNEL) $(ROOTFS_CPIO) $(DIST_EPOCH)
	@ls -l $@ | awk '{ printf "  IMAGE   %s: %.1f MiB\n", $$9, $$5 / 1048576 }'

## image-repro: build the image twice from scratch (same inputs) and check the bytes are identical.
image-repro: $(ROOTFS_STAMP) $(ROOTFS_CPIO) $(IMAGE_KERNEL)
	@mkdir -p $(BUILD)/repro
	$(Q)for i in 1 2; do \
	    rm -f $(BUILD)/repro/rootfs.stamp; \
	    $(STAGE_ROOTFS) $(BUILD)/repro/rootfs-$$i rootfs $(BUSYBOX_BIN) $(CRUN_BIN) $(DIST_EPOCH) && \
	    $(PYTHON) $(MKCPIO) --gzip --mtime $(DIST_EPOCH) -o $(BUILD)/repro/rootfs-$$i.cpio.gz \
	        $(BUILD)/repro/rootfs-$$i.cpio-list && \
	    $(MKIMAGE) $(BUILD)/repro/keel-$$i.qcow2 $(BUILD)/repro/work-$$i $(BUILD)/repro/rootfs-$$i \
	        $(IMAGE_KERNEL) $(BUILD)/repro/rootfs-$$i.cpio.gz $(DIST_EPOCH) || exit 1; \
	done
	$(Q)cmp $(BUILD)/repro/rootfs-1.cpio.gz $(BUILD)/repro/rootfs-2.cpio.gz
	$(Q)cmp $(BUILD)/repro/work-1/disk.raw $(BUILD)/repro/work-2/disk.raw
	$(Q)cmp $(BUILD)/repro/keel-1.qcow2 $(BUILD)/repro/keel-2.qcow2
	@echo "image-repro: two builds are byte-identical ($$(sha256sum $(BUILD)/repro/keel-1.qcow2 | cut -c1-16)...)"

# QEMU for an interactive run of the image: serial console on this
# terminal (Ctrl-A X quits), writes go to a throw-away snapshot.
RUN_IMAGE_QEMU = timeout -k 5 $${RUN_TIMEOUT:-3600} $(QEMU) -accel $(ACCEL) \
    $(if $(filter kvm,$(ACCEL)),-cpu host$(comma)-arch-capabilities,-cpu max) \
    -machine q35 -m $(IMAGE_MEM) -smp $(SMP) -nographic -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -drive file=$(IMAGE),format=qcow2,if=virtio -snapshot

## run-image: boot images/keel.qcow2 with BIOS (ACCEL=tcg|kvm, SMP, MEM).
run-image: $(IMAGE)
	$(RUN_IMAGE_QEMU)

## run-uefi: boot images/keel.qcow2 with UEFI (Debian's OVMF).
run-uefi: $(IMAGE)
	@mkdir -p $(BUILD)
	$(Q)cp $(OVMF_VARS) $(BUILD)/OVMF_VARS.fd
	$(RUN_IMAGE_QEMU) -drive if=pflash,format=raw,unit=0,readonly=on,file=$(OVMF_CODE) \
	    -drive if=pflash,format=raw,unit=1,file=$(BUILD)/OVMF_VARS.fd
