"""Conflicts between the mentions of one story: numeric discrepancies and contradictions.

Contradictions come from rules over aligned mentions, not from a model:
a denial linked to the statement it denies, and opposite states (completed vs
continuing) about the same place. Numeric conflicts compare figures for the same
measure (counted noun class, event class, increment, period, nationality) whose
ranges, widened by their qualifiers, do not overlap.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from .records import Conflict, ConflictSide, Mention, Quantity

MEASURES_PATH = Path(__file__).parent / "data" / "measures.yaml"


@dataclass(frozen=True)
class MeasureLexicon:
    """Which counted nouns and events name the same measure."""

    counted: dict[str, str]  # lemma -> class
    events: dict[str, str]  # lemma -> class
    increments: frozenset[str]
    period: re.Pattern[str]


@lru_cache(maxsize=4)
def load_measures(path: Path = MEASURES_PATH) -> MeasureLexicon:
    """Read the measure lexicon (bundled YAML, or a user's file of the same shape)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    counted = {lemma: key for key, lemmas in data["counted"].items() for lemma in lemmas}
    events = {lemma: key for key, lemmas in data["events"].items() for lemma in lemmas}
    period = re.compile("|".join(f"(?:{p})" for p in data["period_patterns"]), re.IGNORECASE)
    return MeasureLexicon(counted, events, frozenset(data["increment_modifiers"]), period)


@dataclass(frozen=True)
class Figure:
    """A quantity in context: which article, which speaker, which measure."""

    mention: Mention
    quantity: Quantity
    source: str
    speaker: str | None
    measure: tuple[str, ...]
    nationality: frozenset[str]

    def bounds(self, tolerance: float) -> tuple[float, float]:
        value = self.quantity.value
        qualifier = self.quantity.qualifier
        if qualifier == "approximate":
            return value * (1 - tolerance), value * (1 + tolerance)
        if qualifier == "lower_bound":
            return value, float("inf")
        if qualifier == "upper_bound":
            return 0.0, value
        return value, value


NATIONALITY_WORDS = re.compile(
    r"\b(north korean|south korean|korean|russian|ukrainian|american|chinese|israeli|palestinian|dprk|"
    r"iranian|syrian|turkish|british|french|german|polish|indian|pakistani)\b"
)


def _measure_of(quantity: Quantity, mention: Mention, lexicon: MeasureLexicon) -> tuple[str, ...] | None:
    if not quantity.counted:
        return None
    counted = lexicon.counted.get(quantity.counted.lower(), quantity.counted.lower())
    events = sorted({lexicon.events.get(part, part) for part in (quantity.event or "").lower().split("|") if part})
    increment = "increment" if any(m in lexicon.increments for m in quantity.modifiers) else "total"
    period = "period" if lexicon.period.search(mention.text) else "cumulative"
    return (counted, "+".join(events) or "-", increment, quantity.unit or "", period)


def collect_figures(mentions: Sequence[Mention], sources: dict[str, str],
                    speaker_of: Callable[[Mention], str | None], lexicon: MeasureLexicon) -> list[Figure]:
    """Every counted figure of the story with the measure it belongs to."""
    figures = []
    for mention in mentions:
        for quantity in mention.quantities:
            measure = _measure_of(quantity, mention, lexicon)
            if measure is None:
                continue
            nationality = frozenset(
                match.group(1) for m in quantity.modifiers for match in NATIONALITY_WORDS.finditer(m.lower())
            )
            figures.append(Figure(mention, quantity, sources[mention.article_id], speaker_of(mention),
                                  measure, nationality))
    return figures


def _compatible(a: Figure, b: Figure, tolerance: float) -> bool:
    low_a, high_a = a.bounds(tolerance)
    low_b, high_b = b.bounds(tolerance)
    return low_a <= high_b and low_b <= high_a


def _format_value(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def find_numeric_conflicts(figures: Sequence[Figure], tolerance: float) -> list[Conflict]:
    """Conflicts between figures for one measure that no qualifier can reconcile.

    Figures the source presents as an update ("rose to 57") are an evolution, not a
    conflict; figures of one article never conflict with each other.
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
        if len({f.mention.article_id for f in group}) < 2:
            continue
        clashing: set[int] = set()
        for i, a in enumerate(group):
            for j in range(i + 1, len(group)):
                b = group[j]
                if a.mention.article_id == b.mention.article_id:
                    continue
                if a.nationality and b.nationality and not (a.nationality & b.nationality):
                    continue
                if not _compatible(a, b, tolerance):
                    clashing.update((i, j))
        if not clashing:
            continue
        sides = [group[i] for i in sorted(clashing, key=lambda k: (group[k].quantity.value, group[k].source))]
        values = sorted({_format_value(f.quantity.value) for f in sides}, key=lambda v: float(v.replace(",", "")))
        counted, events, increment, unit, period = measure
        label = counted + (f" ({events.replace('+', ' or ')})" if events != "-" else "")
        if increment == "increment":
            label += ", additional"
        if period == "period":
            label += ", over a short period"
        summary = f"{label}: " + " vs ".join(
            f"{_format_value(f.quantity.value)} ({f.source}{', ' + f.speaker if f.speaker else ''})" for f in sides
        )
        conflicts.append(Conflict(
            kind="numeric",
            summary=summary,
            claim_ids=(),
            measure=label,
            sides=tuple(
                ConflictSide(
                    article_id=f.mention.article_id, source=f.source, speaker=f.speaker, text=f.mention.text,
                    value=f.quantity.value, unit=f.quantity.unit or f.quantity.counted, qualifier=f.quantity.qualifier,
                    start=f.mention.start, end=f.mention.end,
                )
                for f in sides
            ),
        ))
    return conflicts


PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
STOP_PLACE_WORDS = re.compile(r"^(the|region|oblast|province|district|area|city|town|border|direction)$")


def place_keys(mention: Mention) -> frozenset[str]:
    """Places a mention is about, reduced to a comparable key ("the Kursk region" -> "kursk")."""
    keys = set()
    for entity in mention.entities:
        if entity.label in PLACE_LABELS:
            words = [w for w in re.findall(r"[\w'-]+", entity.text.lower()) if not STOP_PLACE_WORDS.match(w)]
            words = [w[:-2] if w.endswith("'s") else w for w in words]
            if words:
                keys.add(" ".join(words))
    return frozenset(keys)


def _side(mention: Mention, sources: dict[str, str], speaker: str | None, stance: str) -> ConflictSide:
    return ConflictSide(article_id=mention.article_id, source=sources[mention.article_id], speaker=speaker,
                        text=mention.text, start=mention.start, end=mention.end, stance=stance)


def _who(mention: Mention, sources: dict[str, str], speaker: str | None) -> str:
    return speaker or sources[mention.article_id]


def find_state_conflicts(mentions: Sequence[Mention], vectors: np.ndarray, sources: dict[str, str],
                         speaker_of: Callable[[Mention], str | None], min_similarity: float) -> list[Conflict]:
    """Completed vs continuing about the same place, said by different voices."""
    completed = [i for i, m in enumerate(mentions) if "completed" in m.cues and "negation" not in m.cues]
    continuing = [i for i, m in enumerate(mentions) if "continuing" in m.cues]
    if not completed or not continuing:
        return []
    pairs: dict[frozenset[str] | int, tuple[set[int], set[int]]] = {}
    for i in completed:
        for j in continuing:
            if _who(mentions[i], sources, speaker_of(mentions[i])) == _who(mentions[j], sources, speaker_of(mentions[j])):
                continue
            shared = place_keys(mentions[i]) & place_keys(mentions[j])
            similar = float(vectors[i] @ vectors[j]) >= min_similarity
            if not shared and not similar:
                continue
            key = frozenset(shared) if shared else -1
            group = pairs.setdefault(key, (set(), set()))
            group[0].add(i)
            group[1].add(j)
    conflicts = []
    for key, (done, ongoing) in pairs.items():
        place = ", ".join(sorted(key)).title() if isinstance(key, frozenset) else "the same events"
        sides = [_side(mentions[i], sources, speaker_of(mentions[i]), "completed") for i in sorted(done)]
        sides += [_side(mentions[j], sources, speaker_of(mentions[j]), "continuing") for j in sorted(ongoing)]
        done_voices = sorted({_who(mentions[i], sources, speaker_of(mentions[i])) for i in done})
        ongoing_voices = sorted({_who(mentions[j], sources, speaker_of(mentions[j])) for j in ongoing})
        conflicts.append(Conflict(
            kind="contradiction",
            summary=(f"{place}: described as completed or over by {', '.join(done_voices)}; "
                     f"as continuing by {', '.join(ongoing_voices)}"),
            claim_ids=(),
            measure=None,
            sides=tuple(sides),
        ))
    return conflicts


def find_denials(mentions: Sequence[Mention], vectors: np.ndarray, sources: dict[str, str],
                 speaker_of: Callable[[Mention], str | None], min_similarity: float) -> list[Conflict]:
    """Each denial linked to the statements it most plausibly denies, across outlets."""
    conflicts = []
    denials = [i for i, m in enumerate(mentions) if "denial" in m.cues]
    taken: set[frozenset[int]] = set()
    for d in denials:
        denier = _who(mentions[d], sources, speaker_of(mentions[d]))
        scores = vectors @ vectors[d]
        targets = []
        for i in np.argsort(-scores):
            i = int(i)
            if scores[i] < min_similarity:
                break
            other = mentions[i]
            if i == d or "denial" in other.cues or other.article_id == mentions[d].article_id and i > d:
                continue
            if _who(other, sources, speaker_of(other)) == denier:
                continue
            targets.append(i)
            if len(targets) == 3:
                break
        if not targets:
            continue
        key = frozenset([d, *targets])
        if key in taken:
            continue
        taken.add(key)
        claimants = sorted({_who(mentions[i], sources, speaker_of(mentions[i])) for i in targets})
        sides = [_side(mentions[i], sources, speaker_of(mentions[i]), "claims") for i in targets]
        sides.append(_side(mentions[d], sources, speaker_of(mentions[d]), "denies"))
        conflicts.append(Conflict(
            kind="contradiction",
            summary=f"{denier} denies what {', '.join(claimants)} state{'s' if len(claimants) == 1 else ''}",
            claim_ids=(),
            measure=None,
            sides=tuple(sides),
        ))
    return conflicts
