"""Read inputs (files, folders, URLs, stdin) into RawDocuments; the only stage that opens files or URLs.

Bad input never raises out of `read_inputs`: it becomes a RawDocument with `error` set.
"""

from __future__ import annotations

import io
import sys
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

import httpx

from ..errors import InputError, UnsupportedFormatError
from ..records import RawDocument
from ..settings import Settings
from .decode import check_size, decode_bytes, is_binary
from .feeds import looks_like_feed, read_feed
from .fetch import fetch_url, make_client
from .structured import read_csv, read_json, read_jsonl
from .warc import read_warc

__all__ = ["read_inputs", "read_path", "read_url", "SUFFIXES"]

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
    inputs: Iterable[str], settings: Settings, *, client: httpx.Client | None = None
) -> Iterator[RawDocument]:
    """RawDocuments from files, folders (recursed, sorted, hidden skipped), http(s) URLs and '-' (stdin).

    Runs of consecutive URLs are fetched `fetch_concurrency` at a time; output keeps input order.
    Pass `client` (e.g. one built on a mock transport) to control how URLs are fetched.
    """
    owned = client is None
    http = client or make_client(settings)  # no connection is opened until a URL is fetched
    pending: list[str] = []
    try:
        for item in _expand_stdin(inputs):
            if _is_url(item):
                pending.append(item)
                continue
            if pending:
                yield from _read_urls(pending, settings, http)
                pending = []
            yield from _read_local(item, settings, http)
        if pending:
            yield from _read_urls(pending, settings, http)
    finally:
        if owned:
            http.close()


def _expand_stdin(inputs: Iterable[str]) -> Iterator[str]:
    """Inputs with '-' replaced by the paths and URLs listed on stdin, one per line."""
    for item in inputs:
        if item != "-":
            yield item
            continue
        for line in _stdin():
            line = line.strip()
            if line and not line.startswith("#") and line != "-":
                yield line


def _read_urls(urls: list[str], settings: Settings, client: httpx.Client) -> Iterator[RawDocument]:
    """Documents from URLs, fetched concurrently (httpx clients are thread-safe), in input order."""
    workers = max(1, min(settings.fetch_concurrency, len(urls)))
    if workers == 1:
        for url in urls:
            yield from read_url(url, settings, client)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for documents in pool.map(lambda url: list(read_url(url, settings, client)), urls):
            yield from documents


def _stdin() -> TextIO:
    return sys.stdin


def _is_url(item: str) -> bool:
    return item.lower().startswith(("http://", "https://"))


def _read_local(item: str, settings: Settings, client: httpx.Client | None) -> Iterator[RawDocument]:
    path = Path(item)
    if path.is_dir():
        for child in _walk(path):
            yield from read_path(child, settings, client, name=str(child))
        return
    yield from read_path(path, settings, client, name=item)


def _walk(folder: Path) -> Iterator[Path]:
    """Files under a folder in sorted order, skipping hidden files and folders."""
    try:
        children = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        return
    for child in children:
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _walk(child)
        elif child.is_file():
            yield child


def suffix_of(name: str) -> str:
    """The lower-cased suffix that decides the reader ('.warc.gz' counts as one suffix)."""
    lower = name.lower()
    if lower.endswith(".warc.gz"):
        return ".warc.gz"
    return Path(lower).suffix


def read_path(
    path: Path, settings: Settings, client: httpx.Client | None = None, name: str | None = None
) -> Iterator[RawDocument]:
    """RawDocuments from one file, chosen by its suffix; failures become RawDocuments with `error`."""
    name = name if name is not None else str(path)
    suffix = suffix_of(path.name)
    kind = SUFFIXES.get(suffix)
    try:
        if not path.exists():
            yield _failed(name, "text", "file not found")
            return
        if kind is None and suffix:
            raise UnsupportedFormatError(
                f"unsupported file type '{suffix}' (storylens reads {', '.join(sorted(set(SUFFIXES)))})"
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
    yield from _read_bytes(data, kind, name, settings, client)


def _read_bytes(
    data: bytes, kind: str | None, name: str, settings: Settings, client: httpx.Client | None, url: str | None = None
) -> Iterator[RawDocument]:
    """Dispatch decoded bytes to the reader for `kind` (None: sniff HTML or text)."""
    try:
        if kind == "warc":
            yield from read_warc(io.BytesIO(data), name, settings)
            return
        text = decode_bytes(data, html=kind in (None, "html"))
    except InputError as exc:
        yield _failed(name, "html" if kind == "html" else "text", str(exc), url)
        return
    head = text.lstrip()[:1024].lower()
    if kind in (None, "text") and (head.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in head):
        kind = "html"  # a saved page, whatever its name says
    elif kind is None:
        kind = "feed" if head.startswith("<?xml") and looks_like_feed(text) else "text"
    try:
        yield from _dispatch(text, kind, name, settings, client, url)
    except (RecursionError, ValueError, LookupError, MemoryError) as exc:
        # Parsers of structured formats can fail in ways they do not document; the batch goes on.
        yield _failed(name, "record", f"cannot read {kind} input: {exc or type(exc).__name__}", url)


def _dispatch(
    text: str, kind: str, name: str, settings: Settings, client: httpx.Client | None, url: str | None
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
        yield from read_feed(text, name, lambda link, entry_name: _fetch_entry(link, entry_name, settings, client))


def _fetch_entry(link: str, name: str, settings: Settings, client: httpx.Client | None) -> RawDocument:
    """One document for a feed entry's link: fetched when a client is at hand, else rejected."""
    if client is None:
        client = make_client(settings)
        try:
            return _first_document(read_url(link, settings, client, name=name), name, link)
        finally:
            client.close()
    return _first_document(read_url(link, settings, client, name=name), name, link)


def _first_document(documents: Iterator[RawDocument], name: str, link: str) -> RawDocument:
    for document in documents:
        return document
    return _failed(name, "html", f"nothing readable at {link}", link)


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


def read_url(url: str, settings: Settings, client: httpx.Client, name: str | None = None) -> Iterator[RawDocument]:
    """RawDocuments from one http(s) URL; HTTP errors and timeouts become RawDocuments with `error`."""
    name = name or url
    try:
        fetched = fetch_url(url, client, settings)
    except InputError as exc:
        yield _failed(name, "html", str(exc), url)
        return
    kind = _MEDIA_TYPES.get(fetched.media_type) or SUFFIXES.get(suffix_of(httpx.URL(fetched.url).path))
    if kind is None and fetched.media_type and is_binary(fetched.data[:8192]):
        yield _failed(name, "html", f"unsupported content type '{fetched.media_type}' at {url}", url)
        return
    yield from _read_bytes(fetched.data, kind, name, settings, client, url=fetched.url)


def _failed(name: str, kind: str, reason: str, url: str | None = None) -> RawDocument:
    return RawDocument(input=name, kind=kind, body=None, url=url, error=reason)  # type: ignore[arg-type]
