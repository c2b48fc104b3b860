# SPDX-License-Identifier: MPL-2.0
# The dynamic-binary test: Debian's own glibc programs and libraries (fetched with apt-get download and
# unpacked with dpkg -x under $(BUILD)/dyn, never installed or committed) in an initramfs whose /init is
# tests/dyn/dyn_init.c; the same image runs on Keel and on Debian's Linux.

DYN_PKGS  := libc6 libselinux1 libpcre2-8-0 libtinfo6 coreutils bash
DYN_ROOT  := $(BUILD)/dyn/root
DYN_STAMP := $(BUILD)/dyn/root.stamp
# What goes into the image, relative to DYN_ROOT (the libraries ldd lists for these programs).
DYN_FILES := bin/bash bin/cat bin/echo bin/ls usr/bin/sort usr/bin/sha256sum usr/bin/head \
             lib64/ld-linux-x86-64.so.2 lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 \
             lib/x86_64-linux-gnu/libc.so.6 lib/x86_64-linux-gnu/libselinux.so.1 \
             'lib/x86_64-linux-gnu/libtinfo.so.6*' 'usr/lib/x86_64-linux-gnu/libpcre2-8.so.0*'

$(DYN_STAMP): tests/dyn/debian_root.sh tests/dyn/dyn.mk
	$(Q)tests/dyn/debian_root.sh $(BUILD) $(DYN_PKGS)

$(BUILD)/userland/dyn/dyn_init: tests/dyn/dyn_init.c $(USER_LIB_SRCS) $(USER_LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  MUSLCC  $@"
	$(Q)$(MUSL_CC) $(USER_CFLAGS) -D_GNU_SOURCE -Iuserland/lib -o $@ $< $(USER_LIB_SRCS)

$(BUILD)/dyn/dyn.list: $(DYN_STAMP) $(BUILD)/userland/dyn/dyn_init tests/dyn/mklist.py
	$(Q)$(PYTHON) tests/dyn/mklist.py $(DYN_ROOT) $(BUILD)/userland/dyn/dyn_init $@ $(DYN_FILES)

$(BUILD)/initramfs-dyn.cpio: $(BUILD)/dyn/dyn.list $(MKCPIO)
	$(Q)$(PYTHON) $(MKCPIO) -o $@ $<

$(eval $(call keel_tap_test,dyn,$(BUILD)/initramfs-dyn.cpio,q35))
$(eval $(call linux_tap_test,dyn,$(BUILD)/initramfs-dyn.cpio))
