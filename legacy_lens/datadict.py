"""Record layouts: byte offsets and lengths of COBOL records, as IBM Enterprise COBOL lays them out.

Pure functions over :class:`~legacy_lens.model.DataItem` lists. :func:`layout_records`
turns the items of one copybook (COPYs already spliced in) into JSON-shaped records
(the ``records`` list of ``scan.json``) plus diagnostics.

Sizes of an elementary item (one occurrence):

- DISPLAY: one byte per PICTURE position (``S``, ``V`` and ``P`` take none; ``CR``/``DB`` two);
  ``SIGN ... SEPARATE`` adds one byte for the sign. NATIONAL and DISPLAY-1: two bytes per position.
- COMP, COMP-4, BINARY and COMP-5: 2 bytes for 1-4 digits, 4 for 5-9, 8 for 10-18.
- COMP-3 / PACKED-DECIMAL: digits // 2 + 1.
- COMP-1: 4, COMP-2: 8, POINTER and INDEX: 4 (31-bit addressing).

SYNCHRONIZED (on the item, or on an 01 group, which applies to every elementary item in it)
aligns binary items relative to the start of the 01 record, which the compiler places on a
doubleword boundary: 2-byte binary on a halfword (2), 4- and 8-byte binary, COMP-1, POINTER and
INDEX on a fullword (4), COMP-2 on a doubleword (8); SYNC on other USAGEs has no effect. The
slack bytes inserted before an item count in the length of the group that contains it; a group
starts where its first elementary item starts. An OCCURS group that contains synchronized items
has each occurrence padded to a multiple of its largest alignment, so that every occurrence is
aligned as the first one (IBM's slack bytes between occurrences).

OCCURS takes its maximum; an OCCURS DEPENDING ON is flagged (``depending_on``) and must be the
last thing in its record: fields after it get the diagnostic ``LAYOUT-ODO-NOT-LAST`` and are
marked uncertain. A REDEFINES starts where its target starts; one larger than its target is
``LAYOUT-REDEFINES-LARGER``. An item whose USAGE is not one of the above is
``LAYOUT-UNKNOWN-USAGE``: its size, and every offset after it, are uncertain, and it has no type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from legacy_lens.cobol_data import display_length, expand_picture
from legacy_lens.model import WARNING, DataItem, Diagnostic

_BINARY = ("COMP", "COMP-4", "COMP-5", "BINARY")
_PACKED = ("COMP-3", "PACKED-DECIMAL")
_DISPLAY = ("", "DISPLAY")
_NATIONAL = ("NATIONAL", "DISPLAY-1")


@dataclass(slots=True)
class _Node:
    item: DataItem
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    conditions: list[DataItem] = field(default_factory=list)
    offset: int = 0
    size: int = 0  # one occurrence, slack bytes included
    slack: int = 0  # slack bytes inserted before this item (SYNC)
    sync: bool = False
    sign_separate: bool = False
    uncertain: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PictureInfo:
    """What a PICTURE says about the values an item holds."""

    category: str  # numeric, numeric-edited, alphanumeric, alphabetic, national, alphanumeric-edited
    digits: int
    scale: int  # digits after the decimal point; negative when trailing P scale the value up
    signed: bool


def picture_info(picture: str) -> PictureInfo:
    pic = expand_picture(picture)
    digits = pic.count("9")
    signed = pic.startswith("S")
    body = pic.lstrip("S")
    if body and set(body) <= set("9VP"):
        scale = 0
        if "V" in body:
            scale = len(body.split("V", 1)[1])
        elif body.startswith("P"):
            scale = len(body)  # PPP999: all positions are to the right of the point
        elif body.endswith("P"):
            scale = -(len(body) - len(body.rstrip("P")))
        return PictureInfo("numeric", digits, scale, signed)
    if body and set(body) <= set("AB"):
        return PictureInfo("alphabetic", 0, 0, False)
    if body and set(body) <= set("N"):
        return PictureInfo("national", 0, 0, False)
    if body and set(body) <= set("X"):
        return PictureInfo("alphanumeric", 0, 0, False)
    if re.search(r"[X]", body) or re.search(r"A", body):
        return PictureInfo("alphanumeric-edited", 0, 0, False)
    after_point = body.split(".", 1)[1] if "." in body else body.split("V", 1)[1] if "V" in body else ""
    scale = sum(1 for ch in after_point if ch in "9Z*")
    return PictureInfo("numeric-edited", sum(1 for ch in body if ch in "9Z*") + max(0, body.count("+") - 1)
                       + max(0, body.count("-") - 1) + max(0, body.count("$") - 1), scale, False)


def _elementary(node: _Node) -> tuple[int | None, int, str]:
    """(size or None when unknown, SYNC alignment, type) of an elementary item."""
    item = node.item
    usage = item.usage.upper()
    info = picture_info(item.picture) if item.picture else None
    if usage in _BINARY:
        digits = info.digits if info else 0
        size = 2 if digits <= 4 else 4 if digits <= 9 else 8
        return size, 2 if size == 2 else 4, "binary" if usage != "COMP-5" else "native-binary"
    if usage in _PACKED:
        return (info.digits if info else 0) // 2 + 1, 1, "packed-decimal"
    if usage == "COMP-1":
        return 4, 4, "float"
    if usage == "COMP-2":
        return 8, 8, "float"
    if usage in ("POINTER", "INDEX"):
        return 4, 4, usage.lower()
    if usage in _NATIONAL:
        return 2 * display_length(item.picture), 1, "national"
    if usage in _DISPLAY and item.picture:
        assert info is not None
        size = display_length(item.picture)
        if info.category == "numeric":
            return size + (1 if node.sign_separate and info.signed else 0), 1, "zoned-decimal"
        return size, 1, info.category
    return None, 1, ""


def _tree(items: list[DataItem]) -> list[_Node]:
    roots: list[_Node] = []
    stack: list[_Node] = []
    last: _Node | None = None
    for item in items:
        if item.level == 88:
            if last is not None:
                last.conditions.append(item)
            continue
        if item.level in (0, 66):
            continue
        node = _Node(item)
        last = node
        if item.level in (1, 77):
            stack = [node]
            roots.append(node)
            continue
        while stack and stack[-1].item.level >= item.level:
            stack.pop()
        if not stack:
            last = None  # a fragment without its 01: not a record
            continue
        node.parent = stack[-1]
        stack[-1].children.append(node)
        stack.append(node)
    return roots


class _Layout:
    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.tainted = ""  # why every offset from here on is uncertain
        self.odo: _Node | None = None  # the OCCURS DEPENDING ON item, once laid out
        self.after_odo: _Node | None = None  # the first item laid out after it

    def warn(self, node: _Node, code: str, message: str) -> None:
        node.uncertain.append(message)
        self.diagnostics.append(Diagnostic(self.path, WARNING, code, message, node.item.line))

    def inherit(self, node: _Node) -> None:
        parent = node.parent
        node.sync = node.item.sync or bool(parent and parent.sync)
        node.sign_separate = node.item.sign_separate or bool(parent and parent.sign_separate)
        for child in node.children:
            self.inherit(child)

    def lead_alignment(self, node: _Node) -> int:
        if not node.children:
            return _elementary(node)[1] if node.sync else 1
        first = next((c for c in node.children if not c.item.redefines), None)
        return self.lead_alignment(first) if first else 1

    def max_alignment(self, node: _Node) -> int:
        if not node.children:
            return _elementary(node)[1] if node.sync else 1
        return max(self.max_alignment(c) for c in node.children)

    def place(self, node: _Node, cursor: int) -> None:
        """Lay ``node`` (and its subtree) out at the first suitable offset from ``cursor``."""
        if self.tainted:
            node.uncertain.append(self.tainted)
            if self.odo is not None and self.after_odo is None:
                self.after_odo = node
        align = self.lead_alignment(node)
        node.offset = -(-cursor // align) * align
        node.slack = node.offset - cursor
        if not node.children:
            size = _elementary(node)[0]
            if size is None:
                what = f"USAGE {node.item.usage}" if node.item.usage else "no PICTURE"
                self.warn(node, "LAYOUT-UNKNOWN-USAGE", f"{node.item.name}: the size of an item with {what} is not "
                          "known; its length and every offset after it are uncertain")
                self.tainted = f"follows {node.item.name}, whose size is not known"
                size = 0
            node.size = size
            return
        inner = node.offset
        for child in node.children:
            if child.item.redefines:
                base = next((c for c in node.children if c.item.name == child.item.redefines and c is not child), None)
                if base is None:
                    self.place(child, inner)
                    self.warn(child, "LAYOUT-REDEFINES-UNKNOWN",
                              f"{child.item.name} redefines {child.item.redefines}, which is not a sibling; "
                              "its offset is uncertain")
                    continue
                self.place(child, base.offset)
                base_total = base.size * max(1, base.item.occurs)
                total = child.size * max(1, child.item.occurs)
                if total > base_total:
                    self.warn(child, "LAYOUT-REDEFINES-LARGER",
                              f"{child.item.name} ({total} bytes) redefines {base.item.name}, which is only "
                              f"{base_total} bytes; the layout after it is uncertain")
                    self.tainted = self.tainted or f"follows {child.item.name}, a REDEFINES larger than its target"
                continue
            self.place(child, inner)
            if child.item.occurs and self.max_alignment(child) > 1 and child.children:
                step = self.max_alignment(child)
                child.size = -(-child.size // step) * step
            inner = child.offset + child.size * max(1, child.item.occurs)
            if child.item.depending_on and not self.tainted:
                self.tainted = f"follows {child.item.name}, an OCCURS DEPENDING ON {child.item.depending_on}"
                self.odo = child
        node.size = inner - node.offset


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None


def _field(node: _Node, level_offset: int) -> dict[str, Any]:
    item = node.item
    size, _, kind = _elementary(node) if not node.children else (node.size, 1, "group")
    info = picture_info(item.picture) if item.picture else None
    numeric = info is not None and info.category in ("numeric", "numeric-edited") and kind != "float"
    return {
        "name": item.name,
        "level": item.level,
        "line": item.line,
        "offset": node.offset - level_offset,
        "length": node.size,
        "slack_before": node.slack,
        "picture": item.picture,
        "usage": item.usage or ("DISPLAY" if item.picture else ""),
        "type": kind if size is not None else "",
        "digits": info.digits if numeric and info else None,
        "scale": info.scale if numeric and info else None,
        "signed": bool(info and info.signed),
        "sign_separate": node.sign_separate and bool(info and info.signed) and kind == "zoned-decimal",
        "sync": node.sync and not node.children,
        "occurs": item.occurs,
        "occurs_min": item.occurs_min if item.depending_on else item.occurs,
        "depending_on": item.depending_on,
        "redefines": item.redefines,
        "values": list(item.values),
        "conditions": [{"name": c.name, "values": list(c.values), "thru": c.thru} for c in node.conditions],
        "uncertain": bool(node.uncertain),
        "notes": list(node.uncertain),
    }


def layout_records(items: list[DataItem], copybook: str, path: str) -> tuple[list[dict[str, Any]], list[Diagnostic]]:
    """The 01-level records among ``items`` (one copybook's, COPYs spliced in) with every field laid out."""
    records: list[dict[str, Any]] = []
    diagnostics: list[Diagnostic] = []
    for root in _tree(items):
        if root.item.level != 1 or not root.children:
            continue
        layout = _Layout(path)
        layout.inherit(root)
        layout.place(root, 0)
        fields: list[dict[str, Any]] = []
        stack = list(reversed(root.children))
        while stack:
            node = stack.pop()
            fields.append(_field(node, root.offset))
            stack.extend(reversed(node.children))
        if layout.odo is not None and layout.after_odo is not None:
            odo, after = layout.odo, layout.after_odo
            diagnostics.append(Diagnostic(
                path, WARNING, "LAYOUT-ODO-NOT-LAST",
                f"{odo.item.name} OCCURS DEPENDING ON {odo.item.depending_on} is followed by {after.item.name}: "
                "the offsets of the fields after it vary at run time and are uncertain", odo.item.line))
        diagnostics.extend(layout.diagnostics)
        records.append({
            "id": f"record:{root.item.name}",
            "name": root.item.name,
            "copybook": copybook,
            "file": path,
            "line": root.item.line,
            "length": root.size,
            "variable": any(f["depending_on"] for f in fields),
            "uncertain": any(f["uncertain"] for f in fields),
            "fields": fields,
        })
    return records, diagnostics
