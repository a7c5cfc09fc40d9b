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
    assert {(d.kind, d.name, d.line, d.detail) for d in x.definitions} == {
        # the ';' inside a string literal does not split the statement; PRIMARY KEY is no column
        ("table", "PAY.EMPLOYEE", 6, "columns=4,indexes=2"),
        ("table", "PAY.DEPARTMENT", 14, "columns=2"),  # lower case, named constraint
        ("table", "PAYHIST", 23, "columns=3"),
        ("table", "PAY.V_EMP_DEPT", 32, "view"),
        ("table", "BROKEN", 41, "columns=1"),
    }
    assert {(r.source, r.kind, r.target_kind, r.target, r.line, r.via) for r in x.references} == {
        ("table:PAY.EMPLOYEE", "references", "table", "PAY.DEPARTMENT", 9, "ddl-fk"),
        ("table:PAYHIST", "references", "table", "PAY.EMPLOYEE", 25, "ddl-fk"),
        ("table:PAY.DEPARTMENT", "references", "table", "PAY.MANAGER", 30, "ddl-fk"),
        ("table:PAY.V_EMP_DEPT", "reads", "table", "PAY.EMPLOYEE", 34, "ddl-view"),
        ("table:PAY.V_EMP_DEPT", "reads", "table", "PAY.DEPARTMENT", 35, "ddl-view"),
        ("table:PAY.V_EMP_DEPT", "reads", "table", "PAY.TERMINATED", 36, "ddl-view"),
    }
    assert {(d.severity, d.code, d.line) for d in x.diagnostics} == {("warning", "SQL-SYNTAX", 41)}
    assert (x.lines.code, x.lines.comment, x.lines.blank) == (31, 3, 7)
    assert x.parse.parser == "line:sql"


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
    ],
)
def test_dml_tables(text: str, expected: list[tuple[str, str]]) -> None:
    assert dml_tables(text) == expected


@pytest.mark.parametrize(
    "text", ["SELECT * FROM", "SELECT ((( FROM T", "SELECT 'open", "/* open", ")))", "\x00:"]
)
def test_dml_tables_never_raises(text: str) -> None:
    assert isinstance(dml_tables(text), list)
