# SPDX-License-Identifier: MPL-2.0
# A compressed, multi-member initramfs as Linux accepts it: gzip(cpio) + zero padding + gzip(cpio)
# + plain cpio. Its /init (tests/boot/initramfs_gz.c) checks that every member was unpacked. Keel and Linux.

GZ_DIR  := $(BUILD)/boot/initramfs-gz
GZ_BIN  := $(BUILD)/userland/boot/initramfs_gz
GZ_CPIO := $(BUILD)/initramfs-gz-multi.cpio.gz

$(GZ_BIN): tests/boot/initramfs_gz.c $(USER_LIB_SRCS) $(USER_LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -D_GNU_SOURCE -Iuserland/lib -o $@ $< $(USER_LIB_SRCS)

$(GZ_DIR)/lists: tests/boot/initramfs_gz.mk
	@mkdir -p $(GZ_DIR)
	$(Q)$(PYTHON) -c "import sys; sys.stdout.write(''.join(chr(97 + (i * 7 + i // 1000) % 26) for i in range(300000)))" > $(GZ_DIR)/big
	$(Q)printf 'second gzip member\n' > $(GZ_DIR)/hello2
	$(Q)printf 'plain cpio after gzip\n' > $(GZ_DIR)/hello3
	$(Q)printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' 'dir /proc 0755 0 0' \
	    'file /init $(GZ_BIN) 0755 0 0' 'dir /gz1 0755 0 0' 'file /gz1/big $(GZ_DIR)/big 0644 0 0' > $(GZ_DIR)/1.list
	$(Q)printf '%s\n' 'dir /gz2 0755 0 0' 'file /gz2/hello $(GZ_DIR)/hello2 0644 0 0' > $(GZ_DIR)/2.list
	$(Q)printf '%s\n' 'dir /plain 0755 0 0' 'file /plain/hello $(GZ_DIR)/hello3 0644 0 0' > $(GZ_DIR)/3.list
	$(Q)touch $@

$(GZ_CPIO): $(GZ_DIR)/lists $(GZ_BIN) $(MKCPIO)
	@echo "  CPIO    $@"
	$(Q)$(PYTHON) $(MKCPIO) --gzip -o $(GZ_DIR)/1.cpio.gz $(GZ_DIR)/1.list
	$(Q)$(PYTHON) $(MKCPIO) --gzip -o $(GZ_DIR)/2.cpio.gz $(GZ_DIR)/2.list
	$(Q)$(PYTHON) $(MKCPIO) -o $(GZ_DIR)/3.cpio $(GZ_DIR)/3.list
	$(Q){ cat $(GZ_DIR)/1.cpio.gz; printf '\0\0\0\0'; cat $(GZ_DIR)/2.cpio.gz; } > $@
	$(Q)# A cpio archive must start 4-byte aligned in the image (Linux skips only NUL padding to it).
	$(Q)pad=$$(( (4 - $$(stat -c %s $@) % 4) % 4 )); head -c $$pad /dev/zero >> $@; cat $(GZ_DIR)/3.cpio >> $@

$(eval $(call keel_tap_test,initramfs-gz,$(GZ_CPIO),q35))
$(eval $(call linux_tap_test,initramfs-gz,$(GZ_CPIO)))
