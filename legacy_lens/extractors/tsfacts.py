"""Helpers shared by the tree-sitter extractors (C, Fortran, Java, C#, Delphi ...).

What every grammar-driven language needs and should not rewrite: parse with a
quality record, the descriptor's decision and nesting node types turned into
complexity and depth over a node's subtree (iterative walks: generated code nests
deeper than Python's recursion limit), line counts that know which lines are
comments, and the statement-level fallback's bookkeeping for ERROR regions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from legacy_lens import ts
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import INFO, WARNING, Diagnostic, LineCounts, Metrics, ParseQuality

# A file whose share of bytes in ERROR nodes is above this has "failed" rather than "partial".
FAILED_RATIO = 0.5


@dataclass(frozen=True, slots=True)
class Decisions:
    """A descriptor's ``decision_nodes``: plain node types, and ``type/REGEX`` entries matched on the node's text."""

    plain: frozenset[str]
    patterned: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def from_spec(cls, entries: Iterable[str]) -> Decisions:
        entries = tuple(entries)
        plain = frozenset(e for e in entries if "/" not in e)
        patterned = tuple((e.split("/", 1)[0], re.compile(e.split("/", 1)[1])) for e in entries if "/" in e)
        return cls(plain, patterned)

    def count(self, kind: str, node: ts.Node, tree: ts.ParsedTree) -> int:
        n = 1 if kind in self.plain else 0
        for node_type, regex in self.patterned:
            if kind == node_type and regex.match(tree.text(node)):
                n += 1
        return n


def walk(node: ts.Node, stop: frozenset[str] = frozenset()) -> Iterator[ts.Node]:
    """Pre-order walk of ``node``'s subtree without recursion; subtrees rooted at ``stop`` types are skipped."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(child for child in reversed(current.children) if child.type not in stop)


def complexity_and_nesting(node: ts.Node, tree: ts.ParsedTree, decisions: Decisions,
                           nesting: frozenset[str], stop: frozenset[str] = frozenset()) -> tuple[int, int]:
    """(McCabe complexity, deepest nesting) of ``node``'s subtree.

    Complexity is 1 plus one per decision node. Depth counts nesting nodes on the path from ``node``;
    subtrees of ``stop`` types (nested functions or classes, measured on their own) are left out.
    """
    complexity = 1
    deepest = 0
    stack: list[tuple[ts.Node, int]] = [(node, 0)]
    while stack:
        current, depth = stack.pop()
        kind = current.type
        complexity += decisions.count(kind, current, tree)
        if kind in nesting and current is not node:
            depth += 1
            deepest = max(deepest, depth)
        for child in current.children:
            if child.type not in stop:
                stack.append((child, depth))
    return complexity, deepest


def comment_lines(tree: ts.ParsedTree, comment_types: frozenset[str]) -> set[int]:
    """1-based lines that hold nothing but comment text (a comment after code leaves the line a code line)."""
    lines = tree.source.split(b"\n")
    out: set[int] = set()
    for node in walk(tree.root):
        if node.type not in comment_types:
            continue
        (r0, c0), (r1, c1) = node.start_point, node.end_point
        for row in range(r0, r1 + 1):
            if row >= len(lines):
                break
            text = lines[row]
            before = text[:c0] if row == r0 else b""
            after = text[c1:] if row == r1 else b""
            if not before.strip() and not after.strip():
                out.add(row + 1)
    return out


def count_lines(text_lines: list[str], comments: set[int], first: int = 1, last: int | None = None) -> LineCounts:
    """Code, comment and blank lines between ``first`` and ``last`` (1-based, inclusive)."""
    end = len(text_lines) if last is None else min(last, len(text_lines))
    code = comment = blank = 0
    for number in range(max(1, first), end + 1):
        if not text_lines[number - 1].strip():
            blank += 1
        elif number in comments:
            comment += 1
        else:
            code += 1
    return LineCounts(code=code, comment=comment, blank=blank)


def unit_metrics(counts: LineCounts, complexity: int = 0, max_nesting: int = 0, goto_count: int = 0) -> Metrics:
    return Metrics(code_lines=counts.code, comment_lines=counts.comment, blank_lines=counts.blank,
                   complexity=complexity, max_nesting=max_nesting, goto_count=goto_count)


def quality(spec: LanguageSpec, tree: ts.ParsedTree, errors: list[ts.Node], fallback_lines: int = 0) -> ParseQuality:
    """The file's parse quality: ok without ERROR nodes, failed above :data:`FAILED_RATIO`, else partial."""
    ratio = ts.error_ratio(tree, errors)
    status = "ok" if not errors else ("failed" if ratio > FAILED_RATIO else "partial")
    return ParseQuality(status=status, parser=f"tree-sitter:{spec.grammar}", error_ratio=round(ratio, 4),
                        fallback_used=fallback_lines > 0, fallback_lines=fallback_lines)


def error_diagnostic(path: str, code: str, parse: ParseQuality, errors: list[ts.Node]) -> Diagnostic | None:
    """The diagnostic for a file with ERROR regions (a warning when the parse failed), or None without any."""
    if not errors:
        return None
    return Diagnostic(path, WARNING if parse.status == "failed" else INFO, code,
                      f"{len(errors)} region(s) the grammar could not parse ({parse.error_ratio:.1%} of the text); "
                      "read line by line there", error_line_ranges(errors)[0][0])


def error_line_ranges(errors: list[ts.Node]) -> list[tuple[int, int]]:
    """1-based, inclusive, merged line ranges covered by ERROR nodes: where a fallback scan must look."""
    spans = sorted((e.start_point[0] + 1, e.end_point[0] + 1) for e in errors)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def line_of(node: ts.Node) -> int:
    return int(node.start_point[0]) + 1


def end_line_of(node: ts.Node) -> int:
    return int(node.end_point[0]) + 1
