#!/usr/bin/python3
# SPDX-License-Identifier: MPL-2.0
"""Drive a booted guest over its serial console: wait for a pattern, type a line, repeat.

usage: serial_session.py [--step REGEX TEXT]... [--final REGEX [--kill]] [--exact CMD] -- QEMU_RUN_OPTIONS

QEMU is started exactly as tests/harness/qemu_run.py starts it (its options
after `--`: --image, --uefi, --drive, --timeout, --log, ...), but with the
serial console's input connected. Each --step waits until REGEX appears in
the serial output read since the previous step, then types TEXT and a CR.
The run passes when every step matched, each --expect pattern of the
harness options appeared, --final (if given) matched after the last step,
and the guest then powered off by itself before the timeout.

--kill (with --final) kills QEMU as soon as --final matched, like pulling
the plug: the run passes if every --expect matched and no --fail did.

--exact CMD runs the QEMU command line CMD (split like a shell would) as
given, instead of the one qemu_run builds: for checking a documented
command such as `qemu-system-x86_64 -drive file=X,if=virtio -nographic`.
The qemu_run options still supply the timeout, checks, name and log (and
must name a boot target, e.g. --image, as usual); CMD runs under
`timeout -k 5` as a backstop, like every QEMU run of the harness.
"""

import argparse
import os
import re
import selectors
import shlex
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import qemu_run  # noqa: E402


def parse(argv):
    if "--" not in argv:
        sys.exit("serial_session: qemu_run options must follow `--`")
    cut = argv.index("--")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--step", nargs=2, action="append", default=[], metavar=("REGEX", "TEXT"))
    ap.add_argument("--final", help="pattern that must follow the last step")
    ap.add_argument("--exact", metavar="CMD", help="run this QEMU command line as given")
    ap.add_argument("--kill", action="store_true",
                    help="once --final matched, kill QEMU (a simulated crash) instead of awaiting power-off")
    ours = ap.parse_args(argv[:cut])
    return ours, qemu_run.parse_args(argv[cut + 1:])


KILLED = "killed"     # session(): --kill ended the run on purpose


def session(ours, args, proc, run):
    """Feed the steps; return None on success or the reason for failure."""
    deadline = time.monotonic() + args.timeout
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "serial")
    sel.register(proc.stderr, selectors.EVENT_READ, "stderr")
    waits = [re.compile(r) for r, _ in ours.step] + ([re.compile(ours.final)] if ours.final else [])
    texts = [t for _, t in ours.step]
    seen = ""          # cleaned serial text since the last step
    idx = 0
    streams = 2
    while streams:
        left = deadline - time.monotonic()
        if left <= 0:
            what = f"step {idx + 1} /{waits[idx].pattern}/" if idx < len(waits) else "power-off"
            return f"timeout after {args.timeout:g}s waiting for {what}"
        for key, _ in sel.select(timeout=left):
            data = os.read(key.fileobj.fileno(), 65536)
            if not data:
                sel.unregister(key.fileobj)
                streams -= 1
                continue
            if key.data == "stderr":
                run.stderr += data
                continue
            run.on_serial(data)
            seen += qemu_run.clean_line(data.replace(b"\r", b"\n"))
            while idx < len(waits) and waits[idx].search(seen):
                seen = ""
                if idx < len(texts):
                    time.sleep(0.2)  # let the shell finish drawing its prompt
                    proc.stdin.write(texts[idx].encode() + b"\r")
                    proc.stdin.flush()
                idx += 1
        if ours.kill and ours.final and idx == len(waits):
            return KILLED
        if run.fail_hit:
            return f"matched --fail /{run.fail_hit[0]}/: {run.fail_hit[1]}"
    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    if idx < len(waits):
        return f"guest ended before step {idx + 1} /{waits[idx].pattern}/"
    return None


def main(argv):
    ours, args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="serial_session.") as tmpdir:
        if ours.exact:
            cmd = ["timeout", "-k", "5", str(int(args.timeout) + 5)] + shlex.split(ours.exact)
        else:
            cmd = qemu_run.qemu_command(args, tmpdir)
        if args.log:
            os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
        run = qemu_run.Run(args)
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        try:
            reason = session(ours, args, proc, run)
        except subprocess.TimeoutExpired:
            reason = f"timeout after {args.timeout:g}s (guest did not power off)"
        finally:
            qemu_run.stop(proc)
        run.flush()
        status = proc.returncode if proc.returncode is not None else -1
        if reason is KILLED:
            reason = (f"matched --fail /{run.fail_hit[0]}/: {run.fail_hit[1]}" if run.fail_hit else
                      None if run.expectations_met() else "killed before every --expect matched")
        elif reason is None:
            reason = qemu_run.judge(run, "exited", status)
        elapsed = time.monotonic() - start
        if reason is None:
            print(f"PASS {args.name} ({elapsed:.1f}s)", flush=True)
            return 0
        print(f"FAIL {args.name}: {reason} ({elapsed:.1f}s)", flush=True)
        qemu_run.print_failure_context(run, cmd)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
