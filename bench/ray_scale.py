"""The Ray engine at scale: articles/s with 1 and 2 workers, and a synthetic archive of growing size.

1. Workers: the first `--sample` ECB+ articles through `run_on_ray` on a local Ray with
   1 and then 2 CPUs (one reading actor per CPU): articles/s, efficiency from 1 to 2
   workers ((rate 2 / rate 1) / 2), and each reading actor's peak resident memory.
2. Archive: `--size` articles made from the ECB+ texts, copy k with its names respelled
   (so that copies are not near-duplicates of each other), dates shifted by k weeks and
   outlets renamed, written as JSONL and run whole at a few sizes up to `--size`: seconds
   per 1,000 articles at each size (flat when time is linear) and the driver's peak memory.

Run: .venv/bin/python -m bench.ray_scale [--sample 200] [--size 200000] [--steps 3] [--skip-workers]
The issue asks for --size 200000; on a 2-core machine that is hours of spaCy.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
import zlib
from datetime import date, timedelta
from pathlib import Path

from bench.common import load_ecbplus, peak_rss_mb

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

SYLLABLES = ("ar", "bel", "cor", "dun", "el", "fen", "gar", "hol", "ist", "jor", "kel", "lun", "mar", "nor")
CAPITALISED = re.compile(r"\b([A-Z][a-z]{2,})\b")
BASE_DAY = date(2015, 1, 5)


def respell(text: str, copy: int) -> str:
    """Capitalised words get a copy-specific ending: the same story about other people and places."""
    if copy == 0:
        return text

    def ending(match: re.Match) -> str:
        word = match.group(1)
        return word + SYLLABLES[zlib.crc32(f"{copy}:{word}".encode()) % len(SYLLABLES)] + str(copy % 97)

    return CAPITALISED.sub(ending, text)


def synthetic_archive(rows: list[dict], size: int, path: Path) -> None:
    """`size` articles as JSONL: ECB+ texts, copy k respelled, a week later and from other outlets."""
    with path.open("w", encoding="utf-8") as handle:
        for n in range(size):
            copy, row = divmod(n, len(rows))
            row = rows[row]
            topic = int(row["id"].split("_")[0])
            day = BASE_DAY + timedelta(days=7 * copy + topic % 5)
            handle.write(json.dumps({
                "id": f"{row['id']}-{copy}", "title": respell(row["title"] or "", copy),
                "text": respell(row["text"], copy), "published": day.isoformat(),
                "source": f"outlet-{zlib.crc32(row['id'].encode()) % 40}-{copy % 7}",
            }) + "\n")


def run_once(inputs: list[str], workers: int) -> tuple[float, object]:
    """Seconds for one whole run on a fresh store and a fresh local Ray with `workers` CPUs."""
    import ray

    from storylens.ray_engine import RayOptions, run_on_ray
    from storylens.settings import Settings
    from storylens.store import Store

    ray.init(address="local", num_cpus=workers, include_dashboard=False, log_to_driver=False)
    try:
        with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "storylens.db") as store:
            start = time.perf_counter()
            summary = run_on_ray(store, inputs, Settings(), RayOptions(workers=workers))
            return time.perf_counter() - start, summary
    finally:
        ray.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=200, help="ECB+ articles for the 1-vs-2-worker runs")
    parser.add_argument("--size", type=int, default=200_000, help="largest synthetic archive (0: none)")
    parser.add_argument("--steps", type=int, default=3, help="archive sizes run: size/2**(steps-1) ... size")
    parser.add_argument("--skip-workers", action="store_true", help="only the archive runs")
    args = parser.parse_args()
    rows = load_ecbplus()
    with tempfile.TemporaryDirectory() as folder:
        if not args.skip_workers:
            sample = Path(folder) / "sample.jsonl"
            synthetic_archive(rows[: args.sample], args.sample, sample)
            rates = {}
            for workers in (1, 2):
                seconds, summary = run_once([str(sample)], workers)
                rates[workers] = summary.seen / seconds
                peaks = ", ".join(f"{w} {mb:.0f} MB" for w, mb in sorted(summary.worker_peak_mb.items()))
                print(f"{workers} worker(s): {summary.seen} articles in {seconds:.1f} s = {rates[workers]:.2f} articles/s; "
                      f"peak memory per reading actor: {peaks}")
            print(f"efficiency 1 -> 2 workers: {rates[2] / rates[1] / 2:.2f} (1.00 is linear)")
        sizes = sorted({max(1, args.size // 2 ** k) for k in range(args.steps)}) if args.size > 0 else []
        for size in sizes:
            archive = Path(folder) / f"archive-{size}.jsonl"
            synthetic_archive(rows, size, archive)
            seconds, summary = run_once([str(archive)], 2)
            print(f"archive of {size:,} articles ({summary.new:,} stored, {summary.stories_touched:,} stories): "
                  f"{seconds:.1f} s, {1000 * seconds / size:.1f} s per 1,000 articles; "
                  f"driver peak memory so far {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
