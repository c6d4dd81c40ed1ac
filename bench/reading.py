"""Speed of the reading stage against spaCy's own nlp.pipe on the same ECB+ texts.

Usage: python bench/reading.py [path/to/ecbplus.jsonl] [--limit N]
Prints sentences per second for spaCy alone and for spaCy plus the reading rules,
and their ratio (target: at most 1.5).
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
    args = parser.parse_args()
    settings = Settings()
    nlp = load_nlp(settings)
    lexicon = load_lexicon()
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
