"""COBOL preprocessing: turn real-world source into text the tree-sitter grammar accepts.

The grammar in ``tree-sitter-language-pack`` 0.13.0 fails on most real programs
(62-83% of bytes in ERROR nodes, see GRAMMARS.md). What it rejects, and what we do:

* sequence area (cols 1-6) and identification area (73-80): blanked / dropped;
* comment (``*``, ``/``) and debug (``D``) lines in column 7: blanked;
* 'single-quoted' literal continuation: both halves are re-quoted with ``"``,
  which the grammar does accept (joining lines makes things worse: the joined
  text runs past column 72 where the grammar stops reading);
* ``EXEC SQL|CICS|DLI ... END-EXEC``: lifted out into :class:`ExecBlock` and
  replaced by ``CONTINUE`` in the procedure division (blanks elsewhere);
* ``COPY x REPLACING ...`` and ``REPLACE``: the REPLACING phrase is recorded and
  blanked;
* ``PROCESS``/``CBL`` option lines, ``>>`` directives, ``$SET``: blanked;
* ``NOT=``: spaced; a missing period after ``PROGRAM-ID. X``: added;
* free format (``>>SOURCE FORMAT FREE``): re-laid into fixed columns, long lines
  wrapped at a blank outside literals;
* copybooks: wrapped in a minimal program so that they parse at all.

Line numbers are preserved through ``origin``: preprocessed line *i* (0-based)
came from original line ``origin[i]`` (1-based; 0 for synthetic wrapper lines).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

AREA_WIDTH = 65  # columns 8-72
_CONTROL_TO_SPACE = {c: " " for c in range(32)}


@dataclass(frozen=True, slots=True)
class ExecBlock:
    kind: str  # SQL, CICS, DLI, ...
    text: str  # the statement between EXEC <kind> and END-EXEC, whitespace collapsed
    line: int  # original 1-based line of EXEC
    end_line: int
    in_procedure: bool


@dataclass(frozen=True, slots=True)
class CopyStatement:
    """A COPY statement, lifted out of the text before parsing.

    COPY is compiler-directing: the grammar treats it as a top-level item, so a
    COPY inside the DATA DIVISION (``FD f.`` followed by ``COPY rec.``) breaks
    the parse of everything after it. We read it here instead.
    """

    member: str
    library: str
    line: int  # original line of the COPY statement
    replacing: str  # the REPLACING phrase as written, whitespace collapsed
    pairs: tuple[tuple[str, str], ...]
    in_procedure: bool


@dataclass(slots=True)
class Preprocessed:
    lines: list[str]
    origin: list[int]
    execs: list[ExecBlock] = field(default_factory=list)
    copies: list[CopyStatement] = field(default_factory=list)
    free_format: bool = False
    is_copybook: bool = False
    wrapper: str = ""  # "", "data" or "procedure"
    tags: dict[str, str] = field(default_factory=dict)
    requoted: set[int] = field(default_factory=set)  # original lines of 'literals' re-quoted with "
    unterminated_exec_lines: list[int] = field(default_factory=list)
    tab_lines: list[int] = field(default_factory=list)  # original lines with a tab in columns 1-7 (fixed format)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def original_line(self, index0: int) -> int:
        """Original 1-based line for a 0-based preprocessed line (0 if synthetic)."""
        if 0 <= index0 < len(self.origin):
            return self.origin[index0]
        return 0


_FREE_DIRECTIVE = re.compile(r">>\s*SOURCE\s+(FORMAT\s+)?(IS\s+)?FREE", re.IGNORECASE)
_IDENT_DIVISION = re.compile(r"\b(IDENTIFICATION|ID)\s+DIVISION\b|\bPROGRAM-ID\b", re.IGNORECASE)
_LEVEL_START = re.compile(r"^\s*(0?[1-9]|[1-4][0-9]|66|77|88)\s+[A-Za-z0-9:]")
_PROCESS_LINE = re.compile(r"^\s*(CBL|PROCESS)\b", re.IGNORECASE)
_NOT_EQUAL = re.compile(r"\bNOT(?=[=<>])", re.IGNORECASE)
_PROGRAM_ID_NO_PERIOD = re.compile(r"^(\s*PROGRAM-ID\.?\s+['\"]?[\w#@$-]+['\"]?)(\s*)$", re.IGNORECASE)
_DATE_COMPILED = re.compile(r"^\s*DATE-COMPILED\.", re.IGNORECASE)
_EXEC = re.compile(r"\bEXEC\s+([A-Z][A-Z0-9]*)\b", re.IGNORECASE)
_END_EXEC = re.compile(r"\bEND-EXEC\b", re.IGNORECASE)
_DIVISION = re.compile(
    r"\b(PROCEDURE\s+DIVISION)\b|"
    r"\b(DATA\s+DIVISION|WORKING-STORAGE\s+SECTION|LINKAGE\s+SECTION|LOCAL-STORAGE\s+SECTION|FILE\s+SECTION)\b|"
    r"\b(IDENTIFICATION\s+DIVISION|ID\s+DIVISION|ENVIRONMENT\s+DIVISION)\b",
    re.IGNORECASE,
)
_COPY = re.compile(
    r"(?<![\w-])COPY\s+(?P<member>'[^']+'|\"[^\"]+\"|[\w#@$-]+)(?:\s+(?:OF|IN)\s+(?P<lib>[\w#@$-]+))?"
    r"(?:\s+SUPPRESS)?(?P<replacing>\s+REPLACING\b)?",
    re.IGNORECASE,
)
_REPLACE_STMT = re.compile(r"(?<![\w-])REPLACE\s+(OFF\b|==|LEADING\b|TRAILING\b)", re.IGNORECASE)
_PSEUDO_PAIR = re.compile(
    r"(==.*?==|'[^']*'|\"[^\"]*\"|[\w#@$:-]+)\s+BY\s+(==.*?==|'[^']*'|\"[^\"]*\"|[\w#@$:-]+)",
    re.IGNORECASE | re.DOTALL,
)


def detect_free_format(raw_lines: list[str]) -> bool:
    """True when a ``>>SOURCE FORMAT FREE`` directive appears, or when code starts in column 1-7."""
    for line in raw_lines[:50]:
        if _FREE_DIRECTIVE.search(line):
            return True
    # Heuristic: a division header starting before column 8 means free format.
    for line in raw_lines[:200]:
        m = re.match(r"^(\s*)(IDENTIFICATION|ID|ENVIRONMENT|DATA|PROCEDURE)\s+DIVISION", line, re.IGNORECASE)
        if m:
            return len(m.group(1)) < 7
    return False


def is_copybook_text(text: str) -> bool:
    """A member without IDENTIFICATION DIVISION or PROGRAM-ID is a copybook."""
    return _IDENT_DIVISION.search(text) is None


def _strip_inline_comment(body: str) -> str:
    """Remove a ``*>`` comment that is outside literals."""
    if "*>" not in body:
        return body
    quote = ""
    for i, ch in enumerate(body):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "*" and body.startswith("*>", i):
            return body[:i]
    return body


def _open_literal(body: str, start_quote: str = "") -> tuple[str, int]:
    """Scan ``body``; return (quote still open at end of line or "", index where it opened)."""
    quote = start_quote
    opened_at = 0 if start_quote else -1
    i = 0
    n = len(body)
    while True:
        if quote:
            close = body.find(quote, i)
            if close < 0:
                return quote, opened_at
            if close + 1 < n and body[close + 1] == quote:
                i = close + 2  # a doubled quote inside the literal
                continue
            quote = ""
            i = close + 1
            continue
        single = body.find("'", i)
        double = body.find('"', i)
        if single < 0 and double < 0:
            return "", opened_at
        start = double if single < 0 or (0 <= double < single) else single
        quote = body[start]
        opened_at = start
        i = start + 1


def _wrap_free_line(body: str) -> list[str]:
    """Split a long free-format line at blanks outside literals into <= AREA_WIDTH chunks.

    Works on offsets into ``body`` (no re-slicing of the remainder), so a 10 MB
    single line is wrapped in linear time.
    """
    if len(body) <= AREA_WIDTH:
        return [body]
    chunks: list[str] = []
    n = len(body)
    start = 0  # start of the remainder in ``body``
    lead = ""  # a wrapped remainder is re-indented by one blank
    while n - start + len(lead) > AREA_WIDTH:
        cut = -1
        quote = ""
        limit = start + AREA_WIDTH + 1 - len(lead)
        for i in range(start, min(limit, n)):
            ch = body[i]
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "'\"":
                quote = ch
            elif ch == " ":
                cut = i
        if cut < 0 or (cut == start and not lead):
            break  # a single token (or literal) longer than the area: leave it
        chunks.append(lead + body[start:cut])
        start = cut
        while start < n and body[start] == " ":
            start += 1
        lead = " " if start < n else ""
    chunks.append(lead + body[start:])
    return chunks


def _layout_lines(raw_lines: list[str], free: bool) -> tuple[list[str], list[int], set[int]]:
    """Apply the column rules; return bodies laid out at column 8, their origins, and the
    original lines where a continued 'literal' was re-quoted."""
    requoted: set[int] = set()
    out: list[str] = []
    origin: list[int] = []
    pending_quote = ""  # quote of a literal left open at the end of the previous code line
    pending_index = -1  # index in ``out`` of that line
    pending_col = -1
    for number, raw in enumerate(raw_lines, start=1):
        line = raw.replace("\t", "    ").rstrip("\r\n\x1a").translate(_CONTROL_TO_SPACE)
        if free:
            stripped = line.lstrip()
            if stripped.startswith("*>") or stripped.startswith(">>") or stripped.startswith("$"):
                out.append("")
                origin.append(number)
                continue
            body = _strip_inline_comment(line).rstrip()
            if _PROCESS_LINE.match(body):
                body = ""
            for chunk in _wrap_free_line(body):
                out.append("       " + chunk)
                origin.append(number)
            continue
        indicator = line[6:7]
        body = line[7:72]
        if indicator in ("*", "/") or indicator in ("D", "d") or indicator == "$":
            out.append("")
            origin.append(number)
            continue
        if body.lstrip().startswith(">>"):
            out.append("")
            origin.append(number)
            continue
        if _PROCESS_LINE.match(line) and not any(o.strip() for o in out):
            # PROCESS/CBL compiler-option lines may start in column 1.
            out.append("")
            origin.append(number)
            continue
        body = _strip_inline_comment(body)
        body = body.rstrip() if _open_literal(body)[0] == "" else body
        if not body.strip():
            out.append("")
            origin.append(number)
            continue
        # Literal state is judged on the text as written, before any re-quoting below.
        quote, opened_at = _open_literal(body)
        if quote:
            # A continued literal runs to column 72, trailing blanks included.
            body = body.ljust(AREA_WIDTH)
        if indicator == "-" and pending_quote == "'" and pending_index >= 0:
            body = _requote_continuation(out, pending_index, pending_col, body)
            requoted.add(origin[pending_index])
        pending_quote = quote
        pending_index = len(out) if quote else -1
        pending_col = 7 + opened_at if quote else -1
        # A continuation keeps its hyphen in column 7: the grammar handles continued "literals".
        out.append(("      -" if indicator == "-" else "       ") + body)
        origin.append(number)
    return out, origin, requoted


def _requote_continuation(out: list[str], index: int, col: int, body: str) -> str:
    """Re-quote a 'single-quoted' literal continued onto ``body`` with double quotes.

    The grammar accepts continued "double-quoted" literals but not single-quoted
    ones. The literal's opening quote on the earlier line (at ``col``) and the
    re-opening quote on this line (and its closing quote, if any) become ``"``.
    """
    prev = out[index]
    # Columns must not move (the grammar reads to column 72), so a " inside the literal becomes '
    # and a doubled '' stays doubled; the extractor collapses '' in values it reads from these lines.
    out[index] = prev[:col] + '"' + prev[col + 1 :].replace('"', "'")
    first = body.find("'")
    if first < 0:
        return body
    tail = body[first + 1 :]
    close_at = _find_close(tail, "'")
    if close_at < 0:
        return body[:first] + '"' + tail.replace('"', "'")
    return body[:first] + '"' + tail[:close_at].replace('"', "'") + '"' + tail[close_at + 1 :]


def _find_close(text: str, quote: str) -> int:
    i = 0
    while i < len(text):
        if text[i] == quote:
            if i + 1 < len(text) and text[i + 1] == quote:
                i += 2
                continue
            return i
        i += 1
    return -1


def _fix_lines(lines: list[str]) -> None:
    """Small per-line repairs the grammar needs."""
    for i, line in enumerate(lines):
        if not line:
            continue
        if "NOT" in line.upper() and len(line) < 72:
            literals = [(m.start(), m.end()) for m in _LITERAL_SPAN.finditer(line)]

            def spaced(m: re.Match[str], spans: list[tuple[int, int]] = literals) -> str:
                return m.group(0) if any(a <= m.start() < b for a, b in spans) else "NOT "

            fixed = _NOT_EQUAL.sub(spaced, line)
            if len(fixed) <= 72:
                lines[i] = fixed
        m = _PROGRAM_ID_NO_PERIOD.match(lines[i])
        if m and not m.group(1).rstrip().endswith("."):
            lines[i] = m.group(1) + "."
        if _DATE_COMPILED.match(lines[i]):
            lines[i] = ""


def _wrap_copybook(lines: list[str], origin: list[int]) -> str:
    """Wrap a copybook in a minimal program; returns the wrapper kind."""
    first_code = next((ln for ln in lines if ln.strip()), "")
    head = first_code[7:].lstrip()
    if _LEVEL_START.match(head) or head.upper().startswith(("FD ", "SD ", "EXEC ")):
        prefix = [
            "       IDENTIFICATION DIVISION.",
            "       PROGRAM-ID. CPYWRAP.",
            "       DATA DIVISION.",
            "       WORKING-STORAGE SECTION.",
        ]
        level = _LEVEL_START.match(head)
        if level and int(level.group(1)) not in (1, 77):
            prefix.append("       01  CPYWRAP-ROOT.")
        kind = "data"
    elif head.upper().startswith("SELECT "):
        prefix = [
            "       IDENTIFICATION DIVISION.",
            "       PROGRAM-ID. CPYWRAP.",
            "       ENVIRONMENT DIVISION.",
            "       INPUT-OUTPUT SECTION.",
            "       FILE-CONTROL.",
        ]
        kind = "select"
    else:
        prefix = [
            "       IDENTIFICATION DIVISION.",
            "       PROGRAM-ID. CPYWRAP.",
            "       PROCEDURE DIVISION.",
        ]
        kind = "procedure"
    lines[:0] = prefix
    origin[:0] = [0] * len(prefix)
    return kind


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for m in re.finditer("\n", text):
        starts.append(m.end())
    return starts


def _blank_span(chars: list[str], start: int, end: int) -> None:
    for k in range(start, end):
        if chars[k] != "\n":
            chars[k] = " "


def _lift_execs(pre: Preprocessed) -> None:
    """Replace EXEC ... END-EXEC blocks, recording them as ExecBlocks."""
    text = "\n".join(pre.lines)
    if "EXEC" not in text.upper():
        return
    starts = _line_starts(text)
    div_pos, div_kind = _divisions(text)
    div_proc = [k == "procedure" for k in div_kind]
    chars = list(text)
    pos = 0
    while True:
        m = _EXEC.search(text, pos)
        if not m:
            break
        end = _END_EXEC.search(text, m.end())
        if end is None:
            # No END-EXEC: take the rest of the sentence so the block does not swallow the file.
            period = re.search(r"\.(\s|$)", text[m.end() :])
            stop = m.end() + (period.start() if period else len(text) - m.end())
            pre.unterminated_exec_lines.append(pre.original_line(bisect_right(starts, m.start()) - 1))
            block_end = stop
        else:
            stop = end.start()
            block_end = end.end()
        kind = m.group(1).upper()
        body = " ".join(text[m.end() : stop].split())
        first_line = bisect_right(starts, m.start()) - 1
        last_line = bisect_right(starts, max(m.start(), block_end - 1)) - 1
        in_proc = _in_procedure(div_pos, div_proc, m.start())
        pre.execs.append(
            ExecBlock(
                kind=kind,
                text=body,
                line=pre.original_line(first_line),
                end_line=pre.original_line(last_line),
                in_procedure=in_proc,
            )
        )
        if not in_proc:
            # In the data division the period after END-EXEC would be left standing alone.
            period = re.match(r"\s*\.", text[block_end:])
            if period:
                block_end += period.end()
        _blank_span(chars, m.start(), block_end)
        if in_proc:
            # CONTINUE must not overwrite a line break: EXEC and its kind may be on different lines.
            spot = _room(chars, m.start(), max(block_end, m.start() + 8), 8)
            if spot >= 0:
                chars[spot : spot + 8] = list("CONTINUE")
        pos = block_end
    pre.lines = "".join(chars).split("\n")


def _room(chars: list[str], start: int, end: int, width: int) -> int:
    """First index in ``chars[start:end]``, in the code area (column 8 on), where ``width`` characters fit
    before a line break, or -1."""
    line_start = start
    while line_start > 0 and chars[line_start - 1] != "\n":
        line_start -= 1
    run = 0
    col = start - line_start
    for k in range(start, min(end, len(chars))):
        if chars[k] == "\n":
            run, col = 0, 0
            continue
        run = run + 1 if col >= 7 else 0
        col += 1
        if run == width:
            return k - width + 1
    return -1


def _scan_pseudo_text_end(text: str, start: int) -> int:
    """Index just past the period that ends a REPLACING/REPLACE phrase starting at ``start``."""
    i = start
    n = len(text)
    while i < n:
        if text.startswith("==", i):
            close = text.find("==", i + 2)
            if close < 0:
                return n
            i = close + 2
            continue
        ch = text[i]
        if ch in "'\"":
            close = text.find(ch, i + 1)
            i = n if close < 0 else close + 1
            continue
        if ch == "." and (i + 1 == n or text[i + 1] in " \n"):
            return i + 1
        i += 1
    return n


def _normalise_pseudo(token: str) -> str:
    token = token.strip()
    if token.startswith("==") and token.endswith("==") and len(token) >= 4:
        token = token[2:-2]
    return " ".join(token.split())


def _divisions(text: str) -> tuple[list[int], list[str]]:
    """Positions of division/section headers and their kind: procedure, data or other."""
    found = []
    for m in _DIVISION.finditer(text):
        kind = "procedure" if m.group(1) else "data" if m.group(2) else "other"
        found.append((m.start(), kind))
    return [f[0] for f in found], [f[1] for f in found]


def _in_data_division(div_pos: list[int], div_kind: list[str], pos: int) -> bool:
    idx = bisect_right(div_pos, pos) - 1
    return idx >= 0 and div_kind[idx] == "data"


def _in_procedure(div_pos: list[int], div_proc: list[bool], pos: int) -> bool:
    idx = bisect_right(div_pos, pos) - 1
    return idx >= 0 and div_proc[idx]


def _inside_literal(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    return before.count("'") % 2 == 1 or before.count('"') % 2 == 1


_COPY_PLACEHOLDER = "01  CPYWRAP-COPY PIC X."


def _lift_copies(pre: Preprocessed) -> None:
    """Record COPY statements (with REPLACING) and REPLACE statements, and take them out of the text.

    In the DATA DIVISION a COPY becomes a one-byte placeholder record, so that
    ``FD f.`` followed by ``COPY rec.`` still has a record description.
    """
    text = "\n".join(pre.lines)
    upper = text.upper()
    if "COPY" not in upper and "REPLACE" not in upper:
        return
    starts = _line_starts(text)
    div_pos, div_kind = _divisions(text)
    div_proc = [k == "procedure" for k in div_kind]
    chars = list(text)
    placeholders: list[tuple[int, int]] = []
    for m in _COPY.finditer(text):
        if _inside_literal(text, m.start()):
            continue
        end = _scan_pseudo_text_end(text, m.end())
        replacing = ""
        pairs: tuple[tuple[str, str], ...] = ()
        if m.group("replacing"):
            phrase = text[m.end() : end - 1] if text[end - 1 : end] == "." else text[m.end() : end]
            replacing = " ".join(phrase.split())
            pairs = tuple((_normalise_pseudo(a), _normalise_pseudo(b)) for a, b in _PSEUDO_PAIR.findall(phrase))
        else:
            period = re.match(r"\s*\.", text[m.end() :])
            end = m.end() + (period.end() if period else 0)
        line0 = bisect_right(starts, m.start()) - 1
        in_proc = _in_procedure(div_pos, div_proc, m.start())
        member = m.group("member").strip("'\"").upper()
        member = member.rsplit("/", 1)[-1].split(".", 1)[0]
        pre.copies.append(
            CopyStatement(
                member=member,
                library=(m.group("lib") or "").upper(),
                line=pre.original_line(line0),
                replacing=replacing,
                pairs=pairs,
                in_procedure=in_proc,
            )
        )
        _blank_span(chars, m.start(), end)
        if _in_data_division(div_pos, div_kind, m.start()):
            col = m.start() - starts[line0]
            placeholders.append((line0, col if col + len(_COPY_PLACEHOLDER) <= 72 else 7))
    for m in _REPLACE_STMT.finditer(text):
        if _inside_literal(text, m.start()):
            continue
        end = _scan_pseudo_text_end(text, m.start())
        _blank_span(chars, m.start(), end)
    pre.lines = "".join(chars).split("\n")
    for line0, col in placeholders:
        line = pre.lines[line0]
        pre.lines[line0] = line[:col].ljust(col) + _COPY_PLACEHOLDER + line[col + len(_COPY_PLACEHOLDER) :]


_TAG = re.compile(r":([A-Za-z0-9-]{1,28}):")
_LITERAL_SPAN = re.compile(r"'[^']*(?:'|$)|\"[^\"]*(?:\"|$)")


def _mask_tags(pre: Preprocessed) -> None:
    """Replace ``:TAG:`` pseudo-text placeholders (for COPY REPLACING) with a word the grammar accepts.

    The stand-in keeps the length, so columns do not move; ``tags`` maps it back.
    """
    for i, line in enumerate(pre.lines):
        if ":" not in line:
            continue

        literals = [(m.start(), m.end()) for m in _LITERAL_SPAN.finditer(line)]

        def stand_in(m: re.Match[str], spans: list[tuple[int, int]] = literals) -> str:
            if any(a <= m.start() < b for a, b in spans):
                return m.group(0)  # ':' inside a literal is data, not a pseudo-text tag
            word = "Q" + m.group(1) + "Q"
            pre.tags[word.upper()] = m.group(0).upper()
            return word

        pre.lines[i] = _TAG.sub(stand_in, line)


def preprocess(text: str) -> Preprocessed:
    """Preprocess one COBOL member (program or copybook)."""
    raw_lines = text.splitlines()
    free = detect_free_format(raw_lines)
    copybook = is_copybook_text(text)
    lines, origin, requoted = _layout_lines(raw_lines, free)
    pre = Preprocessed(lines=lines, origin=origin, free_format=free, is_copybook=copybook, requoted=requoted)
    if not free:
        pre.tab_lines = [n for n, raw in enumerate(raw_lines, start=1) if "\t" in raw[:7]]
    _fix_lines(pre.lines)
    if copybook:
        pre.wrapper = _wrap_copybook(pre.lines, pre.origin)
    _lift_execs(pre)
    _lift_copies(pre)
    _mask_tags(pre)
    return pre
