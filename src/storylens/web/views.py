"""What each page shows, built from store data: pure functions, no I/O, shared by the HTML and JSON twins."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from ..records import Article, ArticleReading
from ..report.html import _story_view, locate_span
from ..report.jsonout import article_to_dict
from ..report.markdown import STANCE_LABELS, format_value, http_url

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
    """An article as the JSON API shows it: the fields of dossier.json, plus `link` when its URL is safe to follow.

    The server's own file paths stay private: `input` is the file's name (or the URL it came from),
    and a reason that quotes the input's folder quotes only the name.
    """
    data = article_to_dict(article) | {"link": http_url(article.url)}
    data["input"] = public_input(article.input)
    if data.get("reason"):
        data["reason"] = hide_folders(str(data["reason"]), article.input)
    return data


def public_input(name: str) -> str:
    """An input as the public may see it: a URL as it is, a file path reduced to its file name (and entry number)."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", name, flags=re.IGNORECASE) or name in ("-", "<stdin>"):
        return name
    path, hash_, entry = name.partition("#")
    base = PurePosixPath(path.replace("\\", "/")).name or path
    return base + hash_ + entry


def hide_folders(text: str, input_name: str) -> str:
    """Text with the folder of a file input, and any absolute path in it, reduced to file names."""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", input_name, flags=re.IGNORECASE):
        folder = str(PurePosixPath(input_name.partition("#")[0].replace("\\", "/")).parent)
        if folder not in ("", "."):
            text = text.replace(folder.rstrip("/") + "/", "")
    return _ABSOLUTE_PATH.sub(lambda m: m.group(1) + PurePosixPath(m.group(2)).name, text)


_ABSOLUTE_PATH = re.compile(r"(^|[\s'\"(])(/(?:[^\s/'\"()]+/)+[^\s/'\"()]*)")


def story_view(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The report's view of one story, plus for each conflict and claim the ids of the marks that show it."""
    view = _story_view(1, story, articles)
    for conflict in view["conflicts"]:
        conflict["marks"] = " ".join(_ids(side["href"] for side in conflict["sides"]))
        conflict["figures"] = list(dict.fromkeys(side["figure"] for side in conflict["sides"] if side["figure"]))
    for row in view["matrix"]:
        row["marks"] = " ".join(_ids([*(cell["href"] for cell in row["cells"] if cell["href"]),
                                      *row.get("evidence", [])]))
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


# -- the editor's desk: story cards, paging, the claims x outlets grid, figures and exports -----------------

STORY_SORTS = {"newest": "Newest", "outlets": "Most outlets", "conflicts": "Most conflicts"}
PRECISION_WORDS = {"day": "day", "month": "month", "year": "year", "week": "week",
                   "part_of_month": "part of the month", "part_of_year": "part of the year", "season": "season",
                   "decade": "decade", "quarter": "quarter"}
CELL_SIGNS = {"reports": ("●", "reports"), "hedges": ("◐", "hedges"), "denies": ("✕", "denies"),
              "silent": ("", "silent")}


def numbered_pages(path: str, params: Mapping[str, Any], page: int, pages: int) -> list[dict[str, Any]]:
    """Links to the first, last and nearby pages of a list, with None where pages are skipped."""
    kept = {k: v for k, v in params.items() if v not in (None, "") and k != "page"}
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[dict[str, Any]] = []
    for number in shown:
        if out and out[-1] and number - out[-1]["number"] > 1:
            out.append(None)  # type: ignore[arg-type]
        out.append({"number": number, "current": number == page,
                    "href": f"{path}?{urlencode({**kept, 'page': number})}"})
    return out if pages > 1 else []


def conflict_in_words(conflict: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A conflict as a story card states it: what is disputed, and each position with the outlets holding it."""
    if not conflict:
        return None
    positions: dict[str, list[str]] = {}
    for side in conflict.get("sides") or []:
        if conflict.get("kind") == "numeric" and side.get("value") is not None:
            label = format_value(side.get("value"), side.get("unit"))
        else:
            label = STANCE_LABELS.get(str(side.get("stance")), "says")
        outlets = positions.setdefault(label, [])
        if side.get("outlet") not in outlets:
            outlets.append(str(side.get("outlet")))
    return {"kind": conflict.get("kind"), "measure": conflict.get("measure"), "summary": conflict.get("summary"),
            "positions": [{"label": k, "outlets": v} for k, v in positions.items()]}


def story_card(row: Mapping[str, Any]) -> dict[str, Any]:
    """A story row of the list, with its top conflict in words and its latest publication date as 'updated'."""
    return {**row, "href": f"/stories/{row['story_id']}", "lead": conflict_in_words(row.get("top_conflict")),
            "updated": row.get("last_published") or row.get("first_published")}


def story_desk(view: dict[str, Any]) -> dict[str, Any]:
    """Additions to the story view for the web desk: the grid's outlets, a figures pivot, grouped articles."""
    view["grid_outlets"] = list(view["outlets"])
    for row in view["matrix"]:
        row["key"] = claim_key(row["id"])
        for cell in row["cells"]:
            cell["sign"], cell["word"] = CELL_SIGNS.get(cell["state"], ("?", cell["state"]))
            cell["marks"] = cell["href"][1:] if cell["href"] and cell["href"].startswith("#") else ""
    for k, conflict in enumerate(view["conflicts"]):
        conflict["key"] = f"conflict-{k}"
        conflict["outlets"] = list(dict.fromkeys(side["outlet"] for side in conflict["sides"]))
    for entry in view["timeline"]:
        entry["precision_words"] = PRECISION_WORDS.get(entry["precision"].lower(),
                                                       entry["precision"].replace("_", " ").lower())
    view["figure_table"] = figure_table(view["figures"])
    # What the report knows of a disputed measure (its class, whose figure, when) goes under its name.
    frames = {str(r.get("measure")): r for r in (view.get("figure_grid") or {}).get("rows", []) if r.get("measure")}
    for row in view["figure_table"]["rows"]:
        frame = frames.get(row["measure"], {})
        row["note"] = " · ".join(str(frame[k]) for k in ("class", "holder", "time") if frame.get(k))
    view["collapsed"] = len(view["articles"]) > 4
    view["articles"] = sorted(view["articles"], key=lambda a: (str(a["outlet"]).lower(), str(a["published"] or "")))
    return view


def claim_key(claim_id: object) -> str:
    """The permalink key of a claim on its story page (the URL fragment that opens it picked)."""
    return "claim-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(claim_id))


def figure_table(figures: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Figures as measure x outlet: one row per measure, one column per outlet that gives any figure."""
    outlets: list[str] = []
    rows: dict[str, dict[str, Any]] = {}
    for figure in figures:
        outlet = str(figure.get("outlet"))
        if outlet not in outlets:
            outlets.append(outlet)
        measure = str(figure.get("measure") or "")
        row = rows.setdefault(measure, {"measure": measure, "disputed": False, "cells": {}})
        row["disputed"] = row["disputed"] or bool(figure.get("disputed"))
        cell = row["cells"].setdefault(outlet, [])
        if not any(f["figure"] == figure.get("figure") for f in cell):
            cell.append({"figure": figure.get("figure"), "href": figure.get("href") or "",
                         "speaker": figure.get("speaker")})
    ordered = sorted(rows.values(), key=lambda r: (not r["disputed"], -len(r["cells"])))
    return {"outlets": outlets, "rows": ordered}


def export_rows(view: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A story's claims, conflict sides and figures as flat rows, for CSV and JSON export."""
    claims = []
    for row in view["matrix"]:
        by_state: dict[str, list[str]] = {state: [] for state in CELL_SIGNS}
        for cell in row["cells"]:
            by_state.setdefault(cell["state"], []).append(cell["outlet"])
        claims.append({"claim_id": row["id"], "status": row["status"], "speaker": row["speaker"] or "",
                       "text": row["text"], **{state: "; ".join(names) for state, names in by_state.items()}})
    conflicts = []
    for k, conflict in enumerate(view["conflicts"]):
        for side in conflict["sides"]:
            conflicts.append({"conflict": k + 1, "kind": conflict["kind"], "measure": conflict["measure"] or "",
                              "summary": conflict["summary"], "outlet": side["outlet"],
                              "speaker": side["speaker"] or "", "figure": side["figure"] or "",
                              "stance": side["stance"] or "", "date": side["date"] or "", "text": side["text"]})
    figures = [{"measure": f.get("measure") or "", "figure": f.get("figure") or "", "outlet": f.get("outlet") or "",
                "speaker": f.get("speaker") or "", "article_id": f.get("article_id") or "",
                "disputed": bool(f.get("disputed"))} for f in view["figures"]]
    return {"claims": claims, "conflicts": conflicts, "figures": figures}


def csv_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Rows as CSV; a text cell that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return out.getvalue()


def _csv_cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
