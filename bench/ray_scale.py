"""The Ray engine at scale: same answer as the local engine, 1 vs 2 workers, a synthetic archive.

1. Same answer (--same-answer): ECB+ (982 articles, or --same-answer-topics) through the
   local engine and through `run_on_ray` (2 workers): articles, story partition and
   conflicts compared; prints "same answer: yes/no" with the counts.
2. Workers: the first `--sample` ECB+ articles through `run_on_ray` with the REAL models
   on a local Ray with 1 and then 2 CPUs (one reading actor per CPU): articles/s,
   efficiency from 1 to 2 workers ((rate 2 / rate 1) / 2), each reading actor's peak
   resident memory, the driver's, and the load average of the machine during each run.
   Each actor encodes on the one CPU it holds, so 1 worker is one CPU's work. Ray starts its
   worker processes at niceness 15 (its `worker_niceness`): on a machine shared with other jobs
   they yield to every one of them while the driver does not, and the two runs get whatever the
   other jobs leave; RAY_worker_niceness=0 in the environment runs them at the driver's priority.
3. Archive: synthetic archives made from the ECB+ texts (copy k has its words of five letters
   or more respelled so that copies are neither duplicates nor one story, dates shifted by
   k * 3 weeks, more than the clustering window, outlets renamed), run whole at each of --sizes:
   seconds per 1,000 articles at each size (flat when time is linear), the time of each
   stage, and the driver's peak memory during the run: its heap (private anonymous memory,
   what its own structures take), its USS and its resident memory (both also count pages of
   Ray's object store it mapped). Run one size per process for a clean heap figure. Up to 20,000 articles are clustered as one block
   (as the local engine does); larger archives in blocks of days of at least 20,000.
   By default the archive runs with LIGHT STAND-IN MODELS: spaCy is replaced by a blank
   English tokenizer with a sentencizer and a flat parse (no tagger, parser or entities),
   the sentence encoder by a hashed bag of words. The reading rules, cleaning, MinHash
   duplicate shuffle, time-blocked clustering, story comparison and store writes all run
   as usual, so the figures measure the ENGINE'S OWN OVERHEAD (I/O, blocks, MinHash
   shuffle, time-blocked clustering, store writes, driver memory), not spaCy's speed.
   --real-models runs the archive with the real models (hours for 200,000 on 2 cores).

Run: .venv/bin/python -m bench.ray_scale [--same-answer] [--sample 200] [--sizes 20000,200000]
     [--skip-workers] [--real-models]
It must be run as a module (`-m bench.ray_scale`): the stand-in models travel to Ray's
workers by value from `__main__`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import zlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import load_ecbplus

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

SYLLABLES = ("ar", "bel", "cor", "dun", "el", "fen", "gar", "hol", "ist", "jor", "kel", "lun", "mar", "nor")
LONG_WORD = re.compile(r"\b([A-Za-z]{5,})\b")
BASE_DAY = date(2015, 1, 5)
COPY_SHIFT_DAYS = 21  # copies further apart than the clustering window (14 days) never share a story


def answer(dossier: dict) -> dict:
    """What must not depend on the engine: articles, the story partition, and each story's conflicts."""
    return {
        "articles": sorted((a["id"], a["status"], a.get("duplicate_of")) for a in dossier["articles"]),
        "stories": sorted((s["id"], tuple(s["article_ids"])) for s in dossier["stories"]),
        "conflicts": {s["id"]: s["conflicts"] for s in dossier["stories"]},
    }


def answer_differences(local: dict, ray: dict) -> list[str]:
    """Where two answers differ, one line each (empty when they are the same)."""
    out = []
    a, b = answer(local), answer(ray)
    for kind in ("articles", "stories"):
        only_local, only_ray = set(a[kind]) - set(b[kind]), set(b[kind]) - set(a[kind])
        out += [f"{kind} only on the local engine: {x}" for x in sorted(only_local, key=str)]
        out += [f"{kind} only on Ray: {x}" for x in sorted(only_ray, key=str)]
    for story in sorted(set(a["conflicts"]) & set(b["conflicts"])):
        if a["conflicts"][story] != b["conflicts"][story]:
            out.append(f"conflicts of {story}: {len(a['conflicts'][story])} local, {len(b['conflicts'][story])} on Ray")
    return out


def ecbplus_jsonl(rows: list[dict], path: Path) -> Path:
    """ECB+ rows as the JSONL input a user would give (gold labels left out)."""
    path.write_text("".join(json.dumps({k: r[k] for k in ("id", "url", "source", "title", "text")}) + "\n"
                            for r in rows), encoding="utf-8")
    return path


def whole_topics(rows: list[dict], topics: set[int]) -> list[dict]:
    """The ECB+ rows of the given topics (every article of each), in corpus order."""
    return [r for r in rows if int(r["id"].split("_")[0]) in topics]


def respell(text: str, copy: int) -> str:
    """Words of five letters or more get a copy-specific ending, the same one wherever they occur: copy k
    tells the same stories in other words, so copies are neither duplicates of each other (in shingles
    or in their sets of words) nor each other's stories, while the articles of one copy relate as the
    originals do."""
    if copy == 0:
        return text

    def ending(match: re.Match) -> str:
        word = match.group(1)
        return word + SYLLABLES[zlib.crc32(f"{copy}:{word.lower()}".encode()) % len(SYLLABLES)] + str(copy)

    return LONG_WORD.sub(ending, text)


def synthetic_archive(rows: list[dict], size: int, path: Path) -> None:
    """`size` articles as JSONL: ECB+ texts, copy k respelled, k * 3 weeks later and from other outlets."""
    with path.open("w", encoding="utf-8") as handle:
        for n in range(size):
            copy, row = divmod(n, len(rows))
            row = rows[row]
            topic = int(row["id"].split("_")[0])
            day = BASE_DAY + timedelta(days=COPY_SHIFT_DAYS * copy + topic % 5)
            handle.write(json.dumps({
                "id": f"{row['id']}-{copy}", "title": respell(row["title"] or "", copy),
                "text": respell(row["text"], copy), "published": day.isoformat(),
                "source": f"outlet-{zlib.crc32(row['id'].encode()) % 40}-{copy % 7}",
            }) + "\n")


# ---- light stand-ins for spaCy and the encoder (the archive's default; see the module docstring)

STAND_IN_STOPWORDS = frozenset("""that this with from have been were they their there which would about after
said says will also into more than when what where while over under other some such only just very""".split())


class HashedEncoder:
    """Stand-in for the sentence encoder: signed feature hashing of the content words (four letters or
    more, weighted 1 + log count), L2-normalised, 384 dimensions. Unrelated texts come out near
    orthogonal and texts sharing their names and terms close, as with the real encoder."""

    dimensions = 384

    def encode(self, texts: list[str], **_: Any) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            counts: dict[str, int] = {}
            for word in re.findall(r"[a-z]{4,}", text.lower()):
                if word not in STAND_IN_STOPWORDS:
                    counts[word] = counts.get(word, 0) + 1
            for word, count in counts.items():
                code = zlib.crc32(word.encode())
                out[row, code % self.dimensions] += (1.0 if code & 1 << 20 else -1.0) * (1.0 + np.log(count))
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


def _flat_parse(doc: Any) -> Any:
    """Every sentence a flat tree under its first word: a valid parse at no cost (no tags, no entities)."""
    from spacy.tokens import Doc

    heads: list[int] = []
    deps: list[str] = []
    for sent in doc.sents:  # sentence by sentence: a token's own `.sent` costs a walk of its sentence
        heads += [sent.start] * len(sent)
        deps += ["ROOT"] + ["dep"] * (len(sent) - 1)
    words = [t.text for t in doc]
    parsed = Doc(doc.vocab, words=words, spaces=[bool(t.whitespace_) for t in doc], heads=heads, deps=deps)
    parsed._context = doc._context  # nlp.pipe(as_tuples=True) carries the article here
    return parsed


def stand_in_models(settings: Any) -> Any:
    """Models with light stand-ins for spaCy and the encoder; the real lexicon and rules."""
    import spacy
    from spacy.language import Language

    from storylens.pipeline import Models
    from storylens.read import load_lexicon

    if not Language.has_factory("bench_flat_parse"):
        Language.component("bench_flat_parse", func=_flat_parse)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("bench_flat_parse")
    return Models(nlp=nlp, encoder=HashedEncoder(),
                  lexicon=load_lexicon(settings.lexicon_path, settings.loaded_term_packs))


# ---- runs

def load_average() -> str:
    """The machine's 1-minute load average now (other jobs on the shared cores included)."""
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").is_file() else "?"


class DriverMemory:
    """Samples this process's memory while a run lasts (a thread, every half second); peaks in MB.

    `rss` is what the kernel counts resident, with the pages of libraries and of Ray's object
    store that this process mapped; `own` the pages this process alone holds (USS: private pages
    of every mapping, object-store pages that no other process has touched yet included); `heap`
    its private heap and anonymous memory alone, what the driver's own structures take.
    """

    def __init__(self) -> None:
        import threading

        self.rss = self.own = self.heap = 0.0
        self.heap_at_start: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "DriverMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while True:
            self.measure()
            if self._stop.wait(0.5):
                return

    def measure(self) -> None:
        rss, own, heap = memory_now()
        self.rss, self.own, self.heap = max(self.rss, rss), max(self.own, own), max(self.heap, heap)
        self.heap_at_start = heap if self.heap_at_start is None else self.heap_at_start


def memory_now() -> tuple[float, float, float]:
    """This process's resident memory, USS and heap (see `DriverMemory`) now, in MB."""
    smaps = Path("/proc/self/smaps")
    if not smaps.is_file():
        return 0.0, 0.0, 0.0
    rss = own = heap = 0.0
    anonymous = False
    for line in smaps.read_text().splitlines():
        key, _, value = line.partition(":")
        if not value.strip().endswith("kB"):  # a mapping's header: address range, ..., path
            fields = line.split()
            anonymous = len(fields) < 6 or fields[5] in ("[heap]", "[stack]")
            continue
        kb = float(value.split()[0]) / 1024
        if key == "Rss":
            rss += kb
        elif key in ("Private_Clean", "Private_Dirty"):
            own += kb
            heap += kb if anonymous else 0.0
    return rss, own, heap


def run_once(inputs: list[str], workers: int, load_models: Any = None, progress: Any = None,
             with_dossier: bool = True) -> tuple[float, Any, Any, DriverMemory]:
    """Seconds for one whole run on a fresh store and a fresh local Ray with `workers` CPUs; the summary,
    the dossier (None unless `with_dossier`) and the driver's memory during the run (the dossier not
    included)."""
    import ray

    from storylens.pipeline import dossier_from_store, no_progress
    from storylens.ray_engine import RayOptions, run_on_ray
    from storylens.settings import Settings
    from storylens.store import Store

    ray.init(address="local", num_cpus=workers, include_dashboard=False, log_to_driver=False)
    try:
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as folder, \
                Store(Path(folder) / "storylens.db") as store:
            with DriverMemory() as memory:
                start = time.perf_counter()
                summary = run_on_ray(store, inputs, Settings(), RayOptions(workers=workers, load_models=load_models),
                                     progress or no_progress)
                seconds = time.perf_counter() - start
            return seconds, summary, dossier_from_store(store) if with_dossier else None, memory
    finally:
        ray.shutdown()


def run_local(inputs: list[str]) -> tuple[float, dict]:
    from storylens.pipeline import Models, dossier_from_store, run
    from storylens.settings import Settings
    from storylens.store import Store

    settings = Settings()
    models = Models.load(settings)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "storylens.db") as store:
        start = time.perf_counter()
        run(store, inputs, settings, models)
        return time.perf_counter() - start, dossier_from_store(store)


class StageClock:
    """A progress callback that notes when the driver starts and ends each stage it shows.

    The engine materialises a stage's dataset before the driver walks it, so the gap before
    "storing articles" is reading the inputs, cleaning and the MinHash shuffle; before
    "reading articles" the actors' reading; before "comparing stories" the clustering.
    """

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        self.marks: list[tuple[str, float, float]] = []  # label, start, end (seconds since the run began)
        self.cpu: list[tuple[str, float, float]] = []  # label, the driver's CPU seconds at its start and end
        self.heaps: list[tuple[str, float, float]] = []  # label, the driver's heap (MB) at its start and end

    def __call__(self, items: Any, label: str, total: int | None = None) -> Any:
        start, heap, cpu = time.perf_counter() - self.started, memory_now()[2], time.process_time() - self.cpu_started
        yield from items
        self.marks.append((label, start, time.perf_counter() - self.started))
        self.cpu.append((label, cpu, time.process_time() - self.cpu_started))
        self.heaps.append((label, heap, memory_now()[2]))

    def stage(self, label: str) -> tuple[float, float]:
        """(gap before, time within) the stage, in seconds."""
        previous = 0.0
        for name, start, end in self.marks:
            if name == label:
                return start - previous, end - start
            previous = end
        return 0.0, 0.0

    def summary(self) -> str:
        names = {"storing articles": "inputs+clean+MinHash shuffle", "reading articles": "reading on actors",
                 "comparing stories": "clustering"}
        parts, previous = [], 0.0
        for label, start, end in self.marks:
            parts.append(f"{names.get(label, 'before ' + label)} {start - previous:.0f} s, {label} {end - start:.0f} s")
            previous = end
        return "; ".join(parts)

    def cpu_summary(self) -> str:
        """The driver's own CPU seconds before and within each stage: work the actors' cores share with it."""
        parts, previous = [], 0.0
        for label, start, end in self.cpu:
            parts.append(f"before {label} {start - previous:.1f} s, within {end - start:.1f} s")
            previous = end
        return "; ".join(parts)

    def heap_summary(self) -> str:
        return "; ".join(f"{label} {start:.0f} -> {end:.0f} MB" for label, start, end in self.heaps)


def same_answer(rows: list[dict], folder: Path) -> bool:
    corpus = ecbplus_jsonl(rows, folder / "ecbplus.jsonl")
    local_seconds, local = run_local([str(corpus)])
    ray_seconds, _, on_ray, _ = run_once([str(corpus)], 2)
    differences = answer_differences(local, on_ray)
    a = answer(local)
    print(f"ECB+ {len(rows)} articles: local {local_seconds:.0f} s, Ray (2 workers) {ray_seconds:.0f} s "
          f"(load average {load_average()})")
    print(f"  local: {sum(s == 'ok' for _, s, _ in a['articles'])} ok of {len(a['articles'])} articles, "
          f"{len(a['stories'])} stories, {sum(len(c) for c in a['conflicts'].values())} conflicts")
    b = answer(on_ray)
    print(f"  Ray:   {sum(s == 'ok' for _, s, _ in b['articles'])} ok of {len(b['articles'])} articles, "
          f"{len(b['stories'])} stories, {sum(len(c) for c in b['conflicts'].values())} conflicts")
    for line in differences[:20]:
        print("   ", line)
    print(f"same answer: {'yes' if not differences else 'no'} ({len(differences)} differences)")
    return not differences


def workers_scaling(rows: list[dict], sample: int, folder: Path) -> None:
    corpus = ecbplus_jsonl(rows[:sample], folder / "sample.jsonl")
    rates, reading_rates = {}, {}
    for workers in (1, 2):
        before = load_average()
        clock = StageClock()
        seconds, summary, _, memory = run_once([str(corpus)], workers, progress=clock, with_dossier=False)
        rates[workers] = summary.seen / seconds
        reading = sum(clock.stage("reading articles"))
        reading_rates[workers] = summary.new / reading if reading else 0.0
        peaks = ", ".join(f"{w} {mb:.0f} MB" for w, mb in sorted(summary.worker_peak_mb.items()))
        print(f"{workers} worker(s), real models: {summary.seen} articles in {seconds:.1f} s = "
              f"{rates[workers]:.2f} articles/s whole run; reading stage (actors starting and loading "
              f"models included) {reading:.1f} s = {reading_rates[workers]:.2f} articles/s; load average "
              f"{before} before, {load_average()} after; peak memory per reading actor: {peaks}; driver "
              f"{memory.heap:.0f} MB heap, {memory.own:.0f} MB own, {memory.rss:.0f} MB resident", flush=True)
        print(f"  stages: {clock.summary()}", flush=True)
        print(f"  driver CPU: {clock.cpu_summary()}", flush=True)
    print(f"efficiency 1 -> 2 workers: whole run {rates[2] / rates[1] / 2:.2f}, reading stage "
          f"{reading_rates[2] / max(reading_rates[1], 1e-9) / 2:.2f} (1.00 is linear; target >= 0.8; "
          "the 2 cores are shared with other jobs, see the load averages)")


def archive_runs(rows: list[dict], sizes: list[int], real_models: bool, folder: Path) -> None:
    models = "REAL models" if real_models else "LIGHT STAND-IN models (engine overhead, not spaCy speed)"
    for size in sizes:
        archive = folder / f"archive-{size}.jsonl"
        synthetic_archive(rows, size, archive)
        clock = StageClock()
        before = load_average()
        seconds, summary, _, memory = run_once([str(archive)], 2, None if real_models else stand_in_models, clock,
                                               with_dossier=False)
        archive.unlink()
        print(f"archive of {size:,} articles, 2 workers, {models}: {summary.new:,} stored, "
              f"{summary.stories_touched:,} stories; {seconds:.0f} s, {1000 * seconds / size:.1f} s per 1,000 "
              f"articles; load average {before} before, {load_average()} after; driver peaks during the run: "
              f"{memory.heap:.0f} MB heap ({memory.heap_at_start or 0:.0f} at its start), {memory.own:.0f} MB own (USS), {memory.rss:.0f} MB resident; reading "
              f"actors' peak {max(summary.worker_peak_mb.values(), default=0):.0f} MB", flush=True)
        print(f"  stages: {clock.summary()}", flush=True)
        print(f"  driver CPU: {clock.cpu_summary()}", flush=True)
        print(f"  driver heap at each stage's start and end: {clock.heap_summary()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--same-answer", action="store_true", help="compare the local and the Ray engine on ECB+")
    parser.add_argument("--same-answer-topics", default="",
                        help="with --same-answer: only these ECB+ topics (e.g. 1,3,5); default all 982 articles")
    parser.add_argument("--sample", type=int, default=200, help="ECB+ articles for the 1-vs-2-worker runs")
    parser.add_argument("--skip-workers", action="store_true", help="no 1-vs-2-worker runs")
    parser.add_argument("--sizes", default="20000,200000", help="synthetic archive sizes, comma-separated ('' none)")
    parser.add_argument("--real-models", action="store_true",
                        help="the archive with the real spaCy and encoder (hours at 200,000 articles on 2 cores); "
                        "by default light stand-ins measure the engine's own overhead")
    args = parser.parse_args()
    if __name__ != "__main__":
        sys.exit("run as a module: python -m bench.ray_scale")
    rows = load_ecbplus()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as name:
        folder = Path(name)
        if args.same_answer:
            topics = {int(t) for t in args.same_answer_topics.split(",") if t.strip()}
            same_answer(whole_topics(rows, topics) if topics else rows, folder)
        if not args.skip_workers:
            workers_scaling(rows, args.sample, folder)
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        if sizes:
            archive_runs(rows, sizes, args.real_models, folder)


if __name__ == "__main__":
    main()
