"""Whose or which a figure is: its holder, from the parse around it (the rules of data/figures.yaml).

The person whose age it is, the nationality or kind of what is counted, the person or team who
did what a count counts, the place or the part of the event's time it was counted in ("in the
camp", "in the second half"), the quake a magnitude belongs to, the owner of a price or a length.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from ..figures import FigureRules
from .figure_updates import _governing_verb


_PRONOUNS = frozenset({"it", "they", "he", "she", "this", "that", "which", "who", "we", "i", "you", "its", "their"})


def _entity_text(tok: Token) -> str:
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    return ent.text if ent is not None else tok.text


def _phrase(tok: Token) -> str | None:
    """A noun with its modifiers and name, without determiners ("the 13-inch MacBook Pro" -> "13-inch macbook pro")."""
    if tok.lower_ in _PRONOUNS or tok.pos_ == "PRON":
        return None
    words = [t for t in tok.subtree if t.i <= tok.i and (t == tok or (
        t.dep_ not in ("det", "predet", "poss", "case", "punct") and t.pos_ not in ("ADP", "VERB", "PRON")))]
    text = " ".join(t.lower_ for t in words if t.i >= tok.i - 4)
    return text or None


def _verb_lemma(verb: Token, rules: FigureRules | None = None) -> str:
    """A predicate's lemma with its particle ("went down" -> "go down", a measure of its own), or with
    its preposition or object when the rules name that pair ("took to the streets" -> "take to")."""
    particle = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
    if particle:
        return f"{verb.lemma_.lower()} {particle}"
    if rules is not None:
        for child in verb.children:
            pair = f"{verb.lemma_.lower()} {child.lemma_.lower() if child.dep_ == 'dobj' else child.lower_}"
            obj = next((c for c in child.children if c.dep_ == "pobj"), None) if child.dep_ == "prep" else None
            if obj is not None and f"{pair} {obj.lemma_.lower()}" in rules.classes:
                return f"{pair} {obj.lemma_.lower()}"  # "shot to death" -> "shoot to death"
            if child.dep_ in ("prep", "dobj", "advmod") and pair in rules.classes:
                return pair  # "moved to safety" -> "move to", "left their homes" -> "leave home", "closed down"
    return verb.lemma_.lower()


def _holder(dimension: str, anchor: Token, root: Token, counted_tok: Token | None, noun: Token | None,
            predicate: Token | None, sent: Span, rules: FigureRules) -> str | None:
    """Whose or which the figure is: a person's age, a nationality, the thing priced, the quake measured."""
    ignored = rules.holder_ignored_modifiers | rules.increment_words
    people_verbs = frozenset(w for w, c in rules.classes.items() if c in rules.people_classes)
    neutral = rules.neutral_predicates
    if dimension == "age":
        for tok in (root.head, anchor.head, counted_tok):
            if tok is not None and tok.ent_type_ == "PERSON":
                return _entity_text(tok)
        before = [e for e in sent.ents if e.label_ == "PERSON" and e.end <= root.i and root.i - e.end <= 2]
        if before:
            return before[-1].text
        target = counted_tok if counted_tok is not None and counted_tok.lemma_.lower() not in rules.time_nouns else None
        if target is None:
            node = root
            for _ in range(6):
                if node.head == node:
                    break
                node = node.head
                if node.pos_ in ("NOUN", "PROPN") and node.lemma_.lower() not in rules.time_nouns | rules.age_words | {"old"}:
                    target = node
                    break
        if target is None or (target.tag_ in ("NNS", "NNPS") and target.ent_type_ != "PERSON"):
            return None  # "12- and 15-year-old girls": the ages of several people, no one's age
        if target.ent_type_ == "PERSON":
            return _entity_text(target)
        # "a 32-year-old British climber" and "a 36-year-old Australian climber" are two people
        nationality = [_entity_text(c).lower() for c in target.children if c.ent_type_ == "NORP" and c.i < target.i]
        return " ".join(nationality + [target.lemma_.lower()])
    if dimension == "count":
        found = []
        kind = rules.objects.get(counted_tok.lemma_.lower()) if counted_tok is not None else None
        for child in (counted_tok.children if counted_tok is not None else ()):
            if child.i > counted_tok.i or child.like_num or child.dep_ not in ("amod", "compound", "nmod"):
                continue
            lemma = child.lemma_.lower()
            if child.ent_type_ == "NORP":
                found.append(_entity_text(child))
            elif lemma in ignored or child.lower_ in ignored:
                continue
            elif child.pos_ == "ADJ" and lemma not in rules.contrasting_modifiers \
                    and child.lower_ not in rules.contrasting_modifiers and not _superlative(child):
                continue  # "three undersea cables" counts cables; "three other rifles", "the worst-hit villages" are subsets
            elif child.pos_ == "NOUN" and kind is not None and rules.objects.get(lemma) == kind:
                continue  # "300 crew members": a member of the crew counts people either way
            elif child.pos_ in ("ADJ", "NOUN", "PROPN"):
                found.append(_modifier_text(child) if _superlative(child) else child.lower_)
        if predicate is not None:
            # "30 people seriously injured": a degree of the predicate picks out a subset
            found += [c.lower_ for c in predicate.children if c.dep_ == "advmod" and c.lower_ in rules.degree_modifiers]
        if counted_tok is not None:
            found += [_modifier_text(c) for c in counted_tok.children if c.dep_ in ("amod", "compound")
                      and c.i < counted_tok.i and c.pos_ != "ADJ" and _superlative(c)]
        if predicate is not None:
            # Where it was counted: "one bomb fell within the camp", "one man was killed in a village"
            places = _places(predicate, rules)
            if predicate.dep_ == "advcl" and predicate.tag_ == "VBG":
                places += _places(predicate.head, rules)  # "In a village a landslide hit a farm, killing one man"
            if any(c.lower_ == "where" for c in predicate.children):
                # "clashes broke out in Salonika, where 50,000 marched"
                places += [("in", predicate.head)] if predicate.dep_ == "relcl" else _places(predicate.head, rules)
            # When, within the event: "blocked two shots during the deciding run", "11 points in the second half"
            found += _periods(predicate, rules)
            for prep, place in places:
                if place is not None and (place.ent_type_ in ("GPE", "LOC", "FAC") or place.lemma_.lower() in
                                          rules.place_nouns or (place.pos_ == "PROPN" and place.ent_type_ not in _NOT_PLACES)):
                    found.append(f"{prep} {_phrase(place) or place.lower_}")
        if predicate is not None:
            # "a magnitude-5.2 quake injured three": the count of that quake, not of every quake
            cause = _subject_of(predicate)
            magnitude = _stated_magnitude(cause, rules) if cause is not None and cause != anchor else None
            if magnitude:
                found.append(f"magnitude {magnitude}")
        if predicate is not None and predicate.lemma_.lower() not in people_verbs | neutral:
            subject = next((c for c in predicate.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None and subject != anchor and subject.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
                found.append(_entity_text(subject))  # "Wayne had five catches": Wayne's
        return " ".join(dict.fromkeys(f.lower() for f in found)) or None
    if dimension == "magnitude":
        quake = noun if noun is not None and noun.lemma_.lower() not in rules.scale_nouns else None
        if quake is None:
            node = anchor
            for _ in range(4):
                node = node.head
                if node.pos_ == "NOUN" and node.lemma_.lower() not in rules.scale_nouns:
                    quake = node
                    break
                if node.head == node:
                    break
        if quake is None and predicate is not None:
            quake = next((c for c in predicate.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if quake is None:
            return None
        marks = [c.lower_ for c in quake.children if c.lower_ in rules.ordinal_event_words
                 or (c.ent_type_ == "ORDINAL" and c.lower_ not in rules.main_event_words)]
        if quake.lemma_.lower() in rules.ordinal_event_words:
            marks.append(quake.lemma_.lower())
        if not marks and quake.dep_ in ("nsubj", "nsubjpass"):  # "earlier (on Sunday) a 5.6 quake jolted the island"
            verb = quake.head
            adverbs = [c for c in verb.children if c.dep_ == "advmod"] + [
                g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "advmod"]
            marks += [c.lower_ for c in adverbs if c.lower_ in rules.ordinal_event_words]
        return " ".join(marks) or None
    # Money, percentages, lengths, durations: the owner of the measure noun, else the subject.
    owner_of = noun if noun is not None else counted_tok
    if owner_of is not None:
        for child in owner_of.children:
            if child.dep_ == "poss" and child.lower_ not in _PRONOUNS:
                return _phrase(child)
            if child.dep_ == "compound" and child.pos_ == "PROPN":
                return _phrase(child)
        # "5,000 hectares of forest": what a unit of area or mass is made of is no owner
        owners = ("for", "from", "off", "by") if owner_of.lemma_.lower() in rules.units else (
            "for", "from", "of", "off", "by")
        for child in owner_of.children:
            if child.dep_ == "prep" and child.lower_ in owners:
                obj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if obj is not None and not obj.like_num and anchor not in list(obj.subtree) \
                        and not any(t.like_num for t in obj.subtree):
                    return _phrase(obj)
    if dimension == "length":
        for child in anchor.children:
            if child.dep_ in ("prep", "advmod") and child.lower_ in ("from", "of", "off", "east", "west", "north",
                                                                       "south", "away"):
                obj = next((c for c in child.subtree if c.dep_ == "pobj"), None)
                if obj is not None:
                    return _phrase(obj)
    if predicate is not None:
        subject = _subject_of(predicate)
        effect = rules.measure_class(_verb_lemma(predicate, rules)) in rules.evolving_classes \
            or predicate.lemma_.lower() in rules.estimating_predicates
        # "the fire has burned 5,000 ha", "the governor put it at 5,000": a cause or a source, no holder
        if subject is not None and subject != anchor and subject != counted_tok and subject != noun and not effect:
            return _phrase(subject)  # not "turnout" for "turnout was 90%": the measure is no holder
    return None


_MAGNITUDE_VALUE = re.compile(r"(?<![\d.])(\d{1,2}\.\d)(?![\d.])")


def _stated_magnitude(tok: Token, rules: FigureRules) -> str | None:
    """The magnitude a phrase gives its event ("a magnitude-5.2 quake", "a 5.6 magnitude earthquake")."""
    words = list(tok.subtree)
    if len(words) > 12:
        return None
    text = " ".join(t.lower_ for t in words)
    if not any(w in text for w in rules.magnitude_words):
        return None
    value = _MAGNITUDE_VALUE.search(text)
    return value.group(1) if value else None


def _coordinated(predicate: Token | None) -> list[Token]:
    """The other verbs of a chain of coordinated verbs a predicate belongs to ("won 40 and reached the final")."""
    if predicate is None or predicate.pos_ not in ("VERB", "AUX"):
        return []
    first = predicate
    while first.dep_ == "conj" and first.head != first and first.head.pos_ in ("VERB", "AUX"):
        first = first.head
    chain = [first] + [t for t in first.subtree if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX")]
    return [v for v in chain if v != predicate and (v == first or v.head in chain)]


def _periods(predicate: Token, rules: FigureRules) -> list[str]:
    """The parts of an event's time a count's predicate names ("blocked two shots in the second half"),
    and those put before the verbs coordinated with it ("During the final run, he scored two and blocked one")."""
    found = []
    above = [predicate.head] if predicate.dep_ == "advcl" and predicate.tag_ == "VBG" else []
    for verb in [predicate] + _coordinated(predicate) + above:
        for prep in (c for c in verb.children if c.dep_ == "prep" and (c.lower_ in rules.place_prepositions
                                                                        or c.lower_ == "during")):
            if verb != predicate and verb not in above and prep.i > verb.i:
                continue  # after another verb, the phrase is that verb's alone
            part = next((t for t in prep.subtree if t.lemma_.lower() in rules.period_nouns and t.pos_ == "NOUN"), None)
            if part is not None:
                found.append(f"{prep.lower_} {_phrase(part) or part.lower_}")
    # A fronted phrase the parser cut from its preposition ("During the game's deciding run, ...")
    chain = [predicate] + _coordinated(predicate)
    first = min(chain, key=lambda v: v.i)
    subject = next((c for c in first.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    front = predicate.doc[predicate.sent.start:(subject or first).left_edge.i]
    if not found and front and front[0].lower_ in rules.place_prepositions | {"during"}:
        part = next((t for t in front if t.lemma_.lower() in rules.period_nouns and t.pos_ == "NOUN"), None)
        if part is not None:
            found.append(f"{front[0].lower_} {part.lower_}")
    return found


def _places(verb: Token, rules: FigureRules) -> list[tuple[str, Token | None]]:
    """(preposition, object) of a verb's phrases of place, also inside its agent ("killed by a quake in China")."""
    preps = [c for c in verb.children if c.dep_ == "prep" and c.lower_ in rules.place_prepositions]
    for agent in (c for c in verb.children if c.dep_ == "agent"):
        for obj in (c for c in agent.children if c.dep_ == "pobj"):
            preps += [c for c in obj.children if c.dep_ == "prep" and c.lower_ in rules.place_prepositions]
    # "killed in an air strike on their house": the place of the event the phrase names
    for prep in list(preps):
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if obj is not None and obj.pos_ == "NOUN" and obj.lemma_.lower() not in rules.place_nouns:
            preps += [c for c in obj.children if c.dep_ == "prep" and c.lower_ in rules.place_prepositions]
    # "Shelling of houses in the camp left five dead": the place of a cause told as one of several
    # (no definite determiner); "the quake in the province killed five" is the story's own event
    clause = verb if verb.pos_ in ("VERB", "AUX") else _governing_verb(verb)  # "left five dead": left
    clauses = [clause] + [v for v in _coordinated(clause) if v.i < clause.i]  # "left five dead and 16 injured"
    cause = next((c for v in clauses for c in v.children if (c.dep_ in ("nsubj", "csubj") and c.pos_ == "NOUN") or (
        c.dep_ in ("csubj", "advcl") and c.tag_ == "VBG" and c.i == c.left_edge.i < v.i)), None)  # "Shelling of"
    if cause is not None and not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those")
                                     for c in cause.children):
        preps += [t for t in cause.subtree if t.dep_ == "prep" and t.lower_ in rules.place_prepositions
                  and any(c.dep_ == "pobj" and c.lemma_.lower() in rules.place_nouns for c in t.children)]
    return [(p.lower_, next((c for c in p.children if c.dep_ == "pobj"), None)) for p in dict.fromkeys(preps)]


# Entity types of a proper noun after "in" that are not places ("killed in the Boston Marathon bombing").
_NOT_PLACES = ("PERSON", "DATE", "TIME", "EVENT", "WORK_OF_ART", "LAW", "CARDINAL", "ORDINAL", "PRODUCT")


def _modifier_text(tok: Token) -> str:
    return "".join(t.text_with_ws for t in tok.subtree).strip().lower()


def _superlative(tok: Token) -> bool:
    """A superlative, or a modifier built on one ("the worst-hit villages", "the hardest hit")."""
    return tok.tag_ in ("JJS", "RBS") or any(c.tag_ in ("JJS", "RBS") for c in tok.children)


def _subject_of(verb: Token) -> Token | None:
    """A verb's subject, else the subject of the clause it completes ("Lowe is believed to be seeking")."""
    node = verb
    for _ in range(3):
        subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None or node.dep_ not in ("xcomp", "pcomp", "advcl", "ccomp", "prep") or node.head == node:
            return subject
        if node.dep_ == "ccomp" and node.tag_ in ("VBD", "VBZ", "VBP"):
            # "Lynch reported the Red Sox team offered $184m": a finite clause without a subject right
            # after an object of the verb it completes was parsed apart; the object is its subject
            obj = next((c for c in node.head.children if c.dep_ == "dobj" and c.right_edge.i + 1 == node.left_edge.i), None)
            if obj is not None:
                return obj
        node = node.head
    return None
