"""Records -> the dossier dict (dossier.schema.json plus documented extra fields)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from ..records import Article, Mention, StoryDossier

SCHEMA_VERSION = "1"


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


SKIPPED_FOR_OTHER_LANGUAGES = ["attribution", "figures", "dates", "framing"]


def article_to_dict(article: Article) -> dict[str, Any]:
    """One article of dossier.json; articles not in English say which analyses did not run."""
    data = dataclasses.asdict(article)
    data.pop("content_hash", None)
    if article.status == "ok" and article.language and article.language != "en":
        data["analyses_skipped"] = SKIPPED_FOR_OTHER_LANGUAGES
        data["note"] = (f"language '{article.language}': only English articles get attribution, figures, dates "
                        "and framing; this one is kept, grouped into stories and shown as text")
    return data


def _mention_ref(mention: Mention, sources: dict[str, str], speaker: str | None) -> dict[str, Any]:
    return {
        "article_id": mention.article_id,
        "source": sources.get(mention.article_id, ""),
        "sentence": mention.text,
        "speaker": speaker,
        "verb": mention.verb,
        "hedged": mention.hedged,
        "start": mention.start,
        "end": mention.end,
    }


def story_to_dict(dossier: StoryDossier, articles: dict[str, Article]) -> dict[str, Any]:
    """One story of dossier.json."""
    story = dossier.story
    sources = {a: articles[a].source for a in story.article_ids if a in articles}
    claims = [
        {
            "id": c.id,
            "text": c.text,
            "speaker": c.speaker,
            "status": c.status,
            "sources": list(c.sources),
            # Each mention keeps the speaker its reading found, not the claim's most frequent one.
            "mentions": [_mention_ref(m, sources, m.speaker) for m in c.mentions],
        }
        for c in dossier.claims
    ]
    conflicts = [
        {
            "kind": c.kind,
            "summary": c.summary,
            "claim_ids": list(c.claim_ids),
            "measure": c.measure,
            **({"measure_frame": {"class": c.measure_class, "holder": c.holder, "unit": c.unit, "time": c.time}}
               if c.kind == "numeric" else {}),
            "sides": [
                {
                    "article_id": s.article_id, "source": s.source, "outlet": s.source, "speaker": s.speaker,
                    "text": s.text, "value": s.value, "unit": s.unit, "qualifier": s.qualifier, "date": s.date,
                    "start": s.start, "end": s.end, "stance": s.stance,
                    **({"interval": [s.low, s.high], "quote": s.quote, "time": s.time} if c.kind == "numeric" else {}),
                }
                for s in c.sides
            ],
        }
        for c in dossier.conflicts
    ]
    updates = [
        {
            "measure": u.measure,
            "measure_frame": {"class": u.measure_class, "holder": u.holder, "unit": u.unit},
            "points": [
                {"time": p.time, "value": p.value, "unit": p.unit, "qualifier": p.qualifier,
                 "article_id": p.article_id, "source": p.source, "outlet": p.source, "speaker": p.speaker,
                 "quote": p.quote, "text": p.text, "start": p.start, "end": p.end}
                for p in u.points
            ],
        }
        for u in dossier.updates
    ]
    timeline = [
        {
            "date": t.date, "precision": t.precision, "event": t.event, "article_ids": list(t.article_ids),
            "mentions": [{"article_id": m.article_id, "start": m.start, "end": m.end} for m in t.mentions],
        }
        for t in dossier.timeline
    ]
    return {
        "id": story.id,
        "headline": story.headline or (claims[0]["text"] if claims else story.id),
        "article_ids": list(story.article_ids),
        "sources": list(dossier.sources),
        "first_published": dossier.first_published,
        "last_published": dossier.last_published,
        "explanations": [{"article_id": a, "why": why} for a, why in story.explanations],
        "claims": claims,
        "conflicts": conflicts,
        "updates": updates,
        "compared_with": dict(dossier.compared_with),
        "timeline": timeline,
        "actors": [
            {"name": actor.name, "kind": actor.kind, "article_ids": list(ids), "mentions": actor.mentions,
             "roles": list(actor.roles)}
            for actor, ids in dossier.actors
        ],
        "framing": [
            {
                "article_id": article_id, "source": sources.get(article_id, ""),
                "hedges": list(f.hedges), "scare_quotes": list(f.scare_quotes), "loaded_terms": list(f.loaded_terms),
                "voices": [{"speaker": s, "sentences": n} for s, n in f.voices],
            }
            for article_id, f in dossier.framing
        ],
    }


def dossier_to_dict(articles: Sequence[Article], stories: Sequence[dict[str, Any]],
                    generated_at: str | None = None) -> dict[str, Any]:
    """The whole dossier.json: every article's fate and every story (already as dicts)."""
    status = Counter(a.status for a in articles)
    reasons = Counter(a.reason or "" for a in articles if a.status == "rejected")
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at or now_iso(),
        "summary": {
            "articles": len(articles),
            "ok": status["ok"],
            "duplicate": status["duplicate"],
            "rejected": status["rejected"],
            "stories": len(stories),
            "conflicts": sum(len(s["conflicts"]) for s in stories),
            "rejected_by_reason": dict(reasons.most_common()),
        },
        "articles": [article_to_dict(a) for a in articles],
        "stories": list(stories),
    }
