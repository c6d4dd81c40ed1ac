"""Whose count a figure is when a person did what it counts.

"Ty Lawson added 16 points" and "Danny Green had 14" are two players' points, not two
accounts of one figure; "he scored six touchdowns" is one player's, and which player the
sentence alone does not say. For counts that are the object of what a person did, the
person named as the subject holds the figure; an unnamed one ("he", "she") leaves it
unheld, and an unheld figure is never compared. Counts of what was done to people (the
killed, the injured, the arrested: `people_classes` of figures.yaml) are left alone: their
subject is the cause ("the quake killed ten"), not the holder.
"""

from __future__ import annotations

from spacy.tokens import Token

from ..figures import FigureRules

# Personal pronouns that stand for one person the sentence does not name.
_PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her"})
UNRESOLVED_AGENT = "unresolved_agent"


def _agent(predicate: Token) -> Token | None:
    """The subject of a predicate, or of the verb a participle or conjunct hangs on ("..., scoring two"),
    or the one a relative pronoun stands for ("Cole, who completed 28 passes"), or the one a verb
    of charging names for what it charges with ("Blake is charged with marrying 20 women")."""
    tok = predicate
    for _ in range(3):
        subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subject is not None and subject.tag_ in ("WP", "WDT") and tok.dep_ == "relcl":
            return tok.head  # "Cole, who completed 28 passes": Cole
        if subject is not None:
            return subject
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep" and tok.head.head.pos_ in ("VERB", "AUX"):
            tok = tok.head.head  # "charged with marrying 20 women": the one charged
            subject = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None:
                return subject
            continue
        if tok.dep_ not in ("advcl", "conj", "xcomp") or tok.head.i == tok.i or tok.head.pos_ not in ("VERB", "AUX"):
            return None
        tok = tok.head
    return None


def agent_holder(holder: str | None, predicate: Token | None, anchor: Token, lemma: str | None, dimension: str,
                 rules: FigureRules) -> tuple[str | None, bool]:
    """(holder, unresolved): the count's holder with the person who did it, and whether that
    person is only a pronoun (then the figure is not compared). Without a measure predicate,
    the verb the counted noun is the object of stands for it ("added 16 points")."""
    if predicate is None and anchor.dep_ == "dobj" and anchor.head.pos_ == "VERB":
        predicate = anchor.head
    if dimension != "count" or predicate is None or rules.measure_class(lemma) in rules.people_classes:
        return holder, False
    subject = _agent(predicate)
    if subject is None:
        return holder, False
    if subject.lower_ in _PERSONAL_PRONOUNS:
        return holder, True
    if subject.ent_type_ != "PERSON" and not (subject.pos_ == "PROPN" and subject.ent_type_ in ("", "ORG", "NORP")):
        return holder, False  # a named person or team, not a place ("Iran seized 12 boats")
    tokens = [t for t in subject.subtree if t.ent_type_ == subject.ent_type_ and t.i <= subject.i
              and t.pos_ == "PROPN"] if subject.ent_type_ != "PERSON" else \
        [t for t in subject.subtree if t.ent_type_ == "PERSON" and t.i <= subject.i]
    name = " ".join(t.text for t in tokens).lower() if tokens else subject.text.lower()
    if holder and set(name.split()) <= set(holder.split()):
        return holder, False
    return (f"{name} {holder}" if holder else name), False
