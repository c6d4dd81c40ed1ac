"""Figures compared as typed measures: numeric discrepancies and figure histories.

The reading stage gives every figure a frame (value, qualifier, unit and dimension, the
lemma of what it measures, holder, clause time, flags); this module maps the measure lemma
to a measure class with the rules of `data/figures.yaml` and compares frames, not nouns:

- a figure's interval comes from its qualifier ("more than 300", "nearly 300", "about
  12,000") and its roundness (12,000 allows 11,800), with the slack of the Settings;
- figures are compared only within one measure (dimension, class, counted object,
  currency, forecast or cumulative) and one holder (whose age, which deal, which nationality);
- a figure about another event or period, part of a group, an increment, a peak, a
  value the sentence replaces or an outlet's own conversion never conflicts;
- a discrepancy needs two independent voices (articles of different outlets, or two
  named sources inside one article); one voice never disagrees with itself;
- figures of one measure at different reference times are a history (an update), not a conflict.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from .rulefiles import check_rule_file
from .errors import SettingsError
from .records import Article, Conflict, ConflictSide, FigureHistory, FigurePoint, Mention, Quantity
from .settings import Settings

RULES_PATH = Path(__file__).parent / "data" / "figures.yaml"
SCHEMA_PATH = Path(__file__).parent / "data" / "figures.schema.json"
# Bumped whenever the reading rules in nlp/quantities.py, nlp/figure_*.py, nlp/frames.py
# (statements.yaml) or nlp/attribution*.py (lexicon.yaml) change: stored readings made by other
# rules are read again.
READING_RULES = 35

# Flags that keep a figure out of every comparison.
NEVER_COMPARED = frozenset({"other_event", "part", "whole", "increment", "peak", "previous", "conversion", "context",
                            "hypothetical", "unresolved_agent", "anaphoric"})
# Flags that make a figure a different measure from the plain count.
MEASURE_FLAGS = ("forecast", "cumulative", "per_period")


@dataclass(frozen=True)
class FigureRules:
    """The word classes of data/figures.yaml, ready for the reading and comparison rules."""

    version: str
    units: Mapping[str, tuple[str, str, float]]
    currency_symbols: Mapping[str, str]
    currency_words: Mapping[str, str]
    property_nouns: frozenset[str]
    restating_nouns: frozenset[str]
    magnitude_words: frozenset[str]
    cumulative_words: tuple[str, ...]
    forecast_modals: frozenset[str]
    forecast_predicates: frozenset[str]
    update_predicates: frozenset[str]
    other_event_words: frozenset[str]
    part_words: frozenset[str]
    increment_words: frozenset[str]
    extreme_words: frozenset[str]
    qualifiers: tuple[tuple[str, str], ...]  # (phrase, qualifier), longest phrase first
    classes: Mapping[str, str]
    neutral_predicates: frozenset[str]
    neutral_nouns: frozenset[str]
    ignored_counted_nouns: frozenset[str]
    objects: Mapping[str, str]
    people_classes: frozenset[str]
    evolving_classes: frozenset[str]
    holder_ignored_modifiers: frozenset[str]
    conditional_marks: frozenset[str]
    population_nouns: frozenset[str]
    plausible_spread: Mapping[str, tuple[str, float]]
    path: str
    time_nouns: frozenset[str] = frozenset()
    event_time_words: frozenset[str] = frozenset()
    main_event_words: frozenset[str] = frozenset()
    ordinal_event_words: frozenset[str] = frozenset()
    non_argument_prepositions: frozenset[str] = frozenset()
    value_prepositions: frozenset[str] = frozenset()
    stating_predicates: frozenset[str] = frozenset()
    contrasting_modifiers: frozenset[str] = frozenset()
    estimating_predicates: frozenset[str] = frozenset()
    containing_predicates: frozenset[str] = frozenset()
    money_argument_prepositions: frozenset[str] = frozenset()
    portion_words: frozenset[str] = frozenset()
    change_classes: frozenset[str] = frozenset()
    change_dimensions: frozenset[str] = frozenset()
    copula_predicates: frozenset[str] = frozenset()
    scale_nouns: frozenset[str] = frozenset()
    quake_nouns: frozenset[str] = frozenset()
    age_words: frozenset[str] = frozenset()
    ordered_dimensions: frozenset[str] = frozenset()
    zero_determiners: frozenset[str] = frozenset()
    degree_modifiers: frozenset[str] = frozenset()
    placed_classes: frozenset[str] = frozenset()
    place_prepositions: frozenset[str] = frozenset()
    place_nouns: frozenset[str] = frozenset()
    absence_predicates: frozenset[str] = frozenset()
    vague_counts: Mapping[str, float] = field(default_factory=dict)
    percent_bases: Mapping[str, str] = field(default_factory=dict)
    reference_time_phrases: frozenset[str] = frozenset()
    reference_time_words: frozenset[str] = frozenset()
    class_dimensions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    presence_words: frozenset[str] = frozenset()
    predicate_classes: frozenset[str] = frozenset()
    possession_predicates: frozenset[str] = frozenset()
    vague_multipliers: frozenset[str] = frozenset()
    period_nouns: frozenset[str] = frozenset()
    superseding_adverbs: frozenset[str] = frozenset()
    change_predicates: frozenset[str] = frozenset()
    peak_phrases: tuple[str, ...] = ()
    range_openers: tuple[str, ...] = ()
    expectation_predicates: frozenset[str] = frozenset()
    clock_classes: Mapping[str, str] = field(default_factory=dict)
    clock_event_verbs: frozenset[str] = frozenset()
    time_zones: Mapping[str, float] = field(default_factory=dict)
    clock_minutes: Mapping[str, float] = field(default_factory=dict)
    unmodelled_objects: frozenset[str] = frozenset()

    def measure_class(self, lemma: str | None) -> str | None:
        if not lemma:
            return None
        return self.classes.get(lemma, lemma)


def _words(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(v).strip().lower() for v in values or () if str(v).strip()))


def _invert(groups: Mapping[str, Any]) -> dict[str, str]:
    return {word: name for name, words in groups.items() for word in _words(words)}


def parse_figure_rules(data: Any, path: str = "figures.yaml") -> FigureRules:
    """FigureRules from parsed YAML, checked against the schema; SettingsError says what is wrong."""
    check_rule_file(data, SCHEMA_PATH, path)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()[:10]
    qualifiers = sorted(((p, name) for name, phrases in data["qualifiers"].items() for p in _words(phrases)),
                        key=lambda item: -len(item[0]))
    return FigureRules(
        version=f"{READING_RULES}:{digest}",
        units={k.lower(): (v[0], v[1], float(v[2])) for k, v in data["units"].items()},
        currency_symbols=dict(data["currency_symbols"]),
        currency_words={k.lower(): v for k, v in data["currency_words"].items()},
        property_nouns=frozenset(_words(data["property_nouns"])),
        restating_nouns=frozenset(_words(data.get("restating_nouns"))),
        magnitude_words=frozenset(_words(data.get("magnitude_words"))),
        cumulative_words=_words(data.get("cumulative_words")),
        forecast_modals=frozenset(_words(data.get("forecast_modals"))),
        forecast_predicates=frozenset(_words(data.get("forecast_predicates"))),
        update_predicates=frozenset(_words(data.get("update_predicates"))),
        other_event_words=frozenset(_words(data.get("other_event_words"))),
        part_words=frozenset(_words(data.get("part_words"))),
        increment_words=frozenset(_words(data.get("increment_words"))),
        extreme_words=frozenset(_words(data.get("extreme_words"))),
        qualifiers=tuple(qualifiers),
        classes=_invert(data["classes"]),
        neutral_predicates=frozenset(_words(data.get("neutral_predicates"))),
        neutral_nouns=frozenset(_words(data.get("neutral_nouns"))),
        ignored_counted_nouns=frozenset(_words(data.get("ignored_counted_nouns"))),
        objects=_invert(data.get("objects") or {}),
        people_classes=frozenset(data.get("people_classes") or ()),
        evolving_classes=frozenset(data.get("evolving_classes") or ()),
        holder_ignored_modifiers=frozenset(_words(data.get("holder_ignored_modifiers"))),
        conditional_marks=frozenset(_words(data.get("conditional_marks"))),
        population_nouns=frozenset(_words(data.get("population_nouns"))),
        plausible_spread={k: (v[0], float(v[1])) for k, v in (data.get("plausible_spread") or {}).items()},
        path=path,
        time_nouns=frozenset(_words(data.get("time_nouns"))),
        event_time_words=frozenset(_words(data.get("event_time_words"))),
        main_event_words=frozenset(_words(data.get("main_event_words"))),
        ordinal_event_words=frozenset(_words(data.get("ordinal_event_words"))),
        non_argument_prepositions=frozenset(_words(data.get("non_argument_prepositions"))),
        value_prepositions=frozenset(_words(data.get("value_prepositions"))),
        stating_predicates=frozenset(_words(data.get("stating_predicates"))),
        contrasting_modifiers=frozenset(_words(data.get("contrasting_modifiers"))),
        estimating_predicates=frozenset(_words(data.get("estimating_predicates"))),
        containing_predicates=frozenset(_words(data.get("containing_predicates"))),
        money_argument_prepositions=frozenset(_words(data.get("money_argument_prepositions"))),
        portion_words=frozenset(_words(data.get("portion_words"))),
        change_classes=frozenset(data.get("change_classes") or ()),
        change_dimensions=frozenset(_words(data.get("change_dimensions"))),
        copula_predicates=frozenset(_words(data.get("copula_predicates"))),
        scale_nouns=frozenset(_words(data.get("scale_nouns"))),
        quake_nouns=frozenset(_words(data.get("quake_nouns"))),
        age_words=frozenset(_words(data.get("age_words"))),
        ordered_dimensions=frozenset(_words(data.get("ordered_dimensions"))),
        zero_determiners=frozenset(_words(data.get("zero_determiners"))),
        degree_modifiers=frozenset(_words(data.get("degree_modifiers"))),
        placed_classes=frozenset(data.get("placed_classes") or ()),
        place_prepositions=frozenset(_words(data.get("place_prepositions"))),
        place_nouns=frozenset(_words(data.get("place_nouns"))),
        absence_predicates=frozenset(_words(data.get("absence_predicates"))),
        vague_counts={k.lower(): float(v) for k, v in (data.get("vague_counts") or {}).items()},
        percent_bases=_invert(data.get("percent_bases") or {}),
        reference_time_phrases=frozenset(_words(data.get("reference_time_phrases"))),
        reference_time_words=frozenset(_words(data.get("reference_time_words"))),
        class_dimensions={k: frozenset(_words(v)) for k, v in (data.get("class_dimensions") or {}).items()},
        presence_words=frozenset(_words(data.get("presence_words"))),
        predicate_classes=frozenset(data.get("predicate_classes") or ()),
        possession_predicates=frozenset(_words(data.get("possession_predicates"))),
        vague_multipliers=frozenset(_words(data.get("vague_multipliers"))),
        period_nouns=frozenset(_words(data.get("period_nouns"))),
        superseding_adverbs=frozenset(_words(data.get("superseding_adverbs"))),
        change_predicates=frozenset(_words(data.get("change_predicates"))),
        peak_phrases=_words(data.get("peak_phrases")),
        range_openers=_words(data.get("range_openers")),
        expectation_predicates=frozenset(_words(data.get("expectation_predicates"))),
        clock_classes=_invert(data.get("clock_classes") or {}),
        clock_event_verbs=frozenset(_words(data.get("clock_event_verbs"))),
        time_zones={k.lower(): float(v) for k, v in (data.get("time_zones") or {}).items()},
        clock_minutes={k: float(v) for k, v in (data.get("clock_minutes") or {}).items()},
        unmodelled_objects=frozenset(data.get("unmodelled_objects") or ()),
    )


# (path, file text) -> its rules: every story of a run compares with the same file, parsed once.
_PARSED_RULES: dict[tuple[str, str], FigureRules] = {}


def load_figure_rules(path: Path | None = None) -> FigureRules:
    """The bundled rules, or a user's file of the same shape (setting `figures_path`)."""
    where = Path(path) if path is not None else RULES_PATH
    try:
        text = where.read_text(encoding="utf-8")
        key = (str(where), text)
        if key in _PARSED_RULES:
            return _PARSED_RULES[key]
        data = yaml.safe_load(text)
    except OSError as exc:
        raise SettingsError(f"Cannot read the figure rules {where}: {exc.strerror}. Check the path.") from exc
    except yaml.YAMLError as exc:
        raise SettingsError(f"The figure rules {where} are not valid YAML: {exc}") from exc
    rules = parse_figure_rules(data, str(where))
    if len(_PARSED_RULES) >= 8:
        _PARSED_RULES.clear()
    _PARSED_RULES[key] = rules
    return rules


COMPARISON_SETTINGS = ("claim_threshold", "denial_similarity", "approximate_tolerance", "figures_conversion_tolerance",
                       "figures_same_article_sentences",
                       "figures_round_above",
                       "figures_round_fraction", "figures_round_tolerance", "figures_close_tolerance", "figures_min_difference",
                       "figures_none_compared_up_to", "figures_event_window_days")


def comparison_settings(settings: Settings, rules: FigureRules) -> tuple[tuple[str, str], ...]:
    """The settings and rule file a story was compared with, for dossier.json."""
    echo = [(name, str(getattr(settings, name))) for name in COMPARISON_SETTINGS]
    return tuple(echo + [("figures_path", rules.path), ("figure_rules_version", rules.version)])


# --- frames ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """What a figure measures: figures are compared only within one measure."""

    dimension: str  # count, age, money, length, magnitude, percent, duration, clock, ...
    klass: str  # KILL, WOUND, MAGNITUDE ... or the measure lemma itself
    object: str | None  # what is counted: PEOPLE, VESSELS ... or the counted lemma
    unit: str | None  # the currency of money; the unit family shown otherwise
    flags: tuple[str, ...]  # forecast, cumulative

    def label(self) -> str:
        what = self.klass.lower() if self.klass.isupper() else self.klass
        parts = [what]
        if self.object and self.object.lower() != what:
            parts.append(f"({self.object.lower()})")
        if self.dimension not in ("count",) and self.dimension != what:
            parts.append(f"[{self.dimension}{', ' + self.unit if self.unit else ''}]")
        parts.extend(f"[{flag}]" for flag in self.flags)
        return " ".join(parts)


@dataclass(frozen=True)
class Figure:
    """A figure of the story with its measure, holder, time, interval and voice."""

    mention: Mention
    quantity: Quantity
    measure: Measure
    holder: str | None
    time: str | None
    low: float
    high: float
    base: float  # the value in the dimension's base unit
    source: str
    voice: str  # outlet (or the article when the outlet is unknown); one voice never disagrees with itself
    speaker: str | None
    published: str | None


def measure_of(quantity: Quantity, rules: FigureRules) -> Measure | None:
    """The measure of a figure, or None when the reading says nothing about what it measures."""
    if set(quantity.flags) & NEVER_COMPARED:
        return None
    dimension = quantity.dimension or "count"
    if dimension == "clock":
        # when an event of a known class happened: local times with local times, zoned ones in UTC
        klass = rules.clock_classes.get(quantity.measure or "")
        zone = (quantity.unit or "local").lower()
        if klass is None or (zone != "local" and zone not in rules.time_zones):
            return None
        flags = tuple(f for f in MEASURE_FLAGS if f in quantity.flags)
        return Measure(dimension, klass, None, "local" if zone == "local" else "UTC", flags)
    klass = rules.measure_class(quantity.measure)
    if klass in rules.change_classes and dimension not in rules.change_dimensions:
        klass = quantity.measure  # "four bombs were dropped", "he fell 60 metres": no fall in a price
    if dimension == "count" and not float(quantity.value).is_integer():
        return None  # "move to version 3.05", "a third": no count of things
    if klass in rules.class_dimensions and dimension not in rules.class_dimensions[klass]:
        return None  # "shares closed at $24.34" counts no closure; "two under-aged girls" is no age
    if dimension == "duration" and klass in set(rules.classes.values()):
        return None  # "killed him one day", "stayed for two months": when or how long, not a measure
    counted = (quantity.counted or "").lower() or None
    if counted in rules.ignored_counted_nouns:
        return None  # "four times the speed": a multiplier, not a count
    obj = rules.objects.get(counted, counted) if counted else None
    if dimension == "count":
        if klass is None:
            return None
        if obj is None and klass in rules.people_classes:
            obj = "PEOPLE"
        if obj is None and klass not in rules.people_classes and quantity.measure not in rules.property_nouns:
            return None  # "4 exploded": a bare count of an unknown predicate says too little
    elif klass is None:
        if dimension in ("magnitude", "age"):
            klass = dimension.upper()
        else:
            return None
    unit = quantity.unit if dimension == "money" else _unit_family(quantity, rules)
    flags = tuple(f for f in MEASURE_FLAGS if f in quantity.flags)
    return Measure(dimension, klass, obj if dimension == "count" else None, unit, flags)


def _unit_family(quantity: Quantity, rules: FigureRules) -> str | None:
    if quantity.dimension in ("length", "mass", "area", "duration", "volume", "speed"):
        return quantity.dimension
    return quantity.unit


def _base_value(quantity: Quantity, rules: FigureRules) -> float:
    if quantity.dimension == "clock":
        # the hour of the day; a zoned time in UTC ("2:09 a.m. PST" and "5:09 a.m. ET" are one time)
        offset = rules.time_zones.get((quantity.unit or "local").lower(), 0.0)
        return (quantity.value - offset) % 24
    unit = (quantity.unit or "").lower()
    factor = next((f for dim, shown, f in rules.units.values() if shown == unit and dim == quantity.dimension), 1.0)
    return quantity.value * factor


def _significant_unit(text: str, value: float) -> float:
    """The place value of the last significant digit as written ("12,000" -> 1000, "2.5 million" -> 100000)."""
    digits = re.sub(r"[^\d.]", "", text.split()[0] if text.split() else text)
    if not digits or value == 0:
        return 0.0
    if "." in digits:
        return 0.0
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped)
    scale = value / float(digits) if float(digits) else 1.0
    return (10 ** zeros) * scale


def interval(quantity: Quantity, base: float, settings: Settings) -> tuple[float, float]:
    """The values a figure allows, from its qualifier and its roundness, in base units."""
    scale = base / quantity.value if quantity.value else 1.0
    value = base
    unit = _significant_unit(quantity.text, quantity.value) * scale
    slack = 0.0
    if abs(quantity.value) >= settings.figures_round_above and unit > 0:
        slack = min(unit * settings.figures_round_fraction, settings.figures_round_tolerance * abs(value))
    hedge = quantity.hedge or "exact"
    tiny = 1e-9 * max(1.0, abs(value))
    close = settings.figures_close_tolerance * abs(value)
    if quantity.high is not None:
        return min(value, quantity.high * scale) - slack, max(value, quantity.high * scale) + slack
    if hedge == "about":
        spread = max(slack, settings.approximate_tolerance * abs(value))
        return value - spread, value + spread
    if hedge == "at_least":
        return value - slack, float("inf")
    if hedge == "more_than":
        return value + tiny, float("inf")
    if hedge == "up_to":
        return float("-inf"), value + slack
    if hedge == "less_than":
        return float("-inf"), value - tiny
    if hedge == "nearly":
        return value - close, value - tiny
    if hedge == "just_over":
        return value + tiny, value + close
    return value - slack, value + slack


def clock_interval(quantity: Quantity, base: float, rules: FigureRules) -> tuple[float, float]:
    """The hours a clock time allows: a time on the hour ("3 p.m.") or said roughly ("about 3:00") is
    not to the minute (clock_minutes in figures.yaml)."""
    minutes = round(quantity.value * 60) % 60
    slack = rules.clock_minutes.get("round", 0.0) if minutes == 0 else 0.0
    if quantity.hedge == "about":
        slack = max(slack, rules.clock_minutes.get("about", 0.0))
    # two reports closer than the least difference are one time: each reaches half of it further
    slack += rules.clock_minutes.get("least_difference", 0.0) / 2
    return base - slack / 60, base + slack / 60


def _unknown_outlet(article: Article) -> bool:
    """An article whose outlet is only its input file's name: each such article is its own voice."""
    if article.url:
        return False
    stem = Path(article.input.split("#", 1)[0]).stem
    return article.source == stem or not article.source


def story_years(articles: Mapping[str, Article], mentions: Sequence[Mention]) -> frozenset[str]:
    """The years the story's event lies in: its publication years, else the latest year its articles name
    (news reports the newest event; earlier years are background)."""
    published = {a.published[:4] for a in articles.values() if a.published}
    if published:
        return frozenset(published)
    years = [t.value[:4] for m in mentions for t in m.times if t.value[:4].isdigit()]
    years += [q.time[:4] for m in mentions for q in m.quantities if q.time and q.time[:4].isdigit()]
    return frozenset({max(years)}) if years else frozenset()


def collect_figures(mentions: Sequence[Mention], articles: Mapping[str, Article],
                    speaker_of: Callable[[Mention], str | None], rules: FigureRules,
                    settings: Settings) -> list[Figure]:
    """Every figure of a story with a measure, its interval and its voice."""
    years = story_years(articles, mentions)
    published_years = {a.published[:4] for a in articles.values() if a.published}
    published_months = {a.published[:7] for a in articles.values() if a.published}
    days = sorted(a.published[:10] for a in articles.values() if a.published and len(a.published) >= 10)
    window = (_shift(days[0], -settings.figures_event_window_days), _shift(days[-1], 1)) if days else None
    figures = []
    for mention in mentions:
        article = articles[mention.article_id]
        for quantity in mention.quantities:
            measure = measure_of(quantity, rules)
            if measure is None:
                continue
            time = quantity.time
            if time and years and time[:4].isdigit() and time[:4] not in years:
                continue  # a clause dated outside the story's years: another event
            if time and len(time) == 4 and time not in published_years:
                continue  # "the 2004 tsunami killed 230,000": a clause dated by a bare year is background
            if time and (time.startswith("month:") or (len(time) == 7 and time not in published_months)):
                continue  # "struck in September": a clause dated by a month alone is background
            if time and window and len(time) == 10 and not window[0] <= time <= window[1]:
                continue  # "on April 20 a quake jolted Maluku", in a story of July: another event
            if time is None and measure.klass in rules.evolving_classes and article.published:
                time = article.published[:10]  # a running count is as of its report
            if quantity.holder is None and measure.dimension == "age":
                continue  # an age says nothing without whose it is
            if quantity.holder is None and measure.klass not in rules.classes.values() \
                    and measure.dimension != "clock" and (measure.dimension != "count" or measure.object is None):
                # An unknown measure ("a 73-yard drive") says what it is only with a holder; a count
                # of named things under its predicate ("four bombs were dropped") says it itself.
                continue
            base = _base_value(quantity, rules)
            low, high = clock_interval(quantity, base, rules) if measure.dimension == "clock" \
                else interval(quantity, base, settings)
            speaker = speaker_of(mention) if quantity.speaker is None else quantity.speaker
            voice = article.id if _unknown_outlet(article) else article.source.lower()
            figures.append(Figure(mention, quantity, measure, _holder_key(quantity.holder), time, low, high, base,
                                  article.source, voice, speaker, article.published))
    return figures


def _shift(day: str, days: int) -> str:
    try:
        return (date.fromisoformat(day) + timedelta(days=days)).isoformat()
    except ValueError:
        return day


def _holder_key(holder: str | None) -> str | None:
    if not holder:
        return None
    words = [w for w in re.findall(r"[\w'-]+", holder.lower()) if w not in ("the", "a", "an", "its", "their", "'s")]
    return " ".join(words) or None


def _holder_groups(group: Sequence[Figure], measure: Measure, rules: FigureRules) -> list[list[Figure]]:
    """Figures of one measure split by holder; a figure without a holder joins only an unambiguous group."""
    holders = sorted({f.holder for f in group if f.holder}, key=len)
    # One holder named more fully ("buckley", "robert buckley") is one; a place, a part of the event's
    # time, a subset or an age that only one of them names ("echenique" and "echenique during final
    # run", "lopez" and "lopez straight", "the man" and "a 36-year-old man") tells the other apart.
    scoped = rules.place_prepositions | {"during"} | rules.contrasting_modifiers | rules.time_nouns
    canon: dict[str, str] = {}
    for holder in holders:
        words = set(holder.split())
        target = next((c for c in dict.fromkeys(canon.values())
                       if (set(c.split()) <= words or words <= set(c.split())) and not (words ^ set(c.split())) & scoped),
                      None)
        canon[holder] = target or holder
    named = set(canon.values())
    # A place's population without the place's name ("the camp holds 24,000") is the population of
    # the one place the story names, when it names only one.
    sole = next(iter(named)) if len(named) == 1 and measure.klass in rules.placed_classes else None
    # "One of the quakes, a 7.3": in a dimension whose events are told in order, a figure of one of
    # several events belongs to the one other event the story's figures name ("a second quake of 7.4"),
    # when they name only one.
    several = "one of several"
    others = named - {several}
    if measure.dimension in rules.ordered_dimensions and several in named and len(others) == 1:
        other = next(iter(others))
        canon = {h: other if c == several else c for h, c in canon.items()}
    buckets: dict[str | None, list[Figure]] = defaultdict(list)
    for figure in group:
        # Otherwise a figure without a holder is compared only with others without one: "23 pirates"
        # and "12 Somali pirates" are not one count.
        buckets[canon[figure.holder] if figure.holder else sole].append(figure)
    return [b for b in buckets.values() if b]


def _one_value_per_voice(bucket: Sequence[Figure], settings: Settings) -> list[Figure]:
    """Each voice's figures for one measure at one time, when they agree among themselves.

    A voice that gives clashing values for what the frame reads as one measure is telling
    apart two measures the frame cannot: it keeps the value it repeats most, or nothing on a tie.
    """
    by_voice: dict[tuple[tuple[str, str | None], str | None, bool], list[Figure]] = defaultdict(list)
    for f in bucket:
        by_voice[(_voice(f), f.time, _forecast(f))].append(f)
    kept: list[Figure] = []
    for figures in by_voice.values():
        values = Counter(f.base for f in figures)
        if any(_clash(a, b, settings) for i, a in enumerate(figures) for b in figures[i + 1:]):
            ranked = values.most_common()
            if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
                continue
            figures = [f for f in figures if f.base == ranked[0][0]]
        unique: dict[float, Figure] = {}
        for f in figures:
            unique.setdefault(f.base, f)
        kept.extend(unique.values())
    return kept


def _without_vague(bucket: Sequence[Figure], settings: Settings) -> list[Figure]:
    """The precise figures, without those their own article contradicts with a vague count.

    An article that says "injuring dozens" and, once, "injuring 11 residents" speaks of two
    counts the frame reads as one: the 11 is a part, not the article's count. A vague count
    never takes a side itself.
    """
    vague = [f for f in bucket if "vague" in f.quantity.flags]
    precise = [f for f in bucket if "vague" not in f.quantity.flags]
    kept = []
    for f in precise:
        repeated = sum(g.mention.article_id == f.mention.article_id and g.base == f.base for g in precise) > 1
        if not repeated and any(v.mention.article_id == f.mention.article_id and v.time == f.time
                                and _forecast(v) == _forecast(f) and _clash(v, f, settings) for v in vague):
            continue
        kept.append(f)
    return kept


# Qualifiers that state a bound, not a value: two different bounds of one kind ("up to 80%" and
# "up to 70%") are two reports of how far it went, which disagree, though their intervals overlap.
_BOUNDS = ("up_to",)


def _clash(a: Figure, b: Figure, settings: Settings) -> bool:
    if a.measure.dimension == "clock":
        return a.high < b.low or b.high < a.low  # clock intervals carry their least difference
    hedge = a.quantity.hedge
    if hedge in _BOUNDS and b.quantity.hedge == hedge and a.quantity.high is None and b.quantity.high is None:
        gap = abs(a.base - b.base)
        return gap > _slack(a, b, settings) * max(abs(a.base), abs(b.base))
    if a.high < b.low or b.high < a.low:
        gap = max(b.low - a.high, a.low - b.high)
        return gap > _slack(a, b, settings) * max(abs(a.base), abs(b.base))
    return False


def _slack(a: Figure, b: Figure, settings: Settings) -> float:
    slack = settings.figures_min_difference
    if (a.quantity.unit or "") != (b.quantity.unit or ""):
        slack = max(slack, settings.figures_conversion_tolerance)  # "25 km" and "15.5 miles" are one distance
    return slack


def _forecast(f: Figure) -> bool:
    return _forecast_measure(f.measure)


def _forecast_measure(measure: Measure) -> bool:
    return "forecast" in measure.flags


def _voice(f: Figure) -> tuple[str, str | None]:
    return (f.voice, f.speaker)


def _independent(a: Figure, b: Figure, settings: Settings) -> bool:
    """Two outlets, or two named sources that one sentence sets against each other ("police said 2,100,
    organisers 6,000"); one source never disagrees with itself."""
    if a.voice != b.voice:
        return True
    if not (a.speaker and b.speaker and a.speaker != b.speaker):
        return False
    if a.mention.article_id != b.mention.article_id:
        return True  # two articles of one outlet, quoting two sources
    # Inside one article: two sources set side by side, in one sentence or in sentences close together.
    return abs(a.mention.index - b.mention.index) <= settings.figures_same_article_sentences


def _format(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.4g}"


def _counted_label(f: Figure) -> str | None:
    """What a count counts, as a reader writes it: "people", "fires"."""
    name = (f.measure.object or f.quantity.counted or "").lower()
    if not name or f.measure.dimension != "count":
        return None
    return name if name.endswith("s") or name == "people" else name + "s"


def _side(f: Figure) -> ConflictSide:
    return ConflictSide(
        article_id=f.mention.article_id, source=f.source, speaker=f.speaker, text=f.mention.text,
        value=f.quantity.value, unit=f.quantity.unit or _counted_label(f), qualifier=f.quantity.hedge or "exact",
        date=f.published,
        start=f.mention.start, end=f.mention.end,
        low=None if f.low == float("-inf") else f.low, high=None if f.high == float("inf") else f.high,
        quote=f.quantity.text, time=f.time,
    )


def _summary(label: str, sides: Sequence[Figure]) -> str:
    by_value: dict[str, list[str]] = defaultdict(list)
    for f in sides:
        value = (f"{f.quantity.hedge.replace('_', ' ')} " if f.quantity.hedge not in (None, "exact") else "") \
            + _format(f.quantity.value) + (f" {f.quantity.unit}" if f.quantity.unit else "")
        voice = f.source + (f", {f.speaker}" if f.speaker else "")
        if voice not in by_value[value]:
            by_value[value].append(voice)
    return f"{label}: " + " vs ".join(f"{v} ({'; '.join(voices)})" for v, voices in by_value.items())


def _plausible(a: Figure, b: Figure, rules: FigureRules, settings: Settings) -> bool:
    """Two values close enough to be reports of one measure (7.6 and 7.7), not of two things (6.1 and 7.7)."""
    kind, limit = rules.plausible_spread.get(a.measure.dimension, ("ratio", float("inf")))
    if kind == "absolute":
        return abs(a.base - b.base) <= limit
    small, large = sorted((abs(a.base), abs(b.base)))
    if small == 0:
        # "no one was killed" against "12 were killed": none or some
        return a.measure.dimension == "count" and large <= settings.figures_none_compared_up_to
    return large / small <= limit


def find_figure_conflicts(figures: Sequence[Figure], settings: Settings,
                          rules: FigureRules) -> tuple[list[Conflict], list[FigureHistory]]:
    """Numeric discrepancies and figure histories among the figures of one story."""
    # A forecast is compared with forecasts only; a value a report expects ("the offer was expected
    # to be $145-175m") is also the first point of the history of the measure it expects, once a
    # report gives its value ("$184m"). What "will" be ("will start at $2,199") stays apart.
    by_measure: dict[Measure, list[Figure]] = defaultdict(list)
    for figure in figures:
        by_measure[figure.measure].append(figure)
        if "forecast" in figure.measure.flags and "expected" in figure.quantity.flags:
            flags = tuple(f for f in figure.measure.flags if f != "forecast")
            by_measure[replace(figure.measure, flags=flags)].append(figure)
    conflicts: list[Conflict] = []
    histories: list[FigureHistory] = []
    for measure, group in by_measure.items():
        # An article that gives a value to another event of the measure ("earlier, a 5.6 quake"):
        # that value, from any outlet, tells of the other event, not of this article's own.
        elsewhere: dict[str, set[float]] = defaultdict(set)
        for f in group:
            if f.holder and set(f.holder.split()) & rules.ordinal_event_words:
                elsewhere[f.mention.article_id].add(f.base)
        for bucket in _holder_groups(group, measure, rules):
            bucket = _one_value_per_voice(_without_vague(bucket, settings), settings)
            holder = next((f.holder for f in bucket if f.holder), None)
            label = measure.label() + (f" of {holder}" if holder else "")
            clashing: set[int] = set()
            timed: list[Figure] = []
            for i, a in enumerate(bucket):
                for j in range(i + 1, len(bucket)):
                    b = bucket[j]
                    if not _plausible(a, b, rules, settings):
                        continue
                    if b.base in elsewhere.get(a.mention.article_id, ()) \
                            or a.base in elsewhere.get(b.mention.article_id, ()):
                        continue
                    if _forecast(a) != _forecast(b) or (_forecast(a) and not _forecast_measure(measure)):
                        if _forecast(a) != _forecast(b) and a.base != b.base:
                            timed += [a, b]  # what was expected, then what was reported
                        continue  # two expectations are compared under the forecast
                    if (a.time and b.time and a.time != b.time) or "update" in a.quantity.flags \
                            or "update" in b.quantity.flags or (a.time != b.time and (
                                "as_of" in a.quantity.flags or "as_of" in b.quantity.flags)):
                        if a.base != b.base and measure.dimension != "clock":
                            timed += [a, b]  # one figure at two report times: its history, from any voice
                        continue  # (a clock time on two days dates two events)
                    if _independent(a, b, settings) and _clash(a, b, settings):
                        clashing.update((i, j))
            # Two independent voices: two outlets, or two sources one sentence names ("police said
            # 2,100, organisers said 6,000"); pairs of one voice were never marked clashing.
            if len({_voice(bucket[i]) for i in clashing}) >= 2:
                sides = sorted((bucket[i] for i in clashing), key=lambda f: (f.base, f.source))
                time = next((f.time for f in sides if f.time), None)
                conflicts.append(Conflict(
                    kind="numeric", summary=_summary(label, sides), claim_ids=(), measure=label,
                    sides=tuple(_side(f) for f in sides), measure_class=measure.klass, holder=holder,
                    unit=measure.unit, time=time,
                ))
            if timed:
                # What was expected, and a point its own sentence says was overtaken ("although it has
                # now improved"), come first.
                points = sorted({(f.time or "", f.base, _forecast(f)): f for f in timed}.values(),
                                key=lambda f: (not _forecast(f) and "earlier" not in f.quantity.flags,
                                               f.time or "", f.base))
                histories.append(FigureHistory(
                    measure=label, measure_class=measure.klass, holder=holder, unit=measure.unit,
                    points=tuple(FigurePoint(time=f.time or "", value=f.quantity.value, unit=f.quantity.unit,
                                             qualifier=f.quantity.hedge or "exact", article_id=f.mention.article_id,
                                             source=f.source, speaker=f.speaker, quote=f.quantity.text,
                                             text=f.mention.text, start=f.mention.start, end=f.mention.end)
                                 for f in points),
                ))
    return conflicts, histories
