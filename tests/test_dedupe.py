"""Duplicates: exact copies and syndicated copies are flagged, different stories are not."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from storylens.clean import clean_document
from storylens.dedupe import DuplicateIndex, mark_duplicates, shingle_text
from storylens.records import Article, RawDocument
from storylens.settings import Settings

WIRE_STORY = """A rail bridge over the Osk river collapsed early on Tuesday after a week of heavy storms, cutting the only freight line into the northern valley, regional officials said.

No trains were on the bridge when the central span gave way at about 4 a.m., according to the rail operator, which said a night inspection had flagged rising water two hours earlier.

"We closed the line just in time," operations director Mara Keel told reporters at the site. "Another hour and we would be counting casualties."

Engineers estimate that rebuilding the 140-metre span will take at least eight months and cost around 60 million euros, a figure the transport ministry said it could not yet confirm.

Farmers in the valley warned that grain shipments due in April would now have to travel by road, adding four hours to every journey, and asked the government for help with the extra fuel costs.

The regional governor said emergency funds would be released this week and that a temporary ferry link across the river was being studied, although officials cautioned that the current was still too strong.

Police closed the riverside road on both banks and asked residents to stay away from the wreckage while divers checked the remaining piers for damage."""

OTHER_STORY = """Dockworkers walked off the job on Monday, bringing container traffic at the country's largest port to a standstill in a dispute over automation and pay.

The union said 6,500 members joined the strike, while the port authority put the figure at about 4,000 and said some terminals were still handling bulk cargo.

Union leader Tomas Ferreira said workers would stay out until the operator guaranteed that no jobs would be cut when automated cranes arrive next year.

Shipping lines began diverting vessels to neighbouring ports, and at least 30 ships were waiting at anchor by the afternoon, according to tracking data."""


def make_article(settings: Settings, body: str, name: str, title: str | None = None, kind: str = "text") -> Article:
    return clean_document(RawDocument(input=name, kind=kind, body=body, title=title), settings)  # type: ignore[arg-type]


def test_new_article_is_returned_unchanged(settings: Settings) -> None:
    index = DuplicateIndex(settings)
    article = make_article(settings, WIRE_STORY, "a.txt")
    assert index.check(article) is article
    assert len(index) == 1


def test_exact_copy_is_flagged_with_a_distinct_id(settings: Settings) -> None:
    original = make_article(settings, WIRE_STORY, "a.txt")
    copy = make_article(settings, WIRE_STORY.replace("\n\n", "\n"), "b.txt")
    first, second = mark_duplicates([original, copy], settings)
    assert first == original
    assert (second.status, second.duplicate_of, second.reason) == ("duplicate", original.id, f"exact copy of {original.id}")
    assert second.id != original.id and second.input == "b.txt"


def test_syndicated_copy_with_new_headline_and_extra_sentence_is_flagged(settings: Settings) -> None:
    original = make_article(settings, WIRE_STORY, "wire.txt", title="Rail bridge collapses after storms")
    syndicated = make_article(
        settings,
        WIRE_STORY + "\n\nThe valley's tourism board said hotels had not yet reported cancellations.",
        "paper.html",
        title="Storm-hit valley loses its only rail link",
    )
    first, second = mark_duplicates([original, syndicated], settings)
    assert first.status == "ok"
    assert second.status == "duplicate" and second.duplicate_of == original.id
    assert second.reason is not None and second.reason.startswith(f"near-duplicate (syndicated copy) of {original.id}, ")
    assert second.reason.endswith("% similar")


@pytest.mark.parametrize(
    "other",
    [
        OTHER_STORY,
        # The same event rewritten: shared facts, different sentences.
        "Storms brought down the rail bridge across the Osk on Tuesday. The operator said it had stopped traffic "
        "two hours before the collapse, so nobody was hurt. Rebuilding could take eight months, engineers said, "
        "and farmers now face long detours by road to get their grain out of the valley this spring.",
    ],
)
def test_different_articles_are_not_duplicates(settings: Settings, other: str) -> None:
    articles = [make_article(settings, WIRE_STORY, "a.txt"), make_article(settings, other, "b.txt")]
    assert [article.status for article in mark_duplicates(articles, settings)] == ["ok", "ok"]


def test_only_ok_articles_are_checked(settings: Settings) -> None:
    rejected = clean_document(RawDocument(input="x.txt", kind="text", body=None, error="empty file"), settings)
    index = DuplicateIndex(settings)
    assert index.check(rejected) is rejected and index.check(rejected) is rejected
    assert len(index) == 0


def test_preloaded_articles_catch_later_copies(settings: Settings) -> None:
    stored = make_article(settings, WIRE_STORY, "old.txt")
    index = DuplicateIndex(settings)
    index.add(stored)
    again = index.check(make_article(settings, WIRE_STORY, "new.txt"))
    assert (again.status, again.duplicate_of) == ("duplicate", stored.id)


def test_first_of_a_chain_stays_the_original(settings: Settings) -> None:
    copies = [make_article(settings, WIRE_STORY + f"\n\nEditor's note {n}: updated.", f"{n}.txt") for n in range(3)]
    marked = mark_duplicates(copies, settings)
    assert [a.status for a in marked] == ["ok", "duplicate", "duplicate"]
    assert {a.duplicate_of for a in marked[1:]} == {marked[0].id}


@pytest.mark.parametrize(
    ("text", "count"),
    [("one two three four five six", 2), ("One, two... THREE", 1), ("", 0)],
)
def test_shingles_are_word_five_grams(text: str, count: int) -> None:
    assert len(shingle_text(text)) == count


@pytest.mark.slow
def test_ecbplus_has_no_duplicates_across_events(ecbplus_path: Path, settings: Settings) -> None:
    rows = [json.loads(line) for line in ecbplus_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = [
        clean_document(
            RawDocument(input=row["id"], kind="record", body=row["text"], title=row["title"], source=row["source"], url=row["url"]),
            settings,
        )
        for row in rows
    ]
    marked = mark_duplicates(articles, settings)
    gold = {row["id"]: row["gold"] for row in rows}
    event_of = {article.id: gold[article.input] for article in marked}
    crossed = [(a.input, a.reason) for a in marked if a.status == "duplicate" and event_of[a.duplicate_of] != gold[a.input]]
    assert crossed == []
    statuses = Counter(article.status for article in marked)
    assert statuses["ok"] >= 0.9 * len(rows)
