// SPDX-License-Identifier: MPL-2.0
// Fixture: a clean service header (wrapper macros over framework macros).
#ifndef SVC_GOOD_H
#define SVC_GOOD_H

#include <ostd/types.h>

struct item {
    int key;
    struct ostd_node link;
};

/* Service wrappers around audited framework macros stay clean. */
#define item_of(n) container_of(n, struct item, link)
#define item_from_node(n) NODE_AS(n, struct item)

static inline struct item *item_from_link(struct ostd_node *n)
{
    return item_of(n);
}

#endif
