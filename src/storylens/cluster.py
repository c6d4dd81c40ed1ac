"""Stories: group articles about one event, in batch or one article at a time.

Two articles are scored by their title+lead embeddings, shared names and tf-idf key
terms, with a small bonus for being published within days of each other; articles
further apart than the window never join. A story's score for an article is the
average pair score with (a bounded sample of) its members. Candidates come from
approximate nearest-neighbour indexes, one per window-long span of days, searched only
where an article can reach, never from all articles: memory and time stay linear in
the number of articles. In batch the closest groups merge first; one at a
time, an article that reaches the threshold for several stories bridges them and they
merge, keeping the oldest story's id. Either way, a story whose articles form two groups
linked mostly among themselves splits in two (splits.py), and an article left alone joins
the story whose few closest members it is close to (a story's edge is far from its average).
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .records import ArticleReading, Story
from .settings import Settings
from .splits import SPLIT_MIN_PART, sample_members, split_story

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


def term_weight(count: int) -> float:
    """Sublinear term frequency: the tenth mention of a word adds less than the second."""
    return 1.0 + math.log(count)


def day_number(published: str | None) -> int | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published).toordinal()
    except ValueError:
        return None


class PairScorer:
    """How alike two articles are: title+lead embedding, shared names, shared key terms.

    Inverse document frequencies come from every article seen so far, so rare names and
    words weigh more than common ones.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.document_frequency: Counter[str] = Counter()
        self.articles = 0
        self._unit_terms: dict[str, dict[str, float]] = {}
        self._idf_cache: dict[str, float] = {}
        self._name_mass: dict[str, float] = {}
        self._cached_at = 0

    def observe(self, item: ClusterInput) -> None:
        self.document_frequency.update(item.terms)
        self.document_frequency.update(t for t, _ in item.keyterms)
        self.articles += 1
        if self.articles > self._cached_at * 1.1 + 8:
            # Weights drift slowly as articles arrive: recompute them now and then, not per pair.
            self._idf_cache.clear()
            self._unit_terms.clear()
            self._name_mass.clear()
            self._cached_at = self.articles

    def idf(self, term: str) -> float:
        value = self._idf_cache.get(term)
        if value is None:
            # PRIOR_DOCUMENTS virtual articles that share no words: in a handful of articles about
            # one event, the event's own words must not count as common words.
            value = math.log(1 + (self.articles + PRIOR_DOCUMENTS) / (self.document_frequency[term] + 1))
            self._idf_cache[term] = value
        return value

    def name_mass(self, item: ClusterInput) -> float:
        value = self._name_mass.get(item.article_id)
        if value is None:
            value = self._name_mass[item.article_id] = sum(self.idf(t) for t in item.terms)
        return value

    def unit_terms(self, item: ClusterInput) -> dict[str, float]:
        cached = self._unit_terms.get(item.article_id)
        if cached is None:
            weights = {t: term_weight(n) * self.idf(t) for t, n in item.keyterms}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            cached = self._unit_terms[item.article_id] = {t: w / norm for t, w in weights.items()}
        return cached

    def names(self, a: ClusterInput, b: ClusterInput) -> tuple[float, list[str]]:
        """Weighted overlap of the two articles' names (relative to the smaller set)."""
        shared = a.terms & b.terms
        if not shared:
            return 0.0, []
        weight = sum(self.idf(t) for t in shared)
        smaller = min(self.name_mass(a), self.name_mass(b))
        return min(weight / max(smaller, 1e-9), 1.0), sorted(shared, key=lambda t: (-self.idf(t), t))

    def signals(self, a: ClusterInput, b: ClusterInput) -> tuple[float, float, float, list[str]]:
        dense = float(np.dot(a.vector, b.vector))
        names, shared = self.names(a, b)
        ta, tb = self.unit_terms(a), self.unit_terms(b)
        if len(tb) < len(ta):
            ta, tb = tb, ta
        terms = sum(w * tb.get(t, 0.0) for t, w in ta.items())
        return dense, names, terms, shared

    def score(self, a: ClusterInput, b: ClusterInput) -> float:
        if not self.within_window(a.day, b.day):
            return 0.0
        dense, names, terms, _ = self.signals(a, b)
        s = self.settings
        combined = s.cluster_embedding_weight * dense + s.cluster_entity_weight * names + s.cluster_term_weight * terms
        if a.day is not None and b.day is not None:
            # Reports a day or two apart are more likely about the same events.
            gap = abs(a.day - b.day)
            combined += s.cluster_time_bonus if gap <= 1 else s.cluster_time_bonus / 2 if gap <= 3 else 0.0
        # Near-paraphrase leads are the same story even when the tagger finds no shared names.
        return max(combined, dense - s.cluster_dense_margin)

    def within_window(self, a: int | None, b: int | None) -> bool:
        return a is None or b is None or abs(a - b) <= self.settings.cluster_window_days

    def explain(self, a: ClusterInput, b: ClusterInput, score: float, rule: str = "story score",
                bar: float | None = None) -> str:
        """Why `a` is in the story of `b`, its closest member: the signals of the pair, and the score that
        cleared the bar (by default the story score and the join threshold)."""
        dense, names, terms, shared = self.signals(a, b)
        why = f"closest article {b.article_id}: title+lead similarity {dense:.2f}, key terms {terms:.2f}"
        if shared:
            why += f", shared names: {', '.join(shared[:5])} ({names:.2f})"
        if a.day is not None and b.day is not None:
            why += f", {abs(a.day - b.day)} day(s) apart"
        return f"{why}; {rule} {score:.2f} ≥ {self.settings.cluster_threshold if bar is None else bar:.2f}"


PRIOR_DOCUMENTS = 50
STRAGGLER_GROUP = 2  # groups this small may join the story whose closest members are close enough
CLOSEST_MEMBERS = 3
_NEAREST_RULE = f"mean score with its {CLOSEST_MEMBERS} closest members"


class PairMatrix:
    """`PairScorer.score` between any rows of a fixed list of articles, as array products.

    Batch clustering scores thousands of sampled pairs per merge; one product per pair of
    groups replaces a Python loop over their pairs. Weights are read from the scorer once,
    so no article may be observed while the matrix is in use.
    """

    def __init__(self, items: Sequence[ClusterInput], scorer: PairScorer) -> None:
        self.settings = scorer.settings
        self.vectors = np.stack([item.vector for item in items]).astype(np.float64) if items else np.zeros((0, 1))
        vocabulary: dict[str, int] = {}
        self.terms = [_indexed(scorer.unit_terms(item), vocabulary) for item in items]
        self.names = [_indexed({t: scorer.idf(t) for t in item.terms}, vocabulary) for item in items]
        self.name_mass = np.array([scorer.name_mass(item) for item in items])
        self.days = np.array([np.nan if item.day is None else item.day for item in items], dtype=np.float64)

    def scores(self, left: Sequence[int], right: Sequence[int]) -> np.ndarray:
        """len(left) x len(right) pair scores."""
        s = self.settings
        left, right = list(left), list(right)
        dense = self.vectors[left] @ self.vectors[right].T
        term_rows = _local_rows(self.terms, left + right)
        terms = term_rows[: len(left)] @ term_rows[len(left):].T
        name_rows = _local_rows(self.names, left + right)
        shared = name_rows[: len(left)] @ (name_rows[len(left):] > 0).T
        smaller = np.maximum(np.minimum(self.name_mass[left][:, None], self.name_mass[right][None, :]), 1e-9)
        names = np.minimum(shared / smaller, 1.0)
        combined = s.cluster_embedding_weight * dense + s.cluster_entity_weight * names + s.cluster_term_weight * terms
        with np.errstate(invalid="ignore"):
            gap = np.abs(self.days[left][:, None] - self.days[right][None, :])  # NaN where a date is missing
            combined += np.where(gap <= 1, s.cluster_time_bonus, np.where(gap <= 3, s.cluster_time_bonus / 2, 0.0))
            out = np.maximum(combined, dense - s.cluster_dense_margin)
            out[gap > s.cluster_window_days] = 0.0
        return out


def _indexed(weights: dict[str, float], vocabulary: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    ids = np.array([vocabulary.setdefault(term, len(vocabulary)) for term in weights], dtype=np.int64)
    return ids, np.fromiter(weights.values(), dtype=np.float64, count=len(weights))


def _local_rows(rows: Sequence[tuple[np.ndarray, np.ndarray]], chosen: list[int]) -> np.ndarray:
    """The chosen sparse rows laid out densely over the words they use (a few hundred columns)."""
    ids = [rows[r][0] for r in chosen]
    words, columns = np.unique(np.concatenate(ids), return_inverse=True)
    matrix = np.zeros((len(chosen), len(words)))
    matrix[np.repeat(np.arange(len(chosen)), [len(i) for i in ids]), columns] = np.concatenate([rows[r][1] for r in chosen])
    return matrix


def _closest_mean(scores: Sequence[float]) -> float:
    top = heapq.nlargest(CLOSEST_MEMBERS, scores)
    return sum(top) / len(top)


class StoryClusterer:
    """Story clustering: `add` places one article at a time, `add_batch` groups many at once.

    A story's score for an article is the average of the article's pair scores with
    (a sample of) the story's members. Candidate stories come from the nearest
    articles in an approximate nearest-neighbour index, never from all stories.
    """

    def __init__(self, settings: Settings, dimensions: int = 384) -> None:
        from usearch.index import Index

        self.settings = settings
        self.scorer = PairScorer(settings)
        self._dimensions = dimensions
        self._indexes: dict[int | None, Index] = {}  # window-long span of days (None: undated) -> index
        self._items: list[ClusterInput] = []  # index key -> item
        self._article_story: dict[str, str] = {}
        self._members: dict[str, list[ClusterInput]] = {}
        self._order: dict[str, int] = {}
        self._merged_into: dict[str, str] = {}
        self._explanations: dict[str, str] = {}
        self._headlines: dict[str, str] = {}
        self._checked_size: dict[str, int] = {}  # story -> its size when last checked for a split

    def _resolve(self, story_id: str) -> str:
        while story_id in self._merged_into:
            story_id = self._merged_into[story_id]
        return story_id

    def _neighbours(self, item: ClusterInput) -> list[ClusterInput]:
        """The nearest articles that can share a story: dated ones within the window, and undated ones.

        Articles sit in one index per window-long span of days, so the search looks only at
        the spans an article can reach: recurring kinds of news in other months cost nothing.
        """
        spans = list(self._indexes) if item.day is None else [
            span for span in (None, *range(self._span(item.day) - 1, self._span(item.day) + 2)) if span in self._indexes]
        found: list[tuple[float, int]] = []
        for span in spans:
            index = self._indexes[span]
            matches = index.search(item.vector, min(self.settings.cluster_candidates, len(index)))
            found += zip(np.atleast_1d(matches.distances).tolist(), np.atleast_1d(matches.keys).tolist())
        found.sort()
        near = (self._items[int(key)] for _, key in found)
        return [n for n in near if self.scorer.within_window(item.day, n.day)][: self.settings.cluster_candidates]

    def _span(self, day: int) -> int:
        return day // max(self.settings.cluster_window_days, 1)

    def story_score(self, item: ClusterInput, story_id: str) -> tuple[float, float, ClusterInput]:
        """An article's average pair score with a story's (sampled) members, its mean score with
        the closest few, and the closest member."""
        members = sample_members(self._members[story_id])
        scores = [self.scorer.score(item, m) for m in members]
        best = max(range(len(members)), key=scores.__getitem__)
        closest = _closest_mean(scores)
        if min(scores) < self.settings.cluster_threshold * self.settings.cluster_min_link:
            return 0.0, closest, members[best]
        return sum(scores) / len(scores), closest, members[best]

    def _open(self, story_id: str) -> None:
        self._members[story_id] = []
        self._order[story_id] = len(self._order)

    def _index_item(self, item: ClusterInput, story_id: str, why: str) -> None:
        self._members[story_id].append(item)
        self._article_story[item.article_id] = story_id
        self._explanations[item.article_id] = why
        if item.title and story_id not in self._headlines:
            self._headlines[story_id] = item.title
        span = None if item.day is None else self._span(item.day)
        if span not in self._indexes:
            from usearch.index import Index

            self._indexes[span] = Index(ndim=self._dimensions, metric="cos", dtype="f32")
        self._indexes[span].add(len(self._items), item.vector)
        self._items.append(item)

    def _merge(self, keep: str, other: str) -> None:
        for member in self._members[other]:
            self._article_story[member.article_id] = keep
        self._members[keep].extend(self._members.pop(other))
        self._headlines.setdefault(keep, self._headlines.get(other, ""))
        self._headlines.pop(other, None)
        self._merged_into[other] = keep
        self._checked_size.pop(other, None)

    def add(self, item: ClusterInput, story_id: str | None = None) -> str:
        """Place one article; returns its story id. `story_id` restores a stored assignment."""
        if item.article_id in self._article_story:
            return self._resolve(self._article_story[item.article_id])
        self.scorer.observe(item)
        if story_id is not None:
            story_id = self._resolve(story_id)
            if story_id not in self._members:
                self._open(story_id)
            self._index_item(item, story_id, "stored assignment")
            return story_id
        candidates = dict.fromkeys(self._resolve(self._article_story[n.article_id])
                                   for n in self._neighbours(item))
        matches = []
        nearest: tuple[float, str, ClusterInput] | None = None
        for candidate in candidates:
            score, closest_mean, closest = self.story_score(item, candidate)
            if score >= self.settings.cluster_threshold:
                matches.append((score, candidate, closest))
            elif len(self._members[candidate]) > STRAGGLER_GROUP and (nearest is None or closest_mean > nearest[0]):
                nearest = (closest_mean, candidate, closest)
        if not matches and nearest is not None and self._joins_nearest(nearest[0]):
            # No story takes the article on average, but a few of one story's members are close.
            score, story_id, closest = nearest
            self._index_item(item, story_id, self.scorer.explain(item, closest, score, _NEAREST_RULE,
                                                                 self.settings.cluster_straggler_score))
            self._recheck(story_id)
            return self._resolve_article(item.article_id)
        if not matches:
            story_id = f"s-{item.article_id}"
            self._open(story_id)
            self._index_item(item, story_id, "first article of the story")
            return story_id
        matches.sort(key=lambda m: self._order[m[1]])
        keep = matches[0][1]
        best = max(matches, key=lambda m: m[0])
        for _, other, _ in matches[1:]:
            self._merge(keep, other)
        why = self.scorer.explain(item, best[2], best[0])
        if len(matches) > 1:
            why += f"; bridged {len(matches)} stories"
        self._index_item(item, keep, why)
        self._recheck(keep, force=len(matches) > 1)
        return self._resolve_article(item.article_id)

    def _joins_nearest(self, closest_mean: float) -> bool:
        return self.settings.cluster_straggler_score > 0 and closest_mean >= self.settings.cluster_straggler_score

    def _resolve_article(self, article_id: str) -> str:
        return self._resolve(self._article_story[article_id])

    def _recheck(self, story_id: str, force: bool = False) -> None:
        """Split a growing story if it has come to mix two events.

        A story is checked when a bridge merges stories into it, whenever it has grown by a
        quarter since its last check (so the cost per article stays bounded), and (`force`)
        at the end of each batch of new articles for the stories they joined. The half
        holding the story's first article keeps its id; the other half opens a new story.
        """
        members = self._members[story_id]
        if self.settings.cluster_split_cut <= 0 or len(members) < 2 * SPLIT_MIN_PART:
            return
        if not force and len(members) < self._checked_size.get(story_id, 0) * 1.25:
            return
        self._checked_size[story_id] = len(members)
        parts = split_story(members, self.scorer, self.settings.cluster_split_cut, self.settings.cluster_weekday_cut)
        if len(parts) == 1:
            return
        first = members[0].article_id
        parts.sort(key=lambda part: not any(m.article_id == first for m in part))
        self._members[story_id] = parts[0]
        self._checked_size[story_id] = len(parts[0])
        self._relabel(story_id, parts[0])
        for part in parts[1:]:
            new_id = self._fresh_story_id(part[0].article_id, story_id)
            self._open(new_id)
            self._members[new_id] = part
            self._checked_size[new_id] = len(part)
            self._relabel(new_id, part)

    def _fresh_story_id(self, article_id: str, splitting: str) -> str:
        """An id for a split-off half: the id its first article's story had, if it merged into this one."""
        story_id, n = f"s-{article_id}", 1
        while story_id in self._members or story_id in self._merged_into:
            if story_id in self._merged_into and self._resolve(story_id) == splitting:
                del self._merged_into[story_id]  # the story that merged in comes back under its own id
                return story_id
            n += 1
            story_id = f"s-{article_id}-{n}"
        return story_id

    def _relabel(self, story_id: str, members: list[ClusterInput]) -> None:
        """Point members at their story and explain each again within it."""
        self._headlines[story_id] = next((m.title for m in members if m.title), "")
        for position, member in enumerate(members):
            self._article_story[member.article_id] = story_id
            if position == 0:
                self._explanations[member.article_id] = "first article of the story"
            else:
                # Written when the stories are read: a story may split again before then.
                self._explanations.pop(member.article_id, None)

    def _explanation(self, item: ClusterInput, story_id: str) -> str:
        why = self._explanations.get(item.article_id)
        if why is None:
            why = self._explanations[item.article_id] = self._explain_within(item, self._members[story_id])
        return why

    def _explain_within(self, item: ClusterInput, members: Sequence[ClusterInput]) -> str:
        others = sample_members([m for m in members if m.article_id != item.article_id])
        scores = [self.scorer.score(item, o) for o in others]
        best = max(range(len(others)), key=scores.__getitem__)
        average = sum(scores) / len(scores)
        if average < self.settings.cluster_threshold and self._joins_nearest(_closest_mean(scores)):
            return self.scorer.explain(item, others[best], _closest_mean(scores), _NEAREST_RULE,
                                       self.settings.cluster_straggler_score)
        return self.scorer.explain(item, others[best], average)

    def add_batch(self, items: Iterable[ClusterInput]) -> None:
        """Group many articles at once: average-link merging over nearest-neighbour pairs.

        Each article starts as its own group; the closest pair of groups (average score
        over a bounded sample of their members) merges first, until no pair reaches the
        threshold. Unlike one-by-one placement the result does not depend on input order.
        """
        fresh = [i for i in items if i.article_id not in self._article_story]
        if not fresh:
            return
        if self._items:  # stories exist already: place the new articles one by one
            for item in sorted(fresh, key=arrival_order):
                self.add(item)
            # Then check every story they went to, not only those that grew by a quarter.
            for story_id in dict.fromkeys(self._resolve_article(i.article_id) for i in fresh):
                if story_id in self._members:
                    self._recheck(story_id, force=True)
            return
        fresh.sort(key=arrival_order)
        for item in fresh:
            self.scorer.observe(item)
        from usearch.index import Index

        index = Index(ndim=len(fresh[0].vector), metric="cos", dtype="f32")
        index.add(np.arange(len(fresh)), np.stack([i.vector for i in fresh]))
        k = min(self.settings.cluster_candidates, len(fresh))
        group = list(range(len(fresh)))  # item -> group id (union-find root)
        members: dict[int, list[int]] = {i: [i] for i in range(len(fresh))}

        def find(i: int) -> int:
            while group[i] != i:
                group[i] = group[group[i]]
                i = group[i]
            return i

        floor = self.settings.cluster_threshold * self.settings.cluster_min_link

        pairs = PairMatrix(fresh, self.scorer)

        def average(a: int, b: int) -> float:
            scores = pairs.scores(sample_members(members[a]), sample_members(members[b]))
            if scores.min() < floor:
                return 0.0  # some pair is plainly unrelated: two events, however alike on average
            return float(scores.mean())

        heap: list[tuple[float, int, int]] = []
        seen: set[tuple[int, int]] = set()
        neighbours: dict[int, set[int]] = {i: set() for i in range(len(fresh))}
        results = index.search(np.stack([i.vector for i in fresh]), k) if len(fresh) > 1 else None
        keys = results.keys if results is not None else np.zeros((1, 0), dtype=np.uint64)
        counts = results.counts if results is not None else np.zeros(1, dtype=np.int64)
        for i in range(len(fresh)):
            new = []
            for key in keys[i, : counts[i]]:
                j = int(key)
                if j == i or (min(i, j), max(i, j)) in seen:
                    continue
                seen.add((min(i, j), max(i, j)))
                neighbours[i].add(j)
                neighbours[j].add(i)
                new.append(j)
            for j, score in zip(new, pairs.scores([i], new)[0] if new else ()):
                if score >= self.settings.cluster_threshold:
                    heapq.heappush(heap, (-float(score), i, j))
        while heap:
            negative, a, b = heapq.heappop(heap)
            a, b = find(a), find(b)
            if a == b:
                continue
            current = average(a, b)
            if current < self.settings.cluster_threshold:
                continue
            if current < -negative - 1e-9:
                heapq.heappush(heap, (-current, a, b))  # stale: the groups grew since this entry
                continue
            keep, other = (a, b) if a < b else (b, a)
            group[other] = keep
            members[keep].extend(members.pop(other))
            neighbours[keep] |= neighbours.pop(other)
            for n in {find(x) for x in neighbours[keep]} - {keep}:
                score = average(keep, n)
                if score >= self.settings.cluster_threshold:
                    heapq.heappush(heap, (-score, keep, n))
        position_of = {item.article_id: i for i, item in enumerate(fresh)}
        groups = [[position_of[m.article_id] for m in part]
                  for indices in members.values()
                  for part in split_story([fresh[i] for i in sorted(indices)], self.scorer,
                                          self.settings.cluster_split_cut, self.settings.cluster_weekday_cut)]
        groups = self._absorb_stragglers(groups, fresh, lambda i: [int(k) for k in keys[i, : counts[i]]])
        for indices in sorted(groups, key=min):
            first = fresh[min(indices)]
            story_id = f"s-{first.article_id}"
            self._open(story_id)
            for position, i in enumerate(sorted(indices)):
                item = fresh[i]
                why = ("first article of the story" if position == 0
                       else self._explain_within(item, [fresh[j] for j in indices]))
                self._index_item(item, story_id, why)
            self._checked_size[story_id] = len(indices)

    def _absorb_stragglers(self, groups: list[list[int]], fresh: Sequence[ClusterInput],
                           neighbours_of: Callable[[int], list[int]]) -> list[list[int]]:
        """Groups of one or two articles join the story whose closest members are close enough.

        Average link holds a story to its average member: an article on the story's edge,
        close to some members but not to the average, would stay alone.
        """
        if self.settings.cluster_straggler_score <= 0:
            return groups
        group_of = {i: g for g, indices in enumerate(groups) for i in indices}
        target: dict[int, int] = {}
        for indices in groups:
            if len(indices) > STRAGGLER_GROUP:
                continue
            for i in indices:
                best_score, best_group = 0.0, None
                for g in dict.fromkeys(group_of[j] for j in neighbours_of(i)):
                    if len(groups[g]) <= STRAGGLER_GROUP:
                        continue
                    members = sample_members([fresh[j] for j in groups[g]])
                    score = _closest_mean([self.scorer.score(fresh[i], m) for m in members])
                    if score > best_score:
                        best_score, best_group = score, g
                if best_group is not None and self._joins_nearest(best_score):
                    target[i] = best_group
        if not target:
            return groups
        out = [[i for i in indices if i not in target] for indices in groups]
        for i, g in target.items():
            out[g].append(i)
        return [sorted(indices) for indices in out if indices]

    def assignments(self) -> dict[str, str]:
        """Article id -> story id, for every article added."""
        return {article: self._resolve(story) for article, story in self._article_story.items()}

    def stories(self) -> list[Story]:
        """Current stories, oldest first."""
        out = []
        for story_id in sorted(self._members, key=self._order.__getitem__):
            members = [m.article_id for m in self._members[story_id]]
            out.append(Story(
                id=story_id,
                article_ids=tuple(members),
                headline=self._headlines.get(story_id, ""),
                explanations=tuple((m.article_id, self._explanation(m, story_id)) for m in self._members[story_id]),
            ))
        return out


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


def cluster_articles(items: Iterable[ClusterInput], settings: Settings) -> list[Story]:
    """Batch clustering of articles into stories."""
    clusterer = StoryClusterer(settings)
    clusterer.add_batch(items)
    return clusterer.stories()
