#!/bin/sh
# SPDX-License-Identifier: MPL-2.0
# Fetch and unpack (never install) Debian's dynamically linked programs and their libraries for tests/dyn.
#
# Usage: debian_root.sh BUILD_DIR PACKAGE...
# Each package is fetched with `apt-get download` and unpacked with `dpkg -x`
# into BUILD_DIR/dyn/root (the union of all of them). Idempotent and
# offline-friendly: downloaded .debs are kept in BUILD_DIR/dyn/debs and a
# package already there is not fetched again; the tree is rebuilt only when
# the package list changes (BUILD_DIR/dyn/root.stamp records it).
set -eu

build=$1
shift
dest="$build/dyn"
mkdir -p "$dest/debs"

log() { echo "debian_root.sh: $*" >&2; }

want="$*"
if [ -f "$dest/root.stamp" ] && [ "$(cat "$dest/root.stamp")" = "$want" ]; then
	exit 0
fi

exec 9>"$dest/.lock"
flock 9
if [ -f "$dest/root.stamp" ] && [ "$(cat "$dest/root.stamp")" = "$want" ]; then
	exit 0
fi

have_deb() { ls "$dest/debs/$1"_*.deb >/dev/null 2>&1; }

missing=""
for p in "$@"; do
	have_deb "$p" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	tmp=$(mktemp -d "$dest/.dl.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	log "downloading$missing"
	# shellcheck disable=SC2086
	if ! (cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download $missing >&2); then
		log "download failed; refreshing package lists once"
		apt-get update -q >&2
		# shellcheck disable=SC2086
		(cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download $missing >&2)
	fi
	mv "$tmp"/*.deb "$dest/debs/"
fi

rm -rf "$dest/root"
mkdir -p "$dest/root"
for p in "$@"; do
	for deb in "$dest/debs/$p"_*.deb; do
		log "unpacking $(basename "$deb")"
		dpkg -x "$deb" "$dest/root"
	done
done
echo "$want" > "$dest/root.stamp"
