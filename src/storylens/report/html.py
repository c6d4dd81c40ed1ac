"""The standalone HTML report: one file, no external assets, every item linked to its sentence.

Pure: the dossier dict in, an HTML string out. Article content is hostile input:
the template autoescapes every value, article bodies are escaped piece by piece
before their sentences are wrapped in <mark> anchors, only http(s) URLs become
links, and a Content-Security-Policy lets only the report's own script run.
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .markdown import (
    STANCE_LABELS,
    anchor_id,
    describe_counts,
    figure_grid,
    format_value,
    http_url,
    index_articles,
    list_figures,
    outlet_facts_text,
    outlet_of,
    plural,
    precision_words,
    sort_claims,
    story_outlets,
    summarize_counts,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Geometry of the SVG timeline, in viewBox units.
TIMELINE_WIDTH = 960
TIMELINE_MARGIN = 56
TIMELINE_LANE = 26
TIMELINE_TOP = 22
POINT_RADIUS = 9

Span = tuple[int, int]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=4)
def _asset(name: str) -> str:
    """A CSS or JS file shipped beside the templates, inlined into the page."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def locate_span(text: str, start: object, end: object, sentence: object = None) -> Span | None:
    """The (start, end) of a sentence in an article text: the given offsets if valid, else where the sentence occurs."""
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        if not sentence or text[start:end].strip() == str(sentence).strip():
            return start, end
    if sentence:
        found = text.find(str(sentence).strip())
        if found >= 0:
            return found, found + len(str(sentence).strip())
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        return start, end
    return None


def plan_marks(spans: Iterable[Span]) -> dict[Span, Span]:
    """Map every span to the marked span that shows it; marks never overlap, so nested or crossing spans share one."""
    kept: list[Span] = []
    for span in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    plan: dict[Span, Span] = {}
    for span in spans:
        # The kept span that covers the span's start is where a reader finds it.
        plan[span] = next((k for k in kept if k[0] <= span[0] < k[1]), span)
    return plan


def mark_text(text: str, marks: Mapping[Span, tuple[str, str]]) -> Markup:
    """The article text escaped, each non-overlapping span wrapped in <mark id=... class=...>."""
    out: list[str] = []
    cursor = 0
    for (start, end), (mark_id, css) in sorted(marks.items()):
        if start < cursor:
            continue
        out.append(str(escape(text[cursor:start])))
        out.append(f'<mark id="{escape(mark_id)}" class="{escape(css)}">{escape(text[start:end])}</mark>')
        cursor = end
    out.append(str(escape(text[cursor:])))
    return Markup("".join(out))


class _Marks:
    """Collects the sentences a story's items point at, per article, and names their anchors."""

    def __init__(self, prefix: str, articles: Mapping[str, Mapping[str, Any]]):
        self.prefix = prefix
        self.articles = articles
        self.spans: dict[str, dict[Span, set[str]]] = {}

    def add(self, article_id: object, start: object, end: object, sentence: object, kind: str) -> tuple[str, Span] | None:
        aid = str(article_id)
        text = str(self.articles.get(aid, {}).get("text") or "")
        span = locate_span(text, start, end, sentence)
        if span is None:
            return None
        self.spans.setdefault(aid, {}).setdefault(span, set()).add(kind)
        return aid, span

    def plans(self) -> dict[str, dict[Span, Span]]:
        return {aid: plan_marks(spans) for aid, spans in self.spans.items()}

    def href(self, ref: tuple[str, Span] | None, plans: Mapping[str, Mapping[Span, Span]], fallback: str) -> str:
        if ref is None:
            return "#" + self.article(fallback)
        aid, span = ref
        shown = plans.get(aid, {}).get(span, span)
        return "#" + self.mark(aid, shown)

    def mark(self, article_id: str, span: Span) -> str:
        return anchor_id(self.prefix, "m", article_id, span[0], span[1])

    def article(self, article_id: str) -> str:
        return anchor_id(self.prefix, "a", article_id)

    def body(self, article_id: str, plans: Mapping[str, Mapping[Span, Span]]) -> Markup:
        text = str(self.articles.get(article_id, {}).get("text") or "")
        plan = plans.get(article_id, {})
        marks: dict[Span, tuple[str, str]] = {}
        for span, kinds in self.spans.get(article_id, {}).items():
            shown = plan.get(span, span)
            previous = marks.get(shown, ("", ""))[1].split()
            css = sorted(set(previous) | {f"k-{k}" for k in kinds})
            marks[shown] = (self.mark(article_id, shown), " ".join(css))
        return mark_text(text, marks)


def _parse_date(value: object) -> tuple[date, date] | None:
    """The first and last day a YYYY, YYYY-MM or YYYY-MM-DD date covers."""
    parts = str(value or "").split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 1:
            return date(numbers[0], 1, 1), date(numbers[0], 12, 31)
        if len(numbers) == 2:
            first = date(numbers[0], numbers[1], 1)
            following = date(numbers[0] + numbers[1] // 12, numbers[1] % 12 + 1, 1)
            return first, following - timedelta(days=1)
        if len(numbers) == 3:
            day = date(*numbers)
            return day, day
    except (ValueError, OverflowError):
        return None
    return None


def layout_timeline(entries: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Positions of a story's timeline entries on an SVG axis; long gaps are compressed so close dates stay apart."""
    ranges = [(i, _parse_date(e.get("date"))) for i, e in enumerate(entries)]
    dated = [(i, r) for i, r in ranges if r is not None]
    if not dated:
        return {"width": TIMELINE_WIDTH, "height": 0, "points": [], "ticks": [], "compressed": False}
    # Anchor days: every range edge. Each gap between anchors gets a width growing with the log of its days.
    anchors = sorted({d for _, (a, b) in dated for d in (a, b + timedelta(days=1))})
    steps = [math.log1p((b - a).days) for a, b in zip(anchors, anchors[1:])] or [1.0]
    total = sum(steps) or 1.0
    plot = TIMELINE_WIDTH - 2 * TIMELINE_MARGIN
    position = {anchors[0]: float(TIMELINE_MARGIN)}
    acc = 0.0
    for anchor, step in zip(anchors[1:], steps):
        acc += step
        position[anchor] = TIMELINE_MARGIN + plot * acc / total
    if len(anchors) == 1:
        position[anchors[0]] = TIMELINE_WIDTH / 2
    spans = [(b - a).days for a, b in zip(anchors, anchors[1:])]
    compressed = len(spans) > 1 and max(spans) > 4 * max(1, min(spans))

    points: list[dict[str, Any]] = []
    lanes: list[float] = []
    for number, (index, (first, last)) in enumerate(sorted(dated, key=lambda d: (d[1][0], d[0])), 1):
        x0, x1 = position[first], position[last + timedelta(days=1)]
        x = (x0 + x1) / 2
        lane = next((n for n, right in enumerate(lanes) if right < x - 2 * POINT_RADIUS - 4), len(lanes))
        if lane == len(lanes):
            lanes.append(x)
        lanes[lane] = x
        points.append({"index": index, "number": number, "x": round(x, 1), "x0": round(x0, 1),
                       "x1": round(x1, 1), "lane": lane, "range": first != last})
    height = TIMELINE_TOP + len(lanes) * TIMELINE_LANE + 60
    axis_y = TIMELINE_TOP + len(lanes) * TIMELINE_LANE + 6
    for point in points:
        point["y"] = TIMELINE_TOP + point["lane"] * TIMELINE_LANE + POINT_RADIUS
    ticks: list[dict[str, Any]] = []
    last_x = [-1e9, -1e9]  # right-most label x on each of the two label rows
    for point in sorted(points, key=lambda p: p["x"]):
        label = str(entries[point["index"]].get("date"))
        if any(t["label"] == label for t in ticks):
            continue
        # Date labels are ~74 units wide: a label that would overprint its neighbour drops to the second row,
        # and is left out if both rows are taken (the point's hover title still gives the date).
        row = next((r for r in (0, 1) if point["x"] - last_x[r] >= 78), None)
        if row is None:
            continue
        last_x[row] = point["x"]
        ticks.append({"x": point["x"], "label": label, "y": axis_y + 22 + 16 * row})
    return {"width": TIMELINE_WIDTH, "height": height, "axis_y": axis_y, "points": points, "ticks": ticks,
            "compressed": compressed}


def _matrix(story: Mapping[str, Any], outlets: list[str], articles: Mapping[str, Mapping[str, Any]],
            refs: Mapping[tuple[str, int], tuple[str, Span] | None], marks: _Marks,
            plans: Mapping[str, Mapping[Span, Span]]) -> list[dict[str, Any]]:
    """Rows of the claims x outlets matrix: each cell reports, hedges, denies or is silent, with a link to the evidence."""
    claims = sort_claims(story.get("claims") or [])
    spans_of: dict[str, set[tuple[str, Span]]] = {}
    for claim in claims:
        for n, _mention in enumerate(claim.get("mentions") or []):
            ref = refs.get((str(claim.get("id")), n))
            if ref:
                spans_of.setdefault(str(claim.get("id")), set()).add(ref)
    denials: dict[tuple[str, str], tuple[str, str]] = {}
    for k, conflict in enumerate(story.get("conflicts") or []):
        if conflict.get("kind") != "contradiction":
            continue
        claim_ids = [str(c) for c in conflict.get("claim_ids") or []]
        for s, side in enumerate(conflict.get("sides") or []):
            stance = side.get("stance")
            if stance == "claims":
                continue
            ref = refs.get((f"conflict-{k}", s))
            own = {cid for cid in claim_ids if ref and _overlaps(ref, spans_of.get(cid, set()))}
            targets = [cid for cid in claim_ids if cid not in own]
            if stance == "denies" and not targets:
                targets = claim_ids
            if stance is None and not own:
                # Without a stance and without knowing which claim the side states, who denies what is unknown.
                continue
            for cid in targets:
                href = marks.href(ref, plans, str(side.get("article_id")))
                denials[(cid, outlet_of(side, articles))] = (href, str(side.get("text") or ""))
    rows = []
    for claim in claims:
        cid = str(claim.get("id"))
        cells = []
        for outlet in outlets:
            if (cid, outlet) in denials:
                href, text = denials[(cid, outlet)]
                cells.append({"outlet": outlet, "state": "denies", "href": href, "title": f"{outlet}: {text}"})
                continue
            mentions = [(n, m) for n, m in enumerate(claim.get("mentions") or []) if outlet_of(m, articles) == outlet]
            if not mentions:
                cells.append({"outlet": outlet, "state": "silent", "href": None, "title": f"{outlet} does not report this"})
                continue
            hedged = [(n, m) for n, m in mentions if m.get("hedged")]
            n, mention = (hedged or mentions)[0]
            cells.append({
                "outlet": outlet,
                "state": "hedges" if hedged else "reports",
                "href": marks.href(refs.get((cid, n)), plans, str(mention.get("article_id"))),
                "title": f"{outlet}: {mention.get('sentence') or ''}",
            })
        # Every sentence that states the claim (a cell links only one per outlet).
        evidence = [marks.href(refs.get((cid, n)), plans, str(m.get("article_id")))
                    for n, m in enumerate(claim.get("mentions") or []) if refs.get((cid, n))]
        rows.append({"id": cid, "text": claim.get("text") or "", "speaker": claim.get("speaker"),
                     "status": claim.get("status") or "", "cells": cells, "evidence": evidence})
    return rows


def _overlaps(ref: tuple[str, Span], refs: set[tuple[str, Span]]) -> bool:
    aid, (start, end) = ref
    return any(a == aid and s < end and start < e for a, (s, e) in refs)


def _story_view(number: int, story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Everything the template shows for one story, with anchors resolved."""
    prefix = f"s{number}"
    marks = _Marks(prefix, articles)
    refs: dict[tuple[str, int], tuple[str, Span] | None] = {}
    for claim in story.get("claims") or []:
        for n, mention in enumerate(claim.get("mentions") or []):
            refs[(str(claim.get("id")), n)] = marks.add(
                mention.get("article_id"), mention.get("start"), mention.get("end"), mention.get("sentence"), "claim")
    for k, conflict in enumerate(story.get("conflicts") or []):
        for s, side in enumerate(conflict.get("sides") or []):
            refs[(f"conflict-{k}", s)] = marks.add(
                side.get("article_id"), side.get("start"), side.get("end"), side.get("text"), "conflict")
    for t, entry in enumerate(story.get("timeline") or []):
        for n, mention in enumerate(entry.get("mentions") or []):
            refs[(f"time-{t}", n)] = marks.add(
                mention.get("article_id"), mention.get("start"), mention.get("end"), mention.get("sentence"), "time")
    for k, update in enumerate(story.get("updates") or []):
        for n, point in enumerate(update.get("points") or []):
            refs[(f"update-{k}", n)] = marks.add(
                point.get("article_id"), point.get("start"), point.get("end"), point.get("text"), "figure")
    figure_rows = [
        (row, marks.add(row["article_id"], row["start"], row["end"], None, "figure"))
        for row in list_figures(story, articles)
    ]
    plans = marks.plans()
    outlets = story_outlets(story, articles)
    counts = summarize_counts(story, articles)

    conflicts = []
    for k, conflict in enumerate(story.get("conflicts") or []):
        sides = []
        for s, side in enumerate(conflict.get("sides") or []):
            sides.append({
                "outlet": outlet_of(side, articles),
                "speaker": side.get("speaker"),
                "figure": format_value(side.get("value"), side.get("unit"), side.get("qualifier")),
                "stance": STANCE_LABELS.get(str(side.get("stance")), ""),
                "date": side.get("date"),
                "text": side.get("text") or "",
                "href": marks.href(refs.get((f"conflict-{k}", s)), plans, str(side.get("article_id"))),
            })
        conflicts.append({"kind": conflict.get("kind") or "", "summary": conflict.get("summary") or "",
                          "measure": conflict.get("measure"), "sides": sides})

    timeline = []
    for t, entry in enumerate(story.get("timeline") or []):
        ids = [str(a) for a in entry.get("article_ids") or []]
        first_ref = refs.get((f"time-{t}", 0))
        timeline.append({
            "date": str(entry.get("date") or ""),
            "precision": precision_words(entry.get("precision")),
            "event": str(entry.get("event") or ""),
            "outlets": [{"name": str(articles.get(a, {}).get("source") or a), "href": "#" + marks.article(a)} for a in ids],
            "href": marks.href(first_ref, plans, ids[0] if ids else "") if (first_ref or ids) else None,
        })
    layout = layout_timeline(list(story.get("timeline") or []))
    for point in layout["points"]:
        entry = timeline[point["index"]]
        point["href"] = entry["href"]
        point["title"] = (f"{entry['date']} ({entry['precision'] or 'precision unknown'}): {entry['event']} — "
                          + ", ".join(o["name"] for o in entry["outlets"]))
        entry["number"] = point["number"]

    figures = [{**row, "href": marks.href(ref, plans, row["article_id"])} for row, ref in figure_rows]
    # The figures table: disputed and updated measures by outlet, each cell linked to its sentence.
    grid = figure_grid(story, articles)
    for row in grid["rows"]:
        for cells in row["cells"].values():
            for cell in cells:
                cell["href"] = marks.href(refs.get(cell["ref"]), plans, cell["article_id"])

    framing = []
    for entry in story.get("framing") or []:
        voices = []
        for voice in entry.get("voices") or []:
            if isinstance(voice, Mapping):
                voices.append((str(voice.get("speaker") or "?"), voice.get("sentences")))
            elif isinstance(voice, (list, tuple)) and len(voice) == 2:
                voices.append((str(voice[0]), voice[1]))
        framing.append({
            "outlet": outlet_of(entry, articles), "href": "#" + marks.article(str(entry.get("article_id"))),
            "hedges": [str(h) for h in entry.get("hedges") or []],
            "scare_quotes": [str(q) for q in entry.get("scare_quotes") or []],
            "loaded_terms": [str(t) for t in entry.get("loaded_terms") or []],
            "voices": voices,
        })

    why = {str(e.get("article_id")): e.get("why") for e in story.get("explanations") or [] if isinstance(e, Mapping)}
    story_articles = []
    for aid in [str(a) for a in story.get("article_ids") or []]:
        article = articles.get(aid, {})
        url = http_url(article.get("url"))
        story_articles.append({
            "id": aid, "anchor": marks.article(aid), "outlet": str(article.get("source") or aid),
            "title": article.get("title"), "published": article.get("published"), "status": article.get("status"),
            "duplicate_of": article.get("duplicate_of"), "why": why.get(aid), "author": article.get("author"),
            "place": article.get("place"), "url": url, "host": urlsplit(url).netloc if url else None,
            "body": marks.body(aid, plans), "marked": len(marks.spans.get(aid, {})),
            "facts": outlet_facts_text(article.get("outlet")), "note": article.get("note"),
        })

    return {
        "prefix": prefix,
        "anchor": anchor_id(prefix, story.get("id") or "story"),
        "id": story.get("id"), "headline": story.get("headline") or "Untitled story",
        "first": story.get("first_published"), "last": story.get("last_published"),
        "outlets": outlets, "counts": counts,
        "summary": f"{plural(counts['articles'], 'article')} from {plural(len(outlets), 'outlet')}"
        + (f" (plus {plural(counts['duplicates'], 'duplicate')}, not counted as support)" if counts["duplicates"] else "")
        + f". {describe_counts(counts)}",
        "outlet_links": [{"name": o, "href": "#" + marks.article(next(
            (a["id"] for a in story_articles if a["outlet"] == o), o))} for o in outlets],
        "conflicts": conflicts,
        "matrix": _matrix(story, outlets, articles, refs, marks, plans),
        "figures": figures, "figure_grid": grid, "timeline": timeline, "layout": layout, "framing": framing,
        "actors": [a for a in story.get("actors") or [] if isinstance(a, Mapping)],
        "articles": story_articles,
    }


def _run_summary(dossier: Mapping[str, Any]) -> dict[str, Any]:
    """The run's counts: from the dossier's summary when given, else counted from its articles and stories."""
    articles = [a for a in dossier.get("articles") or [] if isinstance(a, Mapping)]
    stories = dossier.get("stories") or []
    counted = {
        "articles": len(articles),
        "ok": sum(1 for a in articles if a.get("status") == "ok"),
        "duplicate": sum(1 for a in articles if a.get("status") == "duplicate"),
        "rejected": sum(1 for a in articles if a.get("status") == "rejected"),
        "stories": len(stories),
        "conflicts": sum(len(s.get("conflicts") or []) for s in stories),
    }
    given = dossier.get("summary") if isinstance(dossier.get("summary"), Mapping) else {}
    return {key: given.get(key, value) if isinstance(given.get(key, value), int) else value
            for key, value in counted.items()}


def _script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def render_html(dossier: Mapping[str, Any]) -> str:
    """The whole dossier as one standalone HTML page that opens from disk with no network."""
    env = _environment()
    articles = index_articles(dossier)
    stories = [_story_view(n, s, articles) for n, s in enumerate(dossier.get("stories") or [], 1)]
    in_story = {a["id"]: s["prefix"] for s in stories for a in s["articles"]}
    script = _asset("report.js")
    rejected = [a for a in articles.values() if a.get("status") == "rejected"]
    duplicates = [
        {**a, "href": "#" + anchor_id(in_story[a["id"]], "a", a["id"]) if a["id"] in in_story else None}
        for a in articles.values() if a.get("status") == "duplicate"
    ]
    unplaced = [a for a in articles.values() if a.get("status") == "ok" and a.get("id") not in in_story]
    return env.get_template("report.html.j2").render(
        generated_at=dossier.get("generated_at") or "",
        summary=_run_summary(dossier),
        rejected=rejected,
        duplicates=duplicates,
        unplaced=unplaced,
        stories=stories,
        script=Markup(script),
        css=Markup(_asset("report.css")),
        script_hash=_script_hash(script),
    )
