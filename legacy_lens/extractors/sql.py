"""SQL extractor: DDL (DB2, Oracle, T-SQL), Oracle PL/SQL, T-SQL and DB2 SQL PL stored code.

The public functions:

* ``extract`` (the language extractor): tables, views, packages, procedures,
  functions, triggers and types with their table use, calls and dynamic SQL
  (``sql_code``, on the tokenizer of ``sql_lex``);
* ``dml_tables`` (``sql_dml``): the tables of a DML statement, used by the
  COBOL extractor for ``EXEC SQL`` and by other languages for SQL in strings;
* ``table_columns``: the columns of every ``CREATE TABLE`` of a file, for the
  data dictionary;
* ``table_target``: the ``table:`` name a reference to a (schema-qualified) table
  should use, so that every language meets the DDL's ``table:NAME``.
"""

from __future__ import annotations

from typing import Any

from legacy_lens.extractors.sql_code import Analyser
from legacy_lens.extractors.sql_ddl import table_target
from legacy_lens.extractors.sql_dml import dml_tables
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import Column, Extraction, ParseQuality

__all__ = ["dml_tables", "extract", "table_columns", "table_target"]


def table_columns(text: str) -> dict[str, list[dict[str, Any]]]:
    """Columns of the tables a DDL file creates: table name (schema dropped, as in ``table:NAME``) -> columns.

    Each column is a dict: ``name``, ``type`` (upper case, without the parenthesised part: ``VARCHAR2``,
    ``DECIMAL``, ``TIMESTAMP WITH TIME ZONE``; ``COMPUTED`` for a T-SQL computed column), ``length`` and
    ``scale`` (int or None; ``NVARCHAR(MAX)`` has none), ``nullable`` (bool; primary-key columns are not),
    ``default`` (source text, ``WITH DEFAULT`` for DB2's system default, None when there is none),
    ``primary_key`` (inline, table constraint or ``ALTER TABLE ... ADD PRIMARY KEY``), ``identity``
    (IDENTITY / GENERATED AS IDENTITY / AUTO_INCREMENT) and ``line``. Columns added by ``ALTER TABLE
    ... ADD`` follow the created ones. Temporary T-SQL tables (``#t``) are left out. ``extract`` gives
    the same columns as ``Extraction.columns`` (``model.Column``). Never raises.
    """
    try:
        return Analyser(text, "").run().columns
    except Exception:  # the reader is defensive; this is the last line of that defence
        return {}


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Definitions, references and metrics of one SQL file (DDL, PL/SQL, T-SQL or SQL PL)."""
    result = Analyser(text, path).run()
    columns = tuple(
        (f"table:{name}", tuple(Column(c["name"], c["type"], c["line"], c["length"], c["scale"], c["nullable"],
                                       c["primary_key"], c["default"] or "") for c in cols))
        for name, cols in result.columns.items() if cols
    )
    code = result.line_counts.code
    unparsed = len(result.unparsed_lines)
    return Extraction(
        definitions=tuple(result.definitions),
        references=tuple(result.references),
        metrics=tuple(result.metrics),
        columns=columns,
        diagnostics=tuple(result.diagnostics),
        lines=result.line_counts,
        parse=ParseQuality(status="line-parser", parser="line:sql",
                           error_ratio=round(unparsed / code, 4) if code else 0.0, fallback_lines=unparsed),
    )
