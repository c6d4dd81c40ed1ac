"""The Ray engine's pure parts, without Ray: input chunks, duplicates by band keys, blocks of days."""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict

import numpy as np
import pytest

from storylens.clean import clean_document
from storylens.dedupe import mark_duplicates
from storylens.ingest import read_path
from storylens.ray_engine.blocks import Placement, blocks_of, merge_blocks, plan_blocks, split_merged, term_counts
from storylens.ray_engine.duplicates import (WORD_LSH_THRESHOLD, DuplicateResolver, band_keys, band_ranges, signature,
                                             word_signature)
from storylens.ray_engine.sources import list_chunks, read_chunk
from storylens.records import RawDocument
from storylens.stories import ClusterInput, arrival_order


def jsonl_lines(count: int) -> list[str]:
    lines = [json.dumps({"title": f"Report {i}", "text": f"Article number {i} says something. " * 12})
             for i in range(count)]
    lines[7] = "{not json"
    return lines


def test_a_large_jsonl_file_read_in_chunks_gives_the_local_readers_documents(tmp_path, settings):
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(jsonl_lines(40)) + "\n", encoding="utf-8")
    chunks = list_chunks([str(path)], chunk_bytes=1500)
    assert len(chunks) > 3
    documents = [d for c in chunks for d in read_chunk(c, settings)]
    assert documents == list(read_path(path, settings, name=str(path)))
    assert [d.input for d in documents if d.error] == [f"{path}#8"]  # the bad line keeps its number and reason


def test_a_large_csv_file_read_in_chunks_gives_the_local_readers_documents(tmp_path, settings):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["title", "text", "published"])
    for i in range(60):
        text = f'Article {i} says "something"\nover two lines, with commas. ' * 6
        writer.writerow([f"Report {i}", text, "2024-05-01"])
        if i == 20:
            out.write("\n")  # a blank line is no record
    out.write('Report late,"a quote that never closes, 2024-05-02\nReport after,text,2024-05-03\n')
    path = tmp_path / "archive.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    chunks = list_chunks([str(path)], chunk_bytes=2000)
    assert len(chunks) > 3 and {c["kind"] for c in chunks} == {"csv"}
    documents = [d for c in chunks for d in read_chunk(c, settings)]
    assert documents == list(read_path(path, settings, name=str(path)))
    assert [d.input for d in documents if d.error] == [f"{path}#61"]  # the unclosed quote, numbered in the file


def test_one_file_of_a_few_thousand_articles_is_cut_so_that_every_cpu_cleans_some(tmp_path, settings):
    from storylens.ray_engine.sources import MIN_CHUNK_BYTES, spread_chunks

    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(jsonl_lines(1200)) + "\n", encoding="utf-8")
    assert MIN_CHUNK_BYTES * 4 <= path.stat().st_size < MIN_CHUNK_BYTES * 5
    assert len(list_chunks([str(path)])) == 1
    chunks = spread_chunks([str(path)], 4)
    assert len(chunks) >= 4 and [c["chunk"] for c in chunks] == list(range(len(chunks)))
    assert [d for c in chunks for d in read_chunk(c, settings)] == list(read_path(path, settings, name=str(path)))
    assert len(spread_chunks([str(path)], 40)) <= 5  # never below the smallest chunk


def test_a_csv_file_in_another_encoding_stays_one_chunk(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(("title,text\n" + "Caf\xe9 news,Un article sur le caf\xe9 du coin.\n" * 200).encode("latin-1"))
    assert [c["kind"] for c in list_chunks([str(path)], chunk_bytes=1000)] == ["file"]


def test_a_small_file_is_one_chunk(tmp_path, settings):
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join(jsonl_lines(10)) + "\n", encoding="utf-8")
    assert len(list_chunks([str(path)])) == 1


def test_compressed_jsonl_and_parquet_files_are_read_record_by_record(tmp_path, settings):
    pq = pytest.importorskip("pyarrow.parquet", reason="Parquet input needs the 'ray' extra")
    import pyarrow as pa

    with gzip.open(tmp_path / "a.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(jsonl_lines(12)) + "\n")
    table = pa.table({"title": [f"P{i}" for i in range(9)], "text": [f"Body of article {i}. " * 20 for i in range(9)]})
    pq.write_table(table, tmp_path / "b.parquet", row_group_size=4)
    chunks = list_chunks([str(tmp_path)])
    assert [c["kind"] for c in chunks] == ["gzip", "parquet", "parquet", "parquet"]
    documents = [d for c in chunks for d in read_chunk(c, settings)]
    assert [d.input.rsplit("/", 1)[1] for d in documents] == (
        [f"a.jsonl.gz#{n}" for n in range(1, 13)] + [f"b.parquet#{n}" for n in range(1, 10)])
    assert [d.title for d in documents[12:]] == [f"P{i}" for i in range(9)]
    assert documents[7].error and "line 8" in documents[7].error


def test_urls_are_refused_with_the_reason(settings):
    from storylens.errors import StorylensError

    with pytest.raises(StorylensError, match="files and folders"):
        list_chunks(["https://example.org/news"])


def _resolve_by_band_keys(articles, settings):
    """What the Ray engine decides: band keys grouped (as the shuffle does), then replayed in order."""
    layouts = {"s": band_ranges(settings.near_duplicate_threshold), "w": band_ranges(WORD_LSH_THRESHOLD)}
    buckets = {"s": defaultdict(list), "w": defaultdict(list), "x": defaultdict(list)}
    signatures, words = {}, {}
    for position, article in enumerate(articles):
        if article.status == "ok":
            signatures[position] = signature(article).astype(np.uint32)
            words[position] = word_signature(article)
            for kind, values in (("s", signatures[position]), ("w", words[position])):
                for key in band_keys(values, layouts[kind], kind) if values is not None else ():
                    buckets[kind][key].append(position)
            buckets["x"][article.content_hash].append(position)
    resolver = DuplicateResolver(settings.near_duplicate_threshold)
    for n, kind in enumerate("swx"):
        resolver.add_pairs((((0, later), (0, earlier)) for members in buckets[kind].values()
                            for i, later in enumerate(members) for earlier in members[:i]), kind=n)
    return [resolver.check((0, p), a, signatures.get(p), words.get(p)) for p, a in enumerate(articles)]


def test_duplicates_by_band_keys_are_the_local_engines_duplicates(settings):
    story = ("The Marrow valley dam gave way early on Tuesday, flooding the lower town of Cardon. "
             "Emergency crews evacuated some 1,500 residents overnight, the county said. ") * 4
    other = ("The central bank raised its main rate to 4.75 per cent on Thursday, its third rise this year, "
             "saying prices were proving stubborn. Economists had expected the move. ") * 4
    texts = [story, other, story, story.replace("Tuesday", "Tuesday morning", 1), other + " Shares fell.", "Too short."]
    articles = [clean_document(RawDocument(input=f"in-{i}.txt", kind="text", body=t), settings)
                for i, t in enumerate(texts)]
    expected = mark_duplicates(articles, settings)
    assert [a.status for a in expected][:5] == ["ok", "ok", "duplicate", "duplicate", "duplicate"]
    assert _resolve_by_band_keys(articles, settings) == expected


def test_a_copy_with_words_changed_all_through_is_the_duplicate_the_local_engine_finds(settings):
    words = [f"word{n}" for n in range(100)]
    original = " ".join(words) + "."
    # Every thirteenth word changed: few 5-word shingles survive, but nearly all words are the same.
    changed = " ".join(f"new{n}" if n % 13 == 3 else w for n, w in enumerate(words)) + "."
    other = " ".join(f"term{n}" for n in range(70)) + "."
    articles = [clean_document(RawDocument(input=f"in-{i}.txt", kind="text", body=t), settings)
                for i, t in enumerate([original, other, changed])]
    expected = mark_duplicates(articles, settings)
    assert [a.status for a in expected] == ["ok", "ok", "duplicate"]
    assert "words changed" in (expected[2].reason or "")
    assert _resolve_by_band_keys(articles, settings) == expected


def test_articles_that_share_no_band_are_all_kept(settings):
    texts = [f"Story {i}: the council of town {i} met on day {i} and voted on plan {i * 7} for the roads. " * 3
             for i in range(5)]
    articles = [clean_document(RawDocument(input=f"in-{i}.txt", kind="text", body=t), settings)
                for i, t in enumerate(texts)]
    assert [a.status for a in _resolve_by_band_keys(articles, settings)] == ["ok"] * 5


def test_an_input_up_to_the_block_size_is_one_block_with_its_undated_articles(settings):
    days = Counter({700_000 + d: 10 for d in range(0, 400, 2)} | {None: 50})  # 2,050 articles over 400 days
    plan = plan_blocks(days, settings, block_articles=2_050)
    assert plan.whole
    assert {b for day in days for b in blocks_of(day, plan)} == {0}


def test_a_large_input_is_cut_into_blocks_of_days_and_an_article_near_an_edge_is_in_both(settings):
    days = Counter({700_000 + d: 10 for d in range(400)} | {None: 50})  # 10 articles a day
    plan = plan_blocks(days, settings, block_articles=1_000)
    assert len(plan.starts) == 3  # 100-day blocks, the last 100 days one block
    sizes = Counter(blocks_of(day, plan)[0] for day in days.elements())
    assert all(n >= 1_000 for block, n in sizes.items() if block != -1) and sizes[-1] == 50
    edge = plan.starts[0]
    assert blocks_of(edge + 50, plan) == [1]
    assert sorted(blocks_of(edge + 1, plan)) == [0, 1]
    assert sorted(blocks_of(edge - 1, plan)) == [0, 1]
    assert blocks_of(edge - settings.cluster_window_days - 1, plan) == [0]
    assert blocks_of(None, plan) == [-1]


def test_stories_meeting_at_a_block_edge_merge_and_others_stay_apart():
    placements = [
        Placement(0, "s-a", "a", "first article of the story", True),
        Placement(0, "s-a", "b", "close to a", False),  # b is in the overlap: block 1 is its home
        Placement(1, "s-b", "b", "first article of the story", True),
        Placement(1, "s-b", "c", "close to b", True),
        Placement(1, "s-d", "d", "first article of the story", True),
    ]
    order = {"a": (1, "a"), "b": (2, "b"), "c": (3, "c"), "d": (4, "d")}
    merged = merge_blocks(placements, order)
    assert [(s.id, s.article_ids) for s in merged.stories] == [("s-a", ("a", "b", "c")), ("s-d", ("d",))]
    assert dict(merged.stories[0].explanations)["c"] == "close to b"
    assert merged.merged == {"s-a"}


EVENT_WORDS = {
    "dam": ("dam", "breach", "flood", "cardon", "valley", "evacuated", "river", "levee"),
    "bank": ("bank", "rate", "inflation", "economist", "lending", "central", "mortgage", "price"),
}


def _event_article(article_id: str, event: str, day: int, variant: int, settings) -> ClusterInput:
    """An article about one event: its own direction for the vector, its own key terms."""
    vector = np.zeros(384)
    vector[0 if event == "dam" else 4] = 1.0
    vector[1 + variant % 3 + (0 if event == "dam" else 4)] = 0.3
    words = EVENT_WORDS[event]
    keyterms = tuple((w, 5 - n % 3) for n, w in enumerate(words[variant % 2:] + words[: variant % 2]))
    return ClusterInput(article_id=article_id, title=f"{event} {variant}", vector=vector / np.linalg.norm(vector),
                        terms=frozenset({f"{event}-place"}), day=day, keyterms=keyterms)


def _edge_merge(settings, second_event: str):
    """Block 0 holds dam articles, block 1 `second_event` articles; one overlap article (m) is in both stories."""
    edge = 700_000
    first = [_event_article(f"a{n}", "dam", edge - 3 + n % 3, n, settings) for n in range(4)]
    second = [_event_article(f"b{n}", second_event, edge + n % 3, n + 1, settings) for n in range(4)]
    bridge = _event_article("m", "dam", edge, 7, settings)
    placements = ([Placement(0, "s-a0", i.article_id, "why", True) for i in first]
                  + [Placement(0, "s-a0", "m", "why", False), Placement(1, "s-m", "m", "why", True)]
                  + [Placement(1, "s-m", i.article_id, "why", True) for i in second])
    items = {i.article_id: i for i in (*first, *second, bridge)}
    order = {a: arrival_order(i) for a, i in items.items()}
    merged = merge_blocks(placements, order)
    counts = term_counts(items.values())
    return split_merged(merged, items, order, settings, counts, len(items))


def test_two_events_that_met_only_at_a_block_edge_are_split_apart_again(settings):
    stories = _edge_merge(settings, "bank")
    groups = [set(s.article_ids) for s in stories]
    assert {"a0", "a1", "a2", "a3"} <= next(g for g in groups if "a0" in g)
    assert {"b0", "b1", "b2", "b3"} <= next(g for g in groups if "b0" in g)
    assert len(groups) == 2 and not any("a0" in g and "b0" in g for g in groups)
    for story in stories:  # each half is named after its first article, which it explains as such
        assert story.id == f"s-{story.article_ids[0]}"
        assert dict(story.explanations)[story.article_ids[0]] == "first article of the story"
        assert all(why.startswith("closest article") for _, why in story.explanations[1:])


def test_one_event_that_crosses_a_block_edge_stays_one_story(settings):
    stories = _edge_merge(settings, "dam")
    assert len(stories) == 1 and len(stories[0].article_ids) == 9


def test_a_block_takes_its_articles_by_day_from_every_table_of_read_articles(settings):
    import pickle

    import pyarrow as pa

    from storylens.ray_engine.blocks import BlockPlan
    from storylens.ray_engine.workers import NO_DAY, cluster_block_items

    items = [_event_article(f"a{n}", "dam", 100 + n, n, settings) for n in range(3)]
    later = _event_article("b0", "dam", 400, 0, settings)
    undated = ClusterInput(article_id="u0", title="dam 0", vector=items[0].vector, terms=items[0].terms, day=None,
                           keyterms=items[0].keyterms)
    rows = [{"article_id": i.article_id, "item": pickle.dumps(i), "day": i.day or NO_DAY}
            for i in [items[0], later, undated, *items[1:]]]
    tables = [pa.Table.from_pylist(rows[:2]), pa.Table.from_pylist(rows[2:])]
    plan = BlockPlan(starts=(300,), window=settings.cluster_window_days)
    placed = cluster_block_items(0, plan, settings, term_counts(items), 5, *tables)
    assert sorted(p.article_id for p in placed) == ["a0", "a1", "a2"]
    assert [p.article_id for p in cluster_block_items(-1, plan, settings, term_counts(items), 5, *tables)] == ["u0"]


def test_the_band_key_shuffle_finds_every_pair_sharing_a_band_in_any_number_of_partitions(settings):
    import pickle

    import pyarrow as pa

    from storylens.ray_engine.workers import bucket_pairs, prepare_stored

    story = ("The Marrow valley dam gave way early on Tuesday, flooding the lower town of Cardon. "
             "Emergency crews evacuated some 1,500 residents overnight, the county said. ") * 4
    other = ("The central bank raised its main rate to 4.75 per cent on Thursday, its third rise this year, "
             "saying prices were proving stubborn. Economists had expected the move. ") * 4
    words = [f"word{n}" for n in range(100)]
    changed = " ".join(f"new{n}" if n % 13 == 3 else w for n, w in enumerate(words)) + "."
    texts = [story, other, story.replace("Tuesday", "Tuesday morning", 1), other + " Shares fell.", "Too short.",
             " ".join(words) + ".", story + " Roads stayed shut.", changed, story]
    articles = [clean_document(RawDocument(input=f"in-{i}.txt", kind="text", body=t), settings)
                for i, t in enumerate(texts)]
    ranges = {"shingles": band_ranges(settings.near_duplicate_threshold), "words": band_ranges(WORD_LSH_THRESHOLD)}
    prepared = prepare_stored({"position": np.arange(len(articles)),
                               "record": np.array([pickle.dumps(a) for a in articles], dtype=object)}, ranges)
    blocks = [pa.table({k: v[:3] for k, v in prepared.items()}), pa.table({k: v[3:] for k, v in prepared.items()})]

    def pairs(partitions: int) -> dict[int, set[tuple[int, ...]]]:
        found = [bucket_pairs(p, partitions, *blocks) for p in range(partitions)]
        return {kind: {tuple(row) for f in found for row in f[kind].tolist()} for kind in (0, 1, 2)}

    # The pairs a grouping of every band key in one place gives (stored articles are chunk -1).
    layouts = {"s": ranges["shingles"], "w": ranges["words"]}
    buckets: dict[str, defaultdict[str, list[int]]] = {"s": defaultdict(list), "w": defaultdict(list)}
    for position, article in enumerate(articles):
        if article.status == "ok":
            for kind, values in (("s", signature(article).astype(np.uint32)), ("w", word_signature(article))):
                for key in band_keys(values, layouts[kind], kind) if values is not None else ():
                    buckets[kind][key].append(position)
    expected = {n: {(-1, later, -1, earlier) for members in buckets[kind].values()
                    for i, later in enumerate(members) for earlier in members[:i]} for n, kind in enumerate("sw")}
    assert expected[0] and expected[1]
    expected[2] = {(-1, 8, -1, 0)}  # the one exact copy: the last text is the first one again
    assert pairs(1) == pairs(3) == expected


def test_the_dossier_tables_hold_every_article_story_claim_and_conflict(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet", reason="Parquet tables need the 'ray' extra")
    from storylens.ray_engine.tables import write_tables

    dossier = {
        "articles": [{"id": "a1", "title": "Dam breach", "text": "…", "status": "ok"},
                     {"id": "a2", "title": "Dam breach", "text": "…", "status": "duplicate"}],
        "stories": [{"id": "s-a1", "headline": "Dam breach", "article_ids": ["a1"],
                     "claims": [{"id": "c1", "text": "1,500 evacuated", "sources": ["a1"]},
                                {"id": "c2", "text": "2,000 evacuated", "sources": ["a1"]}],
                     "conflicts": [{"kind": "numeric", "summary": "1,500 or 2,000", "claim_ids": ["c1", "c2"]}]}],
    }
    tables = {path.stem: pq.read_table(path).to_pylist() for path in write_tables(dossier, tmp_path)}
    assert [a["id"] for a in tables["articles"]] == ["a1", "a2"] and "text" not in tables["articles"][0]
    assert [(c["story_id"], c["id"]) for c in tables["claims"]] == [("s-a1", "c1"), ("s-a1", "c2")]
    assert json.loads(tables["conflicts"][0]["claim_ids"]) == ["c1", "c2"]
    assert tables["stories"][0]["id"] == "s-a1" and "claims" not in tables["stories"][0]


def test_ray_is_not_imported_without_the_ray_engine():
    import subprocess
    import sys

    code = ("import sys, contextlib, io\n"
            "from storylens.cli import main\n"
            "import storylens.pipeline, storylens.ray_engine\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['settings'])\n"
            "print('ray' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
