"""Numeric discrepancies between the figures of one story (contradictions: contradictions.py).

Numeric conflicts compare figures for the same
measure (counted noun class, event class, increment, period, nationality) whose
ranges, widened by their qualifiers, do not overlap.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

from .records import Conflict, ConflictSide, Mention, Quantity

MEASURES_PATH = Path(__file__).parent / "data" / "measures.yaml"


@dataclass(frozen=True)
class MeasureLexicon:
    """Which counted nouns and events name the same measure."""

    counted: dict[str, tuple[str, str | None]]  # lemma -> (class, implied event)
    measure_nouns: tuple[tuple[str, re.Pattern[str]], ...]
    events: dict[str, str]  # lemma -> class
    neutral_events: frozenset[str]  # verbs that only state a figure
    increments: frozenset[str]
    period: re.Pattern[str]
    aliases: dict[str, str]  # lowercased alias -> canonical actor name
    extreme: re.Pattern[str]


@lru_cache(maxsize=4)
def load_measures(path: Path = MEASURES_PATH) -> MeasureLexicon:
    """Read the measure lexicon (bundled YAML, or a user's file of the same shape)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    counted = {}
    for key, lemmas in data["counted"].items():
        name, _, event = key.partition("/")
        counted.update({lemma: (name, event or None) for lemma in lemmas})
    nouns = tuple(
        (key, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b",
                         re.IGNORECASE))
        for key, words in data.get("measure_nouns", {}).items()
    )
    events = {lemma: key for key, lemmas in data["events"].items() for lemma in lemmas}
    period = re.compile("|".join(f"(?:{p})" for p in data["period_patterns"]), re.IGNORECASE)
    aliases = {alias: key for key, names in data.get("actor_aliases", {}).items() for alias in [key, *names]}
    extreme = re.compile("|".join(f"(?:{p})" for p in data.get("extreme_patterns", [r"(?!)"])), re.IGNORECASE)
    return MeasureLexicon(counted, nouns, events, frozenset(data.get("neutral_events", ())),
                          frozenset(data["increment_modifiers"]), period, aliases, extreme)


@dataclass(frozen=True)
class Figure:
    """A quantity in context: which article, which speaker, which measure."""

    mention: Mention
    quantity: Quantity
    source: str
    speaker: str | None
    measure: tuple[str, ...]  # (what, unit, increment, period): figures are compared only within one
    events: frozenset[str]  # event classes; empty when the verb only states the figure
    nationality: frozenset[str]
    when: str | None  # the first date the sentence gives, if any

    def bounds(self, tolerance: float) -> tuple[float, float]:
        """The range of true values the figure allows: "nearly 5,000" is just under 5,000, not anything below."""
        value = self.quantity.value
        qualifier = self.quantity.qualifier
        before = self.mention.text[: max(self.quantity.start - self.mention.start, 0)]
        close = bool(CLOSE_BELOW.search(before) or CLOSE_ABOVE.search(before))
        if qualifier == "approximate":
            return value * (1 - tolerance), value * (1 + tolerance)
        if qualifier == "lower_bound":
            return value, value * 1.1 if close else float("inf")
        if qualifier == "upper_bound":
            return value * 0.9 if close else 0.0, value
        return value, value


CLOSE_BELOW = re.compile(r"\b(?:nearly|almost|close to|just under|just shy of|approaching)\s*$", re.IGNORECASE)
CLOSE_ABOVE = re.compile(r"\b(?:just over|just above|slightly more than|a little over)\s*$", re.IGNORECASE)
MEASURING_UNITS = frozenset({"hectares", "acres", "kilometres", "kilometers", "km", "miles", "metres", "meters",
                             "tonnes", "tons", "barrels", "litres", "liters", "kilograms", "kg"})


NATIONALITY_WORDS = re.compile(
    r"\b(north korean|south korean|korean|russian|ukrainian|american|chinese|israeli|palestinian|dprk|"
    r"iranian|syrian|turkish|british|french|german|polish|indian|pakistani)\b"
)
UNIT_ALIASES = {"per cent": "%", "percent": "%", "cent": "%", "pc": "%"}


def _nearest_measure_noun(quantity: Quantity, mention: Mention, lexicon: MeasureLexicon) -> str | None:
    """The measure noun closest to the figure in its sentence ("the budget ... 48 million" -> cost)."""
    centre = quantity.start - mention.start
    best: tuple[int, str] | None = None
    for key, pattern in lexicon.measure_nouns:
        for match in pattern.finditer(mention.text):
            distance = min(abs(match.start() - centre), abs(match.end() - centre))
            if best is None or distance < best[0]:
                best = (distance, key)
    return best[1] if best else None


def _measure_of(quantity: Quantity, mention: Mention, lexicon: MeasureLexicon
                ) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """(measure key, event classes) of a figure, or None when it measures nothing nameable."""
    counted = (quantity.counted or "").lower()
    unit = UNIT_ALIASES.get((quantity.unit or "").lower(), quantity.unit or "")
    if counted in UNIT_ALIASES:
        unit, counted = UNIT_ALIASES[counted], ""
    implied = None
    if counted:
        what, implied = lexicon.counted.get(counted, (counted, None))
    else:
        # No counted noun: the nearest measure noun ("budget", "growth") says what it
        # measures, else its unit does ("3,400 hectares" is an area).
        noun = _nearest_measure_noun(quantity, mention, lexicon)
        if noun is None and unit not in MEASURING_UNITS:
            return None  # "two years", "3.4 per cent": a unit alone does not say what is measured
        what = noun or unit
    parts = [p for p in (quantity.event or "").lower().split("|") if p and p not in lexicon.neutral_events]
    known = {lexicon.events[part] for part in parts if part in lexicon.events}
    # Joined verbs ("had gone down ... and accused"): the known event classes speak for the figure.
    events = known or set(parts[:1])
    if implied:
        events = {implied}
    increment = "increment" if any(m in lexicon.increments for m in quantity.modifiers) else "total"
    if lexicon.extreme.search(mention.text[: max(quantity.start - mention.start, 0)]):
        increment = "peak"
    period = "period" if lexicon.period.search(mention.text) else "cumulative"
    return (what, unit, increment, period), frozenset(events)


PARTITIVE_AFTER = re.compile(r"^\s+(?:of|out of)\s+(?:the|its|their|his|her|our|[\w'’]+['’]s)\b", re.IGNORECASE)
SUPERLATIVE_BETWEEN = re.compile(r"\b\w{3,}est\b|\b(?:main|major|top|biggest|largest|smallest)\b", re.IGNORECASE)


def _is_subset(quantity: Quantity, mention: Mention) -> bool:
    """A figure that counts part of a group: "three of the port's five terminals", "the two largest"."""
    after = mention.text[quantity.end - mention.start:]
    if PARTITIVE_AFTER.match(after):
        return True
    counted = (quantity.counted or "").lower()
    if counted:
        window = after[:40].lower()
        cut = window.find(counted[:4])
        return cut > 0 and bool(SUPERLATIVE_BETWEEN.search(window[:cut]))
    return False


PREVIOUS_VALUE = re.compile(r"\bfrom\s+(?:the\s+|a\s+|about\s+|some\s+|around\s+)?$", re.IGNORECASE)


def _is_previous_value(quantity: Quantity, mention: Mention) -> bool:
    """A figure the sentence itself replaces: "to 3.25 per cent from 3.75 per cent"."""
    before = mention.text[: max(quantity.start - mention.start, 0)]
    return bool(PREVIOUS_VALUE.search(before)) and any(
        other is not quantity and other.unit == quantity.unit for other in mention.quantities)


def _nearest_time(quantity: Quantity, mention: Mention) -> str | None:
    """The date the sentence gives closest to the figure ("0.8 per cent this year" -> this year)."""
    if not mention.times:
        return None
    nearest = min(mention.times, key=lambda t: min(abs(t.start - quantity.end), abs(quantity.start - t.end)))
    return nearest.value


def collect_figures(mentions: Sequence[Mention], sources: dict[str, str],
                    speaker_of: Callable[[Mention], str | None], lexicon: MeasureLexicon) -> list[Figure]:
    """Every figure of the story that measures something nameable, with its measure."""
    figures = []
    for mention in mentions:
        for quantity in mention.quantities:
            if _is_previous_value(quantity, mention) or _is_subset(quantity, mention):
                continue
            found = _measure_of(quantity, mention, lexicon)
            if found is None:
                continue
            measure, events = found
            nationality = frozenset(
                match.group(1) for m in quantity.modifiers for match in NATIONALITY_WORDS.finditer(m.lower())
            )
            # A figure that one of several sources in the sentence gives is that source's.
            speaker = speaker_of(replace(mention, speaker=quantity.speaker)) if quantity.speaker else speaker_of(mention)
            figures.append(Figure(mention, quantity, sources[mention.article_id], speaker,
                                  measure, events, nationality, _nearest_time(quantity, mention)))
    return figures


def _same_measure(a: Figure, b: Figure) -> bool:
    if a.events and b.events and a.events != b.events:
        return False
    if a.when and b.when:
        common = min(len(a.when), len(b.when))
        if a.when[:common] != b.when[:common]:
            return False  # "nine died in November 2023" is not today's toll
    return not (a.nationality and b.nationality and not (a.nationality & b.nationality))


def _compatible(a: Figure, b: Figure, tolerance: float) -> bool:
    low_a, high_a = a.bounds(tolerance)
    low_b, high_b = b.bounds(tolerance)
    return low_a <= high_b and low_b <= high_a


def _format_value(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def _different_voices(a: Figure, b: Figure) -> bool:
    """Figures from two articles, or from two named speakers of one article.

    Two figures of one sentence are two voices only when the sentence itself gives them
    to two sources ("police said 3,400, while organisers said 5,000").
    """
    if a.mention.article_id != b.mention.article_id:
        return True
    if a.speaker is None or b.speaker is None or a.speaker == b.speaker:
        return False
    return a.mention.start != b.mention.start or bool(a.quantity.speaker and b.quantity.speaker)


def find_numeric_conflicts(figures: Sequence[Figure], tolerance: float) -> list[Conflict]:
    """Conflicts between figures for one measure that no qualifier can reconcile.

    Figures the source presents as an update ("rose to 57") are an evolution, not a
    conflict. Within one article only figures given by different named speakers can
    conflict ("police said 3,400 ... organisers said 5,000"); the outlet's own figures
    for one measure are its running account.
    """
    by_measure: dict[tuple[str, ...], list[Figure]] = defaultdict(list)
    for figure in figures:
        if "update" in figure.mention.cues:
            continue
        by_measure[figure.measure].append(figure)
    conflicts = []
    for measure, group in by_measure.items():
        # One figure per (article, value): repeated figures add nothing.
        unique: dict[tuple[str, float], Figure] = {}
        for figure in group:
            unique.setdefault((figure.mention.article_id, figure.quantity.value), figure)
        group = list(unique.values())
        if len({(f.mention.article_id, f.speaker) for f in group}) < 2:
            continue
        clashing: set[int] = set()
        for i, a in enumerate(group):
            for j in range(i + 1, len(group)):
                b = group[j]
                if not _different_voices(a, b) or not _same_measure(a, b):
                    continue
                if not _compatible(a, b, tolerance):
                    clashing.update((i, j))
        if not clashing:
            continue
        sides = [group[i] for i in sorted(clashing, key=lambda k: (group[k].quantity.value, group[k].source))]
        values = sorted({_format_value(f.quantity.value) for f in sides}, key=lambda v: float(v.replace(",", "")))
        what, unit, increment, period = measure
        events = sorted({e for f in sides for e in f.events})
        label = what + (f" ({' or '.join(events)})" if events else "") + (f", in {unit}" if unit else "")
        if increment != "total":
            label += ", additional" if increment == "increment" else ", peak"
        if period == "period":
            label += ", over a short period"
        # Sides that give one value are named together: "23 (A, police; B, police) vs 35 (C, Reid)".
        voices_by_value: dict[str, list[str]] = defaultdict(list)
        for f in sides:
            voice = f"{f.source}{', ' + f.speaker if f.speaker else ''}"
            if voice not in voices_by_value[_format_value(f.quantity.value)]:
                voices_by_value[_format_value(f.quantity.value)].append(voice)
        summary = f"{label}: " + " vs ".join(f"{value} ({'; '.join(voices)})" for value, voices in voices_by_value.items())
        conflicts.append(Conflict(
            kind="numeric",
            summary=summary,
            claim_ids=(),
            measure=label,
            sides=tuple(
                ConflictSide(
                    article_id=f.mention.article_id, source=f.source, speaker=f.speaker, text=f.mention.text,
                    value=f.quantity.value, unit=f.measure[1] or f.measure[0], qualifier=f.quantity.qualifier,
                    start=f.mention.start, end=f.mention.end,
                )
                for f in sides
            ),
        ))
    return conflicts
