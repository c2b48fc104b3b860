#!/usr/bin/python3
# SPDX-License-Identifier: MPL-2.0
"""Self-test of the safety checker and the syscall table generator.

Runs kernel/tools/safety_check.py on the fixture tree in
tests/unit/safety_fixtures/tree and asserts that it reports exactly the hits
the fixtures mark with `EXPECT: <rule>...` comments. Run by
`make safety-selftest` (and so by `make safety`).
"""

import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(TOOLS, "..", ".."))
FIXTURES = os.path.join(REPO, "tests", "unit", "safety_fixtures", "tree")
CHECKER = os.path.join(TOOLS, "safety_check.py")
GEN = os.path.join(TOOLS, "gen_syscalls.py")
EXPECT_RE = re.compile(r"EXPECT:((?:\s+R[1-8])+)")

sys.path.insert(0, TOOLS)
import gen_syscalls  # noqa: E402
import safety_check  # noqa: E402


def run_checker(*args):
    cmd = [sys.executable, CHECKER, "--root", FIXTURES, "--gen-dir",
           os.path.join(FIXTURES, "gen"), "--variant=-DCONFIG_KTEST"] + \
        list(args)
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def expected_hits():
    """Counter of (file, line, rule) from the fixtures' EXPECT markers."""
    hits = collections.Counter()
    for dirpath, _, filenames in os.walk(os.path.join(FIXTURES, "kernel")):
        for name in filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, FIXTURES)
            with open(path, encoding="utf-8") as f:
                for no, line in enumerate(f, 1):
                    m = EXPECT_RE.search(line)
                    for rule in (m.group(1).split() if m else ()):
                        hits[(rel, no, rule)] += 1
    return hits


class CheckerOnFixtures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc = run_checker("--json")
        cls.result = json.loads(cls.proc.stdout)

    def test_exact_hits(self):
        got = collections.Counter((v["file"], v["line"], v["rule"])
                                  for v in self.result["violations"])
        want = expected_hits()
        missing = sorted((want - got).elements())
        extra = sorted((got - want).elements())
        self.assertEqual((missing, extra), ([], []),
                         "missing (not reported) / extra (false positives)")

    def test_every_rule_exercised(self):
        rules = {v["rule"] for v in self.result["violations"]}
        self.assertEqual(rules, set(safety_check.RULES))

    def test_good_files_clean_and_parse(self):
        bad = [v for v in self.result["violations"]
               if os.path.basename(v["file"]).startswith("good")]
        self.assertEqual(bad, [])
        self.assertEqual(self.result["failures"], [])
        self.assertEqual(self.result["parse_errors"], [])

    def test_exit_status_and_count(self):
        self.assertEqual(self.proc.returncode, 1)
        self.assertEqual(self.result["violation_count"],
                         sum(expected_hits().values()))

    def test_tcb_report(self):
        tcb = self.result["tcb"]
        self.assertEqual(tcb["framework_files"], 6)   # 3 public .h, .h, .c, .S
        self.assertEqual(tcb["service_files"], 14)   # kernel/vdso/user is neither side
        fl, sl = tcb["framework_lines"], tcb["service_lines"]
        self.assertGreater(fl, 0)
        self.assertAlmostEqual(tcb["framework_share"],
                               round(100.0 * fl / (fl + sl), 1))


class CheckerCli(unittest.TestCase):
    def test_file_list_override(self):
        proc = run_checker("kernel/svc/good.c", "kernel/svc/good.h")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 5, proc.stdout)
        self.assertRegex(lines[0], r"^framework \(kernel/ostd\):  \d+ lines "
                                   r"in \d+ files$")
        self.assertRegex(lines[1], r"^services  \(rest of kernel\): \d+ "
                                   r"lines in \d+ files$")
        self.assertRegex(lines[2], r"^ktests \(\*_test\.c, not counted\): \d+ "
                                   r"lines in \d+ files$")
        self.assertRegex(lines[3], r"^framework share: \d+\.\d %$")
        self.assertEqual(lines[4], "violations: 0")

    def test_text_violation_format(self):
        proc = run_checker("kernel/svc/bad_volatile.c")
        self.assertEqual(proc.returncode, 1)
        first = proc.stdout.splitlines()[0]
        self.assertRegex(first, r"^kernel/svc/bad_volatile\.c:5:1: R2 "
                                r"volatile: ")
        self.assertTrue(proc.stdout.endswith("violations: 7\n"))

    def test_missing_tree_is_empty_and_clean(self):
        with tempfile.TemporaryDirectory() as d:
            proc = subprocess.run([sys.executable, CHECKER, "--root", d],
                                  capture_output=True, text=True, check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("framework share: 0.0 %", proc.stdout)


class LineCounting(unittest.TestCase):
    def test_c(self):
        text = ("// comment\n"
                "\n"
                "int a; /* trailing */\n"
                "/* block\n"
                "   still comment */\n"
                "/* x */ int b;\n"
                "const char *s = \"/* not a comment\";\n"
                "int c;\n"
                "   \t \n"
                "x = a / b; // divide\n")
        self.assertEqual(safety_check.count_code_lines(text), 5)

    def test_asm(self):
        text = ("# comment line\n"
                "#include <x.h>\n"
                "  .globl f  # trailing comment\n"
                "/* c */\n"
                "f: ret\n")
        self.assertEqual(safety_check.count_code_lines(text, asm=True), 3)


class SyscallGenerator(unittest.TestCase):
    def write_tbl(self, d, text):
        path = os.path.join(d, "t.tbl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_outputs(self):
        with tempfile.TemporaryDirectory() as d:
            tbl = self.write_tbl(d, "# c\n0 read -\n1 write sys_write\n"
                                    "# gap\n3 close -  # trailing\n")
            out, docs = os.path.join(d, "gen"), os.path.join(d, "s.md")
            rc = gen_syscalls.main(["--tbl", tbl, "--out-dir", out,
                                    "--docs", docs])
            self.assertEqual(rc, 0)
            with open(os.path.join(out, "syscall_table.c")) as f:
                c = f.read()
            with open(os.path.join(out, "uapi", "syscall_nr.h")) as f:
                h = f.read()
            with open(docs) as f:
                md = f.read()
        self.assertIn('#include "syscall/syscall.h"', c)
        self.assertIn("long sys_write(struct sys_call *c);", c)
        self.assertIn('[1] = { .name = "write", .fn = sys_write },', c)
        self.assertIn('[2] = { .name = "syscall_2", .fn = 0 },', c)
        self.assertIn('[3] = { .name = "close", .fn = 0 },', c)
        self.assertIn("const unsigned syscall_table_size = SYSCALL_MAX + 1;",
                      c)
        self.assertIn("#define __NR_close 3\n", h)
        self.assertIn("#define SYSCALL_MAX 3\n", h)
        self.assertIn("**1 of 3 implemented**", md)
        self.assertIn("| 1 | write | implemented | `sys_write` |", md)
        self.assertIn("| 3 | close | ENOSYS | — |", md)

    def test_rejects_bad_tables(self):
        cases = {
            "0 read -\n0 write -\n": "already used",
            "0 read -\n1 read -\n": "already listed",
            "1 read -\n0 write -\n": "ascend",
            "0 read\n": "expected",
            "x read -\n": "bad syscall number",
            "0 read sys-read\n": "bad handler",
        }
        with tempfile.TemporaryDirectory() as d:
            for text, msg in cases.items():
                tbl = self.write_tbl(d, text)
                with self.assertRaisesRegex(gen_syscalls.TblError, msg):
                    gen_syscalls.parse_tbl(tbl)

    def test_repository_table(self):
        calls = gen_syscalls.parse_tbl(os.path.join(
            REPO, "kernel", "syscall", "syscall.tbl"))
        by_name = {sc.name: sc for sc in calls}
        for nr, name in ((0, "read"), (1, "write"), (39, "getpid"),
                         (60, "exit"), (169, "reboot"), (231, "exit_group"),
                         (435, "clone3")):
            self.assertEqual(by_name[name].nr, nr)


def main():
    """Quiet unless something fails: one summary line for the build log."""
    if os.environ.get("SAFETY_TEST_VERBOSE", "1") != "0":
        unittest.main(verbosity=2)
    import io
    out = io.StringIO()
    suite = unittest.defaultTestLoader.loadTestsFromModule(
        sys.modules[__name__])
    result = unittest.TextTestRunner(stream=out, verbosity=1).run(suite)
    if not result.wasSuccessful():
        sys.stderr.write(out.getvalue())
        sys.stderr.write("safety-selftest: FAILED\n")
        return 1
    print("safety-selftest: %d checker/generator tests passed"
          % result.testsRun)
    return 0


if __name__ == "__main__":
    sys.exit(main())
