"""Every rule's own YAML test cases, and the rule loader's handling of bad rule files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scanning import scan_dict

from legacy_lens.rules import BUILTIN, Rule, RuleError, load_catalogue, load_file, match_patterns

CATALOGUE = load_catalogue()
# Line-comment markers of languages whose descriptors have not landed yet (cobol uses column 7).
COMMENTS = {"java": ("//", "/*", "*"), "c": ("//", "/*", "*"), "cpp": ("//", "/*", "*"), "fortran": ("!",),
            "sql": ("--",), "plsql": ("--",)}
CASES = [(rule, i, case) for rule in CATALOGUE.rules for i, case in enumerate(rule.tests)]


def _layout(name: str, text: str) -> str:
    """COBOL snippets are written from area A; lay them out in fixed columns (sequence lines stay)."""
    if not name.lower().endswith((".cbl", ".cpy", ".cob")):
        return text
    return "\n".join(line if line[:6].isdigit() or not line.strip() else "       " + line
                     for line in text.splitlines()) + "\n"


def _matches(rule: Rule, case: dict[str, Any], tmp_path: Path) -> bool:
    if "files" in case:
        root = tmp_path / "case"
        for name, text in case["files"].items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_layout(name, text), encoding="utf-8")
        scan = scan_dict(root)
        return any(f["rule"] == rule.code for f in scan["findings"])
    language = case["language"]
    text = _layout("x.cbl", case["code"]) if language == "cobol" else case["code"]
    return any(m.rule == rule.code for m in match_patterns([rule], text, language, COMMENTS.get(language, ())))


def test_every_rule_has_cases_both_ways() -> None:
    for rule in CATALOGUE.rules:
        expects = {case["expect"] for case in rule.tests}
        assert expects == {True, False}, f"{rule.code} needs should_match and should_not_match cases"


def test_builtin_catalogue_loads_cleanly() -> None:
    assert CATALOGUE.errors == ()
    codes = [r.code for r in CATALOGUE.rules]
    assert len(codes) == len(set(codes))
    assert {"LL101", "LL103", "LL105", "LL107", "LL201", "LL202", "LL303", "LL402", "LL501", "LL601"} <= set(codes)


@pytest.mark.parametrize("rule, index, case", CASES, ids=[f"{r.code}-{i}" for r, i, _ in CASES])
def test_rule_case(rule: Rule, index: int, case: dict[str, Any], tmp_path: Path) -> None:
    assert _matches(rule, case, tmp_path) is case["expect"], (rule.code, index)


def test_bad_rule_files_are_reported_and_the_rest_still_load(tmp_path: Path) -> None:
    good = (BUILTIN / "jcl.yml").read_text()
    (tmp_path / "good.yml").write_text(good.replace("LL201", "XX201").replace("LL202", "XX202"))
    (tmp_path / "broken.yml").write_text("- code: XX900\n  name: [unclosed\n")
    (tmp_path / "regex.yml").write_text(
        "- code: XX901\n  name: bad regex\n  category: optional\n  severity: low\n  effort: 1\n"
        "  match: {pattern: {regex: 'a(b'}}\n  docs: {why: w, remediation: r}\n")
    (tmp_path / "dup.yml").write_text(good)
    catalogue = load_catalogue([tmp_path])
    codes = {r.code for r in catalogue.rules}
    assert {"XX201", "XX202", "LL201", "LL202"} <= codes
    errors = "\n".join(catalogue.errors)
    assert "broken.yml: not valid YAML at line 3, column 1" in errors
    assert "rule XX901: pattern regex does not compile at position 1" in errors
    assert "dup.yml: rule LL201 duplicates the code" in errors


@pytest.mark.parametrize("text, message", [
    ("- code: X1\n", "code must look like LL101"),
    ("- code: XX100\n  name: n\n  category: must\n", "category must be one of"),
    ("- code: XX100\n  name: n\n  category: optional\n  severity: low\n  effort: 1\n  match: {guess: 1}\n",
     "match must have exactly one of"),
    ("- code: XX100\n  name: n\n  category: optional\n  severity: low\n  effort: 1\n"
     "  match: {metric: {name: alter_count}}\n", "docs must have 'why'"),
])
def test_rule_validation_messages(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "r.yml"
    path.write_text(text)
    with pytest.raises(RuleError, match=message):
        load_file(path)


def test_fingerprints_survive_shifted_lines(tmp_path: Path) -> None:
    program = ("IDENTIFICATION DIVISION.\nPROGRAM-ID. A.\nPROCEDURE DIVISION.\n"
               "    MOVE 'PROD.PAY.MASTER' TO WS-DSN.\n    MOVE 'PROD.PAY.MASTER' TO WS-DSN2.\n    GOBACK.\n")
    root = tmp_path / "v1"
    root.mkdir()
    (root / "A.cbl").write_text(_layout("A.cbl", program))
    before = {(f["rule"], f["fingerprint"]) for f in scan_dict(root)["findings"]}
    shifted = program.replace("PROCEDURE DIVISION.\n", "PROCEDURE DIVISION.\n    DISPLAY 'NEW LINE'.\n")
    (root / "A.cbl").write_text(_layout("A.cbl", shifted))
    after_scan = scan_dict(root)
    after = {(f["rule"], f["fingerprint"]) for f in after_scan["findings"]}
    assert [f["line"] for f in after_scan["findings"] if f["rule"] == "LL106"] == [5, 6]
    assert before == after and len([x for x in after if x[0] == "LL106"]) == 2
