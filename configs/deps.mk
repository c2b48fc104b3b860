# SPDX-License-Identifier: MPL-2.0
# Host dependencies: the Debian packages the build and the tests need, installed with apt-get.

DEB_PACKAGES := make gcc libc6-dev binutils python3 python3-clang-14 libclang-14-dev \
    qemu-system-x86 qemu-utils xorriso musl-tools check pkg-config cpio gzip \
    grub-pc-bin grub-efi-amd64-bin grub-common ovmf mtools e2fsprogs fdisk dpkg-dev \
    autoconf automake gperf

# Tools whose absence triggers `make deps` automatically.
DEP_TOOLS := gcc ld python3 qemu-system-x86_64 musl-gcc pkg-config cpio

.PHONY: deps deps-check
## deps: install the Debian packages the build needs (idempotent; says what it installs)
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	echo "deps: installing:$$missing"; \
	if [ "$$(id -u)" != 0 ]; then echo "deps: need root to run apt-get (run: sudo make deps)"; exit 1; fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing

deps-check:
	@for t in $(DEP_TOOLS); do command -v $$t >/dev/null 2>&1 || { echo "deps: $$t missing, running make deps"; $(MAKE) --no-print-directory deps; break; }; done
	@/usr/bin/python3 -c 'import clang.cindex' 2>/dev/null || $(MAKE) --no-print-directory deps
	@pkg-config --exists check 2>/dev/null || $(MAKE) --no-print-directory deps
