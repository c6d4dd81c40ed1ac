"""Readings as JSON: how the store keeps an article's reading, and reads it back.

A reading is written without its article (the store keeps articles in their own table) and
read back into the same typed records, so that a stored reading and a fresh one compare equal.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from .records import Actor, Article, ArticleReading, Entity, Framing, Mention, Quantity, Report, TimeExpr, frame_from_dict

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """What `dataclasses.asdict` gives for JSON, without its deep copies: dataclasses as dicts of
    their fields in order, tuples and lists as lists."""
    names = _FIELD_NAMES.get(type(value))
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def reading_to_json(reading: ArticleReading) -> str:
    """A reading without its article (stored separately) as JSON."""
    data = {f.name: _plain(getattr(reading, f.name)) for f in dataclasses.fields(reading) if f.name != "article"}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


_MENTION_FIELDS = frozenset(f.name for f in dataclasses.fields(Mention))


def reading_from_row(fields: dict[str, Any], text: str) -> ArticleReading:
    """A reading from a stored row as `Store.reading_rows` gives it: the article's fields and the JSON."""
    return reading_from_json(Article(**fields), text)


def reading_from_json(article: Article, text: str) -> ArticleReading:
    data = json.loads(text)

    def mention(m: dict[str, Any]) -> Mention:
        m = dict(m)
        m["entities"] = tuple(Entity(**e) for e in m.get("entities", ()))
        m["quantities"] = tuple(Quantity(**{**q, "modifiers": tuple(q.get("modifiers", ())),
                                            "flags": tuple(q.get("flags", ()))})
                                for q in m.get("quantities", ()))
        m["times"] = tuple(TimeExpr(**t) for t in m.get("times", ()))
        for key in ("hedges", "scare_quotes", "loaded_terms", "cues"):
            m[key] = tuple(m.get(key, ()))
        m["frames"] = tuple(frame_from_dict(f) for f in m.get("frames", ()))
        m["reports"] = tuple(Report(**r) for r in m.get("reports", ()))
        return Mention(**{k: v for k, v in m.items() if k in _MENTION_FIELDS})

    framing = data.get("framing") or {}
    return ArticleReading(
        article=article,
        mentions=tuple(mention(m) for m in data.get("mentions", ())),
        actors=tuple(Actor(**{**a, "roles": tuple(a.get("roles", ()))}) for a in data.get("actors", ())),
        framing=Framing(
            hedges=tuple(framing.get("hedges", ())),
            scare_quotes=tuple(framing.get("scare_quotes", ())),
            loaded_terms=tuple(framing.get("loaded_terms", ())),
            voices=tuple((v[0], v[1]) for v in framing.get("voices", ())),
        ),
    )
