"""Ingest at scale: many small JSONL records, and a gzip bomb in a WARC.

Prints the time per 1,000 records at each checkpoint (it should stay flat: ingest is linear in
the number of records and commits as it goes), the peak RSS, and how a WARC.gz that expands to
gigabytes is rejected (time, peak RSS, reason).

    .venv/bin/python bench/ingest_scale.py              # 100,000 records, then the bomb (a few minutes)
    .venv/bin/python bench/ingest_scale.py --full       # 1,000,000 records (about ten times longer)
    .venv/bin/python bench/ingest_scale.py --records 20000 --articles 0.5

Records are written to JSONL files of at most 19 MB each (under the 20 MB input cap) in a folder,
the way a large feed export arrives. Most are tiny (under min_text_chars, so each is stored as a
rejected record: the bare ingest path); a fraction (`--articles`, default 0.1) are short articles,
which also pass through cleaning, language detection and duplicate detection.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from bench.common import peak_rss_mb  # noqa: E402
from storylens.ingest import read_inputs  # noqa: E402
from storylens.pipeline import RunSummary, ingest_into  # noqa: E402
from storylens.settings import Settings  # noqa: E402
from storylens.store import Store  # noqa: E402

FILE_BYTES = 19_000_000
WORDS = ("council", "harbour", "ferry", "storm", "budget", "school", "bridge", "river", "court", "market",
         "police", "hospital", "railway", "election", "festival", "factory")


def record(n: int, article: bool) -> dict[str, str]:
    if not article:
        return {"id": f"r{n}", "text": f"note {n}"}
    a, b, c = WORDS[n % 16], WORDS[(n // 16) % 16], WORDS[(n // 256) % 16]
    return {"id": f"r{n}", "source": f"Outlet {n % 97}", "title": f"The {a} of district {n} and the {b}",
            "text": f"The {a} of district {n} reopened on day {n % 31} after the {b} works, the {c} office "
                    f"of ward {n * 7 % 1009} said; {n % 13} crews and {n % 17} boats were sent."}


def write_records(folder: Path, count: int, articles: float) -> int:
    """JSONL files of at most FILE_BYTES each; returns the bytes written."""
    total = 0
    part = 0
    handle = None
    size = 0
    step = round(1 / articles) if articles > 0 else 0
    for n in range(count):
        line = (json.dumps(record(n, bool(step) and n % step == 0), separators=(",", ":")) + "\n").encode()
        if handle is None or size + len(line) > FILE_BYTES:
            if handle is not None:
                handle.close()
            part += 1
            handle = (folder / f"part-{part:03d}.jsonl").open("wb")
            size = 0
        handle.write(line)
        size += len(line)
        total += len(line)
    if handle is not None:
        handle.close()
    return total


class Checkpoints:
    """A progress function for ingest_into that notes the time of every 1,000th record."""

    def __init__(self, marks: Iterable[int]) -> None:
        self.marks = sorted(set(marks))
        self.times: dict[int, float] = {}
        self.rss: dict[int, float] = {}

    def __call__(self, items: Iterable, label: str, total: int | None = None) -> Iterator:
        start = time.perf_counter()
        count = 0
        stamps = {0: 0.0}
        for item in items:
            yield item
            count += 1
            if count % 1000 == 0:
                stamps[count] = time.perf_counter() - start
                if count in self.marks:
                    # time per 1,000 over the (up to) 5,000 records before the checkpoint
                    window = min(5000, count)
                    self.times[count] = (stamps[count] - stamps[count - window]) / (window / 1000)
                    self.rss[count] = peak_rss_mb()
                    print(f"  at {count:,}: {self.times[count]:.3f} s per 1,000, {stamps[count]:.0f} s so far, "
                          f"peak RSS {self.rss[count]:.0f} MB", flush=True)


def bench_records(count: int, articles: float) -> None:
    marks = [m for m in (10_000, 30_000, 100_000, 300_000, 1_000_000) if m <= count] + [count - count % 1000]
    with tempfile.TemporaryDirectory(prefix="storylens-scale-") as folder:
        root = Path(folder)
        (root / "in").mkdir()
        size = write_records(root / "in", count, articles)
        print(f"{count:,} records in {len(list((root / 'in').iterdir()))} JSONL files, {size / 1e6:.0f} MB; "
              f"{articles:.0%} short articles, the rest tiny (rejected) records")
        checkpoints = Checkpoints(marks)
        summary = RunSummary()
        start = time.perf_counter()
        with Store(root / "scale.db") as store:
            with store.exclusive():
                ingest_into(store, [str(root / "in")], Settings(), checkpoints, summary)
        elapsed = time.perf_counter() - start
    print(f"ingested in {elapsed:.1f} s ({elapsed / count * 1000:.2f} s per 1,000 on average): "
          f"{summary.new:,} stored, {summary.status}")
    print("checkpoint    s per 1,000 records (over the 5,000 before it)    peak RSS MB")
    for mark in sorted(checkpoints.times):
        print(f"{mark:>10,}    {checkpoints.times[mark]:>8.3f}{'':42}{checkpoints.rss[mark]:>8.0f}")
    marks = sorted(checkpoints.times)
    if len(marks) > 1:
        ratio = checkpoints.times[marks[-1]] / checkpoints.times[marks[0]]
        print(f"time per 1,000 at {marks[-1]:,} / at {marks[0]:,}: {ratio:.2f} (1.0 is flat; a cost per record "
              f"growing with the records stored would give about {marks[-1] / marks[0]:.0f})")
    print(f"peak RSS after ingest: {peak_rss_mb():.0f} MB")


def _gzip_repeated(path: Path, head: bytes, fill: bytes, expanded: int, tail: bytes = b"") -> int:
    """A gzip file of `head`, then `fill` repeated to `expanded` bytes, then `tail` (one compressed
    block written many times as gzip members, so building a 3 GiB bomb takes a second); returns its size."""
    block = fill * (64 * 2**20 // len(fill))
    member = gzip.compress(block, compresslevel=9)
    with path.open("wb") as handle:
        handle.write(gzip.compress(head))
        for _ in range(expanded // len(block)):
            handle.write(member)
        if tail:
            handle.write(gzip.compress(tail))
    return path.stat().st_size


def warc_bomb(path: Path, expanded: int) -> int:
    """A .warc.gz with one HTML record whose body is `expanded` bytes of zeros."""
    http_head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bomb.example/\r\n"
            b"WARC-Record-ID: <urn:uuid:bomb>\r\nContent-Type: application/http; msgtype=response\r\n"
            b"Content-Length: " + str(len(http_head) + expanded).encode() + b"\r\n\r\n" + http_head)
    return _gzip_repeated(path, head, b"\0", expanded)


def lines_bomb(path: Path, expanded: int) -> int:
    """A .warc.gz with one HTML record whose body is `expanded` bytes of short lines."""
    http_head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bomb.example/\r\n"
            b"WARC-Record-ID: <urn:uuid:bomb>\r\nContent-Type: application/http; msgtype=response\r\n"
            b"Content-Length: " + str(len(http_head) + expanded).encode() + b"\r\n\r\n" + http_head)
    return _gzip_repeated(path, head, b"<p>" + b"x" * 60 + b"</p>\n", expanded)


def header_bomb(path: Path, expanded: int) -> int:
    """A .warc.gz whose first header line runs for `expanded` bytes."""
    return _gzip_repeated(path, b"WARC/1.0\r\nWARC-Type: response\r\nX-Padding: ", b"a", expanded, b"\r\n\r\n")


def bench_bombs(expanded: int) -> None:
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="storylens-bomb-") as folder:
        for name, build in (("zeros", warc_bomb), ("short lines", lines_bomb), ("header line", header_bomb)):
            path = Path(folder) / f"{name.replace(' ', '-')}.warc.gz"
            size = build(path, expanded)
            before = peak_rss_mb()
            start = time.perf_counter()
            docs = list(read_inputs([str(path)], settings))
            elapsed = time.perf_counter() - start
            reasons = "; ".join(d.error or "ok" for d in docs)
            print(f"gzip bomb ({name}): {size / 1e6:.1f} MB on disk, {expanded / 2**30:.1f} GiB expanded -> "
                  f"{elapsed:.1f} s, peak RSS {peak_rss_mb():.0f} MB (was {before:.0f}): {reasons}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000, help="records to ingest (default 100,000)")
    parser.add_argument("--full", action="store_true", help="ingest 1,000,000 records")
    parser.add_argument("--articles", type=float, default=0.1,
                        help="fraction of records that are short articles rather than tiny ones (default 0.1)")
    parser.add_argument("--bomb-gib", type=float, default=3.0, help="expanded size of the gzip bombs (default 3 GiB)")
    parser.add_argument("--skip-bomb", action="store_true", help="only the records")
    args = parser.parse_args()
    count = 1_000_000 if args.full else args.records
    bench_records(count, args.articles)
    if not args.skip_bomb:
        bench_bombs(int(args.bomb_gib * 2**30))
    print(f"peak RSS of the whole run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"pid {os.getpid()}")


if __name__ == "__main__":
    main()
