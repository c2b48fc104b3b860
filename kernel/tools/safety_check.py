#!/usr/bin/python3
# SPDX-License-Identifier: MPL-2.0
"""Keel safety checker: enforces the framekernel split (docs/safety.md).

Parses every service C file (everything under kernel/ except kernel/ostd/ and
kernel/tools/) with libclang and the service compile flags, reports each use
of a construct only the framework may use (rules R1-R8), then prints the TCB
report. Exit status: 0 clean, 1 violations, 2 the checker itself failed.

Run with Debian's /usr/bin/python3 (module clang.cindex, package
python3-clang-14).
"""

import argparse
import ctypes
import glob
import itertools
import json
import multiprocessing
import os
import re
import subprocess
import sys

try:
    import clang.cindex as ci
except ImportError:  # pragma: no cover - depends on the host
    sys.stderr.write("safety_check: cannot import clang.cindex; run with "
                     "/usr/bin/python3 and install python3-clang-14\n")
    sys.exit(2)

RULES = {
    "R1": "inline-asm",
    "R2": "volatile",
    "R3": "int-to-pointer",
    "R4": "forbidden-include",
    "R5": "framework-internal",
    "R6": "unsafe-builtin-or-attribute",
    "R7": "warning-suppression",
    "R8": "pointer-reinterpretation",
}

SERVICE_STD_FLAGS = ["-x", "c", "-std=gnu11", "-ffreestanding",
                     "-D__KEEL_SERVICE__", "-Wno-pragma-once-outside-header"]

# Compiler headers a freestanding service may include (C11 clause 4p6).
FREESTANDING_HEADERS = {
    "stddef.h", "stdarg.h", "stdint.h", "stdbool.h", "limits.h", "float.h",
    "stdalign.h", "stdnoreturn.h", "iso646.h",
}

ASM_WORDS = {"asm", "__asm", "__asm__"}
VOLATILE_WORDS = {"volatile", "__volatile", "__volatile__"}
PRIVATE_PREFIXES = ("__ostd_", "arch_")
DANGEROUS_BUILTINS = {
    "__builtin_frame_address", "__builtin_return_address",
    "__builtin_extract_return_addr", "__builtin_frob_return_addr",
    "__builtin_dwarf_cfa", "__builtin_eh_return",
    "__builtin_eh_return_data_regno", "__builtin_unwind_init",
    "__builtin_setjmp", "__builtin_longjmp", "__builtin_apply",
    "__builtin_apply_args", "__builtin_return", "__builtin_alloca",
    "__builtin_alloca_with_align", "__builtin_alloca_with_align_and_max",
    "__builtin_stack_save", "__builtin_stack_restore",
    "__builtin_thread_pointer",
}
DANGEROUS_BUILTIN_PREFIXES = ("__builtin_ia32_",)
# Attributes a service may not spell (name without surrounding "__").
R6_ATTRIBUTES = {
    "section": "places an object in a linker section (use the framework's "
               "registration macros)",
    "naked": "removes the compiler-generated prologue/epilogue",
    "no_address_safety_analysis": "opts out of the sanitizers",
    "no_stack_protector": "opts out of the stack protector",
    "target": "changes the instruction set (e.g. enables SSE in kernel code)",
    "interrupt": "declares a raw interrupt handler (trap entry is framework)",
    "no_caller_saved_registers": "changes the calling convention",
}
R7_ATTRIBUTES = {"optimize": "changes optimisation flags per function"}
DIRECTIVES_NOT_SCANNED = {"include", "include_next", "import", "error",
                          "warning", "line", "ident", "sccs"}
ASM_PREPROCESSOR = re.compile(
    r"#\s*(include|define|undef|if|ifdef|ifndef|elif|else|endif|error|"
    r"warning|pragma|line)\b")

INT_KINDS = {getattr(ci.TypeKind, k) for k in (
    "BOOL", "CHAR_U", "UCHAR", "CHAR16", "CHAR32", "USHORT", "UINT", "ULONG",
    "ULONGLONG", "UINT128", "CHAR_S", "SCHAR", "WCHAR", "SHORT", "INT", "LONG",
    "LONGLONG", "INT128", "ENUM")}
BYTE_KINDS = {ci.TypeKind.VOID, ci.TypeKind.CHAR_U, ci.TypeKind.UCHAR,
              ci.TypeKind.CHAR_S, ci.TypeKind.SCHAR}
FUNC_KINDS = {ci.TypeKind.FUNCTIONPROTO, ci.TypeKind.FUNCTIONNOPROTO}
QUALIFIER_WORDS = {"const", "volatile", "restrict", "__restrict"}
CK = ci.CursorKind


# ---------------------------------------------------------------------------
# libclang entry points the Python bindings do not wrap.

class _RangeList(ctypes.Structure):
    _fields_ = [("count", ctypes.c_uint),
                ("ranges", ctypes.POINTER(ci.SourceRange))]


_LIB = None


def clang_lib():
    """Return the loaded libclang with the extra prototypes registered."""
    global _LIB
    if _LIB is not None:
        return _LIB
    try:
        lib = ci.conf.lib
    except ci.LibclangError:
        for cand in ("/usr/lib/llvm-14/lib/libclang-14.so.1",
                     "/usr/lib/llvm-14/lib/libclang.so.1"):
            if os.path.exists(cand):
                ci.Config.set_library_file(cand)
                break
        lib = ci.conf.lib
    uint_p = ctypes.POINTER(ctypes.c_uint)
    lib.clang_getSpellingLocation.argtypes = [
        ci.SourceLocation, ctypes.POINTER(ci.c_object_p), uint_p, uint_p,
        uint_p]
    lib.clang_getSpellingLocation.restype = None
    lib.clang_getSkippedRanges.argtypes = [ci.TranslationUnit, ci.File]
    lib.clang_getSkippedRanges.restype = ctypes.POINTER(_RangeList)
    lib.clang_disposeSourceRangeList.argtypes = [ctypes.POINTER(_RangeList)]
    lib.clang_Cursor_Evaluate.argtypes = [ci.Cursor]
    lib.clang_Cursor_Evaluate.restype = ctypes.c_void_p
    lib.clang_EvalResult_getKind.argtypes = [ctypes.c_void_p]
    lib.clang_EvalResult_getKind.restype = ctypes.c_int
    lib.clang_EvalResult_getAsLongLong.argtypes = [ctypes.c_void_p]
    lib.clang_EvalResult_getAsLongLong.restype = ctypes.c_longlong
    lib.clang_EvalResult_dispose.argtypes = [ctypes.c_void_p]
    lib.clang_EvalResult_dispose.restype = None
    _LIB = lib
    return lib


def file_location(loc):
    """Where the tokens of `loc` are written in a file (clang's FileLoc):
    for text passed as a macro argument this is the argument's own place,
    for text from a macro body it is the macro's expansion point."""
    f = ci.c_object_p()
    line, col, off = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    clang_lib().clang_getSpellingLocation(loc, ctypes.byref(f),
                                          ctypes.byref(line),
                                          ctypes.byref(col), ctypes.byref(off))
    if not f:
        return None, 0, 0, 0
    name = ci.conf.lib.clang_getFileName(ci.File(f))
    return name, line.value, col.value, off.value


def evaluates_to_zero(cursor):
    """True if `cursor` is a constant expression whose integer value is 0."""
    lib = clang_lib()
    res = lib.clang_Cursor_Evaluate(cursor)
    if not res:
        return False
    try:
        return (lib.clang_EvalResult_getKind(res) == 1 and
                lib.clang_EvalResult_getAsLongLong(res) == 0)
    finally:
        lib.clang_EvalResult_dispose(res)


# ---------------------------------------------------------------------------
# Tree layout.

def _gcc_include_dirs():
    dirs = []
    for name in ("include", "include-fixed"):
        try:
            out = subprocess.run(["gcc", "-print-file-name=" + name],
                                 capture_output=True, text=True, check=False)
        except OSError:
            continue
        path = out.stdout.strip()
        if os.path.isabs(path) and os.path.isdir(path):
            dirs.append(os.path.realpath(path))
    return dirs


class Layout:
    """Classifies paths of one source tree (the repository or a fixture)."""

    def __init__(self, root, gen_dirs=(), extra_cflags=()):
        self.root = os.path.realpath(root)
        self.kernel = os.path.join(self.root, "kernel")
        self.ostd = os.path.join(self.kernel, "ostd")
        self.public = os.path.join(self.ostd, "include", "ostd")
        self.tools = os.path.join(self.kernel, "tools")
        # The vDSO's own code runs in user mode, in every process, not in the
        # kernel: it is neither framework nor service (docs/safety.md).
        self.vdso_user = os.path.join(self.kernel, "vdso", "user")
        self.gen_dirs = [os.path.realpath(d) for d in gen_dirs]
        gcc_dirs = _gcc_include_dirs()
        clang_dirs = glob.glob("/usr/lib/llvm-*/lib/clang/*/include")
        self.compiler_dirs = sorted(set(gcc_dirs + [os.path.realpath(d)
                                                    for d in clang_dirs]))
        includes = [
            "-I" + os.path.join(self.ostd, "include"),
            "-I" + os.path.join(self.kernel, "include"),
            "-I" + os.path.join(self.kernel, "lib", "include"),
            "-I" + self.kernel,
        ] + ["-I" + d for d in self.gen_dirs] + \
            ["-I" + d for d in gcc_dirs[:1]] + list(extra_cflags)
        self.service_flags = list(SERVICE_STD_FLAGS) + includes
        fw_inc = [os.path.join(self.ostd, "include"), self.ostd]
        for d in sorted(glob.glob(os.path.join(self.ostd, "arch", "*"))):
            fw_inc += [d, os.path.join(d, "include")]
        self.framework_flags = ["-x", "c", "-std=gnu11", "-ffreestanding",
                                "-D__KEEL_FRAMEWORK__"] + \
            ["-I" + d for d in fw_inc] + includes
        self._real = {}

    def real(self, path):
        r = self._real.get(path)
        if r is None:
            r = self._real[path] = os.path.realpath(path)
        return r

    def rel(self, path):
        return os.path.relpath(self.real(path), self.root)

    @staticmethod
    def _under(path, d):
        return path == d or path.startswith(d + os.sep)

    def is_framework(self, path):
        return self._under(self.real(path), self.ostd)

    def is_public(self, path):
        return os.path.dirname(self.real(path)) == self.public

    def is_internal(self, path):
        return self.is_framework(path) and not self.is_public(path)

    def is_service(self, path):
        p = self.real(path)
        return (self._under(p, self.kernel) and not self._under(p, self.ostd)
                and not self._under(p, self.tools)
                and not self._under(p, self.vdso_user))

    def is_compiler(self, path):
        p = self.real(path)
        return any(self._under(p, d) for d in self.compiler_dirs)

    def is_generated(self, path):
        p = self.real(path)
        return any(self._under(p, d) for d in self.gen_dirs)

    def walk_sources(self):
        """(framework, service) lists of .c/.h/.S files, sorted."""
        fw, svc = [], []
        if not os.path.isdir(self.kernel):
            return fw, svc
        for dirpath, dirnames, filenames in os.walk(self.kernel):
            dirnames.sort()
            real = os.path.realpath(dirpath)
            if self._under(real, self.tools) or self._under(real, self.vdso_user):
                dirnames[:] = []
                continue
            for name in sorted(filenames):
                if not name.endswith((".c", ".h", ".S", ".s")):
                    continue
                path = os.path.join(dirpath, name)
                (fw if self.is_framework(path) else svc).append(path)
        return fw, svc


# ---------------------------------------------------------------------------
# Line counting for the TCB report.

def count_code_lines(text, asm=False):
    """Lines holding something other than blanks and comments."""
    count, in_block = 0, False
    for line in text.splitlines():
        if asm and not in_block:
            s = line.lstrip()
            if s.startswith("#") and not ASM_PREPROCESSOR.match(s):
                continue  # GNU as comment line
        code, i, n, quote = False, 0, len(line), None
        while i < n:
            if in_block:
                j = line.find("*/", i)
                if j < 0:
                    break
                in_block, i = False, j + 2
                continue
            c = line[i]
            if quote:
                if c == "\\":
                    i += 1
                elif c == quote:
                    quote = None
            elif line.startswith("/*", i):
                in_block, i = True, i + 2
                continue
            elif line.startswith("//", i):
                break
            elif c in "\"'":
                quote, code = c, True
            elif not c.isspace():
                code = True
            i += 1
        if code:
            count += 1
    return count


def tcb_report(layout):
    fw, svc = layout.walk_sources()

    def total(files):
        n = 0
        for path in files:
            with open(path, encoding="utf-8", errors="replace") as f:
                n += count_code_lines(f.read(), path.endswith((".S", ".s")))
        return n
    # In-kernel tests (*_test.c) are reported apart: they are not part of the TCB's size.
    def is_test(path):
        return path.endswith("_test.c")
    tests = [p for p in fw + svc if is_test(p)]
    fw = [p for p in fw if not is_test(p)]
    svc = [p for p in svc if not is_test(p)]
    fl, sl, tl = total(fw), total(svc), total(tests)
    share = 100.0 * fl / (fl + sl) if fl + sl else 0.0
    return {"framework_lines": fl, "framework_files": len(fw),
            "service_lines": sl, "service_files": len(svc),
            "test_lines": tl, "test_files": len(tests),
            "framework_share": round(share, 1)}


# ---------------------------------------------------------------------------
# Per-translation-unit checks (run in worker processes).

def _type_key(t, depth=0):
    t = t.get_canonical()
    k = t.kind
    if k == ci.TypeKind.RECORD:
        d = t.get_declaration()
        return ("rec", d.get_usr() or d.spelling)
    if k == ci.TypeKind.POINTER and depth < 8:
        return ("ptr", _type_key(t.get_pointee(), depth + 1))
    words = [w for w in t.spelling.replace("*", " * ").split()
             if w not in QUALIFIER_WORDS]
    return (k.value, " ".join(words))


def _layout_prefixes(t, depth=0):
    """Keys of the types a pointer to record `t` may be converted to without
    reinterpretation: its first member (struct) or any member (union),
    recursively (C11 6.7.2.1p15-16)."""
    keys = set()
    if depth > 8 or t.kind != ci.TypeKind.RECORD:
        return keys
    fields = list(t.get_fields())
    if t.get_declaration().kind != CK.UNION_DECL:
        fields = fields[:1]
    for f in fields:
        ft = f.type.get_canonical()
        keys.add(_type_key(ft))
        keys |= _layout_prefixes(ft, depth + 1)
    return keys


def _is_cast_like(toks, i):
    """Does the '(' at toks[i] of a macro body open something that looks
    like a cast? Errs towards yes."""
    depth, j = 0, i
    while j < len(toks):
        if toks[j][0] == "(":
            depth += 1
        elif toks[j][0] == ")":
            depth -= 1
            if depth == 0:
                break
        j += 1
    inner = toks[i + 1:j]
    if not inner or j + 1 >= len(toks):
        return False
    nxt, nxt_kind = toks[j + 1]
    operand = nxt_kind in ("IDENTIFIER", "LITERAL", "KEYWORD") or nxt == "("
    if inner[0][0] in ("typeof", "__typeof__", "__typeof"):
        return operand or nxt in "-~!&*+"
    if not all(k in ("IDENTIFIER", "KEYWORD") or s == "*" for s, k in inner):
        return False
    typeish = any(s == "*" or k == "KEYWORD" or s.endswith("_t")
                  for s, k in inner)
    return operand or (typeish and nxt in ("-", "~", "!", "&", "*", "+"))


class TUChecker:
    """Checks one service translation unit; results are plain tuples."""

    def __init__(self, layout, path, variant=()):
        self.layout = layout
        self.path = path
        self.variant = list(variant)
        self.violations = []
        self.errors = []
        self.decls = []
        self.macros = {}        # name -> MACRO_DEFINITION cursor
        self.expansions = {}    # (file, offset) -> MACRO_INSTANTIATION
        self._closure = {}

    # -- reporting --------------------------------------------------------
    def report(self, fname, line, col, rule, msg):
        self.violations.append((self.layout.rel(fname), line, col, rule, msg))

    # -- driver -----------------------------------------------------------
    def run(self, index):
        opts = ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD
        tu = index.parse(self.path,
                         args=self.layout.service_flags + self.variant,
                         options=opts)
        self.tu = tu
        for d in tu.diagnostics:
            if d.severity >= ci.Diagnostic.Error:
                f = d.location.file
                self.errors.append(("%s:%d:%d" % (
                    self.layout.rel(f.name) if f else "?", d.location.line,
                    d.location.column), d.spelling))
        self.check_tokens()
        top = list(tu.cursor.get_children())
        for c in top:
            if c.kind == CK.MACRO_DEFINITION:
                self.macros[c.spelling] = c
            elif c.kind == CK.MACRO_INSTANTIATION:
                loc = c.location
                if loc.file:
                    key = (self.layout.real(loc.file.name), loc.offset)
                    self.expansions[key] = c
        for c in top:
            if c.kind == CK.MACRO_INSTANTIATION:
                self.check_macro_use(c)
            elif c.kind == CK.INCLUSION_DIRECTIVE:
                self.check_include(c)
            elif c.kind != CK.MACRO_DEFINITION:
                f = c.location.file
                if f and self.layout.is_service(f.name):
                    self.check_decl(c)
                    self.walk(c)
        return self

    # -- R4: includes -------------------------------------------------------
    def check_include(self, c):
        """R4 for one #include directive (every directive is seen, also
        those an include guard turns into a no-op)."""
        L = self.layout
        loc = c.location
        if not loc.file or not L.is_service(loc.file.name):
            return
        inc = c.get_included_file()
        if inc is None:
            return      # not found: the compiler rejects it (parse error)
        target = inc.name
        if L.is_framework(target):
            if not L.is_internal(target):
                return
            why = ("includes framework-internal header %s (only "
                   "kernel/ostd/include/ostd/*.h is public)" % L.rel(target))
        elif L.is_service(target) or L.is_generated(target):
            return
        elif L.is_compiler(target):
            base = os.path.basename(target)
            if base in FREESTANDING_HEADERS:
                return
            why = ("includes compiler header <%s>; services may only use "
                   "the freestanding headers" % base)
        else:
            why = ("includes %s from outside the allowed include roots"
                   % L.real(target))
        self.report(loc.file.name, loc.line, loc.column, "R4", why)

    # -- lexical rules: R1, R2, R5 prefixes, R6, R7 --------------------------
    def _skipped(self, fobj):
        lib = clang_lib()
        rl = lib.clang_getSkippedRanges(self.tu, fobj)
        out = []
        try:
            for i in range(rl.contents.count):
                r = rl.contents.ranges[i]
                out.append((r.start.offset, r.end.offset))
        finally:
            lib.clang_disposeSourceRangeList(rl)
        return out

    def check_tokens(self):
        path = self.path
        with open(path, "rb") as f:
            data = f.read()
        lines = data.decode("utf-8", "replace").replace("\r", "").split("\n")
        fobj = ci.File.from_name(self.tu, path)
        skipped = self._skipped(fobj)
        extent = self.tu.get_extent(path, (0, len(data)))
        toks = []
        for t in self.tu.get_tokens(extent=extent):
            if t.kind == ci.TokenKind.COMMENT:
                continue
            loc = t.location
            if any(a <= loc.offset < b for a, b in skipped):
                continue
            toks.append((t.spelling, t.kind.name, loc.line, loc.column))
        self.scan_tokens(toks, lines)

    def scan_tokens(self, toks, lines):
        prev_line, i, n = 0, 0, len(toks)
        directive_end = 0   # last line of the directive being skipped
        after_asm = False
        while i < n:
            s, kind, line, col = toks[i]
            first = line != prev_line
            prev_line = line
            # 'asm volatile' / 'asm goto': qualifiers of the asm statement.
            asm_qualifier = after_asm
            after_asm = after_asm and s in (
                "volatile", "__volatile__", "__volatile", "goto", "inline")
            if line <= directive_end:
                i += 1
                continue
            if first and s == "#" and i + 1 < n and toks[i + 1][2] == line:
                name = toks[i + 1][0]
                end = line
                while end - 1 < len(lines) and lines[end - 1].endswith("\\"):
                    end += 1
                if name == "pragma":
                    words = [t[0] for t in itertools.takewhile(
                        lambda t: t[2] <= end, toks[i + 2:])]
                    self.check_pragma(words, line, col)
                    directive_end = end
                elif name in DIRECTIVES_NOT_SCANNED:
                    directive_end = end
                i += 2
                continue
            if kind not in ("IDENTIFIER", "KEYWORD"):
                i += 1
                continue
            if s in ASM_WORDS:
                self.report(self.path, line, col, "R1",
                            "inline assembly ('%s') is framework-only" % s)
                after_asm = True
                i += 1
                continue
            if s in VOLATILE_WORDS:
                if not asm_qualifier:
                    self.report(self.path, line, col, "R2",
                                "'%s' is framework-only (use the framework's "
                                "I/O and atomic APIs)" % s)
            elif s in ("__attribute__", "__attribute"):
                i = self.scan_attribute(toks, i)
                continue
            elif s == "_Pragma":
                if i + 2 < n and toks[i + 2][1] == "LITERAL":
                    text = toks[i + 2][0]
                    text = text[text.find('"') + 1:-1]
                    text = text.replace('\\"', '"').replace("\\\\", "\\")
                    words = re.findall(r'"[^"]*"|[\w-]+|\S', text)
                    self.check_pragma(words, line, col)
            elif s in DANGEROUS_BUILTINS or s.startswith(
                    DANGEROUS_BUILTIN_PREFIXES):
                self.report(self.path, line, col, "R6",
                            "dangerous builtin '%s' is framework-only" % s)
            elif s.startswith(PRIVATE_PREFIXES):
                self.report(self.path, line, col, "R5",
                            "identifier '%s' uses a framework-private prefix "
                            "(__ostd_ / arch_)" % s)
            i += 1

    def scan_attribute(self, toks, i):
        """Check __attribute__((...)) starting at toks[i]; return the index
        after it."""
        n = len(toks)
        if i + 2 >= n or toks[i + 1][0] != "(" or toks[i + 2][0] != "(":
            return i + 1
        depth, j, expect_name = 2, i + 3, True
        while j < n and depth > 0:
            s, kind, line, col = toks[j]
            if s == "(":
                depth += 1
            elif s == ")":
                depth -= 1
            elif s == "," and depth == 2:
                expect_name = True
                j += 1
                continue
            elif depth == 2 and expect_name and kind in ("IDENTIFIER",
                                                         "KEYWORD"):
                self.check_attribute_name(s, line, col)
            expect_name = False
            j += 1
        return j

    def check_attribute_name(self, s, line, col):
        name = s.strip("_")
        if name in R6_ATTRIBUTES:
            self.report(self.path, line, col, "R6", "attribute '%s' %s" % (
                name, R6_ATTRIBUTES[name]))
        elif name.startswith("no_sanitize"):
            self.report(self.path, line, col, "R6", "attribute '%s' opts out "
                        "of the sanitizers" % name)
        elif name in R7_ATTRIBUTES:
            self.report(self.path, line, col, "R7", "attribute '%s' %s" % (
                name, R7_ATTRIBUTES[name]))

    def check_pragma(self, words, line, col):
        w = words + ["", "", ""]
        text = " ".join(words)
        if w[0] in ("GCC", "clang") and w[1] == "diagnostic" and \
                w[2] in ("ignored", "warning"):
            rule, why = "R7", "suppresses or downgrades a diagnostic"
        elif w[0] in ("GCC", "clang") and w[1] == "optimize":
            rule, why = "R7", "changes optimisation flags"
        elif w[0] == "GCC" and w[1] == "system_header":
            rule, why = "R7", "hides all warnings in the file"
        elif w[0] == "GCC" and w[1] == "target":
            rule, why = "R6", "changes the instruction set"
        elif w[0] == "clang" and w[1] == "attribute":
            rule, why = "R6", "attaches attributes to many declarations"
        elif w[0] == "redefine_extname":
            rule, why = "R5", "renames a symbol at link level"
        else:
            return
        self.report(self.path, line, col, rule, "#pragma %s %s" % (text, why))

    # -- AST rules -------------------------------------------------------------
    def walk(self, root):
        stack = list(root.get_children())
        while stack:
            c = stack.pop()
            k = c.kind
            if k == CK.CSTYLE_CAST_EXPR:
                self.check_cast(c)
            elif k == CK.UNEXPOSED_EXPR:
                self.check_implicit(c)
            elif k in (CK.BINARY_OPERATOR, CK.ARRAY_SUBSCRIPT_EXPR):
                self.check_null_arith(c)
            elif k in (CK.DECL_REF_EXPR, CK.TYPE_REF, CK.MEMBER_REF_EXPR):
                self.check_reference(c)
            stack.extend(c.get_children())

    def origin(self, c):
        """Where service code wrote construct `c`: (file, line, col, note),
        or None when a macro from kernel/ostd/include/ostd/ produced it (the
        framework audited it) or it is not in service code at all."""
        L = self.layout
        loc = c.location
        if not loc.file:
            return None
        efile = L.real(loc.file.name)
        if not L.is_service(efile):
            return None
        ffile, fline, fcol, foff = file_location(loc)
        if ffile and (L.real(ffile), foff) != (efile, loc.offset):
            if L.is_service(ffile):
                return ffile, fline, fcol, ""       # macro argument
            if L.is_public(ffile):
                return None
            return efile, loc.line, loc.column, ""
        inst = self.expansions.get((efile, loc.offset))
        if inst is None:
            return efile, loc.line, loc.column, ""
        name = inst.spelling
        defn = inst.referenced
        dfile = defn.location.file.name if defn and defn.location.file else ""
        if dfile and L.is_public(dfile):
            return None
        if dfile and L.is_service(dfile) and self.macro_is_wrapper(name):
            return None
        return efile, loc.line, loc.column, \
            " (in expansion of macro '%s')" % name

    def _body(self, cursor):
        toks = [(t.spelling, t.kind.name, t.extent)
                for t in cursor.get_tokens()]
        body = toks[1:]
        if len(toks) > 1 and toks[1][0] == "(" and \
                toks[1][2].start.offset == toks[0][2].end.offset:
            depth = 0
            for k, t in enumerate(toks[1:], 1):
                depth += {"(": 1, ")": -1}.get(t[0], 0)
                if depth == 0:
                    body = toks[k + 1:]
                    break
        return [(s, k) for s, k, _ in body]

    def macro_is_wrapper(self, name):
        """A service macro whose expansion reaches a framework macro and
        which (with the service macros it uses) writes no cast itself: a
        cast inside its expansion comes from the framework macro."""
        if name in self._closure:
            return self._closure[name]
        L = self.layout
        seen, stack, reaches_fw, ok = set(), [name], False, True
        while stack and ok:
            m = stack.pop()
            if m in seen or m not in self.macros:
                continue
            seen.add(m)
            d = self.macros[m]
            dfile = d.location.file.name if d.location.file else ""
            if L.is_public(dfile):
                reaches_fw = True
                continue
            if not L.is_service(dfile):
                continue
            body = self._body(d)
            for i, (s, k) in enumerate(body):
                if s == "(" and _is_cast_like(body, i):
                    ok = False
                    break
                if k == "IDENTIFIER" and s in self.macros:
                    stack.append(s)
        self._closure[name] = result = ok and reaches_fw
        return result

    def _operand(self, cast):
        kids = [k for k in cast.get_children() if k.kind.is_expression()]
        return kids[-1] if kids else None

    def _is_null_constant(self, e):
        t = e.type.get_canonical()
        return t.kind in INT_KINDS and evaluates_to_zero(e)

    def _null_pointer_cast(self, e):
        while e is not None and e.kind in (CK.PAREN_EXPR, CK.UNEXPOSED_EXPR):
            kids = list(e.get_children())
            if len(kids) != 1:
                return False
            e = kids[0]
        if e is None or e.kind != CK.CSTYLE_CAST_EXPR:
            return False
        op = self._operand(e)
        if op is None:
            return False
        if op.type.get_canonical().kind == ci.TypeKind.POINTER:
            return self._null_pointer_cast(op)     # (char *)NULL
        return self._is_null_constant(op)

    def check_cast(self, c):
        dst = c.type.get_canonical()
        if dst.kind != ci.TypeKind.POINTER:
            return
        op = self._operand(c)
        if op is None:
            return
        src = op.type.get_canonical()
        if src.kind in INT_KINDS:
            if self._is_null_constant(op):
                return
            where = self.origin(c)
            if where:
                self.report(where[0], where[1], where[2], "R3",
                            "cast from integer type '%s' to pointer type '%s'"
                            "%s" % (op.type.spelling, c.type.spelling,
                                    where[3]))
        elif src.kind == ci.TypeKind.POINTER:
            why = self.reinterpretation(src, dst)
            if why:
                where = self.origin(c)
                if where:
                    self.report(where[0], where[1], where[2], "R8",
                                "pointer reinterpretation: %s ('%s' to '%s')%s"
                                % (why, op.type.spelling, c.type.spelling,
                                   where[3]))

    @staticmethod
    def reinterpretation(src, dst):
        sp = src.get_pointee().get_canonical()
        dp = dst.get_pointee().get_canonical()
        if dp.kind in FUNC_KINDS:
            if sp.kind not in FUNC_KINDS:
                return "data pointer turned into a function pointer"
            if _type_key(sp) != _type_key(dp):
                return "function pointer type changed"
            return None
        if sp.kind in BYTE_KINDS or dp.kind in BYTE_KINDS:
            return None
        ks, kd = _type_key(sp), _type_key(dp)
        if ks == kd:
            return None
        if kd in _layout_prefixes(sp) or ks in _layout_prefixes(dp):
            return None
        return "pointee type changed between unrelated types"

    def check_implicit(self, c):
        """Implicit conversions (libclang shows them as unexposed
        expressions with one operand): integer to pointer (R3), and data
        pointer to function pointer, which GNU C accepts silently (R8)."""
        dst = c.type.get_canonical()
        if dst.kind != ci.TypeKind.POINTER:
            return
        kids = list(c.get_children())
        if len(kids) != 1 or not kids[0].kind.is_expression():
            return
        src = kids[0].type.get_canonical()
        loc = c.location
        if not loc.file or not self.layout.is_service(loc.file.name):
            return
        if src.kind in INT_KINDS and not self._is_null_constant(kids[0]):
            self.report(loc.file.name, loc.line, loc.column, "R3",
                        "implicit conversion from integer type '%s' to "
                        "pointer type '%s'" % (kids[0].type.spelling,
                                               c.type.spelling))
        elif src.kind == ci.TypeKind.POINTER and \
                dst.get_pointee().get_canonical().kind in FUNC_KINDS and \
                src.get_pointee().get_canonical().kind not in FUNC_KINDS:
            self.report(loc.file.name, loc.line, loc.column, "R8",
                        "pointer reinterpretation: implicit conversion of "
                        "data pointer '%s' to function pointer '%s'" % (
                            kids[0].type.spelling, c.type.spelling))

    def check_null_arith(self, c):
        kids = list(c.get_children())
        if len(kids) != 2:
            return
        if c.kind == CK.BINARY_OPERATOR and \
                c.type.get_canonical().kind != ci.TypeKind.POINTER:
            return
        for a, b in (kids, kids[::-1]):
            if self._null_pointer_cast(a) and \
                    b.type.get_canonical().kind in INT_KINDS:
                where = self.origin(c)
                if where:
                    self.report(where[0], where[1], where[2], "R3",
                                "pointer arithmetic on a null pointer "
                                "constant forges an address%s" % where[3])
                return

    def check_reference(self, c):
        ref = c.referenced
        if ref is None or not ref.location.file:
            return
        dfile = ref.location.file.name
        if not self.layout.is_internal(dfile):
            return
        where = self.origin(c)
        if where:
            self.report(where[0], where[1], where[2], "R5",
                        "uses framework-internal '%s' declared in %s%s" % (
                            ref.spelling, self.layout.rel(dfile), where[3]))

    def check_macro_use(self, c):
        loc = c.location
        if not loc.file or not self.layout.is_service(loc.file.name):
            return
        d = c.referenced
        if d is None or not d.location.file:
            return
        dfile = d.location.file.name
        if self.layout.is_internal(dfile):
            self.report(loc.file.name, loc.line, loc.column, "R5",
                        "uses framework-internal macro '%s' defined in %s" % (
                            c.spelling, self.layout.rel(dfile)))

    def check_decl(self, c):
        if c.kind in (CK.FUNCTION_DECL, CK.VAR_DECL) and \
                c.linkage == ci.LinkageKind.EXTERNAL:
            loc = c.location
            self.decls.append((c.spelling, self.layout.rel(loc.file.name),
                               loc.line, loc.column))


def collect_framework_symbols(layout, index, path):
    """(defined, public): external names a framework .c file defines, and
    names its included public headers declare."""
    defined, public = set(), set()
    tu = index.parse(path, args=layout.framework_flags)
    for c in tu.cursor.get_children():
        if c.kind not in (CK.FUNCTION_DECL, CK.VAR_DECL) or \
                c.linkage != ci.LinkageKind.EXTERNAL or not c.location.file:
            continue
        f = c.location.file.name
        if c.kind == CK.FUNCTION_DECL:
            is_def = c.is_definition()
        else:   # tentative definitions count: 'int x;' at file scope
            is_def = c.storage_class != ci.StorageClass.EXTERN
        if layout.is_public(f):
            public.add(c.spelling)
        elif layout.is_framework(f) and is_def:
            defined.add((c.spelling, layout.rel(f)))
    return defined, public


_INDEX = None


def run_job(job):
    """Worker entry: (kind, layout, path, variant) -> result dict, where kind
    is 'svc' (check a service file), 'fw' (collect framework symbols) or
    'asm' (an assembly file)."""
    global _INDEX
    kind, layout, path, variant = job
    try:
        if kind == "asm":
            out = {"violations": [], "defined": set()}
            if layout.is_service(path):
                out["violations"].append((layout.rel(path), 1, 1, "R1",
                                          "assembly source file in service "
                                          "code"))
            else:
                with open(path, encoding="utf-8", errors="replace") as f:
                    for m in re.finditer(r"^\s*\.glob(?:a)?l\s+(\w+)",
                                         f.read(), re.M):
                        out["defined"].add((m.group(1), layout.rel(path)))
            return out
        clang_lib()
        if _INDEX is None:
            _INDEX = ci.Index.create()
        if kind == "fw":
            defined, public = collect_framework_symbols(layout, _INDEX, path)
            return {"defined": defined, "public": public}
        chk = TUChecker(layout, path, variant).run(_INDEX)
        return {"violations": chk.violations, "errors": chk.errors,
                "decls": chk.decls}
    except Exception as e:  # surfaced as a checker failure, never ignored
        return {"failure": "%s: %s: %s" % (layout.rel(path),
                                          type(e).__name__, e)}


# ---------------------------------------------------------------------------
# Makefile fragments of services: -W suppression flags.

MK_SUPPRESS = re.compile(r"(?<![\w-])(-w|-Wno-[\w=-]+|-fno-sanitize[\w=,-]*|"
                         r"-fno-stack-protector)(?![\w-])")


def check_makefiles(layout):
    out = []
    for dirpath, dirnames, filenames in os.walk(layout.kernel):
        dirnames.sort()
        real = os.path.realpath(dirpath)
        if real == layout.kernel or not layout.is_service(real):
            continue
        for name in sorted(filenames):
            if not (name.endswith(".mk") or name == "Makefile"):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                for no, line in enumerate(f, 1):
                    code = line.split("#", 1)[0]
                    for m in MK_SUPPRESS.finditer(code):
                        out.append((layout.rel(path), no, m.start() + 1, "R7",
                                    "build flag '%s' suppresses warnings or "
                                    "checks for service code" % m.group(1)))
    return out


# ---------------------------------------------------------------------------
# Driver.

def _variants_for(path, variants):
    """The default configuration, plus each variant (a list of -D flags)
    whose macro names the file mentions: code under e.g. #ifdef CONFIG_KTEST
    is checked as the ktest kernel compiles it."""
    out = [()]
    if variants:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for v in variants:
            names = [re.sub(r"^-[DU]", "", fl).split("=")[0] for fl in v]
            if any(n and n in text for n in names):
                out.append(tuple(v))
    return out


def run_check(layout, files=None, jobs=None, variants=()):
    fw, svc = layout.walk_sources()
    if files is not None:
        svc = [f for f in files if layout.is_service(f)]
    work = [("svc", layout, p, v) for p in svc if p.endswith((".c", ".h"))
            for v in _variants_for(p, variants)]
    work += [("asm", layout, p, ()) for p in svc + fw
             if p.endswith((".S", ".s"))]
    work += [("fw", layout, p, ()) for p in fw if p.endswith(".c")]
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(work) > 1:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(min(jobs, len(work))) as pool:
            results = pool.map(run_job, work, chunksize=1)
    else:
        results = [run_job(w) for w in work]
    violations, errors, failures = set(), set(), []
    decls, defined, public = set(), set(), set()
    for r in results:
        if "failure" in r:
            failures.append(r["failure"])
            continue
        violations.update(r.get("violations", ()))
        errors.update(r.get("errors", ()))
        decls.update(r.get("decls", ()))
        defined.update(r.get("defined", ()))
        public.update(r.get("public", ()))
    internal = {}
    for name, where in sorted(defined):
        if name not in public:
            internal.setdefault(name, where)
    for name, rel, line, col in decls:
        if name in internal:
            violations.add((rel, line, col, "R5",
                            "declares '%s', a framework-internal symbol "
                            "defined in %s" % (name, internal[name])))
    if files is None:
        violations.update(check_makefiles(layout))
    return sorted(violations), sorted(errors), failures


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", ".."),
        help="source tree to check (default: this repository)")
    ap.add_argument("--gen-dir", action="append", default=[],
                    help="directory of generated headers (added to the "
                         "service include path and allowed roots)")
    ap.add_argument("--cflag", action="append", default=[],
                    help="extra service compile flag (e.g. -DFOO)")
    ap.add_argument("--variant", action="append", default=[],
                    help="also check files that mention its macros in this "
                         "configuration, e.g. --variant=-DCONFIG_KTEST")
    ap.add_argument("--json", action="store_true", help="JSON output")
    ap.add_argument("-j", "--jobs", type=int, default=0)
    ap.add_argument("files", nargs="*",
                    help="check only these service files (TCB report still "
                         "covers the whole tree)")
    args = ap.parse_args(argv)
    layout = Layout(args.root, [d for d in args.gen_dir if os.path.isdir(d)],
                    args.cflag)
    files = [os.path.abspath(f) if os.path.exists(f)
             else os.path.join(layout.root, f) for f in args.files] or None
    variants = [v.split() for v in args.variant]
    violations, errors, failures = run_check(layout, files, args.jobs,
                                             variants)
    tcb = tcb_report(layout)
    if args.json:
        json.dump({
            "violations": [{"file": f, "line": l, "col": c, "rule": r,
                            "name": RULES[r], "message": m}
                           for f, l, c, r, m in violations],
            "violation_count": len(violations),
            "parse_errors": [{"where": w, "message": m} for w, m in errors],
            "failures": failures,
            "tcb": tcb,
        }, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        for f, l, c, r, m in violations:
            print("%s:%d:%d: %s %s: %s" % (f, l, c, r, RULES[r], m))
        print("framework (kernel/ostd):  %d lines in %d files" % (
            tcb["framework_lines"], tcb["framework_files"]))
        print("services  (rest of kernel): %d lines in %d files" % (
            tcb["service_lines"], tcb["service_files"]))
        print("ktests (*_test.c, not counted): %d lines in %d files" % (
            tcb["test_lines"], tcb["test_files"]))
        print("framework share: %.1f %%" % tcb["framework_share"])
        print("violations: %d" % len(violations))
    for w, m in errors:
        sys.stderr.write("safety_check: note: %s: parse error: %s\n" % (w, m))
    if errors:
        sys.stderr.write("safety_check: note: %d parse error(s); the compiler "
                         "rejects such code, results for it may be "
                         "incomplete\n" % len(errors))
    for f in failures:
        sys.stderr.write("safety_check: internal error: %s\n" % f)
    if failures:
        return 2
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
