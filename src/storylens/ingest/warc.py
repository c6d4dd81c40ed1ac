"""WARC archives: HTML response records become html RawDocuments, other records are skipped."""

from __future__ import annotations

import gzip
import io
import logging
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import InputError, MalformedInputError, TooLargeInputError
from ..records import RawDocument
from ..settings import Settings
from .decode import check_size, decode_bytes, describe_size

log = logging.getLogger(__name__)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class BoundedReader(io.RawIOBase):
    """A byte stream that stops with an InputError once it has given more than `max_total` bytes
    or a line longer than `max_line` bytes: a small compressed file cannot fill memory."""

    def __init__(self, raw: BinaryIO, max_total: int, max_line: int) -> None:
        self.raw = raw
        self.max_total = max_total
        self.max_line = max_line
        self.total = 0
        self.line = 0  # bytes since the last line break

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        view = memoryview(buffer)
        data = self.raw.read(min(len(view), 1 << 16))
        size = len(data)
        view[:size] = data
        self.total += size
        if self.total > self.max_total:
            raise TooLargeInputError(
                f"too large: the archive expands to more than {describe_size(self.max_total)} "
                "(max_decompressed_bytes)")
        newline = data.rfind(b"\n")
        self.line = self.line + size if newline < 0 else size - newline - 1
        if self.line > self.max_line:
            raise MalformedInputError(
                f"malformed WARC: a line longer than {describe_size(self.max_line)} (max_line_bytes)")
        return size


def bounded_stream(stream: BinaryIO, settings: Settings) -> BinaryIO:
    """The stream decompressed when gzipped, as a buffered reader bounded by max_decompressed_bytes
    and max_line_bytes."""
    head = stream.read(2)
    rest: BinaryIO = io.BufferedReader(_Prefixed(head, stream))  # type: ignore[arg-type]
    if head == b"\x1f\x8b":
        rest = gzip.GzipFile(fileobj=rest, mode="rb")  # type: ignore[assignment]
    limited = BoundedReader(rest, settings.max_decompressed_bytes, settings.max_line_bytes)
    return io.BufferedReader(limited)  # type: ignore[return-value]


class _Prefixed(io.RawIOBase):
    """A stream with some bytes already read from it put back in front."""

    def __init__(self, head: bytes, raw: BinaryIO) -> None:
        self.head = head
        self.raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        view = memoryview(buffer)
        if self.head:
            size = min(len(view), len(self.head))
            view[:size] = self.head[:size]
            self.head = self.head[size:]
            return size
        data = self.raw.read(len(view))
        view[:len(data)] = data
        return len(data)


def read_warc(stream: BinaryIO, path: str, settings: Settings) -> Iterator[RawDocument]:
    """HTML responses of a WARC or WARC.gz stream; the input is '<path>#<n>', n the record's position.

    Decompression is streamed and bounded (max_decompressed_bytes, max_line_bytes): an archive
    that expands past the limits is rejected where it crosses them, in bounded memory.
    """
    number = 0
    skipped = 0
    yielded = 0
    try:
        for number, record in enumerate(ArchiveIterator(bounded_stream(stream, settings)), start=1):
            media_type = ""
            if record.http_headers is not None:
                media_type = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
            status = record.http_headers.get_statuscode() if record.http_headers is not None else None
            if record.rec_type != "response" or media_type not in _HTML_TYPES or status not in (None, "200"):
                skipped += 1
                continue
            name = f"{path}#{number}"
            url = record.rec_headers.get_header("WARC-Target-URI")
            data = record.content_stream().read(settings.max_input_bytes + 1)
            try:
                check_size(len(data), settings.max_input_bytes, "record")
                body = decode_bytes(data, html=True, what="record", name=name)
            except InputError as exc:
                yielded += 1
                yield RawDocument(input=name, kind="html", body=None, url=url, error=str(exc))
                continue
            yielded += 1
            yield RawDocument(input=name, kind="html", body=body, url=url)
    except InputError as exc:
        yielded += 1
        yield RawDocument(input=f"{path}#{number + 1}", kind="html", body=None, error=str(exc))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        yielded += 1
        yield RawDocument(
            input=f"{path}#{number + 1}",
            kind="html",
            body=None,
            error=f"malformed WARC: the archive breaks after record {number}: {exc}",
        )
    if not yielded:
        reason = f"no HTML responses: the WARC archive holds none ({skipped} other record{'' if skipped == 1 else 's'} skipped)"
        yield RawDocument(input=path, kind="html", body=None, error=reason)
    elif skipped:
        log.info("%s: skipped %d WARC records that are not HTML responses", path, skipped)
