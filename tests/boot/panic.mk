# SPDX-License-Identifier: MPL-2.0
# The panic path: a missing init must panic with its reason and a symbolised backtrace,
# and power off with the panic code (0x7e, QEMU status 253).

.PHONY: test-keel-panic
## test-keel-panic: boot with rdinit= naming a missing program; expect a clean, symbolised panic.
test-keel-panic: kernel $(INITRAMFS_TEST)
	@mkdir -p $(TEST_LOGS)
	$(Q)$(QEMU_RUN_KEEL) --name keel-panic --kernel $(KERNEL_ELF) --initrd $(INITRAMFS_TEST) \
	    --append "console=ttyS0 rdinit=/no/such/init" --no-default-fail --exit-status 253 \
	    --expect 'KERNEL PANIC on cpu [0-9]+: .*/no/such/init' --expect 'Backtrace:' \
	    --expect '\[<ffffffff8[0-9a-f]+>\] panic\+0x' --expect 'init_thread_main\+0x' \
	    --expect 'end kernel panic' --log $(TEST_LOGS)/keel-panic.log

KEEL_BOOT_TESTS += test-keel-panic
