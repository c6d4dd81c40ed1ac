"""Clock times of an event read as figures (nlp/figure_clock.py) and compared across outlets.

Each rule fires on a sentence built for it and stays quiet on one that only looks alike: a time
is a figure only when it says when an event of a class of `clock_classes` happened; zoned times
are compared in UTC, local ones with local ones, and close times agree.
"""

from __future__ import annotations

import copy

import pytest

from storylens.errors import SettingsError
from storylens.figures import RULES_PATH, load_figure_rules, measure_of, parse_figure_rules, _base_value
from storylens.nlp.quantities import extract_quantities
from storylens.nlp.timex import extract_times, parse_published
from storylens.read import load_lexicon

from figure_texts import compare_texts  # tests/figure_texts.py

RULES = load_figure_rules()


def clocks(nlp, text):
    lexicon = load_lexicon()
    out = []
    for sent in nlp(text).sents:
        out.extend(q for q in extract_quantities(sent, lexicon, extract_times(sent, parse_published(None)), RULES)
                   if q.dimension == "clock")
    return out


@pytest.mark.slow
@pytest.mark.parametrize(("text", "value", "unit", "klass"), [
    ("Rebels attacked the base at 2:15 p.m. local time.", 14.25, "local", "ATTACK"),
    ("Jets dropped six bombs at 4:30 p.m. near the market.", 16.5, "local", "ATTACK"),
    ("On Monday at about 9 pm the depot was bombed.", 21.0, "local", "ATTACK"),
    ("Residents said there were two blasts at 5 a.m. (0200 GMT).", 5.0, "local", "ATTACK"),
    ("The tremor struck at 3:12 a.m. PST, the survey said.", 3.2, "PST", "QUAKE"),
    ("The ferry collided with a barge around noon.", 12.0, "local", "CRASH"),
    ("Gunmen raided the office at 1100 hrs IST, officials said.", 11.0, "IST", "ATTACK"),
    ("The derailment happened at 8.40am on Saturday.", 8 + 40 / 60, "local", "CRASH"),
    ("The valley was shaken at 2:09 a.m. Thursday by a small quake.", 2 + 9 / 60, "local", "QUAKE"),
])
def test_a_clock_time_of_an_event_is_read(nlp, text, value, unit, klass):
    (q,) = clocks(nlp, text)
    assert (q.value, q.unit) == (pytest.approx(value), unit)
    assert measure_of(q, RULES).klass == klass


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "Police were called to the house at 8:39am on Saturday.",  # no event of a known class
    "Police found a bomb at 3 p.m. in the car park.",  # the finding is dated, not the bomb
    "The market was shelled until 6 p.m.",  # an end, not when it happened
    "He scored with 10:03 to play in the third quarter.",  # a game clock
    "No bombs fell at 3 p.m., the mayor said.",  # nothing happened then
    "The meeting ended at 1100 hrs IST.",
    "The valley was shaken at 2:09 a.m. by loud music.",  # the agent is no event of a known class
])
def test_other_clock_times_are_no_event_figures(nlp, text):
    assert [q for q in clocks(nlp, text) if measure_of(q, RULES) is not None] == []


@pytest.mark.slow
def test_a_clock_time_is_not_read_as_a_count_of_hours_nor_does_it_swallow_a_count(nlp):
    lexicon = load_lexicon()
    sent = next(nlp("The meeting ended at 1100 hrs IST.").sents)
    assert [q for q in extract_quantities(sent, lexicon, (), RULES) if q.dimension == "duration"] == []
    sent = next(nlp("About 1500 UN troops arrived on Monday.").sents)
    assert [(q.value, q.dimension) for q in extract_quantities(sent, lexicon, (), RULES)] == [(1500, "count")]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "holder"), [
    ("A second quake hit at 7:16 a.m.", "second"),
    ("There were three further explosions at 3 p.m.", "further"),
    ("The attack at 6 p.m. was repelled.", None),
])
def test_a_word_that_tells_one_event_of_several_holds_its_clock_time(nlp, text, holder):
    (q,) = clocks(nlp, text)
    assert q.holder == holder


def test_zoned_times_are_compared_in_utc():
    base = load_figure_rules()
    pst = _make(3 + 12 / 60, "PST")
    et = _make(6 + 12 / 60, "ET")
    assert _base_value(pst, base) == pytest.approx(_base_value(et, base)) == pytest.approx(11.2)
    assert measure_of(pst, base).unit == measure_of(et, base).unit == "UTC"
    assert measure_of(_make(15.0, "local"), base).unit == "local"
    assert measure_of(_make(15.0, "GREEK"), base) is None  # a zone the rules do not know


def test_the_clock_rules_are_checked_against_the_schema():
    import yaml
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    bad = copy.deepcopy(data)
    bad["clock_minutes"]["nearly"] = 5
    with pytest.raises(SettingsError):
        parse_figure_rules(bad)
    bad = copy.deepcopy(data)
    bad["time_zones"]["XYZ"] = 40
    with pytest.raises(SettingsError):
        parse_figure_rules(bad)


def _make(value, unit, measure="attack"):
    from storylens.records import Quantity
    return Quantity(text="t", value=value, qualifier="exact", unit=unit, counted=None, event=measure, modifiers=(),
                    start=0, end=1, dimension="clock", measure=measure)


@pytest.mark.slow
@pytest.mark.parametrize(("first", "second"), [
    ("Rebels attacked the base at 2:15 p.m., officials said.", "The base was attacked at 3:05 p.m."),
    ("The quake struck at about 4 a.m., the agency said.", "The quake struck at 4:40 a.m."),
    ("Jets dropped bombs on the town at 11:50 a.m.", "The town was bombed at 12:30 p.m."),
])
def test_clock_times_of_one_event_that_disagree_make_a_conflict(nlp, first, second):
    (conflict,) = compare_texts(nlp, first, second)
    assert conflict.measure_class in ("ATTACK", "QUAKE")


@pytest.mark.slow
@pytest.mark.parametrize(("first", "second"), [
    ("The tremor struck at 2:09 a.m. PST.", "The tremor struck at 5:09 a.m. ET."),  # one time in two zones
    ("The quake struck at 10:24 a.m. local time.", "The quake struck at 0224 GMT."),  # the local zone is unknown
    ("Bombs fell on the camp at 2:53 p.m.", "Bombs fell on the camp at about 3 p.m."),  # close enough
    ("The first blast was at 1 p.m.", "A second blast came at 1:40 p.m."),  # two events
    ("The quake struck at 5:06 p.m.", "The quake struck at 9:30 p.m."),  # too far apart to be one event
    ("The attack began at 3 p.m. Greek time.", "The attack began at 4:30 p.m."),  # a zone not compared
    ("Police were called at 8:39 a.m.", "Police were called at 9:30 a.m."),  # no event class
])
def test_clock_times_that_need_not_disagree_make_no_conflict(nlp, first, second):
    assert compare_texts(nlp, first, second) == []


@pytest.mark.slow
@pytest.mark.parametrize(("first", "second", "conflicts"), [
    ("Soldiers recovered seven AK-47s from the boat.", "Soldiers recovered 12 AK 47 guns from the boat.", 1),
    ("Soldiers recovered seven AK-47 assault rifles.", "Soldiers recovered 12 AK-47s.", 1),
    ("Soldiers recovered seven AK-47s from the boat.", "Soldiers recovered 12 M16 rifles from the boat.", 0),
    ("Soldiers recovered seven AK-47s from the boat.", "Soldiers recovered 12 rifles from the boat.", 0),
])
def test_counts_of_one_model_named_two_ways_are_compared(nlp, first, second, conflicts):
    assert len(compare_texts(nlp, first, second)) == conflicts
