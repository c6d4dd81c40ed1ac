"""Figures compared as measure frames: every comparison rule firing and not firing, on frames built by hand.

The frames here are what the reading stage gives (see test_figures_read.py for the parse);
these tests pin what counts as one measure, when two values disagree, whose voices count,
and what is an update rather than a conflict.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from storylens.errors import SettingsError
from storylens.figures import RULES_PATH, collect_figures, find_figure_conflicts, interval, load_figure_rules
from storylens.records import Article, Mention, Quantity
from storylens.settings import Settings
from storylens.store import Store

RULES = load_figure_rules()


def frame(value, measure="kill", counted=None, dimension="count", hedge="exact", unit=None, holder=None,
          time=None, flags=(), text=None, speaker=None, high=None):
    return Quantity(text=text or f"{value:,}", value=value, qualifier="exact", unit=unit, counted=counted, event=None,
                    modifiers=(), start=0, end=len(text or f"{value:,}"), speaker=speaker, dimension=dimension,
                    measure=measure, holder=holder, time=time, flags=tuple(flags), hedge=hedge, high=high)


def article(article_id, source, published=None, url="https://example.org/a"):
    return Article(id=article_id, input=f"{article_id}.jsonl#1", source=source, title=None, published=published,
                   language="en", status="ok", reason=None, text="", url=url)


def compare(*given, settings=None, rules=RULES):
    """Conflicts and histories among (outlet, quantity[, published[, speaker]]) figures, one article each."""
    articles, mentions = {}, []
    for n, item in enumerate(given):
        outlet, quantity = item[0], item[1]
        published = item[2] if len(item) > 2 else None
        speaker = item[3] if len(item) > 3 else None
        article_id = f"a{n}"
        articles[article_id] = article(article_id, outlet, published)
        mentions.append(Mention(article_id=article_id, index=0, text=f"{outlet} sentence {n}", start=0, end=20,
                                speaker=speaker, quantities=(quantity,)))
    settings = settings or Settings()
    figures = collect_figures(mentions, articles, lambda m: m.speaker, rules, settings)
    return find_figure_conflicts(figures, settings, rules)


def conflicts(*given, **kwargs):
    return compare(*given, **kwargs)[0]


# --- should fire --------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), [
    (frame(12, "kill"), frame(5, "die")),  # two verbs of one class
    (frame(12, "kill"), frame(5, "death", counted="death")),  # a counted noun of the class
    (frame(300, "arrest", counted="crew", hedge="nearly"), frame(300, "arrest", counted="crew", hedge="more_than")),
    (frame(11000, "send", counted="troop", hedge="about"), frame(12000, "be", counted="soldier", hedge="about")),
    (frame(20000, "march", counted="people", hedge="up_to"), frame(30000, "march", counted="people", hedge="about")),
    (frame(7.6, "magnitude", dimension="magnitude"), frame(7.7, "magnitude", dimension="magnitude")),
    (frame(38, "age", dimension="age", holder="Sean Smith"), frame(39, "age", dimension="age", holder="Smith")),
    (frame(80e6, "price", dimension="money", unit="EUR"), frame(85e6, "cost", dimension="money", unit="EUR")),
    (frame(13.2e9, "deal", dimension="money", unit="USD", holder="the deal"),
     frame(13.9e9, "value", dimension="money", unit="USD", holder="deal")),
    (frame(200, "depth", dimension="length", unit="ft"), frame(200, "depth", dimension="length", unit="m")),
    (frame(4.0, "rate", dimension="percent", unit="%"), frame(4.5, "rate", dimension="percent", unit="%")),
    (frame(120, "cancel", counted="flight"), frame(300, "cancel", counted="flight")),
    (frame(4, "drop", counted="bomb"), frame(5, "drop", counted="bomb")),  # named things under their own verb
    (frame(0, "kill", text="no one"), frame(12, "kill")),  # none against some
    (frame(5.4, "plunge", dimension="percent", unit="%", holder="greek stocks"),
     frame(3.9, "close down", dimension="percent", unit="%", holder="greek stocks")),  # one fall, two sizes
    (frame(120000, "population", holder="qeshm island"), frame(200000, "population", holder="qeshm")),
    (frame(6, "kill", counted="child"), frame(8, "kill", counted="kid")),
    (frame(80, "cut", dimension="percent", unit="%", hedge="up_to"),
     frame(70, "cut", dimension="percent", unit="%", hedge="up_to")),  # two different upper bounds
    (frame(10, "last", dimension="duration", unit="seconds", holder="tremor"),
     frame(30, "last", dimension="duration", unit="seconds", holder="tremor")),  # a duration under its own verb
    (frame(120, "close", counted="school"), frame(300, "cancel", counted="school")),  # closures are counts
])
def test_two_outlets_disagreeing_on_one_measure_conflict(a, b):
    (conflict,) = conflicts(("Harbour Gazette", a), ("Valley Post", b))
    assert conflict.kind == "numeric"
    assert sorted(s.value for s in conflict.sides) == sorted([a.value, b.value])
    assert {s.source for s in conflict.sides} == {"Harbour Gazette", "Valley Post"}


def test_a_conflict_carries_its_measure_and_each_side_its_interval_and_quote():
    (conflict,) = conflicts(("A", frame(12, "kill", hedge="at_least", time="2026-03-04")),
                            ("B", frame(5, "kill", time="2026-03-04")))
    assert (conflict.measure_class, conflict.holder, conflict.time) == ("KILL", None, "2026-03-04")
    low = {s.value: (s.low, s.high, s.qualifier, s.quote) for s in conflict.sides}
    assert low[12][1] is None and low[12][2:] == ("at_least", "12")
    assert low[5][:2] == (5, 5)


def test_two_named_sources_of_one_article_can_disagree():
    articles = {"a": article("a", "Harbour Gazette")}
    quantities = (frame(2100, "march", counted="people", speaker="police"),
                  frame(6000, "march", counted="people", speaker="organisers"))
    mention = Mention("a", 0, "Police said 2,100, organisers said 6,000.", 0, 40, quantities=quantities)
    figures = collect_figures([mention], articles, lambda m: m.speaker, RULES, Settings())
    (conflict,) = find_figure_conflicts(figures, Settings(), RULES)[0]
    assert {s.speaker for s in conflict.sides} == {"police", "organisers"}


# --- should not fire ----------------------------------------------------------------------


NOT_CONFLICTS = {
    "injured vs killed": (frame(12, "kill"), frame(40, "injure")),
    "wounded vs dead": (frame(3, "death", counted="death"), frame(30, "wound")),
    "population vs toll": (frame(160000, "population"), frame(5, "kill")),
    "camp population vs evacuees": (frame(20000, "population"), frame(14000, "evacuate")),
    "another year's event": (frame(230000, "kill", time="2004"), frame(5, "kill")),
    "an earlier event flagged in the clause": (frame(230000, "kill", flags=["other_event"]), frame(5, "kill")),
    "one outlet's own conversion": (frame(1e6, "offer", dimension="money", unit="USD", holder="red sox"),
                                    frame(1.52e6, "offer", dimension="money", unit="USD", holder="red sox",
                                          flags=["conversion"])),
    "a running total vs one operation": (frame(947000, "kill", flags=["cumulative"]), frame(1110, "kill")),
    "sports statistics of different seasons": (frame(33, "hit", counted="homer", holder="teixeira",
                                                     flags=["other_event"]),
                                               frame(13, "hit", counted="homer", holder="teixeira")),
    "round numbers 12,000 vs 11,800": (frame(12000, "be", counted="soldier"), frame(11800, "be", counted="soldier")),
    "about 20,000 vs 20,300": (frame(20000, "march", counted="people", hedge="about"),
                               frame(20300, "march", counted="people")),
    "at least 40 vs 43": (frame(40, "injure", hedge="at_least"), frame(43, "injure")),
    "more than 50,000 vs 100,000": (frame(50000, "march", counted="people", hedge="more_than"),
                                    frame(100000, "march", counted="people", hedge="about")),
    "a closing price is no cancellation": (frame(24.34, "close", dimension="money", unit="USD"),
                                            frame(46.64, "close", dimension="money", unit="USD")),
    "when a killing happened is no measure of it": (frame(1, "kill", dimension="duration", unit="days"),
                                                    frame(3, "kill", dimension="duration", unit="weeks")),
    "how long people stayed is no measure": (frame(2, "remain", dimension="duration", unit="months"),
                                             frame(5, "remain", dimension="duration", unit="months")),
    "a yearly rate vs a price": (frame(38e9, "worth", dimension="money", unit="USD", flags=["per_period"]),
                                 frame(13.9e9, "buy", dimension="money", unit="USD")),
    "a version number is no count": (frame(3.05, "move to"), frame(2, "move to")),
    "a count under an age word is no age": (frame(2, "aged", counted="girl"), frame(12, "aged", counted="girl")),
    "up to 80 vs about 70 percent": (frame(80, "cut", dimension="percent", unit="%", hedge="up_to"),
                                     frame(70, "cut", dimension="percent", unit="%", hedge="about")),
    "up to 80 vs a range 60-75 percent": (frame(80, "cut", dimension="percent", unit="%", hedge="up_to"),
                                          frame(60, "cut", dimension="percent", unit="%", high=75)),
    "a range holding the value": (frame(165e6, "offer", dimension="money", unit="USD", high=180e6),
                                  frame(170e6, "offer", dimension="money", unit="USD")),
    "nationalities differ": (frame(500, "send", counted="troop", holder="japanese"),
                             frame(800, "send", counted="troop", holder="american")),
    "a nationality against none": (frame(12, "capture", counted="pirate", holder="somali"),
                                   frame(23, "capture", counted="pirate")),
    "unknown predicates are their own measures": (frame(4, "drop", counted="bomb"), frame(2, "fall", counted="bomb")),
    "different counted things": (frame(3, "damage", counted="cable"), frame(8, "damage", counted="bridge")),
    "different currencies": (frame(80e6, "price", dimension="money", unit="EUR"),
                             frame(95e6, "price", dimension="money", unit="USD")),
    "an age against a count": (frame(38, "age", dimension="age", holder="Smith"), frame(39, "arrest")),
    "ages of two people": (frame(38, "age", dimension="age", holder="Sean Smith"),
                           frame(59, "age", dimension="age", holder="Raj Chohan")),
    "an age without its person": (frame(38, "age", dimension="age"), frame(45, "age", dimension="age")),
    "the same distance in km and miles": (frame(25, "distance", dimension="length", unit="km", holder="border"),
                                          frame(15.5, "distance", dimension="length", unit="mi", holder="border")),
    "a forecast vs the figure": (frame(1.5, "grow", dimension="percent", unit="%", flags=["forecast"]),
                                 frame(0.8, "grow", dimension="percent", unit="%")),
    "a conditional": (frame(1, "be", counted="cable", flags=["hypothetical"]), frame(3, "damage", counted="cable")),
    "part of a group": (frame(2, "die", counted="woman", flags=["part"]), frame(3, "die", counted="people")),
    "an increment": (frame(3000, "send", counted="soldier", flags=["increment"]),
                     frame(11000, "send", counted="troop")),
    "a peak": (frame(46, "wait", counted="ship", flags=["peak"], holder="container"),
               frame(40, "wait", counted="ship", holder="container")),
    "a replaced value": (frame(3.75, "rate", dimension="percent", unit="%", flags=["previous"]),
                         frame(3.25, "rate", dimension="percent", unit="%")),
    "two quakes far apart in magnitude": (frame(6.1, "magnitude", dimension="magnitude"),
                                          frame(7.7, "magnitude", dimension="magnitude")),
    "one of several quakes": (frame(7.3, "magnitude", dimension="magnitude", holder="one of several"),
                              frame(7.6, "magnitude", dimension="magnitude")),
    "a bare count of an unknown predicate": (frame(4, "explode"), frame(3, "explode")),
    "values too far apart to be one measure": (frame(2507, "be", counted="member"),
                                               frame(2.5e6, "be", counted="people")),
    "none against a toll of another scale": (frame(0, "kill", text="no one"), frame(230000, "kill")),
    "populations of two places": (frame(120000, "population", holder="qeshm island"),
                                  frame(500000, "population", holder="bandar abbas")),
    "counts made in two places": (frame(1, "fall", counted="bomb", holder="within camp"),
                                  frame(2, "fall", counted="bomb", holder="on airstrip")),
    "a local count against the toll": (frame(1, "kill", counted="man", holder="in village"), frame(24, "kill")),
    "the seriously injured against all injured": (frame(30, "injure", holder="seriously", hedge="about"),
                                                  frame(249, "injure")),
    "the worst-hit villages against the villages hit": (frame(4, "hit", counted="village", holder="hardest-hit"),
                                                        frame(5, "hit", counted="village")),
    "a group a portion is taken from": (frame(2.5e6, "cast", counted="people", flags=["whole"]),
                                        frame(2.44e6, "cast", counted="people")),
    "children killed against the toll": (frame(6, "kill", counted="child"), frame(24, "kill")),
    "a fall against a rise": (frame(5.4, "plunge", dimension="percent", unit="%", holder="stocks"),
                              frame(3.9, "climb", dimension="percent", unit="%", holder="stocks")),
    "a count under a verb of falling prices is no fall": (frame(4, "drop", counted="bomb"),
                                                          frame(2, "plunge", counted="bomb")),
    "a distance fallen is no fall in a price": (frame(60, "fall", dimension="length", unit="m"),
                                                frame(200, "fall", dimension="length", unit="m")),
}


@pytest.mark.parametrize("case", sorted(NOT_CONFLICTS))
def test_figures_that_do_not_measure_one_thing_never_conflict(case):
    a, b = NOT_CONFLICTS[case]
    assert conflicts(("Harbour Gazette", a), ("Valley Post", b)) == []


def test_one_outlet_never_disagrees_with_itself():
    assert conflicts(("Harbour Gazette", frame(12, "kill")), ("Harbour Gazette", frame(5, "kill"))) == []


def test_syndicated_copies_of_an_unknown_outlet_are_separate_articles_but_a_known_outlet_is_one_voice():
    named = conflicts(("Reuters", frame(12, "kill")), ("reuters", frame(5, "kill")))
    assert named == []


def test_a_voice_giving_two_values_keeps_the_one_it_repeats():
    articles = {"a": article("a", "A"), "b": article("b", "B")}
    a = Mention("a", 0, "s", 0, 1, quantities=(frame(3, "kill"), frame(3, "kill"), frame(2, "kill")))
    b = Mention("b", 0, "s", 0, 1, quantities=(frame(5, "kill"),))
    figures = collect_figures([a, b], articles, lambda m: m.speaker, RULES, Settings())
    (conflict,) = find_figure_conflicts(figures, Settings(), RULES)[0]
    assert sorted(s.value for s in conflict.sides) == [3, 5]


def test_a_population_without_its_place_joins_the_one_place_named():
    found = conflicts(("A", frame(120000, "population", holder="qeshm island")), ("B", frame(200000, "population")))
    assert len(found) == 1


def test_a_population_without_its_place_stays_apart_when_two_places_are_named():
    found = conflicts(("A", frame(120000, "population", holder="qeshm island")),
                      ("B", frame(500000, "population", holder="bandar abbas")), ("C", frame(200000, "population")))
    assert found == []


def test_a_clause_dated_outside_the_event_window_is_another_event():
    quake = dict(measure="magnitude", dimension="magnitude")
    same_week = compare(("A", frame(6.1, **quake), "2013-07-02"), ("B", frame(6.4, **quake, time="2013-07-01"),
                                                                   "2013-07-02"))[0]
    months_before = compare(("A", frame(6.1, **quake), "2013-07-02"), ("B", frame(6.4, **quake, time="2013-04-20"),
                                                                       "2013-07-02"))[0]
    assert len(same_week) == 1 and months_before == []


def test_the_event_window_comes_from_the_settings():
    quake = dict(measure="magnitude", dimension="magnitude")
    given = (("A", frame(6.1, **quake), "2013-07-02"), ("B", frame(6.4, **quake, time="2013-04-20"), "2013-07-02"))
    wide = Settings().with_changes(figures_event_window_days=120)
    assert len(compare(*given, settings=wide)[0]) == 1


def test_how_large_a_count_none_is_compared_with_comes_from_the_settings():
    given = (("A", frame(0, "kill", text="no one")), ("B", frame(120, "kill")))
    assert conflicts(*given) == []
    assert len(conflicts(*given, settings=Settings().with_changes(figures_none_compared_up_to=1000))) == 1


# --- updates ------------------------------------------------------------------------------


def test_a_toll_that_rises_between_reports_is_an_update_not_a_conflict():
    found, histories = compare(("A", frame(41, "kill", hedge="at_least"), "2026-04-14"),
                               ("B", frame(57, "toll", flags=["update"]), "2026-04-16"))
    assert found == []
    (history,) = histories
    assert [(p.time, p.value) for p in history.points] == [("2026-04-14", 41), ("2026-04-16", 57)]


def test_an_expected_value_then_a_reported_one_is_an_update_with_the_expectation_first():
    found, histories = compare(
        ("A", frame(184e6, "offer", dimension="money", unit="USD", holder="red sox team")),
        ("B", frame(145e6, "offer", dimension="money", unit="USD", holder="red sox", hedge="range", high=175e6,
                    flags=["forecast", "expected"])))
    assert found == []
    (history,) = histories
    assert [p.value for p in history.points] == [145e6, 184e6]


@pytest.mark.parametrize("flags", [["forecast"], []])
def test_what_will_be_is_no_expectation_and_two_expectations_still_conflict(flags):
    # "will start at $899" against "starts at $699": what will be stays apart from what is
    found, histories = compare(("A", frame(899, "start", dimension="money", unit="USD", holder="phone", flags=flags)),
                               ("B", frame(699, "start", dimension="money", unit="USD", holder="phone")))
    assert histories == [] and len(found) == (0 if flags else 1)
    expected = ["forecast", "expected"]
    found, histories = compare(("A", frame(60e6, "offer", dimension="money", unit="USD", flags=expected)),
                               ("B", frame(90e6, "offer", dimension="money", unit="USD", flags=expected)),
                               ("C", frame(75e6, "offer", dimension="money", unit="USD")))
    (conflict,) = found
    assert "[forecast]" in conflict.measure and sorted(s.value for s in conflict.sides) == [60e6, 90e6]


def test_a_toll_that_differs_on_one_day_is_a_conflict():
    found, histories = compare(("A", frame(4, "kill"), "2026-04-14"), ("B", frame(9, "kill"), "2026-04-14"))
    assert len(found) == 1 and histories == []


def test_a_fixed_measure_on_two_days_is_still_a_conflict():
    found, _ = compare(("A", frame(212, "be", counted="worker"), "2026-04-14"),
                       ("B", frame(260, "go down", counted="miner"), "2026-04-16"))
    assert len(found) == 1


# --- settings and rule files --------------------------------------------------------------


def test_rounding_comes_from_the_settings():
    a, b = frame(12000, "be", counted="soldier"), frame(11800, "be", counted="soldier")
    assert conflicts(("A", a), ("B", b)) == []
    strict = Settings().with_changes(figures_round_fraction=0.0)
    assert len(conflicts(("A", a), ("B", b), settings=strict)) == 1


def test_interval_widens_by_qualifier_and_roundness():
    settings = Settings()
    assert interval(frame(300, hedge="nearly"), 300, settings)[1] < 300
    assert interval(frame(300, hedge="more_than"), 300, settings)[0] > 300
    low, high = interval(frame(12000), 12000, settings)
    assert low <= 11800 < 12200 <= high
    assert interval(frame(7), 7, settings) == (7, 7)


def test_a_user_rules_file_changes_what_one_measure_is(tmp_path):
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    data["classes"]["HARM"] = data["classes"].pop("KILL") + data["classes"].pop("WOUND")
    data["people_classes"].append("HARM")
    path = tmp_path / "figures.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    rules = load_figure_rules(path)
    assert rules.version != RULES.version
    a, b = frame(12, "kill"), frame(40, "injure")
    assert conflicts(("A", a), ("B", b)) == []
    assert len(conflicts(("A", a), ("B", b), rules=rules)) == 1


def test_a_rules_file_that_breaks_the_schema_says_where(tmp_path):
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    data["units"]["km"] = ["length"]
    path = tmp_path / "figures.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(SettingsError, match="units/km"):
        load_figure_rules(path)


def test_a_missing_rules_file_is_a_settings_error(tmp_path):
    with pytest.raises(SettingsError, match="Cannot read"):
        load_figure_rules(Path(tmp_path / "nope.yaml"))


# --- stored readings ----------------------------------------------------------------------


def test_readings_made_by_other_rules_are_read_again_and_their_story_compared_again():
    from storylens.records import ArticleReading

    with Store(":memory:") as store:
        stored = replace(article("a1", "A"), text="Twelve people died.")
        store.add_articles([stored])
        assert [a.id for a in store.unread_articles("v2")] == ["a1"]
        store.save_readings([ArticleReading(stored, ())], "v1")
        store.save_assignments({"a1": "s1"}, {"a1": "first"})
        assert store.unread_articles("v1") == []
        assert [a.id for a in store.unread_articles("v2")] == ["a1"]
        store.save_readings([ArticleReading(stored, ())], "v2")
        assert store.unread_articles("v2") == []
        assert "s1" in store.stale_story_ids()


# --- reports -------------------------------------------------------------------------------


def _story_with_outlets(count: int) -> dict:
    """A dossier whose one story has a toll given by `count` outlets in two camps, and a toll history."""
    articles = [{"id": f"a{n}", "input": f"a{n}.txt", "source": f"Outlet {n:02d}", "title": None,
                 "published": "2026-03-04", "language": "en", "status": "ok", "reason": None,
                 "text": f"Officials said {12 if n % 2 else 5} people were killed."} for n in range(count)]
    sides = [{"article_id": f"a{n}", "source": f"Outlet {n:02d}", "speaker": "officials" if n % 3 == 0 else None,
              "text": articles[n]["text"], "value": 12 if n % 2 else 5, "unit": "people", "qualifier": "exact",
              "start": 0, "end": len(articles[n]["text"]), "interval": [12, 12], "quote": "12", "time": "2026-03-04"}
             for n in range(count)]
    story = {"id": "s1", "headline": "Attack", "article_ids": [a["id"] for a in articles],
             "sources": [a["source"] for a in articles], "claims": [], "timeline": [], "actors": [], "framing": [],
             "conflicts": [{"kind": "numeric", "summary": "kill (people): 5 vs 12", "claim_ids": [],
                            "measure": "kill (people)", "sides": sides,
                            "measure_frame": {"class": "KILL", "holder": None, "unit": None, "time": "2026-03-04"}}],
             "updates": [{"measure": "kill (people)", "measure_frame": {"class": "KILL", "holder": None, "unit": None},
                          "points": [{"time": "2026-03-04", "value": 5, "unit": "people", "qualifier": "exact",
                                      "article_id": "a0", "source": "Outlet 00", "speaker": None, "quote": "5",
                                      "text": articles[0]["text"], "start": 0, "end": 10},
                                     {"time": "2026-03-05", "value": 12, "unit": "people", "qualifier": "exact",
                                      "article_id": "a1", "source": "Outlet 01", "speaker": None, "quote": "12",
                                      "text": articles[1]["text"], "start": 0, "end": 10}]}]}
    return {"schema_version": "1", "generated_at": "2026-03-05T00:00:00Z", "articles": articles, "stories": [story],
            "summary": {"articles": count, "ok": count, "duplicate": 0, "rejected": 0, "stories": 1, "conflicts": 1,
                        "rejected_by_reason": {}}}


def test_the_figures_table_is_one_row_per_measure_and_one_column_per_outlet_on_a_28_article_story():
    from storylens.report.markdown import figure_grid, index_articles

    dossier = _story_with_outlets(28)
    grid = figure_grid(dossier["stories"][0], index_articles(dossier))
    assert len(grid["rows"]) == 2 and len(grid["outlets"]) == 28
    assert [(r["class"], r["kind"]) for r in grid["rows"]] == [("KILL", "differs"), ("KILL", "update")]


def test_html_and_markdown_show_measure_class_time_and_the_update_history():
    from storylens.report.html import render_html
    from storylens.report.markdown import render_markdown

    dossier = _story_with_outlets(28)
    html = render_html(dossier)
    table = html[html.index('class="plain figure-grid"'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr") == 3 and "KILL" in table and "2026-03-04" in table and "update" in table
    markdown = render_markdown(dossier)
    assert "## Figure updates" in markdown
    assert "5 people" in markdown and "→ 12 people" in markdown
