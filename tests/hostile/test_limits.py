"""Resource limits: per-file time budget (really enforced on a hung parser), file-count cap, size cap."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from hostile_corpus import GOOD, cobol
from scanning import EXAMPLE, scan_dict
from test_hostile_corpus import facts, write

from legacy_lens.extractors import bms
from legacy_lens.extractors.cobol_pre import _wrap_free_line

HANG_MAP = "HANGSET  DFHMSD TYPE=MAP\n* HANG-HERE\n         DFHMSD TYPE=FINAL\n"
CRASH_MAP = "CRASHSET DFHMSD TYPE=MAP\n* CRASH-HERE\n         DFHMSD TYPE=FINAL\n"


def _hostile_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    """A BMS extractor that hangs inside tree-sitter's C code on one input (the COBOL grammar never returns on a
    line starting with Ctrl-Z), loops in Python on another, and kills its process on a third.

    Worker processes are forked after the patch, so they inherit it.
    """
    real = bms.extract

    def extract(text: str, path: str, spec: Any) -> Any:
        if "HANG-HERE" in text:
            from legacy_lens import ts

            ts.parse("cobol", b"\x1a")  # a real hang inside the C parser: it never returns
        if "SLOW-HERE" in text:
            while True:  # Python code that never ends
                time.sleep(0.05)
        if "CRASH-HERE" in text:
            os._exit(139)
        return real(text, path, spec)

    monkeypatch.setattr(bms, "extract", extract)


def test_a_file_over_the_time_budget_is_abandoned_and_the_worker_replaced(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """jobs=2: the file hung in C code gets PARSE-TIMEOUT, the crashing one WORKER-CRASHED, and every other
    file has exactly the facts of a scan without them."""
    clean = tmp_path / "clean"
    write(clean, GOOD)
    reference = facts(scan_dict(clean), set(GOOD))
    _hostile_extractor(monkeypatch)
    root = tmp_path / "export"
    write(root, {**GOOD, "bad/HANG.bms": HANG_MAP, "bad/CRASH.bms": CRASH_MAP})
    started = time.monotonic()
    scan = scan_dict(root, jobs=2, timeout=1.0)
    assert time.monotonic() - started < 20
    codes = {d["path"]: d["code"] for d in scan["diagnostics"] if d["path"].startswith("bad/")}
    assert codes == {"bad/HANG.bms": "PARSE-TIMEOUT", "bad/CRASH.bms": "WORKER-CRASHED"}
    assert facts(scan, set(GOOD)) == reference


def test_the_time_budget_holds_in_process_with_jobs_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """jobs=1: the budget is an interval timer in the scanning process; it stops Python code (here a sleeping
    loop). It cannot stop a call stuck inside C code; that needs jobs >= 2 (documented in the README)."""
    _hostile_extractor(monkeypatch)
    root = tmp_path / "export"
    write(root, {**GOOD, "bad/SLOW.bms": HANG_MAP.replace("HANG-HERE", "SLOW-HERE").replace("HANGSET", "SLOWSET")})
    scan = scan_dict(root, jobs=1, timeout=0.5)
    assert [d["code"] for d in scan["diagnostics"] if d["path"] == "bad/SLOW.bms"] == ["PARSE-TIMEOUT"]
    assert {"program:GOOD1", "program:GOOD2"} <= {c["id"] for c in scan["components"]}


def test_raw_parse_measurement_strips_ctrl_z(tmp_path: Path) -> None:
    """--measure-raw-parse parsed the raw text, and a line starting with Ctrl-Z hung the COBOL grammar."""
    root = tmp_path / "export"
    write(root, {**GOOD, "bad/CTRLZ.cbl": cobol("CTRLZ") + "\x1a\r\n"})
    scan = scan_dict(root, jobs=2, timeout=10, measure_raw_parse=True)
    assert [d["code"] for d in scan["diagnostics"] if d["path"] == "bad/CTRLZ.cbl"] == []
    assert "program:CTRLZ" in {c["id"] for c in scan["components"]}


def test_total_files_cap_lists_every_file_past_it(tmp_path: Path) -> None:
    root = tmp_path / "export"
    write(root, {**GOOD, **{f"zz/EXTRA{i}.cbl": cobol(f"EXTRA{i}") for i in range(3)}})
    scan = scan_dict(root, max_files=len(GOOD))
    over = {d["path"] for d in scan["diagnostics"] if d["code"] == "TOO-MANY-FILES"}
    assert over == {f"zz/EXTRA{i}.cbl" for i in range(3)}
    assert {f["path"] for f in scan["files"]} >= over  # listed, not dropped
    assert all(f["parse"]["status"] == "skipped" for f in scan["files"] if f["path"] in over)


def test_size_cap(tmp_path: Path) -> None:
    root = tmp_path / "export"
    write(root, {**GOOD, "bad/HUGE.cbl": cobol("HUGE", *["    DISPLAY 'X'"] * 200)})
    scan = scan_dict(root, max_file_bytes=4000)
    assert [d["code"] for d in scan["diagnostics"] if d["path"] == "bad/HUGE.cbl"] == ["FILE-TOO-LARGE"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_with_a_source_name_is_never_opened(tmp_path: Path) -> None:
    """A named pipe would block a reader forever."""
    root = tmp_path / "export"
    write(root, GOOD)
    os.mkfifo(root / "good" / "PIPE.cbl")
    os.mkfifo(root / ".gitignore")
    scan = scan_dict(root)
    assert [d["code"] for d in scan["diagnostics"] if d["path"] == "good/PIPE.cbl"] == ["SPECIAL-FILE"]


def test_free_format_wrapping_is_linear() -> None:
    """Fuzzing regression: a long free-format line was re-sliced per 65-column chunk (quadratic; a 10 MB line
    never finished)."""
    started = time.monotonic()
    chunks = _wrap_free_line("MOVE A TO B " * 200_000)
    assert time.monotonic() - started < 5
    assert all(len(c) <= 65 for c in chunks)


def test_scan_json_is_identical_whatever_the_jobs(tmp_path: Path) -> None:
    import json

    one = json.dumps(scan_dict(EXAMPLE, jobs=1), sort_keys=True)
    assert json.dumps(scan_dict(EXAMPLE, jobs=2), sort_keys=True) == one
    assert json.dumps(scan_dict(EXAMPLE, jobs=3), sort_keys=True) == one


def test_limit_flags_reach_the_scan(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from legacy_lens.cli import app

    root = tmp_path / "export"
    write(root, GOOD)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["scan", str(root), "-o", str(out), "-j", "1", "-f", "json", "--max-files", "1",
                                      "--timeout", "5", "--max-file-size", "100000"])
    assert result.exit_code == 0, result.output
    scan = json.loads((out / "scan.json").read_text())
    assert sum(d["code"] == "TOO-MANY-FILES" for d in scan["diagnostics"]) == len(GOOD) - 1
    for flag, value in (("--timeout", "-1"), ("--max-files", "-1"), ("--max-file-size", "0")):
        result = CliRunner().invoke(app, ["scan", str(root), "-o", str(out), flag, value])
        assert result.exit_code == 2, (flag, result.output)
