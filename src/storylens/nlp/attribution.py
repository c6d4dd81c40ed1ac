"""Who says a sentence, with which verb, directly or not, and through whom.

The speaker is the subject of a reporting verb outside quotation marks, the agent of
a passive one ("This was stated by X"), the subject of "X was quoted as saying", or
X in "according to X". "X reported, citing Y" and "..., according to Y" after a
named speaker give `via` = Y. Pronouns and bare nouns ("he", "the agency", "the
statement") are left as anaphors for the article-level resolver in read.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from .lexicon import Lexicon, reporting_class
from . import predicate_shapes as shapes
from .clauses import (
    _GERUND_TIMES,
    _in_subordinate_clause,
    _in_unasserted_clause,
    _reduced_main_verb,
    _subject_of,
    _with_saying,
)

_OPENERS = {"“": "”", "«": "»", "„": "“"}
_QUOTE_CHARS = re.compile(r"[“”«»„\"\n]")
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_GROUP_PRONOUNS = frozenset({"they", "them", "we"})
_THING_PRONOUNS = frozenset({"it"})
_QUANTIFIER_PRONOUNS = frozenset({"some", "most", "many", "several", "both", "all", "few", "each", "one", "two", "three"})
_AGENT_SUFFIXES = ("er", "or", "ist", "ian", "ant")  # nouns of someone who does something: insurer, lobbyist
_NUMBER_ENTITIES = frozenset({"CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY", "DATE", "TIME"})
_RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom", "whose"})
_SKIP_DEPS = frozenset({"relcl", "acl", "amod", "compound", "pcomp", "csubj", "aux", "auxpass"})
_NP_CUT = frozenset({"relcl", "acl", "advcl", "punct", "cc", "prep"})
_KEEP_PREPS = frozenset({"of", "at", "for", "from", "in"})


def _named_prep(prep: Token) -> bool:
    """A prepositional phrase that names something: "at the Center for ...", not "for the first time"."""
    return any(
        c.dep_ == "pobj" and any(t.pos_ == "PROPN" or t.ent_type_ for t in c.subtree) for c in prep.children
    )
# "the statement read", "this statement was made by X": verbs that report through a document.
_DOCUMENT_VERBS = frozenset({"read", "make", "issue", "release", "publish"})
_DOCUMENT_NOUNS = frozenset({
    "statement", "letter", "post", "message", "note", "communique", "release", "text", "tweet",
    "remark", "comment", "announcement", "claim", "declaration", "report",
})


# Prepositions before a gerund that happened when the clause it hangs on did: "before noting that ...".
_PERSON_NOUNS = frozenset({"man", "woman", "person", "girl", "boy", "mother", "father", "son", "daughter", "wife",
                           "husband", "friend", "neighbour", "neighbor", "witness", "resident", "voter", "member",
                           "leader", "worker", "employee", "candidate", "doctor", "teacher", "student", "officer"})
_PERSON_HEADS = frozenset({"spokesman", "spokeswoman", "spokesperson", "official", "minister", "president",
                           "lawyer", "attorney", "director", "chief", "secretary", "adviser", "advisor", "aide"})
_SPEECH_OBJECTS = frozenset({
    "warning", "statement", "comment", "remark", "message", "question", "caveat", "note", "word", "detail",
    "explanation", "assurance", "promise", "threat", "appeal", "plea", "call", "demand", "criticism", "praise",
    # what a denial denies: "denied the allegations", "rejected the claims"
    "claim", "allegation", "accusation", "report", "charge", "rumor", "rumour", "suggestion", "assertion",
    "speculation", "account", "story", "involvement", "responsibility", "wrongdoing", "link", "connection",
    "existence", "notion", "idea", "premise", "characterization", "characterisation", "point", "sentiment",
})


def lemma_of(tok: Token, lexicon: Lexicon) -> str:
    """The token's lemma, corrected where the tagger's lemmatiser confuses two verbs (lexicon
    `lemma_corrections`: "hoped" and "hoping" are given "hop"; "hopped" and "hopping" stay "hop")."""
    lemma = tok.lemma_.lower()
    target = next((to for wrong, to in lexicon.lemma_corrections if wrong == lemma), None)
    if target is not None and (tok.lower_.startswith(target) or tok.lower_ == lemma + "ing"):
        return target
    return lemma


def reporting_lemma(tok: Token, lexicon: Lexicon) -> str | None:
    """The reporting lemma of a verb in its reporting sense ("call for", "urge", "say"), else None.

    "The nation added 178,000 jobs" and "the firm posted a loss" are not reports: a verb of
    `reporting_needs_content` reports only with a clause, a quotation, a speech noun as object,
    or as a parenthetical after what was said ("..., he added").
    """
    lemma = _reporting_sense(tok, lexicon)
    if lemma is not None and reporting_class(lexicon, lemma) == "call_for" and _no_one_calls(tok, lexicon):
        return None  # "his treatment of staff demanded censure", "the storm calls for care"
    return lemma


def _no_one_calls(verb: Token, lexicon: Lexicon) -> bool:
    """A verb of calling for whose subject is a thing: no one calls ("the storm calls for care"); a
    person, group, organisation, document, plan ("the plan calls for two bridges") or a noun of
    someone who does something ("the insurer", "the lobbyist") may."""
    subject, _ = _subject_of(verb)
    if subject is None or subject.pos_ != "NOUN" or is_agent(subject, lexicon):
        return False
    lemma = subject.lemma_.lower()
    return not (lemma in lexicon.document_sources or subject.lower_ in lexicon.document_sources
                or lemma in lexicon.norms or lemma.endswith(_AGENT_SUFFIXES))


def _reporting_sense(tok: Token, lexicon: Lexicon) -> str | None:
    """The reporting lemma of a verb before the calling-for check (see reporting_lemma)."""
    lemma = lemma_of(tok, lexicon)
    phrasal = shapes.phrasal_reporting(tok, lemma, lexicon)
    if phrasal is not None:
        if phrasal in lexicon.reporting_agent_only:
            subject, _ = _subject_of(tok)
            return phrasal if subject is not None and is_agent(subject, lexicon) else None
        return phrasal
    for child in tok.children:
        idiom = shapes.idiom(tok, child, lexicon)
        if idiom is not None:
            return idiom
        if child.dep_ in ("advcl", "ccomp", "xcomp"):
            # "called for the county to close the bridge": the parser makes "for" the marker of the
            # clause that follows, not a particle of the verb; right after the verb it is the phrasal verb.
            mark = next((m for m in child.children if m.dep_ == "mark" and m.i == tok.i + 1), None)
            if mark is not None and f"{lemma} {mark.lower_}" in lexicon.reporting_verbs:
                return f"{lemma} {mark.lower_}"
    if lemma in lexicon.raising_verbs and shapes.shortened_passive(tok):
        return None  # "the man believed to have set the fire": no one here believes
    if lemma in lexicon.figure_estimates and lemma not in lexicon.reporting_verbs:
        return lemma if shapes.states_figure(tok) else None
    if lemma not in lexicon.reporting_verbs:
        return None
    if lemma in lexicon.reporting_needs_agent and any(
            c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in tok.children):
        subject, _ = _subject_of(tok)
        if subject is not None and not is_agent(subject, lexicon):
            return None  # "the revelations threaten to be the fatal blow", "the deals propose to include ..."
    if shapes.byline(tok):
        return None  # "Ada Wilk reported from Velm", "contributed reporting from Moscow": where, not what
    if lemma in lexicon.reporting_parenthetical:
        # "..., he continued." but not "prices continued to rise": only after what was said.
        sent = tok.sent
        before = [t for t in sent if t.i < tok.i and not t.is_space]
        bare = not any(c.dep_ in ("dobj", "xcomp", "ccomp", "prep", "advcl") and c.i > tok.i for c in tok.children)
        quoted_before = bool(before) and any(t.is_quote for t in before[-4:])
        return lemma if bare and (quoted_before or (sent.start > 0 and sent.doc[sent.start - 1].is_quote)) else None
    if lemma in lexicon.reporting_needs_content:
        doc = tok.doc

        def set_off(clause: Token) -> bool:
            # A clause before the verb is what was said only when set off from it ("..., she added"),
            # not "She spoke about it ...; she called into a show" parsed as one clause under the other.
            return clause.i > tok.i or any(t.is_quote or t.text == "," for t in doc[clause.right_edge.i: tok.i])

        children = list(tok.children)
        if any((c.dep_ in ("ccomp", "xcomp", "oprd", "parataxis") and set_off(c))
               or (c.dep_ == "prep" and c.lower_ in ("of", "that", "as")) for c in children):
            return lemma
        if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in children) and not any(
                c.dep_ in ("dobj", "nsubjpass") for c in children):
            return lemma  # "..., as her supporters noted": what was said is the clause "as" hangs from
        if lemma in dict(lexicon.refusals).get("unanswered", ()) and any(
                c.dep_ == "prep" and c.lower_ == "to" and any(
                    o.dep_ == "pobj" and o.lemma_.lower() in lexicon.answered_claims for o in c.children)
                for c in children):
            return lemma  # "responded to the allegations", "replied to questions from reporters"
        if reporting_class(lexicon, lemma) == "ask" and any(
                (c.dep_ == "prep" and c.lower_ == "about") or (c.dep_ == "advcl" and c.i > tok.i and any(
                    m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children)) for c in children):
            return lemma  # "asked about the fire", "asked the board if it would pay": what was asked
        speech_objects = _SPEECH_OBJECTS | lexicon.reporting_nouns
        if any(c.dep_ == "dobj" and (c.lemma_.lower() in speech_objects or c.tag_ == "VBG") for c in children):
            return lemma  # "added a warning", "expressed concern"
        if any(c.dep_ == "dobj" and any(t.is_quote for t in c.subtree) for c in children):
            return lemma  # "described a culture of “...”": what was said is quoted in the object
        if reporting_class(lexicon, lemma) == "criticize" and _person_against_person(tok, lexicon.attitude_holders):
            return lemma  # "Trump attacked Clinton's record", not "troops attacked the town"
        if any(c.dep_ in ("dobj", "dative") and any(g.dep_ == "acl" and any(m.dep_ == "mark" and m.lower_ == "that"
                                                                          for m in g.children) for g in c.children)
               for c in children):
            return lemma  # "assured residents that ...", the clause parsed as the object's
        if any(c.dep_ == "dobj" and any(g.dep_ == "prep" and g.lower_ == "as" for g in c.children) for c in children):
            return lemma  # "remembered the school as cold", "as" parsed under the object
        sent = tok.sent
        # Parenthetical: "..., he added." / "\"...,\" she noted": what was said comes before the verb.
        before = [t for t in sent if t.i < tok.i and not t.is_space]
        mark = next((t for t in reversed(before[-4:]) if t.is_quote or t.text == ","), None)
        subject = {t.i for c in children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}
        # Only the subject (and adverbs) between the comma or quote and the verb: "..., she added",
        # not "..., Mo.; she called into a radio show".
        between_ok = mark is not None and all(t.i in subject or t.pos_ in ("ADV", "AUX", "PUNCT")
                                              for t in before if t.i > mark.i)
        if between_ok and tok.i > sent.start and not any(c.dep_ == "dobj" for c in children):
            return lemma
        if any(t.is_quote for t in sent) and not any(c.dep_ == "dobj" for c in children):
            return lemma
        # "“...!” he tweeted.", "“...?” her top aide Ada Vos wrote to staff": the sentence splitter cut
        # the quotation off, the sentence opens after it with the verb's subject.
        opening = [t for t in sent if not t.is_space and t.i < tok.i]
        if (sent.start > 0 and sent.doc[sent.start - 1].is_quote and all(t.i in subject for t in opening)
                and not any(c.dep_ == "dobj" for c in children)):
            return lemma
        if shapes.inverted_speaker(tok) is not None:
            return lemma  # "“...,” responded campaign chairman Jo Lind": the speaker parsed as the object
        return None
    return lemma


def _surname_of_person(tok: Token) -> bool:
    """A name alone that the article gives elsewhere as a person's surname ("Trump" tagged as an
    organisation here, "Donald Trump" a person in the lead)."""
    return tok.pos_ == "PROPN" and not any(c.dep_ == "compound" for c in tok.children) and any(
        e.label_ == "PERSON" and len(e) > 1 and e[-1].lower_ == tok.lower_ for e in tok.doc.ents)


def _person_against_person(verb: Token, holders: frozenset[str] = frozenset()) -> bool:
    """A verb whose subject is a named person (or "he"/"she") and whose object is a named person or
    organisation, one of `holders` (people and institutions: "the media", "the administration"), or
    something of theirs ("Trump attacked Clinton's record", "she mocked the senator")."""
    def named(tok: Token) -> bool:  # a person or organisation, or a name the tagger left untyped
        return tok.ent_type_ in ("PERSON", "ORG", "NORP") or (tok.pos_ == "PROPN" and not tok.ent_type_)

    subject, _ = _subject_of(verb)
    if subject is None or not (subject.ent_type_ == "PERSON" or (subject.pos_ == "PROPN" and not subject.ent_type_)
                               or subject.lower_ in ("he", "she") or _surname_of_person(subject)):
        return False  # "Russia attacked ...", "troops attacked ...": not a person criticising
    for obj in (c for c in verb.children if c.dep_ == "dobj"):
        if named(obj) or obj.lower_ in ("him", "her", "them"):
            return True
        if any(c.dep_ == "poss" and (named(c) or c.lower_ in ("his", "her", "their")) for c in obj.children):
            return True
        if obj.lemma_.lower() in _PERSON_HEADS or obj.lemma_.lower() in holders or obj.lower_ in holders:
            return True
    return False


def is_agent(tok: Token, lexicon: Lexicon) -> bool:
    """Whether a subject can speak or hold an attitude: a person, a group or an organisation ("Ryan",
    "she", "most voters", "the campaign", "who"), not a thing ("the revelations", "the trade deals")."""
    lower = tok.lower_
    if lower in _QUANTIFIER_PRONOUNS:
        # "many of her closest advisers", "some of the fans": the group after "of"
        of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        group = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if group is not None:
            return is_agent(group, lexicon)
    if tok.pos_ == "PRON" or lower in _PERSON_PRONOUNS | _GROUP_PRONOUNS | _THING_PRONOUNS:
        # "some are demanding ...", "others said ...": people, when nothing after "of" says otherwise
        return lower in _PERSON_PRONOUNS | _GROUP_PRONOUNS | {"i", "you", "who", "it", "some", "others", "many", "most"}
    if tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or tok.pos_ == "PROPN":
        return True
    lemma = tok.lemma_.lower()
    return (lemma in lexicon.attitude_holders or lemma in lexicon.organisation_anaphors
            or lemma in _PERSON_NOUNS or lemma in _PERSON_HEADS)


def _is_document_verb(tok: Token) -> bool:
    return tok.lemma_.lower() in _DOCUMENT_VERBS and any(
        c.dep_ in ("nsubj", "nsubjpass", "dobj") and c.lemma_.lower() in _DOCUMENT_NOUNS for c in tok.children
    )


@dataclass(frozen=True)
class Attribution:
    """The raw attribution of one sentence, before pronouns are resolved."""

    speaker: str | None = None
    kind: str | None = None  # person, organisation, group, document (a poll, a study: never a person)
    anaphor: str | None = None  # "person", "organisation", "any" when the speaker is a pronoun or bare noun
    title: str | None = None
    verb: str | None = None
    direct: bool = False
    via: str | None = None
    content: str | None = None
    quoted: bool = False  # the whole sentence sits inside an unclosed quotation
    anaphor_at: int | None = None  # character offset of the pronoun or bare noun
    cue_at: int | None = None  # character offsets of the cue word ("said", "according", "urged")
    cue_end: int | None = None
    # The sentence's other attributions, each with its own speaker (or anaphor) and cue:
    # "Police said ..., while organisers claimed ..." gives one for "organisers"/"claim".
    others: tuple["Attribution", ...] = ()
    # Reports that name no source, each (lemma, class, cue start, cue end): "talks are expected to
    # resume", "it was reported that ...", "he was asked whether ...", "the plan appears to work".
    unsourced: tuple[tuple[str, str | None, int, int], ...] = ()
    # Where the cue's verbal group opens, when before the cue word: "went on to praise", "began by
    # threatening", "sent an email saying" (the Report's cue covers it; `cue_at` stays the word).
    cue_from: int | None = None


def find_quote_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) of every double-quoted passage, quote marks included; quotes close at line ends."""
    regions: list[tuple[int, int]] = []
    open_at: int | None = None
    closer = ""
    for m in _QUOTE_CHARS.finditer(text):
        ch = m.group(0)
        pos = m.start()
        if ch == "\n":
            if open_at is not None:
                regions.append((open_at, pos))
                open_at = None
            continue
        if open_at is None:
            if ch in _OPENERS or ch == '"':
                open_at, closer = pos, _OPENERS.get(ch, '"')
            elif ch == "”":
                # A closer with no opener: the quotation began before this line.
                line_start = text.rfind("\n", 0, pos) + 1
                regions.append((line_start, pos + 1))
        elif ch == closer or (ch == '"' and closer == '"') or ch == "”":
            regions.append((open_at, pos + 1))
            open_at = None
    if open_at is not None:
        regions.append((open_at, len(text)))
    return regions


def _in_regions(char: int, regions: list[tuple[int, int]]) -> bool:
    return any(s <= char < e for s, e in regions)


def _ent_of(tok: Token) -> Span | None:
    if not tok.ent_type_:
        return None
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def _clean_name(text: str) -> str:
    if re.search(r"[<>=]", text):
        return ""  # markup left in the text ('tweet id="79565..."'): no one's name
    text = re.sub(r"[’']s$", "", text.strip(" ,.;:“”\"'"))
    return re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE).strip()


def _noun_phrase(head: Token, appos: bool = True) -> list[Token]:
    """The tokens of a speaker's noun phrase, without clauses hanging off it."""
    keep: list[Token] = []

    def walk(tok: Token, depth: int) -> None:
        keep.append(tok)
        for child in tok.children:
            if (child.dep_ == "appos" and not appos) or child.dep_ in _NP_CUT and not (
                child.dep_ == "prep" and child.lower_ in _KEEP_PREPS and depth < 3 and (child.lower_ == "of" or _named_prep(child))
            ):
                continue
            if child.dep_ == "conj" and tok is not head:
                continue
            walk(child, depth + 1)

    walk(head, 0)
    return sorted(keep, key=lambda t: t.i)


def _names_head(ent: Span, head: Token) -> bool:
    """A person entity that names the speaker: not a possessor or modifier in front of a common
    noun head ("Clinton aides", "Ryan's spokeswoman"), which speaks for that person but is not them."""
    if ent.start <= head.i < ent.end or ent.start > head.i:
        return True  # "Gerald Ostrow", "the chief of police Gerald Ostrow", "spokeswoman, AshLee Strong"
    return ent.root.dep_ not in ("poss", "compound", "nmod", "amod")


def describe_speaker(head: Token, lexicon: Lexicon) -> tuple[str | None, str | None, str | None, str | None]:
    """(name, kind, anaphor, title) for the head token of a speaker phrase."""
    lower = head.lower_
    # "some of her supporters", "most of the delegates": the part of a group named after "of"
    part_of_group = lower in _QUANTIFIER_PRONOUNS and any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)
    if (head.pos_ == "PRON" and not part_of_group) or lower in _PERSON_PRONOUNS | _GROUP_PRONOUNS | _THING_PRONOUNS:
        if lower in _PERSON_PRONOUNS:
            return None, None, "person", None
        if lower in _THING_PRONOUNS:
            return None, None, "organisation", None
        if lower in _GROUP_PRONOUNS:
            return None, None, "any", None
        return None, None, None, None
    if lower in ("none", "nobody", "noone") or (lower == "one" and any(c.lower_ == "no" for c in head.children)):
        return None, None, None, None  # "no one has responded", "none filed complaints": nobody speaks
    tokens = _noun_phrase(head)
    idx = {t.i for t in tokens}
    doc = head.doc
    persons = [e for e in doc.ents if e.label_ == "PERSON" and e.start in idx]
    conj = [c for c in head.children if c.dep_ == "conj"]
    named = [e for e in persons if _names_head(e, head)]
    if persons and not named and not conj and head.pos_ == "NOUN":
        # "Clinton aides", "Ryan's spokeswoman": the name modifies the head; the speaker is the
        # head with its organisation, not the person named.
        text = _clean_name(doc[tokens[0].i: tokens[-1].i + 1].text) if tokens else head.text
        plural = head.tag_ in ("NNS", "NNPS")
        return text or None, "group" if plural else "person", None, head.lemma_.lower()
    persons = named or persons
    if persons and not conj:
        # Prefer the name nearest the head: "the chief ..., Valery Gerasimov".
        person = min(persons, key=lambda e: 0 if e.start <= head.i < e.end else abs(e.root.i - head.i))
        rest = [t for t in tokens if not (person.start <= t.i < person.end) and t.dep_ not in ("punct", "det")]
        title = " ".join(t.text for t in rest).strip() or None
        return _clean_name(person.text), "person", None, title
    tokens = _noun_phrase(head, appos=False)
    text = doc[tokens[0].i : tokens[-1].i + 1].text
    # a name, not a number ("one analyst", "two aides": no organisation)
    has_proper = any(t.pos_ == "PROPN" or (t.ent_type_ and t.ent_type_ not in _NUMBER_ENTITIES) for t in tokens)
    content_words = [t for t in tokens if t.dep_ not in ("det", "poss") or t.i == head.i]
    # Only "the agency", "this ministry" point back; bare "police" or "officials" name a group.
    pointing = any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children)
    if pointing and not has_proper and len(content_words) == 1:
        # The noun goes in the title slot: with no antecedent, "the ministry" speaks as written.
        if head.lemma_.lower() in lexicon.organisation_anaphors:
            return None, None, "organisation", head.lower_
        if head.lemma_.lower() in ("official", "spokesperson", "spokesman", "spokeswoman", "minister", "president"):
            return None, None, "person", head.lower_
    if head.pos_ == "PROPN" and not persons:
        # "Harbour master Agnes Fold": a name after a lower-case title the tagger missed.
        run = []
        for t in reversed(tokens):
            if t.pos_ == "PROPN" and t.is_title and t.i <= head.i:
                run.append(t)
            else:
                break
        before = [t for t in tokens if t.i < (run[-1].i if run else head.i)]
        if len(run) >= 2 and before and before[-1].is_lower and before[-1].pos_ == "NOUN":
            run.reverse()
            title = " ".join(t.text for t in before if t.dep_ != "det")
            return doc[run[0].i : run[-1].i + 1].text, "person", None, title
    ent = _ent_of(head)
    kind = "organisation" if has_proper or head.lemma_.lower() in lexicon.organisation_anaphors else "group"
    if head.lemma_.lower() in _PERSON_HEADS and head.tag_ == "NN":
        kind = "person"  # "a spokesman for the state party" is one person, not the party
    if ent is not None and ent.label_ in ("PERSON",):
        kind = "person"
    if conj:
        kind = "group"
    elif kind != "person" and (head.lemma_.lower() in lexicon.document_sources or head.lower_ in lexicon.document_sources):
        kind = "document"  # "the AP-GfK poll said ...": a source, but no one the article quotes
    return _clean_name(text) or None, kind, None, None


def _depth(tok: Token) -> int:
    """Steps from a token up to its sentence root (spaCy makes a new Token on each access, so compare indices)."""
    depth = 0
    while tok.head.i != tok.i and depth < 30:
        tok = tok.head
        depth += 1
    return depth


def _span_text(tokens: list[Token]) -> str:
    if not tokens:
        return ""
    doc = tokens[0].doc
    start = min(t.i for t in tokens)
    end = max(t.i for t in tokens)
    return doc[start : end + 1].text


def _nearest_noun_before(verb: Token, quoted: set[int]) -> Token | None:
    """The head of the noun phrase right before a verb, outside quotations."""
    for tok in reversed(verb.sent[: verb.i - verb.sent.start]):
        if tok.i in quoted:
            return None
        if tok.is_punct or tok.is_space:
            continue
        if tok.pos_ in ("PROPN", "NOUN", "PRON"):
            return tok
        if tok.pos_ not in ("ADV", "AUX"):
            return None
    return None


def figure_speakers(sent: Span, spans: list[tuple[int, int]], lexicon: Lexicon) -> list[tuple[str | None, str | None]]:
    """Who gives each figure of a sentence: the subject of the reporting clause that governs it.

    "Police said 3,400 people marched, while organisers said 5,000 took part": 3,400 is the
    police's figure, 5,000 the organisers'. "Seoul put the number at 11,000" states a figure
    too. Returns (name, kind) per span; (None, None) where no named source governs the figure.
    """
    out: list[tuple[str | None, str | None]] = []
    for start, end in spans:
        span = sent.doc.char_span(start, end, alignment_mode="expand")
        out.append(_governing_source(span.root, lexicon) if span is not None and len(span) else (None, None))
    return out


def _governing_source(number: Token, lexicon: Lexicon) -> tuple[str | None, str | None]:
    tok = number
    for _ in range(12):
        if tok.pos_ == "VERB" and tok is not number:
            lemma = tok.lemma_.lower()
            states_figure = lemma in lexicon.figure_estimates and shapes.states_figure(tok)
            if lemma in lexicon.reporting_verbs or states_figure:
                subject, _ = _subject_of(tok)
                if subject is None:
                    return None, None
                name, kind, _, _ = describe_speaker(subject, lexicon)
                return name, kind
        if tok.head.i == tok.i:
            break
        tok = tok.head
    return None, None


def attribute_sentence(sent: Span, lexicon: Lexicon, regions: list[tuple[int, int]]) -> Attribution:
    """The attribution of one sentence; `regions` are the article's quoted passages."""
    sent_regions = [(s, e) for s, e in regions if s < sent.end_char and sent.start_char < e]
    sent_text, offset = sent.text, sent.start_char  # Doc.text is rebuilt on every access: slice the sentence

    def region_text(start: int, end: int) -> str:
        return sent_text[max(start, offset) - offset : min(end, sent.end_char) - offset]

    # Words inside a quotation belong to the quoted speaker, not the sentence's.
    quoted_tokens = {t.i for t in sent if _in_regions(t.idx, sent_regions)}
    word_tokens = [t for t in sent if not t.is_space and not t.is_punct]
    quoted = bool(word_tokens) and all(t.i in quoted_tokens for t in word_tokens)
    long_quotes = [
        (s, e) for s, e in sent_regions
        if len(re.findall(r"\w+", region_text(s, e))) >= 6
    ]

    best: Token | None = None
    best_key: tuple[int, int] | None = None
    cues: dict[int, str] = {}  # every reporting predicate of the sentence: token index -> lemma
    withheld: list[tuple[Token, str]] = []  # negated reporting verbs: "did not say whether ..."
    # reports that name no source: "is expected to", "was asked whether", "appears to be"
    unsourced: list[tuple[str, str | None, int, int]] = []
    unsourced_at: list[int] = []
    for tok in sent:
        if tok.i in quoted_tokens:
            continue
        # A cue in a relative clause ("a wall, which he said Mexico should pay for") is one of the
        # sentence's other attributions, never its own.
        nested = tok.dep_ in _SKIP_DEPS and not _reduced_main_verb(tok)
        by_saying = (tok.dep_ == "pcomp" and tok.tag_ == "VBG" and tok.head.lower_ == "by"
                     and reporting_class(lexicon, tok.lemma_.lower()) in ("speech", "writing"))
        # "..., with analysts saying ...": a participle with its own subject after "with" says something
        with_subject = tok.i not in quoted_tokens and (
            (tok.tag_ == "VBG" and tok.head.lower_ == "with" and any(c.dep_ == "nsubj" for c in tok.children))
            or (_with_saying(tok) and is_agent(tok.head, lexicon)))
        # "..., before noting that ...", "after confirming that ...": said too, one of the sentence's others
        then_saying = (tok.dep_ == "pcomp" and tok.tag_ == "VBG" and tok.head.lower_ in _GERUND_TIMES
                       # not under what was said ("told X that Y was ..., before noting": whose?)
                       and (tok.head.head.dep_ == "ROOT" or (tok.head.head.dep_ == "conj"
                                                             and tok.head.head.head.dep_ == "ROOT"))
                       and reporting_class(lexicon, tok.lemma_.lower()) in ("speech", "writing"))
        if nested and tok.dep_ != "relcl" and not by_saying and not with_subject and not then_saying:
            continue
        lemma = lemma_of(tok, lexicon)
        if tok.pos_ == "NOUN":
            rep = lemma if lemma in lexicon.reporting_verbs and any(c.dep_ == "ccomp" for c in tok.children) else None
        elif tok.pos_ in ("VERB", "AUX"):
            rep = reporting_lemma(tok, lexicon)
            if rep is not None and shapes.interrupted_by_cue(tok, lexicon):
                rep = None  # "That culture, they said, rewards speed": what "they said", not a culture speaking
        else:
            continue
        negated = rep is not None and any(c.dep_ == "neg" and c.i not in quoted_tokens for c in tok.children)
        if rep is not None and (negated or _in_unasserted_clause(tok)):
            if negated and not _in_unasserted_clause(tok):
                withheld.append((tok, rep))  # "she has not announced whether ...": held back, a report of its own
            continue  # "until the agency says ...", "she has not announced whether ...": nobody says it here
        if rep is not None and _in_subordinate_clause(tok):
            nested = True  # "..., while organisers claimed ...": said, but not the sentence's own attribution
        if rep is None and (not nested or tok.dep_ == "relcl"):
            unsourced_kind = shapes.unsourced_kind(tok, lemma, lexicon)
            if unsourced_kind is not None:
                unsourced_at.append(tok.i)
                unsourced.append((lemma, unsourced_kind, tok.idx, tok.idx + len(tok.text)))
                continue
        if rep is None and not (lemma == "quote" and tok.tag_ == "VBN") and not _is_document_verb(tok):
            continue
        if rep is None and any(c.dep_ == "neg" for c in tok.children):
            continue  # "Apple would not make any announcement"
        if (rep is not None and tok.dep_ == "advcl" and tok.tag_ in ("VBN", "VBD") and tok.i < tok.head.i
                and not any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass", "agent") for c in tok.children)
                and shapes.says_something(tok)):
            # "Asked whether the debate helped, Bone said ...": a participle before its clause, asked by
            # no one named (the tagger may read it as a past tense)
            unsourced_at.append(tok.i)
            unsourced.append((rep, reporting_class(lexicon, rep), tok.idx, tok.idx + len(tok.text)))
            continue
        if tok.tag_ == "VBN" and tok.dep_ in ("prep", "advcl") and not any(
                c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in tok.children):
            continue  # "72 percent back the levy, compared to 85 percent ...": a participle, no one says it
        if with_subject or then_saying:
            nested = True  # one of the sentence's other attributions
        elif tok.tag_ == "VBG" and any(c.dep_ == "nsubj" for c in tok.children) and not any(
                c.dep_ in ("aux", "auxpass") for c in tok.children):
            continue  # "they held banners proclaiming ...": a noun with a participle, not a clause
            # (a past participle may be a past tense the tagger misread: "Axelrod called on Dean ...")
        if lemma != "quote" and any(c.dep_ == "auxpass" for c in tok.children) and not any(
            c.dep_ == "agent" for c in tok.children
        ):
            if rep is not None and (not nested or tok.dep_ == "relcl") and tok.tag_ == "VBN" and shapes.says_something(tok):
                unsourced_at.append(tok.i)
                unsourced.append((rep, reporting_class(lexicon, rep), tok.idx, tok.idx + len(tok.text)))
            continue  # "talks are expected to resume", "it was reported that": nobody is named
        if rep is not None and shapes.unnamed_one(tok):
            # "“...,” one said", "another said he ...": someone of those just described, not named
            unsourced_at.append(tok.i)
            unsourced.append((rep, reporting_class(lexicon, rep), tok.idx, tok.idx + len(tok.text)))
            continue
        cues[tok.i] = rep or lemma
        if nested:
            continue
        key = (_depth(tok), tok.i)
        if best_key is None or key < best_key:
            best, best_key = tok, key

    speaker = kind = anaphor = title = verb = via = content = None
    subj_tok: Token | None = None
    acc_tok: Token | None = None
    direct = bool(long_quotes)

    cue_tok: Token | None = None
    if best is not None:
        verb_tok = cue_tok = best
        verb = cues.get(best.i, best.lemma_.lower())
        subj, _ = _subject_of(best)
        if verb in _DOCUMENT_VERBS and _is_document_verb(best):
            # "the statement read" / "this statement was made by X" report a statement.
            verb = "state"
        if verb == "quote":
            # "he was quoted as saying by TASS": the subject speaks, the agent passes it on.
            subj = next((c for c in best.children if c.dep_ == "nsubjpass"), None)
            agent = next((c for c in best.children if c.dep_ == "agent"), None)
            saying = next(
                (t for t in best.subtree if t.lemma_ in lexicon.reporting_verbs and t.i > best.i and t.i not in quoted_tokens),
                None,
            )
            if saying is not None:
                verb = saying.lemma_.lower()
                cue_tok = saying
                agent = agent or next((c for c in saying.children if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by")), None)
            if agent is not None:
                obj = next((c for c in agent.children if c.dep_ == "pobj"), None)
                if obj is not None:
                    via = describe_speaker(obj, lexicon)[0]
        if best.pos_ == "NOUN" and subj is None:
            # "South Korean intelligence estimates that ...", parsed as a noun.
            mods = [c for c in best.children if c.dep_ in ("compound", "amod") and c.i < best.i]
            if mods:
                subj = mods[-1]
                verb = best.lemma_.lower()
        if subj is not None and subj.i in quoted_tokens:
            # A parse that makes words inside the quotation the subject of "said": the
            # speaker is the noun phrase just before the verb, outside the quotes.
            subj = _nearest_noun_before(verb_tok, quoted_tokens)
        if subj is not None:
            subj_tok = subj
            speaker, kind, anaphor, title = describe_speaker(subj, lexicon)
            if speaker is None and anaphor is None:
                verb = None
        else:
            verb = None
        comps = [c for c in verb_tok.children if c.dep_ in ("ccomp", "xcomp") and c.i not in quoted_tokens]
        comp = next((c for c in comps if c.i > verb_tok.i), comps[0] if comps else None)
        if comp is not None and verb is not None:
            toks = [t for t in comp.subtree if not (t.dep_ == "mark" and t.i == comp.left_edge.i)]
            content = _span_text(toks)

    according: str | None = None
    according_tok: Token | None = None
    for tok in sent:
        if tok.lower_ == "according" and tok.i not in quoted_tokens:
            according_tok = tok
            to = next((c for c in tok.children if c.lower_ == "to"), None)
            if to is None and tok.i + 1 < sent.end and sent.doc[tok.i + 1].lower_ == "to":
                to = sent.doc[tok.i + 1]
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if obj is not None and not shapes.source_noun(obj, lexicon):
                obj = None  # "distributed according to a formula", "according to plan": in keeping with, no source
            if obj is not None:
                acc = describe_speaker(obj, lexicon)
                if acc[0] is None and obj.lemma_.lower() in lexicon.document_sources:
                    # "according to the report": a document, named as written, not the last organisation
                    words = _noun_phrase(obj, appos=False)
                    acc = (_clean_name(sent.doc[words[0].i: words[-1].i + 1].text), "document", None, None)
                if acc[0] is None and acc[2] is not None:
                    according = "\0" + acc[2]
                    acc_tok = obj
                else:
                    according = acc[0]
                    acc_kind, acc_title = acc[1], acc[3]
            break
        if tok.lemma_.lower() in lexicon.citing_verbs and tok.tag_ == "VBG" and tok.i not in quoted_tokens:
            obj = next((c for c in tok.children if c.dep_ in ("dobj", "pobj")), None)
            if obj is not None:
                cited = describe_speaker(obj, lexicon)
                if (speaker is not None or anaphor is not None) and (cited[2] == "person" or (cited[1] == "person" and kind != "person")):
                    # "Sputnik reported quoting her": the quoted person speaks, the outlet passes it on.
                    via = speaker
                    speaker, kind, anaphor, title = cited
                    subj_tok = obj
                else:
                    via = cited[0] or via
        if tok.lower_ == "reference" and tok.i not in quoted_tokens:
            to = next((c for c in tok.children if c.lower_ == "to"), None)
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if obj is not None:
                via = describe_speaker(obj, lexicon)[0] or via

    extra: list[Attribution] = []
    if according is not None:
        if verb is not None and (speaker or anaphor):
            if not according.startswith("\0") and according != speaker:
                via = via or according
                # "X said ..., according to a transcript": the transcript is a source of its own.
                extra.append(Attribution(according, acc_kind, None, acc_title, "according to",
                                         cue_at=according_tok.idx, cue_end=according_tok.idx + 9))
        elif according.startswith("\0"):
            anaphor, verb, speaker, kind = according[1:], "according to", None, None
            subj_tok, cue_tok = acc_tok, according_tok
        else:
            speaker, kind, title, anaphor, verb = according, acc_kind, acc_title, None, "according to"
            cue_tok = according_tok

    if verb is None:
        speaker = kind = anaphor = title = None
        cue_tok = None
    if direct and long_quotes:
        quote_text = " ".join(
            region_text(s, e).strip("“”\"«» \n") for s, e in long_quotes
        )
        content = quote_text or content
    if content is None and verb == "according to":
        content = sent.text
    anaphor_at = subj_tok.idx if anaphor is not None and subj_tok is not None else None
    # What the main cue reports: a pronoun in there may be the speaker or anyone the speaker names.
    from .attribution_reports import other_attribution, withheld_attribution

    # ("In the cafes, he said, strangers told him ...": a parenthetical cue is no part of it)
    main_content = {t.idx for c in best.children if c.dep_ in ("ccomp", "xcomp", "parataxis")
                    and not (c.dep_ == "parataxis" and c.i in cues) for t in c.subtree} if best is not None else set()
    for i, lemma in cues.items():
        if best is not None and i == best.i:
            continue
        other = other_attribution(sent.doc[i], lemma, lexicon, quoted_tokens, cues)
        if other is not None and other.speaker is None and other.title is None and other.anaphor_at in main_content:
            continue  # "X said the president did not know what he was talking about"
        if other is not None:
            extra.append(other)
    for tok, lemma in withheld:
        found = withheld_attribution(tok, lemma, lexicon, quoted_tokens)
        if found is not None:
            extra.append(found)
    from .attribution_cues import (
        attitude_attribution,
        colon_headline,
        document_attribution,
        message_attribution,
        noun_attribution,
        refusal_attribution,
        stance_attribution,
        title_case_headline,
    )

    for tok in sent:
        if tok.i in quoted_tokens:
            continue
        if tok.pos_ == "NOUN" and (tok.lemma_.lower() in lexicon.reporting_nouns or tok.lemma_.lower() in lexicon.hearsay_nouns):
            found = noun_attribution(tok, lexicon, cues) if tok.lemma_.lower() in lexicon.reporting_nouns else None
            if found is None and shapes.unheld_report(tok, lexicon, cues):
                # "news that the inquiry had reopened", "amid fears that ...": said, by no one named
                unsourced_at.append(tok.i)
                lemma = tok.lemma_.lower()
                unsourced.append((lemma, reporting_class(lexicon, lemma) or "speech", tok.idx, tok.idx + len(tok.text)))
        elif tok.pos_ == "ADJ" and tok.lemma_.lower() in lexicon.reporting_adjectives:
            found = stance_attribution(tok, lexicon)
        elif tok.pos_ == "ADJ":
            found = attitude_attribution(tok, lexicon)  # "is determined to ..."
        elif tok.pos_ in ("VERB", "AUX") and tok.i not in cues:
            # "a new poll shows ...": cue of its own, kind "document"; "X declined to comment";
            # "she feels that ...", "plans to ...", "backs the bill": an attitude, never the speaker
            found = (document_attribution(tok, lexicon) or refusal_attribution(tok, lexicon)
                     or attitude_attribution(tok, lexicon) or message_attribution(tok, lexicon))
        else:
            continue
        if found is not None:
            extra.append(found)
    if best is None and according is None:
        heading = colon_headline(sent, lexicon) or title_case_headline(sent, lexicon)
        if heading is not None:
            speaker, kind, verb, content = heading.speaker, heading.kind, heading.verb, heading.content
            cue_tok = sent.doc.char_span(heading.cue_at, heading.cue_end)[0]
    by_offset = {t.idx: t for t in sent}
    extra = [replace(a, cue_from=shapes.cue_opening(by_offset[a.cue_at], lexicon).idx)
             if a.cue_at in by_offset else a for a in extra]
    return Attribution(speaker, kind, anaphor, title, verb, direct, via, content, quoted, anaphor_at,
                       cue_tok.idx if cue_tok is not None else None,
                       cue_tok.idx + len(cue_tok.text) if cue_tok is not None else None,
                       tuple(sorted(extra, key=lambda a: a.cue_at or 0)),
                       # what someone says seems so is theirs, not the text's: "X said the plan appears to work"
                       tuple(u for u, i in zip(unsourced, unsourced_at) if not shapes.said_by_cue(sent.doc[i], cues)),
                       shapes.cue_opening(cue_tok, lexicon).idx if cue_tok is not None else None)

