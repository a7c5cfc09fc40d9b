"""Decode legacy source bytes: UTF-8 (with or without BOM), UTF-16, EBCDIC CP037, CP1252.

Mainframe members arrive as EBCDIC when a transfer was done in binary, as
CP1252/Latin-1 when they passed through a Windows PC, and as UTF-8 when they
came through git. We decide from the bytes alone, never from the locale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Bytes that occur in EBCDIC (CP037) text: space, letters, digits, common punctuation, NL/LF/CR.
_EBCDIC_TEXT = frozenset(
    [0x40, 0x15, 0x25, 0x0D, 0x05]  # noqa: RUF005 - space, NL, LF, CR, HT
    + [*range(0x81, 0x8A), *range(0x91, 0x9A), *range(0xA2, 0xAA)]  # a-i, j-r, s-z
    + [*range(0xC1, 0xCA), *range(0xD1, 0xDA), *range(0xE2, 0xEA)]  # A-I, J-R, S-Z
    + [*range(0xF0, 0xFA)]  # 0-9
    + [0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F, 0x50, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F, 0x60, 0x61,
       0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F, 0xC0, 0xD0, 0xE0]
)
_CONTROL = frozenset(b for b in range(32) if b not in (9, 10, 12, 13, 26))
SAMPLE = 64 * 1024
_EBCDIC_BYTES = bytes(sorted(_EBCDIC_TEXT))
_HIGH_BYTES = bytes(range(0x80, 0x100))
_CONTROL_BYTES = bytes(sorted(_CONTROL))


class BinaryFile(ValueError):
    """The bytes are not text in any encoding we read."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    warnings: tuple[tuple[str, str], ...] = ()  # (diagnostic code, message)


def looks_ebcdic(data: bytes) -> bool:
    """True when the sample reads as EBCDIC text rather than ASCII-based text."""
    sample = data[:SAMPLE]
    if not sample:
        return False
    # bytes.translate(None, delete) counts membership in C, ~100x faster than a Python loop.
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    if high / len(sample) <= 0.25:
        return False  # ASCII-based text: the common case, decided without the second count
    ebcdic = len(sample) - len(sample.translate(None, _EBCDIC_BYTES))
    spaces = sample.count(0x40)
    return ebcdic / len(sample) > 0.9 and high / len(sample) > 0.25 and spaces > sample.count(0x20)


def _utf16(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:4096]
    if len(sample) >= 4:
        even_nuls = sample[0::2].count(0) / max(1, len(sample[0::2]))
        odd_nuls = sample[1::2].count(0) / max(1, len(sample[1::2]))
        if odd_nuls > 0.4 and even_nuls < 0.05:
            return "utf-16-le"
        if even_nuls > 0.4 and odd_nuls < 0.05:
            return "utf-16-be"
    return None


def is_binary(data: bytes) -> bool:
    """True for bytes that are not text: many NULs or control characters, and not UTF-16 or EBCDIC."""
    sample = data[:SAMPLE]
    if not sample or _utf16(sample) or looks_ebcdic(sample):
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return sample.count(0) / len(sample) > 0.01 or controls / len(sample) > 0.10


def _records(text: str, record_length: int = 80) -> str:
    """Split a file with no line breaks into fixed-length records (a binary transfer of RECFM=FB)."""
    if "\n" in text or "\r" in text or "\x85" in text or len(text) <= record_length:
        return text
    if len(text) % record_length:
        return text
    return "\n".join(text[i : i + record_length] for i in range(0, len(text), record_length))


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _damaged_utf8(data: bytes) -> Decoded | None:
    """``data`` as UTF-8 with its few bad sequences replaced, or None when it is not mostly UTF-8.

    Text whose multi-byte sequences are mostly valid UTF-8 is UTF-8 with damage
    (a mixed-encoding file), not CP1252: decoding it as CP1252 would garble every
    accented letter.
    """
    valid = len(_UTF8_MULTIBYTE.findall(data))
    if not valid:
        return None
    text = data.decode("utf-8", "surrogateescape")
    bad = _SURROGATES.findall(text)
    if len(bad) > valid:
        return None
    first = _SURROGATES.search(text)
    where = first.start() if first else 0
    message = (f"{len(bad)} invalid UTF-8 byte(s) replaced by U+FFFD (first at character {where}); "
               "the rest of the file is UTF-8")
    return Decoded(_SURROGATES.sub("\ufffd", text), "utf-8", (("INVALID-UTF8", message),))


_SURROGATES = re.compile("[\udc80-\udcff]")


def decode(data: bytes) -> Decoded:
    """Decode ``data``; raises BinaryFile when it is not text."""
    warnings: list[tuple[str, str]] = []
    if data.startswith(b"\xef\xbb\xbf"):
        return Decoded(data[3:].decode("utf-8", "replace"), "utf-8-sig")
    utf16 = _utf16(data)
    if utf16:
        return Decoded(data.decode(utf16, "replace").lstrip("\ufeff"), utf16)
    if is_binary(data):
        raise BinaryFile("binary content (NUL or control bytes)")
    if data.count(0):
        first = data.index(0)
        warnings.append(("NUL-BYTES", f"{data.count(0)} NUL byte(s) replaced by spaces (first at byte {first})"))
        data = data.replace(b"\x00", b" ")
    if looks_ebcdic(data):
        text = data.decode("cp037", "replace").replace("\x85", "\n")
        return Decoded(_records(text), "cp037", tuple(warnings))
    try:
        return Decoded(data.decode("utf-8"), "utf-8", tuple(warnings))
    except UnicodeDecodeError:
        pass
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return Decoded(damaged.text, damaged.encoding, tuple(warnings) + damaged.warnings)
    try:
        return Decoded(data.decode("cp1252"), "cp1252", tuple(warnings))
    except UnicodeDecodeError:
        # CP1252 leaves five bytes undefined; Latin-1 maps every byte.
        return Decoded(data.decode("latin-1"), "latin-1", tuple(warnings))
