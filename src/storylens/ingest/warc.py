"""WARC archives: HTML response records become html RawDocuments, other records are skipped."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import InputError
from ..records import RawDocument
from ..settings import Settings
from .decode import check_size, decode_bytes

log = logging.getLogger(__name__)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(stream: BinaryIO, path: str, settings: Settings) -> Iterator[RawDocument]:
    """HTML responses of a WARC or WARC.gz stream; the input is '<path>#<n>', n the record's position."""
    number = 0
    skipped = 0
    yielded = 0
    try:
        for number, record in enumerate(ArchiveIterator(stream), start=1):
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
                body = decode_bytes(data, html=True, what="record")
            except InputError as exc:
                yielded += 1
                yield RawDocument(input=name, kind="html", body=None, url=url, error=str(exc))
                continue
            yielded += 1
            yield RawDocument(input=name, kind="html", body=body, url=url)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
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
