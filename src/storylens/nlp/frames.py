"""Statement frames: each predicate of a sentence with its subject, object, negation and modality.

A frame is read from the dependency parse, never from words anywhere in the sentence:
"The mayor, who has denied any wrongdoing, said the audit was completed" gives a
background denial (in a relative clause) and an assertion that the audit was completed;
the denial does not become the sentence's stance. Denial verbs are denials only when
what they deny is a claim: a clause or a claim noun ("denied that ...", "rejected the
allegations"), not "denied the motions" or "dismissed its manager".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any


from ..rulefiles import check_rule_file, read_rule_file
from ..records import StatementFrame
from . import span_entities
from .attribution import lemma_of
from .lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

DATA = Path(__file__).resolve().parent.parent / "data"
RULES_PATH = DATA / "statements.yaml"
SCHEMA_PATH = DATA / "statements.schema.json"

_PREDICATE_DEPS = frozenset({"ROOT", "ccomp", "xcomp", "conj", "advcl", "relcl", "acl", "pcomp", "parataxis"})
_BACKGROUND_DEPS = frozenset({"relcl", "acl"})
_SUBORDINATE_MARKS = frozenset({"if", "unless", "whether", "until", "before", "after", "when", "once", "while",
                                "because", "since", "although", "though", "as"})
_COPULAS = frozenset({"be", "remain", "seem", "appear", "become", "stay", "look", "sound", "feel", "prove", "get"})
_NEGATORS = frozenset({"no", "never", "none", "nobody", "nothing", "neither", "nor"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_TIME_LABELS = frozenset({"DATE", "TIME"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT"})
MAX_FRAMES = 8


@dataclass(frozen=True)
class Opposition:
    """Two cue groups that cannot both describe the same subject's state."""

    first: str
    second: str
    say_first: str
    say_second: str
    background: bool = False  # a relative clause states it too ("the ship, which replaced ...")
    negation_flips: bool = True  # "is not X" gives the other state (not for tense: "did not replace")


@dataclass(frozen=True)
class StatementRules:
    """The word classes of statements.yaml."""

    denial_verbs: frozenset[str]
    claim_nouns: frozenset[str]
    falsity_words: frozenset[str]
    hedging_heads: frozenset[str]
    hedging_adverbs: frozenset[str]
    uncertain_modals: frozenset[str]
    person_nouns: frozenset[str]
    harm_nouns: tuple[tuple[str, frozenset[str]], ...]
    attribute_values: tuple[tuple[str, str], ...]  # (value, class)
    attribute_synonyms: tuple[tuple[str, str], ...]
    state_cues: tuple[tuple[str, frozenset[str]], ...]
    exclusive_predicates: tuple[tuple[str, int, str], ...]  # (lemma, group index, class)
    distance_nouns: frozenset[str]
    attribute_head_words: tuple[tuple[str, frozenset[str]], ...]  # class -> the only heads it describes
    oppositions: tuple[Opposition, ...]
    similarity: tuple[tuple[str, float], ...]
    single_event_predicates: frozenset[str] = frozenset()
    accusation_verbs: frozenset[str] = frozenset()
    claim_verbs: frozenset[str] = frozenset()
    residence_verbs: frozenset[str] = frozenset()
    entry_verbs: frozenset[str] = frozenset()
    entry_motion_verbs: frozenset[str] = frozenset()
    entry_causing_verbs: frozenset[str] = frozenset()
    future_modals: frozenset[str] = frozenset()
    same_thing: tuple[tuple[str, int], ...] = ()  # (lemma, class index): nouns that name one thing
    event_anaphors: frozenset[str] = frozenset()
    aspect_nouns: frozenset[str] = frozenset()
    prospective_heads: frozenset[str] = frozenset()
    denial_ended_by: frozenset[str] = frozenset()
    denial_spans: frozenset[str] = frozenset()
    harm_noun_predicates: frozenset[str] = frozenset()
    direction_bearings: tuple[tuple[str, float], ...] = ()
    direction_apart: float = 90.0

    def threshold(self, rule: str) -> float:
        """A similarity of statements.yaml; "retold" defaults to 1 (nothing but the sentence itself)."""
        return self._lookups[0].get(rule, 1.0) if rule == "retold" else self._lookups[0][rule]

    def attribute_class(self, word: str) -> str | None:
        return self._lookups[1].get(word)

    def canonical_value(self, word: str) -> str:
        return self._lookups[2].get(word, word)

    @cached_property
    def _lookups(self) -> tuple[dict[str, float], dict[str, str], dict[str, str]]:
        """similarity, attribute_values and attribute_synonyms as dicts, built once: the
        contradiction rules ask them for every pair of frames in a story."""
        return dict(self.similarity), dict(self.attribute_values), dict(self.attribute_synonyms)

    def exclusive_group(self, lemma: str) -> tuple[str, int] | None:
        """(class, group) of a predicate that excludes the other groups of its class."""
        return next(((name, g) for w, g, name in self.exclusive_predicates if w == lemma), None)

    def directions_apart(self, a: str, b: str) -> bool:
        """Two direction words far enough apart to conflict ("east" / "west", not "south" / "southeast")."""
        bearings = dict(self.direction_bearings)
        if a not in bearings or b not in bearings:
            return a != b
        gap = abs(bearings[a] - bearings[b]) % 360
        return min(gap, 360 - gap) >= self.direction_apart

    def attribute_heads(self, klass: str) -> frozenset[str]:
        return dict(self.attribute_head_words).get(klass, frozenset())

    def harm_events(self, noun: str) -> frozenset[str]:
        return self._harm_events.get(noun, frozenset())

    @cached_property
    def _harm_events(self) -> dict[str, frozenset[str]]:
        return dict(self.harm_nouns)

    @cached_property
    def harm_verbs(self) -> frozenset[str]:
        """Every harm event a noun names ("killed", "injured")."""
        return frozenset(e for _, events in self.harm_nouns for e in events)


def _lower(words: Any) -> frozenset[str]:
    return frozenset(str(w).strip().lower() for w in words or ())


def parse_statement_rules(data: Any) -> StatementRules:
    """StatementRules from parsed YAML, checked against the schema; SettingsError says what is wrong."""
    check_rule_file(data, SCHEMA_PATH, "statements.yaml")
    values = tuple((v.lower(), name) for name, words in (data.get("attribute_classes") or {}).items() for v in words)
    return StatementRules(
        denial_verbs=_lower(data["denial_verbs"]),
        claim_nouns=_lower(data["claim_nouns"]),
        falsity_words=_lower(data["falsity_words"]),
        hedging_heads=_lower(data.get("hedging_heads")),
        hedging_adverbs=_lower(data.get("hedging_adverbs")),
        uncertain_modals=_lower(data.get("uncertain_modals")),
        person_nouns=_lower(data.get("person_nouns")),
        harm_nouns=tuple((k.lower(), _lower(v)) for k, v in (data.get("harm_nouns") or {}).items()),
        attribute_values=values,
        attribute_synonyms=tuple((k.lower(), v.lower()) for k, v in (data.get("attribute_synonyms") or {}).items()),
        attribute_head_words=tuple((k, _lower(v)) for k, v in (data.get("attribute_heads") or {}).items()),
        state_cues=tuple((k, _lower(v)) for k, v in data["state_cues"].items()),
        distance_nouns=_lower(data.get("distance_nouns")),
        exclusive_predicates=tuple((w.lower(), g, name) for name, groups in (data.get("exclusive_predicates") or {}).items()
                                   for g, words in enumerate(groups) for w in words),
        oppositions=tuple(Opposition(*o["cues"], *o["say"], bool(o.get("background", False)),
                                     bool(o.get("negation_flips", True))) for o in data["oppositions"]),
        similarity=tuple((k, float(v)) for k, v in data["similarity"].items()),
        single_event_predicates=_lower(data.get("single_event_predicates")),
        accusation_verbs=_lower(data.get("accusation_verbs")),
        claim_verbs=_lower(data.get("claim_verbs")),
        residence_verbs=_lower(data.get("residence_verbs")),
        entry_verbs=_lower(data.get("entry_verbs")),
        entry_motion_verbs=_lower(data.get("entry_motion_verbs")),
        entry_causing_verbs=_lower(data.get("entry_causing_verbs")),
        future_modals=_lower(data.get("future_modals")),
        same_thing=tuple((w.lower(), k) for k, words in enumerate(data.get("same_thing") or ()) for w in words),
        event_anaphors=_lower(data.get("event_anaphors")),
        aspect_nouns=_lower(data.get("aspect_nouns")),
        prospective_heads=_lower(data.get("prospective_heads")),
        denial_ended_by=_lower(data.get("denial_ended_by")),
        denial_spans=_lower(data.get("denial_spans")),
        harm_noun_predicates=_lower(data.get("harm_noun_predicates")),
        direction_bearings=tuple((k.lower(), float(v)) for k, v in (data.get("direction_bearings") or {}).items()),
        direction_apart=float(data.get("direction_apart", 90)),
    )


@lru_cache(maxsize=4)
def load_statement_rules(path: Path = RULES_PATH) -> StatementRules:
    """The bundled rules (or a file of the same shape)."""
    return parse_statement_rules(read_rule_file(path, "statement rules"))


def _entity_span(tok: "Token") -> "Span | None":
    if tok.ent_type_ not in _NAME_LABELS:
        return None
    for ent in span_entities(tok.sent):
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def argument_key(tok: "Token", rules: StatementRules) -> str:
    """A comparable key for an argument head: a name as written, else the lemma ("people" for counts of people)."""
    ent = _entity_span(tok)
    if ent is not None:
        text = re.sub(r"[’']s$", "", ent.text.lower()).strip()
        return re.sub(r"^the\s+", "", text)
    lemma = tok.lemma_.lower() or tok.lower_
    if tok.lower_ == "one" and any(c.lower_ == "no" for c in tok.children):
        return "people"
    if (lemma in rules.person_nouns and lemma != "one") or (tok.like_num and tok.dep_ == "nsubjpass"):
        return "people"  # "12 people", "no one", "20 (were) wounded" count people
    if tok.pos_ == "PROPN":
        # A product or name the tagger missed: "Toyota Camry" -> "camry".
        return tok.lower_
    return lemma


_PARTITIVES = frozenset({"some", "many", "all", "most", "part", "several", "any", "none", "one", "each", "few", "half"})


def _partitive_head(tok: "Token | None") -> "Token | None":
    """"some of its customers" -> customers."""
    if tok is None or tok.lower_ not in _PARTITIVES:
        return tok
    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    inner = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return inner or tok


def _is_negator(tok: "Token") -> bool:
    return tok.lower_ in _NEGATORS or (tok.lower_ == "one" and any(c.lower_ == "no" for c in tok.children))


def _arg_negated(tok: "Token") -> bool:
    """An argument that negates its clause: "no one", "nobody", "no casualties"."""
    if tok.lower_ in ("nobody", "nothing", "none", "noone"):
        return True
    # "no-one" is parsed as "no" compounded with "one". A "not" before an adjective of the noun
    # negates the adjective, not the clause: "a not guilty plea was entered".
    return any(c.dep_ in ("det", "neg", "advmod", "compound") and c.lower_ in ("no", "not", "never")
               and not (c.lower_ == "not" and c.i + 1 < tok.i and c.nbor().pos_ in ("ADJ", "ADV"))
               for c in tok.children)


def _subject(pred: "Token") -> "Token | None":
    for dep in ("nsubj", "nsubjpass", "csubj"):
        found = next((c for c in pred.children if c.dep_ == dep), None)
        if found is not None:
            return found
    agent = next((c for c in pred.children if c.dep_ == "agent"), None)
    if pred.dep_ == "relcl":
        return pred.head  # "the mayor, who has denied ...": the relative pronoun stands for the head noun
    if pred.dep_ in ("xcomp", "conj", "advcl") and pred.head.i != pred.i and pred.head.pos_ in ("VERB", "AUX"):
        return _subject(pred.head)
    if pred.dep_ == "acl" and pred.tag_ == "VBN":
        return pred.head  # "the strike carried out by ...": the noun undergoes it
    return None if agent is None else None


def _resolved_subject(subj: "Token") -> "Token":
    if subj.tag_ in ("WDT", "WP") and subj.head.dep_ == "relcl":
        return subj.head.head
    return subj


def _clause_tokens(pred: "Token", predicates: set[int]) -> list["Token"]:
    """The tokens of a predicate's own clause, without the clauses below it."""
    out = []
    stack = [pred]
    while stack:
        tok = stack.pop()
        out.append(tok)
        for child in tok.children:
            if child.i in predicates and child.i != pred.i:
                continue
            stack.append(child)
    return sorted(out, key=lambda t: t.i)


def _is_background(pred: "Token") -> bool:
    """Relative clauses and clauses of time, condition or reason tell background, not the stance;
    so does what an infinitive aims at ("worked to ensure that the fire did not spread")."""
    tok = pred
    content = False
    for _ in range(12):
        if tok.dep_ in _BACKGROUND_DEPS:
            return True
        if content and tok.dep_ in ("xcomp", "advcl") and any(c.tag_ == "TO" for c in tok.children):
            return True
        if tok.dep_ == "advcl" and any(c.tag_ == "TO" for c in tok.children):
            return True  # an infinitive of purpose: "a time for the right person to play it"
        content = content or tok.dep_ == "ccomp"
        if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _SUBORDINATE_MARKS for c in tok.children):
            return True
        if tok.dep_ != "ROOT" and any(c.tag_ in ("WRB", "WP", "WDT") and c.dep_ in ("advmod", "nsubj", "dobj", "nsubjpass")
                                      for c in tok.children):
            return True  # "no timeframe for when communications will be restored"
        if tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _claim_complement(pred: "Token", rules: StatementRules) -> "Token | None":
    """What a denial verb denies, when it is a claim: a clause, a gerund, or a claim noun.

    What follows the verb comes first: in "the group is active there - it denies claims that ...",
    the parser may hang the clause before the verb on it, but the claims are what is denied."""
    for child in sorted(pred.children, key=lambda c: (c.i < pred.i, c.i)):
        if child.dep_ in ("ccomp", "xcomp") and child.pos_ in ("VERB", "AUX"):
            return child
        if child.dep_ in ("dobj", "nsubjpass", "pcomp") and child.tag_ == "VBG":
            return child
        if child.dep_ in ("dobj", "nsubjpass") and child.lemma_.lower() in rules.claim_nouns:
            return child
        if child.dep_ == "dobj" and any(c.dep_ in ("amod", "compound") and c.tag_ == "VBG" and c.i < child.i
                                        for c in child.children):
            return child  # "denied striking the territory", parsed as an adjective on the noun
        if child.dep_ == "prep" and child.lower_ == "as":
            # "rejected as baseless claims that ...": the claim noun lands after "as".
            claim = next((c for c in child.children if c.dep_ == "pobj" and c.lemma_.lower() in rules.claim_nouns), None)
            if claim is not None:
                return claim
    return None


def _prospective_head(pred: "Token", rules: StatementRules, lexicon: Lexicon) -> tuple[str, ...]:
    """The verb a predicate is the complement of, when it does not assert it ("negotiating to buy",
    "needs to rescind", "does not expect the toll to rise"), as a hedge; else ()."""
    tok = pred
    for _ in range(3):
        if tok.dep_ not in ("xcomp", "ccomp") or tok.head.i == tok.i or tok.head.pos_ not in ("VERB", "AUX"):
            return ()
        tok = tok.head
        lemma = lemma_of(tok, lexicon)
        if lemma in rules.prospective_heads or lemma in rules.hedging_heads:
            return (lemma,)  # "is thought to be the source": a hedge on the infinitive too
    return ()


def _predicate_lemma(pred: "Token") -> str:
    lemma = pred.lemma_.lower() or pred.lower_
    particle = next((c for c in pred.children if c.dep_ == "prt"), None)
    return f"{lemma} {particle.lower_}" if particle is not None else lemma


def _states(pred: "Token", lemma: str, subject: str | None, rules: StatementRules) -> tuple[str, ...]:
    """State cues on the predicate itself or its own modifiers, each with what it is the state of.

    "The repairs were completed" -> completed@repair; "AMD completed its acquisition" ->
    completed@acquisition; "AMD will continue to sell servers" -> continuing@amd:sell.
    """
    found = []
    if lemma == "vote":
        # "voted by seven votes to two in favour of the plan": a split vote on the plan.
        margin = next((g for c in pred.children if c.dep_ in ("prep", "agent") and c.lower_ == "by" for g in c.children
                       if g.dep_ == "pobj" and g.lemma_.lower() == "vote"), None)
        against = next((c for c in pred.children if c.dep_ == "prep" and c.lower_ == "to"), None) or next(
            (c for c in margin.subtree if c.lower_ == "to"), None) if margin is not None else None
        scope = [c for c in pred.children if c.dep_ == "prep" and c.lower_ in ("on", "for", "in", "to")]
        target = next((g for c in scope for g in c.subtree if g.dep_ == "pobj" and g.pos_ == "NOUN"
                       and g.lemma_.lower() not in ("favour", "favor", "vote")), None)
        minority = next((g for g in against.children if g.dep_ == "pobj"), None) if against is not None else None
        if margin is not None and minority is not None and minority.lower_ not in ("zero", "nil", "none", "0") \
                and target is not None:
            found.append(f"split@{argument_key(target, rules)}")
    # Not particles: "the momentum carried over" is not "over".
    attached = [c for c in pred.children if c.dep_ in ("acomp", "attr", "advmod", "oprd", "npadvmod")]
    # Not dates: "replaced it in November-end" is not "end".
    attached += [g for c in pred.children if c.dep_ == "prep" for g in c.children
                 if g.dep_ == "pobj" and g.ent_type_ not in _TIME_LABELS]
    for state, words in rules.state_cues:
        on_predicate = lemma in words or pred.lower_ in words
        phrases = {f"{c.lower_} {g.lower_}" for c in pred.children if c.dep_ == "prep" for g in c.children}
        if not on_predicate and not phrases & words and not any(
                c.lower_ in words or c.lemma_.lower() in words for c in attached):
            continue
        obj = next((c for c in pred.children if c.dep_ == "dobj"), None)
        xcomp = next((c for c in pred.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
        if on_predicate and obj is not None:
            topic = argument_key(obj, rules)
        elif on_predicate and xcomp is not None:
            topic = f"{subject}:{xcomp.lemma_.lower()}"
        else:
            topic = subject
        if topic:
            found.append(f"{state}@{topic}")
    return tuple(found) + _event_tense(pred, lemma, rules) + _entry(pred, lemma, subject, rules)


def _entry(pred: "Token", lemma: str, subject: str | None, rules: StatementRules) -> tuple[str, ...]:
    """Who enters what: "AMD enters the server business", "AMD is getting into the server business"
    and "the deal puts AMD in the server business" -> enters@amd:business."""
    base = lemma.split()[0]
    if base in rules.entry_verbs and lemma == base:
        target = next((c for c in pred.children if c.dep_ == "dobj"), None)
        entrant = subject
    else:
        into = next((c for c in pred.children if c.dep_ == "prep" and c.lower_ in ("into", "in")), None)
        target = next((c for c in into.children if c.dep_ == "pobj"), None) if into is not None else None
        if base in rules.entry_motion_verbs and into is not None and into.lower_ == "into":
            entrant = subject
        elif base in rules.entry_causing_verbs and into is not None and (into.lower_ == "into" or base == "put"):
            # "took the call in the office" is no entry; "put the firm in the server business" is
            moved = next((c for c in pred.children if c.dep_ == "dobj"), None)
            entrant = None if moved is None or moved.tag_ == "PRP" else argument_key(moved, rules)
        else:
            return ()
    if target is None or not entrant or target.pos_ not in ("NOUN", "PROPN"):
        return ()
    return (f"enters@{entrant}:{argument_key(target, rules)}",)


def _is_place_name(tok: "Token | None") -> bool:
    """A proper noun where a place is expected ("of Eastfield", "lives in Eastfield"): the tagger's
    label is not trusted there, only that it is not a person, a date or a number."""
    return tok is not None and tok.pos_ == "PROPN" and tok.ent_type_ not in ("PERSON", "DATE", "TIME", "CARDINAL")


def _residences(pred: "Token", lemma: str, subj: "Token | None", clause: list["Token"],
                rules: StatementRules) -> tuple[str, ...]:
    """Where a named person lives: "Raj Smith, 59, of Eastfield" (a name, an age, "of" a place) or
    "Smith, who lives in Eastfield" -> residence=eastfield@smith. A move, a past span ("lived in X
    until 2010", "used to live") or a time on the clause says where someone lived once, not now."""
    found = []
    for tok in clause:
        # A name with an age is a person, whatever the tagger says.
        if tok.pos_ != "PROPN" or not any(c.dep_ == "appos" and c.like_num for c in tok.children):
            continue
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        place = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if _is_place_name(place):
            found.append(f"residence={_name_text(place)}@{tok.lower_}")
    # "Smith, who lives in ...": "who" makes a capitalised head a person (the tagger may call it a noun).
    person = subj is not None and (subj.pos_ == "PROPN" and subj.ent_type_ == "PERSON" or subj.is_title and any(
        c.lower_ == "who" for c in pred.children if c.dep_ == "nsubj"))
    if lemma in rules.residence_verbs and person and not any(
            c.dep_ in ("npadvmod", "tmod") or c.ent_type_ in _TIME_LABELS or c.lower_ in ("until", "before", "since", "ago")
            for c in pred.children) and pred.head.lemma_ != "use":
        for prep in pred.children:
            place = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep.dep_ == "prep" and \
                prep.lower_ == "in" else None
            if _is_place_name(place):
                found.append(f"residence={_name_text(place)}@{subj.lower_}")
    return tuple(found)


def _name_text(tok: "Token") -> str:
    """A proper noun with its compound parts: "South Ozone Park"."""
    start = tok.i
    while start > tok.sent.start and tok.doc[start - 1].dep_ == "compound" and tok.doc[start - 1].pos_ == "PROPN":
        start -= 1
    return tok.doc[start: tok.i + 1].text.lower()


def _state_subject(subj: "Token | None", rules: StatementRules) -> str | None:
    """What a state is of: the subject, the thing of an aspect ("the size of the move" -> move), and
    for an event anaphor the predicate of the clause before it ("the bank lowered its rate, and the
    move surprised markets" -> lower)."""
    if subj is None:
        return None
    tok = subj
    if tok.lemma_.lower() in rules.aspect_nouns:
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        tok = next((c for c in of.children if c.dep_ == "pobj"), tok) if of is not None else tok
    if tok.lemma_.lower() in rules.event_anaphors and any(
            c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in tok.children):
        before = tok.doc[tok.sent.start: tok.i]
        antecedent = next((t for t in reversed(before) if t.pos_ == "VERB" and t.dep_ in ("ROOT", "conj")), None)
        if antecedent is not None:
            return antecedent.lemma_.lower()
    return argument_key(tok, rules)


def _event_tense(pred: "Token", lemma: str, rules: StatementRules) -> tuple[str, ...]:
    """A single event told as done or as still to come: "X replaced Y" -> done@x:replace:y,
    "X will replace Y" -> ahead@x:replace:y. Negated, repeated ("again") or conditional events say neither."""
    if lemma not in rules.single_event_predicates:
        return ()
    if any(c.dep_ == "neg" or c.lower_ in ("again", "never", "not") for c in pred.children):
        return ()
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether", "until", "once") for c in pred.children):
        return ()
    auxes = [c for c in pred.children if c.dep_ in ("aux", "auxpass")]
    modals = {c.lower_ for c in auxes if c.tag_ == "MD"}
    if modals and not modals <= rules.future_modals:
        return ()
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in pred.children)
    subject = _subject(pred)
    subject = _resolved_subject(subject) if subject is not None else None
    doer = next((g for c in pred.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None) \
        if passive else subject
    undergoer = subject if passive else next((c for c in pred.children if c.dep_ == "dobj"), None)
    if doer is None or doer.tag_ in ("PRP", "WDT", "WP"):
        return ()
    topic = f"{argument_key(doer, rules)}:{lemma}" + (f":{argument_key(undergoer, rules)}" if undergoer is not None else "")
    if modals:
        return (f"ahead@{topic}",)
    if pred.tag_ == "VBD" and not auxes or pred.tag_ == "VBN" and any(
            c.lemma_ == "have" or (c.dep_ == "auxpass" and c.tag_ == "VBD") for c in auxes):
        return (f"done@{topic}",)
    return ()


def _compound_direction(tok: "Token", rules: StatementRules) -> str:
    """ "south-west" and "south west" read whole: the parser makes "south" a compound of "west"."""
    first = next((c for c in tok.children if c.dep_ in ("compound", "amod", "nmod") and c.i < tok.i
                  and rules.attribute_class(c.lower_) == "direction"), None)
    if first is not None and first.lower_ in ("north", "south") and tok.lower_ in ("east", "west"):
        return first.lower_ + tok.lower_
    return tok.lower_


def _attributes(clause: list["Token"], rules: StatementRules) -> tuple[str, ...]:
    out = []
    for tok in clause:
        value = tok.lower_
        klass = rules.attribute_class(value)
        if klass is None or tok.ent_type_ in _NAME_LABELS - {"GPE", "LOC"}:
            continue
        heads = rules.attribute_heads(klass)
        if heads and (tok.head.lemma_.lower() not in heads and tok.head.ent_type_ != "PERSON"):
            continue  # "armed forces" names a force; "an armed man" describes one
        if klass == "phase":
            # "early in the fourth quarter" / "late in the fourth quarter": the phase of a named period.
            inside = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("in", "on")), None)
            if inside is None and tok.i + 1 < tok.sent.end and tok.nbor().lower_ == "in" and tok.nbor().dep_ == "prep":
                inside = tok.nbor()  # the parser hangs "in the fourth quarter" on the verb
            period = next((c for c in inside.children if c.dep_ == "pobj"), None) if inside is not None else None
            if period is not None:
                words = [t.lower_ for t in period.subtree if t.dep_ not in ("det", "poss", "punct")]
                out.append(f"{klass}={value}@{' '.join(words)}")
            continue
        if klass == "direction":
            value = _compound_direction(tok, rules)
            of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            place = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if place is not None:
                # What lies there: "a state north of the border" is not "the camp 10 miles south of
                # the border". A distance ("150 miles east of Aden") places the clause's event.
                distance = any(c.lemma_.lower() in rules.distance_nouns for c in tok.children) or \
                    tok.head.lemma_.lower() in rules.distance_nouns
                located = tok.head if tok.head.pos_ == "NOUN" and tok.dep_ in ("amod", "advmod", "npadvmod") else None
                what = "distance" if distance else argument_key(located, rules) if located is not None else ""
                if what:
                    out.append(f"{klass}={rules.canonical_value(value)}@{argument_key(place, rules)}#{what}")
        else:
            # The noun the word describes is the last noun of the words after it ("a grey 2013
            # Toyota Camry" -> camry); the parser often hangs these phrases together wrongly.
            described = None
            for nxt in tok.doc[tok.i + 1: min(tok.i + 6, tok.sent.end)]:
                if nxt.pos_ in ("NOUN", "PROPN"):
                    described = nxt
                elif not (nxt.like_num or nxt.pos_ in ("ADJ", "NUM")) or described is not None:
                    break
            if described is not None and tok.pos_ in ("ADJ", "NOUN", "PROPN"):
                out.append(f"{klass}={rules.canonical_value(value)}@{argument_key(described, rules)}")
    return tuple(dict.fromkeys(out))


def read_frames(sent: "Span", lexicon: Lexicon, rules: StatementRules, speaker: str | None,
                reporting_verb: str | None, quoted: set[int] | None = None) -> tuple[StatementFrame, ...]:
    """The statement frames of one parsed sentence; `speaker` is its resolved speaker."""
    preds = [t for t in sent if t.pos_ in ("VERB", "AUX") and t.dep_ in _PREDICATE_DEPS]
    preds = preds[:MAX_FRAMES]
    pred_ids = {t.i for t in preds}
    frames = []
    for pred in preds:
        lemma = _predicate_lemma(pred)
        clause = _clause_tokens(pred, pred_ids)
        subj = _subject(pred)
        subj = _resolved_subject(subj) if subj is not None else None
        obj_tok = next((c for c in pred.children if c.dep_ in ("dobj", "attr", "acomp", "oprd")), None)
        negated = any(_negates(c, pred, lemma) for c in pred.children)
        negated = negated or any(_arg_negated(a) for a in (subj, obj_tok)
                                 if a is not None and not _verb_adjective(a, lemma))
        if subj is not None and subj.lower_ in ("nobody", "nothing", "none"):
            negated = True
        up = pred
        while up.dep_ == "xcomp" and up.head.i != up.i:
            up = up.head
            if any(c.dep_ == "neg" for c in up.children):
                negated = not negated  # "we are not intending to compete"
        modality = tuple(c.lower_ for c in pred.children if c.tag_ == "MD")
        up = pred
        while not modality and _shares_head_clause(up):
            # "Denying he was a gangster, he would wander the streets", "he could strike and flee":
            # a participle or joined verb without its own subject or auxiliary takes its head's modal.
            up = up.head
            modality = tuple(c.lower_ for c in up.children if c.tag_ == "MD")
        hedges = tuple(c.lower_ for c in pred.children if c.dep_ == "advmod" and c.lower_ in rules.hedging_adverbs)
        # Lemmas as the lexicon corrects them: the tagger gives "hop" for "hoped".
        head = pred.head
        governing, own = lemma_of(head, lexicon), lemma_of(pred, lexicon)
        if pred.dep_ in ("ccomp", "parataxis") and governing in rules.hedging_heads:
            hedges += (governing,)
        if own in rules.hedging_heads and any(c.dep_ in ("ccomp", "parataxis") for c in pred.children):
            hedges += (own,)
        hedges = tuple(dict.fromkeys(hedges + _prospective_head(pred, rules, lexicon)))
        preps = []
        time = place = None
        for child in pred.children:
            if child.dep_ in ("prep", "agent"):
                pobj = _partitive_head(next((c for c in child.children if c.dep_ == "pobj"), None))
                if pobj is not None:
                    preps.append(f"{child.lower_}:{argument_key(pobj, rules)}")
                    if pobj.ent_type_ in _PLACE_LABELS and place is None:
                        place = argument_key(pobj, rules)
        time = _time_of(pred)
        up = pred
        while time is None and _shares_head_clause(up):
            # "a quake jolted the islands on April 20 but caused no casualties", "... on Sunday, killing
            # four": a joined or participle clause happens when its head does.
            up = up.head
            time = _time_of(up)
        if time is None and negated and _not_yet(pred):
            time = "so far"  # "the results have not been released": a later report that they were is an update
        cue = None
        if pred.dep_ in ("ccomp", "xcomp", "parataxis") and head.i != pred.i and head.lemma_.lower() in lexicon.reporting_verbs:
            cue = head.lemma_.lower()
        role, denied = "assertion", None
        ended = any(c.dep_ in ("prep", "mark", "advmod") and c.lower_ in rules.denial_ended_by
                    for c in list(pred.children) + [g for c in pred.children if c.dep_ == "advcl" for g in c.children])
        # "denied over the years that he was the source": a stance held through a past span, told as
        # history ("has denied for years" still holds it).
        ended = ended or pred.tag_ == "VBD" and any(
            g.dep_ == "pobj" and g.lemma_.lower() in rules.denial_spans and g.tag_ == "NNS"
            for c in pred.children if c.dep_ == "prep" for g in c.children)
        if lemma in rules.denial_verbs and not negated and not ended:
            # ("denied the accusations until coming forward in 2005": a denial that ended is none now)
            target = _claim_complement(pred, rules)
            if target is not None:
                role, denied = "denial", _subtree_text(target)
        elif lemma in lexicon.reporting_verbs and any(c.dep_ in ("ccomp",) for c in pred.children):
            role = "report"
        if role == "assertion" and lemma in ("be", "remain", "prove") and obj_tok is not None and subj is not None:
            falsity = obj_tok.lemma_.lower() in rules.falsity_words or obj_tok.lower_ in rules.falsity_words or (
                # "this remains an unsubstantiated claim", "the report is a fabricated story"
                obj_tok.lemma_.lower() in rules.claim_nouns
                and any(c.dep_ == "amod" and c.lower_ in rules.falsity_words for c in obj_tok.children))
            if falsity and (subj.lemma_.lower() in rules.claim_nouns or subj.lower_ in ("this", "that", "it", "these")):
                role, denied = "denial", _subtree_text(subj)
        start = min(t.idx for t in clause)
        last = max(clause, key=lambda t: t.i)
        frames.append(StatementFrame(
            predicate=lemma,
            subject=argument_key(subj, rules) if subj is not None else None,
            object=argument_key(obj_tok, rules) if obj_tok is not None else None,
            preps=tuple(preps),
            negated=negated,
            modality=modality,
            hedges=hedges,
            time=time,
            place=place,
            speaker=speaker,
            cue=cue or (reporting_verb if pred.dep_ == "ROOT" and role == "assertion" and speaker else None),
            role=role,
            denied=denied,
            states=_states(pred, lemma, _state_subject(subj, rules), rules),
            attributes=_attributes(clause, rules) + _residences(pred, lemma, subj, clause, rules),
            relative=_is_background(pred),
            start=start,
            end=last.idx + len(last.text),
        ))
    return tuple(frames)


def _shares_head_clause(pred: "Token") -> bool:
    """A joined verb or a participle clause without a subject, auxiliary or conjunction of its own:
    it happens when, and as surely as, the verb it hangs on."""
    if pred.head.i == pred.i or pred.head.pos_ not in ("VERB", "AUX"):
        return False
    if not (pred.dep_ == "conj" or pred.dep_ == "advcl" and pred.tag_ == "VBG"):
        return False
    return not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "mark") for c in pred.children)


def _not_yet(pred: "Token") -> bool:
    """A passive in the present perfect negated by "not" ("the names have not been released"): what
    is not done as of the report, not a denial that it ever will be ("we have not bombed" is active)."""
    auxes = [c for c in pred.children if c.dep_ in ("aux", "auxpass")]
    return pred.tag_ == "VBN" and any(c.dep_ == "neg" for c in pred.children) \
        and any(c.dep_ == "auxpass" and c.lower_ == "been" for c in auxes) \
        and any(c.lemma_ == "have" and c.tag_ in ("VBZ", "VBP") for c in auxes)


def _time_of(pred: "Token") -> str | None:
    """The date or time a predicate's own modifiers give it ("on Sunday", "last week")."""
    for child in pred.children:
        if child.dep_ in ("prep", "agent"):
            pobj = _partitive_head(next((c for c in child.children if c.dep_ == "pobj"), None))
            if pobj is not None and pobj.ent_type_ in _TIME_LABELS:
                return pobj.text.lower()
        elif child.ent_type_ in _TIME_LABELS and child.dep_ in ("npadvmod", "tmod"):
            return " ".join(t.text for t in child.subtree).lower()
    return None


def _negates(tok: "Token", pred: "Token", lemma: str) -> bool:
    """A "not" or "never" that negates its predicate. Not "will not only turn ...", which adds; not
    "pleaded not guilty" or "was found not fit", whose "not" belongs to the verb's adjective (the
    plea is "not guilty"), unless the verb is a copula ("the vote was not unanimous")."""
    if tok.dep_ == "advmod" and tok.lower_ == "never":
        return True
    if tok.dep_ != "neg":
        return False
    after = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    if after is not None and after.lower_ == "only":
        return False
    return not (after is not None and after.head.i == pred.i and _verb_adjective(after, lemma))


def _verb_adjective(tok: "Token", lemma: str) -> bool:
    """The adjective a verb other than a copula gives its subject or object ("pleaded guilty")."""
    return tok.dep_ in ("acomp", "oprd") and tok.pos_ == "ADJ" and lemma not in _COPULAS


def _subtree_text(tok: "Token") -> str:
    toks = list(tok.subtree)
    return tok.doc[toks[0].i: toks[-1].i + 1].text
