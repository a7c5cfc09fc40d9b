"""COBOL programs and copybooks: preprocess, parse with tree-sitter, extract facts.

The grammar gives statement boundaries and types; small regular expressions
read the tokens inside each captured statement (the same expressions serve the
statement-level fallback for regions the grammar could not parse, so no CALL,
COPY, PERFORM, GO TO or EXEC is lost). EXEC blocks are lifted out by the
preprocessor and analysed by ``exec_blocks.analyse``, the one reader of EXEC
SQL/CICS/DLI shared with PL/I and assembler.

Resolution across files (copybook contents counting for the including program,
dynamic CALL/XCTL targets set in copybooks, DD names) happens later, in
``legacy_lens.link``; this module only reports what one member says.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from legacy_lens import ts
from legacy_lens.extractors.cobol_pre import Preprocessed, preprocess
from legacy_lens.extractors.common import count_lines, member_name
from legacy_lens.extractors.exec_blocks import analyse as analyse_exec
from legacy_lens.extractors.exec_blocks import unquote
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import (
    ERROR,
    INFO,
    WARNING,
    DataItem,
    Definition,
    Diagnostic,
    Extraction,
    FileAssign,
    LineCounts,
    Metrics,
    Move,
    ParseQuality,
    Reference,
)

NAME = r"[A-Za-z0-9][A-Za-z0-9#@$_-]*"
_LITERAL = r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\""
_CALL = re.compile(rf"\bCALL\s+(?:(?P<lit>{_LITERAL})|(?P<id>{NAME})(?P<sub>\s*\()?)", re.IGNORECASE)
_CALL_USING = re.compile(r"\bUSING\b(?P<args>.*?)(?:\bRETURNING\b|\bON\s+(?:EXCEPTION|OVERFLOW)\b|\bEND-CALL\b|$)",
                         re.IGNORECASE | re.DOTALL)
_COPY = re.compile(rf"\bCOPY\s+(?P<name>{_LITERAL}|{NAME})(?:\s+(?:OF|IN)\s+(?P<lib>{NAME}))?", re.IGNORECASE)
_PERFORM = re.compile(
    rf"\bPERFORM\s+(?P<a>{NAME})(?:\s+(?:IN|OF)\s+{NAME})?(?:\s+(?:THRU|THROUGH)\s+(?P<b>{NAME}))?", re.IGNORECASE
)
_PERFORM_KEYWORDS = {"VARYING", "UNTIL", "WITH", "TEST", "FOREVER", "TIMES"}
# Each target name is an atomic group: with a plain NAME, ``(?:NAME\s*,?\s*)+?`` could split one long word
# into names in exponentially many ways before failing (found by make fuzz: a 1 KB member never finished).
_GOTO = re.compile(rf"\bGO\s+(?:TO\s+)?(?P<targets>(?:(?>{NAME})\s*,?\s*)+?)(?:\s*DEPENDING\b|\s*\.|\s*$)",
                   re.IGNORECASE)
_ALTER = re.compile(rf"\b(?P<a>{NAME})\s+TO\s+(?:PROCEED\s+TO\s+)?(?P<b>{NAME})", re.IGNORECASE)
_MOVE = re.compile(
    rf"\bMOVE\s+(?:ALL\s+)?(?P<src>{_LITERAL}|{NAME}(?:\s*\([^)]*\))?)\s+TO\s+(?P<targets>.*)",
    re.IGNORECASE | re.DOTALL,
)
_TARGET = re.compile(rf"(?P<name>{NAME})(?P<sub>\s*\([^)]*\))?")
_SELECT = re.compile(
    rf"\bSELECT\s+(?:OPTIONAL\s+)?(?P<file>{NAME})\s+ASSIGN\s+(?:TO\s+)?(?:(?P<lit>{_LITERAL})|(?P<dd>{NAME}))",
    re.IGNORECASE,
)
_OPEN_MODES = {"INPUT": "INPUT", "OUTPUT": "OUTPUT", "I-O": "I-O", "EXTEND": "EXTEND"}
_DATA = re.compile(rf"^\s*(?P<level>\d{{1,2}})\s+(?P<name>{NAME})?", re.IGNORECASE)
_PIC = re.compile(r"\bPIC(?:TURE)?\s+(?:IS\s+)?(?P<pic>\S+?)(?=\.?(?:\s|$))", re.IGNORECASE)
_USAGE = re.compile(
    r"\b(?:USAGE\s+(?:IS\s+)?)?(?P<usage>COMP(?:UTATIONAL)?(?:-[1-5])?|BINARY|PACKED-DECIMAL|POINTER|"
    r"INDEX|DISPLAY-1|NATIONAL|DISPLAY)\b",
    re.IGNORECASE,
)
_OCCURS = re.compile(r"\bOCCURS\s+(?:(?P<min>\d+)\s+TO\s+)?(?P<max>\d+)", re.IGNORECASE)
_REDEFINES = re.compile(rf"\bREDEFINES\s+(?P<name>{NAME})", re.IGNORECASE)
# Layout clauses read for the data dictionary (legacy_lens.datadict); an explicit USAGE that is not one of
# _USAGE's (COMP-6, POINTER-32, UTF-8 ...) is kept as written so that its size is never guessed.
_SYNC = re.compile(r"\bSYNC(?:HRONIZED)?\b", re.IGNORECASE)
_SIGN_SEPARATE = re.compile(r"\b(?:LEADING|TRAILING)\s+SEPARATE\b", re.IGNORECASE)
_DEPENDING = re.compile(rf"\bDEPENDING\s+(?:ON\s+)?(?P<name>{NAME})", re.IGNORECASE)
_THRU = re.compile(r"\bTHR(?:U|OUGH)\b", re.IGNORECASE)
_USAGE_WORD = re.compile(rf"\bUSAGE\s+(?:IS\s+)?(?P<usage>{NAME})|\b(?P<comp>COMP(?:UTATIONAL)?-[A-Z0-9]+)\b",
                         re.IGNORECASE)
_KNOWN_USAGES = {"COMP", "COMP-1", "COMP-2", "COMP-3", "COMP-4", "COMP-5", "BINARY", "PACKED-DECIMAL", "POINTER",
                 "INDEX", "DISPLAY-1", "NATIONAL", "DISPLAY"}
_VALUE = re.compile(r"\bVALUES?\s+(?:IS\s+|ARE\s+)?(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_VALUE_TOKEN = re.compile(
    rf"(?P<lit>{_LITERAL})|(?P<fig>ZEROE?S?|SPACES?|HIGH-VALUES?|LOW-VALUES?|QUOTES?|NULLS?)\b|(?P<num>[-+]?\d[\d.]*)",
    re.IGNORECASE,
)
_PARAGRAPH_HEADER = re.compile(rf"^ {{7}}(?P<name>{NAME})\s*\.\s*$")
_SECTION_HEADER = re.compile(rf"^ {{7}}(?P<name>{NAME})\s+SECTION(?:\s+\d+)?\s*\.\s*$", re.IGNORECASE)
_PROGRAM_ID = re.compile(rf"\bPROGRAM-ID\s*\.?\s*(?P<name>{_LITERAL}|{NAME})", re.IGNORECASE)
_PROGRAM_NAME = re.compile(r"^[A-Z@#$][A-Z0-9@#$-]{0,7}$")
_FIGURATIVE = {"SPACE", "SPACES", "ZERO", "ZEROS", "ZEROES", "LOW-VALUE", "LOW-VALUES", "HIGH-VALUE",
               "HIGH-VALUES", "QUOTE", "QUOTES", "NULL", "NULLS"}

TERMINAL_STATEMENTS = {"stop_statement", "goback_statement"}


def program_name_value(value: str) -> str | None:
    """``value`` as a program name (upper-cased, trimmed), or None if it cannot be one."""
    name = value.strip().upper()
    return name if _PROGRAM_NAME.match(name) else None


@dataclass(slots=True)
class _Paragraph:
    name: str
    line: int
    section: str
    is_section: bool
    falls_through: bool = True  # False when its last top-level statement is GO TO/STOP RUN/GOBACK


@dataclass(slots=True)
class _Program:
    name: str
    line: int
    end_line: int
    start_byte: int
    end_byte: int
    parent: str = ""
    proc_line: int = 0  # original line of PROCEDURE DIVISION
    paragraphs: list[_Paragraph] = field(default_factory=list)
    performs: list[tuple[int, str, str]] = field(default_factory=list)  # line, from, thru
    gotos: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    alters: list[tuple[int, str, str]] = field(default_factory=list)
    complexity: int = 1
    max_nesting: int = 0
    selects: dict[str, tuple[str, int]] = field(default_factory=dict)  # file -> (ddname, line)
    opens: dict[str, set[str]] = field(default_factory=dict)


class _Extractor:
    def __init__(self, text: str, path: str, spec: LanguageSpec) -> None:
        self.path = path
        self.spec = spec
        self.member = member_name(path)
        self.pre: Preprocessed = preprocess(text)
        self.raw_text = text
        self.definitions: list[Definition] = []
        self.references: list[Reference] = []
        self.moves: list[Move] = []
        self.data_items: dict[str, list[DataItem]] = {}
        self.diagnostics: list[Diagnostic] = []
        self.programs: list[_Program] = []
        self.seen: set[tuple[str, str, int, str]] = set()
        self.fallback_lines = 0
        self.error_ratio = 0.0
        self.decision_matchers = _decision_matchers(spec.decision_nodes)
        self.file_sections: list[tuple[int, int]] = []

    # -- ownership -----------------------------------------------------------------
    def owner_at(self, line: int) -> str:
        """Component id owning an original line: the innermost program, or the copybook."""
        if self.pre.is_copybook or not self.programs:
            return f"copybook:{self.member}" if self.pre.is_copybook else f"program:{self.member}"
        best = self.programs[0]
        for prog in self.programs:
            if prog.line <= line <= prog.end_line and prog.line >= best.line:
                best = prog
        return f"program:{best.name}"

    def section_at(self, line: int) -> str:
        return "file" if any(a <= line <= b for a, b in self.file_sections) else ""

    def program_at(self, line: int) -> _Program | None:
        best: _Program | None = None
        for prog in self.programs:
            if prog.line <= line <= prog.end_line and (best is None or prog.line >= best.line):
                best = prog
        return best

    def add_ref(self, ref: Reference) -> None:
        key = (ref.kind, ref.target, ref.line, ref.source)
        if key in self.seen:
            return
        self.seen.add(key)
        self.references.append(ref)

    # -- main ---------------------------------------------------------------------
    def run(self) -> Extraction:
        source = self.pre.text.encode("utf-8", "replace")
        tree = ts.parse(self.spec.grammar, source)
        errors = list(ts.outermost_errors(tree.root))
        self.error_ratio = ts.error_ratio(tree, errors)
        captures = ts.captures(self.spec.grammar, self.spec.query_text("facts"), tree.root)
        self.file_sections = _file_section_ranges(self.pre)
        self._programs(tree, captures)
        self._facts(tree, captures)
        self._copies()
        self._fallback(tree, errors)
        self._procedure_metrics(tree, captures)
        self._execs()
        return self._result()

    def line_of(self, tree: ts.ParsedTree, node: ts.Node) -> int:
        return self.pre.original_line(node.start_point[0])

    def _programs(self, tree: ts.ParsedTree, captures: list[tuple[str, ts.Node]]) -> None:
        if self.pre.is_copybook:
            self.definitions.append(Definition(kind="copybook", name=self.member, line=1,
                                               end_line=max(1, len(self.raw_text.splitlines()))))
            return
        last_line = max(1, len(self.raw_text.splitlines()))
        end_markers: list[tuple[str, int]] = []
        for name, node in captures:
            if name == "definition.program":
                pid = _PROGRAM_ID.search(tree.text(node))
                if not pid:
                    continue
                prog_name = unquote(pid.group("name")).upper()
                self.programs.append(_Program(
                    name=prog_name, line=self.line_of(tree, node) or 1,
                    end_line=self.pre.original_line(node.end_point[0]) or last_line,
                    start_byte=node.start_byte, end_byte=node.end_byte))
            elif name == "definition.end_program":
                pid = re.search(rf"END\s+PROGRAM\s+({_LITERAL}|{NAME})", tree.text(node), re.IGNORECASE)
                if pid:
                    end_markers.append((unquote(pid.group(1)).upper(), self.line_of(tree, node)))
        if not self.programs:
            # The grammar lost the header; read PROGRAM-IDs from the text so the program is not lost.
            for index, line in enumerate(self.pre.lines):
                pid = _PROGRAM_ID.search(line)
                if pid:
                    self.programs.append(_Program(name=unquote(pid.group("name")).upper(),
                                                  line=self.pre.original_line(index), end_line=last_line,
                                                  start_byte=0, end_byte=len(self.pre.text)))
            if not self.programs:
                self.programs.append(_Program(name=self.member, line=1, end_line=last_line,
                                              start_byte=0, end_byte=len(self.pre.text)))
                self.diagnostics.append(Diagnostic(self.path, WARNING, "COBOL-NO-PROGRAM-ID",
                                                   "no PROGRAM-ID found; the member name is used", None))
        self.programs.sort(key=lambda p: p.line)
        # Nesting: END PROGRAM X closes X; a program that starts before X ends and whose own
        # end comes after it contains X.
        ends = {name: line for name, line in end_markers}
        for i, prog in enumerate(self.programs):
            if prog.name in ends:
                prog.end_line = ends[prog.name]
            elif i + 1 < len(self.programs):
                prog.end_line = max(prog.end_line, self.programs[i + 1].line - 1)
            else:
                # The last program may omit END PROGRAM: it runs to the end of the member, even
                # when the grammar's program node stops early at an ERROR region.
                prog.end_line = max(prog.end_line, last_line)
        for prog in self.programs:
            for outer in self.programs:
                encloses = outer is not prog and outer.line < prog.line and outer.end_line >= prog.end_line
                if encloses and (not prog.parent or self._program(prog.parent).line < outer.line):
                        prog.parent = outer.name
        for prog in self.programs:
            if len(prog.name) > 30:
                self.diagnostics.append(Diagnostic(
                    self.path, WARNING, "COBOL-NAME-TOO-LONG",
                    f"PROGRAM-ID is {len(prog.name)} characters; COBOL allows 30 (and z/OS load modules 8), "
                    "so calls by a shorter name will not resolve to it", prog.line))
        for prog in self.programs:
            self.definitions.append(Definition(
                kind="program", name=prog.name, line=prog.line, end_line=prog.end_line,
                parent=f"program:{prog.parent}" if prog.parent else None,
                detail=f"nested in {prog.parent}" if prog.parent else ""))

    def _program(self, name: str) -> _Program:
        return next(p for p in self.programs if p.name == name)

    # -- statements ---------------------------------------------------------------
    def _facts(self, tree: ts.ParsedTree, captures: list[tuple[str, ts.Node]]) -> None:
        section = ""
        for name, node in captures:
            line = self.line_of(tree, node)
            if line == 0 and name not in ("fact.data",):
                continue  # synthetic wrapper text
            text = tree.text(node)
            if name == "definition.procedure_division":
                prog = self.program_at(line)
                if prog:
                    prog.proc_line = line
                section = ""
            elif name == "definition.section":
                m = re.match(rf"\s*({NAME})", text)
                if m:
                    section = m.group(1).upper()
                    self._add_paragraph(section, line, section, True)
            elif name == "definition.paragraph":
                m = re.match(rf"\s*({NAME})", text)
                if m:
                    self._add_paragraph(m.group(1).upper(), line, section, False)
            else:
                self.statement(name, text, line)

    def _add_paragraph(self, name: str, line: int, section: str, is_section: bool) -> None:
        prog = self.program_at(line)
        owner = self.owner_at(line)
        if prog is None or self.pre.is_copybook:
            return
        if any(p.line == line for p in prog.paragraphs):
            return
        prog.paragraphs.append(_Paragraph(name=name, line=line, section=section, is_section=is_section))
        self.definitions.append(Definition(kind="section" if is_section else "paragraph", name=name, line=line,
                                           parent=owner))

    def statement(self, capture: str, text: str, line: int) -> None:
        """Turn one statement's text into facts (used for tree captures and the fallback)."""
        owner = self.owner_at(line)
        prog = None if self.pre.is_copybook else self.program_at(line)
        program = owner.split(":", 1)[1]
        if capture == "fact.data":
            self._data(text, line, owner)
        elif capture == "reference.call":
            self._call(text, line, owner, program)
        elif capture == "reference.perform" and prog is not None:
            m = _PERFORM.search(text)
            if m and m.group("a").upper() not in _PERFORM_KEYWORDS and not m.group("a").isdigit():
                prog.performs.append((line, m.group("a").upper(), (m.group("b") or "").upper()))
        elif capture == "reference.goto" and prog is not None:
            m = _GOTO.search(text)
            if m:
                targets = tuple(t.upper() for t in re.findall(NAME, m.group("targets")))
                prog.gotos.append((line, targets))
        elif capture == "reference.alter" and prog is not None:
            for m in _ALTER.finditer(re.sub(r"^\s*ALTER\b", "", text, flags=re.IGNORECASE)):
                prog.alters.append((line, m.group("a").upper(), m.group("b").upper()))
        elif capture == "fact.move":
            self._move(text, line, program)
        elif capture == "fact.select" and prog is not None:
            m = _SELECT.search(text)
            if m:
                dd = unquote(m.group("lit")) if m.group("lit") else m.group("dd")
                prog.selects[m.group("file").upper()] = (_ddname(dd), line)
        elif capture == "fact.open" and prog is not None:
            mode = ""
            for token in re.findall(rf"{NAME}", re.sub(r"^\s*OPEN\b", "", text, flags=re.IGNORECASE)):
                upper = token.upper()
                if upper in _OPEN_MODES:
                    mode = _OPEN_MODES[upper]
                elif mode and upper not in ("REVERSED", "NO", "REWIND", "WITH", "LOCK"):
                    prog.opens.setdefault(upper, set()).add(mode)

    def _call(self, text: str, line: int, owner: str, program: str) -> None:
        m = _CALL.search(text)
        if not m:
            return
        if m.group("lit"):
            target = unquote(m.group("lit")).strip().upper()
            self.add_ref(Reference(owner, "calls", "program", target, line, "literal"))
            if target in ("CBLTDLI", "AIBTDLI", "CEETDLI"):
                self._dli_call(text, line, owner)
            return
        ident = m.group("id").upper()
        if ident in ("USING",):
            return
        self.add_ref(Reference(owner, "calls", "program", ident, line, "identifier", dynamic=True,
                               subscripted=bool(m.group("sub"))))

    def _dli_call(self, text: str, line: int, owner: str) -> None:
        """``CALL 'CBLTDLI' USING function, pcb, io-area [, ssa...]``: SSAs name segments."""
        using = _CALL_USING.search(text)
        if not using:
            return
        args = [a.upper() for a in re.findall(NAME, using.group("args"))]
        args = [a for a in args if a not in ("BY", "REFERENCE", "CONTENT", "VALUE", "ADDRESS", "OF")]
        function = args[0] if args else ""
        for ssa in args[3:]:
            self.add_ref(Reference(owner, "ims", "segment", ssa, line, "cbltdli-ssa", dynamic=True,
                                   detail=f"function={function}"))

    def _move(self, text: str, line: int, program: str) -> None:
        m = _MOVE.search(text)
        if not m:
            return
        src = m.group("src")
        literal = src[0] in "'\""
        source = unquote(src) if literal else re.sub(r"\s*\(.*", "", src).upper()
        if not literal and source in _FIGURATIVE:
            return
        subscripted = not literal and "(" in src
        targets = re.sub(r"\.\s*$", "", m.group("targets"))
        for t in _TARGET.finditer(targets):
            name = t.group("name").upper()
            if name in ("OF", "IN") or name[0].isdigit():
                continue
            self.moves.append(Move(program=program, source=source, target=name, line=line, literal=literal,
                                   subscripted=subscripted))

    def _data(self, text: str, line: int, owner: str) -> None:
        m = _DATA.match(text)
        if not m or line == 0:
            return
        level = int(m.group("level"))
        name = (m.group("name") or "FILLER").upper()
        if name == "CPYWRAP-COPY" or name == "CPYWRAP-ROOT":
            return  # placeholder written by the preprocessor where a COPY stood
        for stand_in, tag in self.pre.tags.items():
            name = name.replace(stand_in, tag)
        # A continuation line (hyphen in column 7) carries on the literal or word of the line before:
        # drop the line break and, for a literal, its re-opening quote.
        rest = re.sub(r"\n {6}-\s*['\"]?", "", text[m.end():])
        if name in ("PIC", "PICTURE", "VALUE", "REDEFINES", "OCCURS", "USAGE", "COMP", "COMP-3"):
            name, rest = "FILLER", text[m.start("name"):]
        pic = _PIC.search(rest)
        usage = _USAGE.search(rest.replace(pic.group(0), " ") if pic else rest)
        occurs = _OCCURS.search(rest)
        redefines = _REDEFINES.search(rest)
        values: tuple[str, ...] = ()
        value = _VALUE.search(rest)
        if value:
            tokens = []
            for tok in _VALUE_TOKEN.finditer(value.group("rest")):
                if tok.group("lit"):
                    tokens.append(unquote(tok.group("lit")))
                elif tok.group("fig"):
                    tokens.append("\x00" + tok.group("fig").upper())  # figurative constant marker
                elif tok.group("num"):
                    tokens.append(tok.group("num").rstrip("."))
                if level != 88:
                    break
            values = tuple(tokens)
            if any(n in self.pre.requoted for n in range(line, line + text.count("\n") + 1)):
                # A continued 'literal' was re-quoted with " for the grammar; '' inside it is one apostrophe.
                values = tuple(v.replace("''", "'") for v in values)
        usage_text = _normal_usage(usage.group("usage")) if usage else ""
        unpictured = _mask_literals(rest.replace(pic.group(0), " ") if pic else rest)
        explicit = _USAGE_WORD.search(unpictured)
        if explicit:
            word = (explicit.group("usage") or explicit.group("comp")).upper().replace("COMPUTATIONAL", "COMP")
            if word not in _KNOWN_USAGES:
                usage_text = word
        depending = _DEPENDING.search(rest) if occurs else None
        redefined = redefines.group("name").upper() if redefines else ""
        for stand_in, tag in self.pre.tags.items():
            redefined = redefined.replace(stand_in, tag)
        self.data_items.setdefault(owner, []).append(DataItem(
            level=level, name=name, line=line,
            picture=pic.group("pic").upper() if pic else "",
            usage=usage_text,
            values=values,
            occurs=int(occurs.group("max")) if occurs else 0,
            redefines=redefined,
            section=self.section_at(line),
            sync=bool(_SYNC.search(unpictured)),
            sign_separate=bool(_SIGN_SEPARATE.search(unpictured)),
            occurs_min=int(occurs.group("min")) if occurs and occurs.group("min") else 0,
            depending_on=depending.group("name").upper() if depending else "",
            thru=level == 88 and bool(value and _THRU.search(value.group("rest")))))

    def _copies(self) -> None:
        """COPY statements were lifted out by the preprocessor; record them and mark their place."""
        for copy in self.pre.copies:
            owner = self.owner_at(copy.line)
            detail = []
            if copy.library:
                detail.append(f"library={copy.library}")
            if copy.replacing:
                detail.append(f"REPLACING {copy.replacing}")
            self.add_ref(Reference(owner, "includes", "copybook", copy.member, copy.line, "copy",
                                   detail="; ".join(detail)))
            if not copy.in_procedure:
                self.data_items.setdefault(owner, []).append(
                    DataItem(level=0, name=copy.member, line=copy.line,
                             values=tuple(f"{a}\x00{b}" for a, b in copy.pairs), section=self.section_at(copy.line)))
        for items in self.data_items.values():
            items.sort(key=lambda item: item.line)

    # -- fallback for ERROR regions -------------------------------------------------
    def _fallback(self, tree: ts.ParsedTree, errors: list[ts.Node]) -> None:
        """Statement-level scan of lines inside ERROR nodes, so no statement is lost."""
        rows: set[int] = set()
        for node in errors:
            rows.update(range(node.start_point[0], node.end_point[0] + 1))
        if not rows:
            return
        self.fallback_lines = sum(1 for r in rows if r < len(self.pre.lines) and self.pre.lines[r].strip())
        # Re-assemble sentences from consecutive error rows so that statements spanning lines are read whole.
        ordered = sorted(r for r in rows if r < len(self.pre.lines))
        for row in ordered:
            line_text = self.pre.lines[row]
            line = self.pre.original_line(row)
            if line == 0 or not line_text.strip():
                continue
            if prog := self.program_at(line):
                in_proc = prog.proc_line and line > prog.proc_line
                header = _SECTION_HEADER.match(line_text) or _PARAGRAPH_HEADER.match(line_text)
                if in_proc and header and len(line_text) - len(line_text.lstrip()) <= 10:
                    name = header.group("name").upper()
                    if name not in ("EXIT", "GOBACK", "CONTINUE"):
                        self._add_paragraph(name, line, name if _SECTION_HEADER.match(line_text) else "",
                                            bool(_SECTION_HEADER.match(line_text)))
                    continue
            masked = _mask_literals(line_text)  # a verb inside a literal starts no statement
            for capture, pattern in _FALLBACK_PATTERNS:
                for m in pattern.finditer(masked):
                    self.statement(capture, _statement_from(self.pre.lines, row, m.start()), line)

    # -- procedure metrics --------------------------------------------------------
    def _procedure_metrics(self, tree: ts.ParsedTree, captures: list[tuple[str, ts.Node]]) -> None:
        nest_open = set(self.spec.nesting_nodes)
        nest_close = set(self.spec.nesting_close)
        nest_reset = set(self.spec.nesting_reset)
        for cap, node in captures:
            if cap != "definition.procedure_division":
                continue
            prog = self.program_at(self.line_of(tree, node))
            if prog is None:
                continue
            depth = 0
            last_top: tuple[str, int, bool] | None = None  # node type, line, goto-depending
            paragraph_ends: dict[int, bool] = {}
            current_para_line = 0
            # Pre-order walk; the direct children of the division are noted during the walk, because
            # Node.parent costs a descent from the root each time (quadratic on a 200,000-line program).
            top_ids = {child.id for child in node.children}
            stack = [node]
            order: list[ts.Node] = []
            while stack:
                current = stack.pop()
                order.append(current)
                stack.extend(reversed(current.children))
            for current in order[1:]:
                kind = current.type
                prog.complexity += self.decision_matchers.count(kind, current, tree)
                if kind in ("paragraph_header", "section_header"):
                    if current_para_line and last_top is not None:
                        paragraph_ends[current_para_line] = not _is_terminal(last_top)
                    current_para_line = self.line_of(tree, current)
                    last_top = None
                    depth = 0
                    continue
                if kind in nest_open:
                    depth += 1
                    prog.max_nesting = max(prog.max_nesting, depth)
                elif kind in nest_close:
                    depth = max(0, depth - 1)
                elif kind in nest_reset:
                    depth = 0
                top_level = current.id in top_ids
                if top_level and current.is_named and kind.endswith("_statement") and depth == 0:
                    last_top = (kind, self.line_of(tree, current), "DEPENDING" in tree.text(current).upper())
                elif top_level and kind.endswith("_header"):
                    last_top = (kind, 0, False)
            if current_para_line and last_top is not None:
                paragraph_ends[current_para_line] = not _is_terminal(last_top)
            for para in prog.paragraphs:
                if para.line in paragraph_ends:
                    para.falls_through = paragraph_ends[para.line]

    # -- EXEC blocks ----------------------------------------------------------------
    def _execs(self) -> None:
        for block in self.pre.execs:
            found = analyse_exec(block.kind, block.text, self.owner_at(block.line), block.line, self.path, "COBOL")
            for ref in found.references:
                self.add_ref(ref)
            self.definitions.extend(found.definitions)
            self.diagnostics.extend(found.diagnostics)
        if self.pre.tab_lines:
            first = self.pre.tab_lines[0]
            self.diagnostics.append(Diagnostic(
                self.path, WARNING, "COBOL-TAB-IN-INDICATOR",
                f"{len(self.pre.tab_lines)} line(s) have a tab in columns 1-7 (first: line {first}); a tab there "
                "makes the sequence, indicator and area A columns ambiguous. It was read as 4 blanks", first))
        for line in self.pre.unterminated_exec_lines:
            self.diagnostics.append(Diagnostic(self.path, WARNING, "COBOL-EXEC-UNTERMINATED",
                                               "EXEC block without END-EXEC; read up to the next period", line))

    # -- result -------------------------------------------------------------------
    def _result(self) -> Extraction:
        raw_lines = self.raw_text.splitlines()
        lines = _count_cobol_lines(raw_lines, self.pre.free_format)
        metrics: list[tuple[str, Metrics]] = []
        assigns: list[FileAssign] = []
        if self.pre.is_copybook:
            metrics.append((f"copybook:{self.member}", Metrics(lines.code, lines.comment, lines.blank)))
        for prog in self.programs:
            own = lines
            if len(self.programs) > 1:
                # A nested program's lines are its own, not its parent's: count each line once.
                nested = [(p.line, p.end_line) for p in self.programs if p.parent == prog.name]
                mine = [raw_lines[n - 1] for n in range(prog.line, min(prog.end_line, len(raw_lines)) + 1)
                        if not any(a <= n <= b for a, b in nested)]
                own = _count_cobol_lines(mine, self.pre.free_format)
            gotos = sum(len(t) and 1 for _, t in prog.gotos)
            metrics.append((f"program:{prog.name}", Metrics(
                code_lines=own.code, comment_lines=own.comment, blank_lines=own.blank,
                complexity=prog.complexity, max_nesting=prog.max_nesting,
                paragraphs=sum(1 for p in prog.paragraphs if not p.is_section),
                goto_count=gotos, alter_count=len(prog.alters),
                dead_paragraphs=tuple(_dead_paragraphs(prog)))))
            for file_name, (ddname, line) in sorted(prog.selects.items()):
                assigns.append(FileAssign(program=prog.name, select_name=file_name, ddname=ddname,
                                          modes=tuple(sorted(prog.opens.get(file_name, ()))), line=line))
        status = "ok"
        if self.error_ratio > 0:
            status = "partial"
        if self.error_ratio >= 0.5:
            status = "failed" if not self.references and not self.programs else "partial"
        return Extraction(
            definitions=tuple(self.definitions),
            references=tuple(self.references),
            metrics=tuple(metrics),
            data_items=tuple((owner, tuple(items)) for owner, items in self.data_items.items()),
            moves=tuple(self.moves),
            file_assigns=tuple(assigns),
            diagnostics=tuple(self.diagnostics),
            lines=lines,
            parse=ParseQuality(status=status, parser=f"tree-sitter:{self.spec.grammar}",
                               error_ratio=round(self.error_ratio, 4), fallback_used=self.fallback_lines > 0,
                               fallback_lines=self.fallback_lines),
        )


_FALLBACK_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("reference.call", re.compile(r"\bCALL\s", re.IGNORECASE)),
    ("reference.perform", re.compile(r"\bPERFORM\s", re.IGNORECASE)),
    ("reference.goto", re.compile(r"\bGO\s+TO\s", re.IGNORECASE)),
    ("reference.alter", re.compile(r"\bALTER\s", re.IGNORECASE)),
    ("fact.move", re.compile(r"\bMOVE\s", re.IGNORECASE)),
    ("fact.select", re.compile(r"\bSELECT\s", re.IGNORECASE)),
    ("fact.open", re.compile(r"\bOPEN\s", re.IGNORECASE)),
)


# Verbs that begin a statement: in the fallback a statement runs up to the next one (or a period).
_STATEMENT_START = re.compile(
    r"(?<![\w-])(?:ACCEPT|ADD|ALTER|CALL|CANCEL|CLOSE|COMPUTE|CONTINUE|DELETE|DISPLAY|DIVIDE|ELSE|END-[A-Z]+|"
    r"ENTRY|EVALUATE|EXEC|EXIT|GO|GOBACK|IF|INITIALIZE|INSPECT|MERGE|MOVE|MULTIPLY|OPEN|PERFORM|READ|RELEASE|"
    r"RETURN|REWRITE|SEARCH|SELECT|SET|SORT|START|STOP|STRING|SUBTRACT|UNSTRING|WHEN|WRITE)(?![\w-])",
    re.IGNORECASE,
)


def _mask_literals(text: str) -> str:
    """``text`` with the characters inside literals replaced by ``x`` (same length)."""
    out = list(text)
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
            else:
                out[i] = "x"
        elif ch in "'\"":
            quote = ch
    return "".join(out)


def _statement_from(lines: list[str], row: int, col: int, limit: int = 6) -> str:
    """The statement that starts at ``lines[row][col]``, for the fallback scanner.

    It ends before the next statement verb or at a period, and continues onto
    following lines (at most ``limit`` in all) that start no new statement,
    paragraph or section, so that ``CALL x USING a`` with one argument a line is
    read whole.
    """
    pieces: list[str] = []
    text = lines[row][col:]
    k = row
    while True:
        masked = _mask_literals(text)
        stop = _STATEMENT_START.search(masked, 0 if pieces else 1)
        period = re.search(r"\.(?=\s|$)", masked)
        cuts = [c for c in (stop.start() if stop else None, period.start() if period else None) if c is not None]
        if cuts:
            pieces.append(text[: min(cuts)])
            break
        pieces.append(text)
        k += 1
        if k >= len(lines) or k - row >= limit:
            break
        text = lines[k]
        if _PARAGRAPH_HEADER.match(text) or _SECTION_HEADER.match(text):
            break
    return " ".join(p.strip() for p in pieces if p.strip())


_SECTION_START = re.compile(r"^\s*(FILE\s+SECTION|WORKING-STORAGE\s+SECTION|LOCAL-STORAGE\s+SECTION|"
                            r"LINKAGE\s+SECTION|PROCEDURE\s+DIVISION|REPORT\s+SECTION|SCREEN\s+SECTION)\b",
                            re.IGNORECASE)


def _file_section_ranges(pre: Preprocessed) -> list[tuple[int, int]]:
    """Original line ranges of FILE SECTIONs (up to the next section or division header)."""
    ranges: list[tuple[int, int]] = []
    start = 0
    for index, line in enumerate(pre.lines):
        m = _SECTION_START.match(line)
        if not m:
            continue
        original = pre.original_line(index)
        if start:
            ranges.append((start, max(start, original - 1)))
            start = 0
        if m.group(1).upper().startswith("FILE"):
            start = original or 1
    if start:
        ranges.append((start, 10**9))
    return ranges


def _ddname(assignment: str) -> str:
    """DD name from an ASSIGN clause: ``UT-S-CLMIN`` -> ``CLMIN``, ``'CLMIN'`` -> ``CLMIN``."""
    name = assignment.strip().upper()
    m = re.match(r"^(?:[A-Z]{2}-)?(?:[A-Z]{1,2}-)(?P<dd>[A-Z@#$][A-Z0-9@#$]{0,7})$", name)
    if m and re.match(r"^(UT|UR|DA|SYS\d*)-|^(S|AS)-", name):
        return m.group("dd")
    return name


def _normal_usage(usage: str) -> str:
    u = usage.upper().replace("COMPUTATIONAL", "COMP")
    return {"BINARY": "COMP", "PACKED-DECIMAL": "COMP-3", "COMP-4": "COMP", "COMP-5": "COMP-5"}.get(u, u)


def _is_terminal(last: tuple[str, int, bool]) -> bool:
    kind, _, depending = last
    if kind == "goto_statement":
        return not depending
    return kind in TERMINAL_STATEMENTS or kind == "exit_program_statement"


@dataclass(frozen=True, slots=True)
class _Decisions:
    """The descriptor's ``decision_nodes``: plain node types, and ``type/REGEX`` entries."""

    plain: frozenset[str]
    patterned: tuple[tuple[str, re.Pattern[str]], ...]

    def count(self, kind: str, node: ts.Node, tree: ts.ParsedTree) -> int:
        n = 1 if kind in self.plain else 0
        for node_type, regex in self.patterned:
            if kind == node_type and regex.match(tree.text(node)):
                n += 1
        return n


def _decision_matchers(entries: tuple[str, ...]) -> _Decisions:
    plain = frozenset(e for e in entries if "/" not in e)
    patterned = tuple((e.split("/", 1)[0], re.compile(e.split("/", 1)[1])) for e in entries if "/" in e)
    return _Decisions(plain, patterned)


def _dead_paragraphs(prog: _Program) -> list[str]:
    """Paragraphs not reached from the entry by fall-through, PERFORM, GO TO or ALTER.

    Control enters the first paragraph and falls through unless a paragraph ends
    with GO TO, STOP RUN or GOBACK. A PERFORMed paragraph returns at its end, so
    it does not fall through (unless it is inside a PERFORM ... THRU range). A
    PERFORMed section runs all its paragraphs.
    """
    paras = sorted(prog.paragraphs, key=lambda p: p.line)
    if not paras:
        return []
    index = {p.name: i for i, p in reversed(list(enumerate(paras)))}
    lines = [p.line for p in paras]

    def containing(line: int) -> int:
        return bisect_right(lines, line) - 1

    out_perform: dict[int, list[tuple[int, int]]] = {}
    out_goto: dict[int, list[int]] = {}
    for line, start, thru in prog.performs:
        src = containing(line)
        if start in index:
            a = index[start]
            b = index.get(thru, a) if thru else a
            if paras[a].is_section and not thru:
                b = a
                while b + 1 < len(paras) and not paras[b + 1].is_section:
                    b += 1
            elif thru and paras[b].is_section:
                while b + 1 < len(paras) and not paras[b + 1].is_section:
                    b += 1
            out_perform.setdefault(src, []).append((a, max(a, b)))
    for line, targets in prog.gotos:
        src = containing(line)
        out_goto.setdefault(src, []).extend(index[t] for t in targets if t in index)
    for line, _altered, proceed_to in prog.alters:
        src = containing(line)
        if proceed_to in index:
            out_goto.setdefault(src, []).append(index[proceed_to])
    reached = [False] * len(paras)
    flowed = [False] * len(paras)
    ranges_done: set[tuple[int, int]] = set()
    # Work items: ("flow", i, i) enters paragraph i and may fall through past it;
    # ("range", a, b) runs a..b as PERFORM does and returns after b.
    work: list[tuple[str, int, int]] = [("flow", 0, 0)]

    def visit(i: int, within: tuple[int, int] | None) -> None:
        reached[i] = True
        for a, b in out_perform.get(i, []):
            work.append(("range", a, b))
        for j in out_goto.get(i, []):
            # A GO TO inside a PERFORMed range (typically to its EXIT paragraph) stays in the range.
            if within and within[0] <= j <= within[1]:
                work.append(("range", j, within[1]))
            else:
                work.append(("flow", j, j))

    while work:
        mode, a, b = work.pop()
        if mode == "flow":
            if a >= len(paras) or flowed[a]:
                continue
            flowed[a] = True
            visit(a, None)
            if paras[a].falls_through and a + 1 < len(paras):
                work.append(("flow", a + 1, a + 1))
        else:
            if (a, b) in ranges_done:
                continue
            ranges_done.add((a, b))
            for k in range(a, b + 1):
                visit(k, (a, b))
                if not paras[k].falls_through:
                    break
    # Sections (as opposed to their paragraphs) and DECLARATIVES are entered implicitly.
    return [p.name for p, r in zip(paras, reached, strict=True) if not r and not p.is_section]


def _count_cobol_lines(raw_lines: list[str], free: bool) -> LineCounts:
    if free:
        return count_lines(raw_lines, lambda ln: ln.lstrip().startswith("*>"))

    def is_comment(line: str) -> bool:
        return line[6:7] in ("*", "/") or not line[7:72].strip()

    counts = count_lines(raw_lines, is_comment)
    # Lines with only a sequence number are blank, not comments.
    seq_only = sum(1 for ln in raw_lines if ln.strip() and not ln[6:72].strip())
    return LineCounts(code=counts.code, comment=counts.comment - seq_only, blank=counts.blank + seq_only)


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Extract facts from one COBOL program or copybook. Never raises on bad input."""
    try:
        return _Extractor(text, path, spec).run()
    except RecursionError:
        return Extraction(diagnostics=(Diagnostic(path, ERROR, "COBOL-TOO-DEEP",
                                                  "nesting too deep to analyse", None),),
                          parse=ParseQuality(status="failed", parser=f"tree-sitter:{spec.grammar}", error_ratio=1.0))


__all__ = ["INFO", "extract", "program_name_value", "unquote"]
