"""Splitting a story that mixes two events.

Average link joins two events of the same kind (two boxing title defences, two DUI
arrests of one team's players) when the articles between them are short and say little.
The spectral (normalised-cut) bipartition of a story's key-term similarities finds the
seam between them; a story splits while that cut is low, or lower than usual when the two
halves date their events to different weekdays.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .inputs import ClusterInput
from .scoring import PairScorer, sample_members

SPLIT_SAMPLE = 120  # members a split looks at; the others follow the half they are closer to
SPLIT_MIN_PART = 2  # a split never peels off a single article


@dataclass(frozen=True)
class Split:
    """The best two-way split of (a sample of) a story, and how cleanly it cuts.

    `cut` is a normalised cut: about 1 when there is no seam, lower when the two halves
    are linked mostly among themselves.
    """

    left: list[ClusterInput]
    right: list[ClusterInput]
    cut: float

    def halves(self, members: Sequence[ClusterInput], scorer: PairScorer) -> tuple[list[ClusterInput], list[ClusterInput]]:
        """All members in two halves: sampled ones where the split put them, the rest with the half they are closer to."""
        placed = {m.article_id: True for m in self.left} | {m.article_id: False for m in self.right}
        left_sample, right_sample = sample_members(self.left), sample_members(self.right)
        left, right = [], []
        for member in members:
            in_left = placed.get(member.article_id)
            if in_left is None:
                in_left = _mean_affinity(member, left_sample, scorer) >= _mean_affinity(member, right_sample, scorer)
            (left if in_left else right).append(member)
        return left, right


def best_split(members: Sequence[ClusterInput], scorer: PairScorer) -> Split | None:
    """Where a story would break if it mixes two events.

    Average link joins two events of the same kind (two boxing title defences, two DUI
    arrests of one team's players) when the articles between them are short and say little.
    Inside such a story, key terms still tie each event's articles more to each other than
    across: the spectral (normalised-cut) bipartition of the key-term similarities finds
    the seam, and the cut is scored on key terms and title+lead embeddings alike. Large
    stories are split on an evenly spread sample.
    """
    if len(members) < 2 * SPLIT_MIN_PART:
        return None
    sample = list(members) if len(members) <= SPLIT_SAMPLE else [
        members[int(i * len(members) / SPLIT_SAMPLE)] for i in range(SPLIT_SAMPLE)]
    terms, dense = _affinities(sample, scorer)
    side = _fiedler_side(terms)
    if side is None or min(side.sum(), (~side).sum()) < SPLIT_MIN_PART:
        return None
    cut = (normalised_cut(terms, side) + normalised_cut(dense, side)) / 2
    return Split([m for m, s in zip(sample, side) if s], [m for m, s in zip(sample, side) if not s], cut)


def split_story(members: list[ClusterInput], scorer: PairScorer, max_cut: float,
                weekday_cut: float = 0.0) -> list[list[ClusterInput]]:
    """A story's members as the events they report: split while the best split cuts below `max_cut`,
    or below `weekday_cut` when the two halves name different weekdays for their events."""
    split = best_split(members, scorer) if max_cut > 0 else None
    if split is None or split.cut >= max(max_cut, weekday_cut):
        return [members]
    left, right = split.halves(members, scorer)
    if min(len(left), len(right)) < SPLIT_MIN_PART:
        return [members]
    if split.cut >= max_cut and weekdays_apart(left, right) is None:
        return [members]
    return split_story(left, scorer, max_cut, weekday_cut) + split_story(right, scorer, max_cut, weekday_cut)


WEEKDAY_AGREEMENT = 2 / 3  # share of a half's weekday-naming articles that must name its weekday
WEEKDAY_SUPPORT = 2  # ... and how many articles that is at least


def weekdays_apart(left: Sequence[ClusterInput], right: Sequence[ClusterInput]) -> tuple[int, int] | None:
    """The weekdays two groups of articles give their events, if each group agrees on one and the
    two are at least two days apart (a day apart is the same event told the next day)."""
    days = []
    for group in (left, right):
        named = Counter(m.weekday for m in group if m.weekday is not None)
        if not named:
            return None
        day, count = named.most_common(1)[0]
        if count < WEEKDAY_SUPPORT or count < WEEKDAY_AGREEMENT * sum(named.values()):
            return None
        days.append(day)
    gap = (days[0] - days[1]) % 7
    return (days[0], days[1]) if min(gap, 7 - gap) >= 2 else None


def _affinities(items: Sequence[ClusterInput], scorer: PairScorer) -> tuple[np.ndarray, np.ndarray]:
    """Key-term and title+lead similarity matrices (zero diagonal, negatives clipped).

    Both are one matrix product: the key-term vectors are laid out over the words these
    items use, so the cost is a few milliseconds even for a full sample.
    """
    terms = _term_rows(items, scorer)
    terms = terms @ terms.T
    vectors = np.stack([item.vector for item in items]).astype(np.float64)
    dense = vectors @ vectors.T
    for matrix in (terms, dense):
        np.fill_diagonal(matrix, 0.0)
        np.maximum(matrix, 0.0, out=matrix)
    return terms, dense


def _term_rows(items: Sequence[ClusterInput], scorer: PairScorer) -> np.ndarray:
    """Each item's unit key-term weights as a row over the vocabulary of these items."""
    weights = [scorer.unit_terms(item) for item in items]
    vocabulary: dict[str, int] = {}
    for row in weights:
        for term in row:
            vocabulary.setdefault(term, len(vocabulary))
    rows = np.zeros((len(items), max(len(vocabulary), 1)))
    for i, row in enumerate(weights):
        rows[i, [vocabulary[t] for t in row]] = list(row.values())
    return rows


def _mean_affinity(item: ClusterInput, others: Sequence[ClusterInput], scorer: PairScorer) -> float:
    values = [scorer.signals(item, o) for o in others]
    return sum(v[0] + v[2] for v in values) / max(len(values), 1)


def _fiedler_side(affinity: np.ndarray) -> np.ndarray | None:
    """The normalised-cut bipartition: order by the second eigenvector, cut where it cuts least."""
    degree = affinity.sum(axis=1)
    if (degree <= 0).any():
        return None  # an article sharing nothing with the rest: not a question of two events
    scale = 1 / np.sqrt(degree)
    laplacian = np.eye(len(affinity)) - scale[:, None] * affinity * scale[None, :]
    _, vectors = np.linalg.eigh(laplacian)
    order = np.argsort(scale * vectors[:, 1], kind="stable")
    total = degree.sum()
    best, best_k = math.inf, 0
    inside = np.zeros(len(affinity), dtype=bool)
    cut = volume = 0.0
    for k, node in enumerate(order[:-1], start=1):
        # Moving one node across: its links to the moved side stop being cut, the others start.
        cut += degree[node] - 2 * affinity[node, inside].sum()
        inside[node] = True
        volume += degree[node]
        value = cut / volume + cut / (total - volume)
        if value < best:
            best, best_k = value, k
    side = np.zeros(len(affinity), dtype=bool)
    side[order[:best_k]] = True
    return side


def normalised_cut(affinity: np.ndarray, side: np.ndarray) -> float:
    """Shi and Malik's normalised cut of a two-way split: cut/vol(left) + cut/vol(right)."""
    cut = affinity[np.ix_(side, ~side)].sum()
    left, right = affinity[side].sum(), affinity[~side].sum()
    if left <= 0 or right <= 0:
        return math.inf
    return float(cut / left + cut / right)

