"""Shared fixtures and helpers for the report tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "sample_scan.json"


@pytest.fixture(scope="session")
def _sample_scan_frozen() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@pytest.fixture()
def sample_scan(_sample_scan_frozen: dict[str, Any]) -> dict[str, Any]:
    """A fresh deep copy per test, so tests may mutate it."""
    return copy.deepcopy(_sample_scan_frozen)
