// SPDX-License-Identifier: MPL-2.0
// The stress program's shared declarations: configuration, worker fan-out, checksums, phases.
#ifndef KEEL_STRESS_H
#define KEEL_STRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Set once by main before any phase runs; read-only afterwards. */
struct stress_cfg {
	int scale;      /* work multiplier: 1 in `make test`, more in `make stress` */
	int workers;    /* processes per phase */
	bool warmup;    /* the first, unchecked pass: phases may skip their slowest parts */
};
extern struct stress_cfg cfg;

/* Run fn(i) in cfg.workers child processes at once; true when every one returns 0. */
bool run_workers(int (*fn)(int));
/* Wait for pid (retrying on EINTR); its wait status, or -1. */
int wait_status(pid_t pid);
/* Reap every remaining child, including re-parented orphans; how many were reaped. */
int reap_all(void);

/* A deterministic byte pattern and a checksum (FNV-1a) over a buffer. */
void fill_pattern(void *buf, size_t n, uint32_t seed);
uint32_t checksum(const void *buf, size_t n);
/* Whole-buffer I/O; 0 on success, -1 on error or early end of file. */
int write_full(int fd, const void *buf, size_t n);
int read_full(int fd, void *buf, size_t n);

/* The phases: each returns true when every check inside it held. */
bool phase_fork(void);
bool phase_exec(void);
bool phase_threads(void);
bool phase_mmap(void);
bool phase_pipes(void);
bool phase_unix(void);
bool phase_tmpfs(void);
bool phase_ext2(void);
bool phase_pty(void);
bool phase_oom(void);

/* The file-system churn shared by the tmpfs and ext2 phases: a tree under root, worker i. */
int fs_churn(const char *root, int i);

/* ext2: true when /dev/vda could be mounted on /mnt (modules loaded on Linux). */
bool ext2_setup(void);

/* The exit status of `/init --exit` (the exec phase's target). */
#define EXEC_EXIT 42

#endif
