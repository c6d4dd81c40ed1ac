"""Counts said in words without a number: none ("no one was killed") and vague plurals ("injuring dozens").

A count of none is a figure 0 of each class of people its noun or predicate names. A vague
plural ("dozens", "hundreds of buildings") is read as its floor with the qualifier at_least and
the flag `vague`: it never takes a side in a conflict, but it tells the comparison that a voice
giving "dozens" and "11" for what reads as one measure is speaking of two things.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from spacy.tokens import Span, Token

from ..figures import FigureRules
from ..records import Quantity, TimeExpr
from .figure_frames import _flags, _measure_lemma, _predicate
from .figure_holders import _holder
from .figure_updates import _clause_time


def zero_figures(sent: Span, times: Sequence[TimeExpr], rules: FigureRules) -> list[Quantity]:
    """Counts of none, said with a negative determiner: "no one was killed", "there were no casualties",
    "no dead or wounded" (a figure 0 of each measure class of people named). "No injuries were
    reported" says that no report came in, not that none were hurt: no figure."""
    out: list[Quantity] = []
    for tok in sent:
        if tok.lower_ not in rules.zero_determiners or tok.dep_ != "det" or tok.head.i < tok.i:
            continue
        head = tok.head
        lemma = head.lemma_.lower()
        nouns = [head] + [c for c in head.children if c.dep_ == "conj"]
        if lemma in ("one", "body") or head.pos_ == "PRON":
            # "no one was killed or injured": the predicates say what is counted
            verb = head.head if head.dep_ in ("nsubj", "nsubjpass") else None
            if verb is None:
                continue
            nouns = [v for v in [verb] + [c for c in verb.children if c.dep_ == "conj"] if v.pos_ in ("VERB", "ADJ")]
        for word in nouns:
            word_lemma = word.lemma_.lower()
            klass = rules.classes.get(word_lemma)
            if klass not in rules.people_classes:
                continue
            predicate = word if word.pos_ == "VERB" else _predicate(word, rules)
            if predicate is not None and predicate.lemma_.lower() in rules.absence_predicates:
                continue
            start, end = (tok.idx, head.idx + len(head.text)) if word is head or word.pos_ == "VERB" else (
                tok.idx, word.idx + len(word.text))
            quantity = Quantity(text=sent.doc.text[start:end], value=0.0, qualifier="exact", unit=None,
                                counted=None if word.pos_ == "VERB" else word_lemma, event=None, modifiers=(),
                                start=start, end=end, dimension="count", measure=word_lemma, hedge="exact")
            out.append(replace(quantity, flags=_flags(quantity, word, None, None, predicate, sent, rules),
                               time=_clause_time(quantity, predicate, word, sent, times)))
    return out


def vague_figures(sent: Span, times: Sequence[TimeExpr], rules: FigureRules) -> list[Quantity]:
    """Vague plural counts ("injuring dozens", "hundreds of buildings were damaged"), flagged `vague`."""
    out: list[Quantity] = []
    for tok in sent:
        floor = rules.vague_counts.get(tok.lower_)
        if floor is None or tok.pos_ not in ("NOUN", "NUM") or _inside_number(tok):
            continue
        counted_tok: Token | None = None
        for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"):
            counted_tok = next((c for c in prep.children if c.dep_ == "pobj" and c.pos_ == "NOUN"), None)
        if counted_tok is not None and counted_tok.lower_ in rules.vague_counts:
            continue  # "tens of thousands": read at the outer word only
        anchor = counted_tok if counted_tok is not None else tok
        lemma, noun, predicate = _measure_lemma(anchor, counted_tok, "count", rules)
        quantity = Quantity(text=tok.text, value=float(floor), qualifier="at_least", unit=None,
                            counted=counted_tok.lemma_.lower() if counted_tok is not None else None, event=None,
                            modifiers=(), start=tok.idx, end=tok.idx + len(tok.text), dimension="count",
                            measure=lemma, hedge="at_least",
                            holder=_holder("count", anchor, tok, counted_tok, noun, predicate, sent, rules))
        flags = _flags(quantity, anchor, counted_tok, noun, predicate, sent, rules) + ("vague",)
        out.append(replace(quantity, flags=flags, time=_clause_time(quantity, predicate, anchor, sent, times)))
    return out


def _inside_number(tok: Token) -> bool:
    """A scale word of a written number ("two hundred", "5 thousand"): the number is the figure."""
    return any(c.like_num for c in tok.children if c.dep_ in ("nummod", "compound", "quantmod")) or (
        tok.i > 0 and tok.doc[tok.i - 1].like_num)
