"""Helpers for the report tests: a tiny HTML collector and a Markdown table splitter."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class HtmlDoc(HTMLParser):
    """Collects start tags (with attributes), script bodies and visible text of an HTML page.

    ``scripts`` holds the bodies of the scripts a browser would run; ``data_blocks`` the bodies of
    ``<script type="application/json">`` elements, which are data and never run.
    """

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.data_blocks: dict[str, str] = {}
        self.text: list[str] = []
        self._in_script: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = []
            self._script_attrs = dict(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            body = "".join(self._in_script)
            if self._script_attrs.get("type") == "application/json":
                self.data_blocks[self._script_attrs.get("id") or ""] = body
            else:
                self.scripts.append(body)
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._in_script.append(data)
        else:
            self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        """Attributes of every ``tag`` whose attributes include ``attrs``."""
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def md_table_blocks(markdown: str) -> list[list[str]]:
    """Consecutive lines starting with '|' (each block is one Markdown table)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def md_cells(row: str) -> list[str]:
    """Split a Markdown table row on unescaped pipes, honouring backslash escapes."""
    cells: list[str] = []
    current = ""
    chars = iter(row.strip())
    for char in chars:
        if char == "\\":
            current += char + next(chars, "")
        elif char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
    cells.append(current)
    # A row "| a | b |" splits into ['', ' a ', ' b ', '']: drop the outer empties.
    return [cell.strip() for cell in cells[1:-1]]


def md_table_after(markdown: str, heading: str) -> list[list[str]]:
    """Cells of the first Markdown table after ``heading`` (header row first, separator dropped)."""
    start = markdown.index(heading)
    block = md_table_blocks(markdown[start:])[0]
    return [md_cells(line) for line in block if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line)]
