"""Read inputs (files, folders, URLs, stdin) into RawDocuments; the only stage that opens files or URLs.

Bad input never raises out of `read_inputs`: it becomes a RawDocument with `error` set. Every
reason starts with a short category ("empty file", "HTTP 404", "timed out", ...), which
`reason_category` pulls out so a run's summary can count rejections by kind.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

import httpx

from ..errors import InputError, UnsupportedFormatError
from ..records import RawDocument
from ..settings import Settings
from .decode import check_size, decode_bytes, is_binary
from .feeds import looks_like_feed, read_feed
from .fetch import Fetcher, HttpCache, fetch_url, make_client
from .structured import read_csv, read_json, read_jsonl
from .warc import read_warc

__all__ = [
    "SUFFIXES",
    "Fetcher",
    "HttpCache",
    "canonical_input",
    "fetch_url",
    "is_documentation",
    "make_client",
    "read_inputs",
    "read_path",
    "read_url",
    "reason_category",
]

log = logging.getLogger(__name__)

# Recognised file suffixes and the reader each maps to.
SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".warc": "warc",
    ".warc.gz": "warc",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}


def read_inputs(
    inputs: Iterable[str],
    settings: Settings,
    *,
    client: httpx.Client | None = None,
    cache: HttpCache | None = None,
) -> Iterator[RawDocument]:
    """RawDocuments from files, folders (recursed, sorted, hidden and documentation files skipped),
    http(s) URLs and '-' (stdin).

    Runs of consecutive URLs, and the pages of feed entries, are fetched `fetch_concurrency` at a
    time; output keeps input order. Pass `client` (e.g. one built on a mock transport) to control
    how URLs are fetched, and `cache` to reuse responses fetched before.
    """
    pending: list[str] = []
    with Fetcher(settings, client, cache) as fetcher:
        for item in _expand_stdin(inputs):
            if _is_url(item):
                pending.append(item)
                continue
            if pending:
                yield from _read_urls(pending, fetcher)
                pending = []
            if item.startswith(STDIN_TEXT + "\0"):
                body = item.split("\0", 1)[1]
                yield RawDocument(input=STDIN_TEXT, kind="text", body=body if body.strip() else None,
                                  error=None if body.strip() else "empty input: nothing was read from stdin")
                continue
            yield from _read_local(item, settings, fetcher)
        if pending:
            yield from _read_urls(pending, fetcher)


# Reasons that read as one phrase, with no colon after their category.
_PHRASE_CATEGORIES = ("timed out", "robots.txt", "file not found", "no content")
_HTTP_STATUS = re.compile(r"^HTTP \d{3}")


def reason_category(reason: str) -> str:
    """The short category a rejection reason starts with: 'HTTP 404', 'timed out', 'empty file', ..."""
    reason = reason.strip()
    status = _HTTP_STATUS.match(reason)
    if status:
        return status.group(0)
    for category in _PHRASE_CATEGORIES:
        if reason.startswith(category):
            return category
    head, colon, _ = reason.partition(": ")
    return head if colon else reason


STDIN_TEXT = "<stdin>"


def _expand_stdin(inputs: Iterable[str]) -> Iterator[str]:
    """Inputs with '-' replaced by what stdin holds: paths and URLs one per line, or else one article's text.

    An article's text read from stdin is passed on as the marker STDIN_TEXT followed by the text.
    """
    for item in inputs:
        if item != "-":
            yield item
            continue
        text = _stdin().read()
        lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
        if lines and all(_is_url(line) or Path(line).exists() for line in lines):
            yield from (line for line in lines if line != "-")
        else:
            yield STDIN_TEXT + "\0" + text


def _read_urls(urls: list[str], fetcher: Fetcher) -> Iterator[RawDocument]:
    """Documents from URLs, fetched concurrently (httpx clients are thread-safe), in input order."""
    for documents in fetcher.map(lambda url: list(read_url(url, fetcher.settings, fetcher)), urls):
        yield from documents


def _stdin() -> TextIO:
    return sys.stdin


def _is_url(item: str) -> bool:
    return item.lower().startswith(("http://", "https://"))


def canonical_input(name: str) -> str:
    """An input's identity whichever way it was typed: the resolved absolute path (with its
    '#n' record number kept), or the URL or stdin marker as is."""
    if _is_url(name) or name.startswith(STDIN_TEXT):
        return name
    base, mark, number = name.rpartition("#")
    if mark and number.isdigit() and not os.path.lexists(name):
        return f"{_real_path(base)}#{number}"
    return _real_path(name)


@functools.lru_cache(maxsize=1024)
def _real_path(path: str) -> str:
    # One resolution per file, not per record: a JSONL of a million records names one file.
    return os.path.realpath(path)


def _read_local(item: str, settings: Settings, fetcher: Fetcher) -> Iterator[RawDocument]:
    path = Path(item)
    if path.is_dir():
        skipped: list[Path] = []
        for child in _walk(path, skipped, set()):
            if isinstance(child, RawDocument):
                yield child
                continue
            yield from read_path(child, settings, fetcher=fetcher, name=str(child))
        if skipped:
            log.debug("%s: skipped %d hidden or documentation file(s)", path, len(skipped))
        return
    yield from read_path(path, settings, fetcher=fetcher, name=item)


# Files that document a folder rather than report news. Upper-case names match with any
# ending (README-fr.md, LICENSE_MIT); other spellings only as the whole stem (readme.txt).
_DOCUMENTATION = ("README", "LICENSE", "NOTICE", "CHANGELOG", "CONTRIBUTING")


def is_documentation(name: str) -> bool:
    """True when a file name is a README, LICENSE, NOTICE, CHANGELOG or CONTRIBUTING file."""
    stem = name.split(".", 1)[0]
    return name.startswith(_DOCUMENTATION) or stem.upper() in _DOCUMENTATION


def _walk(folder: Path, skipped: list[Path], visited: set[tuple[int, int]]) -> Iterator[Path | RawDocument]:
    """Files under a folder in sorted order; hidden and documentation files go to `skipped`.

    Each real folder is read once (`visited` holds their device and inode), so symbolic links
    back into the tree end the walk instead of repeating it; a folder that cannot be listed
    becomes a rejected record.
    """
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in visited:
            log.info("%s: skipped, a link to a folder already read", folder)
            return
        visited.add((info.st_dev, info.st_ino))
        children = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        log.warning("%s: cannot read folder: %s", folder, exc.strerror or exc)
        yield _failed(str(folder), "text", f"cannot read folder: {exc.strerror or exc}")
        return
    for child in children:
        if child.name.startswith("."):
            log.debug("%s: skipped hidden %s", child, "folder" if child.is_dir() else "file")
            skipped.append(child)
        elif child.is_dir():
            yield from _walk(child, skipped, visited)
        elif not child.is_file():
            continue
        elif is_documentation(child.name):
            log.debug("%s: skipped, a documentation file rather than an article", child)
            skipped.append(child)
        else:
            yield child


def suffix_of(name: str) -> str:
    """The lower-cased suffix that decides the reader ('.warc.gz' counts as one suffix)."""
    lower = name.lower()
    if lower.endswith(".warc.gz"):
        return ".warc.gz"
    return Path(lower).suffix


def read_path(
    path: Path, settings: Settings, *, fetcher: Fetcher | None = None, name: str | None = None
) -> Iterator[RawDocument]:
    """RawDocuments from one file, chosen by its suffix; failures become RawDocuments with `error`.

    A feed's entries without content are fetched with `fetcher` (one is made when None).
    """
    name = name if name is not None else str(path)
    suffix = suffix_of(path.name)
    kind = SUFFIXES.get(suffix)
    try:
        if not path.exists():
            yield _failed(name, "text", "file not found")
            return
        if kind is None and suffix:
            raise UnsupportedFormatError(
                f"unsupported file type: '{suffix}' (storylens reads {', '.join(sorted(set(SUFFIXES)))})"
            )
        check_size(path.stat().st_size, settings.max_input_bytes)
        if kind == "warc":
            with path.open("rb") as stream:
                yield from read_warc(stream, name, settings)
            return
        data = path.read_bytes()
    except InputError as exc:
        yield _failed(name, "html" if kind == "html" else "text", str(exc))
        return
    except OSError as exc:
        yield _failed(name, "text", f"cannot read file: {exc.strerror or exc}")
        return
    yield from _read_bytes(data, kind, name, settings, fetcher)


def _read_bytes(
    data: bytes,
    kind: str | None,
    name: str,
    settings: Settings,
    fetcher: Fetcher | None,
    url: str | None = None,
) -> Iterator[RawDocument]:
    """Dispatch decoded bytes to the reader for `kind` (None: sniff HTML or text)."""
    what = "file" if url is None else "response"
    try:
        if kind == "warc":
            yield from read_warc(io.BytesIO(data), name, settings)
            return
        text = decode_bytes(data, html=kind in (None, "html"), what=what, name=name)
    except InputError as exc:
        yield _failed(name, "html" if kind == "html" else "text", str(exc), url)
        return
    head = text.lstrip()[:1024].lower()
    if kind in (None, "text", "html") and looks_like_feed(text):
        kind = "feed"  # servers often label feeds text/html or text/plain
    elif kind in (None, "text") and (head.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in head):
        kind = "html"  # a saved page, whatever its name says
    elif kind is None:
        kind = "text"
    try:
        yield from _dispatch(text, kind, name, settings, fetcher, url)
    except (RecursionError, ValueError, LookupError, MemoryError) as exc:
        # Parsers of structured formats can fail in ways they do not document; the batch goes on.
        yield _failed(name, "record", f"malformed {_FORMAT_NAMES.get(kind, kind)}: {exc or type(exc).__name__}", url)


_FORMAT_NAMES = {"json": "JSON", "jsonl": "JSON", "csv": "CSV", "html": "HTML"}


def _dispatch(
    text: str, kind: str, name: str, settings: Settings, fetcher: Fetcher | None, url: str | None
) -> Iterator[RawDocument]:
    if kind == "text":
        yield RawDocument(input=name, kind="text", body=text, url=url)
    elif kind == "html":
        yield RawDocument(input=name, kind="html", body=text, url=url)
    elif kind == "json":
        yield from read_json(text, name)
    elif kind == "jsonl":
        yield from read_jsonl(text, name)
    elif kind == "csv":
        yield from read_csv(text, name)
    elif kind == "feed":
        yield from read_feed(text, name, lambda entries: _fetch_pages(entries, settings, fetcher))


def _fetch_pages(
    entries: Sequence[tuple[str, str]], settings: Settings, fetcher: Fetcher | None
) -> list[RawDocument]:
    """One document per (link, input name) of feed entries, fetched concurrently, in order."""
    if fetcher is None:
        with Fetcher(settings) as own:
            return _fetch_pages(entries, settings, own)

    def fetch_one(entry: tuple[str, str]) -> RawDocument:
        link, name = entry
        for document in read_url(link, settings, fetcher, name=name):
            return document  # a page is one article; extra records (a feed behind a link) are not followed
        return _failed(name, "html", f"no content: nothing readable at {link}", link)

    return list(fetcher.map(fetch_one, entries))


# Media types of HTTP responses and the reader each maps to.
_MEDIA_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "text/csv": "csv",
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "feed",
    "text/xml": "feed",
    "application/warc": "warc",
}


def read_url(url: str, settings: Settings, fetcher: Fetcher, name: str | None = None) -> Iterator[RawDocument]:
    """RawDocuments from one http(s) URL; HTTP errors, timeouts and robots.txt refusals become RawDocuments with `error`."""
    name = name or url
    try:
        fetched = fetcher.fetch(url)
    except InputError as exc:
        yield _failed(name, "html", str(exc), url)
        return
    kind = _MEDIA_TYPES.get(fetched.media_type) or SUFFIXES.get(suffix_of(httpx.URL(fetched.url).path))
    if kind is None and fetched.media_type and is_binary(fetched.data[:8192]):
        yield _failed(name, "html", f"unsupported content type: '{fetched.media_type}' at {url}", url)
        return
    yield from _read_bytes(fetched.data, kind, name, settings, fetcher, url=fetched.url)


def _failed(name: str, kind: str, reason: str, url: str | None = None) -> RawDocument:
    return RawDocument(input=name, kind=kind, body=None, url=url, error=reason)  # type: ignore[arg-type]
