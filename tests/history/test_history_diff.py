"""History database, diffs between scans, quality gates and the CI-facing commands."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from scanning import EXAMPLE, fixed, scan_dict
from typer.testing import CliRunner

from legacy_lens import diff as diff_mod
from legacy_lens import history as history_mod
from legacy_lens.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return scan_dict(EXAMPLE)


def test_history_round_trip(tmp_path: Path, example: dict[str, Any]) -> None:
    db = tmp_path / "h.db"
    first = history_mod.record(db, example, "abc123", "s1", "2026-11-01T00:00:00+00:00")
    second = history_mod.record(db, example, None, "s1", "2026-11-02T00:00:00+00:00")
    assert (first, second) == (1, 2)
    assert history_mod.load_scan(db, "abc123") == example
    assert history_mod.load_scan(db, "#2") == example and history_mod.load_scan(db, "latest") == example
    rows = history_mod.scans(db)
    assert [r.label for r in rows] == ["abc123", None]
    assert rows[0].code_lines == example["summary"]["lines"]["code"]
    assert rows[0].findings["mandatory"] == sum(1 for f in example["findings"] if f["category"] == "mandatory")
    with pytest.raises(history_mod.HistoryError, match="already recorded"):
        history_mod.record(db, example, "abc123", "s1", "2026-11-03T00:00:00+00:00")
    with pytest.raises(history_mod.HistoryError, match="no scan labelled 'nope'"):
        history_mod.load_scan(db, "nope")


def test_corrupt_and_newer_databases_are_refused_and_left_untouched(tmp_path: Path, example: dict[str, Any]) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not sqlite at all" * 100)
    before = corrupt.read_bytes()
    with pytest.raises(history_mod.HistoryError, match="not a legacy-lens history database"):
        history_mod.record(corrupt, example, None, "s", "t")
    assert corrupt.read_bytes() == before
    newer = tmp_path / "newer.db"
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(history_mod.HistoryError, match="newer legacy-lens"):
        history_mod.scans(newer)
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.close()
    with pytest.raises(history_mod.HistoryError, match="holds other tables"):
        history_mod.record(foreign, example, None, "s", "t")


def test_concurrent_writers(tmp_path: Path, example: dict[str, Any]) -> None:
    db = tmp_path / "h.db"
    history_mod.record(db, example, "seed", "s", "t")
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            history_mod.record(db, example, f"job-{i}", "s", "t")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.label or "" for r in history_mod.scans(db)) == sorted(["seed"] + [f"job-{i}" for i in range(8)])


_WRITER = """
import json, sys, time
from legacy_lens import history
scan = json.load(open(sys.argv[2]))
conn = history.open_history(__import__('pathlib').Path(sys.argv[1]))
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO scans (label, recorded_at, tool_version, scan_schema, settings_hash, files, code_lines,"
             " findings_mandatory, findings_optional, findings_potential, unresolved, summary, scan)"
             " VALUES ('half', 't', 'v', '1.0', 's', 1, 1, 0, 0, 0, 0, '{}', x'00')")
print("writing", flush=True)
time.sleep(60)
"""


def test_a_scan_killed_during_its_history_write_leaves_the_history_intact(tmp_path: Path,
                                                                          example: dict[str, Any]) -> None:
    db = tmp_path / "h.db"
    history_mod.record(db, example, "before", "s", "t")
    scan_file = tmp_path / "scan.json"
    scan_file.write_text(json.dumps(example))
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(db), str(scan_file)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert [r.label for r in history_mod.scans(db)] == ["before"]
    history_mod.record(db, example, "after", "s", "t")  # the database is still usable
    assert [r.label for r in history_mod.scans(db)] == ["before", "after"]


def test_unchanged_tree_diffs_to_exactly_zero(example: dict[str, Any]) -> None:
    d = diff_mod.diff(example, scan_dict(EXAMPLE))
    assert diff_mod.is_zero(d), d


PROGRAM = ("IDENTIFICATION DIVISION.", "PROGRAM-ID. {name}.", "PROCEDURE DIVISION.", "MAIN-PARA.")


def _tree(tmp: Path, files: dict[str, str]) -> Path:
    tmp.mkdir()
    for rel, text in files.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_text(text)
    return tmp


def test_diff_on_before_and_after_trees(tmp_path: Path) -> None:
    job = "//NIGHT    JOB (1),'N',CLASS=A\n//S1       EXEC PGM=MAIN\n//S2       EXEC PGM=OLDRPT\n"
    main_v1 = fixed(*[p.format(name="MAIN") for p in PROGRAM], "    MOVE 'PROD.PAY.MASTER' TO WS-DSN.",
                    "    CALL 'SUB'.", "    GOBACK.")
    before = _tree(tmp_path / "before", {
        "jcl/NIGHT.jcl": job,
        "src/MAIN.cbl": main_v1,
        "src/SUB.cbl": fixed(*[p.format(name="SUB") for p in PROGRAM], "    GOBACK."),
        "src/OLDRPT.cbl": fixed(*[p.format(name="OLDRPT") for p in PROGRAM], "    DISPLAY 'OLD'.", "    GOBACK."),
    })
    main_v2 = fixed(*[p.format(name="MAIN") for p in PROGRAM], "    DISPLAY 'SHIFTED'.",
                    "    MOVE 'PROD.PAY.MASTER' TO WS-DSN.", "    CALL 'SUB'.",
                    "    ALTER MAIN-PARA TO PROCEED TO MAIN-PARA.", "    GOBACK.")
    after = _tree(tmp_path / "after", {
        "jcl/NIGHT.jcl": job.replace("//S2       EXEC PGM=OLDRPT\n", ""),
        "moved/MAIN.cbl": main_v2,  # moved to another library, shifted, and a new blocker (ALTER)
        "src/SUB.cbl": fixed(*[p.format(name="SUB") for p in PROGRAM], "    GOBACK."),
    })
    old, new = scan_dict(before), scan_dict(after)
    d = diff_mod.diff(old, new)
    assert d["components"]["removed"] == ["program:OLDRPT"]  # retired
    assert d["components"]["added"] == []
    changed = {c["id"]: c for c in d["components"]["changed"]}
    assert changed["program:MAIN"]["moved_from"] == "src/MAIN.cbl"
    assert [f["rule"] for f in d["findings"]["new"]] == ["LL101"]  # the new blocker
    # The hard-coded dataset finding moved file and line but keeps its fingerprint: unchanged, not new.
    assert "LL106" not in {f["rule"] for f in d["findings"]["new"] + d["findings"]["resolved"]}
    assert d["code_lines"] < 0 and d["effort_p50"] != 0
    results = diff_mod.evaluate(["new-findings:mandatory>0", "new-findings:optional>0", "code-lines-increase>0"],
                                d, new)
    assert [r.failed for r in results] == [True, False, False]
    assert results[0].culprits[0].startswith("LL101 program:MAIN moved/MAIN.cbl:")


def test_rename_by_identical_source(tmp_path: Path) -> None:
    text = fixed(*[p.format(name="OLDNAME") for p in PROGRAM], "    CALL 'SUB'.", "    GOBACK.")
    old = scan_dict(_tree(tmp_path / "a", {"P.cbl": text}))
    renamed = _tree(tmp_path / "b", {"P.cbl": text.replace("PROGRAM-ID. OLDNAME.", "PROGRAM-ID. NEWNAME.")})
    d = diff_mod.diff(old, scan_dict(renamed))
    assert d["components"]["renamed"] and d["components"]["renamed"][0]["from"] == "program:OLDNAME"
    assert d["components"]["renamed"][0]["to"] == "program:NEWNAME"
    assert d["components"]["added"] == [] and d["components"]["removed"] == []


def test_diff_refuses_other_schema_versions(example: dict[str, Any]) -> None:
    other = dict(example, schema_version="2.0")
    with pytest.raises(diff_mod.DiffError, match="cannot be compared"):
        diff_mod.diff(example, other)


@pytest.mark.parametrize("expression", ["nonsense", "new-findings>>1", "risk-up>1", "parse-quality<abc"])
def test_bad_gate_expressions(expression: str) -> None:
    with pytest.raises(diff_mod.GateError, match="cannot read gate"):
        diff_mod.parse_gate(expression)


def test_gate_exit_codes_through_the_cli(tmp_path: Path) -> None:
    root = _tree(tmp_path / "code", {"A.cbl": fixed(*[p.format(name="A") for p in PROGRAM], "    GOBACK.")})
    out1, out2 = tmp_path / "o1", tmp_path / "o2"
    db = tmp_path / "h.db"
    r = runner.invoke(app, ["scan", str(root), "-o", str(out1), "-f", "json", "--history", str(db), "--label", "v1"])
    assert r.exit_code == 0, r.output
    (root / "A.cbl").write_text(fixed(*[p.format(name="A") for p in PROGRAM], "    ALTER MAIN-PARA TO PROCEED TO "
                                      "MAIN-PARA.", "    GOBACK."))
    r = runner.invoke(app, ["scan", str(root), "-o", str(out2), "-f", "json", "--history", str(db), "--label", "v2",
                            "--baseline", "v1", "--fail-on", "new-findings:mandatory>0"])
    assert r.exit_code == 1, r.output
    assert "new-findings:mandatory>0" in r.output and "FAILED" in r.output and "LL101" in r.output
    assert json.loads((out2 / "diff.json").read_text())["gates"][0]["failed"] is True
    r = runner.invoke(app, ["scan", str(root), "-o", str(out2), "-f", "json", "--baseline", str(out1 / "scan.json"),
                            "--fail-on", "new-findings:optional>5"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["scan", str(root), "-o", str(out2), "--fail-on", "risk-increase>5"])
    assert r.exit_code == 2 and "compares with a baseline" in r.output
    r = runner.invoke(app, ["scan", str(root), "-o", str(out2), "--fail-on", "bogus"])
    assert r.exit_code == 2 and "cannot read gate" in r.output
    r = runner.invoke(app, ["trend", "--history", str(db), "--format", "json"])
    assert r.exit_code == 0 and [row["label"] for row in json.loads(r.output)] == ["v1", "v2"]
    r = runner.invoke(app, ["diff", "v1", "v2", "--history", str(db), "--format", "md"])
    assert r.exit_code == 0 and "| Findings new / resolved / unchanged | 1 / 0 / 0 |" in r.output
    r = runner.invoke(app, ["diff", "v1", "missing", "--history", str(db)])
    assert r.exit_code == 2 and "no scan labelled 'missing'" in r.output


def test_git_signals_on_a_small_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-01-01T00:00:00", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00"}

    def git(*args: str, author: str = "ann") -> None:
        subprocess.run(["git", "-c", f"user.name={author}", "-c", f"user.email={author}@example.org", *args],
                       cwd=repo, check=True, capture_output=True, env=env)

    git("init", "-q")
    for i, author in enumerate(["ann", "ann", "bob", "ann"]):
        (repo / "A.cbl").write_text(fixed(*[p.format(name="A") for p in PROGRAM], *["    DISPLAY 'X'."] * (i + 1),
                                          "    GOBACK."))
        git("add", "A.cbl")
        git("commit", "-q", "-m", f"change {i}", author=author)
    scan = scan_dict(repo)
    risk = {d["name"]: d for d in next(c for c in scan["components"] if c["id"] == "program:A")["risk"]["drivers"]}
    assert risk["change frequency"]["detail"].startswith("4 commit(s)")
    assert risk["author concentration"]["value"] == 0.75
    cobol = next(s for s in scan["plan"]["skills"] if s["technology"] == "COBOL")
    assert cobol["authors"] == 2 and cobol["bus_factor"] == 1
    assert scan_dict(repo) == scan  # anchored at the newest commit: the same on every run


def test_change_coupling_and_renames_followed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-01-01T00:00:00", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00"}

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=ann", "-c", "user.email=ann@example.org", *args], cwd=repo,
                       check=True, capture_output=True, env=env)

    git("init", "-q")
    for i in range(6):  # A and B always change together; C alone
        for name in ("A", "B") + (("C",) if i % 2 else ()):
            (repo / f"{name}.cbl").write_text(fixed(*[p.format(name=name) for p in PROGRAM],
                                                    *["    DISPLAY 'X'."] * (i + 1), "    GOBACK."))
        git("add", ".")
        git("commit", "-q", "-m", f"c{i}")
    git("mv", "A.cbl", "ARENAMED.cbl")
    git("commit", "-q", "-m", "rename")
    scan = scan_dict(repo)
    coupling = scan["plan"]["change_coupling"]
    assert coupling[0]["a"] == "ARENAMED.cbl" and coupling[0]["b"] == "B.cbl"
    assert coupling[0]["shared_commits"] == 6 and coupling[0]["components_a"] == ["program:A"]
    risk = {d["name"]: d for d in next(c for c in scan["components"] if c["id"] == "program:A")["risk"]["drivers"]}
    assert risk["change frequency"]["detail"].startswith("7 commit(s)")  # 6 under its old name + the rename


def test_first_nightly_run_with_an_empty_history(tmp_path: Path) -> None:
    root = _tree(tmp_path / "code", {"A.cbl": fixed(*[p.format(name="A") for p in PROGRAM], "    GOBACK.")})
    db = tmp_path / "h.db"
    args = ["scan", str(root), "-o", str(tmp_path / "o"), "-f", "json", "--history", str(db), "--baseline", "latest",
            "--fail-on", "new-findings:mandatory>0", "--fail-on", "parse-quality<0.5"]
    first = runner.invoke(app, [*args, "--label", "one"])
    assert first.exit_code == 0, first.output
    assert "no earlier scan" in first.output
    second = runner.invoke(app, [*args, "--label", "two"])
    assert second.exit_code == 0, second.output
    assert "new-findings:mandatory>0" in second.output and (tmp_path / "o" / "diff.md").is_file()
