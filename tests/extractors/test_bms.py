"""BMS extractor: map sets, maps and field counts."""

from __future__ import annotations

from pathlib import Path

from legacy_lens.extractors import bms
from legacy_lens.languages import language_by_name
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bms"
SPEC = language_by_name("bms")


def run(name: str) -> Extraction:
    return bms.extract((FIXTURES / name).read_text(encoding="utf-8"), f"maps/{name}", SPEC)


def defs(x: Extraction) -> set[tuple[str, str, int, int | None, str | None, str]]:
    return {(d.kind, d.name, d.line, d.end_line, d.parent, d.detail) for d in x.definitions}


def test_mapset_with_continuations_and_sequence_numbers() -> None:
    x = run("custset.bms")
    assert defs(x) == {
        ("mapset", "CUSTSET", 4, 18, None, "mode=INOUT,lang=COBOL"),
        ("map", "CUSTMAP", 6, 15, "mapset:CUSTSET", "fields=4"),
        ("map", "CUSTLST", 16, 17, "mapset:CUSTSET", "fields=1"),  # lower-case label upper-cased
    }
    assert x.references == () and x.diagnostics == ()
    assert (x.lines.code, x.lines.comment, x.lines.blank) == (14, 4, 1)
    assert x.metrics[0][0] == "mapset:CUSTSET" and x.metrics[0][1].code_lines == 14
    assert x.parse.parser == "line:bms"


def test_string_broken_at_column_71_keeps_its_blanks() -> None:
    stmts = bms._statements((FIXTURES / "custset.bms").read_text().splitlines())
    custnm = next(s for s in stmts if s.label == "CUSTNM")
    assert custnm.operands.endswith("INITIAL='A LONG INITIAL VALUE    THAT CONTINUES, WITH COMMAS'")
    custid = next(s for s in stmts if s.label == "CUSTID")
    assert custid.operands == "POS=(3,1),LENGTH=8,ATTRB=(UNPROT,IC),PICIN='X(8)'"  # remark dropped


def test_unlabelled_mapset_and_malformed_members() -> None:
    x = run("ERRSET")
    assert defs(x) == {
        ("mapset", "ERRSET", 2, 6, None, "mode=OUT,lang=COBOL"),
        ("map", "ERRMAP", 4, 6, "mapset:ERRSET", "fields=1"),
    }
    assert {(d.severity, d.code, d.line) for d in x.diagnostics} == {
        ("warning", "BMS-FIELD-OUTSIDE-MAP", 3),
        ("warning", "BMS-MAP-NAME", 5),
        ("info", "BMS-NO-FINAL", 2),
    }


def test_no_dfhmsd_and_garbage() -> None:
    x = bms.extract("", "maps/empty.bms", SPEC)
    assert defs(x) == {("mapset", "EMPTY", 1, None, None, "")}
    assert [d.code for d in x.diagnostics] == ["BMS-NO-MAPSET"]
    for text in ["X" * 200, "A DFHMDI", "         DFHMDF INITIAL='open" + " " * 60 + "X", "\x00\n\t"]:
        bms.extract(text, "maps/bad.bms", SPEC)  # must not raise
    assert any(p.search("SET1     DFHMSD TYPE=MAP") for p in SPEC.sniff)
