"""Discovery: ignore rules, language detection by name/extension/content, encodings, unusable files."""

from __future__ import annotations

from pathlib import Path

from scanning import fixed, scan_dict

from legacy_lens.discover import discover, looks_like_copybook
from legacy_lens.encoding import BinaryFile, decode
from legacy_lens.settings import Settings

PROGRAM = fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. SNIFFED.", "PROCEDURE DIVISION.", "    GOBACK.")
COPYBOOK = fixed("01  CUST-REC.", "    05 CUST-ID   PIC X(10).", "    05 CUST-NAME PIC X(30).",
                 "    05 CUST-BAL  PIC S9(7)V99 COMP-3.")
JOB = "//PAYJOB   JOB (ACCT),'PAY',CLASS=A\n//STEP1    EXEC PGM=PAYPGM\n"
BMS = "MAPS1    DFHMSD TYPE=MAP,MODE=INOUT,LANG=COBOL\nMAP1     DFHMDI SIZE=(24,80)\n         DFHMSD TYPE=FINAL\n"


def _languages(root: Path, **settings: object) -> dict[str, tuple[str, str]]:
    found = discover([root], Settings(**settings))  # type: ignore[arg-type]
    return {c.path: (c.language, c.detected_by) for c in found.candidates}


def test_extensionless_members_are_sniffed(export) -> None:  # type: ignore[no-untyped-def]
    root = export({"PAYPGM": PROGRAM, "CUSTREC": COPYBOOK, "PAYJOB": JOB, "MAPS1": BMS,
                   "NOTES": "meeting notes about the payroll system\n"})
    assert _languages(root) == {
        "PAYPGM": ("cobol", "content"),
        "CUSTREC": ("cobol", "content"),
        "PAYJOB": ("jcl", "content"),
        "MAPS1": ("bms", "content"),
    }


def test_extensions_are_matched_in_either_case(export) -> None:  # type: ignore[no-untyped-def]
    root = export({"a.CBL": PROGRAM, "b.cpy": COPYBOOK, "c.CPY": COPYBOOK, "d.JCL": JOB, "e.prc": JOB,
                   "f.bms": BMS, "g.Cob": PROGRAM})
    assert {p: lang for p, (lang, _how) in _languages(root).items()} == {
        "a.CBL": "cobol", "b.cpy": "cobol", "c.CPY": "cobol", "d.JCL": "jcl", "e.prc": "jcl", "f.bms": "bms",
        "g.Cob": "cobol",
    }


def test_gitignore_and_excludes(export) -> None:  # type: ignore[no-untyped-def]
    root = export({
        ".gitignore": "build/\n*.bak\n",
        "src/.gitignore": "generated/\n",
        "src/A.cbl": PROGRAM,
        "src/A.cbl.bak": PROGRAM,
        "src/generated/G.cbl": PROGRAM,
        "build/B.cbl": PROGRAM,
        "legacy/L.cbl": PROGRAM,
        "test/T.cbl": PROGRAM,
    })
    assert sorted(_languages(root, excludes=("test/",))) == ["legacy/L.cbl", "src/A.cbl"]


def test_copybook_sniffing_needs_data_items() -> None:
    assert looks_like_copybook(COPYBOOK)
    assert not looks_like_copybook("01 JANUARY MEETING\n02 FEBRUARY REVIEW\n")


def test_encodings() -> None:
    text = PROGRAM
    assert decode(text.encode("utf-8")).encoding == "utf-8"
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")).encoding == "utf-8-sig"
    assert decode(("* caf\u00e9 \u00a3\n" + text).encode("cp1252")).encoding == "cp1252"
    ebcdic = decode(text.encode("cp037"))
    assert ebcdic.encoding == "cp037" and "PROGRAM-ID. SNIFFED." in ebcdic.text
    utf16 = decode(text.encode("utf-16"))
    assert utf16.encoding == "utf-16" and utf16.text == text


def test_ebcdic_records_without_line_breaks_are_split() -> None:
    records = "".join(line.ljust(80) for line in PROGRAM.splitlines())
    decoded = decode(records.encode("cp037"))
    assert decoded.encoding == "cp037"
    assert decoded.text.splitlines()[1].rstrip() == "000200 PROGRAM-ID. SNIFFED."


def test_binary_is_refused() -> None:
    try:
        decode(bytes(range(256)) * 4)
    except BinaryFile:
        return
    raise AssertionError("binary content was decoded as text")


def test_binary_and_oversized_files_are_recorded_not_lost(export) -> None:  # type: ignore[no-untyped-def]
    root = export({
        "GOOD.cbl": PROGRAM,
        "BLOB.cbl": bytes(range(256)) * 4,
        "HUGE.cbl": PROGRAM + "*" * 5000,
        "EBC.cbl": fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. EBC.", "PROCEDURE DIVISION.",
                         "    CALL 'GOOD'.").encode("cp037"),
    })
    scan = scan_dict(root, max_file_bytes=2000)
    files = {f["path"]: f for f in scan["files"]}
    assert files["BLOB.cbl"]["parse"]["status"] == "skipped"
    assert files["HUGE.cbl"]["parse"]["status"] == "skipped"
    assert files["EBC.cbl"]["encoding"] == "cp037"
    codes = {(d["path"], d["code"]) for d in scan["diagnostics"]}
    assert ("BLOB.cbl", "BINARY-FILE") in codes
    assert ("HUGE.cbl", "FILE-TOO-LARGE") in codes
    calls = {(e["source"], e["target"]) for e in scan["edges"] if e["kind"] == "calls"}
    assert ("program:EBC", "program:GOOD") in calls
