"""JCL extractor: exact definitions, references, DD statements and diagnostics per fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from legacy_lens.extractors import jcl
from legacy_lens.languages import language_by_name
from legacy_lens.model import Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "jcl"
SPEC = language_by_name("jcl")

Defs = set[tuple[str, str, int, str | None, str]]
Refs = set[tuple[str, str, str, str, int, str, str]]


def run(name: str) -> Extraction:
    return jcl.extract((FIXTURES / name).read_text(encoding="utf-8"), f"jcl/{name}", SPEC)


def defs(x: Extraction) -> Defs:
    return {(d.kind, d.name, d.line, d.parent, d.detail) for d in x.definitions}


def refs(x: Extraction) -> Refs:
    return {(r.source, r.kind, r.target_kind, r.target, r.line, r.via, r.detail) for r in x.references}


def dds(x: Extraction) -> set[tuple[str, str, str, str, str, str, str, int]]:
    return {(d.owner, d.step, d.program, d.ddname, d.dsn, d.disp, d.access, d.line) for d in x.dd_statements}


def diags(x: Extraction) -> set[tuple[str, str, int | None]]:
    return {(d.severity, d.code, d.line) for d in x.diagnostics}


def test_nightly_job() -> None:
    x = run("nightly.jcl")
    j = "job:NIGHTLY"
    assert x.parse.status == "line-parser" and x.parse.parser == "line:jcl"
    assert defs(x) == {
        ("job", "NIGHTLY", 1, None, "jcllib=PROD.PROCLIB,SYS1.COMMON.PROCLIB"),
        ("step", "STEP010", 13, j, "pgm=PAYCALC"),
        ("step", "STEP020", 29, j, "pgm=PAYRPT"),
        ("step", "ALERT", 33, j, "pgm=ALERTPGM"),
        ("step", "DB2UPD", 35, j, "pgm=IKJEFT01"),
        ("step", "IMSLOAD", 46, j, "pgm=DFSRRC00"),
        ("step", "CLEANUP", 48, j, "proc=PAYCLEAN"),
    }
    assert refs(x) == {
        (j, "includes", "include", "STDENV", 11, "jcl-include", ""),
        (j, "runs", "program", "PAYCALC", 13, "jcl-exec", ""),
        (j, "reads", "dataset", "PROD.LOADLIB", 15, "jcl-dd", "DD STEPLIB DISP=SHR"),
        # unnamed DD: concatenated to STEPLIB
        (j, "reads", "dataset", "SYS1.CEE.SCEERUN", 16, "jcl-dd", "DD STEPLIB DISP=SHR"),
        (j, "reads", "dataset", "PROD.PAYROLL.EMPMAST", 17, "jcl-dd", "DD EMPMAST DISP=SHR"),
        (
            j,
            "writes",
            "dataset",
            "PROD.PAYROLL.PAYOUT",
            18,
            "jcl-dd",
            "DD PAYOUT DISP=(NEW,CATLG,DELETE) gdg=+1",
        ),
        # &HLQ..&CYCLE. with CYCLE set to a quoted value on a continued SET
        (j, "writes", "dataset", "PROD.D1.AUDIT.LOG", 21, "jcl-dd", "DD AUDIT DISP=MOD"),
        (j, "runs", "program", "PAYRPT", 29, "jcl-exec", ""),
        (j, "writes", "dataset", "PROD.PAYROLL.PAYOUT", 30, "jcl-dd", "DD REPORTIN DISP=OLD gdg=+1"),
        (j, "writes", "dataset", "PROD.PAYROLL.REPORT", 31, "jcl-dd", "DD RPTOUT DISP=(,CATLG)"),
        (j, "runs", "program", "ALERTPGM", 33, "jcl-exec", ""),
        (j, "runs", "program", "IKJEFT01", 35, "jcl-exec", ""),
        (j, "reads", "dataset", "PROD.PAYROLL.HISTORY", 37, "jcl-dd", "DD PAYHIST DISP=SHR"),
        (j, "runs", "program", "PAYDB2", 40, "ikjeft01-run", ""),
        (j, "runs", "program", "PAYPOST", 42, "ikjeft01-run", ""),
        (j, "runs", "program", "DFSRRC00", 46, "jcl-exec", ""),
        (j, "runs", "program", "PAYIMS", 46, "dfsrrc00-parm", ""),
        (j, "ims", "psb", "PAYPSB", 46, "dfsrrc00-parm", ""),
        (j, "reads", "dataset", "PROD.IMS.INPUT", 47, "jcl-dd", "DD IMSIN DISP=SHR"),
        (j, "runs", "proc", "PAYCLEAN", 48, "jcl-exec", "symbols: HLQ=TEST; set: CYCLE=D1, HLQ=PROD"),
        (j, "reads", "dataset", "PROD.CTLCARDS", 49, "jcl-dd", "DD SYSIN DISP=SHR member=DELPARM"),
    }
    assert dds(x) == {
        (j, "STEP010", "PAYCALC", "STEPLIB", "PROD.LOADLIB", "SHR", "reads", 15),
        (j, "STEP010", "PAYCALC", "STEPLIB", "SYS1.CEE.SCEERUN", "SHR", "reads", 16),
        (j, "STEP010", "PAYCALC", "EMPMAST", "PROD.PAYROLL.EMPMAST", "SHR", "reads", 17),
        (j, "STEP010", "PAYCALC", "PAYOUT", "PROD.PAYROLL.PAYOUT", "(NEW,CATLG,DELETE)", "writes", 18),
        (j, "STEP010", "PAYCALC", "AUDIT", "PROD.D1.AUDIT.LOG", "MOD", "writes", 21),
        (j, "STEP020", "PAYRPT", "REPORTIN", "PROD.PAYROLL.PAYOUT", "OLD", "writes", 30),
        (j, "STEP020", "PAYRPT", "RPTOUT", "PROD.PAYROLL.REPORT", "(,CATLG)", "writes", 31),
        # behind IKJEFT01 the DDs belong to the program named by RUN PROGRAM
        (j, "DB2UPD", "PAYDB2", "PAYHIST", "PROD.PAYROLL.HISTORY", "SHR", "reads", 37),
        (j, "IMSLOAD", "PAYIMS", "IMSIN", "PROD.IMS.INPUT", "SHR", "reads", 47),
        # //DEL.SYSIN overrides a DD of proc step DEL
        (j, "CLEANUP.DEL", "", "SYSIN", "PROD.CTLCARDS", "SHR", "reads", 49),
    }
    assert diags(x) == set()
    assert x.lines.comment == 4 and x.lines.total == 50
    ((owner, m),) = x.metrics
    # COND= on STEP020, IF, COND.DEL= on CLEANUP
    assert owner == j and m.complexity == 4 and m.comment_lines == 4 and m.code_lines == 46


def test_cataloged_proc_with_symbols() -> None:
    x = run("payproc.prc")
    p = "proc:PAYPROC"
    assert defs(x) == {
        ("proc", "PAYPROC", 2, None, ""),
        ("step", "EXTRACT", 5, p, "pgm=PAYEXT"),
        ("step", "SORT", 10, p, "pgm=SORT"),
        ("step", "FINAL", 14, p, "proc=&NEXTPGM"),
    }
    assert refs(x) == {
        (p, "runs", "program", "PAYEXT", 5, "jcl-exec", ""),
        (p, "reads", "dataset", "PROD.LOADLIB", 6, "jcl-dd", "DD STEPLIB DISP=SHR"),
        # &HLQ.&ENV..MASTER with ENV nullified on the PROC statement
        (p, "reads", "dataset", "PROD.MASTER", 7, "jcl-dd", "DD INFILE DISP=SHR"),
        (p, "writes", "dataset", "PROD.EXTRACT", 8, "jcl-dd", "DD OUTFILE DISP=OLD gdg=0"),
        (p, "runs", "program", "SORT", 10, "jcl-exec", ""),
        (p, "reads", "dataset", "PROD.EXTRACT", 11, "jcl-dd", "DD SORTIN DISP=SHR gdg=0"),
        (p, "reads", "dataset", "&RUNDSN", 12, "jcl-dd", "DD SORTOUT DISP=SHR"),
        (p, "reads", "dataset", "PROD.CTLCARDS", 13, "jcl-dd", "DD SYSIN DISP=SHR member=SORTEXT"),
        (p, "runs", "proc", "&NEXTPGM", 14, "jcl-exec", ""),
    }
    assert {r.target for r in x.references if r.dynamic} == {"&NEXTPGM"}
    assert len(dds(x)) == 6
    assert diags(x) == {("info", "JCL-SYMBOL", 12), ("info", "JCL-SYMBOL", 14)}
    ((owner, m),) = x.metrics
    assert owner == p and m.complexity == 2


def test_instream_proc_overrides_and_utilities() -> None:
    x = run("instream.jcl")
    j, p = "job:INSTREAM", "proc:COPYP"
    assert defs(x) == {
        ("job", "INSTREAM", 1, None, ""),
        ("proc", "COPYP", 3, None, ""),
        ("step", "COPY", 4, p, "pgm=IEBGENER"),
        ("step", "C1", 10, j, "proc=COPYP"),
        ("step", "C2", 11, j, "proc=COPYP"),
        ("step", "LOADCTL", 13, j, "pgm=LOADER"),
        ("step", "BATCH", 20, j, "proc=DB2BATCH"),
        ("step", "DL1", 25, j, "proc=DLIBATCH"),
        ("step", "BMP", 26, j, "pgm=DFSRRC00"),
        ("step", "OTHER", 27, j, "pgm=IKJEFT1B"),
    }
    assert refs(x) == {
        (j, "runs", "proc", "COPYP", 10, "jcl-exec", ""),
        (j, "runs", "proc", "COPYP", 11, "jcl-exec", ""),
        # one set of facts per invocation: defaults overridden differently each time
        (p, "runs", "program", "IEBGENER", 4, "jcl-exec", ""),
        (p, "runs", "program", "ICEGENER", 4, "jcl-exec", ""),
        (p, "reads", "dataset", "ACCT.DAILY", 5, "jcl-dd", "DD SYSUT1 DISP=SHR"),
        (p, "reads", "dataset", "ACCT.WEEKLY", 5, "jcl-dd", "DD SYSUT1 DISP=SHR"),
        (p, "writes", "dataset", "DEFAULT.OUT", 6, "jcl-dd", "DD SYSUT2 DISP=(NEW,CATLG)"),
        (p, "writes", "dataset", "ACCT.BACKUP", 6, "jcl-dd", "DD SYSUT2 DISP=(NEW,CATLG)"),
        (j, "runs", "program", "LOADER", 13, "jcl-exec", ""),
        # the "//NOT DD" inside DD DATA,DLM=$$ is data, not a statement
        (j, "writes", "dataset", "ACCT.LOADED", 19, "jcl-dd", "DD OUT DISP=(MOD,KEEP)"),
        (j, "runs", "proc", "DB2BATCH", 20, "jcl-exec", ""),
        (j, "runs", "program", "ACCTUPD", 22, "ikjeft01-run", ""),
        (j, "reads", "dataset", "ACCT.UPDATES", 24, "jcl-dd", "DD INFILE DISP=SHR"),
        (j, "runs", "proc", "DLIBATCH", 25, "jcl-exec", "symbols: MBR=ACCTIMS, PSB=ACCTPSB"),
        (j, "runs", "program", "ACCTIMS", 25, "ims-proc-mbr", ""),
        (j, "ims", "psb", "ACCTPSB", 25, "ims-proc-mbr", ""),
        (j, "runs", "program", "DFSRRC00", 26, "jcl-exec", ""),
        (j, "runs", "program", "ACCTBMP", 26, "dfsrrc00-parm", ""),
        (j, "ims", "psb", "ACCTBMP", 26, "dfsrrc00-parm", ""),  # a BMP's PSB defaults to the program
        (j, "runs", "program", "IKJEFT1B", 27, "jcl-exec", ""),
        (j, "includes", "member", "RUNCARD", 28, "systsin-member", "dsn=ACCT.CONTROL"),
        (j, "reads", "dataset", "ACCT.CONTROL", 28, "jcl-dd", "DD SYSTSIN DISP=SHR member=RUNCARD"),
    }
    assert dds(x) == {
        (p, "COPY", "IEBGENER", "SYSUT1", "ACCT.DAILY", "SHR", "reads", 5),
        (p, "COPY", "IEBGENER", "SYSUT2", "DEFAULT.OUT", "(NEW,CATLG)", "writes", 6),
        (p, "COPY", "ICEGENER", "SYSUT1", "ACCT.WEEKLY", "SHR", "reads", 5),
        (p, "COPY", "ICEGENER", "SYSUT2", "ACCT.BACKUP", "(NEW,CATLG)", "writes", 6),
        (j, "LOADCTL", "LOADER", "OUT", "ACCT.LOADED", "(MOD,KEEP)", "writes", 19),
        (j, "BATCH.TSO", "ACCTUPD", "INFILE", "ACCT.UPDATES", "SHR", "reads", 24),
        (j, "OTHER", "IKJEFT1B", "SYSTSIN", "ACCT.CONTROL", "SHR", "reads", 28),
    }
    assert diags(x) == {("info", "JCL-SYSTSIN-MEMBER", 28)}
    metrics = dict(x.metrics)
    assert set(metrics) == {j, p}
    assert metrics[p].code_lines == 6 and metrics[j].code_lines + metrics[p].code_lines == x.lines.code


def test_quoted_parm_continued_at_column_16() -> None:
    lexed = jcl._lex((FIXTURES / "instream.jcl").read_text().splitlines(), "jcl/instream.jcl")
    loadctl = next(s for s in lexed.statements if s.name == "LOADCTL")
    assert loadctl.operands == "PGM=LOADER,PARM='a long value, with commas, that ruuuuuns on'"
    assert loadctl.end_line == 14


def test_extensionless_lower_case_member_and_backref() -> None:
    x = run("BATCH01")
    j = "job:BATCH01"
    assert defs(x) == {
        ("job", "BATCH01", 1, None, ""),
        ("step", "S1", 2, j, "pgm=IEFBR14"),
        ("step", "S2", 5, j, "pgm=*.LINK.SYSLMOD"),
    }
    assert refs(x) == {
        (j, "runs", "program", "IEFBR14", 2, "jcl-exec", ""),
        (j, "writes", "dataset", "UGLY.LOWER.CASE", 3, "jcl-dd", "DD DD1 DISP=(NEW,CATLG,DELETE)"),
    }
    assert diags(x) == {("info", "JCL-PGM-BACKREF", 5)}
    assert any(p.search("//BATCH01  JOB (1)") for p in SPEC.sniff)


def test_fragment_without_job_or_proc_and_broken_continuation() -> None:
    x = run("steps.jcl")
    j = "job:STEPS"
    assert defs(x) == {("job", "STEPS", 2, None, ""), ("step", "UNLOAD", 2, j, "pgm=DSNTIAUL")}
    assert refs(x) == {
        (j, "runs", "program", "DSNTIAUL", 2, "jcl-exec", ""),
        (j, "writes", "dataset", "DW.UNLOAD.CUSTOMER", 3, "jcl-dd", "DD SYSREC00 DISP=(NEW,CATLG,DELETE)"),
        (j, "reads", "dataset", "DW.UNLOAD.ORDERS", 4, "jcl-dd", "DD BADCONT"),  # no DISP: reads
        (j, "reads", "dataset", "DW.UNLOAD.ITEMS", 5, "jcl-dd", "DD NEXT DISP=SHR"),
    }
    assert diags(x) == {("warning", "JCL-CONTINUATION", 4)}


def test_proc_file_without_proc_statement_is_a_proc() -> None:
    text = "//S1 EXEC PGM=A\n//IN DD DSN=X.Y,DISP=SHR\n"
    x = jcl.extract(text, "procs/noproc.prc", SPEC)
    assert defs(x) == {("proc", "NOPROC", 1, None, ""), ("step", "S1", 1, "proc:NOPROC", "pgm=A")}


def test_multiple_jobs_in_one_file_and_symbols_reset() -> None:
    text = (
        "//J1 JOB 1\n// SET Q=ONE\n//S EXEC PGM=P1\n//D DD DSN=&Q..DS,DISP=SHR\n"
        "//J2 JOB 2\n//S EXEC PGM=P2\n//D DD DSN=&Q..DS,DISP=SHR\n"
    )
    x = jcl.extract(text, "x/two.jcl", SPEC)
    assert {(d.owner, d.dsn) for d in x.dd_statements} == {("job:J1", "ONE.DS"), ("job:J2", "&Q..DS")}
    assert diags(x) == {("info", "JCL-SYMBOL", 7)}
    assert [o for o, _ in x.metrics] == ["job:J1", "job:J2"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "//",
        "//X",
        "// EXEC",
        "//S EXEC PGM=(",
        "//S DD DSN='OPEN",
        "//P PROC\n//S EXEC PGM=X,",
        "//J JOB\n//D DD DATA\nno end",
        "\x00\x01//*",
        "//J JOB\n//S EXEC PGM=DFSRRC00,PARM=(DLI)\n",
    ],
)
def test_never_raises_on_garbage(text: str) -> None:
    x = jcl.extract(text, "bad/bad.jcl", SPEC)
    assert x.parse.status == "line-parser"
    assert all(d.code != "JCL-INTERNAL" for d in x.diagnostics)


def test_unknown_statement_is_counted_as_unclassified_parse_quality() -> None:
    text = ("//PAYJOB   JOB (ACCT),'PAY'\n//STEP1    EXC  PGM=PAYCALC\n//STEP2    EXEC PGM=PAYRPT\n"
            "//SYSOUT   DD SYSOUT=*\n")
    x = jcl.extract(text, "jcl/typo.jcl", SPEC)
    assert ("warning", "JCL-UNKNOWN-STATEMENT", 2) in diags(x)
    assert x.parse.fallback_lines == 1
    assert x.parse.error_ratio == 0.25
    assert ("job:PAYJOB", "runs", "program", "PAYRPT") in {(r.source, r.kind, r.target_kind, r.target)
                                                          for r in x.references}


def test_delete_dispositions() -> None:
    text = ("//CLEAN    JOB (ACCT),'CLEANUP'\n"
            "//DELWORK  EXEC PGM=IEFBR14\n"
            "//DEL1     DD DSN=PROD.WORK.EXTRACT,DISP=(MOD,DELETE,DELETE),UNIT=SYSDA,SPACE=(TRK,0)\n"
            "//NEW1     DD DSN=PROD.WORK.NEXT,DISP=(NEW,CATLG,DELETE),UNIT=SYSDA,SPACE=(TRK,1)\n"
            "//LOAD     EXEC PGM=PAYLOAD\n"
            "//IN       DD DSN=PROD.WORK.TRANS,DISP=(OLD,DELETE,KEEP)\n"
            "//KEEP     DD DSN=PROD.WORK.MASTER,DISP=(OLD,KEEP)\n")
    x = jcl.extract(text, "jcl/clean.jcl", SPEC)
    access = {(r.kind, r.target) for r in x.references if r.target_kind == "dataset"}
    # IEFBR14 only disposes: a DELETE deletes, a NEW creates; a program's DD is used, then deleted.
    assert access == {("deletes", "PROD.WORK.EXTRACT"), ("writes", "PROD.WORK.NEXT"),
                      ("writes", "PROD.WORK.TRANS"), ("deletes", "PROD.WORK.TRANS"),
                      ("writes", "PROD.WORK.MASTER")}


def test_rexx_and_shell_scripts_run_from_batch() -> None:
    text = ("//REXXJOB  JOB (ACCT),'EXECS'\n"
            "//TSO      EXEC PGM=IKJEFT01\n"
            "//SYSTSIN  DD *\n"
            "  %CLMRPT 2026\n"
            "  EX 'PROD.REXX.EXEC(CLMPURGE)' 'DAYS(30)'\n"
            "  RUN PROGRAM(BNB100) PLAN(BNPLAN)\n"
            "/*\n"
            "//IRX      EXEC PGM=IRXJCL,PARM='CLMLOAD FULL'\n"
            "//USS      EXEC PGM=BPXBATCH,PARM='SH /u/prod/bin/nightly.sh -v'\n")
    x = jcl.extract(text, "jcl/execs.jcl", SPEC)
    runs = {(r.target_kind, r.target, r.via) for r in x.references if r.kind == "runs"}
    assert runs == {("program", "IKJEFT01", "jcl-exec"), ("script", "CLMRPT", "ikjeft01-exec"),
                    ("script", "CLMPURGE", "ikjeft01-exec"), ("program", "BNB100", "ikjeft01-run"),
                    ("program", "IRXJCL", "jcl-exec"), ("script", "CLMLOAD", "irxjcl-parm"),
                    ("program", "BPXBATCH", "jcl-exec"), ("script", "nightly.sh", "bpxbatch-parm")}
