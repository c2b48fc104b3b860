#!/usr/bin/python3
# SPDX-License-Identifier: MPL-2.0
"""Unit tests of the test harness itself: TAP/KTEST judging, serial line
handling, the QEMU command line and the cpio writer. No QEMU needed."""

import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mkcpio  # noqa: E402
import qemu_run  # noqa: E402
from results import KtestParser, TapParser  # noqa: E402


def tap(text):
    p = TapParser()
    for line in text.splitlines():
        p.feed(line)
    return p


def ktest(text):
    p = KtestParser()
    for line in text.splitlines():
        p.feed(line)
    return p


class TapTests(unittest.TestCase):
    def test_clean_stream_passes(self):
        p = tap("1..2\nok 1 - a\n# note\nok 2 - b # SKIP later\n")
        self.assertIsNone(p.verdict())
        self.assertTrue(p.complete())

    def test_plan_at_end_passes(self):
        self.assertIsNone(tap("ok 1 - a\nok 2 - b\n1..2\n").verdict())

    def test_not_ok_fails(self):
        self.assertIn("not ok 2 - b", tap("1..2\nok 1 - a\nnot ok 2 - b\n").verdict())

    def test_todo_failure_is_allowed(self):
        self.assertIsNone(tap("1..1\nnot ok 1 - a # TODO not yet\n").verdict())

    def test_missing_plan_fails(self):
        self.assertIn("plan missing", tap("ok 1 - a\n").verdict())

    def test_short_run_fails(self):
        p = tap("1..3\nok 1 - a\nok 2 - b\n")
        self.assertFalse(p.complete())
        self.assertIn("1..3 but 2", p.verdict())

    def test_two_plans_fail(self):
        self.assertIn("2 times", tap("1..1\nok 1 - a\n1..1\n").verdict())

    def test_out_of_sequence_fails(self):
        self.assertIn("sequence", tap("1..2\nok 2 - a\nok 1 - b\n").verdict())

    def test_bail_out_fails(self):
        self.assertIn("bail out", tap("1..2\nok 1 - a\nBail out! no disk\n").verdict())

    def test_kernel_noise_is_ignored(self):
        p = tap("[ 1.0] booting\n1..1\n[ 1.1] random: crng init done\nok 1 - a\n")
        self.assertIsNone(p.verdict())


class KtestTests(unittest.TestCase):
    def test_clean_run_passes(self):
        self.assertIsNone(ktest("KTEST PASS a\nKTEST PASS b\nKTEST: 2 passed, 0 failed\n")
                          .verdict())

    def test_prefixed_lines_count(self):
        self.assertIsNone(ktest("[0.1] KTEST PASS a\n[0.2] KTEST: 1 passed, 0 failed\n")
                          .verdict())

    def test_failure_named(self):
        v = ktest("KTEST PASS a\nKTEST FAIL b: x.c:3: 1 != 2\nKTEST: 1 passed, 1 failed\n")
        self.assertIn("KTEST FAIL b: x.c:3: 1 != 2", v.verdict())

    def test_missing_summary_fails(self):
        self.assertIn("summary", ktest("KTEST PASS a\n").verdict())

    def test_count_mismatch_fails(self):
        self.assertIn("PASS lines", ktest("KTEST PASS a\nKTEST: 2 passed, 0 failed\n")
                      .verdict())

    def test_no_tests_fails(self):
        self.assertIn("no tests", ktest("KTEST: 0 passed, 0 failed\n").verdict())


def make_run(extra=()):
    args = qemu_run.parse_args(["--kernel", __file__, "--tap"] + list(extra))
    return qemu_run.Run(args)


class SerialTests(unittest.TestCase):
    def test_bare_cr_and_escapes_split_lines(self):
        # What SeaBIOS + Linux's boot stub really emit before /init runs.
        raw = (b"Probing EDD... o\x1bc\x1b[?7l\x1b[2J\x1b[0mk\r1..1\r\n"
               b"ok 1 - a\r\n")
        for chunk in (1, 3, len(raw)):
            run = make_run()
            for i in range(0, len(raw), chunk):
                run.on_serial(raw[i:i + chunk])
            run.flush()
            self.assertEqual(run.lines, ["Probing EDD... ok", "1..1", "ok 1 - a"])
            self.assertIsNone(run.parser.verdict())

    def test_fail_pattern_wins(self):
        run = make_run()
        run.on_serial(b"1..1\nok 1 - a\nKERNEL PANIC on cpu 0: oops\n")
        run.flush()
        reason = qemu_run.judge(run, "exited", 0)
        self.assertIn("KERNEL PANIC", reason)

    def test_clean_exit_passes(self):
        run = make_run()
        run.on_serial(b"1..1\nok 1 - a\n")
        run.flush()
        self.assertIsNone(qemu_run.judge(run, "exited", 0))

    def test_timeout_fails_even_after_clean_tap(self):
        run = make_run()
        run.on_serial(b"1..1\nok 1 - a\n")
        run.flush()
        self.assertIn("did not power off", qemu_run.judge(run, "timeout", -9))

    def test_panic_exit_code_fails(self):
        run = make_run()
        run.on_serial(b"1..1\nok 1 - a\n")
        run.flush()
        self.assertIn("panic", qemu_run.judge(run, "exited", (0x7e << 1) | 1))

    def test_qemu_error_fails(self):
        run = make_run()
        run.stderr = b"qemu: invalid kernel header\n"
        self.assertIn("invalid kernel header", qemu_run.judge(run, "exited", 1))

    def test_expect_missing_fails(self):
        run = make_run(["--expect", "banner"])
        run.on_serial(b"1..1\nok 1 - a\n")
        run.flush()
        self.assertIn("banner", qemu_run.judge(run, "exited", 0))


class SendAfterTests(unittest.TestCase):
    def test_prompt_triggers_send_once(self):
        run = make_run(["--send-after", "login: $", "root\\n"])
        run.on_serial(b"boot\nlog")
        self.assertEqual(run.outbox, b"")
        run.on_serial(b"in: ")
        self.assertEqual(run.outbox, b"root\n")
        run.on_serial(b"again login: \n")
        self.assertEqual(run.outbox, b"root\n")

    def test_sends_answer_in_order(self):
        run = make_run(["--send-after", "one", "1\\r", "--send-after", "two", "\\x03"])
        run.on_serial(b"two\n")
        self.assertEqual(run.outbox, b"")
        run.on_serial(b"one two\n")
        self.assertEqual(run.outbox, b"1\r")
        run.on_serial(b"and two\n")
        self.assertEqual(run.outbox, b"1\r\x03")

    def test_no_send_keeps_stdin_closed(self):
        self.assertEqual(make_run().sends, [])


class CommandTests(unittest.TestCase):
    def command(self, extra):
        args = qemu_run.parse_args(["--kernel", __file__] + extra)
        return qemu_run.qemu_command(args, tempfile.gettempdir())

    def test_defaults(self):
        cmd = self.command(["--timeout", "30"])
        self.assertEqual(cmd[:4], ["timeout", "-k", "5", "35"])
        joined = " ".join(cmd)
        for part in ("-machine q35", "-accel tcg -cpu max", "-smp 2", "-m 256",
                     "-no-reboot", "-monitor none", "-serial stdio",
                     "isa-debug-exit,iobase=0xf4,iosize=0x04"):
            self.assertIn(part, joined)

    def test_pc_and_append(self):
        cmd = self.command(["--machine", "pc", "--append", "console=ttyS0 rdinit=/init"])
        self.assertIn("pc", cmd)
        self.assertIn("console=ttyS0 rdinit=/init", cmd)


def read_newc(data):
    """Minimal independent newc reader: [(name, mode, rdev, data, mtime, ino)]."""
    out, pos = [], 0
    while True:
        hdr = data[pos:pos + 110]
        assert hdr[:6] == b"070701", hdr[:6]
        f = [int(hdr[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        namesize, filesize = f[11], f[6]
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        pos = (pos + 110 + namesize + 3) & ~3
        body = data[pos:pos + filesize]
        pos = (pos + filesize + 3) & ~3
        if name == "TRAILER!!!":
            return out
        out.append((name, f[1], (f[9], f[10]), body, f[5], f[0]))


class CpioTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="mkcpio-test.")
        self.payload = os.path.join(self.dir, "payload")
        with open(self.payload, "wb") as f:
            f.write(b"hello\n")
        self.spec = os.path.join(self.dir, "t.list")
        with open(self.spec, "w") as f:
            f.write("# comment\n"
                    "file /init ${SRC} 0755 0 0\n"
                    "dir /dev 0755 0 0\n"
                    "nod /dev/console 0600 0 0 c 5 1\n"
                    "slink /bin/sh /init 0777 0 0\n"
                    "dir /bin 0755 0 0\n")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def build(self, *extra, env=None):
        out = os.path.join(self.dir, "out.cpio")
        cmd = [sys.executable, mkcpio.__file__, "-D", f"SRC={self.payload}",
               "-o", out, *extra, self.spec]
        subprocess.run(cmd, check=True, env=env, stderr=subprocess.PIPE)
        with open(out, "rb") as f:
            return f.read()

    def test_layout_and_order(self):
        entries = read_newc(self.build())
        names = [e[0] for e in entries]
        self.assertEqual(names, ["bin", "bin/sh", "dev", "dev/console", "init"])
        by_name = {e[0]: e for e in entries}
        self.assertEqual(by_name["dev/console"][1], 0o020600)
        self.assertEqual(by_name["dev/console"][2], (5, 1))
        self.assertEqual(by_name["bin/sh"][1], 0o120777)
        self.assertEqual(by_name["bin/sh"][3], b"/init")
        self.assertEqual(by_name["init"][1], 0o100755)
        self.assertEqual(by_name["init"][3], b"hello\n")
        self.assertEqual([e[5] for e in entries], [1, 2, 3, 4, 5])
        self.assertTrue(all(e[4] == 0 for e in entries))

    def test_reproducible_and_epoch(self):
        self.assertEqual(self.build(), self.build())
        env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
        entries = read_newc(self.build(env=env))
        self.assertTrue(all(e[4] == 1700000000 for e in entries))

    def test_gzip_is_reproducible(self):
        a = self.build("--gzip")
        self.assertEqual(a, self.build("--gzip"))
        self.assertEqual(gzip.decompress(a), self.build())

    def test_gnu_cpio_reads_it(self):
        if not shutil.which("cpio"):
            self.skipTest("cpio not installed")
        listing = subprocess.run(["cpio", "-it", "--quiet"], input=self.build(),
                                 capture_output=True, check=True).stdout.decode()
        self.assertEqual(listing.split(), ["bin", "bin/sh", "dev", "dev/console", "init"])

    def test_missing_parent_is_an_error(self):
        with open(self.spec, "a") as f:
            f.write("dir /usr/lib 0755 0 0\n")
        with self.assertRaises(subprocess.CalledProcessError):
            self.build()


if __name__ == "__main__":
    unittest.main(verbosity=1)
