#!/usr/bin/python3
# SPDX-License-Identifier: MPL-2.0
"""The ext2 test disk: make it before the guest runs, check what the guest wrote after.

  ext2disk.py make IMAGE    IMAGE.big: an empty 80 MiB ext2 (4 KiB blocks) for 64 MiB of I/O;
                            IMAGE: 8 MiB ext2 (1 KiB blocks, as mke2fs -t ext2 makes it) with a
                            tree from mke2fs -d, big directories hashed by e2fsck -D
  ext2disk.py check IMAGE   e2fsck -fn is clean, the superblock says clean, and debugfs
                            finds the guest's files with the right contents
Names and patterns must match tests/ext2/ext2_mount.c.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

BIG_SIZE = 3 * 1024 * 1024 + 123
HOST_BIG = 300000


def pat(seed, n):
    return bytes((i * 7 + i // 251 + seed) & 0xFF for i in range(n))


def run(*cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def make(img):
    src = tempfile.mkdtemp(prefix="keel-ext2-src-")
    try:
        with open(os.path.join(src, "hello.txt"), "w") as f:
            f.write("hello from the host\n")
        os.symlink("hello.txt", os.path.join(src, "link"))
        os.makedirs(os.path.join(src, "dir", "sub"))
        os.makedirs(os.path.join(src, "dir", "many"))
        with open(os.path.join(src, "dir", "big.bin"), "wb") as f:
            f.write(pat(1, HOST_BIG))
        for i in range(200):
            with open(os.path.join(src, "dir", "many", "f-%04d" % i), "w") as f:
                f.write("%d\n" % i)
        m = os.path.join(src, "dir", "sub", "mode640")
        with open(m, "w") as f:
            f.write("x")
        os.chmod(m, 0o640)
        os.chown(m, 1234, 1234)
        if os.path.exists(img):
            os.unlink(img)
        r = run("mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-N", "2048", "-d", src, img, "8M")
        if r.returncode:
            print(r.stdout.decode(), file=sys.stderr)
            return 1
        run("e2fsck", "-fyD", img)      # hashed (htree) directories, as a long-lived disk has
        r = run("mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", img + ".big", "80M")
        if r.returncode:
            print(r.stdout.decode(), file=sys.stderr)
        return r.returncode
    finally:
        shutil.rmtree(src)


def debugfs(img, req):
    return subprocess.run(["debugfs", "-R", req, img], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL).stdout


def mapped():
    """/new/mapped after the guest's stores through a shared mapping and a pwrite."""
    b = bytearray(b"a" * 8292)
    b[0], b[4096], b[5000], b[8291] = ord("M"), ord("W"), ord("N"), ord("Z")
    return bytes(b)


def check(img):
    fails = []
    for i in (img, img + ".big"):
        r = run("e2fsck", "-fn", i)
        if r.returncode:
            fails.append("e2fsck -fn %s exit %d:\n%s" % (i, r.returncode, r.stdout.decode()))
    hdr = run("dumpe2fs", "-h", img).stdout.decode()
    if "Filesystem state:         clean" not in hdr:
        fails.append("superblock state is not clean")
    want = {
        "/new/big.bin": pat(2, BIG_SIZE),
        "/new/small.txt": b"small file\nmore\n",
        "/renamed.txt": b"small file\nmore\n",
        "/hello.txt": b"hello from the host\n",
        "/dir/big.bin": pat(1, HOST_BIG),
        "/new/sparse": b"\0" * 10,
        "/new/b": b"",
        "/new/mapped": mapped(),
    }
    for path, data in want.items():
        got = debugfs(img, "cat " + path)
        if hashlib.sha256(got).digest() != hashlib.sha256(data).digest():
            fails.append("%s: %d bytes, want %d" % (path, len(got), len(data)))
    if b"blue" not in debugfs(img, "ea_get /new/small.txt user.color"):
        fails.append("user.color xattr missing")
    for gone in ("/dir/moved", "/dir/many/f-0007", "/new/hard"):
        if b"File not found" not in subprocess.run(["debugfs", "-R", "stat " + gone, img],
                                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout:
            fails.append(gone + " still exists")
    if b"Size: 3221225475" not in debugfs(img, "stat /new/huge"):
        fails.append("/new/huge is not 3 GiB + 3 bytes")
    if b'Fast link dest: "small.txt"' not in debugfs(img, "stat /new/sym"):
        fails.append("/new/sym is not a fast symlink to small.txt")
    if fails:
        print("FAIL ext2disk: " + "; ".join(fails))
        return 1
    print("PASS ext2disk: %s is clean and holds the guest's files" % img)
    return 0


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    return make(sys.argv[2]) if sys.argv[1] == "make" else check(sys.argv[2])


if __name__ == "__main__":
    sys.exit(main())
