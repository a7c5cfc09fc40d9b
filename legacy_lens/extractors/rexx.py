"""REXX execs (z/OS TSO/E, and REXX on Unix or Windows): what they run, allocate and query.

No tree-sitter grammar for REXX exists on the registries (``/work/shared/GRAMMARS.md``); this is a
clause-level parser. The lexer knows nested ``/* */`` comments, quoted strings with doubled quotes,
``;`` and line ends as clause ends and a trailing comma as continuation. Each clause is a label,
an assignment, a keyword instruction or a command to the current ``ADDRESS`` environment, which is
read in that environment's terms:

* TSO: ``ALLOC FI(dd) DA('dsn') SHR|OLD|NEW|MOD`` -> ``reads``/``writes dataset``, ``EXECIO`` on a
  DD allocated here, ``CALL 'LIB(PGM)'`` -> ``runs program``, ``EX 'LIB(MEM)'`` / ``%MEM`` ->
  ``runs script``, ``DELETE 'dsn'`` -> ``deletes dataset``;
* ISPEXEC ``SELECT PGM(X)`` / ``CMD(X)``; LINKMVS, LINKPGM, ATTCHMVS, ATTCHPGM, LINK, ATTACH;
* DSNREXX ``EXECSQL`` and every string that reads as SQL -> table CRUD; ``RUN PROGRAM(X)`` queued
  for the DSN command processor -> ``runs program``;
* SH, SYSCALL, SYSTEM, CMD, COMMAND: Unix or Windows commands, read like shell commands.

An exec is a member called by name, so its id is ``rexx:<MEMBER>`` (kind ``script``, named by the
member); labels are ``routine`` sub-definitions; ``CALL X`` of no label is ``calls script X``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from legacy_lens.extractors import scriptcommon as sc
from legacy_lens.extractors.common import member_name
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import (
    INFO,
    WARNING,
    Definition,
    Diagnostic,
    Extraction,
    LineCounts,
    Metrics,
    ParseQuality,
    Reference,
)

_KEYWORDS = frozenset({
    "ADDRESS", "ARG", "CALL", "DO", "DROP", "ELSE", "END", "EXIT", "IF", "INTERPRET", "ITERATE", "LEAVE",
    "NOP", "NUMERIC", "OPTIONS", "OTHERWISE", "PARSE", "PROCEDURE", "PULL", "PUSH", "QUEUE", "RETURN",
    "SAY", "SELECT", "SIGNAL", "THEN", "TRACE", "UPPER", "WHEN", "EXPOSE", "FORWARD", "GUARD", "LOOP",
    "RAISE", "REPLY", "USE",
})
# Built-in functions of REXX, TSO/E external functions and z/OS, Regina and ooRexx helpers: a CALL
# or function call of one of these is no edge.
_BUILTINS = frozenset({
    "ABBREV", "ABS", "ADDRESS", "ARG", "B2X", "BITAND", "BITOR", "BITXOR", "C2D", "C2X", "CENTER", "CENTRE",
    "CHANGESTR", "CHARIN", "CHAROUT", "CHARS", "COMPARE", "CONDITION", "COPIES", "COUNTSTR", "D2C", "D2X",
    "DATATYPE", "DATE", "DBADJUST", "DBBRACKET", "DBCENTER", "DBLEFT", "DBRIGHT", "DBRLEFT", "DBRRIGHT",
    "DBTODBCS", "DBTOSBCS", "DBUNBRACKET", "DBVALIDATE", "DBWIDTH", "DELSTR", "DELWORD", "DIGITS",
    "ERRORTEXT", "EXTERNALS", "FIND", "FORM", "FORMAT", "FUZZ", "GETMSG", "INDEX", "INSERT", "JUSTIFY",
    "LASTPOS", "LEFT", "LENGTH", "LINEIN", "LINEOUT", "LINES", "LINESIZE", "LISTDSI", "MAX", "MIN", "MSG",
    "MVSVAR", "OUTTRAP", "OVERLAY", "POS", "PROMPT", "QUEUED", "RANDOM", "REVERSE", "RIGHT", "SETLANG",
    "SIGN", "SOURCELINE", "SPACE", "STORAGE", "STREAM", "STRIP", "SUBSTR", "SUBWORD", "SYMBOL", "SYSCPUS",
    "SYSDSN", "SYSVAR", "TIME", "TRACE", "TRANSLATE", "TRUNC", "USERID", "VALUE", "VERIFY", "WORD",
    "WORDINDEX", "WORDLENGTH", "WORDPOS", "WORDS", "X2B", "X2C", "X2D", "XRANGE", "BPXWDYN", "BPXWUNIX",
    "SYSCALLS", "IRXEXCOM", "RXSOCKET", "SOCKET", "TRAPMSG", "LOWER", "UPPER", "BEEP", "DIRECTORY",
    "FILESPEC", "RXFUNCADD", "RXFUNCDROP", "RXFUNCQUERY", "QUALIFY", "ENDLOCAL", "SETLOCAL", "POPEN",
    "GETENV", "PUTENV", "RXQUEUE", "EXECIO", "HWTHSET", "HWTHCONN", "HWTHRQST", "HWTHDISC", "HWTHTERM",
    "HWTHINIT", "HWTHSLST", "HWTJINIT", "HWTJPARS", "HWTJTERM", "RXDATE", "CSVQUERY", "ISPEXEC", "ISREDIT",
    "DSNREXX", "SLEEP", "OPSLEEP", "FILEEXISTS", "TEMPNAME", "TRANSMIT",
})
_BUILTIN_PREFIXES = ("SYS", "RXSYS", "HWT", "REXXUTIL")
# TSO/E commands (and IDCAMS, RACF, HSM ones) that are not execs: a command word of these is no edge.
_TSO_COMMANDS = frozenset({
    "ALLOC", "ALLOCATE", "FREE", "DELETE", "DEL", "LISTCAT", "LISTC", "LISTDS", "LISTD", "LISTALC", "LISTA",
    "LISTBC", "RENAME", "REN", "SUBMIT", "SUB", "STATUS", "ST", "CANCEL", "OUTPUT", "SEND", "SE", "PROFILE",
    "PROF", "TIME", "EXECIO", "EXECUTIL", "MAKEBUF", "DROPBUF", "NEWSTACK", "DELSTACK", "QBUF", "QELEM",
    "QSTACK", "HI", "HE", "HT", "RT", "TE", "TS", "TSO", "DSN", "ISPEXEC", "ISREDIT", "ATTRIB", "ATTR",
    "CALL", "EX", "EXEC", "LINK", "LOADGO", "TEST", "PRINTDS", "RECEIVE", "TRANSMIT", "XMIT", "SMCOPY",
    "OCOPY", "OGET", "OGETX", "OPUT", "OPUTX", "OSHELL", "OMVS", "ISPSTART", "ISPF", "PDF", "LISTUSER",
    "LU", "ADDUSER", "ALTUSER", "DELUSER", "PERMIT", "PE", "RDEFINE", "RDEF", "RALTER", "RDELETE", "RLIST",
    "RL", "SETROPTS", "SEARCH", "SR", "LISTGRP", "LG", "ADDGROUP", "CONNECT", "REMOVE", "PASSWORD", "PW",
    "ADDSD", "ALTDSD", "LISTDSD", "LD", "DELDSD", "HSEND", "HMIGRATE", "HMIG", "HRECALL", "HBACKDS",
    "HDELETE", "HLIST", "HQUERY", "ALTLIB", "REPRO", "DEFINE", "DEF", "PRINT", "VERIFY", "ALTER",
    "EXPORT", "IMPORT", "CONSPROF", "CONSOLE", "PARMLIB", "RUN", "END", "TERMINAL", "TERM", "HELP",
    "LOGOFF", "LOGON", "MERGE", "EDIT", "COPY", "LIST", "FORMAT", "PROTECT", "SYNC", "VLFNOTE",
    "IKJEFT01", "IEBCOPY", "BPXBATCH", "RACONVRT", "SDSF", "ISFEXEC", "ISFCALLS", "SETUP", "XDC",
})
_ENV_TSO = frozenset({"TSO", "MVS", "ISPEXEC", "ISREDIT", "DSNREXX", "NETVIEW", "CONSOLE", "SDSF"})
_ENV_LINK = frozenset({"LINKMVS", "LINKPGM", "ATTCHMVS", "ATTCHPGM", "LINK", "ATTACH"})
_ENV_UNIX = frozenset({"SH", "SYSCALL", "SYSTEM", "CMD", "COMMAND", "BASH", "KSH", "PATH", "ENVIRONMENT"})
_SYMBOL = re.compile(r"[A-Za-z0-9_.!?@#$\u00a2]+")
_MEMBER = re.compile(r"[A-Z$#@][A-Z0-9$#@]{0,7}")
_DSN_MEMBER = re.compile(r"^'?([^'()]+)\(([^()']+)\)'?$")
_PAREN_KW = re.compile(r"\b([A-Za-z]+)\s*\(\s*([^()]*(?:\([^()]*\)[^()]*)*)\)")
_RUN_PROGRAM = re.compile(r"\bRUN\b[^()]{0,200}?\bPROG(?:RAM)?\s*\(\s*'?([A-Za-z0-9$#@&]+)'?\s*\)", re.IGNORECASE)
_INCLUDE = re.compile(r"^\s*%INCLUDE\s+(?:[A-Za-z0-9$#@]+\s*\(\s*)?([A-Za-z0-9$#@]+)", re.IGNORECASE)
# ISPF's own programs (ISPEXEC SELECT PGM(ISRDDN)): system nodes, not missing site code.
_ISPF_PREFIXES = ("ISR", "ISP")
_DISPS = {"SHR": "reads", "OLD": "writes", "NEW": "writes", "MOD": "writes"}


@dataclass(slots=True)
class _Tok:
    kind: str  # sym | str | num | op
    value: str
    line: int
    space_before: bool


@dataclass
class _Clause:
    tokens: list[_Tok]
    line: int


@dataclass
class _Lexed:
    clauses: list[_Clause]
    comment_lines: set[int]
    code_lines: set[int]
    includes: list[tuple[str, int]]
    problems: list[tuple[int, int, str]]  # (first line, last line, message)


def _lex(text: str) -> _Lexed:
    """Clauses of a REXX program. Never raises; unterminated comments and strings are reported."""
    clauses: list[_Clause] = []
    comments: set[int] = set()
    code: set[int] = set()
    includes: list[tuple[str, int]] = []
    problems: list[tuple[int, int, str]] = []
    cur: list[_Tok] = []
    i, n, line = 0, len(text), 1
    space = False

    def end_clause() -> None:
        nonlocal cur
        if cur:
            clauses.append(_Clause(cur, cur[0].line))
        cur = []

    while i < n:
        ch = text[i]
        if ch == "\n":
            # A trailing comma continues the clause on the next line.
            if cur and cur[-1].kind == "op" and cur[-1].value == ",":
                cur.pop()
                space = True
            else:
                end_clause()
            line += 1
            i += 1
            continue
        if ch in " \t\r\f\x1a":
            space = True
            i += 1
            continue
        if text.startswith("/*", i):
            start_line = line
            depth = 0
            j = i
            while j < n:
                if text.startswith("/*", j):
                    depth += 1
                    j += 2
                elif text.startswith("*/", j):
                    depth -= 1
                    j += 2
                    if depth == 0:
                        break
                else:
                    if text[j] == "\n":
                        line += 1
                    j += 1
            else:
                problems.append((start_line, line, "comment is not closed"))
            body = text[i + 2 : j - 2] if j <= n else ""
            m = _INCLUDE.match(body)
            if m:
                includes.append((m.group(1).upper(), start_line))
            comments.update(range(start_line, line + 1))
            i = j
            space = True
            continue
        tok_line = line
        if ch in "'\"":
            j = i + 1
            buf: list[str] = []
            closed = False
            while j < n:
                k = text.find(ch, j)
                nl = text.find("\n", j)
                if k < 0 or (0 <= nl < k):
                    break
                buf.append(text[j:k])
                if k + 1 < n and text[k + 1] == ch:
                    buf.append(ch)
                    j = k + 2
                    continue
                j = k + 1
                closed = True
                break
            if not closed:
                problems.append((line, line, f"string {ch}...{ch} is not closed on its line"))
                nl = text.find("\n", i)
                j = n if nl < 0 else nl
                buf = [text[i + 1 : j]]
            # 'C1'x and '1010'b: the radix letter belongs to the string.
            if j < n and text[j] in "xXbB" and not (j + 1 < n and _SYMBOL.match(text[j + 1])):
                j += 1
            cur.append(_Tok("str", "".join(buf), tok_line, space))
            code.add(tok_line)
            i = j
            space = False
            continue
        m = _SYMBOL.match(text, i)
        if m:
            word = m.group(0)
            kind = "num" if word[0].isdigit() or (word[0] == "." and word[1:2].isdigit()) else "sym"
            cur.append(_Tok(kind, word, tok_line, space))
            code.add(tok_line)
            i = m.end()
            space = False
            continue
        if ch == ";":
            end_clause()
            i += 1
            space = False
            continue
        two = text[i : i + 2]
        if two in ("==", "\\=", "<>", "><", ">=", "<=", "&&", "||", "**", "//", "¬=", "/=", ">>", "<<"):
            op = two
            if text[i : i + 3] in ("\\==", "¬==", ">>=", "<<=", "/=="):
                op = text[i : i + 3]
        else:
            op = ch
        cur.append(_Tok("op", op, tok_line, space))
        code.add(tok_line)
        i += len(op)
        space = False
        if op == ":" and len(cur) == 2 and cur[0].kind == "sym":
            end_clause()  # "label:" is a clause of its own
    end_clause()
    return _Lexed(clauses, comments, code, includes, problems)


def _split_then(clause: _Clause) -> list[_Clause]:
    """Split ``IF c THEN x ELSE y`` style clauses into their instructions."""
    out: list[_Clause] = []
    queue = [clause.tokens]
    while queue:
        toks = queue.pop(0)
        if not toks:
            continue
        head = toks[0].value.upper() if toks[0].kind == "sym" else ""
        if head in ("THEN", "ELSE", "OTHERWISE") and not (len(toks) > 1 and toks[1].value == "="):
            out.append(_Clause([toks[0]], toks[0].line))
            queue.insert(0, toks[1:])
            continue
        if head in ("IF", "WHEN") and not (len(toks) > 1 and toks[1].value == "="):
            depth = 0
            cut = -1
            for k, t in enumerate(toks[1:], start=1):
                if t.kind == "op" and t.value == "(":
                    depth += 1
                elif t.kind == "op" and t.value == ")":
                    depth -= 1
                elif depth == 0 and t.kind == "sym" and t.value.upper() == "THEN":
                    cut = k
                    break
            if cut > 0:
                out.append(_Clause(toks[:cut], toks[0].line))
                queue.insert(0, toks[cut:])
                continue
        out.append(_Clause(toks, toks[0].line))
    return out


def _text(tokens: list[_Tok], values: dict[str, str], sigil: str = "&") -> str:
    """An expression as the command text it builds: strings, known variables, blanks where written.

    A variable whose value is not a known literal becomes ``<sigil>NAME`` (``&`` for TSO text,
    ``$`` for Unix commands, where ``&`` would end the command).
    """
    out: list[str] = []
    for k, t in enumerate(tokens):
        if t.kind == "op" and t.value == "||":
            continue
        piece = t.value
        if t.kind == "sym":
            upper = t.value.upper()
            piece = values.get(upper, f"{sigil}{upper}")
        elif t.kind == "op" and t.value in ("(", ")") and k and tokens[k - 1].kind == "sym":
            piece = t.value
        if out and t.space_before and not (k and tokens[k - 1].kind == "op" and tokens[k - 1].value == "||"):
            out.append(" ")
        out.append(piece)
    return "".join(out)


def _paren_operands(text: str) -> dict[str, list[str]]:
    """``KEY(value)`` operands of a TSO command, upper-cased keys."""
    out: dict[str, list[str]] = {}
    for m in _PAREN_KW.finditer(text[:5000]):
        out.setdefault(m.group(1).upper(), []).append(m.group(2).strip())
    return out


@dataclass
class _Rexx:
    path: str
    owner: str
    labels: dict[str, int] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    references: dict[Reference, None] = field(default_factory=dict)
    diagnostics: dict[Diagnostic, None] = field(default_factory=dict)
    allocations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # DD -> [(dsn, access)]
    decisions: int = 0
    depth: int = 0
    max_depth: int = 0
    gotos: int = 0
    env: str = "TSO"

    def ref(self, kind: str, target_kind: str, target: str, line: int, via: str, detail: str = "",
            optional: bool = False, dynamic: bool = False) -> None:
        self.references[Reference(self.owner, kind, target_kind, target, line, via, dynamic=dynamic,
                                  detail=detail, optional=optional)] = None

    def diag(self, severity: str, code: str, message: str, line: int) -> None:
        self.diagnostics[Diagnostic(self.path, severity, code, message, line)] = None

    # -- clauses
    def clause(self, c: _Clause) -> None:
        toks = c.tokens
        first = toks[0]
        head = first.value.upper() if first.kind == "sym" else ""
        if len(toks) == 2 and first.kind == "sym" and toks[1].value == ":":
            return  # a label, collected beforehand
        if first.kind == "sym" and len(toks) > 1 and toks[1].kind == "op" and toks[1].value == "=":
            self.assignment(first.value.upper(), toks[2:], c.line)
            return
        self.functions(toks)
        if head in ("IF", "WHEN"):
            self.decisions += 1 + self.logical(toks)
            self.strings(toks[1:], c.line)
        elif head == "DO" or head == "LOOP":
            if len(toks) > 1:
                self.decisions += 1 + self.logical(toks)
            self.push()
        elif head == "SELECT":
            self.push()
        elif head == "END":
            if self.depth == 0:
                self.diag(WARNING, "REXX-END", "END without a DO or SELECT", c.line)
            self.depth = max(0, self.depth - 1)
        elif head == "SIGNAL":
            nxt = toks[1].value.upper() if len(toks) > 1 else ""
            if nxt not in ("ON", "OFF"):
                self.gotos += 1
        elif head == "CALL":
            self.call(toks[1:], c.line)
        elif head == "ADDRESS":
            self.address(toks[1:], c.line)
        elif head in ("QUEUE", "PUSH", "SAY", "RETURN", "EXIT", "INTERPRET"):
            self.strings(toks[1:], c.line)
        elif head in _KEYWORDS:
            return
        else:
            self.command(self.env, toks, c.line)

    def push(self) -> None:
        self.depth += 1
        self.max_depth = max(self.max_depth, self.depth)

    @staticmethod
    def logical(toks: list[_Tok]) -> int:
        return sum(1 for t in toks if t.kind == "op" and t.value in ("&", "|", "&&"))

    def assignment(self, name: str, toks: list[_Tok], line: int) -> None:
        if len(toks) == 1 and toks[0].kind in ("str", "num"):
            self.values[name] = toks[0].value
        elif name in self.values:
            del self.values[name]
        self.functions(toks)
        self.strings(toks, line)

    def strings(self, toks: list[_Tok], line: int, alloc: bool = True) -> None:
        """SQL, ALLOC and RUN PROGRAM text built by an expression (an assignment, QUEUE, an argument)."""
        if not any(t.kind == "str" for t in toks):
            return
        text = _text(toks, self.values)
        stripped = text.strip()
        upper = stripped.upper()
        if alloc and upper.startswith(("ALLOC ", "ALLOCATE ")):
            self.alloc(stripped, line, "rexx-alloc")
        for m in _RUN_PROGRAM.finditer(text):
            self.program(m.group(1), line, "dsn-run")
        body = re.sub(r"^\s*EXECSQL\s+", "", text, flags=re.IGNORECASE)
        if sc.looks_like_sql(body):
            self.sql(body, line)

    def functions(self, toks: list[_Tok]) -> None:
        """``NAME(`` with no blank: a function call; external ones are optional script calls."""
        for k, t in enumerate(toks[:-1]):
            nxt = toks[k + 1]
            if t.kind == "sym" and nxt.kind == "op" and nxt.value == "(" and not nxt.space_before:
                self.external(t.value.upper(), t.line, optional=True)

    def external(self, name: str, line: int, optional: bool) -> None:
        if name in self.labels or name in _BUILTINS or name.startswith(_BUILTIN_PREFIXES):
            return
        if not _MEMBER.fullmatch(name) or f"rexx:{name}" == self.owner:
            return
        self.ref("calls", "script", name, line, "rexx-call" if not optional else "rexx-function", optional=optional)

    def call(self, toks: list[_Tok], line: int) -> None:
        if not toks:
            return
        t = toks[0]
        name = t.value.upper() if t.kind in ("sym", "str") else ""
        if name in ("ON", "OFF"):
            return
        self.functions(toks[1:])
        if t.kind == "str":
            name = t.value.upper()  # CALL 'NAME' names an external routine exactly
        if name == "BPXWDYN":
            self.strings(toks[1:], line)
            return
        self.strings(toks[1:], line)
        self.external(name, line, optional=False)

    def address(self, toks: list[_Tok], line: int) -> None:
        if not toks:
            return
        env_tok = toks[0]
        env = env_tok.value.upper()
        if env == "VALUE" or env_tok.kind not in ("sym", "str"):
            return
        if len(toks) == 1:
            self.env = env
            return
        self.command(env, toks[1:], line)

    # -- commands
    def command(self, env: str, toks: list[_Tok], line: int) -> None:
        text = _text(toks, self.values, "$" if env in _ENV_UNIX else "&").strip()
        if not text:
            return
        if env != "DSNREXX":
            self.strings(toks, line, alloc=False)  # ALLOC commands are read below, once
        if env in _ENV_LINK:
            word = text.split(None, 1)[0].strip("'\"")
            self.program(word, line, f"address-{env.lower()}")
            return
        if env in _ENV_UNIX:
            for words in sc.split_command_line(text):
                for run in sc.command_runs(words):
                    self.ref(run.kind, run.target_kind, run.target, line, run.via, run.detail,
                             optional=run.optional, dynamic=run.dynamic)
            return
        if env == "DSNREXX":
            body = re.sub(r"^\s*EXECSQL\s+", "", text, flags=re.IGNORECASE)
            if sc.looks_like_sql(body):
                self.sql(body, line)
            return
        words = text.split()
        verb = words[0].upper()
        if verb in ("ISPEXEC", "ISREDIT") and env not in ("ISPEXEC", "ISREDIT"):
            env, text, words = verb, text[len(words[0]):].strip(), words[1:]
            if not words:
                return
            verb = words[0].upper()
        if env == "ISPEXEC":
            if verb == "SELECT":
                self.ispf_select(text, line)
            return
        if env in ("ISREDIT", "NETVIEW", "CONSOLE", "SDSF"):
            return
        self.tso(verb, text, words, line)

    def tso(self, verb: str, text: str, words: list[str], line: int) -> None:
        if verb in ("ALLOC", "ALLOCATE"):
            self.alloc(text, line, "tso-alloc")
        elif verb == "EXECIO":
            self.execio(words, line)
        elif verb == "CALL" and len(words) > 1:
            target = words[1]
            m = _DSN_MEMBER.match(target)
            if target.startswith("*(") and target.endswith(")"):
                self.program(target[2:-1], line, "tso-call", detail="from the STEPLIB or link list")
            elif m:
                self.program(m.group(2), line, "tso-call", detail=f"library {m.group(1).upper()}")
        elif verb in ("EX", "EXEC") and len(words) > 1:
            m = _DSN_MEMBER.match(words[1])
            if m:
                self.script(m.group(2), line, "tso-exec", detail=f"library {m.group(1).upper()}")
        elif verb.startswith("%") and len(verb) > 1:
            self.script(verb[1:], line, "tso-implicit")
        elif verb in ("DELETE", "DEL") and len(words) > 1:
            for w in words[1:]:
                dsn = _dsn(w)
                if dsn and not w.startswith("("):
                    self.dataset("deletes", dsn, line, "tso-delete", "")
                    break
        elif verb in ("DSN", "ISPSTART") or verb in _TSO_COMMANDS or verb.startswith("&"):
            return
        elif _MEMBER.fullmatch(verb) and verb not in _BUILTINS:
            # An implicit exec or CLIST (or a TSO command this list lacks): counts only if found.
            self.script(verb, line, "tso-implicit", optional=True)

    def ispf_select(self, text: str, line: int) -> None:
        ops = _paren_operands(text)
        for value in ops.get("PGM", []):
            self.program(value.split()[0] if value else "", line, "ispexec-select")
        for value in ops.get("CMD", []):
            word = value.split()[0] if value.split() else ""
            if word.startswith("%"):
                self.script(word[1:], line, "ispexec-select")
            elif word:
                self.script(word, line, "ispexec-select", optional=True)

    def program(self, name: str, line: int, via: str, detail: str = "") -> None:
        name = name.strip("'\" ").upper()
        if name.startswith("&"):
            self.diag(INFO, "REXX-DYNAMIC", f"program named at run time by {name[1:]} ({via})", line)
            return
        if _MEMBER.fullmatch(name):
            external = f"program:{name}" if name.startswith(_ISPF_PREFIXES) else ""
            self.references[Reference(self.owner, "runs", "program", name, line, via, detail=detail,
                                      external=external)] = None

    def script(self, name: str, line: int, via: str, detail: str = "", optional: bool = False) -> None:
        name = name.strip("'\" ").upper()
        if name.startswith("&"):
            self.diag(INFO, "REXX-DYNAMIC", f"exec named at run time by {name[1:]} ({via})", line)
            return
        if _MEMBER.fullmatch(name) and name not in self.labels:
            self.ref("runs", "script", name, line, via, detail, optional=optional)

    def alloc(self, text: str, line: int, via: str) -> None:
        ops = _paren_operands(text)
        dds = [v.upper() for k in ("FI", "F", "FILE", "DD", "DDNAME") for v in ops.get(k, [])]
        dsns: list[str] = []
        for k in ("DA", "DSN", "DATASET", "DSNAME", "PATH"):
            for v in ops.get(k, []):
                dsns.extend(_dsn_list(v))
        words = {w.upper() for w in re.findall(r"[A-Za-z]+", re.sub(r"\([^()]*\)", " ", text))}
        disp = next((d for d in ("SHR", "OLD", "NEW", "MOD") if d in words), "")
        access = _DISPS.get(disp, "reads")
        for dsn in dsns:
            if dsn == "*":
                continue
            detail = f"ALLOC {'FI(' + dds[0] + ') ' if dds else ''}{disp}".strip()
            self.dataset(access, dsn, line, via, detail)
        for dd in dds:
            self.allocations.setdefault(dd, []).extend((d, disp) for d in dsns if d != "*")

    def dataset(self, access: str, dsn: str, line: int, via: str, detail: str) -> None:
        if "&" in dsn:
            self.diag(INFO, "REXX-DYNAMIC", f"data set name {dsn} is built at run time ({via})", line)
            return
        base, _, member = dsn.partition("(")
        extra = f" member={member.rstrip(')')}" if member else ""
        self.ref(access, "dataset", base, line, via, (detail + extra).strip())

    def execio(self, words: list[str], line: int) -> None:
        upper = [w.upper() for w in words]
        op = next((w for w in upper if w in ("DISKR", "DISKRU", "DISKW")), "")
        if not op:
            return
        k = upper.index(op)
        if k + 1 >= len(upper):
            return
        dd = upper[k + 1].strip("'\"")
        allocated = self.allocations.get(dd)
        if not allocated:
            self.diag(INFO, "REXX-EXECIO-DD", f"EXECIO {op} on DD {dd}, which this exec does not allocate "
                      "(the caller's JCL or ALLOC does)", line)
            return
        access = {"DISKR": "reads", "DISKRU": "updates", "DISKW": "writes"}[op]
        for dsn, disp in allocated:
            if _DISPS.get(disp, "reads") != access:
                self.dataset(access, dsn, line, "rexx-execio", f"EXECIO {op} DD {dd}")

    def sql(self, text: str, line: int) -> None:
        for run in sc.sql_runs(text, "dsnrexx"):
            if run.target_kind == "script":
                continue
            self.references[Reference(self.owner, run.kind, run.target_kind, run.target, line, run.via,
                                      detail=run.detail, optional=run.optional, external=run.external)] = None


def _dsn(word: str) -> str:
    """A TSO data set name operand: quoted names are fully qualified; unquoted ones are kept as written."""
    w = word.strip().rstrip(",")
    if not w:
        return ""
    if w.startswith("'"):
        w = w.strip("'")
    if not re.fullmatch(r"[A-Za-z0-9$#@&.\-+()]+", w) or ("." not in w and "(" not in w):
        return ""
    return w.upper()


def _dsn_list(value: str) -> list[str]:
    out = []
    for w in value.replace(",", " ").split():
        if w == "*":
            out.append("*")
            continue
        d = _dsn(w) if w.startswith("'") or "." in w else (w.upper() if w.startswith("&") else "")
        if d:
            out.append(d)
    return out


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Execs, labels, and what the exec runs, allocates and queries; never raises."""
    member = member_name(path)
    owner = f"rexx:{member}"
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    nlines = max(1, len(lines))
    try:
        lexed = _lex(text)
        rexx = _Rexx(path, owner)
        clauses = [c for raw in lexed.clauses for c in _split_then(raw)]
        label_defs: list[Definition] = []
        for c in clauses:
            t = c.tokens
            if len(t) == 2 and t[0].kind == "sym" and t[1].value == ":":
                name = t[0].value.upper()
                if name in rexx.labels:
                    rexx.diag(WARNING, "REXX-LABEL", f"label {name} is defined again (line "
                              f"{rexx.labels[name]}); CALL and SIGNAL use the first", c.line)
                    continue
                rexx.labels[name] = c.line
                label_defs.append(Definition("routine", name, c.line, parent=owner))
        for c in clauses:
            rexx.clause(c)
        for name, line in lexed.includes:
            rexx.ref("includes", "script", name, line, "rexx-include")
        if rexx.depth:
            rexx.diag(WARNING, "REXX-END", f"{rexx.depth} DO or SELECT block(s) have no END", nlines)
    except Exception as exc:  # an extractor bug must cost this file's facts, not the scan
        return Extraction(
            definitions=(Definition("script", member, 1, nlines, id=owner),),
            diagnostics=(Diagnostic(path, "error", "REXX-INTERNAL", f"REXX extractor failed: {exc!r}"),),
            lines=LineCounts(code=sum(1 for ln in lines if ln.strip()), blank=sum(1 for ln in lines if not ln.strip())),
            parse=ParseQuality(status="failed", parser="line:rexx", error_ratio=1.0),
        )
    # Labels end where the next label starts (REXX routines have no end marker).
    ordered = sorted(label_defs, key=lambda d: d.line)
    routines = [Definition(d.kind, d.name, d.line, (ordered[k + 1].line - 1) if k + 1 < len(ordered) else nlines,
                           d.parent) for k, d in enumerate(ordered)]
    code = comment = blank = 0
    for no, raw in enumerate(lines, start=1):
        if not raw.strip():
            blank += 1
        elif no in lexed.code_lines:
            code += 1
        elif no in lexed.comment_lines:
            comment += 1
        else:
            code += 1
    bad: set[int] = set()
    for first, last, message in lexed.problems:
        last = min(last, nlines)
        bad.update(range(first, last + 1))
        rexx.diag(WARNING, "REXX-SYNTAX", f"{message} (lines {first}-{last})", first)
    bad_code = len(bad & lexed.code_lines) if lexed.code_lines else 0
    return Extraction(
        definitions=(Definition("script", member, 1, nlines, id=owner), *routines),
        references=tuple(rexx.references),
        metrics=((owner, Metrics(code_lines=code, comment_lines=comment, blank_lines=blank,
                                 complexity=1 + rexx.decisions, max_nesting=rexx.max_depth,
                                 goto_count=rexx.gotos)),),
        diagnostics=tuple(rexx.diagnostics),
        lines=LineCounts(code=code, comment=comment, blank=blank),
        parse=ParseQuality(status="line-parser", parser="line:rexx",
                           error_ratio=round(bad_code / code, 4) if code else 0.0,
                           fallback_used=False, fallback_lines=bad_code),
    )
