#!/usr/bin/python3
# SPDX-License-Identifier: MPL-2.0
"""Boot a kernel (Keel or Linux) or a disk image in QEMU and judge its serial log.

A run passes when the guest ends on its own (power-off, isa-debug-exit)
before the timeout, no --fail pattern appears, every --expect pattern
appears, and the TAP (--tap) or in-kernel test (--ktest) report is complete
and clean. One result line is printed: "PASS <name> (<secs>s)" or
"FAIL <name>: <reason>", followed on failure by the tail of the serial log.
Exit status: 0 pass, 1 fail, 2 usage error.

Python 3 standard library only; see docs/testing.md.
"""

import argparse
import os
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from results import KtestParser, TapParser

DEFAULT_FAIL = [r"KERNEL PANIC", r"Kernel panic"]
TAIL_LINES = 40
# Keel's panic path powers off through isa-debug-exit with this code.
KEEL_PANIC_CODE = 0x7e
# After a --fail pattern shows up, keep reading this long so the log holds
# the whole panic message, then stop the guest.
FAIL_GRACE_S = 2.0
OVMF_CANDIDATES = [
    ("/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"),
    ("/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"),
]


# Terminal escape sequences (CSI ... final byte, or ESC + one byte) and other
# control characters that firmware and consoles emit; tests never match them.
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[^\[]|[\x00-\x08\x0b-\x1f\x7f]")


def clean_line(raw):
    """Decode one serial line and drop escape sequences and control bytes."""
    return ESCAPES.sub("", raw.decode("utf-8", "replace"))


def image_format(path):
    return "qcow2" if path.endswith(".qcow2") else "raw"


def find_ovmf(code_override):
    """Return (code, vars template) paths of the UEFI firmware, or exit."""
    if code_override:
        vars_guess = code_override.replace("CODE", "VARS")
        return code_override, vars_guess if os.path.exists(vars_guess) else None
    for code, vars_ in OVMF_CANDIDATES:
        if os.path.exists(code):
            return code, vars_ if os.path.exists(vars_) else None
    sys.exit("qemu_run: UEFI firmware not found (apt-get install ovmf, "
             "or pass --ovmf-code)")


def accel_args(accel):
    if accel == "kvm":
        if not os.access("/dev/kvm", os.R_OK | os.W_OK):
            sys.exit("qemu_run: --accel kvm but /dev/kvm is not usable")
        return ["-accel", "kvm", "-cpu", "host,-arch-capabilities"]
    return ["-accel", "tcg", "-cpu", "max"]


def firmware_args(args, tmpdir):
    if args.firmware != "uefi":
        return []
    code, vars_tmpl = find_ovmf(args.ovmf_code)
    out = ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={code}"]
    if vars_tmpl:
        # Each run gets a private copy of the variable store.
        vars_copy = os.path.join(tmpdir, "OVMF_VARS.fd")
        shutil.copyfile(vars_tmpl, vars_copy)
        out += ["-drive", f"if=pflash,format=raw,unit=1,file={vars_copy}"]
    return out


def disk_args(spec):
    """-drive options for --disk FILE[,if=IF][,ro]: a raw or qcow2 disk, virtio by default."""
    parts = spec.split(",")
    path, iface, ro = parts[0], "virtio", False
    for opt in parts[1:]:
        if opt.startswith("if="):
            iface = opt[3:]
        elif opt in ("ro", "readonly"):
            ro = True
        else:
            raise SystemExit(f"qemu_run.py: --disk {spec}: unknown option {opt!r}")
    drive = f"file={path},format={image_format(path)},if={iface}"
    return ["-drive", drive + (",readonly=on" if ro else "")]


def boot_args(args):
    if args.image:
        drive = f"file={args.image},format={image_format(args.image)},if={args.image_if}"
        return ["-drive", drive]
    out = ["-kernel", args.kernel]
    if args.initrd:
        out += ["-initrd", args.initrd]
    if args.append is not None:
        out += ["-append", args.append]
    return out


def qemu_command(args, tmpdir):
    """The full command line: QEMU under timeout(1) as a backstop."""
    cmd = [args.qemu, "-machine", args.machine]
    cmd += accel_args(args.accel)
    cmd += ["-smp", str(args.smp), "-m", str(args.mem)]
    cmd += ["-nographic", "-serial", "stdio", "-monitor", "none",
            "-no-reboot", "-nic", "none",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    cmd += firmware_args(args, tmpdir)
    cmd += boot_args(args)
    for d in args.drive:
        cmd += ["-drive", f"file={d},format={image_format(d)},if=virtio"]
    for d in args.disk:
        cmd += disk_args(d)
    if args.snapshot:
        cmd += ["-snapshot"]
    cmd += args.qemu_arg
    # timeout(1) fires a little after our own deadline, so normally the
    # harness stops QEMU and reports; the backstop covers a dead harness.
    backstop = ["timeout", "-k", "5", str(int(args.timeout) + 5)]
    return backstop + cmd


class Run:
    """One QEMU run: collects serial output and applies the checks."""

    def __init__(self, args):
        self.args = args
        self.expect = [(p, re.compile(p)) for p in args.expect]
        self.unmatched = [p for p, _ in self.expect]
        fail = ([] if args.no_default_fail else DEFAULT_FAIL) + args.fail
        self.fail = [(p, re.compile(p)) for p in fail]
        self.fail_hit = None
        self.parser = TapParser() if args.tap else KtestParser() if args.ktest else None
        self.lines = []
        self.partial = b""
        self.stderr = b""
        self.log = open(args.log, "w", encoding="utf-8") if args.log else None
        self.start = time.monotonic()
        # --send-after: (pattern, regex, bytes) answered in order, one per trigger.
        self.sends = [(p, re.compile(p), unescape(t)) for p, t in args.send_after]
        self.outbox = b""
        self.partial_sent = False   # the unfinished line already triggered a send

    def check_send(self, text, partial=False):
        """Queue the next --send-after text if its pattern matches this output."""
        if not self.sends or (partial and self.partial_sent):
            return
        _, rx, data = self.sends[0]
        if rx.search(text):
            self.sends.pop(0)
            self.outbox += data
            self.partial_sent = partial

    def on_serial(self, data):
        """Take a chunk of serial bytes; complete lines go to on_line.

        A bare CR ends a line as CR LF does: firmware and boot stubs leave
        the cursor after a CR, and the next writer starts at column 0.
        An unfinished line (a shell prompt) is matched against --expect too.
        """
        if self.args.verbose:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        buf = self.partial + data
        hold = b""
        if buf.endswith(b"\r"):  # maybe half of a CR LF pair
            buf, hold = buf[:-1], b"\r"
        *complete, rest = buf.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        self.partial = rest + hold
        for raw in complete:
            self.on_line(raw)
            self.partial_sent = False
        if rest:
            self.check_send(clean_line(rest), partial=True)
        if self.unmatched and rest:
            pending = clean_line(rest)
            self.unmatched = [p for p in self.unmatched
                              if not re.search(p, pending)]

    def on_line(self, raw):
        line = clean_line(raw)
        self.lines.append(line)
        if self.log:
            if self.args.log_times:
                self.log.write(f"[{time.monotonic() - self.start:9.3f}] ")
            self.log.write(line + "\n")
            self.log.flush()
        if self.parser:
            self.parser.feed(line)
        if not self.partial_sent:
            self.check_send(line)
        for pattern, rx in self.expect:
            if pattern in self.unmatched and rx.search(line):
                self.unmatched.remove(pattern)
        if self.fail_hit is None:
            for pattern, rx in self.fail:
                if rx.search(line):
                    self.fail_hit = (pattern, line.strip())
                    break

    def flush(self):
        rest = self.partial.rstrip(b"\r")
        self.partial = b""
        if rest:
            self.on_line(rest)
        if self.log:
            self.log.close()

    def expectations_met(self):
        return not self.unmatched and (self.parser is None or self.parser.complete())


def unescape(text):
    """TEXT of --send-after with C-style escapes (\\n, \\r, \\x03) turned into bytes."""
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1")


def stop(proc):
    """Stop QEMU and timeout(1): SIGTERM to the group, then SIGKILL."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 3), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def pump(run, proc):
    """Read serial/stderr until QEMU exits, the deadline, or a stop condition.

    Returns "exited", "timeout", "failed" (a --fail pattern) or "stopped"
    (--stop-on-expect satisfied).
    """
    args = run.args
    deadline = time.monotonic() + args.timeout
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "serial")
    sel.register(proc.stderr, selectors.EVENT_READ, "stderr")
    open_streams = 2
    fail_deadline = None
    while open_streams:
        now = time.monotonic()
        if now >= deadline:
            return "timeout"
        if fail_deadline is not None and now >= fail_deadline:
            return "failed"
        limit = deadline if fail_deadline is None else min(deadline, fail_deadline)
        for key, _ in sel.select(timeout=max(0.0, limit - now)):
            data = os.read(key.fileobj.fileno(), 65536)
            if not data:
                sel.unregister(key.fileobj)
                open_streams -= 1
            elif key.data == "serial":
                run.on_serial(data)
                send_pending(run, proc)
            else:
                run.stderr += data
        if run.fail_hit and fail_deadline is None:
            fail_deadline = time.monotonic() + FAIL_GRACE_S
        if args.stop_on_expect and run.fail_hit is None and run.expectations_met():
            return "stopped"
    remaining = max(0.1, deadline - time.monotonic())
    try:
        proc.wait(timeout=remaining)
    except subprocess.TimeoutExpired:
        return "timeout"
    return "exited"


def send_pending(run, proc):
    """Write what --send-after queued to the guest's serial input."""
    if run.outbox and proc.stdin:
        data, run.outbox = run.outbox, b""
        try:
            proc.stdin.write(data)
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass


def qemu_error(stderr):
    """The first line QEMU printed on stderr that is not a warning, if any."""
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.strip() and "warning:" not in line:
            return line.strip()
    return None


def status_problem(run, status):
    """Why QEMU's exit status (after it exited by itself) is wrong, if it is."""
    if status in (124, 137) or status < 0:
        return f"QEMU killed (status {status})"
    if run.args.exit_status is not None:
        if status != run.args.exit_status:
            return f"QEMU exit status {status}, expected {run.args.exit_status}"
        return None
    if status == (KEEL_PANIC_CODE << 1) | 1:
        return f"guest powered off with the kernel panic code {KEEL_PANIC_CODE:#x}"
    err = qemu_error(run.stderr)
    if status != 0 and err:
        return f"QEMU error (status {status}): {err}"
    if status != 0 and not run.lines and not run.partial:
        return f"QEMU exited with status {status} and no serial output"
    if run.args.exit_status is not None and status != run.args.exit_status:
        return f"QEMU exit status {status}, expected {run.args.exit_status}"
    return None


def judge(run, outcome, status):
    """Return None for a pass, else why the run failed (most telling first)."""
    reasons = []
    if run.fail_hit:
        reasons.append(f"matched --fail /{run.fail_hit[0]}/: {run.fail_hit[1]}")
    if outcome == "exited":
        problem = status_problem(run, status)
        if problem:
            reasons.append(problem)
    if run.unmatched:
        reasons.append(f"--expect /{run.unmatched[0]}/ never appeared")
    if run.parser and run.parser.verdict():
        reasons.append(run.parser.verdict())
    if outcome == "timeout":
        what = ("guest did not power off" if run.expectations_met()
                else "guest still running")
        reasons.append(f"timeout after {run.args.timeout:g}s ({what})")
    return "; ".join(reasons) if reasons else None


def print_failure_context(run, cmd):
    print(f"  command: {shlex.join(cmd)}")
    if run.stderr.strip():
        print("  --- QEMU stderr ---")
        for line in run.stderr.decode("utf-8", "replace").splitlines()[-10:]:
            print(f"  {line}")
    if run.args.log:
        print(f"  full serial log: {run.args.log}")
    print(f"  --- last {TAIL_LINES} lines of serial output ---")
    for line in run.lines[-TAIL_LINES:]:
        print(f"  | {line}")


def run_once(args):
    with tempfile.TemporaryDirectory(prefix="qemu_run.") as tmpdir:
        cmd = qemu_command(args, tmpdir)
        if args.dry_run:
            print(shlex.join(cmd))
            return 0
        if args.log:
            os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
        run = Run(args)
        start = time.monotonic()
        stdin = subprocess.PIPE if args.send_after else subprocess.DEVNULL
        proc = subprocess.Popen(cmd, stdin=stdin,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            outcome = pump(run, proc)
        finally:
            stop(proc)
        run.flush()
        elapsed = time.monotonic() - start
        status = proc.returncode if proc.returncode is not None else -1
        reason = judge(run, outcome, status)
        if reason is None:
            extra = f", {run.parser.summary()}" if run.parser else ""
            print(f"PASS {args.name} ({elapsed:.1f}s{extra})", flush=True)
            return 0
        print(f"FAIL {args.name}: {reason} ({elapsed:.1f}s)", flush=True)
        print_failure_context(run, cmd)
        return 1


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Boot a kernel or image in QEMU and check its serial output.")
    boot = ap.add_argument_group("what to boot")
    boot.add_argument("--kernel", help="kernel for -kernel (Keel ELF or Linux bzImage)")
    boot.add_argument("--initrd", help="initramfs for -initrd")
    boot.add_argument("--append", help="kernel command line")
    boot.add_argument("--image", help="boot this disk image instead of --kernel")
    boot.add_argument("--image-if", default="virtio",
                      help="QEMU interface of --image (virtio, ide, ...)")
    boot.add_argument("--drive", action="append", default=[],
                      help="extra virtio disk (repeatable; .qcow2 or raw)")
    boot.add_argument("--disk", action="append", default=[], metavar="FILE[,if=IF][,ro]",
                      help="attach a disk image (default if=virtio; ro: read-only); repeatable")
    boot.add_argument("--snapshot", action="store_true",
                      help="never write to disk images (QEMU -snapshot)")
    fw = boot.add_mutually_exclusive_group()
    fw.add_argument("--firmware", choices=["bios", "uefi"], default="bios")
    fw.add_argument("--bios", dest="firmware", action="store_const", const="bios",
                    help="SeaBIOS (default)")
    fw.add_argument("--uefi", dest="firmware", action="store_const", const="uefi",
                    help="OVMF UEFI firmware")
    boot.add_argument("--ovmf-code", help="OVMF code image (default: search /usr/share/OVMF)")

    vm = ap.add_argument_group("machine")
    vm.add_argument("--machine", default="q35", help="QEMU machine (q35 or pc)")
    vm.add_argument("--smp", type=int, default=2)
    vm.add_argument("--mem", type=int, default=256, help="memory in MiB")
    vm.add_argument("--accel", choices=["tcg", "kvm"], default="tcg")
    vm.add_argument("--qemu", default="qemu-system-x86_64", help="QEMU binary")
    vm.add_argument("--qemu-arg", action="append", default=[],
                    help="extra QEMU argument (repeatable; use --qemu-arg=-foo)")

    chk = ap.add_argument_group("checks")
    chk.add_argument("--name", help="test name for the result line")
    chk.add_argument("--timeout", type=float, default=60.0,
                     help="seconds before the run is killed and fails (default 60)")
    chk.add_argument("--expect", action="append", default=[], metavar="REGEX",
                     help="must appear in the serial log (repeatable)")
    chk.add_argument("--fail", action="append", default=[], metavar="REGEX",
                     help="fails the run if it appears (repeatable; added to "
                          "the defaults: " + ", ".join(DEFAULT_FAIL) + ")")
    chk.add_argument("--no-default-fail", action="store_true",
                     help="drop the default --fail patterns")
    mode = chk.add_mutually_exclusive_group()
    mode.add_argument("--tap", action="store_true", help="require a clean TAP stream")
    mode.add_argument("--ktest", action="store_true",
                      help="require clean KTEST PASS/FAIL lines and summary")
    chk.add_argument("--send-after", nargs=2, action="append", default=[],
                     metavar=("REGEX", "TEXT"),
                     help="once REGEX appears in the serial output (a line or an unfinished "
                          "prompt), send TEXT to the guest's serial input; C escapes such as "
                          "\\n and \\x03 are decoded; repeatable, answered in order")
    chk.add_argument("--exit-status", type=int, default=None,
                     help="required QEMU exit status (isa-debug-exit code c "
                          "gives (c<<1)|1; ACPI power-off gives 0)")
    chk.add_argument("--stop-on-expect", action="store_true",
                     help="stop the guest once every --expect matched "
                          "(no power-off needed)")

    out = ap.add_argument_group("output")
    out.add_argument("--log", help="write the full serial log here")
    out.add_argument("--log-times", action="store_true",
                     help="prefix each --log line with seconds since QEMU start")
    out.add_argument("--verbose", "-v", action="store_true",
                     help="stream serial output live")
    out.add_argument("--dry-run", action="store_true",
                     help="print the QEMU command line and exit")

    args = ap.parse_args(argv)
    if bool(args.kernel) == bool(args.image):
        ap.error("give exactly one of --kernel and --image")
    if args.image and (args.initrd or args.append is not None):
        ap.error("--initrd/--append need --kernel")
    if args.stop_on_expect and not args.expect:
        ap.error("--stop-on-expect needs at least one --expect")
    for path in [args.kernel, args.initrd, args.image] + args.drive:
        if path and not os.path.isfile(path):
            ap.error(f"no such file: {path}")
    if args.timeout <= 0:
        ap.error("--timeout must be positive")
    if not args.name:
        args.name = os.path.basename(args.image or args.initrd or args.kernel)
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return run_once(args)
    except KeyboardInterrupt:
        print(f"FAIL {args.name}: interrupted")
        return 1


if __name__ == "__main__":
    sys.exit(main())
