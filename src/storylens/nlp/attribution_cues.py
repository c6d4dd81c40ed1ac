"""Attributions a sentence carries outside its reporting verbs: reporting nouns with their holder
("her warning that ..."), stance adjectives after a copula ("was critical of ..."), and headlines
("Marlow: ...", "Ferry Union Urges Council To Act").

Each function returns an `Attribution` (see nlp/attribution.py) with its cue's offsets, or None.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from .attribution import (
    _GROUP_PRONOUNS,
    _QUANTIFIER_PRONOUNS,
    _RELATIVE_PRONOUNS,
    _THING_PRONOUNS,
    Attribution,
    _clean_name,
    _is_document_verb,
    _noun_phrase,
    describe_speaker,
    is_agent,
    lemma_of,
)
from .clauses import _in_subordinate_clause, _in_unasserted_clause, _subject_of
from .lexicon import Lexicon, reporting_class

_POSSESSIVE_PRONOUNS = {"his": "person", "her": "person", "its": "organisation"}
# Verbs that deliver a reporting noun, whose subject holds it: "the board issued a warning that ...".
_DELIVERING_VERBS = frozenset({"issue", "make", "offer", "give", "voice", "deliver", "renew", "lodge", "file", "take"})


def _possessor_attribution(holder: Token, lexicon: Lexicon) -> tuple[str | None, str | None, str | None, str | None]:
    """(name, kind, anaphor, title) of who holds a noun cue: "Ryan's", "her", "by the agency"."""
    if holder.lower_ in _POSSESSIVE_PRONOUNS:
        return None, None, _POSSESSIVE_PRONOUNS[holder.lower_], None
    if holder.pos_ == "PRON":
        return None, None, None, None
    return describe_speaker(holder, lexicon)


def noun_attribution(tok: Token, lexicon: Lexicon, cues: dict[int, str]) -> Attribution | None:
    """A reporting noun with its holder: "her warning that ...", "the claim by the agency that ...",
    "Ryan's call for calm". Not "said in a statement" (the verb is the cue) nor a noun with no holder."""
    if tok.dep_ == "pobj" and (tok.head.head.i in cues or tok.head.head.lower_ in ("according", "citing")):
        return None  # "said in a statement", "according to her testimony": the other cue holds it
    if tok.dep_ in ("dobj", "nsubj", "nsubjpass") and tok.head.i in cues:
        return None  # "issued a warning", "the statement by X suggested ...": the verb is the cue
    lemma = tok.lemma_.lower()
    children = list(tok.children)
    delivered = tok.dep_ == "dobj" and tok.head.lemma_.lower() in _DELIVERING_VERBS
    # "made a plea for calm": the parser hangs what the noun says on the verb that delivers it.
    around = children + ([c for c in tok.head.children if c.i > tok.i] if delivered else [])
    clause = any(c.dep_ in ("ccomp", "acl") or (c.dep_ == "prep" and c.lower_ in ("for", "that")) for c in around)
    if lemma in lexicon.reporting_nouns_need_content and not clause:
        return None  # "a phone call", "charges of fraud", "the view from the hill" say nothing
    about = any(c.dep_ == "prep" and c.lower_ in ("of", "about", "on", "against", "at", "to", "over")
                and not (c.lower_ in ("on", "at", "over") and any(g.ent_type_ in ("DATE", "TIME") for g in c.children))
                for c in around)
    follows = tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ in ("that", "to")
    if not (clause or about or follows):
        return None  # "his remarks", "her statement on Monday": who spoke, but nothing of what was said
    holder = next((c for c in children if c.dep_ == "poss"), None)
    if holder is None:
        # "by" only: "no comment from the ministry" and "statements from witnesses" report nothing said here
        by = next((c for c in children if c.dep_ == "prep" and c.lower_ == "by"), None)
        holder = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
    if holder is None and tok.dep_ == "dobj" and tok.head.lemma_.lower() in _DELIVERING_VERBS \
            and not _is_document_verb(tok.head):
        holder, _ = _subject_of(tok.head)
    if holder is None or holder.lower_ in _RELATIVE_PRONOUNS:
        return None
    if holder.lower_ in ("his", "her"):
        # "In his assessment of the deal, Calderon warned ...", "Lind is outspoken in her belief that ...":
        # the possessor is the named subject of the clause the noun sits in.
        clause = tok.head
        while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
            clause = clause.head
        named = next((c for c in clause.children if c.dep_ == "nsubj" and c.pos_ == "PROPN"), None)
        holder = named or holder
    name, kind, anaphor, title = _possessor_attribution(holder, lexicon)
    if name is None and anaphor is None:
        return None
    # "offered his assessment of ...", "made a claim": the verb that delivers the noun is part of the cue.
    start = tok.head if tok.dep_ == "dobj" and tok.head.lemma_.lower() in _DELIVERING_VERBS and tok.head.i < tok.i \
        else tok
    return Attribution(name, kind, anaphor, title, lemma, anaphor_at=holder.idx if anaphor is not None else None,
                       cue_at=start.idx, cue_end=tok.idx + len(tok.text))


def document_attribution(tok: Token, lexicon: Lexicon) -> Attribution | None:
    """A document, survey or data set that shows something: "a new poll shows Clinton ahead", "the
    study found that ...", "the numbers point to a close race". Its source is kind "document", never a
    person; not "she found the keys", "the report was found", "the poll did not show" nor "if a
    study finds ..."."""
    lemma = tok.lemma_.lower()
    phrasal = next((f"{lemma} {c.lower_}" for c in tok.children if c.dep_ in ("prep", "prt")
                    and f"{lemma} {c.lower_}" in lexicon.document_verbs), None)
    verb = phrasal or (lemma if lemma in lexicon.document_verbs else None)
    if verb is None or tok.pos_ not in ("VERB", "AUX"):
        return None
    children = list(tok.children)
    if any(c.dep_ in ("neg", "nsubjpass", "auxpass") or (c.dep_ == "aux" and c.tag_ == "MD") for c in children):
        return None  # "the poll did not show", "the memo was found", "a study would show"
    if _in_unasserted_clause(tok):
        return None  # "if a study finds ...", "until the audit shows ..." ("after early data showed ..." did)
    subject = next((c for c in children if c.dep_ == "nsubj"), None)
    # "..., FEC records show.": set off after what it shows, at the end of the sentence
    trailing = (subject is not None and not any(c.dep_ == "mark" for c in children)
                and all(t.is_punct for t in tok.doc[tok.i + 1: tok.sent.end])
                and subject.left_edge.i > tok.sent.start and tok.doc[subject.left_edge.i - 1].text == ",")
    shown = phrasal is not None or trailing or any(c.dep_ in ("ccomp", "xcomp", "dobj", "oprd") for c in children)
    if not shown:
        return None  # "as the polls show", "the figures varied": nothing shown
    if subject is not None and subject.lower_ in _QUANTIFIER_PRONOUNS - {"few"}:
        # "several of the most recent surveys show that ...": the documents after "of"
        of = next((c for c in subject.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        subject = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    if subject is not None and subject.lower_ in ("which", "that") and tok.dep_ == "relcl":
        subject = tok.head  # "the figures, which showed ...": the noun the clause is about
    elif subject is None and tok.dep_ == "acl" and tok.tag_ == "VBG":
        subject = tok.head  # "more polls showing Trump ahead": the noun the participle describes
    if subject is None or not (subject.lemma_.lower() in lexicon.document_sources
                               or subject.lower_ in lexicon.document_sources):
        return None
    if subject.ent_type_ == "PERSON":
        return None  # a name the tagger took for the noun ("Study" as a surname)
    tokens = _noun_phrase(subject, appos=False)
    name = _clean_name(tok.doc[tokens[0].i: tokens[-1].i + 1].text)
    if not name:
        return None
    return Attribution(name, "document", None, None, verb, cue_at=tok.idx, cue_end=tok.idx + len(tok.text))


def refusal_attribution(tok: Token, lexicon: Lexicon) -> Attribution | None:
    """Someone refusing to speak: "X declined to comment", "she refused to say whether ...", "the
    ministry did not respond to a request for comment". Not "declined to threaten Moscow" nor "prices
    refused to fall"; not in a condition ("if she declines to comment")."""
    words = dict(lexicon.refusals)
    lemma = tok.lemma_.lower()
    children = list(tok.children)
    negated = any(c.dep_ == "neg" for c in children)
    if lemma in words.get("verbs", ()) and not negated:
        refused = any(c.dep_ == "xcomp" and c.lemma_.lower() in words.get("what", ())
                      and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in children)
    elif lemma in words.get("unanswered", ()) and negated:
        objects = [c for c in children if c.dep_ == "dobj"] + [
            g for c in children if c.dep_ == "prep" and c.lower_ == "to" for g in c.children if g.dep_ == "pobj"]
        refused = any(o.lemma_.lower() in words.get("unanswered_objects", ()) for o in objects)
    else:
        return None
    if not refused or _in_subordinate_clause(tok) or any(c.dep_ == "aux" and c.tag_ == "MD" and c.lower_ != "would"
                                                          for c in children):
        return None
    # Its own subject only: "police offered no details and Bratton declined to confirm ..." may be
    # parsed with no subject on "declined", and the first clause's is someone else.
    subject = next((c for c in children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lower_ in _RELATIVE_PRONOUNS | _GROUP_PRONOUNS | _THING_PRONOUNS:
        return None
    name, kind, anaphor, title = describe_speaker(subject, lexicon)
    if name is None and anaphor is None:
        return None
    verb = lemma if negated is False else f"not {lemma}"  # "not respond": no answer, not a response
    return Attribution(name, kind, anaphor, title, verb, anaphor_at=subject.idx if anaphor is not None else None,
                       cue_at=tok.idx, cue_end=tok.idx + len(tok.text))


_COPULAS = frozenset({"be", "remain", "seem", "appear", "become", "sound", "stay"})


def stance_attribution(tok: Token, lexicon: Lexicon) -> Attribution | None:
    """A stance adjective on its subject, with what it is about: "the governor was critical of the
    plan", "officials are confident that ..."; not "a critical moment" nor "she was confident"."""
    head = tok.head
    if tok.dep_ != "acomp" or head.lemma_.lower() not in _COPULAS:
        return None
    # What the stance is about hangs on the adjective, or on the copula right after it ("remained
    # adamant that ...").
    around = list(tok.children) + [c for c in head.children if c.dep_ == "ccomp" and c.i > tok.i]
    if not any(c.dep_ == "ccomp" or (c.dep_ == "prep" and c.lower_ in ("of", "about", "that")) for c in around):
        return None  # "sure to win" is a likelihood, not a stance
    if any(c.dep_ == "neg" for c in head.children) or _in_subordinate_clause(head):
        return None
    subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lower_ in _RELATIVE_PRONOUNS | _GROUP_PRONOUNS | _THING_PRONOUNS:
        return None
    name, kind, anaphor, title = describe_speaker(subject, lexicon)
    if name is None and anaphor is None:
        return None
    start = min(head.i, tok.i)
    return Attribution(name, kind, anaphor, title, tok.lemma_.lower(),
                       anaphor_at=subject.idx if anaphor is not None else None,
                       cue_at=tok.doc[start].idx, cue_end=tok.idx + len(tok.text))


def colon_headline(sent: Span, lexicon: Lexicon) -> Attribution | None:
    """A line that opens with a name and a colon ("Marlow: the port will reopen") is that person's
    or organisation's statement; a place, a label or a date before the colon ("Update:") is not."""
    tokens = [t for t in sent if not t.is_space]
    colon = next((t for t in tokens[:12] if t.text == ":"), None)
    if colon is None or colon.i == tokens[0].i:
        return None
    # an opening quotation mark is not part of the label ("“HOLT: ...", a transcript quoted whole)
    before = [t for t in tokens if t.i < colon.i and t.dep_ != "det" and not (t.is_quote or t.text in ("“", "‘"))]
    doc = sent.doc
    topic = _name_on_topic(before, colon, sent) or _roundup_label(colon, sent)
    if topic is not None:
        return topic
    if not before or len(before) > 4:
        return None
    label_person = _transcript_label(before, sent, lexicon)
    if label_person is not None:
        # "HOLT: I will not raise taxes": a transcript label, the person the article names in full. The
        # splitter may cut the label off ("REEVE:" | "My opponent ..."): what follows on its line is said.
        text = doc.text
        line_end = text.find("\n", colon.idx)
        said = text[colon.idx + 1: line_end if line_end >= 0 else len(text)].strip()
        if len(said.split()) >= 3:
            return Attribution(label_person, "person", verb="say", content=said, cue_at=colon.idx,
                               cue_end=colon.idx + 1)
        return None
    if len([t for t in tokens if t.i > colon.i and t.is_alpha]) < 3:
        return None
    ents = [e for e in doc.ents if e.label_ in ("PERSON", "ORG") and e.end >= colon.i and (
        e.start <= before[0].i
        # "Internet phenomenon Ken Bone: ...": a person's name after a description in lower case
        or (e.label_ == "PERSON" and e.start < colon.i and all(t.is_lower or t.is_title and not t.ent_type_
                                                              for t in before if t.i < e.start)
            and any(t.is_lower for t in before if t.i < e.start)))]
    if len(ents) == 1:
        name, label = ents[0].text, ents[0].label_
    elif not ents and all(t.pos_ == "PROPN" and t.is_title and not t.ent_type_ for t in before):
        # A headline the tagger read without context ("Marlow: ..."): the article names that
        # person or organisation elsewhere.
        name = doc[before[0].i: colon.i].text
        label = next((e.label_ for e in doc.ents if e.label_ in ("PERSON", "ORG")
                      and (e.text == name or e.text.endswith(" " + name))), None)
        if label is None:
            return None
    else:
        return None
    if name.isupper() or not _speaks_elsewhere(doc, name, sent, lexicon):
        # "Comeaux: Texas fugitive armed and dangerous" is a topic, not a quotation: only someone
        # the article quotes speaks in its headline ("LIKELY FOE:" is a label).
        return None
    return Attribution(_clean_name(name), "person" if label == "PERSON" else "organisation", verb="say",
                       content=doc[colon.i + 1: sent.end].text, cue_at=colon.idx, cue_end=colon.idx + 1)


def _roundup_label(colon: Token, sent: Span) -> Attribution | None:
    """A line of a round-up of views: a person's name, perhaps a short affiliation after a comma, a
    colon, and a quotation ("Ada Brink, The Harbour Gazette: “The plan is dead.”"): the person says the
    quotation. Only at the start of a line, with a person the tagger names first, no verb in the label,
    and an opening quotation mark right after the colon ("Ada Brink, harbour master: a profile" is a
    topic; "Harbour, May 3: “...”" names no person)."""
    doc = sent.doc
    first = next((t for t in sent if not t.is_space), None)
    if first is None or (first.idx > 0 and doc.text[first.idx - 1] != "\n"):
        return None
    after = doc[colon.i + 1] if colon.i + 1 < len(doc) else None
    if after is None or after.text not in ("“", '"', "‘", "«"):
        return None
    ent = next((e for e in doc.ents if e.start == first.i and e.label_ == "PERSON" and e.end <= colon.i), None)
    if ent is None:
        return None
    label = doc[ent.end: colon.i]
    if len(label) and (label[0].text != "," or len(label) > 9
                       or any(t.pos_ in ("VERB", "AUX") or t.is_quote for t in label)):
        return None
    if not any(t.is_alpha for t in doc[colon.i + 1: sent.end]):
        return None
    return Attribution(_clean_name(ent.text), "person", verb="say", content=doc[colon.i + 1: sent.end].text,
                       cue_at=colon.idx, cue_end=colon.idx + 1)


def _name_on_topic(before: list[Token], colon: Token, sent: Span) -> Attribution | None:
    """A headline "<name> on <topic>: '<quotation>'" ("Harbour chief Ines Palm on the strike: 'We will
    not sign'", "Palm to the council: 'Sign now'"): the name speaks the quotation after the colon. Only
    with a quotation mark after the colon ("Palm on the ferry: a day at sea" is a topic) and a person or
    organisation the tagger names right before "on" or "to"."""
    doc = sent.doc
    link = next((t for t in before if t.lower_ in ("on", "to") and t.pos_ == "ADP"), None)
    if link is None or not any(t.is_quote or t.text in ("‘", "’", "'") for t in doc[colon.i + 1: sent.end]):
        return None
    ent = next((e for e in doc.ents if e.end == link.i and e.label_ in ("PERSON", "ORG", "NORP")), None)
    if ent is not None:
        name, label = ent.text, ent.label_
        if any(t.i < ent.start and t.ent_type_ == "PERSON" for t in before) or not any(
                e.label_ in ("PERSON", "ORG", "NORP") and not (sent.start <= e.start < sent.end)
                and (e.text == name or e.text.endswith(" " + name) or name.endswith(" " + e.text)) for e in doc.ents):
            return None  # only a name the article gives elsewhere speaks in its headline
    else:
        # The tagger reads a title-case headline without context: a run of proper nouns before "on"
        # that the article names elsewhere as a person or organisation.
        run = []
        for t in reversed([t for t in before if t.i < link.i]):
            if t.pos_ != "PROPN" or not t.is_title:
                break
            run.insert(0, t)
        if not run or run[-1].i != link.i - 1:
            return None
        name = doc[run[0].i: link.i].text
        label = next((e.label_ for e in doc.ents if e.label_ in ("PERSON", "ORG") and not (sent.start <= e.start < sent.end)
                      and (e.text == name or e.text.endswith(" " + name) or name.endswith(" " + e.text))), None)
        if label is None:
            return None
        name = next((e.text for e in doc.ents if e.label_ == label and name.endswith(" " + e.text)), name)
    if not any(t.is_alpha for t in doc[colon.i + 1: sent.end]):
        return None
    kind = {"PERSON": "person", "NORP": "group"}.get(label, "organisation")
    return Attribution(_clean_name(name), kind, verb="say", content=doc[colon.i + 1: sent.end].text,
                       cue_at=colon.idx, cue_end=colon.idx + 1)


def _transcript_label(before: list[Token], sent: Span, lexicon: Lexicon) -> str | None:
    """The person an all-capital label before a colon names ("HOLT:", "MARIA HOLT:", "SECRETARY
    HOLT:"): a person the article names elsewhere whose name ends with the label's words, or with an
    honorific ("MR. O'NEILL:") the name as the label gives it. "UPDATE:", "LIKELY FOE:" or
    "WASHINGTON:" name no person of the article and stay labels."""
    before = [t for t in before if t.text != "."]  # "MR. O'NEILL", the period a token of its own
    letters = [t.text.replace(".", "").replace("'", "").replace("’", "") for t in before]
    if not before or len(before) > 4 or not all(w.isalpha() and w.isupper() and len(w) > 1 for w in letters):
        return None
    titled = 0
    while titled < len(before) - 1 and letters[titled].lower() in lexicon.honorifics:
        titled += 1
    before = before[titled:]
    if len(before) > 3:
        return None
    label = [t.text.lower() for t in before]
    for ent in sent.doc.ents:
        if ent.label_ != "PERSON" or sent.start <= ent.start < sent.end:
            continue
        words = [w.lower() for w in _clean_name(ent.text).split()]
        if len(words) >= len(label) and words[-len(label):] == label and not ent.text.isupper():
            return _clean_name(ent.text)
    if titled and len(before) <= 2:
        return " ".join(t.text.title() for t in before)  # "MR. O'NEILL:" is a person, named as the label has it
    return None


def _speaks_elsewhere(doc: Doc, name: str, sent: Span, lexicon: Lexicon) -> bool:
    """Whether the name (or its last word) is the subject of a reporting verb outside `sent`."""
    words = [w for w in name.replace(".", "").split() if w.lower() not in ("jr", "sr", "ii", "iii", "iv")]
    last = words[-1] if words else name.split()[-1]  # "Donald Trump Jr": "Trump"
    return any(t.text == last and t.dep_ == "nsubj" and t.head.lemma_.lower() in lexicon.reporting_verbs
               and not (sent.start <= t.i < sent.end) for t in doc)


def _third_person_lemma(word: str, lexicon: Lexicon) -> str | None:
    """The reporting lemma of a capitalised headline verb the tagger took for a name ("Urges", "Denies")."""
    lower = word.lower()
    stems = ([lower[:-3] + "y"] if lower.endswith("ies") else []) + [lower[:-1], lower[:-2]]
    return next((s for s in stems if lower.endswith("s") and s in lexicon.reporting_verbs), None)


def title_case_headline(sent: Span, lexicon: Lexicon) -> Attribution | None:
    """An article's title-case headline ("Harbour Union Urges Council To Act") the parser read as one
    long name: a name the article gives, then a reporting verb in the third person."""
    doc = sent.doc
    words = [t for t in sent if t.is_alpha]
    if sent.start != 0 or len(words) < 4 or sum(t.text[0].isupper() for t in words) < 0.7 * len(words):
        return None
    colon = next((t for t in sent[:8] if t.text == ":"), None)
    if colon is not None and colon.i + 1 < sent.end:
        # "Harbour Union Digs In: Urges Council To Act": the verb opens what follows the colon, the
        # subject is the name that opens the line.
        after = doc[colon.i + 1]
        lemma = _third_person_lemma(after.text, lexicon) if after.is_alpha and after.text[0].isupper() else None
        if lemma is not None and lemma not in lexicon.reporting_needs_content:
            for k in range(1, 4):
                if k >= len(words) or words[k].i >= colon.i:
                    break
                name = doc[words[0].i: words[k].i].text
                label = next((e.label_ for e in doc.ents if e.label_ in ("PERSON", "ORG") and e.start >= sent.end
                              and (e.text == name or e.text.endswith(" " + name))), None)
                if label is not None:
                    return Attribution(_clean_name(name), "person" if label == "PERSON" else "organisation",
                                       verb=lemma, content=doc[after.i + 1: sent.end].text, cue_at=after.idx,
                                       cue_end=after.idx + len(after.text))
    for i, tok in enumerate(words[1:5], start=1):
        lemma = _third_person_lemma(tok.text, lexicon) if tok.text[0].isupper() else None
        if lemma is None:
            continue
        after = words[i + 1] if i + 1 < len(words) else None
        if after is not None and f"{lemma} {after.lower_}" in lexicon.reporting_verbs:
            lemma = f"{lemma} {after.lower_}"
        elif lemma in lexicon.reporting_needs_content and lemma != "call":
            return None  # "Apple Posts Record Profit", "Economy Adds Jobs": another sense
        name = doc[words[0].i: tok.i].text
        label = next((e.label_ for e in doc.ents if e.label_ in ("PERSON", "ORG") and e.start >= sent.end
                      and (e.text == name or e.text.endswith(" " + name))), None)
        if label is None:
            return None
        return Attribution(_clean_name(name), "person" if label == "PERSON" else "organisation", verb=lemma,
                           content=doc[tok.i + 1: sent.end].text, cue_at=tok.idx, cue_end=tok.idx + len(tok.text))
    return None


def _attitude_subject(head: Token, lexicon: Lexicon) -> Token | None:
    """The holder of an attitude: the word's own active subject, when it is a person, a group or an
    organisation ("Ryan", "she", "most voters", "the campaign"); a relative "who" stands for its noun.
    Not "it", "they" (too far to resolve in a clause of its own) nor a thing ("the data", "the plan").
    Of two subjects (a parser slip: "After Ryan taunted Tur, other journalists tweeted ..." with "Tur"
    a subject too), the one nearest the word."""
    subjects = [c for c in head.children if c.dep_ == "nsubj"]
    subject = max(subjects, key=lambda c: (c.i < head.i, c.i if c.i < head.i else -c.i)) if subjects else None
    if subject is None and head.tag_ == "VBG" and head.dep_ in ("advcl", "conj") and head.head.pos_ in ("VERB", "AUX"):
        subject, _ = _subject_of(head)  # "..., backing the plan": the participle takes its clause's subject
    if subject is not None and subject.lower_ == "who" and head.dep_ == "relcl":
        # "who" stands for people: not for a place or an institution ("the university in St. Louis, who")
        subject = head.head if head.head.ent_type_ not in ("GPE", "LOC", "FAC", "ORG") else None
    if subject is None or subject.lower_ in _RELATIVE_PRONOUNS | _GROUP_PRONOUNS | _THING_PRONOUNS:
        return None
    if subject.pos_ == "PRON":
        return subject if subject.lower_ in ("he", "she") else None
    return subject if is_agent(subject, lexicon) else None


def _attitude_complement(head: Token, word: Token, needs: frozenset[str], particle: Token | None) -> bool:
    """Whether what follows `word` (the verb, or the adjective whose copula is `head`) is one the
    attitude needs: a clause, an infinitive, "as ...", an object, "to ..."."""
    children = list(word.children) + ([c for c in head.children if c.i > word.i] if head.i != word.i else [])
    objects = [c for c in children if c.dep_ == "dobj"]
    for clause in (c for c in children if c.dep_ in ("ccomp", "xcomp") and c.i > word.i):
        infinitive = any(a.dep_ == "aux" and a.lower_ == "to" for a in clause.children)
        if infinitive and "infinitive" in needs:
            return True
        asked = clause.left_edge.tag_ in ("WP", "WRB", "WDT") or any(
            m.dep_ == "mark" and m.lower_ in ("whether", "if") for m in clause.children)
        if not infinitive and clause.dep_ == "ccomp" and "clause" in needs and not asked:
            return True  # "knows that ...", not "did not know what he was talking about": no belief told
    if "clause" in needs and any(c.dep_ == "oprd" for c in children):
        return True  # "considers the plan reckless" read with a predicate of the object
    if "as" in needs and any(c.dep_ == "prep" and c.lower_ == "as" and c.i > word.i
                             for c in children + [g for o in objects for g in o.children]):
        return True
    if "object" in needs:
        if particle is not None:
            return any(c.dep_ == "pobj" for c in particle.children)  # "sided with the union"
        if any((o.pos_ in ("NOUN", "PROPN", "PRON") or o.tag_ == "VBG") and o.lower_ not in _RELATIVE_PRONOUNS
               for o in objects):
            return True
    if "to" in needs and any(c.dep_ == "prep" and c.lower_ == "to" and any(g.dep_ in ("pobj", "pcomp") for g in c.children)
                             for c in children):
        return True
    return False


def _inside_report(tok: Token, lexicon: Lexicon) -> bool:
    """Whether a predicate is part of what a reporting verb (or another attitude) says: "said she
    planned to ...", "argued that the documents show ...", "saying he wants to ..."."""
    from .lexicon import attitude_of

    for _ in range(8):
        if tok.dep_ not in ("ccomp", "xcomp", "conj", "parataxis", "advcl") or tok.head.i == tok.i:
            return False
        tok = tok.head
        lemma = tok.lemma_.lower()
        if lemma in lexicon.reporting_verbs or lemma in lexicon.document_verbs or attitude_of(lexicon, lemma):
            return True
    return False


def _set_off_who(clause: Token) -> bool:
    """A relative clause set off by a comma whose subject is "who": "the analysts, who regarded ...",
    not the restrictive "voters who support the bill"."""
    who = next((c for c in clause.children if c.dep_ == "nsubj" and c.lower_ == "who"), None)
    return who is not None and who.i > 0 and clause.doc[who.i - 1].text in (",", "—", "–")


def attitude_attribution(tok: Token, lexicon: Lexicon) -> Attribution | None:
    """What a person or group believes, intends, supports or opposes (lexicon `attitudes`): "she feels
    the plan will fail", "the campaign plans to send him", "Ryan backs the bill", "the senator is
    determined to win". The word's own active subject holds it; not "support beams", "plans for the
    bridge", "the bridge is supported by piers", "the data support the view", "he may back it", nor in
    a condition ("if voters want to ..."). The report has the attitude's class and the lemma as verb
    ("not support" when negated)."""
    from .lexicon import attitude_of

    if tok.pos_ == "ADJ":
        head = tok.head
        if tok.dep_ != "acomp" or head.lemma_.lower() not in _COPULAS:
            return None
        attitude = attitude_of(lexicon, tok.lemma_.lower(), adjective=True)
        lemma, particle = tok.lemma_.lower(), None
    elif tok.pos_ == "VERB":
        head = tok
        base = lemma_of(tok, lexicon)
        particle = next((c for c in tok.children if c.dep_ in ("prep", "prt")
                         and attitude_of(lexicon, f"{base} {c.lower_}") is not None), None)
        lemma = f"{base} {particle.lower_}" if particle is not None else base
        attitude = attitude_of(lexicon, lemma)
        if attitude is not None and particle is None and any(c.dep_ == "prt" for c in tok.children):
            return None  # "backed down", "backed away from": another verb
    else:
        return None
    if attitude is None:
        return None
    children = list(head.children)
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in children) or (tok.tag_ == "VBN" and not any(
            c.dep_ == "aux" for c in children)):
        return None  # "the bridge is supported by piers", "a bill backed by the mayor"
    modal = [c.lower_ for c in children if c.dep_ == "aux" and c.tag_ == "MD"]
    if modal and not (modal == ["would"] and attitude.klass == "intent"):
        return None  # "he may support it", "she will want to": not held now ("would like to" is)
    if tok.dep_ == "xcomp" or _in_subordinate_clause(head):
        return None  # "refused to support", "is expected to back", "if voters want to ..."
    if head.dep_ == "acl" or (head.dep_ == "relcl" and not _set_off_who(head)):
        return None  # "voters who support the bill", "the policies Obama championed": said of the noun
        # ("the analysts, who regarded the bank as the best run": a clause set off tells what they held)
    if _inside_report(head, lexicon):
        return None  # "Dong said she planned to travel": the plan is what Dong said, not another report
    if not _attitude_complement(head, tok, attitude.with_, particle):
        return None
    subject = _attitude_subject(head, lexicon)
    if subject is None:
        return None
    name, kind, anaphor, title = describe_speaker(subject, lexicon)
    if (name is None and anaphor is None) or kind == "document":
        return None
    negated = any(c.dep_ == "neg" for c in children)
    return Attribution(name, kind, anaphor, title, f"not {lemma}" if negated else lemma,
                       anaphor_at=subject.idx if anaphor is not None else None,
                       cue_at=tok.idx, cue_end=tok.idx + len(tok.text))


def message_attribution(tok: Token, lexicon: Lexicon) -> Attribution | None:
    """A writing verb whose object is the thing written, not what it says (lexicon `message_verbs` with
    any object: "tweeted #SaveTheFerry", "retweeted the rumour"; another writing verb with a document:
    "wrote the memo", "published a letter"): its subject sent a message, a report of class "writing"
    that never makes the sentence's speaker. Not "wrote a song", "posted a loss", "the memo was
    written", "she may email it", nor in a condition or what someone else says."""
    lemma = lemma_of(tok, lexicon)
    if tok.pos_ != "VERB" or reporting_class(lexicon, lemma) != "writing":
        return None
    children = list(tok.children)
    obj = next((c for c in children if c.dep_ == "dobj"), None)
    if obj is None or not (lemma in lexicon.message_verbs or obj.lemma_.lower() in lexicon.document_sources
                           or obj.lower_ in lexicon.document_sources):
        return None
    if any(c.dep_ in ("auxpass", "nsubjpass", "neg") or (c.dep_ == "aux" and c.tag_ == "MD") for c in children):
        return None
    if tok.dep_ in ("xcomp", "relcl", "acl") or _in_subordinate_clause(tok) or _inside_report(tok, lexicon):
        return None
    subject = _attitude_subject(tok, lexicon)
    if subject is None:
        return None
    name, kind, anaphor, title = describe_speaker(subject, lexicon)
    if (name is None and anaphor is None) or kind == "document":
        return None
    return Attribution(name, kind, anaphor, title, lemma, anaphor_at=subject.idx if anaphor is not None else None,
                       cue_at=tok.idx, cue_end=tok.idx + len(tok.text))
