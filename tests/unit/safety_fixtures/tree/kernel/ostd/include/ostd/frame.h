// SPDX-License-Identifier: MPL-2.0
// Fixture: public frame API. It (wrongly) leaks an internal header.
#ifndef OSTD_FRAME_H
#define OSTD_FRAME_H

#include <ostd/types.h>
#include "../../mm/frame_internal.h"

struct frame;
struct frame *frame_alloc(void);
void frame_put(struct frame *f);

#endif
