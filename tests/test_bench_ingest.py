"""The extraction benchmark's metric as bench/ingest.py implements it, and storylens's floor on the benchmark."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from storylens.settings import Settings

REPO = Path(__file__).resolve().parents[1]
EXTRACTION = REPO.parent / "shared" / "bench" / "extraction"
F1_FLOOR = 0.975
WORSE_THAN_BARE = 0.05


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_ingest", REPO / "bench" / "ingest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_ingest", module)
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def test_shingles_are_four_word_token_multisets() -> None:
    shingles = bench.shingles("The cat, the cat; the cat sat.")
    assert shingles[("The", "cat", "the", "cat")] == 1
    assert shingles[("cat", "the", "cat", "sat")] == 1
    assert sum(shingles.values()) == 4  # 7 tokens make 4 shingles
    assert bench.shingles("too short here") == {}


def test_page_counts_are_normalised_by_their_sum() -> None:
    score = bench.score_page("one two three four five six", "one two three four five seven")
    # prediction and truth share 2 of their 3 shingles each: tp 2, fp 1, fn 1 of 4
    assert (score.tp, score.fp, score.fn) == (0.5, 0.25, 0.25)
    assert score.precision == score.recall == pytest.approx(2 / 3)


def test_an_empty_prediction_is_left_out_of_precision_and_scores_zero_recall() -> None:
    empty = bench.score_page("", "one two three four five")
    assert empty.precision is None and empty.recall == 0
    perfect = bench.score_page("one two three four five", "one two three four five")
    total = bench.score_benchmark([empty, perfect])
    assert (total.precision, total.recall) == (1.0, 0.5)
    assert total.f1 == pytest.approx(2 / 3)


def test_a_page_without_shingles_on_either_side_scores_one() -> None:
    score = bench.score_page("hi", "hello")
    assert (score.precision, score.recall) == (1.0, 1.0)


@pytest.mark.slow
def test_extraction_benchmark_floor() -> None:
    if not (EXTRACTION / "ground-truth.json").is_file():
        pytest.skip(f"extraction benchmark not found at {EXTRACTION} (it lives in ../shared beside the repository)")
    truth, pages = bench.load_extraction(EXTRACTION)
    ours = bench.extract_storylens(pages, Settings())
    bare = bench.extract_bare(pages)
    ours_scores = {page: bench.score_page(ours.get(page, ""), truth[page]) for page in pages}
    bare_scores = {page: bench.score_page(bare[page], truth[page]) for page in pages}
    assert bench.score_benchmark(list(ours_scores.values())).f1 >= F1_FLOOR
    behind = [page for page in pages if ours_scores[page].f1 < bare_scores[page].f1 - WORSE_THAN_BARE]
    assert behind == []
