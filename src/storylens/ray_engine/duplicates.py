"""Near-duplicates across the whole input by MinHash band keys, with the local engine's decisions.

Workers compute each article's two MinHash signatures, as the local `DuplicateIndex` does
(word 5-shingles, and the set of words of a text with enough of them), and their LSH band
keys (the bands `datasketch.MinHashLSH` would use at the same thresholds); grouping rows by
band key (a shuffle) gives every pair of articles that LSH would offer as candidates. The
driver then replays the local engine's order-dependent rule over the sparse lists of
candidate pairs: the first of a set of copies is the original, later ones point at it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from datasketch import MinHashLSH

from ..dedupe import NUM_PERM, WORD_SET_MIN_WORDS, WORD_SET_THRESHOLD, _minhash, shingle_text, word_set
from ..records import Article

Position = tuple[int, int]  # (chunk, position in chunk): the local engine's reading order


def band_ranges(threshold: float) -> list[tuple[int, int]]:
    """The (start, end) hash ranges of the LSH bands datasketch uses at this threshold."""
    return list(MinHashLSH(threshold=threshold, num_perm=NUM_PERM).hashranges)


def signature(article: Article) -> np.ndarray:
    """The article's MinHash hash values, as the local duplicate index computes them."""
    return _minhash(shingle_text(article.text)).hashvalues


WORD_LSH_THRESHOLD = WORD_SET_THRESHOLD - 0.2  # the looser band layout the local word-set index uses


def word_signature(article: Article) -> np.ndarray | None:
    """The MinHash of the article's set of words, when it has enough words for the local word-set check."""
    words = word_set(article.text)
    return _minhash(words).hashvalues if len(words) >= WORD_SET_MIN_WORDS else None


def band_keys(hashvalues: np.ndarray, ranges: Sequence[tuple[int, int]], kind: str = "") -> list[str]:
    """One key per band; `kind` keeps the keys of different signatures apart."""
    return [f"{kind}{band}:{hashvalues[start:end].tobytes().hex()}" for band, (start, end) in enumerate(ranges)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (`MinHash.jaccard`)."""
    return float(np.count_nonzero(a == b)) / len(a)


@dataclass
class DuplicateResolver:
    """Replays `DuplicateIndex.check` in reading order over precomputed candidate pairs.

    Feed every article in reading order, stored ones (`remember`) before new ones (`check`),
    with its signatures. Holds the candidate pairs and, for the articles some later article is
    compared with, their signatures and ids until the last such article is checked; content
    hashes only of articles with exact copies. An article sharing no key with any other is
    stored and forgotten, so memory follows the copies open at a point of the reading, not
    the size of the input.
    """

    threshold: float
    candidates: dict[Position, list[Position]] = field(default_factory=dict)
    word_candidates: dict[Position, list[Position]] = field(default_factory=dict)
    _exact: dict[str, str] = field(default_factory=dict)
    _kept: dict[Position, str] = field(default_factory=dict)
    _signatures: dict[Position, np.ndarray] = field(default_factory=dict)
    _word_signatures: dict[Position, np.ndarray] = field(default_factory=dict)
    _until: dict[Position, Position] = field(default_factory=dict)  # earlier -> the last later compared with it
    _word_earlier: set[Position] = field(default_factory=set)
    _exact_paired: set[Position] = field(default_factory=set)

    def add_pairs(self, pairs: Iterable[tuple[Position, Position]], kind: int = 0) -> None:
        """(later, earlier) positions of articles sharing a key of one kind: an LSH band of shingles (0),
        of word sets (1), or their content hash (2)."""
        if kind == 2:
            for later, earlier in pairs:
                self._exact_paired.update((later, earlier))
            return
        candidates = self.word_candidates if kind == 1 else self.candidates
        for later, earlier in pairs:
            candidates.setdefault(later, []).append(earlier)
            self._until[earlier] = max(later, self._until.get(earlier, later))
            if kind == 1:
                self._word_earlier.add(earlier)

    def _keep(self, position: Position, content_hash: str, article_id: str) -> None:
        """Remember a kept article where a later copy can look for it."""
        if position in self._exact_paired:
            self._exact.setdefault(content_hash, article_id)
        if position in self._until:
            self._kept[position] = article_id

    def _keep_signatures(self, position: Position, hashvalues: np.ndarray | None,
                         word_values: np.ndarray | None) -> None:
        if position not in self._until:
            return
        if hashvalues is not None:
            self._signatures[position] = hashvalues
        if position in self._word_earlier and word_values is not None:
            self._word_signatures[position] = word_values

    def _release(self, position: Position) -> None:
        """The article at `position` is decided: drop its candidates, and what no later article needs."""
        for earlier in {*self.candidates.pop(position, ()), *self.word_candidates.pop(position, ())}:
            if self._until.get(earlier) == position:
                del self._until[earlier]
                self._word_earlier.discard(earlier)
                for held in (self._kept, self._signatures, self._word_signatures):
                    held.pop(earlier, None)

    def remember(self, position: Position, article: Article, hashvalues: np.ndarray | None = None,
                 word_values: np.ndarray | None = None) -> None:
        """An article already in the store: later copies of it are duplicates."""
        self._keep_signatures(position, hashvalues, word_values)
        if article.status != "ok":
            return
        self._keep(position, article.content_hash or "", article.id)

    def check(self, position: Position, article: Article, hashvalues: np.ndarray | None = None,
              word_values: np.ndarray | None = None) -> Article:
        """The article as the local engine's `DuplicateIndex.check` would return it."""
        try:
            return self._check(position, article, hashvalues, word_values)
        finally:
            self._release(position)

    def _check(self, position: Position, article: Article, hashvalues: np.ndarray | None,
               word_values: np.ndarray | None) -> Article:
        self._keep_signatures(position, hashvalues, word_values)
        if article.status != "ok":
            return article
        content_hash = article.content_hash or ""
        original = self._exact.get(content_hash)
        if original is not None:
            copy_id = hashlib.sha256(f"{content_hash}\n{article.input}".encode("utf-8")).hexdigest()[:12]
            return replace(article, id=copy_id, status="duplicate", duplicate_of=original,
                           reason=f"exact copy of {original}")
        best_id, best_score = self._closest(position, hashvalues, self.candidates, self._signatures)
        if best_id is not None and best_score >= self.threshold:
            return replace(article, status="duplicate", duplicate_of=best_id,
                           reason=f"near-duplicate (syndicated copy) of {best_id}, {best_score:.0%} similar")
        if word_values is not None:
            best_id, best_score = self._closest(position, word_values, self.word_candidates, self._word_signatures)
            if best_id is not None and best_score >= WORD_SET_THRESHOLD:
                return replace(article, status="duplicate", duplicate_of=best_id,
                               reason=f"near-duplicate (copy with words changed) of {best_id}, "
                               f"{best_score:.0%} of its words")
        self._keep(position, content_hash, article.id)
        return article

    def _closest(self, position: Position, values: np.ndarray | None, candidates: dict[Position, list[Position]],
                 signatures: dict[Position, np.ndarray]) -> tuple[str | None, float]:
        """The kept earlier candidate most similar to the article at `position` (signature `values`),
        and how similar."""
        best_id, best_score = None, 0.0
        if values is None:
            return best_id, best_score
        # Earliest first, so that of two equally close originals the first one read wins.
        for earlier in sorted(set(candidates.get(position, ()))):
            kept = self._kept.get(earlier)
            if kept is None or earlier not in signatures:
                continue
            score = similarity(values, signatures[earlier])
            if score > best_score:
                best_id, best_score = kept, score
        return best_id, best_score
