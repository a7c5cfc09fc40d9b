"""BMS extractor: CICS map sets written as HLASM macros (DFHMSD, DFHMDI, DFHMDF).

Assembler format: label in column 1, operation, operands ending at the first
blank outside quotes; a non-blank column 72 continues the statement in column
16 of the next line; ``*`` (and ``.*``) in column 1 starts a comment line.
"""

from __future__ import annotations

from dataclasses import dataclass

from legacy_lens.extractors.common import component_id, count_lines, member_name
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import (
    INFO,
    WARNING,
    Definition,
    Diagnostic,
    Extraction,
    Metrics,
    ParseQuality,
)


@dataclass(frozen=True, slots=True)
class _Stmt:
    label: str
    op: str
    operands: str
    line: int
    end_line: int


def _is_comment(line: str) -> bool:
    return line.startswith(("*", ".*"))


def _scan(text: str, in_quote: bool) -> tuple[str, bool]:
    """Operand text up to the first blank outside quotes, and whether a quote is open."""
    i = 0
    while i < len(text):
        c = text[i]
        if c == "'":
            in_quote = not in_quote
        elif c == " " and not in_quote:
            break
        i += 1
    return text[:i], in_quote


def _statements(lines: list[str]) -> list[_Stmt]:
    out: list[_Stmt] = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        i += 1
        if not raw[:71].strip() or _is_comment(raw):
            continue
        body = raw[:71]
        continued = len(raw) > 71 and raw[71] != " "
        label = ""
        rest = body
        if body[0] != " ":
            label, _, rest = body.partition(" ")
        op, _, rest = rest.strip().partition(" ")
        operands, in_quote = _scan(rest.lstrip(), False)
        start = i
        while continued and i < len(lines):
            nxt = lines[i]
            i += 1
            continued = len(nxt) > 71 and nxt[71] != " "
            # Continuation text starts in column 16; a string broken at column 71
            # resumes exactly there, so keep its blanks.
            piece = nxt[15:71]
            part, in_quote = _scan(piece if in_quote else piece.lstrip(), in_quote)
            operands += part
        out.append(_Stmt(label.upper(), op.upper(), operands, start, i))
    return out


def _keywords(operands: str) -> dict[str, str]:
    out: dict[str, str] = {}
    depth = 0
    in_quote = False
    buf = ""
    parts: list[str] = []
    for c in operands:
        if c == "'":
            in_quote = not in_quote
        elif not in_quote and c == "(":
            depth += 1
        elif not in_quote and c == ")":
            depth -= 1
        elif not in_quote and depth == 0 and c == ",":
            parts.append(buf)
            buf = ""
            continue
        buf += c
    parts.append(buf)
    for p in parts:
        key, eq, value = p.partition("=")
        if eq:
            out[key.strip().upper()] = value.strip()
    return out


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Extract the map set and its maps (with their field counts) from a BMS member."""
    lines = text.splitlines()
    diags: list[Diagnostic] = []
    definitions: list[Definition] = []
    mapset_id = ""
    mapset: Definition | None = None
    maps: list[tuple[Definition, int]] = []  # map definition and its field count
    ended = False
    last_line = len(lines)

    def close_map(end: int) -> None:
        if maps and maps[-1][0].end_line is None:
            d, fields = maps[-1]
            maps[-1] = (Definition(d.kind, d.name, d.line, end, d.parent, f"fields={fields}"), fields)

    for s in _statements(lines):
        if s.op == "DFHMSD":
            kw = _keywords(s.operands)
            if kw.get("TYPE", "").upper() == "FINAL":
                close_map(s.line - 1)
                if mapset is not None:
                    mapset = Definition(
                        mapset.kind, mapset.name, mapset.line, s.end_line, detail=mapset.detail
                    )
                ended = True
                continue
            if mapset is not None:
                diags.append(Diagnostic(path, WARNING, "BMS-MAPSET", "second DFHMSD ignored", s.line))
                continue
            name = s.label or member_name(path)
            mode = kw.get("MODE", "").upper()
            lang = kw.get("LANG", "").upper()
            detail = ",".join(
                x for x in (f"mode={mode}" if mode else "", f"lang={lang}" if lang else "") if x
            )
            mapset = Definition("mapset", name, s.line, None, detail=detail)
            mapset_id = component_id("mapset", name)
        elif s.op == "DFHMDI":
            if mapset is None:
                diags.append(Diagnostic(path, WARNING, "BMS-NO-MAPSET", "DFHMDI before any DFHMSD", s.line))
                mapset = Definition("mapset", member_name(path), s.line, None)
                mapset_id = component_id("mapset", mapset.name)
            if not s.label:
                diags.append(Diagnostic(path, WARNING, "BMS-MAP-NAME", "DFHMDI without a label", s.line))
                continue
            close_map(s.line - 1)
            maps.append((Definition("map", s.label, s.line, None, parent=mapset_id), 0))
        elif s.op == "DFHMDF":
            if not maps:
                diags.append(
                    Diagnostic(path, WARNING, "BMS-FIELD-OUTSIDE-MAP", "DFHMDF before any DFHMDI", s.line)
                )
                continue
            d, fields = maps[-1]
            maps[-1] = (d, fields + 1)
    close_map(last_line)
    if mapset is None:
        diags.append(Diagnostic(path, WARNING, "BMS-NO-MAPSET", "no DFHMSD statement found", None))
        mapset = Definition("mapset", member_name(path), 1, last_line or None)
        mapset_id = component_id("mapset", mapset.name)
    elif not ended:
        diags.append(Diagnostic(path, INFO, "BMS-NO-FINAL", "DFHMSD TYPE=FINAL is missing", mapset.line))
        mapset = Definition(mapset.kind, mapset.name, mapset.line, last_line, detail=mapset.detail)
    definitions.append(mapset)
    definitions.extend(d for d, _ in maps)
    lc = count_lines([ln[:72] for ln in lines], _is_comment)  # a line of only sequence numbers is blank
    return Extraction(
        definitions=tuple(definitions),
        metrics=((mapset_id, Metrics(code_lines=lc.code, comment_lines=lc.comment, blank_lines=lc.blank)),),
        diagnostics=tuple(diags),
        lines=lc,
        parse=ParseQuality(status="line-parser", parser="line:bms"),
    )
