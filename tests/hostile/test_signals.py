"""Interrupting a scan with a real signal, in a real subprocess: previous outputs stay intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_corpus import cobol
from scanning import REPO


def _corpus(root: Path) -> None:
    """Enough COBOL to keep two workers busy for well over the time it takes to send the signal."""
    body = [f"    IF WS-A = {i} MOVE {i} TO WS-B CALL 'SUB{i % 7}' END-IF" for i in range(1500)]
    root.mkdir(parents=True)
    for i in range(400):
        (root / f"P{i:04d}.cbl").write_text(cobol(f"P{i:04d}", *body))


def _survivors(marker: str) -> list[int]:
    """Processes still running whose command line mentions ``marker`` (forked workers share the parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().decode("utf-8", "replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize(("signum", "code", "name"), [(signal.SIGINT, 130, "SIGINT"), (signal.SIGTERM, 143, "SIGTERM")])
def test_interrupted_scan_keeps_previous_outputs(signum: int, code: int, name: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus)
    out = tmp_path / "out"
    out.mkdir()
    previous = {n: f"previous {n}\n" for n in ("scan.json", "report.md", "report.html")}
    for n, text in previous.items():
        (out / n).write_text(text)
    proc = subprocess.Popen([sys.executable, "-m", "legacy_lens", "scan", str(corpus), "-o", str(out), "-j", "2"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    time.sleep(3)
    assert proc.poll() is None, "the scan finished before it could be interrupted; make the corpus bigger"
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, (stdout, stderr)
    assert f"interrupted by {name}" in stderr and "reading and parsing files" in stderr, stderr
    assert "unchanged" in stderr
    assert {p.name: p.read_text() for p in out.iterdir()} == previous  # intact, and no temporary files left
    time.sleep(0.5)
    assert _survivors(str(corpus)) == [], "worker processes outlived the interrupted scan"
