"""Ingest throughput: pages/s for HTML and text through read + clean, and the ratio to trafilatura's bare `extract`;
feed entries fetched from a local server with a set latency, one at a time and `fetch_concurrency` at a time.

Usage: python bench/ingest.py [--rounds N] [--ecbplus PATH] [--latency SECONDS]
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the local server waits before each page")
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
