"""RSS and Atom feeds: entries with content become records, the others are fetched by link."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence

import feedparser

from ..records import RawDocument
from .structured import HTML_TAG

__all__ = ["describe_non_feed", "feed_root", "looks_like_feed", "read_feed"]

# What may come before the root element of an XML document.
_PROLOG = re.compile(r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I)
_ROOT = re.compile(r"\A<([A-Za-z_][\w:.-]*)")
_FEED_ROOTS = {"rss", "feed", "rdf"}
_PROLOG_LIMIT = 64 * 1024  # a prolog longer than this is not worth scanning

# (link, input name) of each entry to fetch -> one document per entry, in the same order.
FetchPages = Callable[[Sequence[tuple[str, str]]], Sequence[RawDocument]]


def feed_root(text: str) -> str | None:
    """The lower-cased local name of the document's root element, or None when it does not start with one."""
    rest = text[:_PROLOG_LIMIT].lstrip("\ufeff")
    while True:
        prolog = _PROLOG.match(rest)
        if not prolog or not prolog.group(0):
            break
        rest = rest[prolog.end() :]
    root = _ROOT.match(rest)
    return root.group(1).rsplit(":", 1)[-1].lower() if root else None


def looks_like_feed(text: str) -> bool:
    """True when the document's root element is that of an RSS, RDF or Atom feed."""
    return feed_root(text) in _FEED_ROOTS


def describe_non_feed(text: str) -> str:
    """Why a document read as a feed is not one, for the rejection reason."""
    root = feed_root(text)
    if root == "html" or (root is None and HTML_TAG.search(text[:4096])):
        return "not an RSS or Atom feed: the content is an HTML page"
    if root is None:
        return "not an RSS or Atom feed: the content is not XML"
    return f"not an RSS or Atom feed: the XML root element is <{root}>"


def _entry_date(entry: feedparser.FeedParserDict) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return time.strftime("%Y-%m-%d", parsed)
    return entry.get("published") or entry.get("updated")


def read_feed(text: str, path: str, fetch_pages: FetchPages) -> Iterator[RawDocument]:
    """Entries of a feed as '<path>#<n>'; entries without content are read from their links by `fetch_pages`."""
    if not looks_like_feed(text):
        yield RawDocument(input=path, kind="record", body=None, error=describe_non_feed(text))
        return
    feed = feedparser.parse(text)
    if not feed.entries:
        problem = feed.get("bozo_exception")
        reason = f"malformed feed: {problem}" if feed.get("bozo") and problem else "empty feed: the feed has no entries"
        yield RawDocument(input=path, kind="record", body=None, error=reason)
        return
    outlet = feed.feed.get("title")
    entries = list(enumerate(feed.entries, start=1))
    to_fetch = [
        (entry.get("link"), f"{path}#{number}")
        for number, entry in entries
        if not _content(entry) and entry.get("link")
    ]
    fetched = iter(fetch_pages(to_fetch)) if to_fetch else iter(())
    for number, entry in entries:
        name = f"{path}#{number}"
        body = _content(entry)
        link = entry.get("link")
        if not body and link:
            yield _merge(next(fetched), entry, outlet, link)
            continue
        body = body or entry.get("summary")
        yield RawDocument(
            input=name,
            kind="html" if body and HTML_TAG.search(body) else "record",
            body=body,
            title=entry.get("title"),
            published=_entry_date(entry),
            source=outlet,
            url=link,
            external_id=entry.get("id"),
            author=entry.get("author"),
            error=None if body else "no article text: the feed entry has neither content nor a link",
        )


def _content(entry: feedparser.FeedParserDict) -> str | None:
    content = entry.get("content")
    return content[0].get("value") if content else None


def _merge(page: RawDocument, entry: feedparser.FeedParserDict, outlet: str | None, link: str) -> RawDocument:
    """The fetched page of an entry, with what the feed says about it filled in."""
    return RawDocument(
        input=page.input,
        kind=page.kind,
        body=page.body,
        title=entry.get("title") or page.title,
        published=_entry_date(entry) or page.published,
        source=page.source or outlet,
        url=page.url or link,
        external_id=entry.get("id"),
        author=entry.get("author") or page.author,
        error=page.error,
    )
