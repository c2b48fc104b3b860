#!/usr/bin/python3
# SPDX-License-Identifier: MPL-2.0
"""`make bench`: run the benchmark initramfs on Keel and on Debian's Linux, compare.

Both kernels boot one after the other, several times, in the same QEMU with
the same initramfs (its /init is userland/bench). Every "BENCH name value
unit" line is collected; the table gives min and median per kernel and the
ratio Keel/Linux of the medians, arranged so that lower is better (for rates
such as MiB/s the ratio is Linux/Keel). Boot-to-init is the time from QEMU's
start to the first line of /init. The smallest -m each kernel runs /init
with is found by bisection. Writes a Markdown report (with issue 7's goals,
met or not) and an SVG chart (log-scale ratio bars, parity line, goal marks).
For the ext2 metrics every full boot gets a fresh, empty ext2 image (mke2fs
on the host) as its virtio-blk disk. A metric a kernel cannot run is n/a, with
the bench program's reason printed and listed in the report.

Python 3 standard library only.
"""

import argparse
import datetime
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QEMU_RUN = os.path.join(HERE, "qemu_run.py")
# A line may carry firmware text before the program's (a UART reset can eat
# the newline that ended it), so the markers are searched, not anchored.
LINE = re.compile(r"^\[\s*([0-9.]+)\] .*?BENCH (\S+) (\S+) (.*)$")
START = re.compile(r"^\[\s*([0-9.]+)\] .*?BENCH-START")
RATE_UNITS = {"MiB/s", "ops/s"}
# Issue 7's goals: the highest acceptable ratio (Keel/Linux, lower is better).
GOALS = {
    "null_syscall": 1.0, "fork_exit_wait": 0.8, "spawn_exec_wait": 1.0,
    "ctx_switch": 1.0, "pipe_rtt": 1.0, "unix_rtt": 1.0, "page_fault": 1.0,
    "boot_to_init_kernel_clock": 0.1, "boot_to_init_qemu": 0.1,
}
# The disk of the ext2 metrics: size and block size of the fresh image.
DISK_MIB = 160
DISK_BLOCK = 4096


def qemu_args(args, kernel, append, boot_cfg, log, name):
    mem, initrd, disk, timeout = boot_cfg
    cmd = [sys.executable, QEMU_RUN, "--qemu", args.qemu, "--accel", args.accel,
           "--smp", str(args.smp), "--mem", str(mem), "--timeout", str(timeout),
           "--kernel", kernel, "--initrd", initrd, "--append", append,
           "--expect", "BENCH-DONE", "--log", log, "--log-times",
           "--name", name, "--no-default-fail", "--fail", "KERNEL PANIC|Kernel panic"]
    return cmd + (["--disk", f"{disk},if=virtio"] if disk else [])


def make_disk(args, which):
    """A fresh, empty ext2 image for one boot (sparse); None when it cannot be made."""
    if not args.disk_dir:
        return None
    os.makedirs(args.disk_dir, exist_ok=True)
    img = os.path.join(args.disk_dir, f"ext2-{which}.img")
    if os.path.exists(img):
        os.unlink(img)
    try:
        res = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(DISK_BLOCK),
                              img, f"{DISK_MIB}M"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, check=False)
    except OSError as e:
        print(f"bench: mke2fs: {e}; ext2 metrics will be n/a", file=sys.stderr)
        return None
    if res.returncode != 0:
        print(f"bench: mke2fs failed: {res.stdout.strip()}", file=sys.stderr)
        return None
    return img


def boot(args, which, boot_cfg, bench_args):
    """One boot with (mem, initrd, disk, timeout).

    Returns (passed, {metric: (value, unit or why-unsupported)}, boot_to_init_s).
    """
    kernel = args.keel if which == "keel" else args.linux
    append = (args.keel_append if which == "keel" else args.linux_append)
    append += " -- " + " ".join(bench_args)
    with tempfile.TemporaryDirectory(prefix="bench.") as tmp:
        log = os.path.join(tmp, "serial.log")
        cmd = qemu_args(args, kernel, append, boot_cfg, log, f"bench-{which}-m{boot_cfg[0]}")
        res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, check=False)
        text = open(log, encoding="utf-8").read() if os.path.exists(log) else ""
    if args.verbose:
        print(res.stdout, end="")
    metrics, first = {}, None
    for line in text.splitlines():
        m = START.match(line)
        if m and first is None:
            first = float(m.group(1))
        m = LINE.match(line)
        if m and m.group(3) != "unsupported":
            try:
                metrics[m.group(2)] = (float(m.group(3)), m.group(4).strip())
            except ValueError:
                pass
        elif m:  # "unsupported <why>": no value; the reason instead of a unit
            metrics.setdefault(m.group(2), (None, m.group(4).strip()))
    return res.returncode == 0, metrics, first


def collect(args):
    """Run the repetitions.

    Returns ({kernel: {metric: ([values], unit)}}, {kernel: {metric: why n/a}},
    {kernel: whether every boot passed}).
    """
    runs = {"keel": {}, "linux": {}}
    why = {"keel": {}, "linux": {}}
    passed = {"keel": True, "linux": True}
    for rep in range(args.reps):
        for which in ("keel", "linux"):
            t0 = time.monotonic()
            cfg = (args.mem, args.initrd, make_disk(args, which), args.timeout)
            ok, metrics, first = boot(args, which, cfg, [str(args.scale)])
            passed[which] = passed[which] and ok
            print(f"bench: {which} run {rep + 1}/{args.reps}: "
                  f"{'ok' if ok else 'FAILED'}, {len(metrics)} metrics, "
                  f"{time.monotonic() - t0:.0f} s", flush=True)
            if first is not None:
                metrics["boot_to_init_qemu"] = (first * 1e3, "ms")
            for name, (value, unit) in metrics.items():
                if value is None:
                    why[which].setdefault(name, unit)
                    print(f"bench: {which}: {name} n/a: {unit}", flush=True)
                    unit = ""
                vals, known = runs[which].setdefault(name, ([], unit))
                if unit and not known:
                    runs[which][name] = (vals, unit)
                if value is not None:
                    vals.append(value)
    return runs, why, passed


def boots_with(args, which, mem):
    cfg = (mem, args.min_initrd or args.initrd, None, args.probe_timeout)
    ok, metrics, _ = boot(args, which, cfg, ["1", "null_syscall"])
    return ok and metrics.get("null_syscall", (None,))[0] is not None


def memory_hints(path):
    """{kernel: MiB} from the smallest-memory table of an earlier report, to probe first."""
    hints = {}
    try:
        text = open(path, encoding="utf-8").read()
    except (OSError, TypeError):
        return hints
    for m in re.finditer(r"^\| (keel|linux) \| (\d+) \|$", text, re.M):
        hints[m.group(1)] = int(m.group(2))
    return hints


def min_memory(args, which, known_good, hint=None):
    """Smallest -m (MiB, multiple of 4) with which /init runs, or None.

    known_good: the full runs already passed with args.mem, so it is not probed again.
    hint: the last report's answer; probing it and 4 MiB less first usually settles
    the question in two boots instead of seven (a wrong hint only narrows the range).
    """
    lo, hi = 4, args.mem
    if not known_good and not boots_with(args, which, hi):
        return None
    for mib in ((hint, hint - 4) if hint and hint % 4 == 0 else ()):
        if lo < mib < hi:
            if boots_with(args, which, mib):
                hi = mib
            else:
                lo = mib
                break
    while hi - lo > 4:
        mid = (lo + hi) // 2 // 4 * 4
        if boots_with(args, which, mid):
            hi = mid
        else:
            lo = mid
    return hi


def ratio(keel, linux, unit):
    if not keel or not linux:
        return None
    k, lx = statistics.median(keel), statistics.median(linux)
    if unit in RATE_UNITS:
        return lx / k if k else None
    return k / lx if lx else None


def fmt(vals):
    if not vals:
        return "n/a", "n/a"
    return f"{min(vals):.3f}", f"{statistics.median(vals):.3f}"


def table_rows(runs):
    names = sorted(set(runs["keel"]) | set(runs["linux"]))
    rows = []
    for name in names:
        kv, unit = runs["keel"].get(name, ([], ""))
        lv, unit2 = runs["linux"].get(name, ([], unit))
        unit = unit or unit2
        r = ratio(kv, lv, unit)
        rows.append((name, unit, fmt(kv), fmt(lv), r))
    return rows


def goal_text(name, r):
    """The goal column: '≤ g: met', '≤ g: not met', '≤ g: not measured' or ''."""
    goal = GOALS.get(name)
    if goal is None:
        return ""
    if r is None:
        return f"≤ {goal:g}: not measured"
    return f"≤ {goal:g}: {'met' if r <= goal else 'not met'}"


def na_notes(runs, why):
    """Markdown lines saying why metrics were n/a on a kernel (in all or some runs)."""
    out = []
    for which in ("keel", "linux"):
        for name, reason in sorted(why[which].items()):
            some = " (in some runs only)" if runs[which].get(name, ([],))[0] else ""
            out.append(f"- {name} on {which}{some}: {reason or 'no reason given'}")
    return ["", "Not measured (the bench program's reason):", ""] + out if out else []


def memory_lines(mem):
    out = ["", "Smallest `-m` (MiB) with which the kernel boots and runs /init "
           "(bisection in steps of 4 MiB, with the benchmark initramfs without "
           "Linux's modules and crun). This is the bare kernel plus one static program; "
           "the memory a container needs (crun, its runtime and the container "
           "itself) will be measured the same way once containers run on Keel.", "",
           "| kernel | MiB |", "|---|---:|"]
    for which in ("keel", "linux"):
        out.append(f"| {which} | {mem.get(which) or 'n/a'} |")
    return out


def markdown(args, runs, mem, why, elapsed):
    rows = table_rows(runs)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = ["# Benchmarks: Keel against Linux in the same VM", "",
           f"Generated by `make bench` on {now} in {elapsed / 60:.1f} minutes. "
           "Do not edit by hand.", "",
           f"QEMU: `{args.qemu}` accel={args.accel}, -smp {args.smp}, -m {args.mem}, "
           f"machine q35; {args.reps} boots per kernel, alternating; scale {args.scale}. "
           f"Linux: `{os.path.basename(args.linux)}` (Debian's package, unpacked). "
           "Same initramfs (`userland/bench`, with the virtio and ext4 modules "
           "Linux loads and Keel ignores, and crun with a `crun spec` bundle "
           "running /bin/true) for both. The ext2 metrics use a fresh "
           f"{DISK_MIB} MiB ext2 image ({DISK_BLOCK}-byte blocks, `mke2fs -t ext2`) "
           "as the virtio-blk disk of every boot: 64 MiB written in 1 MiB writes "
           "plus fsync, then read back after umount and mount (cold cache) and "
           "compared.", "",
           "Ratio = Keel median / Linux median for times (for rates, Linux / Keel): "
           "lower is better, 1.0 is parity. `n/a` = the metric could not run on "
           "that kernel (reasons below the table). Goal = issue 7's target ratio.", "",
           "| metric | unit | Keel min | Keel median | Linux min | Linux median | ratio | goal |",
           "|---|---|---:|---:|---:|---:|---:|---|"]
    for name, unit, (kmin, kmed), (lmin, lmed), r in rows:
        rs = f"{r:.2f}" if r is not None else "n/a"
        out.append(f"| {name} | {unit} | {kmin} | {kmed} | {lmin} | {lmed} | {rs} "
                   f"| {goal_text(name, r)} |")
    out += na_notes(runs, why)
    out += memory_lines(mem)
    out += ["", "Chart: [benchmarks.svg](benchmarks.svg) (log scale; bars grow from "
            "parity, left is better; a blue mark is the goal). Metric definitions: "
            "`userland/bench/*.c`; how to run: docs/testing.md.", ""]
    return "\n".join(out)


def svg_range(ratios):
    """Decade bounds (log10) of the chart's x axis: at least 0.1 .. 10."""
    lo = min([0.1] + [r for r in ratios if r > 0] + list(GOALS.values()))
    hi = max([10.0] + ratios)
    return math.floor(math.log10(lo)), math.ceil(math.log10(hi))


def svg_axis(x_of, d_lo, d_hi, top, bottom):
    out = []
    for d in range(d_lo, d_hi + 1):
        x = x_of(10.0 ** d)
        dash = ' stroke-dasharray="4 3"' if d == 0 else ""
        colour = "black" if d == 0 else "#ccc"
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" '
                   f'stroke="{colour}"{dash}/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">'
                   f'{10.0 ** d:g}×</text>')
    return out


def svg_row(name, r, y, x_of, bar_h):
    right = x_of(10.0 ** x_of.d_hi) + 10
    out = [f'<text x="{x_of.left - 6}" y="{y + 15}" text-anchor="end">{name}</text>']
    one = x_of(1.0)
    goal = GOALS.get(name)
    if r is None or r <= 0:
        out.append(f'<text x="{right}" y="{y + 15}" fill="#888">n/a</text>')
    else:
        x = x_of(r)
        colour = "#3a7" if r <= (goal if goal is not None else 1.0) else "#d63"
        out.append(f'<rect x="{min(x, one):.1f}" y="{y + 4}" width="{max(abs(x - one), 1):.1f}" '
                   f'height="{bar_h - 8}" fill="{colour}"/>')
        out.append(f'<text x="{right}" y="{y + 15}">{r:.2f}</text>')
    if goal is not None:
        gx = x_of(goal)
        out.append(f'<path d="M{gx:.1f} {y + 2} l5 -5 h-10 z M{gx:.1f} {y + 1} v{bar_h - 2}" '
                   f'stroke="#24c" stroke-width="2" fill="#24c"><title>goal ≤ {goal:g}</title></path>')
    return out


def svg(rows):
    bar_h, left, width, top = 22, 230, 480, 48
    d_lo, d_hi = svg_range([r[4] for r in rows if r[4] is not None])
    bottom = top + bar_h * len(rows)

    def x_of(v):
        return left + (math.log10(v) - d_lo) / (d_hi - d_lo) * width
    x_of.left, x_of.d_hi = left, d_hi
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" '
           f'height="{bottom + 64}" font-family="sans-serif" font-size="12">',
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="20" font-size="14">Keel / Linux (time ratio; rates inverted), '
           'log scale: left of the dashed parity line is better</text>',
           f'<text x="{left + width + 10}" y="{top - 8}" font-weight="bold">ratio</text>']
    out += svg_axis(x_of, d_lo, d_hi, top, bottom)
    for i, (name, _, _, _, r) in enumerate(rows):
        out += svg_row(name, r, top + i * bar_h, x_of, bar_h)
    out.append(f'<text x="10" y="{bottom + 38}">blue mark: issue 7 goal; green: at or under '
               'the goal (parity where there is none); orange: over it;</text>')
    out.append(f'<text x="10" y="{bottom + 54}">n/a: not measured on one of the kernels '
               '(reasons in benchmarks.md)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def print_table(rows, mem):
    print(f"{'metric':28} {'unit':6} {'keel(med)':>12} {'linux(med)':>12} {'ratio':>7}  goal")
    for name, unit, (_, kmed), (_, lmed), r in rows:
        rs = f"{r:.2f}" if r is not None else "n/a"
        print(f"{name:28} {unit:6} {kmed:>12} {lmed:>12} {rs:>7}  {goal_text(name, r)}")
    for which, mib in mem.items():
        print(f"min memory {which}: {mib or 'n/a'} MiB")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keel", required=True, help="Keel kernel ELF")
    ap.add_argument("--linux", required=True, help="Linux bzImage")
    ap.add_argument("--initrd", required=True, help="bench initramfs")
    ap.add_argument("--min-initrd", help="initramfs of the memory probe (default: --initrd)")
    ap.add_argument("--disk-dir", help="where the ext2 disk images go (none: no disk)")
    ap.add_argument("--keel-append", default="console=ttyS0 rdinit=/init")
    ap.add_argument("--linux-append",
                    default="console=ttyS0 rdinit=/init panic=-1 loglevel=1 edd=off")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--accel", choices=["tcg", "kvm"], default="tcg")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--mem", type=int, default=512)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--probe-timeout", type=float, default=90)
    ap.add_argument("--no-memory-probe", action="store_true")
    ap.add_argument("--markdown", help="write the report here")
    ap.add_argument("--svg", help="write the chart here")
    ap.add_argument("--verbose", "-v", action="store_true")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    t0 = time.monotonic()
    runs, why, passed = collect(args)
    mem = {}
    if not args.no_memory_probe:
        hints = memory_hints(args.markdown)
        for which in ("keel", "linux"):
            mem[which] = min_memory(args, which, passed[which], hints.get(which))
            print(f"bench: {which} runs with -m {mem[which]}", flush=True)
    rows = table_rows(runs)
    print_table(rows, mem)
    elapsed = time.monotonic() - t0
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(markdown(args, runs, mem, why, elapsed))
    if args.svg:
        with open(args.svg, "w", encoding="utf-8") as f:
            f.write(svg(rows))
    print(f"bench: total time {elapsed / 60:.1f} min ({elapsed:.0f} s)", flush=True)
    if not runs["keel"] or not runs["linux"]:
        print("bench: a kernel produced no results", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
