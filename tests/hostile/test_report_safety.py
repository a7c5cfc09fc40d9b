"""The HTML report cannot be made to run script or fetch anything by what it reports on."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from hostile_corpus import cobol
from test_hostile_corpus import write
from typer.testing import CliRunner

from legacy_lens.cli import app

HOSTILE = ["<script>alert(1)</script>", "\" onload=\"alert(1)", "' onmouseover='alert(1)", "javascript:alert(1)",
           "https://evil.example/x.js", "http://evil.example/y.css", "line\nbreak", "<img src=x onerror=alert(1)>"]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _render(root: Path, out: Path) -> str:
    result = CliRunner().invoke(app, ["scan", str(root), "-o", str(out), "-j", "1", "-f", "html,json"])
    assert result.exit_code == 0, result.output
    return (out / "report.html").read_text(encoding="utf-8")


def test_hostile_names_cannot_script_or_fetch(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"clean/CLEAN.cbl": cobol("CLEAN")}
    calls = [f"    CALL '{h.replace(chr(10), ' ')}'" for h in HOSTILE]
    files["src/CALLER.cbl"] = cobol("CALLER", *calls)
    for i, h in enumerate(HOSTILE):
        files[f"src/{h.replace('/', '_')}{i}.cbl"] = cobol(f"NAMED{i}", f"    CALL 'X{i}'")
    write(tmp_path / "hostile", files)
    write(tmp_path / "plain", {"clean/CLEAN.cbl": cobol("CLEAN")})
    html = _render(tmp_path / "hostile", tmp_path / "out")
    plain = _render(tmp_path / "plain", tmp_path / "out-plain")

    tags = _Tags()
    tags.feed(html)
    clean_tags = _Tags()
    clean_tags.feed(plain)
    # No event handler attribute anywhere (the template itself uses none).
    assert [(t, a) for t, attrs in tags.tags for a, _ in attrs if a.lower().startswith("on")] == []
    # No script tag beyond the template's own, and none with src.
    assert sum(t == "script" for t, _ in tags.tags) == sum(t == "script" for t, _ in clean_tags.tags)
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE)
    # Nothing fetched from anywhere: no URL in a src/href/action/style attribute, no CSS url() or @import.
    for tag, attrs in tags.tags:
        for name, value in attrs:
            if name.lower() in ("src", "href", "action", "formaction", "srcset", "poster", "data", "style"):
                assert not re.search(r"(https?:|//|javascript:)", value or "", re.IGNORECASE), (tag, name, value)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:|//)", html, re.IGNORECASE)
    assert "@import" not in html
    # The scanned text is there, escaped, as text.
    assert "&lt;script&gt;" in html or "&lt;SCRIPT&gt;" in html
    # The Content-Security-Policy forbids inline handlers and external loads.
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp and "default-src 'none'" in csp.group(1) and "unsafe-inline" not in csp.group(1).split("script-src")[-1]
    assert "http" not in csp.group(1)
