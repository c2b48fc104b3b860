#!/usr/bin/python3
# SPDX-License-Identifier: MPL-2.0
"""Play a scripted terminal session on a guest's serial console: wait for output, type keys, check timing.

usage: tty_session.py --script FILE [--within SECS] -- QEMU_RUN_OPTIONS

QEMU starts exactly as tests/harness/qemu_run.py starts it (its options
after `--`), with the serial console's input connected. The script has one
command a line (blank lines and lines starting with `#` are skipped):

    expect REGEX   wait until REGEX matches the output that followed the
                   previous match; it must come within --within seconds
    send TEXT      type TEXT; C escapes (\\r, \\x03 for ^C, \\x1a for ^Z)
                   are decoded and nothing is added
    pause SECS     wait that long before the next command
    within SECS    later `expect`s may wait this long (e.g. longer for boot)

The run passes when every `expect` matched in time, every --expect of the
harness options appeared and the guest then powered off by itself before
the --timeout.
"""

import argparse
import os
import re
import selectors
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import qemu_run  # noqa: E402


def load_script(path):
    """The script as a list of (line number, command, argument)."""
    steps = []
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cmd, _, arg = line.partition(" ")
            if cmd == "expect":
                steps.append((no, cmd, re.compile(arg)))
            elif cmd == "send":
                steps.append((no, cmd, qemu_run.unescape(arg)))
            elif cmd in ("pause", "within"):
                steps.append((no, cmd, float(arg)))
            else:
                sys.exit(f"tty_session: {path}:{no}: unknown command {cmd!r}")
    return steps


class Session:
    """Feeds the script to QEMU's serial input as its output arrives."""

    def __init__(self, steps, within, proc, run):
        self.steps, self.within, self.proc, self.run = steps, within, proc, run
        self.idx = 0
        self.seen = ""              # cleaned output since the last match
        self.step_start = time.monotonic()
        self.resume_at = 0.0        # a pause holds the script until then

    def where(self):
        no, cmd, arg = self.steps[self.idx]
        shown = arg.pattern if cmd == "expect" else arg
        return f"script line {no} ({cmd} {shown!r})"

    def advance(self):
        """Run every command that can run now; None, or why the session failed."""
        while self.idx < len(self.steps):
            now = time.monotonic()
            if now < self.resume_at:
                return None
            _, cmd, arg = self.steps[self.idx]
            if cmd == "expect":
                m = arg.search(self.seen)
                if not m:
                    if now - self.step_start > self.within:
                        return f"no match within {self.within:g}s at {self.where()}"
                    return None
                self.seen = self.seen[m.end():]
            elif cmd == "send":
                self.proc.stdin.write(arg)
                self.proc.stdin.flush()
            elif cmd == "within":
                self.within = arg
            else:
                self.resume_at = now + arg
            self.step_start = time.monotonic()
            self.idx += 1
        return None

    def on_output(self, data):
        self.run.on_serial(data)
        self.seen += qemu_run.clean_line(data.replace(b"\r", b"\n"))

    def play(self, timeout):
        deadline = time.monotonic() + timeout
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ, "serial")
        sel.register(self.proc.stderr, selectors.EVENT_READ, "stderr")
        streams = 2
        while streams:
            problem = self.advance()
            if problem:
                return problem
            left = deadline - time.monotonic()
            if left <= 0:
                what = self.where() if self.idx < len(self.steps) else "power-off"
                return f"timeout after {timeout:g}s waiting for {what}"
            for key, _ in sel.select(timeout=min(left, 0.1)):
                data = os.read(key.fileobj.fileno(), 65536)
                if not data:
                    sel.unregister(key.fileobj)
                    streams -= 1
                elif key.data == "stderr":
                    self.run.stderr += data
                else:
                    self.on_output(data)
            if self.run.fail_hit:
                return f"matched --fail /{self.run.fail_hit[0]}/: {self.run.fail_hit[1]}"
        self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        if self.idx < len(self.steps):
            return f"guest ended before {self.where()}"
        return None


def main(argv):
    if "--" not in argv:
        sys.exit("tty_session: qemu_run options must follow `--`")
    cut = argv.index("--")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--script", required=True, help="the session script")
    ap.add_argument("--within", type=float, default=20.0,
                    help="seconds each `expect` may wait (default 20)")
    ours = ap.parse_args(argv[:cut])
    args = qemu_run.parse_args(argv[cut + 1:])
    steps = load_script(ours.script)
    with tempfile.TemporaryDirectory(prefix="tty_session.") as tmpdir:
        cmd = qemu_run.qemu_command(args, tmpdir)
        if args.log:
            os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
        run = qemu_run.Run(args)
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        try:
            reason = Session(steps, ours.within, proc, run).play(args.timeout)
        except subprocess.TimeoutExpired:
            reason = f"timeout after {args.timeout:g}s (guest did not power off)"
        finally:
            qemu_run.stop(proc)
        run.flush()
        status = proc.returncode if proc.returncode is not None else -1
        if reason is None:
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
