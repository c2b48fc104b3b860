# SPDX-License-Identifier: MPL-2.0
# Build of linux-vdso.so.1 (user code, not kernel code) and its embedding into the kernel as a byte array.
# Included by kernel/kernel.mk. The flags are user-mode flags: position-independent, no kernel runtime.

VDSO_DIR    := $(BUILD)/vdso
VDSO_SO     := $(VDSO_DIR)/vdso.so
VDSO_LDS    := kernel/vdso/user/vdso.lds
VDSO_CFLAGS := -std=gnu11 -fPIC -O2 -ffreestanding -fno-builtin -fno-stack-protector -mgeneral-regs-only \
    -fasynchronous-unwind-tables -fno-plt -Wall -Wextra -Werror -Ikernel/ostd/include
VDSO_LDFLAGS := -nostdlib -shared -Wl,-T,$(VDSO_LDS) -Wl,-soname=linux-vdso.so.1 -Wl,--hash-style=both \
    -Wl,--eh-frame-hdr -Wl,-z,max-page-size=4096 -Wl,--no-undefined -Wl,-Bsymbolic -Wl,--build-id=none

$(VDSO_DIR)/vdso.o: kernel/vdso/user/vdso.c kernel/ostd/include/ostd/vvar.h
	@mkdir -p $(@D)
	@echo "  CC [vdso] $<"
	$(Q)$(KCC) $(VDSO_CFLAGS) -c $< -o $@

# The image is mapped as is, so it must need no relocation at all.
$(VDSO_SO): $(VDSO_DIR)/vdso.o $(VDSO_LDS)
	@echo "  LD [vdso] $@"
	$(Q)$(KCC) $(VDSO_LDFLAGS) -o $@ $<
	$(Q)if readelf -r $@ | grep -q 'Relocation section'; then \
		echo "vdso: $@ has relocations" >&2; rm -f $@; exit 1; fi

$(GEN)/vdso_image.c: $(VDSO_SO) kernel/tools/gen_vdso_image.py
	@mkdir -p $(@D)
	$(Q)$(PYTHON) kernel/tools/gen_vdso_image.py $< > $@
