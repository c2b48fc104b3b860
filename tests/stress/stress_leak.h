// SPDX-License-Identifier: MPL-2.0
// Leak snapshots taken between stress phases.
#ifndef KEEL_STRESS_LEAK_H
#define KEEL_STRESS_LEAK_H

struct snapshot {
	long memfree_kb;        /* /proc/meminfo MemFree after sync and drop_caches=3 */
	int fds;                /* entries in /proc/self/fd */
	int mounts;             /* lines in /proc/self/mounts */
	int procs;              /* user processes in /proc */
};

/* Write how ("1", "2" or "3") to /proc/sys/vm/drop_caches; 0 or -1. */
int drop_caches(const char *how);
long meminfo_kb(const char *key);
void snapshot_take(struct snapshot *s);

#endif
