"""Tables used by one SQL DML statement: the reader behind ``sql.dml_tables``.

The COBOL extractor calls ``dml_tables`` for ``EXEC SQL`` blocks, and the
stored-code reader (``sql_code``) calls ``statement_uses`` for every statement of
a procedure body. Both see the same rules: SELECT and cursors read, INSERT
writes, UPDATE and MERGE update, DELETE and TRUNCATE delete, and every other
table of the statement (FROM lists, joins, subqueries, ``INSERT ... SELECT``,
``MERGE ... USING``) is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from legacy_lens.extractors.sql_lex import Tok, is_name, lex, matching, qualified, statements

# Keywords that start or continue a clause after a table list.
_CLAUSE_START = frozenset(
    {"WHERE", "GROUP", "HAVING", "ORDER", "UNION", "EXCEPT", "INTERSECT", "MINUS", "FETCH", "FOR", "OPTIMIZE",
     "WITH", "SET", "VALUES", "SELECT"}
)
# Words that can never be a table alias.
_CLAUSE_WORDS = _CLAUSE_START | {"ON", "USING", "JOIN", "INNER", "LEFT", "RIGHT", "OUTPUT", "OPTION", "WHEN",
                                 "CROSS", "FULL", "OUTER", "NATURAL", "APPLY", "PIVOT", "UNPIVOT", "INTO",
                                 "RETURNING", "RETURN", "LOG", "PARTITION", "SAMPLE", "CONNECT", "START",
                                 "MODEL", "QUERYNO", "SKIP", "LIMIT", "OFFSET", "TABLESAMPLE", "FROM"}
# Words that end a FROM list at the current parenthesis depth.
_FROM_END = _CLAUSE_START | {"QUERYNO", "SKIP", "LIMIT", "OFFSET", "WHEN", "START", "CONNECT", "OUTPUT", "OPTION",
                             "RETURNING", "RETURN", "LOG", "INTO"}
# Prefixes of a table reference that are not its name (DB2 data-change and table functions).
_TABLE_PREFIX = frozenset({"FINAL", "NEW", "OLD", "TABLE", "LATERAL", "ONLY"})
DML_VERBS = frozenset(
    {"SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "DECLARE", "VALUES", "TRUNCATE", "LOCK"}
)
# T-SQL table hints written without WITH: ``FROM t (NOLOCK)``.
_HINTS = frozenset({"NOLOCK", "READUNCOMMITTED", "UPDLOCK", "ROWLOCK", "HOLDLOCK", "TABLOCK", "TABLOCKX",
                    "PAGLOCK", "NOWAIT", "READPAST", "XLOCK", "SERIALIZABLE", "REPEATABLEREAD", "READCOMMITTED",
                    "FASTFIRSTROW", "INDEX", "NOEXPAND", "FORCESEEK", "FORCESCAN", "SNAPSHOT"})


@dataclass(frozen=True, slots=True)
class Use:
    """A table (or, with ``function``, a table function) named by a statement.

    ``index`` is the position of the name's first token in the statement's tokens; ``alias`` the
    correlation name written after it (``""`` when none).
    """

    verb: str  # reads | writes | updates | deletes
    name: str
    line: int
    index: int
    alias: str = ""
    function: bool = False


def _cte_names(tokens: list[Tok]) -> set[str]:
    """Names defined by ``WITH name [(cols)] AS (...)``; they are not tables."""
    names: set[str] = set()
    n = len(tokens)
    for i, t in enumerate(tokens):
        if not (t.kind == "word" and t.value == "WITH"):
            continue
        j = i + 1
        if j < n and tokens[j].value == "RECURSIVE":
            j += 1
        while j < n and is_name(tokens[j]):
            name = tokens[j].value
            k = j + 1
            if k < n and tokens[k].value == "(" and tokens[k].kind == "op":
                k = matching(tokens, k) + 1
            if not (k + 1 < n and tokens[k].value == "AS" and tokens[k + 1].value == "("):
                break
            names.add(name)
            k = matching(tokens, k + 1) + 1
            if k < n and tokens[k].value == ",":
                j = k + 1
            else:
                break
    return names


def statement_uses(tokens: list[Tok], select_into: bool = False) -> list[Use]:
    """Tables of one DML statement's tokens, in order (duplicates kept).

    ``select_into``: ``SELECT ... INTO t`` and ``OUTPUT ... INTO t`` create or fill a table (T-SQL)
    rather than assign variables (PL/SQL, embedded SQL).
    """
    if not tokens:
        return []
    first = tokens[0].value
    if tokens[0].kind != "word" or first not in DML_VERBS:
        return []  # FETCH, OPEN, CLOSE, PREPARE, CALL ... name no tables
    if first == "DECLARE" and not any(t.kind == "word" and t.value == "CURSOR" for t in tokens[:6]):
        return []  # DECLARE t TABLE (...) is a declaration, not a use
    ctes = _cte_names(tokens)
    out: list[Use] = []
    from_list = [False]  # per parenthesis depth: inside a FROM list
    expect = ""  # verb for the next table name, "" when no table is expected
    merge = first == "MERGE"
    multi_insert = False
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        prev = tokens[i - 1] if i else None
        if t.kind == "op" and t.value == "(":
            nested = expect != ""
            from_list.append(nested)
            expect = "reads" if nested else ""
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
            if v == "MERGE" and i == 0 and n > 1 and is_name(tokens[1]) and tokens[1].value != "INTO":
                expect = "updates"  # T-SQL ``MERGE target AS t USING ...``
                i += 1
                continue
            if v == "FROM":
                deleting = prev is not None and prev.kind == "word" and prev.value == "DELETE"
                expect = "deletes" if deleting else "reads"
                from_list[-1] = True
                i += 1
                continue
            if v == "JOIN" or (v == "APPLY" and prev is not None and prev.value in {"CROSS", "OUTER"}):
                expect = "reads"
                from_list[-1] = True
                i += 1
                continue
            if v == "INTO" and prev is not None and prev.value in {"INSERT", "MERGE"}:
                expect = "writes" if prev.value == "INSERT" else "updates"
                i += 1
                continue
            if v == "INTO" and multi_insert and len(from_list) == 1:
                expect = "writes"  # Oracle INSERT ALL|FIRST ... INTO t1 ... INTO t2
                i += 1
                continue
            if v == "INTO" and select_into:
                expect = "writes"
                from_list[-1] = False
                i += 1
                continue
            if v == "USING" and merge:
                expect = "reads"
                i += 1
                continue
            if v in {"UPDATE", "DELETE", "INSERT"} and not (prev is not None and prev.value in {"FOR", "THEN"}):
                nxt = tokens[i + 1] if i + 1 < n else None
                if v == "INSERT" and nxt is not None and nxt.kind == "word" and nxt.value in {"ALL", "FIRST"}:
                    multi_insert = True
                    i += 2
                    continue
                if nxt is not None and is_name(nxt) and nxt.value not in {"FROM", "INTO", "SET", "OF"}:
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
        if expect and is_name(t) and not (t.kind == "word" and t.value in _CLAUSE_WORDS):
            name, j = qualified(tokens, i)
            table_fn = i >= 2 and tokens[i - 1].value == "(" and tokens[i - 2].value == "TABLE"
            opens = j < n and tokens[j].kind == "op" and tokens[j].value == "("
            if table_fn and opens:
                expect = ""  # a table function call such as TABLE(MYFUNC(1)), not a table
                i = j
                continue
            if table_fn and j < n and tokens[j].kind == "op" and tokens[j].value == ")":
                expect = ""  # TABLE(collection_variable): a PL/SQL collection, not a table
                i = j
                continue
            if opens and expect == "reads" and not _hint(tokens, j):
                # ``FROM dbo.split(@list)``: a table-valued function, not a table.
                out.append(Use(expect, name, t.line, i, "", True))
                expect = ""
                i = matching(tokens, j) + 1
                continue
            if opens and _hint(tokens, j):
                j = matching(tokens, j) + 1
            verb = expect
            expect = ""
            # Skip an optional correlation name: [AS] alias.
            if j < n and tokens[j].kind == "word" and tokens[j].value == "AS":
                j += 1
            alias = ""
            if j < n and is_name(tokens[j]) and not (tokens[j].kind == "word" and tokens[j].value in _CLAUSE_WORDS):
                alias = tokens[j].value
                j += 1
            if name not in ctes:
                out.append(Use(verb, name, t.line, i, alias))
            i = j
            continue
        expect = ""  # anything else (host variable, literal, operator) ends the expectation
        i += 1
    return out


def _hint(tokens: list[Tok], j: int) -> bool:
    """``(NOLOCK)`` / ``(UPDLOCK, ROWLOCK)`` after a table name: T-SQL hints, not arguments."""
    k = j + 1
    return k < len(tokens) and tokens[k].kind == "word" and tokens[k].value in _HINTS


def resolve_aliases(uses: list[Use]) -> list[Use]:
    """T-SQL ``UPDATE a SET .. FROM orders a`` / ``DELETE a FROM orders a``: the target is the aliased table."""
    aliases = {u.alias: u.name for u in uses if u.alias and not u.function and u.verb == "reads"}
    out = []
    for u in uses:
        if u.verb in ("updates", "deletes") and "." not in u.name and aliases.get(u.name, u.name) != u.name:
            u = Use(u.verb, aliases[u.name], u.line, u.index, u.alias, u.function)
        out.append(u)
    return out


def statement_tables(tokens: list[Tok]) -> list[tuple[str, str, int]]:
    """(verb, table, line) for one DML statement's tokens (table functions left out)."""
    return [(u.verb, u.name, u.line) for u in statement_uses(tokens) if not u.function]


def _strip_exec_sql(sql: str) -> str:
    sql = re.sub(r"^\s*EXEC\s+SQL\b", "", sql, flags=re.IGNORECASE)
    return re.sub(r"\bEND-EXEC\s*\.?\s*$", "", sql, flags=re.IGNORECASE)


def dml_tables(sql: str) -> list[tuple[str, str]]:
    """Tables used by SQL DML, as (verb, TABLE) pairs in order of first use, without duplicates.

    Verbs: ``reads`` (SELECT, cursors, and every table in a subquery, join or
    INSERT ... SELECT), ``writes`` (INSERT target), ``updates`` (UPDATE and
    MERGE target), ``deletes`` (DELETE and TRUNCATE target). Host variables,
    correlation names and common-table-expression names are not tables, nor are
    table functions (``FROM f(x)``, ``TABLE(f(x))``). An ``EXEC SQL`` / ``END-EXEC``
    wrapper is accepted. Never raises.
    """
    seen: dict[tuple[str, str], None] = {}
    for stmt in statements(lex(_strip_exec_sql(sql)).tokens):
        for verb, name, _line in statement_tables(stmt):
            seen.setdefault((verb, name), None)
    return list(seen)
