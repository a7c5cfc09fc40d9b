"""JCL extractor: a purpose-built line parser (no tree-sitter grammar exists for JCL).

The parser works in two passes. ``_lex`` turns physical lines into logical
statements (joining continuations, dropping columns 73-80 and comment fields,
attaching in-stream data to the DD that introduced it). ``_Analyser`` then walks
the statements, tracks the owner (job or proc), substitutes JCL symbols and
emits definitions, references and DD statements.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from legacy_lens.extractors.common import component_id, count_lines, member_name
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import (
    INFO,
    WARNING,
    DDStatement,
    Definition,
    Diagnostic,
    Extraction,
    Metrics,
    ParseQuality,
    Reference,
)

# JCL statements use columns 1-71; column 72 is the (rarely used) continuation
# column and 73-80 hold sequence numbers.
_STATEMENT_COLUMNS = 72
_PROC_EXTENSIONS = (".prc", ".proc")
_SYMBOL_RE = re.compile(r"&([A-Z$#@][A-Z0-9$#@]{0,7})(\.?)", re.IGNORECASE)
# EXEC keywords; any other keyword on an EXEC that calls a proc is a symbol override.
_EXEC_KEYWORDS = frozenset(
    [
        "ACCT",
        "ADDRSPC",
        "CCSID",
        "COND",
        "DYNAMNBR",
        "MEMLIMIT",
        "PARM",
        "PARMDD",
        "PERFORM",
        "RD",
        "REGION",
        "REGIONX",
        "RLSTMOUT",
        "TIME",
        "TVSMSG",
        "TVSAMCOM",
    ]
)
_TSO_BATCH = frozenset({"IKJEFT01", "IKJEFT1A", "IKJEFT1B"})
_IMS_REGION = "DFSRRC00"
# IBM-supplied IMS procs whose MBR= names the application program.
_IMS_PROCS = frozenset({"DLIBATCH", "DBBBATCH", "IMSBATCH"})
_IMS_REGION_TYPES = frozenset({"DLI", "DBB", "BMP"})
# A REXX or CLIST exec run from TSO batch: ``%NAME``, ``EX 'LIB(NAME)'`` / ``EXEC 'LIB(NAME)'`` at a command's start.
_EXEC_RE = re.compile(r"^\s*(?:%([A-Z$#@][A-Z0-9$#@]{0,7})\b"
                      r"|EX(?:EC)?\s+'?[A-Z0-9$#@.]*\(([A-Z$#@][A-Z0-9$#@]{0,7})\)'?)", re.IGNORECASE | re.MULTILINE)
_RUN_RE = re.compile(r"\bRUN\b.*?\bPROG(?:RAM)?\s*\(\s*'?([A-Z0-9$#@&]+)'?\s*\)", re.IGNORECASE | re.DOTALL)
_GEN_RE = re.compile(r"^(.*)\(([^()]*)\)$")


@dataclass
class _Stmt:
    """A logical JCL statement (continuations joined)."""

    name: str
    op: str
    operands: str
    line: int
    end_line: int
    data: list[str] = field(default_factory=list)  # in-stream data that followed it


@dataclass
class _Lexed:
    statements: list[_Stmt]
    comment_lines: set[int]
    diagnostics: list[Diagnostic]
    # Statements whose operation is not a JCL statement (a typo, or text that is not JCL): lines the
    # parser could not classify, reported as parse quality.
    unclassified: int = 0


# Operations of JCL and JES2/JES3 statements (z/OS MVS JCL Reference).
_OPERATIONS = frozenset({
    "JOB", "EXEC", "DD", "PROC", "PEND", "SET", "IF", "THEN", "ELSE", "ENDIF", "INCLUDE", "JCLLIB", "OUTPUT",
    "CNTL", "ENDCNTL", "EXPORT", "SCHEDULE", "XMIT", "COMMAND", "JOBGROUP", "ENDGROUP", "GJOB", "JOBSET",
    "SJOB", "ENDSET", "AFTER", "BEFORE", "CONCURRENT", "NOTIFY",
})


def _scan_field(text: str, in_quote: bool = False) -> tuple[str, bool]:
    """Read an operand field up to the first blank outside quotes.

    Returns the field and whether a quote is left open (a quoted value that
    continues on the next line). ``in_quote`` says the text starts inside one.
    """
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "'":
            in_quote = not in_quote  # '' inside a string toggles twice: still inside
        elif ch == " " and not in_quote:
            break
        i += 1
    return text[:i], in_quote


def _split_statement(body: str) -> tuple[str, str, str]:
    """Split the text after ``//`` into name, operation and the rest."""
    name = ""
    rest = body
    if body and body[0] != " ":
        name, _, rest = body.partition(" ")
    rest = rest.lstrip()
    op, _, rest = rest.partition(" ")
    return name.upper(), op.upper(), rest.lstrip()


def _lex(lines: list[str], path: str) -> _Lexed:
    """Turn physical lines into logical statements with their in-stream data."""
    statements: list[_Stmt] = []
    comments: set[int] = set()
    diags: list[Diagnostic] = []
    i = 0
    n = len(lines)
    current_dd: _Stmt | None = None
    unclassified = 0
    while i < n:
        lineno = i + 1
        text = lines[i][:_STATEMENT_COLUMNS].rstrip()
        i += 1
        if text.startswith("//*"):
            comments.add(lineno)
            continue
        if not text.startswith("//"):
            # "/*" delimiters and JES2 "/*JOBPARM" style control cards, or data that
            # no DD introduced (the system treats it as SYSIN DD *); neither is ours.
            continue
        name, op, rest = _split_statement(text[2:])
        if not op:
            continue  # the null statement "//" marks end of job; nothing to record
        if op not in _OPERATIONS:
            unclassified += 1
            diags.append(Diagnostic(path, WARNING, "JCL-UNKNOWN-STATEMENT",
                                    f"{op[:20]!r} is not a JCL statement; the line is not analysed", lineno))
        operands = ""
        end_line = lineno
        if op in {"IF", "ELSE", "ENDIF"}:
            operands = rest  # relational expressions contain blanks; keep the whole field
        else:
            operands, open_quote = _scan_field(rest)
            while (operands.endswith(",") or open_quote) and i < n:
                nxt = lines[i][:_STATEMENT_COLUMNS].rstrip()
                if nxt.startswith("//*"):
                    comments.add(i + 1)  # tolerated between continuation lines
                    i += 1
                    continue
                if not nxt.startswith("// ") or not nxt[2:].strip():
                    diags.append(
                        Diagnostic(
                            path,
                            WARNING,
                            "JCL-CONTINUATION",
                            "statement ends with a comma but the next line does not continue it",
                            lineno,
                        )
                    )
                    break
                # Operands resume in columns 4-16; a quoted value broken at column 71
                # resumes in column 16, which lstrip also finds.
                piece, open_quote = _scan_field(nxt[2:].lstrip(), open_quote)
                operands += piece
                i += 1
                end_line = i
        stmt = _Stmt(name, op, operands, lineno, end_line)
        statements.append(stmt)
        current_dd = stmt if op == "DD" else None
        if current_dd is None:
            continue
        kind, dlm = _instream_kind(operands)
        if kind is None:
            continue
        # Collect in-stream data. DD * ends at "/*", the delimiter or any "//" line;
        # DD DATA ends only at its delimiter, so it can carry JCL as data.
        while i < n:
            raw = lines[i]
            if raw.startswith(dlm):
                i += 1
                break
            if kind == "*" and raw.startswith("//"):
                break
            current_dd.data.append(raw[:_STATEMENT_COLUMNS].rstrip())
            i += 1
        else:
            if kind == "DATA":
                diags.append(
                    Diagnostic(path, WARNING, "JCL-DLM", f"in-stream data has no closing {dlm!r}", stmt.line)
                )
    return _Lexed(statements, comments, diags, unclassified)


def _instream_kind(operands: str) -> tuple[str | None, str]:
    """Return ("*" | "DATA" | None, delimiter) for a DD operand field."""
    params = _split_params(operands)
    if not params:
        return None, "/*"
    first = params[0].upper()
    if first not in {"*", "DATA"}:
        return None, "/*"
    dlm = "/*"
    for p in params[1:]:
        key, eq, value = p.partition("=")
        if eq and key.upper() == "DLM":
            dlm = _unquote(value) or "/*"
    return first, dlm


def _split_params(text: str) -> list[str]:
    """Split on commas outside parentheses and quotes."""
    out: list[str] = []
    depth = 0
    in_quote = False
    buf: list[str] = []
    for ch in text:
        if ch == "'":
            in_quote = not in_quote
        elif not in_quote:
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth = max(0, depth - 1)
            elif ch == "," and depth == 0:
                out.append("".join(buf))
                buf = []
                continue
        buf.append(ch)
    if buf or out:
        out.append("".join(buf))
    return out


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == "'" and value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def _unparen(value: str) -> str:
    if value.startswith("(") and value.endswith(")"):
        return value[1:-1]
    return value


def _keywords(params: Iterable[str]) -> dict[str, str]:
    """Keyword parameters as an upper-cased key -> raw value mapping."""
    out: dict[str, str] = {}
    for p in params:
        key, eq, value = p.partition("=")
        if eq and key:
            out[key.strip().upper()] = value.strip()
    return out


def _substitute(text: str, env: dict[str, str]) -> str:
    """Replace ``&SYM`` / ``&SYM.`` with values from ``env``; unknown symbols stay."""

    def repl(m: re.Match[str]) -> str:
        start = m.start()
        if start > 0 and text[start - 1] == "&":
            return m.group(0)  # "&&TEMP": a temporary data set name, not a symbol
        sym = m.group(1).upper()
        if sym in env:
            return env[sym]
        return m.group(0)

    # "&&" is skipped by the look-behind check in repl; the regex itself would
    # otherwise match the second "&".
    return _SYMBOL_RE.sub(repl, text)


def _has_symbol(text: str) -> bool:
    return bool(re.search(r"(?<!&)&[A-Z$#@]", text, re.IGNORECASE))


def _symbol_defs(params: Iterable[str]) -> dict[str, str]:
    """Symbol assignments from PROC / SET / EXEC operands (enclosing quotes dropped)."""
    out: dict[str, str] = {}
    for p in params:
        key, eq, value = p.partition("=")
        key = key.strip().upper()
        if eq and re.fullmatch(r"[A-Z$#@][A-Z0-9$#@]{0,7}", key):
            out[key] = _unquote(value.strip())
    return out


@dataclass
class _DD:
    ddname: str
    step_label: str  # step name, or "STEP.PROCSTEP" for an override of a proc step
    dsn: str
    disp: str
    line: int
    data: list[str]


@dataclass
class _Step:
    owner: str
    name: str
    line: int
    end_line: int
    program: str  # PGM= value, "" when the step calls a proc
    proc: str
    keywords: dict[str, str]
    dds: list[_DD] = field(default_factory=list)


@dataclass
class _InstreamProc:
    name: str
    line: int
    end_line: int
    defaults: dict[str, str]
    body: list[_Stmt]
    invoked: bool = False


class _Analyser:
    """Walks the statements of one file and collects facts."""

    def __init__(
        self,
        path: str,
        lexed: _Lexed,
        is_proc_file: bool,
        call_set: dict[str, str] | None = None,
        call_overrides: dict[str, str] | None = None,
    ) -> None:
        self.call_set = call_set or {}
        self.call_overrides = call_overrides or {}
        self.path = path
        self.lexed = lexed
        self.is_proc_file = is_proc_file
        self.definitions: dict[tuple[str, str, int], Definition] = {}
        self.references: dict[Reference, None] = {}
        self.dd_statements: dict[DDStatement, None] = {}
        self.diagnostics: dict[Diagnostic, None] = {d: None for d in lexed.diagnostics}
        self.decisions: set[tuple[str, int]] = set()  # (owner, line) of COND= steps and IFs
        self.owner_lines: dict[str, tuple[int, int]] = {}  # owner -> (first line, last line)
        self.top_owners: list[tuple[int, str]] = []  # (first line, owner) of jobs / the proc file
        self.jcllib: dict[str, list[str]] = {}
        self.instream: dict[str, _InstreamProc] = {}
        self.expanding: list[str] = []  # in-stream procs being expanded, outermost first

    # -- helpers --------------------------------------------------------------
    def _diag(self, severity: str, code: str, message: str, line: int) -> None:
        self.diagnostics[Diagnostic(self.path, severity, code, message, line)] = None

    def _ref(
        self, source: str, kind: str, target_kind: str, target: str, line: int, via: str, detail: str = ""
    ) -> None:
        dynamic = _has_symbol(target)
        if dynamic:
            self._diag(INFO, "JCL-SYMBOL", f"{target_kind} name {target} has an unresolved symbol", line)
        self.references[
            Reference(source, kind, target_kind, target, line, via, dynamic=dynamic, detail=detail)
        ] = None

    def _define(self, d: Definition) -> None:
        self.definitions.setdefault((d.kind + "|" + (d.parent or ""), d.name, d.line), d)

    def _own(self, owner: str, first: int, last: int, top: bool) -> None:
        self.owner_lines.setdefault(owner, (first, last))
        if top:
            self.top_owners.append((first, owner))

    # -- main walk ------------------------------------------------------------
    def run(self) -> None:
        stmts = self.lexed.statements
        stem = member_name(self.path)
        has_job = any(s.op == "JOB" for s in stmts)
        if not has_job:
            kind = "proc" if (self.is_proc_file or any(s.op == "PROC" for s in stmts)) else "job"
            owner = component_id(kind, stem)
            proc_stmt = next((s for s in stmts if s.op == "PROC"), None)
            first = proc_stmt.line if proc_stmt else (stmts[0].line if stmts else 1)
            self._define(Definition(kind, stem, first, stmts[-1].end_line if stmts else None))
            self._own(owner, 1, max(1, stmts[-1].end_line if stmts else 1), top=True)
            env: dict[str, str] = {}
            if kind == "proc":
                # A cataloged proc: the PROC statement's defaults are the symbol values;
                # a PEND, if present, is ignored.
                body = [s for s in stmts if s is not proc_stmt and s.op != "PEND"]
                if proc_stmt is not None:
                    env = _symbol_defs(_split_params(proc_stmt.operands))
                # When expanded for a calling job: SET < PROC default < EXEC override.
                env = {**self.call_set, **env, **self.call_overrides}
                self._walk(owner, body, env, allow_instream=False)
            else:
                self._walk(owner, stmts, env, allow_instream=True)
            return
        # One file may hold several jobs: each JOB card starts a new owner.
        jobs: list[tuple[_Stmt, list[_Stmt]]] = []
        for s in stmts:
            if s.op == "JOB":
                jobs.append((s, []))
            elif jobs:
                jobs[-1][1].append(s)
            else:
                self._diag(WARNING, "JCL-BEFORE-JOB", f"{s.op} statement before the JOB card", s.line)
        for idx, (card, body) in enumerate(jobs):
            name = card.name or stem
            owner = component_id("job", name)
            last = body[-1].end_line if body else card.end_line
            self._own(owner, 1 if idx == 0 else card.line, last, top=True)
            job = Definition("job", name, card.line, last)
            self._define(job)
            self.instream = {}  # in-stream procs are local to their job
            self._walk(owner, body, {}, allow_instream=True)
            if self.jcllib.get(owner):
                key = ("job|", name, card.line)
                self.definitions[key] = Definition(
                    "job", name, card.line, last, detail="jcllib=" + ",".join(self.jcllib[owner])
                )

    def _walk(self, owner: str, stmts: list[_Stmt], env: dict[str, str], allow_instream: bool) -> None:
        """Process statements belonging to ``owner`` with symbol table ``env``."""
        env = dict(env)
        step: _Step | None = None
        steps: list[_Step] = []
        last_ddname = ""
        i = 0
        while i < len(stmts):
            s = stmts[i]
            i += 1
            if s.op == "PROC" and allow_instream:
                body: list[_Stmt] = []
                end = s.end_line
                closed = False
                while i < len(stmts):
                    t = stmts[i]
                    i += 1
                    if t.op == "PEND":
                        end = t.end_line
                        closed = True
                        break
                    body.append(t)
                    end = t.end_line
                if not closed:
                    self._diag(WARNING, "JCL-PEND", f"in-stream proc {s.name} has no PEND", s.line)
                pname = s.name or f"#{s.line}"
                self.instream[pname] = _InstreamProc(
                    pname, s.line, end, _symbol_defs(_split_params(s.operands)), body
                )
                self._define(Definition("proc", pname, s.line, end))
                self._own(component_id("proc", pname), s.line, end, top=False)
                # Uninvoked procs are analysed with their defaults at the end of the job.
                continue
            operands = (
                _substitute(s.operands, env)
                if s.op in {"EXEC", "DD", "SET", "INCLUDE", "JCLLIB"}
                else s.operands
            )
            if s.op == "SET":
                env.update(_symbol_defs(_split_params(operands)))
            elif s.op == "JCLLIB":
                order = _keywords(_split_params(operands)).get("ORDER", "")
                libs = [_unquote(x.strip()).upper() for x in _split_params(_unparen(order)) if x.strip()]
                self.jcllib.setdefault(owner, []).extend(libs)
            elif s.op == "INCLUDE":
                member = _keywords(_split_params(operands)).get("MEMBER", "")
                if member:
                    self._ref(owner, "includes", "include", member.upper(), s.line, "jcl-include")
            elif s.op == "IF":
                self.decisions.add((owner, s.line))
            elif s.op == "EXEC":
                if step is not None:
                    self._finish_step(step)
                step = self._exec(owner, s, operands, env, len(steps) + 1)
                steps.append(step)
                last_ddname = ""
            elif s.op == "DD":
                if step is None:
                    self._diag(WARNING, "JCL-DD-OUTSIDE-STEP", "DD statement outside any step", s.line)
                    continue
                ddname = s.name or last_ddname  # an unnamed DD concatenates to the previous one
                last_ddname = ddname
                self._dd(step, ddname, operands, s)
            if step is not None and s.op in {"EXEC", "DD"}:
                step.end_line = max(step.end_line, s.end_line)
        if step is not None:
            self._finish_step(step)
        if allow_instream:
            for proc in self.instream.values():
                if not proc.invoked:
                    proc.invoked = True
                    self.expanding.append(proc.name)
                    try:
                        self._walk(
                            component_id("proc", proc.name),
                            proc.body,
                            {**env, **proc.defaults},
                            allow_instream=False,
                        )
                    finally:
                        self.expanding.pop()

    def _exec(self, owner: str, s: _Stmt, operands: str, env: dict[str, str], ordinal: int) -> _Step:
        params = _split_params(operands)
        kw = _keywords(params)
        name = s.name or f"#{ordinal}"
        program = proc = ""
        if "PGM" in kw:
            program = _unquote(kw["PGM"]).upper()
        elif "PROC" in kw:
            proc = kw["PROC"].upper()
        elif params and "=" not in params[0]:
            proc = params[0].strip().upper()
        step = _Step(owner, name, s.line, s.end_line, program, proc, kw)
        if any(k == "COND" or k.startswith("COND.") for k in kw):
            self.decisions.add((owner, s.line))
        detail = f"pgm={program}" if program else f"proc={proc}" if proc else ""
        self._define(Definition("step", name, s.line, None, parent=owner, detail=detail))
        if program.startswith("*."):
            # PGM=*.STEP.DD runs a load module created by an earlier step; no name to link.
            self._diag(INFO, "JCL-PGM-BACKREF", f"step {name} runs a program from {program}", s.line)
        elif program:
            self._ref(owner, "runs", "program", program, s.line, "jcl-exec")
        elif proc:
            overrides = {
                k: _unquote(v)
                for k, v in kw.items()
                if "." not in k and k not in _EXEC_KEYWORDS and k not in {"PROC", "PGM"}
            }
            detail = ""
            # Job-level SET symbols reach a called proc; a proc's own symbols do not reach procs it calls.
            set_env = env if owner.startswith("job:") else {}
            if proc not in self.instream and (overrides or set_env):
                # A cataloged proc is expanded with these symbols by expand_call() once it is found.
                detail = _symbols_detail(set_env, overrides)
            self._ref(owner, "runs", "proc", proc, s.line, "jcl-exec", detail=detail)
            if proc in self.instream and proc in self.expanding:
                # A proc that calls itself (directly or through another) would expand for ever.
                self._diag(WARNING, "JCL-PROC-RECURSION", f"proc {proc} calls itself (through "
                           f"{' -> '.join([*self.expanding, proc])}); the call is not expanded again", s.line)
            elif proc in self.instream:
                ip = self.instream[proc]
                ip.invoked = True
                self.expanding.append(proc)
                try:
                    self._walk(
                        component_id("proc", proc),
                        ip.body,
                        {**env, **ip.defaults, **overrides},
                        allow_instream=False,
                    )
                finally:
                    self.expanding.pop()
            if proc in _IMS_PROCS and overrides.get("MBR"):
                mbr = overrides["MBR"].upper()
                self._ref(owner, "runs", "program", mbr, s.line, "ims-proc-mbr")
                psb = overrides.get("PSB", "").upper() or (mbr if proc == "IMSBATCH" else "")
                if psb:
                    self._ref(owner, "ims", "psb", psb, s.line, "ims-proc-mbr")
        else:
            self._diag(WARNING, "JCL-EXEC", "EXEC statement names neither a program nor a proc", s.line)
        return step

    def _dd(self, step: _Step, ddname: str, operands: str, s: _Stmt) -> None:
        params = _split_params(operands)
        kw = _keywords(params)
        step_label = step.name
        if "." in ddname:
            # //PROCSTEP.DDNAME overrides or adds a DD in a step of the called proc.
            procstep, _, ddname = ddname.partition(".")
            step_label = f"{step.name}.{procstep}"
        dsn = _unquote(kw.get("DSN", kw.get("DSNAME", ""))).upper()
        if params and params[0].strip().upper() == "DUMMY":
            dsn = ""  # DUMMY ignores any DSN coded with it
        disp = kw.get("DISP", "").upper()
        step.dds.append(_DD(ddname, step_label, dsn, disp, s.line, s.data))

    @staticmethod
    def _real_program(step: _Step) -> tuple[str, str]:
        """The program a utility step really runs and the step label it applies to.

        For a step that calls a proc, an overriding ``//PSTEP.SYSTSIN DD *`` names
        the program of proc step PSTEP only. Returns ("", "") when unknown.
        """
        if step.program in _TSO_BATCH or (not step.program and step.proc):
            for dd in step.dds:
                if dd.ddname == "SYSTSIN" and dd.data:
                    m = _RUN_RE.search(_join_tso(dd.data))
                    if m:
                        return m.group(1).upper(), dd.step_label
        if step.program == _IMS_REGION:
            parsed = _dfsrrc00_parm(step.keywords.get("PARM", ""))
            if parsed:
                return parsed[0], step.name
        return "", ""

    def _finish_step(self, step: _Step) -> None:
        owner = step.owner
        # Replace the provisional step definition with one carrying its end line.
        key = ("step|" + owner, step.name, step.line)
        old = self.definitions[key]
        self.definitions[key] = Definition(
            old.kind, old.name, old.line, step.end_line, old.parent, old.detail
        )
        # TSO batch: every RUN PROGRAM in in-stream SYSTSIN data is a program run.
        if step.program in _TSO_BATCH or (not step.program and step.proc):
            for dd in step.dds:
                if dd.ddname != "SYSTSIN":
                    continue
                if dd.data:
                    text = _join_tso(dd.data)
                    for m in _RUN_RE.finditer(text):
                        line = dd.line + 1 + _line_of(dd.data, m.start(), text)
                        self._ref(owner, "runs", "program", m.group(1).upper(), line, "ikjeft01-run")
                    for m in _EXEC_RE.finditer(text):
                        line = dd.line + 1 + _line_of(dd.data, m.start(), text)
                        self._ref(owner, "runs", "script", (m.group(1) or m.group(2)).upper(), line,
                                  "ikjeft01-exec")
                else:
                    base, paren = _split_member(dd.dsn)
                    if paren and not _is_generation(paren):
                        self._diag(
                            INFO,
                            "JCL-SYSTSIN-MEMBER",
                            f"SYSTSIN of step {step.name} is in {dd.dsn}; the program it runs "
                            "is resolved when that member is scanned",
                            dd.line,
                        )
                        self._ref(
                            owner,
                            "includes",
                            "member",
                            paren.upper(),
                            dd.line,
                            "systsin-member",
                            detail=f"dsn={base}",
                        )
        parm = _unquote(_unparen(step.keywords.get("PARM", ""))).strip()
        if step.program == "IRXJCL" and parm:
            # IRXJCL runs the REXX exec named first in its PARM, from SYSEXEC.
            self._ref(owner, "runs", "script", parm.split()[0].upper(), step.line, "irxjcl-parm")
        elif step.program == "BPXBATCH" and parm[:3].upper() == "SH " and len(parm.split()) > 1:
            script = parm.split()[1].rsplit("/", 1)[-1]
            if script and not _has_symbol(script):
                self._ref(owner, "runs", "script", script, step.line, "bpxbatch-parm", detail=parm[:80])
        if step.program == _IMS_REGION:
            parsed = _dfsrrc00_parm(step.keywords.get("PARM", ""))
            if parsed:
                pgm, psb = parsed
                self._ref(owner, "runs", "program", pgm, step.line, "dfsrrc00-parm")
                if psb:
                    self._ref(owner, "ims", "psb", psb, step.line, "dfsrrc00-parm")
            else:
                self._diag(
                    INFO,
                    "JCL-DFSRRC00",
                    f"step {step.name} runs DFSRRC00 without a DLI/DBB/BMP PARM",
                    step.line,
                )
        real, label = self._real_program(step)
        for dd in step.dds:
            self._emit_dd(owner, dd, real if real and dd.step_label == label else step.program)

    def _emit_dd(self, owner: str, dd: _DD, program: str) -> None:
        dsn = dd.dsn
        if not dsn or dsn.startswith(("&&", "*.")) or dsn in {"NULLFILE"}:
            return  # scratch, backward reference, in-stream, SYSOUT or DUMMY: not a data set to map
        base, paren = _split_member(dsn)
        extra = ""
        if paren:
            extra = f" gdg={paren}" if _is_generation(paren) else f" member={paren}"
        fields = [f.strip() for f in _unparen(dd.disp).split(",")] if dd.disp else []
        first = fields[0] if fields else ""
        if dd.disp and not first:
            first = "NEW"  # DISP=(,CATLG) defaults the status to NEW
        access = "writes" if first in {"NEW", "MOD", "OLD"} else "reads"
        normal = fields[1] if len(fields) > 1 else ""
        # A normal disposition of DELETE on an existing data set deletes it when the step ends. IEFBR14 does
        # nothing else: its DD exists only to delete (or to create) the data set, so it neither reads nor writes.
        deletes = first != "NEW" and normal == "DELETE"
        if deletes and program == "IEFBR14":
            access, deletes = "deletes", False
        if _has_symbol(base):
            self._diag(INFO, "JCL-SYMBOL", f"data set name {base} has an unresolved symbol", dd.line)
        self.dd_statements[
            DDStatement(owner, dd.step_label, program, dd.ddname, base, dd.disp, access, dd.line)
        ] = None
        detail = f"DD {dd.ddname} DISP={dd.disp}" if dd.disp else f"DD {dd.ddname}"
        self.references[
            Reference(owner, access, "dataset", base, dd.line, "jcl-dd", detail=detail + extra)
        ] = None
        if deletes:
            self.references[
                Reference(owner, "deletes", "dataset", base, dd.line, "jcl-dd", detail=detail + extra)
            ] = None

    # -- results --------------------------------------------------------------
    def metrics(self, lines: list[str]) -> tuple[tuple[str, Metrics], ...]:
        """Line counts per owner; in-stream proc lines count for the proc, not the job."""
        tops = sorted(self.top_owners)
        assigned: list[str] = []
        for ln in range(1, len(lines) + 1):
            # Lines outside every range (trailing comments, data) go to the job they follow.
            owner = next((o for first, o in reversed(tops) if first <= ln), tops[0][1] if tops else "")
            for o, (first, last) in self.owner_lines.items():
                if o.startswith("proc:") and first <= ln <= last and (first, o) not in tops:
                    owner = o
            assigned.append(owner)
        out: list[tuple[str, Metrics]] = []
        for owner in self.owner_lines:
            mine = [text for text, o in zip(lines, assigned, strict=True) if o == owner]
            lc = count_lines([ln[:_STATEMENT_COLUMNS] for ln in mine], _is_comment)
            decisions = sum(1 for o, _ in self.decisions if o == owner)
            out.append(
                (
                    owner,
                    Metrics(
                        code_lines=lc.code,
                        comment_lines=lc.comment,
                        blank_lines=lc.blank,
                        complexity=decisions + 1,
                    ),
                )
            )
        return tuple(out)


def _is_comment(line: str) -> bool:
    return line.startswith("//*")


def _split_member(dsn: str) -> tuple[str, str]:
    """``A.B(+1)`` -> ("A.B", "+1"); ``LIB(MEM)`` -> ("LIB", "MEM"); else (dsn, "")."""
    m = _GEN_RE.match(dsn)
    if m:
        return m.group(1), m.group(2)
    return dsn, ""


def _is_generation(paren: str) -> bool:
    return re.fullmatch(r"[+-]?\d+", paren) is not None


def _join_tso(data: list[str]) -> str:
    """Join TSO command lines; a trailing ``-`` or ``+`` continues a command."""
    out: list[str] = []
    for raw in data:
        line = raw.rstrip()
        if line.endswith(("-", "+")):
            out.append(line[:-1] + "  ")  # same length as line + newline, so offsets map back
        else:
            out.append(line + "\n")
    return "".join(out)


def _line_of(data: list[str], offset: int, joined: str) -> int:
    """Index of the data line that holds ``offset`` of the joined text."""
    pos = 0
    for idx, raw in enumerate(data):
        pos += len(raw.rstrip()) + 1
        if offset < pos:
            return idx
    return max(0, len(data) - 1)


def _dfsrrc00_parm(parm: str) -> tuple[str, str] | None:
    """(program, psb) from ``PARM='DLI,PGM,PSB'`` or ``PARM=(BMP,PGM)``, else None."""
    if not parm:
        return None
    inner = _unparen(_unquote(parm))
    parts = [_unquote(p.strip()).upper() for p in _split_params(inner)]
    if len(parts) < 2 or parts[0] not in _IMS_REGION_TYPES or not parts[1]:
        return None
    psb = parts[2] if len(parts) > 2 else ""
    if not psb and parts[0] == "BMP":
        psb = parts[1]  # IMS defaults a BMP's PSB to the program name
    return parts[1], psb


def _symbols_detail(set_env: dict[str, str], overrides: dict[str, str]) -> str:
    parts = []
    if overrides:
        parts.append("symbols: " + ", ".join(f"{k}={v}" for k, v in sorted(overrides.items())))
    if set_env:
        parts.append("set: " + ", ".join(f"{k}={v}" for k, v in sorted(set_env.items())))
    return "; ".join(parts)


def call_symbols(detail: str) -> tuple[dict[str, str], dict[str, str]]:
    """(SET symbols, EXEC overrides) recorded on a ``runs proc`` reference by this module."""
    found: dict[str, dict[str, str]] = {"set": {}, "symbols": {}}
    for part in detail.split("; "):
        label, _, body = part.partition(": ")
        if label in found:
            for item in body.split(", "):
                key, eq, value = item.partition("=")
                if eq:
                    found[label][key] = value
    return found["set"], found["symbols"]


def expand_call(
    proc_text: str, proc_path: str, caller: str, call_step: str, call_line: int, detail: str
) -> tuple[tuple[Reference, ...], tuple[DDStatement, ...]]:
    """Data sets and programs of a cataloged proc as run by ``caller`` with its symbols.

    The proc's own facts use its PROC defaults. A job that overrides them (``EXEC PAYPROC,
    HLQ=PROD``) really uses other data sets: those are returned as the caller's references
    (``via="jcl-proc-symbols"``) and DD statements (step ``CALLSTEP.PROCSTEP``), for the
    names that differ from the defaults' expansion.
    """
    set_env, overrides = call_symbols(detail)
    lines = proc_text.splitlines()
    default = _Analyser(proc_path, _lex(lines, proc_path), True)
    default.run()
    called = _Analyser(proc_path, _lex(lines, proc_path), True, set_env, overrides)
    called.run()
    known = {(r.kind, r.target_kind, r.target) for r in default.references}
    refs = []
    for r in called.references:
        if r.kind in ("reads", "writes", "runs") and (r.kind, r.target_kind, r.target) not in known:
            refs.append(
                Reference(
                    caller, r.kind, r.target_kind, r.target, call_line, "jcl-proc-symbols",
                    dynamic=r.dynamic, detail=f"{proc_path}:{r.line} {r.detail}".strip(),
                )
            )
    default_dds = {(d.step, d.ddname, d.dsn) for d in default.dd_statements}
    dds = tuple(
        DDStatement(caller, f"{call_step}.{d.step}", d.program, d.ddname, d.dsn, d.disp, d.access, call_line)
        for d in called.dd_statements
        if (d.step, d.ddname, d.dsn) not in default_dds
    )
    return tuple(refs), dds


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Extract jobs, procs, steps, program runs and data set usage from one JCL member."""
    lines = text.splitlines()
    try:
        lexed = _lex(lines, path)
        analyser = _Analyser(path, lexed, path.lower().endswith(_PROC_EXTENSIONS))
        analyser.run()
        metrics = analyser.metrics(lines)
    except Exception as exc:
        return Extraction(
            diagnostics=(Diagnostic(path, "error", "JCL-INTERNAL", f"JCL parser failed: {exc!r}"),),
            lines=count_lines([ln[:_STATEMENT_COLUMNS] for ln in lines], _is_comment),
            parse=ParseQuality(status="failed", parser="line:jcl"),
        )
    counts = count_lines([ln[:_STATEMENT_COLUMNS] for ln in lines], _is_comment)
    ratio = round(min(1.0, lexed.unclassified / counts.code), 4) if counts.code else 0.0
    return Extraction(
        definitions=tuple(analyser.definitions.values()),
        references=tuple(analyser.references),
        metrics=metrics,
        dd_statements=tuple(analyser.dd_statements),
        diagnostics=tuple(analyser.diagnostics),
        lines=counts,
        parse=ParseQuality(status="line-parser", parser="line:jcl", error_ratio=ratio,
                           fallback_lines=lexed.unclassified),
    )
