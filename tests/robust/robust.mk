# SPDX-License-Identifier: MPL-2.0
# Robustness: the syscall fuzzer run (`make fuzz`) and its short fixed-seed version in `make test`.
# Included by the top-level Makefile after tests/tests.mk.

# `make fuzz`: FUZZ_COUNT calls (default 10^6) within FUZZ_TIME seconds.
FUZZ_SEED    ?= 1
FUZZ_COUNT   ?= 1000000
FUZZ_TIME    ?= 900
FUZZ_WORKERS ?= 2
# FUZZ_TRACE=1: every call is printed before it is issued (a reproducer log).
FUZZ_TRACE   ?= 0
FUZZ_ARGS     = seed=$(FUZZ_SEED) count=$(FUZZ_COUNT) time=$(FUZZ_TIME) \
                workers=$(FUZZ_WORKERS) trace=$(FUZZ_TRACE)
# Passes when the supervisor finishes: no panic (harness), no hang (the
# harness timeout is above FUZZ_TIME), no unkillable worker.
FUZZ_CHECKS   = --expect FUZZ-DONE --expect 'FUZZ-RESULT .* unkillable=0' \
                --fail 'UNKILLABLE'

.PHONY: fuzz test-keel-fuzz-short test-linux-fuzz-short

## fuzz: boot Keel and run the syscall fuzzer (FUZZ_SEED, FUZZ_COUNT, FUZZ_TIME, FUZZ_TRACE).
fuzz: kernel $(FUZZ_INITRD)
	@mkdir -p $(TEST_LOGS)
	$(Q)$(QEMU_RUN) --qemu $(QEMU) --accel $(ACCEL) --smp $(SMP) --mem $(MEM) \
	    --timeout $$(( $(FUZZ_TIME) + 120 )) --name fuzz --kernel $(KERNEL_ELF) \
	    --initrd $(FUZZ_INITRD) --append "$(KEEL_APPEND) -- $(FUZZ_ARGS)" \
	    $(FUZZ_CHECKS) --log $(TEST_LOGS)/fuzz.log
	$(Q)grep -E 'FUZZ-RESULT' $(TEST_LOGS)/fuzz.log

# The short version in `make test`: fixed seed, 20000 calls.
FUZZ_SHORT_ARGS := seed=1 count=20000 time=120 workers=2 trace=0
test-keel-fuzz-short: kernel $(FUZZ_INITRD)
	@mkdir -p $(TEST_LOGS)
	$(Q)$(QEMU_RUN_KEEL) --name keel-fuzz-short --kernel $(KERNEL_ELF) --initrd $(FUZZ_INITRD) \
	    --append "$(KEEL_APPEND) -- $(FUZZ_SHORT_ARGS)" --timeout 240 \
	    $(FUZZ_CHECKS) --log $(TEST_LOGS)/keel-fuzz-short.log
KEEL_BOOT_TESTS += test-keel-fuzz-short

# The fuzz and stress runs use the debug kernel (CONFIG_DEBUG_HEAP + CONFIG_DEBUG_LOCKS):
# heap overflows, use-after-free writes, double frees and lock-order inversions panic
# there, which the harness reports. ROBUST_KERNEL=$(BUILD)/kernel.elf runs them on the normal one.
ROBUST_KERNEL ?= $(BUILD)/kernel-debug.elf
ROBUST_TESTS  := fuzz test-keel-fuzz-short test-keel-abi-stress_short-q35
$(ROBUST_TESTS): KERNEL_ELF = $(ROBUST_KERNEL)
$(ROBUST_TESTS): $(ROBUST_KERNEL)
