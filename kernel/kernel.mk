# SPDX-License-Identifier: MPL-2.0
# Kernel build: framework (kernel/ostd) and services compiled with different rules, linked twice
# (the second link embeds the symbol table used by backtraces).

KCC      ?= gcc
KLD      ?= ld
KNM      ?= nm
KBUILD   := $(BUILD)/kernel
GEN      := $(BUILD)/gen

KCFLAGS_COMMON := -std=gnu11 -ffreestanding -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
    -mgeneral-regs-only -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-common \
    -fno-strict-aliasing -fno-tree-loop-distribute-patterns -fstack-protector-strong -mstack-protector-guard=global \
    -ftrivial-auto-var-init=zero -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
    -Wmissing-prototypes -Wstrict-prototypes -MMD -MP

# The framework may reach its internal headers; services see only public ones.
FW_CFLAGS  := $(KCFLAGS_COMMON) -Ikernel/ostd/include -Ikernel/ostd -Ikernel/include -Ikernel/lib/include \
    -fsanitize=undefined -fno-sanitize=alignment
SVC_CFLAGS := $(KCFLAGS_COMMON) -D__KEEL_SERVICE__ -Ikernel/ostd/include -Ikernel/include \
    -Ikernel/lib/include -Ikernel -I$(GEN) -fsanitize=undefined -fsanitize=bounds-strict
KASFLAGS   := -Ikernel/ostd/arch/x86_64 -D__ASSEMBLY__
# The release and profiling kernels leave out the three UBSAN checks that guard
# every memory access and pointer step: null (a null dereference faults on the
# unmapped page 0 and panics with a backtrace anyway), alignment (x86 allows
# unaligned access) and pointer-overflow. Under TCG they cost 40 % of a null
# syscall's instructions (docs/performance.md). Array bounds, shifts, integer
# overflow and the rest stay on; the ktest and debug kernels keep every check.
SAN_RELEASE := -fno-sanitize=null,alignment,pointer-overflow

FW_C     := $(shell find kernel/ostd -name '*.c' ! -name '*_test.c' | sort)
FW_S     := $(shell find kernel/ostd -name '*.S' | sort)
# kernel/vdso/user is the vDSO: user code built by kernel/vdso/user/vdso.mk, not part of the kernel.
SVC_C    := $(shell find kernel -path kernel/ostd -prune -o -path kernel/tools -prune -o -path kernel/vdso/user -prune -o -name '*.c' ! -name '*_test.c' -print | sort)
TEST_C   := $(shell find kernel -path kernel/tools -prune -o -path kernel/vdso/user -prune -o -name '*_test.c' -print | sort)

# Objects for a variant ($1 = object dir, $2 = extra .c files)
kobjs = $(patsubst %.c,$(1)/%.o,$(FW_C) $(SVC_C) $(2)) $(patsubst %.S,$(1)/%.o,$(FW_S)) $(1)/gen/syscall_table.o \
    $(1)/gen/vdso_image.o

KOBJS     := $(call kobjs,$(KBUILD)/obj,)
KTOBJS    := $(call kobjs,$(KBUILD)/ktest-obj,$(TEST_C))
# The profiling kernel (CONFIG_PROFILE: timer-tick samples, flat profile at power-off).
KPOBJS    := $(call kobjs,$(KBUILD)/profile-obj,)
# The debug kernels (CONFIG_DEBUG_HEAP + CONFIG_DEBUG_LOCKS: redzones, poison, quarantine, lock
# order checks; see docs/robustness.md) used by the fuzz and stress runs, and its ktest twin.
DEBUG_DEFS := -DCONFIG_DEBUG_HEAP -DCONFIG_DEBUG_LOCKS
KDOBJS    := $(call kobjs,$(KBUILD)/debug-obj,)
KTDOBJS   := $(call kobjs,$(KBUILD)/ktest-debug-obj,$(TEST_C))
LDSCRIPT  := kernel/ostd/arch/x86_64/linker.ld

include kernel/vdso/user/vdso.mk

$(GEN)/syscall_table.c $(GEN)/uapi/syscall_nr.h: kernel/syscall/syscall.tbl kernel/tools/gen_syscalls.py
	@mkdir -p $(GEN)
	$(Q)$(PYTHON) kernel/tools/gen_syscalls.py --tbl kernel/syscall/syscall.tbl --out-dir $(GEN) --docs $(BUILD)/syscalls.md.tmp

define kvariant
$(1)/kernel/ostd/%.o: kernel/ostd/%.c kernel/kernel.mk
	@mkdir -p $$(dir $$@)
	@echo "  CC [fw]  $$<"
	$(Q)$(KCC) $(FW_CFLAGS) $(2) -c $$< -o $$@
$(1)/kernel/ostd/%.o: kernel/ostd/%.S
	@mkdir -p $$(dir $$@)
	@echo "  AS       $$<"
	$(Q)$(KCC) $(KASFLAGS) $(2) -c $$< -o $$@
$(1)/kernel/%.o: kernel/%.c $(GEN)/uapi/syscall_nr.h kernel/kernel.mk
	@mkdir -p $$(dir $$@)
	@echo "  CC [svc] $$<"
	$(Q)$(KCC) $(SVC_CFLAGS) $(2) -c $$< -o $$@
$(1)/gen/syscall_table.o: $(GEN)/syscall_table.c
	@mkdir -p $$(dir $$@)
	$(Q)$(KCC) $(SVC_CFLAGS) $(2) -c $$< -o $$@
$(1)/gen/vdso_image.o: $(GEN)/vdso_image.c
	@mkdir -p $$(dir $$@)
	$(Q)$(KCC) $(SVC_CFLAGS) $(2) -c $$< -o $$@
endef

$(eval $(call kvariant,$(KBUILD)/obj,$(SAN_RELEASE)))
$(eval $(call kvariant,$(KBUILD)/ktest-obj,-DCONFIG_KTEST))
$(eval $(call kvariant,$(KBUILD)/profile-obj,-DCONFIG_PROFILE $(SAN_RELEASE)))
$(eval $(call kvariant,$(KBUILD)/debug-obj,$(DEBUG_DEFS)))
$(eval $(call kvariant,$(KBUILD)/ktest-debug-obj,-DCONFIG_KTEST $(DEBUG_DEFS)))

# Link: pass 1 with an empty symbol table, pass 2 with the real one (text addresses do not move:
# .ksymtab sits after .text and .rodata).
define klink
	@echo "  LD       $(2)"
	$(Q)printf '.section .ksymtab,"a"\n.balign 8\n.globl ksymtab_count, ksymtab_syms, ksymtab_names\nksymtab_count: .quad 0\nksymtab_syms:\nksymtab_names: .byte 0\n' > $(2).sym0.S
	$(Q)$(KCC) -c $(2).sym0.S -o $(2).sym0.o
	$(Q)$(KLD) -n -T $(LDSCRIPT) -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments -o $(2).pass1 $(1) $(2).sym0.o
	$(Q)$(KNM) -n $(2).pass1 | $(PYTHON) kernel/tools/gen_ksymtab.py > $(2).sym.S
	$(Q)$(KCC) -c $(2).sym.S -o $(2).sym.o
	$(Q)$(KLD) -n -T $(LDSCRIPT) -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments -o $(2) $(1) $(2).sym.o
	$(Q)rm -f $(2).pass1
endef

objlist_of = $(or $(if $(filter ktest,$(1)),$(KTOBJS)),$(if $(filter profile,$(1)),$(KPOBJS)), \
    $(if $(filter debug,$(1)),$(KDOBJS)),$(if $(filter ktest-debug,$(1)),$(KTDOBJS)),$(KOBJS))
# The object lists, rewritten only when they change, so removing a source relinks.
$(KBUILD)/%.objlist: FORCE
	@mkdir -p $(@D)
	@echo '$(call objlist_of,$*)' | cmp -s - $@ || echo '$(call objlist_of,$*)' > $@
.PHONY: FORCE kernel-profile kernel-debug ktest-debug
FORCE:

$(BUILD)/kernel.elf: $(KOBJS) $(LDSCRIPT) kernel/tools/gen_ksymtab.py $(KBUILD)/kernel.objlist
	$(call klink,$(KOBJS),$@)

$(BUILD)/kernel-ktest.elf: $(KTOBJS) $(LDSCRIPT) kernel/tools/gen_ksymtab.py $(KBUILD)/ktest.objlist
	$(call klink,$(KTOBJS),$@)

$(BUILD)/kernel-profile.elf: $(KPOBJS) $(LDSCRIPT) kernel/tools/gen_ksymtab.py $(KBUILD)/profile.objlist
	$(call klink,$(KPOBJS),$@)

$(BUILD)/kernel-debug.elf: $(KDOBJS) $(LDSCRIPT) kernel/tools/gen_ksymtab.py $(KBUILD)/debug.objlist
	$(call klink,$(KDOBJS),$@)

$(BUILD)/kernel-ktest-debug.elf: $(KTDOBJS) $(LDSCRIPT) kernel/tools/gen_ksymtab.py $(KBUILD)/ktest-debug.objlist
	$(call klink,$(KTDOBJS),$@)

## kernel-debug: build build/kernel-debug.elf (debugging heap + lock-order checker; docs/robustness.md)
kernel-debug: $(BUILD)/kernel-debug.elf

## kernel-profile: build build/kernel-profile.elf (samples RIP per tick, prints a profile at power-off)
kernel-profile: $(BUILD)/kernel-profile.elf

## kernel: build build/kernel.elf
kernel: $(BUILD)/kernel.elf

KTEST_TIMEOUT ?= 480
## ktest: build the ktest kernel and run every KTEST in QEMU
ktest: $(BUILD)/kernel-ktest.elf $(BUILD)/ktest-initrd.cpio
	$(Q)$(PYTHON) tests/harness/qemu_run.py --name ktest --kernel $(BUILD)/kernel-ktest.elf \
	    --initrd $(BUILD)/ktest-initrd.cpio --append "console=ttyS0" --smp $(SMP) --mem $(MEM) \
	    --accel $(ACCEL) --timeout $(KTEST_TIMEOUT) --ktest --log $(BUILD)/ktest.log

## ktest-debug: every KTEST on the debug kernel (also runs the heap and lock checker self-tests)
ktest-debug: $(BUILD)/kernel-ktest-debug.elf $(BUILD)/ktest-initrd.cpio
	$(Q)$(PYTHON) tests/harness/qemu_run.py --name ktest-debug --kernel $(BUILD)/kernel-ktest-debug.elf \
	    --initrd $(BUILD)/ktest-initrd.cpio --append "console=ttyS0" --smp $(SMP) --mem $(MEM) \
	    --accel $(ACCEL) --timeout $(KTEST_TIMEOUT) --ktest --log $(BUILD)/ktest-debug.log

$(BUILD)/ktest-initrd.cpio:
	@mkdir -p $(BUILD)
	$(Q)printf 'dir /dev 0755 0 0\n' > $(BUILD)/ktest-initrd.list
	$(Q)$(PYTHON) tests/harness/mkcpio.py $(BUILD)/ktest-initrd.list -o $@

## run: boot the kernel in QEMU on this terminal to a BusyBox job-control shell (initramfs; see tests/boot/tty.mk)
RUN_INITRD ?= $(BUILD)/initramfs-shell.cpio
run: $(BUILD)/kernel.elf $(RUN_INITRD)
	timeout -k 5 $${RUN_TIMEOUT:-3600} $(QEMU) -accel $(ACCEL) $(if $(filter kvm,$(ACCEL)),-cpu host$(comma)-arch-capabilities,-cpu max) \
	    -machine q35 -m $(MEM) -smp $(SMP) -nographic -no-reboot \
	    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	    -kernel $(BUILD)/kernel.elf -initrd $(RUN_INITRD) -append "console=ttyS0 rdinit=/init $(APPEND)"

comma := ,

-include $(KOBJS:.o=.d) $(KTOBJS:.o=.d) $(KPOBJS:.o=.d) $(KDOBJS:.o=.d) $(KTDOBJS:.o=.d)
