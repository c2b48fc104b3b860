# SPDX-License-Identifier: MPL-2.0
# The stress program (tests/stress) as /init with a fresh 16 MiB ext2 disk on virtio-blk: every
# phase runs in several processes at once on -smp 2, with leak checks after each; the host runs
# e2fsck -fn on the disk afterwards. `test-keel-stress-q35`/`test-linux-stress` (scale 1) are in
# `make test`; `make stress` is the long run (STRESS_SCALE). Included by the top-level Makefile.

STRESS_BIN    := $(BUILD)/userland/stress/stress
STRESS_SRCS   := $(wildcard tests/stress/*.c)
STRESS_CPIO   := $(BUILD)/initramfs-stress.cpio
STRESS_IMGS   := $(BUILD)/tests/stress
STRESS_SCALE  ?= 5
STRESS_TIME   ?= 1200
STRESS_MKDISK  = rm -f $(1) && mke2fs -q -F -t ext2 -b 1024 $(1) 16M
STRESS_FSCK    = e2fsck -fn $(1) >$(1).fsck 2>&1 || { cat $(1).fsck; exit 1; }
STRESS_CHECKS := --tap --fail 'not ok'

$(STRESS_BIN): $(STRESS_SRCS) $(wildcard tests/stress/*.h) $(USER_LIB_SRCS) $(USER_LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -D_GNU_SOURCE -Iuserland/lib -o $@ $(STRESS_SRCS) \
	    $(USER_LIB_SRCS) -lpthread

# The ext2 test's module list (virtio, ext4) for the Linux oracle.
$(BUILD)/stress/stress.list: tests/stress/stress.mk $(STRESS_BIN)
	@mkdir -p $(@D)
	$(Q)printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
	    'nod /dev/null 0666 0 0 c 1 3' 'dir /proc 0755 0 0' 'dir /tmp 1777 0 0' \
	    'dir /mnt 0755 0 0' 'dir /lib 0755 0 0' 'dir /lib/modules 0755 0 0' \
	    'file /init $(STRESS_BIN) 0755 0 0' > $@
	$(Q)if [ "$(ORACLE)" = 1 ]; then $(LINUX_KERNEL_SH) $(BUILD) >/dev/null || true; fi; \
	for m in $(EXT2_MODS); do \
		f=$$(ls $(BUILD)/linux/current/lib/modules/*/kernel/$$m.ko 2>/dev/null | head -1); \
		[ -n "$$f" ] && echo "file /lib/modules/$$(basename $$f) $$f 0644 0 0" >> $@; \
	done; true

$(STRESS_CPIO): $(BUILD)/stress/stress.list $(STRESS_BIN) $(MKCPIO)
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<

# $(1): run name, $(2): scale, $(3): timeout, $(4): kernel (keel|linux).
define stress_run
	@mkdir -p $(TEST_LOGS) $(STRESS_IMGS)
	$(Q)$(call STRESS_MKDISK,$(STRESS_IMGS)/$(1).img)
	$(Q)$(if $(filter keel,$(4)),kernel=$(KERNEL_ELF),kernel=$$($(LINUX_KERNEL_SH) $(BUILD))) && \
	$(QEMU_RUN) --qemu $(QEMU) --accel $(if $(filter keel,$(4)),$(ACCEL),$(LINUX_ACCEL)) \
	    --smp $(SMP) --mem $(MEM) --timeout $(3) --name $(1) --machine q35 \
	    --kernel "$$kernel" --initrd $(STRESS_CPIO) \
	    --append "$(if $(filter keel,$(4)),$(KEEL_APPEND),$(LINUX_APPEND)) -- scale=$(2)" \
	    --disk $(STRESS_IMGS)/$(1).img,if=virtio $(STRESS_CHECKS) --log $(TEST_LOGS)/$(1).log
	$(Q)$(call STRESS_FSCK,$(STRESS_IMGS)/$(1).img)
	$(Q)grep -E '^# (scale|[a-z0-9]+: MemFree)' $(TEST_LOGS)/$(1).log | tail -3
endef

.PHONY: test-keel-stress-q35 test-linux-stress stress stress-linux
## test-keel-stress-q35: the short stress run (scale 1) on Keel with an ext2 disk; e2fsck afterwards.
test-keel-stress-q35: kernel $(STRESS_CPIO)
	$(call stress_run,keel-stress-q35,1,600,keel)
KEEL_BOOT_TESTS += test-keel-stress-q35

## test-linux-stress: the same short stress run on Debian's Linux (the oracle).
test-linux-stress: $(STRESS_CPIO)
	$(call stress_run,linux-stress,1,480,linux)
LINUX_BOOT_TESTS += test-linux-stress

## stress: the long stress run on Keel (STRESS_SCALE, default 5; STRESS_TIME seconds at most).
stress: kernel $(STRESS_CPIO)
	$(call stress_run,stress,$(STRESS_SCALE),$(STRESS_TIME),keel)

## stress-linux: the long stress run on Debian's Linux.
stress-linux: $(STRESS_CPIO)
	$(call stress_run,stress-linux,$(STRESS_SCALE),$(STRESS_TIME),linux)

.SECONDARY: $(STRESS_BIN) $(BUILD)/stress/stress.list
