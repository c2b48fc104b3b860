#!/bin/sh
# SPDX-License-Identifier: MPL-2.0
# Fetch and unpack a Debian source package with apt, through a private deb-src configuration.
#
# usage: apt-source.sh APTDIR SRCDIR PACKAGE
#
# APTDIR gets an apt configuration whose deb-src entries are derived from the
# machine's own apt sources (same archives, suites and keys; only the type
# changes), its own package lists and cache, so the system's apt state is
# left alone. The source package is fetched with `apt-get source`, which
# checks every file against the signed Sources index, and unpacked into
# SRCDIR/PACKAGE (a symlink to the versioned directory dpkg-source makes).
set -eu

aptdir=$1 srcdir=$2 pkg=$3
mkdir -p "$aptdir" "$srcdir"
aptdir=$(cd "$aptdir" && pwd) srcdir=$(cd "$srcdir" && pwd)

# deb822 files: copy each stanza that has `Types: deb`, as `Types: deb-src`.
# One-line sources.list entries: `deb ...` becomes `deb-src ...`.
derive_sources() {
    parts="$aptdir/sources.list.d"
    rm -rf "$parts"; mkdir -p "$parts"
    : > "$aptdir/sources.list"
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk 'BEGIN { RS = ""; ORS = "\n\n" }
             /(^|\n)Types:[^\n]*(^|[ \t])deb([ \t]|\n|$)/ {
                 sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }' \
            "$f" > "$parts/$(basename "$f")"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >> "$aptdir/sources.list"
    done
    if ! grep -qs '^Types: deb-src' "$parts"/*.sources && ! [ -s "$aptdir/sources.list" ]; then
        echo "apt-source: no Debian apt sources found under /etc/apt" >&2
        exit 1
    fi
}

write_config() {
    mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial"
    cat > "$aptdir/apt.conf" <<CONF
Dir::Etc::SourceList "$aptdir/sources.list";
Dir::Etc::SourceParts "$aptdir/sources.list.d";
Dir::State::Lists "$aptdir/lists";
Dir::Cache "$aptdir/cache";
APT::Sandbox::User "root";
Acquire::Languages "none";
CONF
}

export APT_CONFIG="$aptdir/apt.conf"
# Update the private lists once; later fetches reuse them (no network).
if [ ! -f "$aptdir/updated.stamp" ]; then
    derive_sources
    write_config
    echo "  APT     update (deb-src lists in $aptdir)"
    apt-get -q update >"$aptdir/update.log" 2>&1 || { cat "$aptdir/update.log" >&2; exit 1; }
    touch "$aptdir/updated.stamp"
fi

if [ -L "$srcdir/$pkg" ] && [ -d "$srcdir/$pkg/" ]; then
    exit 0
fi
echo "  APT     source $pkg"
work="$srcdir/.fetch-$pkg"
rm -rf "$work"; mkdir -p "$work"
# Newest version first; an archive that lists a version it cannot serve
# (a security mirror without that pool file) falls back to the next one.
versions=$(apt-cache showsrc "$pkg" | sed -n 's/^Version: //p' | sort -u -r -V)
: > "$srcdir/$pkg.fetch.log"
fetched=""
for v in $versions; do
    if (cd "$work" && apt-get -q source "$pkg=$v" >>"$srcdir/$pkg.fetch.log" 2>&1); then
        fetched=$v; break
    fi
    rm -rf "$work"; mkdir -p "$work"
done
[ -n "$fetched" ] || { cat "$srcdir/$pkg.fetch.log" >&2; exit 1; }
dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[ -n "$dir" ] || { echo "apt-source: $pkg: nothing unpacked" >&2; exit 1; }
base=$(basename "$dir")
rm -rf "${srcdir:?}/$base"
mv "$dir" "$srcdir/$base"
mv "$work"/*.dsc "$srcdir/" 2>/dev/null || true
rm -rf "$work"
ln -sfn "$base" "$srcdir/$pkg"
echo "  APT     $pkg -> $base"
