"""The editable word lists of the reading stage, and the matchers built from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from ..errors import SettingsError

CUE_NAMES = (
    "denial", "negation", "completed", "continuing", "update", "admission",
    "unanimous", "split", "expected", "surprise",
)
QUALIFIER_NAMES = ("approximate", "lower_bound", "upper_bound")


@dataclass(frozen=True)
class Lexicon:
    """Word lists for attribution, figures, framing and contradiction cues."""

    reporting_verbs: frozenset[str] = frozenset()
    citing_verbs: frozenset[str] = frozenset()
    organisation_anaphors: frozenset[str] = frozenset()
    hedges: tuple[str, ...] = ()
    loaded_terms: tuple[str, ...] = ()
    cues: tuple[tuple[str, tuple[str, ...]], ...] = ()
    qualifiers: tuple[tuple[str, tuple[str, ...]], ...] = ()
    figure_modifiers: frozenset[str] = frozenset()


def _words(value: Any, section: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"Lexicon section {section!r} must be a list of strings; check the YAML file.")
    return tuple(dict.fromkeys(v.strip().lower() for v in value if v.strip()))


def _groups(value: Any, section: str, names: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise SettingsError(f"Lexicon section {section!r} must map names to lists of phrases.")
    unknown = sorted(set(value) - set(names))
    if unknown:
        raise SettingsError(f"Unknown {section} in lexicon: {', '.join(unknown)}. Known: {', '.join(names)}.")
    return tuple((name, _words(value.get(name), f"{section}.{name}")) for name in names if name in value)


def parse_lexicon(data: Mapping[str, Any], base: Lexicon | None = None) -> Lexicon:
    """A Lexicon from parsed YAML; sections missing from `data` come from `base`."""
    if not isinstance(data, Mapping):
        raise SettingsError("A lexicon file must be a YAML mapping of section names to word lists.")
    known = {
        "reporting_verbs", "citing_verbs", "organisation_anaphors", "hedges", "loaded_terms",
        "cues", "qualifiers", "figure_modifiers",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"Unknown lexicon section(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
    base = base or Lexicon()

    def pick(name: str, build: Any) -> Any:
        return build(data[name]) if name in data else getattr(base, name)

    return Lexicon(
        reporting_verbs=pick("reporting_verbs", lambda v: frozenset(_words(v, "reporting_verbs"))),
        citing_verbs=pick("citing_verbs", lambda v: frozenset(_words(v, "citing_verbs"))),
        organisation_anaphors=pick(
            "organisation_anaphors", lambda v: frozenset(_words(v, "organisation_anaphors"))
        ),
        hedges=pick("hedges", lambda v: _words(v, "hedges")),
        loaded_terms=pick("loaded_terms", lambda v: _words(v, "loaded_terms")),
        cues=pick("cues", lambda v: _groups(v, "cues", CUE_NAMES)),
        qualifiers=pick("qualifiers", lambda v: _groups(v, "qualifiers", QUALIFIER_NAMES)),
        figure_modifiers=pick("figure_modifiers", lambda v: frozenset(_words(v, "figure_modifiers"))),
    )


def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    # Longest first, so "brutal invasion" wins over "invasion" at the same place.
    ordered = sorted(phrases, key=len, reverse=True)
    body = "|".join(r"[\s-]+".join(map(re.escape, re.split(r"[\s-]+", p))) for p in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class Matchers:
    """Compiled regexes for one lexicon."""

    hedges: re.Pattern[str] | None
    loaded_terms: re.Pattern[str] | None
    cues: tuple[tuple[str, re.Pattern[str]], ...]
    qualifier_before: tuple[tuple[str, re.Pattern[str]], ...]


@lru_cache(maxsize=8)
def compile_matchers(lexicon: Lexicon) -> Matchers:
    """Regexes for a lexicon, compiled once and reused for every sentence."""
    cues = tuple(
        (name, pattern) for name, phrases in lexicon.cues if (pattern := _phrase_pattern(phrases)) is not None
    )
    qualifiers = []
    for name, phrases in lexicon.qualifiers:
        if phrases:
            ordered = sorted(phrases, key=len, reverse=True)
            body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
            # Anchored at the end: the words right before a figure.
            qualifiers.append((name, re.compile(rf"(?<![\w-])(?:{body})\s*$", re.IGNORECASE)))
    return Matchers(
        hedges=_phrase_pattern(lexicon.hedges),
        loaded_terms=_phrase_pattern(lexicon.loaded_terms),
        cues=cues,
        qualifier_before=tuple(qualifiers),
    )
