# SPDX-License-Identifier: MPL-2.0
# `make bench`: the benchmark program, its initramfs, and the Keel-vs-Linux run.
# Included by userland/userland.mk; QEMU settings come from the top-level Makefile.

BENCH_DIR    := $(BUILD)/userland/bench
BENCH_SRCS   := $(wildcard userland/bench/bench*.c)
BENCH_INITRD := $(BUILD)/initramfs-bench.cpio
# Boots per kernel, iteration scale, memory of the measured VMs (MiB).
BENCH_REPS   ?= 3
BENCH_SCALE  ?= 1
BENCH_MEM    ?= 512
# BENCH_FLAGS=--no-memory-probe skips the smallest-memory bisection.
BENCH_FLAGS  ?=

.PHONY: bench bench-initramfs bench-profile bench-insns

$(BENCH_DIR)/bench: $(BENCH_SRCS) userland/bench/bench.h userland/bench/bench.mk
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -o $@ $(BENCH_SRCS)

$(BENCH_DIR)/true: userland/bench/true.c
	@mkdir -p $(@D)
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -o $@ $<

# Debian's Linux needs these modules for the ext2-on-virtio-blk metrics (dependencies
# first; bench_ext2.c loads them in this order). Keel ignores them.
BENCH_MODS   := drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev \
                drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/block/virtio_blk \
                lib/crc16 crypto/crc32c_generic lib/libcrc32c fs/mbcache fs/jbd2/jbd2 fs/ext4/ext4
# The smallest-memory probe boots an initramfs without the modules (3 MiB that would
# otherwise count against both kernels' memory).
BENCH_MIN_INITRD := $(BUILD)/initramfs-bench-min.cpio

$(BENCH_DIR)/bench-min.list: userland/bench/bench.mk
	@mkdir -p $(@D)
	$(Q)printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
	    'nod /dev/null 0666 0 0 c 1 3' 'nod /dev/zero 0666 0 0 c 1 5' \
	    'dir /proc 0755 0 0' 'dir /tmp 1777 0 0' 'dir /mnt 0755 0 0' 'dir /bin 0755 0 0' \
	    'file /bin/true $(BENCH_DIR)/true 0755 0 0' \
	    'file /init $(BENCH_DIR)/bench 0755 0 0' > $@

# The crun_run_true bundle (bench_crun.c). crun is used when it is built, never rebuilt
# from here; without it the metric reports n/a.
$(BENCH_DIR)/config.json: userland/bench/crun_bundle.sh
	@mkdir -p $(@D)
	$(Q)sh userland/bench/crun_bundle.sh $(CRUN_BIN) $@

BENCH_BUNDLE_LIST := 'dir /bench-bundle 0755 0 0' 'dir /bench-bundle/rootfs 0755 0 0' \
    'dir /bench-bundle/rootfs/bin 0755 0 0' 'dir /bench-bundle/rootfs/proc 0755 0 0' \
    'dir /bench-bundle/rootfs/sys 0755 0 0' 'dir /bench-bundle/rootfs/dev 0755 0 0' \
    'dir /bench-bundle/rootfs/tmp 1777 0 0' 'file /bench-bundle/rootfs/bin/true $(BENCH_DIR)/true 0755 0 0' \
    'file /bench-bundle/config.json $(BENCH_DIR)/config.json 0644 0 0' 'file /bin/crun $(CRUN_BIN) 0755 0 0'

$(BENCH_DIR)/bench.list: $(BENCH_DIR)/bench-min.list $(BENCH_DIR)/config.json
	$(Q)cp $< $@.tmp && echo 'dir /lib 0755 0 0' >> $@.tmp && echo 'dir /lib/modules 0755 0 0' >> $@.tmp
	$(Q)if [ -f $(BENCH_DIR)/config.json ]; then printf '%s\n' $(BENCH_BUNDLE_LIST) >> $@.tmp; fi
	$(Q)$(LINUX_KERNEL_SH) $(BUILD) >/dev/null || true; \
	for m in $(BENCH_MODS); do \
		f=$$(ls $(BUILD)/linux/current/lib/modules/*/kernel/$$m.ko 2>/dev/null | head -1); \
		[ -n "$$f" ] && echo "file /lib/modules/$$(basename $$f) $$f 0644 0 0" >> $@.tmp; \
	done; mv $@.tmp $@

$(BENCH_INITRD): $(BENCH_DIR)/bench.list $(BENCH_DIR)/bench $(BENCH_DIR)/true $(MKCPIO)
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<

$(BENCH_MIN_INITRD): $(BENCH_DIR)/bench-min.list $(BENCH_DIR)/bench $(BENCH_DIR)/true $(MKCPIO)
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<

## bench-initramfs: build only the benchmark initramfs.
bench-initramfs: $(BENCH_INITRD) $(BENCH_MIN_INITRD)

## bench: Keel vs Debian's Linux in the same QEMU; writes docs/benchmarks.{md,svg}.
bench: kernel $(BENCH_INITRD) $(BENCH_MIN_INITRD)
	$(Q)vmlinuz=$$($(LINUX_KERNEL_SH) $(BUILD)) && \
	$(PYTHON) tests/harness/bench.py --qemu $(QEMU) --accel $(ACCEL) --smp $(SMP) \
	    --mem $(BENCH_MEM) --reps $(BENCH_REPS) --scale $(BENCH_SCALE) \
	    --keel $(KERNEL_ELF) --linux "$$vmlinuz" --initrd $(BENCH_INITRD) \
	    --min-initrd $(BENCH_MIN_INITRD) --disk-dir $(BUILD)/bench \
	    --markdown docs/benchmarks.md --svg docs/benchmarks.svg $(BENCH_FLAGS)

# BENCH_METRICS: the metrics bench-profile runs (all when empty).
BENCH_METRICS ?=
## bench-profile: run the benchmarks once on the profiling kernel and print its flat profile.
bench-profile: $(BUILD)/kernel-profile.elf $(BENCH_INITRD)
	$(Q)mkdir -p $(BUILD)/bench && rm -f $(BUILD)/bench/ext2-profile.img && \
	    mke2fs -q -F -t ext2 -b 4096 $(BUILD)/bench/ext2-profile.img 160M
	$(Q)$(PYTHON) tests/harness/qemu_run.py --name bench-profile --qemu $(QEMU) --accel $(ACCEL) \
	    --smp $(SMP) --mem $(BENCH_MEM) --timeout 600 --kernel $(BUILD)/kernel-profile.elf \
	    --initrd $(BENCH_INITRD) --append "console=ttyS0 rdinit=/init -- $(BENCH_SCALE) $(BENCH_METRICS)" \
	    --disk $(BUILD)/bench/ext2-profile.img,if=virtio \
	    --expect BENCH-DONE --expect 'profile: .* timer samples' --log $(BUILD)/bench-profile.log
	$(Q)grep -E 'BENCH |profile:' $(BUILD)/bench-profile.log

# BENCH_INSN_METRICS: the metrics bench-insns counts (cheap per-call ones by default).
BENCH_INSN_METRICS ?= null_syscall read_1b_dev_zero write_1b_dev_null fstat stat open_close
## bench-insns: guest instructions per operation on Keel and Linux (QEMU -icount, 1 ns = 1 instruction;
## one CPU): unlike times, independent of host load. See docs/performance.md.
bench-insns: kernel $(BENCH_INITRD)
	$(Q)vmlinuz=$$($(LINUX_KERNEL_SH) $(BUILD)) && \
	for k in $(KERNEL_ELF) "$$vmlinuz"; do \
	    printf '%s:' "$$(basename $$k)"; \
	    timeout -k 5 600 $(QEMU) -machine q35 -accel tcg -icount shift=0,sleep=off -cpu max -smp 1 \
	        -m $(BENCH_MEM) -nographic -serial stdio -monitor none -no-reboot -nic none \
	        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel $$k -initrd $(BENCH_INITRD) \
	        -append "console=ttyS0 rdinit=/init -- 1 $(BENCH_INSN_METRICS)" 2>&1 | \
	        awk '/^BENCH [a-z]/ && !/boot_to/ { printf " %s %.0f", $$2, $$3 }'; echo; \
	done
