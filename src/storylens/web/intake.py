"""Articles posted to the API, turned into input files the pipeline reads.

JSON bodies become one JSON Lines file; uploaded files are saved under a cleaned
name (the file stem names the outlet when the text does not); URLs are fetched
only when the server allows it, and only from public addresses.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ..clean import METADATA_LIMITS
from ..errors import FetchError
from ..ingest import SUFFIXES, suffix_of
from ..ingest.decode import decode_bytes
from ..ingest.fetch import fetch_url
from ..settings import Settings

MAX_ARTICLES_PER_REQUEST = 1000
# Fields a posted article may carry, each with its longest accepted value in characters; each maps
# to the structured reader's field of the same name. One text stays under the language model's
# limit (1,000,000 characters), so every accepted article can be read whole.
FIELD_LIMITS = {**METADATA_LIMITS, "text": 900_000, "published": 64}
ARTICLE_FIELDS = tuple(FIELD_LIMITS)


class PayloadError(ValueError):
    """A posted body is not a list of articles the API accepts."""


class FieldError(PayloadError):
    """A field of a posted article is too long or not a usable value."""


@dataclass
class Intake:
    """Posted articles, split into ready records and URLs still to fetch."""

    records: list[dict[str, str]] = field(default_factory=list)
    urls: list[dict[str, str]] = field(default_factory=list)


def parse_articles(payload: Any) -> Intake:
    """Validate a JSON body (`{"articles": [...]}`, a list, or one article object) into records and URLs."""
    if isinstance(payload, Mapping) and "articles" in payload:
        items = payload["articles"]
    elif isinstance(payload, list):
        items = payload
    elif isinstance(payload, Mapping):
        items = [payload]
    else:
        raise PayloadError("The body must be an article object, a list of them, or {\"articles\": [...]}.")
    if not isinstance(items, list) or not items:
        raise PayloadError("\"articles\" must be a non-empty list of article objects.")
    if len(items) > MAX_ARTICLES_PER_REQUEST:
        raise PayloadError(f"At most {MAX_ARTICLES_PER_REQUEST} articles per request; send the rest in another.")
    intake = Intake()
    for number, item in enumerate(items, 1):
        if not isinstance(item, Mapping):
            raise PayloadError(f"Article {number} is not an object.")
        record: dict[str, str] = {}
        for name in ARTICLE_FIELDS:
            value = item.get(name)
            if value is None:
                continue
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise PayloadError(f"Article {number}: \"{name}\" must be a string.")
            if isinstance(value, float) and not math.isfinite(value):
                raise FieldError(f"Article {number}: \"{name}\" is not a finite number; send it as a string.")
            record[name] = str(value)
            if len(record[name]) > FIELD_LIMITS[name]:
                raise FieldError(f"Article {number}: \"{name}\" has {len(record[name]):,} characters; "
                                 f"at most {FIELD_LIMITS[name]:,} are accepted.")
        unknown = sorted(set(item) - set(ARTICLE_FIELDS))
        if unknown:
            raise PayloadError(f"Article {number}: unknown field(s) {', '.join(unknown)}; "
                               f"known: {', '.join(ARTICLE_FIELDS)}.")
        if record.get("text", "").strip():
            intake.records.append(record)
        elif record.get("url", "").strip():
            intake.urls.append(record)
        else:
            raise PayloadError(f"Article {number} has neither \"text\" nor \"url\".")
    return intake


def fetch_records(urls: Sequence[Mapping[str, str]], client: httpx.Client, settings: Settings) -> list[dict[str, str]]:
    """Fetch each URL-only article through the given (guarded) client into a record with its page or text."""
    records = []
    for item in urls:
        fetched = fetch_url(item["url"], client, settings)
        if fetched.media_type not in ("", "text/html", "application/xhtml+xml", "text/plain"):
            raise FetchError(f"{item['url']} is {fetched.media_type}, not an HTML page or plain text")
        html = fetched.media_type != "text/plain"
        body = decode_bytes(fetched.data, html=html)
        records.append({**item, "url": fetched.url, ("html" if html else "text"): body})
    return records


def write_records(folder: Path, records: Sequence[Mapping[str, str]], name: str = "api-articles.jsonl") -> Path:
    """Write records as one JSON Lines file in folder; returns its path."""
    path = folder / name
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def safe_filename(name: str | None, number: int) -> str:
    """An uploaded file's name reduced to a plain base name with a known suffix."""
    base = Path((name or "").replace("\\", "/")).name
    base = re.sub(r"[^\w.\-]+", "-", base).strip(".-")[:120]
    if not base or suffix_of(base) not in SUFFIXES:
        base = f"{base or f'upload-{number}'}.txt"
    return base


def write_upload(folder: Path, name: str | None, data: bytes, number: int) -> Path:
    """Save one uploaded file in folder under a safe, unique name; returns its path."""
    base = safe_filename(name, number)
    path = folder / base
    if path.exists():
        path = folder / f"{number}-{base}"
    path.write_bytes(data)
    return path


__all__ = ["FIELD_LIMITS", "FieldError", "Intake", "PayloadError", "parse_articles", "fetch_records", "write_records", "write_upload",
           "safe_filename"]
