"""No network, no processes: what a scan may and may not do to the machine it runs on."""

from __future__ import annotations

import multiprocessing.process
import os
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hostile_corpus import GOOD
from scanning import EXAMPLE
from test_hostile_corpus import write
from typer.testing import CliRunner

from legacy_lens.cli import app

runner = CliRunner()


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError(f"a scan tried to open a network connection or start a process: {args!r}")


def _block_network(mp: pytest.MonkeyPatch) -> None:
    for name in ("socket", "create_connection", "socketpair", "getaddrinfo", "create_server"):
        mp.setattr(socket, name, _refuse)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_scan_and_report_work_with_the_network_blocked(jobs: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """socket.socket, create_connection, socketpair and getaddrinfo raise; a full scan (in-process and with
    worker processes, which inherit the patch) and a re-render still succeed."""
    _block_network(monkeypatch)
    out = tmp_path / "out"
    result = runner.invoke(app, ["scan", str(EXAMPLE), "-o", str(out), "--jobs", jobs])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["report", str(out / "scan.json"), "-o", str(tmp_path / "again")])
    assert result.exit_code == 0, result.output


_SPAWNERS = [(subprocess, "Popen"), (os, "system"), (os, "popen"), (os, "posix_spawn"), (os, "posix_spawnp"),
             (os, "fork"), (os, "forkpty"), (os, "execv"), (os, "execve"), (os, "execvp"), (os, "execvpe"),
             (os, "spawnv"), (os, "spawnve"), (os, "spawnvp"), (os, "spawnvpe")]


def test_a_scan_with_jobs_1_starts_no_process_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With --jobs 1 on a folder that is not a git repository, nothing is executed: every way Python has to
    start a process (subprocess.Popen, os.system/popen/posix_spawn/fork/exec*/spawn*) raises."""
    write(tmp_path / "export", GOOD)
    for module, name in _SPAWNERS:
        if hasattr(module, name):
            monkeypatch.setattr(module, name, _refuse)
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", _refuse)
    result = runner.invoke(app, ["scan", str(tmp_path / "export"), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 0, result.output


def test_worker_processes_are_the_only_processes_a_parallel_scan_starts(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """With --jobs 2, the only processes are legacy-lens workers (multiprocessing, running
    ``legacy_lens.pipeline._worker_main``); nothing is executed (no exec, no shell, no subprocess)."""
    write(tmp_path / "export", GOOD)
    for module, name in _SPAWNERS:
        if hasattr(module, name) and name not in ("fork",):  # multiprocessing forks its workers
            monkeypatch.setattr(module, name, _refuse)
    started: list[str] = []
    real_start = multiprocessing.process.BaseProcess.start

    def start(self: Any) -> None:
        started.append(f"{self._target.__module__}.{self._target.__qualname__}")
        real_start(self)

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", start)
    result = runner.invoke(app, ["scan", str(tmp_path / "export"), "-o", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert started and set(started) == {"legacy_lens.pipeline._worker_main"}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_is_the_only_program_run_when_a_root_is_a_git_repository(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A git repository root is the one case where a program runs: git itself, with hooks, fsmonitor,
    pagers, external diff and signature programs disabled (see githistory.py)."""
    root = tmp_path / "export"
    write(root, GOOD)
    env = {"GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "a",
           "GIT_COMMITTER_EMAIL": "a@x", "HOME": str(tmp_path), "PATH": os.environ.get("PATH", "")}
    git = shutil.which("git")
    assert git
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "x"]):
        subprocess.run([git, "-C", str(root), *args], check=True, env=env)
    ran: list[list[str]] = []
    real_popen = subprocess.Popen

    class Recording(real_popen):  # type: ignore[misc, valid-type]
        def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
            ran.append(list(args))
            super().__init__(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", Recording)
    for module, name in _SPAWNERS[1:]:
        if hasattr(module, name) and name not in ("fork", "posix_spawn", "execve", "execv"):
            monkeypatch.setattr(module, name, _refuse)
    result = runner.invoke(app, ["scan", str(root), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert ran and all(Path(a[0]).name == "git" for a in ran), ran
    for argv in ran:
        assert "core.hooksPath=/dev/null" in argv and "core.fsmonitor=false" in argv
