"""The run on Ray: the local engine's stages, spread over a cluster, into the same store.

Ray Data reads the inputs in chunks and cleans and signs each article in parallel, with its
LSH band keys; reduce tasks group the keys (a shuffle) to find near-duplicate candidates; the
driver replays the local admission rules in reading order, stores the articles and puts the
ones to read into the object store in reading batches; an actor pool reads and embeds them
(each actor loads spaCy and the encoder once) while the driver stores the readings as they
come; stories are clustered whole, or per block of days when the input is large (blocks.py),
one task per block; each story's dossier is built by a task on an encoder actor.

The driver keeps nothing per article of the whole input: keys, ids and signatures only of the
articles that share a band or their content with another (the copies), and what it streams
(rows to store, batches to read, stories to save) one part at a time; texts, readings,
vectors, term counts and stories stay in the object store and the SQLite store, and no
N x N structure is built anywhere. Actors restart and their
tasks are retried when a worker dies; a run stopped as a whole resumes where the store says
it stopped: stored inputs are skipped, unread or unplaced articles are read and placed,
stories without a dossier are compared.
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
from .blocks import BLOCK_ARTICLES, blocks_of, plan_blocks, term_counts
from .duplicates import WORD_LSH_THRESHOLD, DuplicateResolver, band_ranges
from .sources import spread_chunks
from .workers import (ACTOR_CPUS, BAND_COLUMNS, NO_DAY, ModelLoader, ReadingWorker, StoryComparer, bucket_pairs,
                      cluster_block_items, merge_placements, prepare_chunks, prepare_stored,
                      sum_counts)

READ_BATCH = 64  # articles per call of a reading actor
TAIL_CALLS = 4  # calls per reading actor that the last articles of a run are cut into
ITEM_TABLE_ROWS = 1024  # read articles per table kept for clustering


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
    comparers = _Comparers(settings, options)
    try:
        summary = RayRunSummary()
        # Runs on one store take turns, on either engine, as `pipeline.run` does.
        with store.exclusive():
            had_stories = bool(store.story_sizes())
            prepared = _prepare(store, inputs, settings, options)
            to_read = _admit(store, prepared, settings, options, summary, progress)
            del prepared
            read = _read(store, to_read, settings, options, summary, progress)
            del to_read
            if had_stories:
                # New articles are placed one by one into existing stories, as the local engine does.
                from ..embed import load_encoder

                models = (options.load_models(settings) if options.load_models else
                          Models(nlp=None, encoder=load_encoder(quantized=settings.encoder_quantized), lexicon=None))
                touched = cluster_new(store, models, settings)
            else:
                touched = _cluster(store, read, settings, options, comparers)
            del read
            missing = store.stories_without_dossier()
            _compare(store, touched | missing | store.stale_story_ids(), options, comparers, progress, summary.nodes)
        summary.stories_touched = len(touched)
        return summary
    finally:
        comparers.stop()
        if started:
            ray.shutdown()


class _TableWriter:
    """Rows put into the object store as Arrow tables of `size` rows as they come: the driver keeps
    only the tables' refs, never the rows of the whole input."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.rows: list[dict[str, Any]] = []
        self.tables: list[Any] = []  # ObjectRef[pyarrow.Table]
        self.count = 0

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa
        import ray

        if self.rows:
            self.tables.append(ray.put(pa.Table.from_pylist(self.rows)))
            self.rows = []


class _ReadQueue(_TableWriter):
    """The articles to read, as tables of one reading call each: READ_BATCH articles while the input
    streams in, and the last ones cut smaller, so that the actors finish together: a run ends when
    its slowest actor does, and a whole batch left to one actor at the end idles the others. The
    rows of those last calls (at most what all actors take in two rounds, plus one batch) wait on
    the driver until the input ends."""

    def __init__(self, workers: int) -> None:
        super().__init__(READ_BATCH)
        self.workers = max(1, workers)
        self.held = 2 * self.workers * READ_BATCH

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= self.held + self.size:
            rows, self.rows = self.rows[self.size:], self.rows[:self.size]
            self.flush()
            self.rows = rows

    def close(self) -> list[Any]:
        """The tables: the held rows in TAIL_CALLS calls per actor."""
        rows, self.rows = self.rows, []
        size = max(1, -(-len(rows) // (TAIL_CALLS * self.workers)))
        for begin in range(0, len(rows), size):
            self.rows = rows[begin:begin + size]
            self.flush()
        return self.tables


def _prepare(store: Store, inputs: Sequence[str], settings: Settings, options: RayOptions) -> Any:
    """Cleaned articles with signatures and band keys in reading order, the store's own "ok" articles
    first (chunk -1), streamed from the store into the object store a table at a time."""
    import ray

    ranges = {"shingles": band_ranges(settings.near_duplicate_threshold), "words": band_ranges(WORD_LSH_THRESHOLD)}
    chunks = spread_chunks(inputs, 2 * max(1, options.workers))
    prepared = ray.data.from_items(chunks or [{}], override_num_blocks=max(1, min(len(chunks), 1000)))
    if not chunks:
        prepared = prepared.limit(0)
    prepared = prepared.map_batches(prepare_chunks, batch_size=1, fn_kwargs={"settings": settings, "ranges": ranges})
    stored = _TableWriter(ITEM_TABLE_ROWS)
    for i, article in enumerate(store.iter_articles(status="ok")):
        stored.add({"position": i, "record": pickle.dumps(article)})
    stored.flush()
    if stored.tables:
        prepared = (ray.data.from_arrow_refs(stored.tables)
                    .map_batches(prepare_stored, batch_size=256, fn_kwargs={"ranges": ranges}).union(prepared))
    return prepared.materialize()


def _candidate_pairs(prepared: Any) -> dict[int, np.ndarray]:
    """(later, earlier) positions of articles sharing an LSH band or their content, by kind of key
    (0 word shingles, 1 set of words, 2 content hash), as rows of (later chunk, later position,
    earlier chunk, earlier position).

    A shuffle by band key: each reduce task takes the keys of one partition from every prepared block.
    """
    import ray

    blocks = prepared.select_columns(["chunk", "position", *BAND_COLUMNS]).to_arrow_refs()
    partitions = max(1, min(64, prepared.count() // 5000))
    reduce = ray.remote(num_cpus=1)(bucket_pairs)
    found = ray.get([reduce.remote(p, partitions, *blocks) for p in range(partitions)])
    return {kind: np.concatenate([f[kind] for f in found]) for kind in range(len(BAND_COLUMNS))}


def _admit(store: Store, prepared: Any, settings: Settings, options: RayOptions,
           summary: RunSummary, progress: Progress) -> list[Any]:
    """Store the new articles in reading order, as `pipeline.ingest_into` decides; returns the tables
    of articles to read, one reading call each (this run's "ok" ones under the ids they were stored
    with, and the stored ones left over)."""
    resolver = DuplicateResolver(settings.near_duplicate_threshold)
    pairs = _candidate_pairs(prepared)
    for kind, pairs_of_kind in pairs.items():
        resolver.add_pairs((((a, b), (c, d)) for a, b, c, d in pairs_of_kind.tolist()), kind=kind)
    del pairs
    queue = _ReadQueue(options.workers)
    # Stored articles in no story (a run stopped before placing them) are read again, and placed.
    for article in store.iter_articles(status="ok", unplaced=True):
        queue.add({"record": pickle.dumps(article)})
    admission = Admission(store, settings, summary)
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
            queue.add({"record": row["record"] if stored is article else pickle.dumps(stored)})
    admission.commit()
    return queue.close()


def _read(store: Store, tables: list[Any], settings: Settings, options: RayOptions,
          summary: RayRunSummary, progress: Progress) -> _Readings:
    """Read and embed the queued articles on the actor pool; store readings and vectors as they come.
    Returns what clustering needs: tables of (article id, item, day) and counts over all of them."""
    import ray

    # Readings carry the version of the rules that made them, as on the local engine.
    rules_version = load_figure_rules(settings.figures_path).version
    out = _Readings()
    if not tables:
        return out
    read = ray.data.from_arrow_refs(tables).map_batches(
        ReadingWorker, batch_size=None,  # a table is one call: the queue cut them to size
        fn_constructor_kwargs={"settings": settings, "load_models": options.load_models},
        # Ray Data restarts a dead actor and retries its batches (max_restarts and max_task_retries -1).
        compute=ray.data.ActorPoolStrategy(size=max(1, options.workers)), num_cpus=ACTOR_CPUS)
    # Readings are stored while the actors read on: the driver's work overlaps theirs.
    for batch in progress(read.iter_batches(batch_size=None, batch_format="numpy"), "reading articles",
                          len(tables)):
        readings, items = [], []  # (article id, reading JSON), clustering inputs
        for worker, peak in zip(batch["worker"], batch["peak_mb"]):
            summary.worker_peak_mb[str(worker)] = max(float(peak), summary.worker_peak_mb.get(str(worker), 0.0))
        for article_id, reading, item, error, node in zip(batch["article_id"], batch["reading"], batch["item"],
                                                          batch["error"], batch["node"]):
            summary.nodes.add(str(node))
            if error:
                store.reject_article(str(article_id), str(error))
            elif reading:
                readings.append((str(article_id), str(reading)))
                items.append(pickle.loads(item))
                out.add_item(items[-1], item)
        store.save_reading_texts(readings, rules_version)
        store.save_vectors(items)
    out.flush()
    return out


class _Readings(_TableWriter):
    """The read articles clustering needs, in the object store as tables of (article_id, item, day),
    each with the document frequencies of names and key terms among its articles (summed by a
    task, never on the driver: the vocabulary grows with the input); on the driver only how
    many articles there are and how many per day."""

    def __init__(self) -> None:
        super().__init__(ITEM_TABLE_ROWS)
        self.table_counts: list[Any] = []  # ObjectRef[Counter[str]], one per table
        self.days: Counter[int | None] = Counter()
        self._counts: Counter[str] = Counter()

    def add_item(self, item: Any, pickled: bytes) -> None:
        self._counts.update(term_counts([item]))
        self.days[item.day] += 1
        self.add({"article_id": item.article_id, "item": pickled, "day": item.day or NO_DAY})

    def flush(self) -> None:
        import ray

        if self.rows:
            self.table_counts.append(ray.put(self._counts))
            self._counts = Counter()
        super().flush()


def _cluster(store: Store, read: _Readings, settings: Settings, options: RayOptions,
             comparers: _Comparers) -> set[str]:
    """Stories of a store that had none: the whole input clustered as one task, or blocks of days
    clustered as tasks, then merged at their edges by one more task."""
    import ray

    if not read.count:
        return set()
    plan = plan_blocks(read.days, settings, options.block_articles)
    if plan.whole:
        # One task clusters the whole input: encoder actors for the dossiers load on the CPUs it leaves.
        comparers.start(options.workers - 1)
    blocks = [0] if plan.whole else sorted({b for day in read.days for b in blocks_of(day, plan)})
    counts = ray.remote(num_cpus=1)(sum_counts).remote(*read.table_counts)
    cluster = ray.remote(num_cpus=1)(cluster_block_items)
    placements = [cluster.remote(block, plan, settings, counts, read.count, *read.tables) for block in blocks]
    # The placements go to the merging task as refs in a list: it fetches them itself. It gives the
    # stories back in parts, stored as they come: the driver never holds every article's story.
    merge = ray.remote(num_cpus=1, num_returns="streaming")(merge_placements)
    parts = merge.remote(placements, settings, counts, read.count, *read.tables)
    touched: set[str] = set()

    def assigned() -> Iterator[tuple[dict[str, str], dict[str, str], set[str]]]:
        for ref in parts:
            stories = ray.get(ref)
            ids = {story.id for story in stories}
            touched.update(ids)
            # The new stories are marked stale with their members, so a run stopped before their
            # dossiers are written compares them on the next run.
            yield ({a: story.id for story in stories for a in story.article_ids},
                   {a: why for story in stories for a, why in story.explanations}, ids)

    # One transaction: a run stopped while the parts come clusters the whole input again.
    store.save_assignment_parts(assigned())
    return touched


class _Comparers:
    """The encoder actors that build dossiers (StoryComparer), started in one or two rounds."""

    def __init__(self, settings: Settings, options: RayOptions) -> None:
        self.settings = settings
        self.options = options
        self.actors: list[Any] = []

    def start(self, count: int) -> list[Any]:
        """Up to `count` actors in all (at most the run's workers); returns them."""
        import ray

        comparer = ray.remote(num_cpus=ACTOR_CPUS, max_restarts=-1, max_task_retries=-1)(StoryComparer)
        while len(self.actors) < min(count, self.options.workers):
            self.actors.append(comparer.remote(self.settings, self.options.load_models))
        return self.actors

    def stop(self) -> None:
        import ray

        for actor in self.actors:
            ray.kill(actor)
        self.actors = []


def _compare(store: Store, story_ids: set[str], options: RayOptions, comparers: _Comparers, progress: Progress,
             nodes: set[str]) -> None:
    """One dossier task per story on a pool of encoder actors; the driver keeps a few in flight,
    the largest stories first, so that no actor is left with a long one at the end."""
    import ray

    sizes = store.story_sizes()  # the members of one story at a time are fetched when it is sent
    ids = sorted((s for s in story_ids if s in sizes), key=lambda s: (-sizes[s], s))
    if ids:
        actors = comparers.start(max(1, min(options.workers, len(ids))))
        queue = iter(ids)
        pending: dict[Any, Any] = {}  # task -> the actor it runs on

        def submit(actor: Any) -> None:
            story_id = next(queue, None)
            if story_id is not None:
                members = store.members_of(story_id)
                rows = store.reading_rows([a for a, _ in members])
                pending[actor.compare.remote(story_id, members, rows)] = actor

        def results() -> Iterator[tuple[str, str, str, str]]:
            # Two stories in flight per actor; a story done makes room for the next on the same actor.
            for actor in actors * 2:
                submit(actor)
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                submit(pending.pop(ready[0]))
                yield ray.get(ready[0])

        for story_id, headline, text, node in progress(results(), "comparing stories", len(ids)):
            store.save_encoded_dossier(story_id, headline, text)
            nodes.add(node)
    comparers.stop()
    store.drop_stale_dossiers(sizes)
