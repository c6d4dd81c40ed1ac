"""Near-duplicates across the whole input by MinHash band keys, with the local engine's decisions.

Workers compute each article's MinHash signature and its LSH band keys (the bands
`datasketch.MinHashLSH` would use at the same threshold); grouping rows by band key (a
shuffle) gives every pair of articles that LSH would offer as candidates, scored there.
The driver then replays the local engine's order-dependent rule over the sparse list of
candidate pairs: the first of a set of copies is the original, later ones point at it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from datasketch import MinHashLSH

from ..dedupe import NUM_PERM, _minhash, shingle_text
from ..records import Article

Position = tuple[int, int]  # (chunk, position in chunk): the local engine's reading order


def band_ranges(threshold: float) -> list[tuple[int, int]]:
    """The (start, end) hash ranges of the LSH bands datasketch uses at this threshold."""
    return list(MinHashLSH(threshold=threshold, num_perm=NUM_PERM).hashranges)


def signature(article: Article) -> np.ndarray:
    """The article's MinHash hash values, as the local duplicate index computes them."""
    return _minhash(shingle_text(article.text)).hashvalues


def band_keys(hashvalues: np.ndarray, ranges: Sequence[tuple[int, int]]) -> list[str]:
    return [f"{band}:{hashvalues[start:end].tobytes().hex()}" for band, (start, end) in enumerate(ranges)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (`MinHash.jaccard`)."""
    return float(np.count_nonzero(a == b)) / len(a)


def candidate_pairs(members: Sequence[tuple[Position, np.ndarray]], threshold: float) -> list[tuple[Position, Position, float]]:
    """(later, earlier, similarity) for the pairs of one band bucket that are similar enough."""
    ordered = sorted(members, key=lambda m: m[0])
    out = []
    for i, (later, later_sig) in enumerate(ordered):
        for earlier, earlier_sig in ordered[:i]:
            score = similarity(later_sig, earlier_sig)
            if score >= threshold:
                out.append((later, earlier, score))
    return out


@dataclass
class DuplicateResolver:
    """Replays `DuplicateIndex.check` in reading order over precomputed candidate pairs.

    Feed articles in reading order to `check`; stored articles first through `remember`.
    Holds a content hash and an id per kept article, and the candidate pairs.
    """

    threshold: float
    candidates: dict[Position, list[tuple[Position, float]]] = field(default_factory=dict)
    _exact: dict[str, str] = field(default_factory=dict)
    _kept: dict[Position, str] = field(default_factory=dict)

    def add_pairs(self, pairs: Iterable[tuple[Position, Position, float]]) -> None:
        for later, earlier, score in pairs:
            self.candidates.setdefault(later, []).append((earlier, score))

    def remember(self, position: Position, article: Article) -> None:
        """An article already in the store: later copies of it are duplicates."""
        if article.status != "ok":
            return
        self._exact.setdefault(article.content_hash or "", article.id)
        self._kept[position] = article.id

    def check(self, position: Position, article: Article) -> Article:
        if article.status != "ok":
            return article
        content_hash = article.content_hash or ""
        original = self._exact.get(content_hash)
        if original is not None:
            copy_id = hashlib.sha256(f"{content_hash}\n{article.input}".encode("utf-8")).hexdigest()[:12]
            return replace(article, id=copy_id, status="duplicate", duplicate_of=original,
                           reason=f"exact copy of {original}")
        best_id, best_score = None, 0.0
        # Earliest first, so that of two equally close originals the first one read wins.
        for earlier, score in sorted(self.candidates.get(position, ())):
            kept = self._kept.get(earlier)
            if kept is not None and score > best_score:
                best_id, best_score = kept, score
        if best_id is not None and best_score >= self.threshold:
            return replace(article, status="duplicate", duplicate_of=best_id,
                           reason=f"near-duplicate (syndicated copy) of {best_id}, {best_score:.0%} similar")
        self._exact[content_hash] = article.id
        self._kept[position] = article.id
        return article
