"""RSS and Atom feeds: entries with content become records, the others are fetched by link."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import feedparser

from ..records import RawDocument
from .structured import HTML_TAG


def _entry_date(entry: feedparser.FeedParserDict) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return time.strftime("%Y-%m-%d", parsed)
    return entry.get("published") or entry.get("updated")


def looks_like_feed(text: str) -> bool:
    """True when an XML document is an RSS, RDF or Atom feed."""
    head = text[:2048].lower()
    return "<rss" in head or "<feed" in head or "<rdf:rdf" in head


def read_feed(
    text: str, path: str, fetch_entry: Callable[[str, str], RawDocument]
) -> Iterator[RawDocument]:
    """Entries of a feed as '<path>#<n>'; `fetch_entry(url, input_name)` reads entries without content."""
    feed = feedparser.parse(text)
    if not feed.entries:
        problem = feed.get("bozo_exception")
        reason = f"malformed feed: {problem}" if feed.get("bozo") and problem else "feed has no entries"
        yield RawDocument(input=path, kind="record", body=None, error=reason)
        return
    outlet = feed.feed.get("title")
    for number, entry in enumerate(feed.entries, start=1):
        name = f"{path}#{number}"
        content = entry.get("content")
        body = content[0].get("value") if content else None
        link = entry.get("link")
        if not body and link:
            fetched = fetch_entry(link, name)
            yield RawDocument(
                input=fetched.input,
                kind=fetched.kind,
                body=fetched.body,
                title=entry.get("title") or fetched.title,
                published=_entry_date(entry) or fetched.published,
                source=fetched.source or outlet,
                url=fetched.url or link,
                external_id=entry.get("id"),
                author=entry.get("author") or fetched.author,
                error=fetched.error,
            )
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
            error=None if body else "feed entry has neither content nor a link",
        )
