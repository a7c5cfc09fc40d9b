"""Change frequency and author concentration per file, from ``git log`` (CodeScene-style hotspots).

Only when a scan root is a git work tree. Reads history; never checks out,
never runs hooks, diff drivers or signature programs from the scanned
repository's configuration.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter, defaultdict
from pathlib import Path, PurePosixPath

from legacy_lens.score import History

# Options that keep a hostile repository configuration from running anything.
_SAFE = [
    "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "log.showSignature=false",
    "-c", "gpg.program=false", "-c", "diff.external=", "-c", "core.pager=cat", "--no-pager",
]


def inside_repository(root: Path) -> bool:
    """True when ``root`` or a folder above it holds ``.git`` (a directory, or a file for worktrees)."""
    here = root.resolve()
    return any((folder / ".git").exists() for folder in (here, *here.parents))


def read_history(root: Path, window_days: int, prefix: str = "", timeout: float = 120.0) -> History | None:
    """History of files under ``root`` in the window before the newest commit, or None outside a repository.

    Follows renames (``git log -M``): a file's changes under its old names count for its current name.
    ``prefix`` is prepended to paths so they match the scan's file paths (multi-root scans).
    """
    if not inside_repository(root):
        return None  # no git process is started outside a repository
    git = shutil.which("git")
    if git is None:
        return None
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0")

    def run(*args: str) -> str:
        return subprocess.run([git, *_SAFE, "-C", str(root), *args], capture_output=True, text=True,
                              timeout=timeout, env=env, check=True, errors="replace").stdout

    try:
        top = run("rev-parse", "--show-toplevel").strip()
        shallow = run("rev-parse", "--is-shallow-repository").strip() == "true"
        # The window ends at the newest commit, not at today, so a rescan of the same commit gives the
        # same numbers (the JSON must not change with the date of the scan).
        head = run("log", "-1", "--format=%ct").strip()
        if not head:
            return None
        since = int(head) - window_days * 86400
        log = run("log", f"--since={since}", "--no-merges", "--name-status", "-M", "--no-ext-diff",
                  "--no-textconv", "--format=%x00%aE", "--", ".")
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    try:
        root_in_repo = PurePosixPath(Path(root).resolve().relative_to(Path(top).resolve()).as_posix())
    except ValueError:
        return None

    def scan_path(name: str) -> str | None:
        path = PurePosixPath(name)
        if str(root_in_repo) not in ("", "."):
            try:
                path = path.relative_to(root_in_repo)
            except ValueError:
                return None
        return f"{prefix}/{path}" if prefix else str(path)

    commits: Counter[str] = Counter()
    authors: dict[str, Counter[str]] = defaultdict(Counter)
    alias: dict[str, str] = {}  # a name a file had in older commits -> its name today
    change_sets: list[set[str]] = []
    for chunk in log.split("\x00")[1:]:  # newest commit first
        lines = chunk.strip("\n").split("\n")
        author = lines[0].strip().lower()
        touched: set[str] = set()
        for entry in lines[1:]:
            parts = entry.split("\t")
            if len(parts) < 2:
                continue
            status, names = parts[0], parts[1:]
            if status.startswith(("R", "C")) and len(names) == 2:
                old, new = names
                current = alias.get(new, new)
                if status.startswith("R"):
                    alias[old] = current
                touched.add(current)
            else:
                touched.add(alias.get(names[0], names[0]))
        mapped = {p for p in (scan_path(t) for t in touched) if p is not None}
        for path in mapped:
            commits[path] += 1
            authors[path][author] += 1
        if mapped:
            change_sets.append(mapped)
    shares = {path: max(c.values()) / sum(c.values()) for path, c in authors.items() if c}
    return History(commits=dict(commits), top_author_share=shares,
                   authors={path: dict(c) for path, c in authors.items()},
                   coupling=tuple(change_coupling(change_sets, commits)), shallow=shallow)


def change_coupling(change_sets: list[set[str]], revisions: Counter[str], min_revisions: int = 5,
                    min_coupling: float = 0.3, max_changeset: int = 30) -> list[tuple[str, str, int, float]]:
    """Files that change together (code-maat's defaults): (a, b, shared commits, shared / mean revisions)."""
    shared: Counter[tuple[str, str]] = Counter()
    for files in change_sets:
        if len(files) > max_changeset:
            continue  # bulk imports and mass reformatting say nothing about coupling
        ordered = sorted(files)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                shared[(a, b)] += 1
    out = []
    for (a, b), n in shared.items():
        if revisions[a] < min_revisions or revisions[b] < min_revisions:
            continue
        degree = n / ((revisions[a] + revisions[b]) / 2)
        if degree >= min_coupling:
            out.append((a, b, n, round(degree, 3)))
    out.sort(key=lambda x: (-x[3], -x[2], x[0], x[1]))
    return out
