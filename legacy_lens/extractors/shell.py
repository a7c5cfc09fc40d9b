"""Unix shell scripts (sh, ksh, bash): the programs, scripts, Java classes and tables they run.

The pack's tree-sitter ``bash`` grammar parses ksh and sh scripts as well (measured in
``grammars/shell/README.md``). The query ``grammars/shell/facts.scm`` captures commands, variable
assignments, here-documents, functions and the decision nodes; this module reads them:

* a script is ``script:<path>`` (kind ``script``, named by its base name); its functions are
  ``routine`` sub-definitions;
* each command is read by :func:`legacy_lens.extractors.scriptcommon.command_runs` after the
  script's own literal variables are expanded (``BIN=/opt/app/bin`` then ``$BIN/payrun``);
* a here-document given to a database client is SQL (tables, stored procedure calls, ``@file``);
  one given to a shell is shell;
* outermost ERROR regions are re-read line by line so that no command in them is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product

from legacy_lens import ts
from legacy_lens.extractors import scriptcommon as sc
from legacy_lens.extractors.common import closing_bracket
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

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_EXPANSIONS = 4  # values tried for a command word built from variables with several values
_REDIRECTS = {"file_redirect", "heredoc_redirect", "herestring_redirect"}
# Reserved words that may start a line the grammar could not parse; the command follows them.
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time", "fi", "done",
                       "esac", "}", "in", ";;"})
_CASE_PATTERN = re.compile(r"^[^\s()=;|]+(?:\|[^\s()=;|]+)*\)\s*")
_WORD_NODES = {"word", "string", "raw_string", "concatenation", "simple_expansion", "expansion",
               "ansi_c_string", "translated_string", "number"}


@dataclass
class _Facts:
    path: str
    owner: str
    definitions: list[Definition] = field(default_factory=list)
    references: dict[Reference, None] = field(default_factory=dict)
    diagnostics: dict[Diagnostic, None] = field(default_factory=dict)

    def add(self, run: sc.Run, line: int) -> None:
        self.references[Reference(
            self.owner, run.kind, run.target_kind, run.target, line, run.via, dynamic=run.dynamic,
            detail=run.detail, optional=run.optional, external=run.external)] = None

    def diag(self, severity: str, code: str, message: str, line: int | None) -> None:
        self.diagnostics[Diagnostic(self.path, severity, code, message, line)] = None


# -- words and variables ---------------------------------------------------------------------------
def _expand(text: str, variables: dict[str, list[str]], depth: int = 0) -> list[str]:
    """The values a shell word can take: quotes removed, the script's literal variables substituted.

    Unknown variables stay as ``$NAME``; ``${NAME:-default}`` takes the default when NAME is
    unknown. At most ``_MAX_EXPANSIONS`` values are returned.
    """
    pieces: list[list[str]] = []  # alternatives for each piece of the word
    i, n = 0, len(text)
    lit: list[str] = []

    def flush() -> None:
        if lit:
            pieces.append(["".join(lit)])
            lit.clear()

    quote = ""
    while i < n:
        ch = text[i]
        if quote != "'" and ch == "\\" and i + 1 < n:
            lit.append(text[i + 1])
            i += 2
        elif ch == "'" and quote != '"':
            quote = "" if quote == "'" else "'"
            i += 1
        elif ch == '"' and quote != "'":
            quote = "" if quote == '"' else '"'
            i += 1
        elif ch == "$" and quote != "'" and i + 1 < n:
            name, default, j = _variable_at(text, i)
            if not name:
                if text[i + 1] == "(":
                    j = closing_bracket(text, i + 1)
                    lit.append(text[i:j])
                    i = j
                else:
                    lit.append(ch)
                    i += 1
                continue
            flush()
            values = variables.get(name)
            if values and depth < 3:
                alts: list[str] = []
                for v in values[:_MAX_EXPANSIONS]:
                    alts.extend(_expand(v, variables, depth + 1))
                pieces.append(list(dict.fromkeys(alts))[:_MAX_EXPANSIONS])
            elif default is not None and depth < 3:
                pieces.append(_expand(default, variables, depth + 1)[:_MAX_EXPANSIONS])
            else:
                pieces.append([f"${name}"])
            i = j
        else:
            lit.append(ch)
            i += 1
    flush()
    if not pieces:
        return [""]
    out: list[str] = []
    for combo in product(*pieces):
        out.append("".join(combo))
        if len(out) >= _MAX_EXPANSIONS:
            break
    return out


def _variable_at(text: str, i: int) -> tuple[str, str | None, int]:
    """(name, default or None, index after) of the expansion starting with ``$`` at ``i``."""
    if text[i + 1] == "{":
        close = text.find("}", i + 2)
        if close < 0:
            return "", None, i + 1
        inner = text[i + 2 : close]
        m = _NAME_RE.match(inner)
        if not m:
            return "", None, i + 1
        rest = inner[m.end():]
        default = None
        for op in (":-", "-", ":=", "="):
            if rest.startswith(op):
                default = rest[len(op):]
                break
        return m.group(0), default, close + 1
    m = _NAME_RE.match(text, i + 1)
    if not m:
        return "", None, i + 1
    return m.group(0), None, m.end()


def _literal_value(node: ts.Node, tree: ts.ParsedTree) -> str | None:
    """The text of an assignment's value when it is a literal word (no command substitution)."""
    if node.type not in _WORD_NODES:
        return None
    text = tree.text(node)
    if "`" in text or "$(" in text or len(text) > 500:
        return None
    return text


# -- the extractor ---------------------------------------------------------------------------------
class _Shell:
    def __init__(self, text: str, path: str, spec: LanguageSpec) -> None:
        self.text = text
        self.path = path
        self.spec = spec
        self.facts = _Facts(path, f"script:{path}")
        self.variables: dict[str, list[str]] = {}
        self.functions: set[str] = set()
        self.unknown_commands: dict[str, int] = {}
        self.heredoc_lines: set[int] = set()
        self.decisions = 0
        self.max_nesting = 0
        self.error_ratio = 0.0
        self.fallback_lines = 0

    def run(self) -> None:
        tree = ts.parse(self.spec.grammar, self.text.encode("utf-8", "replace"))
        errors = list(ts.outermost_errors(tree.root))
        self.error_ratio = ts.error_ratio(tree, errors)
        captures = ts.captures(self.spec.grammar, self.spec.query_text("facts"), tree.root)
        handled_heredocs: set[int] = set()
        for name, node in captures:
            if name == "definition.function":
                self._function(node, tree)
            elif name == "fact.assignment":
                self._assignment(node, tree)
            elif name == "fact.heredoc_body":
                first, last = node.start_point[0] + 1, node.end_point[0] + 1
                self.heredoc_lines.update(range(first, last + 1))
        for name, node in captures:
            if name == "reference.command":
                self._command(node, tree)
            elif name == "fact.redirected":
                self._redirected(node, tree, handled_heredocs)
        self._metrics(captures, tree)
        for err in errors:
            self._fallback(err, tree)
        if self.unknown_commands:
            names = sorted(self.unknown_commands, key=lambda k: self.unknown_commands[k])
            shown = ", ".join(f"${v}" for v in names[:5]) + (" ..." if len(names) > 5 else "")
            self.facts.diag(INFO, "SH-DYNAMIC-COMMAND",
                            f"commands named by variables this script does not set: {shown}",
                            self.unknown_commands[names[0]])

    # -- definitions and variables
    def _function(self, node: ts.Node, tree: ts.ParsedTree) -> None:
        name_node = next((c for c in node.children if c.type == "word"), None)
        if name_node is None:
            return
        name = tree.text(name_node)
        self.functions.add(name)
        self.facts.definitions.append(Definition(
            "routine", name, node.start_point[0] + 1, node.end_point[0] + 1, parent=self.facts.owner))

    def _assignment(self, node: ts.Node, tree: ts.ParsedTree) -> None:
        children = node.children
        if len(children) < 3 or children[0].type != "variable_name":
            return
        value = _literal_value(children[2], tree)
        if value is None:
            return
        values = self.variables.setdefault(tree.text(children[0]), [])
        if value not in values and len(values) < _MAX_EXPANSIONS:
            values.append(value)

    # -- commands
    def _words(self, node: ts.Node, tree: ts.ParsedTree) -> tuple[list[str], list[str]] | None:
        """(raw words, expanded words of the first value) of a command node, or None."""
        name_node = None
        args: list[ts.Node] = []
        for child in node.children:
            if child.type == "command_name":
                name_node = child
            elif name_node is not None and child.type not in _REDIRECTS and child.is_named:
                args.append(child)
        if name_node is None:
            return None
        raw = [tree.text(name_node)] + [tree.text(a) for a in args]
        return raw, [_expand(w, self.variables)[0] for w in raw[1:]]

    def _command(self, node: ts.Node, tree: ts.ParsedTree) -> None:
        words = self._words(node, tree)
        if words is None:
            return
        raw, args = words
        line = node.start_point[0] + 1
        name_raw = raw[0]
        if name_raw.startswith(("((", "$((")):
            return
        if name_raw in self.functions:
            return  # a call of a function of this script
        for name in _expand(name_raw, self.variables):
            self._run_words([name, *args], line, name_raw)

    def _run_words(self, words: list[str], line: int, name_raw: str) -> None:
        runs = sc.command_runs(words)
        name = words[0]
        if not runs and name.startswith("$") and "/" not in name:
            var = _NAME_RE.match(name.lstrip("${"))
            if var and var.group(0) not in self.unknown_commands:
                self.unknown_commands[var.group(0)] = line
        for run in runs:
            if run.detail.startswith("path ") and name_raw != words[0] and "$" in name_raw:
                run = sc.Run(run.kind, run.target_kind, run.target, run.via, run.optional, run.dynamic,
                             f"path {name_raw} = {words[0]}")
            self.facts.add(run, line)
        base = sc.base_name(name)
        if (runs and runs[0].target_kind == "program" and runs[0].optional and "/" not in name
                and _NAME_RE.fullmatch(base)):
            # A bare name may also be a function of a script this one sources: only counts if one is.
            self.facts.add(sc.Run("calls", "routine", base, "shell-function", optional=True), line)

    def _redirected(self, node: ts.Node, tree: ts.ParsedTree, handled: set[int]) -> None:
        """A here-document: SQL for a database client, commands for a shell."""
        bodies: list[ts.Node] = []
        commands: list[ts.Node] = []
        stack = list(node.children)
        while stack:
            cur = stack.pop()
            if cur.type == "heredoc_body":
                bodies.append(cur)
            elif cur.type == "command":
                commands.append(cur)
            elif cur.type in ("heredoc_redirect", "pipeline"):
                stack.extend(cur.children)
        if not bodies:
            return
        target = ""
        for child in node.children:
            if child.type == "file_redirect":
                target = tree.text(child).lstrip("0123456789>& ")
        cat = sc.catalog()
        kind = ""
        client = ""
        for cmd in commands:
            words = self._words(cmd, tree)
            if words is None:
                continue
            base = sc.base_name(_expand(words[0][0], self.variables)[0])
            if base in cat.sql_clients:
                kind, client = "sql", base
                break
            if base in cat.shells:
                kind, client = "shell", base
            elif base == "cat" and target.lower().endswith(".sql") and not kind:
                kind, client = "sql", "generated"
        if not kind:
            return
        for body in bodies:
            if body.id in handled:
                continue
            handled.add(body.id)
            text = tree.text(body)
            first = body.start_point[0] + 1
            if kind == "sql":
                self._sql(text, first, client)
            else:
                for offset, line_text in enumerate(text.split("\n")):
                    for cmd_words in sc.split_command_line(line_text):
                        expanded = [_expand(w, self.variables)[0] for w in cmd_words]
                        self._run_words(expanded, first + offset, cmd_words[0])

    def _sql(self, text: str, first_line: int, client: str) -> None:
        for run in sc.sql_runs(text, client):
            self.facts.add(run, first_line + sc.line_offset(text, run))

    # -- metrics and fallback
    def _metrics(self, captures: list[tuple[str, ts.Node]], tree: ts.ParsedTree) -> None:
        stack: list[int] = []
        for name, node in captures:
            if name == "metric.decision":
                self.decisions += 1
            elif name == "metric.case_item":
                value = next((c for c in node.children if c.is_named), None)
                if value is None or tree.text(value).strip() != "*":
                    self.decisions += 1
            elif name == "metric.nesting":
                while stack and stack[-1] <= node.start_byte:
                    stack.pop()
                stack.append(node.end_byte)
                self.max_nesting = max(self.max_nesting, len(stack))

    def _fallback(self, err: ts.Node, tree: ts.ParsedTree) -> None:
        first = err.start_point[0] + 1
        lines = tree.text(err).split("\n")
        self.fallback_lines += sum(1 for ln in lines if ln.strip() and not ln.strip().startswith("#"))
        for offset, line_text in enumerate(lines):
            stripped = line_text.strip()
            if not stripped or stripped.startswith("#"):
                continue
            stripped = _CASE_PATTERN.sub("", stripped)
            for split in sc.split_command_line(stripped):
                words = split
                while words and words[0] in _KEYWORDS:
                    words = words[1:]  # "if ./bin/check", "then ./bin/run", "do $BIN/x"
                if not words or words[0] in self.functions:
                    continue
                expanded = [_expand(w, self.variables)[0] for w in words]
                self._run_words(expanded, first + offset, words[0])
        self.facts.diag(WARNING, "SH-SYNTAX", f"lines {first}-{err.end_point[0] + 1} did not parse; "
                        "their commands were read line by line", first)

    def lines(self) -> LineCounts:
        code = comment = blank = 0
        pieces = self.text.split("\n")
        if pieces and pieces[-1] == "":
            pieces.pop()  # the empty piece after the final newline is not a line
        for no, raw in enumerate(pieces, start=1):
            s = raw.strip()
            if no in self.heredoc_lines:
                code += 1 if s else 0
                blank += 0 if s else 1
            elif not s:
                blank += 1
            elif s.startswith("#"):
                comment += 1
            else:
                code += 1
        return LineCounts(code=code, comment=comment, blank=blank)


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Scripts, functions, and what the script runs, sources and reads; never raises."""
    shell = _Shell(text, path, spec)
    owner = shell.facts.owner
    name = sc.posix_base(path)
    try:
        shell.run()
    except Exception as exc:  # an extractor bug must cost this file's facts, not the scan
        lines = shell.lines()
        return Extraction(
            definitions=(Definition("script", name, 1, max(1, lines.total), id=owner),),
            diagnostics=(Diagnostic(path, "error", "SH-INTERNAL", f"shell extractor failed: {exc!r}"),),
            lines=lines,
            parse=ParseQuality(status="failed", parser=f"tree-sitter:{spec.grammar}", error_ratio=1.0),
        )
    lines = shell.lines()
    definitions = [Definition("script", name, 1, max(1, lines.total), id=owner), *shell.facts.definitions]
    metrics = Metrics(code_lines=lines.code, comment_lines=lines.comment, blank_lines=lines.blank,
                      complexity=1 + shell.decisions, max_nesting=shell.max_nesting)
    ratio = shell.error_ratio
    status = "ok" if ratio == 0 else "partial" if ratio < 0.5 or shell.facts.references else "failed"
    return Extraction(
        definitions=tuple(definitions),
        references=tuple(shell.facts.references),
        metrics=((owner, metrics),),
        diagnostics=tuple(shell.facts.diagnostics),
        lines=lines,
        parse=ParseQuality(status=status, parser=f"tree-sitter:{spec.grammar}", error_ratio=round(ratio, 4),
                           fallback_used=shell.fallback_lines > 0, fallback_lines=shell.fallback_lines),
    )
