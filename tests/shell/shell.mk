# SPDX-License-Identifier: MPL-2.0
# Shell-level test: an initramfs with the musl BusyBox (every applet a symlink) whose /init runs
# tests/shell/run.sh, a TAP script exercising the shell and the applets. Keel (q35) and Linux.

SHELL_T_DIR   := $(BUILD)/shell
SHELL_T_INIT  := $(BUILD)/userland/shell/init
SHELL_T_CPIO  := $(BUILD)/initramfs-shelltest.cpio
SHELL_T_SCRIPTS := $(sort $(wildcard tests/shell/*.sh))

$(SHELL_T_INIT): tests/shell/init.c
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -D_GNU_SOURCE -o $@ $<

# The image: the usual skeleton, BusyBox at /bin/busybox with a symlink at
# every path its --list-full names, the scripts under /shell.
$(SHELL_T_DIR)/shell.list: tests/shell/shell.mk $(BUSYBOX_BIN) $(SHELL_T_SCRIPTS)
	@mkdir -p $(@D)
	$(Q){ for d in /bin /sbin /usr /usr/bin /usr/sbin /dev /etc /proc /sys /tmp /root /mnt /shell; do \
	        m=0755; [ $$d = /tmp ] && m=1777; echo "dir $$d $$m 0 0"; done; \
	      echo 'nod /dev/console 0600 0 0 c 5 1'; \
	      echo 'nod /dev/null 0666 0 0 c 1 3'; \
	      echo 'nod /dev/zero 0666 0 0 c 1 5'; \
	      echo 'file /bin/busybox $(abspath $(BUSYBOX_BIN)) 0755 0 0'; \
	      echo 'file /init $(abspath $(SHELL_T_INIT)) 0755 0 0'; \
	      echo 'file /etc/passwd $(abspath $(SHELL_T_DIR))/passwd 0644 0 0'; \
	      echo 'file /etc/group $(abspath $(SHELL_T_DIR))/group 0644 0 0'; \
	      for f in $(SHELL_T_SCRIPTS); do echo "file /shell/$$(basename $$f) $(CURDIR)/$$f 0644 0 0"; done; \
	      $(BUSYBOX_BIN) --list-full | LC_ALL=C sort | grep -v '^bin/busybox$$' | \
	        while read -r p; do echo "slink /$$p /bin/busybox 0777 0 0"; done; \
	    } > $@.tmp && mv $@.tmp $@
	$(Q)printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > $(SHELL_T_DIR)/passwd
	$(Q)printf 'root:x:0:\nnogroup:x:65534:\n' > $(SHELL_T_DIR)/group

$(SHELL_T_CPIO): $(SHELL_T_DIR)/shell.list $(SHELL_T_INIT) $(MKCPIO) $(SHELL_T_SCRIPTS)
	@echo "  CPIO    $@"
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<

.PHONY: shell-initramfs
## shell-initramfs: build the BusyBox shell test initramfs.
shell-initramfs: $(SHELL_T_CPIO)

# Keel (q35) and the Linux oracle; part of `make integration`. TCG runs
# every applet slowly, so these boots get more time than the ABI suites
# (the harness takes the last --timeout given).
SHELL_T_TIMEOUT ?= 300

.PHONY: test-keel-shell-q35 test-linux-shell
## test-keel-shell-q35: the BusyBox shell test on Keel.
test-keel-shell-q35: kernel $(SHELL_T_CPIO)
	@mkdir -p $(TEST_LOGS)
	$(Q)$(QEMU_RUN_KEEL) --timeout $(SHELL_T_TIMEOUT) --name keel-shell-q35 --machine q35 \
	    --kernel $(KERNEL_ELF) --initrd $(SHELL_T_CPIO) --append "$(KEEL_APPEND)" \
	    --tap --log $(TEST_LOGS)/keel-shell-q35.log

## test-linux-shell: the same script on Debian's Linux (the oracle).
test-linux-shell: $(SHELL_T_CPIO)
	@mkdir -p $(TEST_LOGS)
	$(Q)vmlinuz=$$($(LINUX_KERNEL_SH) $(BUILD)) && \
	$(QEMU_RUN_LINUX) --timeout $(SHELL_T_TIMEOUT) --name linux-shell --machine q35 \
	    --kernel "$$vmlinuz" --initrd $(SHELL_T_CPIO) --append "$(LINUX_APPEND)" \
	    --tap --log $(TEST_LOGS)/linux-shell.log

KEEL_BOOT_TESTS  += test-keel-shell-q35
LINUX_BOOT_TESTS += test-linux-shell
