"""Helpers shared by extractors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from legacy_lens.model import LineCounts


def member_name(path: str) -> str:
    """Mainframe member name of a file: its stem, upper-cased (``src/payroll.cbl`` -> ``PAYROLL``)."""
    name = PurePosixPath(path).name
    stem = name.split(".", 1)[0] if not name.startswith(".") else name
    return stem.upper()


def count_lines(lines: list[str], is_comment: Callable[[str], bool]) -> LineCounts:
    """Count code, comment and blank lines; ``is_comment`` judges non-blank lines."""
    code = comment = blank = 0
    for line in lines:
        if not line.strip():
            blank += 1
        elif is_comment(line):
            comment += 1
        else:
            code += 1
    return LineCounts(code=code, comment=comment, blank=blank)


def closing_bracket(text: str, start: int, open_ch: str = "(", close_ch: str = ")") -> int:
    """Index just after the bracket that closes the one at ``text[start]`` (the end of ``text`` if none does)."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch == open_ch:
            depth += 1
        elif ch == close_ch:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def component_id(kind: str, name: str) -> str:
    """Component id for a global mainframe name: ``program:PAYROLL``."""
    return f"{kind}:{name}"
