"""The work Ray runs: batch functions for Ray Data and the actors that hold the models.

Every function takes a batch (a dict of columns) and returns one; records travel between
stages pickled in a `record` column. Each one calls the local engine's stage functions.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import resource
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from ..clean import clean_document
from ..read import read_articles
from ..records import Article
from ..settings import Settings
from ..stories import build_inputs
from .blocks import BlockPlan, blocks_of, cluster_block
from .duplicates import band_keys, signature, word_signature
from .sources import read_chunk

Batch = dict[str, Any]
NO_DAY = 0  # the day column of an undated article (day numbers are proleptic ordinals, 1 and up)
ModelLoader = Callable[[Settings], Any]  # settings -> `pipeline.Models`; `Models.load` unless another is given


def prepare_chunks(batch: Batch, settings: Settings) -> Batch:
    """Chunks -> cleaned articles with their place in reading order and MinHash signature."""
    out: dict[str, list] = {"chunk": [], "position": [], "record": [], "signature": [], "words": []}
    for chunk in _rows(batch):
        for position, raw in enumerate(read_chunk(chunk, settings)):
            _add_article(out, chunk["chunk"], position, clean_document(raw, settings))
    return _columns(out)


def prepare_stored(batch: Batch) -> Batch:
    """Articles already in the store (pickled) -> the same columns, so later copies of them are found."""
    out: dict[str, list] = {"chunk": [], "position": [], "record": [], "signature": [], "words": []}
    for row in _rows(batch):
        _add_article(out, -1, int(row["position"]), pickle.loads(row["record"]))
    return _columns(out)


def _add_article(out: dict[str, list], chunk: int, position: int, article: Article) -> None:
    out["chunk"].append(chunk)
    out["position"].append(position)
    out["record"].append(pickle.dumps(article))
    # MinHash values are below 2**32: four bytes each keep the shuffle small.
    ok = article.status == "ok"
    out["signature"].append(signature(article).astype(np.uint32).tobytes() if ok else b"")
    words = word_signature(article) if ok else None
    out["words"].append(b"" if words is None else words.astype(np.uint32).tobytes())


def band_rows(batch: Batch, ranges: list[tuple[int, int]], word_ranges: list[tuple[int, int]]) -> Batch:
    """One row per (LSH band key, article) of the articles with text, keyed by an 8-byte hash of the band;
    `kind` 0 for bands of word shingles, 1 for bands of the set of words."""
    out: dict[str, list] = {"band": [], "kind": [], "chunk": [], "position": []}
    for row in _rows(batch):
        for kind, (column, layout, prefix) in enumerate((("signature", ranges, "s"), ("words", word_ranges, "w"))):
            if not row[column]:
                continue
            values = np.frombuffer(row[column], dtype=np.uint32)
            for key in band_keys(values, layout, prefix):
                out["band"].append(int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little",
                                                  signed=True))
                out["kind"].append(kind)
                out["chunk"].append(int(row["chunk"]))
                out["position"].append(int(row["position"]))
    return _columns(out)


def bucket_pairs(batch: Batch) -> Batch:
    """Every (later, earlier) pair of articles sharing one band key, and the key's kind."""
    members = sorted(zip((int(c) for c in batch["chunk"]), (int(p) for p in batch["position"])))
    kind = int(batch["kind"][0]) if len(batch["kind"]) else 0
    out: dict[str, list] = {"kind": [], "later_chunk": [], "later_position": [], "earlier_chunk": [],
                            "earlier_position": []}
    for i, later in enumerate(members):
        for earlier in members[:i]:
            if earlier != later:
                out["kind"].append(kind)
                out["later_chunk"].append(later[0])
                out["later_position"].append(later[1])
                out["earlier_chunk"].append(earlier[0])
                out["earlier_position"].append(earlier[1])
    return _columns(out)


def admitted_articles(batch: Batch, admitted: dict[tuple[int, int], str]) -> Batch:
    """The articles this run stored as "ok", under the ids they were stored with, to be read."""
    records = []
    for row in _rows(batch):
        final_id = admitted.get((int(row["chunk"]), int(row["position"])))
        if final_id is not None:
            article = pickle.loads(row["record"])
            records.append(pickle.dumps(article if article.id == final_id else replace(article, id=final_id)))
    return _columns({"record": records})


class ReadingWorker:
    """A Ray Data actor: loads spaCy and the encoder once, then reads and embeds batches of articles."""

    def __init__(self, settings: Settings, load_models: ModelLoader | None = None) -> None:
        import ray

        from ..pipeline import Models

        self.settings = settings
        self.models = (load_models or Models.load)(settings)
        self.node = ray.get_runtime_context().get_node_id()
        self.worker = f"{self.node[:8]}:{os.getpid()}"

    def __call__(self, batch: Batch) -> Batch:
        articles = [pickle.loads(r) for r in batch["record"]]
        out: dict[str, list] = {"article_id": [], "reading": [], "item": [], "day": [], "error": [], "node": [],
                                "worker": [], "peak_mb": []}
        readings, failed = [], []
        try:
            readings = list(read_articles(articles, self.models.nlp, self.models.lexicon, self.settings))
        except Exception:  # noqa: BLE001 - find the article at fault, read the rest
            for article in articles:
                try:
                    readings += read_articles([article], self.models.nlp, self.models.lexicon, self.settings)
                except Exception as error:  # noqa: BLE001 - spaCy and the rules can fail on odd text
                    failed.append((article.id, f"unreadable: the reader failed: {error}"))
        for reading, item in zip(readings, build_inputs(readings, self.models.encoder)):
            for key, value in (("article_id", item.article_id), ("reading", pickle.dumps(reading)),
                               ("item", pickle.dumps(item)), ("day", item.day or NO_DAY), ("error", ""),
                               ("node", self.node)):
                out[key].append(value)
        for article_id, reason in failed:
            for key, value in (("article_id", article_id), ("reading", b""), ("item", b""), ("day", NO_DAY),
                               ("error", reason), ("node", self.node)):
                out[key].append(value)
        out["worker"] = [self.worker] * len(out["node"])
        out["peak_mb"] = [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024] * len(out["node"])
        return _columns(out)


def block_rows(batch: Batch, plan: BlockPlan) -> Batch:
    """Read articles -> one row per block each is clustered in (two near a block edge)."""
    out: dict[str, list] = {"block": [], "item": []}
    for item, day, error in zip(batch["item"], batch["day"], batch["error"]):
        if error:
            continue  # an article the reader failed on is in no story
        for block in blocks_of(None if day == NO_DAY else int(day), plan):
            out["block"].append(block)
            out["item"].append(item)
    return _columns(out)


def cluster_group(batch: Batch, settings: Settings, plan: BlockPlan, document_frequency: Counter[str],
                  articles: int) -> Batch:
    """One block's articles -> where the local clustering puts them."""
    items = [pickle.loads(i) for i in batch["item"] if len(i)]
    block = int(batch["block"][0])
    placements = cluster_block(block, items, settings, plan, document_frequency, articles)
    return _columns({"record": [pickle.dumps(p) for p in placements]})


class StoryComparer:
    """A Ray actor holding the encoder: builds one story's dossier per call."""

    def __init__(self, settings: Settings, load_models: ModelLoader | None = None) -> None:
        from ..embed import load_encoder

        self.settings = settings
        self.encoder = (load_models(settings).encoder if load_models
                        else load_encoder(quantized=settings.encoder_quantized))

    def compare(self, story_id: str, members: list[tuple[str, str]], readings: bytes) -> tuple[str, str, dict, str]:
        """The story's headline and dossier dict, and the Ray node that built them."""
        import ray

        from ..pipeline import story_dossier

        headline, data = story_dossier(story_id, members, pickle.loads(readings), self.encoder, self.settings)
        return story_id, headline, data, ray.get_runtime_context().get_node_id()


def _rows(batch: Batch) -> list[dict[str, Any]]:
    columns = list(batch)
    size = len(batch[columns[0]]) if columns else 0
    return [{c: batch[c][i] for c in columns} for i in range(size)]


_OBJECT_COLUMNS = frozenset({"record", "signature", "words", "reading", "item", "error", "node", "article_id",
                             "worker"})
_FLOAT_COLUMNS = frozenset({"peak_mb"})


def _columns(out: dict[str, list]) -> Batch:
    """Lists as numpy columns, with the same types when a batch is empty."""
    return {key: np.array(values, dtype=object if key in _OBJECT_COLUMNS else np.float64 if key in _FLOAT_COLUMNS
                          else np.int64) for key, values in out.items()}
