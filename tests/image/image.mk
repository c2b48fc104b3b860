# SPDX-License-Identifier: MPL-2.0
# Disk image tests: GRUB (BIOS, UEFI) boots Keel from images/keel.qcow2; the shell test; the rootfs on the Linux oracle.
# Included by the top-level Makefile after tests/tests.mk. See docs/distribution.md.

IMAGE_TEST_TIMEOUT ?= 300
IMAGE_TEST_DIR     := $(BUILD)/tests/image
SERIAL_SESSION     := $(PYTHON) tests/image/serial_session.py
# UEFI runs only when GRUB's EFI files and OVMF are installed.
IMAGE_UEFI         := $(if $(and $(wildcard /usr/lib/grub/x86_64-efi/multiboot2.mod),$(wildcard /usr/share/OVMF/OVMF_CODE*.fd)),1)

RECOVERY_EXPECT := --expect 'boot: GRUB .*, 1 module\(s\), cmdline "console=ttyS0 rdinit=/sbin/init'
NORMAL_EXPECT   := --expect 'boot: GRUB .*, 0 module\(s\), cmdline "root=/dev/vda1 console=ttyS0'

# Second disks whose /keel-grub-override.cfg picks a GRUB entry with no
# menu delay (images/grub.cfg sources it): FAT images made with mtools.
$(IMAGE_TEST_DIR)/override-%.img: tests/image/image.mk
	@mkdir -p $(@D)/$*
	$(Q)rm -f $@ && truncate -s 1M $@ && mformat -i $@ -N 4b656e6f ::
	$(Q)printf 'set default=$*\nset timeout=0\n' > $(@D)/$*/keel-grub-override.cfg
	$(Q)mcopy -i $@ $(@D)/$*/keel-grub-override.cfg ::/keel-grub-override.cfg

# The shell session, the same on Keel and on Linux: wait for the prompt of
# the login-free shell, type four command lines over the serial console,
# and end with `poweroff` (BusyBox init runs rcK, then reboot(2) powers
# off; the run passes only if QEMU then exits by itself).
SHELL_PROMPT := root@keel:/[^ ]*[\#]
SHELL_STEPS = --step '$(SHELL_PROMPT)' 'uname -a; crun --version' \
              --step 'crun version [0-9]' 'cat /etc/os-release; tty' \
              --step '/dev/ttyS0' 'mount; echo done-$$((6*7))' \
              --step 'done-42' 'poweroff'
# What the session must print: rcS ran and set the hostname, the shell has
# the serial line as its controlling terminal (no "job control turned
# off"), rcS mounted the kernel file systems, rcK ran at power-off.
SHELL_EXPECT = --expect 'rcS: keel up, kernel 6\.1\.' \
               --expect '^Linux keel 6\.1\.\S+ \#.* x86_64' \
               --expect '^crun version 1\.8\.1$$' --expect '\+CAP \+SECCOMP' \
               --expect '^NAME="Keel"$$' --expect '^/dev/ttyS0$$' \
               --expect '^proc on /proc type proc ' --expect '^sysfs on /sys type sysfs ' \
               --expect '^devtmpfs on /dev type devtmpfs ' \
               --expect '^tmpfs on /dev/shm type tmpfs ' --expect '^tmpfs on /tmp type tmpfs ' \
               --expect '^tmpfs on /run type tmpfs ' \
               --expect 'rcK: stopping' --expect 'Requesting system poweroff' \
               --fail 'job control turned off' --fail '^rcS: cannot mount' \
               --fail "can't run|can't open|not found"
# Keel: the kernel panic code or any panic fails (qemu_run's defaults).
KEEL_SHELL_EXPECT = $(SHELL_EXPECT) --expect '$(KEEL_BANNER)'
# Linux has every file system rcS mounts: all must be there, none missing.
LINUX_SHELL_EXPECT = $(SHELL_EXPECT) \
               --expect '^devpts on /dev/pts type devpts ' \
               --expect '^cgroup2 on /sys/fs/cgroup type cgroup2 ' --fail '^rcS: no '
IMAGE_SESSION = $(SERIAL_SESSION) $(1) -- --qemu $(QEMU) --accel $(ACCEL) --smp $(SMP) \
    --mem $(MEM) --timeout $(IMAGE_TEST_TIMEOUT) --image $(IMAGE) --snapshot

.PHONY: test-image test-image-shell test-image-shell-bios test-image-shell-uefi \
        test-image-bios-recovery test-image-bios-normal test-image-uefi-normal \
        test-image-done-when test-image-persist test-image-crash test-image-incremental test-rootfs-linux

## test-image-shell-bios: BIOS GRUB boots the image's default (normal, ext2 root) entry to the shell; scripted session; power-off.
test-image-shell-bios: $(IMAGE)
	$(Q)$(call IMAGE_SESSION,$(SHELL_STEPS)) $(KEEL_SHELL_EXPECT) $(NORMAL_EXPECT) \
	    --name image-shell-bios --log $(TEST_LOGS)/image-shell-bios.log

## test-image-shell-uefi: the same with UEFI (Debian's OVMF).
test-image-shell-uefi: $(IMAGE)
	$(Q)$(call IMAGE_SESSION,$(SHELL_STEPS)) --uefi $(KEEL_SHELL_EXPECT) $(NORMAL_EXPECT) \
	    --name image-shell-uefi --log $(TEST_LOGS)/image-shell-uefi.log

# The recovery entry chosen explicitly (not as the default): GRUB loads the
# initramfs module with the recovery command line, Keel runs /sbin/init
# from it, the shell answers.
RECOVERY_STEPS = --step '$(SHELL_PROMPT)' 'echo recovery-$$((6*7))' \
                 --step 'recovery-42' 'poweroff'

## test-image-bios-recovery: the recovery (initramfs) entry, chosen by an override disk, boots to the shell.
test-image-bios-recovery: $(IMAGE) $(IMAGE_TEST_DIR)/override-recovery.img
	$(Q)$(call IMAGE_SESSION,$(RECOVERY_STEPS)) --drive $(IMAGE_TEST_DIR)/override-recovery.img \
	    $(RECOVERY_EXPECT) --expect '^Loading Keel \(recovery' --expect '^recovery-42' \
	    --expect 'rcS: keel up' --expect 'Requesting system poweroff' --fail '^Loading Keel \(root=' \
	    --name image-bios-recovery --log $(TEST_LOGS)/image-bios-recovery.log

# The normal entry: Keel mounts root=/dev/vda1 (ext2) itself, mounts
# devtmpfs on /dev, runs /sbin/init from the disk; rcS remounts / rw.
NORMAL_STEPS = --step '$(SHELL_PROMPT)' 'mount; echo normal-$$((6*7))' \
               --step 'normal-42' 'poweroff'
NORMAL_SESSION_EXPECT = $(NORMAL_EXPECT) --expect '^Loading Keel \(root=' \
    --expect 'VFS: mounted root \(ext2 file system\) read-write on device /dev/vda1' \
    --expect '^/dev/vda1 on / type ext2 \(rw' --expect '^devtmpfs on /dev type devtmpfs ' \
    --expect '^rcS: keel up' --expect '^normal-42' --expect 'Requesting system poweroff' \
    --fail 'falling back to the initramfs' --fail '^Loading Keel \(recovery'

## test-image-bios-normal: BIOS GRUB boots the normal entry (chosen by the override disk): ext2 root, shell, poweroff.
test-image-bios-normal: $(IMAGE) $(IMAGE_TEST_DIR)/override-normal.img
	$(Q)$(call IMAGE_SESSION,$(NORMAL_STEPS)) --drive $(IMAGE_TEST_DIR)/override-normal.img \
	    $(NORMAL_SESSION_EXPECT) --name image-bios-normal --log $(TEST_LOGS)/image-bios-normal.log

## test-image-uefi-normal: UEFI (OVMF) GRUB boots the normal entry to the shell from the ext2 root.
test-image-uefi-normal: $(IMAGE) $(IMAGE_TEST_DIR)/override-normal.img
	$(Q)$(call IMAGE_SESSION,$(NORMAL_STEPS)) --uefi --drive $(IMAGE_TEST_DIR)/override-normal.img \
	    $(NORMAL_SESSION_EXPECT) --name image-uefi-normal --log $(TEST_LOGS)/image-uefi-normal.log

# Issue 5's "done when", verbatim plus TCG: QEMU's defaults (pc machine,
# 128 MiB, one CPU, a NIC, no -no-reboot), the image read through the
# firmware by GRUB, the default entry, `crun --version` at the shell,
# then `poweroff` ends QEMU (ACPI S5). The default entry mounts the disk
# read-write, so the command runs on a fresh copy of the image.
DONE_WHEN_IMG = $(IMAGE_TEST_DIR)/done-when.qcow2
DONE_WHEN_CMD = $(QEMU) -accel tcg -drive file=$(DONE_WHEN_IMG),if=virtio -nographic
DONE_WHEN_STEPS = --step '$(SHELL_PROMPT)' 'crun --version' \
                  --step 'crun version [0-9]' 'poweroff'

## test-image-done-when: `qemu-system-x86_64 -drive file=<copy of images/keel.qcow2>,if=virtio -nographic` reaches a shell running crun.
test-image-done-when: $(IMAGE)
	@mkdir -p $(IMAGE_TEST_DIR)
	$(Q)cp $(IMAGE) $(DONE_WHEN_IMG)
	$(Q)$(SERIAL_SESSION) $(DONE_WHEN_STEPS) --exact '$(DONE_WHEN_CMD)' -- --image $(DONE_WHEN_IMG) \
	    --timeout $(IMAGE_TEST_TIMEOUT) --expect '^crun version 1\.8\.1$$' \
	    --expect 'Requesting system poweroff' --exit-status 0 \
	    --name image-done-when --log $(TEST_LOGS)/image-done-when.log
	$(Q)rm -f $(DONE_WHEN_IMG)

# Issue 6's "writes survive a reboot": on a copy of the image (never
# -snapshot, never images/keel.qcow2 itself), boot the default entry,
# write files (text, 300 KiB of random data with its checksum, a rename, a
# delete, a deep directory), sync, power off; boot again and check them;
# then e2fsck -fn on the root partition taken out of a raw copy is clean
# and the host reads the same text through debugfs.
PERSIST_DIR  = $(IMAGE_TEST_DIR)/persist
PERSIST_IMG  = $(PERSIST_DIR)/disk.qcow2
PERSIST_SESSION = $(SERIAL_SESSION) $(1) -- --qemu $(QEMU) --accel $(ACCEL) --smp $(SMP) \
    --mem $(MEM) --timeout $(IMAGE_TEST_TIMEOUT) --image $(PERSIST_IMG) \
    --drive $(IMAGE_TEST_DIR)/override-normal.img $(NORMAL_EXPECT) \
    --expect 'VFS: mounted root \(ext2 file system\) read-write on device /dev/vda1' \
    --expect 'Requesting system poweroff' --fail 'falling back to the initramfs'
PERSIST_WRITE = mkdir -p /var/pt/a/b/c && echo keel-persist-$$((6*7)) > /var/pt/a/b/c/note && \
    dd if=/dev/urandom of=/var/pt/blob bs=1024 count=300 2>/dev/null && \
    (cd /var/pt && md5sum blob > blob.md5) && echo gone > /var/pt/gone && rm /var/pt/gone && \
    echo moved > /var/pt/old && mv /var/pt/old /var/pt/new && sync && echo wrote-$$((6*7))
PERSIST_CHECK = cat /var/pt/a/b/c/note /var/pt/new; (cd /var/pt && md5sum -c blob.md5); \
    ls /var/pt/gone /var/pt/old 2>&1 | grep -c "No such file"; echo checked-$$((6*7))

# Issue 6's crash test: on a copy of the image, write six files of random
# data, each fsync'ed (`sync FILE`) with its checksum; then write an
# un-synced tail in a loop and kill QEMU in the middle of it. The next boot
# finds every fsync'ed file intact (md5sum -c); on the host, e2fsck -fy
# repairs what the kill left (exit 0 or 1), a second e2fsck -fn is clean,
# and the six files still match their checksums.
CRASH_DIR = $(IMAGE_TEST_DIR)/crash
CRASH_IMG = $(CRASH_DIR)/disk.qcow2
CRASH_WORK = mkdir -p /var/c && i=0 && while [ $$i -lt 6 ]; do i=$$((i+1)); \
    dd if=/dev/urandom of=/var/c/f$$i bs=1024 count=100 2>/dev/null; (cd /var/c && md5sum f$$i >> sums); \
    sync /var/c/f$$i /var/c/sums /var/c; done; echo synced-$$((6*7)); \
    while :; do dd if=/dev/urandom of=/var/c/tail bs=1024 count=500 2>/dev/null; echo tail-write; done
CRASH_CHECK = (cd /var/c && md5sum -c sums; echo rc-$$?)
CRASH_SESSION = $(SERIAL_SESSION) $(1) -- --qemu $(QEMU) --accel $(ACCEL) --smp $(SMP) \
    --mem $(MEM) --timeout $(IMAGE_TEST_TIMEOUT) --image $(CRASH_IMG) \
    --drive $(IMAGE_TEST_DIR)/override-normal.img $(NORMAL_EXPECT) \
    --expect 'VFS: mounted root \(ext2 file system\) read-write on device /dev/vda1' \
    --fail 'falling back to the initramfs'

## test-image-crash: kill QEMU during a write workload; fsync'ed files survive; e2fsck -fy then -fn is clean.
test-image-crash: $(IMAGE) $(IMAGE_TEST_DIR)/override-normal.img
	@rm -rf $(CRASH_DIR) && mkdir -p $(CRASH_DIR)
	$(Q)cp $(IMAGE) $(CRASH_IMG)
	$(Q)$(call CRASH_SESSION,--step '$(SHELL_PROMPT)' '$(CRASH_WORK)' --final 'synced-42[\s\S]*tail-write[\s\S]*tail-write' --kill) \
	    --expect '^synced-42' --name image-crash-write --log $(TEST_LOGS)/image-crash-write.log
	$(Q)$(call CRASH_SESSION,--step '$(SHELL_PROMPT)' '$(CRASH_CHECK)' --step 'rc-[0-9]' 'poweroff') \
	    $(foreach i,1 2 3 4 5 6,--expect '^f$(i): OK$$') --expect '^rc-0$$' --expect 'Requesting system poweroff' \
	    --name image-crash-check --log $(TEST_LOGS)/image-crash-check.log
	$(Q)qemu-img convert -O raw $(CRASH_IMG) $(CRASH_DIR)/disk.raw
	$(Q)set -- $$(sfdisk -d $(CRASH_DIR)/disk.raw | sed -n 's/^.*1 : start= *\([0-9]*\), size= *\([0-9]*\).*/\1 \2/p'); \
	dd if=$(CRASH_DIR)/disk.raw of=$(CRASH_DIR)/root.ext2 bs=512 skip=$$1 count=$$2 status=none
	$(Q)e2fsck -fy $(CRASH_DIR)/root.ext2 > $(CRASH_DIR)/e2fsck-y.log 2>&1; rc=$$?; [ $$rc -le 1 ] || \
	    { cat $(CRASH_DIR)/e2fsck-y.log; echo "FAIL image-crash: e2fsck -fy exit $$rc"; exit 1; }
	$(Q)e2fsck -fn $(CRASH_DIR)/root.ext2 > $(CRASH_DIR)/e2fsck-n.log 2>&1 || \
	    { cat $(CRASH_DIR)/e2fsck-n.log; echo "FAIL image-crash: not clean after e2fsck -fy"; exit 1; }
	$(Q)debugfs -R 'cat /var/c/sums' $(CRASH_DIR)/root.ext2 2>/dev/null > $(CRASH_DIR)/sums; \
	test "$$(wc -l < $(CRASH_DIR)/sums)" = 6 || { echo "FAIL image-crash: sums has not 6 lines"; exit 1; }; \
	for i in 1 2 3 4 5 6; do debugfs -R "dump /var/c/f$$i $(CRASH_DIR)/f$$i" $(CRASH_DIR)/root.ext2 >/dev/null 2>&1; done; \
	(cd $(CRASH_DIR) && md5sum -c --quiet sums) || { echo "FAIL image-crash: fsync'ed data lost after e2fsck -fy"; exit 1; }
	$(Q)rm -rf $(CRASH_DIR)
	@echo "PASS image-crash (killed mid-write; fsync'ed files intact; e2fsck -fy then -fn clean)"

# root= on the kernel command line, the kernel booted directly (no GRUB):
# LABEL= finds the image's root partition by its ext2 volume name and `ro`
# mounts it read-only (rcS then remounts it rw); a missing device falls
# back to the initramfs with a message; with no initramfs Keel panics
# naming the device.
ROOT_RUN = $(QEMU_RUN_KEEL) --kernel $(KERNEL_ELF)

## test-keel-root-label: root=LABEL=keel-root ro: the image's ext2 partition as /, read-only, init from it.
test-keel-root-label: kernel $(IMAGE)
	$(Q)$(ROOT_RUN) --name keel-root-label --disk $(IMAGE) --snapshot \
	    --append 'console=ttyS0 root=LABEL=keel-root ro' \
	    --expect 'VFS: mounted root \(ext2 file system\) readonly on device /dev/vda1 \(LABEL=keel-root\)' \
	    --expect '^rcS: keel up' --stop-on-expect --log $(TEST_LOGS)/keel-root-label.log

## test-keel-root-fallback: root= names no device: the initramfs runs instead (a TAP suite as /init).
test-keel-root-fallback: kernel $(BUILD)/initramfs-abi-fs_pipe.cpio
	$(Q)$(ROOT_RUN) --name keel-root-fallback --initrd $(BUILD)/initramfs-abi-fs_pipe.cpio \
	    --append 'console=ttyS0 rdinit=/init root=/dev/vdz9' --tap \
	    --expect 'cannot mount root=/dev/vdz9 \(error -6\); falling back to the initramfs' \
	    --log $(TEST_LOGS)/keel-root-fallback.log

## test-keel-root-panic: root= names no device and there is no initramfs: a panic naming the device.
test-keel-root-panic: kernel
	$(Q)$(ROOT_RUN) --name keel-root-panic --no-default-fail \
	    --append 'console=ttyS0 root=/dev/vdz9' \
	    --expect 'KERNEL PANIC.*unable to mount root fs on root=/dev/vdz9 \(error -6\) and no initramfs' \
	    --stop-on-expect --log $(TEST_LOGS)/keel-root-panic.log

.PHONY: test-keel-root-label test-keel-root-fallback test-keel-root-panic
KEEL_BOOT_TESTS += test-keel-root-label test-keel-root-fallback test-keel-root-panic

## test-image-persist: writes on the ext2 root survive a power-off and reboot; e2fsck -fn is clean afterwards.
test-image-persist: $(IMAGE) $(IMAGE_TEST_DIR)/override-normal.img
	@rm -rf $(PERSIST_DIR) && mkdir -p $(PERSIST_DIR)
	$(Q)cp $(IMAGE) $(PERSIST_IMG)
	$(Q)$(call PERSIST_SESSION,--step '$(SHELL_PROMPT)' '$(PERSIST_WRITE)' --step 'wrote-42' 'poweroff') \
	    --expect '^wrote-42' --name image-persist-write --log $(TEST_LOGS)/image-persist-write.log
	$(Q)$(call PERSIST_SESSION,--step '$(SHELL_PROMPT)' '$(PERSIST_CHECK)' --step 'checked-42' 'poweroff') \
	    --expect '^keel-persist-42$$' --expect '^moved$$' --expect '^blob: OK$$' --expect '^2$$' \
	    --expect '^checked-42' --fail 'FAILED' --name image-persist-check --log $(TEST_LOGS)/image-persist-check.log
	$(Q)qemu-img convert -O raw $(PERSIST_IMG) $(PERSIST_DIR)/disk.raw
	$(Q)set -- $$(sfdisk -d $(PERSIST_DIR)/disk.raw | sed -n 's/^.*1 : start= *\([0-9]*\), size= *\([0-9]*\).*/\1 \2/p'); \
	dd if=$(PERSIST_DIR)/disk.raw of=$(PERSIST_DIR)/root.ext2 bs=512 skip=$$1 count=$$2 status=none
	$(Q)e2fsck -fn $(PERSIST_DIR)/root.ext2 > $(PERSIST_DIR)/e2fsck.log 2>&1 || \
	    { cat $(PERSIST_DIR)/e2fsck.log; echo "FAIL image-persist: e2fsck -fn found problems"; exit 1; }
	$(Q)test "$$(debugfs -R 'cat /var/pt/a/b/c/note' $(PERSIST_DIR)/root.ext2 2>/dev/null)" = keel-persist-42 || \
	    { echo "FAIL image-persist: the host does not read the file written in the guest"; exit 1; }
	$(Q)rm -rf $(PERSIST_DIR)
	@echo "PASS image-persist (two boots, e2fsck -fn clean)"

# A second `make image` with nothing changed must do nothing: no output,
# the image file untouched (so nothing fetched, built or staged), seconds.
## test-image-incremental: a second `make image` with nothing changed rebuilds and downloads nothing.
test-image-incremental: $(IMAGE)
	$(Q)before=$$(stat -c '%y %s' $(IMAGE)); start=$$(date +%s); \
	out=$$($(MAKE) --no-print-directory image 2>&1) || { echo "$$out"; exit 1; }; \
	secs=$$(( $$(date +%s) - start )); \
	if [ -n "$$out" ] || [ "$$(stat -c '%y %s' $(IMAGE))" != "$$before" ] || [ $$secs -gt 30 ]; then \
	    echo "FAIL image-incremental: a second make image did work ($$secs s):"; echo "$$out" | tail -20; \
	    exit 1; \
	fi; \
	echo "PASS image-incremental ($$secs s, nothing rebuilt)"

IMAGE_SHELL_TESTS := test-image-shell-bios $(if $(IMAGE_UEFI),test-image-shell-uefi)
IMAGE_TESTS := test-image-incremental $(IMAGE_SHELL_TESTS) test-image-bios-recovery \
               test-image-done-when test-image-bios-normal $(if $(IMAGE_UEFI),test-image-uefi-normal) \
               test-image-persist test-image-crash
# Part of `make integration` (and so `make test`): about 90 s in all (TCG).
IMAGE_BOOT_TESTS += $(IMAGE_TESTS)

## test-image: only the disk image boot tests.
test-image: $(IMAGE)
	$(call run_test_list,$(IMAGE_TESTS),test-image)

## test-image-shell: only the shell sessions on the image (BIOS, and UEFI when OVMF is installed).
test-image-shell: $(IMAGE)
	$(call run_test_list,$(IMAGE_SHELL_TESTS),test-image-shell)

## test-rootfs-linux: the oracle: Debian's Linux boots the image's root file system (initramfs), same shell session.
test-rootfs-linux: $(ROOTFS_CPIO)
	$(Q)vmlinuz=$$($(LINUX_KERNEL_SH) $(BUILD)) && \
	$(SERIAL_SESSION) $(SHELL_STEPS) -- --qemu $(QEMU) --accel $(LINUX_ACCEL) --smp $(SMP) \
	    --mem $(MEM) --timeout $(LINUX_TIMEOUT) --kernel $$vmlinuz --initrd $(ROOTFS_CPIO) \
	    --append "$(patsubst rdinit=%,rdinit=/sbin/init,$(LINUX_APPEND))" $(LINUX_SHELL_EXPECT) \
	    --name rootfs-linux --log $(TEST_LOGS)/rootfs-linux.log

LINUX_BOOT_TESTS += test-rootfs-linux
