"""The reading stage: accuracy on the reading gold, and speed against spaCy's own nlp.pipe.

Usage: python bench/reading.py [path/to/ecbplus.jsonl] [--limit N] [--gold-only]
Prints precision and recall of speaker, reporting verb, speaker+verb, figures and dates on
tests/data/reading/gold.json (the floors tests/test_read.py enforces), then sentences per
second for spaCy alone and for spaCy plus the reading rules on ECB+ texts, and their ratio
(target: at most 1.5).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from storylens.read import load_lexicon, load_nlp, read_doc
from storylens.records import Article
from storylens.settings import Settings

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "ecbplus.jsonl"
GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "reading" / "gold.json"


def gold_article(entry: dict) -> tuple[Article, list[tuple[int, int, dict]]]:
    """One gold entry as an article (its sentences joined by spaces) and each sentence's span in it."""
    text, offsets = "", []
    for sentence in entry["sentences"]:
        start = len(text) + (1 if text else 0)
        text = f"{text} {sentence['text']}" if text else sentence["text"]
        offsets.append((start, len(text), sentence))
    return Article(entry["id"], "gold", "gold", None, entry["published"], "en", "ok", None, text), offsets


def score_gold(nlp, lexicon, path: Path = GOLD) -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, false negatives) per field over the gold sentences."""
    gold = json.loads(path.read_text(encoding="utf-8"))
    counts = {f: [0, 0, 0] for f in ("speaker", "verb", "speaker+verb", "figures", "dates")}

    def value(field: str, expected, found) -> None:
        if expected is not None and found == expected:
            counts[field][0] += 1
            return
        if found is not None:
            counts[field][1] += 1
        if expected is not None:
            counts[field][2] += 1

    def sets(field: str, expected: set, found: set) -> None:
        counts[field][0] += len(expected & found)
        counts[field][1] += len(found - expected)
        counts[field][2] += len(expected - found)

    for entry in gold["articles"]:
        article, offsets = gold_article(entry)
        reading = read_doc(article, nlp(article.text), lexicon)
        for start, end, sentence in offsets:
            inside = [m for m in reading.mentions if start <= m.start < end]
            speaker = next((m.speaker for m in inside if m.speaker), None)
            verb = next((m.verb for m in inside if m.speaker), None)
            value("speaker", sentence["speaker"], speaker)
            value("verb", sentence["verb"], verb)
            both = (sentence["speaker"], sentence["verb"]) if sentence["speaker"] else None
            value("speaker+verb", both, (speaker, verb) if speaker else None)
            sets("figures", {float(f[0]) for f in sentence["figures"]}, {q.value for m in inside for q in m.quantities})
            sets("dates", set(sentence["dates"]), {t.value for m in inside for t in m.times})
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}


def print_gold(scores: dict[str, tuple[int, int, int]]) -> None:
    print("reading gold (tests/data/reading/gold.json):")
    for field, (tp, fp, fn) in scores.items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"  {field:13s} precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f} (tp {tp}, fp {fp}, fn {fn})")


def load_articles(path: Path, limit: int) -> list[Article]:
    """ECB+ records as Articles (no publication date: only absolute dates resolve)."""
    articles = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            articles.append(
                Article(record["id"], str(path), record.get("source") or "ecbplus", record.get("title"), None,
                        "en", "ok", None, record["text"])
            )
            if len(articles) >= limit:
                break
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=400)
    parser.add_argument("--gold-only", action="store_true", help="print the gold figures, skip the speed run")
    args = parser.parse_args()
    settings = Settings()
    nlp = load_nlp(settings)
    lexicon = load_lexicon()
    print_gold(score_gold(nlp, lexicon))
    if args.gold_only:
        return
    articles = load_articles(args.path, args.limit)
    texts = [a.text for a in articles]
    list(nlp.pipe(texts[:20]))  # warm up

    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=settings.spacy_batch_size))
    spacy_seconds = time.perf_counter() - start
    sentences = sum(1 for doc in docs for _ in doc.sents)

    start = time.perf_counter()
    for article, doc in zip(articles, docs):
        read_doc(article, doc, lexicon)
    rules_seconds = time.perf_counter() - start

    total = spacy_seconds + rules_seconds
    print(f"articles {len(articles)}, sentences {sentences}")
    print(f"spaCy nlp.pipe       {sentences / spacy_seconds:8.1f} sentences/s ({spacy_seconds:.2f} s)")
    print(f"reading (spaCy+rules) {sentences / total:8.1f} sentences/s ({total:.2f} s)")
    print(f"ratio reading/spaCy  {total / spacy_seconds:8.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
