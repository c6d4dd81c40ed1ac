"""Load on the web app: concurrent clients on loopback against a story page and its JSON twin.

Starts `storylens serve` on a free loopback port in a subprocess, runs N client threads
for a fixed time, and prints requests/s, p50 and p99 latency and the error count (must be 0).
Run: .venv/bin/python -m bench.web_load [--db FILE] [--clients 8] [--seconds 10]
Without --db a store is built from examples/ first (loads the models once).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent


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


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited with status {process.returncode}")
        try:
            if httpx.get(base + "/stories.json", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    sys.exit("the server did not answer within 30 s")


def hammer(base: str, paths: list[str], until: float, latencies: list[float], errors: list[str]) -> None:
    """One client: request the paths in turn until the deadline, recording each latency and any failure."""
    with httpx.Client(base_url=base, timeout=30) as client:
        n = 0
        while time.monotonic() < until:
            path = paths[n % len(paths)]
            n += 1
            start = time.perf_counter()
            try:
                response = client.get(path)
                ok = response.status_code == 200 and len(response.content) > 0
            except httpx.HTTPError as error:
                ok = False
                response = error  # type: ignore[assignment]
            latencies.append(time.perf_counter() - start)
            if not ok:
                errors.append(f"{path}: {getattr(response, 'status_code', response)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="store to serve (default: build one from examples/)")
    parser.add_argument("--story", help="story id to load (default: the one with most conflicts)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default: 8)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to run (default: 10)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        db = Path(args.db) if args.db else build_examples_store(Path(folder))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [sys.executable, "-m", "storylens.cli", "serve", "--db", str(db), "--port", str(port)],
            env={**os.environ, "STORYLENS_TOKEN": ""})
        try:
            wait_until_up(base, process)
            stories = httpx.get(base + "/stories.json?size=200").json()["stories"]
            if not stories:
                sys.exit("the store holds no stories")
            story = args.story or max(stories, key=lambda s: s["conflicts"])["story_id"]
            paths = [f"/stories/{story}", f"/stories/{story}.json"]
            for path in paths:  # warm up: first render and cache
                httpx.get(base + path, timeout=30).raise_for_status()
            latencies: list[float] = []
            errors: list[str] = []
            until = time.monotonic() + args.seconds
            started = time.perf_counter()
            threads = [threading.Thread(target=hammer, args=(base, paths, until, latencies, errors))
                       for _ in range(args.clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            process.terminate()
            process.wait(timeout=10)

    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")
    print(f"story {story}: {args.clients} clients for {args.seconds:g} s on {', '.join(paths)}")
    print(f"requests: {len(latencies)}   requests/s: {len(latencies) / elapsed:.1f}")
    print(f"latency p50: {statistics.median(ordered) * 1000:.1f} ms   p99: {p99 * 1000:.1f} ms")
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
