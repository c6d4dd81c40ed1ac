"""Clock times of an event read as figures: "attacked the camp at 2:53 p.m. local time", "the quake
struck at 4:43 a.m.", "at about 1100 hrs IST", "around noon".

A clock time is a figure only when it says when something happened ("at", "around", "about"
before it; not "until 3 p.m." nor "with 10:03 to play") and its clause names an event of a
class of `clock_classes` in data/figures.yaml: the predicate itself ("was bombed at 3:00 pm"),
or the event noun that a verb of `clock_event_verbs` carries ("planes dropped four bombs at
3:20 p.m.", "there were explosions at 3 p.m.", "the quake struck at 4:43"). The value is the
hour of the day as written, in 24 hours (2:53 p.m. -> 14.883); the unit is the zone written
after it ("GMT", "PST"), "local" for "local time" or for no zone at all. A time in another
zone is compared through the offsets of `time_zones`; a zone the file does not know is never
compared. A clock time written in brackets after another ("3 p.m. (1200 GMT)") is the outlet's
own conversion and is not read. A modifier that tells one event of several apart ("a second
quake", "three further explosions", "bombs fell again") is the figure's holder.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from spacy.tokens import Span, Token

from ..figures import FigureRules
from ..records import Quantity, TimeExpr
from .figure_frames import _hedge_of
from .figure_updates import _clause_time

_CLOCK = re.compile(
    r"(?<![\w.:,$/-])(?:"
    r"(?P<h>\d{1,2})(?:[:.](?P<m>[0-5]\d))?\s?(?P<ampm>[ap])\.?\s?m\b\.?"
    r"|(?P<h24>[01]\d|2[0-3]):?(?P<m24>[0-5]\d)(?=\s?(?:hrs|hours|h)\b|\s+[A-Z]{2,4}\b)(?:\s?(?:hrs|hours|h)\b)?"
    r"|(?P<word>(?i:noon|midday|midnight))\b"
    r")"
)
# What says that a clock time is when something happened: "at", "around", "about" (and a qualifier).
_WHEN_BEFORE = re.compile(r"\b(?:at|around|about|approximately|roughly)(?:\s+(?:about|around|approximately|roughly))?\s*$",
                          re.IGNORECASE)
_ZONE_AFTER = re.compile(r"^\s*\(?\s*(?:(?P<local>local\s+time)\b|(?P<zone>[A-Z]{2,4})\b|(?P<named>[A-Z][a-z]+)\s+time\b)")
_WORD_HOURS = {"noon": 12.0, "midday": 12.0, "midnight": 0.0}
# Modifiers that put a clock time on one of several events ("three further explosions", "again").
_OTHER_MODIFIERS = frozenset({"other", "further", "again", "later", "subsequent", "next"})


def _is_clock(m: re.Match[str], rules: FigureRules) -> bool:
    """A 24-hour time needs "hrs" or a zone the rules know ("1200 GMT"; not "about 1500 UN troops")."""
    if not m.group("h24") or re.search(r"(?:hrs|hours|h)$", m.group(0)):
        return True
    zone = _ZONE_AFTER.match(m.string[m.end():])
    return zone is not None and (zone.group("zone") or "").lower() in rules.time_zones


def clock_spans(sent: Span, rules: FigureRules) -> list[tuple[int, int]]:
    """The character spans (in the document) of the clock times of a sentence, read as figures or not."""
    return [(sent.start_char + m.start(), sent.start_char + m.end()) for m in _CLOCK.finditer(sent.text)
            if m.group("word") is None and _is_clock(m, rules)]


def _hour(m: re.Match[str]) -> float | None:
    """The hour of the day in 24 hours, as written (2:53 p.m. -> 14.883), or None."""
    if m.group("word"):
        return _WORD_HOURS[m.group("word").lower()]
    if m.group("h24"):
        return int(m.group("h24")) + int(m.group("m24")) / 60
    hour, minutes = int(m.group("h")), int(m.group("m") or 0)
    if not 1 <= hour <= 23:
        return None
    if hour <= 12:
        if m.group("ampm").lower() == "p" and hour != 12:
            hour += 12
        elif m.group("ampm").lower() == "a" and hour == 12:
            hour = 0
    return hour + minutes / 60


def _event_word(path: Sequence[Token], predicate: Token | None, rules: FigureRules) -> Token | None:
    """The word naming the event a clock time dates: a noun on the way up from it ("the attack at 3
    p.m."), the predicate, or a noun a verb of clock_event_verbs carries ("dropped bombs")."""
    for tok in path:
        if tok.pos_ in ("NOUN", "PROPN") and tok.lemma_.lower() in rules.clock_classes:
            return tok
    if predicate is None or any(c.dep_ == "neg" for c in predicate.children):
        return None  # "no bombs fell at 3 p.m.": nothing happened then
    if predicate.lemma_.lower() in rules.clock_classes:
        return predicate
    if predicate.lemma_.lower() not in rules.clock_event_verbs:
        return None  # "police found a bomb at 3 p.m.": the finding, not the bomb, is dated
    # its subject or object, or the agent of its passive ("was shaken at 2:09 a.m. by a quake")
    carried = [c for c in predicate.children if c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")] + \
        [o for c in predicate.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]
    for child in carried:
        if child.lemma_.lower() in rules.clock_classes \
                and not any(c.dep_ == "det" and c.lower_ == "no" for c in child.children):
            return child
    return None


def _holder(word: Token, predicate: Token | None, rules: FigureRules) -> str | None:
    """What tells this event from the story's main one: "second", "further", "aftershock", "again"."""
    tells = rules.ordinal_event_words | _OTHER_MODIFIERS | rules.increment_words
    words = [c.lower_ for c in word.children if c.dep_ in ("amod", "advmod", "det", "compound") and c.lower_ in tells]
    if predicate is not None:
        words += [c.lower_ for c in predicate.children if c.dep_ == "advmod" and c.lower_ in tells]
    return " ".join(dict.fromkeys(words)) or None


def _flags(word: Token, predicate: Token | None, rules: FigureRules) -> tuple[str, ...]:
    flags: list[str] = []
    scope = list(word.children) + (list(predicate.children) if predicate is not None else [])
    if any(c.dep_ in ("amod", "advmod", "npadvmod") and c.lemma_.lower() in rules.other_event_words
           and c.ent_type_ not in ("DATE", "TIME") for c in scope):
        flags.append("other_event")  # "a previous attack at 2 a.m."
    if predicate is not None:
        auxes = {c.lower_ for c in predicate.children if c.dep_ in ("aux", "auxpass")}
        if auxes & rules.forecast_modals:
            flags.append("forecast")  # "the vote will close at 6 p.m."
        node = predicate
        for _ in range(4):
            if any(c.dep_ == "mark" and c.lower_ in rules.conditional_marks for c in node.children):
                flags.append("hypothetical")
                break
            if node.dep_ not in ("advcl", "ccomp", "xcomp", "conj", "relcl") or node.head == node:
                break
            node = node.head
    return tuple(flags)


def clock_figures(sent: Span, times: Sequence[TimeExpr], rules: FigureRules) -> list[Quantity]:
    """The clock times of a sentence that say when an event of a known class happened."""
    if not rules.clock_classes:
        return []
    text, doc, out = sent.text, sent.doc, []
    for m in _CLOCK.finditer(text):
        before, after = text[:m.start()], text[m.end():]
        if not _WHEN_BEFORE.search(before):
            continue  # "until 3 p.m.", "(1200 GMT)", "with 10:03 to play"
        hour = _hour(m)
        if hour is None or not _is_clock(m, rules):
            continue
        zone = _ZONE_AFTER.match(after)
        # no zone or "local time": the time where it happened; "Greek time", "AP": a zone not compared
        unit = "local" if zone is None or zone.group("local") else (zone.group("zone") or zone.group("named")).upper()
        span = doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(), alignment_mode="expand")
        if span is None or not len(span):
            continue
        anchor = span[0]
        path: list[Token] = []
        node, predicate = anchor, None
        for _ in range(8):
            if node.head == node:
                break
            node = node.head
            if node.pos_ in ("VERB", "AUX"):
                predicate = node
                break
            path.append(node)
        word = _event_word(path, predicate, rules)
        if word is None:
            continue
        start, end = sent.start_char + m.start(), sent.start_char + m.end()
        hedge = _hedge_of(before, rules)
        quantity = Quantity(text=m.group(0).strip(), value=hour,
                            qualifier="approximate" if hedge == "about" else "exact", unit=unit, counted=None,
                            event=word.lemma_.lower(), modifiers=(), start=start, end=end, dimension="clock",
                            measure=word.lemma_.lower(), holder=_holder(word, predicate, rules),
                            flags=_flags(word, predicate, rules), hedge=hedge)
        out.append(replace(quantity, time=_clause_time(quantity, predicate, anchor, sent, times)))
    return out
