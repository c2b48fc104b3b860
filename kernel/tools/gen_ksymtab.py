#!/usr/bin/python3
# SPDX-License-Identifier: MPL-2.0
# Generate the kernel's text symbol table (assembly) from `nm -n` output, for symbolised backtraces.
import sys


def main():
    syms = []
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in "tTwW":
            continue
        addr, name = int(parts[0], 16), parts[2]
        if addr < 0xffffffff80000000 or name.startswith(".L"):
            continue
        syms.append((addr, name))
    syms.sort()
    out = [".section .ksymtab, \"a\"", ".balign 8",
           ".globl ksymtab_count, ksymtab_syms, ksymtab_names",
           "ksymtab_count: .quad %d" % len(syms), "ksymtab_syms:"]
    off = 0
    for addr, name in syms:
        out.append(".quad 0x%x\n.long %d, 0" % (addr, off))
        off += len(name) + 1
    out.append("ksymtab_names:")
    for _, name in syms:
        out.append(".asciz \"%s\"" % name)
    print("\n".join(out))


if __name__ == "__main__":
    main()
