"""SQL extractor, stored code: PL/SQL packages, T-SQL batches, DB2 SQL PL, columns, detection, robustness."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from legacy_lens.discover import sniff
from legacy_lens.encoding import decode
from legacy_lens.extractors import sql
from legacy_lens.extractors.sql import table_columns
from legacy_lens.extractors.sql_code import is_system
from legacy_lens.languages import language_by_name, load_languages
from legacy_lens.model import Column, Extraction

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sql"
SPEC = language_by_name("sql")

Refs = set[tuple[str, str, str, str, int, str] | tuple[str, str, str, str, int, str, bool]]


def run(name: str) -> Extraction:
    return sql.extract(decode((FIXTURES / name).read_bytes()).text, f"sql/{name}", SPEC)


def refs(x: Extraction) -> Refs:
    out: Refs = set()
    for r in x.references:
        out.add((r.source, r.kind, r.target_kind, r.target, r.line, r.via, True) if r.optional
                else (r.source, r.kind, r.target_kind, r.target, r.line, r.via))
    return out


def defs(x: Extraction) -> set[tuple[str, str, int, int | None, str | None, str]]:
    return {(d.kind, d.name, d.line, d.end_line, d.parent, d.detail) for d in x.definitions}


def metrics(x: Extraction) -> dict[str, tuple[int, int, int, int, int, int]]:
    return {cid: (m.code_lines, m.comment_lines, m.blank_lines, m.complexity, m.max_nesting, m.goto_count)
            for cid, m in x.metrics}


def test_package_spec() -> None:
    x = run("hr_payroll.pks")
    p = "package:HR_PAYROLL"
    assert defs(x) == {
        ("package", "HR_PAYROLL", 1, 21, None, "spec,schema=HR"),
        ("routine", "HR_PAYROLL.RUN_MONTH", 17, 17, p, "procedure,spec"),
        ("routine", "HR_PAYROLL.RAISE_SALARY", 18, 18, p, "procedure,spec"),
        ("routine", "HR_PAYROLL.NET_PAY", 19, 19, p, "function,spec"),
        ("routine", "HR_PAYROLL.PURGE_HISTORY", 20, 20, p, "procedure,spec"),
    }
    # the cursor declared in the spec reads its table; SHOW ERRORS after "/" is SQL*Plus, not code
    assert refs(x) == {(p, "reads", "table", "EMPLOYEES", 13, "sql")}
    assert x.parse.fallback_lines == 0 and not x.diagnostics


def test_package_body() -> None:
    x = run("hr_payroll.pkb")
    p = "package:HR_PAYROLL"
    assert defs(x) == {
        ("package", "HR_PAYROLL", 1, 126, None, "body,schema=HR"),
        ("routine", "HR_PAYROLL.LOG_STEP", 6, 6, p, "procedure,forward"),
        ("routine", "HR_PAYROLL.TAX_RATE", 8, 16, p, "function,body"),
        ("routine", "HR_PAYROLL.NET_PAY", 18, 29, p, "function,body"),
        ("routine", "HR_PAYROLL.RAISE_SALARY", 31, 40, p, "procedure,body"),
        ("routine", "HR_PAYROLL.RUN_MONTH", 42, 92, p, "procedure,body"),
        ("routine", "HR_PAYROLL.PURGE_HISTORY", 94, 114, p, "procedure,body"),
        ("routine", "HR_PAYROLL.LOG_STEP", 116, 122, p, "procedure,body"),
    }
    assert refs(x) == {
        # CRUD: SELECT INTO, JOIN, cursor, INSERT in a CASE statement, FORALL DELETE, MERGE (both ways)
        (p, "reads", "table", "TAX_RATES", 11, "sql"),
        (p, "reads", "table", "PAYSLIPS", 24, "sql"),
        (p, "reads", "table", "EMPLOYEES", 25, "sql"),
        (p, "updates", "table", "EMPLOYEES", 38, "sql"),
        (p, "reads", "table", "DEPARTMENTS", 46, "sql"),
        (p, "writes", "table", "PAYSLIPS", 55, "sql"),
        (p, "writes", "table", "PAYSLIPS", 58, "sql"),
        (p, "reads", "table", "EMPLOYEES", 65, "sql"),
        (p, "deletes", "table", "PAYSLIPS", 67, "sql"),
        (p, "updates", "table", "PAYROLL_TOTALS", 69, "sql"),
        (p, "writes", "table", "PAYROLL_TOTALS", 69, "sql"),
        (p, "deletes", "table", "PAYSLIP_HISTORY", 101, "sql"),
        (p, "writes", "table", "PAYROLL_LOG", 119, "sql"),
        # dynamic SQL: a variable whose literal is known, a literal, DBMS_SQL.PARSE of a literal
        (p, "updates", "table", "PAYROLL_RUNS", 75, "dynamic-sql-literal"),
        (p, "dynamic-sql", "dynamic", "HR_PAYROLL.RUN_MONTH.V_SQL", 76, "execute-immediate"),
        (p, "deletes", "table", "PAYROLL_WORK", 77, "dynamic-sql-literal"),
        (p, "dynamic-sql", "dynamic", "HR_PAYROLL.RUN_MONTH.LINE77", 77, "execute-immediate"),
        (p, "deletes", "table", "PAYSLIP_ARCHIVE", 111, "dynamic-sql-literal"),
        (p, "dynamic-sql", "dynamic", "HR_PAYROLL.PURGE_HISTORY.LINE111", 111, "dbms-sql"),
        # calls: own routines (also through a forward declaration), another package, builtin packages
        (p, "calls", "routine", "HR_PAYROLL.TAX_RATE", 28, "expression"),
        (p, "calls", "routine", "AUDIT_PKG.LOG_CHANGE", 39, "call"),
        (p, "calls", "routine", "HR_PAYROLL.LOG_STEP", 48, "call"),
        (p, "calls", "routine", "HR_PAYROLL.LOG_STEP", 53, "call"),
        (p, "calls", "routine", "HR_PAYROLL.LOG_STEP", 86, "call"),
        (p, "calls", "routine", "AUDIT_PKG.LOG_ERROR", 90, "call"),
        (p, "calls", "package", "DBMS_OUTPUT", 82, "call"),
        (p, "calls", "package", "DBMS_SQL", 110, "expression"),  # DBMS_SQL.OPEN_CURSOR, no parentheses
        (p, "calls", "package", "DBMS_SQL", 111, "call"),
        (p, "calls", "package", "DBMS_SQL", 111, "expression"),  # DBMS_SQL.NATIVE
        (p, "calls", "package", "DBMS_SQL", 112, "expression"),
        (p, "calls", "package", "DBMS_SQL", 113, "call"),
        # the spec's cursor, used like a function: a guess that only counts when it resolves
        (p, "calls", "function", "C_ACTIVE", 50, "expression", True),
    }
    details = {(r.target, r.line): r.detail for r in x.references}
    assert details[("EMPLOYEES", 38)] == "UPDATE in HR_PAYROLL.RAISE_SALARY"
    assert details[("DBMS_OUTPUT", 82)] == "DBMS_OUTPUT.PUT_LINE in HR_PAYROLL.RUN_MONTH"
    assert details[("HR_PAYROLL.RUN_MONTH.V_SQL", 76)] == "EXECUTE IMMEDIATE (literal in V_SQL) in HR_PAYROLL.RUN_MONTH"
    # not tables: DUAL, the sequence, collection variables; no call for RAISE_APPLICATION_ERROR, NVL, ROUND
    targets = {r.target for r in x.references}
    assert not targets & {"DUAL", "PAYROLL_RUN_SEQ", "V_IDS", "RAISE_APPLICATION_ERROR", "NVL", "ROUND"}
    # 1 + IF, ELSIF, 2 x FOR, 2 x CASE WHEN, FORALL, IF, 3 x exception WHEN, LOOP, EXIT WHEN, IF = 15;
    # deepest: the CASE branches inside two FOR loops; one GOTO
    assert metrics(x) == {p: (112, 1, 13, 15, 3, 1)}
    assert x.metrics[0][1].paragraphs == 6  # routines with a body
    assert x.parse.fallback_lines == 0 and not x.diagnostics


def test_spec_and_body_in_one_sqlplus_script() -> None:
    x = run("audit_pkg.sql")
    p = "package:AUDIT_PKG"
    d = defs(x)
    assert ("package", "AUDIT_PKG", 8, 39, None, "spec+body") in d
    assert ("script", "audit_pkg.sql", 44, 44, None, "sql script") in d  # the SQL*Plus EXEC at the end
    assert {(k, n) for k, n, *_ in d if k == "routine"} == {
        ("routine", "AUDIT_PKG.LOG_CHANGE"), ("routine", "AUDIT_PKG.LOG_ERROR"), ("routine", "AUDIT_PKG.LAST_CHANGE")}
    assert refs(x) == {
        (p, "writes", "table", "AUDIT_TRAIL", 18, "sql"),
        (p, "writes", "table", "ERROR_LOG", 25, "sql"),
        (p, "dynamic-sql", "dynamic", "AUDIT_PKG.LAST_CHANGE.V_SQL", 36, "execute-immediate"),
        (p, "calls", "package", "UTL_MAIL", 27, "call"),
        ("script:sql/audit_pkg.sql", "calls", "routine", "AUDIT_PKG.LOG_CHANGE", 44, "call"),
    }
    # REM lines are comments, PROMPT/SET/WHENEVER/SHOW/GRANT are classified; nothing is left unparsed
    assert (x.lines.comment, x.parse.fallback_lines) == (2, 0)
    assert metrics(x)[p] == (28, 0, 2, 2, 0, 0)  # exception WHEN OTHERS is the one decision


def test_standalone_procedure_function_and_trigger() -> None:
    x = run("close_period.sql")
    assert defs(x) == {
        ("procedure", "CLOSE_PERIOD", 2, 21, None, "dialect=plsql"),
        ("function", "PERIOD_OF", 24, 29, None, "dialect=plsql"),
        ("routine", "CLOSE_PERIOD.CHECK_OPEN", 6, 11, "procedure:CLOSE_PERIOD", "procedure,local"),
    }
    proc = "procedure:CLOSE_PERIOD"
    assert refs(x) == {
        (proc, "reads", "table", "PAYROLL_RUNS", 9, "sql"),
        (proc, "updates", "table", "PERIODS", 17, "sql"),
        (proc, "calls", "routine", "CLOSE_PERIOD.CHECK_OPEN", 13, "call"),  # a local procedure, no arguments
        (proc, "calls", "routine", "HR_PAYROLL.RUN_MONTH", 18, "call"),
        (proc, "calls", "procedure", "NOTIFY_FINANCE", 19, "call"),
    }
    t = run("employees_biu.trg")
    trg = "trigger:EMPLOYEES_BIU"
    assert defs(t) == {("trigger", "EMPLOYEES_BIU", 1, 19, None,
                        "dialect=plsql,on=EMPLOYEES,timing=before,events=INSERT/UPDATE,level=row,schema=HR")}
    assert refs(t) == {
        (trg, "references", "table", "EMPLOYEES", 2, "trigger"),
        (trg, "writes", "table", "SALARY_ALERTS", 14, "sql"),
        (trg, "calls", "routine", "AUDIT_PKG.LOG_CHANGE", 18, "call"),
    }
    assert next(r.detail for r in t.references if r.kind == "references") == "BEFORE INSERT OR UPDATE FOR EACH ROW"
    assert metrics(t) == {trg: (19, 0, 0, 5, 2, 0)}  # IF, ELSIF, IF, CASE WHEN


def test_tsql_batches() -> None:
    x = run("orders_tsql.sql")
    s = "script:sql/orders_tsql.sql"
    get, arch = "procedure:USP_GETORDERS", "procedure:USP_ARCHIVEORDERS"
    fn, trg = "function:FN_ORDERTOTAL", "trigger:TRG_ORDERS_AUDIT"
    assert defs(x) == {
        ("table", "ORDERS", 12, 20, None, "columns=6,schema=DBO"),
        ("table", "ORDERLINES", 22, 28, None, "columns=4,schema=DBO"),
        ("view", "VW_OPENORDERS", 106, 111, None, "schema=DBO"),
        ("procedure", "USP_GETORDERS", 33, 47, None, "dialect=tsql,schema=DBO"),
        ("procedure", "USP_ARCHIVEORDERS", 49, 76, None, "dialect=tsql,schema=DBO"),
        ("function", "FN_ORDERTOTAL", 78, 88, None, "dialect=tsql,schema=DBO"),
        ("trigger", "TRG_ORDERS_AUDIT", 90, 104, None, "dialect=tsql,on=ORDERS,timing=after,events=INSERT/UPDATE,"
         "schema=DBO"),
        ("script", "orders_tsql.sql", 9, 128, None, "sql script"),
    }
    assert refs(x) == {
        ("table:ORDERLINES", "references", "table", "ORDERS", 23, "ddl-fk"),
        ("view:VW_OPENORDERS", "reads", "table", "ORDERS", 108, "ddl-view"),  # the CTE "recent" is no table
        ("view:VW_OPENORDERS", "reads", "table", "CUSTOMERS", 111, "ddl-view"),
        # IF EXISTS (... sys.objects ...) DROP: a catalogue read, kept qualified for the system catalogue
        (s, "reads", "table", "SYS.OBJECTS", 9, "sql"),
        (get, "reads", "table", "ORDERS", 43, "sql"),  # WITH (NOLOCK)
        (get, "reads", "table", "CUSTOMERS", 44, "sql"),  # Sales..Customers
        (get, "calls", "function", "FN_ORDERTOTAL", 42, "expression", True),
        (arch, "reads", "table", "ORDERS", 55, "sql"),  # INSERT INTO #ids SELECT: the temp table is skipped
        (arch, "dynamic-sql", "dynamic", "USP_ARCHIVEORDERS.@SQL", 60, "sp_executesql"),
        (arch, "deletes", "table", "ORDERLINES", 61, "sql"),  # DELETE ol FROM dbo.OrderLines ol
        (arch, "reads", "table", "ORDERLINES", 61, "sql"),
        (arch, "deletes", "table", "ORDERS", 62, "sql"),
        (arch, "calls", "procedure", "USP_LOGEVENT", 63, "exec"),  # EXEC @rc = dbo.usp_LogEvent
        (arch, "calls", "procedure", "USP_LOGERROR", 72, "exec"),
        (arch, "dynamic-sql", "dynamic", "USP_ARCHIVEORDERS.LINE73", 73, "exec-string"),
        (arch, "deletes", "table", "ARCHIVEQUEUE", 74, "dynamic-sql-literal"),  # EXEC ('DELETE ...')
        (arch, "dynamic-sql", "dynamic", "USP_ARCHIVEORDERS.LINE74", 74, "exec-string"),
        (fn, "reads", "table", "ORDERLINES", 85, "sql"),
        (fn, "reads", "table", "PRODUCTS", 85, "sql"),
        (trg, "references", "table", "ORDERS", 90, "trigger"),
        (trg, "writes", "table", "ORDERAUDIT", 98, "sql"),  # FROM inserted/deleted: pseudo-tables
        (trg, "updates", "table", "ORDERS", 102, "sql"),  # UPDATE o ... FROM dbo.Orders o
        (trg, "reads", "table", "ORDERS", 103, "sql"),
        (s, "reads", "table", "ORDERS", 116, "sql"),  # DECLARE ... CURSOR FOR SELECT in the repair run
        (s, "calls", "procedure", "USP_RECALCFREIGHT", 121, "exec"),
        (s, "calls", "procedure", "SP_ADDEXTENDEDPROPERTY", 127, "exec"),
    }
    m = metrics(x)
    assert m[arch] == (26, 0, 2, 5, 2, 0)  # IF, ELSE IF, CATCH, IF; the IF inside TRY is two deep
    assert m[get] == (14, 0, 1, 2, 1, 0)
    assert m["view:VW_OPENORDERS"][3] == 2  # CASE WHEN
    assert x.parse.fallback_lines == 0 and not x.diagnostics


def test_utf16_copies_give_the_same_facts() -> None:
    plain = run("orders_tsql.sql")
    for name in ("orders_tsql_utf16.sql", "orders_tsql_utf16_nobom.sql"):
        data = (FIXTURES / name).read_bytes()
        decoded = decode(data)
        assert decoded.encoding == ("utf-16" if data.startswith(b"\xff\xfe") else "utf-16-le")
        x = sql.extract(decoded.text, "sql/orders_tsql.sql", SPEC)  # CRLF line ends
        assert (defs(x), refs(x), x.metrics, x.lines) == (defs(plain), refs(plain), plain.metrics, plain.lines)


def test_db2_sql_pl_external_procedure_and_trigger() -> None:
    x = run("pay_procs.db2")
    assert defs(x) == {
        ("procedure", "CALC_BONUS", 3, 28, None, "dialect=db2,schema=PAY"),
        ("procedure", "PAYCALC_EXT", 30, 34, None, "dialect=db2,external,language=COBOL,schema=PAY"),
        ("trigger", "BONUS_AI", 36, 40, None, "dialect=db2,on=BONUS,timing=after,events=INSERT,level=row,schema=PAY"),
    }
    assert refs(x) == {
        ("procedure:CALC_BONUS", "reads", "table", "EMPLOYEE", 12, "sql"),  # DECLARE C1 CURSOR FOR SELECT
        ("procedure:CALC_BONUS", "writes", "table", "BONUS", 21, "sql"),
        ("procedure:CALC_BONUS", "calls", "procedure", "LOG_SKIP", 23, "call"),  # CALL PAY.LOG_SKIP: PAY is a schema
        ("procedure:PAYCALC_EXT", "calls", "program", "PAYCALC", 30, "external-name"),  # the COBOL load module
        ("trigger:BONUS_AI", "references", "table", "BONUS", 37, "trigger"),
        ("trigger:BONUS_AI", "updates", "table", "EMPLOYEE", 40, "sql"),  # the single triggered statement
    }
    assert metrics(x)["procedure:CALC_BONUS"] == (26, 0, 0, 4, 2, 0)  # LOOP, IF, ELSEIF
    assert x.parse.fallback_lines == 0 and not x.diagnostics


def test_ugly_install_script() -> None:
    x = run("ugly_install.sql")
    d = defs(x)
    assert ("package", "VENDOR_TAX", 8, 14, None, "body,wrapped") in d
    assert ("type", "MONEY_T", 17, 35, None, "spec+body") in d
    assert ("trigger", "PAYSLIPS_CT", 38, 53, None, "dialect=plsql,on=PAYSLIPS,timing=for,events=INSERT/UPDATE") in d
    assert ("procedure", "HALF_DONE", 56, 62, None, "dialect=plsql") in d
    assert ("routine", "MONEY_T.IN_EUR", 25, 30, "type:MONEY_T", "function,body") in d
    s = "script:sql/ugly_install.sql"
    assert refs(x) == {
        ("type:MONEY_T", "reads", "table", "FX_RATES", 28, "sql"),
        ("type:MONEY_T", "calls", "function", "MONEY_T", 33, "expression", True),  # a constructor
        ("trigger:PAYSLIPS_CT", "references", "table", "PAYSLIPS", 39, "trigger"),
        ("trigger:PAYSLIPS_CT", "updates", "table", "EMPLOYEES", 51, "sql"),  # FORALL in a timing point
        ("procedure:HALF_DONE", "deletes", "table", "WORK_QUEUE", 59, "sql"),
        # q'{...}' holds "; -- END;" without ending anything; conditional compilation keeps both branches
        (s, "deletes", "table", "TEMP_RESULTS", 70, "dynamic-sql-literal"),
        (s, "dynamic-sql", "dynamic", "sql/ugly_install.sql.V_SQL", 73, "execute-immediate"),
        (s, "dynamic-sql", "dynamic", "sql/ugly_install.sql.LINE75", 75, "execute-immediate"),
        (s, "reads", "table", "SETTINGS", 80, "sql"),  # FROM &app_owner..settings
        (s, "calls", "routine", "VENDOR_TAX.RECALC", 81, "call"),
        (s, "writes", "table", "AUDIT_TRAIL", 87, "sql"),
    }
    assert {(g.severity, g.code, g.line) for g in x.diagnostics} == {
        ("warning", "SQL-SYNTAX", 87),  # the unterminated literal at the end
        ("info", "SQL-WRAPPED", 8),
        ("warning", "SQL-STRUCTURE", 62),  # END half_done closes the procedure with its IF still open
        ("info", "SQL-UNPARSED", 8),
    }
    # wrapped body, merge-conflict markers and the editor's notes are what the reader could not classify
    assert x.parse.fallback_lines == 14
    assert x.parse.error_ratio == round(14 / x.lines.code, 4)


def test_table_columns() -> None:
    cols = table_columns((FIXTURES / "orders_tsql.sql").read_text(encoding="utf-8"))
    assert list(cols) == ["ORDERS", "ORDERLINES"]  # #ids, created in a procedure, is no table
    orders = {c["name"]: c for c in cols["ORDERS"]}
    assert orders["ORDERID"] == {"name": "ORDERID", "type": "INT", "length": None, "scale": None, "nullable": False,
                                 "default": None, "primary_key": True, "identity": True, "line": 13}
    assert (orders["CUSTOMERID"]["type"], orders["CUSTOMERID"]["length"], orders["CUSTOMERID"]["nullable"]) == (
        "NCHAR", 5, True)
    assert orders["ORDERDATE"]["default"] == "(GETDATE())" and orders["ORDERDATE"]["nullable"] is False
    assert orders["TOTAL"]["type"] == "COMPUTED"
    assert (orders["NOTES"]["type"], orders["NOTES"]["length"]) == ("NVARCHAR", None)  # NVARCHAR(MAX)
    lines = {c["name"]: c for c in cols["ORDERLINES"]}
    assert (lines["QTY"]["type"], lines["QTY"]["length"], lines["QTY"]["scale"], lines["QTY"]["default"]) == (
        "DECIMAL", 9, 2, "1")
    assert [c["name"] for c in cols["ORDERLINES"] if c["primary_key"]] == ["ORDERID", "LINENUMBER"]


def test_extraction_columns_are_model_columns() -> None:
    x = run("payroll.ddl")
    columns = dict(x.columns)
    assert list(columns) == ["table:EMPLOYEE", "table:DEPARTMENT", "table:PAYHIST", "table:BROKEN"]
    assert columns["table:EMPLOYEE"][0] == Column("EMP_ID", "CHAR", 7, 6, None, False, True, "")
    assert columns["table:EMPLOYEE"][1].default == "'N/A; none'"
    assert columns["table:EMPLOYEE"][3] == Column("SALARY", "DECIMAL", 10, 9, 2, True, False, "")
    assert [c.name for c in columns["table:DEPARTMENT"] if c.primary_key] == ["DEPT_ID"]


def test_table_columns_oracle_types_and_alter_table() -> None:
    text = """
CREATE TABLE hr.jobs (
  job_id      VARCHAR2(10 BYTE) CONSTRAINT job_id_nn NOT NULL,
  min_salary  NUMBER(6) DEFAULT 0,
  max_salary  NUMBER,
  rate        NUMBER(*,0),
  updated     TIMESTAMP(6) WITH LOCAL TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,
  span        INTERVAL DAY(2) TO SECOND(6),
  ratio       DOUBLE PRECISION,
  big         BIGINT GENERATED ALWAYS AS IDENTITY,
  note        CHAR(10) FOR BIT DATA WITH DEFAULT
);
ALTER TABLE hr.jobs ADD CONSTRAINT job_id_pk PRIMARY KEY (job_id);
ALTER TABLE hr.jobs ADD (grade CHAR(1), band NUMBER(2,1) NOT NULL);
"""
    cols = {c["name"]: c for c in table_columns(text)["JOBS"]}
    assert list(cols) == ["JOB_ID", "MIN_SALARY", "MAX_SALARY", "RATE", "UPDATED", "SPAN", "RATIO", "BIG", "NOTE",
                          "GRADE", "BAND"]
    assert (cols["JOB_ID"]["type"], cols["JOB_ID"]["length"], cols["JOB_ID"]["primary_key"]) == ("VARCHAR2", 10, True)
    assert (cols["MIN_SALARY"]["length"], cols["MIN_SALARY"]["default"]) == (6, "0")
    assert (cols["MAX_SALARY"]["type"], cols["MAX_SALARY"]["length"]) == ("NUMBER", None)
    assert (cols["RATE"]["length"], cols["RATE"]["scale"]) == (None, 0)
    assert cols["UPDATED"]["type"] == "TIMESTAMP WITH LOCAL TIME ZONE" and cols["UPDATED"]["nullable"] is False
    assert cols["UPDATED"]["default"] == "SYSTIMESTAMP" and cols["UPDATED"]["length"] == 6
    assert (cols["SPAN"]["type"], cols["SPAN"]["length"]) == ("INTERVAL DAY TO SECOND", 2)
    assert cols["RATIO"]["type"] == "DOUBLE PRECISION" and cols["BIG"]["identity"] is True
    assert (cols["NOTE"]["type"], cols["NOTE"]["default"]) == ("CHAR", "WITH DEFAULT")  # DB2 system default
    assert (cols["BAND"]["length"], cols["BAND"]["scale"], cols["BAND"]["nullable"]) == (2, 1, False)


def test_detection_patterns() -> None:
    specs = load_languages()
    for name in ("hr_payroll.pks", "hr_payroll.pkb", "employees_biu.trg", "close_period.sql", "orders_tsql.sql",
                 "pay_procs.db2"):
        assert sniff(decode((FIXTURES / name).read_bytes()).text, specs) == "sql", name
    # .prc is claimed by JCL and SQL: their content patterns tell a stored procedure from a cataloged proc
    plsql = "-- payroll\ncreate or replace procedure post_pay (p number) is\nbegin\n  null;\nend;\n/\n"
    jcl_proc = "//PAYPROC  PROC MEMBER=PAY\n//STEP1    EXEC PGM=IEFBR14\n//DD1      DD DSN=A.B,DISP=SHR\n"
    tsql = "SET NOCOUNT ON\nGO\nexec dbo.usp_nightly\nGO\n"
    assert sniff(plsql, specs) == "sql"
    assert sniff(jcl_proc, specs) == "jcl"
    assert sniff(tsql, specs) == "sql"
    assert not any(p.search(jcl_proc) for p in SPEC.sniff)
    assert not any(p.search("go team!\nSELECT is a word in this note") for p in SPEC.sniff)
    assert {".pks", ".pkb", ".prc", ".fnc", ".trg", ".vw", ".tps", ".tpb", ".pls", ".plb", ".sql"} <= set(
        SPEC.extensions)


def test_sniff_patterns_are_linear() -> None:
    import time

    hostile = ["\n" * 16384, " \t\n" * 5000, "GO\n" * 5000, "CREATE " * 2000, "x" * 16384]
    for text in hostile:
        start = time.perf_counter()
        for pattern in SPEC.sniff:
            pattern.search(text)
        assert time.perf_counter() - start < 0.5


def test_system_catalogue() -> None:
    assert is_system("package", "DBMS_OUTPUT") and is_system("package", "UTL_FILE")
    assert not is_system("package", "HR_PAYROLL")
    assert is_system("procedure", "SP_EXECUTESQL") and is_system("procedure", "XP_CMDSHELL")
    assert not is_system("procedure", "SP_ADDCUSTOMER")  # users' sp_ procedures stay application code
    assert is_system("table", "SYS.OBJECTS") and is_system("table", "USER_TAB_COLUMNS")
    assert is_system("table", "V$SESSION") and not is_system("table", "ORDERS")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # T-SQL without semicolons: each statement keyword starts a statement
        ("CREATE PROC p AS\nSELECT 1\nUPDATE t SET a = 1 FROM t JOIN u ON u.k = t.k\nDELETE FROM v\n",
         {("updates", "T"), ("reads", "T"), ("reads", "U"), ("deletes", "V")}),
        # SELECT ... INTO creates a table in T-SQL (a temp table is skipped)
        ("CREATE PROCEDURE p @x int AS\nSELECT a INTO dbo.Snapshot FROM src\nSELECT b INTO #t FROM src2\n",
         {("writes", "SNAPSHOT"), ("reads", "SRC"), ("reads", "SRC2")}),
        # CTE then INSERT; OFFSET .. FETCH stays in the query; IF EXISTS subquery
        ("CREATE PROCEDURE p @a int AS\n;WITH c AS (SELECT * FROM a1) INSERT INTO b1 SELECT * FROM c\n"
         "SELECT * FROM d1 ORDER BY 1 OFFSET 0 ROWS FETCH NEXT 5 ROWS ONLY\n"
         "IF EXISTS (SELECT 1 FROM e1 WHERE k = @a) RETURN\n",
         {("reads", "A1"), ("writes", "B1"), ("reads", "D1"), ("reads", "E1")}),
        # PL/SQL: cursor FOR loop over a subquery, OPEN FOR a static query, RETURNING INTO variables
        ("CREATE OR REPLACE PROCEDURE p IS c SYS_REFCURSOR; v NUMBER; BEGIN\n"
         "FOR r IN (SELECT * FROM loop_src) LOOP NULL; END LOOP;\n"
         "OPEN c FOR SELECT * FROM ref_src;\n"
         "INSERT INTO tgt (a) VALUES (1) RETURNING a INTO v;\nEND;\n/\n",
         {("reads", "LOOP_SRC"), ("reads", "REF_SRC"), ("writes", "TGT")}),
        # Oracle database link and catalogue views
        ("CREATE PROCEDURE p IS n NUMBER; BEGIN SELECT COUNT(*) INTO n FROM emp@hq_link, user_tables; END;\n/",
         {("reads", "EMP"), ("reads", "USER_TABLES")}),
    ],
)
def test_statement_table_use(text: str, expected: set[tuple[str, str]]) -> None:
    x = sql.extract(text, "t.sql", SPEC)
    assert {(r.kind, r.target) for r in x.references if r.target_kind == "table"} == expected


def test_tsql_exec_forms() -> None:
    text = ("CREATE PROCEDURE dbo.p AS\nBEGIN\n"
            "  EXEC dbo.a 1\n  EXECUTE [b];\n  EXEC @rc = srv.db.dbo.c\n  EXEC @proc_name\n"
            "  EXEC sp_executesql @stmt = N'SELECT * FROM dbo.Lit WHERE k = @k', N'@k int', @k = 1\n"
            "  EXECUTE AS USER = 'x'\n  INSERT INTO t EXEC dbo.d\nEND\nGO\n")
    x = sql.extract(text, "p.sql", SPEC)
    got = {(r.kind, r.target_kind, r.target, r.dynamic) for r in x.references}
    assert got == {
        ("calls", "procedure", "A", False), ("calls", "procedure", "B", False), ("calls", "procedure", "C", False),
        ("calls", "procedure", "@PROC_NAME", True),  # the procedure is named at run time
        ("reads", "table", "LIT", False), ("dynamic-sql", "dynamic", "P.LINE7", False),
        ("writes", "table", "T", False), ("calls", "procedure", "D", False),
    }


def test_calls_resolution_rules() -> None:
    text = """CREATE OR REPLACE PACKAGE BODY pkg AS
  g_rec emp%ROWTYPE;
  PROCEDURE own IS BEGIN NULL; END;
  PROCEDURE p (x NUMBER) IS
    v_tab t_tab := t_tab();
  BEGIN
    own;
    pkg.own;
    other_pkg.work(x);
    v_tab.EXTEND;
    v_tab(1) := other_pkg.calc(x) + local_fn(x) + TO_CHAR(x);
    g_rec.field := SYS.DBMS_RANDOM.VALUE;
    utl_file.fclose_all;
    standalone_proc(x => 1);
  END;
END pkg;
/"""
    x = sql.extract(text, "pkg.pkb", SPEC)
    got = {(r.target_kind, r.target, r.line, r.optional) for r in x.references}
    assert got == {
        ("routine", "PKG.OWN", 7, False), ("routine", "PKG.OWN", 8, False),
        ("routine", "OTHER_PKG.WORK", 9, False),
        ("routine", "OTHER_PKG.CALC", 11, True), ("function", "LOCAL_FN", 11, True),
        ("function", "T_TAB", 5, True),  # a collection constructor (its type is declared elsewhere): a guess
        ("package", "DBMS_RANDOM", 12, False), ("package", "UTL_FILE", 13, False),
        ("procedure", "STANDALONE_PROC", 14, False),
    }


def test_metrics_count_only_the_units_own_lines() -> None:
    text = "-- header\nCREATE PROCEDURE a IS\nBEGIN\n  NULL;\nEND;\n/\n\n-- between\n\nCREATE PROCEDURE b IS\n" \
           "  -- inside\nBEGIN\n  WHILE x LOOP\n    IF y THEN GOTO l; END IF;\n  END LOOP;\nEND;\n/\n"
    x = sql.extract(text, "ab.sql", SPEC)
    m = metrics(x)
    assert m["procedure:A"] == (4, 0, 0, 1, 0, 0)
    assert m["procedure:B"] == (6, 1, 0, 3, 2, 1)


@pytest.mark.parametrize(
    "text",
    [
        "", "\x00\x01\x02", "/", "GO", "END;", "END IF; END LOOP; END;", "BEGIN", "BEGIN BEGIN BEGIN",
        "CREATE", "CREATE OR REPLACE", "CREATE OR REPLACE PACKAGE BODY", "CREATE PROCEDURE p IS",
        "CREATE TRIGGER t BEFORE INSERT ON", "CREATE TABLE t (", "CREATE TABLE t (a", "CREATE VIEW v AS",
        "'unterminated", "/* unterminated", "q'[unterminated", "[unterminated", '"unterminated', ":", "::",
        "EXEC", "EXEC (", "EXECUTE IMMEDIATE", "DBMS_SQL.PARSE(", "OPEN c FOR", "<<", ">>", "<<x", "$IF $THEN",
        "&&x..", "--#SET TERMINATOR @\nCREATE PROCEDURE p BEGIN END@@@", "CASE CASE CASE END", "(((((",
        ")))))", "SELECT * FROM", "INSERT INTO", "MERGE", "DECLARE", "CURSOR c IS", "REM", "PROMPT 'x",
        "CREATE PROC p AS IF", "CREATE PROC p AS ELSE ELSE END END END TRY END CATCH", "WITH a AS (",
    ],
)
def test_never_raises(text: str) -> None:
    x = sql.extract(text, "bad.sql", SPEC)
    assert isinstance(x, Extraction)
    assert x.parse.status == "line-parser"
    assert not [d for d in x.diagnostics if d.code == "SQL-INTERNAL"]
    assert isinstance(table_columns(text), dict)


def test_fuzzed_fixtures_never_raise() -> None:
    rng = random.Random(1234)
    sources = [decode(p.read_bytes()).text for p in sorted(FIXTURES.iterdir()) if p.is_file()]
    words = re.findall(r"\S+", "\n".join(sources))
    for _ in range(120):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 400)))
        if rng.random() < 0.3:
            text = text.replace(" ", "\n", rng.randint(0, 50))
        x = sql.extract(text, "fuzz.sql", SPEC)
        assert not [d for d in x.diagnostics if d.code == "SQL-INTERNAL"], text[:200]
    # slices of the fixtures: every prefix cut at a random point
    for src in sources:
        for _ in range(10):
            cut = rng.randint(0, len(src))
            sql.extract(src[:cut], "cut.sql", SPEC)


def test_huge_line_and_many_statements_stay_fast() -> None:
    import time

    big = "INSERT INTO t VALUES (" + ",".join(str(i) for i in range(200_000)) + ");\n"
    many = "SELECT a FROM b WHERE c = 1;\n" * 20_000
    deep = "BEGIN\n" * 3000 + "NULL;\n" + "END;\n" * 3000
    for text in (big, many, deep):
        start = time.perf_counter()
        x = sql.extract(text, "big.sql", SPEC)
        assert time.perf_counter() - start < 20
        assert x.lines.code > 0
