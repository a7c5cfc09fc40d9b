"""Component kinds and what each one is, in one place.

Every stage that asks "is this a unit of migration?", "is this a data store?"
or "does this kind become a graph node?" asks here, so that a new language's
kinds are declared once.

Ids: global names (mainframe members, Fortran external procedures, PL/SQL
objects, tables, datasets) are ``<kind>:<NAME>``. Names that are only unique
within a path or a package are path- or package-qualified by the extractor,
which sets ``Definition.id`` (``c:src/io.c::read_rec``, ``java:com.acme.Foo``).
"""

from __future__ import annotations

from collections.abc import Iterable

# Units of migration: code that someone has to rewrite, convert or retire. They get effort, risk,
# a place in a wave, and pattern findings are attributed to the innermost one around a line.
UNIT_KINDS: frozenset[str] = frozenset({
    # COBOL, JCL, PL/I, assembler: load modules, copybooks/includes, jobs and cataloged procs
    "program", "copybook", "job", "proc",
    # Fortran program units (a PROGRAM is a ``program``); C/C++ translation units and functions
    "subroutine", "function", "module", "blockdata", "source", "header",
    # Java/C#/VB.NET/VB6/Delphi types and modules; JSP pages
    "class", "form", "unit", "page",
    # PL/SQL and T-SQL stored code
    "package", "procedure", "trigger", "view", "type",
    # shell, REXX, Perl and VBScript scripts
    "script",
})

# Data stores: things programs create, read, update and delete (the CRUD matrix, lineage).
STORE_KINDS: frozenset[str] = frozenset({"table", "file", "dataset", "common"})

# Entry points reached from outside the code: CICS transactions, web URLs, Struts actions, EJBs.
ENTRY_KINDS: frozenset[str] = frozenset({"transaction", "url", "action", "bean"})

# Other definitions that are graph nodes in their own right.
OTHER_COMPONENT_KINDS: frozenset[str] = frozenset({"mapset", "psb", "project", "library"})

# Kinds of definition that are graph nodes; the others (paragraph, section, step, map, method,
# member procedure ...) are parts of the component named by their ``parent``.
COMPONENT_KINDS: frozenset[str] = UNIT_KINDS | STORE_KINDS | ENTRY_KINDS | OTHER_COMPONENT_KINDS


# Edge kinds that only CICS produces (program control and BMS maps).
CICS_EDGE_KINDS: frozenset[str] = frozenset({"xctl", "links", "uses-map"})
DATA_EDGE_KINDS: frozenset[str] = frozenset({"reads", "writes", "updates", "deletes"})


def platform_services(edges: Iterable[tuple[str, str, str]]) -> frozenset[str]:
    """The mainframe services a component's outgoing edges (kind, target id, via) tie it to.

    ``cics``: CICS program control or maps, or a CICS file or transaction; ``ims``: DL/I calls;
    ``db2``: embedded SQL (``EXEC SQL``) on a table. SQL sent from Java, .NET or stored procedures is
    not DB2 coupling: it moves with its database, not with the mainframe. One definition, used by the
    effort multipliers, the risk driver and the skills table alike.
    """
    found: set[str] = set()
    for kind, target, via in edges:
        if kind in CICS_EDGE_KINDS or target.startswith(("file:", "transaction:")):
            found.add("cics")
        elif kind == "ims":
            found.add("ims")
        elif kind in DATA_EDGE_KINDS and via == "exec-sql" and target.startswith("table:"):
            found.add("db2")
    return frozenset(found)
