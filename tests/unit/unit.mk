# SPDX-License-Identifier: MPL-2.0
# Host unit tests (Check) for the pure-logic library kernel/lib/; `make unit`.
#
# Convention (add a test by adding a file; this makefile needs no edit):
#  - tests/unit/test_X.c is one test program. It includes "unit.h" and defines
#    `Suite *unit_suite(void)`; tests/unit/unit_main.c supplies main(). A test
#    may instead define its own `int main(` (at the start of a line); then
#    unit_main.c is not linked in.
#  - test_X links with kernel/lib/X.c if that exists, with kernel/lib/string.c
#    always, and with kernel/lib/Y.c for each Y named on a line of the form
#        // unit-deps: Y Z
#    in test_X.c (for a test that needs more than one module), and with
#    kernel/P.c for each path P named on a line
#        // unit-kdeps: fs/ext2/ext2_super fs/ext2/ext2_dir
#    (service code kept free of kernel-only calls, e.g. the ext2 core); such
#    tests and modules also get -Ikernel/ostd/include -Ikernel.
#  - Library files are built for the host with the kernel include paths,
#    -ffreestanding, and tests/unit/host_string.h force-included: string
#    functions are renamed kl_* so the library uses (and tests exercise)
#    kernel/lib/string.c while the test code keeps the host libc.
#  - Everything is built with ASan and UBSan (no recovery) into $(BUILD)/unit/.
#    Each program prints Check's summary ("100%: Checks: N, Failures: 0,
#    Errors: 0"); `make unit` runs them all and fails if any test failed.
#    CK_VERBOSITY=verbose lists every test; CK_RUN_CASE=name runs one case.
#    Leak checking is off by default (the library never allocates, and LSan
#    at the exit of every forked test costs seconds); turn it on with
#    UNIT_ASAN_OPTIONS=detect_leaks=1.

BUILD ?= build
Q ?= @

UNIT_DIR := tests/unit
UNIT_OUT := $(BUILD)/unit
UNIT_CC ?= gcc
UNIT_ASAN_OPTIONS ?= detect_leaks=0
UNIT_CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
UNIT_CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)
UNIT_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror $(UNIT_SAN) -MMD -MP \
	-Ikernel/lib/include -Ikernel/include
UNIT_LIB_CFLAGS := $(UNIT_CFLAGS) -ffreestanding -include $(UNIT_DIR)/host_string.h
UNIT_KINC := -Ikernel/ostd/include -Ikernel

UNIT_TESTS := $(patsubst $(UNIT_DIR)/test_%.c,%,$(wildcard $(UNIT_DIR)/test_*.c))
UNIT_BINS := $(addprefix $(UNIT_OUT)/test_,$(UNIT_TESTS))

# Library modules test_$(1) links with (see the convention above).
unit_deps = $(sort string $(if $(wildcard kernel/lib/$(1).c),$(1)) \
	$(shell sed -n 's|^// unit-deps:||p' $(UNIT_DIR)/test_$(1).c))
unit_kdeps = $(shell sed -n 's|^// unit-kdeps:||p' $(UNIT_DIR)/test_$(1).c)

# unit_main.o unless test_$(1).c has a main() of its own.
UNIT_OWN_MAIN := ^int main(
unit_main_obj = $(if $(shell grep -l '$(UNIT_OWN_MAIN)' $(UNIT_DIR)/test_$(1).c),,$(UNIT_OUT)/unit_main.o)

define unit_program
$(UNIT_OUT)/test_$(1): $(UNIT_OUT)/test_$(1).o $(call unit_main_obj,$(1)) \
		$(patsubst %,$(UNIT_OUT)/lib/%.o,$(call unit_deps,$(1))) \
		$(patsubst %,$(UNIT_OUT)/k/%.o,$(call unit_kdeps,$(1)))
	@echo "  LD      $$@"
	$(Q)$(UNIT_CC) $(UNIT_SAN) -o $$@ $$^ $$(UNIT_CHECK_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_program,$(t))))

$(UNIT_OUT)/%.o: $(UNIT_DIR)/%.c | unit-check-dep
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(UNIT_CC) $(UNIT_CFLAGS) $(UNIT_CHECK_CFLAGS) -I$(UNIT_DIR) $(UNIT_KINC) -c -o $@ $<

$(UNIT_OUT)/lib/%.o: kernel/lib/%.c $(UNIT_DIR)/host_string.h
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(UNIT_CC) $(UNIT_LIB_CFLAGS) -c -o $@ $<

$(UNIT_OUT)/k/%.o: kernel/%.c $(UNIT_DIR)/host_string.h
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(UNIT_CC) $(UNIT_LIB_CFLAGS) $(UNIT_KINC) -c -o $@ $<

# kernel/lib/string.c must not call itself: GCC can turn a copy loop into a
# memcpy call, fatal inside memcpy. Build it with the kernel's code-generation
# flags at several optimisation levels and reject any function whose body
# has a relocation naming the function itself.
UNIT_KFLAGS := -std=gnu11 -ffreestanding -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
	-fno-pic -Wall -Wextra -Werror -Ikernel/lib/include -Ikernel/include
UNIT_SELFCALL_AWK := '/^[0-9a-f]+ <.*>:$$/ { fn = $$2; gsub(/[<>:]/, "", fn) } \
	/R_X86_64_(PLT32|PC32)/ { t = $$3; sub(/[-+].*/, "", t); \
	if (t == fn) { print "  self-call in " fn; bad = 1 } } END { exit bad }'

$(UNIT_OUT)/string-selfcall.ok: kernel/lib/string.c kernel/lib/include/lib/string.h
	@mkdir -p $(@D)
	@echo "  CHECK   kernel/lib/string.c has no self-calls"
	$(Q)for o in -O1 -O2 -O3 -Os; do \
		$(UNIT_CC) $(UNIT_KFLAGS) $$o -c -o $(@D)/string-selfcall.o $< && \
		objdump -dr $(@D)/string-selfcall.o | awk $(UNIT_SELFCALL_AWK) || exit 1; \
	done
	$(Q)touch $@

.PHONY: unit unit-build unit-check-dep
unit-check-dep:
	@pkg-config --exists check || { echo "unit: Check not found (apt-get install check pkg-config)"; exit 1; }

unit-build: $(UNIT_BINS) $(UNIT_OUT)/string-selfcall.ok

## unit: build and run the host unit tests (Check) for kernel/lib.
unit: unit-build
	$(Q)fail=0; for t in $(UNIT_BINS); do \
		echo "== $$t"; \
		ASAN_OPTIONS=$(UNIT_ASAN_OPTIONS) $$t || { fail=1; echo "FAILED: $$t"; }; \
	done; \
	if [ $$fail -ne 0 ]; then echo "unit: FAILED"; exit 1; fi; \
	echo "unit: all $(words $(UNIT_BINS)) test programs passed"

.SECONDARY: $(UNIT_OUT)/unit_main.o $(UNIT_BINS:%=%.o)
-include $(wildcard $(UNIT_OUT)/*.d $(UNIT_OUT)/lib/*.d $(UNIT_OUT)/k/*/*/*.d)
