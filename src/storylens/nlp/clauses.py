"""Clauses around a reporting verb: its subject (through the parser's usual slips), and whether it
sits in a clause that says no one spoke ("until the fire service says ...", "if the ministry says
...") or in one that still asserts ("although the agency said ...", "when she said that ...").

Pure functions of the parse; nlp/attribution.py builds the sentence's attributions on them.
"""

from __future__ import annotations

from spacy.tokens import Token

from . import predicate_shapes as shapes

# Subordinators of a clause that is not the sentence's attribution: "until the fire service
# says it is safe", "if the ministry says the count is wrong". ("As X said, ..." attributes.)
_SUBORDINATE_MARKS = frozenset({"until", "till", "before", "after", "when", "whenever", "if", "unless", "once",
                                "while", "because", "since", "whether", "although", "though"})
# Of those, the ones whose clause still says that someone spoke: "..., while organisers claimed ...",
# "although the agency said ...". Such a cue is one of the sentence's other attributions.
_ASSERTING_MARKS = frozenset({"while", "whereas", "although", "though", "because", "since", "after"})
# Of the others, those whose clause in the past tense tells what happened: "when she said that ...".
_PAST_ASSERTING_MARKS = frozenset({"when", "before", "once", "until", "till"})
_GERUND_TIMES = frozenset({"before", "after", "while", "since"})


def _reduced_main_verb(tok: Token) -> bool:
    """Parser slip: "Ukrainian intelligence reported that ..." read as a noun with a relative clause."""
    return tok.dep_ == "acl" and tok.tag_ == "VBD" and tok.head.dep_ == "ROOT" and tok.head.pos_ in ("NOUN", "PROPN")


def _in_subordinate_clause(tok: Token, marks: frozenset[str] = _SUBORDINATE_MARKS) -> bool:
    """A verb in (or under) an adverbial clause opened by "until", "if", "after" ...: it reports a
    condition or a time, not who is speaking."""
    while True:
        if tok.dep_ == "advcl" and any(c.dep_ in ("mark", "advmod") and c.lower_ in marks for c in tok.children):
            return True
        if tok.head.i == tok.i:
            return False
        tok = tok.head


def _in_unasserted_clause(tok: Token) -> bool:
    """A verb in a clause that says no one spoke: a condition or a time to come ("if the ministry says
    ...", "until the fire service says it is safe", "when officials announce the result"). A clause of
    time in the past tense tells what happened ("when one analyst said on air that ..."): asserted."""
    while True:
        if tok.dep_ == "advcl":
            mark = next((c.lower_ for c in tok.children if c.dep_ in ("mark", "advmod")
                         and c.lower_ in _SUBORDINATE_MARKS), None)
            if mark is not None and mark not in _ASSERTING_MARKS and not (
                    mark in _PAST_ASSERTING_MARKS and tok.tag_ == "VBD"):
                return True
        if tok.head.i == tok.i:
            return False
        tok = tok.head


def _with_saying(verb: Token) -> bool:
    """A participle on the noun after "with" ("stocks fell, with analysts saying the data was weak"),
    parsed as the noun's clause: that noun is the participle's subject."""
    noun = verb.head
    if not (verb.tag_ == "VBG" and verb.dep_ == "acl" and verb.i == noun.i + 1 and noun.pos_ in ("NOUN", "PROPN")):
        return False
    # "with analysts saying ...", or the noun read as the subject of a clause after "with"
    return (noun.dep_ == "pobj" and noun.head.lower_ == "with") or (
        noun.dep_ == "nsubj" and noun.head.dep_ == "pcomp" and noun.head.head.lower_ == "with")


def _subject_of(verb: Token) -> tuple[Token | None, bool]:
    """The subject of a verb and whether it came from a passive agent."""
    agent = None
    subj = None
    for child in verb.children:
        if child.dep_ in ("nsubj", "expl"):
            subj = child if child.dep_ == "nsubj" else subj
        elif child.dep_ == "nsubjpass":
            subj = child
        elif child.dep_ == "agent":
            agent = next((c for c in child.children if c.dep_ == "pobj"), None)
    if agent is not None:
        return agent, True
    if subj is None:
        subj = shapes.inverted_speaker(verb)
    if subj is None and _reduced_main_verb(verb):
        subj = verb.head
    if subj is None:
        # Parser slip: the subject hangs off the auxiliary ("Russia has ... admitted").
        for aux in verb.children:
            if aux.dep_ in ("aux", "auxpass"):
                subj = next((c for c in aux.children if c.dep_ in ("nsubj", "nsubjpass")), subj)
    if subj is None and verb.i > verb.sent.start and not (
            verb.tag_ == "VBG" and verb.dep_ in ("advcl", "xcomp", "conj", "acl", "pcomp")):
        # Parser slip: "According to X on April 26, Chief ... Valery Gerasimov reported".
        # Also with the name in a comma-closed apposition: "In a statement, her adviser, Jo Lind, said".
        # (Not a participle after a comma: in "Vos defended Brek, saying ...", Brek is the object.)
        prev = verb.doc[verb.i - 1]
        if prev.text == "," and verb.i - 1 > verb.sent.start:
            prev = verb.doc[verb.i - 2]
        if prev.ent_type_ in ("PERSON", "ORG") and prev.pos_ == "PROPN":
            subj = prev
    if subj is None and verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return _subject_of(verb.head)[0], False
    if (subj is None and verb.tag_ == "VBG" and verb.dep_ == "pcomp" and verb.head.lower_ in _GERUND_TIMES | {"by"}
            and verb.head.head.pos_ in ("VERB", "AUX")):
        return _subject_of(verb.head.head)[0], False  # "she began by saying ...", "..., before noting that ..."
    if (subj is None and verb.tag_ == "VBG" and verb.dep_ == "acl" and verb.head.ent_type_ == "PERSON"
            and verb.i > verb.head.i and verb.doc[verb.i - 1].text == ","):
        return verb.head, False  # "..., responded Jo Lind, adding that ...": the participle hangs on the name
    if subj is None and _with_saying(verb):
        return verb.head, False  # "..., with analysts saying ...": the noun after "with" speaks
    if subj is None and verb.tag_ == "VBG" and verb.dep_ in ("advcl", "xcomp", "conj") and verb.head.pos_ in ("VERB", "AUX"):
        # Participle cues: "The ministry issued a statement, saying ..."; "..., adding that ...".
        head = verb.head
        while (head.dep_ == "xcomp" and head.head.pos_ in ("VERB", "AUX") and not any(
                c.dep_ in ("nsubj", "nsubjpass") for c in head.children)
               and not any(c.dep_ in ("dobj", "dative") for c in head.head.children)):
            head = head.head  # "moved on Sunday to press her advantage, urging ...": who moved urges
        head_subject = _subject_of(head)[0]
        if head_subject is None:
            # '"...," responded Jo Lind, adding ...' parsed with the inverted speaker as the object
            head_subject = next((c for c in verb.head.children if c.dep_ == "dobj" and c.ent_type_ == "PERSON"
                                 and verb.head.i < c.i < verb.i and any(t.is_quote for t in verb.doc[
                                     verb.head.sent.start: verb.head.i])), None)
        return head_subject, False
    if (subj is None and verb.tag_ == "VB" and verb.dep_ == "advcl" and verb.head.pos_ in ("VERB", "AUX")
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)):
        # An infinitive of purpose shares its subject: "she went on air to deny it", "he took his
        # class to the museum to explain ..."; "declined to comment" (xcomp) reports nothing.
        return _subject_of(verb.head)[0], False
    return subj, False
