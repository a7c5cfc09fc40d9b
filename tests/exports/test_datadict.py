"""Record layouts (legacy_lens.datadict): offsets and lengths checked against hand-computed IBM layouts."""

from __future__ import annotations

from typing import Any

from legacy_lens.datadict import layout_records, picture_info
from legacy_lens.extractors.cobol import extract
from legacy_lens.languages import language_by_name
from legacy_lens.model import DataItem, Diagnostic


def _copybook(*lines: str) -> str:
    return "".join(f"       {line}\n" for line in lines)


def _layout(text: str) -> tuple[dict[str, dict[str, Any]], list[Diagnostic]]:
    ex = extract(text, "TEST.cpy", language_by_name("cobol"))
    items: list[DataItem] = [item for _owner, owned in ex.data_items for item in owned]
    records, diagnostics = layout_records(items, "TEST", "TEST.cpy")
    return {r["name"]: r for r in records}, diagnostics


def _fields(record: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {f["name"]: (f["offset"], f["length"]) for f in record["fields"] if f["name"] != "FILLER"}


MIXED = _copybook(
    "01  MIXED-REC.",
    "    05  M-CODE          PIC X(3).",
    "    05  M-HALF          PIC S9(4) COMP SYNC.",
    "    05  M-FLAG          PIC X.",
    "    05  M-FULL          PIC S9(9) BINARY SYNC.",
    "    05  M-DOUBLE        PIC S9(18) COMP-4 SYNC.",
    "    05  M-AMOUNT        PIC S9(5)V99 COMP-3.",
    "    05  M-QTY           PIC S9(3) SIGN LEADING SEPARATE.",
    "    05  M-RATE          COMP-2 SYNC.",
    "    05  M-C4            PIC 9(4) COMP.",
    "    05  M-C9            PIC S9(9) COMP.",
    "    05  M-C18           PIC S9(18) COMP.",
    "    05  M-C5            PIC S9(5) COMP-5.",
    "    05  M-PACKED-EVEN   PIC S9(6) PACKED-DECIMAL.",
    "    05  M-TABLE OCCURS 3 TIMES.",
    "        10  M-ENTRY-CODE  PIC X(2).",
    "        10  M-ENTRY-AMT   PIC S9(7) COMP-3.",
    "    05  M-TABLE-R REDEFINES M-TABLE.",
    "        10  M-ALL           PIC X(18).",
    "    05  M-FLOAT         COMP-1.",
    "    05  M-PTR           POINTER.",
    "    05  M-END           PIC X.",
)


def test_hand_computed_layout() -> None:
    records, diagnostics = _layout(MIXED)
    assert diagnostics == []
    record = records["MIXED-REC"]
    assert _fields(record) == {
        "M-CODE": (0, 3),
        "M-HALF": (4, 2),  # halfword: 1 slack byte after the 3-byte code
        "M-FLAG": (6, 1),
        "M-FULL": (8, 4),  # fullword: 1 slack byte
        "M-DOUBLE": (12, 8),  # 8-byte binary is fullword-aligned: 12 needs no slack
        "M-AMOUNT": (20, 4),  # 7 digits packed: 7 // 2 + 1
        "M-QTY": (24, 4),  # 3 digits + the separate sign
        "M-RATE": (32, 8),  # COMP-2 on a doubleword: 4 slack bytes after 28
        "M-C4": (40, 2),  # COMP of 4 digits, no SYNC: no slack
        "M-C9": (42, 4),  # COMP of 9 digits
        "M-C18": (46, 8),  # COMP of 18 digits
        "M-C5": (54, 4),
        "M-PACKED-EVEN": (58, 4),  # 6 digits packed: 6 // 2 + 1 (a half byte unused)
        "M-TABLE": (62, 6),  # one occurrence: 2 + 4
        "M-ENTRY-CODE": (62, 2),
        "M-ENTRY-AMT": (64, 4),
        "M-TABLE-R": (62, 18),  # REDEFINES the whole 3 x 6 table
        "M-ALL": (62, 18),
        "M-FLOAT": (80, 4),
        "M-PTR": (84, 4),
        "M-END": (88, 1),
    }
    assert record["length"] == 89
    by_name = {f["name"]: f for f in record["fields"]}
    assert [by_name[n]["slack_before"] for n in ("M-HALF", "M-FULL", "M-DOUBLE", "M-RATE")] == [1, 1, 0, 4]
    assert by_name["M-QTY"]["sign_separate"] and by_name["M-QTY"]["type"] == "zoned-decimal"
    assert by_name["M-HALF"]["sync"] and not by_name["M-C4"]["sync"]
    assert (by_name["M-AMOUNT"]["digits"], by_name["M-AMOUNT"]["scale"], by_name["M-AMOUNT"]["signed"]) == (7, 2, True)
    assert by_name["M-C4"]["signed"] is False
    assert [by_name[n]["type"] for n in ("M-C9", "M-C5", "M-RATE", "M-FLOAT", "M-PTR", "M-TABLE")] == [
        "binary", "native-binary", "float", "float", "pointer", "group"]
    assert by_name["M-TABLE"]["occurs"] == 3 and by_name["M-TABLE-R"]["redefines"] == "M-TABLE"
    assert not record["uncertain"] and not record["variable"]


def test_sync_inside_occurs_pads_each_occurrence() -> None:
    records, diagnostics = _layout(_copybook(
        "01  SYNC-TABLE.",
        "    05  S-LEN           PIC X.",
        "    05  S-ENTRY OCCURS 2 TIMES.",
        "        10  S-KEY       PIC X.",
        "        10  S-NUM       PIC S9(9) COMP SYNC.",
        "    05  S-AFTER         PIC X.",
    ))
    assert diagnostics == []
    # S-NUM at 4 (2 slack bytes after S-KEY at 1); the entry 1..8 is 7 bytes, padded to 8 so that the second
    # occurrence's S-NUM (at 1 + 8 + 3 = 12) is on a fullword too.
    assert _fields(records["SYNC-TABLE"]) == {"S-LEN": (0, 1), "S-ENTRY": (1, 8), "S-KEY": (1, 1),
                                              "S-NUM": (4, 4), "S-AFTER": (17, 1)}
    assert records["SYNC-TABLE"]["length"] == 18


def test_sync_on_01_group_applies_to_every_binary_item() -> None:
    records, _ = _layout(_copybook(
        "01  ALL-SYNC SYNC.",
        "    05  A-X   PIC X.",
        "    05  A-B   PIC 9(4) COMP.",
        "    05  A-D   PIC X(3) SYNC.",
    ))
    assert _fields(records["ALL-SYNC"]) == {"A-X": (0, 1), "A-B": (2, 2), "A-D": (4, 3)}  # SYNC on X: no effect


def test_sign_separate_on_group_and_trailing_and_unsigned() -> None:
    records, _ = _layout(_copybook(
        "01  SIGNS.",
        "    05  G SIGN IS TRAILING SEPARATE CHARACTER.",
        "        10  G-A   PIC S9(4).",
        "        10  G-B   PIC 9(4).",
        "    05  T-C   PIC S9(2)V9 TRAILING SEPARATE.",
        "    05  T-D   PIC S9(2)V9.",
    ))
    assert _fields(records["SIGNS"]) == {"G": (0, 9), "G-A": (0, 5), "G-B": (5, 4), "T-C": (9, 4), "T-D": (13, 3)}


def test_odo_last_is_variable_and_certain() -> None:
    records, diagnostics = _layout(_copybook(
        "01  ODO-OK.",
        "    05  O-COUNT   PIC 9(2).",
        "    05  O-ITEMS OCCURS 1 TO 10 TIMES DEPENDING ON O-COUNT.",
        "        10  O-ITEM  PIC X(3).",
    ))
    assert diagnostics == []
    record = records["ODO-OK"]
    assert record["length"] == 32 and record["variable"] and not record["uncertain"]
    items = next(f for f in record["fields"] if f["name"] == "O-ITEMS")
    assert (items["occurs"], items["occurs_min"], items["depending_on"]) == (10, 1, "O-COUNT")


def test_odo_in_the_middle_is_diagnosed_and_later_fields_uncertain() -> None:
    records, diagnostics = _layout(_copybook(
        "01  ODO-MID.",
        "    05  O-COUNT   PIC 9(2).",
        "    05  O-ITEMS OCCURS 1 TO 10 TIMES DEPENDING ON O-COUNT.",
        "        10  O-ITEM  PIC X(3).",
        "    05  O-TAIL    PIC X(2).",
    ))
    assert [(d.code, d.line) for d in diagnostics] == [("LAYOUT-ODO-NOT-LAST", 3)]
    assert "O-ITEMS" in diagnostics[0].message and "O-TAIL" in diagnostics[0].message
    uncertain = {f["name"]: f["uncertain"] for f in records["ODO-MID"]["fields"]}
    assert uncertain == {"O-COUNT": False, "O-ITEMS": False, "O-ITEM": False, "O-TAIL": True}
    assert records["ODO-MID"]["uncertain"]


def test_redefines_larger_than_target() -> None:
    records, diagnostics = _layout(_copybook(
        "01  BAD-REDEF.",
        "    05  B-ONE     PIC X(4).",
        "    05  B-ONE-R   REDEFINES B-ONE PIC X(6).",
        "    05  B-TWO     PIC X(2).",
    ))
    assert [(d.code, d.line) for d in diagnostics] == [("LAYOUT-REDEFINES-LARGER", 3)]
    assert "B-ONE-R" in diagnostics[0].message and "B-ONE" in diagnostics[0].message
    fields = {f["name"]: f for f in records["BAD-REDEF"]["fields"]}
    assert (fields["B-ONE-R"]["offset"], fields["B-ONE-R"]["length"]) == (0, 6)
    assert [fields[n]["uncertain"] for n in ("B-ONE", "B-ONE-R", "B-TWO")] == [False, True, True]


def test_unknown_usage_has_no_type_and_taints_what_follows() -> None:
    records, diagnostics = _layout(_copybook(
        "01  BAD-USAGE.",
        "    05  U-A   PIC X(2).",
        "    05  U-B   PIC 9(4) USAGE IS COMP-6.",
        "    05  U-C   PIC X.",
        "01  OTHER-REC.",
        "    05  U-D   PIC X(2).",
    ))
    assert [(d.code, d.line) for d in diagnostics] == [("LAYOUT-UNKNOWN-USAGE", 3)]
    assert "U-B" in diagnostics[0].message and "COMP-6" in diagnostics[0].message
    fields = {f["name"]: f for f in records["BAD-USAGE"]["fields"]}
    assert fields["U-B"]["type"] == "" and fields["U-B"]["usage"] == "COMP-6" and fields["U-B"]["uncertain"]
    assert not fields["U-A"]["uncertain"] and fields["U-C"]["uncertain"]
    assert not records["OTHER-REC"]["uncertain"]  # one record's problem does not spread to the next


def test_88_levels_and_filler_and_fragments() -> None:
    records, _ = _layout(_copybook(
        "01  FLAGS.",
        "    05  F-STATUS  PIC X.",
        "        88  F-OPEN     VALUE 'O'.",
        "        88  F-SHUT     VALUES 'C' 'X'.",
        "    05  F-RANGE   PIC 9.",
        "        88  F-LOW      VALUE 1 THRU 3.",
        "    05  FILLER    PIC X(5).",
    ))
    fields = {f["name"]: f for f in records["FLAGS"]["fields"]}
    assert fields["F-STATUS"]["conditions"] == [{"name": "F-OPEN", "values": ["O"], "thru": False},
                                                {"name": "F-SHUT", "values": ["C", "X"], "thru": False}]
    assert fields["F-RANGE"]["conditions"] == [{"name": "F-LOW", "values": ["1", "3"], "thru": True}]
    assert (fields["FILLER"]["offset"], fields["FILLER"]["length"]) == (2, 5)
    assert records["FLAGS"]["length"] == 7
    fragment, _ = _layout(_copybook("05  NO-RECORD PIC X."))
    assert fragment == {}


def test_picture_info() -> None:
    assert picture_info("S9(7)V99") == picture_info("S9999999V99")
    assert (picture_info("S9(7)V99").digits, picture_info("S9(7)V99").scale) == (9, 2)
    assert picture_info("999PP").scale == -2
    assert picture_info("PP99").scale == 4
    assert picture_info("X(10)").category == "alphanumeric"
    assert picture_info("A(3)").category == "alphabetic"
    assert picture_info("ZZ,ZZ9.99-").category == "numeric-edited"
    assert picture_info("XX/XX").category == "alphanumeric-edited"
