"""What clustering knows about an article: title+lead vector, names, key terms, day, weekday.

Computed once per article from its reading (and the encoder for the vector), stored
beside the article, and read back when stories are restored.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from ..records import ArticleReading

ENTITY_KINDS = ("person", "organisation", "country", "group")
# Other named things that pin an event down: places that are not countries or cities ("Sorrel
# Bay", "the Marrow valley"), buildings, named events, and products (where the small English
# model also puts some towns, "Kursk").
PLACE_LABELS = frozenset({"LOC", "FAC", "EVENT", "PRODUCT"})
# Raised whenever cluster_terms, key_terms or event_weekday change, so that stores recompute what they hold.
TERMS_VERSION = 2


@dataclass(frozen=True)
class ClusterInput:
    """What clustering needs to know about one article."""

    article_id: str
    title: str
    vector: np.ndarray  # L2-normalised title+lead embedding
    terms: frozenset[str]  # lowercased entity names
    day: int | None  # publication date as a proleptic ordinal
    keyterms: tuple[tuple[str, int], ...] = ()  # the article's most frequent content words, with counts
    weekday: int | None = None  # the weekday its title and lead name for the event (0 is Monday)


def cluster_text(reading: ArticleReading, lead_chars: int = 600) -> str:
    """The text whose embedding places an article: its title and lead."""
    article = reading.article
    lead = article.text[:lead_chars]
    return f"{article.title}. {lead}" if article.title else lead


def cluster_terms(reading: ArticleReading) -> frozenset[str]:
    """Entity names that identify an event: people, organisations, countries, places, named things."""
    names = [actor.name for actor in reading.actors if actor.kind in ENTITY_KINDS]
    names += [_bare(e.text) for m in reading.mentions for e in m.entities if e.label in PLACE_LABELS]
    return expand_names(name for name in names if name)


def _bare(name: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", name.strip(" ,.;:“”\"'\n"), flags=re.IGNORECASE)


NAME_WORD = re.compile(r"[a-z][a-z'’-]{3,}")
GENERIC_NAME_WORDS = frozenset("county city state national international service services ministry department "
                               "office agency company group council union party government university news "
                               "radio times post daily the".split())


def expand_names(names: Iterable[str]) -> frozenset[str]:
    """Full names plus their distinctive words, so "Cardon county" and "Cardon Forest Trust" share "cardon"."""
    terms = set()
    for name in names:
        lowered = name.lower()
        terms.add(lowered)
        terms.update(w for w in NAME_WORD.findall(lowered) if w not in GENERIC_NAME_WORDS and w != lowered)
    return frozenset(terms)


KEYTERM_STOPWORDS = frozenset("""
a an the and or but if of to in on at by for with from as into onto about over under after before between
is are was were be been being has have had do does did will would shall should can could may might must
that this these those it its they them their there here he him his she her we our you your i me my
said says say told tell also not no than then so such very more most less much many new one two three
who whom whose which what when where why how all any each both some other others own same just only
year years day days week weeks month months time times people percent per cent like get got make made
""".split())
# Words, and years: "the 2008 season" and "the 2013 flaw" are two events of one kind.
KEYTERM_PATTERN = re.compile(r"[a-z][a-z'’-]{2,}|(?<![\d.,])(?:19|20)\d\d(?!\d|[.,]\d)")
KEYTERMS_PER_ARTICLE = 120


def key_terms(title: str, text: str) -> tuple[tuple[str, int], ...]:
    """The most frequent content words of an article (title words count three times)."""
    counts: Counter[str] = Counter()
    for weight, part in ((3, title), (1, text)):
        for word in KEYTERM_PATTERN.findall(part.lower()):
            word = word.strip("'’-")
            if word in KEYTERM_STOPWORDS or len(word) < 3:
                continue
            if word.endswith("s") and not word.endswith("ss") and len(word) > 4 and word.isalpha():
                word = word[:-1]
            counts[word] += weight
    return tuple(counts.most_common(KEYTERMS_PER_ARTICLE))


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_PATTERN = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
WEEKDAY_LEAD_CHARS = 800


def event_weekday(title: str, text: str) -> int | None:
    """The weekday an article's title and lead name most often (0 is Monday), or None if none or a tie.

    News reports date their event by weekday ("fired Saturday", "on Tuesday the ministry
    said"), and every report of one event names the same day or the day next to it.
    """
    named = Counter(WEEKDAYS.index(w.lower()) for w in WEEKDAY_PATTERN.findall(f"{title}\n{text[:WEEKDAY_LEAD_CHARS]}"))
    ranked = named.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def day_number(published: str | None) -> int | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published).toordinal()
    except ValueError:
        return None


def arrival_order(item: ClusterInput) -> tuple[int, str]:
    """Oldest first, undated last, ties by article id: the order a batch is placed in."""
    return (item.day if item.day is not None else 10**9, item.article_id)


def build_inputs(readings: Sequence[ArticleReading], encoder) -> list[ClusterInput]:
    """Embed title+lead of each reading (one batched encoder call)."""
    vectors = encoder.encode([cluster_text(r) for r in readings])
    return [
        ClusterInput(
            article_id=r.article.id,
            title=r.article.title or "",
            vector=vectors[i],
            terms=cluster_terms(r),
            day=day_number(r.article.published),
            keyterms=key_terms(r.article.title or "", r.article.text),
            weekday=event_weekday(r.article.title or "", r.article.text),
        )
        for i, r in enumerate(readings)
    ]

