#!/usr/bin/python3
# SPDX-License-Identifier: MPL-2.0
"""`make bench`: run the benchmark initramfs on Keel and on Debian's Linux, compare.

Both kernels boot one after the other, several times, in the same QEMU with
the same initramfs (its /init is userland/bench). Every "BENCH name value
unit" line is collected; the table gives min and median per kernel and the
ratio Keel/Linux of the medians, arranged so that lower is better (for rates
such as MiB/s the ratio is Linux/Keel). Boot-to-init is the time from QEMU's
start to the first line of /init. The smallest -m each kernel runs /init
with is found by bisection. Writes a Markdown report and an SVG chart.

Python 3 standard library only.
"""

import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
QEMU_RUN = os.path.join(HERE, "qemu_run.py")
# A line may carry firmware text before the program's (a UART reset can eat
# the newline that ended it), so the markers are searched, not anchored.
LINE = re.compile(r"^\[\s*([0-9.]+)\] .*?BENCH (\S+) (\S+) (.*)$")
START = re.compile(r"^\[\s*([0-9.]+)\] .*?BENCH-START")
RATE_UNITS = {"MiB/s", "ops/s"}


def qemu_args(args, kernel, append, mem, log, timeout, name):
    return [sys.executable, QEMU_RUN, "--qemu", args.qemu, "--accel", args.accel,
            "--smp", str(args.smp), "--mem", str(mem), "--timeout", str(timeout),
            "--kernel", kernel, "--initrd", args.initrd, "--append", append,
            "--expect", "BENCH-DONE", "--log", log, "--log-times",
            "--name", name, "--no-default-fail", "--fail", "KERNEL PANIC|Kernel panic"]


def boot(args, which, mem, bench_args, timeout):
    """One boot; returns (passed, {metric: (value, unit)}, boot_to_init_s)."""
    kernel = args.keel if which == "keel" else args.linux
    append = (args.keel_append if which == "keel" else args.linux_append)
    append += " -- " + " ".join(bench_args)
    with tempfile.TemporaryDirectory(prefix="bench.") as tmp:
        log = os.path.join(tmp, "serial.log")
        cmd = qemu_args(args, kernel, append, mem, log, timeout, f"bench-{which}-m{mem}")
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
        elif m:  # "unsupported <why>": no value, no unit
            metrics.setdefault(m.group(2), (None, ""))
    return res.returncode == 0, metrics, first


def collect(args):
    """Run the repetitions; returns {kernel: {metric: ([values], unit)}}."""
    runs = {"keel": {}, "linux": {}}
    for rep in range(args.reps):
        for which in ("keel", "linux"):
            ok, metrics, first = boot(args, which, args.mem, [str(args.scale)], args.timeout)
            print(f"bench: {which} run {rep + 1}/{args.reps}: "
                  f"{'ok' if ok else 'FAILED'}, {len(metrics)} metrics", flush=True)
            if first is not None:
                metrics["boot_to_init_qemu"] = (first * 1e3, "ms")
            for name, (value, unit) in metrics.items():
                vals, known = runs[which].setdefault(name, ([], unit))
                if unit and not known:
                    runs[which][name] = (vals, unit)
                if value is not None:
                    vals.append(value)
    return runs


def boots_with(args, which, mem):
    ok, metrics, _ = boot(args, which, mem, ["1", "null_syscall"], args.probe_timeout)
    return ok and "null_syscall" in metrics


def min_memory(args, which):
    """Smallest -m (MiB, multiple of 4) with which /init runs, or None."""
    lo, hi = 4, args.mem
    if not boots_with(args, which, hi):
        return None
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


def markdown(args, rows, mem):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = ["# Benchmarks: Keel against Linux in the same VM", "",
           f"Generated by `make bench` on {now}. Do not edit by hand.", "",
           f"QEMU: `{args.qemu}` accel={args.accel}, -smp {args.smp}, -m {args.mem}, "
           f"machine q35; {args.reps} boots per kernel, alternating; scale {args.scale}. "
           f"Linux: `{os.path.basename(args.linux)}` (Debian's package, unpacked). "
           "Same initramfs (`userland/bench`) for both.", "",
           "Ratio = Keel median / Linux median for times (for rates, Linux / Keel): "
           "lower is better, 1.0 is parity. `n/a` = the metric could not run on "
           "that kernel (the bench program says why).", "",
           "| metric | unit | Keel min | Keel median | Linux min | Linux median | ratio |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for name, unit, (kmin, kmed), (lmin, lmed), r in rows:
        rs = f"{r:.2f}" if r is not None else "n/a"
        out.append(f"| {name} | {unit} | {kmin} | {kmed} | {lmin} | {lmed} | {rs} |")
    out += ["", "Smallest `-m` (MiB) with which the kernel boots and runs /init "
            "(bisection in steps of 4 MiB; containers are not measured yet):", "",
            "| kernel | MiB |", "|---|---:|"]
    for which in ("keel", "linux"):
        out.append(f"| {which} | {mem.get(which) or 'n/a'} |")
    out += ["", "Chart: [benchmarks.svg](benchmarks.svg). Metric definitions: "
            "`userland/bench/*.c`; how to run: docs/testing.md.", ""]
    return "\n".join(out)


def svg(rows):
    rows = [r for r in rows if r[4] is not None]
    bar_h, left, width = 22, 230, 420
    top = 40
    height = top + bar_h * len(rows) + 30
    top_ratio = max([2.0] + [r[4] for r in rows])
    scale = width / top_ratio
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" '
           f'height="{height}" font-family="sans-serif" font-size="12">',
           f'<text x="10" y="20" font-size="14">Keel / Linux (lower is better; '
           f'line = parity)</text>']
    for i, (name, _, _, _, r) in enumerate(rows):
        y = top + i * bar_h
        colour = "#3a7" if r <= 1.0 else "#d63"
        out.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{name}</text>')
        out.append(f'<rect x="{left}" y="{y + 3}" width="{r * scale:.1f}" '
                   f'height="{bar_h - 6}" fill="{colour}"/>')
        out.append(f'<text x="{left + r * scale + 4:.1f}" y="{y + 15}">{r:.2f}</text>')
    x1 = left + scale
    out.append(f'<line x1="{x1:.1f}" y1="{top - 4}" x2="{x1:.1f}" '
               f'y2="{top + bar_h * len(rows)}" stroke="black" stroke-dasharray="4 3"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def print_table(rows, mem):
    print(f"{'metric':28} {'unit':6} {'keel(med)':>12} {'linux(med)':>12} {'ratio':>7}")
    for name, unit, (_, kmed), (_, lmed), r in rows:
        rs = f"{r:.2f}" if r is not None else "n/a"
        print(f"{name:28} {unit:6} {kmed:>12} {lmed:>12} {rs:>7}")
    for which, mib in mem.items():
        print(f"min memory {which}: {mib or 'n/a'} MiB")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keel", required=True, help="Keel kernel ELF")
    ap.add_argument("--linux", required=True, help="Linux bzImage")
    ap.add_argument("--initrd", required=True, help="bench initramfs")
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
    runs = collect(args)
    mem = {}
    if not args.no_memory_probe:
        for which in ("keel", "linux"):
            mem[which] = min_memory(args, which)
            print(f"bench: {which} runs with -m {mem[which]}", flush=True)
    rows = table_rows(runs)
    print_table(rows, mem)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(markdown(args, rows, mem))
    if args.svg:
        with open(args.svg, "w", encoding="utf-8") as f:
            f.write(svg(rows))
    if not runs["keel"] or not runs["linux"]:
        print("bench: a kernel produced no results", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
