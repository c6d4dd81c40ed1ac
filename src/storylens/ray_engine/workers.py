"""The work Ray runs: batch functions for Ray Data and the actors that hold the models.

Every function takes a batch (a dict of columns) and returns one; records travel between
stages pickled in a `record` column. Each one calls the local engine's stage functions.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import resource
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..clean import clean_document
from ..read import read_articles
from ..reading_json import reading_from_row, reading_to_json
from ..records import Article, Story
from ..settings import Settings
from ..stories import build_inputs
from .blocks import BlockPlan, Placement, blocks_of, cluster_block, merge_blocks, split_merged
from .duplicates import band_keys, signature, word_signature
from .sources import read_chunk

Batch = dict[str, Any]
NO_DAY = 0  # the day column of an undated article (day numbers are proleptic ordinals, 1 and up)
ModelLoader = Callable[[Settings], Any]  # settings -> `pipeline.Models`; `Models.load` unless another is given
# CPUs each actor holds: its encoder runs on as many threads, so that actors never contend for a core.
ACTOR_CPUS = 1
BandLayout = dict[str, list[tuple[int, int]]]  # "shingles" and "words": the (start, end) ranges of their bands
STORY_PART = 1000  # stories per part given back by `merge_placements`
PREPARED_COLUMNS = ("chunk", "position", "record", "signature", "words", "bands", "word_bands", "exact")
BAND_COLUMNS = ("bands", "word_bands", "exact")  # kinds of keys the shuffle groups by: 0, 1 and 2


def prepare_chunks(batch: Batch, settings: Settings, ranges: BandLayout) -> Batch:
    """Chunks -> cleaned articles with their place in reading order, MinHash signatures and LSH band keys."""
    out: dict[str, list] = {column: [] for column in PREPARED_COLUMNS}
    for chunk in _rows(batch):
        for position, raw in enumerate(read_chunk(chunk, settings)):
            _add_article(out, chunk["chunk"], position, clean_document(raw, settings), ranges)
    return _columns(out)


def prepare_stored(batch: Batch, ranges: BandLayout) -> Batch:
    """Articles already in the store (pickled) -> the same columns, so later copies of them are found."""
    out: dict[str, list] = {column: [] for column in PREPARED_COLUMNS}
    for row in _rows(batch):
        _add_article(out, -1, int(row["position"]), pickle.loads(row["record"]), ranges)
    return _columns(out)


def _add_article(out: dict[str, list], chunk: int, position: int, article: Article, ranges: BandLayout) -> None:
    out["chunk"].append(chunk)
    out["position"].append(position)
    out["record"].append(pickle.dumps(article))
    # MinHash values are below 2**32: four bytes each keep the rows small.
    ok = article.status == "ok"
    shingles = signature(article).astype(np.uint32) if ok else None
    words = word_signature(article) if ok else None
    words = None if words is None else words.astype(np.uint32)
    for column, bands, values, layout, prefix in (("signature", "bands", shingles, "shingles", "s"),
                                                   ("words", "word_bands", words, "words", "w")):
        out[column].append(b"" if values is None else values.tobytes())
        out[bands].append(b"" if values is None else band_hashes(values, ranges[layout], prefix).tobytes())
    # Exact copies share a key too, so the driver keeps content hashes only of articles that have copies.
    out["exact"].append(_hash64(f"x{article.content_hash or ''}").tobytes() if ok else b"")


def band_hashes(values: np.ndarray, layout: list[tuple[int, int]], prefix: str) -> np.ndarray:
    """The signature's LSH band keys as 8-byte hashes (int64), one per band."""
    return np.concatenate([_hash64(key) for key in band_keys(values, layout, prefix)])


def _hash64(key: str) -> np.ndarray:
    return np.array([int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little", signed=True)],
                    dtype=np.int64)


def bucket_pairs(partition: int, partitions: int, *blocks: Any) -> dict[int, np.ndarray]:
    """One reduce task of the band-key shuffle: the articles of all prepared blocks grouped by the keys
    that fall in this partition (key modulo `partitions`), and every (later, earlier) pair of articles
    sharing a key, by kind of key (0 word shingles, 1 set of words, 2 content hash), as rows of
    (later chunk, later position, earlier chunk, earlier position).

    Keys are picked and grouped as arrays (a sort), so that a task's time follows the keys of the
    whole input, not a Python step per key; only groups of two or more articles are walked."""
    out = {}
    for kind, column in enumerate(BAND_COLUMNS):
        keys, members = [np.zeros(0, dtype=np.int64)], [np.zeros((0, 2), dtype=np.int64)]
        for block in blocks:
            values = block.column(column).to_pylist()
            counts = np.fromiter((len(v) // 8 for v in values), dtype=np.int64, count=len(values))
            if not counts.any():
                continue
            found = np.frombuffer(b"".join(values), dtype=np.int64)
            rows = np.repeat(np.arange(len(values)), counts)
            chosen = found % partitions == partition
            place = np.stack([block.column("chunk").to_numpy(), block.column("position").to_numpy()], axis=1)
            keys.append(found[chosen])
            members.append(place[rows[chosen]].astype(np.int64))
        key, member = np.concatenate(keys), np.concatenate(members)
        order = np.lexsort((member[:, 1], member[:, 0], key))
        key, member = key[order], member[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        ends = np.r_[starts[1:], len(key)]
        pairs = []
        for start, end in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist()):
            group = sorted(set(map(tuple, member[start:end].tolist())))
            pairs += [(*later, *earlier) for i, later in enumerate(group) for earlier in group[:i]]
        out[kind] = np.array(pairs, dtype=np.int64).reshape(-1, 4)
    return out


class ReadingWorker:
    """A Ray Data actor: loads spaCy and the encoder once, then reads and embeds batches of articles."""

    def __init__(self, settings: Settings, load_models: ModelLoader | None = None) -> None:
        import ray

        from ..pipeline import Models

        self.settings = settings
        self.models = load_models(settings) if load_models else Models.load(settings, threads=ACTOR_CPUS)
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
            # Encoded here as the store keeps it: the driver only writes the text.
            for key, value in (("article_id", item.article_id), ("reading", reading_to_json(reading)),
                               ("item", pickle.dumps(item)), ("day", item.day or NO_DAY), ("error", ""),
                               ("node", self.node)):
                out[key].append(value)
        for article_id, reason in failed:
            for key, value in (("article_id", article_id), ("reading", ""), ("item", b""), ("day", NO_DAY),
                               ("error", reason), ("node", self.node)):
                out[key].append(value)
        out["worker"] = [self.worker] * len(out["node"])
        out["peak_mb"] = [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024] * len(out["node"])
        return _columns(out)


def cluster_block_items(block: int, plan: BlockPlan, settings: Settings, document_frequency: Counter[str],
                        articles: int, *tables: Any) -> list[Placement]:
    """One block's clustering: its articles picked by day from every table of read articles (columns
    item, day), and where the local clustering puts them."""
    items = []
    for table in tables:
        days = table.column("day").to_pylist()
        picked = [n for n, day in enumerate(days) if block in blocks_of(None if day == NO_DAY else day, plan)]
        if picked:
            column = table.column("item")
            items += [pickle.loads(column[n].as_py()) for n in picked]
    return cluster_block(block, items, settings, plan, document_frequency, articles)


def sum_counts(*counts: Counter[str]) -> Counter[str]:
    """The document frequencies of the whole run from those of each table of read articles."""
    total: Counter[str] = Counter()
    for part in counts:
        total.update(part)
    return total


def merge_placements(placements: list[Any], settings: Settings, document_frequency: Counter[str], articles: int,
                     *tables: Any) -> Iterator[list[Story]]:
    """Every story of the run, in parts of STORY_PART stories: the blocks' placements (refs, fetched
    here) merged where blocks share an article, and each merged story checked for a split; articles
    in arrival order, from the tables."""
    import ray

    order = {}
    for table in tables:
        for article_id, day in zip(table.column("article_id").to_pylist(), table.column("day").to_pylist()):
            order[article_id] = (day if day != NO_DAY else 10**9, article_id)  # as `stories.arrival_order`
    merged = merge_blocks((p for ref in placements for p in ray.get(ref)), order)
    # Stories that met at a block edge are checked for a split; only their articles are unpickled.
    wanted = {a for story in merged.stories if story.id in merged.merged for a in story.article_ids}
    items = {}
    for table in tables if wanted else ():
        for n, article_id in enumerate(table.column("article_id").to_pylist()):
            if article_id in wanted:
                items[article_id] = pickle.loads(table.column("item")[n].as_py())
    stories = split_merged(merged, items, order, settings, document_frequency, articles)
    del merged, items, order
    for begin in range(0, len(stories), STORY_PART):
        yield stories[begin:begin + STORY_PART]


class StoryComparer:
    """A Ray actor holding the encoder: builds one story's dossier per call."""

    def __init__(self, settings: Settings, load_models: ModelLoader | None = None) -> None:
        from ..embed import RememberingEncoder, load_encoder

        self.settings = settings
        self.encoder = (load_models(settings).encoder if load_models
                        else load_encoder(threads=ACTOR_CPUS, quantized=settings.encoder_quantized))
        if getattr(self.encoder, "text_by_text", False):
            # As the local engine's: a sentence met again in the stories of this actor is encoded once.
            self.encoder = RememberingEncoder(self.encoder)

    def compare(self, story_id: str, members: list[tuple[str, str]],
                rows: list[tuple[dict[str, Any], str]]) -> tuple[str, str, str, str]:
        """The story's headline and dossier as JSON, and the Ray node that built them, from its members'
        stored readings as `Store.reading_rows` gives them (decoded and encoded here, not on the driver)."""
        import ray

        from ..pipeline import story_dossier

        readings = {fields["id"]: reading_from_row(fields, data) for fields, data in rows}
        headline, dossier = story_dossier(story_id, members, readings, self.encoder, self.settings)
        return story_id, headline, json.dumps(dossier, ensure_ascii=False), ray.get_runtime_context().get_node_id()


def _rows(batch: Batch) -> list[dict[str, Any]]:
    columns = list(batch)
    size = len(batch[columns[0]]) if columns else 0
    return [{c: batch[c][i] for c in columns} for i in range(size)]


_OBJECT_COLUMNS = frozenset({"record", "signature", "words", "bands", "word_bands", "exact", "reading", "item", "error", "node",
                             "article_id", "worker"})
_FLOAT_COLUMNS = frozenset({"peak_mb"})


def _columns(out: dict[str, list]) -> Batch:
    """Lists as numpy columns, with the same types when a batch is empty."""
    return {key: np.array(values, dtype=object if key in _OBJECT_COLUMNS else np.float64 if key in _FLOAT_COLUMNS
                          else np.int64) for key, values in out.items()}
