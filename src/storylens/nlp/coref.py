"""Antecedents of "it" and "they" as speakers: the organisations, documents and groups an article
has just made the subject of a main clause or a speaker.

"it" stands for the nearest earlier singular organisation or document ("Acme Corp. cut 300 jobs.
It said demand had fallen."), "they" for the nearest earlier plural group or organisation ("The
ministers met. They said ..."). A place, an event or a person is neither; a singular organisation
is never "they"; a quotation given to a speaker ends the reach of what came before it. The word
classes live in data/coref.yaml (schema: data/coref.schema.json).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable


from ..rulefiles import check_rule_file, read_rule_file
from .lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["Antecedent", "CorefRules", "antecedent_number", "inside_report", "load_coref_rules", "pick_antecedent",
           "sentence_antecedents"]

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "coref.yaml"
SCHEMA_PATH = RULES_PATH.with_name("coref.schema.json")
PLURAL_PRONOUNS = frozenset({"they", "them"})
SINGULAR_PRONOUNS = frozenset({"it"})
# Entity types that name no one who speaks: "it" after "Paris was quiet" is not Paris.
_NOT_SPEAKERS = frozenset({"GPE", "LOC", "FAC", "EVENT", "DATE", "TIME", "LAW", "PRODUCT", "WORK_OF_ART",
                           "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL", "LANGUAGE"})
_MAIN_CLAUSE_DEPS = frozenset({"ROOT", "conj"})


@dataclass(frozen=True)
class CorefRules:
    """The word classes of coref.yaml."""

    collectives: frozenset[str]
    documents: frozenset[str]
    group_nouns: frozenset[str]
    person_titles: frozenset[str]
    reach: int


@dataclass(frozen=True)
class Antecedent:
    """Something "it" or "they" can stand for, and where the article last made it a subject or speaker."""

    name: str
    plural: bool
    at: int  # character offset of its head
    sentence: int  # index of its sentence in the article


@lru_cache(maxsize=4)
def load_coref_rules(path: Path = RULES_PATH) -> CorefRules:
    """The bundled rules (or a file of the same shape), checked against their schema."""
    data = read_rule_file(path, "coreference rules")
    check_rule_file(data, SCHEMA_PATH, str(path))
    return CorefRules(frozenset(data["collectives"]), frozenset(data["documents"]), frozenset(data["group_nouns"]),
                      frozenset(data["person_titles"]), int(data["reach"]))


def antecedent_number(tok: "Token", lexicon: Lexicon, rules: CorefRules) -> bool | None:
    """True for a plural group "they" can stand for, False for a singular organisation or document
    "it" can stand for, None for anything else (a person, a place, an event, a thing)."""
    if tok.pos_ not in ("NOUN", "PROPN"):
        return None
    if any(c.dep_ == "conj" for c in tok.children):
        # "Harlow Motors and its union", "Acme and Bolt": they, whoever each is.
        return True if tok.ent_type_ not in _NOT_SPEAKERS else None
    label = tok.ent_type_
    if label in _NOT_SPEAKERS or label == "PERSON":
        return None
    plural = tok.tag_ in ("NNS", "NNPS")
    lemma = tok.lemma_.lower()
    if label == "ORG":
        return False  # "Harlow Motors", "United Airlines": one organisation, whatever the tag of its name
    if label == "NORP":
        return True if plural else None  # "the Democrats"; "Republican" alone is no one
    if lemma in rules.collectives:
        return plural
    if lemma in rules.documents or lemma in lexicon.document_sources or tok.lower_ in lexicon.document_sources:
        return False if not plural else None
    if plural and (lemma in rules.group_nouns or lemma in lexicon.attitude_holders):
        return True
    return None


def _in_regions(char: int, regions: list[tuple[int, int]]) -> bool:
    return any(s <= char < e for s, e in regions)


def sentence_antecedents(sent: "Span", regions: list[tuple[int, int]], lexicon: Lexicon, rules: CorefRules,
                         said: dict[int, str], name_of: Callable[["Token"], str | None],
                         index: int) -> list[Antecedent]:
    """The antecedents a sentence offers, in text order: subjects of its main clauses and the
    speakers of its reports (`said` maps a cue's offset to its resolved speaker), outside quotes.

    A pronoun that was itself a resolved speaker ("It said ...") passes its antecedent on.
    """
    found: list[Antecedent] = []
    regions = [(s, e) for s, e in regions if s < sent.end_char and sent.start_char < e]
    for tok in sent:
        if _in_regions(tok.idx, regions):
            continue
        verb = tok.head
        if tok.dep_ in ("nsubj", "nsubjpass"):
            spoken = said.get(verb.idx)
            if tok.lower_ in PLURAL_PRONOUNS | SINGULAR_PRONOUNS:
                if spoken is not None:
                    found.append(Antecedent(spoken, tok.lower_ in PLURAL_PRONOUNS, tok.idx, index))
                continue
            if spoken is None and verb.dep_ not in _MAIN_CLAUSE_DEPS:
                continue  # the subject of a reported or subordinate clause is not in focus
            if spoken is None and verb.dep_ == "conj" and verb.head.dep_ != "ROOT":
                continue
        elif tok.dep_ == "pobj" and tok.head.lower_ == "to" and tok.head.i > 0 \
                and sent.doc[tok.head.i - 1].lower_ == "according":
            spoken = said.get(sent.doc[tok.head.i - 1].idx)
        else:
            continue
        plural = antecedent_number(tok, lexicon, rules)
        if plural is None:
            continue
        name = spoken or name_of(tok)
        if name:
            found.append(Antecedent(name, plural, tok.idx, index))
    return found


def inside_report(tok: "Token", lexicon: Lexicon) -> bool:
    """Whether a token lies in what another verb of speech reports ("the two senators said they
    welcomed ...", "adding that they had warned her ..."): there "they" is whoever the speaker names."""
    while tok.head.i != tok.i:
        if tok.dep_ in ("ccomp", "xcomp") and tok.head.lemma_.lower() in lexicon.reporting_verbs:
            return True
        tok = tok.head
    return False


def pick_antecedent(pronoun: str, candidates: list[Antecedent]) -> str | None:
    """The most recent candidate that agrees in number with "it" or "they", or None."""
    if pronoun not in PLURAL_PRONOUNS | SINGULAR_PRONOUNS:
        return None
    plural = pronoun in PLURAL_PRONOUNS
    for cand in sorted(candidates, key=lambda c: (c.sentence, c.at), reverse=True):
        if cand.plural == plural:
            return cand.name
    return None
