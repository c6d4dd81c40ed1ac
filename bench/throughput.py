"""Whole-pipeline throughput on ECB+ against a bare spaCy pass over the same texts.

Prints articles/s per stage and overall, peak RSS, and the ratio
(whole pipeline time / spaCy nlp.pipe time), measured in one process.
Run: .venv/bin/python -m bench.throughput [--limit N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench.common import load_ecbplus, peak_rss_mb, timed
from storylens.pipeline import Models, cluster_new, compare_stories, ingest_into, read_new
from storylens.settings import Settings
from storylens.store import Store


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
    load_time = time.perf_counter() - load_start
    loaded_rss = peak_rss_mb()

    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "ecbplus.jsonl"
        corpus.write_text("\n".join(json.dumps({k: r[k] for k in ("id", "url", "source", "title", "text")})
                                    for r in rows) + "\n", encoding="utf-8")
        stages: dict[str, float] = {}
        peaks: dict[str, float] = {}  # peak RSS so far, after each stage
        with Store(Path(folder) / "bench.db") as store:
            with timed(stages, "ingest+clean+dedupe"):
                ingest_into(store, [str(corpus)], settings)
            peaks["ingest+clean+dedupe"] = peak_rss_mb()
            with timed(stages, "read (spaCy + rules)"):
                read_new(store, models, settings)
            peaks["read (spaCy + rules)"] = peak_rss_mb()
            with timed(stages, "embed+cluster"):
                touched = cluster_new(store, models, settings)
            peaks["embed+cluster"] = peak_rss_mb()
            with timed(stages, "compare"):
                compare_stories(store, touched, models, settings)
            peaks["compare"] = peak_rss_mb()
            ok = len(store.articles(status="ok"))
            texts = [a.text for a in store.articles(status="ok")]
    total = sum(stages.values())

    spacy_start = time.perf_counter()
    for _ in models.nlp.pipe(texts, batch_size=settings.spacy_batch_size):
        pass
    spacy_time = time.perf_counter() - spacy_start

    print(f"articles: {len(rows)} in, {ok} ok; model load {load_time:.1f}s (not counted), "
          f"RSS after loading models {loaded_rss:.0f} MB")
    for name, seconds in stages.items():
        print(f"  {name:<22} {seconds:7.2f}s  {len(rows) / seconds:8.1f} articles/s  peak RSS so far {peaks[name]:5.0f} MB")
    print(f"  {'whole pipeline':<22} {total:7.2f}s  {len(rows) / total:8.1f} articles/s")
    print(f"  {'spaCy nlp.pipe alone':<22} {spacy_time:7.2f}s  {len(texts) / spacy_time:8.1f} articles/s")
    print(f"ratio whole pipeline / spaCy alone: {total / spacy_time:.2f}  (target <= 3)")
    print(f"peak RSS: {peak_rss_mb():.0f} MB  (target <= 1536)")


if __name__ == "__main__":
    main()
