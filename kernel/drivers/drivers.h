// SPDX-License-Identifier: MPL-2.0
// Device bring-up at boot: bus scans, then driver registration.
#ifndef KEEL_DRIVERS_DRIVERS_H
#define KEEL_DRIVERS_DRIVERS_H

/* Task context, after the root file system exists (drivers create /dev nodes). */
void drivers_init(void);

#endif
