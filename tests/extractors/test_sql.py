"""SQL extractor: DDL definitions/references and the reusable ``dml_tables``."""

from __future__ import annotations

from pathlib import Path

import pytest

from legacy_lens.extractors import sql
from legacy_lens.extractors.sql import dml_tables
from legacy_lens.languages import language_by_name

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sql"
SPEC = language_by_name("sql")


def test_payroll_ddl() -> None:
    x = sql.extract((FIXTURES / "payroll.ddl").read_text(encoding="utf-8"), "db/payroll.ddl", SPEC)
    # Ids drop the schema (docs/LANGUAGES.md: table:NAME, view:NAME); the schema stays in the detail.
    assert {(d.kind, d.name, d.line, d.detail) for d in x.definitions} == {
        # the ';' inside a string literal does not split the statement; PRIMARY KEY is no column
        ("table", "EMPLOYEE", 6, "columns=4,indexes=2,schema=PAY"),
        ("table", "DEPARTMENT", 14, "columns=2,schema=PAY"),  # lower case, named constraint
        ("table", "PAYHIST", 23, "columns=3"),
        ("view", "V_EMP_DEPT", 32, "schema=PAY"),
        ("table", "BROKEN", 41, "columns=1"),
    }
    assert {(r.source, r.kind, r.target_kind, r.target, r.line, r.via) for r in x.references} == {
        ("table:EMPLOYEE", "references", "table", "DEPARTMENT", 9, "ddl-fk"),
        ("table:PAYHIST", "references", "table", "EMPLOYEE", 25, "ddl-fk"),
        ("table:DEPARTMENT", "references", "table", "MANAGER", 30, "ddl-fk"),
        ("view:V_EMP_DEPT", "reads", "table", "EMPLOYEE", 34, "ddl-view"),
        ("view:V_EMP_DEPT", "reads", "table", "DEPARTMENT", 35, "ddl-view"),
        ("view:V_EMP_DEPT", "reads", "table", "TERMINATED", 36, "ddl-view"),
    }
    assert {(d.severity, d.code, d.line) for d in x.diagnostics} == {("warning", "SQL-SYNTAX", 41)}
    assert (x.lines.code, x.lines.comment, x.lines.blank) == (31, 3, 7)
    assert x.parse.parser == "line:sql" and x.parse.fallback_lines == 0
    # Every component has metrics of its own lines; a view's complexity counts its CASE WHENs (none here).
    metrics = {cid: (m.code_lines, m.complexity) for cid, m in x.metrics}
    assert metrics == {"table:EMPLOYEE": (7, 0), "table:DEPARTMENT": (5, 0), "table:PAYHIST": (5, 0),
                       "table:BROKEN": (1, 0), "view:V_EMP_DEPT": (6, 1)}


def test_sniff_is_case_insensitive() -> None:
    assert any(p.search("-- x\n  create table t (a int);") for p in SPEC.sniff)
    assert not any(p.search("SELECT * FROM T;") for p in SPEC.sniff)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "SELECT A.X, B.Y INTO :WS-X, :WS-Y FROM EMP A JOIN DEPT B ON A.D = B.D WHERE A.ID = :WS-ID",
            [("reads", "EMP"), ("reads", "DEPT")],
        ),
        ("select * from hr.emp e, hr.dept d where e.d=d.d", [("reads", "HR.EMP"), ("reads", "HR.DEPT")]),
        (
            "SELECT * FROM A INNER JOIN B ON A.K=B.K LEFT OUTER JOIN C ON C.K=B.K, D CROSS JOIN E",
            [("reads", "A"), ("reads", "B"), ("reads", "C"), ("reads", "D"), ("reads", "E")],
        ),
        (
            (
                "UPDATE PAYROLL SET AMT = (SELECT SUM(X) FROM TXN T WHERE T.ID = PAYROLL.ID) "
                "WHERE EXISTS (SELECT 1 FROM AUDIT)"
            ),
            [("updates", "PAYROLL"), ("reads", "TXN"), ("reads", "AUDIT")],
        ),
        ("UPDATE EMP E SET E.SAL = 1", [("updates", "EMP")]),
        (
            "DELETE FROM EMP WHERE ID IN (SELECT ID FROM TERMINATED)",
            [("deletes", "EMP"), ("reads", "TERMINATED")],
        ),
        (
            "DELETE FROM PAY.EMP X WHERE NOT EXISTS (SELECT 1 FROM PAY.DEPT D WHERE D.ID = X.DEPT)",
            [("deletes", "PAY.EMP"), ("reads", "PAY.DEPT")],
        ),
        (
            "INSERT INTO HIST (A, B) SELECT A, B FROM CUR WHERE X = 'FROM BOGUS'",
            [("writes", "HIST"), ("reads", "CUR")],
        ),
        ("INSERT INTO Q.T VALUES (:A, :B:B-IND)", [("writes", "Q.T")]),
        (
            "DECLARE C1 CURSOR WITH HOLD FOR SELECT * FROM EMP WHERE X = 1 FOR UPDATE OF SAL",
            [("reads", "EMP")],
        ),
        (
            "DECLARE C2 CURSOR FOR\n  SELECT E.ID\n    FROM EMP E\n   WHERE E.D IN (SELECT D FROM DEPT)",
            [("reads", "EMP"), ("reads", "DEPT")],
        ),
        ("FETCH C1 INTO :A, :B", []),
        ("FETCH NEXT FROM C1 INTO :A", []),
        ("OPEN C1 USING :X", []),
        ("CLOSE C1", []),
        ("DECLARE EMP TABLE (ID INT)", []),  # DCLGEN declaration, not a use
        ("EXEC SQL SELECT 1 INTO :X FROM SYSIBM.SYSDUMMY1 END-EXEC.", [("reads", "SYSIBM.SYSDUMMY1")]),
        (
            "WITH T1 AS (SELECT * FROM BASE), T2 (C) AS (SELECT C FROM T1) SELECT * FROM T2, OTHER",
            [("reads", "BASE"), ("reads", "OTHER")],
        ),
        (
            (
                "MERGE INTO TGT T USING (SELECT * FROM SRC) S ON T.K = S.K WHEN MATCHED THEN UPDATE SET T.V = S.V "
                "WHEN NOT MATCHED THEN INSERT (K, V) VALUES (S.K, S.V)"
            ),
            [("updates", "TGT"), ("reads", "SRC")],
        ),
        ("SELECT * FROM FINAL TABLE (INSERT INTO ORDERS (ID) VALUES (1))", [("writes", "ORDERS")]),
        (
            "SELECT * FROM TABLE(MYFUNC(1)) AS F, (A LEFT OUTER JOIN B ON A.X=B.X)",
            [("reads", "A"), ("reads", "B")],
        ),
        ("SELECT X -- FROM COMMENTED\n FROM /* JOIN NOPE */ REAL_T", [("reads", "REAL_T")]),
        ('SELECT \'SELECT * FROM NOPE\', "Col" FROM "Mixed"."Tab" Z', [("reads", "MIXED.TAB")]),
        (
            "SeLeCt a FrOm x WhErE b iN (select c from y union select d from z) order by 1 fetch first 1 row only",
            [("reads", "X"), ("reads", "Y"), ("reads", "Z")],
        ),
        ("SELECT * FROM A WHERE A.X = (SELECT MAX(X) FROM A)", [("reads", "A")]),  # deduplicated
        (
            "LOCK TABLE EMP IN EXCLUSIVE MODE; TRUNCATE TABLE WORK IMMEDIATE",
            [("reads", "EMP"), ("deletes", "WORK")],
        ),
        ("SELECT COUNT(*) INTO :N FROM T1 WHERE D > CURRENT DATE - 1 DAY", [("reads", "T1")]),
        ("PREPARE S1 FROM :STMT-TEXT", []),
        ("", []),
        # Deliberate fixes made with the T-SQL reader (no effect on EXEC SQL as DB2 writes it):
        # a table-valued function is not a table ...
        ("SELECT * FROM dbo.split(@list) s JOIN T ON T.K = s.V", [("reads", "T")]),
        ("SELECT * FROM A CROSS APPLY sys.dm_exec_sql_text(A.H) t", [("reads", "A")]),
        # ... but a table with an old-style hint is
        ("SELECT * FROM ORDERS (NOLOCK) WHERE 1 = 0", [("reads", "ORDERS")]),
        # DELETE alias FROM table: FROM is no alias; bracketed and db..table names
        ("DELETE br FROM [dbo].[Results] br JOIN #skip s ON s.id = br.id",
         [("deletes", "BR"), ("reads", "DBO.RESULTS"), ("reads", "#SKIP")]),
        ("SELECT * FROM master..sysdatabases", [("reads", "MASTER.SYSDATABASES")]),
        # T-SQL MERGE without INTO
        ("MERGE dbo.Target AS t USING dbo.Src AS s ON t.K = s.K WHEN MATCHED THEN DELETE",
         [("updates", "DBO.TARGET"), ("reads", "DBO.SRC")]),
        # INTO ends a FROM list: the variables after it are no tables
        ("SELECT A, B FROM T1 INTO :X, :Y", [("reads", "T1")]),
        # TABLE(collection) is a PL/SQL collection, not a table
        ("SELECT COLUMN_VALUE FROM TABLE(P_IDS) WHERE 1 = 1", []),
        # Oracle multi-table insert
        ("INSERT ALL INTO T1 (A) VALUES (1) INTO T2 (B) VALUES (2) SELECT * FROM SRC",
         [("writes", "T1"), ("writes", "T2"), ("reads", "SRC")]),
        ("INSERT FIRST WHEN A > 1 THEN INTO T1 VALUES (A) ELSE INTO T2 VALUES (A) SELECT A FROM SRC",
         [("writes", "T1"), ("writes", "T2"), ("reads", "SRC")]),
    ],
)
def test_dml_tables(text: str, expected: list[tuple[str, str]]) -> None:
    assert dml_tables(text) == expected


@pytest.mark.parametrize(
    "text", ["SELECT * FROM", "SELECT ((( FROM T", "SELECT 'open", "/* open", ")))", "\x00:"]
)
def test_dml_tables_never_raises(text: str) -> None:
    assert isinstance(dml_tables(text), list)
