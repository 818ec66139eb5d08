"""Bytes to text for files of unknown origin: saved pages, exports, copy-paste dumps."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass


class UnreadableInput(ValueError):
    """The bytes are not an article we can read; the message says why, for `skipped_inputs`."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Legacy single-byte encodings tried in order: Windows-1252 is what "Latin-1" files
# from Windows editors really are; ISO-8859-1 decodes any byte and is the last resort.
_FALLBACKS = ("cp1252", "latin-1")


def decode_bytes(data: bytes, declared: str | None = None) -> DecodedText:
    """Decode a file's bytes, or raise UnreadableInput for empty and binary files.

    Order: a byte-order mark, strict UTF-8, UTF-8 with its few bad sequences replaced by U+FFFD
    (`mostly_utf8`: one stray byte in a UTF-8 article must not garble every umlaut of it), a charset
    the document declares (HTML meta), then Windows-1252 and Latin-1.
    """
    if not data.strip():
        raise UnreadableInput("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding), encoding)
    if b"\x00" in data[:8192]:
        raise UnreadableInput("binary file (contains NUL bytes)")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8", errors="replace")
    if mostly_utf8(data, replaced):
        return _checked(replaced, UTF8_REPLACED)
    for encoding in _candidates(data, declared):
        try:
            return _checked(data.decode(encoding), encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


# What `encoding` says of a text decoded as UTF-8 with bad sequences replaced.
UTF8_REPLACED = "utf-8-replaced"
# UTF-8 with replacements wins when at least this share of the non-ASCII sequences are valid UTF-8. A
# legacy-encoded text has almost none (every umlaut is a bad sequence), a UTF-8 text with a stray byte
# almost all; pure ASCII with one bad byte is an accented letter of a legacy encoding.
MIN_VALID_SHARE = 0.9


def mostly_utf8(data: bytes, replaced: str) -> bool:
    """Whether `data`, which is not valid UTF-8, is UTF-8 with a few bad sequences (`replaced`: it
    decoded with errors='replace')."""
    bad = replaced.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    valid = sum(1 for ch in replaced if ord(ch) > 0x7F) - bad
    return valid > 0 and valid >= MIN_VALID_SHARE * (valid + bad)


def _candidates(data: bytes, declared: str | None) -> list[str]:
    found = _META_CHARSET.search(data[:4096])
    names = [declared] if declared else []
    if found:
        names.append(found.group(1).decode("ascii"))
    usable = [n for n in names if _known(n) and codecs.lookup(n).name != "utf-8"]
    return usable + list(_FALLBACKS)


def _known(name: str) -> bool:
    try:
        codecs.lookup(name)
        return True
    except LookupError:
        return False


def _checked(text: str, encoding: str) -> DecodedText:
    """Reject text that decoded but is mostly control characters (a binary file in disguise)."""
    sample = text[:8192]
    if not sample.strip():
        raise UnreadableInput("empty file")
    if len(_CONTROL.findall(sample)) > 0.05 * len(sample):
        raise UnreadableInput("binary file (mostly control characters)")
    return DecodedText(text=text, encoding=encoding)
