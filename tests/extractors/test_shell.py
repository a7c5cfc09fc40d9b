"""Shell extractor (tree-sitter bash on sh/ksh/bash) and the command reading shared with Perl and REXX."""

from __future__ import annotations

from pathlib import Path

import pytest
from scanning import edges_of, fixed, scan_dict

from legacy_lens.discover import sniff
from legacy_lens.extractors import scriptcommon as sc
from legacy_lens.extractors import shell
from legacy_lens.languages import language_by_name, load_languages
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "shell"
SPEC = language_by_name("shell")

Refs = set[tuple[str, str, str, int, str, bool]]


def run(name: str) -> Extraction:
    return shell.extract((FIXTURES / name).read_text(encoding="utf-8"), name, SPEC)


def refs(x: Extraction) -> Refs:
    return {(r.kind, r.target_kind, r.target, r.line, r.via, r.optional) for r in x.references}


def test_nightly_driver() -> None:
    x = run("batch/nightly_pay.ksh")
    owner = "script:batch/nightly_pay.ksh"
    assert x.parse.status == "ok" and x.parse.parser == "tree-sitter:bash" and x.parse.error_ratio == 0.0
    assert [(d.kind, d.name, d.line, d.end_line, d.parent, d.id) for d in x.definitions] == [
        ("script", "nightly_pay.ksh", 1, 73, None, owner),
        ("routine", "die", 16, 20, owner, ""),
    ]
    assert {r.source for r in x.references} == {owner}
    assert refs(x) == {
        ("includes", "script", "pay_profile.ksh", 7, "shell-source", False),
        # ${PAYHOME:-/app/pay}: the default is used when the script does not set the variable
        ("includes", "script", "pay_functions.ksh", 8, "shell-source", False),
        # bare names: only count when a program (or a sourced function) of that name exists
        ("runs", "program", "LOG_MSG", 18, "shell-command", True),
        ("calls", "routine", "log_msg", 18, "shell-function", True),
        ("runs", "program", "LOG_MSG", 22, "shell-command", True),
        ("calls", "routine", "log_msg", 22, "shell-function", True),
        # $BIN/$EXTRACT_PGM with both variables set in the script
        ("runs", "program", "PAYEXT", 25, "shell-command", False),
        ("runs", "program", "PAYCALC", 28, "shell-command", True),
        ("calls", "routine", "paycalc", 28, "shell-function", True),
        ("runs", "program", "PAYPOST", 29, "cobrun", False),
        ("runs", "program", "LOG_MSG", 34, "shell-command", True),
        ("calls", "routine", "log_msg", 34, "shell-function", True),
        # the here-document given to $SQLPLUS (= $ORACLE_HOME/bin/sqlplus)
        ("updates", "table", "PAY_RUN", 41, "sqlplus-sql", False),
        ("writes", "table", "PAY_HISTORY", 44, "sqlplus-sql", False),
        ("reads", "table", "EMPLOYEE", 46, "sqlplus-sql", False),
        ("reads", "table", "PAY_CALC", 46, "sqlplus-sql", False),
        ("deletes", "table", "PAY_CALC", 48, "sqlplus-sql", False),
        ("calls", "routine", "PAY_PKG.CLOSE_RUN", 49, "sqlplus-call", True),
        ("calls", "procedure", "CLOSE_RUN", 49, "sqlplus-call", True),
        ("runs", "script", "pay_stats.sql", 50, "sqlplus-file", True),
        ("runs", "script", "pay_archive.ksh", 56, "shell-command", False),
        ("runs", "program", "NOTIFY_OPS", 57, "shell-command", False),
        ("runs", "class", "com.acme.pay.RunNotifier", 58, "java-main", False),
        ("runs", "script", "cleanup_tmp.sh", 59, "shell-command", False),
        ("runs", "program", "PAYRPT", 63, "shell-command", False),
        ("runs", "program", "LOG_MSG", 72, "shell-command", True),
        ("calls", "routine", "log_msg", 72, "shell-function", True),
    }
    details = {(r.target, r.detail) for r in x.references if r.detail}
    assert ("PAYEXT", "path $BIN/$EXTRACT_PGM = /app/pay/bin/payext") in details
    assert ("pay_functions.ksh", "path /app/pay/lib/pay_functions.ksh") in details
    (cid, m), = x.metrics
    assert cid == owner
    # if, elif, && in [[ ]], || after payext, two case branches (not "*)"), for, while, && in the loop
    assert (m.code_lines, m.comment_lines, m.blank_lines, m.complexity, m.max_nesting) == (55, 10, 8, 10, 2)
    assert x.diagnostics == ()


def test_sourced_library_functions_and_clients() -> None:
    x = run("lib/pay_functions.ksh")
    assert [(d.kind, d.name, d.line, d.end_line) for d in x.definitions[1:]] == [
        ("routine", "log_msg", 4, 6), ("routine", "check_db", 8, 14), ("routine", "export_rates", 16, 19)]
    assert refs(x) == {
        ("reads", "table", "PAYROLL.PAY_RUN", 10, "db2-sql", False),
        ("writes", "table", "PAYROLL.RATES", 11, "db2-load", False),
        ("runs", "script", "reorg_pay.sql", 12, "db2-file", True),
        ("reads", "table", "PAYDB.RATE_TABLE", 17, "bcp", False),
        ("deletes", "table", "AUDIT_LOG", 18, "psql-sql", False),
    }


def test_extensionless_bash_found_by_shebang() -> None:
    text = (FIXTURES / "tools" / "rotate_logs").read_text(encoding="utf-8")
    assert sniff(text, load_languages()) == "shell"
    x = run("tools/rotate_logs")
    assert refs(x) == {
        ("deletes", "table", "BATCH_AUDIT", 35, "generated-sql", False),  # cat > x.sql <<'SQL'
        ("runs", "program", "PAYIDX", 40, "shell-command", False),  # inside sh -c "..."
    }
    assert [(d.code, d.line) for d in x.diagnostics] == [("SH-DYNAMIC-COMMAND", 39)]
    assert "$HOOK_CMD" in x.diagnostics[0].message
    (_, m), = x.metrics
    assert (m.complexity, m.max_nesting) == (9, 2)


def test_unparsable_script_is_read_line_by_line() -> None:
    x = run("broken.sh")
    assert x.parse.status == "partial" and x.parse.fallback_used and x.parse.fallback_lines == 9
    assert 0.5 < x.parse.error_ratio < 1.0
    found = {(k, tk, t, line) for k, tk, t, line, _, opt in refs(x) if not opt}
    assert found == {
        ("runs", "program", "PAYFIX", 5),  # $PGM set on line 3
        ("runs", "program", "PAYAUDIT", 6),
        ("includes", "script", "env.sh", 9),
    }
    assert [d.code for d in x.diagnostics] == ["SH-SYNTAX"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ls -l | grep x && ./bin/a -q 2>&1 >/tmp/o", [["ls", "-l"], ["grep", "x"], ["./bin/a", "-q"]]),
        ("A=1 'my prog' \"x y\" <in; b", [["A=1", "my prog", "x y"], ["b"]]),
        ("x $(date +%s) `id -u` y", [["x", "$(date +%s)", "`id -u`", "y"]]),
        ("cat <<EOF | sqlplus", [["cat"], ["sqlplus"]]),
        ("echo \"unterminated", [["echo", "unterminated"]]),
        ("", []),
    ],
)
def test_split_command_line(line: str, expected: list[list[str]]) -> None:
    assert sc.split_command_line(line) == expected


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["/usr/bin/sort", "x"], set()),
        (["grep", "x"], set()),
        (["payrun"], {("runs", "program", "PAYRUN", True)}),
        (["./payrun.exe"], {("runs", "program", "PAYRUN", False)}),
        (["$BIN/$PGM"], {("runs", "program", "$BIN/$PGM", False)}),
        (["$CMD"], set()),
        (["nice", "-n", "5", "env", "A=1", "timeout", "60", "./bin/x"], {("runs", "program", "X", False)}),
        (["ksh", "-x", "run.ksh"], {("runs", "script", "run.ksh", False)}),
        (["perl", "-I", "lib", "tools/load.pl", "a"], {("runs", "script", "load.pl", False)}),
        (["perl", "-e", "print 1"], set()),
        (["java", "-jar", "app.jar"], set()),
        (["java", "-cp", "a.jar", "-Dx=1", "Main"], {("runs", "class", "Main", False)}),
        (["source", "$LIB"], set()),
        (["cobcrun", "PAYPOST"], {("runs", "program", "PAYPOST", False)}),
        (["bcp", "db..t", "in", "f"], {("writes", "table", "DB.T", False)}),
        (["sqlplus", "-s", "u/p@db", "@run.sql"], {("runs", "script", "run.sql", True)}),
        (["mysql", "-e", "UPDATE t SET a=1"], {("updates", "table", "T", False)}),
        (["((", "x"], set()),
    ],
)
def test_command_runs(words: list[str], expected: set[tuple[str, str, str, bool]]) -> None:
    assert {(r.kind, r.target_kind, r.target, r.optional) for r in sc.command_runs(words)} == expected


def test_sql_cleaning_keeps_statements_and_drops_client_commands() -> None:
    text = "set pagesize 0\nUPDATE t\nSET a = 1;\nspool x\n@@sub.sql\nSELECT * FROM &&own..emp, $S.dept\n/\n"
    sql, files = sc.clean_sql(text)
    assert files == ["sub.sql"]
    assert sc.sql_tables(text) == [("updates", "T"), ("reads", "EMP"), ("reads", "DEPT")]
    assert sql.count("\n") == text.count("\n")  # line numbers are kept


def test_variable_expansion() -> None:
    variables = {"BIN": ["/opt/a/bin", "/opt/b/bin"], "P": ["pay$X"], "X": ["run"]}
    assert shell._expand("$BIN/${P}", variables) == ["/opt/a/bin/payrun", "/opt/b/bin/payrun"]
    assert shell._expand("${NOPE:-/d}/x'$BIN'", variables) == ["/d/x$BIN"]
    assert shell._expand("\"$UNSET\"/y", variables) == ["$UNSET/y"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "#!/bin/sh\n",
        "cat <<EOF\nnever closed\n",
        "echo 'unterminated\n" * 50,
        "if then fi esac ;; )) (( {{ }}\n" * 30,
        "x" * 200_000,
        "a=$(b=$(c=$(d)))\n" * 100,
        "\x00\x01\x02 binary\xff\ufffd junk\n" * 100,
        "f() { f; }\n" * 500,
        "sqlplus <<EOF\n" + "SELECT (((((((" * 1000 + "\nEOF\n",
    ],
)
def test_never_raises_on_garbage(text: str) -> None:
    x = shell.extract(text, "junk.sh", SPEC)
    assert x.definitions[0].id == "script:junk.sh"
    assert x.parse.status in ("ok", "partial", "failed")
    assert x.lines.total == len(text.split("\n")) - (1 if text.endswith("\n") else 0) or text == ""


def test_scripts_meet_programs_and_each_other_in_the_graph(export) -> None:  # type: ignore[no-untyped-def]
    root = export({
        "cbl/PAYRUN.cbl": fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. PAYRUN.", "PROCEDURE DIVISION.",
                                "    STOP RUN."),
        "bin/nightly.ksh": "#!/bin/ksh\n. ./lib/common.sh\n./bin/payrun -x\npaycalc\nlog_it start\n"
                           "./bin/missing\n",
        "bin/lib/common.sh": "log_it() { echo \"$*\"; }\n",
    })
    edges = edges_of(scan_dict(root))
    nightly = "script:bin/nightly.ksh"
    assert (nightly, "runs", "program:PAYRUN", "shell-command", True) in edges
    assert (nightly, "includes", "script:bin/lib/common.sh", "shell-source", True) in edges
    assert (nightly, "calls", "script:bin/lib/common.sh", "shell-function", True) in edges
    assert (nightly, "runs", "program:MISSING", "shell-command", False) in edges  # a path: informative
    assert not any(target == "program:PAYCALC" for _, _, target, _, _ in edges)  # a bare guess: dropped
