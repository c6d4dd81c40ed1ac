"""When a figure holds: the time of its clause, and in-text signs that it is one point of a
changing count, not a rival report of it.

`_clause_time` dates a figure by the time expression of its own clause (or the clause it
depends on, or one coordinated with it), else by a year or a month its clause names.

News without publication dates still says when a figure held: "turnout was 88% as of 4 p.m.",
"up to Monday midday one death was confirmed". A figure whose sentence states such a reference
time is flagged `as_of` and carries that time: against a figure of the same measure stated
without it (or as of another time) it is a point of the measure's history, not a discrepancy.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from spacy.tokens import Span, Token

from ..figures import FigureRules
from ..records import Quantity, TimeExpr

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


def superseded_time(predicate: Token | None, anchor: Token, rules: FigureRules) -> str | None:
    """When a figure's sentence says its state has changed since ("82% was out of service early Friday,
    although the situation has now improved"): the time its own clause gives, as written, else
    "earlier". None when no clause beside the figure's own has an adverb of the present or of what
    followed (superseding_adverbs) on a verb of change (change_predicates, update_predicates)."""
    if not rules.superseding_adverbs:
        return None
    clause = predicate if predicate is not None else _governing_verb(anchor)
    changes = rules.change_predicates | rules.update_predicates
    for verb in clause.children:
        if verb.dep_ not in ("advcl", "conj", "parataxis") or verb.pos_ not in ("VERB", "AUX"):
            continue
        if verb.lemma_.lower() in changes and any(
                c.dep_ == "advmod" and c.lower_ in rules.superseding_adverbs for c in verb.children):
            inside = {t.i for t in _clause_tokens(clause)}
            when = [e for e in anchor.doc.ents if e.label_ in _TIME_ENTITIES and e.start in inside]
            return " ".join(when[0].text.lower().split()) if when else "earlier"
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


_MONTH_ONLY = re.compile(r"(?:(?:early|late|mid|last)[\s-]+)?(January|February|March|April|May|June|July|August|"
                         r"September|October|November|December)", re.IGNORECASE)
# Coordinated clauses ("killed six, injured 50 and caused damage"; the parser labels some "dep").
_COORDINATED = ("conj", "dep")


def _conj_root(tok: Token) -> Token:
    """The first verb of a chain of coordinated verbs."""
    while tok.dep_ in _COORDINATED and tok.head != tok and tok.head.pos_ in ("VERB", "AUX"):
        tok = tok.head
    return tok


def _event_time(text: str, rules: FigureRules) -> bool:
    """A time expression of the story's own event ("Friday night"), not of another one."""
    return bool(set(re.findall(r"[a-z]+", text.lower())) & rules.event_time_words)


def _governing_verb(tok: Token) -> Token:
    """The nearest verb above a token (its clause), else the token itself."""
    node = tok
    for _ in range(10):
        if node.pos_ in ("VERB", "AUX") and node != tok:
            return node
        if node.head == node:
            break
        node = node.head
    return tok


def _clause_tokens(head: Token) -> list[Token]:
    """The tokens of a predicate's own clause: its subtree without the clauses of other verbs inside it."""
    out = []
    for tok in head.subtree:
        node = tok
        while node != head and node.head != node:
            if node.pos_ in ("VERB", "AUX") and node.dep_ in ("advcl", "ccomp", "conj", "relcl", "parataxis", "acl"):
                break
            node = node.head
        if node == head:
            out.append(tok)
    return out


def _clause_time(quantity: Quantity, predicate: Token | None, anchor: Token, sent: Span,
                 times: Sequence[TimeExpr]) -> str | None:
    """The time of the figure's clause: a resolved time expression inside it, else a year it names."""
    head = predicate if predicate is not None else _governing_verb(anchor)
    for _ in range(3):
        # The figure's own clause first, then the clause it depends on ("occurred in 2002, killing three").
        clause = _clause_tokens(head)
        if not [t for t in times if any(tok.idx <= t.start < tok.idx + len(tok) for tok in clause)]:
            # a clause coordinated with it dates it too ("killed six, injured 50 and caused damage in September")
            first = _conj_root(head)
            chain = [first] + [t for t in first.subtree if t.dep_ in _COORDINATED and t.pos_ in ("VERB", "AUX")
                               and _conj_root(t) == first]
            clause = clause + [t for s in chain if s != head for t in _clause_tokens(s)]
        inside = [t for t in times if any(tok.idx <= t.start < tok.idx + len(tok) for tok in clause)]
        if inside:
            nearest = min(inside, key=lambda t: min(abs(t.start - quantity.end), abs(quantity.start - t.end)))
            return nearest.value
        for ent in sent.ents:
            if ent.label_ == "DATE" and any(tok.i == ent.start for tok in clause):
                year = re.search(r"\b(1[89]\d\d|20\d\d)\b", ent.text)
                if year:
                    return year.group(1)
                month = _MONTH_ONLY.fullmatch(ent.text.strip())
                if month:
                    return "month:" + month.group(1).lower()  # "in September": a month without its year
        if head.dep_ not in ("advcl", "xcomp", "conj", "acl", "relcl") or head.head == head:
            break
        head = head.head
        if head.pos_ in ("NOUN", "PROPN"):
            # "In 2004 a quake triggered a tsunami that killed 230,000": the clause the noun is an argument of
            head = _governing_verb(head)
    return None
