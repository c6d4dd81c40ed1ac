"""Temporal expressions resolved against the publication date."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from storylens.nlp.timex import extract_times, parse_published


def hand_doc(text: str) -> Doc:
    words = text.split(" ")
    return Doc(Vocab(), words=words, spaces=[True] * (len(words) - 1) + [False])


@pytest.mark.parametrize(
    "text, published, expected",
    [
        ("It began on October 24, 2024 .", None, [("2024-10-24", "day")]),
        ("It began on 24 October 2024 .", None, [("2024-10-24", "day")]),
        ("Filed 2023-02-01 in court", None, [("2023-02-01", "day")]),
        ("In late December 2024 it ended", None, [("2024-12", "part_of_month")]),
        ("In January 2025 it ended", None, [("2025-01", "month")]),
        ("Troops came last October", "2025-04-27", [("2024-10", "month")]),
        ("More came early this year", "2025-04-27", [("2025", "year")]),
        ("They met at their June summit last year", "2025-04-27", [("2024-06", "month")]),
        ("It happened last year", "2025-04-27", [("2024", "year")]),
        ("The war began in 2019 .", "2025-04-27", [("2019", "year")]),
        ("Costs rose between 2015 and 2019 .", None, [("2015", "year"), ("2019", "year")]),
        ("It came in January and February", "2025-04-27", [("2025-01", "month"), ("2025-02", "month")]),
        ("News came yesterday", "2025-04-27", [("2025-04-26", "day")]),
        ("The bridge shut three days ago", "2025-03-02", [("2025-02-27", "day")]),
        ("It was sold 2 months ago", "2025-01-15", [("2024-11", "month")]),
        ("The plant opened a year ago", "2025-04-27", [("2024", "year")]),
        ("He left the day before yesterday", "2025-04-27", [("2025-04-25", "day")]),
        # 2025-04-27 is a Sunday: last week ran from 14 to 20 April.
        ("Talks stalled last week", "2025-04-27", [("2025-04", "part_of_month")]),
        ("Talks resume next week", "2025-04-16", [("2025-04", "part_of_month")]),
        ("Talks stalled earlier this week", "2025-03-05", [("2025-03", "part_of_month")]),
        # 2025-05-07: last week ran from 28 April to 4 May, across two months.
        ("Talks stalled last week", "2025-05-07", []),
    ],
)
def test_expressions_resolve_with_precision(text, published, expected) -> None:
    doc = hand_doc(text)
    times = extract_times(doc[:], parse_published(published))
    assert [(t.value, t.precision) for t in times] == expected


@pytest.mark.parametrize(
    "text", ["It came on April 26 .", "It came last October", "It came on Monday", "It came two days ago", "It came last week"])
def test_relative_dates_need_a_publication_date(text) -> None:
    assert extract_times(hand_doc(text)[:], None) == []


@pytest.mark.parametrize("text", ["Troops may advance", "The march went on", "He sent 2024 soldiers home"])
def test_words_that_only_look_like_dates_are_ignored(text) -> None:
    assert extract_times(hand_doc(text)[:], date(2025, 4, 27)) == []


def test_offsets_point_into_the_text() -> None:
    doc = hand_doc("Talks resumed on March 14 after a pause")
    (time,) = extract_times(doc[:], date(2025, 4, 27))
    assert doc.text[time.start : time.end] == "March 14" == time.text


@pytest.mark.parametrize("published", ["", "2025-13-45", "not a date"])
def test_malformed_publication_dates_are_none(published) -> None:
    assert parse_published(published) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, published, value",
    [
        ("The minister resigned on Wednesday.", "2024-09-12", "2024-09-11"),
        ("The minister will resign on Wednesday.", "2024-09-12", "2024-09-18"),
        ("The offensive was announced on February 7.", "2025-04-26", "2025-02-07"),
        ("On 26 April, the chief confirmed the report.", "2025-04-26", "2025-04-26"),
        ("The vote will take place on May 3.", "2025-04-26", "2025-05-03"),
        ("There were 30 battles as of April 25.", "2025-04-26", "2025-04-25"),
        ("The rebels were pushed back in December.", "2025-04-26", "2024-12"),
    ],
)
def test_tense_decides_the_year_or_week(nlp, text, published, value) -> None:
    doc = nlp(text)
    times = [t for sent in doc.sents for t in extract_times(sent, parse_published(published))]
    assert [t.value for t in times] == [value]
