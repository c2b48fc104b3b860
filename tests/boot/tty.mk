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
