"""Figures: value, qualifier, counted noun, event, modifiers; and what is not a figure."""

from __future__ import annotations

import pytest

from storylens.nlp.quantities import extract_quantities, parse_words
from storylens.nlp.timex import extract_times, parse_published
from storylens.read import load_lexicon


@pytest.mark.parametrize(
    "words, value",
    [("three", 3), ("two million", 2_000_000), ("twenty-five", 25), ("two hundred and forty", 240), ("nine", 9)],
)
def test_number_words_have_values(words, value) -> None:
    assert parse_words(words) == value


def test_non_number_words_have_no_value() -> None:
    assert parse_words("several") is None


def figures(nlp, text: str, published: str | None = "2025-04-26"):
    lexicon = load_lexicon()
    doc = nlp(text)
    out = []
    for sent in doc.sents:
        times = extract_times(sent, parse_published(published))
        out.extend(extract_quantities(sent, lexicon, times))
    return out


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, value, qualifier, unit, counted",
    [
        ("There are approximately 12 000 soldiers in the region.", 12000, "approximate", None, "soldier"),
        ("Forces eliminated 1,110 Russian personnel.", 1110, "exact", None, "personnel"),
        ("Losses rose to more than 947,000.", 947000, "lower_bound", None, None),
        ("Nearly 2 700 were wounded.", 2700, "upper_bound", None, None),
        ("At least 3 000 additional soldiers were sent.", 3000, "lower_bound", None, "soldier"),
        ("The bank raised the rate to 6.75% on Monday.", 6.75, "exact", "%", None),
        ("The bank cut rates by 25 basis points.", 25, "exact", "basis points", None),
        ("The strike lasted nine hours.", 9, "exact", "hours", None),
        ("A fifth of voters stayed home.", 0.2, "exact", None, "voter"),
        ("Two million people marched.", 2_000_000, "exact", None, "people"),
        ("Up to 40 ships were delayed.", 40, "upper_bound", None, "ship"),
        ("The fund holds some $3 million.", 3_000_000, "approximate", "USD", None),
    ],
)
def test_figures_are_read(nlp, text, value, qualifier, unit, counted) -> None:
    (q,) = figures(nlp, text)
    assert (q.value, q.qualifier, q.unit, q.counted) == (value, qualifier, unit, counted)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, event, modifiers",
    [
        ("The North has sent some 11,000 North Korean troops.", "send", ("north korean",)),
        ("More than 3 000 soldiers from the DPRK had been killed or wounded.", "kill|wound", ("dprk",)),
        ("The North may have sent another 3,000 soldiers.", "send", ("another",)),
        ("There are approximately 12 000 soldiers.", "be", ()),
    ],
)
def test_figures_know_their_event_and_modifiers(nlp, text, event, modifiers) -> None:
    (q,) = figures(nlp, text)
    assert q.event == event
    assert set(modifiers) <= set(q.modifiers)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The talks ended on October 24, 2024.",
        "The summit took place in 2019.",
        "The meeting starts at 10:30 a.m.",
        "Call 555-123-4567 for details.",
        "He came first in the race.",
        "Russia used an M1991 240-mm launcher.",
        "It is one of the most isolated regimes.",
        "The report was issued on April 26.",
    ],
)
def test_dates_times_ids_and_ordinals_are_not_figures(nlp, text) -> None:
    assert figures(nlp, text, published=None) == []


@pytest.mark.slow
def test_bare_figure_inherits_counted_noun_of_previous_figure(nlp) -> None:
    found = figures(nlp, "Officials said 300 soldiers were killed and nearly 2 700 were wounded.")
    assert [(q.value, q.counted, q.event) for q in found] == [(300, "soldier", "kill"), (2700, "soldier", "wound")]


@pytest.mark.slow
def test_a_figure_put_at_a_number_counts_what_the_figure_before_it_counts(nlp) -> None:
    found = figures(nlp, "Harlow reported that 640 firefighters were deployed, while the union put the number at 410.")
    assert [(q.value, q.counted, q.event) for q in found] == [(640, "firefighter", "deploy"), (410, "firefighter", "deploy")]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "counted", "holder"), [
    ("Troops seized nine AK-47s from the house.", "ak47", None),
    ("Troops seized 12 AK 47 guns from the house.", "ak47", None),
    ("The air force sent four F-16 jets to the border.", "f16", None),
    ("Two F-16s were scrambled.", "f16", None),
])
def test_a_count_of_a_model_counts_the_model(nlp, text, counted, holder) -> None:
    (q,) = [q for q in figures(nlp, text, None) if q.dimension == "count"]
    assert (q.counted, q.holder) == (counted, holder)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "counted"), [
    ("Two COVID-19 patients died in the ward.", "patient"),  # people are never a model
    ("Police seized nine rifles from the house.", "rifle"),
    ("The company sold 40 Boeing planes last year.", "plane"),  # a maker, no model number
])
def test_a_count_without_a_model_keeps_its_noun(nlp, text, counted) -> None:
    (q,) = [q for q in figures(nlp, text, None) if q.dimension == "count"]
    assert q.counted == counted
