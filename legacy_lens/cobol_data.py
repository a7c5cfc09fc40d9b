"""COBOL data layout: sizes, offsets and the byte image of VALUE clauses.

Pure functions over :class:`~legacy_lens.model.DataItem` lists. Used to
resolve dynamic CALL/XCTL targets held in menu tables (a group of FILLERs with
VALUEs, redefined as an OCCURS table) and IMS segment names held in SSAs.
Sizes follow IBM Enterprise COBOL for the USAGEs listed in ``usage_size``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from legacy_lens.model import DataItem

_PIC_REPEAT = re.compile(r"(.)\((\d+)\)")


@cache
def expand_picture(picture: str) -> str:
    """``S9(4)V99`` -> ``S9999V99``."""
    pic = picture.upper().rstrip(".")
    return _PIC_REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), pic)


def picture_digits(picture: str) -> int:
    return expand_picture(picture).count("9")


def display_length(picture: str) -> int:
    """Characters a DISPLAY item of this PICTURE occupies (S, V and P take no storage)."""
    pic = expand_picture(picture)
    # CR and DB are two characters each, and are counted as such here.
    return sum(1 for ch in pic if ch not in "SVP")


def usage_size(picture: str, usage: str) -> int:
    """Bytes an elementary item occupies."""
    u = usage.upper()
    if u in ("COMP-1",):
        return 4
    if u in ("COMP-2",):
        return 8
    if u in ("POINTER", "INDEX", "PROCEDURE-POINTER", "FUNCTION-POINTER"):
        return 4
    if u in ("COMP-3", "PACKED-DECIMAL"):
        return picture_digits(picture) // 2 + 1
    if u in ("COMP", "COMP-4", "COMP-5", "BINARY"):
        digits = picture_digits(picture)
        return 2 if digits <= 4 else 4 if digits <= 9 else 8
    if u in ("NATIONAL", "DISPLAY-1"):
        return 2 * display_length(picture)
    return display_length(picture)


@dataclass(slots=True)
class Node:
    item: DataItem
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    offset: int = 0  # from the start of its 01/77 record
    size: int = 0  # one occurrence

    @property
    def name(self) -> str:
        return self.item.name


def build_tree(items: list[DataItem]) -> list[Node]:
    """Arrange data items into records by level number (66/88 and COPY markers are skipped)."""
    roots: list[Node] = []
    stack: list[Node] = []
    for item in items:
        if item.level in (0, 66, 88):
            continue
        node = Node(item)
        if item.level in (1, 77):
            stack = [node]
            roots.append(node)
            continue
        while stack and stack[-1].item.level >= item.level:
            stack.pop()
        if stack:
            node.parent = stack[-1]
            stack[-1].children.append(node)
        else:
            roots.append(node)  # a fragment without its 01 (copybook starting at 05)
        stack.append(node)
    for root in roots:
        _layout(root, 0)
    return roots


def _layout(node: Node, offset: int) -> None:
    node.offset = offset
    if not node.children:
        node.size = usage_size(node.item.picture, node.item.usage) if node.item.picture or node.item.usage else 0
        return
    cursor = offset
    for child in node.children:
        if child.item.redefines:
            base = next((c for c in node.children if c.name == child.item.redefines), None)
            _layout(child, base.offset if base else cursor)
            continue
        _layout(child, cursor)
        cursor += child.size * max(1, child.item.occurs)
    node.size = cursor - offset


_FIGURATIVE_CHAR = {"SPACE": " ", "SPACES": " ", "ZERO": "0", "ZEROS": "0", "ZEROES": "0", "QUOTE": '"',
                    "QUOTES": '"', "HIGH-VALUE": "\xff", "HIGH-VALUES": "\xff", "LOW-VALUE": "\x00",
                    "LOW-VALUES": "\x00", "NULL": "\x00", "NULLS": "\x00"}


def value_image(node: Node) -> str:
    """The characters a record holds after VALUE clauses are applied (one occurrence)."""
    if node.children:
        parts = []
        for child in node.children:
            if child.item.redefines:
                continue
            parts.append(value_image(child) * max(1, child.item.occurs))
        image = "".join(parts)
        return image.ljust(node.size)[: node.size]
    size = node.size
    if not node.item.values:
        return "\x00" * size
    value = node.item.values[0]
    if value.startswith("\x00"):
        return _FIGURATIVE_CHAR.get(value[1:], " ") * size
    usage = node.item.usage.upper()
    if usage not in ("", "DISPLAY"):
        return "\x00" * size  # binary/packed bytes never hold a program name
    pic = expand_picture(node.item.picture)
    if pic and set(pic) <= set("S9V") and value.lstrip("+-").replace(".", "").isdigit():
        digits = value.lstrip("+-").replace(".", "")
        return digits.rjust(size, "0")[-size:]
    return value.ljust(size)[:size]


def index_by_name(roots: list[Node]) -> dict[str, list[Node]]:
    index: dict[str, list[Node]] = {}
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node.name != "FILLER":
            index.setdefault(node.name, []).append(node)
        stack.extend(node.children)
    return index


def table_values(node: Node, roots: list[Node], images: dict[int, str] | None = None) -> list[str]:
    """Values of ``node`` in every occurrence of the OCCURS table it sits in.

    The table must redefine (directly or through an ancestor) an item whose
    VALUE clauses give its content: the classic menu table of FILLERs.
    Returns [] when the values cannot be determined statically.
    """
    occurs: Node | None = None
    current: Node | None = node
    while current is not None:
        if current.item.occurs:
            occurs = current
            break
        current = current.parent
    if occurs is None:
        return []
    redefining: Node | None = occurs
    while redefining is not None and not redefining.item.redefines:
        redefining = redefining.parent
    if redefining is None:
        # No REDEFINES: an OCCURS item with VALUE holds the same value in each occurrence.
        return [node.item.values[0]] if node.item.values and not node.item.values[0].startswith("\x00") else []
    siblings = redefining.parent.children if redefining.parent else roots
    base = next((c for c in siblings if c.name == redefining.item.redefines), None)
    if base is None:
        return []
    if images is None:
        images = {}
    image = images.get(id(base))
    if image is None:
        image = images[id(base)] = value_image(base)
    values = []
    start_in_table = occurs.offset - redefining.offset
    field_in_entry = node.offset - occurs.offset
    for i in range(occurs.item.occurs):
        start = start_in_table + i * occurs.size + field_in_entry
        values.append(image[start : start + node.size])
    return values
