#!/usr/bin/env python3
# SPDX-License-Identifier: MPL-2.0
# Write the mkcpio spec for the dynamic-binary initramfs: chosen files of an unpacked Debian tree plus /init.
"""Usage: mklist.py ROOT INIT OUT PATH...

Each PATH (relative to ROOT, shell globs allowed) is added with every parent
directory; symlinks are kept as symlinks (their targets must be listed too).
"""
import glob
import os
import sys


def main():
    root, init, out, pats = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    lines = {
        "/dev": "dir /dev 0755 0 0",
        "/dev/console": "nod /dev/console 0600 0 0 c 5 1",
        "/dev/null": "nod /dev/null 0666 0 0 c 1 3",
        "/proc": "dir /proc 0755 0 0",
        "/tmp": "dir /tmp 1777 0 0",
        "/init": "file /init %s 0755 0 0" % os.path.abspath(init),
    }
    for pat in pats:
        hits = sorted(glob.glob(os.path.join(root, pat)))
        if not hits:
            sys.exit("mklist.py: nothing matches %s under %s" % (pat, root))
        for path in hits:
            rel = "/" + os.path.relpath(path, root)
            parent = os.path.dirname(rel)
            while parent != "/":
                lines.setdefault(parent, "dir %s 0755 0 0" % parent)
                parent = os.path.dirname(parent)
            mode = os.lstat(path).st_mode & 0o7777
            if os.path.islink(path):
                lines[rel] = "slink %s %s 0777 0 0" % (rel, os.readlink(path))
            else:
                lines[rel] = "file %s %s %04o 0 0" % (rel, os.path.abspath(path), mode)
    with open(out, "w") as f:
        for k in sorted(lines):
            f.write(lines[k] + "\n")


if __name__ == "__main__":
    main()
