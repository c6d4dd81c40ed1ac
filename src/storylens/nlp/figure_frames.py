"""A figure read as a measure frame, from the parse around it (the rules of data/figures.yaml).

`frame_figure` gives one figure its dimension and unit ("$4.5bn", "5m tonnes", "86-yard",
"38-year-old", "magnitude 7.6"), the lemma of what it measures (a property noun it is the
value of, else a counted noun of a known class, else the governing predicate), its holder
(the person whose age it is, the nationality or kind of what is counted, the thing priced,
"one of several" quakes), the time of its clause and flags that keep it out of comparisons
(another event, part of a group, an increment, a peak, a conditional, a forecast, a running
total). The holder is read in figure_holders.py (and, for counts a person did, figure_agents.py);
the time of a figure's clause and the signs of an update are in figure_updates.py;
counts said in words in figure_words.py; figures of one sentence read together (ranges,
conversions, replaced values) in figure_links.py.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import replace
from typing import Sequence

from spacy.tokens import Doc, Span, Token

from ..figures import FigureRules
from ..records import Quantity, TimeExpr
from .figure_agents import UNRESOLVED_AGENT, agent_holder
from .figure_holders import _coordinated, _entity_text, _holder, _subject_of, _verb_lemma
from .figure_updates import (_clause_time, _clause_tokens, _event_time, _governing_verb, stated_reference_time,
                             superseded_time)

_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "mln": 1_000_000}


_PER_PERIOD = re.compile(r"^\s*(?:per|a|an|each)\s+(?:year|season|month|week|day|hour|annum)\b", re.IGNORECASE)
_PARTITIVE_AFTER = re.compile(r"^\s+(?:of|out of)\s+(?:the|its|their|his|her|our|my|your|these|those|them|us|[\w'’]+['’]s)\b",
                              re.IGNORECASE)


def counts_a_noun(number: Token, rules: FigureRules) -> bool:
    """A year-like number that counts a noun ("2000 people"), not a year ("in 2004", "the 2004 tsunami")."""
    head = number.head
    return (number.dep_ == "nummod" and head.pos_ == "NOUN" and head.i == number.i + 1 and head.tag_ == "NNS"
            and number.ent_type_ != "DATE" and head.lemma_.lower() not in rules.time_nouns)


def _hedge_of(before: str, rules: FigureRules) -> str:
    """The qualifier written just before a figure ("more than", "nearly"), as its name; exact when none."""
    window = before[-40:].lower()
    for phrase, name in rules.qualifiers:
        if _qualifier_before(phrase).search(window):
            return name
    return "exact"


@lru_cache(maxsize=1024)
def _qualifier_before(phrase: str) -> re.Pattern[str]:
    """A qualifier phrase ending a window of text (compiled once: every figure tries every phrase)."""
    return re.compile(r"(?<![\w])" + re.escape(phrase) + r"\s*(?:an?\s+)?(?:[$€£¥]|us\$)?\s*$")


def _predicate(anchor: Token, rules: FigureRules, dimension: str = "count") -> Token | None:
    """The verb (or adjective) the figure is an argument of."""
    arguments = rules.money_argument_prepositions if dimension == "money" else frozenset()
    follow = next((c for c in anchor.children if c.dep_ == "acl" and c.tag_ == "VBN" and c.i == anchor.i + 1), None)
    if anchor.like_num and follow is not None:
        return follow  # "18 were hurt and 12 arrested": the participle right after a bare number
    node = anchor
    for _ in range(8):
        head = node.head
        if head == node:
            return None
        if head.pos_ in ("VERB", "AUX") and head.dep_ not in ("aux", "auxpass", "amod"):
            if head.dep_ == "prep" and head.tag_ == "VBG":
                node = head  # "including 500 officers": a preposition, not the predicate
                continue
            return head
        if node.dep_ == "pobj" and head.head.pos_ == "NOUN":
            return None  # "the destruction of eight tanks": the noun names the measure
        if node.dep_ == "pobj" and head.lower_ in rules.non_argument_prepositions and not (
                head.lower_ in arguments and head.head.pos_ == "VERB"):
            return None  # "fled with her six children": the children are not what fled
        node = head
    return None


def quantity_token(anchor: Token, quantity: Quantity) -> Token | None:
    """The number token of a figure (the last token inside its characters)."""
    inside = [t for t in anchor.doc[max(anchor.i - 8, 0):anchor.i + 8] if quantity.start <= t.idx < quantity.end and t.like_num]
    return inside[-1] if inside else None


def _one_of_several(number: Token) -> bool:
    """A figure about "one of the quakes", not the quake the story is about."""
    node = number
    for _ in range(5):
        if node.i != number.i and node.lower_ == "one" and any(
                c.dep_ == "prep" and c.lower_ == "of" for c in node.children):
            return True
        if node.pos_ == "NOUN" and any(
                c.lower_ == "one" and c.dep_ in ("nummod", "det") and c.i != number.i for c in node.children):
            return True  # "one 7.3-magnitude tremor"
        if node.head == node:
            return False
        node = node.head
    return False


def _known(lemma: str, rules: FigureRules) -> bool:
    return lemma in rules.classes


def _estimated(anchor: Token, rules: FigureRules) -> Token | None:
    """The object an estimating verb gives this figure to ("police put the march at 30,000", "reports
    pegged the offer to be as high as $184m"), when that object names a measure."""
    node = anchor
    clause = False  # the path went through a clause completing the object ("the offer to be ...")
    for _ in range(6):
        head = node.head
        if head == node:
            return None
        if head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in rules.estimating_predicates:
            obj = next((c for c in head.children if c.dep_ == "dobj"), None)
            if obj is None or (anchor in list(obj.subtree) and not (obj == node and clause)):
                return None
            lemma = obj.lemma_.lower()
            return obj if lemma in rules.property_nouns or lemma in rules.classes else None
        if head.pos_ in ("VERB", "AUX") and node.dep_ not in ("prep", "pobj", "xcomp", "acomp", "attr", "oprd") \
                and head.dep_ not in ("advcl", "xcomp", "ccomp"):
            return None  # the figure is an argument of another verb
        clause = clause or (node.pos_ in ("VERB", "AUX") and node.dep_ in ("xcomp", "acl"))
        node = head
    return None


def _population_of(anchor: Token, rules: FigureRules) -> Token | None:
    """The place whose people a count is: "home to 167,000 people", "the camp consists of 24,000 refugees"."""
    head = anchor.head
    if anchor.dep_ == "pobj" and head.lower_ in ("to", "by"):
        if head.head.lemma_.lower() == "home":
            return head.head
        home = next((c for c in head.head.children if c.dep_ in ("advmod", "attr") and c.lemma_.lower() == "home"), None)
        if home is not None:
            return home
    verb = head.head if anchor.dep_ == "pobj" and head.dep_ == "prep" else head if anchor.dep_ == "dobj" else None
    if verb is None or verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in rules.containing_predicates:
        return None
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subject if subject is not None and subject.lemma_.lower() in rules.population_nouns else None


def _place_name(place: Token) -> str | None:
    """The name of the place a population phrase is about ("Qeshm island, home to 120,000", "Manokwari, a
    city of 160,000", "Yida is a camp of 20,000", "Manokwari city, which is home to ...")."""
    node = place
    before = place.doc[place.i - 2] if place.i >= 2 and place.doc[place.i - 1].text == "," else None
    if before is not None and before.pos_ in ("NOUN", "PROPN"):
        node = before  # "Qeshm island, home to 120,000": an appositive, however it was parsed
    for _ in range(5):
        if node.ent_type_ in ("GPE", "LOC", "FAC") or node.pos_ == "PROPN":
            return _entity_text(node).lower()
        named = next((c for c in node.children if c.dep_ == "compound" and c.pos_ == "PROPN"), None)
        if named is not None:
            return _entity_text(named).lower()
        if node.dep_ in ("appos", "relcl", "acl", "advmod", "npadvmod", "attr", "pobj", "prep", "conj") \
                or node.pos_ in ("AUX", "VERB"):
            subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None) \
                if node.pos_ in ("AUX", "VERB") else None
            if subject is not None and subject.pos_ != "PRON" and subject != place:
                node = subject
                continue
            if node.head == node:
                return None
            node = node.head
            continue
        return None
    return None


def _measure_lemma(anchor: Token, counted_tok: Token | None, dimension: str, rules: FigureRules
                   ) -> tuple[str | None, Token | None, Token | None]:
    """(what the figure measures, the noun that names it, the predicate) from the parse."""
    count = dimension == "count"
    # The figure is the value of a noun: "a magnitude of 7.6", "a $200 million offer", "turnout was 90%".
    head = anchor.head
    noun: Token | None = None
    if anchor.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("NOUN", "PROPN") \
            and head.lower_ in rules.value_prepositions:
        noun = head.head
    elif anchor.dep_ in ("appos", "nummod", "compound", "npadvmod", "amod", "nmod") and head.pos_ in ("NOUN", "PROPN") \
            and head != anchor and (not count or (counted_tok is None and head.lemma_.lower() in rules.property_nouns)):
        noun = head  # "a $200 million offer"; "a city of population 167,000"
    elif anchor.dep_ in ("attr", "dobj", "oprd", "npadvmod", "acomp") and head.pos_ in ("VERB", "AUX"):
        subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.lemma_.lower() in rules.property_nouns and head.lemma_.lower() in (
                rules.stating_predicates | rules.update_predicates):
            noun = subject
    elif anchor.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
        subject = next((c for c in head.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        obj = next((c for c in head.head.children if c.dep_ == "dobj"), None)
        if subject is not None and (subject.lemma_.lower() in rules.property_nouns or (
                head.lower_ == "to" and head.head.lemma_.lower() in rules.update_predicates
                and _known(subject.lemma_.lower(), rules))):
            noun = subject  # "the toll rose to 12", "the offer was raised to $95m"
        elif obj is not None and head.lower_ in ("at", "to") and (obj.lemma_.lower() in rules.property_nouns or (
                head.head.lemma_.lower() in rules.update_predicates and _known(obj.lemma_.lower(), rules))):
            noun = obj  # "put the real cost at 60 million", "cut its rate to 3.25 per cent", "raised its offer to"
    verb = (head.head if head.head.pos_ in ("VERB", "AUX") else head.head.head) if anchor.dep_ == "pobj" else None
    if noun is None and verb is not None and head.lower_ == "as" and verb.pos_ in ("VERB", "AUX") \
            and verb.lemma_.lower() in rules.update_predicates:
        # "bumped their offer as high as $184m", "the offer was bumped as high as $184m"
        noun = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass", "nsubj") and (
            c.lemma_.lower() in rules.property_nouns or _known(c.lemma_.lower(), rules))), None)
    if noun is None and not count:
        # "$60 million in funding", "$5 billion in revenue": the noun after "in" names the measure
        for prep in (c for c in anchor.children if c.dep_ == "prep" and c.lower_ == "in"):
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.lemma_.lower() in rules.property_nouns:
                noun = obj
    if noun is None:
        noun = _estimated(anchor, rules)
        if noun is not None and count and _known(noun.lemma_.lower(), rules):
            return noun.lemma_.lower(), noun, None  # "police put the march at 30,000"
    place = _population_of(anchor, rules) if count else None
    if place is not None:
        return "population", place, None  # "home to 167,000 people", "the camp houses 20,000 refugees"
    if noun is not None and noun.lemma_.lower() in rules.restating_nouns and noun.dep_ == "pobj" \
            and noun.head.head.pos_ in ("NOUN", "PROPN"):
        noun = noun.head.head  # "an offer in the range of $145-175 million": the offer
    elif noun is not None and noun.lemma_.lower() in rules.restating_nouns and noun.dep_ == "pobj" \
            and noun.head.head.lemma_.lower() in rules.copula_predicates:
        # "the offer was expected to be in the range of $145m to $175m": what the copula is said of
        subject = _subject_of(noun.head.head)
        if subject is not None and (subject.lemma_.lower() in rules.property_nouns or _known(subject.lemma_.lower(), rules)):
            noun = subject
    if anchor.dep_ in ("npadvmod", "nmod") and head.pos_ == "ADJ" and not count:
        return head.lemma_.lower(), None, _predicate(head, rules)  # "10 metres long", "35 km deep"
    if noun is not None and count and noun.lemma_.lower() in rules.population_nouns and anchor.dep_ == "pobj":
        return "population", noun, None  # "a city of 160,000", "home to 22,000 refugees"
    if noun is not None:
        lemma = noun.lemma_.lower()
        if lemma not in rules.restating_nouns and (lemma in rules.property_nouns or not count):
            return lemma, noun, _predicate(noun, rules)
        if lemma in ("toll",):
            return lemma, noun, None
    if count and counted_tok is None:
        # "there were more than 50,000 -- the biggest protest in years": the appositive names it
        appos = next((c for c in anchor.children if c.dep_ == "appos" and _known(c.lemma_.lower(), rules)
                      and c.lemma_.lower() not in rules.neutral_nouns), None)
        if appos is not None:
            return appos.lemma_.lower(), appos, _predicate(anchor, rules, dimension)
    # A counted noun that names the measure ("12 deaths", "five injured people"), unless a
    # predicate of a known class governs it ("five residents were injured").
    predicate = _predicate(anchor, rules, dimension)
    governing = _verb_lemma(predicate, rules) if predicate is not None else None
    if counted_tok is not None and not (governing and _known(governing, rules) and governing not in rules.copula_predicates
                                        and governing not in rules.possession_predicates
                                        and governing not in rules.neutral_predicates):
        lemma = counted_tok.lemma_.lower()
        if count and _known(lemma, rules) and rules.classes[lemma] not in rules.predicate_classes:
            return lemma, counted_tok, predicate  # "12 deaths"; not "his three fights", "two strikes"
        described = governing in rules.copula_predicates and not _presence(predicate, rules) and any(
            c.dep_ == "det" and c.lower_ in ("the", "these", "those") for c in counted_tok.children)
        for child in () if described else counted_tok.children:
            # not "the three men who were killed were students": a copula describes a group already counted;
            # not "two chances to level the score": an infinitive says what could happen
            if child.dep_ in ("amod", "acl", "relcl") and _known(child.lemma_.lower(), rules) \
                    and not any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children) \
                    and child.lemma_.lower() not in rules.neutral_predicates:
                return child.lemma_.lower(), counted_tok, child
    seen = 0
    while predicate is not None and seen < 3:
        seen += 1
        lemma = _verb_lemma(predicate, rules)
        if lemma in rules.copula_predicates:
            complement = next((c for c in predicate.children if c.dep_ in ("acomp", "attr") and c != anchor
                               and _known(c.lemma_.lower(), rules)), None)
            if complement is not None:
                return complement.lemma_.lower(), None, predicate
            state = _state_complement(predicate, anchor, rules)
            if state is not None:
                return state, None, predicate  # "65% of traffic was down", "was out of service"
            subject = next((c for c in predicate.children if c.dep_ == "nsubj" and c != anchor), None)
            named = _class_noun(subject, rules) if count and subject is not None else None
            if named is not None:
                return named.lemma_.lower(), named, predicate  # "the number of the dead is 12"
            if not count:
                break  # "the price is $5": a copula alone does not say what a measure is
        if lemma in rules.neutral_predicates or lemma in rules.forecast_predicates:
            # "were reported killed", "is expected to reach": the clause it governs says what is measured
            inner = next((c for c in predicate.children if c.dep_ in ("xcomp", "oprd", "ccomp")
                          and c.pos_ in ("VERB", "ADJ")), None)
            if inner is not None and inner.lemma_.lower() not in rules.neutral_predicates:
                lemma_inner = inner.lemma_.lower()
                if _known(lemma_inner, rules) or inner.pos_ == "VERB":
                    return lemma_inner, None, inner
            if noun is not None and noun.lemma_.lower() in rules.restating_nouns:
                return None, None, predicate
            if lemma in rules.forecast_predicates:
                return lemma, None, predicate
            if counted_tok is not None and count and counted_tok.lemma_.lower() not in rules.objects \
                    and rules.classes.get(counted_tok.lemma_.lower()) not in rules.predicate_classes:
                return counted_tok.lemma_.lower(), counted_tok, predicate  # "recorded 23 fires": a count of fires
            return None, None, predicate
        if count and lemma in rules.possession_predicates:
            return None, None, predicate  # "the Hawks had two chances": what one has, not what happened
        if count and lemma in rules.copula_predicates and not _presence(predicate, rules):
            # "the two women were among the dead", "his 20 points were an afterthought": a copula
            # describes what is counted; "there were 12,000 soldiers", "212 miners were underground"
            # say how many there are
            return None, None, predicate
        return lemma, None, predicate
    if noun is not None and not count:
        return noun.lemma_.lower(), noun, None
    if counted_tok is not None and count and noun is not None and noun.lemma_.lower() in rules.neutral_nouns:
        return counted_tok.lemma_.lower(), counted_tok, None  # "reports of 23 fires"
    return None, None, None


def _state_complement(copula: Token, anchor: Token, rules: FigureRules) -> str | None:
    """The state a copula gives the figure's own phrase, when that phrase is its subject and the state
    names a measure ("65% of traffic was down", "82% was out of service"); not "shares were down 3%",
    where the figure is how far something went down."""
    subject = next((c for c in copula.children if c.dep_ == "nsubj"), None)
    if subject is None or anchor not in list(subject.subtree):
        return None
    for child in copula.children:
        if child.dep_ in ("advmod", "acomp") and _known(child.lemma_.lower(), rules) \
                and not any(c.dep_ == "prep" for c in child.children):  # not "down to postal votes"
            return child.lemma_.lower()
        if child.dep_ == "prep":
            phrase = " ".join(t.lower_ for t in child.subtree)
            if _known(phrase, rules):
                return phrase
    return None


def _percent_base(root: Token, rules: FigureRules) -> str | None:
    """The measure a percentage names by what it is a percentage of ("88 percent of eligible voters")."""
    unit = root.head if root.head.lower_ in ("percent", "%", "cent") else root
    if unit.lower_ == "cent" and unit.head.lower_ == "per":
        unit = unit.head
    for tok in (unit, unit.head):
        for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"):
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.lemma_.lower() in rules.percent_bases:
                return rules.percent_bases[obj.lemma_.lower()]
    return None


def _percent_place(root: Token) -> str | None:
    """The places a percentage is a share of, named inside its own phrase ("65% of traffic to India",
    "82 percent of India's traffic", "80 percent of services in Egypt")."""
    unit = root.head if root.head.lower_ in ("percent", "%", "cent") else root
    if unit.dep_ not in ("nsubj", "nsubjpass", "dobj", "attr"):
        return None
    # not the places of another percentage coordinated with it ("70% in Egypt, and 60% in India")
    others = {t.i for c in unit.children if c.dep_ == "conj" and any(t.like_num for t in c.subtree)
              for t in c.subtree}
    names = [e for e in unit.doc.ents if e.label_ in ("GPE", "LOC") and unit.left_edge.i <= e.start
             and e.end <= unit.right_edge.i + 1 and e.start not in others]
    return " ".join(dict.fromkeys(e.text.lower() for e in names)) or None


def _generic_subject(noun: Token, rules: FigureRules) -> bool:
    """An indefinite subject of a copula names a kind, no event: "a 4.4 quake is large for the area"."""
    return noun.dep_ == "nsubj" and noun.head.lemma_.lower() in rules.copula_predicates and any(
        c.dep_ == "det" and c.lower_ in ("a", "an") for c in noun.children)


def _dimension(m: re.Match[str], unit: str | None, counted_tok: Token | None, root: Token, sent: Span,
               rules: FigureRules) -> tuple[str, str | None]:
    """The figure's dimension and its unit as shown ("length", "km"), from the match and the parse."""
    doc = sent.doc
    if m.group("hunit"):
        word = m.group("hunit").lower()
        if "old" in word:
            return "age", "yr"
        if word == "magnitude":
            return "magnitude", None
        lemma = {"feet": "foot"}.get(word, word.rstrip("s") if word not in ("foot",) else word)
        if lemma in rules.units:
            dim, shown, _ = rules.units[lemma]
            return dim, shown
    if m.group("digits") and re.search(r"(?i)\bmagnitude-$", m.string[:m.start("digits")]):
        return "magnitude", None  # "a magnitude-5.2 quake": the scale named before its value
    if unit == "%":
        return "percent", "%"
    if unit == "basis points":
        return "percent_points", "basis points"
    if unit and re.fullmatch(r"[A-Z]{3}", unit):
        return "money", unit
    nxt = doc[root.i + 1] if root.i + 1 < sent.end else None
    prev = doc[root.i - 1] if root.i - 1 >= sent.start else None
    if counted_tok is not None:
        lemma = counted_tok.lemma_.lower()
        after = doc[counted_tok.i + 1] if counted_tok.i + 1 < sent.end else None
        if lemma == "year" and after is not None and after.lower_ == "old":
            return "age", "yr"
        if lemma in rules.currency_words:
            return "money", rules.currency_words[lemma]
        if lemma in rules.units:
            dim, shown, _ = rules.units[lemma]
            return dim, unit if dim == "duration" and unit else shown
    if prev is not None and prev.lower_ in rules.age_words:
        return "age", "yr"
    if counted_tok is not None and counted_tok.lemma_.lower() in rules.quake_nouns and m.group("digits") \
            and "." in m.group("digits") and float(m.group("digits")) < 10 and not _generic_subject(counted_tok, rules):
        return "magnitude", None  # "a 5.6 quake": a decimal is no count of quakes
    near = {t.lemma_.lower() for t in (prev, nxt, root.head) if t is not None}
    if near & rules.magnitude_words:
        return "magnitude", None
    if nxt is not None and nxt.lower_ == "on" and "richter" in sent.text.lower()[root.idx - sent.start_char:][:40]:
        return "magnitude", None
    if root.head.ent_type_ == "PERSON" and root.dep_ in ("appos", "npadvmod", "amod", "nummod") and not m.group("words") \
            and prev is not None and prev.text in (",", "(") and "." not in root.text:  # "Smith, 38", not "Firefox 2"
        return "age", "yr"
    if prev is not None and prev.text == "," and prev.i - 1 >= sent.start and doc[prev.i - 1].ent_type_ == "PERSON" \
            and nxt is not None and nxt.text in (",", ")") and root.like_num and 0 < float(root.text.replace(",", "") or 0) < 120:
        return "age", "yr"
    return "count", unit


def _flags(quantity: Quantity, anchor: Token, counted_tok: Token | None, noun: Token | None, predicate: Token | None,
           sent: Span, rules: FigureRules) -> tuple[str, ...]:
    doc = sent.doc
    flags: list[str] = []
    text = sent.text
    offset = quantity.start - sent.start_char
    before, after = text[:offset], text[quantity.end - sent.start_char:]
    placed = (quantity.holder or "").split(" ", 1)[0] in rules.place_prepositions
    # A percentage of a base or of what a state is said of ("82% of the country's traffic was down")
    # is the share measured, not a part of another figure.
    share = quantity.dimension == "percent" and (quantity.measure in rules.percent_bases.values() or (
        predicate is not None and _state_complement(predicate, anchor, rules) == quantity.measure))
    if _PARTITIVE_AFTER.match(after) and not share \
            and not (placed and not _whole_counted(counted_tok)):
        # "two of the bombs fell within the camp": a part of the bombs, but the whole count of
        # those in the camp, when the sentence gives no number for the whole
        flags.append("part")
    # The group a portion is taken from ("almost all of the 2.5 million people eligible voted"):
    # what the predicate measures is the portion, not this figure.
    whole = counted_tok if counted_tok is not None else anchor
    previous = next((t for t in reversed(doc[sent.start:_first_token(doc, quantity)])
                     if t.dep_ not in ("det", "poss")), None)
    if previous is not None and previous.lower_ == "of" and previous.i > sent.start and doc[previous.i - 1].like_num:
        flags.append("whole")  # "completed 28 of 41 passes": 41 is what the 28 were taken from
    portion = whole.head.head if whole.dep_ == "pobj" and whole.head.lower_ == "of" else None
    if portion is not None and (portion.lemma_.lower() in rules.portion_words or portion.like_num) \
            and not quantity.start <= portion.idx < quantity.end:
        # "two of the bombs", "won 18 of their 23 games": the figure is the portion, not the group
        flags.append("whole")
    # A breakdown of a group: "the three workers, a man and two women", "12 Somali and 11 Yemeni pirates".
    counted = counted_tok if counted_tok is not None else anchor
    group = counted.head if counted.dep_ == "conj" else counted
    kinds = {rules.objects.get(t.lemma_.lower(), t.lemma_.lower()) for t in (counted, group, group.head)}
    if group.dep_ == "appos" and any(c.dep_ == "nummod" for c in group.head.children) and len(kinds) == 1:
        # a breakdown restates the same things; "seven rifles, three pistols" is a list
        flags.append("part")
    kind = rules.objects.get(counted.lemma_.lower())
    siblings = [c for c in counted.children if c.dep_ == "conj"] + ([counted.head] if counted.dep_ == "conj" else [])
    if kind and any(rules.objects.get(t.lemma_.lower()) == kind for t in siblings):
        flags.append("part")  # "a man and two women": a breakdown of the people counted
    # "226 yards, including an 84-yard run": a length or duration naming its own thing is an item
    # of the list, a measure of its own, not a part of the one before
    item = quantity.dimension in ("length", "duration") and counted_tok is not None \
        and quantity.measure == counted_tok.lemma_.lower()
    node = anchor
    for _ in range(4):
        if (node.lower_ in rules.part_words or node.lemma_.lower() in rules.part_words) and not item:
            flags.append("part")
            break
        if node.head == node:
            break
        node = node.head
    words_before = re.findall(r"[\w'-]+", before.lower())[-3:]
    as_high_as = len(words_before) == 3 and words_before[0] == words_before[2] == "as"  # a qualifier, not a peak
    if set(words_before) & rules.extreme_words and not as_high_as:
        flags.append("peak")
    if _PER_PERIOD.match(after):
        flags.append("per_period")  # "$23 million a season", "$38 billion per year": a rate, its own measure
    mods = {c.lower_ for t in (anchor, counted_tok) if t is not None for c in t.children if c.dep_ in ("amod", "advmod")
            and not (c.i + 1 < len(doc) and doc[c.i + 1].lower_ == "than")}  # "more than 50,000" is no increment
    if set(quantity.modifiers) & rules.increment_words or mods & rules.increment_words or (
            words_before[-1:] and words_before[-1] in rules.increment_words and words_before[-1] != "more"):
        flags.append("increment")
    # The clause: the predicate's subtree, else the sentence.
    clause = predicate if predicate is not None else anchor
    while clause.dep_ in ("conj", "xcomp", "ccomp") and clause.head.pos_ in ("VERB", "AUX") and clause.head != clause \
            and False:
        clause = clause.head
    lo, hi = clause.left_edge.i, clause.right_edge.i + 1
    clause_text = doc[lo:hi].text.lower()
    if any(re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", clause_text) for w in rules.peak_phrases) \
            and "peak" not in flags:
        flags.append("peak")  # "at one point as much as 55% was out of service": the height it reached
    if any(re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", clause_text) for w in rules.cumulative_words):
        flags.append("cumulative")
    # "in their five operations, the crew seized 31 magazines": a total over several events
    elif predicate is not None and any(
            c.dep_ == "prep" and c.lower_ in ("in", "over", "across", "during", "from") and any(
                o.dep_ == "pobj" and o.tag_ == "NNS" and o.lemma_.lower() not in rules.time_nouns and any(
                    n.dep_ == "nummod" and n.like_num and n.lower_ not in ("one", "1") for n in o.children)
                for o in c.children) for c in predicate.children):
        flags.append("cumulative")
    if predicate is not None:
        auxes = {c.lemma_.lower() for c in predicate.children if c.dep_ in ("aux", "auxpass")} | {
            c.lower_ for c in predicate.children if c.dep_ == "aux"}
        governing = predicate.head if predicate.dep_ in ("xcomp", "ccomp") else None
        if auxes & rules.forecast_modals or predicate.lemma_.lower() in rules.forecast_predicates or (
                governing is not None and governing.lemma_.lower() in rules.forecast_predicates):
            flags.append("forecast")
        if predicate.lemma_.lower() in rules.expectation_predicates or (
                governing is not None and governing.lemma_.lower() in rules.expectation_predicates):
            flags.append("expected")  # "the offer was expected to be $145-175m": what a report later settles
        # "rose to 57", "the toll reached 57": a new value of a running count
        raised = anchor.head.head if anchor.dep_ == "pobj" and anchor.head.lower_ == "as" else None
        if predicate.lemma_.lower() in rules.update_predicates and (
                (anchor.dep_ == "pobj" and anchor.head.lower_ == "to" and anchor.head.head == predicate)
                or (raised is not None and predicate in (raised, raised.head))  # "bumped as high as $184M"
                or (anchor.dep_ == "dobj" and predicate.lemma_.lower() == "reach"
                    and rules.measure_class(quantity.measure) in rules.evolving_classes)):
            # "the toll reached 57" is a running count's new value; "turnout reached 93%" states it
            flags.append("update")
    # "seven people were killed in those bombings": events a demonstrative points back to, which the
    # reading does not resolve, may be other than the story's (a plural names several)
    if predicate is not None and any(
            c.dep_ == "prep" and any(o.dep_ == "pobj" and o.tag_ == "NNS" and o.lemma_.lower() not in rules.time_nouns
                                     and any(d.dep_ == "det" and d.lower_ in ("those", "these") for d in o.children)
                                     for o in c.children) for c in predicate.children):
        flags.append("anaphoric")
    # Background told in the past perfect with its own date ("Early November, the navy had captured eight").
    if predicate is not None and any(c.lower_ == "had" and c.dep_ == "aux" for c in predicate.children) and any(
            t.ent_type_ in ("DATE",) and not _event_time(t.text, rules) for t in _clause_tokens(predicate)):
        flags.append("other_event")
    # A value asked for or expected ("asking for a contract worth $200 million").
    verb = _governing_verb(anchor)
    if verb != anchor and verb.lemma_.lower() in rules.forecast_predicates and "forecast" not in flags:
        flags.append("forecast")
    # A conditional or hypothetical clause ("if there was just one cable down").
    node = predicate if predicate is not None else anchor
    for _ in range(4):
        if any(c.dep_ == "mark" and c.lower_ in rules.conditional_marks for c in node.children):
            flags.append("hypothetical")
            break
        if node.dep_ not in ("advcl", "ccomp", "xcomp", "conj", "relcl", "acl") or node.head == node:
            break
        node = node.head
    # Another event or period: an earlier or later one named by a modifier, or a clause dated elsewhere.
    # The clause a participle depends on too ("bombing Guffa in recent days, killing seven").
    above = predicate.head if predicate is not None and predicate.dep_ == "advcl" and predicate.tag_ == "VBG" else None
    scope = [c for t in (anchor, counted_tok, noun, predicate, above) if t is not None for c in t.children
             if t is not above or c.dep_ in ("prep", "npadvmod")]
    # "since last October" starts the period counted; it is not another event
    scope = [c for c in scope if c.lower_ != "since"]
    # A period dating a clause coordinated with the predicate dates it too ("won 40 games and reached
    # the final last season")
    scope += [c for v in _coordinated(predicate) for c in v.children if c.dep_ == "npadvmod"]
    scope += [g for c in list(scope) if c.dep_ in ("prep", "npadvmod", "nsubj", "nsubjpass", "agent") for g in c.subtree]
    # "the $90 million deal that he got last summer": a relative clause dating what is measured
    scope += [g for t in (noun, counted_tok) if t is not None for c in t.children if c.dep_ == "relcl"
              for g in c.subtree]
    for tok in scope:
        lemma = tok.lemma_.lower()
        if tok.dep_ in ("amod", "npadvmod", "advmod", "pobj", "compound", "nummod", "det") and (
                lemma in rules.other_event_words or tok.lower_ in rules.other_event_words):
            if tok.ent_type_ in ("DATE", "TIME") and _event_time(_entity_text(tok), rules):
                continue
            flags.append("other_event")
            break
    # An outlet's own conversion or a replaced value are found by link_figures (figure_links.py).
    return tuple(dict.fromkeys(flags))


def _first_token(doc: Doc, quantity: Quantity) -> int:
    """The index of the first token of a figure's characters."""
    return next((t.i for t in doc if t.idx + len(t.text) > quantity.start), len(doc))


def _presence(copula: Token, rules: FigureRules) -> bool:
    """A copula that says where or that things are ("there were", "were underground", "were in the mine")."""
    return any(c.dep_ == "expl" or (c.dep_ in ("advmod", "acomp") and c.lower_ in rules.presence_words)
               or (c.dep_ == "prep" and c.lower_ in rules.place_prepositions) for c in copula.children)


def _whole_counted(noun: Token | None) -> bool:
    """Whether the group a partitive takes from has its own number ("three of the five terminals")."""
    return noun is not None and any(c.like_num for c in noun.children if c.dep_ in ("nummod", "quantmod"))


def _class_noun(noun: Token, rules: FigureRules) -> Token | None:
    """A subject noun of a known class, or its "of" object ("the toll", "the latest data of the fatality")."""
    if _known(noun.lemma_.lower(), rules) and noun.lemma_.lower() not in rules.neutral_nouns:
        return noun
    for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if obj is not None and _known(obj.lemma_.lower(), rules):
            return obj
    return None


def frame_figure(quantity: Quantity, m: re.Match[str], span: Span, root: Token, counted_tok: Token | None,
                 sent: Span, times: Sequence[TimeExpr], rules: FigureRules) -> Quantity:
    """The figure with its measure frame: dimension, unit, measure lemma, holder, time, flags and qualifier."""
    dimension, unit = _dimension(m, quantity.unit, counted_tok, root, sent, rules)
    value = quantity.value
    following = sent.doc[span.end] if span.end < sent.end else None
    if m.group("suffix") == "m" and not m.group("cur") and not (
            (counted_tok is not None and counted_tok.tag_ == "NNS") or (following is not None and following.tag_ == "NNS")):
        dimension, unit, value = "length", "m", value / 1e6  # "a 10m dhow": metres, not millions
    elif m.group("suffix") and following is not None and following.lemma_.lower() in rules.units:
        dimension, unit = rules.units[following.lemma_.lower()][:2]  # "5m tonnes"
    if dimension == "count" and unit and unit not in ("%",):
        unit = unit
    anchor = counted_tok if counted_tok is not None and counted_tok.lemma_.lower() in rules.units else (
        counted_tok if counted_tok is not None and dimension == "count" else root)
    if dimension in ("money", "percent", "magnitude", "age"):
        anchor = counted_tok if counted_tok is not None and counted_tok.lemma_.lower() in rules.currency_words else root
    if dimension == "age":
        lemma, noun, predicate = "age", None, None
    elif dimension == "magnitude":
        lemma, noun, predicate = "magnitude", None, _predicate(root, rules)
    else:
        lemma, noun, predicate = _measure_lemma(anchor, counted_tok, dimension, rules)
    if lemma is None and quantity.event and dimension == "count" and quantity.counted:
        # "put the number at 410": the measure of the figure this one restates
        lemma = None
    if lemma is not None and (lemma in rules.magnitude_words or rules.measure_class(lemma) == "MAGNITUDE") \
            and dimension == "count" and value < 12 and not float(value).is_integer():
        dimension, unit, lemma = "magnitude", None, "magnitude"
    base = _percent_base(root, rules) if dimension == "percent" else None
    place = _percent_place(root) if dimension == "percent" else None
    if base is not None:
        lemma = base  # "88 percent of eligible voters": a turnout, whatever verb carries it
    holder = _holder(dimension, anchor, root, counted_tok, noun, predicate, sent, rules)
    if base is not None and holder and {w.rstrip("s") for w in holder.split()} & set(rules.percent_bases):
        holder = None  # "90 per cent of eligible voters": the base is the measure's, not a holder
    if place is not None:
        holder = place  # "65% of traffic to India": India's share, whatever else the phrase says
    if lemma == "population" and dimension == "count":
        holder = _place_name(noun) if noun is not None else None  # whose population: the place, not the people
    if _one_of_several(root):
        holder = f"one of several {holder}" if holder else "one of several"
    holder, unresolved_agent = agent_holder(holder, predicate, anchor, lemma, dimension, rules)
    if dimension == "length" and (lemma is None or lemma in rules.neutral_predicates or lemma == "be") and holder:
        lemma = "distance"  # "25 km from the border"
    high = None
    if m.group("rhigh"):
        high = float(m.group("rhigh").replace(",", ""))
        if m.group("scale"):
            high *= _SCALES[m.group("scale").strip().lower()]
    framed = replace(quantity, value=value, dimension=dimension, unit=unit if dimension != "count" else quantity.unit,
                     measure=lemma, holder=holder, high=high,
                     hedge="range" if high is not None else _hedge_of(sent.text[:quantity.start - sent.start_char], rules))
    flags = _flags(framed, anchor, counted_tok, noun, predicate, sent, rules) + \
        ((UNRESOLVED_AGENT,) if unresolved_agent else ())
    time = _clause_time(framed, predicate, anchor, sent, times)
    reference = stated_reference_time(sent, anchor, rules)
    if reference is not None and time is None:
        flags, time = flags + ("as_of",), reference  # "88 percent as of 4 p.m.": one point of a history
    earlier = superseded_time(predicate, anchor, rules) if "as_of" not in flags else None
    if earlier is not None:
        # "82% was out of service early Friday, although it has now improved": a point before the change
        flags, time = flags + ("as_of", "earlier"), time or earlier
    return replace(framed, flags=flags, time=time)
