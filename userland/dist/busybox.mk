# SPDX-License-Identifier: MPL-2.0
# BusyBox from Debian's source package, static with musl, configured by configs/busybox.config.

BUSYBOX_SRC   := $(DIST_SRC)/busybox
BUSYBOX_OBJ   := $(DIST_DIR)/busybox-build
BUSYBOX_BIN   := $(DIST_DIR)/busybox
BUSYBOX_CONFIG := configs/busybox.config
BUSYBOX_MAKE  = SOURCE_DATE_EPOCH=$(DIST_EPOCH) $(MAKE) -C $(BUSYBOX_SRC) O=$(abspath $(BUSYBOX_OBJ)) \
                CC=$(MUSL_CC) HOSTCC=gcc KCONFIG_NOTIMESTAMP=1 \
                KBUILD_BUILD_TIMESTAMP=@$(DIST_EPOCH)

.PHONY: busybox
## busybox: build $(BUILD)/dist/busybox (static musl) from Debian's source package.
busybox: $(BUSYBOX_BIN)

# The committed config leaves CONFIG_EXTRA_CFLAGS empty; the build copy
# points it at the uapi include dir. BusyBox's own make decides what to
# recompile, so an unchanged config leaves the objects alone.
$(BUSYBOX_BIN): $(DIST_SRC)/busybox.stamp $(BUSYBOX_CONFIG) $(DIST_UAPI_STAMP) userland/dist/busybox.mk
	@mkdir -p $(BUSYBOX_OBJ)
	@echo "  BUSYBOX $@ (log: $(BUSYBOX_OBJ)/build.log)"
	$(Q)sed 's|^CONFIG_EXTRA_CFLAGS=.*|CONFIG_EXTRA_CFLAGS="-isystem $(abspath $(DIST_UAPI))"|' \
	    $(BUSYBOX_CONFIG) > $(BUSYBOX_OBJ)/.config.new
	$(Q)cmp -s $(BUSYBOX_OBJ)/.config.new $(BUSYBOX_OBJ)/.config.keel || { \
	    cp $(BUSYBOX_OBJ)/.config.new $(BUSYBOX_OBJ)/.config; \
	    cp $(BUSYBOX_OBJ)/.config.new $(BUSYBOX_OBJ)/.config.keel; }
	$(Q){ yes '' | $(BUSYBOX_MAKE) oldconfig && \
	      $(BUSYBOX_MAKE) -j$(DIST_JOBS) busybox; } > $(BUSYBOX_OBJ)/build.log 2>&1 \
	    || { tail -n 40 $(BUSYBOX_OBJ)/build.log; exit 1; }
	$(Q)strip -o $@.tmp $(BUSYBOX_OBJ)/busybox_unstripped && mv $@.tmp $@
	@ls -l $@ | awk '{ print "  BUSYBOX " $$5 " bytes" }'
