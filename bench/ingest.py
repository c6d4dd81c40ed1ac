"""Ingest quality and throughput.

Extraction quality: the article extraction benchmark beside the repository (181 real pages and the
article body a person extracted from each), scored with the benchmark's own metric for storylens
(read + clean, as `storylens analyze` reads a saved page) and for bare `trafilatura.extract` in the
same run, with the pages where storylens falls furthest behind trafilatura and behind the truth.

Throughput: pages/s for HTML and text through read + clean, and the ratio to trafilatura's bare
`extract`; feed entries fetched from a local server with a set latency, one at a time and
`fetch_concurrency` at a time.

Usage: python bench/ingest.py [--rounds N] [--ecbplus PATH] [--extraction PATH] [--latency SECONDS]
                              [--only extraction|throughput] [--worst N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
EXTRACTION = REPO.parent / "shared" / "bench" / "extraction"
_TOKEN = re.compile(r"\w+")
SHINGLE = 4


@dataclass(frozen=True)
class PageScore:
    """One page's shingle counts, each divided by their sum so every page weighs the same."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        """None when nothing was predicted: the page is left out of the precision mean."""
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """None when the truth has no shingles: the page is left out of the recall mean."""
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float:
        precision, recall = self.precision or 0.0, self.recall or 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True)
class BenchmarkScore:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of 4 consecutive \\w+ tokens of a text (a shorter text has none)."""
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def score_page(predicted: str, truth: str) -> PageScore:
    """Shared, only-predicted and only-true shingles of one page, normalised by their sum."""
    ours, true = shingles(predicted), shingles(truth)
    tp = sum((ours & true).values())
    fp = sum((ours - true).values())
    fn = sum((true - ours).values())
    total = tp + fp + fn
    return PageScore(tp / total, fp / total, fn / total) if total else PageScore(0.0, 0.0, 0.0)


def score_benchmark(pages: list[PageScore]) -> BenchmarkScore:
    """Precision and recall as means over pages (pages without predicted or true shingles left out of each)."""
    precisions = [p for p in (page.precision for page in pages) if p is not None]
    recalls = [r for r in (page.recall for page in pages) if r is not None]
    return BenchmarkScore(
        statistics.fmean(precisions) if precisions else 0.0, statistics.fmean(recalls) if recalls else 0.0
    )


def extract_storylens(pages: dict[str, bytes], settings: Settings) -> dict[str, str]:
    """Article text storylens gives for each page saved as `<id>.html`; a rejected page gives ''."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for page_id, data in pages.items():
            path = Path(folder) / f"{page_id}.html"
            path.write_bytes(data)
            paths.append(str(path))
        texts = {Path(raw.input).stem: clean_document(raw, settings) for raw in read_inputs(paths, settings)}
    return {page_id: article.text if article.status == "ok" else "" for page_id, article in texts.items()}


def extract_bare(pages: dict[str, bytes]) -> dict[str, str]:
    """What `trafilatura.extract(html)` with its defaults gives for each page ('' for None)."""
    return {page_id: trafilatura.extract(data) or "" for page_id, data in pages.items()}


def load_extraction(folder: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    """The benchmark's true article bodies and its pages' bytes, by page id."""
    truth = {key: value["articleBody"] for key, value in json.loads((folder / "ground-truth.json").read_text("utf-8")).items()}
    pages = {page_id: gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes()) for page_id in sorted(truth)}
    return truth, pages


def run_extraction(folder: Path, settings: Settings, worst: int) -> None:
    truth, pages = load_extraction(folder)
    start = time.perf_counter()
    ours_text = extract_storylens(pages, settings)
    ours_seconds = time.perf_counter() - start
    start = time.perf_counter()
    bare_text = extract_bare(pages)
    bare_seconds = time.perf_counter() - start
    ours = {page_id: score_page(ours_text.get(page_id, ""), truth[page_id]) for page_id in pages}
    bare = {page_id: score_page(bare_text[page_id], truth[page_id]) for page_id in pages}
    print(f"Extraction benchmark: {len(pages)} pages ({folder})")
    for name, scores, seconds in (("storylens", ours, ours_seconds), ("trafilatura.extract", bare, bare_seconds)):
        total = score_benchmark(list(scores.values()))
        print(
            f"  {name:<20} F1 {total.f1:.4f}  P {total.precision:.4f}  R {total.recall:.4f}  "
            f"({sum(not text for text in (ours_text if scores is ours else bare_text).values())} empty, "
            f"{len(pages) / seconds:.1f} pages/s)"
        )
    deltas = sorted(pages, key=lambda page_id: ours[page_id].f1 - bare[page_id].f1)
    behind = [page_id for page_id in deltas if ours[page_id].f1 < bare[page_id].f1 - 0.05]
    print(f"  pages more than 0.05 F1 behind trafilatura.extract: {len(behind)}")
    print(f"  {worst} pages furthest behind trafilatura.extract (page F1 storylens / trafilatura, P, R):")
    for page_id in deltas[:worst]:
        print(f"    {page_id[:12]}  {ours[page_id].f1:.3f} / {bare[page_id].f1:.3f}  "
              f"P {_fmt(ours[page_id].precision)} / {_fmt(bare[page_id].precision)}  "
              f"R {_fmt(ours[page_id].recall)} / {_fmt(bare[page_id].recall)}")
    print(f"  {worst} pages with the lowest storylens F1:")
    for page_id in sorted(pages, key=lambda page_id: ours[page_id].f1)[:worst]:
        print(f"    {page_id[:12]}  F1 {ours[page_id].f1:.3f}  P {_fmt(ours[page_id].precision)}  R {_fmt(ours[page_id].recall)}")


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def time_per_item(work: Callable[[], int], rounds: int) -> tuple[float, int]:
    """Best-of-rounds seconds for one call of `work`, and how many items it handled."""
    best = float("inf")
    count = 0
    for _ in range(rounds):
        start = time.perf_counter()
        count = work()
        best = min(best, time.perf_counter() - start)
    return best, count


@contextmanager
def serve_pages(pages: list[bytes], latency: float) -> Iterator[str]:
    """A local server answering /<n>.html with pages[n] after `latency` seconds, and /feed.rss listing them."""
    base = ""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            if self.path == "/feed.rss":
                items = "".join(f"<item><title>Page {n}</title><link>{base}/{n}.html</link></item>" for n in range(len(pages)))
                feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>{items}</channel></rss>'
                body, media_type = feed.encode(), "application/rss+xml"
            elif self.path.endswith(".html") and self.path[1:-5].isdigit() and int(self.path[1:-5]) < len(pages):
                time.sleep(latency)
                body, media_type = pages[int(self.path[1:-5])], "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ecbplus", type=Path, default=ECBPLUS)
    parser.add_argument("--extraction", type=Path, default=EXTRACTION, help="folder of the extraction benchmark")
    parser.add_argument("--worst", type=int, default=10, help="pages to list under each worst-pages heading")
    parser.add_argument("--only", choices=("extraction", "throughput"), help="run one part")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the local server waits before each page")
    args = parser.parse_args()
    settings = Settings()
    if args.only != "throughput":
        if (args.extraction / "ground-truth.json").is_file():
            run_extraction(args.extraction, settings, args.worst)
        else:
            print(f"Extraction benchmark: skipped, no ground-truth.json in {args.extraction}")
        if args.only == "extraction":
            return
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
    with serve_pages([page.encode("utf-8") for page in pages], args.latency) as base:
        timings = {}
        for workers in (1, settings.fetch_concurrency):
            fetch_settings = settings.with_changes(fetch_concurrency=workers)
            start = time.perf_counter()
            fetched = [raw for raw in read_inputs([f"{base}/feed.rss"], fetch_settings) if raw.error is None]
            timings[workers] = time.perf_counter() - start
            print(
                f"feed: {len(fetched) / timings[workers]:8.1f} entry pages/s fetched {workers} at a time "
                f"({len(fetched)}/{len(pages)} ok, {args.latency:g} s server latency)"
            )
        print(f"      speed-up with fetch_concurrency={settings.fetch_concurrency}: {timings[1] / timings[settings.fetch_concurrency]:.2f}x")
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
