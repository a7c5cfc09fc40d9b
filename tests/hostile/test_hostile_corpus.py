"""Issue 9: scan the hostile corpus (built at test time); one case per hostile input.

For every case: the scan completes, each affected file gets exactly the expected diagnostic codes,
and the facts of the clean files in the same export are identical to a scan of the clean files alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hostile_corpus import CASES, GOOD, Case, cobol
from scanning import scan_dict
from typer.testing import CliRunner

from legacy_lens.cli import app


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def facts(scan: dict[str, Any], paths: set[str]) -> dict[str, Any]:
    """What the scan says about ``paths``: file entries, their components, those components' edges, diagnostics.

    Scores (risk, PageRank, estimates) are left out: they are relative to the whole estate by design.
    """
    components = [c for c in scan["components"] if c.get("file") in paths]
    ids = {c["id"] for c in components}
    return {
        "files": [f for f in scan["files"] if f["path"] in paths],
        "components": sorted(json.dumps({k: c.get(k) for k in ("id", "kind", "name", "language", "file", "line",
                                                               "defined", "system", "metrics")}, sort_keys=True)
                             for c in components),
        "edges": sorted(json.dumps({k: e.get(k) for k in ("source", "kind", "target", "resolved", "via",
                                                          "locations")}, sort_keys=True)
                        for e in scan["edges"] if e["source"] in ids),
        "diagnostics": [d for d in scan["diagnostics"] if d["path"] in paths],
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("reference") / "export"
    write(root, GOOD)
    return facts(scan_dict(root), set(GOOD))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case(case: Case, reference: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "export"
    write(root, {**GOOD, **case.files})
    monkeypatch.chdir(tmp_path)
    if case.setup:
        case.setup(root, monkeypatch)
    scan = scan_dict(root, **case.settings)  # completes: scan_dict raises on any failure
    for path, codes in case.expect.items():
        got = {d["code"] for d in scan["diagnostics"] if d["path"] == path}
        assert got == codes, (path, [d for d in scan["diagnostics"] if d["path"] == path])
        for d in scan["diagnostics"]:
            if d["path"] == path:
                assert d["message"], d  # a reason, not only a code
    if case.check:
        case.check(scan)
    assert facts(scan, set(GOOD)) == reference


def test_config_with_wrong_types_is_a_usage_error_naming_the_setting(tmp_path: Path) -> None:
    """Settings bullet: a legacy-lens.toml with wrong types stops before scanning (exit 2) and names the setting;
    it is never silently ignored. Each wrong type is tried on its own."""
    write(tmp_path / "export", GOOD)
    for line, name in [("jobs = 'four'", "jobs"), ("timeout = 'soon'", "timeout"), ("max_files = 1.5", "max_files"),
                       ("excludes = 'x'", "excludes"), ("excludes = [1, 2]", "excludes"),
                       ("follow_symlinks = 1", "follow_symlinks"), ("scan = 3", "[scan]"),
                       ("timeout = -1", "timeout"), ("max_files = -5", "max_files")]:
        (tmp_path / "export" / "legacy-lens.toml").write_text(f"{line}\n" if line.startswith("scan") else
                                                              f"[scan]\n{line}\n")
        result = CliRunner().invoke(app, ["scan", str(tmp_path / "export"), "-o", str(tmp_path / "out"), "-j", "1"])
        assert result.exit_code == 2, (line, result.output)
        assert name in result.output, (line, result.output)
        assert not (tmp_path / "out").exists()


def test_every_case_is_built_at_test_time() -> None:
    """No binary blobs are committed: the corpus folder holds only Python source."""
    here = Path(__file__).parent
    assert {p.suffix for p in here.iterdir() if p.is_file()} <= {".py"}
    assert cobol("X").startswith("000010 IDENTIFICATION DIVISION.")
