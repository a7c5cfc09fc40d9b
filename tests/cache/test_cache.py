"""The incremental cache: exact invalidation, identical results, untrusted entries ignored."""

from __future__ import annotations

import json
import pickle
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from scanning import EXAMPLE, fixed
from typer.testing import CliRunner

from legacy_lens import cache as cache_mod
from legacy_lens.cli import app
from legacy_lens.pipeline import ScanStats, scan
from legacy_lens.serialize import to_dict
from legacy_lens.settings import Settings


@pytest.fixture
def estate(tmp_path: Path) -> Path:
    root = tmp_path / "benefits"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".legacy-lens"))
    return root


def run(root: Path, **values: object) -> tuple[str, ScanStats]:
    stats = ScanStats()
    settings = Settings(**{"jobs": 1, "cache": True, **values})  # type: ignore[arg-type]
    result = scan([root], settings, stats=stats)
    return json.dumps(to_dict(result), sort_keys=True), stats


def languages(root: Path) -> Counter[str]:
    text, _ = run(root, cache=False)
    return Counter(f["language"] for f in json.loads(text)["files"] if f["parse"]["status"] not in ("failed",
                                                                                                      "skipped"))


def test_warm_scan_parses_nothing_and_matches_an_uncached_scan(estate: Path) -> None:
    plain, stats0 = run(estate, cache=False)
    cold, stats1 = run(estate)
    warm, stats2 = run(estate)
    assert (estate / ".legacy-lens" / "cache" / cache_mod.DB_NAME).is_file()
    total = stats0.extracted
    assert total > 20
    assert stats1.extracted == total and stats1.cache_hits == 0
    assert stats2.extracted == 0 and stats2.cache_hits == total
    assert plain == cold == warm


def test_changing_one_file_reparses_only_it(estate: Path) -> None:
    run(estate)
    target = next(p for p in sorted(estate.rglob("*")) if p.is_file() and p.parent.name == "cobol")
    target.write_text(target.read_text(encoding="utf-8").replace("PROGRAM-ID.", "PROGRAM-ID. ", 1), encoding="utf-8")
    warm, stats = run(estate)
    assert stats.extracted == 1 and stats.cache_misses == 1
    plain, _ = run(estate, cache=False)
    assert warm == plain


def test_changing_a_language_descriptor_invalidates_that_language_only(estate: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    counts = languages(estate)
    run(estate)
    real = cache_mod.descriptor_hash
    monkeypatch.setattr(cache_mod, "descriptor_hash",
                        lambda folder: real(folder) + ("changed" if folder.name == "cobol" else ""))
    _, stats = run(estate)
    assert stats.extracted == counts["cobol"]
    assert stats.cache_hits == sum(counts.values()) - counts["cobol"]


def test_changing_an_extractor_source_invalidates_the_languages_that_use_it(estate: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    counts = languages(estate)
    run(estate)
    real = cache_mod.source_hash
    monkeypatch.setattr(cache_mod, "source_hash", lambda module: real(module) + ("x" if module.endswith(".jcl")
                                                                                 else ""))
    _, stats = run(estate)
    assert stats.extracted == counts["jcl"] > 0


def test_extractor_dependencies_are_followed() -> None:
    # The COBOL extractor uses the preprocessor and the SQL helpers: editing either must invalidate COBOL.
    cobol: set[str] = set()
    todo = ["legacy_lens.extractors.cobol"]
    while todo:  # transitively, as source_hash follows them
        found = cache_mod._imports(cache_mod._module_file(todo.pop()))  # type: ignore[arg-type]
        todo.extend(found - cobol)
        cobol |= found
    assert {"legacy_lens.extractors.cobol_pre", "legacy_lens.extractors.sql", "legacy_lens.ts"} <= cobol
    # ``from legacy_lens.extractors import x`` names a module, not just the package.
    vb = cache_mod._imports(Path(cache_mod.__file__).parent / "extractors" / "delphi.py")
    assert "legacy_lens.extractors.dotnet" in vb
    model = cache_mod._imports(Path(cache_mod.__file__).parent / "model.py")
    assert "legacy_lens.estimate" not in model  # TYPE_CHECKING imports do not change facts


def test_settings_invalidate_exactly_what_they_affect(estate: Path) -> None:
    counts = languages(estate)
    run(estate)
    _, stats = run(estate, timeout=7.0)  # the time budget does not change facts
    assert stats.extracted == 0
    _, stats = run(estate, measure_raw_parse=True)  # only languages parsed by a grammar
    assert stats.extracted == counts["cobol"] and stats.cache_hits == sum(counts.values()) - counts["cobol"]
    _, stats = run(estate, max_file_bytes=10_000_000)
    assert stats.extracted == sum(counts.values())


def test_corrupt_database_is_replaced(estate: Path) -> None:
    expected, _ = run(estate)
    db = estate / ".legacy-lens" / "cache" / cache_mod.DB_NAME
    db.write_bytes(b"this is not a database" * 100)
    again, stats = run(estate)
    assert again == expected and stats.cache_hits == 0
    _, stats = run(estate)
    assert stats.extracted == 0


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("pickle code ran",))


def test_foreign_and_hostile_entries_are_ignored_and_overwritten(estate: Path, capsys: pytest.CaptureFixture[str]
                                                                 ) -> None:
    expected, stats = run(estate)
    total = stats.extracted
    db = sqlite3.connect(estate / ".legacy-lens" / "cache" / cache_mod.DB_NAME)
    rows = db.execute("SELECT path, key, blob FROM facts ORDER BY path").fetchall()
    (p1, k1, _), (_, _, b2) = rows[0], rows[1]
    db.execute("UPDATE facts SET blob = ? WHERE path = ?", (pickle.dumps((k1, _Boom())), p1))
    db.execute("UPDATE facts SET blob = ? WHERE path = ?", (b2, rows[2][0]))  # another file's facts
    db.commit()
    db.close()
    again, stats = run(estate)
    assert "pickle code ran" not in capsys.readouterr().out
    assert stats.cache_ignored == 2 and stats.extracted == 2 and stats.cache_hits == total - 2
    assert again == expected
    _, stats = run(estate)
    assert stats.extracted == 0


def test_failed_files_are_not_cached(estate: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from legacy_lens.extractors import jcl

    real = jcl.extract
    monkeypatch.setattr(jcl, "extract", lambda *a: (_ for _ in ()).throw(RuntimeError("boom")))
    run(estate)
    monkeypatch.setattr(jcl, "extract", real)
    _, stats = run(estate)
    assert stats.extracted == languages(estate)["jcl"] > 0


def test_worker_pool_uses_the_cache(estate: Path) -> None:
    cold, _ = run(estate, jobs=2)
    warm, stats = run(estate, jobs=2)
    assert stats.extracted == 0 and cold == warm


def test_cli_scan_is_byte_identical_with_and_without_cache_and_clear(estate: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    outs = []
    for name, extra in (("nocache", ["--no-cache"]), ("cold", []), ("warm", [])):
        out = tmp_path / name
        result = runner.invoke(app, ["scan", str(estate), "-o", str(out), "--jobs", "1", "-f", "json", *extra])
        assert result.exit_code == 0, result.output
        outs.append((out / "scan.json").read_bytes())
        if name == "nocache":
            assert not (estate / ".legacy-lens").exists()
    assert outs[0] == outs[1] == outs[2]
    result = runner.invoke(app, ["cache", "clear", str(estate)])
    assert result.exit_code == 0 and "removed" in result.output
    assert not (estate / ".legacy-lens" / "cache").exists()
    custom = tmp_path / "elsewhere"
    result = runner.invoke(app, ["scan", str(estate), "-o", str(tmp_path / "c"), "-j", "1", "-f", "json",
                                 "--cache-dir", str(custom)])
    assert result.exit_code == 0 and (custom / cache_mod.DB_NAME).is_file()
    assert not (estate / ".legacy-lens" / "cache").exists()
    result = runner.invoke(app, ["cache", "clear", "--cache-dir", str(custom)])
    assert result.exit_code == 0 and not custom.exists()


def _with_pattern_hits(estate: Path) -> None:
    (estate / "cobol" / "ZZHITS.cbl").write_text(fixed(
        "IDENTIFICATION DIVISION.", "PROGRAM-ID. ZZHITS.", "DATA DIVISION.", "WORKING-STORAGE SECTION.",
        "01  WS-DSN PIC X(44).", "PROCEDURE DIVISION.",
        "*    MOVE 'PROD.IN.COMMENT' TO WS-DSN.",
        "    MOVE 'PROD.PAYROLL.MASTER' TO WS-DSN.",
        "    EXEC SQL EXECUTE IMMEDIATE :WS-DSN END-EXEC.",
        "    MOVE 'TEST.PAYROLL.MASTER' TO WS-DSN.",
        "    GOBACK.") + "\x1a", encoding="utf-8")
    (estate / "ddl" / "ZZDYN.sql").write_text("CREATE TABLE ZZT (A INT);\nEXECUTE IMMEDIATE 'DROP TABLE X';\n",
                                              encoding="utf-8")


def test_pattern_rules_in_the_workers_match_the_parent_reading_the_files_again(estate: Path) -> None:
    from legacy_lens import analyse as analyse_mod
    from legacy_lens import rules as rl
    from legacy_lens.discover import discover
    from legacy_lens.encoding import decode
    from legacy_lens.languages import language_by_name
    from legacy_lens.pipeline import extract_all

    _with_pattern_hits(estate)
    settings = Settings(jobs=1)
    candidates = list(discover([estate], settings).candidates)
    catalogue = rl.load_catalogue()
    pattern = [r for r in catalogue.rules if r.matcher == "pattern"]
    facts = extract_all(candidates, settings)
    rematched = []
    for ff in facts:
        c = next(c for c in candidates if c.path == ff.file.path)
        text = decode((estate / c.path).read_bytes()).text
        again = rl.match_patterns([r for r in pattern if r.applies_to(c.language)], text, c.language,
                                  language_by_name(c.language).line_comment)
        rematched.append((c.path, again))
        assert ff.matches == tuple((m.rule, m.line, m.text) for m in again)
    assert sum(len(ff.matches) for ff in facts) >= 4
    # The findings of the scan (matches from the workers) are those of matching the re-read texts.
    result = scan([estate], settings)
    old = analyse_mod.analyse(to_dict(result), catalogue, rematched,
                              {ff.file.path: ff.extraction.definitions for ff in facts}, {}, settings.plan, None)
    codes = {r.code for r in pattern}
    expected = [f for f in old.findings if f.rule in codes]
    assert [f for f in result.findings if f.rule in codes] == expected
    assert {f.rule for f in expected} == {"LL106", "LL601"} and len(expected) == 4


RULE = """
- code: ZZ901
  name: Test rule
  languages: [jcl]
  category: optional
  severity: low
  effort: 1
  match:
    pattern: {regex: "DISP=SHR"}
  message: "shared: {text}"
  docs: {why: test, remediation: test}
  tests:
    should_match:
      - {language: jcl, code: "//IN DD DSN=A.B,DISP=SHR"}
    should_not_match:
      - {language: jcl, code: "//IN DD DSN=A.B,DISP=OLD"}
"""


def test_a_pattern_rule_invalidates_only_its_languages(estate: Path, tmp_path: Path) -> None:
    counts = languages(estate)
    rules = tmp_path / "rules"
    rules.mkdir()
    run(estate)
    (rules / "extra.yml").write_text(RULE, encoding="utf-8")
    with_rule, stats = run(estate, rules_paths=(str(rules),))
    assert stats.extracted == counts["jcl"] > 0
    assert any(f["rule"] == "ZZ901" for f in json.loads(with_rule)["findings"])
    plain, _ = run(estate, rules_paths=(str(rules),), cache=False)
    assert with_rule == plain


def test_untouched_files_are_not_read_on_a_warm_scan(estate: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from legacy_lens import pipeline

    monkeypatch.setattr(cache_mod, "RACY_SECONDS", 0.0)  # the files were written a moment ago
    cold, _ = run(estate)
    reads: list[str] = []
    original = pipeline._read_regular

    def counting(path: str, limit: int) -> bytes:
        reads.append(path)
        return original(path, limit)

    monkeypatch.setattr(pipeline, "_read_regular", counting)
    warm, stats = run(estate)
    assert warm == cold and stats.extracted == 0
    # Only cataloged procs that jobs call with symbols are read again, to expand them with the callers' values.
    assert reads and all(path.endswith(".prc") for path in reads)
    reads.clear()
    target = estate / "cobol" / "BNB100.cbl"
    target.write_text(target.read_text(encoding="utf-8") + "      * changed\n", encoding="utf-8")
    _, stats = run(estate)
    assert stats.extracted == 1
    assert reads.count(str(target)) == 2  # hashed against the cache, then extracted
    assert not [path for path in reads if not path.endswith(".prc") and path != str(target)]


def test_a_status_taken_right_after_a_change_is_not_trusted(tmp_path: Path) -> None:
    member = tmp_path / "A.cbl"
    member.write_text("x", encoding="utf-8")
    assert cache_mod.stat_signature(str(member)) == ""  # changed less than RACY_SECONDS ago
    assert cache_mod.stat_signature(str(tmp_path / "missing")) == ""
