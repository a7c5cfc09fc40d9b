"""Helpers shared by the pipeline and CLI tests: lay out COBOL, scan a folder, pick edges."""

from __future__ import annotations

from pathlib import Path

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
