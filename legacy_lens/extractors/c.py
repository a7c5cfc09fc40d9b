"""C and C++ sources and headers: parse with tree-sitter, extract functions, calls, includes and SQL.

One extractor serves both descriptors (``grammars/c`` and ``grammars/cpp``); they differ only in the
grammar and in the names of the decision and nesting nodes. The work, in order:

1. ``EXEC SQL ... ;`` blocks (Pro*C, DB2, ECPG) are lifted out and blanked, line numbers kept,
   because no C grammar reads them; each is analysed on its own (tables, dynamic SQL, procedure
   calls, ``WHENEVER ... DO`` handlers, ``INCLUDE``).
2. The text is parsed. Where ERROR regions remain, an outline of the file (comments and literals
   masked, ``#else`` branches set aside so that braces balance) finds the top-level functions and
   C++ classes around them; each such item is parsed again on its own, so that an error stays
   inside the item that has it. Lines that no tree reads are scanned statement by statement for
   calls and includes, and functions that no tree finds are taken from the outline.
3. The captures of ``grammars/<lang>/facts.scm`` become definitions and references; a second query
   built from the descriptor's decision and nesting node names gives the metrics.

Ids follow docs/LANGUAGES.md: ``c:<path>`` for the file (kind ``source`` or ``header``),
``c:<path>::<name>`` for a function (C++: ``c:<path>::<ns>::<Class>::<name>``), and
``program:<MEMBER>`` for the load module of a file that defines ``main``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from legacy_lens import ts
from legacy_lens.extractors import tsfacts
from legacy_lens.extractors.common import member_name
from legacy_lens.extractors.sql import dml_tables
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import (
    ERROR,
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

HEADER_EXTENSIONS = frozenset({".h", ".hpp", ".hh", ".hxx", ".h++", ".H", ".ipp", ".tpp", ".inl"})
ENTRY_POINTS = frozenset({"main", "wmain", "_tmain", "WinMain", "wWinMain", "_tWinMain"})
# Largest re-parse: items longer than this many lines are left to the statement-level scan.
_MAX_ITEM_LINES = 20000

_KEYWORDS = frozenset({
    "if", "else", "for", "while", "do", "switch", "case", "default", "return", "sizeof", "goto", "break",
    "continue", "typedef", "struct", "union", "enum", "class", "namespace", "template", "typename",
    "static", "extern", "const", "volatile", "register", "auto", "inline", "signed", "unsigned", "int",
    "long", "short", "char", "float", "double", "void", "defined", "_Alignof", "alignof", "_Generic",
    "_Static_assert", "static_assert", "decltype", "typeof", "__typeof__", "__typeof", "__attribute__",
    "__attribute", "__declspec", "__asm__", "__asm", "asm", "catch", "try", "throw", "new", "delete",
    "noexcept", "operator", "using", "public", "private", "protected", "virtual", "explicit", "friend",
    "co_await", "co_return", "co_yield", "_Pragma", "__pragma", "alignas", "_Alignas", "__extension__",
    "va_arg", "offsetof", "__builtin_offsetof", "__builtin_va_arg", "static_cast", "dynamic_cast",
    "reinterpret_cast", "const_cast", "this", "true", "false", "NULL", "nullptr", "bool", "_Bool",
})
# Words that may stand between a return type and a function name, or after a parameter list.
_ATTRIBUTE_WORDS = frozenset({
    "__attribute__", "__attribute", "__declspec", "_Pragma", "__pragma", "alignas", "_Alignas", "decltype",
    "__typeof__", "typeof", "__asm__", "__asm", "asm", "throw", "noexcept", "__extension__",
})
_TYPE_WORDS = frozenset({
    "void", "char", "short", "int", "long", "float", "double", "signed", "unsigned", "const", "volatile",
    "static", "extern", "inline", "register", "struct", "union", "enum", "bool", "_Bool", "auto",
    "size_t", "ssize_t", "wchar_t", "FILE",
})
# Header file names of the embedded-SQL precompilers (EXEC SQL INCLUDE SQLCA): system headers.
_SQL_SYSTEM_INCLUDES = frozenset({"sqlca", "oraca", "sqlda", "sqlcpr", "sqlenv", "sqlutil", "sql", "sqlcode",
                                  "sqlsystm", "sqlproto", "sqlkxc", "sqlucs2", "sqlca.h", "oraca.h", "sqlda.h"})
# First directories of angle-bracket includes that always name the platform's headers.
_SYSTEM_INCLUDE_DIRS = frozenset({
    "sys", "linux", "asm", "asm-generic", "bits", "net", "netinet", "netinet6", "arpa", "machine", "mach",
    "gnu", "rpc", "netpacket", "scsi", "security", "libkern", "architecture", "os", "dispatch",
    "CoreFoundation", "Carbon", "Cocoa", "Foundation", "IOKit", "X11", "GL", "openssl", "crypto",
})
# Database client functions that take SQL text, and the (0-based) position of that argument:
# ODBC / DB2 CLI, Oracle OCI, MySQL, PostgreSQL libpq, SQLite, Sybase/SQL Server DB-Library and CT-Library.
_SQL_APIS = {
    "SQLExecDirect": 1, "SQLExecDirectA": 1, "SQLExecDirectW": 1, "SQLPrepare": 1, "SQLPrepareA": 1,
    "SQLPrepareW": 1, "OCIStmtPrepare": 2, "OCIStmtPrepare2": 3, "mysql_query": 1, "mysql_real_query": 1,
    "mysql_send_query": 1, "mysql_stmt_prepare": 1, "PQexec": 1, "PQexecParams": 1, "PQprepare": 2,
    "PQsendQuery": 1, "PQsendQueryParams": 1, "PQsendPrepare": 2, "sqlite3_exec": 1, "sqlite3_prepare": 1,
    "sqlite3_prepare_v2": 1, "sqlite3_prepare_v3": 1, "dbcmd": 1, "dbfcmd": 1, "ct_command": 2,
}
# Functions that put a literal into a buffer: (position of the buffer, position of the literal, appends).
_STRING_BUILDERS = {
    "sprintf": (0, 1, False), "snprintf": (0, 2, False), "sprintf_s": (0, 2, False), "_snprintf": (0, 2, False),
    "strcpy": (0, 1, False), "strncpy": (0, 1, False), "strcpy_s": (0, 2, False), "strlcpy": (0, 1, False),
    "strcat": (0, 1, True), "strncat": (0, 1, True), "strcat_s": (0, 2, True), "strlcat": (0, 1, True),
}

# Comments, string and character literals, in one linear pass (an unterminated block comment runs to the
# end, an unterminated literal to the end of its line).
_LEXEMES = re.compile(
    r"//[^\n]*"
    r"|/\*[^*]*\*+(?:[^/*][^*]*\*+)*/"
    r"|/\*[\s\S]*"
    r"|\"(?:[^\"\\\n]|\\[\s\S])*\"?"
    r"|'(?:[^'\\\n]|\\[\s\S])*'?"
)
_NOT_NEWLINE = re.compile(r"[^\n]")
_DIRECTIVE = re.compile(r"^[ \t]*#[ \t]*(\w*)(.*)$")
_COND_ZERO = re.compile(r"^\s*0\s*$")
_CPLUSPLUS_COND = re.compile(r"^\s*(?:!\s*)?(?:defined\s*\(?\s*__cplusplus\s*\)?|__cplusplus)\s*$")
_EXEC_START = re.compile(r"\bEXEC[ \t\r\n]+(SQL|ORACLE|TOOLS|IAF|CICS|DLI)\b", re.IGNORECASE)
_END_EXEC = re.compile(r"\bEND-EXEC\b", re.IGNORECASE)
_BRACES = re.compile(r"[{};]")
_IDENT = re.compile(r"[A-Za-z_]\w*")
# Possessive quantifiers and word-start lookbehinds keep these linear on very long lines.
_NAME_BEFORE_PAREN = re.compile(r"(?<![\w~:])(~?[A-Za-z_]\w*+(?:\s*+::\s*+~?[A-Za-z_]\w*+)*+)\s*+$")
_OPERATOR_BEFORE_PAREN = re.compile(
    r"((?:[A-Za-z_]\w*\s*::\s*)*operator\b\s*(?:\(\s*\)|\[\s*\]|[^\w\s(]{1,3}|new|delete|[A-Za-z_][\w\s:*&]{0,60}?))\s*$")
_OPERATOR_WORD = re.compile(r"(?<![\w])operator(?![\w])")
_TEMPLATE_ARGS = re.compile(r"<[^<>;{}()]*>")
_SIG_TAIL = re.compile(
    r"\s*(?:(?:const|volatile|noexcept|override|final|mutable|&&|&|throw\s*\([^()]*\)|noexcept\s*\([^()]*\)"
    r"|__attribute__\s*\(\([^;{}]*?\)\)|[A-Z_][A-Z0-9_]*\b(?:\s*\([^()]*\))?)\s*)*(?:->[^;{}]*)?(?::[^;{}]*)?")
_CALL_IN_TEXT = re.compile(r"(?<!\w)([A-Za-z_]\w*+)\s*+\(")
_FALLBACK_DECISIONS = re.compile(r"\b(?:if|for|while|case|catch)\b|&&|\|\||\?")
_GOTO = re.compile(r"\bgoto\b")
_INCLUDE_LINE = re.compile(r"^\s*#\s*include\s*([<\"])([^>\"\n]*)[>\"]")
_C_STRING = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"")
_WHENEVER = re.compile(r"WHENEVER\s+(?:SQLERROR|SQLWARNING|NOT\s+FOUND)\s+"
                       r"(?:DO\s+(?:CALL\s+)?([A-Za-z_]\w*)\s*\(|GO\s*TO\s+:?([A-Za-z_]\w*))", re.IGNORECASE)
_DYNAMIC_SQL = re.compile(r"(?:PREPARE\s+\w+\s+FROM|EXECUTE\s+IMMEDIATE)\s+"
                          r"(:\s*[A-Za-z_]\w*|'(?:[^']|'')*'|\"[^\"]*\")", re.IGNORECASE)
_SQL_CALL = re.compile(r"^\s*\{?\s*(?:\?\s*=\s*)?(?:CALL|EXEC(?:UTE)?)\s+([A-Za-z_][\w$#]*(?:\.[A-Za-z_][\w$#]*){0,2})",
                       re.IGNORECASE)
_SQL_BLOCK_CALL = re.compile(r"^\s*BEGIN\s+([A-Za-z_][\w$#]*(?:\.[A-Za-z_][\w$#]*){0,2})\s*[(;]", re.IGNORECASE)
_SQL_PREFIX = re.compile(r"^\s*(?:AT\s+:?\w+\s+|FOR\s+:?\w+\s+)*", re.IGNORECASE)
_DECLARE_TABLE = re.compile(r"^\s*DECLARE\s+([A-Za-z_][\w$#]*(?:\.[A-Za-z_][\w$#]*)?)\s+TABLE\b", re.IGNORECASE)
_SQL_INCLUDE = re.compile(r"^\s*INCLUDE\s+['\"]?([\w./-]+)['\"]?", re.IGNORECASE)

_NAME_TYPES = frozenset({"identifier", "field_identifier", "qualified_identifier", "destructor_name", "operator_name",
                         "template_function", "operator_cast", "type_identifier"})
_WRAPPER_DECLARATORS = frozenset({"pointer_declarator", "reference_declarator", "parenthesized_declarator",
                                  "attributed_declarator", "array_declarator", "init_declarator"})


def _macro_like(name: str) -> bool:
    """Upper-case names (``MAX``, ``FD_SET``) are macros by convention: a call to one is only a guess."""
    return len(name) > 1 and name.isupper()


def _blank(text: str) -> str:
    return _NOT_NEWLINE.sub(" ", text)


def mask(text: str) -> str:
    """``text`` with comments blanked and the insides of string and character literals blanked (same
    length, newlines kept), so that braces, semicolons and names in them are not read as code."""
    def repl(m: re.Match[str]) -> str:
        s = m.group(0)
        if s[0] == "/":
            return _blank(s)
        closed = len(s) >= 2 and s[-1] == s[0]
        inner = s[1:-1] if closed else s[1:]
        return s[0] + _blank(inner) + (s[-1] if closed else "")
    return _LEXEMES.sub(repl, text)


def conditional_rows(lines: list[str], cplusplus: bool) -> tuple[set[int], set[int], set[int]]:
    """(directive rows, rows of conditional directives, rows set aside) of masked ``lines`` (0-based rows).

    The first branch of each ``#if`` is kept and ``#elif``/``#else`` branches are set aside, as one
    configuration of the preprocessor would; ``#if 0`` keeps its ``#else`` instead, and for C the
    ``__cplusplus`` branches are set aside. Continuation lines of a directive are directive rows.
    """
    directives: set[int] = set()
    conditionals: set[int] = set()
    skipped: set[int] = set()
    stack: list[tuple[bool, bool]] = []  # (parent skipping, first branch skipped)
    skipping = False
    row = 0
    n = len(lines)
    while row < n:
        line = lines[row]
        m = _DIRECTIVE.match(line)
        if not m:
            if skipping:
                skipped.add(row)
            row += 1
            continue
        first = row
        while lines[row].rstrip().endswith("\\") and row + 1 < n:
            row += 1
        rows = range(first, row + 1)
        keyword, rest = m.group(1), m.group(2)
        if keyword in ("if", "ifdef", "ifndef", "elif", "else", "endif", "elifdef", "elifndef"):
            conditionals.update(rows)
        if keyword in ("if", "ifdef", "ifndef"):
            cond = rest.strip()
            skip_first = (keyword == "if" and _COND_ZERO.match(cond) is not None) or (not cplusplus and (
                (keyword == "ifdef" and cond.split(" ")[0] == "__cplusplus")
                or (keyword == "if" and _CPLUSPLUS_COND.match(cond) is not None and "!" not in cond)))
            stack.append((skipping, skip_first))
            directives.update(rows)
            skipping = skipping or skip_first
        elif keyword in ("elif", "else", "elifdef", "elifndef"):
            directives.update(rows)
            if stack:
                parent, skipped_first = stack[-1]
                if parent:
                    skipping = True
                elif skipped_first and keyword == "else":
                    stack[-1] = (parent, False)
                    skipping = False
                else:
                    skipping = True
        elif keyword == "endif":
            directives.update(rows)
            if stack:
                skipping = stack.pop()[0]
        else:
            directives.update(rows)  # define, include, pragma, error, line ...: no code
        if skipping:
            skipped.update(rows)
        row += 1
    return directives, conditionals, skipped


# -- the outline: top-level items found by brace level -------------------------------------------------
@dataclass(slots=True)
class _Item:
    kind: str  # function | class | block
    name: str
    first: int  # 1-based line where the item's header starts
    name_line: int
    last: int = 0
    ns: tuple[str, ...] = ()
    anonymous_ns: bool = False
    kr: bool = False


def _top_level_groups(s: str) -> list[tuple[int, int]]:
    """(open, close) offsets of the parenthesised groups of ``s`` at depth 0; unbalanced tails are dropped."""
    groups = []
    depth = 0
    start = 0
    for i, ch in enumerate(s):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append((start, i))
    return groups


def _top_level_assignment(s: str) -> bool:
    """True when ``s`` has an ``=`` outside parentheses that is not part of an operator name or comparison."""
    depth = 0
    for i, ch in enumerate(s):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "=" and depth == 0:
            prev = s[i - 1] if i else ""
            nxt = s[i + 1] if i + 1 < len(s) else ""
            if prev in "=!<>+-*/%&|^" or nxt == "=":
                continue
            if s[:i].rstrip().endswith("operator"):
                continue
            return True
    return False


def _function_sig(s: str) -> tuple[str, int] | None:
    """(name, offset of the name) when ``s`` (the text before a ``{``) is a function header."""
    if len(s) > 4000:
        return None
    for open_, close in _top_level_groups(s):
        before = s[:open_]
        if _top_level_assignment(before):
            return None
        window = max(0, len(before) - 300)  # a name stands right before its parameter list
        plain = _TEMPLATE_ARGS.sub("", _TEMPLATE_ARGS.sub("", before[window:]))
        op = _OPERATOR_BEFORE_PAREN.search(before, window) if "operator" in before[window:] else None
        if op:
            name = re.sub(r"\s+", "", op.group(1))
            offset = op.start(1)
        else:
            m = _NAME_BEFORE_PAREN.search(plain)
            if not m:
                return None
            name = re.sub(r"\s+", "", m.group(1))
            last = name.rsplit("::", 1)[-1].lstrip("~")
            if last in _ATTRIBUTE_WORDS:
                continue
            if last in _KEYWORDS or name.split("::")[0] in _KEYWORDS:
                return None
            offset = max(0, before.rfind(last))
        tail = s[close + 1:]
        m_tail = _SIG_TAIL.match(tail)
        if m_tail is None or tail[m_tail.end():].strip():
            return None
        return name, offset
    return None


_KR_PARAMS = re.compile(r"\s*+(?:[A-Za-z_]\w*+\s*+(?:,\s*+[A-Za-z_]\w*+\s*+)*+)?")


def _kr_sig(header: str) -> tuple[str, int] | None:
    """(name, offset) for a K&R definition: ``int f(a, b) int a; char *b;`` before the ``{``."""
    segments = header.split(";")
    if len(segments) < 2 or segments[-1].strip():
        return None
    starts = []
    pos = 0
    for seg in segments:
        starts.append(pos)
        pos += len(seg) + 1
    for k in range(len(segments) - 2, max(-1, len(segments) - 34), -1):
        seg = segments[k]
        close = seg.rfind(")")
        if close < 0:
            if "(" in seg or "=" in seg or "{" in seg or "}" in seg or not seg.strip():
                return None
            continue  # a parameter declaration ("char *b")
        open_ = seg.rfind("(", 0, close)
        if open_ < 0:
            return None
        after = seg[close + 1:]
        if _KR_PARAMS.fullmatch(seg[open_ + 1:close]) and after.strip() and "(" not in after and "=" not in seg:
            window = max(0, open_ - 300)
            m = _NAME_BEFORE_PAREN.search(seg, window, open_)
            if not m or m.group(1) in _KEYWORDS or "(" in seg[:open_]:
                return None
            return m.group(1), starts[k] + m.start(1)
        if "(*" in seg and "=" not in seg and "{" not in seg:
            continue  # a function-pointer parameter declaration ("int (*cmp)()")
        return None
    return None


def _statement_start(header: str, offset: int) -> int:
    """Offset of the first non-blank character after the last ``;`` before ``offset`` (a K&R header's start)."""
    cut = header.rfind(";", 0, offset) + 1
    rest = header[cut:offset]
    return cut + len(rest) - len(rest.lstrip())


def _classify(header: str, cplusplus: bool) -> tuple[str, str, int, int, bool]:
    """(kind, name, offset where the item starts, offset of its name, K&R) of the text before a top-level ``{``."""
    cut = header.rfind(";")
    last = header[cut + 1:]
    s = last.strip()
    start = cut + 1 + (len(last) - len(last.lstrip()))
    if not s:
        kr = _kr_sig(header)
        if kr:
            return "function", kr[0], _statement_start(header, kr[1]), kr[1], True
        return "block", "", start, start, False
    ns = re.fullmatch(r"(?:inline\s+)?namespace\b\s*([A-Za-z_][\w:]*)?\s*", s)
    if ns and cplusplus:
        return "namespace", ns.group(1) or "", start, start, False
    if re.fullmatch(r"extern\s*\"\s*\"", s):
        return "linkage", "", start, start, False
    agg = re.match(r"(?:template\s*<.*?>\s*)?(?:typedef\s+)?(class|struct|union|enum)\b(?:\s+class)?\s*"
                   r"(?:(?:[A-Z_][A-Z0-9_]*|alignas\s*\([^)]*\)|__declspec\s*\([^)]*\)|__attribute__\s*\(\([^;]*?\)\))\s+)*"
                   r"([A-Za-z_][\w:]*)?", s, re.DOTALL)
    rest = s[agg.end():].strip() if agg else ""
    if agg and (not rest or rest.startswith(":") or rest.startswith("final")):
        if cplusplus and agg.group(1) in ("class", "struct", "union") and agg.group(2) and "=" not in s:
            return "class", agg.group(2), start, start, False
        return "block", "", start, start, False
    if s.startswith("typedef") or s.endswith("=") or s.endswith("]"):
        return "block", "", start, start, False
    sig = _function_sig(s)
    if sig:
        return "function", sig[0], start, start + sig[1], False
    kr = _kr_sig(header)
    if kr:
        return "function", kr[0], _statement_start(header, kr[1]), kr[1], True
    return "block", "", start, start, False


def outline(masked: list[str], ignore: set[int], cplusplus: bool) -> list[_Item]:
    """Top-level items of a file (functions, C++ classes, other braced blocks) with their line ranges.

    ``masked`` holds the file's lines with comments and literals blanked; rows in ``ignore`` (directives
    and set-aside ``#else`` branches) are not read. Namespaces and ``extern "C"`` are transparent.
    """
    items: list[_Item] = []
    frames: list[tuple[str, bool]] = []  # (namespace name or "", anonymous)
    current: _Item | None = None
    depth = 0
    header: list[str] = []
    header_rows: list[tuple[int, int]] = []  # (offset in the joined header, row)
    size = 0

    def add(text: str, row: int) -> None:
        nonlocal size
        if not text:
            return
        header_rows.append((size, row))
        header.append(text)
        size += len(text)

    def reset() -> None:
        nonlocal size
        header.clear()
        header_rows.clear()
        size = 0

    def row_at(offset: int) -> int:
        keys = [o for o, _ in header_rows]
        i = max(0, bisect.bisect_right(keys, offset) - 1)
        return header_rows[i][1] if header_rows else 0

    for row, line in enumerate(masked):
        if row in ignore:
            continue
        pos = 0
        for m in _BRACES.finditer(line):
            ch = m.group(0)
            if current is not None:
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                    if depth == 0:
                        current.last = row + 1
                        items.append(current)
                        current = None
                        reset()
                pos = m.end()
                continue
            add(line[pos:m.start()], row)
            pos = m.end()
            if ch == ";":
                add(";", row)
                if size > 6000:  # keep the tail: a K&R header is at most a few dozen declarations
                    joined = "".join(header)[-3000:]
                    last_row = row
                    reset()
                    add(joined, last_row)
            elif ch == "}":
                if frames:
                    frames.pop()
                reset()
            else:
                text = "".join(header)
                kind, name, offset, name_offset, kr = _classify(text, cplusplus)
                first = row_at(offset) + 1 if text.strip() else row + 1
                name_line = row_at(name_offset) + 1 if text.strip() else row + 1
                if kind in ("namespace", "linkage"):
                    frames.append((name, kind == "namespace" and not name))
                else:
                    ns = tuple(n for n, _ in frames if n)
                    current = _Item(kind, name, first=min(first, row + 1), name_line=min(name_line, row + 1), ns=ns,
                                    anonymous_ns=any(a for _, a in frames), kr=kr)
                    depth = 1
                reset()
        if current is None:
            add(line[pos:] + "\n", row)
    return items


# -- per-file extraction ------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Func:
    id: str
    name: str
    line: int
    end_line: int
    static: bool = False
    in_class: bool = False
    cls: str = ""
    flags: list[str] = field(default_factory=list)
    entry: bool = False
    complexity: int = 1
    max_nesting: int = 0
    gotos: int = 0
    variables: set[str] = field(default_factory=set)
    strings: dict[str, list[str]] = field(default_factory=dict)
    start_byte: int = 0
    end_byte: int = 0
    name_line: int = 0
    count: int = 1
    anonymous_ns: bool = False


@dataclass(slots=True)
class _Region:
    tree: ts.ParsedTree
    offset: int  # lines of the file before the region's first line
    ns: tuple[str, ...] = ()
    anonymous_ns: bool = False
    funcs: list[_Func] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    captures: list[tuple[str, ts.Node]] = field(default_factory=list)
    metric_captures: list[tuple[str, ts.Node]] = field(default_factory=list)
    source_lines: list[bytes] = field(default_factory=list)

    def line(self, node: ts.Node) -> int:
        return int(node.start_point[0]) + 1 + self.offset

    def end_line(self, node: ts.Node) -> int:
        return int(node.end_point[0]) + 1 + self.offset

    def owner(self, byte: int) -> _Func | None:
        i = bisect.bisect_right(self.starts, byte) - 1
        while i >= 0:
            f = self.funcs[i]
            if f.start_byte <= byte < f.end_byte:
                return f
            i = self.parents[i]
        return None


@dataclass(slots=True)
class _Exec:
    kind: str
    text: str
    line: int


_FACTS_QUERIES: dict[str, str] = {}


def _facts_query(spec: LanguageSpec) -> str:
    """The descriptor's facts.scm, read once per process."""
    key = str(spec.folder)
    if key not in _FACTS_QUERIES:
        _FACTS_QUERIES[key] = spec.query_text("facts")
    return _FACTS_QUERIES[key]


def _metrics_query(spec: LanguageSpec) -> tuple[str, dict[str, re.Pattern[str]]]:
    """The query that captures the descriptor's decision and nesting nodes, and regexes of patterned entries."""
    parts = []
    patterns: dict[str, re.Pattern[str]] = {}
    for i, entry in enumerate(spec.decision_nodes):
        if entry in ("&&", "||"):
            parts.append(f'(binary_expression operator: "{entry}") @decision')
        elif "/" in entry:
            node_type, regex = entry.split("/", 1)
            parts.append(f"({node_type}) @decision.p{i}")
            patterns[f"decision.p{i}"] = re.compile(regex)
        else:
            parts.append(f"({entry}) @decision")
    parts.extend(f"({t}) @nesting" for t in spec.nesting_nodes)
    parts.append("(goto_statement) @goto")
    return "\n".join(parts), patterns


def _string_value(node: ts.Node, tree: ts.ParsedTree) -> str | None:
    """The value of a string literal or of adjacent literals (``"a" "b"``), casts and parentheses unwrapped."""
    for _ in range(8):
        if node.type in ("cast_expression", "parenthesized_expression"):
            inner = node.child_by_field_name("value") or (node.named_children[-1] if node.named_children else None)
            if inner is None:
                return None
            node = inner
            continue
        break
    if node.type not in ("string_literal", "concatenated_string"):
        return None
    return "".join(m.group(1) for m in _C_STRING.finditer(tree.text(node)))


def _strip_templates(text: str) -> str:
    for _ in range(4):
        stripped = _TEMPLATE_ARGS.sub("", text)
        if stripped == text:
            break
        text = stripped
    return re.sub(r"\s+", "", text)


def _qualified_parts(text: str) -> list[str]:
    """``a::B<T>::f`` -> ["a", "B", "f"]; an operator name stays whole (``X::operator==`` -> ["X", "operator=="])."""
    m = _OPERATOR_WORD.search(text)
    if m:
        parts = [p for p in _strip_templates(text[:m.start()]).split("::") if p]
        return [*parts, "operator" + re.sub(r"\s+", "", text[m.end():])]
    return [p for p in _strip_templates(text).split("::") if p]


def _declarator_name(decl: ts.Node | None) -> tuple[ts.Node | None, ts.Node | None]:
    """(name node, the function's own function_declarator) of a function definition's declarator."""
    fdecl = None
    d = decl
    for _ in range(64):
        if d is None:
            return None, None
        t = d.type
        if t == "function_declarator":
            fdecl = d
            d = d.child_by_field_name("declarator")
            continue
        if t in _NAME_TYPES:
            return (d, fdecl) if fdecl is not None else (None, None)
        if t in _WRAPPER_DECLARATORS:
            inner = d.child_by_field_name("declarator")
            if inner is None:
                inner = next((c for c in d.named_children
                              if c.type.endswith("declarator") or c.type in _NAME_TYPES), None)
            d = inner
            continue
        return None, None
    return None, None


def _variable_names(decl: ts.Node) -> list[tuple[str, ts.Node | None, bool]]:
    """(name, initial value, is a prototype) of each declarator of a declaration."""
    out: list[tuple[str, ts.Node | None, bool]] = []
    for child in decl.children_by_field_name("declarator"):
        value = None
        d: ts.Node | None = child
        if child.type == "init_declarator":
            value = child.child_by_field_name("value")
            d = child.child_by_field_name("declarator")
        prototype = False
        pointer = False
        for _ in range(32):
            if d is None:
                break
            if d.type in ("identifier", "field_identifier"):
                out.append((d.text.decode("utf-8", "replace") if d.text else "", value, prototype and not pointer))
                break
            if d.type == "function_declarator":
                prototype = True
                d = d.child_by_field_name("declarator")
                continue
            if d.type in ("pointer_declarator", "parenthesized_declarator") and prototype:
                pointer = True
            if d.type in _WRAPPER_DECLARATORS:
                inner = d.child_by_field_name("declarator")
                if inner is None:
                    inner = next((c for c in d.named_children if c.type.endswith("declarator")
                                  or c.type in ("identifier", "field_identifier")), None)
                if d.type == "parenthesized_declarator":
                    pointer = pointer or any(c.type == "pointer_declarator" for c in d.named_children)
                d = inner
                continue
            break
    return out


class _Extractor:
    def __init__(self, text: str, path: str, spec: LanguageSpec) -> None:
        self.text = text
        self.path = path
        self.spec = spec
        self.cplusplus = spec.grammar == "cpp"
        suffix = PurePosixPath(path).suffix
        self.is_header = suffix in HEADER_EXTENSIONS
        self.file_id = f"c:{path}"
        self.member = member_name(path)
        self.lines = text.split("\n")
        self.diagnostics: list[Diagnostic] = []
        self.references: dict[tuple[str, str, str, str, int], Reference] = {}
        self.extra_definitions: list[Definition] = []
        self.macros: set[str] = set()
        self.file_variables: set[str] = set()
        self.file_strings: dict[str, list[str]] = {}
        self.static_prototypes: set[str] = set()
        self.funcs: dict[str, _Func] = {}
        self.regions: list[_Region] = []
        self.replaced: list[tuple[int, int]] = []  # 1-based inclusive line ranges read by a re-parse
        self.fallback_rows: set[int] = set()  # 0-based rows only the statement-level scan read
        self.fallback_funcs: list[_Func] = []
        self.comment_rows: set[int] = set()
        self.row_errors: dict[int, int] = {}
        self.execs: list[_Exec] = []
        self.masked_lines: list[str] | None = None
        self.metrics_query, self.patterns = _metrics_query(spec)
        self.facts_query = _facts_query(spec)
        self.replaced_rows = bytearray(len(self.lines) + 2)  # 1 where a re-parse owns the 1-based line

    # -- driver -------------------------------------------------------------------------------------
    def run(self) -> Extraction:
        parse_text = self._lift_exec_blocks()
        main = _Region(ts.parse(self.spec.grammar, parse_text.encode("utf-8", "replace")), 0)
        self.regions.append(main)
        errors = list(ts.outermost_errors(main.tree.root))
        main_errors = self._row_errors(main, errors)
        if errors:
            self._recover(parse_text, main, main_errors)
        for rows, chars in main_errors.items():
            if not self._is_replaced(rows + 1):
                self.row_errors[rows] = self.row_errors.get(rows, 0) + chars
        for region in self.regions:
            self._collect(region)
        for region in self.regions:
            self._functions(region)
        for row in self.comment_rows & (set(self.row_errors) | self.fallback_rows):
            self.row_errors.pop(row, None)
            self.fallback_rows.discard(row)
        for region in self.regions:
            self._declarations(region)
        for region in self.regions:
            self._references(region)
            self._metrics(region)
        self._fallback_functions()
        owners = self._line_owners()
        self._scan_fallback_rows(owners)
        self._exec_facts(owners)
        return self._result(owners)

    # -- EXEC SQL -----------------------------------------------------------------------------------
    def _lift_exec_blocks(self) -> str:
        """The text with EXEC blocks blanked (their ``;`` kept); the blocks go to ``self.execs``."""
        if not _EXEC_START.search(self.text):
            return self.text
        masked = mask(self.text)
        out: list[str] = []
        pos = 0
        for m in _EXEC_START.finditer(masked):
            if m.start() < pos:
                continue
            kind = m.group(1).upper()
            end: int
            rest = masked[m.end():m.end() + 40].lstrip().upper()
            if kind == "SQL" and rest.startswith("EXECUTE") and not rest[7:].lstrip().startswith("IMMEDIATE"):
                end_exec = _END_EXEC.search(masked, m.end())
                semi = masked.find(";", end_exec.end()) if end_exec else -1
            else:
                semi = masked.find(";", m.end())
            line = self.text.count("\n", 0, m.start()) + 1
            if semi < 0:
                end = len(self.text)
                self.diagnostics.append(Diagnostic(self.path, WARNING, "C-EXEC-UNTERMINATED",
                                                   f"EXEC {kind} without a closing ';'; read to the end of the file",
                                                   line))
            else:
                end = semi
            body = " ".join(self.text[m.end():end].split())
            self.execs.append(_Exec(kind, body, line))
            out.append(self.text[pos:m.start()])
            out.append(_blank(self.text[m.start():end]))
            pos = end
        out.append(self.text[pos:])
        return "".join(out)

    # -- recovery of ERROR regions ----------------------------------------------------------------------
    @staticmethod
    def _row_errors(region: _Region, errors: list[ts.Node]) -> dict[int, int]:
        """Non-blank characters inside ERROR nodes per 0-based file row (plus one per row, as ts.error_ratio)."""
        out: dict[int, int] = {}
        for node in errors:
            row = int(node.start_point[0]) + region.offset
            for k, piece in enumerate(region.tree.text(node).split("\n")):
                stripped = piece.strip()
                if stripped:
                    out[row + k] = out.get(row + k, 0) + len(stripped) + 1
        return out

    def _is_replaced(self, line: int) -> bool:
        return 0 <= line < len(self.replaced_rows) and self.replaced_rows[line] == 1

    def _masked(self, parse_text: str) -> list[str]:
        if self.masked_lines is None:
            self.masked_lines = mask(parse_text).split("\n")
        return self.masked_lines

    def _recover(self, parse_text: str, main: _Region, main_errors: dict[int, int]) -> None:
        """Re-parse the top-level items and the stretches between them that ERROR nodes touch, each on its
        own; mark the rows that no tree reads for the statement-level scan."""
        masked = self._masked(parse_text)
        directives, _, skipped = conditional_rows(masked, self.cplusplus)
        ignore = directives | skipped
        items = outline(masked, ignore, self.cplusplus)
        text_lines = parse_text.split("\n")
        main_ends: dict[int, int] = {}  # first line -> last line of the whole-file parse's functions
        in_main_func = bytearray(len(self.lines) + 2)
        for n in _function_nodes(main.tree.root):
            a, b = main.line(n), main.end_line(n)
            main_ends[a] = max(main_ends.get(a, 0), b)
            for line in range(a, min(b, len(self.lines)) + 1):
                in_main_func[line] = 1
        error_rows = sorted(main_errors)

        def has_error(first: int, last: int) -> bool:
            lo = bisect.bisect_left(error_rows, first - 1)
            return lo < len(error_rows) and error_rows[lo] <= last - 1

        # The file as tiles: each outline item, and each stretch of declarations between two items.
        tiles: list[tuple[int, int, _Item | None]] = []
        prev = 0
        for item in items:
            if item.first <= prev:
                continue
            if item.first > prev + 1:
                tiles.append((prev + 1, item.first - 1, None))
            tiles.append((item.first, item.last, item))
            prev = item.last
        if prev < len(text_lines):
            tiles.append((prev + 1, len(text_lines), None))
        for first, last, tile_item in tiles:
            if last - first > _MAX_ITEM_LINES or not has_error(first, last):
                continue
            before = sum(main_errors.get(r, 0) for r in range(first - 1, last))
            chunk = text_lines[first - 1:last]
            ns, anonymous = (tile_item.ns, tile_item.anonymous_ns) if tile_item is not None else ((), False)
            best = self._parse_chunk(chunk, first, ns, anonymous)
            best_errors = self._chunk_errors(best)
            set_aside: set[int] = set()
            if best_errors and any(r in directives for r in range(first - 1, last)):
                variant, variant_aside = self._first_branch(chunk, first, ns, anonymous)
                variant_errors = self._chunk_errors(variant)
                if sum(variant_errors.values()) < sum(best_errors.values()):
                    best, best_errors, set_aside = variant, variant_errors, variant_aside
            after = sum(best_errors.values())
            is_function = tile_item is not None and tile_item.kind == "function"
            name_line = tile_item.name_line if tile_item is not None else first
            if after >= before and (not is_function or any(
                    main_ends.get(a, 0) >= last - 1 for a in range(first, name_line + 2))):
                continue  # the whole-file parse read it as well
            self.replaced.append((first, last))
            for line in range(first, min(last, len(self.lines)) + 1):
                self.replaced_rows[line] = 1
            self.regions.append(best)
            self.fallback_rows.update(set_aside)
            for r, c in best_errors.items():
                self.row_errors[r] = self.row_errors.get(r, 0) + c
            if tile_item is not None and is_function and not _function_nodes(best.tree.root):
                self.fallback_funcs.append(self._outline_func(tile_item, masked, ignore))
        # Rows in ERROR nodes that no re-parse took over, and rows in ERROR nodes of the re-parses.
        for row in main_errors:
            if not self._is_replaced(row + 1):
                self.fallback_rows.add(row)
        self.fallback_rows.update(self.row_errors)
        # Functions the outline found in error rows that no tree has.
        for item in items:
            if item.kind != "function" or self._is_replaced(item.first) or item.last - item.first > _MAX_ITEM_LINES:
                continue
            if not has_error(item.first, item.last) or any(
                    in_main_func[line] for line in range(item.first, min(item.last, len(self.lines)) + 1)):
                continue
            self.fallback_funcs.append(self._outline_func(item, masked, ignore))

    def _parse_chunk(self, chunk: list[str], first: int, ns: tuple[str, ...], anonymous: bool) -> _Region:
        source = "\n".join(chunk).encode("utf-8", "replace")
        return _Region(ts.parse(self.spec.grammar, source), first - 1, ns, anonymous)

    def _chunk_errors(self, region: _Region) -> dict[int, int]:
        return self._row_errors(region, list(ts.outermost_errors(region.tree.root)))

    def _first_branch(self, chunk: list[str], first: int, ns: tuple[str, ...],
                      anonymous: bool) -> tuple[_Region, set[int]]:
        """The chunk with its ``#else`` branches and conditional directives blanked; the rows set aside."""
        masked = (self.masked_lines or [])[first - 1:first - 1 + len(chunk)]
        _, conditionals, skipped = conditional_rows(masked, self.cplusplus)
        out = list(chunk)
        set_aside: set[int] = set()
        for r in sorted(skipped | conditionals):
            if r in skipped and r not in conditionals and out[r].strip():
                set_aside.add(r + first - 1)
            out[r] = ""
        return self._parse_chunk(out, first, ns, anonymous), set_aside

    def _outline_func(self, item: _Item, masked: list[str], ignore: set[int]) -> _Func:
        """A function that only the outline found: name and lines from it, metrics from its masked text."""
        parts = _qualified_parts(item.name)
        name = "::".join(parts[-2:]) if len(parts) > 1 else (parts[0] if parts else item.name)
        cls = parts[-2] if len(parts) > 1 else ""
        ident = f"{self.file_id}::{'::'.join([*item.ns, *parts])}"
        body = [masked[r] for r in range(item.first - 1, min(item.last, len(masked))) if r not in ignore]
        text = "\n".join(body)
        depth = deepest = 0
        for ch in text:
            if ch == "{":
                depth += 1
                deepest = max(deepest, depth)
            elif ch == "}":
                depth -= 1
        head = text[: text.find("{")] if "{" in text else text
        f = _Func(ident, name, item.first, item.last, name_line=item.name_line,
                  static=re.search(r"\bstatic\b", head) is not None,
                  cls=cls, flags=["outline"] + (["k&r"] if item.kr else []),
                  complexity=1 + len(_FALLBACK_DECISIONS.findall(text)), max_nesting=max(0, deepest - 1),
                  gotos=len(_GOTO.findall(text)), anonymous_ns=item.anonymous_ns)
        f.entry = name in ENTRY_POINTS and not item.ns
        return f

    # -- captures -----------------------------------------------------------------------------------
    def _collect(self, region: _Region) -> None:
        caps = ts.captures(self.spec.grammar, self.facts_query, region.tree.root)
        mcaps = ts.captures(self.spec.grammar, self.metrics_query, region.tree.root)
        if region.offset == 0 and region is self.regions[0] and self.replaced:
            caps = [(c, n) for c, n in caps if not self._is_replaced(region.line(n))]
            mcaps = [(c, n) for c, n in mcaps if not self._is_replaced(region.line(n))]
        region.captures = caps
        region.metric_captures = mcaps

    def _functions(self, region: _Region) -> None:
        for capture, node in region.captures:
            if capture == "definition.function":
                f = self._function(region, node)
                if f is not None:
                    region.funcs.append(f)
            elif capture == "definition.macro":
                self.macros.add(region.tree.text(node))
            elif capture == "definition.macro.node" and self.is_header:
                name_node = node.child_by_field_name("name")
                if name_node is not None:
                    # A function-like macro of a header is called like a function by every includer: it is
                    # a component, so that those calls resolve to the header that defines it.
                    name = region.tree.text(name_node)
                    region.funcs.append(_Func(f"{self.file_id}::{name}", name, region.line(node),
                                              _directive_end_line(region, node), flags=["macro"],
                                              start_byte=node.start_byte, end_byte=node.end_byte,
                                              name_line=region.line(name_node)))
            elif capture == "fact.comment":
                if not region.source_lines:
                    region.source_lines = region.tree.source.split(b"\n")
                for row in _comment_only_rows(region.source_lines, node):
                    self.comment_rows.add(row + region.offset)
        region.funcs.sort(key=lambda f: (f.start_byte, -f.end_byte))
        region.starts = [f.start_byte for f in region.funcs]
        stack: list[int] = []
        region.parents = []
        for i, f in enumerate(region.funcs):
            while stack and region.funcs[stack[-1]].end_byte <= f.start_byte:
                stack.pop()
            region.parents.append(stack[-1] if stack else -1)
            stack.append(i)

    def _function(self, region: _Region, node: ts.Node) -> _Func | None:
        tree = region.tree
        name_node, fdecl = _declarator_name(node.child_by_field_name("declarator"))
        if name_node is None or fdecl is None:
            return None
        if name_node.type == "template_function":
            inner = name_node.child_by_field_name("name")
            if inner is None:
                return None
            name_node = inner
        parts = _qualified_parts(tree.text(name_node))
        if not parts:
            return None
        namespaces: list[str] = []
        classes: list[str] = []
        anonymous = region.anonymous_ns
        in_template = False
        p = node.parent
        while p is not None:
            t = p.type
            if t == "function_definition":
                break
            if t == "template_declaration":
                in_template = True
            elif t == "namespace_definition":
                n = p.child_by_field_name("name")
                if n is None:
                    anonymous = True
                else:
                    namespaces.insert(0, _strip_templates(tree.text(n)))
            elif t in ("class_specifier", "struct_specifier", "union_specifier"):
                n = p.child_by_field_name("name")
                if n is not None and p.child_by_field_name("body") is not None:
                    classes.insert(0, _strip_templates(tree.text(n)).split("::")[-1])
            p = p.parent
        fname = parts[-1]
        qualifier = parts[:-1]
        ns = [*region.ns, *namespaces]
        if qualifier:
            cls = qualifier[-1]
            full = [*ns, *qualifier, fname]
            name = f"{cls}::{fname}"
        elif classes:
            cls = classes[-1]
            full = [*ns, *classes, fname]
            name = f"{cls}::{fname}"
        else:
            cls = ""
            full = [*ns, fname]
            name = fname
        head = tree.source[node.start_byte:fdecl.start_byte].decode("utf-8", "replace")
        flags = []
        static = re.search(r"\bstatic\b", head) is not None
        if static:
            flags.append("static")
        if re.search(r"\binline\b|__inline", head):
            flags.append("inline")
        params = fdecl.child_by_field_name("parameters")
        variables: set[str] = set()
        if params is not None:
            if any(c.type == "identifier" for c in params.named_children):
                flags.append("k&r")
            for param in params.named_children:
                if param.type == "identifier":
                    continue
                for var, _, _ in _variable_names(param):
                    variables.add(var)
        if in_template:
            flags.append("template")
        f = _Func(f"{self.file_id}::{'::'.join(full)}", name, region.line(node), region.end_line(node),
                  static=static, in_class=bool(classes or qualifier), cls=cls, flags=flags,
                  entry=fname in ENTRY_POINTS and not qualifier and not classes and not ns,
                  variables=variables, start_byte=node.start_byte, end_byte=node.end_byte,
                  name_line=region.line(name_node), anonymous_ns=anonymous)
        return f

    def _declarations(self, region: _Region) -> None:
        """Variables (calls through them are not calls to functions), static prototypes, SQL held in strings."""
        tree = region.tree
        for capture, node in region.captures:
            if capture == "fact.declaration":
                owner = region.owner(node.start_byte)
                head = tree.text(node)[:200]
                for name, value, prototype in _variable_names(node):
                    if prototype:
                        if owner is None and re.match(r"\s*(?:\w+\s+)*?static\b", head):
                            self.static_prototypes.add(name)
                        continue
                    (owner.variables if owner else self.file_variables).add(name)
                    if value is not None:
                        s = _string_value(value, tree)
                        if s is not None:
                            target = owner.strings if owner else self.file_strings
                            target.setdefault(name, []).append(s)
            elif capture == "fact.assign":
                left = node.child_by_field_name("left")
                right = node.child_by_field_name("right")
                if left is None or right is None:
                    continue
                s = _string_value(right, tree)
                if s is not None:
                    owner = region.owner(node.start_byte)
                    (owner.strings if owner else self.file_strings).setdefault(tree.text(left), []).append(s)
            elif capture == "fact.define":
                name_node = node.child_by_field_name("name")
                value = node.child_by_field_name("value")
                if name_node is not None and value is not None:
                    literal = tree.text(value).strip()
                    if literal.startswith('"'):
                        self.file_strings.setdefault(tree.text(name_node), []).append(
                            "".join(m.group(1) for m in _C_STRING.finditer(literal)))
            elif capture == "reference.call":
                self._string_builder(region, node)

    def _string_builder(self, region: _Region, node: ts.Node) -> None:
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "identifier":
            return
        spec = _STRING_BUILDERS.get(region.tree.text(fn))
        if spec is None:
            return
        args = _arguments(node)
        buf_at, lit_at, appends = spec
        if len(args) <= max(buf_at, lit_at) or args[buf_at].type != "identifier":
            return
        value = _string_value(args[lit_at], region.tree)
        if value is None:
            return
        owner = region.owner(node.start_byte)
        strings = owner.strings if owner else self.file_strings
        name = region.tree.text(args[buf_at])
        values = strings.setdefault(name, [])
        if appends and values:
            values[-1] += value
        else:
            values.append(value)

    # -- references -----------------------------------------------------------------------------------
    def _add(self, ref: Reference) -> None:
        key = (ref.source, ref.kind, ref.target_kind, ref.target, ref.line)
        if key not in self.references:
            self.references[key] = ref

    def _references(self, region: _Region) -> None:
        for capture, node in region.captures:
            if capture == "reference.call":
                self._call(region, node)
            elif capture == "reference.include":
                self._include(region, node)
            elif capture == "definition.macro.node":
                self._macro_body(region, node)

    def _call(self, region: _Region, node: ts.Node) -> None:
        tree = region.tree
        fn = node.child_by_field_name("function")
        if fn is None:
            return
        owner = region.owner(node.start_byte)
        source = self.funcs_id(owner)
        line = region.line(node)
        if fn.type == "template_function":
            inner = fn.child_by_field_name("name")
            if inner is None:
                return
            fn = inner
        if fn.type == "identifier":
            name = tree.text(fn)
            if name in self.macros or name in _KEYWORDS:
                return
            if (owner is not None and name in owner.variables) or name in self.file_variables:
                return  # a call through a function pointer
            if name in _SQL_APIS:
                self._sql_api(region, node, name, owner, line)
            candidates: tuple[str, ...] = ()
            if self.cplusplus:
                # a method of the caller's class first; then a constructor (``Options()`` builds an Options)
                candidates = (f"{owner.cls}::{name}",) if owner is not None and owner.cls else ()
                if name[:1].isupper():
                    candidates += (f"{name}::{name}",)
            self._add(Reference(source, "calls", "function", name, line, "call", candidates=candidates,
                                optional=_macro_like(name)))
        elif fn.type == "qualified_identifier" and self.cplusplus:
            written = re.sub(r"\s+", "", tree.text(fn))
            parts = _qualified_parts(written)
            if not parts:
                return
            if parts[0] == "std":
                self._add(Reference(source, "calls", "function", "::".join(parts), line, "call"))
            elif len(parts) == 1:
                self._add(Reference(source, "calls", "function", parts[0], line, "call"))
            else:
                self._add(Reference(source, "calls", "function", parts[-1], line, "call",
                                    detail=written, candidates=(f"{parts[-2]}::{parts[-1]}",)))
        elif fn.type == "field_expression" and self.cplusplus and owner is not None and owner.cls:
            member = fn.child_by_field_name("field")
            if member is None:
                return
            name = _strip_templates(tree.text(member)).lstrip("~")
            if _IDENT.fullmatch(name):
                self._add(Reference(source, "calls", "function", f"{owner.cls}::{name}", line, "method-call",
                                    optional=True))

    def funcs_id(self, owner: _Func | None) -> str:
        return owner.id if owner is not None else self.file_id

    def _include(self, region: _Region, node: ts.Node) -> None:
        path_node = node.child_by_field_name("path")
        line = region.line(node)
        if path_node is None:
            return
        written = region.tree.text(path_node).strip()
        if path_node.type == "system_lib_string":
            self._add_include(written[1:-1].strip(), True, line)
        elif path_node.type == "string_literal":
            self._add_include(written.strip('"').strip(), False, line)
        else:
            self.diagnostics.append(Diagnostic(self.path, INFO, "C-COMPUTED-INCLUDE",
                                               f"#include {written} names its file through a macro; not followed",
                                               line))

    def _add_include(self, name: str, system: bool, line: int) -> None:
        if not name:
            return
        base = PurePosixPath(name.replace("\\", "/")).name
        if system:
            first = name.replace("\\", "/").split("/", 1)[0] if "/" in name.replace("\\", "/") else ""
            target = name if first in _SYSTEM_INCLUDE_DIRS else base
            self._add(Reference(self.file_id, "includes", "header", target, line, "include", detail=f"<{name}>",
                                external=f"header:<{name}>"))
        else:
            self._add(Reference(self.file_id, "includes", "header", base, line, "include", detail=f'"{name}"'))

    def _macro_body(self, region: _Region, node: ts.Node) -> None:
        """Functions a function-like macro calls: the file that defines the macro depends on them."""
        value = node.child_by_field_name("value")
        params = node.child_by_field_name("parameters")
        if value is None:
            return
        own = {region.tree.text(p) for p in params.named_children} if params is not None else set()
        body = mask(region.tree.text(value))
        line = region.line(value)
        name_node = node.child_by_field_name("name")
        source = self.file_id
        if self.is_header and name_node is not None:
            source = f"{self.file_id}::{region.tree.text(name_node)}"
        for m in _CALL_IN_TEXT.finditer(body):
            name = m.group(1)
            before = body[:m.start()].rstrip()
            if name in own or name in _KEYWORDS or name in self.macros or before.endswith(("#", ".", "->", "::")):
                continue
            self._add(Reference(source, "calls", "function", name, line + body.count("\n", 0, m.start()), "macro-body",
                                optional=True))

    # -- SQL --------------------------------------------------------------------------------------------
    def _sql_api(self, region: _Region, node: ts.Node, api: str, owner: _Func | None, line: int) -> None:
        args = _arguments(node)
        at = _SQL_APIS[api]
        if len(args) <= at:
            return
        source = self.funcs_id(owner)
        arg = args[at]
        value = _string_value(arg, region.tree)
        if value is not None:
            self._sql_text(value, source, line, "sql-api", api)
            return
        while arg.type in ("cast_expression", "parenthesized_expression"):
            inner = arg.child_by_field_name("value") or (arg.named_children[-1] if arg.named_children else None)
            if inner is None:
                break
            arg = inner
        name = region.tree.text(arg)
        if arg.type == "identifier":
            values = (owner.strings.get(name) if owner is not None else None) or self.file_strings.get(name)
            if values:
                self._sql_values(values, source, line, "sql-api-variable", f"{api} {name}", name)
                return
        ident = re.sub(r"\W+", "_", name).strip("_")[:60] or "sql"
        self._add(Reference(source, "dynamic-sql", "table", ident, line, "sql-api", dynamic=True,
                            detail=f"{api} with SQL built at run time"))

    def _sql_values(self, values: list[str], source: str, line: int, via: str, detail: str, var: str) -> None:
        """SQL held in a variable; when none of its values names a table or procedure (``DELETE FROM %s``),
        the statement is built at run time: a dynamic-sql reference to the variable."""
        found = sum(self._sql_text(v, source, line, via, detail) for v in values)
        if not found and any("%" in v for v in values):
            self._add(Reference(source, "dynamic-sql", "table", var, line, via, dynamic=True,
                                detail=f"{detail}: table named at run time"))

    def _sql_text(self, sql: str, source: str, line: int, via: str, detail: str) -> int:
        """References for the tables and procedure one SQL text uses; returns how many."""
        call = _SQL_CALL.match(sql) or _SQL_BLOCK_CALL.match(sql)
        if call:
            parts = call.group(1).split(".")
            self._add(Reference(source, "calls", "procedure", parts[-1].upper(), line, via,
                                detail=f"{detail}: {call.group(1)}"))
        try:
            found = dml_tables(sql)
        except Exception as exc:  # dml_tables promises not to raise; one odd statement must not cost the file
            self.diagnostics.append(Diagnostic(self.path, WARNING, "C-SQL-UNREADABLE",
                                               f"SQL text could not be analysed: {exc}", line))
            return 1 if call else 0
        verb = (sql.split(None, 1) or [""])[0].upper().strip("{(")
        for access, table in found:
            self._add(Reference(source, access, "table", table.upper(), line, via, detail=f"{detail} {verb}".strip()))
        return len(found) + (1 if call else 0)

    def _exec_facts(self, owners: list[str]) -> None:
        for block in self.execs:
            source = owners[block.line - 1] if 0 < block.line <= len(owners) else self.file_id
            if block.kind != "SQL":
                if block.kind in ("CICS", "DLI"):
                    self.diagnostics.append(Diagnostic(self.path, INFO, f"C-EXEC-{block.kind}",
                                                       f"EXEC {block.kind} in C is set aside, not analysed",
                                                       block.line))
                continue
            text = _SQL_PREFIX.sub("", block.text, count=1)
            words = text.split()
            first = words[0].upper() if words else ""
            if first == "INCLUDE":
                m = _SQL_INCLUDE.match(text)
                if m:
                    name = m.group(1)
                    header = name if "." in name else f"{name.lower() if name.isupper() else name}.h"
                    system = name.lower() in _SQL_SYSTEM_INCLUDES
                    self._add(Reference(self.file_id, "includes", "header", PurePosixPath(header).name, block.line,
                                        "exec-sql-include", detail=f"EXEC SQL INCLUDE {name}",
                                        external=f"header:<{header}>" if system else ""))
                continue
            if first == "WHENEVER":
                m = _WHENEVER.search(text)
                if m and m.group(1):
                    self._add(Reference(source, "calls", "function", m.group(1), block.line, "exec-sql-whenever",
                                        detail="EXEC SQL WHENEVER ... DO"))
                elif m and m.group(2) and source in self.funcs:
                    self.funcs[source].gotos += 1
                continue
            declare = _DECLARE_TABLE.match(text)
            if declare:
                self.extra_definitions.append(Definition(kind="table", name=declare.group(1).upper(), line=block.line,
                                                         detail="dclgen"))
                continue
            dynamic = _DYNAMIC_SQL.search(text)
            if dynamic:
                operand = dynamic.group(1)
                if operand[0] in "'\"":
                    self._sql_text(operand[1:-1].replace("''", "'"), source, block.line, "exec-sql", "EXEC SQL")
                    continue
                var = operand.lstrip(":").strip()
                f = self.funcs.get(source)
                values = (f.strings.get(var) if f else None) or self.file_strings.get(var)
                if values:
                    self._sql_values(values, source, block.line, "exec-sql-variable", f"EXEC SQL {first} {var}", var)
                else:
                    self._add(Reference(source, "dynamic-sql", "table", var, block.line, "exec-sql", dynamic=True,
                                        detail=f"EXEC SQL {first} with SQL built at run time"))
                continue
            if first == "CALL" or first == "EXECUTE":
                self._sql_text(text if first == "CALL" else " ".join(words[1:]), source, block.line, "exec-sql",
                               "EXEC SQL")
                continue
            self._sql_text(text, source, block.line, "exec-sql", "EXEC SQL")

    # -- metrics --------------------------------------------------------------------------------------
    def _metrics(self, region: _Region) -> None:
        stacks: dict[str, list[tuple[int, int]]] = {}
        for capture, node in region.metric_captures:
            owner = region.owner(node.start_byte)
            if owner is None:
                continue
            if capture == "decision":
                owner.complexity += 1
            elif capture.startswith("decision.p"):
                if self.patterns[capture].match(region.tree.text(node)):
                    owner.complexity += 1
            elif capture == "goto":
                owner.gotos += 1
            elif capture == "nesting":
                stack = stacks.setdefault(owner.id, [])
                while stack and stack[-1][0] <= node.start_byte:
                    stack.pop()
                parent_depth = stack[-1][1] if stack else 0
                parent = node.parent
                else_if = node.type == "if_statement" and parent is not None and parent.type == "else_clause"
                depth = parent_depth + (0 if else_if and stack else 1)
                stack.append((node.end_byte, depth))
                owner.max_nesting = max(owner.max_nesting, depth)

    # -- functions found by the outline only ------------------------------------------------------------------
    def _fallback_functions(self) -> None:
        for region in self.regions:
            for f in region.funcs:
                self._register(f)
        for f in self.fallback_funcs:
            self._register(f)

    def _register(self, f: _Func) -> None:
        old = self.funcs.get(f.id)
        if old is None:
            self.funcs[f.id] = f
            return
        if old is f:
            return
        # Several definitions under one id: #if variants of one function, or C++ overloads.
        old.count += 1
        old.line = min(old.line, f.line)
        old.end_line = max(old.end_line, f.end_line)
        old.complexity += f.complexity - 1
        old.max_nesting = max(old.max_nesting, f.max_nesting)
        old.gotos += f.gotos
        old.entry = old.entry or f.entry
        old.static = old.static and f.static
        old.variables |= f.variables
        for name, values in f.strings.items():
            old.strings.setdefault(name, []).extend(values)

    def _line_owners(self) -> list[str]:
        """The component id that owns each line: the innermost function around it, else the file."""
        owners = [self.file_id] * len(self.lines)

        def claim(f: _Func, only_free: bool) -> None:
            target = self.funcs.get(f.id, f).id
            for row in range(max(0, f.line - 1), min(f.end_line, len(owners))):
                if not only_free or owners[row] == self.file_id:
                    owners[row] = target

        main, *others = self.regions
        for f in main.funcs:
            claim(f, False)
        for region in others:
            for f in region.funcs:
                claim(f, False)
        for f in self.fallback_funcs:
            claim(f, True)
        return owners

    def _scan_fallback_rows(self, owners: list[str]) -> None:
        """Calls and includes on rows that no tree read (ERROR nodes, set-aside #else branches)."""
        if not self.fallback_rows:
            return
        masked = self.masked_lines or mask(self.text).split("\n")
        headers = {(f.name_line, f.name.rsplit("::", 1)[-1]) for f in self.funcs.values()}
        headers |= {(f.name_line, f.name.rsplit("::", 1)[-1]) for f in self.fallback_funcs}
        for row in sorted(self.fallback_rows):
            if row >= len(self.lines) or row >= len(masked):
                continue
            original = self.lines[row]
            inc = _INCLUDE_LINE.match(original)
            if inc:
                self._add_include(inc.group(2).strip(), inc.group(1) == "<", row + 1)
                continue
            text = masked[row]
            if _DIRECTIVE.match(text):
                continue
            source = owners[row]
            owner = self.funcs.get(source)
            for m in _CALL_IN_TEXT.finditer(text):
                name = m.group(1)
                if name in _KEYWORDS or name in self.macros or (row + 1, name) in headers:
                    continue
                if (owner is not None and name in owner.variables) or name in self.file_variables:
                    continue
                if not _is_call_position(text, m.start()):
                    continue
                candidates = (f"{owner.cls}::{name}",) if self.cplusplus and owner is not None and owner.cls else ()
                self._add(Reference(source, "calls", "function", name, row + 1, "fallback", candidates=candidates,
                                    optional=_macro_like(name)))

    # -- result ---------------------------------------------------------------------------------------------
    def _result(self, owners: list[str]) -> Extraction:
        definitions: list[Definition] = []
        kind = "header" if self.is_header else "source"
        n_lines = len(self.lines) - (1 if self.lines and self.lines[-1] == "" and len(self.lines) > 1 else 0)
        definitions.append(Definition(kind=kind, name=PurePosixPath(self.path).name, line=1,
                                      end_line=max(1, n_lines), id=self.file_id))
        entry: _Func | None = None
        for f in sorted(self.funcs.values(), key=lambda f: (f.line, f.id)):
            file_scope = (f.static and not f.in_class) or f.anonymous_ns or (
                f.name in self.static_prototypes and not f.in_class)
            flags = list(dict.fromkeys(f.flags))
            if f.count > 1:
                flags.append(f"{f.count} definitions")
            if f.entry:
                flags.append("entry point")
                entry = entry or f
            definitions.append(Definition(kind="function", name=f.name, line=f.line, end_line=f.end_line,
                                          detail=" ".join(flags), id=f.id,
                                          scope="file" if file_scope and not self.is_header else ""))
        program = f"program:{self.member}"
        if entry is not None:
            definitions.append(Definition(kind="program", name=self.member, line=entry.line, end_line=entry.end_line,
                                          detail=f"load module; entry {entry.name}"))
            self._add(Reference(program, "calls", "function", entry.name, entry.line, "entry-point"))
        definitions.extend(self.extra_definitions)

        counts: dict[str, list[int]] = {}
        for row, line in enumerate(self.lines[:n_lines] if n_lines else []):
            c = counts.setdefault(owners[row], [0, 0, 0])
            if not line.strip():
                c[2] += 1
            elif row in self.comment_rows:
                c[1] += 1
            else:
                c[0] += 1
        total = [sum(v[i] for v in counts.values()) for i in range(3)]
        metrics: list[tuple[str, Metrics]] = []
        file_counts = counts.get(self.file_id, [0, 0, 0])
        metrics.append((self.file_id, Metrics(code_lines=file_counts[0], comment_lines=file_counts[1],
                                              blank_lines=file_counts[2])))
        for f in sorted(self.funcs.values(), key=lambda f: (f.line, f.id)):
            c = counts.get(f.id, [0, 0, 0])
            metrics.append((f.id, tsfacts.unit_metrics(LineCounts(c[0], c[1], c[2]), f.complexity, f.max_nesting,
                                                       f.gotos)))
        if entry is not None:
            metrics.append((program, Metrics()))
        if self.fallback_funcs:
            self.diagnostics.append(Diagnostic(
                self.path, INFO, "C-OUTLINE-FUNCTIONS",
                f"{len(self.fallback_funcs)} function(s) the grammar could not read were taken from the brace "
                f"outline (first: {self.fallback_funcs[0].name}, line {self.fallback_funcs[0].line})",
                self.fallback_funcs[0].line))
        return Extraction(definitions=tuple(definitions), references=tuple(self.references.values()),
                          metrics=tuple(metrics), diagnostics=tuple(self.diagnostics),
                          lines=LineCounts(total[0], total[1], total[2]), parse=self._quality())

    def _quality(self) -> ParseQuality:
        significant = sum(len(line.strip()) + 1 for line in self.lines if line.strip())
        in_error = sum(self.row_errors.values())
        ratio = min(1.0, in_error / significant) if significant else 0.0
        fallback = sum(1 for r in self.fallback_rows if r < len(self.lines) and self.lines[r].strip())
        status = "ok" if in_error == 0 else ("failed" if ratio > tsfacts.FAILED_RATIO else "partial")
        return ParseQuality(status=status, parser=f"tree-sitter:{self.spec.grammar}", error_ratio=round(ratio, 4),
                            fallback_used=fallback > 0, fallback_lines=fallback)


_CONTAINERS = frozenset({
    "translation_unit", "ERROR", "declaration_list", "namespace_definition", "linkage_specification",
    "template_declaration", "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef",
    "class_specifier", "struct_specifier", "union_specifier", "field_declaration_list",
})


def _function_nodes(root: ts.Node) -> list[ts.Node]:
    """function_definition nodes of a tree (walked without recursion; class bodies and namespaces entered)."""
    out = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "function_definition":
            out.append(node)
            continue
        if node.type in _CONTAINERS:
            stack.extend(node.children)
    return out


def _directive_end_line(region: _Region, node: ts.Node) -> int:
    """Last line of a preprocessor directive (its node ends after the newline that closes it)."""
    end_row, end_col = node.end_point
    if end_col == 0 and end_row > node.start_point[0]:
        end_row -= 1
    return int(end_row) + 1 + region.offset


def _arguments(call: ts.Node) -> list[ts.Node]:
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]


def _comment_only_rows(lines: list[bytes], node: ts.Node) -> list[int]:
    """0-based rows (of the tree's source ``lines``) that a comment node covers with nothing else on them.

    tsfacts.comment_lines does this for a whole tree by walking every node; here the comment nodes come
    from the facts query, which is several times faster on large files.
    """
    (r0, c0), (r1, c1) = node.start_point, node.end_point
    out = []
    for row in range(r0, r1 + 1):
        if row >= len(lines):
            break
        text = lines[row]
        before = text[:c0] if row == r0 else b""
        after = text[c1:] if row == r1 else b""
        if not before.strip() and not after.strip():
            out.append(row)
    return out


def _is_call_position(text: str, start: int) -> bool:
    """True when the name at ``start`` of a masked line reads as a call, not as the name in a declaration."""
    before = text[max(0, start - 200):start].rstrip()
    if not before:
        return True
    if before.endswith(("->", ".", "::", "~")):
        return False  # a member or qualified call: read by the tree only
    last = before[-1]
    if last.isalnum() or last == "_":
        word = re.search(r"[A-Za-z_]\w*$", before)
        return word is not None and word.group(0) in ("return", "else", "case", "do", "throw", "co_return")
    if last in "*&":
        prev = before[:-1].rstrip()
        word = re.search(r"([A-Za-z_]\w*)$", prev)
        if word is None:
            return True
        w = word.group(1)
        return not (w in _TYPE_WORDS or w.endswith("_t") or not prev[: word.start()].strip())
    return True


_PKG_CONFIG = re.compile(r"^(?:Name|Description|Version|Libs|Cflags|Requires)\s*:", re.MULTILINE)


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Extract facts from one C or C++ file. Never raises on bad input."""
    if path.endswith(".pc") and _PKG_CONFIG.search(text) and not re.search(r";|(?<!\$)\{", text):
        # pkg-config metadata shares the Pro*C extension: it is not code.
        return Extraction(diagnostics=(Diagnostic(path, INFO, "C-NOT-SOURCE",
                                                  "a pkg-config file (.pc), not Pro*C source; not analysed"),),
                          parse=ParseQuality(status="skipped", parser=f"tree-sitter:{spec.grammar}"))
    try:
        return _Extractor(text, path, spec).run()
    except RecursionError:
        return Extraction(diagnostics=(Diagnostic(path, ERROR, "C-TOO-DEEP", "nesting too deep to analyse", None),),
                          parse=ParseQuality(status="failed", parser=f"tree-sitter:{spec.grammar}", error_ratio=1.0))


__all__ = ["HEADER_EXTENSIONS", "conditional_rows", "extract", "mask", "outline"]
