"""Whole-pipeline throughput on ECB+ against the two models alone on the same texts.

Prints articles/s per stage and overall, peak RSS, and two ratios measured in one process:
whole pipeline time / spaCy nlp.pipe time over the article texts, and whole pipeline time /
(spaCy alone + encoder alone), where the encoder alone embeds once each distinct text the
pipeline gave the encoder (titles and leads for clustering, sentences for claims).

Each figure is given as wall-clock seconds and as CPU seconds of this process (all its
threads): on a machine shared with other work, wall time counts the waits for a core too,
while CPU time counts only the work, so the CPU ratios are the steadier ones.
Run: .venv/bin/python -m bench.throughput [--limit N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.common import load_ecbplus, peak_rss_mb
from storylens.embed import RememberingEncoder
from storylens.pipeline import Models, cluster_new, compare_stories, ingest_into, read_new
from storylens.settings import Settings
from storylens.store import Store


class RecordingEncoder:
    """The pipeline's encoder, noting every text it is given, so the bench can embed them alone."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        self.dimensions = encoder.dimensions
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += texts
        return self.encoder.encode(texts)


@contextmanager
def clocked(results: dict[str, tuple[float, float]], name: str) -> Iterator[None]:
    """Record (wall seconds, CPU seconds of this process) spent in the block under `name`."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    results[name] = (time.perf_counter() - wall, time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N articles")
    args = parser.parse_args()
    rows = load_ecbplus()
    if args.limit:
        rows = rows[: args.limit]
    settings = Settings()
    load_start = time.perf_counter()
    models = Models.load(settings)
    recording = RecordingEncoder(models.encoder)
    models = replace(models, encoder=recording)
    load_time = time.perf_counter() - load_start
    loaded_rss = peak_rss_mb()

    stages: dict[str, tuple[float, float]] = {}
    peaks: dict[str, float] = {}  # peak RSS so far, after each stage
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "ecbplus.jsonl"
        corpus.write_text("\n".join(json.dumps({k: r[k] for k in ("id", "url", "source", "title", "text")})
                                    for r in rows) + "\n", encoding="utf-8")
        with Store(Path(folder) / "bench.db") as store:
            with clocked(stages, "ingest+clean+dedupe"):
                ingest_into(store, [str(corpus)], settings)
            peaks["ingest+clean+dedupe"] = peak_rss_mb()
            with clocked(stages, "read (spaCy + rules)"):
                read_new(store, models, settings)
            peaks["read (spaCy + rules)"] = peak_rss_mb()
            with clocked(stages, "embed+cluster"):
                touched = cluster_new(store, models, settings)
            peaks["embed+cluster"] = peak_rss_mb()
            with clocked(stages, "compare"):
                compare_stories(store, touched, models, settings)
            peaks["compare"] = peak_rss_mb()
            texts = [a.text for a in store.articles(status="ok")]
    whole = tuple(sum(seconds[k] for seconds in stages.values()) for k in (0, 1))

    alone: dict[str, tuple[float, float]] = {}
    with clocked(alone, "spacy"):
        for _ in models.nlp.pipe(texts, batch_size=settings.spacy_batch_size):
            pass
    distinct = list(dict.fromkeys(recording.texts))
    # The bare encoder: the loaded one remembers every text of the run already.
    bare = recording.encoder.encoder if isinstance(recording.encoder, RememberingEncoder) else recording.encoder
    with clocked(alone, "encoder"):
        bare.encode(distinct)
    spacy, encoder = alone["spacy"], alone["encoder"]
    models_alone = (spacy[0] + encoder[0], spacy[1] + encoder[1])

    print(f"articles: {len(rows)} in, {len(texts)} ok; model load {load_time:.1f}s (not counted), "
          f"RSS after loading models {loaded_rss:.0f} MB")
    print(f"  {'':<22} {'wall':>8} {'CPU':>8}")
    for name, (wall, cpu) in stages.items():
        print(f"  {name:<22} {wall:7.2f}s {cpu:7.2f}s  {len(rows) / wall:8.1f} articles/s  "
              f"peak RSS so far {peaks[name]:5.0f} MB")
    print(f"  {'whole pipeline':<22} {whole[0]:7.2f}s {whole[1]:7.2f}s  {len(rows) / whole[0]:8.1f} articles/s")
    print(f"  {'spaCy nlp.pipe alone':<22} {spacy[0]:7.2f}s {spacy[1]:7.2f}s  {len(texts) / spacy[0]:8.1f} articles/s")
    print(f"  {'encoder alone':<22} {encoder[0]:7.2f}s {encoder[1]:7.2f}s  {len(distinct) / encoder[0]:8.1f} texts/s "
          f"({len(distinct)} distinct of the {len(recording.texts)} texts the pipeline embedded)")
    print(f"ratio whole pipeline / spaCy alone: {whole[0] / spacy[0]:.2f} wall, {whole[1] / spacy[1]:.2f} CPU  "
          "(target <= 3)")
    print(f"ratio whole / (spaCy alone + encoder alone): {whole[0] / models_alone[0]:.2f} wall, "
          f"{whole[1] / models_alone[1]:.2f} CPU  (target <= 1.5)")
    print(f"peak RSS: {peak_rss_mb():.0f} MB  (target <= 1536)")


if __name__ == "__main__":
    main()
