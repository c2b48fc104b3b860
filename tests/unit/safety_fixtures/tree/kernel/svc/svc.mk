# SPDX-License-Identifier: MPL-2.0
# Fixture: a service makefile fragment; -Wno-* in a comment is fine.
SVC_CFLAGS := -O2 -Wall
SVC_CFLAGS += -Wno-unused-parameter     # EXPECT: R7
$(BUILD)/svc/noisy.o: CFLAGS += -w      # EXPECT: R7
SVC_CFLAGS += -fno-sanitize=undefined   # EXPECT: R7
