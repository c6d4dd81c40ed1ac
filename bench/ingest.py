"""Ingest throughput: pages/s for HTML and text through read + clean, and the ratio to trafilatura's bare `extract`.

Usage: python bench/ingest.py [--rounds N] [--ecbplus PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from storylens.clean import clean_document
from storylens.dedupe import mark_duplicates
from storylens.ingest import read_inputs
from storylens.records import RawDocument
from storylens.settings import Settings

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "data" / "ingest"
ECBPLUS = REPO.parent / "shared" / "bench" / "ecbplus.jsonl"


def time_per_item(work: Callable[[], int], rounds: int) -> tuple[float, int]:
    """Best-of-rounds seconds for one call of `work`, and how many items it handled."""
    best = float("inf")
    count = 0
    for _ in range(rounds):
        start = time.perf_counter()
        count = work()
        best = min(best, time.perf_counter() - start)
    return best, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ecbplus", type=Path, default=ECBPLUS)
    args = parser.parse_args()
    settings = Settings()
    html_paths = [str(p) for p in sorted(GOLD.glob("*.html"))]
    text_paths = [str(p) for p in sorted(GOLD.glob("*.txt"))]
    pages = [Path(p).read_text(encoding="utf-8") for p in html_paths]

    def run_ours(paths: list[str]) -> Callable[[], int]:
        return lambda: sum(clean_document(raw, settings).status == "ok" for raw in read_inputs(paths, settings))

    def run_bare() -> int:
        return sum(trafilatura.extract(page) is not None for page in pages)

    run_ours(html_paths)()  # warm imports and caches before timing
    ours_html, n_html = time_per_item(run_ours(html_paths), args.rounds)
    bare_html, _ = time_per_item(run_bare, args.rounds)
    ours_text, n_text = time_per_item(run_ours(text_paths * 20), args.rounds)
    print(f"HTML: {len(html_paths) / ours_html:8.1f} pages/s ({n_html}/{len(html_paths)} ok)")
    print(f"      trafilatura.extract alone: {len(pages) / bare_html:8.1f} pages/s; ratio ours/extract = {bare_html / ours_html:.2f}")
    print(f"text: {len(text_paths) * 20 / ours_text:8.1f} files/s ({n_text}/{len(text_paths) * 20} ok)")
    if args.ecbplus.is_file():
        rows = [json.loads(line) for line in args.ecbplus.read_text(encoding="utf-8").splitlines() if line.strip()]
        start = time.perf_counter()
        articles = [
            clean_document(RawDocument(input=row["id"], kind="record", body=row["text"], title=row["title"]), settings)
            for row in rows
        ]
        cleaned = time.perf_counter() - start
        marked = mark_duplicates(articles, settings)
        deduped = time.perf_counter() - start - cleaned
        duplicates = sum(article.status == "duplicate" for article in marked)
        print(
            f"ECB+: {len(rows) / cleaned:8.1f} records/s cleaned, {len(rows) / deduped:8.1f} records/s deduplicated, "
            f"{duplicates} duplicates"
        )


if __name__ == "__main__":
    main()
