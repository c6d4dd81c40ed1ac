"""Pair scoring: how alike two articles are, one pair at a time or as array products.

Two articles are scored by their title+lead embeddings, shared names and tf-idf key
terms, with a small bonus for being published within days of each other; articles
further apart than the window never join. Clustering and splitting both score with it.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from ..settings import Settings
from .inputs import ClusterInput

PRIOR_DOCUMENTS = 50
SAMPLE = 24  # members compared per story: average link on a bounded sample keeps each step cheap
CLOSEST_MEMBERS = 3


def term_weight(count: int) -> float:
    """Sublinear term frequency: the tenth mention of a word adds less than the second."""
    return 1.0 + math.log(count)


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


def closest_mean(scores: Sequence[float]) -> float:
    """Mean of the few highest scores: how close an article is to a story's nearest members."""
    top = heapq.nlargest(CLOSEST_MEMBERS, scores)
    return sum(top) / len(top)


def sample_members(members: list[ClusterInput]) -> list[ClusterInput]:
    """An evenly spread sample of at most SAMPLE members."""
    if len(members) <= SAMPLE:
        return members
    step = len(members) / SAMPLE
    return [members[int(i * step)] for i in range(SAMPLE)]
