"""A store for the web desk tests, built from constructed articles and dossiers (no models).

One large story (30 articles from 15 outlets, a figures conflict and a contradiction) and 44 small
ones with varied outlets, conflicts and dates, so lists page, sort and filter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storylens.records import Article
from storylens.store import Store

BIG_ID = "s-big-flood"
BIG_OUTLETS = [f"{name} {kind}" for name, kind in zip(
    ["Northern", "Harbour", "Capital", "Valley", "Coastal", "Evening", "Morning", "Daily", "Weekly", "Metro",
     "Provincial", "Sørlandet", "Union", "Frontier", "Lakeside"],
    ["Herald", "Times", "Post", "Gazette", "Courier", "Standard", "Wire", "Ledger", "Observer", "News",
     "Tribune", "Avis", "Journal", "Record", "Chronicle"])]
SMALL_COUNT = 44


def _sentence_article(aid: str, outlet: str, day: str, sentences: list[str], title: str) -> tuple[Article, list[tuple[int, int]]]:
    spans, text = [], ""
    for sentence in sentences:
        if text:
            text += " "
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence
    article = Article(id=aid, input=f"{aid}.html", source=outlet, title=title, published=day, language="en",
                      status="ok", reason=None, text=text, url=f"https://example.org/{aid}")
    return article, spans


def big_story() -> tuple[list[Article], dict[str, Any]]:
    """30 articles, two per outlet; the first half say 1,200 evacuated, the rest 1,500; three outlets deny the dam broke."""
    articles: list[Article] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    texts: dict[str, list[str]] = {}
    for n in range(30):
        outlet = BIG_OUTLETS[n % 15]
        aid = f"big{n:02d}"
        figure = "1,200" if n % 15 < 8 else "1,500"
        dam = ("The regional governor said the dam broke on Tuesday night." if n % 15 not in (3, 9, 12)
               else "The water authority denied that the dam broke, saying only a spillway failed.")
        sentences = [
            f"Officials said {figure} people were evacuated from the Tarn valley.",
            dam,
            "Rescue teams reached the village of Oberlin on Wednesday morning.",
            "Forecasters may extend the flood warning until the weekend.",
            *[f"Paragraph {k} of the report by {outlet} describes the damage in street {k}." for k in range(12)],
        ]
        day = f"2026-03-0{1 + n % 5}"
        article, article_spans = _sentence_article(aid, outlet, day, sentences, f"Flood in the Tarn valley ({outlet})")
        articles.append(article)
        spans[aid] = article_spans
        texts[aid] = sentences

    def mention(aid: str, k: int, speaker: str, hedged: bool = False) -> dict[str, Any]:
        start, end = spans[aid][k]
        return {"article_id": aid, "source": BIG_OUTLETS[int(aid[3:]) % 15], "sentence": texts[aid][k],
                "speaker": speaker, "verb": "say", "hedged": hedged, "start": start, "end": end}

    ids = [a.id for a in articles]
    claims = [
        {"id": "c-evac", "text": "people were evacuated from the Tarn valley", "speaker": "Officials",
         "status": "disputed", "sources": BIG_OUTLETS, "mentions": [mention(a, 0, "Officials") for a in ids]},
        {"id": "c-dam", "text": "the dam broke on Tuesday night", "speaker": "The regional governor",
         "status": "disputed", "sources": [o for i, o in enumerate(BIG_OUTLETS) if i not in (3, 9, 12)],
         "mentions": [mention(a, 1, "The regional governor") for a in ids if int(a[3:]) % 15 not in (3, 9, 12)]},
        {"id": "c-rescue", "text": "Rescue teams reached the village of Oberlin on Wednesday morning", "speaker": None,
         "status": "corroborated", "sources": BIG_OUTLETS[:10],
         "mentions": [mention(a, 2, "") for a in ids if int(a[3:]) % 15 < 10]},
        {"id": "c-warning", "text": "Forecasters may extend the flood warning until the weekend",
         "speaker": "Forecasters", "status": "corroborated", "sources": BIG_OUTLETS[:6],
         "mentions": [mention(a, 3, "Forecasters", hedged=True) for a in ids if int(a[3:]) % 15 < 6]},
    ]
    for k in range(8):
        aid = ids[k]
        claims.append({"id": f"c-street-{k}", "text": f"Paragraph {k} describes the damage in street {k}",
                       "speaker": None, "status": "single_source", "sources": [BIG_OUTLETS[k % 15]],
                       "mentions": [mention(aid, 4 + k, "")]})

    def side(aid: str, k: int, value: float | None, stance: str | None, speaker: str) -> dict[str, Any]:
        start, end = spans[aid][k]
        return {"article_id": aid, "source": BIG_OUTLETS[int(aid[3:]) % 15], "speaker": speaker,
                "text": texts[aid][k], "value": value, "unit": "people" if value else None, "qualifier": None,
                "date": None, "start": start, "end": end, "stance": stance}

    numeric = {"kind": "numeric", "measure": "people evacuated", "claim_ids": ["c-evac"],
               "measure_frame": {"class": "displaced", "holder": "Tarn valley", "time": "2026-03-03"},
               "summary": "1,200 people evacuated (8 outlets) vs 1,500 (7 outlets)",
               "sides": [side(a, 0, 1200.0 if int(a[3:]) % 15 < 8 else 1500.0, None, "Officials")
                         for a in ids[:15]]}
    contradiction = {"kind": "contradiction", "measure": None, "claim_ids": ["c-dam"],
                     "summary": "Whether the dam broke: the governor says it did, the water authority denies it",
                     "sides": [side(ids[0], 1, None, "claims", "The regional governor"),
                               side(ids[3], 1, None, "denies", "The water authority")]}
    story = {
        "id": BIG_ID, "headline": "Flood in the Tarn valley: thousands evacuated as dam fails",
        "article_ids": ids, "sources": BIG_OUTLETS, "first_published": "2026-03-01", "last_published": "2026-03-05",
        "explanations": [{"article_id": a, "why": "shares the names Tarn and Oberlin"} for a in ids],
        "claims": claims, "conflicts": [numeric, contradiction],
        "timeline": [
            {"date": "2026-03-03", "precision": "day", "event": "the dam broke", "article_ids": ids[:3],
             "mentions": [{"article_id": ids[0], "start": spans[ids[0]][1][0], "end": spans[ids[0]][1][1]}]},
            {"date": "2026-03", "precision": "PART_OF_MONTH", "event": "flood warning extended",
             "article_ids": ids[:2],
             "mentions": [{"article_id": ids[0], "start": spans[ids[0]][3][0], "end": spans[ids[0]][3][1]}]},
        ],
        "actors": [{"name": "Tarn Water Authority", "kind": "org", "article_ids": ids[:5], "mentions": 5},
                   {"name": "Lise Sørensen", "kind": "person", "article_ids": ids[:2], "mentions": 2}],
        "framing": [{"article_id": a, "source": BIG_OUTLETS[int(a[3:]) % 15], "hedges": ["may"],
                     "scare_quotes": [], "loaded_terms": [], "voices": [{"speaker": "Officials", "sentences": 1}]}
                    for a in ids[:15]],
    }
    return articles, story


def small_story(n: int) -> tuple[list[Article], dict[str, Any]]:
    """Story n: 1 + n % 4 outlets, a conflict when n % 3 == 0, published on day 1 + n % 28 of January or February."""
    outlets = [f"Outlet {chr(65 + (n + k) % 20)}" for k in range(1 + n % 4)]
    day = f"2026-0{1 + n % 2}-{1 + n % 28:02d}"
    articles, claims_mentions = [], []
    for k, outlet in enumerate(outlets):
        value = 40 + n if k % 2 == 0 or n % 3 else 90 + n
        article, spans = _sentence_article(
            f"sm{n:02d}{k}", outlet, day, [f"Police said {value} people attended the rally number {n}.",
                                           "The organisers thanked the city."], f"Rally {n} report by {outlet}")
        articles.append(article)
        claims_mentions.append({"article_id": article.id, "source": outlet, "sentence": article.text[:spans[0][1]],
                                "speaker": "Police", "verb": "say", "hedged": False, "start": 0, "end": spans[0][1]})
    conflicts = []
    if n % 3 == 0 and len(articles) > 1:
        conflicts.append({"kind": "numeric", "measure": "people attended", "claim_ids": ["c-1"],
                          "summary": f"{40 + n} vs {90 + n} people attended",
                          "sides": [{"article_id": m["article_id"], "source": m["source"], "speaker": "Police",
                                     "text": m["sentence"], "value": float(40 + n if i % 2 == 0 else 90 + n),
                                     "unit": "people", "qualifier": None, "date": None, "start": m["start"],
                                     "end": m["end"], "stance": None} for i, m in enumerate(claims_mentions[:2])]})
    story = {
        "id": f"s-small-{n:02d}", "headline": f"Rally number {n} draws a crowd", "article_ids": [a.id for a in articles],
        "sources": outlets, "first_published": day, "last_published": day, "explanations": [],
        "claims": [{"id": "c-1", "text": f"people attended the rally number {n}", "speaker": "Police",
                    "status": "disputed" if conflicts else ("corroborated" if len(outlets) > 1 else "single_source"),
                    "sources": outlets, "mentions": claims_mentions}],
        "conflicts": conflicts, "timeline": [],
        "actors": [{"name": f"Mayor Number{n}", "kind": "person", "article_ids": [articles[0].id], "mentions": 1}],
        "framing": [],
    }
    return articles, story


def build_desk_store(path: Path) -> Path:
    """Write the desk store at `path` and index it for the web; returns the path."""
    with Store(path) as store:
        for articles, story in [big_story(), *(small_story(n) for n in range(SMALL_COUNT))]:
            store.add_articles(articles)
            store.save_assignments({a.id: story["id"] for a in articles}, {})
            store.save_story_dossier(story["id"], story["headline"], story)
        store.ensure_search_index()
    return path
