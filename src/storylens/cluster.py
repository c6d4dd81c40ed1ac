"""Stories: group articles about one event, in batch or one article at a time.

Each article is scored against the stories near it (candidates from an approximate
nearest-neighbour index over article vectors), never against every other article:
memory and time stay linear in the number of articles. The score combines the
title+lead embedding similarity to the story centroid with weighted overlap of named
entities; articles further apart in time than the window never join. An article that
scores above the threshold for several stories bridges them: they merge, keeping the
oldest story's id.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .records import ArticleReading, Story
from .settings import Settings

ENTITY_KINDS = ("person", "organisation", "country", "group", "place")


@dataclass(frozen=True)
class ClusterInput:
    """What clustering needs to know about one article."""

    article_id: str
    title: str
    vector: np.ndarray  # L2-normalised title+lead embedding
    terms: frozenset[str]  # lowercased entity names
    day: int | None  # publication date as a proleptic ordinal
    keyterms: tuple[tuple[str, int], ...] = ()  # the article's most frequent content words, with counts


@dataclass
class _StoryState:
    id: str
    order: int
    members: list[str] = field(default_factory=list)
    vector_sum: np.ndarray | None = None
    terms: Counter[str] = field(default_factory=Counter)
    first_day: int | None = None
    last_day: int | None = None
    headline: str = ""
    explanations: dict[str, str] = field(default_factory=dict)
    keyterms: Counter[str] = field(default_factory=Counter)
    profile: dict[str, float] | None = None  # cached top key terms weighted by idf, normalised
    profile_size: int = 0  # members when the profile was computed

    def centroid(self) -> np.ndarray:
        assert self.vector_sum is not None
        return self.vector_sum / max(float(np.linalg.norm(self.vector_sum)), 1e-12)


def cluster_text(reading: ArticleReading, lead_chars: int = 600) -> str:
    """The text whose embedding places an article: its title and lead."""
    article = reading.article
    lead = article.text[:lead_chars]
    return f"{article.title}. {lead}" if article.title else lead


def cluster_terms(reading: ArticleReading) -> frozenset[str]:
    """Entity names that identify an event: people, organisations, places."""
    return frozenset(actor.name.lower() for actor in reading.actors if actor.kind in ENTITY_KINDS)


KEYTERM_STOPWORDS = frozenset("""
a an the and or but if of to in on at by for with from as into onto about over under after before between
is are was were be been being has have had do does did will would shall should can could may might must
that this these those it its they them their there here he him his she her we our you your i me my
said says say told tell also not no than then so such very more most less much many new one two three
who whom whose which what when where why how all any each both some other others own same just only
year years day days week weeks month months time times people percent per cent like get got make made
""".split())
KEYTERM_PATTERN = re.compile(r"[a-z][a-z'’-]{2,}")
KEYTERMS_PER_ARTICLE = 40
PROFILE_TERMS = 120


def key_terms(title: str, text: str) -> tuple[tuple[str, int], ...]:
    """The most frequent content words of an article (title words count three times)."""
    counts: Counter[str] = Counter()
    for weight, part in ((3, title), (1, text)):
        for word in KEYTERM_PATTERN.findall(part.lower()):
            word = word.strip("'’-")
            if word in KEYTERM_STOPWORDS or len(word) < 3:
                continue
            if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
                word = word[:-1]
            counts[word] += weight
    return tuple(counts.most_common(KEYTERMS_PER_ARTICLE))


def day_number(published: str | None) -> int | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published).toordinal()
    except ValueError:
        return None


class StoryClusterer:
    """Incremental story clustering; feed articles with `add`, read stories with `stories`."""

    def __init__(self, settings: Settings, dimensions: int = 384) -> None:
        from usearch.index import Index

        self.settings = settings
        self._index = Index(ndim=dimensions, metric="cos", dtype="f32")
        self._keys: list[str] = []  # index key -> article id
        self._article_story: dict[str, str] = {}
        self._stories: dict[str, _StoryState] = {}
        self._merged_into: dict[str, str] = {}
        self._document_frequency: Counter[str] = Counter()
        self._articles = 0

    # -- scoring -------------------------------------------------------------
    def _idf(self, term: str) -> float:
        return math.log(1 + (self._articles + 1) / (self._document_frequency[term] + 1))

    def _entity_overlap(self, terms: frozenset[str], story: _StoryState) -> tuple[float, list[str]]:
        if not terms or not story.terms:
            return 0.0, []
        shared = [t for t in terms if t in story.terms]
        if not shared:
            return 0.0, []
        weight_shared = sum(self._idf(t) for t in shared)
        weight_article = sum(self._idf(t) for t in terms)
        # Story terms seen in at least a third of its members describe the event.
        core = [t for t, n in story.terms.items() if n * 3 >= len(story.members)] or list(story.terms)
        weight_story = sum(self._idf(t) for t in core)
        overlap = weight_shared / max(min(weight_article, weight_story), 1e-9)
        return min(overlap, 1.0), sorted(shared, key=self._idf, reverse=True)

    def _profile(self, story: _StoryState) -> dict[str, float]:
        # Recomputing is linear in the story's vocabulary: do it for every change while the
        # story is small, then only when it has grown by a quarter.
        size = len(story.members)
        stale = story.profile is None or size != story.profile_size and (size < 8 or size >= story.profile_size * 1.25)
        if stale:
            story.profile_size = size
            weighted = {t: n * self._idf(t) for t, n in story.keyterms.items()}
            top = sorted(weighted.items(), key=lambda kv: kv[1], reverse=True)[:PROFILE_TERMS]
            norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
            story.profile = {t: w / norm for t, w in top}
        return story.profile

    def _term_similarity(self, keyterms: tuple[tuple[str, int], ...], story: _StoryState) -> float:
        """Cosine of tf-idf key-term vectors: the article against the story's profile."""
        if not keyterms or not story.keyterms:
            return 0.0
        weights = {t: n * self._idf(t) for t, n in keyterms}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        profile = self._profile(story)
        return sum(w * profile.get(t, 0.0) for t, w in weights.items()) / norm

    def _within_window(self, day: int | None, story: _StoryState) -> bool:
        if day is None or story.first_day is None or story.last_day is None:
            return True
        window = self.settings.cluster_window_days
        return story.first_day - window <= day <= story.last_day + window

    def _candidate_stories(self, vector: np.ndarray) -> list[str]:
        if not self._keys:
            return []
        count = min(self.settings.cluster_candidates, len(self._keys))
        matches = self._index.search(vector, count)
        seen: list[str] = []
        for key in matches.keys:
            story_id = self._resolve(self._article_story[self._keys[int(key)]])
            if story_id not in seen:
                seen.append(story_id)
        return seen

    def score(self, item: ClusterInput, story_id: str) -> tuple[float, str]:
        """Combined similarity of an article to a story, with a human-readable why."""
        story = self._stories[story_id]
        dense = float(np.dot(item.vector, story.centroid()))
        entity, shared = self._entity_overlap(item.terms, story)
        settings = self.settings
        lexical = self._term_similarity(item.keyterms, story) if settings.cluster_term_weight else 0.0
        total = (settings.cluster_embedding_weight * dense + settings.cluster_entity_weight * entity
                 + settings.cluster_term_weight * lexical)
        why = f"title+lead similarity {dense:.2f}; key-term similarity {lexical:.2f}"
        if shared:
            why += f"; shared names: {', '.join(shared[:5])} (overlap {entity:.2f})"
        if item.day is not None and story.first_day is not None and story.last_day is not None:
            gap = max(story.first_day - item.day, item.day - story.last_day, 0)
            why += f"; {gap} day(s) from the story's dates"
        return total, f"{why}; score {total:.2f} ≥ {self.settings.cluster_threshold:.2f}"

    # -- updates -------------------------------------------------------------
    def _resolve(self, story_id: str) -> str:
        while story_id in self._merged_into:
            story_id = self._merged_into[story_id]
        return story_id

    def _join(self, story: _StoryState, item: ClusterInput, why: str) -> None:
        story.members.append(item.article_id)
        story.vector_sum = item.vector.copy() if story.vector_sum is None else story.vector_sum + item.vector
        story.terms.update(item.terms)
        story.keyterms.update(dict(item.keyterms))
        if item.day is not None:
            story.first_day = item.day if story.first_day is None else min(story.first_day, item.day)
            story.last_day = item.day if story.last_day is None else max(story.last_day, item.day)
        if not story.headline and item.title:
            story.headline = item.title
        story.explanations[item.article_id] = why
        self._article_story[item.article_id] = story.id

    def _merge(self, keep: _StoryState, other: _StoryState) -> None:
        for member in other.members:
            self._article_story[member] = keep.id
        keep.members.extend(other.members)
        if other.vector_sum is not None:
            keep.vector_sum = other.vector_sum.copy() if keep.vector_sum is None else keep.vector_sum + other.vector_sum
        keep.terms.update(other.terms)
        keep.keyterms.update(other.keyterms)
        keep.profile = None
        keep.profile_size = 0
        for day in (other.first_day, other.last_day):
            if day is not None:
                keep.first_day = day if keep.first_day is None else min(keep.first_day, day)
                keep.last_day = day if keep.last_day is None else max(keep.last_day, day)
        keep.explanations.update(other.explanations)
        self._merged_into[other.id] = keep.id
        del self._stories[other.id]

    def add(self, item: ClusterInput, story_id: str | None = None) -> str:
        """Place one article; returns its story id. `story_id` restores a stored assignment."""
        if item.article_id in self._article_story:
            return self._resolve(self._article_story[item.article_id])
        if story_id is not None:
            story_id = self._resolve(story_id)
            story = self._stories.get(story_id)
            if story is None:
                story = _StoryState(id=story_id, order=len(self._stories) + len(self._merged_into))
                self._stories[story_id] = story
            self._join(story, item, "stored assignment")
        else:
            matches: list[tuple[float, str, str]] = []
            for candidate in self._candidate_stories(item.vector):
                story = self._stories[candidate]
                if not self._within_window(item.day, story):
                    continue
                total, why = self.score(item, candidate)
                if total >= self.settings.cluster_threshold:
                    matches.append((total, candidate, why))
            if matches:
                matches.sort(key=lambda m: self._stories[m[1]].order)
                keep = self._stories[matches[0][1]]
                best = max(matches)
                for _, other_id, _ in matches[1:]:
                    self._merge(keep, self._stories[other_id])
                why = best[2] if len(matches) == 1 else f"{best[2]}; bridged {len(matches)} stories"
                self._join(keep, item, why)
            else:
                story = _StoryState(id=f"s-{item.article_id}", order=len(self._stories) + len(self._merged_into))
                self._stories[story.id] = story
                self._join(story, item, "first article of the story")
        self._index.add(len(self._keys), item.vector)
        self._keys.append(item.article_id)
        self._document_frequency.update(item.terms)
        self._document_frequency.update(t for t, _ in item.keyterms)
        self._articles += 1
        return self._resolve(self._article_story[item.article_id])

    def assignments(self) -> dict[str, str]:
        """Article id -> story id, for every article added."""
        return {article: self._resolve(story) for article, story in self._article_story.items()}

    def stories(self) -> list[Story]:
        """Current stories, oldest first."""
        out = []
        for state in sorted(self._stories.values(), key=lambda s: s.order):
            out.append(Story(
                id=state.id,
                article_ids=tuple(state.members),
                headline=state.headline,
                explanations=tuple((a, state.explanations.get(a, "")) for a in state.members),
            ))
        return out


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
        )
        for i, r in enumerate(readings)
    ]


def cluster_articles(items: Iterable[ClusterInput], settings: Settings) -> list[Story]:
    """Batch clustering: articles in publication order, then incremental placement."""
    ordered = sorted(items, key=lambda i: (i.day if i.day is not None else 10**9, i.article_id))
    clusterer = StoryClusterer(settings)
    for item in ordered:
        clusterer.add(item)
    return clusterer.stories()
