"""Property-based tests: arbitrary input never raises anything but our own documented errors.

Each ``test_*`` here is also a fuzz target for ``make fuzz`` (tests/hostile/fuzz.py), which runs
it with a large example budget for N minutes and watches for hangs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from legacy_lens.encoding import BinaryFile, Decoded, decode
from legacy_lens.extractors import cobol, jcl
from legacy_lens.extractors.cobol_pre import preprocess
from legacy_lens.languages import language_by_name
from legacy_lens.model import Extraction
from legacy_lens.settings import ConfigError, Settings, load_config, resolve_settings

_CURRENT = os.environ.get("LEGACY_LENS_FUZZ_CURRENT")


def _record(data: str | bytes) -> None:
    """Under ``make fuzz``, write the input about to be tried, so a hang can be reported with its input."""
    if _CURRENT:
        Path(_CURRENT).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))


# --------------------------------------------------------------------------- strategies

_COBOL_WORDS = [
    "IDENTIFICATION DIVISION.", "ID DIVISION.", "PROGRAM-ID.", "PROGRAM-ID. X.", "DATA DIVISION.",
    "WORKING-STORAGE SECTION.", "LINKAGE SECTION.", "FILE SECTION.", "PROCEDURE DIVISION.",
    "PROCEDURE DIVISION USING A.",
    "EXEC SQL", "EXEC CICS", "EXEC DLI", "END-EXEC", "END-EXEC.", "COPY", "COPY X.", "REPLACING", "==A==", "BY",
    "REPLACE", "OFF", "CALL", "'PGM'", "\"PGM\"", "WS-PGM", "PERFORM", "THRU", "GO TO", "ALTER", "TO PROCEED TO",
    "MOVE", "TO", "IF", "ELSE", "END-IF", "EVALUATE", "WHEN", "END-EVALUATE", "SELECT", "ASSIGN", "OPEN INPUT",
    "01", "05", "77", "88", "PIC X(10)", "PIC 9(4) COMP-3", "VALUE", "OCCURS 10", "REDEFINES", "FD F.",
    "SECTION.", "PARA-1.", "STOP RUN.", "GOBACK.", "END PROGRAM X.", ">>SOURCE FORMAT FREE", "*>", "CBL",
    "PROCESS", "NOT=", "LINK PROGRAM('A')", "XCTL PROGRAM(WS-X)", "SEND MAP('M') MAPSET('S')", ":TAG:", "'",
    '"', ".", "(", ")", "=", "-", "\t", "\x1a", "\x00", "\r", "\x0c", "\x85", "\u2028", "DATE-COMPILED.",
    "INCLUDE SQLCA", "DECLARE T TABLE", "SELECT A FROM T", "UPDATE T SET", "PSB(P)", "SEGMENT((S))",
]


@st.composite
def cobol_text(draw: st.DrawFn) -> str:
    """Fixed-format-ish COBOL: sequence area, an indicator, then a mix of keywords and noise."""
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        indicator = draw(st.sampled_from([" ", " ", " ", "*", "/", "-", "D", "$", "\t", ""]))
        words = draw(st.lists(st.one_of(st.sampled_from(_COBOL_WORDS), st.text(max_size=8)), max_size=8))
        seq = draw(st.sampled_from(["000100", "      ", "", "00010"]))
        lines.append(seq + indicator + " " * draw(st.integers(0, 8)) + " ".join(words))
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return eol.join(lines)


texts = st.one_of(st.text(), cobol_text())

_JCL_WORDS = [
    "//", "//*", "/*", "//J JOB", "//S1 EXEC PGM=X", "//S2 EXEC P", "//S3 EXEC PROC=P,A=B", "//P PROC",
    "// PEND", "//DD1 DD DSN=&HLQ..A.B,DISP=SHR", "//DD2 DD *", "//DD3 DD DATA,DLM=$$", "$$",
    "DISP=(NEW,CATLG,DELETE)", "DSN=A.B(+1)", "PARM='X,Y'", "PARM=(A,'B')", "SET X=Y", "// IF RC=0 THEN",
    "// ENDIF", "// INCLUDE MEMBER=M", "// JCLLIB ORDER=A.B", "&SYM", "&&TEMP", "RUN PROGRAM(P) PLAN(Q)",
    "DSN SYSTEM(D)", "END", "PGM=IKJEFT01", "PGM=DFSRRC00,PARM='DLI,P,S'", ",", "'", "(", ")", "=", " ",
]


@st.composite
def jcl_text(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        words = draw(st.lists(st.one_of(st.sampled_from(_JCL_WORDS), st.text(max_size=6)), max_size=6))
        lines.append("".join(words) if draw(st.booleans()) else " ".join(words))
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


_SETTING_KEYS = ["excludes", "copybook_paths", "copybook-paths", "max_file_bytes", "jobs", "timeout", "max_files",
                 "follow_symlinks", "formats", "measure_raw_parse", "system_modules", "nonsense",
                 "day_rate", "weight_untested", "gearing", "currency", "half_complexity"]
_TOML_VALUES = st.recursive(
    st.one_of(st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=True), st.booleans(), st.text(max_size=10)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(_SETTING_KEYS), children, max_size=4)),
    max_leaves=8,
)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if value != value else ("inf" if value == float("inf") else
                                             "-inf" if value == float("-inf") else repr(value))
    if isinstance(value, str):
        return '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"


@st.composite
def config_bytes(draw: st.DrawFn) -> bytes:
    """Mostly valid TOML with the right keys and wrong values; sometimes raw bytes."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=200))
    out = []
    for section in draw(st.lists(st.sampled_from(["", "scan", "estimate", "risk", "plan", "estimate.gearing",
                                                  "other"]), max_size=3, unique=True)):
        if section:
            out.append(f"[{section}]")
        for key, value in draw(st.dictionaries(st.sampled_from(_SETTING_KEYS), _TOML_VALUES, max_size=4)).items():
            out.append(f"{key} = {_toml_value(value)}")
    if draw(st.booleans()):
        out.append(f"scan = {_toml_value(draw(_TOML_VALUES))}")
    return "\n".join(out).encode("utf-8", "surrogatepass")


# --------------------------------------------------------------------------- properties


@given(texts)
# Found by make fuzz: EXEC and its kind on two lines (a wrapped free-format line); CONTINUE overwrote the break.
@example("0000000000000000000000000000000000000>>SOURCE FORMAT FREE:EXEC A00")
def test_preprocessor_keeps_lines_aligned(text: str) -> None:
    """Arbitrary text never raises; every preprocessed line maps to an original line, in order."""
    _record(text)
    pre = preprocess(text)
    assert len(pre.lines) == len(pre.origin)
    original = len(text.splitlines())
    assert all(0 <= o <= original for o in pre.origin)
    assert pre.origin == sorted(pre.origin)
    assert all(1 <= b.line <= max(1, original) for b in pre.execs)
    assert all(1 <= c.line <= max(1, original) for c in pre.copies)


@given(st.one_of(st.text(), jcl_text()))
# Found by make fuzz: an in-stream proc that runs itself recursed until RecursionError.
@example("// JOB\r//P PROC\r// EXEC P")
def test_jcl_extractor_never_fails(text: str) -> None:
    """Arbitrary text gives facts and diagnostics, never an internal error (JCL-INTERNAL)."""
    _record(text)
    x = jcl.extract(text, "src/FUZZ.jcl", language_by_name("jcl"))
    assert isinstance(x, Extraction)
    assert "JCL-INTERNAL" not in {d.code for d in x.diagnostics}, x.diagnostics
    lines = max(1, len(text.splitlines()))
    assert all(1 <= r.line <= lines for r in x.references)


@given(texts)
def test_cobol_extractor_never_raises(text: str) -> None:
    """The whole COBOL extractor (preprocess, tree-sitter, facts) takes arbitrary text."""
    _record(text)
    x = cobol.extract(text, "src/FUZZ.cbl", language_by_name("cobol"))
    assert isinstance(x, Extraction)
    lines = max(1, len(text.splitlines()))
    assert all(0 <= r.line <= lines for r in x.references), x.references
    assert x.lines.total == len(text.splitlines())


@given(config_bytes())
def test_config_loader_raises_only_config_error(data: bytes) -> None:
    """A legacy-lens.toml of any content loads or raises ConfigError; a loaded one resolves or raises ConfigError."""
    _record(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "legacy-lens.toml"
        path.write_bytes(data)
        try:
            load_config(path)
            settings = resolve_settings([Path(folder)], None, {})
        except ConfigError:
            return
        assert isinstance(settings, Settings)


@given(st.one_of(st.binary(), st.binary().map(lambda b: b"\xef\xbb\xbf" + b),
                 st.binary().map(lambda b: b"\xff\xfe" + b), st.text().map(lambda t: t.encode("cp037", "replace")),
                 st.text().map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_decode_raises_only_binary_file(data: bytes) -> None:
    _record(data)
    try:
        decoded = decode(data)
    except BinaryFile:
        return
    assert isinstance(decoded, Decoded) and isinstance(decoded.text, str)
    assert all(code and message for code, message in decoded.warnings)


def test_goto_pattern_cannot_backtrack_for_ever() -> None:
    """Found by make fuzz: the fallback's GO TO pattern split one long word into names in exponentially many
    ways when the statement did not end as expected; a 1 KB member never finished."""
    import time

    from legacy_lens.extractors.cobol import _GOTO

    started = time.monotonic()
    assert _GOTO.search("GO TO " + "A" * 60 + " !") is None
    assert _GOTO.search("GO TO A, B, C DEPENDING ON X").group("targets").split(",")[0] == "A"  # type: ignore[union-attr]
    text = "000100 PROCEDURE DIVISION.\n000200     ) GO TO " + "PARA" * 15 + " ! )\n"
    cobol.extract(text, "src/GOTO.cbl", language_by_name("cobol"))
    assert time.monotonic() - started < 5
