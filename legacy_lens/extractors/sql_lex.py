"""SQL tokenizer shared by the DDL, DML, PL/SQL and T-SQL readers.

One pass over the text turns it into tokens: words (upper-cased), quoted
identifiers (``"Mixed"`` and T-SQL ``[bracketed]``, upper-cased), string
literals (``'..'`` with ``''`` escapes, ``N'..'``/``X'..'`` prefixes, Oracle
``q'[..]'`` alternative quoting), numbers, host variables (``:WS-NAME``,
``:NEW.SAL``) and operators. ``--`` and ``/* */`` comments are dropped and their
lines remembered. Every regular expression here matches in linear time; nothing
raises on bad input (unterminated strings and comments are reported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

# One token per match, tried in this order. Strings, quoted names and comments may run to the end of
# the text when they are not closed (the "u" groups), which is reported.
_MASTER = re.compile(
    r"[^\S\n]*(?:"
    r"(?P<word>[^\W\d][\w$#@]*|[$#@][\w$#@]*)"
    r"|(?P<nl>\n)"
    r"|(?P<lc>--[^\n]*)"
    r"|(?P<bc>/\*(?s:.*?)\*/)|(?P<ubc>/\*(?s:.*))"
    r"|(?P<str>'(?:[^']|'')*')|(?P<ustr>'(?:[^']|'')*)"
    r"|(?P<dq>\"(?:[^\"]|\"\")*\")|(?P<udq>\"(?:[^\"]|\"\")*)"
    r"|(?P<num>\d(?:[^\W_]|\.)*)"
    r"|(?P<op2><>|<=|>=|!=|\|\||\^=|:=|=>|::)"
    r"|(?P<op>.)"
    r"|(?P<end>\Z))",
    re.DOTALL,
)
_HOST_START = re.compile(r"[\w$#@\-\"]")
# A host variable: COBOL names carry hyphens; ``:A.B`` qualifies, ``:A:IND`` is two tokens.
_HOST = re.compile(r":(?:[\w$#@\-]|\.(?=[\w$#@\-]))*")
_TERMINATOR = re.compile(r"#SET\s+TERMINATOR\s+(\S+)", re.IGNORECASE)
# SQL*Plus free-text commands: ``REM don't`` is a comment and ``PROMPT it's done`` prints text; neither
# holds a string literal. Not when the word is a variable (``rem := 5``, ``prompt(x)``).
_FREE_TEXT = re.compile(r"(?:[ \t]+(?![:=(.,;%])|(?=\n)|$)")
_FREE_WORDS = frozenset({"REM", "REMARK", "PROMPT", "PRO"})
_STRING_PREFIXES = frozenset({"X", "G", "N", "UX", "BX", "GX"})
_NEW_OPS = frozenset({":=", "=>", "::"})
_Q_CLOSE = {"[": "]", "{": "}", "(": ")", "<": ">"}


class Tok(NamedTuple):
    """One token. ``kind``: word | qword | str | num | host | op | sep (a batch separator)."""

    kind: str
    value: str  # upper-cased for words and quoted identifiers; raw text otherwise
    line: int

    @property
    def last_line(self) -> int:
        """Line of the token's last character (string literals and quoted names may span lines)."""
        if self.kind in ("str", "qword"):
            return self.line + self.value.count("\n")
        return self.line


@dataclass
class Lexed:
    tokens: list[Tok]
    comment_lines: set[int]
    problems: list[tuple[int, str]]
    # ``--#SET TERMINATOR x`` (DB2 CLP) was seen and honoured: ``x`` became ``sep`` tokens.
    terminator_lines: set[int]


def lex(sql: str, alt_terminators: bool = False) -> Lexed:
    """Tokenize SQL text; never raises.

    ``alt_terminators`` is set by the stored-code reader: ``:=``, ``=>`` and ``::`` stay one token
    (``dml_tables`` keeps the historical one-character operators), SQL*Plus ``REM`` and ``PROMPT``
    lines are free text, and a ``--#SET TERMINATOR x`` comment makes ``x`` a statement-batch
    separator until it is set back to ``;``.
    """
    toks: list[Tok] = []
    comments: set[int] = set()
    problems: list[tuple[int, str]] = []
    term_lines: set[int] = set()
    terminator = ""
    i, n, line = 0, len(sql), 1
    append = toks.append
    match = _MASTER.match
    line_start = True  # only blanks since the last line break
    new = tuple.__new__
    while i < n:
        if terminator:
            k = i
            while k < n and sql[k] in " \t\r\f\v":
                k += 1
            if sql.startswith(terminator, k):
                append(new(Tok, ("sep", terminator, line)))
                i = k + len(terminator)
                line_start = False
                continue
        m = match(sql, i)
        if m is None:  # pragma: no cover - the "op" alternative matches any character
            break
        kind = m.lastgroup
        j = m.end()
        i = m.start(kind) if kind else j
        if kind == "word":
            if terminator:
                cut = sql.find(terminator, i, j)
                if cut > i:
                    j = cut  # DB2 ``END@``: the terminator is not part of the word
            word = sql[i:j].upper()
            if j < n and sql[j] == "'":
                if word in _STRING_PREFIXES:  # X'..', N'..': the prefix belongs to the string
                    i = j
                    line_start = False
                    continue
                if word in ("Q", "NQ") and j + 1 < n and not sql[j + 1].isspace():
                    # Oracle alternative quoting: q'[...]', nq'{...}', q'!...!'.
                    close = _Q_CLOSE.get(sql[j + 1], sql[j + 1]) + "'"
                    k = sql.find(close, j + 2)
                    if k < 0:
                        problems.append((line, "unterminated q'...' literal"))
                        k = n
                    text = sql[j + 2 : k]
                    append(new(Tok, ("str", text, line)))
                    line += text.count("\n")
                    i = k + 2
                    line_start = False
                    continue
            if line_start and alt_terminators and word in _FREE_WORDS and _FREE_TEXT.match(sql, j):
                k = sql.find("\n", j)
                k = n if k < 0 else k
                if word.startswith("REM"):
                    comments.add(line)
                else:
                    append(new(Tok, ("word", "PROMPT", line)))
                i = k
                continue
            append(new(Tok, ("word", word, line)))
            i = j
            line_start = False
            continue
        if kind == "op":
            line_start = False
            ch = sql[i]
            if ch == "[":
                tok, i = _bracketed(sql, i, line)
                append(tok)
                continue
            if ch == ":" and j < n and _HOST_START.match(sql, j):
                hm = _HOST.match(sql, i)
                j = hm.end() if hm else j
                append(new(Tok, ("host", sql[i:j], line)))
                i = j
                continue
            append(new(Tok, ("op", ch, line)))
            i = j
            continue
        if kind == "nl":
            line += 1
            i = j
            line_start = True
            continue
        if kind is None or kind == "end":
            break
        line_start = False
        if kind == "num":
            append(new(Tok, ("num", sql[i:j], line)))
        elif kind == "op2":
            value = sql[i:j]
            if value in _NEW_OPS and not alt_terminators:
                append(new(Tok, ("op", value[0], line)))  # one character at a time, as dml_tables always did
                j = i + 1
            else:
                append(new(Tok, ("op", value, line)))
        elif kind in ("str", "ustr"):
            closed = kind == "str"
            text = sql[i + 1 : j - 1] if closed else sql[i + 1 : j]
            if not closed:
                problems.append((line, "unterminated string literal"))
            append(new(Tok, ("str", text, line)))
            line += text.count("\n")
        elif kind in ("dq", "udq"):
            closed = kind == "dq"
            text = sql[i + 1 : j - 1] if closed else sql[i + 1 : j]
            if not closed:
                problems.append((line, "unterminated string literal"))
            append(new(Tok, ("qword", text.replace('""', '"').upper(), line)))
            line += text.count("\n")
        elif kind == "lc":
            comments.add(line)
            if alt_terminators:
                tm = _TERMINATOR.match(sql, i + 2, j)
                if tm:
                    value = tm.group(1)
                    terminator = "" if value == ";" else value
                    term_lines.add(line)
        else:  # a block comment, closed or not
            if kind == "ubc":
                problems.append((line, "unterminated /* comment"))
            end_line = line + sql.count("\n", i, j)
            comments.update(range(line, end_line + 1))
            line = end_line
        i = j
    return Lexed(toks, comments, problems, term_lines)


def _bracketed(sql: str, i: int, line: int) -> tuple[Tok, int]:
    """T-SQL ``[bracketed name]`` on one line (``]]`` inside is an escaped ``]``), else the ``[`` operator."""
    nl = sql.find("\n", i + 1)
    j = i + 1
    while True:
        k = sql.find("]", j)
        if k < 0 or 0 <= nl < k:
            return Tok("op", "[", line), i + 1
        if sql.startswith("]]", k):
            j = k + 2
            continue
        break
    if k == i + 1:
        return Tok("op", "[", line), i + 1
    return Tok("qword", sql[i + 1 : k].replace("]]", "]").upper(), line), k + 1


def is_name(t: Tok) -> bool:
    return t.kind in ("word", "qword")


def qualified(tokens: list[Tok], i: int, hi: int | None = None) -> tuple[str, int]:
    """Read ``a.b.c`` (also T-SQL ``db..t``) starting at ``i``; returns the name and the index after it."""
    end = len(tokens) if hi is None else hi
    parts = [tokens[i].value]
    i += 1
    while i + 1 < end and tokens[i].kind == "op" and tokens[i].value == ".":
        j = i + 1
        while j + 1 < end and tokens[j].kind == "op" and tokens[j].value == ".":
            j += 1  # ``db..table``: the schema is left out
        if not is_name(tokens[j]):
            break
        parts.append(tokens[j].value)
        i = j + 1
    return ".".join(parts), i


def matching(tokens: list[Tok], i: int, hi: int | None = None) -> int:
    """Index of the ``)`` matching the ``(`` at ``i`` (or ``hi``/len(tokens) when it never closes)."""
    end = len(tokens) if hi is None else hi
    depth = 0
    for j in range(i, end):
        t = tokens[j]
        if t.kind == "op":
            if t.value == "(":
                depth += 1
            elif t.value == ")":
                depth -= 1
                if depth == 0:
                    return j
    return end


def split_top(tokens: list[Tok]) -> list[list[Tok]]:
    """Split tokens at top-level commas."""
    out: list[list[Tok]] = [[]]
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


def statements(tokens: list[Tok]) -> list[list[Tok]]:
    """Split tokens on ``;`` (strings and comments are already single tokens)."""
    out: list[list[Tok]] = []
    cur: list[Tok] = []
    for t in tokens:
        if (t.kind == "op" and t.value == ";") or t.kind == "sep":
            if cur:
                out.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        out.append(cur)
    return out
