# SPDX-License-Identifier: MPL-2.0
# Out-of-memory boot test: /init forks a child that touches more memory than the machine has; the
# child must die by SIGKILL (Keel: "Out of memory: Killed process N (comm) total-vm:...") and init
# must live on. Then an idle hog and a small allocator: the hog (the largest) is the one killed,
# unless its oom_score_adj is -1000. Linux runs the same initramfs as the oracle.

OOM_BIN  := $(BUILD)/userland/boot/oom
OOM_CPIO := $(BUILD)/initramfs-oom.cpio
OOM_MEM  := 192

$(OOM_BIN): tests/boot/oom.c $(USER_LIB_SRCS) $(USER_LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -D_GNU_SOURCE -Iuserland/lib -o $@ $< $(USER_LIB_SRCS)

$(BUILD)/boot/oom.list: tests/boot/oom.mk
	@mkdir -p $(@D)
	$(Q)printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' 'dir /proc 0755 0 0' \
	    'file /init $(OOM_BIN) 0755 0 0' > $@

$(OOM_CPIO): $(BUILD)/boot/oom.list $(OOM_BIN) $(MKCPIO)
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<

.PHONY: test-keel-oom-q35 test-linux-oom
## test-keel-oom-q35: a memory hog is killed with SIGKILL and a kernel message, not a panic.
test-keel-oom-q35: kernel $(OOM_CPIO)
	@mkdir -p $(TEST_LOGS)
	$(Q)$(QEMU_RUN_KEEL) --mem $(OOM_MEM) --name keel-oom-q35 --machine q35 \
	    --kernel $(KERNEL_ELF) --initrd $(OOM_CPIO) --append "$(KEEL_APPEND)" \
	    --tap --expect 'Out of memory: Killed process [0-9]+ \(' --log $(TEST_LOGS)/keel-oom-q35.log

## test-linux-oom: the same on Debian's Linux with the same memory size (its OOM killer).
test-linux-oom: $(OOM_CPIO)
	@mkdir -p $(TEST_LOGS)
	$(Q)vmlinuz=$$($(LINUX_KERNEL_SH) $(BUILD)) && \
	$(QEMU_RUN_LINUX) --mem $(OOM_MEM) --name linux-oom --machine q35 \
	    --kernel "$$vmlinuz" --initrd $(OOM_CPIO) --append "$(LINUX_APPEND)" \
	    --tap --log $(TEST_LOGS)/linux-oom.log

KEEL_BOOT_TESTS  += test-keel-oom-q35
LINUX_BOOT_TESTS += test-linux-oom
