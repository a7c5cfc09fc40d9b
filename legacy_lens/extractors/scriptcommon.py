"""What the commands of shell, Perl and REXX scripts run, and which tables their embedded SQL uses.

The three script extractors meet the rest of the estate at the same nodes: a command that runs a
compiled program becomes ``runs program NAME`` (the upper-case base name, as a C ``main`` or a
COBOL PROGRAM-ID defines it), one that runs or sources another script ``runs``/``includes script``
(its base name), ``java ... com.acme.Main`` ``runs class``, and SQL given to a database client
(here-documents, ``-c``/``-e`` text, DBI strings, DSNREXX) ``reads``/``writes``/``updates``/
``deletes table`` through :func:`legacy_lens.extractors.sql.dml_tables`.

Every function here is pure and never raises on odd input; the tokenizer is a single left-to-right
pass (no regular expression with nested quantifiers).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from legacy_lens.extractors.common import closing_bracket
from legacy_lens.extractors.sql import dml_tables

_CATALOG = Path(__file__).resolve().parent.parent / "catalog" / "shell.toml"
_MAX_DEPTH = 4  # wrappers inside wrappers (``nohup nice env A=1 ./x``), ``sh -c`` inside ``eval``
_MAX_WORDS = 400  # words read of one command; the rest of a pathological line is ignored
_PROGRAM_NAME = re.compile(r"[A-Z0-9_$#@][A-Z0-9_$#@-]{0,63}")
_JAVA_CLASS = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+|[A-Z][\w$]*")
_SCRIPT_EXTS = (".sh", ".ksh", ".bash", ".csh", ".zsh", ".pl", ".pm", ".cgi", ".rex", ".rexx", ".rx")
_PROGRAM_EXTS = (".exe", ".out", ".bin", ".gnt", ".int", ".x")
# Options of a wrapper that take a value (``nice -n 5 ./x``) and positional operands it takes
# before the command (``timeout 60 ./x``).
_WRAPPER_VALUE_OPTS = {
    "nice": {"-n"}, "sudo": {"-u", "-g", "-C", "-p"}, "timeout": {"-s", "-k"}, "ionice": {"-c", "-n", "-p"},
    "xargs": {"-n", "-I", "-P", "-L", "-s", "-d", "-E", "-a"}, "env": {"-u", "-C"}, "stdbuf": {"-i", "-o", "-e"},
}
_WRAPPER_POSITIONALS = {"timeout": 1, "flock": 1, "chroot": 1}
_JAVA_VALUE_OPTS = {"-cp", "-classpath", "--class-path", "-p", "--module-path", "--add-modules",
                    "--add-opens", "--add-exports", "-splash", "--source"}
_SHELL_VALUE_OPTS = {"-o", "-O", "+o"}
_SQL_TEXT_OPTS = {"-c", "-e", "-q", "-Q", "--command", "--execute", "--query", "-query"}
_SQL_FILE_OPTS = {"-f", "-i", "-tvf", "-tf", "-vf", "-tvsf", "-stvf", "--file", "-input", "-inputfile"}
# SQL*Plus, BTEQ and CLP commands that are not SQL (a line starting with one is dropped while no
# SQL statement is open).
_CLIENT_COMMANDS = frozenset({
    "SET", "SPOOL", "WHENEVER", "EXIT", "QUIT", "PROMPT", "COLUMN", "COL", "TTITLE", "BTITLE", "BREAK",
    "COMPUTE", "CONNECT", "CONN", "DISCONNECT", "DISC", "DEFINE", "DEF", "UNDEFINE", "VARIABLE", "VAR",
    "PRINT", "SHOW", "REM", "REMARK", "HOST", "DESC", "DESCRIBE", "ACCEPT", "PAUSE", "CLEAR", "TIMING",
    "REPHEADER", "REPFOOTER", "STORE", "SAVE", "GET", "EDIT", "LIST", "APPEND", "CHANGE", "DEL", "INPUT",
    "STARTUP", "SHUTDOWN", "RECOVER", "ARCHIVE", "TERMINATE", "ECHO", "USE", "\\Q", "\\C", "\\SET",
    "\\ECHO", "\\TIMING", "\\PSET", "\\O", "\\T", "\\A", "--",
})
_SQL_SHAPE = re.compile(
    r"\s*(?:EXECSQL\s+|EXEC\s+SQL\s+)?(?:"
    r"SELECT\s[\s\S]*?\bFROM\s"
    r"|INSERT\s+INTO\s"
    r"|UPDATE\s+[\w$#@.\"]+\s+(?:[\w$#@]+\s+)?SET\s"
    r"|DELETE\s+FROM\s"
    r"|DELETE\s+[\w$#@.\"]+\s+WHERE\s"
    r"|MERGE\s+INTO\s"
    r"|WITH\s+\w+\s+AS\s*\("
    r"|TRUNCATE\s+TABLE\s"
    r"|DECLARE\s+\w+\s+(?:\w+\s+){0,4}CURSOR\s)",
    re.IGNORECASE,
)
# Script variables in SQL text: ``$SCHEMA.`` / ``&&OWNER..`` prefixes are dropped (the table name
# stays), other ``$X``, ``${X}``, ``&X`` become host variables. ``$`` inside a DB2 name is kept.
_DOTTED_VAR = re.compile(r"(?<![\w$#@])(?:\$\{\w+\}|\$\w+|&&?\w+)\.\.?(?=[\w\"])")
_VAR = re.compile(r"(?<![\w$#@])(?:\$\{[^}\n]{0,80}\}|\$\w+|&&?\w+\.?)|@\{\[[^\]\n]{0,80}\]\}")
_PROC_CALL = re.compile(
    r"(?:^|[\s;])(?:EXEC|EXECUTE|CALL)\s+([A-Za-z_][\w$#]*(?:\.[A-Za-z_][\w$#]*){0,2})\s*[(;]?",
    re.IGNORECASE | re.MULTILINE,
)
_BEGIN_CALL = re.compile(
    r"\bBEGIN\s+([A-Za-z_][\w$#]*(?:\.[A-Za-z_][\w$#]*){0,2})\s*(?:\([^;]{0,2000}\))?\s*;\s*END\b",
    re.IGNORECASE,
)
# Data dictionary views and catalogue tables of Oracle, DB2, SQL Server/Sybase, PostgreSQL and MySQL.
_CATALOG_TABLE = re.compile(
    r"(?:SYS\.|PUBLIC\.)?(?:USER|ALL|DBA|CDB)_[A-Z0-9_$#]+$|(?:SYS\.|PUBLIC\.)?G?V_?\$[A-Z0-9_$#]+$"
    r"|(?:SYSIBM|SYSCAT|SYSSTAT|SYSIBMADM|INFORMATION_SCHEMA|PG_CATALOG|MYSQL)\.[A-Z0-9_$#]+$|SYSOBJECTS$|SYSCOLUMNS$"
    r"|SYSINDEXES$|SYSUSERS$|(?:DBO\.)?SYSOBJECTS$"
)
_DUMMY_TABLES = frozenset({"DUAL", "SYSIBM.SYSDUMMY1", "SYSDUMMY1"})
_NOT_PROCEDURES = frozenset({"SQL", "IMMEDIATE", "DBMS_OUTPUT", "DBMS_LOCK", "DBMS_STATS", "SYS", "SYSPROC"})
_DB2_LOAD = re.compile(
    r"^\s*(?:LOAD|IMPORT)\b[\s\S]*?\b(?:INSERT|REPLACE|INSERT_UPDATE|CREATE)\s+INTO\s+([\w$#@.\"]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Run:
    """One reference a command makes, before its source component and line are known."""

    kind: str  # runs | includes | calls | reads | writes | updates | deletes
    target_kind: str  # program | script | class | table | routine | procedure
    target: str
    via: str
    optional: bool = False
    dynamic: bool = False
    detail: str = ""
    external: str = ""  # the component id to use when the scan does not define the target


@dataclass(frozen=True, slots=True)
class _Catalog:
    builtins: frozenset[str]
    utilities: frozenset[str]
    shells: frozenset[str]
    interpreters: frozenset[str]
    wrappers: frozenset[str]
    cobol_runners: frozenset[str]
    sql_clients: frozenset[str]
    system_dirs: tuple[str, ...]


@cache
def catalog() -> _Catalog:
    """The command lists of ``catalog/shell.toml`` (empty lists if the file is missing or broken)."""
    try:
        raw = tomllib.loads(_CATALOG.read_text(encoding="utf-8")).get("shell", {})
    except (OSError, tomllib.TOMLDecodeError):
        raw = {}

    def names(key: str) -> frozenset[str]:
        value = raw.get(key, {})
        return frozenset(str(n) for n in value.get("names", ())) if isinstance(value, dict) else frozenset()

    dirs = raw.get("system_dirs", {})
    return _Catalog(
        names("builtins"), names("utilities"), names("shells"), names("interpreters"), names("wrappers"),
        names("cobol_runners"), names("sql_clients"),
        tuple(str(n) for n in dirs.get("names", ())) if isinstance(dirs, dict) else (),
    )


def is_ignored_command(name: str) -> bool:
    """True for shell builtins and system utilities, which make no edge."""
    cat = catalog()
    return name in cat.builtins or name in cat.utilities


# -- command lines -----------------------------------------------------------------------------------
def split_command_line(text: str) -> list[list[str]]:
    """Split a shell command line into simple commands, each a list of words with quotes removed.

    Separators are ``;``, ``&``, ``|``, ``&&``, ``||``, newlines and parentheses; redirections
    (``> f``, ``2>&1``, ``<f``) are dropped with their operand. ``$(...)`` and backquoted text stay
    inside their word. Never raises; an unterminated quote ends the text.
    """
    commands: list[list[str]] = []
    words: list[str] = []
    buf: list[str] = []
    in_word = False
    skip_next = False  # the word after a redirection operator is its target, not an argument
    i, n = 0, len(text)

    def end_word() -> None:
        nonlocal in_word, skip_next
        if in_word:
            word = "".join(buf)
            if skip_next:
                skip_next = False
            elif len(words) < _MAX_WORDS:
                words.append(word)
        buf.clear()
        in_word = False

    def end_command() -> None:
        nonlocal skip_next
        end_word()
        skip_next = False
        if words:
            commands.append(list(words))
        words.clear()

    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            if text[i + 1] != "\n":
                buf.append(text[i + 1])
                in_word = True
            i += 2
            continue
        if ch == "'":
            j = text.find("'", i + 1)
            j = n if j < 0 else j
            buf.append(text[i + 1 : j])
            in_word = True
            i = j + 1
            continue
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            buf.append(text[i + 1 : min(j, n)].replace('\\"', '"'))
            in_word = True
            i = j + 1
            continue
        if ch == "$" and i + 1 < n and text[i + 1] in "({":
            close = ")" if text[i + 1] == "(" else "}"
            j = closing_bracket(text, i + 1, text[i + 1], close)
            buf.append(text[i:j])
            in_word = True
            i = j
            continue
        if ch == "`":
            j = text.find("`", i + 1)
            j = n if j < 0 else j + 1
            buf.append(text[i:j])
            in_word = True
            i = j
            continue
        if ch in " \t\r":
            end_word()
            i += 1
            continue
        if ch in ";&|\n()":
            if ch == "&" and buf and buf[-1].endswith(">"):
                buf.append(ch)  # ">&" of "2>&1"
                i += 1
                continue
            end_command()
            i += 1
            continue
        if ch in "<>":
            # A redirection: digits before it belong to it ("2>"); the next word is its target.
            if in_word and "".join(buf).isdigit():
                buf.clear()
                in_word = False
            end_word()
            j = i
            while j < n and text[j] in "<>&|":
                j += 1
            if text[i:j] in ("<<", "<<-"):
                skip_next = True  # a here-document delimiter
            elif text[j : j + 1].isdigit() and text[i:j].endswith("&"):
                while j < n and text[j].isdigit():
                    j += 1  # ">&2" has its target attached
            else:
                skip_next = True
            i = j
            continue
        buf.append(ch)
        in_word = True
        i += 1
    end_command()
    return commands


def base_name(word: str) -> str:
    """The last path segment of a command word (``$BIN/payrun`` -> ``payrun``)."""
    return word.rstrip("/").rsplit("/", 1)[-1]


def program_name(base: str) -> str | None:
    """The load-module name a command base name runs, or None when it cannot be one."""
    stem = base
    lower = base.lower()
    for ext in _PROGRAM_EXTS:
        if lower.endswith(ext) and len(base) > len(ext):
            stem = base[: -len(ext)]
            break
    else:
        if "." in base.lstrip("."):
            stem = base.lstrip(".").split(".", 1)[0]
    name = stem.upper()
    return name if _PROGRAM_NAME.fullmatch(name) else None


def is_script_name(base: str) -> bool:
    return base.lower().endswith(_SCRIPT_EXTS)


def has_variable(word: str) -> bool:
    return "$" in word or "`" in word


def command_runs(words: list[str], depth: int = 0) -> list[Run]:
    """The references one simple command makes (``words`` as split by the shell, variables expanded
    where the caller could). Builtins and system utilities make none. Never raises."""
    words = [w for w in words if w != ""]
    # Leading assignments (``LANG=C ./x``) only set the environment of the command.
    while words and re.fullmatch(r"[A-Za-z_]\w*=.*", words[0], re.DOTALL):
        words = words[1:]
    if not words or depth > _MAX_DEPTH:
        return []
    word, args = words[0], words[1:]
    cat = catalog()
    base = base_name(word)
    path_like = "/" in word
    if not base or base.startswith(("((", "-")) or base in ("[", "[["):
        return []
    if base in (".", "source"):
        return _sourced(args)
    if base in cat.wrappers:
        return _wrapped(base, args, depth)
    if base in cat.shells:
        return _shell_run(args, depth)
    if base in cat.interpreters:
        return _interpreted(base, args)
    if base in ("java", "javaw", "jre"):
        return _java(args)
    if base in cat.sql_clients:
        return sql_client_runs(base, args)
    if base == "bcp":
        return _bcp(args)
    if base in cat.cobol_runners:
        return _cobol_runner(base, args)
    if path_like and any(word.startswith(d) for d in cat.system_dirs):
        return []
    if base in cat.builtins or base in cat.utilities:
        return []
    if has_variable(base):
        if path_like:
            return [Run("runs", "program", word, "shell-command", dynamic=True,
                        detail=f"program named at run time by {word}")]
        return []
    if is_script_name(base):
        return [Run("runs", "script", base, "shell-command", detail=_path_detail(word, base))]
    name = program_name(base)
    if name is None:
        return []
    return [Run("runs", "program", name, "shell-command", optional=not path_like, detail=_path_detail(word, base))]


def _path_detail(word: str, base: str) -> str:
    return f"path {word}" if word != base else ""


def _first_operand(args: list[str], value_opts: set[str] | frozenset[str] = frozenset()) -> tuple[int, str]:
    """(index, word) of the first argument that is not an option (or an option's value)."""
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            return (i + 1, args[i + 1]) if i + 1 < len(args) else (-1, "")
        if a.startswith("-") and len(a) > 1:
            i += 2 if a in value_opts else 1
            continue
        return i, a
    return -1, ""


def _sourced(args: list[str]) -> list[Run]:
    if not args:
        return []
    target = args[0]
    base = base_name(target)
    if not base or has_variable(base):
        return []
    return [Run("includes", "script", base, "shell-source", detail=_path_detail(target, base))]


def _wrapped(wrapper: str, args: list[str], depth: int) -> list[Run]:
    if wrapper == "eval":
        out: list[Run] = []
        for words in split_command_line(" ".join(args)):
            out.extend(command_runs(words, depth + 1))
        return out
    opts = _WRAPPER_VALUE_OPTS.get(wrapper, set())
    i = 0
    while i < len(args) and args[i].startswith("-") and len(args[i]) > 1:
        i += 2 if args[i] in opts else 1
    if wrapper == "env":
        while i < len(args) and "=" in args[i] and not args[i].startswith("="):
            i += 1
    i += _WRAPPER_POSITIONALS.get(wrapper, 0)
    return command_runs(args[i:], depth + 1)


def _shell_run(args: list[str], depth: int) -> list[Run]:
    for k, a in enumerate(args):
        if a == "-c" or (a.startswith("-") and not a.startswith("--") and "c" in a[1:] and len(a) < 6):
            if k + 1 < len(args):
                out: list[Run] = []
                for words in split_command_line(args[k + 1]):
                    out.extend(command_runs(words, depth + 1))
                return out
            return []
    idx, target = _first_operand(args, _SHELL_VALUE_OPTS)
    if idx < 0:
        return []
    base = base_name(target)
    if not base or has_variable(base):
        return []
    return [Run("runs", "script", base, "shell-command", detail=_path_detail(target, base))]


def _interpreted(interpreter: str, args: list[str]) -> list[Run]:
    if "-e" in args or "-E" in args:
        return []  # a one-liner given on the command line
    idx, target = _first_operand(args, {"-I", "-M", "-m", "-x"} if interpreter == "perl" else set())
    if idx < 0:
        return []
    base = base_name(target)
    if not base or has_variable(base):
        return []
    return [Run("runs", "script", base, f"{interpreter}-script", detail=_path_detail(target, base))]


def _java(args: list[str]) -> list[Run]:
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-jar", "--jar"):
            return []  # the main class is in the jar's manifest
        if a in ("-m", "--module") and i + 1 < len(args):
            main = args[i + 1].split("/", 1)[-1]
            return [Run("runs", "class", main, "java-main")] if _JAVA_CLASS.fullmatch(main) else []
        if a.startswith("-"):
            i += 2 if a in _JAVA_VALUE_OPTS else 1
            continue
        if has_variable(a) or not _JAVA_CLASS.fullmatch(a):
            return []
        return [Run("runs", "class", a, "java-main")]
    return []


def _cobol_runner(runner: str, args: list[str]) -> list[Run]:
    idx, target = _first_operand(args)
    if idx < 0:
        return []
    base = base_name(target)
    name = program_name(base) if base and not has_variable(base) else None
    if name is None:
        return []
    return [Run("runs", "program", name, f"{runner}", detail=_path_detail(target, base))]


def _bcp(args: list[str]) -> list[Run]:
    if len(args) < 2 or has_variable(args[0]):
        return []
    direction = args[1].lower()
    if direction == "queryout":
        return [Run(verb, "table", t, "bcp") for verb, t in sql_tables(args[0])]
    kind = {"in": "writes", "out": "reads", "format": ""}.get(direction, "")
    name = ".".join(p for p in args[0].strip('"[]').split(".") if p).upper()
    if not kind or not name or not re.fullmatch(r"[\w$#@.]+", name):
        return []
    return [Run(kind, "table", name, "bcp", detail=f"bcp {direction}")]


def sql_client_runs(client: str, args: list[str]) -> list[Run]:
    """References of a database client's command line: SQL text operands and SQL script files."""
    out: list[Run] = []
    loose: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        key, eq, value = a.partition("=")
        if a in _SQL_TEXT_OPTS and i + 1 < len(args):
            out.extend(sql_runs(args[i + 1], client))
            i += 2
            continue
        if eq and key in _SQL_TEXT_OPTS:
            out.extend(sql_runs(value, client))
        elif a in _SQL_FILE_OPTS and i + 1 < len(args):
            out.extend(_sql_file(args[i + 1], client))
            i += 2
            continue
        elif eq and key in _SQL_FILE_OPTS:
            out.extend(_sql_file(value, client))
        elif a.startswith("@") and len(a) > 1:
            out.extend(_sql_file(a[1:], client))
        elif not a.startswith("-"):
            loose.append(a)
        i += 1
    if client in ("db2", "sqlite3", "clpplus") and loose:
        # ``db2 "select ..."`` / ``db2 update t set ...``: the operands are the statement.
        out.extend(sql_runs(" ".join(loose), client))
    return out


def _sql_file(target: str, client: str) -> list[Run]:
    base = base_name(target)
    if not base or has_variable(base):
        return []
    # Only a scanned SQL script that defines a ``script`` of this name can take this edge.
    return [Run("runs", "script", base, f"{client}-file", optional=True, detail=_path_detail(target, base))]


# -- SQL ------------------------------------------------------------------------------------------------
def looks_like_sql(text: str) -> bool:
    """True when ``text`` starts like a DML statement (SELECT ... FROM, INSERT INTO, UPDATE x SET ...)."""
    return _SQL_SHAPE.match(text[:20000]) is not None


def clean_sql(text: str) -> tuple[str, list[str]]:
    """SQL with client commands, ``go``/``/`` batch ends and script variables neutralised.

    Returns the SQL and the SQL script files it runs (``@file``, ``@@file``, ``START file``).
    Lines keep their numbers.
    """
    out: list[str] = []
    files: list[str] = []
    open_stmt = False
    for line in text.split("\n"):
        s = line.strip()
        if not s:
            out.append("")
            continue
        upper = s.upper()
        if upper in ("GO", "/", "\\G", "RUN;") or upper.startswith("GO "):
            out.append(";")
            open_stmt = False
            continue
        if not open_stmt:
            first = upper.split(None, 1)[0]
            if s.startswith("@"):
                target = s.lstrip("@").split(None, 1)
                if target:
                    files.append(target[0].rstrip(";"))
                out.append("")
                continue
            if first == "START" and len(upper.split()) > 1 and "WITH" not in upper:
                files.append(s.split()[1].rstrip(";"))
                out.append("")
                continue
            bteq = s.startswith(".") and first[1:2].isalpha()  # .LOGON, .EXPORT ...
            if first in _CLIENT_COMMANDS or first.startswith(("\\", "--")) or bteq:
                out.append("")
                continue
        out.append(line)
        open_stmt = not s.endswith(";")
    sql = "\n".join(out)
    sql = _DOTTED_VAR.sub("", sql)
    sql = _VAR.sub(" :v ", sql)
    return sql, files


def sql_tables(text: str) -> list[tuple[str, str]]:
    """(verb, TABLE) pairs of script-embedded SQL text, via ``dml_tables``; never raises."""
    sql, _files = clean_sql(text)
    return _tables(sql)


def _tables(sql: str) -> list[tuple[str, str]]:
    # PL/SQL blocks: a statement after BEGIN is a statement of its own.
    sql = re.sub(r"\bBEGIN\b", ";", sql, flags=re.IGNORECASE)
    sql = re.sub(r"^\s*EXECSQL\b", "", sql, flags=re.IGNORECASE)
    out: list[tuple[str, str]] = []
    try:
        found = dml_tables(sql)
    except Exception:  # dml_tables promises not to raise; an odd text must still cost nothing
        return out
    for verb, table in found:
        if re.fullmatch(r"[A-Z0-9_$#@.\"]+", table) and not table.startswith(":") and table not in _DUMMY_TABLES:
            out.append((verb, table))
    return out


def sql_runs(text: str, client: str) -> list[Run]:
    """Table and procedure references of SQL text given to ``client`` (here-document or operand)."""
    sql, files = clean_sql(text)
    out = [Run(verb, "table", table, f"{client}-sql", external=_catalog_table(table)) for verb, table in _tables(sql)]
    for f in files:
        out.extend(_sql_file(f, client))
    out.extend(procedure_calls(sql, client))
    db2 = _DB2_LOAD.match(sql)
    if db2:
        table = db2.group(1).strip('"').upper()
        out.append(Run("writes", "table", table, f"{client}-load", detail="LOAD/IMPORT"))
    return out


def _catalog_table(table: str) -> str:
    """``table:NAME`` for a database's own catalogue (USER_TABLES, V$SESSION, SYSIBM.SYSTABLES ...), else ""."""
    return f"table:{table}" if _CATALOG_TABLE.match(table) else ""


def procedure_calls(sql: str, client: str) -> list[Run]:
    """``EXEC pkg.proc``, ``CALL proc(...)`` and ``BEGIN pkg.proc(...); END;`` as optional calls."""
    out: list[Run] = []
    seen: set[str] = set()
    for m in list(_PROC_CALL.finditer(sql)) + list(_BEGIN_CALL.finditer(sql)):
        name = m.group(1).upper()
        if name in seen or name.split(".")[0] in _NOT_PROCEDURES:
            continue
        seen.add(name)
        parts = name.split(".")
        if len(parts) == 1:
            out.append(Run("calls", "procedure", parts[0], f"{client}-call", optional=True))
        else:
            out.append(Run("calls", "routine", ".".join(parts[-2:]), f"{client}-call", optional=True))
            out.append(Run("calls", "procedure", parts[-1], f"{client}-call", optional=True))
    return out


def line_offset(text: str, run: Run) -> int:
    """0-based line of ``text`` (SQL or a command string) where ``run``'s target is named; 0 if unseen.

    A table is looked for after the verb that uses it (``DELETE FROM t`` for ``deletes``), then
    anywhere; a script or procedure by its last name part.
    """
    part = run.target.rsplit(".", 1)[-1] if run.target_kind != "script" else run.target
    if not part or len(text) > 2_000_000:
        return 0
    name = r"(?:[\w$#@\"]+\.)*\"?" + re.escape(part) + r"\"?(?![\w$#@])"
    lead = {"writes": r"\bINTO\s+", "updates": r"\b(?:UPDATE|INTO)\s+",
            "deletes": r"\b(?:DELETE\s+(?:FROM\s+)?|TRUNCATE\s+TABLE\s+)"}.get(run.kind, "")
    patterns = [lead + name, r"(?<![\w$#@])" + name] if lead else [r"(?<![\w$#@])" + name]
    for pattern in patterns:
        m = re.search(pattern, text, re.IGNORECASE)
        if m:
            return text.count("\n", 0, m.start())
    return 0


def posix_base(path: str) -> str:
    """Base name of a scanned file's path."""
    return PurePosixPath(path).name
