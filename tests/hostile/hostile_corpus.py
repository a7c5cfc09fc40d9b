"""The hostile-input corpus, built at test time (no binary blobs are committed).

``CASES`` has one entry per bullet of issue 9. Each case adds files to a clean export of
``GOOD`` files, may patch the file system (for what root cannot be denied), and says which
diagnostic codes each of its files must get.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

PAD = "000100 "


def cobol(name: str, *proc: str, data: tuple[str, ...] = (), eol: str = "\n") -> str:
    lines = ["IDENTIFICATION DIVISION.", f"PROGRAM-ID. {name}.", "DATA DIVISION.", "WORKING-STORAGE SECTION.",
             *data, "PROCEDURE DIVISION.", "MAIN-PARA.", *proc, "    GOBACK."]
    return "".join(f"{i * 10:06d} {line}{eol}" for i, line in enumerate(lines, start=1))


GOOD: dict[str, str] = {
    "good/GOOD1.cbl": cobol("GOOD1", "    CALL 'GOOD2'", "    PERFORM SUB-PARA", data=("    COPY GOODREC.",)),
    "good/GOOD2.cbl": cobol("GOOD2", "    DISPLAY 'TWO'", "    EXEC SQL SELECT A INTO :B FROM GOODTAB END-EXEC"),
    "good/GOODREC.cpy": "".join(f"{PAD}{ln}\n" for ln in ["01  GOOD-REC.", "    05  GOOD-ID  PIC X(8).",
                                                          "    05  GOOD-AMT PIC 9(7)V99 COMP-3."]),
    "good/GOODJOB.jcl": "//GOODJOB JOB (ACCT),'GOOD'\n//STEP1 EXEC PGM=GOOD1\n//IN DD DSN=GOOD.INPUT,DISP=SHR\n",
}


@dataclass
class Case:
    id: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    expect: dict[str, set[str]] = field(default_factory=dict)  # path -> exact set of diagnostic codes
    setup: Callable[[Path, pytest.MonkeyPatch], None] | None = None  # after the files are written
    check: Callable[[dict[str, Any]], None] | None = None  # more assertions on the scan dict
    settings: dict[str, Any] = field(default_factory=dict)


def _program_ids(scan: dict[str, Any]) -> set[str]:
    return {c["id"] for c in scan["components"] if c["kind"] == "program"}


def _file(scan: dict[str, Any], path: str) -> dict[str, Any]:
    return next(f for f in scan["files"] if f["path"] == path)


def _has(*ids: str) -> Callable[[dict[str, Any]], None]:
    def check(scan: dict[str, Any]) -> None:
        assert set(ids) <= _program_ids(scan) | {c["id"] for c in scan["components"]}, ids
    return check


def _encoding(path: str, encoding: str, program: str) -> Callable[[dict[str, Any]], None]:
    def check(scan: dict[str, Any]) -> None:
        assert _file(scan, path)["encoding"] == encoding
        assert f"program:{program}" in _program_ids(scan)
    return check


# ------------------------------------------------------------------ file-system setups


def _symlink_loop(root: Path, mp: pytest.MonkeyPatch) -> None:
    (root / "bad").mkdir(exist_ok=True)
    os.symlink(".", root / "bad" / "again")  # a folder that contains itself
    os.symlink("ping", root / "bad" / "pong.cbl")  # two links pointing at each other
    os.symlink("pong.cbl", root / "bad" / "ping")


def _symlink_outside(root: Path, mp: pytest.MonkeyPatch) -> None:
    outside = root.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "SECRET.cbl").write_text(cobol("SECRET"))
    (root / "bad").mkdir(exist_ok=True)
    os.symlink(outside / "SECRET.cbl", root / "bad" / "SECRET.cbl")
    os.symlink(outside, root / "bad" / "elsewhere")


def _unreadable_file(root: Path, mp: pytest.MonkeyPatch) -> None:
    """Root reads any file whatever its mode, so the denial is simulated: ``os.open`` raises
    PermissionError for that one path (chmod 000 is applied too, for non-root runs)."""
    target = str(root / "bad" / "LOCKED.cbl")
    os.chmod(target, 0)
    real_open = os.open

    def guarded(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.fspath(path) == target:
            raise PermissionError(13, "Permission denied", target)
        return real_open(path, flags, *args, **kwargs)

    mp.setattr(os, "open", guarded)


def _unreadable_dir(root: Path, mp: pytest.MonkeyPatch) -> None:
    """Root lists any folder whatever its mode, so the denial is simulated: ``os.scandir`` (which
    ``os.walk`` uses) raises PermissionError for that one folder (chmod 000 is applied too)."""
    target = str(root / "bad" / "locked")
    os.chmod(target, 0)
    real_scandir = os.scandir

    def guarded(path: Any = ".") -> Any:
        if os.fspath(path) == target:
            raise PermissionError(13, "Permission denied", target)
        return real_scandir(path)

    mp.setattr(os, "scandir", guarded)


def _vanishing(root: Path, mp: pytest.MonkeyPatch) -> None:
    """The file is deleted after discovery listed it and before a worker reads it."""
    from legacy_lens import pipeline

    real_discover = pipeline.discover

    def discover_then_delete(*args: Any, **kwargs: Any) -> Any:
        found = real_discover(*args, **kwargs)
        (root / "bad" / "GONE.cbl").unlink()
        return found

    mp.setattr(pipeline, "discover", discover_then_delete)


_NAMES = ("bad/we ird.cbl", "bad/new\nline.cbl", "bad/quo'te\".cbl", "bad/$(touch PWNED).cbl",
          "bad/`touch PWNED`.cbl", "bad/<img src=x onerror=alert(1)>.cbl", "bad/naïve-Ümlaut.cbl",
          "bad/[bold]x[/bold].cbl")


def _no_pwned(scan: dict[str, Any]) -> None:
    names = {f["path"] for f in scan["files"]}
    for n in _NAMES:
        assert n in names, n
    assert not list(Path("/").glob("PWNED")) and not list(Path.cwd().glob("PWNED"))


def _deep(scan: dict[str, Any]) -> None:
    comp = next(c for c in scan["components"] if c["id"] == "program:DEEP")
    assert comp["metrics"]["max_nesting"] == 5000


_BIG_LINES = 200_000


def _big(scan: dict[str, Any]) -> None:
    assert _file(scan, "bad/BIG.cbl")["lines"]["code"] >= _BIG_LINES
    assert "program:BIG" in _program_ids(scan)


def _jcl_steps(scan: dict[str, Any]) -> None:
    runs = [e for e in scan["edges"] if e["source"] == "job:BIGJOB" and e["kind"] == "runs"]
    assert sum(len(e["locations"]) for e in runs) == 10_000


def _cobol_fixed(text: str) -> str:
    return "".join(f"{PAD}{ln}\n" for ln in text.splitlines())


CASES: list[Case] = [
    # ---- content and encoding
    Case("binary-with-source-extension", {"bad/BINARY.cbl": bytes(range(256)) * 16},
         {"bad/BINARY.cbl": {"BINARY-FILE"}}),
    Case("nul-bytes-mid-file", {"bad/NULS.cbl": cobol("NULS", "    DISPLAY 'A'").encode().replace(b"'A'", b"'\x00'")},
         {"bad/NULS.cbl": {"NUL-BYTES"}}, check=_has("program:NULS")),
    Case("invalid-utf8", {"bad/BADUTF8.cbl": cobol("BADUTF8", "    DISPLAY 'CAFÉ'", "    DISPLAY 'NAÏVE'")
                          .encode().replace(b"NA", b"\xff\xfe", 1)},
         {"bad/BADUTF8.cbl": {"INVALID-UTF8"}}, check=_encoding("bad/BADUTF8.cbl", "utf-8", "BADUTF8")),
    Case("ebcdic-and-cp1252", {"bad/EBCDIC.cbl": cobol("EBCDIC", "    CALL 'EBSUB'").encode("cp037"),
                               "bad/WIN1252.cbl": cobol("WIN1252", "    DISPLAY 'CAFÉ €5'").encode("cp1252")},
         {"bad/EBCDIC.cbl": set(), "bad/WIN1252.cbl": set()},
         check=lambda s: (_encoding("bad/EBCDIC.cbl", "cp037", "EBCDIC")(s),
                          _encoding("bad/WIN1252.cbl", "cp1252", "WIN1252")(s))),
    Case("utf8-bom", {"bad/BOM.cbl": b"\xef\xbb\xbf" + cobol("BOM").encode()}, {"bad/BOM.cbl": set()},
         check=_encoding("bad/BOM.cbl", "utf-8-sig", "BOM")),
    Case("crlf-and-lone-cr", {"bad/CRLF.cbl": cobol("CRLF", "    CALL 'CRSUB'", eol="\r\n"),
                              "bad/LONECR.cbl": cobol("LONECR", "    CALL 'CRSUB'", eol="\r")},
         {"bad/CRLF.cbl": set(), "bad/LONECR.cbl": set()},
         check=lambda s: [next(e for e in s["edges"] if e["source"] == f"program:{p}" and e["target"] ==
                               "program:CRSUB")["locations"][0]["line"] == 7 or pytest.fail(p)
                          for p in ("CRLF", "LONECR")]),
    Case("tabs-in-indicator-area", {"bad/TABS.cbl": cobol("TABS", "    DISPLAY 'X'").replace("000080 ", "000080\t")},
         {"bad/TABS.cbl": {"COBOL-TAB-IN-INDICATOR"}}, check=_has("program:TABS")),
    Case("zero-byte-file", {"bad/EMPTY.cbl": b""}, {"bad/EMPTY.cbl": {"EMPTY-FILE"}}),
    Case("ten-mb-single-line", {"bad/LONGLINE.cbl": cobol("LONGLINE", "    CALL 'LONGSUB'").replace(
        "    CALL 'LONGSUB'", "    CALL 'LONGSUB'" + " " * 60 + "X" * 10_000_000)},
         {"bad/LONGLINE.cbl": set()}, check=_has("program:LONGLINE", "program:LONGSUB")),
    Case("two-hundred-thousand-line-program",
         {"bad/BIG.cbl": cobol("BIG", *[f"    MOVE {i} TO WS-X" for i in range(_BIG_LINES)])},
         {"bad/BIG.cbl": set()}, check=_big,
         # No budget here, so that a slow CI machine cannot turn this case into PARSE-TIMEOUT (about 10 s on
         # one core); the budget itself is tested in test_limits.py.
         settings={"timeout": 0}),
    Case("five-thousand-deep-ifs",
         {"bad/DEEP.cbl": cobol("DEEP", *(["    IF A = 1"] * 5000 + ["    DISPLAY 'X'"] + ["    END-IF"] * 5000))},
         {"bad/DEEP.cbl": set()}, check=_deep),
    # ---- file system
    Case("symlink-loop", {}, {"bad/again": {"SYMLINK-LOOP"}, "bad/pong.cbl": {"SYMLINK-LOOP"},
                              "bad/ping": {"SYMLINK-LOOP"}}, setup=_symlink_loop),
    Case("symlink-outside-root", {}, {"bad/SECRET.cbl": {"SYMLINK-OUTSIDE-ROOT"},
                                      "bad/elsewhere": {"SYMLINK-OUTSIDE-ROOT"}}, setup=_symlink_outside,
         check=lambda s: "program:SECRET" not in _program_ids(s) or pytest.fail("followed a link out of the root"),
         settings={"follow_symlinks": True}),
    Case("unreadable-file", {"bad/LOCKED.cbl": cobol("LOCKED")}, {"bad/LOCKED.cbl": {"UNREADABLE-FILE"}},
         setup=_unreadable_file),
    Case("unreadable-directory", {"bad/locked/HIDDEN.cbl": cobol("HIDDEN")},
         {"bad/locked": {"UNREADABLE-DIRECTORY"}}, setup=_unreadable_dir),
    Case("file-deleted-after-discovery", {"bad/GONE.cbl": cobol("GONE")}, {"bad/GONE.cbl": {"FILE-VANISHED"}},
         setup=_vanishing),
    Case("hostile-file-names", {n: cobol(f"NAMED{i}") for i, n in enumerate(_NAMES)},
         {n: set() for n in _NAMES}, check=_no_pwned),
    # ---- references
    Case("copybook-copies-itself", {"bad/SELFCPY.cpy": _cobol_fixed("01  SELF-REC.\n    COPY SELFCPY.\n")},
         {"bad/SELFCPY.cpy": {"COPY-CYCLE"}}),
    Case("copybook-include-cycle", {"bad/CYCA.cpy": _cobol_fixed("01  CYC-A.\n    COPY CYCB.\n"),
                                    "bad/CYCB.cpy": _cobol_fixed("01  CYC-B.\n    COPY CYCA.\n")},
         {"bad/CYCA.cpy": {"COPY-CYCLE"}, "bad/CYCB.cpy": {"COPY-CYCLE"}}),
    Case("ten-thousand-jcl-steps", {"bad/BIGJOB.jcl": "//BIGJOB JOB (ACCT),'BIG'\n" + "".join(
        f"//S{i:07d} EXEC PGM=BIGP{i % 100:03d}\n" for i in range(10_000))}, {"bad/BIGJOB.jcl": set()},
         check=_jcl_steps),
    Case("unterminated-exec-sql", {"bad/NOEND.cbl": cobol("NOEND", "    EXEC SQL", "      SELECT A INTO :B",
                                                          "      FROM NOENDTAB.", "    DISPLAY 'AFTER'")},
         {"bad/NOEND.cbl": {"COBOL-EXEC-UNTERMINATED"}}, check=_has("program:NOEND")),
    Case("program-id-over-30-characters", {"bad/LONGNAME.cbl": cobol("A-PROGRAM-NAME-THAT-IS-FAR-TOO-LONG-X")},
         {"bad/LONGNAME.cbl": {"COBOL-NAME-TOO-LONG"}}, check=_has("program:A-PROGRAM-NAME-THAT-IS-FAR-TOO-LONG-X")),
]
