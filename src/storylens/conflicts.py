"""Conflicts between the mentions of one story: numeric discrepancies and contradictions.

Contradictions come from rules over aligned mentions, not from a model:
a denial linked to the statement it denies, and opposite states (completed vs
continuing) about the same place. Numeric conflicts compare figures for the same
measure (counted noun class, event class, increment, period, nationality) whose
ranges, widened by their qualifiers, do not overlap.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from .records import Conflict, ConflictSide, Mention, Quantity

MEASURES_PATH = Path(__file__).parent / "data" / "measures.yaml"


@dataclass(frozen=True)
class Opposition:
    """Two reading cues that cannot both describe the same thing."""

    first: str
    second: str
    say_first: str
    say_second: str
    similarity: float


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
    oppositions: tuple[Opposition, ...]
    denial_verbs: frozenset[str]
    denial_phrases: re.Pattern[str]


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
    oppositions = tuple(Opposition(*o["cues"], *o["say"], float(o.get("similarity", 0.4)))
                        for o in data.get("oppositions", ()))
    phrases = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in data.get("denial_phrases", ["untrue"])) + r")\b",
                         re.IGNORECASE)
    extreme = re.compile("|".join(f"(?:{p})" for p in data.get("extreme_patterns", [r"(?!)"])), re.IGNORECASE)
    return MeasureLexicon(counted, nouns, events, frozenset(data.get("neutral_events", ())),
                          frozenset(data["increment_modifiers"]), period, aliases, extreme,
                          oppositions, frozenset(data.get("denial_verbs", ())), phrases)


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


PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
STOP_PLACE_WORDS = re.compile(r"^(the|region|oblast|province|district|area|city|town|border|direction)$")


PLACE_BEFORE_NOUN = re.compile(
    r"\b([A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?) (?:[Rr]egion|[Oo]blast|[Pp]rovince|[Dd]istrict|[Dd]irection|[Vv]alley|"
    r"[Cc]ounty|[Rr]iver|[Bb]ay|[Ii]sland|[Pp]eninsula)\b")


def place_keys(mention: Mention) -> frozenset[str]:
    """Places a mention is about, reduced to a comparable key ("the Kursk region" -> "kursk")."""
    # "the Kursk region", "Pellam valley": the tagger does not always see these as places.
    keys = {m.group(1).lower() for m in PLACE_BEFORE_NOUN.finditer(mention.text)}
    for entity in mention.entities:
        if entity.label in PLACE_LABELS:
            words = [w for w in re.findall(r"[\w'-]+", entity.text.lower()) if not STOP_PLACE_WORDS.match(w)]
            words = [w[:-2] if w.endswith("'s") else w for w in words]
            if words:
                keys.add(" ".join(words))
    return frozenset(keys)


NOT_A_SURPRISE = re.compile(r"\b(?:no|not an?|hardly an?|little)\s+(?:big\s+|real\s+|great\s+)?surprise", re.I)


def stance_of(mention: Mention, first: str = "completed", second: str = "continuing") -> str | None:
    """Which of two opposite states a mention asserts, if either.

    Denying or negating the first state ("refuted claims that fighting has ended",
    "the vote was not unanimous") asserts the second; a sentence with both is left out.
    """
    cues = set(mention.cues)
    has_first, has_second = first in cues, second in cues
    if has_first and has_second and second == "surprise" and NOT_A_SURPRISE.search(mention.text):
        return first
    if has_first and ({"denial", "negation"} & cues):
        return second
    if has_first and has_second:
        return None
    return first if has_first else second if has_second else None


class Voices:
    """Who stands behind a mention: its speaker, else its outlet; aliases folded ("Moscow" = "Russia")."""

    def __init__(self, sources: dict[str, str], speaker_of: Callable[[Mention], str | None],
                 lexicon: MeasureLexicon) -> None:
        self.sources = sources
        self.speaker_of = speaker_of
        self.aliases = lexicon.aliases

    def label(self, mention: Mention) -> str:
        return self.speaker_of(mention) or self.sources[mention.article_id]

    def key(self, mention: Mention) -> str:
        name = self.label(mention).lower().strip()
        return self.aliases.get(name, name)

    def side(self, mention: Mention, stance: str) -> ConflictSide:
        return ConflictSide(article_id=mention.article_id, source=self.sources[mention.article_id],
                            speaker=self.speaker_of(mention), text=mention.text, start=mention.start,
                            end=mention.end, stance=stance)


def _components(count: int, edges: Sequence[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in edges:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for node in {n for edge in edges for n in edge}:
        groups[find(node)].append(node)
    return [sorted(g) for g in groups.values()]


def find_state_conflicts(mentions: Sequence[Mention], vectors: np.ndarray, voices: Voices,
                         oppositions: Sequence[Opposition]) -> list[Conflict]:
    """Opposite states (completed vs continuing, unanimous vs split, ...) about the same thing, by different voices.

    Two mentions are about the same thing when their embeddings are at least as alike as
    the opposition asks (less so when they name the same place). Linked mentions form
    one conflict.
    """
    conflicts = []
    for opposition in oppositions:
        first, second = opposition.first, opposition.second
        stances = {i: stance_of(m, first, second) for i, m in enumerate(mentions)}
        firsts = [i for i, s in stances.items() if s == first]
        seconds = [i for i, s in stances.items() if s == second]
        edges: list[tuple[int, int]] = []
        for i in firsts:
            for j in seconds:
                if voices.key(mentions[i]) == voices.key(mentions[j]):
                    continue
                needed = opposition.similarity - (0.1 if place_keys(mentions[i]) & place_keys(mentions[j]) else 0.0)
                if float(vectors[i] @ vectors[j]) >= needed:
                    edges.append((i, j))
        for component in _components(len(mentions), edges):
            side_a = [i for i in component if stances[i] == first]
            side_b = [i for i in component if stances[i] == second]
            # The place both sides talk about most is what the conflict is about.
            count_a = Counter(p for i in side_a for p in place_keys(mentions[i]))
            count_b = Counter(p for i in side_b for p in place_keys(mentions[i]))
            # Countries and capitals (the alias list) are too broad to name what is disputed.
            shared = sorted(set(count_a) & set(count_b), key=lambda p: (p in voices.aliases,
                                                                       -min(count_a[p], count_b[p]),
                                                                       -(count_a[p] + count_b[p]), p))
            subject = shared[0].title() if shared else "The same events"
            voices_a = sorted({voices.label(mentions[i]) for i in side_a})
            voices_b = sorted({voices.label(mentions[i]) for i in side_b})
            conflicts.append(Conflict(
                kind="contradiction",
                summary=(f"{subject}: {opposition.say_first} according to {', '.join(voices_a)}; "
                         f"{opposition.say_second} according to {', '.join(voices_b)}"),
                claim_ids=(),
                measure=None,
                sides=tuple([voices.side(mentions[i], first) for i in side_a]
                            + [voices.side(mentions[j], second) for j in side_b]),
            ))
    return conflicts


HISTORICAL = re.compile(r"\b(?:previously|until now|until recently|in the past|had (?:\w+ly )?denied)\b", re.I)


CONDITIONAL_DENIAL = re.compile(r"\b(?:if|unless|whether|should)\b[^,;.]{0,60}\b(?:reject|deny|denies|refute|dismiss)",
                                re.IGNORECASE)


def is_denial(mention: Mention, lexicon: MeasureLexicon) -> bool:
    """A voice rejecting a statement now: a denial verb, or a phrase such as "baseless", in attributed speech."""
    if "denial" not in mention.cues or mention.speaker is None or HISTORICAL.search(mention.text):
        return False
    if CONDITIONAL_DENIAL.search(mention.text):
        return False
    verb = (mention.verb or "").lower()
    return verb in lexicon.denial_verbs or bool(lexicon.denial_phrases.search(mention.text))


ATTRIBUTED_BONUS = 0.1


def find_denials(mentions: Sequence[Mention], similarity: Callable[[int, int], float], voices: Voices,
                 lexicon: MeasureLexicon, min_similarity: float, max_targets: int = 2) -> list[Conflict]:
    """Each denial linked to the statements by other voices it most plausibly denies.

    Denials of a state ("refuted claims that fighting has ended") are left to
    `find_state_conflicts`; a voice denying its own line is not a conflict, and a
    denial told as past background ("Moscow had previously denied ...") is context.
    """
    conflicts = []
    for d, denial in enumerate(mentions):
        if not is_denial(denial, lexicon):
            continue
        if any(stance_of(denial, o.first, o.second) for o in lexicon.oppositions):
            continue
        denier = voices.key(denial)
        # What is denied is usually someone's claim: attributed statements rank a little higher.
        scored = sorted(
            ((similarity(d, i) + (ATTRIBUTED_BONUS if other.speaker else 0.0), i) for i, other in enumerate(mentions)
             if i != d and "denial" not in other.cues and voices.key(other) != denier),
            reverse=True,
        )
        # Keep only targets close to the best one: a weak second match is noise, not a claim.
        top = scored[0][0] if scored else 0.0
        targets = [i for score, i in scored[:max_targets] if score >= max(min_similarity, top - 0.1)]
        if not targets:
            continue
        claimants = sorted({voices.label(mentions[i]) for i in targets})
        conflicts.append(Conflict(
            kind="contradiction",
            summary=f"{voices.label(denial)} denies what {', '.join(claimants)} "
                    f"report{'s' if len(claimants) == 1 else ''}",
            claim_ids=(),
            measure=None,
            sides=tuple([voices.side(mentions[i], "claims") for i in targets] + [voices.side(denial, "denies")]),
        ))
    return conflicts
