"""Perl extractor: packages, subs, imports, program runs and DBI SQL per fixture; tokenizer edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from scanning import edges_of, fixed, scan_dict

from legacy_lens.discover import sniff
from legacy_lens.extractors import perl
from legacy_lens.languages import language_by_name, load_languages
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "perl"
SPEC = language_by_name("perl")


def run(name: str) -> Extraction:
    return perl.extract((FIXTURES / name).read_text(encoding="utf-8"), name, SPEC)


def refs(x: Extraction) -> set[tuple[str, str, str, str, int, str, str, bool]]:
    return {(r.source, r.kind, r.target_kind, r.target, r.line, r.via, r.external, r.optional)
            for r in x.references}


def test_module_with_dbi() -> None:
    x = run("lib/Acme/Payroll/DB.pm")
    m = "perl:Acme::Payroll::DB"
    assert x.parse.status == "line-parser" and x.parse.parser == "line:perl" and x.parse.error_ratio == 0.0
    assert [(d.kind, d.name, d.line, d.end_line, d.parent, d.id) for d in x.definitions] == [
        ("module", "Acme::Payroll::DB", 4, 73, None, m),
        ("routine", "Acme::Payroll::DB::connect_db", 19, 25, m, ""),
        ("routine", "Acme::Payroll::DB::load_rates", 27, 43, m, ""),
        ("routine", "Acme::Payroll::DB::post_run", 45, 62, m, ""),
    ]
    assert refs(x) == {
        (m, "imports", "module", "DBI", 8, "perl-use", "library:DBI", False),
        (m, "imports", "module", "Carp", 9, "perl-use", "library:Carp", False),
        (m, "imports", "module", "POSIX", 10, "perl-use", "library:POSIX", False),
        # a site namespace: no external fallback, unresolved when the scan lacks it
        (m, "imports", "module", "Acme::Payroll::Config", 11, "perl-use", "", False),
        (m, "extends", "module", "Exporter", 12, "perl-use-base", "library:Exporter", False),
        (m, "extends", "module", "Acme::Payroll::Base", 12, "perl-use-base", "", False),
        # "SELECT ..." . "FROM ..." . "WHERE ..." joined, then prepare($sql)
        (m, "reads", "table", "PAY_RATES", 29, "dbi-sql", "", False),
        (m, "updates", "table", "PAY_RUN", 48, "dbi-sql", "", False),  # here-document body
        (m, "writes", "table", "PAY_AUDIT", 53, "dbi-sql", "", False),  # q{...}
        # "DELETE FROM ${schema}.pay_work" then $purge .= " WHERE ..."
        (m, "deletes", "table", "PAY_WORK", 54, "dbi-sql", "", False),
        (m, "reads", "table", "PAY_EXCEPTIONS", 58, "dbi-sql", "", False),
    }
    (cid, metrics), = x.metrics
    assert cid == m
    # while, if, &&, elsif, unless, or, ?:
    assert (metrics.code_lines, metrics.comment_lines, metrics.blank_lines) == (54, 8, 11)
    assert (metrics.complexity, metrics.max_nesting) == (8, 2)


def test_script_runs_programs_and_reads_pod_as_comment() -> None:
    x = run("bin/pay_extract.pl")
    s = "script:bin/pay_extract.pl"
    assert [(d.kind, d.name, d.id) for d in x.definitions] == [("script", "pay_extract.pl", s)]
    assert refs(x) == {
        (s, "imports", "module", "FindBin", 4, "perl-use", "library:FindBin", False),
        (s, "imports", "module", "Getopt::Long", 6, "perl-use", "library:Getopt", False),
        (s, "imports", "module", "Acme::Payroll::DB", 7, "perl-use", "", False),
        (s, "imports", "script", "pay_common.pl", 8, "perl-require", "", False),
        (s, "imports", "module", "Acme::Legacy::Mailer", 9, "perl-require", "", False),
        (s, "runs", "program", "PAYEXT", 23, "shell-command", "", False),  # list form, "$BIN/payext"
        (s, "runs", "program", "PAYSORT", 25, "shell-command", "", True),  # a bare name in a pipeline
        (s, "updates", "table", "PAY_GRADE", 38, "dbi-sql", "", False),
        (s, "runs", "program", "PAYFMT", 44, "shell-command", "", False),  # open(..., "-|", "./bin/payfmt")
    }
    # rm -rf in POD and the system() after __END__ of the module are not code
    assert not any(r.target in ("RM", "NOT_RUN") for r in x.references)
    assert [(d.code, d.line) for d in x.diagnostics] == [("PERL-UNTERMINATED", 50)]
    assert x.parse.fallback_lines == 1 and x.parse.error_ratio == pytest.approx(1 / 34, abs=1e-4)
    (_, m), = x.metrics
    assert (m.comment_lines, m.complexity, m.max_nesting) == (9, 11, 2)


def test_cgi_with_two_packages() -> None:
    x = run("cgi-bin/status.cgi")
    s, p = "script:cgi-bin/status.cgi", "perl:StatusPage"
    assert sniff((FIXTURES / "cgi-bin" / "status.cgi").read_text(encoding="utf-8"), load_languages()) == "perl"
    assert [(d.kind, d.name, d.line, d.end_line, d.parent) for d in x.definitions] == [
        ("script", "status.cgi", 1, 19, None),
        ("module", "StatusPage", 3, 12, None),
        ("routine", "StatusPage::render", 6, 11, p),
    ]
    assert refs(x) == {
        (p, "imports", "module", "CGI", 4, "perl-use", "library:CGI", False),
        (p, "runs", "program", "PAYSTAT", 9, "shell-command", "", False),  # backquotes
        (s, "runs", "program", "PAYPING", 17, "shell-command", "", False),  # system without parentheses
    }
    assert dict(x.metrics)[p].code_lines == 8 and dict(x.metrics)[s].code_lines == 6


@pytest.mark.parametrize(
    ("code", "kinds"),
    [
        ("my $x = $a / $b; my $y = $c / 2;", ["word", "var", "op", "var", "op", "var", "op", "word", "var",
                                              "op", "var", "op", "num"]),
        ("if ($s =~ /a\\/b/) { }", ["word", "op", "var", "op", "str"]),
        ("s{a}{b}g; tr/a-z/A-Z/;", ["str", "op", "str", "op"]),
        ("print $h{s}, $h{y};", ["word", "var", "op", "word", "op", "op", "var", "op", "word", "op"]),
        ("my %h = (q => 1); split /,/, $x;", ["word", "var", "op", "op", "word", "op", "num", "op", "op",
                                               "word", "str", "op", "var"]),
    ],
)
def test_tokenizer_tells_regex_from_division_and_quotes_from_keys(code: str, kinds: list[str]) -> None:
    toks = perl._Lexer(code).run().tokens
    assert [t.kind for t in toks][: len(kinds)] == kinds


@pytest.mark.parametrize(
    "code",
    [
        '$cwd =~ s,\\\\,/,g;\nsystem("./bin/after");\n',  # a comma as the delimiter (Oracle BRM scripts)
        '(-e "log.err") and (-s "log.err") and print "x";\nsystem("./bin/after");\n',  # -s is a file test
        '$m = << "END";\nsystem("./bin/inside");\nEND\nsystem("./bin/after");\n',  # blank before the quote
    ],
)
def test_lexer_regressions_found_on_real_code(code: str) -> None:
    x = perl.extract(code, "r.pl", SPEC)
    assert [r.target for r in x.references] == ["AFTER"]
    assert x.diagnostics == () and x.parse.error_ratio == 0.0


def test_heredocs_and_pod_keep_line_numbers() -> None:
    code = ('my $a = <<"A"; my $b = <<~B;\nSELECT x\n  FROM t1\nA\n    UPDATE t2 SET y = 1\n    B\n'
            '=pod\n\nx\n=cut\nsystem("./bin/late");\n')
    x = perl.extract(code, "h.pl", SPEC)
    assert {(r.kind, r.target, r.line) for r in x.references} == {
        ("reads", "T1", 3), ("updates", "T2", 5), ("runs", "LATE", 11)}
    assert (x.lines.comment, x.lines.blank) == (3, 1)  # the blank line inside POD is blank


@pytest.mark.parametrize(
    "text",
    ["", "\n", "package;", "sub {", "q{" * 5000, "<<EOF\n", "=head1\n" * 100, "s/" * 1000, "'" * 3001,
     "__END__", "\x00\xff junk \ufffd" * 500, "use ;\nrequire;\nsystem(", "{" * 10000 + "}" * 3,
     "$" * 1000, "@{[ @{[ @{[", "x" * 200_000, "open(F, \"|\");\n`;"],
)
def test_never_raises_on_garbage(text: str) -> None:
    x = perl.extract(text, "junk.pl", SPEC)
    assert x.definitions and x.definitions[0].id == "script:junk.pl"
    assert x.parse.status == "line-parser"
    assert 0.0 <= x.parse.error_ratio <= 1.0


def test_modules_scripts_and_programs_link(export) -> None:  # type: ignore[no-untyped-def]
    root = export({
        "lib/Acme/Util.pm": "package Acme::Util;\nsub f { 1 }\n1;\n",
        "bin/run.pl": "#!/usr/bin/perl\nuse Acme::Util;\nuse Acme::Gone;\nuse DBI;\nrequire 'common.pl';\n"
                      "system('./bin/payrun');\n",
        "bin/common.pl": "sub g { 2 }\n1;\n",
        "cbl/PAYRUN.cbl": fixed("IDENTIFICATION DIVISION.", "PROGRAM-ID. PAYRUN.", "PROCEDURE DIVISION.",
                                "    STOP RUN."),
    })
    edges = edges_of(scan_dict(root))
    s = "script:bin/run.pl"
    assert (s, "imports", "perl:Acme::Util", "perl-use", True) in edges
    assert (s, "imports", "module:Acme::Gone", "perl-use", False) in edges
    assert (s, "imports", "library:DBI", "perl-use", True) in edges
    assert (s, "imports", "script:bin/common.pl", "perl-require", True) in edges
    assert (s, "runs", "program:PAYRUN", "shell-command", True) in edges
