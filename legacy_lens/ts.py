"""The only module that calls the tree-sitter bindings.

The Python API has moved between releases (``Query.captures`` became
``QueryCursor.captures``); keeping every call here means one place absorbs the
next move. Grammars come from ``tree-sitter-language-pack==0.13.0``, which
bundles compiled grammars and never downloads anything.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree
from tree_sitter_language_pack import get_language

__all__ = ["Node", "ParseBudgetExceeded", "ParsedTree", "Tree", "captures", "grammar_version", "outermost_errors",
           "parse", "time_budget"]


@cache
def _wheel(grammar: str) -> str:
    """The single-grammar wheel a language descriptor names for ``grammar`` (``tree_sitter_fortran``), or "".

    A descriptor's ``grammar_package`` may pick a wheel over the pack's grammar of the same name when it
    measured better on real code (grammars/<lang>/README.md records why).
    """
    from legacy_lens.languages import load_languages

    for spec in load_languages():
        package = spec.grammar_package.split("==", 1)[0].strip()
        if spec.grammar == grammar and package and package != "tree-sitter-language-pack":
            return package.replace("-", "_")
    return ""


@cache
def _language(grammar: str) -> Language:
    """The compiled grammar: from the wheel its descriptor names, else the pack, else ``tree_sitter_<grammar>``."""
    wheel = _wheel(grammar)
    if wheel:
        return Language(importlib.import_module(wheel).language())
    try:
        return get_language(grammar)  # type: ignore[arg-type]
    except LookupError:
        module = importlib.import_module(f"tree_sitter_{grammar}")
        return Language(module.language())


_local = threading.local()
_CHUNK = 1 << 20  # bytes handed to the parser per read when a budget is set


class ParseBudgetExceeded(TimeoutError):
    """The parser was cancelled because the file's time budget ran out (see :func:`time_budget`)."""


def _parser(grammar: str) -> Parser:
    # A Parser is not safe to share between threads (Dask runs tasks in worker threads): one per thread.
    parsers: dict[str, Parser] | None = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    parser = parsers.get(grammar)
    if parser is None:
        parser = parsers[grammar] = Parser(_language(grammar))
    return parser


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Within the block, every :func:`parse` on this thread stops once ``seconds`` have passed.

    Uses tree-sitter's progress callback, so it stops the C parser itself, in any thread; the
    parse then raises :class:`ParseBudgetExceeded`. ``seconds <= 0`` means no budget.
    """
    previous = getattr(_local, "deadline", None)
    _local.deadline = time.monotonic() + seconds if seconds > 0 else None
    try:
        yield
    finally:
        _local.deadline = previous


@cache
def _query(grammar: str, source: str) -> Query:
    return Query(_language(grammar), source)


@cache
def grammar_version(grammar: str = "") -> str:
    """Version string of the package that provides ``grammar``, for cache keys and reports."""
    from importlib.metadata import PackageNotFoundError, version

    pack = f"tree-sitter-language-pack {version('tree-sitter-language-pack')}"
    if not grammar:
        return pack
    wheel = _wheel(grammar)
    if wheel:
        name = wheel.replace("_", "-")
        try:
            return f"{name} {version(name)}"
        except PackageNotFoundError:
            return f"{name} (not installed)"
    try:
        get_language(grammar)  # type: ignore[arg-type]
        return pack
    except LookupError:
        name = f"tree-sitter-{grammar.replace('_', '-')}"
        try:
            return f"{name} {version(name)}"
        except PackageNotFoundError:
            return f"{name} (not installed)"


@dataclass(frozen=True, slots=True)
class ParsedTree:
    tree: Tree
    source: bytes

    @property
    def root(self) -> Node:
        return self.tree.root_node

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def parse(grammar: str, source: bytes) -> ParsedTree:
    """Parse ``source`` with the named grammar.

    Callers must strip bytes that are known to hang a grammar (COBOL hangs on a
    trailing 0x1A) before calling this.
    """
    deadline: float | None = getattr(_local, "deadline", None)
    parser = _parser(grammar)
    if deadline is None:
        return ParsedTree(tree=parser.parse(source), source=source)
    if time.monotonic() >= deadline:
        raise ParseBudgetExceeded(grammar)
    view = memoryview(source)

    def read(offset: int, _point: object) -> bytes:
        return bytes(view[offset : offset + _CHUNK])

    try:
        tree = parser.parse(read, progress_callback=lambda *_: time.monotonic() >= deadline)
    except ValueError:
        # A cancelled parser resumes the abandoned parse on its next call unless it is reset.
        parser.reset()
        if time.monotonic() >= deadline:
            raise ParseBudgetExceeded(grammar) from None
        raise
    return ParsedTree(tree=tree, source=source)


def captures(grammar: str, query_source: str, node: Node) -> list[tuple[str, Node]]:
    """Run a query and return ``(capture_name, node)`` pairs in document order."""
    found: dict[str, list[Node]] = QueryCursor(_query(grammar, query_source)).captures(node)
    pairs = [(name, n) for name, nodes in found.items() for n in nodes]
    pairs.sort(key=lambda p: (p[1].start_byte, -p[1].end_byte, p[0]))
    return pairs


def outermost_errors(node: Node) -> Iterator[Node]:
    """Yield the outermost ERROR nodes under ``node`` (MISSING nodes have no bytes and are ignored)."""
    stack: list[Any] = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR":
            yield current
            continue
        if not current.has_error:
            continue
        stack.extend(reversed(current.children))


def error_ratio(tree: ParsedTree, errors: list[Node] | None = None) -> float:
    """Share (0.0 .. 1.0) of the source's non-blank characters that lie inside outermost ERROR nodes.

    Whitespace is left out of both sides, so blank columns (a blanked sequence area, say) do not
    dilute the ratio. ``errors`` may pass the outermost ERROR nodes when the caller has them already.
    """
    text = tree.source.decode("utf-8", "replace")
    significant = sum(len(line.strip()) + 1 for line in text.splitlines() if line.strip())
    if significant <= 0:
        return 0.0
    found = errors if errors is not None else list(outermost_errors(tree.root))
    in_error = sum(len(tree.text(n).strip()) for n in found)
    return min(1.0, in_error / significant)
