"""Scan history in SQLite: one row set per scan, for trends, diffs by label and quality gates.

- Versioned schema (``PRAGMA user_version``) with forward migrations; a newer or corrupt
  database is refused with :class:`HistoryError` and never overwritten.
- WAL journal and a busy timeout, so two CI jobs can record at once; each scan is written in
  one ``BEGIN IMMEDIATE`` transaction, so a scan killed mid-write leaves the history as it was.
- Keeps the summary, per-component metrics and scores, finding fingerprints, the tool and
  settings versions, and the whole ``scan.json`` (compressed) so that ``diff`` can use labels.

PostgreSQL is not supported: a team shares the SQLite file through CI caches instead.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legacy_lens.diff import mean_risk

SCHEMA_VERSION = 1
DEFAULT_PATH = Path(".legacy-lens") / "history.db"


class HistoryError(Exception):
    """The history database cannot be used (exit code 2); the message says why and what to do."""


_MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE scans (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            label TEXT UNIQUE,
            recorded_at TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            scan_schema TEXT NOT NULL,
            settings_hash TEXT NOT NULL,
            files INTEGER NOT NULL,
            code_lines INTEGER NOT NULL,
            effort_p10 REAL, effort_p50 REAL, effort_p90 REAL,
            mean_risk REAL,
            findings_mandatory INTEGER NOT NULL, findings_optional INTEGER NOT NULL,
            findings_potential INTEGER NOT NULL,
            unresolved INTEGER NOT NULL,
            summary TEXT NOT NULL,
            scan BLOB NOT NULL)""",
        """CREATE TABLE components (
            scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
            id TEXT NOT NULL, kind TEXT NOT NULL, language TEXT, file TEXT,
            code_lines INTEGER, complexity INTEGER, effort_p50 REAL, risk REAL,
            PRIMARY KEY (scan_id, id))""",
        """CREATE TABLE findings (
            scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL, rule TEXT NOT NULL, category TEXT NOT NULL, severity TEXT NOT NULL,
            component TEXT NOT NULL)""",
        "CREATE INDEX findings_scan ON findings(scan_id)",
    ],
}


@dataclass(frozen=True, slots=True)
class ScanRow:
    id: int
    label: str | None
    recorded_at: str
    files: int
    code_lines: int
    effort_p10: float | None
    effort_p50: float | None
    effort_p90: float | None
    mean_risk: float | None
    findings: Mapping[str, int]
    unresolved: int
    components: int


def _connect(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode is None:
            raise HistoryError(f"{path}: cannot set the journal mode")
        return conn
    except sqlite3.DatabaseError as exc:
        raise HistoryError(f"{path} is not a legacy-lens history database ({exc}); it was left untouched. "
                           "Point --history at another file.") from exc


def open_history(path: Path, create: bool = True) -> sqlite3.Connection:
    """Open (and create or migrate) a history database; raises HistoryError."""
    if not path.exists():
        if not create:
            raise HistoryError(f"history database not found: {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise HistoryError(f"{path} is not a legacy-lens history database ({exc}); it was left untouched. "
                           "Point --history at another file.") from exc
    if version > SCHEMA_VERSION:
        conn.close()
        raise HistoryError(f"{path} was written by a newer legacy-lens (history schema {version}, this version "
                           f"reads up to {SCHEMA_VERSION}); upgrade legacy-lens. The file was left untouched.")
    if version == 0 and tables - {"sqlite_sequence"}:
        conn.close()
        raise HistoryError(f"{path} holds other tables and is not a legacy-lens history database; it was left "
                           "untouched.")
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _MIGRATIONS[target]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return conn


def _mean_risk(scan: Mapping[str, Any]) -> float | None:
    mean = mean_risk(scan)
    return None if mean is None else round(mean, 2)


def record(path: Path, scan: Mapping[str, Any], label: str | None, settings_hash: str, recorded_at: str) -> int:
    """Store one scan in a single transaction; returns its id. Raises HistoryError (e.g. a reused label)."""
    conn = open_history(path)
    summary = scan["summary"]
    estimate = summary.get("estimate") or {}
    categories = {"mandatory": 0, "optional": 0, "potential": 0}
    for f in scan.get("findings", []):
        categories[f.get("category", "potential")] = categories.get(f.get("category", "potential"), 0) + 1
    blob = zlib.compress(json.dumps(scan, sort_keys=True).encode("utf-8"), 6)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            cur = conn.execute(
                """INSERT INTO scans (label, recorded_at, tool_version, scan_schema, settings_hash, files, code_lines,
                   effort_p10, effort_p50, effort_p90, mean_risk, findings_mandatory, findings_optional,
                   findings_potential, unresolved, summary, scan) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (label, recorded_at, scan["tool"]["version"], scan["schema_version"], settings_hash,
                 summary["files"], summary["lines"]["code"], estimate.get("p10"), estimate.get("p50"),
                 estimate.get("p90"), _mean_risk(scan), categories["mandatory"], categories["optional"],
                 categories["potential"], summary["edges_unresolved"], json.dumps(summary, sort_keys=True), blob))
            scan_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO components VALUES (?,?,?,?,?,?,?,?,?)",
                [(scan_id, c["id"], c["kind"], c.get("language"), c.get("file"),
                  (c.get("metrics") or {}).get("code_lines"), (c.get("metrics") or {}).get("complexity"),
                  (c.get("effort") or {}).get("p50"), (c.get("risk") or {}).get("score"))
                 for c in scan["components"] if c.get("defined")])
            conn.executemany(
                "INSERT INTO findings VALUES (?,?,?,?,?,?)",
                [(scan_id, f["fingerprint"], f["rule"], f.get("category", ""), f["severity"], f["component"])
                 for f in scan.get("findings", [])])
            conn.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            conn.execute("ROLLBACK")
            raise HistoryError(f"label {label!r} is already recorded in {path}; use a new --label") from exc
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return scan_id
    finally:
        conn.close()


def scans(path: Path) -> list[ScanRow]:
    """Every recorded scan, oldest first."""
    conn = open_history(path, create=False)
    try:
        rows = conn.execute(
            """SELECT s.id, s.label, s.recorded_at, s.files, s.code_lines, s.effort_p10, s.effort_p50, s.effort_p90,
                      s.mean_risk, s.findings_mandatory, s.findings_optional, s.findings_potential, s.unresolved,
                      (SELECT COUNT(*) FROM components c WHERE c.scan_id = s.id)
               FROM scans s ORDER BY s.id""").fetchall()
    finally:
        conn.close()
    return [ScanRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                    {"mandatory": r[9], "optional": r[10], "potential": r[11]}, r[12], r[13]) for r in rows]


def load_scan(path: Path, label: str) -> dict[str, Any]:
    """The scan.json recorded under ``label`` (or ``#ID``, or ``latest``); raises HistoryError."""
    conn = open_history(path, create=False)
    try:
        if label == "latest":
            row = conn.execute("SELECT scan FROM scans ORDER BY id DESC LIMIT 1").fetchone()
        elif label.startswith("#") and label[1:].isdigit():
            row = conn.execute("SELECT scan FROM scans WHERE id = ?", (int(label[1:]),)).fetchone()
        else:
            row = conn.execute("SELECT scan FROM scans WHERE label = ?", (label,)).fetchone()
    finally:
        conn.close()
    if row is None:
        raise HistoryError(f"no scan labelled {label!r} in {path}; `legacy-lens trend --history {path}` lists them")
    data: dict[str, Any] = json.loads(zlib.decompress(row[0]).decode("utf-8"))
    return data
