"""The run on Ray: the local engine's stages, spread over a cluster, into the same store.

Ray Data reads the inputs in chunks and cleans and signs each article in parallel; LSH
band keys are grouped (a shuffle) to find near-duplicate candidates; the driver replays the
local admission rules in reading order and stores the articles; an actor pool reads and
embeds them (each actor loads spaCy and the encoder once); stories are clustered whole, or
per block of days when the input is large (blocks.py), and each story's dossier is built by a task on an encoder actor.

The driver streams every stage's results into the SQLite store and holds per article only
small keys (ids, positions, arrival order), never texts of the whole input nor an N x N
structure. Actors restart and their tasks are retried when a worker dies; a run stopped as
a whole resumes where the store says it stopped: stored inputs are skipped, unread or
unplaced articles are read and placed, stories without a dossier are compared.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..pipeline import Admission, Models, Progress, RunSummary, cluster_new, no_progress
from ..figures import load_figure_rules
from ..records import Article
from ..settings import Settings
from ..store import Store
from ..stories import arrival_order
from .blocks import BLOCK_ARTICLES, merge_blocks, plan_blocks, split_merged, term_counts
from .duplicates import WORD_LSH_THRESHOLD, DuplicateResolver, band_ranges
from .sources import list_chunks
from .workers import (ModelLoader, ReadingWorker, StoryComparer, admitted_articles, band_rows, block_rows,
                      bucket_pairs, cluster_group, prepare_chunks, prepare_stored)

READ_BATCH = 64  # articles per call of a reading actor


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide to run: `address` None starts a local Ray; `workers` reading actors.

    `load_models` (picklable, run on every actor) gives the models; None loads the real ones
    (`Models.load`). Benchmarks pass light stand-ins to measure the engine's own overhead.
    """

    address: str | None = None
    workers: int = 2
    load_models: ModelLoader | None = None
    block_articles: int = BLOCK_ARTICLES  # inputs up to this size are clustered whole, as the local engine does


@dataclass
class RayRunSummary(RunSummary):
    """What one run on Ray did, and on which Ray nodes."""

    nodes: set[str] = field(default_factory=set)  # Ray nodes that read articles or compared stories
    worker_peak_mb: dict[str, float] = field(default_factory=dict)  # reading actor -> its peak resident memory


def connect(options: RayOptions) -> bool:
    """Start or join Ray (no dashboard, no usage stats), and set how Ray Data runs our stages;
    True when this call started Ray."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    _configure_data(ray.data.DataContext.get_current())
    if ray.is_initialized():
        return False
    if options.address:
        ray.init(address=options.address, log_to_driver=False)
    else:
        # "local": a Ray of its own, never one another program started on this machine.
        ray.init(address="local", num_cpus=options.workers, include_dashboard=False, log_to_driver=False)
    return True


def _configure_data(context: Any) -> None:
    """How Ray Data runs this engine's stages (set on every run, whoever started Ray)."""
    # Ray Data's progress bars on a terminal (stage by stage), as the local engine shows its own.
    context.enable_progress_bars = sys.stderr.isatty()
    context.execution_options.preserve_order = True  # rows in reading order, as the local engine reads
    # Feed no actor before every one has loaded its models, so that work spreads over all of them.
    context.wait_for_min_actors_s = 600


def run_on_ray(store: Store, inputs: Sequence[str], settings: Settings, options: RayOptions,
               progress: Progress = no_progress) -> RayRunSummary:
    """The local `pipeline.run` on Ray: same store, same stories and dossiers."""
    import ray

    started = connect(options)
    try:
        summary = RayRunSummary()
        # Runs on one store take turns, on either engine, as `pipeline.run` does.
        with store.exclusive():
            had_stories = bool(store.story_members())
            prepared = _prepare(store, inputs, settings)
            admitted = _admit(store, prepared, settings, summary, progress)
            readings = _read(store, prepared, admitted, settings, options, summary, progress)
            if had_stories:
                # New articles are placed one by one into existing stories, as the local engine does.
                from ..embed import load_encoder

                models = (options.load_models(settings) if options.load_models else
                          Models(nlp=None, encoder=load_encoder(quantized=settings.encoder_quantized), lexicon=None))
                touched = cluster_new(store, models, settings)
            else:
                touched = _cluster(store, readings, settings, options.block_articles)
            missing = set(store.story_members()) - {d["id"] for d in store.story_dossiers()}
            _compare(store, touched | missing | store.stale_story_ids(), settings, options, progress, summary.nodes)
        summary.stories_touched = len(touched)
        return summary
    finally:
        if started:
            ray.shutdown()


def _prepare(store: Store, inputs: Sequence[str], settings: Settings) -> Any:
    """Cleaned articles with signatures in reading order, the store's own "ok" articles first (chunk -1)."""
    import ray

    chunks = list_chunks(inputs)
    prepared = ray.data.from_items(chunks or [{}], override_num_blocks=max(1, min(len(chunks), 1000)))
    if not chunks:
        prepared = prepared.limit(0)
    prepared = prepared.map_batches(prepare_chunks, batch_size=1, fn_kwargs={"settings": settings})
    stored = [{"position": i, "record": pickle.dumps(a)} for i, a in enumerate(store.articles(status="ok"))]
    if stored:
        prepared = ray.data.from_items(stored).map_batches(prepare_stored, batch_size=256).union(prepared)
    return prepared.materialize()


def _candidate_pairs(prepared: Any, settings: Settings) -> dict[int, set[tuple[tuple[int, int], tuple[int, int]]]]:
    """(later, earlier) positions of articles sharing an LSH band (grouped by band key), by kind of band
    (0 word shingles, 1 set of words)."""
    ranges = {"ranges": band_ranges(settings.near_duplicate_threshold), "word_ranges": band_ranges(WORD_LSH_THRESHOLD)}
    pairs: dict[int, set[tuple[tuple[int, int], tuple[int, int]]]] = {0: set(), 1: set()}
    for p in (prepared.map_batches(band_rows, fn_kwargs=ranges)
              .groupby("band", num_partitions=_partitions(prepared)).map_groups(bucket_pairs).iter_rows()):
        later, earlier = (p["later_chunk"], p["later_position"]), (p["earlier_chunk"], p["earlier_position"])
        pairs[int(p["kind"])].add((later, earlier))
    return pairs


def _partitions(dataset: Any) -> int:
    """Shuffle partitions: one per few thousand rows (Ray's default of 200 is slow on small inputs)."""
    return max(1, min(200, dataset.count() // 5000))


def _admit(store: Store, prepared: Any, settings: Settings, summary: RunSummary,
           progress: Progress) -> dict[tuple[int, int], str]:
    """Store the new articles in reading order, as `pipeline.ingest_into` decides; returns the ids
    of the "ok" ones by position."""
    resolver = DuplicateResolver(settings.near_duplicate_threshold)
    pairs = _candidate_pairs(prepared, settings)
    resolver.add_pairs(pairs[0])
    resolver.add_pairs(pairs[1], words=True)
    del pairs
    admission = Admission(store, settings, summary)
    admitted: dict[tuple[int, int], str] = {}
    # Blocks keep their order (preserve_order), so rows arrive in reading order, stored ones first.
    for row in progress(prepared.iter_rows(), "storing articles", None):
        position = (int(row["chunk"]), int(row["position"]))
        article: Article = pickle.loads(row["record"])
        hashvalues = np.frombuffer(row["signature"], dtype=np.uint32) if row["signature"] else None
        word_values = np.frombuffer(row["words"], dtype=np.uint32) if row["words"] else None
        if position[0] < 0:
            resolver.remember(position, article, hashvalues, word_values)
            continue
        stored = admission.admit(article, lambda a: resolver.check(position, a, hashvalues, word_values))  # noqa: B023
        if stored is not None and stored.status == "ok":
            admitted[position] = stored.id
    admission.commit()
    return admitted


def _read(store: Store, prepared: Any, admitted: dict[tuple[int, int], str], settings: Settings,
          options: RayOptions, summary: RayRunSummary, progress: Progress) -> Any:
    """Read and embed this run's new articles and any stored ones not placed yet (a resumed run);
    store readings and vectors. Returns the dataset of (item, day, error) rows for clustering."""
    import ray

    # Readings carry the version of the rules that made them, as on the local engine.
    rules_version = load_figure_rules(settings.figures_path).version
    placed = {a for members in store.story_members().values() for a, _ in members}
    new_ids = set(admitted.values())
    left_over = [a for a in store.articles(status="ok") if a.id not in placed and a.id not in new_ids]
    total = len(new_ids) + len(left_over)
    # Small inputs are cut so that every actor gets some; large ones in batches of READ_BATCH.
    batch_size = max(1, min(READ_BATCH, -(-total // (2 * max(1, options.workers)))))
    # Picking the admitted rows is light: it takes no CPU from the reading actors.
    to_read = prepared.map_batches(admitted_articles, fn_kwargs={"admitted": admitted}, num_cpus=0)
    if left_over:
        to_read = to_read.union(ray.data.from_items([{"record": pickle.dumps(a)} for a in left_over]))
    if total:
        # A task of the pool takes a whole block: blocks of one batch spread the work over every actor.
        # Cut before the pool starts, so that cutting never waits for a CPU an actor holds.
        to_read = to_read.repartition(-(-total // batch_size)).materialize()
    read = to_read.map_batches(
        ReadingWorker, batch_size=batch_size,
        fn_constructor_kwargs={"settings": settings, "load_models": options.load_models},
        # Ray Data restarts a dead actor and retries its batches (max_restarts and max_task_retries -1).
        compute=ray.data.ActorPoolStrategy(size=max(1, options.workers)), num_cpus=1).materialize()
    for batch in progress(read.iter_batches(batch_size=READ_BATCH, batch_format="numpy"), "reading articles",
                          (total + READ_BATCH - 1) // READ_BATCH):
        readings, items = [], []
        for worker, peak in zip(batch["worker"], batch["peak_mb"]):
            summary.worker_peak_mb[str(worker)] = max(float(peak), summary.worker_peak_mb.get(str(worker), 0.0))
        for article_id, reading, item, error, node in zip(batch["article_id"], batch["reading"], batch["item"],
                                                          batch["error"], batch["node"]):
            summary.nodes.add(str(node))
            if error:
                store.reject_article(str(article_id), str(error))
            elif reading:
                readings.append(pickle.loads(reading))
                items.append(pickle.loads(item))
        store.save_readings(readings, rules_version)
        store.save_vectors(items)
    return read.select_columns(["item", "day", "error"])


def _cluster(store: Store, read: Any, settings: Settings, block_articles: int) -> set[str]:
    """Stories of a store that had none: the whole input clustered as one task, or blocks of days
    clustered as tasks and merged at their edges."""
    counts: Counter[str] = Counter()
    order: dict[str, tuple[int, str]] = {}
    days: Counter[int | None] = Counter()
    for batch in read.iter_batches(batch_size=1024, batch_format="numpy"):
        items = [pickle.loads(i) for i, error in zip(batch["item"], batch["error"]) if not error]
        counts.update(term_counts(items))
        order.update((i.article_id, arrival_order(i)) for i in items)
        days.update(i.day for i in items)
    if not order:
        return set()
    plan = plan_blocks(days, settings, block_articles)
    blocks = read.map_batches(block_rows, fn_kwargs={"plan": plan}, num_cpus=0)
    placements = (blocks.groupby("block", num_partitions=max(1, min(len(plan.starts) + 2, 200)))
                  .map_groups(cluster_group, fn_kwargs={"settings": settings, "plan": plan,
                                                        "document_frequency": counts, "articles": len(order)})
                  .take_all())
    merged = merge_blocks((pickle.loads(p["record"]) for p in placements), order)
    # Stories that met at a block edge are checked for a split; only their articles are fetched.
    wanted = {a for story in merged.stories if story.id in merged.merged for a in story.article_ids}
    stories = split_merged(merged, _items_of(read, wanted), order, settings, counts, len(order))
    assignments = {a: story.id for story in stories for a in story.article_ids}
    explanations = {a: why for story in stories for a, why in story.explanations}
    # The new stories are marked stale with their members, so a run stopped before their
    # dossiers are written compares them on the next run.
    store.save_assignments(assignments, explanations, stale={story.id for story in stories})
    return {story.id for story in stories}


def _items_of(read: Any, wanted: set[str]) -> dict[str, Any]:
    """The clustering inputs of the wanted articles."""
    items = {}
    if wanted:
        for batch in read.iter_batches(batch_size=1024, batch_format="numpy"):
            for item, error in zip(batch["item"], batch["error"]):
                if not error and (found := pickle.loads(item)).article_id in wanted:
                    items[found.article_id] = found
    return items


def _compare(store: Store, story_ids: set[str], settings: Settings, options: RayOptions, progress: Progress,
             nodes: set[str]) -> None:
    """One dossier task per story on a pool of encoder actors; the driver keeps a few in flight."""
    import ray

    members = store.story_members()
    ids = [s for s in sorted(story_ids) if s in members]
    if ids:
        comparer = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=-1)(StoryComparer)
        actors = [comparer.remote(settings, options.load_models) for _ in range(max(1, min(options.workers, len(ids))))]
        queue = iter(ids)
        pending: set[Any] = set()

        def submit() -> None:
            story_id = next(queue, None)
            if story_id is not None:
                readings = {r.article.id: r for r in store.readings([a for a, _ in members[story_id]])}
                actor = actors[(len(ids) - len(pending)) % len(actors)]
                pending.add(actor.compare.remote(story_id, members[story_id], pickle.dumps(readings)))

        def results() -> Iterator[tuple[str, str, dict, str]]:
            for _ in range(2 * len(actors)):
                submit()
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                pending.discard(ready[0])
                submit()
                yield ray.get(ready[0])

        for story_id, headline, data, node in progress(results(), "comparing stories", len(ids)):
            store.save_story_dossier(story_id, headline, data)
            nodes.add(node)
        for actor in actors:
            ray.kill(actor)
    store.drop_stale_dossiers(members)
