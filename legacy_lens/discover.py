"""Find the files to analyse and decide their language.

Walks each root without following symlinks (unless asked), honours
``.gitignore`` files at every level and ``--exclude`` globs, and detects the
language by file name, by extension, then by content for members with no or
unknown extension (``IDENTIFICATION DIVISION`` is COBOL, ``//NAME JOB`` is JCL,
``DFHMSD`` is BMS, a run of level-numbered items is a copybook). Files it
cannot use are recorded with a reason, never dropped silently.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pathspec

from legacy_lens.encoding import BinaryFile, decode, is_binary
from legacy_lens.languages import LanguageSpec, load_languages
from legacy_lens.model import INFO, WARNING, Diagnostic
from legacy_lens.settings import Settings

SKIP_DIRS = {".git", ".hg", ".svn", ".legacy-lens", "__pycache__", "node_modules", ".venv"}
# Never sniffed: formats that cannot be source members.
BINARY_EXTENSIONS = {
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z",
    ".jar", ".war", ".ear", ".class", ".exe", ".dll", ".so", ".o", ".obj", ".a", ".lib", ".pyc", ".frx",
    ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".mp3", ".mp4", ".woff", ".woff2", ".ttf",
    # VB6 and COM binaries beside the sources: control, designer and type-library files
    ".ctx", ".dsx", ".dca", ".pgx", ".dox", ".oca", ".ocx", ".tlb", ".olb", ".res", ".dcu", ".bpl",
}
# Text formats that are documentation or data, not code: counted, not sniffed.
DOC_EXTENSIONS = {".md", ".txt", ".rst", ".html", ".htm", ".xml", ".json", ".yml", ".yaml", ".csv", ".toml",
                  ".ini", ".cfg", ".log", ".gitignore", ".gitattributes", ".cmake"}
SNIFF_BYTES = 16 * 1024
_COBOL_PIC = re.compile(r"\bPIC(TURE)?\s+(IS\s+)?[^'\"\s]|\bOCCURS\s+\d|\bREDEFINES\s", re.IGNORECASE)
_LEVEL_LINE = re.compile(r"^.{0,7}\s*(0?[1-9]|[1-4][0-9]|66|77|88)\s+[A-Za-z0-9:][A-Za-z0-9:-]*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Candidate:
    path: str  # POSIX, relative to the scan root (prefixed with the root's name when there are several)
    abs_path: str
    language: str
    detected_by: str
    size: int


@dataclass(frozen=True, slots=True)
class Unused:
    """A file that will not be analysed, and why."""

    path: str
    size: int
    reason: str  # unrecognised | binary | too-large | unreadable | excluded


@dataclass(frozen=True, slots=True)
class Discovery:
    candidates: tuple[Candidate, ...]
    unused: tuple[Unused, ...]
    diagnostics: tuple[Diagnostic, ...]


class _Ignore:
    """``.gitignore`` rules of one directory, matched relative to it."""

    def __init__(self, base: str, spec: pathspec.GitIgnoreSpec) -> None:
        self.base = base
        self.spec = spec

    def matches(self, rel: str, is_dir: bool) -> bool:
        if self.base:
            if not rel.startswith(self.base + "/"):
                return False
            rel = rel[len(self.base) + 1 :]
        return self.spec.match_file(rel + "/" if is_dir else rel)


def _gitignore(directory: Path, base: str) -> _Ignore | None:
    path = directory / ".gitignore"
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None  # a FIFO or device named .gitignore would block or never end
        with open(path, "rb") as handle:
            lines = handle.read(1024 * 1024).decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    return _Ignore(base, pathspec.GitIgnoreSpec.from_lines(lines))


def _claimants(name: str, specs: tuple[LanguageSpec, ...]) -> list[tuple[str, str]]:
    """Languages that claim a file by its name, then its extension (exact case first), in descriptor order."""
    by_file = [(spec.name, "filename") for spec in specs
               if any(name == f or (f.strip("*?[") != f and fnmatch.fnmatchcase(name, f)) for f in spec.filenames)]
    if by_file:
        return by_file
    suffix = PurePosixPath(name).suffix
    if not suffix:
        return []
    exact = [(spec.name, "extension") for spec in specs if suffix in spec.extensions]
    if exact:
        return exact
    lower = suffix.lower()
    return [(spec.name, "extension") for spec in specs if lower in (e.lower() for e in spec.extensions)]


def _by_name(name: str, specs: tuple[LanguageSpec, ...], head: str | None = None) -> tuple[str, str] | None:
    """(language, how) for a file name; when several languages claim its extension (``.inc``, ``.prc``),
    their content rules decide on ``head`` (the start of the file), else the highest sniff priority."""
    found = _claimants(name, specs)
    if len(found) <= 1 or head is None:
        return found[0] if found else None
    claiming = tuple(spec for spec in specs if any(spec.name == lang for lang, _ in found))
    language = sniff(head, claiming, copybooks=any(spec.name == "cobol" for spec in claiming))
    if language is not None:
        return language, "content"
    best = max(claiming, key=lambda spec: spec.sniff_priority)
    return best.name, found[0][1]


def ambiguous(name: str, specs: tuple[LanguageSpec, ...]) -> bool:
    """True when several languages claim the file's name or extension, so its content must be read to choose."""
    return len(_claimants(name, specs)) > 1


def sniff(text: str, specs: tuple[LanguageSpec, ...], copybooks: bool = True) -> str | None:
    """Language of a member from its content, or None. ``copybooks``: try the COBOL copybook shape last."""
    best: tuple[int, str] | None = None
    for spec in specs:
        if any(p.search(text) for p in spec.sniff) and (best is None or spec.sniff_priority > best[0]):
            best = (spec.sniff_priority, spec.name)
    if best:
        return best[1]
    if copybooks and looks_like_copybook(text):
        return "cobol"
    return None


def looks_like_copybook(text: str) -> bool:
    """A member whose code lines are mostly level-numbered data items (``05 CUST-NAME PIC X(30).``)."""
    code = []
    for line in text.splitlines()[:200]:
        if not line.strip() or line[6:7] in ("*", "/"):
            continue
        code.append(line)
    if len(code) < 2:
        return False
    levels = sum(1 for line in code if _LEVEL_LINE.match(line))
    # COBOL PICTURE strings are unquoted and entries end with a period; PL/I declarations
    # (``2 NAME PIC '(5)9',``) quote their pictures and end with commas.
    pics = sum(1 for line in code if _COBOL_PIC.search(line))
    periods = sum(1 for line in code if line[:72].rstrip().endswith("."))
    return levels / len(code) >= 0.6 and pics >= 1 and periods >= len(code) / 3


def discover(roots: list[Path], settings: Settings) -> Discovery:
    """Walk ``roots``; raises nothing for unreadable parts (they become diagnostics)."""
    specs = load_languages()
    candidates: list[Candidate] = []
    unused: list[Unused] = []
    diagnostics: list[Diagnostic] = []
    excludes = pathspec.GitIgnoreSpec.from_lines(settings.excludes)
    multi = len(roots) > 1
    seen_real: set[str] = set()
    for root in roots:
        root = root.resolve() if not settings.follow_symlinks else root.absolute()
        prefix = root.name if multi else ""
        if root.is_file():
            _consider(root, root.name, specs, settings, candidates, unused, diagnostics)
            continue
        for dirpath, dirnames, filenames, ignores in _walk(root, settings, diagnostics, prefix):
            rel_dir = os.path.relpath(dirpath, root)
            rel_dir = "" if rel_dir == "." else PurePosixPath(Path(rel_dir)).as_posix()
            kept = []
            for d in sorted(dirnames):
                rel = f"{rel_dir}/{d}" if rel_dir else d
                if d in SKIP_DIRS or excludes.match_file(rel + "/") or any(i.matches(rel, True) for i in ignores):
                    continue
                full = os.path.join(dirpath, d)
                if os.path.islink(full):
                    verdict = _symlink(full, root, settings, seen_real)
                    if verdict is not None:
                        diagnostics.append(Diagnostic(_joined(prefix, rel), verdict[0], verdict[1], verdict[2]))
                        continue
                kept.append(d)
            dirnames[:] = kept
            for name in sorted(filenames):
                rel = f"{rel_dir}/{name}" if rel_dir else name
                if name == ".gitignore" or excludes.match_file(rel) or any(i.matches(rel, False) for i in ignores):
                    continue
                full = Path(dirpath) / name
                if full.is_symlink():
                    verdict = _symlink(str(full), root, settings, None)
                    if verdict is not None:
                        diagnostics.append(Diagnostic(_joined(prefix, rel), verdict[0], verdict[1], verdict[2]))
                        continue
                _consider(full, _joined(prefix, rel), specs, settings, candidates, unused, diagnostics)
    candidates.sort(key=lambda c: c.path)
    unused.sort(key=lambda u: u.path)
    return Discovery(tuple(candidates), tuple(unused), tuple(diagnostics))


def _symlink(full: str, root: Path, settings: Settings, seen_real: set[str] | None) -> tuple[str, str, str] | None:
    """Why the symbolic link ``full`` is not followed (severity, code, message), or None to follow it.

    A link that loops, dangles or leads outside the scan root is never followed; one inside the root
    only with ``follow_symlinks``. ``seen_real`` (directories) catches a second way into one folder.
    """
    try:
        target = os.readlink(full)
    except OSError as exc:
        return WARNING, "UNREADABLE-FILE", f"symbolic link could not be read: {exc.strerror}"
    try:
        real = os.path.realpath(full, strict=True)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return WARNING, "SYMLINK-LOOP", f"symbolic link to {target!r} loops back on itself; not followed"
        return INFO, "SYMLINK-BROKEN", f"symbolic link to {target!r} points to nothing; not followed"
    root_real = os.path.realpath(root)
    link_dir = os.path.realpath(os.path.dirname(full))
    if os.path.isdir(real) and (link_dir == real or link_dir.startswith(real.rstrip(os.sep) + os.sep)):
        return WARNING, "SYMLINK-LOOP", f"symbolic link to {target!r} leads back to a folder that contains it; " \
                                        "not followed"
    if real != root_real and not real.startswith(root_real.rstrip(os.sep) + os.sep):
        return WARNING, "SYMLINK-OUTSIDE-ROOT", f"symbolic link to {target!r} leads outside the scan root; " \
                                                "not followed"
    if not settings.follow_symlinks:
        kind = "a directory" if os.path.isdir(real) else "a file"
        return INFO, "SYMLINK-NOT-FOLLOWED", f"symbolic link to {kind} was not followed (follow_symlinks is off)"
    if seen_real is not None:
        if real in seen_real:
            return WARNING, "SYMLINK-LOOP", "directory already visited through another link; not followed"
        seen_real.add(real)
    return None


def _joined(prefix: str, rel: str) -> str:
    return f"{prefix}/{rel}" if prefix else rel


def _walk(root: Path, settings: Settings, diagnostics: list[Diagnostic], prefix: str):  # type: ignore[no-untyped-def]
    """os.walk with the .gitignore stack of each directory."""
    stack_ignores: dict[str, list[_Ignore]] = {}

    def onerror(err: OSError) -> None:
        rel = os.path.relpath(err.filename or str(root), root)
        diagnostics.append(Diagnostic(_joined(prefix, PurePosixPath(Path(rel)).as_posix()), WARNING,
                                      "UNREADABLE-DIRECTORY", f"directory could not be read: {err.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=settings.follow_symlinks):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else PurePosixPath(Path(rel_dir)).as_posix()
        parent = rel_dir.rsplit("/", 1)[0] if "/" in rel_dir else ""
        inherited = stack_ignores.get(parent, []) if rel_dir else []
        own = _gitignore(Path(dirpath), rel_dir)
        ignores = inherited + ([own] if own else [])
        stack_ignores[rel_dir] = ignores
        yield dirpath, dirnames, filenames, ignores


def _consider(full: Path, rel: str, specs: tuple[LanguageSpec, ...], settings: Settings,
              candidates: list[Candidate], unused: list[Unused], diagnostics: list[Diagnostic]) -> None:
    try:
        info = full.stat()
    except FileNotFoundError:
        unused.append(Unused(rel, 0, "unreadable"))
        diagnostics.append(Diagnostic(rel, WARNING, "FILE-VANISHED", "file was deleted or moved while the scan "
                                      "was listing its folder; not analysed"))
        return
    except OSError as exc:
        unused.append(Unused(rel, 0, "unreadable"))
        diagnostics.append(Diagnostic(rel, WARNING, "UNREADABLE-FILE", f"file could not be read: {exc.strerror}"))
        return
    size = info.st_size
    if not stat.S_ISREG(info.st_mode):
        # A FIFO would block the reader forever, a device never end: never opened.
        unused.append(Unused(rel, 0, "unreadable"))
        diagnostics.append(Diagnostic(rel, WARNING, "SPECIAL-FILE", "not a regular file (a pipe, socket or "
                                      "device); not read"))
        return
    suffix = full.suffix.lower()
    found = _by_name(full.name, specs)
    if found is not None and ambiguous(full.name, specs) and size <= settings.max_file_bytes:
        try:
            with open(full, "rb") as handle:
                found = _by_name(full.name, specs, decode(handle.read(SNIFF_BYTES)).text)
        except (OSError, BinaryFile):
            pass  # the worker reports an unreadable or binary file
    if found is None and (suffix in BINARY_EXTENSIONS or suffix in DOC_EXTENSIONS):
        unused.append(Unused(rel, size, "binary-extension" if suffix in BINARY_EXTENSIONS else "unrecognised"))
        return
    if size > settings.max_file_bytes:
        unused.append(Unused(rel, size, "too-large"))
        diagnostics.append(Diagnostic(rel, WARNING, "FILE-TOO-LARGE",
                                      f"{size} bytes is over the limit of {settings.max_file_bytes} bytes"
                                      " (max_file_bytes); not analysed"))
        return
    if found is not None:
        candidates.append(Candidate(rel, str(full), found[0], found[1], size))
        return
    try:
        with open(full, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        unused.append(Unused(rel, size, "unreadable"))
        diagnostics.append(Diagnostic(rel, WARNING, "UNREADABLE-FILE", f"file could not be read: {exc.strerror}"))
        return
    if not head:
        unused.append(Unused(rel, size, "unrecognised"))
        return
    if is_binary(head):
        unused.append(Unused(rel, size, "binary"))
        diagnostics.append(Diagnostic(rel, INFO, "BINARY-FILE", "binary content; not analysed"))
        return
    try:
        text = decode(head).text
    except BinaryFile:
        unused.append(Unused(rel, size, "binary"))
        return
    language = sniff(text, specs)
    if language is None:
        unused.append(Unused(rel, size, "unrecognised"))
        diagnostics.append(Diagnostic(rel, INFO, "UNRECOGNISED-FILE",
                                      "text file in no recognised language (by name, extension or content);"
                                      " not analysed"))
        return
    candidates.append(Candidate(rel, str(full), language, "content", size))
