"""Figures of one sentence read together: a range ("between 12 and 15"), an outlet's own conversion
("25 km (15 miles)"), a value the sentence replaces ("cut to 3.25% from 3.75%"), the second of two
magnitudes joined by "and"."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from spacy.tokens import Span

from ..figures import FigureRules
from ..records import Quantity

_CONVERSION_BETWEEN = re.compile(r"^\s*(?:[A-Za-z.%]+\s*)?(?:[(\[]|,?\s*or)\s*(?:about|approximately|around|roughly|some|nearly|almost|c\.)?\s*$",
                                 re.IGNORECASE)
_RANGE_BETWEEN = re.compile(r"^\s*(?:and|to|-|–)\s*$", re.IGNORECASE)
_FROM_BETWEEN = re.compile(r"^\s*[\w%.]*\s*,?\s*(?:up\s+|down\s+)?from\s+(?:the\s+|a\s+)?$", re.IGNORECASE)
_BETWEEN_BEFORE = re.compile(r"\b(?:between|from)\s*$", re.IGNORECASE)


@lru_cache(maxsize=16)
def _range_opened(openers: tuple[str, ...]) -> re.Pattern[str]:
    """Words that open a range written with "to" or "and" ("in the range of $145m to $175m")."""
    words = "|".join(r"\s+".join(re.escape(w) for w in o.split()) for o in openers) or r"(?!x)x"
    return re.compile(rf"\b(?:{words})\s*$", re.IGNORECASE)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:the\s+|a\s+|about\s+|some\s+|around\s+)?$", re.IGNORECASE)


def link_figures(figures: list[Quantity], sent: Span, rules: FigureRules) -> list[Quantity]:
    """Figures read together: a range ("between 12 and 15"), a conversion ("25 km (15 miles)"), a replaced value."""
    text = sent.text
    base = sent.start_char
    out = list(figures)
    drop: set[int] = set()
    for i in range(1, len(out)):
        prev, cur = out[i - 1], out[i]
        between = text[prev.end - base:cur.start - base]
        before_prev = text[:prev.start - base]
        same_dimension = prev.dimension == cur.dimension
        if same_dimension and _CONVERSION_BETWEEN.match(between):
            out[i] = replace(cur, flags=tuple(dict.fromkeys(cur.flags + ("conversion",))))
        elif same_dimension and between.strip().lower() == "to" and _FROM_BEFORE.search(before_prev):
            out[i - 1] = replace(prev, flags=tuple(dict.fromkeys(prev.flags + ("previous",))))
        elif same_dimension and _FROM_BETWEEN.match(between):
            out[i] = replace(cur, flags=tuple(dict.fromkeys(cur.flags + ("previous",))))  # "to 3.25% from 3.75%"
        elif same_dimension and i - 1 not in drop and _RANGE_BETWEEN.match(between) and (
                _BETWEEN_BEFORE.search(_strip_qualifier(before_prev)) or between.strip() in ("-", "–")
                or _range_opened(rules.range_openers).search(_strip_qualifier(before_prev))):
            low = prev.value
            if cur.value >= 1000 * low > 0:
                low = next((low * scale for scale in (1e3, 1e6, 1e9) if cur.value / 10 <= low * scale <= cur.value * 10),
                           low)
            # The range keeps the frame of its first figure, the one its predicate governs ("raised the
            # offer to between $178m and $184m"); the second hangs on the first.
            framed = prev if prev.measure in rules.classes and cur.measure not in rules.classes else cur
            out[i - 1] = replace(framed, text=f"{prev.text}{between}{cur.text}", value=min(low, cur.value),
                                 high=max(low, cur.value), hedge="range", start=prev.start, end=cur.end)
            drop.add(i)
        elif same_dimension and cur.dimension in rules.ordered_dimensions and between.strip().lower() == "and" \
                and cur.holder is None and prev.holder is None:
            # "two quakes measuring 7.6 and 7.4": the first is the story's main event, the next another one
            out[i] = replace(cur, holder="second")
    return _breakdowns([q for k, q in enumerate(out) if k not in drop], sent)


def _breakdowns(figures: list[Quantity], sent: Span) -> list[Quantity]:
    """Counts of one noun under different verbs, told one by one ("one bullet entered his shoulder;
    two other bullets struck his thighs"): each is a part of a breakdown, none the whole count."""
    groups: dict[str, list[int]] = {}
    for k, q in enumerate(figures):
        if q.dimension == "count" and q.counted and q.value:
            groups.setdefault(q.counted, []).append(k)
    out = list(figures)
    for members in groups.values():
        if len(members) < 2 or len({figures[k].measure for k in members}) < 2:
            continue
        first, last = figures[members[0]], figures[members[-1]]
        between = sent.doc.text[first.end:last.start]
        if ";" in between or any("other" in (figures[k].holder or "").split() for k in members):
            for k in members:
                out[k] = replace(out[k], flags=tuple(dict.fromkeys(out[k].flags + ("part",))))
    return out


def _strip_qualifier(text: str) -> str:
    return re.sub(r"(?:\s*(?:US)?[$€£¥])?\s*$", "", text)
