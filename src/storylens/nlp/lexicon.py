"""The editable word lists of the reading stage, and the matchers built from them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Mapping

from ..errors import SettingsError

CUE_NAMES = (
    "denial", "negation", "completed", "continuing", "update", "admission",
    "unanimous", "split", "expected", "surprise",
)
QUALIFIER_NAMES = ("approximate", "lower_bound", "upper_bound")
REFUSAL_NAMES = ("verbs", "what", "unanswered", "unanswered_objects", "withheld")
ATTITUDE_COMPLEMENTS = ("clause", "infinitive", "as", "object", "to")


@dataclass(frozen=True)
class Attitude:
    """One group of the lexicon's `attitudes`: words that report what their subject believes, intends,
    supports or opposes, with what must follow them (`with`, among ATTITUDE_COMPLEMENTS)."""

    name: str
    klass: str  # the reports' class: the group's `class`, else its name
    verbs: frozenset[str] = frozenset()
    adjectives: frozenset[str] = frozenset()
    with_: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Lexicon:
    """Word lists for attribution, figures, framing and contradiction cues."""

    reporting_verbs: frozenset[str] = frozenset()  # every class together
    reporting_classes: tuple[tuple[str, frozenset[str]], ...] = ()  # ("speech", {"say", ...}), ...
    reporting_needs_content: frozenset[str] = frozenset()
    reporting_parenthetical: frozenset[str] = frozenset()  # report only after what was said: "..., he continued"
    reporting_needs_agent: frozenset[str] = frozenset()  # report only from a person, group or organisation
    reporting_agent_only: frozenset[str] = frozenset()  # "she referred to him as ...", not "the term refers to"
    hedging_verbs: frozenset[str] = frozenset()  # "the plan appears to be working": the text hedges, no source
    hearsay_passives: frozenset[str] = frozenset()  # "she is considered the favourite": believed, by no one named
    norms: frozenset[str] = frozenset()  # "according to plan", "according to a formula": in keeping with, no source
    reporting_nouns: frozenset[str] = frozenset()  # "her warning that ...", "the claim by X"
    reporting_noun_classes: tuple[tuple[str, frozenset[str]], ...] = ()
    reporting_nouns_need_content: frozenset[str] = frozenset()
    reporting_adjectives: frozenset[str] = frozenset()  # "X was critical of ...", "X is confident that ..."
    document_sources: frozenset[str] = frozenset()  # "the poll", "a study", "the numbers": sources that are no one
    document_verbs: frozenset[str] = frozenset()  # "a poll shows ...", "the study found that ..."
    figure_estimates: frozenset[str] = frozenset()  # "officials put the toll at 40": a figure stated with "at"
    raising_verbs: frozenset[str] = frozenset()  # "the man believed to have set the fire": no one believes
    # "declined to comment", "did not respond to a request": verbs, what, unanswered, unanswered_objects
    refusals: tuple[tuple[str, frozenset[str]], ...] = ()
    attitudes: tuple[Attitude, ...] = ()  # "she feels that ...", "plans to run", "backs the bill"
    attitude_holders: frozenset[str] = frozenset()  # common nouns that can hold one: "voters", "the campaign"
    honorifics: frozenset[str] = frozenset()  # "SECRETARY HOLT:", "MR. O'NEILL:": titles before a transcript label
    lemma_corrections: tuple[tuple[str, str], ...] = ()  # ("hop", "hope"): "hoped", "hoping"
    citing_verbs: frozenset[str] = frozenset()
    message_verbs: frozenset[str] = frozenset()  # "tweeted #SaveTheFerry": a message sent, with any object
    cue_openers: frozenset[str] = frozenset()  # "went on to praise", "began by threatening": part of the cue
    answered_claims: frozenset[str] = frozenset()  # "responded to the allegations": answering reports
    hearsay_nouns: frozenset[str] = frozenset()  # "news that ...", "speculation that ...": said by no one named
    organisation_anaphors: frozenset[str] = frozenset()
    hedges: tuple[str, ...] = ()
    loaded_terms: tuple[str, ...] = ()
    loaded_term_packs: tuple[tuple[str, tuple[str, ...]], ...] = ()  # topic packs, off unless enabled
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


def _reporting_classes(value: Any, section: str = "reporting_verbs") -> tuple[tuple[str, frozenset[str]], ...]:
    """Reporting verbs (or nouns) by class; a plain list (the older form) is one class, "speech"."""
    if isinstance(value, list):
        return (("speech", frozenset(_words(value, section))),)
    if not isinstance(value, dict):
        raise SettingsError(f"Lexicon section {section!r} must map class names to lists of lemmas.")
    return tuple((str(name), frozenset(_words(words, f"{section}.{name}"))) for name, words in value.items())


def _attitudes(value: Any) -> tuple[Attitude, ...]:
    if not isinstance(value, dict):
        raise SettingsError("Lexicon section 'attitudes' must map group names to verbs, adjectives and 'with'.")
    out = []
    for name, spec in value.items():
        if not isinstance(spec, dict) or set(spec) - {"class", "verbs", "adjectives", "with"}:
            raise SettingsError(f"Lexicon attitude group {name!r} takes only class, verbs, adjectives and with.")
        needs = _words(spec.get("with"), f"attitudes.{name}.with")
        unknown = sorted(set(needs) - set(ATTITUDE_COMPLEMENTS))
        if unknown or not needs:
            raise SettingsError(f"Lexicon attitude group {name!r} needs 'with' among {', '.join(ATTITUDE_COMPLEMENTS)}"
                                f"{'; unknown: ' + ', '.join(unknown) if unknown else ''}.")
        out.append(Attitude(str(name), str(spec.get("class") or name),
                            frozenset(_words(spec.get("verbs"), f"attitudes.{name}.verbs")),
                            frozenset(_words(spec.get("adjectives"), f"attitudes.{name}.adjectives")),
                            frozenset(needs)))
    return tuple(out)


def attitude_of(lexicon: Lexicon, lemma: str, adjective: bool = False) -> Attitude | None:
    """The attitude group of a verb (or adjective) lemma, None when it names no attitude."""
    return next((a for a in lexicon.attitudes if lemma in (a.adjectives if adjective else a.verbs)), None)


def _corrections(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise SettingsError("Lexicon section 'lemma_corrections' must map a lemma to the lemma it stands for.")
    return tuple((k.strip().lower(), v.strip().lower()) for k, v in value.items())


def _packs(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise SettingsError("Lexicon section 'loaded_term_packs' must map pack names to lists of terms.")
    return tuple((str(name), _words(words, f"loaded_term_packs.{name}")) for name, words in value.items())


def with_packs(lexicon: Lexicon, packs: str | tuple[str, ...] | list[str]) -> Lexicon:
    """The lexicon with the named topic packs' loaded terms added ("war,immigration" or a list);
    SettingsError names an unknown pack."""
    if isinstance(packs, str):
        packs = [p.strip() for p in packs.split(",") if p.strip()]
    if not packs:
        return lexicon
    known = dict(lexicon.loaded_term_packs)
    unknown = sorted(set(packs) - set(known))
    if unknown:
        raise SettingsError(f"Unknown loaded-term pack(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
    terms = list(lexicon.loaded_terms) + [t for name in packs for t in known[name]]
    return replace(lexicon, loaded_terms=tuple(dict.fromkeys(terms)))


def reporting_class(lexicon: Lexicon, lemma: str) -> str | None:
    """The class of a reporting lemma ("urge" -> "call_for", the noun "warning" -> "speech", a stance
    adjective -> "stance"), None when it does not report."""
    found = next((name for name, words in lexicon.reporting_classes if lemma in words), None)
    if found is None:
        found = next((name for name, words in lexicon.reporting_noun_classes if lemma in words), None)
    if found is None and lemma in lexicon.reporting_adjectives:
        found = "stance"
    if found is None and lemma in lexicon.document_verbs:
        found = "finding"
    if found is None and lemma in lexicon.figure_estimates:
        found = "estimate"
    if found is None:
        bare = lemma.removeprefix("not ")
        found = next((a.klass for a in lexicon.attitudes if bare in a.verbs or bare in a.adjectives), None)
    refusing = dict(lexicon.refusals)
    if found is None and lemma.startswith("not ") and lemma[4:] in refusing.get("withheld", ()):
        found = "refusal"  # "did not say whether ...": held back
    if found is None and (lemma in refusing.get("verbs", ()) or lemma.removeprefix("not ") in refusing.get("unanswered", ())):
        found = "refusal"
    return found


def parse_lexicon(data: Mapping[str, Any], base: Lexicon | None = None) -> Lexicon:
    """A Lexicon from parsed YAML; sections missing from `data` come from `base`."""
    if not isinstance(data, Mapping):
        raise SettingsError("A lexicon file must be a YAML mapping of section names to word lists.")
    known = {
        "reporting_verbs", "reporting_needs_content", "reporting_parenthetical", "reporting_needs_agent",
        "reporting_agent_only", "hedging_verbs", "hearsay_passives", "norms", "reporting_nouns",
        "reporting_nouns_need_content", "reporting_adjectives", "document_sources", "document_verbs", "figure_estimates", "raising_verbs", "refusals", "attitudes",
        "attitude_holders", "honorifics", "lemma_corrections", "citing_verbs", "message_verbs", "cue_openers", "answered_claims", "hearsay_nouns", "organisation_anaphors", "hedges",
        "loaded_terms", "loaded_term_packs", "cues", "qualifiers", "figure_modifiers",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise SettingsError(f"Unknown lexicon section(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
    base = base or Lexicon()

    def pick(name: str, build: Any) -> Any:
        return build(data[name]) if name in data else getattr(base, name)

    classes = pick("reporting_verbs", _reporting_classes) if "reporting_verbs" in data else base.reporting_classes
    noun_classes = (_reporting_classes(data["reporting_nouns"], "reporting_nouns") if "reporting_nouns" in data
                    else base.reporting_noun_classes)
    return Lexicon(
        reporting_verbs=frozenset(w for _, words in classes for w in words),
        reporting_classes=classes,
        reporting_needs_content=pick(
            "reporting_needs_content", lambda v: frozenset(_words(v, "reporting_needs_content"))),
        reporting_parenthetical=pick(
            "reporting_parenthetical", lambda v: frozenset(_words(v, "reporting_parenthetical"))),
        reporting_needs_agent=pick(
            "reporting_needs_agent", lambda v: frozenset(_words(v, "reporting_needs_agent"))),
        reporting_agent_only=pick("reporting_agent_only", lambda v: frozenset(_words(v, "reporting_agent_only"))),
        hedging_verbs=pick("hedging_verbs", lambda v: frozenset(_words(v, "hedging_verbs"))),
        hearsay_passives=pick("hearsay_passives", lambda v: frozenset(_words(v, "hearsay_passives"))),
        norms=pick("norms", lambda v: frozenset(_words(v, "norms"))),
        reporting_nouns=frozenset(w for _, words in noun_classes for w in words),
        reporting_noun_classes=noun_classes,
        reporting_nouns_need_content=pick(
            "reporting_nouns_need_content", lambda v: frozenset(_words(v, "reporting_nouns_need_content"))),
        reporting_adjectives=pick("reporting_adjectives", lambda v: frozenset(_words(v, "reporting_adjectives"))),
        document_sources=pick("document_sources", lambda v: frozenset(_words(v, "document_sources"))),
        document_verbs=pick("document_verbs", lambda v: frozenset(_words(v, "document_verbs"))),
        figure_estimates=pick("figure_estimates", lambda v: frozenset(_words(v, "figure_estimates"))),
        raising_verbs=pick("raising_verbs", lambda v: frozenset(_words(v, "raising_verbs"))),
        refusals=pick("refusals", lambda v: tuple((name, frozenset(words)) for name, words in
                                                  _groups(v, "refusals", REFUSAL_NAMES))),
        attitudes=pick("attitudes", _attitudes),
        attitude_holders=pick("attitude_holders", lambda v: frozenset(_words(v, "attitude_holders"))),
        honorifics=pick("honorifics", lambda v: frozenset(_words(v, "honorifics"))),
        lemma_corrections=pick("lemma_corrections", _corrections),
        citing_verbs=pick("citing_verbs", lambda v: frozenset(_words(v, "citing_verbs"))),
        message_verbs=pick("message_verbs", lambda v: frozenset(_words(v, "message_verbs"))),
        cue_openers=pick("cue_openers", lambda v: frozenset(_words(v, "cue_openers"))),
        answered_claims=pick("answered_claims", lambda v: frozenset(_words(v, "answered_claims"))),
        hearsay_nouns=pick("hearsay_nouns", lambda v: frozenset(_words(v, "hearsay_nouns"))),
        organisation_anaphors=pick(
            "organisation_anaphors", lambda v: frozenset(_words(v, "organisation_anaphors"))
        ),
        hedges=pick("hedges", lambda v: _words(v, "hedges")),
        loaded_terms=pick("loaded_terms", lambda v: _words(v, "loaded_terms")),
        loaded_term_packs=pick("loaded_term_packs", _packs),
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
