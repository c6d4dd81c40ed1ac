"""Story clustering on ECB+ against a TF-IDF average-link baseline, and clustering at scale.

1. Parameters (join threshold, entity and term weights, split cut, straggler score,
   weekday cut) are chosen on even-numbered topics only; B-cubed precision, recall and F1
   are printed on odd topics and on all: for plain average link, with splitting stories
   that mix two events, with stragglers joining the story of their closest members, with
   both, and with splits where the halves name different weekdays for their events; for
   the full method also when the articles arrive one at a time (`storylens add`).
2. Baseline in the same process: TF-IDF cosine with average-link agglomerative
   clustering, at the baseline's best threshold on all topics.
3. Scale: ECB+ copies with renamed entities, shifted dates and jittered vectors grow
   the corpus to 50,000 articles; seconds per 1,000 articles and peak memory per size.

Run: .venv/bin/python -m bench.cluster_ecbplus [--no-scale] [--max-size 50000]
"""

from __future__ import annotations

import argparse
import math
import pickle
import re
import time
import zlib
from dataclasses import replace
from collections import Counter

import numpy as np

from bench.common import ECBPLUS, REPO, bcubed, load_ecbplus, peak_rss_mb, topic_of
from storylens.clean import clean_document
from storylens.stories import (ClusterInput, StoryClusterer, arrival_order, build_inputs, cluster_articles,
                               cluster_text, event_weekday, expand_names, key_terms)
from storylens.embed import QUANTIZE_RECIPE
from storylens.pipeline import Models
from storylens.read import read_articles
from storylens.records import Article, ArticleReading, RawDocument
from storylens.settings import Settings

THRESHOLDS = [round(0.225 + 0.025 * i, 3) for i in range(5)]
ENTITY_WEIGHTS = [0.2, 0.3]
TERM_WEIGHTS = [0.4, 0.5]
SPLIT_CUTS = [0.0, 0.9, 0.925, 0.94]
STRAGGLER_SCORES = [0.0, 0.35]
WEEKDAY_CUTS = [0.0, 0.98]
CACHE = REPO / ".bench-cache"


def with_weights(settings: Settings, threshold: float, entity: float, term: float, split_cut: float,
                 straggler: float, weekday_cut: float) -> Settings:
    return settings.with_changes(cluster_threshold=threshold, cluster_entity_weight=entity,
                                 cluster_term_weight=term, cluster_embedding_weight=round(1 - entity - term, 4),
                                 cluster_split_cut=split_cut, cluster_straggler_score=straggler,
                                 cluster_weekday_cut=weekday_cut)


def cluster_inputs(rows: list[dict], settings: Settings) -> list[ClusterInput]:
    """Read and embed the corpus once; later runs load the cached inputs (delete .bench-cache to redo).

    Reading results and title+lead vectors are cached apart, keyed by the encoder, so a
    change of encoder only re-embeds.
    """
    source = ECBPLUS.stat()
    path = CACHE / f"ecbplus-{source.st_size}-{int(source.st_mtime)}-cleaned.pickle"
    encoder_tag = QUANTIZE_RECIPE if settings.encoder_quantized else "packaged"
    vectors_path = path.with_name(f"{path.stem}-vectors-{encoder_tag}.npy")
    CACHE.mkdir(exist_ok=True)
    models = None
    if path.is_file():
        with path.open("rb") as handle:
            items = pickle.load(handle)
    else:
        models = Models.load(settings)
        start = time.perf_counter()
        readings = list(read_articles([to_article(r) for r in rows], models.nlp, models.lexicon, settings))
        items = build_inputs(readings, models.encoder)
        print(f"read and embedded {len(items)} articles in {time.perf_counter() - start:.1f}s (cached in {path})")
        with path.open("wb") as handle:
            pickle.dump(items, handle)
    by_id = {r["id"]: r for r in rows}
    articles = {i.article_id: to_article(by_id[i.article_id]) for i in items}
    if vectors_path.is_file():
        vectors = np.load(vectors_path)
    else:
        from storylens.embed import load_encoder

        encoder = models.encoder if models else load_encoder(quantized=settings.encoder_quantized)
        start = time.perf_counter()
        vectors = encoder.encode([cluster_text(ArticleReading(articles[i.article_id], ())) for i in items])
        print(f"embedded {len(items)} titles and leads in {time.perf_counter() - start:.1f}s (cached in {vectors_path})")
        np.save(vectors_path, vectors)
    # Key terms and weekdays are cheap to recompute, so changes to them need no new reading pass.
    return [replace(i, vector=vectors[k], keyterms=key_terms(articles[i.article_id].title or "", articles[i.article_id].text),
                    weekday=event_weekday(articles[i.article_id].title or "", articles[i.article_id].text),
                    terms=expand_names(i.terms)) for k, i in enumerate(items)]


def to_article(row: dict) -> Article:
    """The article as `storylens analyze` sees it: cleaned, with the date its title or header lines give.

    Records cleaning rejects (no text left) keep their raw text so that every gold article is scored.
    """
    raw = RawDocument(input=f"ecbplus.jsonl#{row['id']}", kind="record", body=row["text"], title=row.get("title"),
                      source=row.get("source"), url=row.get("url"), external_id=row["id"])
    article = clean_document(raw, Settings())
    if article.status != "ok":
        return Article(id=row["id"], input=raw.input, source=row.get("source") or "ecbplus", title=row.get("title"),
                       published=None, language="en", status="ok", reason=None, text=row["text"])
    return replace(article, id=row["id"])


def evaluate(items: list[ClusterInput], gold: dict[str, str], settings: Settings, subset=None):
    stories = cluster_articles(items if subset is None else [i for i in items if i.article_id in subset], settings)
    predicted = {a: s.id for s in stories for a in s.article_ids}
    return bcubed(predicted, gold, predicted.keys())


def evaluate_incremental(items: list[ClusterInput], gold: dict[str, str], settings: Settings, subset=None):
    """B-cubed scores when the articles arrive one at a time, oldest first (`storylens add` of one
    article after another, or the API)."""
    clusterer = StoryClusterer(settings)
    for item in sorted((i for i in items if subset is None or i.article_id in subset), key=arrival_order):
        clusterer.add_batch([item])
    predicted = clusterer.assignments()
    return bcubed(predicted, gold, predicted.keys())


def tfidf_baseline(rows: list[dict], gold: dict[str, str]) -> tuple[float, tuple[float, float, float]]:
    """Average-link clustering of TF-IDF vectors at the best distance threshold."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    docs = [Counter(re.findall(r"[a-z0-9]{2,}", f"{r.get('title') or ''} {r['text']}".lower())) for r in rows]
    df = Counter(term for doc in docs for term in doc)
    vocab = {term: i for i, term in enumerate(t for t, n in df.items() if n >= 2)}
    matrix = np.zeros((len(docs), len(vocab)), dtype=np.float32)
    for row, doc in enumerate(docs):
        for term, count in doc.items():
            if term in vocab:
                matrix[row, vocab[term]] = (1 + math.log(count)) * math.log(len(docs) / df[term])
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    tree = linkage(pdist(matrix, metric="cosine"), method="average")
    best = (0.0, (0.0, 0.0, 0.0))
    for threshold in np.arange(0.30, 0.99, 0.01):
        labels = fcluster(tree, t=threshold, criterion="distance")
        predicted = {r["id"]: str(label) for r, label in zip(rows, labels)}
        score = bcubed(predicted, gold)
        if score[2] > best[1][2]:
            best = (float(threshold), score)
    return best


def synthetic_items(items: list[ClusterInput], size: int, seed: int = 7) -> list[ClusterInput]:
    """Copies of the corpus as new events: renamed entities, shifted dates, jittered vectors, same key terms."""
    rng = np.random.default_rng(seed)
    out = []
    copy = 0
    while len(out) < size:
        for item in items:
            if len(out) >= size:
                break
            vector = item.vector + rng.normal(0, 0.02, item.vector.shape).astype(np.float32)
            vector /= np.linalg.norm(vector)
            out.append(ClusterInput(
                article_id=f"{item.article_id}~{copy}", title=item.title, vector=vector,
                terms=frozenset(f"{t} #{copy}" for t in item.terms),
                day=738000 + copy * 30 + zlib.crc32(item.article_id.encode()) % 5,
                keyterms=item.keyterms,
            ))
        copy += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-scale", action="store_true", help="skip the synthetic scale run")
    parser.add_argument("--scale-only", action="store_true", help="only the synthetic scale run, with the defaults")
    parser.add_argument("--max-size", type=int, default=50_000, help="largest synthetic corpus")
    args = parser.parse_args()
    rows = load_ecbplus()
    gold = {r["id"]: r["gold"] for r in rows}
    settings = Settings()
    items = cluster_inputs(rows, settings)

    if args.scale_only:
        run_scale(items, settings, args.max_size)
        return
    even = {r["id"] for r in rows if topic_of(r["gold"]) % 2 == 0}
    odd = {r["id"] for r in rows if topic_of(r["gold"]) % 2 == 1}
    # (splits, stragglers, weekdays) -> (score, parameters): plain average link, then each addition
    best: dict[tuple[bool, bool, bool], tuple] = {}
    for entity in ENTITY_WEIGHTS:
        for term in TERM_WEIGHTS:
            for threshold in THRESHOLDS:
                for split_cut in SPLIT_CUTS:
                    for straggler in STRAGGLER_SCORES:
                        for weekday_cut in WEEKDAY_CUTS if split_cut > 0 else [0.0]:
                            parameters = (threshold, entity, term, split_cut, straggler, weekday_cut)
                            score = evaluate(items, gold, with_weights(settings, *parameters), even)
                            variant = (split_cut > 0, straggler > 0, weekday_cut > 0)
                            if variant not in best or score[2] > best[variant][0][2]:
                                best[variant] = (score, parameters)
    print(f"defaults in Settings: threshold {settings.cluster_threshold}, entity weight "
          f"{settings.cluster_entity_weight}, term weight {settings.cluster_term_weight}, "
          f"split cut {settings.cluster_split_cut}, straggler score {settings.cluster_straggler_score}, "
          f"weekday cut {settings.cluster_weekday_cut}")
    chosen = settings
    for variant in sorted(best):
        (p, r, f), parameters = best[variant]
        threshold, entity, term, split_cut, straggler, weekday_cut = parameters
        label = " and ".join(name for name, on in zip(("splits", "stragglers", "weekday splits"), variant) if on)
        print(f"{'with ' + label if label else 'average link'}: chosen on even topics: threshold {threshold}, "
              f"entity weight {entity}, term weight {term}, split cut {split_cut}, straggler score {straggler}, "
              f"weekday cut {weekday_cut} (B3 P {p:.3f} R {r:.3f} F1 {f:.3f})")
        chosen = with_weights(settings, *parameters)
        for name, subset in (("odd topics", odd), ("all topics", None)):
            p, r, f = evaluate(items, gold, chosen, subset)
            print(f"  storylens  {name:<11} B3 precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
            if variant == (True, True, True):
                p, r, f = evaluate_incremental(items, gold, chosen, subset)
                print(f"    one at a time, oldest first: B3 precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    p, r, f = evaluate(items, gold, settings, odd)
    print(f"storylens  odd, defaults B3 precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    base_threshold, (bp, br, bf) = tfidf_baseline(rows, gold)
    print(f"TF-IDF average-link (best threshold {base_threshold:.2f}) all topics: "
          f"B3 precision {bp:.3f}  recall {br:.3f}  F1 {bf:.3f}")

    if not args.no_scale:
        run_scale(items, chosen, args.max_size)


def run_scale(items: list[ClusterInput], settings: Settings, max_size: int) -> None:
    """Seconds per 1,000 articles and peak memory as the corpus grows (one article at a time)."""
    print("scale (synthetic copies; clustering only):")
    base_rate = None
    for size in [s for s in (1_000, 5_000, 10_000, 25_000, 50_000) if s <= max_size]:
        corpus = synthetic_items(items, size)
        clusterer = StoryClusterer(settings)
        begin = time.perf_counter()
        for item in corpus:
            clusterer.add(item)
        seconds = time.perf_counter() - begin
        rate = seconds / size * 1000
        base_rate = base_rate or rate
        print(f"  {size:>6} articles: {seconds:7.1f}s, {rate:.2f}s per 1,000 ({rate / base_rate:.2f}x the smallest), "
              f"{len(clusterer.stories())} stories, peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
