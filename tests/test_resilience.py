"""The store and the run under interruptions, concurrent runs, long texts and full disks: nothing lost."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from storylens import pipeline
from storylens.errors import StoreError
from storylens.pipeline import Models, RunSummary, dossier_from_store, ingest_into, read_new, run
from storylens.records import Article
from storylens.settings import Settings
from storylens.store import Store

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

PARAGRAPH = ("The harbour at Calder reopened on Monday after a storm closed it for three days, the port "
             "authority said. Ferries resumed on the northern route on {n}.\n\n")


def write_jsonl(path: Path, count: int, prefix: str = "Record") -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            text = f"{prefix} {n}: the council of town {n} voted {n} to {n + 7} on a plan for road {n * 13}."
            handle.write(json.dumps({"id": f"r{n}", "source": f"Outlet {n % 7}", "text": text * 3}) + "\n")
    return path


# -- 4. ingest is linear and commits as it goes ------------------------------------------------------

def test_ingest_stores_records_in_batches_as_it_reads(tmp_path, monkeypatch):
    path = write_jsonl(tmp_path / "feed.jsonl", 35)
    settings = Settings().with_changes(ingest_batch_size=10)
    with Store(tmp_path / "s.db") as store:
        stored_when_read: list[int] = []
        real_read_inputs = pipeline.read_inputs

        def read_inputs(*args, **kwargs):
            for raw in real_read_inputs(*args, **kwargs):
                stored_when_read.append(len(store.articles()))
                yield raw

        monkeypatch.setattr(pipeline, "read_inputs", read_inputs)
        summary = RunSummary()
        assert ingest_into(store, [str(path)], settings, summary=summary) == 35
        assert summary.new == 35 and len(store.articles()) == 35
    # Before record 31 is read, the first 30 are stored: an interrupted ingest keeps them.
    assert stored_when_read[10] == 10 and stored_when_read[30] == 30


def test_an_interrupted_ingest_keeps_its_batches_and_the_rerun_adds_the_rest(tmp_path, monkeypatch):
    path = write_jsonl(tmp_path / "feed.jsonl", 25)
    settings = Settings().with_changes(ingest_batch_size=10)
    real_read_inputs = pipeline.read_inputs

    def interrupted(*args, **kwargs):
        for n, raw in enumerate(real_read_inputs(*args, **kwargs)):
            if n == 17:
                raise KeyboardInterrupt
            yield raw

    with Store(tmp_path / "s.db") as store:
        monkeypatch.setattr(pipeline, "read_inputs", interrupted)
        with pytest.raises(KeyboardInterrupt):
            ingest_into(store, [str(path)], settings)
        assert len(store.articles()) == 10
        monkeypatch.setattr(pipeline, "read_inputs", real_read_inputs)
        summary = RunSummary()
        ingest_into(store, [str(path)], settings, summary=summary)
        assert (summary.new, summary.already_stored) == (15, 10)
        assert sorted(a.input.rsplit("#")[1] for a in store.articles()) == sorted(str(n) for n in range(1, 26))


# -- 7. input identity by canonical path and content -----------------------------------------------

def test_adding_a_file_again_under_another_spelling_of_its_path_adds_nothing(tmp_path, monkeypatch):
    (tmp_path / "bench").mkdir()
    path = write_jsonl(tmp_path / "bench" / "feed.jsonl", 12)
    settings = Settings()
    with Store(tmp_path / "s.db") as store:
        ingest_into(store, [str(path.resolve())], settings)
        monkeypatch.chdir(tmp_path)
        for typed in ("bench/feed.jsonl", "./bench/../bench/feed.jsonl"):
            summary = RunSummary()
            ingest_into(store, [typed], settings, summary=summary)
            assert (summary.new, summary.already_stored) == (0, 12), typed
        assert len(store.articles()) == 12


def test_the_same_file_given_twice_in_one_run_is_stored_once(tmp_path, monkeypatch):
    path = write_jsonl(tmp_path / "feed.jsonl", 5)
    monkeypatch.chdir(tmp_path)
    with Store(tmp_path / "s.db") as store:
        summary = RunSummary()
        ingest_into(store, [str(path), "feed.jsonl"], Settings(), summary=summary)
        assert (summary.new, summary.already_stored) == (5, 5)


def test_changed_content_at_the_same_path_is_new(tmp_path):
    path = write_jsonl(tmp_path / "feed.jsonl", 3)
    with Store(tmp_path / "s.db") as store:
        ingest_into(store, [str(path)], Settings())
        write_jsonl(path, 3, prefix="Revised record")
        summary = RunSummary()
        ingest_into(store, [str(path)], Settings(), summary=summary)
        assert summary.new == 3


# -- 1. long texts ------------------------------------------------------------------------------------

def test_a_text_past_max_article_chars_is_rejected_with_the_rule(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("Calder harbour reopens\n\n" + "".join(PARAGRAPH.format(n=f"day {n}") for n in range(20)))
    settings = Settings().with_changes(max_article_chars=1000)
    with Store(tmp_path / "s.db") as store:
        ingest_into(store, [str(path)], settings)
        (article,) = store.articles()
    assert article.status == "rejected"
    assert article.reason.startswith("too long") and "max_article_chars" in article.reason


class FailingReader:
    """Stands in for read.read_articles: fails on any batch holding a chosen article."""

    def __init__(self, bad_input: str) -> None:
        self.bad_input = bad_input

    def __call__(self, articles, nlp, lexicon, settings):
        from storylens.records import ArticleReading, Framing

        articles = list(articles)
        if any(a.input.endswith(self.bad_input) for a in articles):
            raise ValueError("[E088] Text of length 1200000 exceeds maximum of 1000000.")
        return [ArticleReading(article=a, mentions=(), actors=(), framing=Framing()) for a in articles]


def test_an_article_the_reader_fails_on_is_rejected_and_the_others_are_read(tmp_path, monkeypatch):
    path = write_jsonl(tmp_path / "feed.jsonl", 6)
    monkeypatch.setattr(pipeline, "read_articles", FailingReader("feed.jsonl#3"))
    models = Models(nlp=None, encoder=None, lexicon=None)
    with Store(tmp_path / "s.db") as store:
        ingest_into(store, [str(path)], Settings())
        assert read_new(store, models, Settings()) == 5
        failed = [a for a in store.articles() if a.input.endswith("#3")][0]
        assert failed.status == "rejected" and "E088" in failed.reason
        # The store is not jammed: the next run has nothing left to fail on.
        assert store.unread_articles() == []
        assert read_new(store, models, Settings()) == 0


@pytest.mark.slow
def test_a_text_past_the_models_max_length_is_read_in_pieces_and_the_store_stays_usable(tmp_path, models):
    folder = tmp_path / "in"
    folder.mkdir()
    long_text = "Calder harbour reopens\n\n" + "".join(PARAGRAPH.format(n=f"day {n}") for n in range(60))
    (folder / "long.txt").write_text(long_text)
    (folder / "short.txt").write_text("Ferries return to Calder\n\n" + PARAGRAPH.format(n="Wednesday"))
    saved = models.nlp.max_length
    models.nlp.max_length = 3000  # the real limit is 1,000,000 characters; the failure is the same
    try:
        with Store(tmp_path / "s.db") as store:
            run(store, [str(folder)], Settings(), models)
            statuses = {Path(a.input).name: a.status for a in store.articles()}
            assert statuses == {"long.txt": "ok", "short.txt": "ok"}
            readings = {Path(r.article.input).name: r for r in store.readings()}
            long_reading = readings["long.txt"]
            text = long_reading.article.text
            assert len(text) > 3000
            assert all(text[m.start:m.end] == m.text for m in long_reading.mentions)
            assert any("day 59" in m.text for m in long_reading.mentions)
            assert any(m.speaker and "port authority" in m.speaker for m in long_reading.mentions)
            # And later additions still work on this store.
            (folder / "more.txt").write_text(
                "Calder mayor visits the quay\n\nMayor Ana Sorel toured the damaged quay at Calder on Friday and "
                "promised repairs before the summer season, her office said in a statement.\n")
            run(store, [str(folder / "more.txt")], Settings(), models)
            assert len(list(store.readings())) == 3
    finally:
        models.nlp.max_length = saved


# -- 2. an interrupted `add` is finished by the next run ----------------------------------------------

KILL_DURING_COMPARE = """
import os, signal, sys
import storylens.pipeline as pipeline

real = pipeline.compare_story
calls = 0

def compare_then_die(*args, **kwargs):
    global calls
    calls += 1
    if calls > int(os.environ["STORYLENS_TEST_KILL_AFTER"]):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)

pipeline.compare_story = compare_then_die
from storylens.cli import main
sys.exit(main(sys.argv[1:]))
"""


def outcome(dossier: dict) -> dict:
    """What a user compares between two runs: articles, stories and conflicts (not timestamps)."""
    return {
        "articles": sorted((a["id"], a["status"], a.get("duplicate_of")) for a in dossier["articles"]),
        "stories": sorted((s["id"], tuple(sorted(s["article_ids"]))) for s in dossier["stories"]),
        "conflicts": sorted(json.dumps(c, sort_keys=True) for s in dossier["stories"] for c in s["conflicts"]),
        "claims": sum(len(s["claims"]) for s in dossier["stories"]),
    }


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [0, 1])
def test_add_killed_while_comparing_is_finished_by_the_same_add(tmp_path, models, kill_after):
    first = [EXAMPLES / "capital-ledger.txt", EXAMPLES / "wire-feed.jsonl"]
    later = [EXAMPLES / "morning-exchange.html", EXAMPLES / "riverside-post.html", EXAMPLES / "valley-courier.txt"]
    settings = Settings()
    with Store(tmp_path / "killed.db") as store:
        run(store, [str(p) for p in first], settings, models)
    shutil.copy(tmp_path / "killed.db", tmp_path / "whole.db")
    with Store(tmp_path / "whole.db") as store:
        before = {s["id"] for s in store.story_dossiers()}
        run(store, [str(p) for p in later], settings, models)
        expected = dossier_from_store(store)
    assert len(expected["stories"]) >= 2 and before  # the add touches stories that had dossiers

    env = {**os.environ, "STORYLENS_TEST_KILL_AFTER": str(kill_after)}
    killed = subprocess.run([sys.executable, "-c", KILL_DURING_COMPARE, "add", "--db", str(tmp_path / "killed.db"),
                             *map(str, later)], env=env, capture_output=True, text=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with Store(tmp_path / "killed.db") as store:
        assert store.stale_story_ids()  # the interrupted run left its work marked
        summary = run(store, [str(p) for p in later], settings, models)
        assert summary.new == 0
        resumed = dossier_from_store(store)
        assert not store.stale_story_ids()
        members = store.story_members()
    assert outcome(resumed) == outcome(expected)
    for story in resumed["stories"]:
        assert sorted(story["article_ids"]) == sorted(a for a, _ in members[story["id"]])


# -- 3. two runs at once find duplicates as in sequence ------------------------------------------------

@pytest.mark.slow
def test_two_runs_at_once_find_a_syndicated_copy_as_in_sequence(tmp_path, models, monkeypatch):
    text = ("Calder harbour reopens\n\nThe harbour at Calder reopened on Monday after a storm closed it for three "
            "days, the port authority said. Ferries resumed on the northern route, and fishing boats returned "
            "to the quay by the afternoon, harbour master Ines Varga told reporters.\n")
    (tmp_path / "wire.txt").write_text(text)
    (tmp_path / "copy.txt").write_text(text.replace("told reporters", "told reporters on Monday"))
    real_index = pipeline.DuplicateIndex
    meet = threading.Barrier(2, timeout=3)

    def index_after_both_start(settings):
        # Without serialised runs, both would build their duplicate index before either stores.
        try:
            meet.wait()
        except threading.BrokenBarrierError:
            pass
        return real_index(settings)

    monkeypatch.setattr(pipeline, "DuplicateIndex", index_after_both_start)
    Store(tmp_path / "s.db").close()
    errors: list[BaseException] = []

    def add(name: str) -> None:
        try:
            with Store(tmp_path / "s.db") as store:
                run(store, [str(tmp_path / name)], Settings(), models)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=add, args=(name,)) for name in ("wire.txt", "copy.txt")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with Store(tmp_path / "s.db") as store:
        statuses = sorted(a.status for a in store.articles())
    assert statuses == ["duplicate", "ok"]


# -- 9. a full disk under the store ---------------------------------------------------------------------

def test_a_full_disk_under_the_store_is_a_clean_error_and_the_store_stays_usable(tmp_path):
    path = write_jsonl(tmp_path / "feed.jsonl", 40)
    with Store(tmp_path / "s.db") as store:
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 2}")  # a disk with two pages left
        with pytest.raises(StoreError, match="full.*Free some space"):
            with store.exclusive():
                ingest_into(store, [str(path)], Settings().with_changes(ingest_batch_size=5))
        stored = len(store.articles())
        store.db.execute("PRAGMA max_page_count = 1073741823")  # space freed
        with store.exclusive():
            summary = RunSummary()
            ingest_into(store, [str(path)], Settings(), summary=summary)
        assert summary.new == 40 - stored
        assert len(store.articles()) == 40


def test_article_records_round_trip_with_their_canonical_input(tmp_path):
    article = Article(id="a1", input="feed.jsonl#1", source="X", title="T", published=None, language="en",
                      status="ok", reason=None, text="Some text.", content_hash="h1")
    with Store(tmp_path / "s.db") as store:
        store.add_articles([article], {"a1": "/data/feed.jsonl#1"})
        assert store.known_input("other/feed.jsonl#1", "h1", "/data/feed.jsonl#1") == "a1"
        assert store.known_input("other/feed.jsonl#1", "h2", "/data/feed.jsonl#1") is None
