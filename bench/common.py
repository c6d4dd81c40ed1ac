"""Shared helpers for the benchmarks: corpus loading, timing, memory, B-cubed scores."""

from __future__ import annotations

import json
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ECBPLUS = REPO.parent / "shared" / "bench" / "ecbplus.jsonl"


def load_ecbplus(path: Path = ECBPLUS) -> list[dict]:
    if not path.is_file():
        sys.exit(f"ECB+ corpus not found at {path}: it lives in ../shared/bench beside the repository")
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def timed(results: dict[str, float], name: str):
    start = time.perf_counter()
    yield
    results[name] = results.get(name, 0.0) + time.perf_counter() - start


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str], items: Iterable[str] | None = None) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering over the given items."""
    ids = list(items) if items is not None else list(gold)
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for i in ids:
        by_pred[predicted[i]].add(i)
        by_gold[gold[i]].add(i)
    precision = recall = 0.0
    for i in ids:
        cluster, klass = by_pred[predicted[i]], by_gold[gold[i]]
        both = len(cluster & klass)
        precision += both / len(cluster)
        recall += both / len(klass)
    p, r = precision / len(ids), recall / len(ids)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def topic_of(gold_label: str) -> int:
    return int(gold_label.split("_")[0])


def counts(values: Iterable[str]) -> Counter:
    return Counter(values)
