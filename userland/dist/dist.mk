# SPDX-License-Identifier: MPL-2.0
# Distribution: third-party programs built from Debian source packages against musl.
# Included by userland/userland.mk (BUILD, Q, MUSL_CC come from there). See docs/distribution.md.

DIST_DIR      := $(BUILD)/dist
DIST_SRC      := $(DIST_DIR)/src
DIST_APT      := $(DIST_DIR)/apt
DIST_SYSROOT  := $(DIST_DIR)/sysroot
DIST_JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
APT_SOURCE    := userland/dist/apt-source.sh
# The one timestamp of the distribution: build dates inside the programs,
# every file time in the root file system and the image. Passed to the
# recipes that need it (not exported: other tests rely on its absence).
DIST_EPOCH    ?= 1700000000

# musl-gcc sees only musl's headers; programs that use Linux's uapi headers
# get an include dir of links to the system's copies.
DIST_UAPI     := $(DIST_DIR)/uapi-include
DIST_UAPI_DIRS := linux asm-generic mtd scsi sound video rdma misc
DIST_UAPI_STAMP := $(DIST_UAPI)/.stamp

$(DIST_UAPI_STAMP):
	@mkdir -p $(DIST_UAPI)
	$(Q)for d in $(DIST_UAPI_DIRS); do \
	    [ -d /usr/include/$$d ] && ln -sfn /usr/include/$$d $(DIST_UAPI)/$$d; done; \
	    ln -sfn /usr/include/x86_64-linux-gnu/asm $(DIST_UAPI)/asm
	$(Q)touch $@

# Host tools the third-party builds need (all from configs/deps.mk).
DIST_TOOLS := musl-gcc dpkg-source gperf autoconf automake mke2fs debugfs sfdisk \
              grub-mkimage qemu-img mformat
.PHONY: dist-deps-check
dist-deps-check:
	@for t in $(DIST_TOOLS); do command -v $$t >/dev/null 2>&1 || \
	    { echo "dist: $$t missing, running make deps"; $(MAKE) --no-print-directory deps; break; }; done

# $(DIST_SRC)/<pkg>.stamp: the Debian source package <pkg>, fetched once
# with apt-get source and unpacked at $(DIST_SRC)/<pkg>.
$(DIST_SRC)/%.stamp: | $(APT_SOURCE) dist-deps-check
	$(Q)$(APT_SOURCE) $(DIST_APT) $(DIST_SRC) $*
	$(Q)touch $@

.PHONY: dist-sources
## dist-sources: fetch the Debian source packages of the distribution (once).
dist-sources: $(addprefix $(DIST_SRC)/,busybox.stamp crun.stamp libcap2.stamp libseccomp.stamp gnulib.stamp)

.PHONY: clean-dist
## clean-dist: remove the distribution builds (keeps the fetched sources and apt lists).
clean-dist:
	rm -rf $(DIST_DIR)/stamps $(DIST_SYSROOT) $(DIST_DIR)/*-build $(DIST_DIR)/busybox $(DIST_DIR)/crun \
	    $(BUILD)/rootfs $(BUILD)/rootfs.stamp $(BUILD)/rootfs.cpio.gz $(BUILD)/image $(BUILD)/repro

include userland/dist/busybox.mk
include userland/dist/crun.mk
