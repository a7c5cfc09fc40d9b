"""Language descriptors, loaded from ``grammars/<lang>/language.toml``.

Languages are data: adding one means adding a folder. The descriptor names an
``extractor`` (a module in ``legacy_lens.extractors``) that turns text into
facts; tree-sitter based extractors also name the grammar and the query files.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from legacy_lens.resources import data_dir


@dataclass(frozen=True, slots=True)
class LanguageSpec:
    name: str
    display_name: str
    extensions: tuple[str, ...]  # case-sensitive suffixes including the dot
    filenames: tuple[str, ...]
    sniff: tuple[re.Pattern[str], ...]  # any match on the head of a file claims it
    sniff_priority: int  # higher wins when several languages match
    sniff_description: str  # the content rule in words, for `legacy-lens languages`
    extractor: str
    grammar: str  # tree-sitter grammar name, "" for line parsers
    grammar_package: str
    line_comment: tuple[str, ...]
    decision_nodes: tuple[str, ...]
    nesting_nodes: tuple[str, ...]
    nesting_close: tuple[str, ...]
    nesting_reset: tuple[str, ...]
    preprocessor: str
    folder: Path

    def query_text(self, name: str) -> str:
        """Return the text of ``<name>.scm``; raises FileNotFoundError."""
        return (self.folder / f"{name}.scm").read_text(encoding="utf-8")


def _spec_from_toml(folder: Path) -> LanguageSpec:
    raw = tomllib.loads((folder / "language.toml").read_text(encoding="utf-8"))
    detect = raw.get("detect", {})
    parse = raw.get("parse", {})
    metrics = raw.get("metrics", {})
    return LanguageSpec(
        name=raw["name"],
        display_name=raw.get("display_name", raw["name"]),
        extensions=tuple(detect.get("extensions", ())),
        filenames=tuple(detect.get("filenames", ())),
        sniff=tuple(re.compile(p, re.MULTILINE) for p in detect.get("content", ())),
        sniff_priority=int(detect.get("priority", 0)),
        sniff_description=str(detect.get("description", "")),
        extractor=parse["extractor"],
        grammar=parse.get("grammar", ""),
        grammar_package=parse.get("grammar_package", ""),
        line_comment=tuple(raw.get("comments", {}).get("line", ())),
        decision_nodes=tuple(metrics.get("decision_nodes", ())),
        nesting_nodes=tuple(metrics.get("nesting_nodes", ())),
        nesting_close=tuple(metrics.get("nesting_close", ())),
        nesting_reset=tuple(metrics.get("nesting_reset", ())),
        preprocessor=parse.get("preprocessor", ""),
        folder=folder,
    )


@cache
def load_languages(root: Path | None = None) -> tuple[LanguageSpec, ...]:
    """Load every descriptor under ``root`` (default: the shipped grammars)."""
    base = root or data_dir("grammars")
    specs = [_spec_from_toml(d) for d in sorted(base.iterdir()) if (d / "language.toml").is_file()]
    return tuple(specs)


def language_by_name(name: str) -> LanguageSpec:
    """Return the descriptor called ``name``; raises KeyError."""
    for spec in load_languages():
        if spec.name == name:
            return spec
    raise KeyError(name)
