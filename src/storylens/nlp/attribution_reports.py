"""A sentence's attributions besides its main one, and all of them as `Report`s.

`other_attribution` reads a reporting predicate that is not the sentence's main one ("..., while
organisers claimed ...", "..., calling it ..."); `withheld_attribution` a negated one that holds
something back ("the campaign has not said whether ..."); `sentence_reports` turns a sentence's
`Attribution` into its Reports, each speaker resolved, in text order.
"""

from __future__ import annotations

from typing import Callable

from spacy.tokens import Token

from ..records import Report
from .attribution import (
    _DOCUMENT_VERBS,
    _GROUP_PRONOUNS,
    _PERSON_HEADS,
    _PERSON_NOUNS,
    _RELATIVE_PRONOUNS,
    _THING_PRONOUNS,
    Attribution,
    _is_document_verb,
    _nearest_noun_before,
    describe_speaker,
)
from .clauses import _subject_of
from .lexicon import Lexicon, reporting_class
from .predicate_shapes import said_by_cue


def other_attribution(tok: Token, lemma: str, lexicon: Lexicon, quoted: set[int],
                       cues: dict[int, str]) -> Attribution | None:
    """The attribution of a reporting predicate that is not the sentence's main one, or None when
    it names nobody: "..., while organisers claimed ...", "..., calling it ...", "who said ..."."""
    if tok.tag_ == "VBN" and tok.dep_ not in ("conj", "ROOT") and not any(
            c.dep_ in ("aux", "auxpass", "agent") for c in tok.children):
        return None  # "the woman accused of the killings" is accused, not accusing (however it is parsed)
    if tok.dep_ == "relcl" and any(c.lower_ in ("when", "while") for c in tok.children):
        return None  # "in December, when the mayor called for ...": a time, not who speaks here
        # ("a post where X claimed ...", "the rally, where she said ...": a place where X did speak)
    if tok.dep_ == "relcl" and lemma in lexicon.reporting_needs_content and not any(
            c.dep_ in ("ccomp", "xcomp", "dobj") for c in tok.children):
        return None  # "the officers, who responded with tear gas": no parenthetical inside a relative clause
    if any(c.dep_ == "aux" and c.tag_ == "MD" for c in tok.children):
        return None  # "the reporter could write that ...", "he will reveal ...": not said (yet)
    if (tok.dep_ == "xcomp" and tok.head.i not in cues) or (
            tok.dep_ != "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)):
        return None  # "I don't want people to think ...", "she refused to say": wanted, not said
    own = any(c.dep_ in ("nsubj", "nsubjpass", "agent") for c in tok.children)
    if not own and tok.dep_ == "conj" and any(c.dep_ == "xcomp" and c.i < tok.i for c in tok.head.children):
        return None  # "declined to threaten Moscow or declare it responsible": the infinitive goes on
    if not own and tok.dep_ in ("conj", "advcl", "xcomp") and tok.head.dep_ != "ROOT" and tok.head.i not in cues \
            and (said_by_cue(tok.head, cues) or not _controlled(tok.head)):
        # The subject would come from a predicate inside what someone said ("said the president did
        # not know ..., and accused ..." parsed with "accused" under "know"), or from one with no
        # subject of its own: too far to trust. "Clinton moved on Sunday to press her advantage,
        # urging voters ..." takes the subject of "moved" through "to press".
        return None
    subject, _ = _subject_of(tok)
    if subject is not None and subject.i in quoted:
        subject = _nearest_noun_before(tok, quoted)
    if subject is not None and subject.lower_ in _RELATIVE_PRONOUNS:
        # "the voters who said ...": the people the relative clause is about speak; "a voice that said" is
        # no one, and neither is "listeners to his radio program who said" read as the program's clause.
        head = tok.head
        person = head.tag_ in ("NNS", "NNPS") or head.ent_type_ in ("PERSON", "NORP") or head.lemma_.lower() in (
            _PERSON_HEADS | _PERSON_NOUNS) or (head.pos_ == "PROPN" and head.text[:1].isupper() and head.ent_type_ in ("", "ORG")
                                               and not any(c.dep_ == "conj" for c in head.children))
        # "Bone, who", "McClendon, who" (a surname the tagger took for an organisation: "who" is a person;
        # a capital inside the name is no lower-case word)
        # "Greenpeace, which said ...", "the network, which reported on ...": an organisation speaks
        organisation = (head.ent_type_ == "ORG" or head.lemma_.lower() in lexicon.organisation_anaphors) and \
            head.lemma_.lower() not in lexicon.document_sources and head.lower_ not in lexicon.document_sources
        subject = head if tok.dep_ == "relcl" and ((subject.lower_ == "who" and person)
                                                  or (subject.lower_ == "which" and organisation)) else None
    if subject is None or subject.lower_ in _GROUP_PRONOUNS - {"they"}:
        # "we" in a clause of its own points too far to resolve safely; "they" is resolved only
        # to a plural group that agrees with it (read.py, nlp/coref.py)
        return None
    verb = lemma
    if verb in _DOCUMENT_VERBS and _is_document_verb(tok):
        verb = "state"
    if verb == "quote":
        return None
    name, kind, anaphor, title = describe_speaker(subject, lexicon)
    if name is None and anaphor is None:
        return None
    return Attribution(name, kind, anaphor, title, verb, anaphor_at=subject.idx if anaphor is not None else None,
                       cue_at=tok.idx, cue_end=tok.idx + len(tok.text))


def withheld_attribution(tok: Token, lemma: str, lexicon: Lexicon, quoted: set[int]) -> Attribution | None:
    """A negated reporting verb of the lexicon's `refusals.withheld` with its own subject ("Gillibrand did
    not reveal his name", "the campaign has not said whether ..."): what the subject held back, a report
    with the verb "not <lemma>" and the class "refusal", never the sentence's speaker. Not another verb
    ("did not apologize"), a modal one ("could not say"), nor one without a subject of its own."""
    if lemma not in dict(lexicon.refusals).get("withheld", ()):
        return None  # "did not apologize", "did not add jobs": nothing held back
    if any(c.dep_ == "aux" and c.tag_ == "MD" and c.lower_ != "would" for c in tok.children):
        return None  # "could not say": unable, not withheld
    if tok.dep_ in ("relcl", "acl", "xcomp") or tok.tag_ == "VBG":
        return None
    subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.i in quoted or subject.lower_ in _RELATIVE_PRONOUNS | _GROUP_PRONOUNS | _THING_PRONOUNS:
        return None
    name, kind, anaphor, title = describe_speaker(subject, lexicon)
    if (name is None and anaphor is None) or kind == "document":
        return None
    return Attribution(name, kind, anaphor, title, f"not {lemma}", anaphor_at=subject.idx if anaphor is not None else None,
                       cue_at=tok.idx, cue_end=tok.idx + len(tok.text))


def _controlled(verb: Token) -> bool:
    """Whether a verb takes its subject from the main clause through infinitives, participles and
    coordination alone: "moved to press ...", "is insisting ... and urging"."""
    while verb.dep_ != "ROOT":
        if verb.dep_ not in ("xcomp", "advcl", "conj") or any(c.dep_ in ("nsubj", "nsubjpass", "mark")
                                                             for c in verb.children):
            return False
        verb = verb.head
    return True


def sentence_reports(attribution: Attribution, speaker: str | None, title: str | None, lexicon: Lexicon,
                     resolve: Callable[[Attribution], str | None]) -> tuple[Report, ...]:
    """Every attribution of a sentence as Reports, in text order: the main one (its speaker already
    resolved), the others, each resolved by `resolve` (one that resolves to nobody is left out), and
    those that name no source ("is expected to ...", "it was reported that ..."), with speaker None."""
    found: list[Report] = []
    if speaker is not None and attribution.verb is not None and attribution.cue_at is not None:
        found.append(Report(speaker, attribution.verb, min(attribution.cue_from or attribution.cue_at, attribution.cue_at),
                            attribution.cue_end or attribution.cue_at,
                            reporting_class(lexicon, attribution.verb), title))
    for other in attribution.others:
        # "the president" in a second clause stays as written: a title does not tell which person it is;
        # a document ("the poll") is named as written and never enters the resolver's people or pronouns.
        if other.kind == "document":
            name = other.speaker
        elif other.anaphor == "person" and other.title and other.speaker is None:
            name = other.title
        else:
            name = resolve(other)
        if name is not None and other.verb is not None and other.cue_at is not None:
            # what a document shows is a finding, whatever the verb's class as speech ("the returns reveal")
            kind = "finding" if other.kind == "document" and other.verb in lexicon.document_verbs \
                else reporting_class(lexicon, other.verb)
            found.append(Report(name, other.verb, min(other.cue_from or other.cue_at, other.cue_at),
                                other.cue_end or other.cue_at,
                                kind, other.title if other.speaker else None))
    for verb, kind, start, end in attribution.unsourced:
        found.append(Report(None, verb, start, end, kind))
    return tuple(sorted(found, key=lambda r: r.cue_start))
