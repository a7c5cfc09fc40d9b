"""CICS CSD extractor: DFHCSDUP ``DEFINE`` statements.

DFHCSDUP commands are free-form keyword(value) lists that may span lines; a
new command starts with a bare verb. We tokenize the whole member (columns
1-72, ``*`` comment lines dropped) and group tokens into commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from legacy_lens.extractors.common import count_lines
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import (
    INFO,
    WARNING,
    Definition,
    Diagnostic,
    Extraction,
    ParseQuality,
    Reference,
)

_VERBS = frozenset(
    [
        "ADD",
        "ALTER",
        "APPEND",
        "CHECK",
        "COPY",
        "DEFINE",
        "DELETE",
        "EXTRACT",
        "INITIALIZE",
        "LIST",
        "LOCK",
        "MIGRATE",
        "PROCESS",
        "REMOVE",
        "RENAME",
        "SCAN",
        "SERVICE",
        "UNLOCK",
        "UPGRADE",
        "USERDEFINE",
        "VERIFY",
    ]
)
# Abbreviations DFHCSDUP accepts for the words we care about.
_ALIASES = {"DEF": "DEFINE", "TRANS": "TRANSACTION", "PROG": "PROGRAM", "DSN": "DSNAME"}
_RESOURCE_KINDS = {
    "TRANSACTION": "transaction",
    "PROGRAM": "program-definition",  # the COBOL source defines the program; the CSD declares it
    "FILE": "file",
    "MAPSET": "mapset-definition",
}


@dataclass(frozen=True, slots=True)
class _Tok:
    word: str
    value: str | None  # text inside the parentheses, None for a bare word
    line: int


def _tokens(lines: list[str], path: str, diags: list[Diagnostic]) -> list[_Tok]:
    """Words and word(value) pairs; values may span lines and nest parentheses."""
    # Join the member into one string with line markers so values can span lines.
    text_lines = ["" if ln.startswith("*") else ln[:72] for ln in lines]
    toks: list[_Tok] = []
    li, col = 0, 0
    while li < len(text_lines):
        line = text_lines[li]
        while col < len(line) and (line[col].isspace() or line[col] == ","):
            col += 1
        if col >= len(line):
            li, col = li + 1, 0
            continue
        start_line = li + 1
        j = col
        while j < len(line) and not line[j].isspace() and line[j] not in "(,":
            j += 1
        word = line[col:j].upper()
        if j < len(line) and line[j] == "(":
            # Read a balanced value, possibly across lines. Apostrophes are not
            # special: descriptions such as DESCRIPTION(Customer's file) are common.
            depth = 0
            buf: list[str] = []
            k = j
            closed = False
            while li < len(text_lines):
                line = text_lines[li]
                while k < len(line):
                    c = line[k]
                    if c == "(":
                        depth += 1
                        if depth == 1:
                            k += 1
                            continue
                    elif c == ")":
                        depth -= 1
                        if depth == 0:
                            closed = True
                            k += 1
                            break
                    buf.append(c)
                    k += 1
                if closed:
                    break
                li, k = li + 1, 0
                buf.append(" ")
            if not closed:
                diags.append(
                    Diagnostic(path, WARNING, "CSD-SYNTAX", f"unclosed parenthesis after {word}", start_line)
                )
                li = len(text_lines)
            col = k
            toks.append(_Tok(_ALIASES.get(word, word), " ".join("".join(buf).split()), start_line))
        else:
            col = j
            toks.append(_Tok(_ALIASES.get(word, word), None, start_line))
    return toks


def _commands(toks: list[_Tok]) -> list[list[_Tok]]:
    out: list[list[_Tok]] = []
    for t in toks:
        if (t.value is None and t.word in _VERBS) or not out:
            out.append([t])
        else:
            out[-1].append(t)
    return out


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Extract transactions, program/file/mapset definitions and their links."""
    lines = text.splitlines()
    diags: list[Diagnostic] = []
    definitions: dict[Definition, None] = {}
    references: dict[Reference, None] = {}
    for cmd in _commands(_tokens(lines, path, diags)):
        head = cmd[0]
        if head.word != "DEFINE" or head.value is not None:
            continue  # ADD GROUP(..) LIST(..), ALTER, DELETE ...: not definitions
        if len(cmd) < 2 or cmd[1].value is None:
            diags.append(Diagnostic(path, WARNING, "CSD-SYNTAX", "DEFINE without a resource", head.line))
            continue
        resource = cmd[1]
        kind = _RESOURCE_KINDS.get(resource.word)
        if kind is None:
            continue  # TDQUEUE, TERMINAL, DB2ENTRY ...: not mapped yet
        name = resource.value.upper() if resource.value else ""
        if not name:
            diags.append(
                Diagnostic(
                    path, WARNING, "CSD-SYNTAX", f"DEFINE {resource.word} without a name", resource.line
                )
            )
            continue
        attrs = {t.word: (t.value or "") for t in cmd[2:] if t.value is not None}
        group = attrs.get("GROUP", "").upper()
        if not group:
            diags.append(
                Diagnostic(path, INFO, "CSD-NO-GROUP", f"{resource.word} {name} has no GROUP", resource.line)
            )
        end_line = cmd[-1].line
        definitions[Definition(kind, name, resource.line, end_line, detail=f"group={group}")] = None
        if kind == "transaction" and attrs.get("PROGRAM"):
            references[
                Reference(
                    f"transaction:{name}", "starts", "program", attrs["PROGRAM"].upper(), resource.line, "csd"
                )
            ] = None
        elif kind == "file" and attrs.get("DSNAME"):
            references[
                Reference(f"file:{name}", "dataset", "dataset", attrs["DSNAME"].upper(), resource.line, "csd")
            ] = None
    return Extraction(
        definitions=tuple(definitions),
        references=tuple(references),
        diagnostics=tuple(diags),
        lines=count_lines(lines, lambda t: t.startswith("*")),
        parse=ParseQuality(status="line-parser", parser="line:csd"),
    )
