"""EXEC SQL, EXEC CICS and EXEC DLI blocks: the facts one block states, for every host language.

COBOL ends a block with ``END-EXEC``, PL/I with ``;`` and assembler with the end of the
(continued) statement; each extractor lifts out the text between ``EXEC <kind>`` and that end and
calls :func:`analyse`, which is the one place where CICS options, DL/I calls and SQL statements are
turned into references. It never raises: a block it cannot read becomes a diagnostic.

Targets named by a literal are references to that name; targets named by a data item
(``LINK PROGRAM(WS-PGM)``) are ``dynamic`` references to the identifier, resolved (or not) later
by ``legacy_lens.link`` from the values the host program gives it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from legacy_lens.extractors.sql import dml_tables, table_target
from legacy_lens.model import WARNING, Definition, Diagnostic, Reference

_NAME = r"[A-Za-z0-9][A-Za-z0-9#@$_-]*"
_LITERAL = r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\""
_CICS_OPTION = re.compile(rf"(?P<opt>[A-Z][A-Z0-9-]*)(?:\s*\(\s*(?P<val>{_LITERAL}|[^()]*(?:\([^()]*\)[^()]*)*)\s*\))?",
                          re.IGNORECASE)
# An assembler literal constant used as a CICS argument: ``PROGRAM(=CL8'PAYPGM')``.
_ASM_LITERAL = re.compile(r"^=\s*C(?:L\d+)?'(?P<val>(?:[^']|'')*)'$", re.IGNORECASE)

CICS_FILE_VERBS = {
    "READ": "reads", "READNEXT": "reads", "READPREV": "reads", "STARTBR": "reads", "RESETBR": "reads",
    "WRITE": "writes", "REWRITE": "updates", "DELETE": "deletes",
}
DLI_VERBS = {"GU", "GHU", "GN", "GHN", "GNP", "GHNP", "ISRT", "REPL", "DLET"}


@dataclass(frozen=True, slots=True)
class ExecFacts:
    """What one EXEC block says: references from its owner, definitions (DCLGEN tables), problems."""

    references: tuple[Reference, ...] = ()
    definitions: tuple[Definition, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


def unquote(literal: str) -> str:
    """Value of a quoted literal: quotes removed, doubled quotes collapsed (COBOL, PL/I, assembler)."""
    if len(literal) >= 2 and literal[0] in "'\"" and literal[-1] == literal[0]:
        q = literal[0]
        return literal[1:-1].replace(q + q, q)
    return literal


def cics_options(text: str) -> list[tuple[str, str | None]]:
    """``SEND MAP('X') MAPSET(WS-M) ERASE`` -> [("SEND", None), ("MAP", "'X'"), ("MAPSET", "WS-M"), ...]."""
    return [(m.group("opt").upper(), m.group("val")) for m in _CICS_OPTION.finditer(text)]


def analyse(kind: str, text: str, owner: str, line: int, path: str = "", code_prefix: str = "COBOL") -> ExecFacts:
    """Facts of one ``EXEC <kind> <text>`` block written on ``line`` by component ``owner``.

    ``kind`` is the word after EXEC (``SQL``, ``SQLIMS``, ``CICS``, ``DLI``; others state nothing);
    ``text`` the block between the kind and the block's end, whitespace collapsed. A block that
    cannot be analysed yields the references read so far and a ``<code_prefix>-EXEC-UNREADABLE``
    warning. Never raises.
    """
    out = _Block(owner, line)
    try:
        if kind == "CICS":
            out.cics(text)
        elif kind in ("SQL", "SQLIMS"):
            out.sql(text)
        elif kind == "DLI":
            out.dli(text)
    except Exception as exc:  # one odd block must not lose the file's other facts
        out.diagnostics.append(Diagnostic(path, WARNING, f"{code_prefix}-EXEC-UNREADABLE",
                                          f"EXEC {kind} block could not be analysed: {exc}", line))
    return ExecFacts(tuple(out.references), tuple(out.definitions), tuple(out.diagnostics))


class _Block:
    def __init__(self, owner: str, line: int) -> None:
        self.owner = owner
        self.line = line
        self.references: list[Reference] = []
        self.definitions: list[Definition] = []
        self.diagnostics: list[Diagnostic] = []

    def cics(self, text: str) -> None:
        options = cics_options(text)
        if not options:
            return
        verb = options[0][0]
        opts = {k: v for k, v in options[1:]}

        def target(value: str | None, kind: str, target_kind: str) -> None:
            if not value:
                return
            asm = _ASM_LITERAL.match(value.strip())
            if value[0] in "'\"" or asm:
                name = (asm.group("val").replace("''", "'") if asm else unquote(value)).strip().upper()
                if name:
                    self.references.append(Reference(self.owner, kind, target_kind, name, self.line, "literal",
                                                     detail=f"EXEC CICS {verb}"))
            else:
                ident = re.sub(r"\s*\(.*", "", value).strip().upper()
                if ident:
                    self.references.append(Reference(self.owner, kind, target_kind, ident, self.line, "identifier",
                                                     dynamic=True, subscripted="(" in value,
                                                     detail=f"EXEC CICS {verb}"))

        if verb in ("LINK", "XCTL", "LOAD"):
            target(opts.get("PROGRAM"), "xctl" if verb == "XCTL" else "links", "program")
        elif verb in ("RETURN", "START") and "TRANSID" in opts:
            target(opts.get("TRANSID"), "starts", "transaction")
        elif verb in ("SEND", "RECEIVE") and "MAP" in opts:
            mapset = opts.get("MAPSET") or opts.get("MAP")
            target(mapset, "uses-map", "mapset")
        elif verb in CICS_FILE_VERBS:
            target(opts.get("FILE") or opts.get("DATASET"), CICS_FILE_VERBS[verb], "file")
        elif verb == "SCHEDULE" and "PSB" in opts:
            target(opts.get("PSB"), "ims", "psb")

    def sql(self, text: str) -> None:
        include = re.match(rf"INCLUDE\s+({_NAME})", text, re.IGNORECASE)
        if include:
            self.references.append(Reference(self.owner, "includes", "copybook", include.group(1).upper(), self.line,
                                             "sql-include"))
            return
        declare = re.match(rf"DECLARE\s+({_NAME}(?:\.{_NAME})?)\s+TABLE\b", text, re.IGNORECASE)
        if declare:
            # Named as the DDL names it (schema dropped, kept in the detail), so the two meet at one node.
            declared = declare.group(1).upper()
            name = table_target(declared) or declared
            schema = declared.rsplit(".", 1)[0] if "." in declared else ""
            self.definitions.append(Definition(kind="table", name=name, line=self.line,
                                               detail=f"dclgen,schema={schema}" if schema else "dclgen"))
            return
        verb = (text.split(None, 1) or [""])[0].upper()
        for access, table in dml_tables(text):
            target = table_target(table.upper())
            if target is None:
                continue  # not a table: a temporary table, a host-variable table, DUAL
            detail = f"EXEC SQL {verb}" + (f"; as {table.upper()}" if target != table.upper() else "")
            self.references.append(Reference(self.owner, access, "table", target, self.line, "exec-sql",
                                             detail=detail))

    def dli(self, text: str) -> None:
        options = cics_options(text)
        if not options:
            return
        verb = options[0][0]
        for opt, value in options[1:]:
            if value is None or opt not in ("PSB", "SEGMENT"):
                continue
            # PSB(name) and SEGMENT(name) give the name itself (IMS writes it bare); PSB((area)) and
            # SEGMENT((area)) name a data area that holds it at run time.
            value = value.strip()
            dynamic = value.startswith("(")
            name = value.strip("() ").upper() if dynamic else unquote(value).strip().upper()
            if not name:
                continue
            via = "identifier" if dynamic else "literal"
            if opt == "PSB":
                self.references.append(Reference(self.owner, "ims", "psb", name, self.line, via, dynamic=dynamic,
                                                 detail=f"EXEC DLI {verb}"))
            elif verb in DLI_VERBS:
                self.references.append(Reference(self.owner, "ims", "segment", name, self.line, via, dynamic=dynamic,
                                                 detail=f"EXEC DLI {verb}"))
