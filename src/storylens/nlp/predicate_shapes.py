"""Shapes of predicates that the attribution rules test: whether a verb is a phrasal reporting verb
("call for", its preposition first), an idiom of speech ("make the case"), a byline, a shortened
passive ("the man believed to have ..."), a report with no source ("is expected to", "appears to",
"is considered"), where the speaker stands after a quotation ("“...,” responded Jo Lind"), and
whether a token lies in what a cue reports. Each is a pure function of the parse and the lexicon.
"""

from __future__ import annotations

from spacy.tokens import Token

from .lexicon import Lexicon, reporting_class

_UNNAMED_SOME = frozenset({"one", "another", "some", "others", "many"})


def phrasal_reporting(tok: Token, lemma: str, lexicon: Lexicon) -> str | None:
    """The verb's phrasal reporting lemma ("call for", "refer to", "point out"), its preposition the
    verb's first complement: "referred the patient to a clinic" and "called the police for help" are
    no "refer to" or "call for" (an object comes before the preposition). A verb that describes its
    object keeps it there: "compared the plan to a house of cards". A preposition before a date or a
    time is no particle: "she called on Monday"."""
    for child in tok.children:
        phrase = f"{lemma} {child.lower_}"
        if child.dep_ == "prt" and phrase in lexicon.reporting_verbs:
            return phrase
        if child.dep_ == "prep" and child.i + 1 < len(child.doc) and child.doc[child.i + 1].ent_type_ in ("DATE", "TIME"):
            continue
        if child.dep_ == "prep" and phrase in lexicon.reporting_verbs and (
                reporting_class(lexicon, phrase) == "describe"
                or not any(c.dep_ == "dobj" and c.i < child.i for c in tok.children)):
            return phrase
    return None


def byline(verb: Token) -> bool:
    """A verb whose only complement is "from" a place ("reported from Moscow", "contributed reporting
    from Beijing"): a byline or a dateline, nothing said."""
    children = [c for c in verb.children if c.dep_ not in ("nsubj", "nsubjpass", "aux", "auxpass", "punct", "advmod",
                                                             "cc", "conj", "neg")]
    return bool(children) and all(
        c.dep_ == "prep" and c.lower_ == "from" and any(g.ent_type_ in ("GPE", "LOC") for g in c.children)
        for c in children)


def shortened_passive(verb: Token) -> bool:
    """A verb with no auxiliary, object or clause of its own before a perfect or passive "to"-infinitive,
    its subject a noun: "the figure believed to have leaked the memo" (the parser may make the noun its
    subject). "She believed that ..." and "they are thought to ..." are not this shape."""
    children = list(verb.children)
    # a clause before the verb is no complement of its own: the parser hangs what precedes the noun
    # there ('X was named as "Y," the figure believed to have ...')
    infinitive_end = max((c.right_edge.i for c in children if c.dep_ == "xcomp"), default=verb.i)
    if any(c.dep_ in ("aux", "auxpass") or (c.dep_ == "dobj" and c.i > verb.i)
           or (c.dep_ == "ccomp" and verb.i < c.i and (c.left_edge.i <= infinitive_end or any(
               m.dep_ == "mark" for m in c.children))) for c in children):
        # (a clause after the infinitive with no "that" is the sentence's own predicate the parser hung
        # there: "the man believed to have set the fire was arrested")
        return False
    if any(c.dep_ == "nsubj" and c.pos_ == "PRON" for c in children):
        return False  # "he believed to ..." is no shortened passive
    for clause in children:
        if clause.dep_ != "xcomp" or not any(a.dep_ == "aux" and a.lower_ == "to" for a in clause.children):
            continue
        if clause.lemma_ == "be" or any(a.dep_ in ("aux", "auxpass") and a.lemma_ in ("have", "be")
                                        for a in clause.children):
            return True
    return False


def states_figure(verb: Token) -> bool:
    """A verb of `figure_estimates` with an object and "at" before the figure itself: "put the toll at
    40", "placed its strength at magnitude 5.4", "pegged the cost at $3 million"; not "put the book at
    the door", "put the deal at risk" or "placed the ball at the 20-yard line"."""
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if not objects:
        return False
    # "at" hangs on the verb or, as the parser often has it, on the object ("put [the toll at 40]")
    for prep in (*verb.children, *objects[0].children):
        if prep.dep_ != "prep" or prep.lower_ != "at":
            continue
        for figure in prep.children:
            if figure.dep_ == "pobj" and (is_figure(figure) or any(
                    c.dep_ in ("nummod", "appos") and is_figure(c) for c in figure.children)):
                return True
    return False


def is_figure(tok: Token) -> bool:
    return tok.like_num or any(ch.isdigit() for ch in tok.text)


def idiom(verb: Token, child: Token, lexicon: Lexicon) -> str | None:
    """A verb with the word that makes it speech ("made the case for ...", "made clear that ..."), written
    in the lexicon as "make the case", "make clear"; only with what was said: a "that"-clause or "for"."""
    if child.dep_ not in ("dobj", "ccomp", "oprd", "acomp") or child.pos_ not in ("NOUN", "ADJ"):
        return None
    lemma, word = verb.lemma_.lower(), child.lemma_.lower()
    found = next((p for p in (f"{lemma} the {word}", f"{lemma} {word}") if p in lexicon.reporting_verbs), None)
    if found is None or any(c.dep_ == "prep" and c.lower_ == "of" for c in child.children):
        return None  # "made a case of wine for the guests"
    # "for" right after the object, whether the parser hangs it on the object or the verb
    said = any(t.dep_ == "mark" and t.lower_ == "that" for t in child.subtree) or any(
        c.dep_ == "prep" and c.lower_ == "for" and c.i == child.i + 1 for c in (*child.children, *verb.children)) or any(
        c.dep_ in ("ccomp", "csubj") and c.i > child.i and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        for c in verb.children)
    return found if said else None


# Complements that carry what a predicate reports or hedges: an infinitive, a clause, an adjective
# or a noun after a copula-like verb.
_COMPLEMENTS = frozenset({"xcomp", "ccomp", "acomp", "oprd", "attr"})


def source_noun(tok: Token, lexicon: Lexicon) -> bool:
    """Whether a noun after "according to" can be a source: anything but a norm or a plan of the
    lexicon's `norms` ("distributed according to a formula", "went according to plan": in keeping
    with it, no one says anything)."""
    return tok.lemma_.lower() not in lexicon.norms and tok.lower_ not in lexicon.norms


def said_by_cue(tok: Token, cues: dict[int, str]) -> bool:
    """Whether the token lies in what one of the sentence's cues reports (under its clause or
    infinitive): "Ada Brink said the plan appears to work" ("Asked whether ..., Ada Brink said" is not)."""
    while tok.head.i != tok.i:
        if tok.head.i in cues and tok.dep_ in ("ccomp", "xcomp", "parataxis", "dobj"):
            return True
        tok = tok.head
    return False


def says_something(tok: Token) -> bool:
    """Whether a passive reporting verb carries what was said: a clause, an infinitive or a complement
    ("it was reported that ...", "talks are expected to resume", "was described as reckless", "was
    asked about the fire"); "the report was published on Monday" says nothing."""
    return any(c.dep_ in _COMPLEMENTS or (c.dep_ == "prep" and c.lower_ in ("as", "about", "of"))
               for c in tok.children)


def unsourced_kind(tok: Token, lemma: str, lexicon: Lexicon) -> str | None:
    """The class of a report that names no source, or None: the text hedging with a verb of
    `hedging_verbs` before an infinitive, a clause or a complement ("the plan appears to be working",
    "it seems that ...", "candidates who appeared likable": "hedge"), or a verb of `hearsay_passives` in
    an agentless passive before one, or before "as" ("she is considered the favourite", "the tower is
    known as the Needle", "it is understood that ...": "belief"). Not "appeared at the rally", "the
    video appeared on websites", "was considered for the post", nor one negated."""
    if tok.pos_ not in ("VERB", "AUX") or any(c.dep_ == "neg" for c in tok.children):
        return None
    complement = any(c.dep_ in _COMPLEMENTS for c in tok.children)
    if lemma in lexicon.hedging_verbs and complement and tok.dep_ not in ("amod", "acl"):
        return "hedge"
    if (lemma in lexicon.hearsay_passives and tok.tag_ == "VBN"
            and any(c.dep_ == "auxpass" for c in tok.children) and not any(c.dep_ == "agent" for c in tok.children)
            and (complement or any((c.dep_ == "prep" and c.lower_ == "as") or (c.dep_ == "advcl" and any(
                m.dep_ == "mark" and m.lower_ == "as" for m in c.children) and not any(
                g.dep_ in ("nsubj", "nsubjpass") for g in c.children)) for c in tok.children))):
        # "as" before a noun, or opening a clause with no subject of its own ("seen as more wedded to
        # the ferries"; "was seen as she left the pier" is a time)
        return "belief"
    return None


def inverted_speaker(verb: Token) -> Token | None:
    """The speaker after a verb that follows a quotation, parsed as its object: "“...,” responded
    campaign chairman Jo Lind" (a name right after the verb, the verb right after the quotation)."""
    doc = verb.doc
    before = [t for t in doc[max(verb.sent.start, verb.i - 2): verb.i] if not t.is_space]
    if not before or not any(t.is_quote for t in before) or not all(t.is_quote or t.text == "," for t in before):
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if obj is None or obj.ent_type_ != "PERSON" or obj.left_edge.i != verb.i + 1:
        return None
    return obj


def unnamed_one(verb: Token) -> bool:
    """A reporting verb whose subject is a bare "one", "another", "some", "others" or "many" ("“...,”
    one said", "said another", "others said ..."): some of the people the text has just described,
    whom it does not name. Not "one of the aides" (named as the part of a group) nor "no one"."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subject is not None and subject.lower_ in _UNNAMED_SOME and not any(True for _ in subject.children)


def cue_opening(cue: Token, lexicon: Lexicon) -> Token:
    """The word that opens a cue's verbal group: a verb of the lexicon's `cue_openers` the cue hangs
    from with the same subject ("went on to praise", "began by threatening", "came forward to tell",
    "spent the rally attacking"), or a verb that delivers the speech noun a participle cue describes
    ("sent an email saying", "provided a statement saying"). Otherwise the cue itself."""
    start = cue
    for _ in range(3):
        head = start.head
        if head.i == start.i or head.i > start.i:
            break
        if start.dep_ == "pcomp" and head.lower_ == "by" and head.head.i < head.i:
            head = head.head  # "began by threatening"
        elif start.dep_ == "acl" and start.tag_ == "VBG" and head.dep_ == "dobj" and head.head.pos_ == "VERB" \
                and head.head.i < head.i and (head.lemma_.lower() in lexicon.reporting_nouns
                                             or head.lemma_.lower() in lexicon.document_sources):
            start = head.head  # "sent an email saying", "provided a sworn statement saying"
            continue
        elif not (start.dep_ == "xcomp" or (start.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in start.children))
                  or (start.dep_ == "advcl" and start.tag_ == "VBG" and head.lemma_.lower() == "spend")) \
                or any(c.dep_ in ("nsubj", "nsubjpass") for c in start.children):
            break  # "went on to praise", "spent the rally attacking"; not "took note of ..., writing"
        if head.pos_ != "VERB" or head.lemma_.lower() not in lexicon.cue_openers:
            break
        start = head
    return start


def interrupted_by_cue(verb: Token, lexicon: Lexicon) -> bool:
    """A verb whose subject is no one who speaks, interrupted by a parenthetical cue with its own subject
    ("That culture, they said, emphasizes selling ...", parsed with "emphasizes" as the main verb): the
    verb is what the parenthetical reports, not a report of its own."""
    from .attribution import is_agent
    from .clauses import _subject_of

    subject, _ = _subject_of(verb)
    if subject is None or subject.i > verb.i or is_agent(subject, lexicon):
        return False
    return any(c.dep_ == "parataxis" and subject.i < c.i < verb.i and c.lemma_.lower() in lexicon.reporting_verbs
               and any(g.dep_ == "nsubj" for g in c.children) for c in verb.children)


def unheld_report(noun: Token, lexicon: Lexicon, cues: dict[int, str]) -> bool:
    """A reporting noun that no one holds, with a clause of what it says ("news that the inquiry had
    reopened", "amid fears that the pier would close", "the claim that the mayor lied is false"):
    something said or believed, by no one the text names. Not a noun with a holder ("her warning
    that ..."), one a cue takes as its object or phrase ("denied reports that ...", "said in a
    statement that ..."), the object of a verb (whose subject may hold it: "shares the view that ..."),
    nor one without a clause of its own ("claims of fraud")."""
    children = list(noun.children)
    if any(c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ in ("by", "from", "among")) for c in children):
        return False
    head = noun.head
    if noun.dep_ == "dobj" or (noun.dep_ in ("nsubj", "nsubjpass", "attr") and head.i in cues):
        return False  # "shares the view that ...", "the data support the view that ...": whose, unsure
    if noun.dep_ == "pobj" and (head.head.i in cues or head.head.lower_ in ("according", "citing")):
        return False
    clause = next((c for c in children if c.dep_ in ("acl", "ccomp") and c.i > noun.i and c.pos_ in ("VERB", "AUX")
                   and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
                   and (c.dep_ == "ccomp" or any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children))), None)
    if clause is None:
        return False
    return not said_by_cue(noun, cues)
