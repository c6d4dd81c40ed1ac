"""Load on the web app: readers and writers together, on loopback.

Starts `storylens serve` on a free loopback port in a subprocess (with a token), then runs
reader threads (story list, story page and its JSON twin, articles, outlets) while 20 writer
threads post new articles through the API. Prints read latency p50/p95/p99 during the writes,
the error count (must be 0), write throughput, and checks that every posted article is in the
store exactly once afterwards. Target on this machine: reads p95 under 100 ms.

Run: .venv/bin/python -m bench.web_load [--db FILE] [--readers 8] [--writers 20] [--posts 3]
Without --db a store is built from examples/ first (loads the models once).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"
PLACES = ["Corvath", "Pellam", "Orrin Falls", "Veldana", "Greyhollow", "Lakeland", "Marrow Bay", "Tessin"]
SENTENCES = [
    "Officials in {p} said {n} people had been moved to shelters overnight.",
    "The council of {p} will meet on Thursday to discuss the budget for road repairs.",
    "Police in {p} closed the bridge after inspectors found cracks in {n} supports.",
    "A spokesperson for the port authority said {n} containers were waiting to be unloaded.",
    "Teachers in {p} voted to accept a pay offer of {n} percent, the union said.",
    "The regional airline cancelled {n} flights because of fog over {p}.",
    "Farmers near {p} warned that the harvest could be {n} tonnes smaller than last year.",
    "The mayor of {p} denied that the water plant had been neglected.",
    "Hospital staff in {p} treated {n} patients for smoke inhalation, a doctor said.",
    "A court in {p} fined the operator {n} thousand euros for breaching safety rules.",
    "Engineers estimate that repairs in {p} will take at least {n} weeks.",
    "Residents of {p} said the alarm sounded far too late.",
    "The ministry said {n} inspectors had been sent to {p} on Monday.",
    "Shops in the old town of {p} stayed shut for a second day.",
    "Volunteers handed out {n} blankets at the sports hall in {p}.",
    "The opposition called for an inquiry into the handling of the crisis in {p}.",
]


def build_examples_store(folder: Path) -> Path:
    from storylens.pipeline import Models, run
    from storylens.settings import Settings
    from storylens.store import Store

    db = folder / "storylens.db"
    inputs = sorted(str(p) for p in (REPO / "examples").iterdir() if p.suffix in (".txt", ".html", ".jsonl"))
    with Store(db) as store:
        run(store, inputs, Settings(), Models.load(Settings()))
    return db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited with status {process.returncode}")
        try:
            if httpx.get(base + "/stories.json", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    sys.exit(f"the server did not answer within {timeout:g} s")


def posted_article(writer: int, number: int, rng: random.Random) -> dict[str, str]:
    """A distinct article: a marker title and six sentences drawn at random."""
    sentences = [s.format(p=rng.choice(PLACES), n=rng.randint(2, 9000)) for s in rng.sample(SENTENCES, 6)]
    return {"title": f"Load report w{writer}n{number}", "source": f"Bench Outlet {writer % 7}",
            "published": f"2026-04-{1 + (writer + number) % 28:02d}", "text": " ".join(sentences)}


def read_until(base: str, paths: list[str], stop: threading.Event, latencies: list[float],
               errors: list[str]) -> None:
    """One reader: request the paths in turn until told to stop, recording each latency and any failure."""
    with httpx.Client(base_url=base, timeout=60) as client:
        n = 0
        while not stop.is_set():
            path = paths[n % len(paths)]
            n += 1
            start = time.perf_counter()
            try:
                response = client.get(path)
                problem = None if response.status_code == 200 and response.content else str(response.status_code)
            except httpx.HTTPError as error:
                problem = type(error).__name__
            latencies.append(time.perf_counter() - start)
            if problem:
                errors.append(f"GET {path}: {problem}")


def write_posts(base: str, writer: int, posts: int, titles: list[str], errors: list[str]) -> None:
    """One writer: post articles one request at a time; a 429 is retried after the time the server asks."""
    rng = random.Random(writer)
    with httpx.Client(base_url=base, timeout=600, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        for number in range(posts):
            body = posted_article(writer, number, rng)
            for _attempt in range(20):
                try:
                    response = client.post("/api/articles", json={"articles": [body]})
                except httpx.HTTPError as error:
                    errors.append(f"POST w{writer}n{number}: {type(error).__name__}")
                    break
                if response.status_code == 429:
                    time.sleep(float(response.headers.get("retry-after", "1")))
                    continue
                if response.status_code != 201:
                    errors.append(f"POST w{writer}n{number}: {response.status_code} {response.text[:200]}")
                else:
                    titles.append(body["title"])
                break


def stored_titles(base: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    page = 1
    while True:
        data = httpx.get(f"{base}/articles.json", params={"page": page, "size": 200}, timeout=60).json()
        counts.update(a["title"] for a in data["articles"] if (a["title"] or "").startswith("Load report "))
        if not data["has_next"]:
            return counts
        page += 1


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="store to serve (default: build one from examples/); it is written to")
    parser.add_argument("--readers", type=int, default=8, help="concurrent readers (default: 8)")
    parser.add_argument("--writers", type=int, default=20, help="concurrent writers (default: 20)")
    parser.add_argument("--posts", type=int, default=3, help="articles each writer posts, one per request (default: 3)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        db = Path(args.db) if args.db else build_examples_store(Path(folder))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [sys.executable, "-m", "storylens.cli", "serve", "--db", str(db), "--port", str(port)],
            env={**os.environ, "STORYLENS_TOKEN": TOKEN})
        try:
            wait_until_up(base, process)
            stories = httpx.get(base + "/stories.json?size=200").json()["stories"]
            if not stories:
                sys.exit("the store holds no stories")
            story = max(stories, key=lambda s: s["conflicts"])["story_id"]
            paths = ["/stories", "/stories.json", f"/stories/{story}", f"/stories/{story}.json",
                     "/articles.json", "/outlets.json"]
            # Warm up: models load on the first write, pages render once.
            warm = httpx.post(base + "/api/articles", timeout=600, headers={"Authorization": f"Bearer {TOKEN}"},
                              json={"title": "Load report warm-up", "source": "Bench Outlet warm",
                                    "text": " ".join(s.format(p="Tessin", n=7) for s in SENTENCES[:6])})
            if warm.status_code != 201:
                sys.exit(f"the warm-up write failed: {warm.status_code} {warm.text[:300]}")
            for path in paths:
                httpx.get(base + path, timeout=60).raise_for_status()
            idle: list[float] = []
            read_until_count(base, paths, idle, 60)

            latencies: list[float] = []
            read_errors: list[str] = []
            write_errors: list[str] = []
            titles: list[str] = []
            stop = threading.Event()
            readers = [threading.Thread(target=read_until, args=(base, paths, stop, latencies, read_errors))
                       for _ in range(args.readers)]
            writers = [threading.Thread(target=write_posts, args=(base, w, args.posts, titles, write_errors))
                       for w in range(args.writers)]
            started = time.perf_counter()
            for thread in readers + writers:
                thread.start()
            for thread in writers:
                thread.join()
            write_seconds = time.perf_counter() - started
            stop.set()
            for thread in readers:
                thread.join()
            counts = stored_titles(base)
        finally:
            process.terminate()
            process.wait(timeout=30)

    expected = {f"Load report w{w}n{n}" for w in range(args.writers) for n in range(args.posts)}
    missing = sorted(expected - set(counts))
    doubled = sorted(t for t, c in counts.items() if c > 1)
    ordered = sorted(latencies)
    idle_sorted = sorted(idle)
    print(f"{args.readers} readers on {', '.join(paths)}")
    print(f"{args.writers} writers x {args.posts} posts: {len(titles)} accepted in {write_seconds:.1f} s "
          f"({len(titles) / write_seconds:.2f} articles/s)")
    print(f"reads during writes: {len(ordered)}   p50 {statistics.median(ordered) * 1000:.1f} ms   "
          f"p95 {percentile(ordered, 0.95) * 1000:.1f} ms   p99 {percentile(ordered, 0.99) * 1000:.1f} ms   "
          f"max {ordered[-1] * 1000:.1f} ms")
    print(f"reads with no writer (baseline, 1 client): p50 {statistics.median(idle_sorted) * 1000:.1f} ms   "
          f"p95 {percentile(idle_sorted, 0.95) * 1000:.1f} ms")
    errors = read_errors + write_errors
    print(f"errors: {len(errors)} ({len(read_errors)} reads, {len(write_errors)} writes)"
          + (f"; first: {errors[0]}" if errors else ""))
    print(f"posted articles present exactly once: {len(expected) - len(missing) - len(doubled)}/{len(expected)}"
          + (f"; missing {missing[:5]}" if missing else "") + (f"; doubled {doubled[:5]}" if doubled else ""))
    print(f"target reads p95 < 100 ms: {'met' if percentile(ordered, 0.95) < 0.1 else 'NOT met'}")
    if errors or missing or doubled:
        sys.exit(1)


def read_until_count(base: str, paths: list[str], latencies: list[float], count: int) -> None:
    """Baseline: one client, no writer, `count` reads over the paths."""
    with httpx.Client(base_url=base, timeout=60) as client:
        for n in range(count):
            start = time.perf_counter()
            client.get(paths[n % len(paths)]).raise_for_status()
            latencies.append(time.perf_counter() - start)


if __name__ == "__main__":
    main()
