"""Bytes to text: size cap, binary sniffing and charset detection."""

from __future__ import annotations

import logging
import re

import charset_normalizer

from ..errors import BinaryInputError, EmptyInputError, EncodingError, TooLargeInputError

# Leading bytes of common binary formats that contain no NUL in their first kilobyte.
_BINARY_MAGIC = (
    b"%PDF",
    b"PK\x03\x04",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x7fELF",
    b"MZ",
    b"\xd0\xcf\x11\xe0",
    b"OggS",
    b"ID3",
    b"RIFF",
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Western single-byte text is ambiguous between several code pages; windows-1252 is by far
# the most common one on the web, so it wins whenever the detector rates it nearly as well.
_PREFERRED_SINGLE_BYTE = "cp1252"
_CHAOS_SLACK = 0.1
log = logging.getLogger(__name__)


def describe_size(size: int) -> str:
    """A size for a message: '31 MB' for large sizes, '1,234 bytes' for small ones."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.0f} MB"
    if size >= 10_000:
        return f"{size / 1_000:.0f} kB"
    return f"{size:,} bytes"


def check_size(size: int, max_bytes: int, what: str = "file") -> None:
    """Raise TooLargeInputError when `size` exceeds the cap."""
    if size > max_bytes:
        raise TooLargeInputError(
            f"too large: {what} is {describe_size(size)}, over the {describe_size(max_bytes)} cap (max_input_bytes)"
        )


def is_binary(data: bytes) -> bool:
    """True when the bytes look like a binary format rather than text or HTML."""
    head = data[:8192]
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return False  # a byte-order mark announces text (UTF-16 text holds NULs)
    if b"\x00" in head or head.startswith(_BINARY_MAGIC):
        return True
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return controls > len(head) * 0.05


def decode_bytes(data: bytes, html: bool = False, what: str = "file", name: str | None = None) -> str:
    """Decode input bytes to text; raise an InputError subclass saying why it cannot be read.

    `what` names the input in reasons: "empty file", "binary response: ...". UTF-8 with a few
    invalid bytes is decoded as UTF-8 with each bad sequence replaced by U+FFFD, and a note
    (naming `name`) is logged, rather than read as another encoding that garbles every accent.
    """
    if not data.strip():
        raise EmptyInputError(f"empty {what}")
    if is_binary(data):
        raise BinaryInputError(f"binary {what}: not text or HTML")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise EncodingError(f"cannot decode: {exc.reason} despite a {codec} byte-order mark") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = _decode_mostly_utf8(data, exc, name or what) or _decode_other(data, html, exc)
    if not text.strip():
        raise EmptyInputError(f"empty {what}")
    return text


def _decode_mostly_utf8(data: bytes, error: UnicodeDecodeError, name: str) -> str | None:
    """The text when the bytes are UTF-8 apart from fewer bad sequences than good multi-byte ones, else None."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    good = sum(1 for char in text if ord(char) > 127 and char != "\ufffd")
    if not good or bad > good:
        return None  # a single-byte encoding, most likely: leave it to detection
    log.warning("%s: invalid UTF-8: %d bad byte sequence(s), the first at byte %d, replaced with U+FFFD",
                name, bad, error.start)
    return text


def _decode_other(data: bytes, html: bool, utf8_error: UnicodeDecodeError) -> str:
    if html:
        declared = _META_CHARSET.search(data[:4096])
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common; fall through to detection
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise EncodingError(
            f"cannot decode: not UTF-8 (invalid byte at position {utf8_error.start}) "
            "and no likely encoding found"
        )
    best = matches[0]
    for match in matches:
        if _PREFERRED_SINGLE_BYTE in match.could_be_from_charset and match.chaos <= best.chaos + _CHAOS_SLACK:
            return data.decode(_PREFERRED_SINGLE_BYTE)
    return str(best)
