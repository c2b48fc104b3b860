# SPDX-License-Identifier: MPL-2.0
"""Judges of test output in a serial log: TAP streams and in-kernel KTEST reports.

Each parser is fed one clean line at a time (escape sequences removed) and
answers complete() (the report has ended) and verdict() (None for a clean
pass, else one line saying why not). Used by qemu_run.py.
"""

import re


class TapParser:
    """Checks one TAP stream: a single plan, results numbered 1..N, no failures."""

    PLAN = re.compile(r"^\s*1\.\.(\d+)\s*(?:#.*)?$")
    RESULT = re.compile(r"^\s*(not )?ok\b\s*(\d+)?\s*-?\s*(.*)$")
    BAIL = re.compile(r"^\s*Bail out!\s*(.*)$")

    def __init__(self):
        self.plan = None
        self.plans = 0
        self.results = 0
        self.failed = []
        self.errors = []
        self.bailed = None

    def feed(self, line):
        m = self.PLAN.match(line)
        if m:
            self.plans += 1
            self.plan = int(m.group(1))
            return
        m = self.BAIL.match(line)
        if m:
            self.bailed = m.group(1) or "(no reason)"
            return
        m = self.RESULT.match(line)
        if m:
            self._result(m.group(1) is not None, m.group(2), m.group(3))

    def _result(self, not_ok, number, desc):
        self.results += 1
        if number is not None and int(number) != self.results:
            self.errors.append(f"test number {number} out of sequence "
                               f"(expected {self.results})")
        directive = desc.partition("#")[2].strip().upper()
        if not_ok and not directive.startswith("TODO"):
            self.failed.append(f"{number or self.results} - {desc}".strip())

    def complete(self):
        """True once the plan is known and that many results were seen."""
        return self.plan is not None and self.results >= self.plan

    def verdict(self):
        """None if the stream is a clean pass, else the reason it is not."""
        if self.bailed is not None:
            return f"TAP bail out: {self.bailed}"
        if self.failed:
            more = f" (+{len(self.failed) - 1} more)" if len(self.failed) > 1 else ""
            return f"TAP not ok {self.failed[0]}{more}"
        if self.plans == 0:
            return f"TAP plan missing ({self.results} results seen)"
        if self.plans > 1:
            return f"TAP plan printed {self.plans} times"
        if self.results != self.plan:
            return f"TAP plan 1..{self.plan} but {self.results} results"
        if self.errors:
            return f"TAP {self.errors[0]}"
        return None

    def summary(self):
        return f"{self.results}/{self.plan} TAP results"


class KtestParser:
    """Checks in-kernel test output: KTEST PASS/FAIL lines and the final tally."""

    PASS = re.compile(r"KTEST PASS (\S+)")
    FAIL = re.compile(r"KTEST FAIL (\S+?):\s*(.*)$")
    TALLY = re.compile(r"KTEST: (\d+) passed, (\d+) failed")

    def __init__(self):
        self.passed = []
        self.failed = []
        self.tally = None

    def feed(self, line):
        m = self.TALLY.search(line)
        if m:
            self.tally = (int(m.group(1)), int(m.group(2)))
            return
        m = self.PASS.search(line)
        if m:
            self.passed.append(m.group(1))
            return
        m = self.FAIL.search(line)
        if m:
            self.failed.append(f"{m.group(1)}: {m.group(2)}")

    def complete(self):
        return self.tally is not None

    def verdict(self):
        if self.failed:
            more = f" (+{len(self.failed) - 1} more)" if len(self.failed) > 1 else ""
            return f"KTEST FAIL {self.failed[0]}{more}"
        if self.tally is None:
            return (f"KTEST summary line missing ({len(self.passed)} passed "
                    f"so far)")
        npass, nfail = self.tally
        if nfail != 0:
            return f"KTEST summary reports {nfail} failed"
        if npass != len(self.passed):
            return (f"KTEST summary says {npass} passed but "
                    f"{len(self.passed)} PASS lines were printed")
        if npass == 0:
            return "KTEST ran no tests"
        return None

    def summary(self):
        return f"{len(self.passed)} ktests"
