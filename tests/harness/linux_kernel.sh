#!/bin/sh
# SPDX-License-Identifier: MPL-2.0
# Fetch and unpack (never install) Debian's own Linux kernel, the test oracle.
#
# Usage: linux_kernel.sh [BUILD_DIR]   (default: build)
# Prints the path of the unpacked vmlinuz on stdout; progress goes to stderr.
# The package is the one linux-image-amd64 depends on, fetched with
# `apt-get download` and unpacked with `dpkg -x` into BUILD_DIR/linux/<pkg>/
# (BUILD_DIR/linux/current points at it). Idempotent: an unpacked kernel is
# reused without downloading. LINUX_PKG=linux-image-<ver>-amd64 pins a version.
set -eu

build=${1:-build}
dest="$build/linux"

log() { echo "linux_kernel.sh: $*" >&2; }

resolve_pkg() {
	if [ -n "${LINUX_PKG:-}" ]; then
		echo "$LINUX_PKG"
		return
	fi
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

find_vmlinuz() {
	for f in "$1"/boot/vmlinuz-*; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# Print the vmlinuz of an unpacked package, pointing 'current' at it.
use() {
	vmlinuz=$(find_vmlinuz "$dest/$1") || return 1
	ln -sfn "$1" "$dest/current"
	echo "$vmlinuz"
}

pkg=$(resolve_pkg)
if [ -z "$pkg" ]; then
	# No package lists (offline, never updated): fall back to what we have.
	if [ -L "$dest/current" ] && use "$(readlink "$dest/current")"; then
		log "apt-cache cannot resolve linux-image-amd64; reusing $(readlink "$dest/current")"
		exit 0
	fi
	log "cannot resolve the kernel package behind linux-image-amd64 (apt-get update?)"
	exit 1
fi

use "$pkg" && exit 0

mkdir -p "$dest"
# Serialise concurrent callers (parallel make) on one lock, then look again.
exec 9>"$dest/.lock"
flock 9
use "$pkg" && exit 0

# apt-get download writes into the current directory: use a private
# temporary directory so a failed download leaves nothing half-written.
tmp=$(mktemp -d "$dest/.dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "downloading $pkg"
if ! (cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >&2); then
	log "download failed; refreshing package lists once"
	apt-get update -q >&2
	(cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download "$pkg" >&2)
fi
deb=$(ls "$tmp"/*.deb)
log "unpacking $(basename "$deb")"
mkdir -p "$tmp/root"
dpkg -x "$deb" "$tmp/root"
rm -rf "${dest:?}/$pkg"
mv "$tmp/root" "$dest/$pkg"
use "$pkg" || { log "no boot/vmlinuz-* in $pkg"; exit 1; }
