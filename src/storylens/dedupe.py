"""Duplicates: exact copies by content hash, syndicated copies by MinHash LSH over word 5-shingles
and over the set of words.

Word 5-shingles find a copy with a new headline or an added paragraph; the set of words finds a
copy with a few words changed all through it (each changed word breaks five shingles, so a text
99% the same can share only half its shingles), or with its sentences reordered. Either way the
copy never counts as an independent outlet's report.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
from collections.abc import Iterable
from dataclasses import replace

from datasketch import MinHash, MinHashLSH

from .clean import normalise_text
from .records import Article
from .settings import Settings

__all__ = ["DuplicateIndex", "mark_duplicates", "shingle_text"]

SHINGLE_WORDS = 5
NUM_PERM = 128
# Share of distinct words two texts must have in common to be copies with a few words changed; two
# independent reports of one event share far fewer. Short texts share words by chance, so it needs
# at least WORD_SET_MIN_WORDS distinct words.
WORD_SET_THRESHOLD = 0.8
WORD_SET_MIN_WORDS = 40
_WORD = re.compile(r"\w+")


def shingle_text(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Word `size`-shingles of the normalised text; a text shorter than that is one shingle."""
    words = _WORD.findall(normalise_text(text))
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def word_set(text: str) -> set[bytes]:
    """The distinct words of the normalised text."""
    return {w.encode("utf-8") for w in _WORD.findall(normalise_text(text))}


def _hash_shingle(data: bytes) -> int:
    # sha1 truncated to 32 bits: the hash datasketch documents, spelled out so results are stable.
    return struct.unpack("<I", hashlib.sha1(data).digest()[:4])[0]


@functools.cache
def _permutations() -> tuple[object, str]:
    # datasketch draws the same permutations for a seed on every call; drawing them once
    # halves the cost of a signature for short texts.
    first = MinHash(num_perm=NUM_PERM)
    return first.permutations, first.scheme


def _minhash(shingles: set[bytes]) -> MinHash:
    permutations, scheme = _permutations()
    signature = MinHash(num_perm=NUM_PERM, hashfunc=_hash_shingle, permutations=permutations, scheme=scheme)
    signature.update_batch(list(shingles))
    return signature


class DuplicateIndex:
    """Remembers the articles seen so far and flags later exact or near copies of them."""

    def __init__(self, settings: Settings) -> None:
        self.threshold = settings.near_duplicate_threshold
        self._exact: dict[str, str] = {}
        self._signatures: dict[str, MinHash] = {}
        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM)
        self._word_signatures: dict[str, MinHash] = {}
        # Candidates from a looser band layout, so that LSH misses few pairs near the threshold.
        self._word_lsh = MinHashLSH(threshold=WORD_SET_THRESHOLD - 0.2, num_perm=NUM_PERM)

    def __len__(self) -> int:
        return len(self._exact)

    def add(self, article: Article) -> None:
        """Remember an article (e.g. one already in a store) without checking it."""
        if article.status != "ok":
            return
        content_hash = article.content_hash or _hash_text(article.text)
        self._exact.setdefault(content_hash, article.id)
        if article.id in self._signatures:
            return
        signature = _minhash(shingle_text(article.text))
        self._signatures[article.id] = signature
        self._lsh.insert(article.id, signature)
        self._remember_words(article.id, word_set(article.text))

    def _remember_words(self, article_id: str, words: set[bytes]) -> None:
        if len(words) >= WORD_SET_MIN_WORDS:
            self._word_signatures[article_id] = signature = _minhash(words)
            self._word_lsh.insert(article_id, signature)

    def _closest_by_words(self, words: set[bytes]) -> tuple[str | None, float]:
        if len(words) < WORD_SET_MIN_WORDS:
            return None, 0.0
        signature = _minhash(words)
        best_id, best_score = None, 0.0
        for candidate in self._word_lsh.query(signature):
            score = signature.jaccard(self._word_signatures[candidate])
            if score > best_score:
                best_id, best_score = candidate, score
        return (best_id, best_score) if best_score >= WORD_SET_THRESHOLD else (None, 0.0)

    def check(self, article: Article) -> Article:
        """The article unchanged if new (and remembered), else a copy with status "duplicate" and `duplicate_of`.

        An exact copy shares its content hash with the original; its id is re-derived from
        the hash and its input so that the two records stay distinct.
        """
        if article.status != "ok":
            return article
        content_hash = article.content_hash or _hash_text(article.text)
        original = self._exact.get(content_hash)
        if original is not None:
            copy_id = hashlib.sha256(f"{content_hash}\n{article.input}".encode("utf-8")).hexdigest()[:12]
            return replace(
                article, id=copy_id, status="duplicate", duplicate_of=original, reason=f"exact copy of {original}"
            )
        signature = _minhash(shingle_text(article.text))
        best_id, best_score = None, 0.0
        for candidate in self._lsh.query(signature):
            score = signature.jaccard(self._signatures[candidate])
            if score > best_score:
                best_id, best_score = candidate, score
        if best_id is not None and best_score >= self.threshold:
            return replace(
                article,
                status="duplicate",
                duplicate_of=best_id,
                reason=f"near-duplicate (syndicated copy) of {best_id}, {best_score:.0%} similar",
            )
        words = word_set(article.text)
        word_copy_of, word_score = self._closest_by_words(words)
        if word_copy_of is not None:
            return replace(
                article,
                status="duplicate",
                duplicate_of=word_copy_of,
                reason=f"near-duplicate (copy with words changed) of {word_copy_of}, {word_score:.0%} of its words",
            )
        self._exact[content_hash] = article.id
        self._signatures[article.id] = signature
        self._lsh.insert(article.id, signature)
        self._remember_words(article.id, words)
        return article


def _hash_text(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def mark_duplicates(articles: Iterable[Article], settings: Settings) -> list[Article]:
    """The articles in order, later exact or near copies marked "duplicate" of the first seen."""
    index = DuplicateIndex(settings)
    return [index.check(article) for article in articles]
