"""DDL: tables with their columns, views, indexes and foreign keys (DB2, Oracle, T-SQL).

``DDL.statement`` reads one top-level statement. Table and view names drop
their schema (``PAY.EMPLOYEE`` is ``table:EMPLOYEE``, detail ``schema=PAY``);
column lists are kept for the data dictionary (``sql.table_columns``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from legacy_lens.extractors.sql_dml import statement_uses
from legacy_lens.extractors.sql_lex import Tok, is_name, matching, qualified, split_top
from legacy_lens.model import Definition, Reference

CONSTRAINT_WORDS = frozenset({"CONSTRAINT", "PRIMARY", "FOREIGN", "UNIQUE", "CHECK", "PERIOD", "INDEX", "KEY",
                              "SUPPLEMENTAL", "EXCLUDE"})
# Words after CREATE [OR REPLACE] that qualify the object without naming its kind.
CREATE_MODIFIERS = frozenset({"GLOBAL", "TEMPORARY", "TEMP", "PRIVATE", "AUXILIARY", "LARGE", "UNIQUE", "FORCE",
                              "NOFORCE", "MATERIALIZED", "SECURE", "EDITIONABLE", "NONEDITIONABLE", "EDITIONING",
                              "BITMAP", "CLUSTERED", "NONCLUSTERED", "COLUMNSTORE", "PUBLIC", "SHARDED",
                              "DUPLICATED", "IMMUTABLE", "BLOCKCHAIN", "RECURSIVE", "MULTISET", "SET", "VOLATILE",
                              "EXTERNAL", "HYBRID", "SPATIAL", "FULLTEXT", "XML"})
# Schemas and databases whose tables are the database's own catalogue: kept qualified so that the
# system catalogue (catalog/sql.toml) recognises them.
SYSTEM_SCHEMAS = frozenset({"SYS", "SYSIBM", "SYSCAT", "SYSSTAT", "SYSTOOLS", "SYSFUN", "SYSIBMADM",
                            "INFORMATION_SCHEMA"})
SYSTEM_DATABASES = frozenset({"MASTER", "MSDB", "TEMPDB", "MODEL"})
# Words that end a column's type and start its constraints.
_COLUMN_CLAUSE = frozenset({"NOT", "NULL", "DEFAULT", "CONSTRAINT", "PRIMARY", "UNIQUE", "REFERENCES", "CHECK",
                            "IDENTITY", "GENERATED", "WITH", "COLLATE", "ENCRYPT", "SPARSE", "ROWGUIDCOL",
                            "FILESTREAM", "AUTO_INCREMENT", "COMMENT", "INLINE", "ENABLE", "DISABLE", "VISIBLE",
                            "INVISIBLE", "AS", "MASKED", "HIDDEN", "IMPLICITLY", "COMPRESS", "LOGGED",
                            "FOR", "CCSID", "ON", "USING", "SORT", "DEFERRABLE", "INITIALLY", "RELY", "NORELY",
                            "VALIDATE", "NOVALIDATE", "CHARACTER", "CHARSET", "PERIOD", "ROW", "INCLUDE"})
# Type names written as several words.
_TYPE_CONTINUATIONS = {
    "DOUBLE": {"PRECISION"}, "LONG": {"VARCHAR", "RAW", "VARGRAPHIC", "BINARY"},
    "CHARACTER": {"VARYING", "LARGE"}, "CHAR": {"VARYING", "LARGE"}, "NATIONAL": {"CHAR", "CHARACTER"},
    "BINARY": {"VARYING", "LARGE"}, "BIT": {"VARYING"}, "INTERVAL": {"YEAR", "DAY"},
}
_TIME_ZONE = ("WITH", "TIME", "ZONE")
_LOCAL_TIME_ZONE = ("WITH", "LOCAL", "TIME", "ZONE")


def table_target(name: str, tsql: bool = False) -> str | None:
    """The ``table:`` name a reference uses: schema and database dropped, ``None`` for no table.

    Temporary tables (``#t``, ``tempdb..#t``), table variables (``@t``), ``DUAL`` and T-SQL trigger
    pseudo-tables (``inserted``/``deleted``) are not tables. Catalogue tables (``SYS.OBJECTS``,
    ``INFORMATION_SCHEMA.TABLES``, ``master.dbo.sysdatabases``) keep their schema or database.
    """
    if not name or name[0] in "#@:":
        return None
    if "@" in name:
        name = name.split("@", 1)[0]  # Oracle ``emp@remote_link``
    parts = [p for p in name.split(".") if p]
    if not parts:
        return None
    last = parts[-1]
    if last[0] in "#@" or last == "DUAL":
        return None
    if tsql and len(parts) == 1 and last in ("INSERTED", "DELETED"):
        return None
    if len(parts) >= 2 and parts[-2] in SYSTEM_SCHEMAS:
        return f"{parts[-2]}.{last}"
    if len(parts) >= 3 and parts[-3] in SYSTEM_DATABASES:
        return f"{parts[-3]}.{last}"
    return last


def split_name(name: str) -> tuple[str, str]:
    """(schema, object) of a possibly qualified name; the schema is ``""`` when none was written."""
    parts = [p for p in name.split(".") if p]
    if not parts:
        return "", name
    return (parts[-2] if len(parts) >= 2 else ""), parts[-1]


def text_of(tokens: list[Tok]) -> str:
    """Source-like text of a few tokens (for defaults and details)."""
    out: list[str] = []
    for t in tokens:
        v = f"'{t.value}'" if t.kind == "str" else (f'"{t.value}"' if t.kind == "qword" and " " in t.value else t.value)
        if out and not (v in ("(", ")", ",", ".") or out[-1] in ("(", ".")):
            out.append(" ")
        out.append(v)
    return "".join(out)


@dataclass
class TableFacts:
    name: str
    schema: str
    line: int
    end_line: int
    columns: list[dict[str, Any]] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)


def _int(t: Tok | None) -> int | None:
    if t is None or t.kind != "num":
        return None
    try:
        return int(t.value)
    except ValueError:
        return None


def parse_column(e: list[Tok]) -> dict[str, Any] | None:
    """One column definition: ``name type[(length[, scale])] [NOT NULL] [DEFAULT x] [PRIMARY KEY] ...``."""
    if not e or not is_name(e[0]):
        return None
    col: dict[str, Any] = {"name": e[0].value, "type": "", "length": None, "scale": None, "nullable": True,
                           "default": None, "primary_key": False, "identity": False, "line": e[0].line}
    n = len(e)
    i = 1
    words: list[str] = []
    sized = False
    # T-SQL computed column ``total AS (qty * price)``.
    if i < n and e[i].kind == "word" and e[i].value == "AS":
        col["type"] = "COMPUTED"
        i = n
    while i < n:
        t = e[i]
        if t.kind == "op" and t.value == "(":
            end = matching(e, i)
            if col["length"] is None and not sized:
                sized = True  # the first parenthesised part sizes the type (NVARCHAR(MAX): no length)
                inner = e[i + 1 : end]
                col["length"] = _int(inner[0]) if inner else None
                comma = next((k for k, x in enumerate(inner) if x.kind == "op" and x.value == ","), -1)
                if comma >= 0:
                    col["scale"] = _int(inner[comma + 1]) if comma + 1 < len(inner) else None
            i = end + 1
            continue
        if t.kind == "op" and t.value == "." and words:
            i += 1  # a user type ``dbo.Money``: keep the last part
            words.pop()
            continue
        if not is_name(t):
            break
        v = t.value
        if words and t.kind == "word":
            head = words[0]
            if v in _TYPE_CONTINUATIONS.get(head, ()) or (head == "INTERVAL" and v in {"TO", "MONTH", "SECOND"}):
                words.append(v)
                i += 1
                continue
            if head in {"TIMESTAMP", "TIME"} and tuple(x.value for x in e[i : i + 3]) == _TIME_ZONE:
                words.extend(_TIME_ZONE)
                i += 3
                continue
            if head == "TIMESTAMP" and tuple(x.value for x in e[i : i + 4]) == _LOCAL_TIME_ZONE:
                words.extend(_LOCAL_TIME_ZONE)
                i += 4
                continue
            if v in {"BYTE", "CHAR"} and words[-1] != "CHAR":
                i += 1  # VARCHAR2(30 BYTE)
                continue
            break
        if words:
            break
        if t.kind == "word" and v in _COLUMN_CLAUSE and v != "CHARACTER":
            break
        words.append(v)
        i += 1
    if col["type"] != "COMPUTED":
        col["type"] = " ".join(words)
    # Constraints and defaults.
    depth = 0
    j = i
    while j < n:
        t = e[j]
        if t.kind == "op":
            depth += {"(": 1, ")": -1}.get(t.value, 0)
            j += 1
            continue
        if depth or t.kind != "word":
            j += 1
            continue
        v = t.value
        nxt = e[j + 1].value if j + 1 < n else ""
        if v == "NOT" and nxt == "NULL":
            col["nullable"] = False
            j += 2
            continue
        if v == "NULL":
            col["nullable"] = True
            j += 1
            continue
        if v == "PRIMARY" and nxt == "KEY":
            col["primary_key"] = True
            j += 2
            continue
        if v == "IDENTITY" or (v == "AS" and nxt == "IDENTITY") or v == "AUTO_INCREMENT":
            col["identity"] = True
            j += 1
            continue
        if v == "DEFAULT" or (v == "WITH" and nxt == "DEFAULT"):
            k = j + (2 if v == "WITH" else 1)
            start = k
            d = 0
            while k < n:
                x = e[k]
                if x.kind == "op":
                    d += {"(": 1, ")": -1}.get(x.value, 0)
                elif d == 0 and x.kind == "word" and x.value in _COLUMN_CLAUSE and (x.value != "NULL" or k > start):
                    break  # DEFAULT NULL NOT NULL: the first NULL is the default
                k += 1
            col["default"] = text_of(e[start:k]) if k > start else "WITH DEFAULT"  # DB2: the system default
            j = k
            continue
        j += 1
    if col["primary_key"]:
        col["nullable"] = False
    return col


def _key_columns(tokens: list[Tok], i: int) -> list[str]:
    """Column names in the parenthesised list at or after ``i`` (``PRIMARY KEY [CLUSTERED] (a, b DESC)``)."""
    while i < len(tokens) and not (tokens[i].kind == "op" and tokens[i].value == "("):
        i += 1
    if i >= len(tokens):
        return []
    end = matching(tokens, i)
    return [e[0].value for e in split_top(tokens[i + 1 : end]) if e and is_name(e[0])]


class DDL:
    """Facts of top-level DDL statements of one file."""

    def __init__(self, path: str, tsql: bool = False) -> None:
        self.path = path
        self.tsql = tsql
        self.tables: dict[str, TableFacts] = {}
        self.views: list[Definition] = []
        self.references: dict[Reference, None] = {}
        self.indexes: dict[str, int] = {}
        self.keys: dict[str, list[str]] = {}  # primary keys added by ALTER TABLE
        self.added: dict[str, list[dict[str, Any]]] = {}  # columns added by ALTER TABLE
        self.view_ranges: dict[str, tuple[int, int]] = {}

    def _fk_refs(self, source: str, tokens: list[Tok]) -> None:
        for i, t in enumerate(tokens):
            if t.kind == "word" and t.value == "REFERENCES" and i + 1 < len(tokens) and is_name(tokens[i + 1]):
                name, _ = qualified(tokens, i + 1)
                target = table_target(name, self.tsql)
                if target:
                    self.references[Reference(source, "references", "table", target, t.line, "ddl-fk")] = None

    def statement(self, toks: list[Tok]) -> str:
        """Record one statement's facts; returns what it was (``table``, ``view``, ``index``, ``ddl``) or ``""``."""
        words = [t.value if t.kind == "word" else "" for t in toks[:10]]
        if not words or words[0] not in {"CREATE", "ALTER"}:
            return ""
        i = 1
        if words[0] == "CREATE":
            if words[1:3] in (["OR", "REPLACE"], ["OR", "ALTER"]):
                i = 3
            while i < len(words) and words[i] in CREATE_MODIFIERS:
                i += 1
        if i + 1 >= len(toks):
            return "ddl"
        kind = toks[i].value if toks[i].kind == "word" else ""
        if kind in {"TABLE", "VIEW", "INDEX"} and toks[i + 1].kind == "word" and toks[i + 1].value == "IF":
            i += 3 if toks[i + 2].value == "NOT" else 2  # CREATE TABLE IF NOT EXISTS
            if i + 1 >= len(toks):
                return "ddl"
        if not is_name(toks[i + 1]):
            return "ddl"
        name, j = qualified(toks, i + 1)
        if words[0] == "ALTER":
            if kind == "TABLE":
                self._alter_table(name, toks, j)
                return "ddl"
            if kind == "VIEW" and any(t.kind == "word" and t.value == "AS" for t in toks[j:]):
                return self._view(name, toks, j, toks[0].line)  # T-SQL ALTER VIEW v AS ...
            return "ddl"
        if kind == "TABLE":
            return self._table(name, toks, j, i)
        if kind == "VIEW":
            return self._view(name, toks, j, toks[0].line)
        if kind == "INDEX":
            on_at = next((k for k in range(j, len(toks)) if toks[k].kind == "word" and toks[k].value == "ON"), None)
            if on_at is not None and on_at + 1 < len(toks) and is_name(toks[on_at + 1]):
                table, _ = qualified(toks, on_at + 1)
                target = table_target(table, self.tsql)
                if target:
                    self.indexes[target] = self.indexes.get(target, 0) + 1
            return "index"
        return "ddl"

    def _table(self, qname: str, toks: list[Tok], j: int, kind_at: int) -> str:
        schema, name = split_name(qname)
        if name.startswith("#") or name.startswith("@"):
            return "ddl"  # a T-SQL temporary table
        line = toks[0].line
        facts = TableFacts(name, schema, line, toks[-1].last_line)
        modifiers = {t.value for t in toks[1:kind_at] if t.kind == "word"}
        if modifiers & {"TEMPORARY", "TEMP", "VOLATILE"}:
            facts.detail.append("temporary")
        if j < len(toks) and toks[j].kind == "op" and toks[j].value == "(":
            end = matching(toks, j)
            elements = split_top(toks[j + 1 : end])
            for e in elements:
                if e[0].kind == "word" and e[0].value in CONSTRAINT_WORDS:
                    k = 0
                    if e[0].value == "CONSTRAINT":
                        k = 2
                    if k + 1 < len(e) and e[k].value == "PRIMARY" and e[k + 1].value == "KEY":
                        self._mark_keys(facts.columns, _key_columns(e, k + 2))
                    continue
                col = parse_column(e)
                if col is not None:
                    facts.columns.append(col)
            facts.detail.insert(0, f"columns={len(facts.columns)}")
        elif j + 1 < len(toks) and toks[j].value in {"LIKE", "AS", "OF"}:
            facts.detail.insert(0, "columns=0")
        if schema:
            facts.detail.append(f"schema={schema}")
        self.tables[name] = facts
        self._fk_refs(f"table:{name}", toks[j:])
        return "table"

    @staticmethod
    def _mark_keys(columns: list[dict[str, Any]], keys: list[str]) -> None:
        wanted = set(keys)
        for col in columns:
            if col["name"] in wanted:
                col["primary_key"] = True
                col["nullable"] = False

    def _alter_table(self, qname: str, toks: list[Tok], j: int) -> None:
        name = table_target(qname, self.tsql)
        if not name:
            return
        self._fk_refs(f"table:{name}", toks[j:])
        n = len(toks)
        k = j
        while k < n:
            t = toks[k]
            if t.kind == "word" and t.value == "PRIMARY" and k + 1 < n and toks[k + 1].value == "KEY":
                self.keys.setdefault(name, []).extend(_key_columns(toks, k + 2))
                k += 2
                continue
            if t.kind == "word" and t.value == "ADD" and k + 1 < n:
                m = k + 1
                if toks[m].kind == "word" and toks[m].value == "COLUMN":
                    m += 1
                if m < n and toks[m].kind == "op" and toks[m].value == "(":
                    end = matching(toks, m)
                    elements = split_top(toks[m + 1 : end])
                    k = end + 1
                else:
                    elements = split_top(toks[m:])
                    k = n
                for e in elements:
                    if not e or (e[0].kind == "word" and e[0].value in CONSTRAINT_WORDS):
                        if e and any(x.value == "PRIMARY" for x in e[:3]):
                            at = next(x for x, tok in enumerate(e) if tok.value == "PRIMARY")
                            self.keys.setdefault(name, []).extend(_key_columns(e, at + 2))
                        continue
                    col = parse_column(e)
                    if col is not None:
                        self.added.setdefault(name, []).append(col)
                continue
            k += 1

    def _view(self, qname: str, toks: list[Tok], j: int, line: int) -> str:
        schema, name = split_name(qname)
        as_at = next((k for k in range(j, len(toks)) if toks[k].kind == "word" and toks[k].value == "AS"), None)
        detail = []
        if any(t.kind == "word" and t.value == "MATERIALIZED" for t in toks[1:4]):
            detail.append("materialized")
        if schema:
            detail.append(f"schema={schema}")
        end_line = toks[-1].last_line
        self.views.append(Definition("view", name, line, end_line, detail=",".join(detail)))
        self.view_ranges[name] = (line, end_line)
        if as_at is not None:
            body = toks[as_at + 1 :]
            for use in statement_uses(body):
                if use.function:
                    continue
                target = table_target(use.name, self.tsql)
                if target:
                    # A view only reads, whatever DML-like words its query contains.
                    self.references[Reference(f"view:{name}", "reads", "table", target, use.line, "ddl-view")] = None
        return "view"

    def columns(self) -> dict[str, list[dict[str, Any]]]:
        """Table name -> columns, with ALTER TABLE additions and primary keys applied."""
        out: dict[str, list[dict[str, Any]]] = {}
        for name, facts in self.tables.items():
            cols = [dict(c) for c in facts.columns] + [dict(c) for c in self.added.get(name, [])]
            self._mark_keys(cols, self.keys.get(name, []))
            out[name] = cols
        return out

    def definitions(self) -> list[Definition]:
        """Tables (with the index count of this file) and views."""
        out: list[Definition] = []
        for name, facts in self.tables.items():
            detail = list(facts.detail)
            count = self.indexes.get(name, 0)
            if count:
                detail.insert(1 if detail and detail[0].startswith("columns=") else 0, f"indexes={count}")
            out.append(Definition("table", name, facts.line, facts.end_line, detail=",".join(detail)))
        out.extend(self.views)
        return out
