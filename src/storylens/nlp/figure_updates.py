"""In-text signs that a figure is one point of a changing count, not a rival report of it.

News without publication dates still says when a figure held: "turnout was 88% as of 4 p.m.",
"up to Monday midday one death was confirmed". A figure whose sentence states such a reference
time is flagged `as_of` and carries that time: against a figure of the same measure stated
without it (or as of another time) it is a point of the measure's history, not a discrepancy.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Span, Token

from ..figures import FigureRules

# Entity types and words that make what follows a reference phrase a time ("as of 4 p.m.", "until noon").
_TIME_ENTITIES = ("TIME", "DATE")


@lru_cache(maxsize=64)
def _reference_pattern(phrases: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})\s+(?:the\s+)?", re.IGNORECASE)


def stated_reference_time(sent: Span, anchor: Token, rules: FigureRules) -> str | None:
    """The reference time stated for a figure ("as of 4:00 p.m."), as written, else None: the phrase
    must belong to a clause the figure is part of, not to a relative clause beside it or around it."""
    if not rules.reference_time_phrases:
        return None
    text = sent.text
    for match in _reference_pattern(rules.reference_time_phrases).finditer(text):
        start = sent.start_char + match.end()
        tok = next((t for t in sent if t.idx >= start), None)
        if tok is None or tok.idx - start > 1:
            continue
        first = next((t for t in sent if t.idx >= sent.start_char + match.start()), None)
        if first is None or not _governs(_clause_of(first), anchor):
            continue
        if tok.ent_type_ in _TIME_ENTITIES or tok.lower_ in rules.reference_time_words:
            end = tok.i
            while end + 1 < sent.end and (sent.doc[end + 1].ent_type_ in _TIME_ENTITIES
                                          or sent.doc[end + 1].lower_ in rules.reference_time_words):
                end += 1
            phrase = sent.doc.text[sent.start_char + match.start():sent.doc[end].idx + len(sent.doc[end].text)]
            return " ".join(phrase.lower().split())
    return None


def _clause_of(tok: Token) -> Token:
    """The verb whose clause a phrase belongs to."""
    node = tok
    for _ in range(8):
        if node.pos_ in ("VERB", "AUX") or node.head == node:
            return node
        node = node.head
    return node


def _governs(verb: Token, anchor: Token) -> bool:
    """Whether a figure lies in a verb's clause, without a relative clause between them
    ("Manokwari, which is home to 170,000, shook until Monday": the population is not as of Monday)."""
    node = anchor
    for _ in range(12):
        if node == verb:
            return True
        if node.dep_ == "relcl" or node.head == node:
            return False
        node = node.head
    return False
