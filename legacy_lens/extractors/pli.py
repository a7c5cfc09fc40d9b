"""PL/I programs and include members: a statement-level line parser (no tree-sitter grammar exists).

The source is read inside its margins (``*PROCESS MARGINS(m,n)``, else columns 2-72 as the
compiler does, or from column 1 when column 1 holds code), then scanned once for comments,
strings and statement ends (``;``). Each statement is classified by its keyword after labels and
the ``IF ... THEN``, ``ELSE``, ``WHEN (...)``, ``OTHERWISE`` and ``ON condition`` prefixes that
PL/I lets stand in front of it; a block stack (PROC, DO, BEGIN, SELECT, PACKAGE against END)
gives procedures and nesting.

A member is a ``program`` when it is a compilation unit (an external procedure with
``OPTIONS(MAIN)`` or ``OPTIONS(FETCHABLE)``, a ``PACKAGE``, or a ``*PROCESS`` card); any other
member, with or without procedures in it, is an include member (``copybook``), because that is how
such members are used in practice. EXEC SQL/CICS/DLI are read by ``exec_blocks`` (shared with
COBOL and assembler). DCL ... INIT('literal') items and ``X = 'literal'`` assignments are reported
as data items and moves so that ``legacy_lens.link`` can resolve dynamic targets as it does for COBOL.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from legacy_lens.extractors.common import closing_bracket, member_name
from legacy_lens.extractors.exec_blocks import analyse as analyse_exec
from legacy_lens.extractors.exec_blocks import unquote
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import (
    INFO,
    WARNING,
    DataItem,
    Definition,
    Diagnostic,
    Extraction,
    FileAssign,
    LineCounts,
    Metrics,
    Move,
    ParseQuality,
    Reference,
)

NAME = r"(?:[^\W\d]|[#@$])[\w#@$]*"
_NAME_RE = re.compile(NAME)
_LOAD_MODULE = re.compile(r"^[A-Z@#$][A-Z0-9@#$]{0,7}$")
_PROCESS = re.compile(r"^[%*]\s*PROCESS\b", re.IGNORECASE)
_MARGINS = re.compile(r"\bMAR(?:GINS)?\s*\(\s*(\d+)\s*,\s*(\d+)", re.IGNORECASE)
# Library-manager includes written as lines of their own (Panvalet ``++INCLUDE``, Librarian ``-INC``).
_LIB_INCLUDE = re.compile(r"^\s*(?P<kind>\+\+INCLUDE|-INC)\s+(?P<name>[A-Za-z0-9@#$_]+)", re.IGNORECASE)
_LABELS = re.compile(rf"\s*(?:{NAME}\s*:\s*)+")
_LABEL = re.compile(rf"({NAME})\s*:")
_COND_PREFIX = re.compile(r"\s*\(\s*[A-Za-z][A-Za-z\s,]*\)\s*:")
_WORD = re.compile(rf"\s*(?P<w>%?\s*{NAME})")
_THEN_OR_PAREN = re.compile(r"[()]|\bTHEN\b", re.IGNORECASE)
_INNER_DIRECTIVE = re.compile(r"%\s*(?:X?INCLUDE|SKIP|PAGE|PRINT|NOPRINT|PUSH|POP|NOTE)\b", re.IGNORECASE)
_STRING_SPAN = re.compile(r"'x*'|\"x*\"")
_BOOL_OPS = re.compile(r"&|(?<!\|)\|(?!\|)")
_PROC_OPTIONS = re.compile(r"\bOPTIONS\s*\((?P<opts>[^()]*(?:\([^()]*\)[^()]*)*)\)", re.IGNORECASE)
_INIT = re.compile(r"\b(?:INIT(?:IAL)?|VALUE)\s*\(", re.IGNORECASE)
_FILE_OPT = re.compile(rf"\bFILE\s*\(\s*(?P<f>{NAME})\s*\)", re.IGNORECASE)
_TITLE = re.compile(r"\bTITLE\s*\(", re.IGNORECASE)
_ASSIGN = re.compile(rf"^\s*(?P<t>{NAME}(?:\s*\.\s*{NAME})*)\s*(?P<sub>\([^()]*\))?\s*=(?!=)(?P<src>.*)",
                     re.DOTALL)

# Words that begin a PL/I statement (after labels and IF/ELSE/WHEN/ON prefixes), and preprocessor statements.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_KEYWORDS = _words("""
ALLOCATE ALLOC ASSERT ATTACH BEGIN CALL CLOSE DCL DECLARE DEFAULT DFT DEFINE DELAY DELETE DETACH DISPLAY DO
ELSE END ENTRY EXEC EXIT FETCH FLUSH FORMAT FREE GET GO GOTO IF ITERATE LEAVE LOCATE ON OPEN OTHER
OTHERWISE PACKAGE PROC PROCEDURE PUT READ REINIT RELEASE RESIGNAL RETURN REVERT REWRITE SELECT SIGNAL STOP
UNLOCK WAIT WHEN WRITE
""")
_PREPROCESSOR = _words("""
%INCLUDE %XINCLUDE %SKIP %PAGE %PRINT %NOPRINT %PUSH %POP %NOTE %PROCESS %DCL %DECLARE %IF %THEN %ELSE %DO
%END %ACTIVATE %ACT %DEACTIVATE %DEACT %REPLACE %GO %GOTO %INSCAN %XINSCAN %LINE %OPTION %ASSERT %SELECT
%WHEN %OTHERWISE %OTHER %ITERATE %LEAVE %RETURN %NOTE %PROC %PROCEDURE
""")
# Built-in subroutines of the PL/I library: calls to them are not calls to load modules.
_BUILTIN_SUBROUTINES = _words("""
PLIDUMP PLIRETC PLISRTA PLISRTB PLISRTC PLISRTD PLITEST PLICKPT PLIREST PLICANC PLIASCII PLIEBCDIC PLIFILL
PLIMOVE PLIOVER PLIFREE PLISAXA PLISAXB PLISAXC PLISAXD PLIXHD PLIXLEN PLITRAN11 PLITRAN12 PLITRAN21
PLITRAN22
""")
_OPEN_MODES = {"INPUT": "INPUT", "OUTPUT": "OUTPUT", "UPDATE": "I-O"}
_USE_MODES = {"READ": "INPUT", "GET": "INPUT", "WRITE": "OUTPUT", "LOCATE": "OUTPUT", "PUT": "OUTPUT",
              "REWRITE": "I-O", "DELETE": "I-O"}
_MAX_PREFIXES = 64  # IF/ELSE/WHEN/ON prefixes peeled off one statement; more is garbage, not PL/I
_STRING_REACH = 4000  # a string literal longer than this is taken to be unterminated
# Control characters (a DOS end-of-file Ctrl-Z, form feeds, stray NULs) are blanks to the parser.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_NEWLINE = re.compile(r"[^\n]")


@dataclass(slots=True)
class _Stmt:
    start: int  # offsets in the cleaned text
    end: int
    line: int
    end_line: int
    # A preprocessor statement written inside another statement is cut out of it: its own text.
    code: str | None = None
    masked: str | None = None


@dataclass(slots=True)
class _Block:
    kind: str  # proc | do | begin | select | package
    labels: tuple[str, ...]
    line: int
    proc: int = -1  # index into _Extractor.procs for a proc block


@dataclass(slots=True)
class _Proc:
    name: str
    line: int
    depth: int  # 0 = external procedure
    end_line: int = 0
    options: str = ""
    entries: list[tuple[str, int]] = field(default_factory=list)


@dataclass(slots=True)
class _File:
    name: str
    line: int
    declared: bool = False
    title: str = ""
    explicit: set[str] = field(default_factory=set)
    implicit: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Scanned:
    code: str  # margin text with comments blanked (same length as ``masked``)
    masked: str  # ``code`` with the inside of string literals replaced by ``x``
    starts: list[int]  # offset of each line in ``code``
    statements: list[_Stmt]
    comment_rows: set[int]  # 0-based rows holding comment text
    diagnostics: list[Diagnostic]


def _margins(lines: list[str]) -> tuple[int, int | None, bool]:
    """(left column, right column or None, whether a *PROCESS card set them)."""
    for line in lines[:50]:
        if _PROCESS.match(line.lstrip()[:10]) and (m := _MARGINS.search(line)):
            first, last = int(m.group(1)), int(m.group(2))
            if 1 <= first <= last:
                return first, last, True
    long_lines = [ln.rstrip() for ln in lines if len(ln.rstrip()) > 72]
    right: int | None = 72
    if any(len(ln) > 80 for ln in long_lines):
        numbered = sum(1 for ln in long_lines if ln[72:80].strip().isdigit())
        if numbered * 2 < len(long_lines):
            right = None  # free-form source: lines run past the card width with code, not sequence numbers
    left = 2
    for line in lines:
        column1 = line[:1]
        if column1 and column1 not in " \t01-+*" and not _PROCESS.match(line) and line.strip():
            left = 1  # column 1 holds code: the source was written for MARGINS(1,...)
            break
    return left, right, False


def _scan(text: str, path: str) -> tuple[_Scanned, list[str], int, list[tuple[str, str, int]]]:
    """Cut margins, blank comments, mask strings, split statements at ``;``."""
    raw = _CONTROLS.sub(" ", text).split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    raw = [ln.rstrip("\r") for ln in raw]
    left, right, _ = _margins(raw)
    diagnostics: list[Diagnostic] = []
    lib_includes: list[tuple[str, str, int]] = []
    pieces: list[str] = []
    for index, line in enumerate(raw):
        if _PROCESS.match(line):
            pieces.append("")  # compiler options, not source
            continue
        lib = _LIB_INCLUDE.match(line)
        if lib:
            lib_includes.append((lib.group("name").upper(), lib.group("kind").upper(), index + 1))
            pieces.append("")
            continue
        body = line[left - 1:right] if right else line[left - 1:]
        pieces.append(body.replace("\t", " "))
    src = "\n".join(pieces)
    starts = [0]
    for piece in pieces[:-1]:
        starts.append(starts[-1] + len(piece) + 1)
    code = list(src)
    masked = list(src)
    comment_rows: set[int] = set()
    spans: list[tuple[int, int]] = []
    inner: list[_Stmt] = []
    seg_start = 0
    open_text = False
    token = re.compile(r"/\*|'|\"|;")
    n = len(src)
    pos = 0
    stmt_start = 0

    def row(offset: int) -> int:
        return bisect_right(starts, offset) - 1

    while pos < n:
        m = token.search(src, pos)
        if m is None:
            break
        tok = m.group(0)
        at = m.start()
        if tok == "/*":
            close = src.find("*/", at + 2)
            stop = n if close < 0 else close + 2
            if close < 0:
                diagnostics.append(Diagnostic(path, WARNING, "PLI-UNTERMINATED-COMMENT",
                                              "comment opened with /* is never closed; the rest of the member is "
                                              "read as a comment", row(at) + 1))
            blank = list(_NOT_NEWLINE.sub(" ", src[at:stop]))
            code[at:stop] = blank
            masked[at:stop] = blank
            comment_rows.update(range(row(at), row(max(at, stop - 1)) + 1))
            pos = stop
        elif tok in "'\"":
            k = at + 1
            limit = min(n, at + _STRING_REACH)
            close = -1
            while k < limit:
                q = src.find(tok, k, limit)
                if q < 0:
                    break
                if q + 1 < n and src[q + 1] == tok:
                    k = q + 2
                    continue
                close = q
                break
            if close < 0:
                eol = src.find("\n", at)
                eol = n if eol < 0 else eol
                diagnostics.append(Diagnostic(path, WARNING, "PLI-UNTERMINATED-STRING",
                                              f"string literal opened with {tok} is not closed; it and its statement "
                                              "are taken to end at the end of the line", row(at) + 1))
                masked[at + 1:eol] = list("x" * (eol - at - 1))
                spans.append((stmt_start, eol))
                stmt_start = seg_start = pos = eol + 1
                open_text = False
                continue
            if close > at + 1:
                masked[at + 1:close] = list(_NOT_NEWLINE.sub("x", src[at + 1:close]))
            pos = close + 1
        else:
            # Only the text since the last semicolon is searched, so a long statement with many directives
            # inside it is read once.
            segment = "".join(masked[seg_start:at])
            directives = list(_INNER_DIRECTIVE.finditer(segment))
            directive = directives[-1] if directives else None
            if directive and (open_text or segment[:directive.start()].strip()):
                # ``DCL 1 S, 2 A FIXED, %INCLUDE MORE; 2 B ...;``: the directive ends at this semicolon and the
                # statement around it goes on after it.
                begin = seg_start + directive.start()
                inner.append(_stmt(segment, directive.start(), len(segment), starts, seg_start,
                                   "".join(code[begin:at]), segment[directive.start():]))
                blank = list(_NOT_NEWLINE.sub(" ", src[begin:at + 1]))
                code[begin:at + 1] = blank
                masked[begin:at + 1] = blank
                open_text = True
            else:
                spans.append((stmt_start, at))
                stmt_start = at + 1
                open_text = False
            seg_start = at + 1
            pos = at + 1
    spans.append((stmt_start, n))
    scanned = _Scanned("".join(code), "".join(masked), starts, [], comment_rows, diagnostics)
    statements = [_stmt(scanned.masked, a, b, starts) for a, b in spans if scanned.masked[a:b].strip()]
    scanned.statements = sorted([*statements, *inner], key=lambda st: st.start)
    return scanned, raw, left, lib_includes


def _stmt(masked: str, start: int, end: int, starts: list[int], base: int = 0, code: str | None = None,
          own: str | None = None) -> _Stmt:
    """A statement at ``masked[start:end]`` (offsets relative to ``base`` in the whole text)."""
    text = masked[start:end]
    lead = len(text) - len(text.lstrip())
    first = bisect_right(starts, base + start + lead) - 1
    last = bisect_right(starts, base + max(start, end - 1)) - 1
    return _Stmt(base + start + lead, base + end, first + 1, max(first, last) + 1, code, own)


def _split_top(text: str, sep: str = ",") -> list[tuple[int, int]]:
    """Spans of ``text`` between separators at parenthesis depth 0 (``text`` is masked)."""
    spans: list[tuple[int, int]] = []
    depth = 0
    begin = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0:
            spans.append((begin, i))
            begin = i + 1
    spans.append((begin, len(text)))
    return spans


def _literal_values(code: str, masked: str) -> tuple[str, ...]:
    """The string literals in ``code`` (found through ``masked``), unquoted."""
    return tuple(unquote(code[m.start():m.end()]) for m in _STRING_SPAN.finditer(masked)
                 if not masked[m.end():m.end() + 1].isalnum())  # '1'B, 'C1'X: bit and hex strings


class _Extractor:
    def __init__(self, text: str, path: str, spec: LanguageSpec) -> None:
        self.path = path
        self.spec = spec
        self.member = member_name(path)
        self.scanned, self.raw, self.left, self.lib_includes = _scan(text, path)
        self.diagnostics: list[Diagnostic] = list(self.scanned.diagnostics)
        self.references: list[Reference] = []
        self.seen: set[tuple[str, str, str, int]] = set()
        self.procs: list[_Proc] = []
        self.stack: list[_Block] = []
        self.control_depth = 0
        self.open_procs: list[int] = []
        self.label_positions: dict[str, list[int]] = {}
        self.entries_declared: dict[str, tuple[bool, int]] = {}  # name -> (is variable, line)
        self.builtins: set[str] = set()
        self.files: dict[str, _File] = {}
        self.values: list[DataItem] = []
        self.assignments: list[tuple[str, str, int, bool, bool]] = []  # target, source, line, literal, subscripted
        self.calls: list[tuple[str, int, str]] = []  # target, line, via
        self.fetches: list[tuple[str, int, bool]] = []  # name, line, dynamic
        self.includes: list[tuple[str, int, str, str]] = []  # member, line, via, detail
        self.execs: list[tuple[str, str, int]] = []
        self.complexity = 1
        self.max_nesting = 0
        self.gotos = 0
        self.unclassified_rows: set[int] = set()
        self.is_package = False
        self.package_name = ""
        self.package_line = 0
        self.process_card = any(_PROCESS.match(ln) for ln in self.raw[:200])
        self.parameters: set[str] = set()
        self.dcl_spans: list[tuple[int, int]] = []  # offsets of DECLARE statements
        self.first_proc: _Proc | None = None
        self._code_rows: set[int] | None = None

    # -- statements -------------------------------------------------------------------
    def run(self) -> Extraction:
        sc = self.scanned
        for stmt in sc.statements:
            if stmt.code is not None and stmt.masked is not None:
                self.statement(stmt, stmt.code, stmt.masked)
            else:
                self.statement(stmt, sc.code[stmt.start:stmt.end], sc.masked[stmt.start:stmt.end])
        last_line = max(1, len(self.raw))
        while self.stack:
            block = self.pop()
            if block.proc >= 0:
                self.procs[block.proc].end_line = last_line
                if self.procs[block.proc].depth == 0:
                    self.diagnostics.append(Diagnostic(
                        self.path, INFO, "PLI-NO-END", f"procedure {self.procs[block.proc].name} has no END "
                        "statement; it is taken to run to the end of the member", self.procs[block.proc].line))
        return self.result()

    def depth(self) -> int:
        return self.control_depth

    def push(self, block: _Block) -> None:
        """Open a block; counters and label positions keep every step O(1) however deep the nesting."""
        for label in block.labels:
            self.label_positions.setdefault(label, []).append(len(self.stack))
        self.stack.append(block)
        if block.kind in ("do", "begin", "select"):
            self.control_depth += 1
        elif block.proc >= 0:
            self.open_procs.append(block.proc)

    def pop(self) -> _Block:
        block = self.stack.pop()
        for label in block.labels:
            positions = self.label_positions.get(label)
            if positions:
                positions.pop()
        if block.kind in ("do", "begin", "select"):
            self.control_depth -= 1
        elif block.proc >= 0 and self.open_procs:
            self.open_procs.pop()
        return block

    def statement(self, stmt: _Stmt, code: str, masked: str) -> None:
        labels: list[str] = []
        pos = 0
        for _ in range(_MAX_PREFIXES):
            cond = _COND_PREFIX.match(masked, pos)
            if cond:
                pos = cond.end()
                continue
            lab = _LABELS.match(masked, pos)
            if lab and not masked[lab.end():].lstrip().startswith("="):
                labels.extend(x.upper() for x in _LABEL.findall(lab.group(0)))
                pos = lab.end()
            word = _WORD.match(masked, pos)
            keyword = re.sub(r"\s+", "", word.group("w")).upper() if word else ""
            after = word.end() if word else pos
            then = self._then(masked, after) if keyword == "IF" else (len(masked), len(masked))
            if keyword == "IF" and (then[0] < len(masked) or not self._assignment_ahead(masked, after)):
                cond_text = masked[after:then[0]]
                self.complexity += 1 + len(_BOOL_OPS.findall(cond_text))
                self.max_nesting = max(self.max_nesting, self.depth() + 1)
                pos = then[1]
                labels = []
                continue
            if keyword == "ELSE" and not self._assignment_ahead(masked, after):
                pos = after
                labels = []
                continue
            if keyword == "WHEN" and masked[after:].lstrip().startswith("("):
                open_at = masked.index("(", after)
                close = closing_bracket(masked, open_at)
                inner = masked[open_at + 1:close - 1]
                self.complexity += len(_split_top(inner)) + len(_BOOL_OPS.findall(inner))
                pos = close
                labels = []
                continue
            if keyword in ("OTHERWISE", "OTHER") and not self._assignment_ahead(masked, after):
                pos = after
                labels = []
                continue
            if keyword == "ON" and not self._assignment_ahead(masked, after):
                cond_word = _WORD.match(masked, after)
                if cond_word:
                    pos = cond_word.end()
                    rest = masked[pos:].lstrip()
                    if rest.startswith("("):
                        pos = closing_bracket(masked, masked.index("(", pos))
                    snap = re.match(r"\s*SNAP\b", masked[pos:], re.IGNORECASE)
                    if snap:
                        pos += snap.end()
                    self.complexity += 1
                    labels = []
                    if re.match(r"\s*SYSTEM\s*$", masked[pos:], re.IGNORECASE):
                        return
                    continue
            break
        body_code = code[pos:]
        body = masked[pos:]
        word = _WORD.match(body)
        keyword = re.sub(r"\s+", "", word.group("w")).upper() if word else ""
        rest_at = word.end() if word else 0
        line = stmt.line
        if not body.strip():
            return  # null statement (a label alone, or a bare ON-unit)
        if keyword in ("PROC", "PROCEDURE", "PACKAGE") and labels and not self._assignment_ahead(body, rest_at):
            self._proc(keyword, labels, body, line)
            return
        if keyword == "ENTRY" and labels and not self._assignment_ahead(body, rest_at):
            owner = self.open_procs[-1] if self.open_procs else -1
            if owner >= 0:
                self.procs[owner].entries.extend((label, line) for label in labels)
            return
        if keyword in ("DO", "BEGIN", "SELECT") and not self._assignment_ahead(body, rest_at):
            if keyword == "DO":
                loop = body[rest_at:]
                if re.search(r"\b(WHILE|UNTIL|TO|BY|REPEAT|UPTHRU|DOWNTHRU)\b|\bLOOP\b|\bFOREVER\b|=", loop,
                             re.IGNORECASE):
                    self.complexity += 1 + len(_BOOL_OPS.findall(loop))
            self.push(_Block(keyword.lower(), tuple(labels), line))
            self.max_nesting = max(self.max_nesting, self.depth())
            return
        if keyword == "END" and not self._assignment_ahead(body, rest_at):
            target = _WORD.match(body, rest_at)
            self._end(target.group("w").upper() if target else "", stmt.end_line)
            return
        self._simple(keyword, body_code, body, rest_at, line, stmt)

    @staticmethod
    def _assignment_ahead(masked: str, at: int) -> bool:
        """True when the word before ``at`` is the target of an assignment (PL/I has no reserved words)."""
        rest = masked[at:].lstrip()
        if rest.startswith("("):
            close = closing_bracket(rest, 0)
            rest = rest[close:].lstrip()
        return rest.startswith(("=", ".", "->")) or (rest.startswith(",") and "=" in rest)

    @staticmethod
    def _then(masked: str, at: int) -> tuple[int, int]:
        """(start, end) of the THEN that ends an IF condition starting at ``at`` (depth 0)."""
        depth = 0
        for m in _THEN_OR_PAREN.finditer(masked, at):
            tok = m.group(0)
            if tok == "(":
                depth += 1
            elif tok == ")":
                depth = max(0, depth - 1)
            elif depth == 0:
                return m.start(), m.end()
        return len(masked), len(masked)

    def _proc(self, keyword: str, labels: list[str], body: str, line: int) -> None:
        depth = len(self.open_procs)
        if keyword == "PACKAGE":
            self.is_package = True
            self.package_name = self.package_name or labels[0]
            self.package_line = self.package_line or line
            self.push(_Block("package", tuple(labels), line))
            return
        opts = _PROC_OPTIONS.search(body)
        params = re.match(r"\s*(?:PROC|PROCEDURE)\s*\(([^()]*)\)", body, re.IGNORECASE)
        if params:
            self.parameters.update(n.upper() for n in _NAME_RE.findall(params.group(1)))
        proc = _Proc(name=labels[0], line=line, depth=depth,
                     options=" ".join(opts.group("opts").upper().split()) if opts else "")
        proc.entries.extend((label, line) for label in labels[1:])
        self.procs.append(proc)
        self.push(_Block("proc", tuple(labels), line, len(self.procs) - 1))

    def _end(self, name: str, end_line: int) -> None:
        if not self.stack:
            self.diagnostics.append(Diagnostic(self.path, INFO, "PLI-UNMATCHED-END",
                                               "END with no open PROC, DO, BEGIN or SELECT", end_line))
            return
        count = 1
        positions = self.label_positions.get(name) if name else None
        if positions:
            count = len(self.stack) - positions[-1]  # END name closes every block up to the one labelled name
        for _ in range(count):
            block = self.pop()
            if block.proc >= 0:
                self.procs[block.proc].end_line = end_line

    def _simple(self, keyword: str, code: str, masked: str, rest_at: int, line: int, stmt: _Stmt) -> None:
        if keyword in ("%INCLUDE", "%XINCLUDE"):
            self._include(code[rest_at:], masked[rest_at:], line, keyword)
        elif keyword.startswith("%"):
            if keyword not in _PREPROCESSOR and not self._assignment_ahead(masked, rest_at):
                self.unclassified_rows.update(range(stmt.line, stmt.end_line + 1))
        elif keyword in ("DCL", "DECLARE") and not self._assignment_ahead(masked, rest_at):
            self.dcl_spans.append((stmt.start, stmt.end))
            self._declare(code[rest_at:], masked[rest_at:], line)
        elif keyword == "CALL" and not self._assignment_ahead(masked, rest_at):
            target = _WORD.match(masked, rest_at)
            if target:
                self.calls.append((target.group("w").strip().upper(), line, "literal"))
        elif keyword == "FETCH" and not self._assignment_ahead(masked, rest_at):
            self._fetch(code[rest_at:], masked[rest_at:], line)
        elif keyword == "EXEC" and not self._assignment_ahead(masked, rest_at):
            kind = _WORD.match(masked, rest_at)
            if kind:
                block = " ".join(code[kind.end():].split())
                self.execs.append((kind.group("w").strip().upper(), block, line))
        elif keyword == "OPEN" and not self._assignment_ahead(masked, rest_at):
            self._open(code[rest_at:], masked[rest_at:], line)
        elif keyword in _USE_MODES and not self._assignment_ahead(masked, rest_at):
            for m in _FILE_OPT.finditer(masked, rest_at):
                self._file(m.group("f").upper(), line).implicit.add(_USE_MODES[keyword])
        elif keyword in ("GO", "GOTO") and not self._assignment_ahead(masked, rest_at):
            self.gotos += 1
        elif self._assignment_ahead(masked, rest_at):
            self._assignment(code, masked, line)
        elif keyword in _KEYWORDS:
            return
        else:
            self.unclassified_rows.update(range(stmt.line, stmt.end_line + 1))

    def _include(self, code: str, masked: str, line: int, keyword: str) -> None:
        for a, b in _split_top(masked):
            part, part_code = masked[a:b].strip(), code[a:b].strip()
            if not part:
                continue
            detail = ""
            lit = _STRING_SPAN.search(part)
            if lit:
                value = unquote(part_code[lit.start():lit.end()]) if len(part_code) >= lit.end() else ""
                member = PurePosixPath(value.replace("\\", "/")).name.split(".", 1)[0].upper()
                detail = f"file={value}"
            else:
                m = re.match(rf"({NAME})\s*(?:\(\s*({NAME})\s*\))?", part)
                if not m:
                    continue
                if m.group(2):
                    member, detail = m.group(2).upper(), f"ddname={m.group(1).upper()}"
                else:
                    member = m.group(1).upper()
            if member:
                via = "pli-xinclude" if keyword == "%XINCLUDE" else "pli-include"
                self.includes.append((member, line, via, detail))

    def _declare(self, code: str, masked: str, line: int) -> None:
        for a, b in _split_top(masked):
            part, part_code = masked[a:b], code[a:b]
            m = re.match(rf"\s*(?:\d+\s+)?(?:(?P<name>{NAME})|\((?P<names>[^()]*)\))", part)
            if not m:
                continue
            names = [m.group("name")] if m.group("name") else _NAME_RE.findall(m.group("names") or "")
            attrs = part[m.end():]
            attrs_code = part_code[m.end():]
            words = {w.upper() for w in _NAME_RE.findall(attrs)}
            for raw_name in names:
                name = raw_name.upper()
                if "BUILTIN" in words:
                    self.builtins.add(name)
                    continue
                if "ENTRY" in words:
                    self.entries_declared[name] = ("VARIABLE" in words, line)
                if "FILE" in words:
                    f = self._file(name, line)
                    f.declared = True
                    f.line = line
                    f.explicit.update(_OPEN_MODES[w] for w in words & _OPEN_MODES.keys())
                init = _INIT.search(attrs)
                if init:
                    close = closing_bracket(attrs, init.end() - 1)
                    values = _literal_values(attrs_code[init.end():close - 1], attrs[init.end():close - 1])
                    if values:
                        self.values.append(DataItem(level=77, name=name, line=line, values=values))

    def _fetch(self, code: str, masked: str, line: int) -> None:
        for a, b in _split_top(masked):
            part, part_code = masked[a:b], code[a:b]
            m = re.match(rf"\s*({NAME})", part)
            if not m:
                continue
            title = _TITLE.search(part)
            if title:
                close = closing_bracket(part, title.end() - 1)
                inner, inner_code = part[title.end():close - 1], part_code[title.end():close - 1]
                values = _literal_values(inner_code, inner)
                if values:
                    self.fetches.append((values[0].strip().upper(), line, False))
                else:
                    ident = _NAME_RE.search(inner)
                    if ident:
                        self.fetches.append((ident.group(0).upper(), line, True))
                continue
            self.fetches.append((m.group(1).upper(), line, False))

    def _open(self, code: str, masked: str, line: int) -> None:
        for a, b in _split_top(masked):
            part, part_code = masked[a:b], code[a:b]
            f = _FILE_OPT.search(part)
            if not f:
                continue
            entry = self._file(f.group("f").upper(), line)
            words = {w.upper() for w in _NAME_RE.findall(part)}
            entry.explicit.update(_OPEN_MODES[w] for w in words & _OPEN_MODES.keys())
            title = _TITLE.search(part)
            if title:
                close = closing_bracket(part, title.end() - 1)
                values = _literal_values(part_code[title.end():close - 1], part[title.end():close - 1])
                if values and _LOAD_MODULE.match(values[0].strip().upper()):
                    entry.title = values[0].strip().upper()
                else:
                    self.diagnostics.append(Diagnostic(
                        self.path, INFO, "PLI-DYNAMIC-TITLE", f"FILE({entry.name}) is opened with a TITLE that is "
                        "not a DD name literal; its DD name is known only at run time", line))

    def _file(self, name: str, line: int) -> _File:
        f = self.files.get(name)
        if f is None:
            f = self.files[name] = _File(name=name, line=line)
        return f

    def _assignment(self, code: str, masked: str, line: int) -> None:
        m = _ASSIGN.match(masked)
        if not m or "," in m.group("t"):
            return
        target = m.group("t").replace(" ", "").upper()
        src_masked = m.group("src").strip()
        src_code = code[m.start("src"):m.end("src")].strip()
        if re.fullmatch(r"'x*'|\"x*\"", src_masked):
            self.assignments.append((target, unquote(src_code), line, True, bool(m.group("sub"))))
        elif re.fullmatch(rf"{NAME}(?:\s*\.\s*{NAME})*", src_masked):
            self.assignments.append((target, src_masked.replace(" ", "").upper(), line, False, False))

    # -- result -----------------------------------------------------------------------
    def owner(self) -> tuple[str, str, str]:
        """(kind, name, detail) of the component this member defines."""
        externals = [p for p in self.procs if p.depth == 0]
        main = next((p for p in externals if re.search(r"\b(MAIN|FETCHABLE)\b", p.options)), None)
        unit = self.is_package or main is not None or (bool(externals) and self.process_card)
        if not unit:
            detail = "procedures" if self.procs else ""
            return "copybook", self.member, detail
        first = main or (externals[0] if externals else None)
        self.first_proc = first
        entry = first.name.upper() if first else ""
        name = self.member if _LOAD_MODULE.match(self.member) else (entry or self.member)
        parts = []
        if first and entry != name:
            parts.append(f"entry={entry}")
        if first and first.options:
            parts.append(f"options={first.options}")
        if self.is_package:
            parts.append(f"package={self.package_name}" if self.package_name else "package")
        return "program", name, "; ".join(parts)

    def add_ref(self, ref: Reference) -> None:
        key = (ref.kind, ref.target_kind, ref.target, ref.line)
        if key in self.seen:
            return
        self.seen.add(key)
        self.references.append(ref)

    def result(self) -> Extraction:
        kind, name, detail = self.owner()
        owner = f"{kind}:{name}"
        last_line = max(1, len(self.raw))
        first_line = self.first_proc.line if kind == "program" and self.first_proc else 1
        if kind == "program" and self.package_line:
            first_line = self.package_line
        definitions = [Definition(kind=kind, name=name, line=first_line, end_line=last_line, detail=detail)]
        internal = {p.name.upper() for p in self.procs}
        for p in self.procs:
            if p is self.first_proc and kind == "program":
                if p.name.upper() != name:
                    definitions.append(Definition(kind="entry", name=p.name.upper(), line=p.line, parent=owner,
                                                  detail="external procedure"))
            elif p.depth == 0 and kind == "program":
                # Another external procedure of the compilation unit (a PACKAGE exports several): an entry point.
                definitions.append(Definition(kind="entry", name=p.name.upper(), line=p.line, parent=owner,
                                              detail="external procedure"))
            else:
                definitions.append(Definition(
                    kind="routine", name=f"{name}.{p.name.upper()}", line=p.line, end_line=p.end_line or None,
                    parent=owner, detail="external procedure" if p.depth == 0 else "internal procedure"))
            for entry, line in p.entries:
                internal.add(entry)
                definitions.append(Definition(kind="entry", name=entry, line=line, parent=owner,
                                              detail=f"ENTRY of {p.name.upper()}"))
        for member, line, via, inc_detail in sorted(
                [*self.includes, *((m, ln, "panvalet-include" if k == "++INCLUDE" else "librarian-include", "")
                                   for m, k, ln in self.lib_includes)], key=lambda x: x[1]):
            self.add_ref(Reference(owner, "includes", "copybook", member, line, via, detail=inc_detail))
        for exec_kind, text, line in self.execs:
            found = analyse_exec(exec_kind, text, owner, line, self.path, "PLI")
            for ref in found.references:
                self.add_ref(ref)
            definitions.extend(found.definitions)
            self.diagnostics.extend(found.diagnostics)
        called: set[str] = set()
        for target, line, _via in self.calls:
            if target in internal or target in self.builtins or target in _BUILTIN_SUBROUTINES:
                continue
            called.add(target)
            declared = self.entries_declared.get(target)
            if (declared and declared[0]) or target in self.parameters:
                self.add_ref(Reference(owner, "calls", "program", target, line, "identifier", dynamic=True,
                                       detail="CALL of an ENTRY variable or parameter"))
            elif declared:
                self.add_ref(Reference(owner, "calls", "program", target, line, "literal"))
            else:
                # Not declared here: an external entry declared in an include, or a procedure that an
                # include member brings in. Only a definition elsewhere in the scan makes it a call.
                self.add_ref(Reference(owner, "calls", "program", target, line, "literal", optional=True,
                                       detail="no ENTRY declaration in this member"))
        for target, line, dynamic in self.fetches:
            called.add(target)
            self.add_ref(Reference(owner, "calls", "program", target, line, "identifier" if dynamic else "pli-fetch",
                                   dynamic=dynamic, detail="FETCH"))
        self._function_references(owner, internal, called)
        data_items = list(self.values)
        data_items.extend(DataItem(level=0, name=m, line=ln) for m, ln, _v, _d in self.includes)
        data_items.sort(key=lambda item: item.line)
        entry_constants = {n for n, (variable, _) in self.entries_declared.items() if not variable} | internal
        moves = [Move(program=name, source=src, target=tgt, line=ln, literal=lit or src in entry_constants,
                      subscripted=sub) for tgt, src, ln, lit, sub in self.assignments]
        assigns = []
        if kind == "program":
            for f in sorted(self.files.values(), key=lambda f: f.name):
                modes = f.explicit or f.implicit
                assigns.append(FileAssign(program=name, select_name=f.name, ddname=f.title or f.name[:8],
                                          modes=tuple(sorted(modes)), line=f.line))
        lines = self.line_counts()
        metrics = Metrics(
            code_lines=lines.code, comment_lines=lines.comment, blank_lines=lines.blank,
            complexity=self.complexity, max_nesting=self.max_nesting,
            paragraphs=sum(1 for d in definitions if d.kind == "routine"), goto_count=self.gotos,
            dead_paragraphs=self.dead_routines(name) if kind == "program" else ())
        unclassified = sum(1 for r in self.unclassified_rows if r - 1 in self.code_rows)
        ratio = unclassified / lines.code if lines.code else 0.0
        if unclassified:
            first = min(self.unclassified_rows)
            self.diagnostics.append(Diagnostic(
                self.path, INFO if ratio < 0.2 else WARNING, "PLI-UNCLASSIFIED",
                f"{unclassified} code line(s) hold statements that are not PL/I as read here (first: line {first})",
                first))
        return Extraction(
            definitions=tuple(definitions),
            references=tuple(self.references),
            metrics=((owner, metrics),),
            data_items=((owner, tuple(data_items)),) if data_items else (),
            moves=tuple(moves),
            file_assigns=tuple(assigns),
            diagnostics=tuple(self.diagnostics),
            lines=lines,
            parse=ParseQuality(status="line-parser", parser="line:pli", error_ratio=round(ratio, 4),
                               fallback_used=False, fallback_lines=unclassified),
        )

    def _function_references(self, owner: str, internal: set[str], called: set[str]) -> None:
        """An external ENTRY constant used in an expression (``X = F(A)``) is a call of that program."""
        wanted = {n for n, (variable, _) in self.entries_declared.items()
                  if not variable and n not in called and n not in internal and n not in _BUILTIN_SUBROUTINES}
        if not wanted:
            return
        masked = self.scanned.masked
        span_starts = [a for a, _ in self.dcl_spans]
        for m in _NAME_RE.finditer(masked):
            upper = m.group(0).upper()
            if upper not in wanted:
                continue
            k = bisect_right(span_starts, m.start()) - 1
            if k >= 0 and self.dcl_spans[k][0] <= m.start() < self.dcl_spans[k][1]:
                continue
            line = bisect_right(self.scanned.starts, m.start())
            wanted.discard(upper)
            self.add_ref(Reference(owner, "calls", "program", upper, line, "pli-function",
                                   detail="ENTRY used in an expression"))
            if not wanted:
                return

    @property
    def code_rows(self) -> set[int]:
        cached = self._code_rows
        if cached is None:
            masked = self.scanned.masked
            starts = self.scanned.starts
            cached = set()
            for i, begin in enumerate(starts):
                end = starts[i + 1] - 1 if i + 1 < len(starts) else len(masked)
                if masked[begin:end].strip():
                    cached.add(i)
            self._code_rows = cached
        return cached

    def line_counts(self) -> LineCounts:
        code = comment = blank = 0
        rows = self.code_rows
        lib_rows = {ln - 1 for _, _, ln in self.lib_includes}
        process_rows = {i for i, ln in enumerate(self.raw) if _PROCESS.match(ln)}
        for i in range(len(self.raw)):
            if i in rows or i in lib_rows or i in process_rows:
                code += 1
            elif i in self.scanned.comment_rows:
                comment += 1
            else:
                blank += 1
        return LineCounts(code=code, comment=comment, blank=blank)

    def dead_routines(self, program: str) -> tuple[str, ...]:
        """Internal procedures whose name appears only in their own PROC and END statements."""
        inner = [p for p in self.procs if p.depth > 0 and not p.entries]
        if not inner:
            return ()
        own: dict[str, set[int]] = {}
        for p in inner:
            own.setdefault(p.name.upper(), set()).update((p.line, p.end_line))
        used: set[str] = set()
        starts = self.scanned.starts
        for m in _NAME_RE.finditer(self.scanned.masked):
            upper = m.group(0).upper()
            if upper in own and upper not in used and bisect_right(starts, m.start()) not in own[upper]:
                used.add(upper)
        return tuple(f"{program}.{p.name.upper()}" for p in inner if p.name.upper() not in used)


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Extract facts from one PL/I program or include member. Never raises on bad input."""
    return _Extractor(text, path, spec).run()


__all__ = ["extract"]
