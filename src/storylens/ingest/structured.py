"""JSON, JSON Lines and CSV files: one article per record, common field names understood."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from ..records import RawDocument

# Field names tried in order; matching ignores case, '_' and '-'.
FIELDS: dict[str, tuple[str, ...]] = {
    "url": ("url", "link", "canonical_url", "canonicalurl", "href"),
    "source": ("source", "outlet", "site", "sitename", "site_name", "publisher", "source_name", "domain"),
    "title": ("title", "headline", "heading"),
    "published": (
        "published",
        "publishedat",
        "published_at",
        "publishdate",
        "publish_date",
        "datepublished",
        "date",
        "pubdate",
        "pub_date",
        "time",
        "timestamp",
        "created_at",
    ),
    "text": ("text", "body", "content", "article", "maintext", "full_text", "description", "summary"),
    "html": ("html", "raw_html", "page"),
    "external_id": ("id", "guid", "uuid", "article_id", "_id"),
    "author": ("author", "authors", "byline", "creator"),
}
# Containers that hold the list of articles in a JSON document.
_LIST_KEYS = ("articles", "items", "records", "results", "data", "entries", "documents", "docs")
HTML_TAG = re.compile(r"<(?:p|div|br|span|a|article|section|h[1-6]|ul|li|em|strong|b|i|img|figure)\b[^>]*>", re.I)


def _squash(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def _as_text(value: Any) -> str | None:
    """A field value as a plain string: names are pulled out of objects, lists are joined."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        for key in ("name", "title", "value", "text", "id", "href"):
            if key in value:
                return _as_text(value[key])
        return None
    if isinstance(value, list):
        parts = [part for part in (_as_text(item) for item in value) if part]
        return ", ".join(parts) or None
    text = str(value).strip()
    return text or None


def pick_field(record: Mapping[str, Any], field: str) -> str | None:
    """The first non-empty value among the known names of `field` in `record`."""
    squashed = {_squash(str(key)): value for key, value in record.items()}
    for name in FIELDS[field]:
        value = _as_text(squashed.get(_squash(name)))
        if value:
            return value
    return None


def record_to_document(record: Any, input_name: str) -> RawDocument:
    """Map one JSON/CSV record to a RawDocument; records without text are rejected."""
    if not isinstance(record, Mapping):
        return RawDocument(
            input=input_name,
            kind="record",
            body=None,
            error=f"not an article record: a JSON {type(record).__name__}, not an object with article fields",
        )
    html = pick_field(record, "html")
    text = pick_field(record, "text")
    body = text or html
    kind = "html" if (html and not text) or (body and HTML_TAG.search(body[:2000])) else "record"
    error = None
    if not body:
        names = ", ".join(FIELDS["text"][:3])
        error = f"no article text: the record has no field such as {names}"
    return RawDocument(
        input=input_name,
        kind=kind,
        body=body,
        title=pick_field(record, "title"),
        published=pick_field(record, "published"),
        source=pick_field(record, "source"),
        url=pick_field(record, "url"),
        external_id=pick_field(record, "external_id"),
        author=pick_field(record, "author"),
        error=error,
    )


def _reject(input_name: str, reason: str) -> RawDocument:
    return RawDocument(input=input_name, kind="record", body=None, error=reason)


def read_json(text: str, path: str) -> Iterator[RawDocument]:
    """Records of a JSON document: a list, a single object, or an object holding a list."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield _reject(path, f"malformed JSON: {exc.msg} on line {exc.lineno}")
        return
    if isinstance(data, Mapping):
        for key in _LIST_KEYS:
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        yield _reject(path, f"not an article record: the JSON holds a {type(data).__name__}, not an article or a list of articles")
        return
    if not data:
        yield _reject(path, "no records: the JSON holds an empty list")
    for number, record in enumerate(data, start=1):
        yield record_to_document(record, f"{path}#{number}")


def read_jsonl(text: str, path: str) -> Iterator[RawDocument]:
    """One record per non-blank line; a malformed line is rejected with its line number."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name = f"{path}#{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _reject(name, f"malformed JSON: {exc.msg} on line {number}, column {exc.colno}")
            continue
        yield record_to_document(record, name)


def _holds_rows(cell: str, delimiter: str, width: int) -> bool:
    """True when a field runs over lines that read like rows of their own (as many delimiters as a row)."""
    return "\n" in cell and any(line.count(delimiter) >= width - 1 for line in cell.split("\n")[1:])


def read_csv(text: str, path: str) -> Iterator[RawDocument]:
    """One record per CSV row after the header row; record numbers count data rows from 1.

    A quote that is not closed swallows the rows after it. Such a row is rejected as malformed,
    with its row and line numbers: when parsing fails (a stray character after a closing quote,
    the file ends inside a quote), or when a field spans lines that hold delimiters like a row
    while the row's number of fields differs from the header's.
    """
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # article bodies exceed the 128 kB default
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.reader(io.StringIO(text), dialect, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        yield _reject(path, "malformed CSV: no header row")
        return
    except csv.Error as exc:
        yield _reject(path, f"malformed CSV: {exc} in the header row")
        return
    width = len(header)
    number = 0
    line = reader.line_num
    while True:
        first = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield _reject(f"{path}#{number + 1}", f"malformed CSV: {exc} in row {number + 1} (lines {first}-"
                          f"{reader.line_num}): a quote is not closed where its field ends; the rows after it "
                          "are not read")
            return
        line = reader.line_num
        if not row:
            continue
        number += 1
        if len(row) != width and any(_holds_rows(cell, dialect.delimiter, width) for cell in row):
            yield _reject(f"{path}#{number}", f"malformed CSV: row {number} (lines {first}-{line}) has {len(row)} "
                          f"fields, not {width}, and a quoted field in it spans lines that read as rows: a quote is "
                          "not closed, so it swallows the rows after it")
            continue
        yield record_to_document(dict(zip(header, row)), f"{path}#{number}")
