"""Stored code: Oracle PL/SQL, T-SQL and DB2 SQL PL, read statement by statement.

No tree-sitter grammar reads PL/SQL packages or T-SQL procedures (see
GRAMMARS.md), so this is a statement-level parser on the shared tokenizer:

1. ``/`` and ``GO`` lines (and a DB2 ``--#SET TERMINATOR``) cut the file into
   batches.
2. ``_Splitter`` cuts a batch into statements: at ``;``, after block words
   (``BEGIN``, ``THEN``, ``LOOP``, ``IS``/``AS`` of a routine header) and, in
   T-SQL, which needs no ``;``, before every statement keyword at parenthesis
   depth 0 outside a ``CASE`` expression.
3. ``Analyser`` walks the statements with a stack of blocks: it opens a unit
   for each ``CREATE PACKAGE/PROCEDURE/FUNCTION/TRIGGER/TYPE``, finds member
   routines, measures nesting and decisions, and records table use, calls and
   dynamic SQL. Top-level DDL goes to ``sql_ddl``; top-level executable
   statements (seed data, anonymous blocks, ``EXEC`` of a procedure) belong to a
   ``script:<path>`` component.

Nothing here raises on bad input: a statement that fails is skipped with a
``SQL-INTERNAL`` diagnostic, unbalanced blocks give ``SQL-STRUCTURE``.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from legacy_lens.extractors.sql_ddl import DDL, split_name, table_target
from legacy_lens.extractors.sql_dml import DML_VERBS, resolve_aliases, statement_uses
from legacy_lens.extractors.sql_lex import Tok, is_name, lex, matching, qualified, split_top
from legacy_lens.extractors.sql_words import (
    BUILTINS,
    COLLECTION_METHODS,
    DDL_OBJECTS,
    DML4,
    IF_EXISTS_AFTER,
    KEYWORDS,
    MEMBER_PREFIXES,
    METHODS,
    ORACLE_MARKERS,
    SQLPLUS,
    SQLPLUS_SET,
    STATEMENT_WORDS,
    TOP_LEVEL_DDL,
    TSQL_MARKERS,
    TSQL_STARTS,
    TYPES,
)
from legacy_lens.model import INFO, WARNING, Definition, Diagnostic, LineCounts, Metrics, Reference

CODE_OBJECTS = frozenset({"PACKAGE", "PACKAGEBODY", "PROCEDURE", "PROC", "FUNCTION", "TRIGGER", "TYPE", "TYPEBODY"})
_UNIT_KIND = {"PACKAGE": "package", "PACKAGEBODY": "package", "PROCEDURE": "procedure", "PROC": "procedure",
              "FUNCTION": "function", "TRIGGER": "trigger", "TYPE": "type", "TYPEBODY": "type"}
_CODE_MODIFIERS = frozenset({"EDITIONABLE", "NONEDITIONABLE", "EDITIONING", "FORCE", "NOFORCE", "PUBLIC",
                             "NO", "SECURE", "TEMPORARY", "TEMP", "GLOBAL", "PRIVATE", "UNIQUE", "MATERIALIZED",
                             "BITMAP", "CLUSTERED", "NONCLUSTERED", "AUXILIARY", "LARGE", "SET", "VOLATILE",
                             "MULTISET", "RECURSIVE", "EXTERNAL", "SPATIAL", "FULLTEXT", "XML", "COLUMNSTORE"})
# Frames that hold a routine's (or a package's) own code: nesting is counted from them.
_ROUTINE_FRAMES = frozenset({"PKG", "PKGBODY", "RDECL", "RBODY", "TRIG"})
_BLOCK_FRAMES = frozenset({"RBODY", "RDECL", "BLOCK", "DECL", "PKG", "PKGBODY", "TRIG"})
_DECL_FRAMES = frozenset({"RDECL", "DECL", "PKG", "TRIG"})
_END_WANTS = {"IF": frozenset({"IF"}), "LOOP": frozenset({"LOOP"}), "WHILE": frozenset({"LOOP"}),
              "FOR": frozenset({"LOOP"}), "REPEAT": frozenset({"LOOP"}), "CASE": frozenset({"CASE"})}
_DDL_IN_LITERAL = frozenset({"CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "COMMENT", "RENAME", "ANALYZE", "DENY"})
_SCHEMA_PROCS = frozenset({"SYS", "PUBLIC"})
_LANGUAGES_WITH_PROGRAMS = frozenset({"COBOL", "PLI", "ASSEMBLE", "RPG", "REXX"})
_CC_DIRECTIVES = frozenset({"$IF", "$ELSIF", "$ELSE", "$END", "$ERROR", "$THEN"})
MAX_DIAGNOSTICS = 20  # per code and file; the rest are counted in one closing message


@cache
def catalogue() -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """``catalog/sql.toml``: kind -> (names, prefixes). Empty when the file is missing or unreadable."""
    path = Path(__file__).resolve().parent.parent / "catalog" / "sql.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    out: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
    for kind, value in raw.items():
        if isinstance(value, dict):
            out[kind] = (frozenset(str(x) for x in value.get("names", ())),
                         tuple(str(x) for x in value.get("prefixes", ())))
    return out


def is_system(kind: str, name: str) -> bool:
    """True when ``name`` is a database-supplied object of this kind (``package DBMS_OUTPUT``)."""
    names, prefixes = catalogue().get(kind, (frozenset(), ()))
    return name in names or name.startswith(prefixes)


def create_object(toks: list[Tok], s: int, hi: int) -> tuple[str, int]:
    """Object kind after ``CREATE|ALTER [OR REPLACE|OR ALTER] [modifiers]`` and the index of its name."""
    def word(i: int) -> str:
        return toks[i].value if i < hi and toks[i].kind == "word" else ""

    i = s + 1
    if word(i) == "OR" and word(i + 1) in ("REPLACE", "ALTER"):
        i += 2
    while word(i) in _CODE_MODIFIERS:
        i += 1
    if word(i) == "DEFINER":  # MySQL ``DEFINER = user@host``
        i += 3
    obj = word(i)
    if obj in ("PACKAGE", "TYPE") and word(i + 1) == "BODY":
        return obj + "BODY", i + 2
    if obj == "AND":  # CREATE OR REPLACE AND COMPILE JAVA SOURCE
        return "JAVA", i + 1
    return obj, i + 1


# Words the splitter looks at: a statement may start before them (_before), end after them (_after), or
# they change what follows (_note). Every other word is skipped at once.
_SEMI_BEFORE = frozenset({"BEGIN", "DECLARE", "CALL", "WHEN", "INSERT", "UPDATE", "DELETE", "MERGE", "EXECUTE",
                          "RETURN", "END"})
_TSQL_BEFORE = TSQL_STARTS | {"BEGIN", "DECLARE"}
_AFTER_WORDS = frozenset({"BEGIN", "END", "ELSE", "LOOP", "REPEAT", "EXCEPTION", "THEN", "DO", "TRIGGER", "IS",
                          "AS"})
_NOTE_WORDS = frozenset({"VALUES", "SELECT", "EXEC", "EXECUTE", "SET", "RETURNS"})
_SEMI_WATCH = _SEMI_BEFORE | _AFTER_WORDS | _NOTE_WORDS
_TSQL_WATCH = _TSQL_BEFORE | _AFTER_WORDS | _NOTE_WORDS


@dataclass
class _St:
    """What the splitter knows about the statement it is reading."""

    head: str
    obj: str = ""
    body_seen: bool = False  # INSERT: its SELECT, VALUES or EXEC was read
    set_seen: bool = False
    cte_main: str = ""  # WITH: the statement after the common table expressions
    returns: bool = False
    header_done: bool = False
    case_end: int = -1  # index of the last END that closed a CASE expression (``.. CASE .. END LOOP``)

    def eff(self) -> str:
        return self.cte_main or self.head


class _Splitter:
    """Cuts a token range into statements (see the module docstring)."""

    def __init__(self, toks: list[Tok], tsql: bool) -> None:
        self.toks = toks
        self.tsql = tsql

    def _w(self, i: int, hi: int) -> str:
        if 0 <= i < hi:
            t = self.toks[i]
            if t.kind == "word":
                return t.value
        return ""

    def next(self, s: int, hi: int, top: bool) -> tuple[int, int]:
        """(end, next start) of the statement at ``s``; the end excludes a closing ``;``."""
        toks = self.toks
        t0 = toks[s]
        if t0.kind == "op" and t0.value == "<" and s + 1 < hi and toks[s + 1].value == "<":
            for j in range(s + 2, min(hi - 1, s + 8)):
                if toks[j].value == ">" and toks[j + 1].value == ">":
                    return j + 2, j + 2  # a PL/SQL label <<name>>
        head = t0.value if t0.kind == "word" else ""
        if top and not self.tsql and head and (
            head in SQLPLUS or head[0] == "@" or (head == "SET" and self._w(s + 1, hi) in SQLPLUS_SET)
        ):
            j = s + 1
            line = t0.line
            while j < hi and toks[j].line == line:
                if toks[j].kind == "op" and toks[j].value == ";":
                    return j, j + 1
                if (toks[j].kind == "op" and toks[j].value == "-" and j + 1 < hi and toks[j + 1].line > line
                        and toks[j - 1].line == line):
                    line = toks[j + 1].line  # a trailing "-" continues the command on the next line
                j += 1
            return j, j
        if head and s + 1 < hi and toks[s + 1].kind == "op" and toks[s + 1].value == ":":
            return s + 2, s + 2  # a label ``name:``
        st = _St(head)
        if head in ("CREATE", "ALTER"):
            st.obj = create_object(toks, s, hi)[0]
        depth = 0
        case = 0
        before = _TSQL_BEFORE if self.tsql else _SEMI_BEFORE
        watch = _TSQL_WATCH if self.tsql else _SEMI_WATCH
        i = s
        while i < hi:
            t = toks[i]
            k = t.kind
            if k == "op":
                v = t.value
                if v == ";":
                    return i, i + 1
                if v == "(":
                    depth += 1
                elif v == ")" and depth:
                    depth -= 1
                i += 1
                continue
            if k != "word":
                i += 1
                continue
            w = t.value
            if w == "CASE":
                if not (i == s and not self.tsql):
                    case += 1  # a CASE expression (a CASE statement opens a block instead)
            elif w == "END" and case:
                case -= 1
                st.case_end = i
                i += 1
                continue
            if depth == 0 and case == 0 and w in watch:
                if i > s and w in before and self._before(s, i, hi, st):
                    return i, i
                if w in _AFTER_WORDS:
                    cut = self._after(s, i, hi, st)
                    if cut:
                        return cut, cut
                self._note(st, w)
            i += 1
        return hi, hi

    @staticmethod
    def _note(st: _St, w: str) -> None:
        if st.eff() == "INSERT" and w in ("VALUES", "SELECT", "EXEC", "EXECUTE"):
            st.body_seen = True
        elif w == "SET":
            st.set_seen = True
        elif w == "RETURNS":
            st.returns = True

    def _cte(self, i: int, hi: int) -> bool:
        """``WITH name [(cols)] AS (``: a common table expression, not a table hint."""
        toks = self.toks
        j = i + 1
        if j >= hi or not is_name(toks[j]):
            return False
        j += 1
        if j < hi and toks[j].kind == "op" and toks[j].value == "(":
            j = matching(toks, j, hi) + 1
        return self._w(j, hi) == "AS" and j + 1 < hi and toks[j + 1].value == "("

    def _before(self, s: int, i: int, hi: int, st: _St) -> bool:
        """Does a new statement start at ``i``?"""
        toks = self.toks
        w = toks[i].value
        prev = toks[i - 1]
        pv = prev.value if prev.kind in ("word", "op") else ""
        if prev.kind == "op" and pv in (".", "::"):
            return False
        nxt = toks[i + 1] if i + 1 < hi else None
        n1 = self._w(i + 1, hi)
        head = st.eff()
        if w in ("BEGIN", "DECLARE"):
            return True
        if not self.tsql:
            if w == "CALL":
                return True
            if head == "CASE" and w == "WHEN":
                return True
            if head == "FORALL" and (w in DML4 or (w == "EXECUTE" and n1 == "IMMEDIATE")):
                return True
            if st.returns and head in ("CREATE", "ALTER") and w == "RETURN":
                return True
            return head == "UNTIL" and w == "END"
        # T-SQL: no ``;`` needed, so every statement keyword at depth 0 may start a statement.
        if w not in TSQL_STARTS:
            return False
        if nxt is not None and nxt.kind == "op" and nxt.value in (".", ",", ")", "=") and w not in ("END", "ELSE"):
            return False
        if pv == "OR" and w == "ALTER":
            return False
        if w in ("END", "ELSE", "WHILE"):
            return True
        if w == "IF":
            return not (pv in IF_EXISTS_AFTER or pv == "END")
        if w == "SELECT":
            if pv in ("UNION", "ALL", "EXCEPT", "INTERSECT", "MINUS", "FOR", "AS", "IS", "(", "DISTINCT"):
                return False
            if head in ("GRANT", "REVOKE", "DENY") or (head == "INSERT" and not st.body_seen):
                return False
            if st.head == "WITH" and not st.cte_main:
                st.cte_main = "SELECT"
                return False
            return True
        if w in DML4:
            if nxt is not None and nxt.kind == "op" and nxt.value == "(":
                return False  # UPDATE(col) in a trigger
            if pv in ("FOR", "ON", "OR", "OF", ",", "AFTER", "BEFORE", "INSTEAD", "GRANT", "REVOKE", "DENY", "BULK",
                      "(", "THEN", "NOT"):
                return False
            if head in ("MERGE", "GRANT", "REVOKE", "DENY"):
                return False
            if st.head == "WITH" and not st.cte_main:
                st.cte_main = w
                return False
            return True
        if w == "SET":
            if head in ("UPDATE", "MERGE") and not st.set_seen:
                return False
            return not (pv in ("DELETE", "UPDATE") or head == "ALTER")
        if w in ("EXEC", "EXECUTE"):
            if pv in ("WITH", "GRANT", "REVOKE", "DENY", ",", "ON"):
                return False
            return not ((head == "INSERT" and not st.body_seen) or head in ("GRANT", "REVOKE", "DENY"))
        if w == "WITH":
            if n1 == "XMLNAMESPACES":
                return True
            if not self._cte(i, hi):
                return False
            return not (pv == "AS" or (head == "INSERT" and not st.body_seen))
        if w == "FETCH":
            # ``OFFSET n ROWS FETCH NEXT m ROWS ONLY`` belongs to the query.
            return not (n1 in ("FIRST", "NEXT") and (self._w(i + 2, hi) in ("ROW", "ROWS")
                                                     or self._w(i + 3, hi) in ("ROW", "ROWS")))
        if w in ("ALTER", "DROP", "CREATE"):
            return head != "ALTER" or n1 in DDL_OBJECTS
        if w == "SAVE":
            return n1 in ("TRAN", "TRANSACTION")
        if w == "BULK":
            return n1 == "INSERT"
        if w in ("ENABLE", "DISABLE"):
            return n1 == "TRIGGER"
        if w in ("GRANT", "REVOKE", "DENY"):
            return pv != "WITH"
        return True

    def _after(self, s: int, i: int, hi: int, st: _St) -> int:
        """Index after which the statement ends (0: not here)."""
        toks = self.toks
        w = toks[i].value
        n1 = self._w(i + 1, hi)
        if i == s:
            if w == "BEGIN":
                if n1 in ("TRAN", "TRANSACTION", "DISTRIBUTED", "DIALOG", "CONVERSATION"):
                    return 0
                if n1 in ("TRY", "CATCH", "ATOMIC"):
                    return i + 2
                if n1 == "NOT" and self._w(i + 2, hi) == "ATOMIC":
                    return i + 3
                return i + 1
            if w == "END" and self.tsql:
                if n1 in ("TRY", "CATCH"):
                    return i + 2
                return 0 if n1 == "CONVERSATION" else i + 1
            if w == "ELSE":
                return i + 1
            if not self.tsql and (w in ("LOOP", "REPEAT") or (w == "EXCEPTION" and n1 == "WHEN")):
                return i + 1
            return 0
        head = st.eff()
        if not self.tsql:
            if w == "THEN" and head in ("IF", "ELSIF", "ELSEIF", "WHEN"):
                return i + 1
            if w == "LOOP" and head in ("WHILE", "FOR") and (toks[i - 1].value != "END" or st.case_end == i - 1):
                return i + 1
            if w == "DO" and head in ("WHILE", "FOR"):
                return i + 1
            if w == "TRIGGER" and toks[i - 1].value == "COMPOUND":
                return i + 1
        if w in ("IS", "AS") and not st.header_done and self._routine_header(st, i):
            st.header_done = True
            return i + 1
        return 0

    def _routine_header(self, st: _St, i: int) -> bool:
        head = st.head
        if head in ("PROCEDURE", "FUNCTION") or head in MEMBER_PREFIXES:
            return True
        if head in ("BEFORE", "AFTER", "INSTEAD") and not self.tsql:
            return True  # a timing point of a compound trigger
        if head not in ("CREATE", "ALTER"):
            return False
        if self.tsql:
            if st.obj not in ("PROC", "PROCEDURE", "FUNCTION", "TRIGGER") or self.toks[i].value != "AS":
                return False
            prev = self.toks[i - 1]
            return not (prev.kind == "word" and (prev.value[:1] == "@" or prev.value in ("EXECUTE", "EXEC")))
        return head == "CREATE" and st.obj in ("PACKAGE", "PACKAGEBODY", "PROCEDURE", "FUNCTION", "TYPEBODY")


@dataclass
class _Routine:
    """A routine inside a unit (package member, type method, local procedure)."""

    name: str  # UNIT.ROUTINE
    kind: str  # procedure | function
    line: int
    end_line: int
    parent: str
    role: str  # body | spec | forward | local


@dataclass
class _Frame:
    kind: str  # PKG PKGBODY TRIG RDECL RBODY DECL BLOCK IF LOOP CASE TRY CATCH
    routine: _Routine | None = None
    inner: int = 0  # T-SQL: nesting depth of the statements inside


@dataclass
class _Unit:
    kind: str  # package procedure function trigger type script
    name: str
    schema: str
    line: int
    end_line: int
    tsql: bool
    cid: str
    dialect: str = ""
    role: str = ""  # package/type: spec | body
    detail: list[str] = field(default_factory=list)
    frames: list[_Frame] = field(default_factory=list)
    opened: bool = False  # a block was opened: the unit ends when it closes (not T-SQL)
    awaiting: bool = False  # header read, body not yet begun
    wrapped: bool = False
    routines: set[str] = field(default_factory=set)
    skip_tables: set[str] = field(default_factory=set)
    ranges: list[tuple[int, int]] = field(default_factory=list)
    decisions: int = 0
    max_nesting: int = 0
    gotos: int = 0
    bodies: int = 0
    pending: int = 0  # T-SQL: IF/ELSE/WHILE bodies not yet read
    last_else: bool = False
    anonymous_block: bool = False


@dataclass(frozen=True, slots=True)
class _Call:
    unit: _Unit
    routine: str
    parts: tuple[str, ...]
    line: int
    statement: bool
    via: str


@dataclass
class Result:
    definitions: list[Definition]
    references: list[Reference]
    metrics: list[tuple[str, Metrics]]
    diagnostics: list[Diagnostic]
    columns: dict[str, list[dict[str, Any]]]
    line_counts: LineCounts
    unparsed_lines: list[int]  # code lines of statements the reader could not classify


class Analyser:
    """Reads one SQL file: call ``run()`` once."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        lexed = lex("\n".join(self.lines), alt_terminators=True)
        self.comment_lines = set(lexed.comment_lines)
        self.toks = self._separators(lexed.tokens)
        self.tsql = self._is_tsql()
        self.split = _Splitter(self.toks, self.tsql)
        self.ddl = DDL(path, self.tsql)
        self.diag_counts: dict[str, int] = {}
        self.diags: list[Diagnostic] = []
        for line, msg in lexed.problems:
            self._diag(WARNING, "SQL-SYNTAX", msg, line)
        self.units: list[_Unit] = []
        self.unit: _Unit | None = None
        self.script: _Unit | None = None
        self.refs: dict[Reference, None] = {}
        self.calls: list[_Call] = []
        self.routines: list[_Routine] = []
        self.declared: set[str] = set()
        self.schemas: set[str] = set()
        self.unparsed: set[int] = set()
        self.unparsed_statements = 0
        self.batch_first = True
        self.view_whens: dict[str, int] = {}
        # (unit id, routine, variable) -> (SQL text, line) of the last literal assigned to the variable:
        # ``v_sql := 'DELETE FROM t'; EXECUTE IMMEDIATE v_sql`` reads the literal.
        self.literals: dict[tuple[str, str, str], tuple[str, int]] = {}
        words = {t.value for t in self.toks if t.kind == "word"}
        self.system_packages = frozenset(w for w in words if is_system("package", w))

    # -- preparation ------------------------------------------------------------------
    @staticmethod
    def _separators(toks: list[Tok]) -> list[Tok]:
        """``/`` alone on a line (SQL*Plus) and ``GO [n]`` alone on a line (T-SQL) become ``sep`` tokens."""
        out: list[Tok] = []
        n = len(toks)
        i = 0
        while i < n:
            t = toks[i]
            kind, value = t[0], t[1]
            if not ((kind == "op" and value in ("/", ".", "&")) or (kind == "word" and (
                    value == "GO" or value[0] == "$"))):
                out.append(t)  # the common case: nothing to look at
                i += 1
                continue
            if t.kind == "word" and t.value in _CC_DIRECTIVES:
                # PL/SQL conditional compilation: both branches are read, the directives dropped.
                if t.value in ("$IF", "$ELSIF", "$ERROR"):
                    stop = "$END" if t.value == "$ERROR" else "$THEN"
                    j = i + 1
                    while j < n and not (toks[j].kind == "word" and toks[j].value == stop):
                        j += 1
                    i = j + 1
                else:
                    i += 1
                continue
            if (t.kind == "op" and t.value == "&" and i + 3 < n and is_name(toks[i + 1])
                    and toks[i + 2].value == "." and toks[i + 3].value == "."):
                i += 4  # SQL*Plus ``&owner..table``: the schema is a substitution variable
                continue
            if (t.kind == "op" and t.value == "&" and i + 4 < n and toks[i + 1].value == "&"
                    and is_name(toks[i + 2]) and toks[i + 3].value == "." and toks[i + 4].value == "."):
                i += 5  # ``&&owner..table``
                continue
            first = i == 0 or toks[i - 1].last_line < t.line
            if first and t.kind == "op" and t.value in ("/", ".") and (i + 1 == n or toks[i + 1].line > t.line):
                out.append(Tok("sep", t.value, t.line))  # SQL*Plus: "/" runs the buffer, "." ends it
                i += 1
                continue
            if first and t.kind == "word" and t.value == "GO":
                j = i + 1
                if j < n and toks[j].line == t.line and toks[j].kind == "num":
                    j += 1
                if j < n and toks[j].line == t.line and toks[j].value == ";":
                    j += 1
                if j == n or toks[j].line > t.line:
                    out.append(Tok("sep", "GO", t.line))
                    i = j
                    continue
            out.append(t)
            i += 1
        return out

    def _is_tsql(self) -> bool:
        """T-SQL splits statements without ``;``; decided once per file from its markers."""
        toks = self.toks
        counts = Counter(t.value for t in toks if t.kind != "str")
        t_score = 5 * sum(1 for t in toks if t.kind == "sep" and t.value == "GO")
        o_score = 5 * sum(1 for t in toks if t.kind == "sep" and t.value == "/")
        t_score += 2 * sum(counts[w] for w in TSQL_MARKERS if w in counts)
        o_score += 2 * sum(counts[w] for w in ORACLE_MARKERS if w in counts) + counts[":="] + 2 * counts["ROWTYPE"]
        # T-SQL variables, not at the start of a line (SQL*Plus ``@script`` is).
        t_score += sum(2 if t.value[:2] == "@@" else 1 for k, t in enumerate(toks)
                       if t.kind == "word" and t.value[0] == "@" and len(t.value) > 1 and k
                       and toks[k - 1].line == t.line)
        return t_score > o_score

    # -- helpers ----------------------------------------------------------------------------
    def _w(self, i: int, hi: int | None = None) -> str:
        end = len(self.toks) if hi is None else hi
        if 0 <= i < end:
            t = self.toks[i]
            if t.kind == "word":
                return t.value
        return ""

    def _diag(self, severity: str, code: str, message: str, line: int | None) -> None:
        count = self.diag_counts.get(code, 0) + 1
        self.diag_counts[code] = count
        if count <= MAX_DIAGNOSTICS:
            self.diags.append(Diagnostic(self.path, severity, code, message, line))

    def _ref(self, r: Reference) -> None:
        self.refs.setdefault(r, None)

    def _routine_name(self, u: _Unit) -> str:
        for f in reversed(u.frames):
            if f.routine is not None:
                return f.routine.name
        return ""

    def _owner(self, u: _Unit) -> str:
        return self._routine_name(u) or u.name

    def _in_routine(self, u: _Unit) -> bool:
        return any(f.kind in ("RDECL", "RBODY") for f in u.frames)

    def _claim(self, u: _Unit, s: int, e: int) -> None:
        first = self.toks[s].line
        last = max(self.toks[e - 1].last_line, first)
        u.ranges.append((first, last))
        u.end_line = max(u.end_line, last)

    def _unparsed_stmt(self, s: int, e: int) -> None:
        self.unparsed_statements += 1
        for t in self.toks[s:e]:
            self.unparsed.update(range(t.line, t.last_line + 1))

    def _params(self, i: int, e: int) -> None:
        """Declare the parameter names of the list opening at ``i``."""
        if i >= e or not (self.toks[i].kind == "op" and self.toks[i].value == "("):
            return
        end = matching(self.toks, i, e)
        for part in split_top(self.toks[i + 1 : end]):
            k = 0
            while k < len(part) and part[k].kind == "word" and part[k].value in ("IN", "OUT", "INOUT"):
                k += 1
            if k < len(part) and is_name(part[k]):
                self.declared.add(part[k].value)

    # -- the walk --------------------------------------------------------------------------------
    def run(self) -> Result:
        toks = self.toks
        n = len(toks)
        i = 0
        while i < n:
            j = i
            while j < n and toks[j].kind != "sep":
                j += 1
            if j > i:
                self._batch(i, j)
            i = j + 1
        self._close_unit(batch_end=True)
        return self._finish()

    def _batch(self, lo: int, hi: int) -> None:
        self.batch_first = True
        s = lo
        while s < hi:
            top = self.unit is None and not (self.script is not None and self.script.frames)
            e, nxt = self.split.next(s, hi, top)
            resume = None
            if e > s:
                try:
                    resume = self._statement(s, e, hi)
                except Exception as exc:  # a reader bug costs one statement, never the file
                    self._diag(WARNING, "SQL-INTERNAL", f"statement skipped: {type(exc).__name__}: {exc}",
                               self.toks[s].line)
                self.batch_first = False
            s = max(nxt, s + 1, resume or 0)
        self._close_unit(batch_end=True)
        if self.script is not None:
            if self.script.frames and not self.tsql:
                self._diag(WARNING, "SQL-STRUCTURE", "an anonymous block is not closed (END missing) at the end "
                           "of its batch", self.toks[hi - 1].line)
            self.script.frames.clear()
            self.script.pending = 0
            self.script.last_else = False

    def _statement(self, s: int, e: int, hi: int) -> int | None:
        u = self.unit
        if u is not None:
            create = self._code_create(s, e)
            head = self._w(s)
            if create is not None or (u.dialect == "plsql" and u.opened and head in ("CREATE", "GRANT", "ALTER",
                                                                                     "DROP", "COMMENT")):
                if u.frames and not u.tsql:
                    self._diag(WARNING, "SQL-STRUCTURE", f"{u.cid}: {len(u.frames)} block(s) still open where the "
                               f"next statement ({head}) begins", self.toks[s].line)
                self._close_unit()
                u = None
        if u is not None:
            return self._in_unit(u, s, e, hi)
        if self.script is not None and self.script.frames:
            if self._w(s, e) in ("CREATE", "ALTER") and self._code_create(s, e) is None:
                # IF NOT EXISTS (...) BEGIN CREATE TABLE ... END: the table is defined all the same
                return self._ddl_statement(s, e, hi)
            return self._in_unit(self.script, s, e, hi)
        return self._top(s, e, hi)

    def _code_create(self, s: int, e: int) -> tuple[str, int] | None:
        w0 = self._w(s, e)
        if w0 not in ("CREATE", "ALTER"):
            return None
        obj, k = create_object(self.toks, s, e)
        if obj not in CODE_OBJECTS or k >= e or not is_name(self.toks[k]):
            return None
        if w0 == "ALTER" and (not self.tsql or obj not in ("PROC", "PROCEDURE", "FUNCTION", "TRIGGER")):
            return None  # Oracle ALTER PROCEDURE x COMPILE
        return obj, k

    def _top(self, s: int, e: int, hi: int) -> int | None:
        toks = self.toks
        head = self._w(s, e)
        create = self._code_create(s, e)
        if create is not None:
            return self._open_unit(create, s, e, hi)
        if head in ("CREATE", "ALTER"):
            return self._ddl_statement(s, e, hi)
        if head in TOP_LEVEL_DDL or (head == "SET" and not (self.tsql and self._w(s + 1, e)[:1] == "@")):
            if self.script is not None:
                self.script.pending = 0  # IF EXISTS (...) DROP ...: the DROP was the IF's body
            return None
        if not self.tsql and head and (head in SQLPLUS or head[0] == "@"):
            if head in ("REM", "REMARK"):
                self.comment_lines.update(range(toks[s].line, toks[e - 1].last_line + 1))
                return None
            if head not in ("EXEC", "EXECUTE"):
                return None
        if not head or not (head in STATEMENT_WORDS or head in DML_VERBS or head in KEYWORDS
                            or self._assignment(s, e)
                            or ((not self.tsql or self.batch_first) and self._statement_call(s, e) is not None)):
            self._unparsed_stmt(s, e)  # not a statement this reader knows: not the script's either
            return None
        u = self._script_unit(s)
        if not self.tsql and head in ("DECLARE", "BEGIN"):
            u.anonymous_block = True
        return self._in_unit(u, s, e, hi)

    def _ddl_statement(self, s: int, e: int, hi: int) -> int | None:
        """CREATE/ALTER of a table, view, index ...; a T-SQL view runs to the end of its batch."""
        obj = create_object(self.toks, s, e)[0]
        end = hi if (self.tsql and obj == "VIEW") else e
        self._paren_check(s, end)
        what = self.ddl.statement(self.toks[s:end])
        if what == "view":
            name = self.ddl.views[-1].name
            self.view_whens[name] = self.view_whens.get(name, 0) + self._expression_whens(s, end)
        if self.script is not None:
            self.script.pending = 0
        return end if end != e else None

    def _script_unit(self, s: int) -> _Unit:
        if self.script is None:
            line = self.toks[s].line
            self.script = _Unit("script", self.path, "", line, line, self.tsql, f"script:{self.path}",
                                dialect="tsql" if self.tsql else "")
        return self.script

    def _paren_check(self, s: int, e: int) -> None:
        depth = 0
        for t in self.toks[s:e]:
            if t.kind == "op":
                if t.value == "(":
                    depth += 1
                elif t.value == ")":
                    depth -= 1
        if depth:
            self._diag(WARNING, "SQL-SYNTAX", "unbalanced parentheses", self.toks[s].line)

    # -- units -----------------------------------------------------------------------------------
    def _open_unit(self, create: tuple[str, int], s: int, e: int, hi: int) -> int | None:
        toks = self.toks
        obj, k = create
        qname, j = qualified(toks, k, e)
        schema, name = split_name(qname)
        if schema:
            self.schemas.add(schema)
        kind = _UNIT_KIND[obj]
        u = _Unit(kind, name, schema, toks[s].line, toks[s].line, self.tsql, f"{kind}:{name}")
        u.role = "body" if obj.endswith("BODY") else ("spec" if kind in ("package", "type") else "")
        last = self._w(e - 1, e)
        ends_is = last in ("IS", "AS") and e - 1 >= j
        u.dialect = "tsql" if self.tsql else ("plsql" if ends_is or kind in ("package", "type") else "db2")
        self.units.append(u)
        self.unit = u
        self._claim(u, s, e)
        if self._w(j, e) == "WRAPPED":
            u.wrapped = True
            u.dialect = "plsql"
            self._claim(u, s, hi)
            self._unparsed_stmt(s, hi)
            self._diag(INFO, "SQL-WRAPPED", f"{u.cid} is wrapped (obfuscated) PL/SQL; its body cannot be read",
                       toks[s].line)
            self._close_unit()
            return hi
        self._params(j, e)
        semicolon_end = e < hi and toks[e].kind == "op" and toks[e].value == ";"
        if kind == "trigger":
            return self._trigger_header(u, j, e, hi, semicolon_end)
        if kind == "type" and u.role == "spec":
            self._type_spec(u, j, e)
            self._close_unit()
            return None
        if self.tsql:
            return None  # the body runs to the end of the batch
        if ends_is:
            u.frames.append(_Frame("PKG") if kind in ("package", "type") else _Frame("RDECL"))
            u.opened = True
            return None
        if kind in ("procedure", "function"):
            words = [t.value for t in toks[j:e] if t.kind == "word"]
            if "EXTERNAL" in words:
                self._external(u, j, e)
                self._close_unit()
                return None
            if semicolon_end:
                self._close_unit()
                return None
            u.awaiting = True  # DB2 SQL PL: BEGIN ... END or RETURN follows
            return None
        self._close_unit()
        return None

    def _external(self, u: _Unit, j: int, e: int) -> None:
        """DB2 ``EXTERNAL [NAME 'x'] LANGUAGE COBOL``: the procedure is a load module."""
        toks = self.toks
        words = [t.value for t in toks[j:e] if t.kind == "word"]
        language = ""
        program = ""
        for k in range(j, e):
            w = self._w(k, e)
            if w == "LANGUAGE":
                language = self._w(k + 1, e)
            elif w == "EXTERNAL" and self._w(k + 1, e) == "NAME" and k + 2 < e:
                t = toks[k + 2]
                program = t.value.strip().upper() if t.kind in ("str", "word", "qword") else ""
        u.detail.append("external")
        if language:
            u.detail.append(f"language={language}")
        if language in _LANGUAGES_WITH_PROGRAMS:
            program = program or u.name
            program = program.split("(")[0].split(".")[-1].split("!")[-1]
            if program and "EXTERNAL" in words:
                self._ref(Reference(u.cid, "calls", "program", program, toks[j - 1].line, "external-name",
                                    detail=f"LANGUAGE {language}"))

    def _type_spec(self, u: _Unit, j: int, e: int) -> None:
        """Methods declared in ``CREATE TYPE t AS OBJECT (..., MEMBER FUNCTION f RETURN x, ...)``."""
        toks = self.toks
        k = j
        while k < e:
            w = self._w(k, e)
            if w in ("PROCEDURE", "FUNCTION") and self._w(k - 1, e) in MEMBER_PREFIXES and k + 1 < e \
                    and is_name(toks[k + 1]):
                rname = toks[k + 1].value
                u.routines.add(rname)
                self.routines.append(_Routine(f"{u.name}.{rname}", w.lower(), toks[k].line, toks[k].line, u.cid,
                                              "spec"))
                k += 2
                continue
            k += 1

    def _trigger_header(self, u: _Unit, j: int, e: int, hi: int, semicolon_end: bool) -> int | None:
        toks = self.toks
        timing = ""
        events: list[str] = []
        table = ""
        table_line = toks[j - 1].line
        level = ""
        body = -1
        expect_event = False
        k = j
        while k < e:
            w = self._w(k, e)
            t = toks[k]
            if body >= 0:
                # After FOR EACH ROW: MODE DB2SQL and WHEN (...) may follow, then the triggered statement.
                if w == "MODE":
                    k += 2
                    body = k
                    continue
                if w == "WHEN" and k + 1 < e and toks[k + 1].value == "(":
                    k = matching(toks, k + 1, e) + 1
                    body = k
                    continue
                break
            if w in ("BEFORE", "AFTER"):
                timing = w
                expect_event = True
            elif w == "INSTEAD" and self._w(k + 1, e) == "OF":
                timing = "INSTEAD OF"
                expect_event = True
                k += 1
            elif w == "FOR" and self._w(k + 1, e) == "EACH":
                level = self._w(k + 2, e).lower()
                k += 3
                body = k
                continue
            elif w == "FOR" and not self.tsql and self._w(k + 1, e) in ("INSERT", "UPDATE", "DELETE"):
                timing = "FOR"  # an Oracle compound trigger
                expect_event = True
            elif w == "NOT" and self._w(k + 1, e) == "FOR":
                k += 3  # NOT FOR REPLICATION
                continue
            elif w == "FOR" and self.tsql:
                timing = timing or "AFTER"
                expect_event = True
            elif w in ("OR",) or (t.kind == "op" and t.value == ","):
                expect_event = bool(timing)
            elif w == "ON" and not table and k + 1 < e:
                expect_event = False
                target = self._w(k + 1, e)
                if target in ("DATABASE", "SCHEMA", "ALL"):
                    table = "-"
                    u.detail.append(f"on={target.lower()}")
                elif is_name(toks[k + 1]) and target != "NESTED":
                    table_line = toks[k + 1].line
                    table, k = qualified(toks, k + 1, e)
                    continue
            elif w == "REFERENCING":
                expect_event = False
                k += 1
                while self._w(k, e) in ("OLD", "NEW", "PARENT", "OLD_TABLE", "NEW_TABLE"):
                    k += 1
                    if self._w(k, e) in ("ROW", "TABLE"):
                        k += 1
                    if self._w(k, e) == "AS":
                        k += 1
                    if k < e and is_name(toks[k]):
                        u.skip_tables.add(toks[k].value)
                        k += 1
                continue
            elif expect_event and t.kind == "word":
                events.append(w)  # INSERT, UPDATE, DELETE, or a DDL/database event (LOGON, CREATE ...)
                expect_event = False
                if w == "UPDATE" and self._w(k + 1, e) == "OF":
                    k += 2
                    while k < e and self._w(k, e) not in ("ON", "OR"):
                        k += 1
                    continue
            k += 1
        if table and table != "-":
            on = table_target(table, self.tsql)
            if on:
                target = on
                u.detail.append(f"on={target}")
                what = " ".join(x for x in (timing, " OR ".join(events), f"FOR EACH {level.upper()}" if level else "")
                                if x)
                self._ref(Reference(u.cid, "references", "table", target, table_line, "trigger", detail=what))
        if timing:
            u.detail.append(f"timing={timing.replace(' ', '-').lower()}")
        if events:
            u.detail.append(f"events={'/'.join(dict.fromkeys(events))}")
        if level:
            u.detail.append(f"level={level}")
        if self.tsql:
            return None
        words = [t.value for t in toks[j:e] if t.kind == "word"]
        if "DB2SQL" in words or "ATOMIC" in words:
            u.dialect = "db2"
        else:
            u.dialect = "plsql"
        if words[-2:] == ["COMPOUND", "TRIGGER"]:
            u.frames.append(_Frame("TRIG"))
            u.opened = True
            return None
        if 0 <= body < e and self._w(body, e) not in ("DECLARE", "BEGIN"):
            self._body(u, body, e)  # DB2: a single triggered statement
            self._close_unit()
            return None
        if semicolon_end:
            self._close_unit()
            return None
        u.awaiting = True
        return None

    def _close_unit(self, batch_end: bool = False) -> None:
        u = self.unit
        if u is None:
            return
        if u.frames and not u.tsql and not u.wrapped:
            where = "at the end of its batch" if batch_end else "before the next unit"
            self._diag(WARNING, "SQL-STRUCTURE", f"{u.cid}: {len(u.frames)} block(s) not closed {where} (END "
                       "missing or unrecognised)", u.line)
        for f in u.frames:
            if f.routine is not None and f.routine.end_line < u.end_line:
                f.routine.end_line = u.end_line
        u.frames.clear()
        self.unit = None

    def _in_unit(self, u: _Unit, s: int, e: int, hi: int) -> int | None:
        if u.awaiting:
            u.awaiting = False
            if self._w(s, e) not in ("BEGIN", "DECLARE"):
                self._body(u, s, e)  # a single-statement body (RETURN expr; CALL p)
                if u is self.unit:
                    self._close_unit()
                return None
        self._body(u, s, e)
        if u is self.unit and not u.tsql and u.opened and not u.frames:
            self._close_unit()
        return None

    # -- one statement of a body ---------------------------------------------------------------------
    def _body(self, u: _Unit, s: int, e: int) -> None:
        self._claim(u, s, e)
        u.decisions += self._expression_whens(s, e)
        if u.tsql:
            kind, depth = self._tsql_structure(u, s, e)
        else:
            kind, depth = self._semi_structure(u, s, e)
        u.max_nesting = max(u.max_nesting, depth)
        if kind == "structural":
            return
        known = self._facts(u, s, e)
        if not (known or kind == "control"):
            self._unparsed_stmt(s, e)

    def _expression_whens(self, s: int, e: int) -> int:
        """Decisions of CASE expressions: one per WHEN inside a CASE."""
        count = 0
        case = 0
        for k in range(s, e):
            t = self.toks[k]
            if t.kind != "word":
                continue
            if t.value == "CASE" and k > s:
                case += 1
            elif t.value == "END" and case:
                case -= 1
            elif t.value == "WHEN" and case:
                count += 1
        return count

    def _semi_depth(self, u: _Unit) -> int:
        depth = 0
        for f in reversed(u.frames):
            if f.kind in _ROUTINE_FRAMES:
                break
            depth += 1
        return depth

    def _semi_structure(self, u: _Unit, s: int, e: int) -> tuple[str, int]:
        """Blocks of PL/SQL and SQL PL; returns (structural|control|"", nesting depth of the statement)."""
        w0 = self._w(s, e)
        frames = u.frames
        depth = self._semi_depth(u)
        if w0 == "BEGIN":
            top = frames[-1] if frames else None
            if top is not None and top.kind == "RDECL":
                top.kind = "RBODY"
            elif top is not None and top.kind == "DECL":
                top.kind = "BLOCK"
            elif top is not None and top.kind == "PKG":
                top.kind = "PKGBODY"  # the package's initialisation section
            else:
                frames.append(_Frame("BLOCK" if self._in_routine(u) else "RBODY"))
            u.opened = True
            return "structural", depth
        if w0 == "DECLARE" and u.dialect != "db2":
            frames.append(_Frame("DECL" if self._in_routine(u) else "RDECL"))
            u.opened = True
            if s + 1 < e:
                self._declare_item(u, s + 1, e)
            return "structural", depth
        if w0 == "END":
            self._end(u, s, e)
            return "structural", self._semi_depth(u)
        if w0 == "IF":
            frames.append(_Frame("IF"))
            u.decisions += 1
            return "control", depth
        if w0 in ("ELSIF", "ELSEIF", "WHEN"):
            u.decisions += 1
            return "control", depth
        if w0 in ("ELSE", "EXCEPTION"):
            return "structural", depth
        if w0 in ("WHILE", "FOR") and self._w(e - 1, e) in ("LOOP", "DO"):
            frames.append(_Frame("LOOP"))
            u.decisions += 1
            if w0 == "FOR" and s + 1 < e and is_name(self.toks[s + 1]):
                self.declared.add(self.toks[s + 1].value)  # the loop record or index
            return "control", depth
        if w0 in ("LOOP", "REPEAT"):
            frames.append(_Frame("LOOP"))
            u.decisions += 1
            return "structural", depth
        if w0 == "CASE":
            frames.append(_Frame("CASE"))
            return "control", depth
        if w0 in ("EXIT", "CONTINUE", "ITERATE", "LEAVE"):
            if any(self._w(k, e) == "WHEN" for k in range(s, e)):
                u.decisions += 1
            return "control", depth
        if w0 == "FORALL":
            u.decisions += 1
            return "control", depth
        if w0 == "GOTO":
            u.gotos += 1
            return "structural", depth
        if w0 == "UNTIL":
            return "control", depth
        if w0 in ("LANGUAGE", "EXTERNAL") and frames and frames[-1].kind == "RDECL":
            popped = frames.pop()  # a call specification: the routine has no PL/SQL body
            if popped.routine is not None:
                popped.routine.end_line = self.toks[e - 1].last_line
            return "structural", depth
        if w0 in ("PROCEDURE", "FUNCTION") or (w0 in MEMBER_PREFIXES and self._routine_word(s, e)):
            self._routine(u, s, e)
            return "structural", depth
        if w0 in ("BEFORE", "AFTER", "INSTEAD") and self._w(e - 1, e) in ("IS", "AS"):
            frames.append(_Frame("RDECL"))  # a compound trigger's timing point
            return "structural", depth
        if e - s == 5 and [t.value for t in self.toks[s : s + 2]] == ["<", "<"] and is_name(self.toks[s + 2]):
            return "structural", depth  # <<label>>
        if e - s == 2 and self.toks[s + 1].value == ":":
            return "structural", depth  # label:
        return "", depth

    def _routine_word(self, s: int, e: int) -> bool:
        k = s
        while self._w(k, e) in MEMBER_PREFIXES:
            k += 1
        return self._w(k, e) in ("PROCEDURE", "FUNCTION")

    def _end(self, u: _Unit, s: int, e: int) -> None:
        frames = u.frames
        want = _END_WANTS.get(self._w(s + 1, e), _BLOCK_FRAMES)
        k = len(frames) - 1
        while k >= 0 and frames[k].kind not in want:
            k -= 1
        line = self.toks[s].line
        if k < 0:
            self._diag(WARNING, "SQL-STRUCTURE", f"{u.cid}: END without an open block", line)
            return
        if k != len(frames) - 1:
            open_kinds = ", ".join(f.kind for f in frames[k + 1 :])
            self._diag(WARNING, "SQL-STRUCTURE", f"{u.cid}: END closes a block with {open_kinds} still open", line)
        end_line = self.toks[e - 1].last_line
        for f in frames[k:]:
            if f.routine is not None:
                f.routine.end_line = end_line
        del frames[k:]

    def _routine(self, u: _Unit, s: int, e: int) -> None:
        toks = self.toks
        k = s
        while self._w(k, e) in MEMBER_PREFIXES:
            k += 1
        rkind = self._w(k, e)
        k += 1
        if rkind not in ("PROCEDURE", "FUNCTION") or k >= e or not is_name(toks[k]):
            return
        rname, j = qualified(toks, k, e)
        rname = rname.rsplit(".", 1)[-1]
        self._params(j, e)
        u.routines.add(rname)
        ends_is = self._w(e - 1, e) in ("IS", "AS") and e - 1 > j - 1
        declared = "spec" if u.role == "spec" else "forward"
        role = ("local" if self._in_routine(u) else "body") if ends_is else declared
        routine = _Routine(f"{u.name}.{rname}", rkind.lower(), toks[s].line, toks[e - 1].last_line, u.cid, role)
        self.routines.append(routine)
        if ends_is:
            u.frames.append(_Frame("RDECL", routine))
            u.bodies += 1

    def _tsql_structure(self, u: _Unit, s: int, e: int) -> tuple[str, int]:
        """BEGIN/END, TRY/CATCH, IF/ELSE/WHILE (whose body is the next statement) of T-SQL."""
        w0 = self._w(s, e)
        frames = u.frames
        cur = (frames[-1].inner if frames else 0) + u.pending
        if w0 == "BEGIN":
            n1 = self._w(s + 1, e)
            if n1 in ("TRAN", "TRANSACTION", "DISTRIBUTED", "DIALOG", "CONVERSATION"):
                u.pending = 0
                u.last_else = False
                return "control", cur
            if n1 == "TRY":
                frames.append(_Frame("TRY", inner=cur + 1))
            elif n1 == "CATCH":
                frames.append(_Frame("CATCH", inner=cur + 1))
                u.decisions += 1
            else:
                frames.append(_Frame("BLOCK", inner=cur))
            u.pending = 0
            u.last_else = False
            return "structural", cur
        if w0 == "END":
            n1 = self._w(s + 1, e)
            if n1 == "CONVERSATION":
                return "control", cur
            want = frozenset({n1}) if n1 in ("TRY", "CATCH") else frozenset({"BLOCK"})
            k = len(frames) - 1
            while k >= 0 and frames[k].kind not in want:
                k -= 1
            if k < 0:
                self._diag(WARNING, "SQL-STRUCTURE", f"{u.cid}: END without BEGIN", self.toks[s].line)
            else:
                del frames[k:]
            u.pending = 0
            u.last_else = False
            return "structural", (frames[-1].inner if frames else 0)
        if w0 == "ELSE":
            u.pending += 1
            u.last_else = True
            return "structural", cur
        if w0 == "IF":
            if u.last_else:
                u.pending -= 1  # ELSE IF: one chain, one level
                cur -= 1
            u.decisions += 1
            u.pending += 1
            u.last_else = False
            return "control", cur
        if w0 == "WHILE":
            u.decisions += 1
            u.pending += 1
            u.last_else = False
            return "control", cur
        if e - s == 2 and self.toks[s + 1].value == ":":
            return "structural", cur  # a label
        u.pending = 0
        u.last_else = False
        if w0 == "GOTO":
            u.gotos += 1
            return "structural", cur
        return "", cur

    # -- facts of one statement ------------------------------------------------------------------------
    def _declaration(self, s: int, e: int) -> None:
        w0 = self._w(s, e)
        toks = self.toks
        if w0 in ("CURSOR", "TYPE", "SUBTYPE"):
            if s + 1 < e and is_name(toks[s + 1]):
                self.declared.add(toks[s + 1].value)
                if w0 == "CURSOR":
                    self._params(s + 2, e)
        elif w0 != "PRAGMA" and is_name(toks[s]):
            self.declared.add(toks[s].value)

    def _declare_item(self, u: _Unit, s: int, e: int) -> None:
        """One declaration of a declare section: a variable (with its initial value), cursor or type."""
        w0 = self._w(s, e)
        t0 = self.toks[s]
        self._declaration(s, e)
        skip = {s}
        if w0 in ("CURSOR", "TYPE", "SUBTYPE") and s + 1 < e:
            skip.add(s + 1)
        elif is_name(t0):
            init = self._find(s, e, "DEFAULT")
            init = self._assignment(s, e) or (init + 1 if init > 0 else 0)
            if init:
                self._remember_literal(u, t0.value, init, e)
        if w0 not in ("TYPE", "PRAGMA"):
            self._facts_scan(u, s, e, skip)

    def _facts(self, u: _Unit, s: int, e: int) -> bool:
        """Table use, calls and dynamic SQL of one statement; True when the statement was recognised."""
        toks = self.toks
        w0 = self._w(s, e)
        t0 = toks[s]
        skip: set[int] = set()
        top = u.frames[-1].kind if u.frames else ""
        self._dbms_sql(u, s, e)
        if w0 in DML_VERBS and self._is_dml(s, e):
            if not (w0 == "UPDATE" and self._w(s + 1, e) == "STATISTICS"):
                self._crud(u, s, e, skip)
                if u.tsql:
                    for k in range(s + 1, e):
                        if self._w(k, e) in ("EXEC", "EXECUTE"):
                            self._tsql_exec(u, k, e)  # INSERT INTO t EXEC proc
                            break
            self._scan_calls(u, s, e, skip)
            return True
        if w0 in ("EXEC", "EXECUTE"):
            if u.tsql:
                self._tsql_exec(u, s, e)
                return True
            if self._w(s + 1, e) == "IMMEDIATE":
                end = s + 2
                while end < e and self._w(end, e) not in ("INTO", "USING", "RETURNING", "RETURN", "BULK"):
                    end += 1
                self._dynamic(u, s + 2, end, toks[s].line, "execute-immediate", "EXECUTE IMMEDIATE")
                self._scan_calls(u, end, e, skip)
                return True
            if u.kind == "script" and s + 1 < e:
                # SQL*Plus ``EXEC pkg.proc(1)``: a PL/SQL statement on one line.
                return self._facts(u, s + 1, e) or True
            return True  # DB2 EXECUTE of a prepared statement
        if w0 == "CALL" and s + 1 < e and is_name(toks[s + 1]):
            name, j = qualified(toks, s + 1, e)
            skip.update(range(s + 1, j))
            self._call(u, name, toks[s].line, True, "call")
            self._scan_calls(u, j, e, skip)
            return True
        if w0 == "PREPARE" and (f := self._find(s, e, "FROM")) > 0:
            self._dynamic(u, f + 1, e, toks[s].line, "prepare", "PREPARE")
            return True
        if w0 == "OPEN":
            f = self._find(s, e, "FOR")
            if f > 0 and f + 1 < e:
                nxt = toks[f + 1]
                if not (self._w(f + 1, e) in ("SELECT", "WITH") or (nxt.kind == "op" and nxt.value == "(")):
                    end = f + 1
                    while end < e and self._w(end, e) != "USING":
                        end += 1
                    self._dynamic(u, f + 1, end, toks[s].line, "open-for", "OPEN FOR")
                    return True
            self._facts_scan(u, s, e, skip)
            return True
        if not u.tsql and top in _DECL_FRAMES and (w0 in ("CURSOR", "TYPE", "SUBTYPE", "PRAGMA") or (
                is_name(t0) and w0 not in STATEMENT_WORDS and w0 not in DML_VERBS)):
            self._declare_item(u, s, e)
            return True
        if w0 == "DECLARE":
            if s + 1 < e and is_name(toks[s + 1]):
                self.declared.add(toks[s + 1].value)
                skip.add(s + 1)
            self._facts_scan(u, s, e, skip)
            return True
        assign = self._assignment(s, e)
        if assign:
            if assign == s + 2 and is_name(t0):
                self._remember_literal(u, t0.value, assign, e)
            self._facts_scan(u, assign, e, skip)
            return True
        if w0 == "SET" and s + 3 < e and toks[s + 2].value == "=" and self._w(s + 1, e)[:1] == "@":
            self._remember_literal(u, toks[s + 1].value, s + 3, e)
        if w0 in STATEMENT_WORDS or w0 in ("SET", "RETURN", "FETCH", "CLOSE", "RAISE", "NULL", "COMMIT"):
            self._facts_scan(u, s, e, skip)
            return True
        call = self._statement_call(s, e)
        if call is not None and (not u.tsql or self.batch_first):
            name, j = call
            skip.update(range(s, j))
            if name:
                self._call(u, name, t0.line, True, "call")
            self._scan_calls(u, j, e, skip)
            return True
        if w0 and (w0 in KEYWORDS or w0 in TOP_LEVEL_DDL):
            self._facts_scan(u, s, e, skip)
            return True
        return False

    def _is_dml(self, s: int, e: int) -> bool:
        w0 = self._w(s, e)
        if w0 == "WITH":
            return self.split._cte(s, e)
        if w0 == "DECLARE":
            return any(self._w(k, e) == "CURSOR" for k in range(s, min(e, s + 6)))
        return True

    def _find(self, s: int, e: int, word: str) -> int:
        depth = 0
        for k in range(s, e):
            t = self.toks[k]
            if t.kind == "op":
                depth += {"(": 1, ")": -1}.get(t.value, 0)
            elif depth == 0 and t.kind == "word" and t.value == word:
                return k
        return -1

    def _assignment(self, s: int, e: int) -> int:
        """Index after ``:=`` at depth 0 (PL/SQL assignment), or 0."""
        depth = 0
        for k in range(s, e):
            t = self.toks[k]
            if t.kind == "op":
                if t.value == "(":
                    depth += 1
                elif t.value == ")":
                    depth -= 1
                elif t.value == ":=" and depth == 0:
                    return k + 1
            elif t.kind == "word" and t.value in DML_VERBS:
                return 0
        return 0

    def _statement_call(self, s: int, e: int) -> tuple[str, int] | None:
        """``name[.name](args)`` or ``name[.name]`` alone: a procedure call statement.

        A method chain on an element (``book.sheets(s).rows.delete()``) is a call too, of nothing
        this reader can name: ("", e).
        """
        toks = self.toks
        t = toks[s]
        if not is_name(t) or (t.kind == "word" and (t.value in KEYWORDS or t.value in STATEMENT_WORDS)):
            return None
        name, j = qualified(toks, s, e)
        if j == e:
            return name, j
        if toks[j].kind == "op" and toks[j].value == "(" and matching(toks, j, e) == e - 1:
            return name, j
        k = j
        while k < e:
            x = toks[k]
            if x.kind == "op" and x.value == "(":
                k = matching(toks, k, e) + 1
            elif x.kind == "op" and x.value == "." and k + 1 < e and is_name(toks[k + 1]):
                k += 2
            else:
                return None
        return "", j

    def _facts_scan(self, u: _Unit, s: int, e: int, skip: set[int]) -> None:
        """Subqueries and function calls in a statement that is not itself DML."""
        self._subqueries(u, s, e, skip)
        self._scan_calls(u, s, e, skip)

    def _subqueries(self, u: _Unit, s: int, e: int, skip: set[int]) -> None:
        toks = self.toks
        k = s
        while k < e:
            w = self._w(k, e)
            if w == "SELECT" or (w == "WITH" and self.split._cte(k, e)):
                end = e
                if k > s and toks[k - 1].kind == "op" and toks[k - 1].value == "(":
                    end = min(matching(toks, k - 1, e), e)
                self._crud(u, k, end, skip)
                self._scan_calls(u, k, end, skip)
                for x in range(k, end):
                    skip.add(x)
                k = end
                continue
            k += 1

    def _crud(self, u: _Unit, s: int, e: int, skip: set[int]) -> None:
        toks = self.toks
        uses = resolve_aliases(statement_uses(toks[s:e], select_into=u.tsql))
        head = self._w(s, e)
        verb = head if head in ("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "LOCK") else (
            "CURSOR" if head == "DECLARE" else "SELECT")
        words = {t.value for t in toks[s:e] if t.kind == "word"}
        merge = head == "MERGE" or (head == "WITH" and "MERGE" in words)
        routine = self._routine_name(u)
        detail = f"{verb} in {routine}" if routine else verb
        for use in uses:
            name_end = qualified(toks, s + use.index, e)[1] if s + use.index < e else s + use.index + 1
            skip.update(range(s + use.index, name_end))
            if use.function:
                self._call(u, use.name, use.line, False, "table-function")
                continue
            target = table_target(use.name, u.tsql)
            if target is None or target in u.skip_tables:
                continue
            self._ref(Reference(u.cid, use.verb, "table", target, use.line, "sql", detail=detail))
            if merge and use.verb == "updates":
                if "INSERT" in words:
                    self._ref(Reference(u.cid, "writes", "table", target, use.line, "sql", detail=detail))
                if "DELETE" in words:
                    self._ref(Reference(u.cid, "deletes", "table", target, use.line, "sql", detail=detail))

    def _scan_calls(self, u: _Unit, s: int, e: int, skip: set[int]) -> None:
        """Function calls ``name(...)`` / ``pkg.name(...)`` in expressions (optional guesses), and references
        to a system package without parentheses (``DBMS_SQL.OPEN_CURSOR``)."""
        toks = self.toks
        sys_words = self.system_packages
        for k in range(s, e):
            t = toks[k]
            if t[0] == "op":
                if t[1] != "(" or k == s:
                    continue
                a = k - 1  # ``name (``: walk back over ``a.b.``
                p = toks[a]
                if p[0] not in ("word", "qword"):
                    continue
                while a - 2 >= s and toks[a - 1][1] == "." and toks[a - 1][0] == "op" \
                        and toks[a - 2][0] in ("word", "qword"):
                    a -= 2
            elif t[0] == "word" and t[1] in sys_words and not u.tsql and k + 2 < e and toks[k + 1][1] == "." \
                    and toks[k + 2][0] in ("word", "qword") and not (k + 3 < e and toks[k + 3][1] == "("):
                a = k
                if a > s and toks[a - 1][1] == "." and toks[a - 1][0] == "op" and toks[a - 2][1] in _SCHEMA_PROCS:
                    a -= 2
                if any(x in skip for x in range(a, k + 3)) or (a > s and toks[a - 1][1] in (".", "%", "::")):
                    continue
                self._call(u, ".".join(toks[x][1] for x in range(a, k + 3, 2)), t[2], False, "expression")
                continue
            else:
                continue
            if any(x in skip for x in range(a, k)) or (a > s and toks[a - 1][0] == "op" and toks[a - 1][1] in (
                    ".", "%", "::")):
                continue
            parts = [toks[x][1] for x in range(a, k, 2)]
            if self._callable(parts, u.tsql):
                self._call(u, ".".join(parts), toks[a][2], False, "expression")

    @staticmethod
    def _callable(parts: list[str], tsql: bool) -> bool:
        first = parts[0]
        if len(parts) == 1:
            return not (tsql or first in KEYWORDS or first in BUILTINS or first in TYPES or first[0] in "@:#")
        return not (first[0] in "@:#" or parts[-1] in COLLECTION_METHODS or (tsql and parts[-1] in METHODS))

    def _dbms_sql(self, u: _Unit, s: int, e: int) -> None:
        """``DBMS_SQL.PARSE(cursor, statement, flag)``: the statement is dynamic SQL."""
        toks = self.toks
        if u.tsql:
            return
        for k in range(s, e - 4):
            if (self._w(k, e) == "DBMS_SQL" and toks[k + 1].value == "." and self._w(k + 2, e) == "PARSE"
                    and toks[k + 3].value == "("):
                end = matching(toks, k + 3, e)
                commas = [x for x in range(k + 4, end) if toks[x].value == "," and toks[x].kind == "op"
                          and self._depth_between(k + 4, x) == 0]
                if commas:
                    stop = commas[1] if len(commas) > 1 else end
                    self._dynamic(u, commas[0] + 1, stop, toks[k].line, "dbms-sql", "DBMS_SQL.PARSE")

    def _depth_between(self, a: int, b: int) -> int:
        depth = 0
        for t in self.toks[a:b]:
            if t.kind == "op":
                depth += {"(": 1, ")": -1}.get(t.value, 0)
        return depth

    def _tsql_exec(self, u: _Unit, k: int, e: int) -> None:
        """``EXEC[UTE] [@rc =] proc args`` / ``EXEC (@sql)`` / ``EXEC sp_executesql @sql``."""
        toks = self.toks
        i = k + 1
        if i >= e:
            return
        line = toks[k].line
        if toks[i].kind == "op" and toks[i].value == "(":
            end = matching(toks, i, e)
            self._dynamic(u, i + 1, end, line, "exec-string", "EXEC (string)")
            return
        if self._w(i, e) == "AS":
            return  # EXECUTE AS: a security context, no call
        if self._w(i, e)[:1] == "@" and i + 1 < e and toks[i + 1].value == "=":
            i += 2  # EXEC @rc = proc
        if i >= e or not is_name(toks[i]):
            return
        name, j = qualified(toks, i, e)
        proc = [p for p in name.split(".") if p][-1]
        routine = self._routine_name(u)
        detail = f"in {routine}" if routine else ""
        if proc == "SP_EXECUTESQL":
            if self._w(j, e)[:1] == "@" and j + 1 < e and toks[j + 1].value == "=":
                j += 2  # @stmt = ..., or @statement = ... (both are seen)
            end = j
            depth = 0
            while end < e:
                t = toks[end]
                if t.kind == "op":
                    if t.value == "(":
                        depth += 1
                    elif t.value == ")":
                        depth -= 1
                    elif t.value == "," and depth == 0:
                        break
                end += 1
            self._dynamic(u, j, end, line, "sp_executesql", "sp_executesql")
            return
        if proc[:1] == "@":
            self._ref(Reference(u.cid, "calls", "procedure", proc, line, "exec", dynamic=True,
                                detail=f"EXEC {proc}" + (f" {detail}" if detail else "")))
            return
        self._ref(Reference(u.cid, "calls", "procedure", proc, line, "exec", detail=detail))

    def _dynamic(self, u: _Unit, a: int, b: int, line: int, via: str, label: str) -> None:
        """Dynamic SQL: an unresolved ``dynamic:<owner>.<what>`` edge; a literal statement is read for tables."""
        toks = self.toks
        expr = toks[a:b]
        if not expr:
            return
        text = self._literal_text(a, b)
        literal = text is not None
        ddl = False
        via_var = ""
        if text is not None:
            ddl = self._literal_tables(u, text, expr[0].line, label)
            what = f"LINE{line}"
        elif len(expr) == 1 and expr[0].kind in ("word", "qword", "host"):
            what = expr[0].value.lstrip(":")
            known = self.literals.get((u.cid, self._routine_name(u), expr[0].value))
            if known is not None:
                via_var = what
                ddl = self._literal_tables(u, known[0], known[1], f"{label} {what}")
        else:
            what = f"LINE{line}"
        if u.kind == "script" and ddl:
            return  # an install script creating objects through dynamic DDL
        routine = self._routine_name(u)
        detail = label + (" (literal)" if literal else (f" (literal in {via_var})" if via_var else "")) + (
            f" in {routine}" if routine else "")
        self._ref(Reference(u.cid, "dynamic-sql", "dynamic", f"{self._owner(u)}.{what}", line, via, detail=detail))

    def _literal_text(self, a: int, b: int) -> str | None:
        """The text of ``'..'`` or ``'..' || '..'`` (``+`` in T-SQL) between ``a`` and ``b``, else None."""
        expr = self.toks[a:b]
        strs = [t for t in expr if t.kind == "str"]
        if not strs or not all(t.kind == "str" or (t.kind == "op" and t.value in ("||", "+")) for t in expr):
            return None
        return "".join(t.value for t in strs).replace("''", "'")

    def _remember_literal(self, u: _Unit, name: str, a: int, b: int) -> None:
        key = (u.cid, self._routine_name(u), name)
        text = self._literal_text(a, b)
        if text is None:
            self.literals.pop(key, None)  # assigned something else: the earlier literal no longer holds
        else:
            self.literals[key] = (text, self.toks[a].line)

    def _literal_tables(self, u: _Unit, text: str, line: int, label: str) -> bool:
        """Tables of the SQL held in a literal; returns True when it is DDL."""
        lexed = lex(text)
        toks = lexed.tokens
        if not toks:
            return False
        splitter = _Splitter(toks, u.tsql)
        routine = self._routine_name(u)
        s = 0
        n = len(toks)
        while s < n:
            e, nxt = splitter.next(s, n, False)
            head = toks[s].value if toks[s].kind == "word" else ""
            if head in DML_VERBS:
                verb = head if head in ("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE") else "SELECT"
                detail = f"{label} {verb}" + (f" in {routine}" if routine else "")
                for use in resolve_aliases(statement_uses(toks[s:e], select_into=u.tsql)):
                    target = None if use.function else table_target(use.name, u.tsql)
                    if target:
                        self._ref(Reference(u.cid, use.verb, "table", target, line + use.line - 1,
                                            "dynamic-sql-literal", detail=detail))
            s = max(nxt, s + 1)
        return toks[0].kind == "word" and toks[0].value in _DDL_IN_LITERAL

    def _call(self, u: _Unit, name: str, line: int, statement: bool, via: str) -> None:
        parts = tuple(p for p in name.split(".") if p)
        if parts:
            self.calls.append(_Call(u, self._routine_name(u), parts, line, statement, via))

    # -- the end --------------------------------------------------------------------------------------
    def _resolve_call(self, c: _Call, routines: dict[str, set[str]]) -> Reference | None:
        u = c.unit
        parts = list(c.parts)
        if len(parts) >= 2 and parts[0] in _SCHEMA_PROCS and is_system("package", parts[1]):
            parts = parts[1:]
        own = u.name if u.kind != "script" else ""
        local = routines.get(u.cid, set())
        where = f"in {c.routine}" if c.routine else ""
        if len(parts) == 1:
            x = parts[0]
            if x in local:
                return Reference(u.cid, "calls", "routine", f"{own}.{x}", c.line, c.via, detail=where)
            if x in KEYWORDS or x in BUILTINS or x in TYPES:
                return None
            if c.statement:
                return Reference(u.cid, "calls", "procedure", x, c.line, c.via, detail=where)
            if x in self.declared:
                return None
            return Reference(u.cid, "calls", "function", x, c.line, c.via, detail=where, optional=True)
        a, b = parts[-2], parts[-1]
        if is_system("package", a):
            detail = f"{a}.{b}" + (f" {where}" if where else "")
            return Reference(u.cid, "calls", "package", a, c.line, c.via, detail=detail)
        if own and a == own:
            return Reference(u.cid, "calls", "routine", f"{a}.{b}", c.line, c.via, detail=where)
        if a in self.declared or b in COLLECTION_METHODS or (u.tsql and b in METHODS):
            return None
        if u.tsql or a in self.schemas:
            if c.statement:
                return Reference(u.cid, "calls", "procedure", b, c.line, c.via, detail=where)
            return Reference(u.cid, "calls", "function", b, c.line, c.via, detail=where, optional=True)
        return Reference(u.cid, "calls", "routine", f"{a}.{b}", c.line, c.via, detail=where,
                         optional=not c.statement)

    def _finish(self) -> Result:
        routines: dict[str, set[str]] = {}
        for u in self.units:
            routines.setdefault(u.cid, set()).update(u.routines)
        for c in self.calls:
            r = self._resolve_call(c, routines)
            if r is not None:
                self._ref(r)
        refs = list(self.ddl.references) + [r for r in self.refs]
        script = self.script
        keep_script = script is not None and (script.anonymous_block or any(
            r.source == script.cid and not r.optional and not self._system_target(r) for r in refs))
        if script is not None and not keep_script:
            refs = [r for r in refs if r.source != script.cid]
        token_lines = {t.line for t in self.toks}
        token_lines.update(t.last_line for t in self.toks if t.kind in ("str", "qword"))
        kinds = self._line_kinds(token_lines)
        definitions: list[Definition] = list(self.ddl.definitions())
        metrics: list[tuple[str, Metrics]] = []
        for d in definitions:
            lines = range(d.line, (d.end_line or d.line) + 1)
            complexity = 1 + self.view_whens.get(d.name, 0) if d.kind == "view" else 0
            metrics.append((d.component_id, self._metrics(kinds, lines, complexity)))
        merged: dict[str, list[_Unit]] = {}
        for u in self.units:
            merged.setdefault(u.cid, []).append(u)
        for cid, parts in merged.items():
            first = parts[0]
            roles = list(dict.fromkeys(p.role for p in parts if p.role))
            detail = ["+".join(roles)] if roles else []
            if first.dialect and first.kind not in ("package", "type"):
                detail.append(f"dialect={first.dialect}")
            detail.extend(dict.fromkeys(x for p in parts for x in p.detail))
            if any(p.wrapped for p in parts):
                detail.append("wrapped")
            if first.schema:
                detail.append(f"schema={first.schema}")
            line = min(p.line for p in parts)
            end = max(p.end_line for p in parts)
            definitions.append(Definition(first.kind, first.name, line, end, detail=",".join(detail)))
            lines_set: set[int] = set()
            for p in parts:
                lines_set.update(range(p.line, p.end_line + 1))
            m = self._metrics(kinds, sorted(lines_set), 1 + sum(p.decisions for p in parts))
            metrics.append((cid, Metrics(m.code_lines, m.comment_lines, m.blank_lines, m.complexity,
                                         max(p.max_nesting for p in parts), sum(p.bodies for p in parts),
                                         sum(p.gotos for p in parts))))
        for routine in self.routines:
            definitions.append(Definition("routine", routine.name, routine.line, routine.end_line,
                                          parent=routine.parent, detail=f"{routine.kind},{routine.role}"))
        if script is not None and keep_script:
            # Named by its base name (``sqlplus @load.sql`` and ``db2 -tvf load.sql`` find it); the id keeps the path.
            definitions.append(Definition("script", self.path.rsplit("/", 1)[-1], script.line, script.end_line,
                                          detail="sql script", id=f"script:{self.path}"))
            lines_set = set()
            for a, b in script.ranges:
                lines_set.update(range(a, b + 1))
            m = self._metrics(kinds, sorted(lines_set), 1 + script.decisions)
            metrics.append((script.cid, Metrics(m.code_lines, m.comment_lines, m.blank_lines, m.complexity,
                                                script.max_nesting, 0, script.gotos)))
        unparsed = sorted(no for no in self.unparsed if 1 <= no <= len(kinds) and kinds[no - 1] == "code")
        if unparsed:
            where = ", ".join(str(no) for no in unparsed[:5])
            self._diag(INFO, "SQL-UNPARSED", f"{len(unparsed)} code line(s) in {self.unparsed_statements} "
                       f"statement(s) could not be classified (first at line(s) {where}); their calls and "
                       "table use are not recorded", unparsed[0])
        for code, count in self.diag_counts.items():
            if count > MAX_DIAGNOSTICS:
                self.diags.append(Diagnostic(self.path, INFO, code, f"{count - MAX_DIAGNOSTICS} more {code} "
                                             "diagnostic(s) in this file not listed", None))
        counts = LineCounts(code=kinds.count("code"), comment=kinds.count("comment"), blank=kinds.count("blank"))
        return Result(definitions, refs, metrics, self.diags, self.ddl.columns(), counts, unparsed)

    @staticmethod
    def _system_target(r: Reference) -> bool:
        if r.target_kind in ("table", "package", "procedure"):
            return is_system(r.target_kind, r.target)
        return False

    def _line_kinds(self, token_lines: set[int]) -> list[str]:
        """Per line (index 0 = line 1): blank | comment | code."""
        out: list[str] = []
        for no, raw in enumerate(self.lines, start=1):
            if not raw.strip():
                out.append("blank")
            elif no in self.comment_lines and (no not in token_lines or self._rem_line(no)):
                out.append("comment")
            else:
                out.append("code")  # tokens, or the inside of a multi-line string literal
        return out

    def _rem_line(self, no: int) -> bool:
        head = self.lines[no - 1].lstrip()[:6].upper()
        return head.startswith("REM ") or head.startswith("REMARK") or head == "REM"

    @staticmethod
    def _metrics(kinds: list[str], lines: Any, complexity: int) -> Metrics:
        code = comment = blank = 0
        for no in lines:
            if 1 <= no <= len(kinds):
                k = kinds[no - 1]
                if k == "code":
                    code += 1
                elif k == "comment":
                    comment += 1
                else:
                    blank += 1
        return Metrics(code_lines=code, comment_lines=comment, blank_lines=blank, complexity=complexity)
