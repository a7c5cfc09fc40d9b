"""Shared helpers: build small mainframe exports in a temporary folder and scan them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from legacy_lens.pipeline import scan
from legacy_lens.serialize import to_dict
from legacy_lens.settings import Settings

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "benefits"


def fixed(*lines: str) -> str:
    """Lay out COBOL code lines in fixed format: sequence number, blank indicator, code from column 8.

    A line starting with ``*``, ``/`` or ``-`` puts that character in column 7.
    """
    out = []
    for i, line in enumerate(lines, start=1):
        if line[:1] in ("*", "-", "/"):
            out.append(f"{i * 100:06d}{line[0]}{line[1:]}")
        else:
            out.append(f"{i * 100:06d} {line}")
    return "\n".join(out) + "\n"


@pytest.fixture
def export(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write ``{relative path: text or bytes}`` under a fresh folder and return it."""

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "export"
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


def scan_dict(root: Path, **settings: object) -> dict:  # type: ignore[type-arg]
    """Scan ``root`` in-process and return the scan.json dict."""
    values = {"jobs": 1, **settings}
    return to_dict(scan([root], Settings(**values)))  # type: ignore[arg-type]


def edges_of(scan: dict, kind: str | None = None) -> set[tuple[str, str, str, str, bool]]:  # type: ignore[type-arg]
    return {
        (e["source"], e["kind"], e["target"], e["via"], e["resolved"])
        for e in scan["edges"]
        if kind is None or e["kind"] == kind
    }
