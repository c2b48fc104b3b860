# SPDX-License-Identifier: MPL-2.0
# Interactive TTY test: /init reads from the console while the harness types at its prompts
# (canonical editing with DEL and ^U, ^D as end of file, a raw VMIN read, poll and FIONREAD). Keel (q35) and Linux.

TTY_IA_BIN  := $(BUILD)/userland/boot/tty_interactive
TTY_IA_CPIO := $(BUILD)/initramfs-tty-interactive.cpio
TTY_IA_SEND := --send-after 'READY1>' 'hellp\x7fo keel\r' \
               --send-after 'READY2>' 'junk\x15second\r' \
               --send-after 'READY3>' '\x04' \
               --send-after 'READY4>' 'a\rb' \
               --send-after 'READY5>' 'z\r'

$(TTY_IA_BIN): tests/boot/tty_interactive.c $(USER_LIB_SRCS) $(USER_LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -D_GNU_SOURCE -Iuserland/lib -o $@ $< $(USER_LIB_SRCS)

$(BUILD)/boot/tty-interactive.list: tests/boot/tty.mk
	@mkdir -p $(@D)
	$(Q)printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
	    'file /init $(TTY_IA_BIN) 0755 0 0' > $@

$(TTY_IA_CPIO): $(BUILD)/boot/tty-interactive.list $(TTY_IA_BIN) $(MKCPIO)
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<

.PHONY: test-keel-tty-interactive-q35 test-linux-tty-interactive
## test-keel-tty-interactive-q35: type into Keel's console TTY from the harness.
test-keel-tty-interactive-q35: kernel $(TTY_IA_CPIO)
	@mkdir -p $(TEST_LOGS)
	$(Q)$(QEMU_RUN_KEEL) --name keel-tty-interactive-q35 --machine q35 \
	    --kernel $(KERNEL_ELF) --initrd $(TTY_IA_CPIO) --append "$(KEEL_APPEND)" \
	    --tap $(TTY_IA_SEND) --log $(TEST_LOGS)/keel-tty-interactive-q35.log

## test-linux-tty-interactive: the same session on Debian's Linux (the oracle).
test-linux-tty-interactive: $(TTY_IA_CPIO)
	@mkdir -p $(TEST_LOGS)
	$(Q)vmlinuz=$$($(LINUX_KERNEL_SH) $(BUILD)) && \
	$(QEMU_RUN_LINUX) --name linux-tty-interactive --machine q35 \
	    --kernel "$$vmlinuz" --initrd $(TTY_IA_CPIO) --append "$(LINUX_APPEND)" \
	    --tap $(TTY_IA_SEND) --log $(TEST_LOGS)/linux-tty-interactive.log

KEEL_BOOT_TESTS  += test-keel-tty-interactive-q35
LINUX_BOOT_TESTS += test-linux-tty-interactive

# Job control on the serial console: /init (tests/boot/tty_shell_init.c) starts an
# interactive BusyBox ash whose controlling terminal is ttyS0, and
# tests/boot/tty_session.py plays tests/boot/tty_jobctl.script at it: line
# editing, ^C, ^\, ^Z, jobs, fg, bg, kill %1, SIGTTIN, ^D and ps.
TTY_JC_INIT   := $(BUILD)/userland/boot/tty_shell_init
TTY_JC_CPIO   := $(BUILD)/initramfs-tty-jobctl.cpio
TTY_JC_APPLETS := sh sleep ps cat grep script tty vi
TTY_JC_TIMEOUT ?= 300
TTY_SESSION   = $(PYTHON) tests/boot/tty_session.py --script tests/boot/tty_jobctl.script --within 20

$(TTY_JC_INIT): tests/boot/tty_shell_init.c
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -D_GNU_SOURCE -o $@ $<

$(BUILD)/boot/tty-jobctl.list: tests/boot/tty.mk
	@mkdir -p $(@D)
	$(Q){ printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
	      'nod /dev/ttyS0 0620 0 0 c 4 64' 'nod /dev/tty 0666 0 0 c 5 0' 'nod /dev/null 0666 0 0 c 1 3' \
	      'dir /proc 0755 0 0' 'dir /tmp 1777 0 0' 'dir /bin 0755 0 0' \
	      'file /init $(TTY_JC_INIT) 0755 0 0' 'file /bin/busybox $(BUSYBOX_BIN) 0755 0 0'; \
	  for a in $(TTY_JC_APPLETS); do echo "slink /bin/$$a busybox 0777 0 0"; done; } > $@

$(TTY_JC_CPIO): $(BUILD)/boot/tty-jobctl.list $(TTY_JC_INIT) $(BUSYBOX_BIN) $(MKCPIO)
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<

.PHONY: test-keel-tty-jobctl-q35 test-linux-tty-jobctl
## test-keel-tty-jobctl-q35: BusyBox ash job control on Keel's serial console (^C, ^Z, fg, bg, ps).
test-keel-tty-jobctl-q35: kernel $(TTY_JC_CPIO)
	@mkdir -p $(TEST_LOGS)
	$(Q)$(TTY_SESSION) -- --qemu $(QEMU) --accel $(ACCEL) --smp $(SMP) --mem $(MEM) \
	    --timeout $(TTY_JC_TIMEOUT) --name keel-tty-jobctl-q35 --machine q35 \
	    --kernel $(KERNEL_ELF) --initrd $(TTY_JC_CPIO) --append "$(KEEL_APPEND)" \
	    --log $(TEST_LOGS)/keel-tty-jobctl-q35.log

## test-linux-tty-jobctl: the same session on Debian's Linux (the oracle).
test-linux-tty-jobctl: $(TTY_JC_CPIO)
	@mkdir -p $(TEST_LOGS)
	$(Q)vmlinuz=$$($(LINUX_KERNEL_SH) $(BUILD)) && \
	$(TTY_SESSION) -- --qemu $(QEMU) --accel $(LINUX_ACCEL) --smp $(SMP) --mem $(MEM) \
	    --timeout $(TTY_JC_TIMEOUT) --name linux-tty-jobctl --machine q35 \
	    --kernel "$$vmlinuz" --initrd $(TTY_JC_CPIO) --append "$(LINUX_APPEND)" \
	    --log $(TEST_LOGS)/linux-tty-jobctl.log

KEEL_BOOT_TESTS  += test-keel-tty-jobctl-q35
LINUX_BOOT_TESTS += test-linux-tty-jobctl

# `make run` (initramfs mode): the same /init, on an initramfs holding every
# BusyBox applet, gives the person at the terminal a job-control shell.
RUN_SHELL_CPIO := $(BUILD)/initramfs-shell.cpio

$(BUILD)/boot/shell.list: tests/boot/tty.mk $(BUSYBOX_BIN)
	@mkdir -p $(@D)
	$(Q){ for d in /dev /proc /sys /tmp /root /bin /sbin /usr /usr/bin /usr/sbin; do \
	        echo "dir $$d $$([ $$d = /tmp ] && echo 1777 || echo 0755) 0 0"; done; \
	      printf '%s\n' 'nod /dev/console 0600 0 0 c 5 1' 'nod /dev/ttyS0 0620 0 0 c 4 64' \
	        'nod /dev/tty 0666 0 0 c 5 0' 'nod /dev/null 0666 0 0 c 1 3' 'nod /dev/zero 0666 0 0 c 1 5' \
	        'file /init $(TTY_JC_INIT) 0755 0 0' 'file /bin/busybox $(BUSYBOX_BIN) 0755 0 0'; \
	      $(BUSYBOX_BIN) --list-full | LC_ALL=C sort | grep -v '^bin/busybox$$' | \
	        while read -r p; do echo "slink /$$p /bin/busybox 0777 0 0"; done; } > $@

$(RUN_SHELL_CPIO): $(BUILD)/boot/shell.list $(TTY_JC_INIT) $(BUSYBOX_BIN) $(MKCPIO)
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<
