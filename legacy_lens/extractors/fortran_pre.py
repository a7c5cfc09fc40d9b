"""Fortran preprocessing: C preprocessor lines, fixed form to free form, statements.

Fixed form breaks both tree-sitter grammars and makes parsing about 13x slower
(GRAMMARS.md), so fixed-form text is converted to free form first. Every step
keeps line *i* of the output on line *i* of the input (same number of lines):

* ``#if/#ifdef/#ifndef/#elif/#else/#endif``: the first branch is kept (a literal
  ``#if 0`` branch is dropped for the next one), the other branches are blanked,
  so that two branches never both reach the grammar; the blanked lines are
  recorded so that the statement scanner can still read their CALLs and INCLUDEs.
  ``#include`` is recorded; ``#define`` (with ``\\`` continuations), ``#undef``,
  ``#pragma`` and the rest are blanked.
* form: decided per file from the content; the extension is only the tie-breaker.
* fixed form -> free form: ``C``, ``c``, ``*``, ``!`` (and ``D`` debug lines) in
  column 1 become ``!`` comments; columns 73 and beyond are dropped (sequence
  numbers) unless the file's long lines carry code; a non-blank, non-zero column 6
  marks a continuation: the previous code line gets a ``&`` (before an inline
  comment, outside strings; comment lines in between are skipped) and the
  continuation line starts with ``&``, so that a name or literal split across
  the lines joins exactly as in fixed form; DEC tab format (a tab in columns
  1-6, then a digit 1-9 for a continuation) is read the same way.

:func:`statements` splits the free-form text into statements (continuations
joined, ``;`` split, comments dropped) for the statement-level scanner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FIXED = "fixed"
FREE = "free"

# Extensions whose files are conventionally fixed form (the tie-breaker when the content says nothing).
FIXED_EXTENSIONS = frozenset({".f", ".for", ".f77", ".ftn", ".fpp", ".inc", ".fi", ".h", ".cmn", ""})

_DIRECTIVE = re.compile(r"^[ \t]*#[ \t]*([A-Za-z_]+)?(.*)$")
_CPP_INCLUDE = re.compile(r"""^\s*(?:"([^"\n]*)"|<([^>\n]*)>)""")
# A line in column 1 that starts with C/c and is, in free form, a statement: no vote either way.
_C_STATEMENT = re.compile(
    r"^(?i:call|character|common|complex|contains|continue|close|cycle|case|class|critical|codimension|"
    r"change\s+team)\b")
_C_CODE = re.compile(
    r"^(?i:call\s+[a-z]\w*\s*(?:\(.*\))?\s*(?:!.*)?$|common\s*/\w*/|contains\s*$|continue\s*$|close\s*\(|"
    r"cycle\s*$|case\s*(?:\(|default)|character\s*(?:\*|\(|::)|complex\s*(?:\(|::|\*))")
_FREE_CODE_START = re.compile(r"^[ \t]{0,4}[A-Za-z_]")
_LABEL_FIELD = re.compile(r"^[ 0-9]*$")
_TAB_LINE = re.compile(r"^([ 0-9]{0,5})\t(.*)$")
# Quote characters, inline comments and Hollerith counts: the things that change where a comment starts.
_SCAN = re.compile(r"['\"!]|(?<![A-Za-z0-9_.$])(\d{1,4})[Hh]")
_CODE_LIKE_TAIL = re.compile(r"[=(),+'\"]|\b(?i:call|then|and|or)\b")
_SEQUENCE_TAIL = re.compile(r"^[ \t]*[A-Za-z0-9@#$.-]{0,8}[ \t]*$")


@dataclass(frozen=True, slots=True)
class CppInclude:
    """``#include "name"`` (or ``<name>``) on an original 1-based line."""

    name: str
    line: int
    system: bool  # written with angle brackets
    active: bool  # False when it sits in a branch that was blanked


@dataclass(frozen=True, slots=True)
class Statement:
    """One Fortran statement of the preprocessed text (1-based lines, comments dropped)."""

    line: int
    end_line: int
    text: str  # continuation lines joined with a blank; string literals kept
    masked: str  # the same with literal contents replaced by ``x`` (same length), for keyword matching
    label: str = ""


@dataclass(slots=True)
class Preprocessed:
    lines: list[str]
    form: str
    form_reason: str
    includes: list[CppInclude] = field(default_factory=list)
    inactive: list[int] = field(default_factory=list)  # 1-based lines blanked as an inactive cpp branch
    directives: int = 0  # cpp directive lines blanked
    extended: bool = False  # fixed form whose code runs past column 72: long lines kept
    tab_lines: int = 0
    continuations: int = 0
    diagnostics: list[tuple[str, str, int | None]] = field(default_factory=list)  # (code, message, line)
    raw_inactive: dict[int, str] = field(default_factory=dict)  # line -> original text of blanked cpp lines
    alternate_returns: dict[int, int] = field(default_factory=dict)  # line -> ``*label`` arguments (CALL)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def preprocess(text: str, extension: str = "", form: str = "") -> Preprocessed:
    """Return the text in free form with the same number of lines. Never raises.

    ``extension`` (lower-case, with the dot) is the tie-breaker for the source form; ``form``
    (``"fixed"`` or ``"free"``) forces it.
    """
    raw = text.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    raw = [line.rstrip("\r").replace("\x1a", "") for line in raw]
    lines, includes, inactive, directives, diags, raw_inactive = _cpp(raw)
    if form in (FIXED, FREE):
        reason = "forced"
    else:
        form, reason = detect_form(lines, extension)
    pre = Preprocessed(lines=lines, form=form, form_reason=reason, includes=includes, inactive=inactive,
                       directives=directives, diagnostics=diags, raw_inactive=raw_inactive)
    if form == FIXED:
        _fixed_to_free(pre)
    else:
        _free_fixes(pre)
    return pre


# -- C preprocessor -------------------------------------------------------------------------------
@dataclass(slots=True)
class _Frame:
    parent_active: bool
    active: bool
    taken: bool
    line: int
    dead: bool = False  # the current branch is ``#if 0``: disabled code, not read at all


def _condition(expression: str) -> bool | None:
    """A literal ``0``/``1`` condition, else None (unknown: the first branch is kept)."""
    value = expression.split("//")[0].split("/*")[0].strip()
    if value in ("0", "(0)"):
        return False
    if value in ("1", "(1)"):
        return True
    return None


def _cpp(raw: list[str]) -> tuple[list[str], list[CppInclude], list[int], int,
                                  list[tuple[str, str, int | None]], dict[int, str]]:
    if not any("#" in line for line in raw):
        return raw, [], [], 0, [], {}
    out = list(raw)
    includes: list[CppInclude] = []
    inactive: list[int] = []
    raw_inactive: dict[int, str] = {}
    diags: list[tuple[str, str, int | None]] = []
    stack: list[_Frame] = []
    directives = 0
    active = True
    continued = False  # the previous directive line ended with a backslash
    for index, line in enumerate(raw):
        number = index + 1
        if continued:
            out[index] = ""
            directives += 1
            continued = line.rstrip().endswith("\\")
            continue
        m = _DIRECTIVE.match(line) if "#" in line[:8] else None
        # ``#`` must open the line (after blanks); a Fortran line never starts so.
        if m is None:
            if not active:
                out[index] = ""
                inactive.append(number)
                if not any(frame.dead for frame in stack):
                    raw_inactive[number] = line
            continue
        directives += 1
        out[index] = ""
        continued = line.rstrip().endswith("\\")
        word = (m.group(1) or "").lower()
        rest = m.group(2)
        if word in ("if", "ifdef", "ifndef"):
            take = _condition(rest) if word == "if" else None
            keep = take is not False
            stack.append(_Frame(parent_active=active, active=active and keep, taken=keep, line=number,
                                dead=take is False))
            active = active and keep
        elif word == "elif":
            if not stack:
                diags.append(("FORTRAN-CPP-UNBALANCED", "#elif without #if; ignored", number))
                continue
            frame = stack[-1]
            take = _condition(rest)
            keep = not frame.taken and take is not False
            frame.active = frame.parent_active and keep
            frame.taken = frame.taken or keep
            frame.dead = take is False
            active = frame.active
        elif word == "else":
            if not stack:
                diags.append(("FORTRAN-CPP-UNBALANCED", "#else without #if; ignored", number))
                continue
            frame = stack[-1]
            frame.active = frame.parent_active and not frame.taken
            frame.taken = True
            frame.dead = False
            active = frame.active
        elif word == "endif":
            if not stack:
                diags.append(("FORTRAN-CPP-UNBALANCED", "#endif without #if; ignored", number))
                continue
            active = stack.pop().parent_active
        elif word == "include":
            inc = _CPP_INCLUDE.match(rest)
            if inc:
                name = inc.group(1) if inc.group(1) is not None else inc.group(2)
                if name.strip():
                    includes.append(CppInclude(name.strip(), number, inc.group(2) is not None, active))
    for frame in stack:
        diags.append(("FORTRAN-CPP-UNBALANCED", "#if without #endif; the rest of the file was read as if it "
                      "ended here", frame.line))
    return out, includes, inactive, directives, diags, raw_inactive


# -- source form ----------------------------------------------------------------------------------
def detect_form(lines: list[str], extension: str = "") -> tuple[str, str]:
    """("fixed" | "free", reason) from the content; ``extension`` (lower-case, with the dot) breaks ties."""
    fixed = free = 0
    previous_amp = False
    seen = 0
    for line in lines:
        if not line.strip():
            continue
        seen += 1
        if seen > 3000:
            break
        first = line[0]
        if first in "*":
            fixed += 1
            previous_amp = False
            continue
        if first in "Cc":
            if _C_CODE.match(line):
                free += 1  # a statement in column 1 (a loose match only cancels the comment sign)
            elif _C_STATEMENT.match(line):
                pass
            elif not line.rstrip().endswith("&"):
                fixed += 1
            continue
        stripped = line.lstrip()
        if stripped.startswith("!"):
            continue
        code = _code_part(line)
        ends_amp = code.rstrip().endswith("&")
        if "\t" in line[:6]:
            if re.match(r"^[ 0-9]*\t[1-9]\D", line):
                fixed += 1
        elif len(line) > 6 and _LABEL_FIELD.match(line[:5]) and line[5] not in " 0" and not previous_amp:
            if not line[5].isalpha() and line[5] != "_":
                fixed += 2
        elif _FREE_CODE_START.match(line) and first not in "Dd":
            free += 2
        if ends_amp and not line[72:].strip().startswith("&"):
            free += 2
        previous_amp = ends_amp
    hint = FIXED if extension.lower() in FIXED_EXTENSIONS else FREE
    if fixed > free:
        return FIXED, f"content ({fixed} fixed-form signs, {free} free-form)"
    if free > fixed:
        return FREE, f"content ({free} free-form signs, {fixed} fixed-form)"
    return hint, f"extension {extension or '(none)'}"


def _code_part(line: str) -> str:
    """``line`` up to an inline ``!`` comment (outside literals)."""
    if "!" not in line:
        return line
    pos, _ = comment_start(line, 0, "")
    return line[:pos]


def comment_start(line: str, start: int, quote: str) -> tuple[int, str]:
    """(index of the ``!`` that starts an inline comment, or len(line); quote open at the end).

    ``quote`` is the literal delimiter open when the line starts (a literal continued from the
    previous line), ``""`` when none. Hollerith constants (``5HAB!CD``) are skipped whole.
    """
    pos = start
    n = len(line)
    while pos < n:
        if quote:
            close = line.find(quote, pos)
            if close < 0:
                return n, quote
            if close + 1 < n and line[close + 1] == quote:
                pos = close + 2
                continue
            quote = ""
            pos = close + 1
            continue
        m = _SCAN.search(line, pos)
        if m is None:
            return n, ""
        token = m.group(0)
        if token == "!":
            return m.start(), ""
        if token in ("'", '"'):
            quote = token
            pos = m.end()
            continue
        # A count before H is a Hollerith constant only where a constant may stand (``(5HABCDE``, ``,1H ``).
        before = line[:m.start()].rstrip()
        hollerith = bool(before) and before[-1] in "(,/*=&"
        pos = m.end() + (int(m.group(1)) if hollerith else 0)
    return n, quote


# Keywords that may end exactly at column 72 before a continuation: a run of letters there is not
# a split name when it is one of these (``CALL`` / ``FOO(X)`` must stay two tokens).
_KEYWORD_ENDINGS = frozenset({"CALL", "GOTO", "TO", "THEN", "ELSE", "IF", "RETURN", "STOP", "AND", "OR", "NOT",
                              "EQ", "NE", "LT", "LE", "GT", "GE", "DO", "WHILE", "INTEGER", "REAL", "LOGICAL",
                              "CHARACTER", "COMPLEX", "PRECISION", "DIMENSION", "COMMON", "DATA", "FUNCTION",
                              "SUBROUTINE", "EXTERNAL", "PARAMETER", "SAVE", "ENTRY", "FORMAT", "READ", "WRITE",
                              "PRINT", "OPEN", "CLOSE", "RESULT", "RECURSIVE"})
_TRAILING_RUN = re.compile(r"[A-Za-z0-9_.]+$")
_DOTTED_OPERATOR_END = re.compile(r"\.[A-Za-z]+\.$")


def _fixed_to_free(pre: Preprocessed) -> None:
    lines = pre.lines
    pre.extended = _long_lines_are_code(lines)
    width = 10**6 if pre.extended else 72
    out = list(lines)
    last_code = -1  # index of the last code line (where a continuation appends its ``&``)
    last_comment_pos = 0
    last_quote = ""
    last_full = False  # the last code line filled column 72: a name or number may be split there
    for index, line in enumerate(lines):
        if not line.strip():
            out[index] = ""
            continue
        tab = _TAB_LINE.match(line) if "\t" in line[:6] else None
        if tab:
            pre.tab_lines += 1
            label, body = tab.group(1), tab.group(2)
            if body[:1] in "123456789" and body[:1] != "":
                label_field, mark, body = label, body[0], body[1:]
            else:
                label_field, mark = label, " "
            body = body[: width - 6] if not pre.extended else body
            line = f"{label_field.strip():<5}{mark}{body}"
        first = line[0]
        if first in "Cc*!Dd" or (line.lstrip().startswith("!") and line.find("!") != 5):
            out[index] = "!" + line[1:]
            continue
        field72 = line[:width]
        if not field72.strip():
            out[index] = ""  # a sequence number alone
            continue
        mark = field72[5] if len(field72) > 5 else " "
        is_continuation = mark not in " 0" and last_code >= 0 and _LABEL_FIELD.match(field72[:5]) is not None
        if is_continuation:
            pre.continuations += 1
            prev = out[last_code]
            cut = min(last_comment_pos, len(prev))
            head = prev[:cut] if last_quote else prev[:cut].rstrip()
            tail = " " + prev[cut:] if cut < len(prev) else ""
            body = field72[6:]
            moved = ""
            resumed = body.lstrip()
            # Fixed form ignores blanks, so a name, number or dotted operator may run across the break
            # (``.EQ.26.`` / ``OR.X``); free form cannot split a token: move its first part down.
            if not last_quote and resumed[:1] != "":
                if last_full and (body[0].isalnum() or body[0] in "_."):
                    run = _TRAILING_RUN.search(head)
                    if (run and head[:run.start()].strip() not in ("", "&")
                            and run.group(0).upper() not in _KEYWORD_ENDINGS):
                        moved, head, body = run.group(0), head[:run.start()], resumed
                elif head.endswith(".") and resumed[0].isalpha() and not _DOTTED_OPERATOR_END.search(head):
                    moved, head, body = ".", head[:-1], resumed
            out[last_code] = head + "&" + tail
            new_line = _fix_code(pre, index, "     &" + moved + body, 6, last_quote)
            pos, quote = comment_start(new_line, 6, last_quote)
        else:
            # A zero in column 6 marks an initial line; right after a digit in column 5 it is more likely
            # the last digit of a label that overflowed the label field ("  1000 CONTINUE") than a mark.
            keep = mark == "0" and field72[4:5].isdigit()
            new_line = (field72[:5] + (mark if keep else " ") + field72[6:]) if len(field72) > 5 else field72
            new_line = _fix_code(pre, index, new_line, 0, "")
            pos, quote = comment_start(new_line, 0, "")
        out[index] = new_line if quote else new_line.rstrip()
        last_code = index
        last_comment_pos = pos
        last_quote = quote
        last_full = len(field72.rstrip()) >= 72 and not pre.extended
    pre.lines = out


def _free_fixes(pre: Preprocessed) -> None:
    """The same statement fixes as for fixed form, on free-form lines (literal state followed across ``&``)."""
    quote = ""
    continued = False
    out = pre.lines
    for index, line in enumerate(out):
        stripped = line.lstrip()
        if not stripped or stripped.startswith("!"):
            continue
        begin = 0
        if continued and stripped.startswith("&"):
            begin = len(line) - len(stripped) + 1
        start_quote = quote if continued else ""
        fixed = _fix_code(pre, index, line, begin, start_quote)
        out[index] = fixed
        pos, quote = comment_start(fixed, begin, start_quote)
        continued = fixed[:pos].rstrip().endswith("&")
        if not continued:
            quote = ""


# Statement fixes for what the grammar rejects but compilers accept; each keeps the line a line.
_FIX_TRIGGER = re.compile(r"\d[Hh]|%|[(,]\s*\*|(?i:do\s*while)")
_DOWHILE = re.compile(r"^(\s*&?\s*(?:\d{1,5}\s+)?(?:[A-Za-z]\w*\s*:\s*)?)(?i:DO)(?i:WHILE)\b")
_PERCENT_FN = re.compile(r"(?<![A-Za-z0-9_)\]])%(?=\s*(?i:VAL|LOC|REF|DESCR)\s*\()")
_ALT_RETURN_LABEL = re.compile(r"([(,]\s*)\*(?=\s*\d)")
_ALT_RETURN_DUMMY = re.compile(r"([(,]\s*)\*(?=\s*[,)])")
_HEADER = re.compile(r"^\s*(?:\d{1,5}\s+)?(?:[A-Za-z*0-9()\s]+\s)?(?i:SUBROUTINE|ENTRY)\s")


def _fix_code(pre: Preprocessed, index: int, line: str, begin: int, quote: str) -> str:
    """``line`` with the constructs the grammar rejects rewritten (Hollerith constants quoted, ``DOWHILE``
    spaced, ``%VAL(x)`` unprefixed, alternate-return ``*`` dropped and counted in ``pre.alternate_returns``
    under the 1-based line ``index + 1``). Literal text is never touched."""
    if not _FIX_TRIGGER.search(line, begin):
        return line
    masked, holleriths = _mask_code(line, begin, quote)
    edits: list[tuple[int, int, str]] = []
    for start, stop in holleriths:
        content = line[start:stop]
        count = content.upper().index("H")
        text = content[count + 1:]
        edits.append((start, stop, "'" + text.replace("'", "''") + "'"))
    m = _DOWHILE.match(masked)
    if m:
        edits.append((m.end(1) + 2, m.end(1) + 2, " "))
    for m in _PERCENT_FN.finditer(masked):
        edits.append((m.start(), m.end(), " "))
    for m in _ALT_RETURN_LABEL.finditer(masked):
        edits.append((m.end(1), m.end(1) + 1, " "))
        pre.alternate_returns[index + 1] = pre.alternate_returns.get(index + 1, 0) + 1
    if _HEADER.match(masked):
        for m in _ALT_RETURN_DUMMY.finditer(masked):
            edits.append((m.end(1), m.end(1) + 1, "ALT_RETURN_"))
    if not edits:
        return line
    out = line
    for start, stop, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[stop:]
    return out


def _mask_code(line: str, begin: int, quote: str) -> tuple[str, list[tuple[int, int]]]:
    """(``line`` with literal contents and the comment replaced by ``x``, complete Hollerith spans)."""
    chars = list(line)
    holleriths: list[tuple[int, int]] = []
    for i in range(min(begin, len(chars))):
        chars[i] = " " if chars[i] != "&" else "&"
    pos = begin
    n = len(line)
    while pos < n:
        if quote:
            close = line.find(quote, pos)
            if close < 0:
                chars[pos:] = "x" * (n - pos)
                break
            if close + 1 < n and line[close + 1] == quote:
                chars[pos:close + 2] = "x" * (close + 2 - pos)
                pos = close + 2
                continue
            chars[pos:close] = "x" * (close - pos)
            quote = ""
            pos = close + 1
            continue
        m = _SCAN.search(line, pos)
        if m is None:
            break
        token = m.group(0)
        if token == "!":
            chars[m.start():] = "x" * (n - m.start())
            break
        if token in ("'", '"'):
            quote = token
            pos = m.end()
            continue
        before = line[:m.start()].rstrip()
        if before and before[-1] in "(,/*=&":
            stop = m.end() + int(m.group(1))
            if stop <= n:
                holleriths.append((m.start(), stop))
            chars[m.end():min(n, stop)] = "x" * (min(n, stop) - m.end())
            pos = stop
        else:
            pos = m.end()
    return "".join(chars), holleriths


def _long_lines_are_code(lines: list[str]) -> bool:
    """True when the text past column 72 of code lines looks like code, not sequence numbers."""
    code_tails = seq_tails = 0
    for line in lines:
        if len(line) <= 72 or "\t" in line[:6] or line[0] in "Cc*!Dd" or line.lstrip()[:1] in ("!", ""):
            continue
        tail = line[72:]
        if not tail.strip():
            continue
        if _SEQUENCE_TAIL.match(tail):
            seq_tails += 1
        elif _CODE_LIKE_TAIL.search(tail):
            code_tails += 1
        else:
            seq_tails += 1
    return code_tails > seq_tails


# -- statements -----------------------------------------------------------------------------------
_LABEL = re.compile(r"^\s*(\d{1,5})(?=\s|$)")


def statements(lines: list[str]) -> list[Statement]:
    """Free-form statements of ``lines`` (continuations joined, ``;`` split, comments dropped)."""
    out: list[Statement] = []
    pieces: list[str] = []
    start = 0
    quote = ""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped[0] in "!#":
            continue
        body = line
        if pieces:
            lead = body.lstrip()
            # A leading ``&`` resumes the text exactly where the previous line's ``&`` left it.
            body = lead[1:] if lead.startswith("&") else " " + lead
        else:
            start = index + 1
        pos, quote_end = comment_start(body, 0, quote)
        code = body[:pos] if quote_end else body[:pos].rstrip()
        if code.rstrip().endswith("&"):
            pieces.append(code.rstrip()[:-1])
            quote = quote_end
            continue
        pieces.append(code)
        _emit(out, "".join(pieces), start, index + 1)
        pieces = []
        quote = ""
    if pieces:
        _emit(out, "".join(pieces), start, len(lines))
    return out


def _emit(out: list[Statement], text: str, line: int, end_line: int) -> None:
    masked = mask_literals(text)
    begin = 0
    for part in _split_semicolons(masked):
        piece = text[begin:begin + len(part)]
        begin += len(part) + 1
        if not piece.strip():
            continue
        label = ""
        m = _LABEL.match(part)
        if m:
            label = m.group(1)
        out.append(Statement(line, end_line, piece.strip(), part.strip(), label))


def _split_semicolons(masked: str) -> list[str]:
    return masked.split(";") if ";" in masked else [masked]


def mask_literals(text: str) -> str:
    """``text`` with the characters inside quoted literals and Hollerith constants replaced by ``x``.

    The result has the same length, so positions found in it hold in ``text``.
    """
    if "'" not in text and '"' not in text and "h" not in text and "H" not in text:
        return text
    out: list[str] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _SCAN.search(text, pos)
        if m is None:
            break
        token = m.group(0)
        if token == "!":
            out.append(text[pos:m.end()])
            pos = m.end()
            continue
        if token in ("'", '"'):
            out.append(text[pos:m.end()])
            pos = m.end()
            while True:
                close = text.find(token, pos)
                if close < 0:
                    out.append("x" * (n - pos))
                    pos = n
                    break
                if close + 1 < n and text[close + 1] == token:
                    out.append("x" * (close + 2 - pos))
                    pos = close + 2
                    continue
                out.append("x" * (close - pos) + token)
                pos = close + 1
                break
            continue
        before = text[:m.start()].rstrip()
        if before and before[-1] in "(,/*=&":
            stop = min(n, m.end() + int(m.group(1)))
            out.append(text[pos:m.end()] + "x" * (stop - m.end()))
            pos = stop
        else:
            out.append(text[pos:m.end()])
            pos = m.end()
    out.append(text[pos:])
    return "".join(out)


__all__ = ["FIXED", "FREE", "CppInclude", "Preprocessed", "Statement", "comment_start", "detect_form",
           "mask_literals", "preprocess", "statements"]
