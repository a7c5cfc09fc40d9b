"""SQL extractor: DB2-flavoured DDL (tables, views, foreign keys) and DML table usage.

A small tokenizer (strings, quoted identifiers, host variables, ``--`` and
``/* */`` comments) feeds a statement-level parser. ``dml_tables`` is public:
the COBOL extractor calls it for ``EXEC SQL`` blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from legacy_lens.languages import LanguageSpec
from legacy_lens.model import (
    WARNING,
    Definition,
    Diagnostic,
    Extraction,
    LineCounts,
    ParseQuality,
    Reference,
)

_WORD_CHARS = re.compile(r"[A-Za-z0-9_$#@]")
_HOST_CHARS = re.compile(r"[A-Za-z0-9_$#@\-]")  # COBOL host variables carry hyphens

# Keywords that start or continue a clause after a table list.
_CLAUSE_START = frozenset(
    {"WHERE", "GROUP", "HAVING", "ORDER", "UNION", "EXCEPT", "INTERSECT", "MINUS", "FETCH", "FOR", "OPTIMIZE",
     "WITH", "SET", "VALUES", "SELECT"}
)
# Words that can never be a table alias.
_CLAUSE_WORDS = _CLAUSE_START | {"ON", "USING", "JOIN", "INNER", "LEFT", "RIGHT"}
# Words that end a FROM list at the current parenthesis depth.
_FROM_END = _CLAUSE_START | {"QUERYNO", "SKIP", "LIMIT", "OFFSET", "WHEN", "START", "CONNECT"}
# Prefixes of a table reference that are not its name (DB2 data-change and table functions).
_TABLE_PREFIX = frozenset({"FINAL", "NEW", "OLD", "TABLE", "LATERAL", "ONLY"})
_DML_VERBS = frozenset(
    {"SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "DECLARE", "VALUES", "TRUNCATE", "LOCK"}
)
_CONSTRAINT_WORDS = frozenset({"CONSTRAINT", "PRIMARY", "FOREIGN", "UNIQUE", "CHECK", "PERIOD"})


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # word | qword | str | num | host | op
    value: str  # upper-cased for words; raw text otherwise
    line: int


@dataclass
class _Lexed:
    tokens: list[_Tok]
    comment_lines: set[int]
    problems: list[tuple[int, str]]


def _lex(sql: str) -> _Lexed:
    """Tokenize SQL text; never raises. Unterminated strings/comments are reported."""
    toks: list[_Tok] = []
    comments: set[int] = set()
    problems: list[tuple[int, str]] = []
    i, n, line = 0, len(sql), 1
    while i < n:
        ch = sql[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch.isspace():
            i += 1
        elif sql.startswith("--", i):
            comments.add(line)
            j = sql.find("\n", i)
            i = n if j < 0 else j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            if j < 0:
                problems.append((line, "unterminated /* comment"))
                j = n
            end_line = line + sql.count("\n", i, j)
            comments.update(range(line, end_line + 1))
            line = end_line
            i = j + 2
        elif ch in "'\"":
            # '' (or "") inside a literal is an escaped quote.
            j = i + 1
            start_line = line
            while True:
                k = sql.find(ch, j)
                if k < 0:
                    problems.append((start_line, "unterminated string literal"))
                    k = n
                    break
                if k + 1 < n and sql[k + 1] == ch:
                    j = k + 2
                    continue
                break
            text = sql[i + 1 : k]
            line += sql.count("\n", i, min(k, n))
            if ch == "'":
                toks.append(_Tok("str", text, start_line))
            else:
                toks.append(_Tok("qword", text.replace('""', '"').upper(), start_line))
            i = k + 1
        elif ch == ":" and i + 1 < n and (_HOST_CHARS.match(sql[i + 1]) or sql[i + 1] == '"'):
            j = i + 1
            while j < n and (
                _HOST_CHARS.match(sql[j]) or (sql[j] == "." and j + 1 < n and _HOST_CHARS.match(sql[j + 1]))
            ):
                j += 1
            toks.append(_Tok("host", sql[i:j], line))
            i = j
        elif ch.isdigit():
            j = i
            while j < n and (sql[j].isalnum() or sql[j] == "."):
                j += 1
            toks.append(_Tok("num", sql[i:j], line))
            i = j
        elif _WORD_CHARS.match(ch):
            j = i
            while j < n and _WORD_CHARS.match(sql[j]):
                j += 1
            word = sql[i:j].upper()
            # X'..', G'..', N'..' literals: the prefix belongs to the string.
            if word in {"X", "G", "N", "UX", "BX", "GX"} and j < n and sql[j] == "'":
                i = j
                continue
            toks.append(_Tok("word", word, line))
            i = j
        else:
            two = sql[i : i + 2]
            if two in {"<>", "<=", ">=", "!=", "||", "^="}:
                toks.append(_Tok("op", two, line))
                i += 2
            else:
                toks.append(_Tok("op", ch, line))
                i += 1
    return _Lexed(toks, comments, problems)


def _statements(tokens: list[_Tok]) -> list[list[_Tok]]:
    """Split tokens on ``;`` (strings and comments are already single tokens)."""
    out: list[list[_Tok]] = []
    cur: list[_Tok] = []
    for t in tokens:
        if t.kind == "op" and t.value == ";":
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        out.append(cur)
    return out


def _is_name(t: _Tok) -> bool:
    return t.kind in {"word", "qword"}


def _qualified(tokens: list[_Tok], i: int) -> tuple[str, int]:
    """Read ``a.b.c`` starting at ``i``; returns the name and the index after it."""
    parts = [tokens[i].value]
    i += 1
    while (
        i + 1 < len(tokens) and tokens[i].value == "." and tokens[i].kind == "op" and _is_name(tokens[i + 1])
    ):
        parts.append(tokens[i + 1].value)
        i += 2
    return ".".join(parts), i


def _matching(tokens: list[_Tok], i: int) -> int:
    """Index of the ``)`` matching the ``(`` at ``i`` (or len(tokens))."""
    depth = 0
    for j in range(i, len(tokens)):
        t = tokens[j]
        if t.kind == "op" and t.value == "(":
            depth += 1
        elif t.kind == "op" and t.value == ")":
            depth -= 1
            if depth == 0:
                return j
    return len(tokens)


def _cte_names(tokens: list[_Tok]) -> set[str]:
    """Names defined by ``WITH name [(cols)] AS (...)``; they are not tables."""
    names: set[str] = set()
    for i, t in enumerate(tokens):
        if not (t.kind == "word" and t.value == "WITH"):
            continue
        j = i + 1
        if j < len(tokens) and tokens[j].value == "RECURSIVE":
            j += 1
        while j < len(tokens) and _is_name(tokens[j]):
            name = tokens[j].value
            k = j + 1
            if k < len(tokens) and tokens[k].value == "(" and tokens[k].kind == "op":
                k = _matching(tokens, k) + 1
            if not (k + 1 < len(tokens) and tokens[k].value == "AS" and tokens[k + 1].value == "("):
                break
            names.add(name)
            k = _matching(tokens, k + 1) + 1
            if k < len(tokens) and tokens[k].value == ",":
                j = k + 1
            else:
                break
    return names


def _statement_tables(tokens: list[_Tok]) -> list[tuple[str, str, int]]:
    """(verb, table, line) for one DML statement's tokens."""
    if not tokens:
        return []
    first = tokens[0].value
    if tokens[0].kind != "word" or first not in _DML_VERBS:
        return []  # FETCH, OPEN, CLOSE, PREPARE, CALL ... name no tables
    if first == "DECLARE" and not any(t.kind == "word" and t.value == "CURSOR" for t in tokens[:6]):
        return []  # DECLARE t TABLE (...) is a declaration, not a use
    ctes = _cte_names(tokens)
    out: list[tuple[str, str, int]] = []
    from_list = [False]  # per parenthesis depth: inside a FROM list
    expect = ""  # verb for the next table name, "" when no table is expected
    expect_depth_frame = False  # a "(" right after FROM opens a nested table expression
    merge = first == "MERGE"
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        prev = tokens[i - 1] if i else None
        if t.kind == "op" and t.value == "(":
            expect_depth_frame = expect != ""
            from_list.append(expect_depth_frame)
            expect = "reads" if expect_depth_frame else ""
            i += 1
            continue
        if t.kind == "op" and t.value == ")":
            if len(from_list) > 1:
                from_list.pop()
            expect = ""
            i += 1
            continue
        if t.kind == "op" and t.value == "," and from_list[-1]:
            expect = "reads"
            i += 1
            continue
        if t.kind == "word":
            v = t.value
            if expect and v in _TABLE_PREFIX:
                i += 1
                continue
            if v == "FROM":
                deleting = prev is not None and prev.kind == "word" and prev.value == "DELETE"
                expect = "deletes" if deleting else "reads"
                from_list[-1] = True
                i += 1
                continue
            if v == "JOIN":
                expect = "reads"
                from_list[-1] = True
                i += 1
                continue
            if v == "INTO" and prev is not None and prev.value in {"INSERT", "MERGE"}:
                expect = "writes" if prev.value == "INSERT" else "updates"
                i += 1
                continue
            if v == "USING" and merge:
                expect = "reads"
                i += 1
                continue
            if v in {"UPDATE", "DELETE", "INSERT"} and not (
                prev is not None and prev.value in {"FOR", "THEN"}
            ):
                nxt = tokens[i + 1] if i + 1 < n else None
                if nxt is not None and _is_name(nxt) and nxt.value not in {"FROM", "INTO", "SET", "OF"}:
                    expect = {"UPDATE": "updates", "DELETE": "deletes", "INSERT": "writes"}[v]
                i += 1
                continue
            if v == "TABLE" and prev is not None and prev.value in {"TRUNCATE", "LOCK"}:
                expect = "deletes" if prev.value == "TRUNCATE" else "reads"
                i += 1
                continue
            if v in _FROM_END:
                from_list[-1] = False
                expect = ""
                i += 1
                continue
        if expect and _is_name(t) and not (t.kind == "word" and t.value in _CLAUSE_WORDS):
            name, j = _qualified(tokens, i)
            table_fn = i >= 2 and tokens[i - 1].value == "(" and tokens[i - 2].value == "TABLE"
            if table_fn and j < n and tokens[j].kind == "op" and tokens[j].value == "(":
                expect = ""  # a table function call such as TABLE(MYFUNC(1)), not a table
                i = j
                continue
            if name not in ctes:
                out.append((expect, name, t.line))
            expect = ""
            # Skip an optional correlation name: [AS] alias.
            if j < n and tokens[j].kind == "word" and tokens[j].value == "AS":
                j += 1
            if (
                j < n
                and _is_name(tokens[j])
                and not (tokens[j].kind == "word" and tokens[j].value in _CLAUSE_WORDS)
            ):
                j += 1
            i = j
            continue
        expect = ""  # anything else (host variable, literal, operator) ends the expectation
        i += 1
    return out


def _strip_exec_sql(sql: str) -> str:
    sql = re.sub(r"^\s*EXEC\s+SQL\b", "", sql, flags=re.IGNORECASE)
    return re.sub(r"\bEND-EXEC\s*\.?\s*$", "", sql, flags=re.IGNORECASE)


def dml_tables(sql: str) -> list[tuple[str, str]]:
    """Tables used by SQL DML, as (verb, TABLE) pairs in order of first use, without duplicates.

    Verbs: ``reads`` (SELECT, cursors, and every table in a subquery, join or
    INSERT ... SELECT), ``writes`` (INSERT target), ``updates`` (UPDATE and
    MERGE target), ``deletes`` (DELETE and TRUNCATE target). Host variables,
    correlation names and common-table-expression names are not tables. An
    ``EXEC SQL`` / ``END-EXEC`` wrapper is accepted. Never raises.
    """
    seen: dict[tuple[str, str], None] = {}
    for stmt in _statements(_lex(_strip_exec_sql(sql)).tokens):
        for verb, name, _line in _statement_tables(stmt):
            seen.setdefault((verb, name), None)
    return list(seen)


def _split_top(tokens: list[_Tok]) -> list[list[_Tok]]:
    """Split tokens at top-level commas."""
    out: list[list[_Tok]] = [[]]
    depth = 0
    for t in tokens:
        if t.kind == "op" and t.value == "(":
            depth += 1
        elif t.kind == "op" and t.value == ")":
            depth -= 1
        elif t.kind == "op" and t.value == "," and depth == 0:
            out.append([])
            continue
        out[-1].append(t)
    return [x for x in out if x]


class _DDL:
    def __init__(self, path: str) -> None:
        self.path = path
        self.definitions: list[Definition] = []
        self.references: dict[Reference, None] = {}
        self.indexes: dict[str, int] = {}

    def _fk_refs(self, source: str, tokens: list[_Tok]) -> None:
        for i, t in enumerate(tokens):
            if (
                t.kind == "word"
                and t.value == "REFERENCES"
                and i + 1 < len(tokens)
                and _is_name(tokens[i + 1])
            ):
                target, _ = _qualified(tokens, i + 1)
                self.references[Reference(source, "references", "table", target, t.line, "ddl-fk")] = None

    def statement(self, toks: list[_Tok]) -> None:
        words = [t.value if t.kind == "word" else "" for t in toks[:8]]
        if not words or words[0] not in {"CREATE", "ALTER"}:
            return  # GRANT, COMMENT ON, SET, DROP ...: nothing to map
        i = 1
        if words[0] == "CREATE":
            if words[1:3] == ["OR", "REPLACE"]:
                i = 3
            while i < len(words) and words[i] in {
                "GLOBAL",
                "TEMPORARY",
                "AUXILIARY",
                "LARGE",
                "UNIQUE",
                "FORCE",
                "NOFORCE",
                "MATERIALIZED",
                "SECURE",
            }:
                i += 1
        if i >= len(toks) or i + 1 >= len(toks):
            return
        kind = toks[i].value
        if not _is_name(toks[i + 1]):
            return
        name, j = _qualified(toks, i + 1)
        line = toks[0].line
        if words[0] == "ALTER":
            if kind == "TABLE":
                self._fk_refs(f"table:{name}", toks[j:])
            return
        if kind == "TABLE":
            detail = ""
            if j < len(toks) and toks[j].value == "(":
                end = _matching(toks, j)
                elements = _split_top(toks[j + 1 : end])
                columns = sum(
                    1 for e in elements if not (e[0].kind == "word" and e[0].value in _CONSTRAINT_WORDS)
                )
                detail = f"columns={columns}"
            elif j + 1 < len(toks) and toks[j].value in {"LIKE", "AS"}:
                detail = "columns=0"
            self.definitions.append(Definition("table", name, line, toks[-1].line, detail=detail))
            self._fk_refs(f"table:{name}", toks[j:])
        elif kind == "VIEW":
            as_at = next(
                (k for k in range(j, len(toks)) if toks[k].kind == "word" and toks[k].value == "AS"), None
            )
            self.definitions.append(Definition("table", name, line, toks[-1].line, detail="view"))
            if as_at is not None:
                body = toks[as_at + 1 :]
                for _verb, target, tline in _statement_tables(body):
                    # A view only reads, whatever DML-like words its query contains.
                    self.references[
                        Reference(f"table:{name}", "reads", "table", target, tline, "ddl-view")
                    ] = None
        elif kind == "INDEX":
            on_at = next(
                (k for k in range(j, len(toks)) if toks[k].kind == "word" and toks[k].value == "ON"), None
            )
            if on_at is not None and on_at + 1 < len(toks) and _is_name(toks[on_at + 1]):
                table, _ = _qualified(toks, on_at + 1)
                self.indexes[table] = self.indexes.get(table, 0) + 1

    def finish(self) -> list[Definition]:
        """Definitions with the index count of tables defined in this file."""
        out: list[Definition] = []
        for d in self.definitions:
            count = self.indexes.get(d.name, 0)
            if count and d.detail != "view":
                d = Definition(
                    d.kind,
                    d.name,
                    d.line,
                    d.end_line,
                    d.parent,
                    f"{d.detail},indexes={count}" if d.detail else f"indexes={count}",
                )
            out.append(d)
        return out


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Extract tables, views and foreign keys from a DDL file."""
    lexed = _lex(text)
    diags = [Diagnostic(path, WARNING, "SQL-SYNTAX", msg, line) for line, msg in lexed.problems]
    ddl = _DDL(path)
    for stmt in _statements(lexed.tokens):
        depth = sum(1 if t.value == "(" else -1 for t in stmt if t.kind == "op" and t.value in "()")
        if depth != 0:
            diags.append(Diagnostic(path, WARNING, "SQL-SYNTAX", "unbalanced parentheses", stmt[0].line))
        try:
            ddl.statement(stmt)
        except Exception as exc:
            diags.append(
                Diagnostic(path, WARNING, "SQL-INTERNAL", f"statement skipped: {exc!r}", stmt[0].line)
            )
    lines = text.splitlines()
    code_lines = {t.line for t in lexed.tokens}
    code = comment = blank = 0
    for no, raw in enumerate(lines, start=1):
        if not raw.strip():
            blank += 1
        elif no in code_lines:
            code += 1
        elif no in lexed.comment_lines:
            comment += 1
        else:
            code += 1  # e.g. the inside of a multi-line string literal
    return Extraction(
        definitions=tuple(ddl.finish()),
        references=tuple(ddl.references),
        diagnostics=tuple(diags),
        lines=LineCounts(code=code, comment=comment, blank=blank),
        parse=ParseQuality(status="line-parser", parser="line:sql"),
    )
