# SPDX-License-Identifier: MPL-2.0
# crun from Debian's source package, static with musl: libcap, libseccomp and gnulib's argp first.

DIST_STAMPS   := $(DIST_DIR)/stamps
CRUN_BIN      := $(DIST_DIR)/crun
SYSROOT_ABS    = $(abspath $(DIST_SYSROOT))
UAPI_ABS       = $(abspath $(DIST_UAPI))
# Every library lands in $(DIST_SYSROOT)/{include,lib}; crun is linked against it.
DIST_CPPFLAGS  = -I$(SYSROOT_ABS)/include -isystem $(UAPI_ABS)
DIST_CFLAGS   ?= -O2 -g0
# The libraries are rebuilt when their source package changes (make
# clean-dist forces it); crun also when this file changes.

.PHONY: crun libcap libseccomp libargp
## crun: build $(BUILD)/dist/crun (static musl, embedded yajl, libcap, libseccomp, no systemd).
crun: $(CRUN_BIN)
libcap: $(DIST_STAMPS)/libcap.stamp
libseccomp: $(DIST_STAMPS)/libseccomp.stamp
libargp: $(DIST_STAMPS)/libargp.stamp

# libcap's own makefiles build in the source tree: build in a copy.
LIBCAP_OBJ := $(DIST_DIR)/libcap-build
$(DIST_STAMPS)/libcap.stamp: $(DIST_SRC)/libcap2.stamp
	@mkdir -p $(@D) $(DIST_SYSROOT)
	@echo "  LIBCAP  $(DIST_SYSROOT)/lib/libcap.a"
	$(Q)rm -rf $(LIBCAP_OBJ) && cp -a $(DIST_SRC)/libcap2/. $(LIBCAP_OBJ)
	$(Q)$(MAKE) -C $(LIBCAP_OBJ)/libcap CC=$(MUSL_CC) BUILD_CC=gcc COPTS="$(DIST_CFLAGS)" \
	    SHARED=no PTHREADS=no GOLANG=no USE_GPERF=no PAM_CAP=no \
	    prefix= lib=lib FAKEROOT=$(SYSROOT_ABS) install-static-cap \
	    > $(DIST_DIR)/libcap.log 2>&1 || { tail -n 30 $(DIST_DIR)/libcap.log; exit 1; }
	$(Q)touch $@

LIBSECCOMP_OBJ := $(DIST_DIR)/libseccomp-build
$(DIST_STAMPS)/libseccomp.stamp: $(DIST_SRC)/libseccomp.stamp $(DIST_UAPI_STAMP)
	@mkdir -p $(@D) $(DIST_SYSROOT)
	@echo "  SECCOMP $(DIST_SYSROOT)/lib/libseccomp.a"
	$(Q)rm -rf $(LIBSECCOMP_OBJ) && mkdir -p $(LIBSECCOMP_OBJ)
	$(Q)cd $(LIBSECCOMP_OBJ) && { \
	    $(abspath $(DIST_SRC)/libseccomp)/configure CC=$(MUSL_CC) \
	        CFLAGS="$(DIST_CFLAGS)" CPPFLAGS="-isystem $(UAPI_ABS)" \
	        --prefix=/ --libdir=/lib --includedir=/include \
	        --enable-static --disable-shared --disable-python && \
	    $(MAKE) -j$(DIST_JOBS) -C src && \
	    $(MAKE) -C src install DESTDIR=$(SYSROOT_ABS) && \
	    $(MAKE) -C include install DESTDIR=$(SYSROOT_ABS) && \
	    rm -f $(SYSROOT_ABS)/lib/libseccomp.la; \
	} > $(abspath $(DIST_DIR))/libseccomp.log 2>&1 || { tail -n 30 $(abspath $(DIST_DIR))/libseccomp.log; exit 1; }
	$(Q)touch $@

# gnulib's argp module as a stand-alone library (gnulib-tool's test dir
# mode writes a configure script for just that module). The library and
# its header go into the sysroot; userland/dist/argp.h supplies the macros
# the header would otherwise take from gnulib's config.h.
ARGP_OBJ := $(DIST_DIR)/argp-build
$(DIST_STAMPS)/libargp.stamp: $(DIST_SRC)/gnulib.stamp userland/dist/argp.h
	@mkdir -p $(@D) $(DIST_SYSROOT)/include $(DIST_SYSROOT)/lib
	@echo "  ARGP    $(DIST_SYSROOT)/lib/libargp.a"
	$(Q)rm -rf $(ARGP_OBJ)
	$(Q){ $(DIST_SRC)/gnulib/gnulib-tool --create-testdir --dir=$(ARGP_OBJ) \
	        --lib=libargp --without-tests argp && \
	    cd $(ARGP_OBJ) && ./configure CC=$(MUSL_CC) CFLAGS="$(DIST_CFLAGS)" && \
	    $(MAKE) -j$(DIST_JOBS); \
	} > $(abspath $(DIST_DIR))/libargp.log 2>&1 || { tail -n 30 $(abspath $(DIST_DIR))/libargp.log; exit 1; }
	$(Q)cp $(ARGP_OBJ)/gllib/libargp.a $(DIST_SYSROOT)/lib/libargp.a
	$(Q)cp $(ARGP_OBJ)/gllib/argp.h $(DIST_SYSROOT)/include/argp-gnulib.h
	$(Q)cp userland/dist/argp.h $(DIST_SYSROOT)/include/argp.h
	$(Q)touch $@

# crun's build writes generated files into its tree: build in a copy.
# Configure tests link with -static; libtool's final link needs -all-static.
# The embedded yajl's headers are generated in the build tree, and crun's own
# makefile expects them installed system-wide: point CPPFLAGS at them. Only
# libocispec (with yajl) and the crun program are built, not the test libs.
CRUN_OBJ := $(DIST_DIR)/crun-build
CRUN_CONFIGURE := --enable-embedded-yajl --disable-systemd --enable-static \
                  --disable-shared --disable-criu
$(CRUN_BIN): $(DIST_SRC)/crun.stamp $(DIST_STAMPS)/libcap.stamp $(DIST_STAMPS)/libseccomp.stamp \
             $(DIST_STAMPS)/libargp.stamp userland/dist/crun.mk
	@echo "  CRUN    $@ (log: $(DIST_DIR)/crun.log)"
	$(Q)rm -rf $(CRUN_OBJ) && cp -a $(DIST_SRC)/crun/. $(CRUN_OBJ)
	$(Q)cd $(CRUN_OBJ) && { \
	    ./configure CC=$(MUSL_CC) CFLAGS="$(DIST_CFLAGS)" \
	        CPPFLAGS="$(DIST_CPPFLAGS) -I$(abspath $(CRUN_OBJ))/libocispec/yajl/src/headers" \
	        LDFLAGS="-L$(SYSROOT_ABS)/lib -static" $(CRUN_CONFIGURE) && \
	    $(MAKE) -j$(DIST_JOBS) -C libocispec && \
	    $(MAKE) git-version.h && \
	    $(MAKE) -j$(DIST_JOBS) LDFLAGS="-L$(SYSROOT_ABS)/lib -all-static" crun; \
	} > $(abspath $(DIST_DIR))/crun.log 2>&1 || { tail -n 30 $(abspath $(DIST_DIR))/crun.log; exit 1; }
	$(Q)strip -o $@.tmp $(CRUN_OBJ)/crun && mv $@.tmp $@
	$(Q)$@ --version | head -n 1 | sed 's/^/  CRUN    /'
	@ls -l $@ | awk '{ print "  CRUN    " $$5 " bytes" }'
