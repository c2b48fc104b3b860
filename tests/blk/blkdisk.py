#!/usr/bin/python3
# SPDX-License-Identifier: MPL-2.0
"""The virtio-blk test disk: make it before the guest runs, check what the guest wrote after.

  blkdisk.py make IMAGE    4 MiB raw image, MBR with one partition (sectors 2048..6143),
                           byte patterns at the offsets tests/blk/blk_virtio.c reads
  blkdisk.py check IMAGE   the guest's writes landed and nothing else changed
  blkdisk.py make-ro IMAGE 128 KiB GPT disk, partition 1 = sectors 64..127 holding a
                           pattern: the read-only second disk (vdb)
Layout and patterns must match tests/blk/blk_virtio.c.
"""

import struct
import sys
import zlib

SIZE = 4 << 20
MIB = 1 << 20
P1_START, P1_SECTORS = 2048, 4096          # vda1: disk bytes 1 MiB .. 3 MiB

# (disk offset, length, seed): written by `make`, read by the guest
READS = [(0x10000, 512, 0x0a), (MIB, 4096, 0x11), (3 * MIB - 512, 512, 0x22), (3 * MIB + 100, 1000, 0x33)]
# written by the guest: (disk offset, length, seed) or (offset, bytes)
WRITES = [(MIB + 4096 + 3, 700, 0x44), (2 * MIB + 5120, 8192, 0x55)]
TAIL = (3 * MIB - 4, b"\xee" * 4)
RO_SECTORS, RO_SEED = 256, 0x66                    # vdb, attached read-only
RO_P1 = (64, 127)                                  # vdb1: first and last LBA
LINUX_FS_GUID = bytes.fromhex("af3dc60f838472478e793d69d8477de4")  # 0FC63DAF-8483-4772-8E79-3D69D8477DE4


def gpt_header(my_lba, alt_lba, entries_lba, entries_crc):
    last = RO_SECTORS - 1
    h = bytearray(struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x10000, 92, 0, 0, my_lba, alt_lba,
                              34, last - 33, b"KEEL-TEST-DISK-1", entries_lba, 128, 128, entries_crc))
    struct.pack_into("<I", h, 16, zlib.crc32(bytes(h)))
    return bytes(h) + bytes(512 - len(h))


def gpt_image():
    """A GPT disk: protective MBR, primary and backup headers and entry arrays, one partition."""
    img = bytearray(RO_SECTORS * 512)
    last = RO_SECTORS - 1
    img[446:462] = struct.pack("<B3sB3sII", 0, b"\0\x02\0", 0xEE, b"\xff\xff\xff", 1, last)
    img[510:512] = b"\x55\xaa"
    entries = bytearray(128 * 128)
    name = "keel".encode("utf-16-le")
    entries[0:128] = struct.pack("<16s16sQQQ72s", LINUX_FS_GUID, b"KEEL-TEST-PART-1", RO_P1[0], RO_P1[1],
                                 0, name + bytes(72 - len(name)))
    crc = zlib.crc32(bytes(entries))
    img[512:1024] = gpt_header(1, last, 2, crc)
    img[1024:1024 + len(entries)] = entries
    backup_entries = last - 32
    img[backup_entries * 512:backup_entries * 512 + len(entries)] = entries
    img[last * 512:] = gpt_header(last, 1, backup_entries, crc)
    n = (RO_P1[1] - RO_P1[0] + 1) * 512
    img[RO_P1[0] * 512:RO_P1[0] * 512 + n] = pat(RO_SEED, n)
    return img


def pat(seed, n):
    return bytes((seed * 31 + i * 7 + (i >> 9)) & 0xFF for i in range(n))


def expected():
    img = bytearray(SIZE)
    entry = struct.pack("<B3sB3sII", 0, b"\0\0\0", 0x83, b"\0\0\0", P1_START, P1_SECTORS)
    img[446:462] = entry
    img[440:444] = struct.pack("<I", 0x4B45454C)   # disk signature "KEEL"
    img[510:512] = b"\x55\xaa"
    for off, n, seed in READS:
        img[off:off + n] = pat(seed, n)
    return img


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "check", "make-ro"):
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[2]
    if sys.argv[1] == "make-ro":
        with open(path, "wb") as f:
            f.write(gpt_image())
        return 0
    img = expected()
    if sys.argv[1] == "make":
        with open(path, "wb") as f:
            f.write(img)
        return 0
    for off, n, seed in WRITES:
        img[off:off + n] = pat(seed, n)
    img[TAIL[0]:TAIL[0] + len(TAIL[1])] = TAIL[1]
    with open(path, "rb") as f:
        got = f.read()
    if len(got) != SIZE:
        print(f"FAIL blkdisk: {path} is {len(got)} bytes, want {SIZE}")
        return 1
    bad = [i for i in range(0, SIZE, 512) if got[i:i + 512] != img[i:i + 512]]
    if bad:
        print(f"FAIL blkdisk: {len(bad)} sector(s) differ from the expected image, first at byte {bad[0]:#x}")
        return 1
    print(f"PASS blkdisk: {path} holds exactly the guest's writes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
