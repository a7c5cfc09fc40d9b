"""Delphi / Object Pascal extractor: units (``.pas``), programs and libraries (``.dpr``), packages (``.dpk``)
and forms (``.dfm``, ``.xfm``, ``.fmx``, ``.lfm``).

Two readers work together. A token reader (comments, strings and compiler directives understood) reads
what the grammar gets wrong and what must never be lost: the unit header, every ``uses`` list with its
section (interface or implementation) and the ``{$IFDEF}`` branch each unit sits in (units of every
branch are kept), ``uses X in 'path'`` of a program, ``requires``/``contains`` of a package and
``{$R *.dfm}`` form links. Tree-sitter (pack grammar ``pascal``) then reads routines, classes, calls,
embedded SQL and ``external 'x.dll'`` imports from the text with inactive ``{$ELSE}`` branches blanked;
its ERROR regions and the blanked branches are scanned line by line so that no SQL or DLL import is lost.
Form files are read by a line reader (components, ``SQL.Strings``, ``CommandText``, ``TableName``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from legacy_lens import ts
from legacy_lens.extractors import dotnet, tsfacts
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import (
    INFO,
    WARNING,
    Definition,
    Diagnostic,
    Extraction,
    LineCounts,
    Metrics,
    ParseQuality,
    Reference,
)

_FORM_EXTENSIONS = (".dfm", ".xfm", ".fmx", ".lfm")
_HEADER_WORDS = {"unit": "unit", "program": "program", "library": "program", "package": "package"}
_CONDITIONAL_OPEN = ("IFDEF", "IFNDEF", "IF", "IFOPT")
_CONDITIONAL_ELSE = ("ELSE", "ELSEIF")
_CONDITIONAL_CLOSE = ("ENDIF", "IFEND")
# The Windows unit's library-name constants used in ``external kernel32 name 'X'``.
_DLL_CONSTANTS = {"kernel32": "kernel32", "user32": "user32", "gdi32": "gdi32", "advapi32": "advapi32",
                  "shell32": "shell32", "ole32": "ole32", "oleaut32": "oleaut32", "comctl32": "comctl32",
                  "winspool": "winspool.drv", "version": "version", "mpr": "mpr", "wininet": "wininet",
                  "winmm": "winmm", "netapi32": "netapi32", "comdlg32": "comdlg32", "wsock32": "wsock32",
                  "opengl32": "opengl32", "shfolder": "shfolder", "shlwapi": "shlwapi", "crypt32": "crypt32"}
_ROUTINE_KIND = {"kprocedure": "procedure", "kfunction": "function", "kconstructor": "constructor",
                 "kdestructor": "destructor", "koperator": "operator"}
# Run-time library routines called everywhere: never looked up in the used units.
_RTL_ROUTINES = frozenset([
    'EXIT', 'BREAK', 'CONTINUE', 'HALT', 'ABORT', 'INC', 'DEC', 'LENGTH', 'SETLENGTH', 'COPY', 'DELETE',
    'INSERT', 'POS', 'HIGH', 'LOW', 'ORD', 'CHR', 'ASSIGNED', 'FREEANDNIL', 'INTTOSTR', 'STRTOINT',
    'STRTOINTDEF', 'FLOATTOSTR', 'STRTOFLOAT', 'FORMAT', 'TRIM', 'UPPERCASE', 'LOWERCASE', 'SHOWMESSAGE',
    'MESSAGEDLG', 'RAISE', 'NEW', 'DISPOSE', 'GETMEM', 'FREEMEM', 'FILLCHAR', 'MOVE', 'WRITELN', 'WRITE',
    'READLN', 'READ', 'ASSIGNFILE', 'RESET', 'REWRITE', 'CLOSEFILE', 'APPLICATION', 'RESULT', 'SELF',
    'INHERITED', 'SIZEOF', 'DATETOSTR', 'NOW', 'DATE', 'TIME', 'FORMATDATETIME', 'QUOTEDSTR', 'SAMETEXT',
    'COMPARETEXT', 'INCLUDE', 'EXCLUDE', 'SUCC', 'PRED', 'ROUND', 'TRUNC', 'ABS', 'SQR', 'SQRT', 'ODD',
    'RANDOM', 'RANDOMIZE', 'ASSERT'
])
_SQL_TARGETS = re.compile(r"\.(?:SQL(?:\.Text)?|CommandText|SelectSQL(?:\.Text)?)\s*$", re.IGNORECASE)
_SQL_CALLS = re.compile(r"(?:\.SQL\.Add|\.SQL\.Append|\.ExecSQL|\.Execute|\.ExecuteDirect|ExecSQL|\.CommandText\.Add|"
                        r"\.SelectSQL\.Add)\s*$", re.IGNORECASE)
_PROC_TARGETS = re.compile(r"\.(?:ProcedureName|StoredProcName)\s*$", re.IGNORECASE)
_TABLE_TARGETS = re.compile(r"\.TableName\s*$", re.IGNORECASE)
_FALLBACK_STRING = re.compile(r"'((?:[^'\n]|''){6,})'")
_FALLBACK_EXTERNAL = re.compile(r"\bexternal\s+'([^'\n]+)'", re.IGNORECASE)
_FALLBACK_QUALIFIED = re.compile(r"\b([A-Za-z_][\w]*)\.([A-Za-z_][\w]*)\s*[(;]")


# --------------------------------------------------------------------------------------------------
# Token reader


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # id | str | num | sym | dir
    value: str
    line: int
    start: int
    end: int


@dataclass(slots=True)
class _Lexed:
    tokens: list[_Tok]
    comment_lines: set[int]
    inactive: list[tuple[int, int]]  # character spans of {$ELSE}/{$ELSEIF} branches
    problems: list[tuple[int, str]] = field(default_factory=list)


def _lex(text: str) -> _Lexed:
    """Tokens of Pascal source: comments skipped, directives kept, strings decoded. Never raises."""
    tokens: list[_Tok] = []
    code_lines: set[int] = set()
    comment_lines: set[int] = set()
    problems: list[tuple[int, str]] = []
    inactive: list[tuple[int, int]] = []
    cond: list[list[int]] = []  # per open conditional: [start of the inactive branch or -1]
    i = 0
    n = len(text)
    line = 1

    def mark_comment(first: int, last: int) -> None:
        comment_lines.update(range(first, last + 1))

    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
            continue
        if ch in " \t\r\f\x1a\ufeff":
            i += 1
            continue
        start_line = line
        if ch == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            mark_comment(line, line)
            i = j
            continue
        if ch == "{" or (ch == "(" and text.startswith("(*", i)):
            close = "}" if ch == "{" else "*)"
            body_start = i + (1 if ch == "{" else 2)
            j = text.find(close, body_start)
            if j < 0:
                problems.append((line, "comment or directive is never closed"))
                j = n
            body = text[body_start:j]
            line += body.count("\n")
            i = min(n, j + len(close))
            if body.startswith("$"):
                directive = body[1:].strip()
                tokens.append(_Tok("dir", directive, start_line, body_start - (1 if close == "}" else 2), i))
                code_lines.add(start_line)
                word = directive.split(None, 1)[0].upper() if directive.split() else ""
                if word in _CONDITIONAL_OPEN:
                    cond.append([-1])
                elif word in _CONDITIONAL_ELSE and cond:
                    if cond[-1][0] < 0:
                        cond[-1][0] = i
                elif word in _CONDITIONAL_CLOSE and cond:
                    begin = cond.pop()[0]
                    if begin >= 0 and not any(b <= begin < e for b, e in inactive):
                        inactive.append((begin, tokens[-1].start))
            else:
                mark_comment(start_line, line)
            continue
        if ch == "'" or ch == "#":
            # A string: 'abc''def' pieces joined with #13#10 character codes.
            value: list[str] = []
            j = i
            while j < n and text[j] in "'#":
                if text[j] == "'":
                    k = j + 1
                    while True:
                        q = text.find("'", k)
                        nl = text.find("\n", k)
                        if q < 0 or (0 <= nl < q):
                            problems.append((line, "string is never closed on its line"))
                            value.append(text[k:nl if nl >= 0 else n])
                            j = nl if nl >= 0 else n
                            break
                        if q + 1 < n and text[q + 1] == "'":
                            value.append(text[k:q] + "'")
                            k = q + 2
                            continue
                        value.append(text[k:q])
                        j = q + 1
                        break
                    if j < n and text[j] == "\n":
                        break
                else:
                    m = _CHAR_CODE.match(text, j)
                    if m is None:
                        j += 1
                        break
                    raw = m.group(1)
                    try:
                        value.append(chr(int(raw[1:], 16) if raw.startswith("$") else int(raw)))
                    except (ValueError, OverflowError):
                        value.append(" ")
                    j = m.end()
            tokens.append(_Tok("str", "".join(value), line, i, j))
            code_lines.add(line)
            i = max(j, i + 1)
            continue
        if ch.isalpha() or ch == "_" or ch == "&":
            m = _IDENT.match(text, i)
            if m is None:
                i += 1
                continue
            tokens.append(_Tok("id", m.group(0).lstrip("&"), line, i, m.end()))
            code_lines.add(line)
            i = m.end()
            continue
        if ch.isdigit() or ch == "$":
            m = _NUMBER.match(text, i)
            j = m.end() if m is not None and m.end() > i else i + 1
            tokens.append(_Tok("num", text[i:j], line, i, j))
            code_lines.add(line)
            i = j
            continue
        tokens.append(_Tok("sym", ch, line, i, i + 1))
        code_lines.add(line)
        i += 1
    for entry in cond:
        if entry[0] >= 0:
            inactive.append((entry[0], n))
    comment_lines -= code_lines
    return _Lexed(tokens, comment_lines, sorted(inactive), problems)


_CHAR_CODE = re.compile(r"#(\$[0-9A-Fa-f]{1,6}|\d{1,7})")
_IDENT = re.compile(r"&?[A-Za-z_\u00c0-\uffff][\w\u00c0-\uffff]*")
_NUMBER = re.compile(r"\$[0-9A-Fa-f]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


# --------------------------------------------------------------------------------------------------
# Header, uses lists, packages, resource directives


@dataclass(frozen=True, slots=True)
class _Entry:
    clause: str  # uses | requires | contains
    name: str  # as written
    line: int
    section: str  # interface | implementation | program | package
    path: str = ""  # the 'file' of ``X in 'file'``
    conditions: tuple[str, ...] = ()


@dataclass(slots=True)
class _Header:
    kind: str = ""  # unit | program | package ("" when the file has no header)
    name: str = ""
    line: int = 1
    detail: str = ""
    entries: list[_Entry] = field(default_factory=list)
    forms: list[tuple[str, int]] = field(default_factory=list)  # form file names of {$R x.dfm}
    implementation_line: int = 0


def _dotted(tokens: list[_Tok], i: int) -> tuple[str, int]:
    """A dotted name starting at ``i``: (name, index after it)."""
    parts = [tokens[i].value]
    j = i + 1
    while j + 1 < len(tokens) and tokens[j].kind == "sym" and tokens[j].value == "." and tokens[j + 1].kind == "id":
        parts.append(tokens[j + 1].value)
        j += 2
    return ".".join(parts), j


def _read_header(tokens: list[_Tok], stem: str) -> _Header:
    header = _Header()
    first = next((k for k, t in enumerate(tokens) if t.kind == "id"), None)
    if first is not None and tokens[first].value.lower() in _HEADER_WORDS:
        word = tokens[first].value.lower()
        header.kind = _HEADER_WORDS[word]
        header.detail = word if word in ("library",) else ""
        if first + 1 < len(tokens) and tokens[first + 1].kind == "id":
            header.name, _ = _dotted(tokens, first + 1)
            header.line = tokens[first].line
    if not header.name:
        header.name = stem
    section = {"unit": "interface", "program": "program", "package": "package"}.get(header.kind, "program")
    conditions: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        if t.kind == "dir":
            word = t.value.split(None, 1)[0].upper() if t.value.split() else ""
            if word in _CONDITIONAL_OPEN:
                conditions.append(t.value)
            elif word in _CONDITIONAL_ELSE and conditions:
                conditions[-1] = t.value
            elif word in _CONDITIONAL_CLOSE and conditions:
                conditions.pop()
            elif word in ("R", "RESOURCE"):
                arg = t.value.split(None, 1)[1].strip().strip("'\"") if len(t.value.split(None, 1)) > 1 else ""
                if arg.lower().endswith(_FORM_EXTENSIONS):
                    header.forms.append((arg, t.line))
            i += 1
            continue
        if t.kind != "id":
            i += 1
            continue
        low = t.value.lower()
        if low == "interface" and header.kind == "unit":
            section = "interface"
        elif low == "implementation" and header.kind == "unit":
            section = "implementation"
            header.implementation_line = t.line
        elif low == "uses" or (header.kind == "package" and low in ("requires", "contains")):
            i = _read_clause(tokens, i + 1, low, section, conditions, header.entries)
            continue
        i += 1
    return header


def _read_clause(tokens: list[_Tok], i: int, clause: str, section: str, conditions: list[str],
                 out: list[_Entry]) -> int:
    """Entries of a uses/requires/contains list up to its ``;``; directives inside it are followed, not lost."""
    conds = list(conditions)
    n = len(tokens)
    while i < n:
        t = tokens[i]
        if t.kind == "sym" and t.value == ";":
            return i + 1
        if t.kind == "dir":
            word = t.value.split(None, 1)[0].upper() if t.value.split() else ""
            if word in _CONDITIONAL_OPEN:
                conds.append(t.value)
                conditions.append(t.value)
            elif word in _CONDITIONAL_ELSE and conds:
                conds[-1] = t.value
                if conditions:
                    conditions[-1] = t.value
            elif word in _CONDITIONAL_CLOSE and conds:
                conds.pop()
                if conditions:
                    conditions.pop()
            i += 1
            continue
        if t.kind == "id":
            if t.value.lower() in ("begin", "type", "var", "const", "implementation", "procedure", "function"):
                return i  # a list without its ';': stop before the next section
            name, j = _dotted(tokens, i)
            path = ""
            if j + 1 < n and tokens[j].kind == "id" and tokens[j].value.lower() == "in" and tokens[j + 1].kind == "str":
                path = tokens[j + 1].value
                j += 2
            out.append(_Entry(clause, name, t.line, section, path, tuple(conds)))
            i = j
            continue
        i += 1
    return i


# --------------------------------------------------------------------------------------------------
# Units, programs and packages


def _upper(name: str) -> str:
    return name.upper()


def _stem(path: str) -> str:
    name = PurePosixPath(path).name
    return name.split(".", 1)[0] if not name.startswith(".") else name


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span replaced by blanks (line breaks kept, so lines and columns do not move)."""
    if not spans:
        return text
    out: list[str] = []
    last = 0
    for start, end in sorted(spans):
        if start < last:
            start = last
        if end <= start:
            continue
        out.append(text[last:start])
        out.append(re.sub(r"[^\n]", " ", text[start:end]))
        last = end
    out.append(text[last:])
    return "".join(out)


class _Unit:
    """One ``.pas``/``.dpr``/``.dpk`` file."""

    def __init__(self, text: str, path: str, spec: LanguageSpec) -> None:
        self.text = text
        self.path = path
        self.spec = spec
        self.lexed = _lex(text)
        self.header = _read_header(self.lexed.tokens, _stem(path))
        kind = self.header.kind or ("package" if path.lower().endswith(".dpk") else
                                    "program" if path.lower().endswith(".dpr") else "unit")
        self.kind = kind
        self.name = _upper(self.header.name)
        self.cid = f"dpk:{self.name}" if kind == "package" else f"{kind}:{self.name}"
        self.definitions: list[Definition] = []
        self.references: dict[Reference, None] = {}
        self.diagnostics: list[Diagnostic] = [Diagnostic(path, WARNING, "DELPHI-SYNTAX", msg, line)
                                              for line, msg in self.lexed.problems[:20]]
        self.used_units: list[str] = []  # upper-case names, later ones shadow earlier ones
        self.local_names: set[str] = set()
        # SQL built on a dataset: Q.SQL.Add('...') pieces, by receiver, until the query is opened or cleared.
        self._pending: dict[str, tuple[int, list[str]]] = {}
        self._found: set[tuple[str, str, str, int]] = set()
        self._searchable: list[str] | None = None

    def add(self, ref: Reference) -> None:
        key = (ref.kind, ref.target_kind, ref.target, ref.line)
        if ref.via == "delphi-fallback" and key in self._found:
            return  # the grammar read this line after all
        self._found.add(key)
        self.references.setdefault(ref, None)

    def header_facts(self) -> None:
        h = self.header
        detail = h.detail
        lines = self.text.splitlines()
        if self.kind == "package":
            self.definitions.append(Definition("package", self.name, h.line, max(1, len(lines)),
                                               detail="delphi package", id=self.cid))
        else:
            self.definitions.append(Definition(self.kind, self.name, h.line, max(1, len(lines)), detail=detail))
        if not self.header.kind and self.text.strip():
            self.diagnostics.append(Diagnostic(self.path, INFO, "DELPHI-NO-HEADER",
                                               f"no unit, program, library or package header; named {self.name} "
                                               "after the file", 1))
        for e in h.entries:
            target = _upper(e.name)
            bits = [e.section]
            if e.path:
                bits.append(f"in '{e.path}'")
            if e.conditions:
                bits.append("{$" + "} {$".join(e.conditions) + "}")
            detail = " ".join(bits)
            if e.clause == "requires":
                external = f"dpk:{target}" if dotnet.in_catalogue("delphi", "dpk", target) else ""
                self.add(Reference(self.cid, "imports", "package", target, e.line, "delphi-requires", detail=detail,
                                   external=external))
            elif e.clause == "contains" or e.path:
                self.add(Reference(self.cid, "contains", "unit", target, e.line,
                                   "delphi-contains" if e.clause == "contains" else "delphi-uses-in", detail=detail))
                self.used_units.append(target)
            else:
                self.add(Reference(self.cid, "imports", "unit", target, e.line, "delphi-uses", detail=detail))
                self.used_units.append(target)
        for form, line in h.forms:
            base = PureWindowsPath(form).name
            stem = base.rsplit(".", 1)[0]
            if stem == "*":
                stem = _stem(self.path)
            self.add(Reference(self.cid, "contains", "form", _upper(stem), line, "delphi-resource",
                               detail=f"{{$R {form}}}"))

    # -- tree-sitter facts ---------------------------------------------------------------------------
    def parse_text(self) -> tuple[str, list[tuple[int, int]]]:
        """The text handed to the grammar: inactive branches blanked, ``in 'path'`` of uses lists blanked."""
        spans = list(self.lexed.inactive)
        toks = self.lexed.tokens
        for k in range(len(toks) - 1):
            if (toks[k].kind == "id" and toks[k].value.lower() == "in" and toks[k + 1].kind == "str" and k > 0
                    and toks[k - 1].kind == "id" and any(e.path and e.line == toks[k].line
                                                         for e in self.header.entries)):
                spans.append((toks[k].start, toks[k + 1].end))
        return _blank(self.text, spans), list(self.lexed.inactive)

    def routine_name(self, decl: ts.Node, tree: ts.ParsedTree) -> tuple[str, str]:
        """(qualified name as written, routine kind) of a ``declProc``."""
        kind = "procedure"
        name = ""
        for c in decl.children:
            if c.type.lower() in _ROUTINE_KIND:
                kind = _ROUTINE_KIND[c.type.lower()]
            elif c.type in ("identifier", "genericDot", "operatorName") and not name:
                name = re.sub(r"<[^<>]*>", "", re.sub(r"\s+", "", tree.text(c)))
        return name, kind

    def tree_facts(self, tree: ts.ParsedTree) -> None:
        caps = ts.captures(self.spec.grammar or "pascal", self.spec.query_text("facts"), tree.root)
        unit = self.name
        # Local names first, so that calls to them are not looked up in other units.
        for cap, node in caps:
            if cap == "definition.type":
                name_node = node.child_by_field_name("name") or next(
                    (c for c in node.children if c.type == "identifier"), None)
                if name_node is not None:
                    self.local_names.add(_upper(tree.text(name_node)))
            elif cap == "definition.routine":
                decl = next((c for c in node.children if c.type == "declProc"), None)
                if decl is not None:
                    self.local_names.add(_upper(self.routine_name(decl, tree)[0].split(".")[-1]))
        for cap, node in caps:
            try:
                self.capture(cap, node, tree, unit)
            except (ValueError, IndexError, AttributeError) as exc:
                self.diagnostics.append(Diagnostic(self.path, WARNING, "DELPHI-INTERNAL", f"{cap} skipped: {exc!r}",
                                                   tsfacts.line_of(node)))
        self.flush_sql()

    def capture(self, cap: str, node: ts.Node, tree: ts.ParsedTree, unit: str) -> None:
        line = tsfacts.line_of(node)
        if cap == "definition.type":
            name_node = next((c for c in node.children if c.type == "identifier"), None)
            body = next((c for c in node.children if c.type in ("declClass", "declIntf", "declHelper")), None)
            if name_node is None or body is None:
                return
            detail = {"declClass": "class", "declIntf": "interface", "declHelper": "helper"}[body.type]
            first = next((c for c in body.children if c.type in ("kRecord", "kObject", "kDispInterface")), None)
            if first is not None:
                detail = {"kRecord": "record", "kObject": "object", "kDispInterface": "dispinterface"}[first.type]
            bases = [re.sub(r"\s+", "", tree.text(c)) for c in body.children if c.type == "typeref"]
            if bases:
                detail += f"({', '.join(bases)})"
            self.definitions.append(Definition("type", f"{unit}.{_upper(tree.text(name_node))}", line,
                                               tsfacts.end_line_of(node), parent=self.cid, detail=detail))
            for base in bases:
                self.type_use(base, line, "extends" if base == bases[0] and detail.startswith("class") else
                              "implements", "delphi-base")
        elif cap == "definition.routine":
            decl = next((c for c in node.children if c.type == "declProc"), None)
            if decl is None:
                return
            name, kind = self.routine_name(decl, tree)
            if not name:
                return
            outer: list[str] = []
            current = node.parent
            while current is not None:
                if current.type == "defProc":
                    d = next((c for c in current.children if c.type == "declProc"), None)
                    if d is not None:
                        outer.append(self.routine_name(d, tree)[0])
                current = current.parent
            full = ".".join([unit, *[_upper(o) for o in reversed(outer)], _upper(name)])
            self.definitions.append(Definition("routine", full, line, tsfacts.end_line_of(node), parent=self.cid,
                                               detail=kind))
        elif cap == "definition.external":
            self.external(node, tree)
        elif cap == "reference.call":
            self.call(node, tree, line)
        elif cap == "reference.assign":
            self.assignment(node, tree, line)

    def external(self, node: ts.Node, tree: ts.ParsedTree) -> None:
        decl = node.parent
        name = ""
        if decl is not None and decl.type == "declProc":
            name, kind = self.routine_name(decl, tree)
            if name and not any(d.kind == "routine" and d.line == tsfacts.line_of(decl) for d in self.definitions):
                self.definitions.append(Definition("routine", f"{self.name}.{_upper(name)}", tsfacts.line_of(decl),
                                                   tsfacts.end_line_of(decl), parent=self.cid,
                                                   detail=f"{kind} external"))
        library = ""
        entry = ""
        after_name = False
        for c in node.children:
            if c.type == "kName":
                after_name = True
            elif c.type == "literalString" and not after_name and not library:
                library = _pascal_string(tree.text(c))
            elif c.type == "literalString" and after_name:
                entry = _pascal_string(tree.text(c))
            elif c.type == "identifier" and not library and not after_name:
                library = _DLL_CONSTANTS.get(tree.text(c).lower(), "")
                if not library:
                    self.diagnostics.append(Diagnostic(
                        self.path, INFO, "DELPHI-EXTERNAL-CONSTANT",
                        f"external library named by the constant {tree.text(c)}; not resolved", tsfacts.line_of(c)))
        if library:
            name_dll = dotnet.dll_name(library)
            self.add(Reference(self.cid, "uses-native", "dll", name_dll, tsfacts.line_of(node), "delphi-external",
                               detail=entry or name, external=f"dll:{name_dll}"))

    def type_use(self, written: str, line: int, kind: str, via: str, detail: str = "") -> None:
        """A type from another unit: ``U.TTYPE`` for each used unit (a guess, dropped unless it resolves)."""
        parts = _upper(re.sub(r"<.*", "", written)).split(".")
        name = parts[-1]
        if not name or name in self.local_names:
            return
        if len(parts) > 1:
            self.add(Reference(self.cid, kind, "type", ".".join(parts), line, via, detail=detail, optional=True))
            return
        for unit in self.searchable_units():
            self.add(Reference(self.cid, kind, "type", f"{unit}.{name}", line, via, detail=detail, optional=True))

    def searchable_units(self) -> list[str]:
        """Used units that are not system units, the last used first (it wins in Delphi's lookup)."""
        if self._searchable is None:
            self._searchable = [u for u in dict.fromkeys(reversed(self.used_units))
                                if not dotnet.in_catalogue("delphi", "unit", u)]
        return self._searchable

    def routine_call(self, written: str, line: int, detail: str = "") -> None:
        parts = [_upper(p) for p in written.split(".")]
        if len(parts) >= 2 and ".".join(parts[:-1]) in self.used_units:
            if not dotnet.in_catalogue("delphi", "unit", ".".join(parts[:-1])):
                self.add(Reference(self.cid, "calls", "routine", ".".join(parts), line, "delphi-call", detail=detail,
                                   optional=True))
            return
        if len(parts) != 1 or parts[0] in self.local_names or parts[0] in _RTL_ROUTINES:
            return
        for unit in self.searchable_units():
            self.add(Reference(self.cid, "calls", "routine", f"{unit}.{parts[0]}", line, "delphi-call",
                               detail=detail, optional=True))

    def flush_sql(self, receiver: str | None = None) -> None:
        pending = self._pending
        for key in [receiver] if receiver is not None else list(pending):
            entry = pending.pop(key, None) if key is not None else None
            if entry is None:
                continue
            line, parts = entry
            self.sql("\n".join(parts), line, "delphi-sql")

    def sql(self, text: str, line: int, via: str, stored_procedure: bool = False) -> None:
        if stored_procedure:
            proc = dotnet.procedure_name(text)
            if proc is not None:
                self.add(Reference(self.cid, "calls", "procedure", proc[0], line, via,
                                   detail=f"schema={proc[1]}" if proc[1] else ""))
            return
        for kind, target_kind, target, detail in dotnet.sql_references(text):
            self.add(Reference(self.cid, kind, target_kind, target, line, via, detail=detail))

    def call(self, node: ts.Node, tree: ts.ParsedTree, line: int) -> None:
        target = node if node.type in ("identifier", "exprDot") else (node.children[0] if node.children else None)
        if target is None:
            return
        written = re.sub(r"\s+", "", tree.text(target))
        if not re.fullmatch(r"[A-Za-z_&][\w&]*(?:\.[A-Za-z_&][\w&]*)*", written):
            return
        args = next((c for c in node.children if c.type == "exprArgs"), None)
        literals = _literal_parts(args, tree) if args is not None else ""
        receiver, _, member = written.rpartition(".")
        if _SQL_CALLS.search("." + written if "." not in written else written) and literals:
            if member.lower() in ("add", "append") and receiver:
                self._pending.setdefault(receiver.rsplit(".", 1)[0].lower(), (line, []))[1].append(literals)
            elif dotnet.looks_like_sql(literals):
                self.sql(literals, line, "delphi-sql")
            return
        if member.lower() in ("open", "execsql", "clear", "close", "prepare") and receiver:
            self.flush_sql(receiver.rsplit(".", 1)[0].lower() if receiver.lower().endswith(".sql") else
                           receiver.lower())
        if node.type in ("exprCall", "statement", "identifier", "exprDot"):
            head = written.split(".", 1)[0]
            if "." in written and head[:1] in ("T", "t") and len(head) > 1 and head[1].isupper():
                self.type_use(head, line, "calls", "delphi-call", detail=written)
            else:
                self.routine_call(written, line)

    def assignment(self, node: ts.Node, tree: ts.ParsedTree, line: int) -> None:
        if len(node.children) < 3:
            return
        left = re.sub(r"\s+", "", tree.text(node.children[0]))
        right = node.children[-1]
        text = _literal_parts(right, tree)
        if not text:
            return
        if _SQL_TARGETS.search(left):
            self.flush_sql(left.rsplit(".", 2)[0].lower())
            if dotnet.looks_like_sql(text):
                self.sql(text, line, "delphi-sql")
        elif _PROC_TARGETS.search(left):
            self.sql(text, line, "delphi-procedure", stored_procedure=True)
        elif _TABLE_TARGETS.search(left):
            name, schema = dotnet.split_name(text)
            if name and re.fullmatch(r"[\w$#@ ]+", name):
                self.add(Reference(self.cid, "reads", "table", f"{schema}.{name}" if schema else name, line,
                                   "delphi-tablename"))
        elif dotnet.looks_like_sql(text):
            self.sql(text, line, "delphi-sql")

    # -- fallback ------------------------------------------------------------------------------------
    def fallback(self, ranges: list[tuple[int, int]]) -> int:
        lines = self.text.splitlines()
        count = 0
        seen: set[int] = set()
        for start, end in ranges:
            for number in range(start, min(end, len(lines)) + 1):
                if number in seen:
                    continue
                seen.add(number)
                line = lines[number - 1]
                if not line.strip() or number in self.lexed.comment_lines:
                    continue
                count += 1
                for m in _FALLBACK_EXTERNAL.finditer(line):
                    dll = dotnet.dll_name(m.group(1))
                    self.add(Reference(self.cid, "uses-native", "dll", dll, number, "delphi-fallback",
                                       external=f"dll:{dll}"))
                for m in _FALLBACK_STRING.finditer(line):
                    text = m.group(1).replace("''", "'")
                    if dotnet.looks_like_sql(text):
                        self.sql(text, number, "delphi-fallback")
                for m in _FALLBACK_QUALIFIED.finditer(line):
                    if _upper(m.group(1)) in self.used_units:
                        self.routine_call(f"{m.group(1)}.{m.group(2)}", number)
        return count

    def run(self) -> Extraction:
        self.header_facts()
        text_lines = self.text.splitlines()
        comments = set(self.lexed.comment_lines)
        if self.kind == "package" or self.path.lower().endswith(".dpk"):
            counts = tsfacts.count_lines(text_lines, comments)
            metrics = Metrics(code_lines=counts.code, comment_lines=counts.comment, blank_lines=counts.blank,
                              complexity=1)
            return self.result(counts, ((self.cid, metrics),),
                               ParseQuality(status="line-parser", parser="line:delphi"))
        parse_text, inactive = self.parse_text()
        tree = ts.parse(self.spec.grammar or "pascal", parse_text.encode("utf-8", "replace"))
        self.tree_facts(tree)
        errors = list(ts.outermost_errors(tree.root))
        ranges = tsfacts.error_line_ranges(errors)
        for start, end in inactive:
            ranges.append((self.text.count("\n", 0, start) + 1, self.text.count("\n", 0, end) + 1))
        fallback_lines = self.fallback(sorted(ranges))
        decisions = tsfacts.Decisions.from_spec(self.spec.decision_nodes)
        nesting = frozenset(self.spec.nesting_nodes)
        complexity, depth = tsfacts.complexity_and_nesting(tree.root, tree, decisions, nesting)
        counts = tsfacts.count_lines(text_lines, comments)
        metrics = Metrics(code_lines=counts.code, comment_lines=counts.comment, blank_lines=counts.blank,
                          complexity=complexity, max_nesting=depth,
                          goto_count=sum(1 for n in tsfacts.walk(tree.root) if n.type == "goto"))
        parse = tsfacts.quality(self.spec, tree, errors, fallback_lines)
        found = tsfacts.error_diagnostic(self.path, "DELPHI-PARSE", parse, errors)
        if found is not None:
            self.diagnostics.append(found)
        return self.result(counts, ((self.cid, metrics),), parse)

    def result(self, counts: LineCounts, metrics: tuple[tuple[str, Metrics], ...], parse: ParseQuality) -> Extraction:
        return Extraction(definitions=tuple(self.definitions), references=tuple(self.references), metrics=metrics,
                          diagnostics=tuple(self.diagnostics), lines=counts, parse=parse)


def _pascal_string(raw: str) -> str:
    toks = [t for t in _lex(raw).tokens if t.kind == "str"]
    return "".join(t.value for t in toks)


def _literal_parts(node: ts.Node, tree: ts.ParsedTree) -> str:
    """The text of string literals in an expression (``'a' + X + 'b'`` -> ``a ? b``), "" when there are none."""
    parts: list[str] = []
    found = False
    for n in tsfacts.walk(node):
        if n.type == "literalString":
            parts.append(_pascal_string(tree.text(n)))
            found = True
        elif n.type == "identifier" and parts and parts[-1] != " ? ":
            parts.append(" ? ")
    return "".join(parts) if found else ""


# --------------------------------------------------------------------------------------------------
# Forms


_OBJECT = re.compile(r"^\s*(object|inherited|inline)\s+(?:([A-Za-z_][\w]*)\s*:\s*)?([A-Za-z_][\w.]*)"
                     r"(?:\s*\[\s*\d+\s*\])?\s*$", re.IGNORECASE)
_PROPERTY = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*=\s*(.*)$")


@dataclass(slots=True)
class _FormObject:
    name: str
    type: str
    line: int
    props: dict[str, tuple[str, int]] = field(default_factory=dict)


def _form_strings(lines: list[str], i: int, first: str) -> tuple[list[str], int]:
    """The string items of a value starting with ``first`` on line ``i`` (0-based): one string, or a
    ``( ... )`` list. Returns the strings and the index of the value's last line."""
    text = first.strip()
    items: list[str] = []
    if text.startswith("("):
        buf = text[1:]
        j = i
        while True:
            closing = _list_end(buf)
            if closing >= 0:
                items.extend(_string_items(buf[:closing]))
                return items, j
            items.extend(_string_items(buf))
            j += 1
            if j >= len(lines):
                return items, j - 1
            buf = lines[j]
    j = i
    buf = text
    pieces: list[str] = []
    while True:
        more = buf.rstrip().endswith("+")
        pieces.append(buf.rstrip().rstrip("+"))
        if not more or j + 1 >= len(lines):
            break
        j += 1
        buf = lines[j]
    joined = _pascal_string(" ".join(pieces)) if any(c in "'#" for c in "".join(pieces)[:1]) else ""
    return ([joined] if joined else []), j


def _list_end(text: str) -> int:
    """Index of the ``)`` that closes a list (outside strings), or -1."""
    quoted = False
    for k, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif ch == ")" and not quoted:
            return k
    return -1


def _string_items(text: str) -> list[str]:
    """Each string item of a list line (a ``+`` at the end of a line joins it to the next item)."""
    out: list[str] = []
    for t in _lex(text).tokens:
        if t.kind == "str":
            out.append(t.value)
    return out


def _extract_form(text: str, path: str) -> Extraction:
    stem = _upper(_stem(path))
    cid = f"form:{stem}"
    lines = text.splitlines()
    diagnostics: list[Diagnostic] = []
    head = text.lstrip("\ufeff")[:8]
    if head.startswith("TPF0") or head.startswith("\xff\n") or "TPF0" in text[:64]:
        diagnostics.append(Diagnostic(path, WARNING, "DELPHI-BINARY-FORM",
                                      "binary form file: convert it to text (Delphi's convert.exe) to see its "
                                      "components and SQL; only the form's name is recorded", 1))
        return Extraction(definitions=(Definition("form", stem, 1, 1, detail="binary", id=cid),),
                          metrics=((cid, Metrics(complexity=1)),), diagnostics=tuple(diagnostics),
                          lines=LineCounts(), parse=ParseQuality(status="skipped", parser="line:delphi"))
    definitions: list[Definition] = []
    references: dict[Reference, None] = {}
    stack: list[_FormObject] = []
    unread = 0
    depth_list = 0  # inside a <collection> value
    root_detail = ""
    i = 0
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        number = i + 1
        if not stripped:
            i += 1
            continue
        m = _OBJECT.match(raw)
        if m and depth_list == 0:
            obj = _FormObject(m.group(2) or "", m.group(3), number)
            if not stack:
                root_detail = f"{m.group(1).lower()} {obj.name}: {obj.type}" if obj.name else obj.type
            else:
                definitions.append(Definition("control", f"{stem}.{obj.name or obj.type}", number, None, parent=cid,
                                              detail=obj.type))
            stack.append(obj)
            i += 1
            continue
        low = stripped.lower()
        if low == "end" and depth_list == 0:
            if stack:
                _form_object_facts(stack.pop(), cid, references)
            else:
                unread += 1
            i += 1
            continue
        if depth_list:
            if stripped.endswith(">") and not stripped.startswith("'"):
                depth_list -= 1
            elif stripped.endswith("<"):
                depth_list += 1
            i += 1
            continue
        pm = _PROPERTY.match(raw)
        if pm and stack:
            name, value = pm.group(1), pm.group(2).strip()
            if value.startswith("{"):
                while "}" not in lines[i] and i + 1 < len(lines):
                    i += 1
                i += 1
                continue
            if value.startswith("<"):
                if not value.endswith(">"):
                    depth_list = 1
                i += 1
                continue
            if value.startswith(("(", "'", "#")):
                items, last = _form_strings(lines, i, value)
                stack[-1].props[name.lower()] = ("\n".join(items), number)
                i = last + 1
                continue
            stack[-1].props[name.lower()] = (value, number)
            i += 1
            continue
        unread += 1
        i += 1
    while stack:
        obj = stack.pop()
        _form_object_facts(obj, cid, references)
        diagnostics.append(Diagnostic(path, WARNING, "DELPHI-FORM-SYNTAX", f"object {obj.name} is never ended",
                                      obj.line))
    if not root_detail and text.strip():
        diagnostics.append(Diagnostic(path, WARNING, "DELPHI-FORM-SYNTAX", "no object found: not a form file", 1))
    end_line = max(1, len(lines))
    definitions.insert(0, Definition("form", stem, 1, end_line, detail=root_detail, id=cid))
    blank = sum(1 for ln in lines if not ln.strip())
    counts = LineCounts(code=len(lines) - blank, comment=0, blank=blank)
    code = counts.code
    metrics = Metrics(code_lines=code, blank_lines=blank, complexity=1)
    ratio = round(unread / code, 4) if code else 0.0
    return Extraction(definitions=tuple(definitions), references=tuple(references), metrics=((cid, metrics),),
                      diagnostics=tuple(diagnostics), lines=counts,
                      parse=ParseQuality(status="line-parser", parser="line:delphi", error_ratio=ratio,
                                         fallback_lines=unread))


def _form_object_facts(obj: _FormObject, cid: str, references: dict[Reference, None]) -> None:
    """SQL, stored procedures and tables that one form component names."""
    props = obj.props
    command_type = props.get("commandtype", ("", 0))[0].lower()
    detail = f"{obj.name}: {obj.type}"

    def add(ref: Reference) -> None:
        references.setdefault(ref, None)

    for key in ("sql.strings", "sql", "selectsql.strings", "commandtext", "sql.text"):
        if key not in props:
            continue
        text, line = props[key]
        if key == "commandtext" and command_type in ("cmdstoredproc",):
            proc = dotnet.procedure_name(text)
            if proc is not None:
                add(Reference(cid, "calls", "procedure", proc[0], line, "dfm-procedure", detail=detail))
            continue
        if key == "commandtext" and command_type in ("cmdtable", "cmdtabledirect"):
            name, schema = dotnet.split_name(text)
            if name:
                add(Reference(cid, "reads", "table", f"{schema}.{name}" if schema else name, line, "dfm-table",
                              detail=detail))
            continue
        for kind, target_kind, target, extra in dotnet.sql_references(text):
            add(Reference(cid, kind, target_kind, target, line, "dfm-sql",
                          detail="; ".join(x for x in (detail, extra) if x)))
    for key in ("procedurename", "storedprocname"):
        if key in props:
            proc = dotnet.procedure_name(props[key][0].strip("'"))
            if proc is not None:
                add(Reference(cid, "calls", "procedure", proc[0], props[key][1], "dfm-procedure", detail=detail))
    if "tablename" in props:
        name, schema = dotnet.split_name(props["tablename"][0].strip("'"))
        if name and re.fullmatch(r"[\w$#@ ]+", name):
            add(Reference(cid, "reads", "table", f"{schema}.{name}" if schema else name, props["tablename"][1],
                          "dfm-table", detail=detail))


# --------------------------------------------------------------------------------------------------


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Facts of one Delphi unit, program, package or form file. Never raises on bad input."""
    if not text.strip():
        blank = len(text.splitlines())
        return Extraction(lines=LineCounts(blank=blank), parse=ParseQuality(status="ok", parser="line:delphi"))
    if path.lower().endswith(_FORM_EXTENSIONS):
        return _extract_form(text, path)
    return _Unit(text, path, spec).run()
