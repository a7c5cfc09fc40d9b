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


def read_history(root: Path, window_days: int, prefix: str = "", timeout: float = 120.0) -> History | None:
    """History of files under ``root`` in the last ``window_days``, or None when there is none to read.

    ``prefix`` is prepended to paths so they match the scan's file paths (multi-root scans).
    """
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0")
    try:
        top = subprocess.run([git, *_SAFE, "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=timeout, env=env, check=True).stdout.strip()
        # The window ends at the newest commit, not at today, so a rescan of the same commit gives the
        # same numbers (the JSON must not change with the date of the scan).
        head = subprocess.run([git, *_SAFE, "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True,
                              text=True, timeout=timeout, env=env, check=True).stdout.strip()
        if not head:
            return None
        since = int(head) - window_days * 86400
        proc = subprocess.run(
            [git, *_SAFE, "-C", str(root), "log", f"--since={since}", "--no-merges", "--name-only",
             "--no-renames", "--no-ext-diff", "--no-textconv", "--format=%x00%aE", "--", "."],
            capture_output=True, text=True, timeout=timeout, env=env, check=True, errors="replace")
    except (OSError, subprocess.SubprocessError):
        return None
    try:
        root_in_repo = PurePosixPath(Path(root).resolve().relative_to(Path(top).resolve()).as_posix())
    except ValueError:
        return None
    commits: Counter[str] = Counter()
    authors: dict[str, Counter[str]] = defaultdict(Counter)
    for chunk in proc.stdout.split("\x00")[1:]:
        lines = chunk.strip("\n").split("\n")
        author = lines[0].strip().lower()
        for name in {ln.strip() for ln in lines[1:] if ln.strip()}:
            path = PurePosixPath(name)
            if str(root_in_repo) not in ("", "."):
                try:
                    path = path.relative_to(root_in_repo)
                except ValueError:
                    continue
            rel = f"{prefix}/{path}" if prefix else str(path)
            commits[rel] += 1
            authors[rel][author] += 1
    shares = {path: max(c.values()) / sum(c.values()) for path, c in authors.items() if c}
    return History(commits=dict(commits), top_author_share=shares,
                   authors={path: dict(c) for path, c in authors.items()})
