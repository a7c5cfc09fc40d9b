"""Locate the data folders (``grammars/``, ``templates/``, ``schema/``).

In a wheel they are installed inside the package (``legacy_lens/grammars``);
in a source checkout or an editable install they sit at the repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Return the folder ``name``; raises FileNotFoundError if it is missing."""
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"legacy-lens data folder {name!r} is missing from the installation")
