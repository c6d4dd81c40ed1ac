"""Markdown report of one story, built from the dossier dict; also the helpers the HTML report shares.

Everything here is pure: a JSON-ready dossier dict in, text out. Every statement
in the report cites the article(s) behind it as a link to the article's anchor
(`#a-<id>`) in the article list at the end of the document.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

STATUS_ORDER = {"disputed": 0, "corroborated": 1, "single_source": 2}
STANCE_LABELS = {
    "claims": "asserts",
    "denies": "denies",
    "completed": "says it is over",
    "continuing": "says it goes on",
}
QUALIFIER_WORDS = {"approximate": "about", "lower_bound": "at least", "upper_bound": "at most", "about": "about",
                   "at_least": "at least", "more_than": "more than", "up_to": "up to", "less_than": "less than",
                   "nearly": "nearly", "just_over": "just over"}
PRECISION_WORDS = {"day": "day", "month": "month", "part_of_month": "part of the month", "year": "year",
                   "range": "date range"}


def precision_words(precision: object) -> str:
    """How exact a timeline date is, in words a reader knows ("part of the month", not a record label)."""
    value = str(precision or "").strip()
    return PRECISION_WORDS.get(value.lower(), value.replace("_", " ").lower())


_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# A figure: a number (with thousands separators or decimals), an optional scale word, then a unit or counted noun.
_FIGURE = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[,\u00a0\u202f\u2009 ]\d{3})+(?!\d)|\d+)(\.\d+)?"  # "2,400", "3 000"
    r"(\s*(?:%|per ?cent|percent)|\s+(?:million|billion|thousand|trillion)\b)?"
    r"(\s+[A-Za-z][A-Za-z-]{2,})?"
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_NEIGHBOUR = re.compile(rf"^\s*(?:{_MONTHS})\b|\b(?:{_MONTHS})\.?\s*$", re.IGNORECASE)
_NOT_COUNTED = {"and", "the", "for", "was", "were", "are", "has", "had", "have", "with", "from", "that", "than"}


def anchor_id(*parts: object) -> str:
    """A string safe as an HTML id and URL fragment, distinct for distinct parts."""
    raw = "-".join(str(part) for part in parts)
    safe = _UNSAFE_ID.sub("-", raw)
    if safe != raw or not safe:
        # Replacing characters could merge two different ids; a short hash keeps them apart.
        safe = f"{safe}-{hashlib.sha1(raw.encode('utf-8')).hexdigest()[:6]}"
    return safe


def article_anchor(article_id: str) -> str:
    """The fragment id of an article in a report: `a-<id>`."""
    return anchor_id("a", article_id)


def http_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) URL a report may link to, else None."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if any(ord(ch) < 33 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def index_articles(dossier: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Articles of the dossier by id."""
    return {str(a.get("id")): a for a in dossier.get("articles") or [] if isinstance(a, Mapping)}


def outlet_of(item: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> str:
    """The outlet behind a mention, side or framing entry: its own `source`, else its article's."""
    source = item.get("source")
    if source:
        return str(source)
    article = articles.get(str(item.get("article_id")), {})
    return str(article.get("source") or item.get("article_id") or "unknown outlet")


def story_outlets(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The outlets of a story, in the story's order, then any outlet only its claims name."""
    outlets: list[str] = []
    for name in story.get("sources") or []:
        if name and str(name) not in outlets:
            outlets.append(str(name))
    for claim in story.get("claims") or []:
        for mention in claim.get("mentions") or []:
            name = outlet_of(mention, articles)
            if name not in outlets:
                outlets.append(name)
    if not outlets:
        for aid in story.get("article_ids") or []:
            article = articles.get(str(aid))
            if article and article.get("status") != "duplicate":
                name = str(article.get("source") or aid)
                if name not in outlets:
                    outlets.append(name)
    return outlets


def count_claims(story: Mapping[str, Any]) -> dict[str, int]:
    """Number of claims of a story per status (corroborated, single_source, disputed)."""
    counts = {"corroborated": 0, "single_source": 0, "disputed": 0}
    for claim in story.get("claims") or []:
        status = claim.get("status")
        if status in counts:
            counts[status] += 1
    return counts


def sort_claims(claims: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Claims ordered disputed, corroborated, single-source; the most widely carried first."""
    return sorted(
        claims,
        key=lambda c: (STATUS_ORDER.get(str(c.get("status")), 3), -len(c.get("sources") or c.get("mentions") or [])),
    )


def format_number(value: object) -> str:
    """A figure as a reader writes it: 12000 -> '12,000', 6.75 -> '6.75'."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def format_value(value: object, unit: object = None, qualifier: object = None) -> str:
    """A conflict side's figure in words: 'at least 15 people', 'about 6.75 %'."""
    if value is None:
        return ""
    words = [QUALIFIER_WORDS.get(str(qualifier), ""), format_number(value)]
    if unit:
        words.append(str(unit))
    return " ".join(w for w in words if w)


def extract_figures(text: str) -> list[str]:
    """Figures stated in a sentence ('2,400 members', '6.75%'), skipping years and days of the month."""
    figures = []
    for match in _FIGURE.finditer(text):
        number, decimals, scale, counted = match.groups()
        before, after = text[: match.start()], text[match.end(1) + len(decimals or "") :]
        if not scale and not decimals and number.isdigit():
            # Bare 4-digit numbers are nearly always years; numbers beside month names are dates.
            if len(number) == 4 and 1800 <= int(number) <= 2100:
                continue
            if _DATE_NEIGHBOUR.search(before[-12:]) or _DATE_NEIGHBOUR.search(after[:12]):
                continue
        figure = number + (decimals or "") + (scale or "")
        if counted and counted.strip().lower() not in _NOT_COUNTED and not _DATE_NEIGHBOUR.search(counted):
            figure += counted
        figures.append(figure.strip())
    return figures


def list_figures(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Figures of a story: every numeric conflict side, then figures found in claim mentions."""
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, int, int]] = set()
    for conflict in story.get("conflicts") or []:
        if conflict.get("kind") != "numeric":
            continue
        for side in conflict.get("sides") or []:
            rows.append(
                {
                    "measure": conflict.get("measure") or conflict.get("summary") or "",
                    "figure": format_value(side.get("value"), side.get("unit"), side.get("qualifier"))
                    or str(side.get("text") or ""),
                    "outlet": outlet_of(side, articles),
                    "speaker": side.get("speaker"),
                    "article_id": str(side.get("article_id")),
                    "start": side.get("start"),
                    "end": side.get("end"),
                    "disputed": True,
                }
            )
            seen.add((str(side.get("article_id")), _as_int(side.get("start")), _as_int(side.get("end"))))
    for claim in sort_claims(story.get("claims") or []):
        for mention in claim.get("mentions") or []:
            key = (str(mention.get("article_id")), _as_int(mention.get("start")), _as_int(mention.get("end")))
            if key in seen:
                continue
            seen.add(key)
            for figure in extract_figures(str(mention.get("sentence") or "")):
                rows.append(
                    {
                        "measure": claim.get("text") or "",
                        "figure": figure,
                        "outlet": outlet_of(mention, articles),
                        "speaker": mention.get("speaker"),
                        "article_id": str(mention.get("article_id")),
                        "start": mention.get("start"),
                        "end": mention.get("end"),
                        "disputed": claim.get("status") == "disputed",
                    }
                )
    return rows


def summarize_counts(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The numbers behind a story's summary paragraph."""
    ids = [str(a) for a in story.get("article_ids") or []]
    duplicates = sum(1 for a in ids if articles.get(a, {}).get("status") == "duplicate")
    conflicts = story.get("conflicts") or []
    return {
        "articles": len(ids) - duplicates,
        "duplicates": duplicates,
        "outlets": story_outlets(story, articles),
        "claims": len(story.get("claims") or []),
        **count_claims(story),
        "conflicts": len(conflicts),
        "numeric": sum(1 for c in conflicts if c.get("kind") == "numeric"),
        "contradiction": sum(1 for c in conflicts if c.get("kind") == "contradiction"),
    }


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 claim', '3 claims'."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def describe_counts(counts: Mapping[str, Any]) -> str:
    """The summary sentence about claims and conflicts, without the outlet list."""
    text = (
        f"Of {plural(counts['claims'], 'claim')}, {counts['corroborated']} "
        f"{'is' if counts['corroborated'] == 1 else 'are'} corroborated by two or more outlets, "
        f"{counts['single_source']} {'rests' if counts['single_source'] == 1 else 'rest'} on a single source "
        f"and {counts['disputed']} {'is' if counts['disputed'] == 1 else 'are'} disputed; "
    )
    if counts["conflicts"]:
        kinds = [f"{counts['numeric']} over figures"] if counts["numeric"] else []
        kinds += [f"{counts['contradiction']} contradictory"] if counts["contradiction"] else []
        text += f"{plural(counts['conflicts'], 'conflict')} between reports ({', '.join(kinds) or 'of other kinds'})."
    else:
        text += "the reports do not contradict each other."
    return text


def escape_md(text: object) -> str:
    """Text made inert in Markdown: no markup, no raw HTML, one line."""
    value = " ".join(str(text or "").split())
    value = _MD_SPECIAL.sub(r"\\\1", value)
    value = _ENTITY.sub("&amp;", value)
    return value.replace("<", "&lt;").replace(">", "&gt;")


def _as_int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def _cite(outlet: str, article_id: str) -> str:
    return f"[{escape_md(outlet)}](#{article_anchor(article_id)})"


def _cite_mentions(mentions: Iterable[Mapping[str, Any]], articles: Mapping[str, Mapping[str, Any]]) -> str:
    cites: list[str] = []
    for mention in mentions:
        cite = _cite(outlet_of(mention, articles), str(mention.get("article_id")))
        if mention.get("hedged"):
            cite += " (hedged)"
        if cite not in cites:
            cites.append(cite)
    return ", ".join(cites)


def _cite_articles(article_ids: Iterable[object], articles: Mapping[str, Mapping[str, Any]]) -> str:
    cites: list[str] = []
    for aid in article_ids:
        cite = _cite(str(articles.get(str(aid), {}).get("source") or aid), str(aid))
        if cite not in cites:
            cites.append(cite)
    return ", ".join(cites) or "no article given"


def _attribution(speaker: object) -> str:
    return f" (according to {escape_md(speaker)})" if speaker else ""


def _cell(text: object) -> str:
    return escape_md(text) or "—"


def _md_url(url: str) -> str:
    # Angle brackets allow spaces and parentheses; percent-encode what could end or break them.
    return "<" + quote(url, safe=":/?#[]@!$&'()*+,;=%~-._") + ">"


def _section_conflicts(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> list[str]:
    conflicts = story.get("conflicts") or []
    if not conflicts:
        return ["## Conflicts", "", "No conflicts: no two reports give incompatible figures or statements.", ""]
    lines = ["## Conflicts", ""]
    for number, conflict in enumerate(conflicts, 1):
        numeric = conflict.get("kind") == "numeric"
        title = "Figures differ" if numeric else "Contradiction"
        if numeric and conflict.get("measure"):
            title += f": {escape_md(conflict['measure'])}"
        sides = conflict.get("sides") or []
        lines += [f"### {number}. {title}", "", f"{escape_md(conflict.get('summary'))} "
                  f"({_cite_articles([s.get('article_id') for s in sides], articles)})", ""]
        for side in sides:
            head = format_value(side.get("value"), side.get("unit"), side.get("qualifier"))
            stance = STANCE_LABELS.get(str(side.get("stance")), "")
            label = escape_md(head) if numeric and head else (stance or "says")
            who = f", attributed to {escape_md(side['speaker'])}" if side.get("speaker") else ", in its own voice"
            lines.append(f"- **{label}** — {_cite(outlet_of(side, articles), str(side.get('article_id')))}{who}:")
            lines.append(f"  > {escape_md(side.get('text'))}")
        lines.append("")
    return lines


def _section_claims(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> list[str]:
    claims = sort_claims(story.get("claims") or [])
    corroborated = [c for c in claims if c.get("status") == "corroborated"]
    single = [c for c in claims if c.get("status") == "single_source"]
    in_conflict = {cid for k in story.get("conflicts") or [] for cid in k.get("claim_ids") or []}
    loose = [c for c in claims if c.get("status") == "disputed" and c.get("id") not in in_conflict]

    lines = ["## Corroborated claims", ""]
    if not corroborated:
        lines.append("No claim is carried by two or more independent outlets.")
    for claim in corroborated:
        lines.append(
            f"- {escape_md(claim.get('text'))}{_attribution(claim.get('speaker'))} — reported by "
            f"{_cite_mentions(claim.get('mentions') or [], articles)}"
        )
    lines += ["", "## Single-source claims", ""]
    if not single:
        lines.append("Every claim is carried by more than one outlet.")
    by_outlet: dict[str, list[Mapping[str, Any]]] = {}
    for claim in single:
        mentions = claim.get("mentions") or [{}]
        by_outlet.setdefault(outlet_of(mentions[0], articles), []).append(claim)
    for outlet, group in by_outlet.items():
        lines += [f"### Only in {escape_md(outlet)}", ""]
        for claim in group:
            lines.append(
                f"- {escape_md(claim.get('text'))}{_attribution(claim.get('speaker'))} "
                f"({_cite_mentions(claim.get('mentions') or [], articles)})"
            )
        lines.append("")
    if loose:
        lines += ["## Other disputed claims", ""]
        for claim in loose:
            lines.append(
                f"- {escape_md(claim.get('text'))}{_attribution(claim.get('speaker'))} "
                f"({_cite_mentions(claim.get('mentions') or [], articles)})"
            )
        lines.append("")
    return lines


def figure_grid(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Disputed and updated figures as a measure x outlet grid: one row per measure (its class, holder
    and time), one column per outlet that gives one of them, each cell the figures that outlet gives."""
    rows: list[dict[str, Any]] = []
    for k, conflict in enumerate(story.get("conflicts") or []):
        if conflict.get("kind") != "numeric":
            continue
        frame = conflict.get("measure_frame") or {}
        rows.append({"measure": conflict.get("measure") or "", "class": frame.get("class"), "holder": frame.get("holder"),
                     "time": frame.get("time"), "kind": "differs", "key": f"conflict-{k}",
                     "entries": list(enumerate(conflict.get("sides") or []))})
    for k, update in enumerate(story.get("updates") or []):
        frame = update.get("measure_frame") or {}
        rows.append({"measure": update.get("measure") or "", "class": frame.get("class"), "holder": frame.get("holder"),
                     "time": None, "kind": "update", "key": f"update-{k}",
                     "entries": list(enumerate(update.get("points") or []))})
    outlets: list[str] = []
    for row in rows:
        cells: dict[str, list[dict[str, Any]]] = {}
        for n, entry in row.pop("entries"):
            outlet = outlet_of(entry, articles)
            if outlet not in outlets:
                outlets.append(outlet)
            figure = format_value(entry.get("value"), entry.get("unit"), entry.get("qualifier"))
            when = entry.get("time") if row["kind"] == "update" else None
            cells.setdefault(outlet, []).append({
                "figure": figure + (f" ({when})" if when else ""), "speaker": entry.get("speaker"),
                "article_id": str(entry.get("article_id")), "start": entry.get("start"), "end": entry.get("end"),
                "text": entry.get("text"), "ref": (row["key"], n)})
        row["cells"] = cells
    return {"outlets": outlets, "rows": rows}


def _section_figures(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> list[str]:
    grid = figure_grid(story, articles)
    lines = ["## Figures", ""]
    if not grid["rows"]:
        return lines + ["No two outlets give different figures for one measure.", ""]
    lines += ["| Measure | Class | Holder | Time | Figures by outlet |", "|---|---|---|---|---|"]
    for row in grid["rows"]:
        given = "; ".join(
            f"{_cite(outlet, cells[0]['article_id'])}: " + ", ".join(
                escape_md(c["figure"]) + (f" ({escape_md(c['speaker'])})" if c["speaker"] else "") for c in cells)
            for outlet, cells in row["cells"].items())
        lines.append(f"| {_cell(row['measure'])}{' (update)' if row['kind'] == 'update' else ''} "
                     f"| {_cell(row['class'])} | {_cell(row['holder'])} | {_cell(row['time'])} | {given} |")
    return lines + [""]


def _section_updates(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Figures that rose or fell from one report to the next, as a history (not a conflict)."""
    updates = story.get("updates") or []
    if not updates:
        return []
    lines = ["## Figure updates", "", "Figures that changed from one report to the next; each is a history, not a conflict.", ""]
    for update in updates:
        steps = [f"{escape_md(format_value(p.get('value'), p.get('unit'), p.get('qualifier')))} "
                 f"({_cite(outlet_of(p, articles), str(p.get('article_id')))}"
                 f"{', ' + escape_md(p['speaker']) if p.get('speaker') else ''}, {escape_md(p.get('time') or 'undated')})"
                 for p in update.get("points") or []]
        lines.append(f"- **{escape_md(update.get('measure'))}**: " + " → ".join(steps))
    return lines + [""]


def _section_timeline(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> list[str]:
    entries = story.get("timeline") or []
    lines = ["## Timeline", ""]
    if not entries:
        return lines + ["No dated events.", ""]
    lines += ["| Date | Precision | Event | Outlets |", "|---|---|---|---|"]
    for entry in entries:
        lines.append(
            f"| {_cell(entry.get('date'))} | {_cell(precision_words(entry.get('precision')))} | {_cell(entry.get('event'))} "
            f"| {_cite_articles(entry.get('article_ids') or [], articles)} |"
        )
    return lines + [""]


def _voices(framing: Mapping[str, Any]) -> str:
    voices = []
    for voice in framing.get("voices") or []:
        if isinstance(voice, Mapping):
            voices.append(f"{escape_md(voice.get('speaker'))} ({voice.get('sentences', '?')})")
        elif isinstance(voice, (list, tuple)) and len(voice) == 2:
            voices.append(f"{escape_md(voice[0])} ({voice[1]})")
    return ", ".join(voices) or "—"


def _section_framing(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> list[str]:
    entries = story.get("framing") or []
    lines = ["## Framing", ""]
    if not entries:
        return lines + ["No framing recorded.", ""]
    lines += ["| Outlet | Hedges | Scare quotes | Loaded terms | Voices (sentences) |", "|---|---|---|---|---|"]
    for entry in entries:
        quoted = ", ".join(f"“{escape_md(q)}”" for q in entry.get("scare_quotes") or [])
        lines.append(
            f"| {_cite(outlet_of(entry, articles), str(entry.get('article_id')))} "
            f"| {_cell(', '.join(map(str, entry.get('hedges') or [])))} | {quoted or '—'} "
            f"| {_cell(', '.join(map(str, entry.get('loaded_terms') or [])))} | {_voices(entry)} |"
        )
    return lines + [""]


def _section_articles(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> list[str]:
    why = {str(e.get("article_id")): e.get("why") for e in story.get("explanations") or [] if isinstance(e, Mapping)}
    lines = ["## Articles", ""]
    for aid in story.get("article_ids") or []:
        aid = str(aid)
        article = articles.get(aid, {})
        parts = [f'<a id="{article_anchor(aid)}"></a>**{escape_md(aid)}**', escape_md(article.get("source") or "?")]
        if article.get("title"):
            parts.append(f"“{escape_md(article['title'])}”")
        parts.append(escape_md(article.get("published") or "undated"))
        url = http_url(article.get("url"))
        if url:
            parts.append(f"[{escape_md(urlsplit(url).netloc)}]({_md_url(url)})")
        line = "- " + " · ".join(parts)
        if article.get("status") == "duplicate":
            line += f" — duplicate of {escape_md(article.get('duplicate_of') or '?')}, not counted as support"
        facts = outlet_facts_text(article.get("outlet"))
        if facts:
            line += f" — outlet: {escape_md(facts)}"
        if article.get("note"):
            line += f" — note: {escape_md(article['note'])}"
        if why.get(aid):
            line += f" — joined: {escape_md(why[aid])}"
        lines.append(line)
    return lines + [""]


def outlet_facts_text(outlet: Any) -> str | None:
    """The user's facts about an outlet (from --outlets) as one line: country, owner, tags."""
    if not isinstance(outlet, Mapping):
        return None
    parts = [str(outlet[k]) for k in ("country", "owner") if outlet.get(k)]
    tags = [str(t) for t in outlet.get("tags") or []]
    if tags:
        parts.append("tags: " + ", ".join(tags))
    return "; ".join(parts) or None


def render_story_markdown(dossier: Mapping[str, Any], story: Mapping[str, Any]) -> str:
    """One Markdown document for one story of the dossier, every statement citing its articles."""
    articles = index_articles(dossier)
    counts = summarize_counts(story, articles)
    outlets_cited = []
    for outlet in counts["outlets"]:
        first = next(
            (a for a in story.get("article_ids") or [] if articles.get(str(a), {}).get("source") == outlet), None
        )
        outlets_cited.append(_cite(outlet, str(first)) if first is not None else escape_md(outlet))
    first, last = story.get("first_published"), story.get("last_published")
    dates = escape_md(first) if first == last else f"{escape_md(first or '?')} to {escape_md(last or '?')}"
    lines = [
        f"# {escape_md(story.get('headline') or 'Untitled story')}",
        "",
        f"**Outlets:** {', '.join(escape_md(o) for o in counts['outlets']) or '—'}  ",
        f"**Published:** {dates if (first or last) else 'undated'}  ",
        f"**Story:** {escape_md(story.get('id'))} · generated {escape_md(dossier.get('generated_at'))}",
        "",
        "## Summary",
        "",
        f"{plural(counts['articles'], 'article')} from {plural(len(counts['outlets']), 'outlet')} "
        f"({', '.join(outlets_cited) or 'none named'})"
        + (f", plus {plural(counts['duplicates'], 'duplicate')} not counted as support" if counts["duplicates"] else "")
        + f". {describe_counts(counts)}",
        "",
    ]
    lines += _section_conflicts(story, articles)
    lines += _section_claims(story, articles)
    lines += _section_figures(story, articles)
    lines += _section_updates(story, articles)
    lines += _section_timeline(story, articles)
    lines += _section_framing(story, articles)
    lines += _section_articles(story, articles)
    return "\n".join(lines).rstrip() + "\n"


def render_markdown(dossier: Mapping[str, Any]) -> str:
    """All stories of the dossier in one Markdown document, each as rendered by `render_story_markdown`."""
    parts = [render_story_markdown(dossier, story) for story in dossier.get("stories") or []]
    # Each story document starts with a level-1 heading; a rule keeps them apart when read as one.
    return "\n---\n\n".join(parts) if parts else "# No stories\n"
