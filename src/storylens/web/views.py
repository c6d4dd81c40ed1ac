"""What each page shows, built from store data: pure functions, no I/O, shared by the HTML and JSON twins."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from ..records import Article, ArticleReading
from ..report.html import _story_view, locate_span
from ..report.jsonout import article_to_dict
from ..report.markdown import http_url

Layer = tuple[int, int, str, str]  # start, end, css class, title

MARK_KINDS = {
    "claim": "a sentence that makes a claim",
    "figure": "a figure",
    "hedge": "a hedge",
    "scare": "scare quotes",
    "loaded": "a loaded term",
}


def paginate(page: int, size: int, total: int) -> dict[str, Any]:
    """Offset, page count and neighbours of a 1-based page of `size` items out of `total`."""
    pages = max(1, math.ceil(total / size)) if size else 1
    return {"page": page, "size": size, "total": total, "pages": pages, "offset": (page - 1) * size,
            "has_next": page < pages, "has_previous": page > 1}


def page_links(path: str, params: Mapping[str, Any], window: Mapping[str, Any]) -> dict[str, str | None]:
    """URLs of the next and previous pages, keeping the other query parameters."""
    kept = {k: v for k, v in params.items() if v not in (None, "") and k not in ("page", "size")}

    def link(page: int) -> str:
        return f"{path}?{urlencode({**kept, 'page': page, 'size': window['size']})}"

    return {"next": link(window["page"] + 1) if window["has_next"] else None,
            "previous": link(window["page"] - 1) if window["has_previous"] else None}


def article_dict(article: Article) -> dict[str, Any]:
    """An article as the JSON API shows it: the fields of dossier.json, plus `link` when its URL is safe to follow."""
    return article_to_dict(article) | {"link": http_url(article.url)}


def story_view(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The report's view of one story, plus for each conflict and claim the ids of the marks that show it."""
    view = _story_view(1, story, articles)
    for conflict in view["conflicts"]:
        conflict["marks"] = " ".join(_ids(side["href"] for side in conflict["sides"]))
        conflict["figures"] = [side["figure"] for side in conflict["sides"] if side["figure"]]
    for row in view["matrix"]:
        row["marks"] = " ".join(_ids(cell["href"] for cell in row["cells"] if cell["href"]))
        row["outlets"] = [cell["outlet"] for cell in row["cells"] if cell["state"] != "silent"]
    return view


def _ids(hrefs: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for href in hrefs:
        if href and href.startswith("#") and href[1:] not in out:
            out.append(href[1:])
    return out


def article_layers(reading: ArticleReading | None, stories: Sequence[Mapping[str, Any]], text: str) -> list[Layer]:
    """Spans to mark in an article: claim sentences from its stories, figures, hedges, scare quotes, loaded terms."""
    layers: list[Layer] = []
    article_id = reading.article.id if reading else None
    for story in stories:
        for claim in story.get("claims") or []:
            for mention in claim.get("mentions") or []:
                if article_id is not None and mention.get("article_id") != article_id:
                    continue
                span = locate_span(text, mention.get("start"), mention.get("end"), mention.get("sentence"))
                if span:
                    layers.append((*span, "claim", f"claim ({claim.get('status', '')}): {claim.get('text', '')}"))
    for mention in reading.mentions if reading else ():
        for quantity in mention.quantities:
            if 0 <= quantity.start < quantity.end <= len(text):
                layers.append((quantity.start, quantity.end, "figure", f"figure: {quantity.text}"))
        sentence = text[mention.start:mention.end] if 0 <= mention.start < mention.end <= len(text) else ""
        for kind, phrases in (("hedge", mention.hedges), ("scare", mention.scare_quotes),
                              ("loaded", mention.loaded_terms)):
            for phrase in phrases:
                found = sentence.lower().find(phrase.lower()) if phrase else -1
                if found >= 0:
                    layers.append((mention.start + found, mention.start + found + len(phrase), kind,
                                   f"{MARK_KINDS[kind]}: {phrase}"))
    return layers


def mark_layers(text: str, layers: Iterable[Layer]) -> Markup:
    """The text escaped, every piece covered by spans wrapped in one <mark> whose classes name all covering kinds.

    Unlike the report's marks, spans may nest or cross: a figure inside a claim sentence shows as both.
    """
    spans = [(max(0, s), min(len(text), e), css, title) for s, e, css, title in layers if s < e]
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    out: list[str] = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [(css, title) for s, e, css, title in spans if s <= start and end <= e]
        piece = escape(text[start:end])
        if not covering:
            out.append(str(piece))
            continue
        classes = " ".join(sorted({f"k-{css}" for css, _ in covering}))
        titles = "; ".join(dict.fromkeys(title for _, title in covering))
        out.append(f'<mark class="{escape(classes)}" title="{escape(titles)}">{piece}</mark>')
    return Markup("".join(out))


def snippet_markup(snippet: str | None) -> Markup:
    """A search snippet escaped, with the matched words (between \\x01 and \\x02) in <mark>."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace("\x01", '<mark class="hit">').replace("\x02", "</mark>"))


def snippet_text(snippet: str | None) -> str:
    """A search snippet as plain text for JSON."""
    return (snippet or "").replace("\x01", "").replace("\x02", "")


def outlet_story(story: Mapping[str, Any], outlet: str, sources: Mapping[str, str]) -> dict[str, Any]:
    """How one outlet covered one story: its articles, claims carried, conflict sides taken and framing."""
    own = [str(a) for a in story.get("article_ids") or [] if sources.get(str(a)) == outlet]
    claims = [c for c in story.get("claims") or [] if outlet in (c.get("sources") or [])]
    sides = [
        {"conflict": conflict.get("summary"), "kind": conflict.get("kind"), "text": side.get("text"),
         "speaker": side.get("speaker"), "stance": side.get("stance"), "value": side.get("value")}
        for conflict in story.get("conflicts") or [] for side in conflict.get("sides") or []
        if side.get("source") == outlet or sources.get(str(side.get("article_id"))) == outlet
    ]
    framing: dict[str, list[str]] = {"hedges": [], "scare_quotes": [], "loaded_terms": []}
    voices: dict[str, int] = {}
    for entry in story.get("framing") or []:
        if str(entry.get("article_id")) not in own:
            continue
        for key in framing:
            framing[key].extend(str(x) for x in entry.get(key) or [] if str(x) not in framing[key])
        for voice in entry.get("voices") or []:
            if isinstance(voice, Mapping):
                name = str(voice.get("speaker") or "?")
                voices[name] = voices.get(name, 0) + int(voice.get("sentences") or 0)
    return {
        "id": story.get("id"), "headline": story.get("headline") or "Untitled story",
        "first_published": story.get("first_published"), "last_published": story.get("last_published"),
        "article_ids": own, "outlets": len(story.get("sources") or []),
        "claims": len(claims), "single_source": sum(1 for c in claims if c.get("status") == "single_source"),
        "disputed": sum(1 for c in claims if c.get("status") == "disputed"),
        "conflict_sides": sides, **framing,
        "voices": [{"speaker": k, "sentences": v} for k, v in sorted(voices.items(), key=lambda kv: -kv[1])],
    }
