#!/usr/bin/python3
# SPDX-License-Identifier: MPL-2.0
"""Reproducible newc cpio writer for initramfs images, driven by a spec file.

Spec lines (one entry each; '#' starts a comment; ${VAR} expands from -D
definitions, then from the environment):

    dir   NAME MODE UID GID
    file  NAME SOURCE MODE UID GID
    nod   NAME MODE UID GID c|b MAJOR MINOR
    slink NAME TARGET MODE UID GID
    pipe  NAME MODE UID GID
    sock  NAME MODE UID GID

NAME is an absolute path inside the archive, MODE is octal permission bits.
Every parent directory of an entry must itself be listed. The output does not
depend on the host: entries are sorted by path, inode numbers are assigned in
that order, every mtime is SOURCE_DATE_EPOCH (or 0, or --mtime), and --gzip
writes a gzip stream with mtime 0 and no file name. Device nodes are written
straight into the archive, so building one needs no privileges.
"""

import argparse
import gzip
import io
import os
import re
import stat
import sys

NEWC_MAGIC = b"070701"
TRAILER = "TRAILER!!!"

TYPE_BITS = {
    "dir": stat.S_IFDIR,
    "file": stat.S_IFREG,
    "slink": stat.S_IFLNK,
    "pipe": stat.S_IFIFO,
    "sock": stat.S_IFSOCK,
}

# Number of fields after the keyword, for each entry kind.
ARITY = {"dir": 4, "file": 5, "nod": 7, "slink": 5, "pipe": 4, "sock": 4}


class SpecError(Exception):
    """A malformed spec line; the message names the file and line."""


class Entry:
    """One archive member: a path, its full st_mode, owner, data, device."""

    def __init__(self, name, mode, uid, gid, data=b"", rdev=(0, 0)):
        self.name = name
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.data = data
        self.rdev = rdev


def expand(text, defs, where):
    """Replace ${VAR} from defs, then the environment; unknown is an error."""

    def sub(match):
        var = match.group(1)
        if var in defs:
            return defs[var]
        if var in os.environ:
            return os.environ[var]
        raise SpecError(f"{where}: undefined variable ${{{var}}}")

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", sub, text)


def parse_num(text, base, where, what):
    try:
        value = int(text, base)
    except ValueError:
        raise SpecError(f"{where}: bad {what} '{text}'") from None
    if value < 0:
        raise SpecError(f"{where}: negative {what} '{text}'")
    return value


def archive_name(path, where):
    """Normalise '/a/b' to 'a/b' (newc names are relative to the root)."""
    if not path.startswith("/"):
        raise SpecError(f"{where}: path '{path}' must be absolute")
    parts = [p for p in path.split("/") if p]
    if not parts or any(p in (".", "..") for p in parts):
        raise SpecError(f"{where}: bad path '{path}'")
    return "/".join(parts)


def parse_line(fields, where, deps):
    """Turn the fields of one spec line into an Entry."""
    kind = fields[0]
    if kind not in ARITY:
        raise SpecError(f"{where}: unknown entry type '{kind}'")
    if len(fields) - 1 != ARITY[kind]:
        raise SpecError(f"{where}: '{kind}' takes {ARITY[kind]} fields")
    name = archive_name(fields[1], where)
    rest = fields[2:]
    if kind == "file":
        source, rest = rest[0], rest[1:]
    elif kind == "slink":
        target, rest = rest[0], rest[1:]
    perm = parse_num(rest[0], 8, where, "mode")
    if perm > 0o7777:
        raise SpecError(f"{where}: mode '{rest[0]}' has file-type bits")
    uid = parse_num(rest[1], 10, where, "uid")
    gid = parse_num(rest[2], 10, where, "gid")

    if kind == "file":
        try:
            with open(source, "rb") as f:
                data = f.read()
        except OSError as e:
            raise SpecError(f"{where}: {source}: {e.strerror}") from None
        deps.append(source)
        return Entry(name, stat.S_IFREG | perm, uid, gid, data)
    if kind == "slink":
        return Entry(name, stat.S_IFLNK | perm, uid, gid, target.encode())
    if kind == "nod":
        dev_type, major, minor = rest[3:]
        if dev_type not in ("c", "b"):
            raise SpecError(f"{where}: device type must be 'c' or 'b'")
        ifmt = stat.S_IFCHR if dev_type == "c" else stat.S_IFBLK
        rdev = (parse_num(major, 10, where, "major"),
                parse_num(minor, 10, where, "minor"))
        return Entry(name, ifmt | perm, uid, gid, rdev=rdev)
    return Entry(name, TYPE_BITS[kind] | perm, uid, gid)


def parse_spec(path, defs, deps):
    """Read a spec file into a list of entries, checking duplicates."""
    entries = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            where = f"{path}:{lineno}"
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = expand(line, defs, where).split()
            entry = parse_line(fields, where, deps)
            if entry.name in entries:
                raise SpecError(f"{where}: duplicate entry '/{entry.name}'")
            entries[entry.name] = entry
    return entries


def check_parents(entries):
    """Every entry's parent directory must be an explicit dir entry."""
    for name in entries:
        parent = name.rpartition("/")[0]
        if not parent:
            continue
        p = entries.get(parent)
        if p is None or not stat.S_ISDIR(p.mode):
            raise SpecError(f"/{name}: parent directory /{parent} is not listed")


def pad4(n):
    return (4 - n % 4) % 4


def newc_member(ino, entry, mtime):
    """Encode one newc header + name + data, each padded to 4 bytes."""
    name = entry.name.encode() + b"\0"
    nlink = 2 if stat.S_ISDIR(entry.mode) else 1
    fields = (ino, entry.mode, entry.uid, entry.gid, nlink, mtime,
              len(entry.data), 0, 0, entry.rdev[0], entry.rdev[1],
              len(name), 0)
    header = NEWC_MAGIC + b"".join(b"%08X" % v for v in fields)
    out = header + name + b"\0" * pad4(len(header) + len(name))
    out += entry.data + b"\0" * pad4(len(entry.data))
    return out


def build_archive(entries, mtime):
    """Serialise entries in sorted path order, then the trailer."""
    buf = io.BytesIO()
    ordered = sorted(entries.values(), key=lambda e: e.name.split("/"))
    for ino, entry in enumerate(ordered, 1):
        buf.write(newc_member(ino, entry, mtime))
    buf.write(newc_member(0, Entry(TRAILER, 0, 0, 0), 0))
    return buf.getvalue()


def gzip_bytes(data):
    """A gzip stream that depends only on data (mtime 0, no file name)."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf,
                       compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def write_atomic(path, data):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def default_mtime():
    value = os.environ.get("SOURCE_DATE_EPOCH", "0")
    try:
        return int(value)
    except ValueError:
        sys.exit(f"mkcpio: SOURCE_DATE_EPOCH '{value}' is not an integer")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("spec", nargs="+", help="spec file(s); later files add entries")
    ap.add_argument("-o", "--output", required=True, help="archive to write")
    ap.add_argument("-D", "--define", action="append", default=[],
                    metavar="VAR=VALUE", help="define ${VAR} for spec files")
    ap.add_argument("--gzip", action="store_true", help="gzip the archive")
    ap.add_argument("--mtime", type=int, default=None,
                    help="mtime of every entry (default SOURCE_DATE_EPOCH or 0)")
    ap.add_argument("--depfile", help="write a make dependency file")
    args = ap.parse_args()

    defs = {}
    for d in args.define:
        var, sep, value = d.partition("=")
        if not sep:
            sys.exit(f"mkcpio: -D '{d}' is not VAR=VALUE")
        defs[var] = value
    mtime = args.mtime if args.mtime is not None else default_mtime()

    deps = list(args.spec)
    entries = {}
    try:
        for spec in args.spec:
            for name, entry in parse_spec(spec, defs, deps).items():
                if name in entries:
                    raise SpecError(f"{spec}: duplicate entry '/{name}'")
                entries[name] = entry
        check_parents(entries)
    except (SpecError, OSError) as e:
        sys.exit(f"mkcpio: {e}")

    data = build_archive(entries, mtime)
    if args.gzip:
        data = gzip_bytes(data)
    write_atomic(args.output, data)
    if args.depfile:
        rule = f"{args.output}: " + " ".join(deps) + "\n"
        rule += "".join(f"{d}:\n" for d in deps)
        write_atomic(args.depfile, rule.encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
