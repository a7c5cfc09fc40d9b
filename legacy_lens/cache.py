"""Incremental cache of per-file facts.

A file's facts are reused only when everything that produced them is unchanged:

- the file: its path, language, how the language was detected, and the sha256 of its bytes;
- its language: the grammar bundle version (grammar languages only), a hash of the descriptor
  folder (``language.toml`` and every ``*.scm`` query) and a hash of the source of every
  legacy-lens module the extractor imports (transitively: preprocessor, shared helpers, ``ts``,
  ``model``), plus ``encoding.py`` and the per-file driver in ``pipeline.py``;
- the settings that change facts: ``max_file_bytes``, and ``measure_raw_parse`` for languages
  with a grammar (it does nothing for line parsers); the time budget does not;
- the pattern rules that apply to the language (built-in and ``rules_paths``: their matches are
  found with the extraction and stored with the facts) and the matcher's source;
- the legacy-lens version and :data:`CACHE_FORMAT`.

Storage is one SQLite database (``facts.sqlite``) with a row per file path: the key as text and
a pickled ``(key, FileFacts)`` blob. SQLite gives atomic, crash-safe updates of just the changed
rows (a nightly rescan rewrites 1% of rows, not a shard of files) and safe concurrent scans.
The cache usually sits inside the scanned tree, which is as untrusted as the code, so blobs are
read with an unpickler that can build only ``legacy_lens.model`` types and builtin containers,
and the key stored inside the blob must equal the expected key. Anything else (a corrupt
database, a foreign or stale row) is ignored and overwritten. Failed, skipped and timed-out
files are never stored.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import importlib.util
import inspect
import io
import json
import os
import pickle
import shutil
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from legacy_lens import __version__
from legacy_lens import model as model_mod
from legacy_lens.languages import LanguageSpec, language_by_name
from legacy_lens.model import FileFacts

CACHE_FORMAT = "2"
CACHE_DIR = Path(".legacy-lens") / "cache"
DB_NAME = "facts.sqlite"

_ALLOWED_BUILTINS = {"tuple", "list", "dict", "frozenset", "set", "str", "int", "float", "bool", "bytes"}


def default_dir(roots: list[Path]) -> Path:
    """``<first scan root>/.legacy-lens/cache`` (the folder itself when the root is a file)."""
    first = roots[0]
    return (first if first.is_dir() else first.parent) / CACHE_DIR


class _SafeUnpickler(pickle.Unpickler):
    """Builds only model dataclasses and builtin containers; any other global is refused."""

    def find_class(self, module: str, name: str) -> type:
        if module == "legacy_lens.model" and isinstance(getattr(model_mod, name, None), type):
            cls: type = getattr(model_mod, name)
            if getattr(cls, "__module__", "") == "legacy_lens.model":
                return cls
        if module == "builtins" and name in _ALLOWED_BUILTINS:
            return getattr(__import__("builtins"), name)  # type: ignore[no-any-return]
        raise pickle.UnpicklingError(f"refused global {module}.{name}")


def _loads(blob: bytes) -> object:
    return _SafeUnpickler(io.BytesIO(blob)).load()


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def descriptor_hash(folder: Path) -> str:
    """Hash of a language descriptor folder: ``language.toml`` and every ``*.scm`` query."""
    digest = hashlib.sha256()
    files = [folder / "language.toml", *sorted(folder.glob("*.scm"))]
    for f in files:
        if f.is_file():
            digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def catalogue_hash() -> str:
    """Hash of the system catalogue (``catalog/*.toml``): some extractors read it (builtins they leave out)."""
    digest = hashlib.sha256()
    for f in sorted((Path(__file__).parent / "catalog").glob("*.toml")):
        digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def _module_file(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    return Path(spec.origin) if spec and spec.origin and spec.origin.endswith(".py") else None


def _imports(path: Path) -> set[str]:
    """legacy-lens modules imported by a source file (``if TYPE_CHECKING:`` blocks left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "legacy_lens":
                found.update(f"legacy_lens.{a.name}" for a in node.names)
            elif node.module.startswith("legacy_lens."):
                found.add(node.module)
                # ``from legacy_lens.extractors import sql``: the names may be modules of that package.
                package = _module_file(node.module)
                if package is not None and package.name == "__init__.py":
                    found.update(name for a in node.names
                                 if _module_file(name := f"{node.module}.{a.name}") is not None)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("legacy_lens."))
        stack.extend(ast.iter_child_nodes(node))
    return found


@cache
def source_hash(module: str) -> str:
    """Hash of ``module``'s source and of every legacy-lens module it imports, transitively."""
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:  # a package attribute that is not a module, or a package __init__
            continue
        seen[name] = path
        todo.extend(_imports(path) - seen.keys())
    digest = hashlib.sha256()
    for name in sorted(seen):
        digest.update(name.encode() + b"\0" + seen[name].read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def _driver_hash() -> str:
    """The per-file driver (read, decode, extract) and the decoder."""
    from legacy_lens import pipeline

    text = "".join(inspect.getsource(f) for f in (pipeline.process_file, pipeline._raw_error_ratio))
    return hashlib.sha256(text.encode() + source_hash("legacy_lens.encoding").encode()).hexdigest()


def rules_hash(spec: LanguageSpec, rules_paths: tuple[str, ...]) -> str:
    """The pattern rules that apply to a language (they run with the extraction) and the matcher's source."""
    from legacy_lens.pipeline import pattern_rules

    rules = [(r.code, r.languages, json.dumps(r.spec, sort_keys=True, default=str))
             for r in pattern_rules(rules_paths) if r.applies_to(spec.name)]
    text = json.dumps(rules) + source_hash("legacy_lens.rules")
    return hashlib.sha256(text.encode()).hexdigest()


def language_fingerprint(spec: LanguageSpec, max_file_bytes: int, measure_raw_parse: bool,
                         rules_paths: tuple[str, ...] = ()) -> str:
    """Everything besides the file itself that a language's facts depend on."""
    from legacy_lens import ts

    parts = [
        f"format={CACHE_FORMAT}", f"version={__version__}", f"driver={_driver_hash()}",
        f"language={spec.name}", f"descriptor={descriptor_hash(spec.folder)}",
        f"extractor={source_hash(f'legacy_lens.extractors.{spec.extractor}')}",
        f"max_file_bytes={max_file_bytes}", f"rules={rules_hash(spec, rules_paths)}",
        f"catalogue={catalogue_hash()}",
    ]
    if spec.grammar:
        parts += [f"grammar={ts.grammar_version(spec.grammar)}", f"measure_raw_parse={measure_raw_parse}"]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    stored: int = 0
    ignored: int = 0  # corrupt, foreign or stale entries that were not trusted


class FactsCache:
    """The facts of one scan's files, read and written in the scanning process."""

    def __init__(self, directory: Path, max_file_bytes: int, measure_raw_parse: bool,
                 rules_paths: tuple[str, ...] = ()) -> None:
        self.directory = directory
        self.rules_paths = rules_paths
        self.max_file_bytes = max_file_bytes
        self.measure_raw_parse = measure_raw_parse
        self.stats = CacheStats()
        self._fingerprints: dict[str, str] = {}
        self._rows: dict[str, tuple[str, bytes, str]] = {}
        self._db: sqlite3.Connection | None = None
        self._open()

    def _open(self) -> None:
        """Open (or recreate) the database; on any failure the scan runs without a cache."""
        path = self.directory / DB_NAME
        for attempt in range(2):
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, timeout=30, isolation_level=None)
                columns = [row[1] for row in db.execute("PRAGMA table_info(facts)")]
                if columns and "stat" not in columns:
                    db.execute("DROP TABLE facts")  # a cache of an earlier format: start again
                db.execute("CREATE TABLE IF NOT EXISTS facts (path TEXT PRIMARY KEY, key TEXT NOT NULL, "
                           "blob BLOB NOT NULL, stat TEXT NOT NULL DEFAULT '')")
                self._rows = {p: (k, b, s) for p, k, b, s in db.execute("SELECT path, key, blob, stat FROM facts")}
                self._db = db
                return
            except (sqlite3.Error, OSError):
                with contextlib.suppress(Exception):
                    db.close()
                if attempt == 0:  # a corrupt or foreign file: start again from an empty database
                    with contextlib.suppress(OSError):
                        path.unlink()
                self._db = None

    @property
    def usable(self) -> bool:
        return self._db is not None

    def fingerprint(self, language: str) -> str:
        if language not in self._fingerprints:
            self._fingerprints[language] = language_fingerprint(language_by_name(language), self.max_file_bytes,
                                                                self.measure_raw_parse, self.rules_paths)
        return self._fingerprints[language]

    def key(self, path: str, language: str, detected_by: str, sha256: str) -> str:
        return "\n".join((CACHE_FORMAT, path, language, detected_by, sha256, self.fingerprint(language)))

    def get_unchanged(self, path: str, language: str, detected_by: str, stat: str) -> FileFacts | None:
        """The cached facts when the file's status (size, mtime, ctime, inode) is the one recorded with them.

        Saves reading and hashing a file that has not been touched, as git's index does. A status is
        recorded only when it was taken well after the file's last change (see :func:`stat_signature`),
        so a file rewritten within the same clock tick is still hashed. None is not counted as a miss:
        the caller falls back to :meth:`get` with the content hash.
        """
        row = self._rows.get(path)
        if row is None or not stat or row[2] != stat:
            return None
        sha256 = row[0].split("\n")[4] if row[0].count("\n") >= 5 else ""
        return self.get(path, language, detected_by, sha256) if sha256 else None

    def get(self, path: str, language: str, detected_by: str, sha256: str) -> FileFacts | None:
        """The cached facts of this file content, or None (counted as a miss)."""
        row = self._rows.get(path)
        expected = self.key(path, language, detected_by, sha256)
        if row is None or row[0] != expected:
            self.stats.misses += 1
            return None
        try:
            stored = _loads(row[1])
        except Exception:
            stored = None
        if (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == expected
                and isinstance(stored[1], FileFacts) and stored[1].file.path == path
                and stored[1].file.sha256 == sha256 and stored[1].file.language == language):
            self.stats.hits += 1
            return stored[1]
        self.stats.ignored += 1
        self.stats.misses += 1
        return None

    def put_all(self, facts: Iterable[FileFacts], keep: set[str], stats: dict[str, str] | None = None) -> None:
        """Store the facts of files that were just extracted (cache misses: a row that was there was stale or
        untrusted, and is overwritten), and drop rows of files no longer scanned. ``stats`` holds each file's
        status signature taken before it was read (:func:`stat_signature`); rows of hits whose status
        changed (a ``touch``) are updated so that the next scan need not hash them."""
        if self._db is None:
            return
        rows = []
        for ff in facts:
            f = ff.file
            if f.parse.status in ("failed", "skipped") or not f.sha256:
                continue
            key = self.key(f.path, f.language, f.detected_by, f.sha256)
            rows.append((f.path, key, pickle.dumps((key, ff), protocol=pickle.HIGHEST_PROTOCOL),
                         (stats or {}).get(f.path, "")))
        gone = [(p,) for p in self._rows if p not in keep]
        stored = {r[0] for r in rows}
        restat = [(s, p) for p, s in (stats or {}).items()
                  if p not in stored and p in self._rows and s and self._rows[p][2] != s]
        if not rows and not gone and not restat:
            return
        try:
            with contextlib.closing(self._db.cursor()) as cur:
                cur.execute("BEGIN IMMEDIATE")
                try:
                    cur.executemany("INSERT OR REPLACE INTO facts (path, key, blob, stat) VALUES (?, ?, ?, ?)", rows)
                    cur.executemany("UPDATE facts SET stat = ? WHERE path = ?", restat)
                    cur.executemany("DELETE FROM facts WHERE path = ?", gone)
                    cur.execute("COMMIT")
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
            self.stats.stored += len(rows)
        except sqlite3.Error:
            pass  # a cache that cannot be written costs speed on the next scan, never this scan's result

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


# A status taken this close to the file's last change is not trusted: the file could change again
# within the same timestamp tick (coarse filesystem clocks) without its status changing.
RACY_SECONDS = 2.0


def stat_signature(path: str) -> str:
    """``size:mtime_ns:ctime_ns:inode`` of a file, or "" when it cannot be trusted to detect a change."""
    try:
        st = os.stat(path)
    except OSError:
        return ""
    now = time.time_ns()
    if now - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_SECONDS * 1e9:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def clear(directory: Path) -> bool:
    """Delete a cache folder; True when there was one."""
    if not directory.exists():
        return False
    shutil.rmtree(directory)
    return True
