"""Contradictions between the statements of one story, from aligned statement frames only.

Four rules, each over frames (`records.StatementFrame`) of sentences by different voices
whose meaning is close (story encoder) and whose frames share arguments:

- a denial whose complement is a claim, linked to an assertion of that claim
  ("Sudan denied it carried out the strike" / "Sudan carried out the strike");
- the same predicate on the same subject, negated on one side only
  ("AMD is not competing with its customers" / "AMD will be competing with its customers";
  "no one was killed" / "12 people were killed");
- opposite states of the same subject, the cue on that subject's predicate
  ("the repairs are complete" / "the repairs are continuing");
- conflicting attributes of the same thing ("a silver Camry" / "a grey Camry").

Precision first: a frame in a relative or subordinate clause, under an uncertain modal
("could"), hedged ("reportedly", "I think"), or in a question takes no side.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .embed import Encoder
from .nlp.frames import Opposition, StatementRules, load_statement_rules
from .records import Conflict, ConflictSide, Mention, StatementFrame

_SELF_PRONOUNS = frozenset({"he", "she", "i"})
_PRONOUNS = frozenset({"i", "we", "you", "he", "she", "it", "they", "this", "that", "these", "those", "who", "which"})
# Predicates that say too little on their own to be negated meaningfully ("is not", "has no").
_NUMBER_WORDS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "another",
                           "other", "some", "many", "few", "several", "both", "each", "all", "most"})
_LIGHT_PREDICATES = frozenset({"be", "have", "do", "get", "make", "take", "go", "come", "say", "tell", "see", "know",
                               "think", "want", "seem", "appear", "become", "remain", "let", "give", "find", "keep"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")
_STOP = frozenset("""the and for with from that this these those was were are has have had been being will would
could should may might must can its their his her our they them him she who whom which what when where there here
than then also not nor but into onto about over under after before said says say told according only just very
more most less much many some any all each both other such""".split())


class Voices:
    """Who stands behind a mention: its speaker, else its outlet."""

    def __init__(self, sources: dict[str, str], speaker_of: Callable[[Mention], str | None]) -> None:
        self.sources = sources
        self.speaker_of = speaker_of

    def label(self, mention: Mention) -> str:
        return self.speaker_of(mention) or self.sources[mention.article_id]

    def key(self, mention: Mention) -> str:
        return self.label(mention).lower().strip()

    def side(self, mention: Mention, stance: str) -> ConflictSide:
        return ConflictSide(article_id=mention.article_id, source=self.sources[mention.article_id],
                            speaker=self.speaker_of(mention), text=mention.text, start=mention.start,
                            end=mention.end, stance=stance)


@dataclass(frozen=True)
class _Edge:
    """Two mentions that contradict each other under one rule, about one thing."""

    rule: str
    topic: str
    first: int  # mention index on the first side
    second: int
    say_first: str
    say_second: str


def _stem(word: str) -> str:
    """A crude stem that folds inflections together: carried, carrying, carries -> carry."""
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: len(word) - len(suffix)] + replacement
            break
    return word[:5]


def _stems(text: str) -> frozenset[str]:
    return frozenset(_stem(w.strip("'’-")) for w in _WORD.findall(text.lower()) if w.strip("'’-") not in _STOP)


def _takes_a_side(frame: StatementFrame, mention: Mention, rules: StatementRules) -> bool:
    """A frame that states something now: not background, not uncertain, not hedged, not asked."""
    if frame.relative or frame.hedges or mention.text.rstrip().endswith("?"):
        return False
    if frame.cue in rules.denial_verbs:
        return False  # "the company denied it knew": the sentence does not assert that it knew
    return not any(m in rules.uncertain_modals for m in frame.modality)


def _speaker_as_subject(mention: Mention) -> tuple[StatementFrame, ...]:
    """A sentence's frames with the speaker put for the pronoun the speaker reports about himself:
    in "he said he had owned the land for years", the owner is the speaker, not whoever another
    outlet names as the owner."""
    if not mention.speaker:
        return mention.frames
    reporters = {f.subject for f in mention.frames if f.role == "report" and f.subject in _SELF_PRONOUNS}
    if not reporters:
        return mention.frames
    speaker = mention.speaker.lower()
    return tuple(replace(f, subject=speaker) if f.role != "report" and f.subject in reporters else f
                 for f in mention.frames)


def _subject_known(subject: str | None) -> bool:
    return bool(subject) and subject not in _PRONOUNS and not subject.replace(",", "").isdigit() \
        and subject not in _NUMBER_WORDS


def _harm_frames(frame: StatementFrame, rules: StatementRules) -> list[tuple[str, bool]]:
    """(harm event, negated) a frame states about people: "12 people were killed", "there were no casualties"."""
    out = []
    # A harm noun is told to exist, or not, only by a predicate of existence or report ("there
    # were no casualties"), not by any other ("the injury does not require surgery").
    nouns_told = not rules.harm_noun_predicates or frame.predicate in rules.harm_noun_predicates
    for noun in (frame.subject, frame.object) if nouns_told else ():
        events = rules.harm_events(noun or "")
        if frame.negated and noun == frame.subject and any(p.startswith("by:") for p in frame.preps):
            continue  # "the injuries were not caused by gunfire" denies a cause, not the injuries
        if events and frame.predicate not in events:
            out += [(e, frame.negated) for e in sorted(events)]
    harm_verbs = rules.harm_verbs
    if frame.predicate in harm_verbs and (frame.subject == "people" or frame.object == "people"):
        out.append((frame.predicate, frame.negated))
    return out


def _shared_arguments(a: StatementFrame, b: StatementFrame) -> bool:
    if a.object and a.object == b.object and a.object not in _PRONOUNS:
        return True
    return bool(set(a.preps) & set(b.preps))


def _same_subject(a: StatementFrame, b: StatementFrame) -> bool:
    if _subject_known(a.subject) and a.subject == b.subject:
        return True
    # "We are not competing with our customers" / "AMD will compete with its customers":
    # a pronoun subject matches when the rest of the frame does.
    if _subject_known(a.subject) == _subject_known(b.subject):
        return False  # two pronouns ("that turned the ball over" / "he did not turn it over") say nothing
    return (a.subject in _PRONOUNS or b.subject in _PRONOUNS) and _shared_arguments(a, b)


def _times_agree(a: StatementFrame, b: StatementFrame) -> bool:
    return not (a.time and b.time and a.time != b.time)


_CALENDAR = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b(?:1[89]|20)\d\d\b")


def _same_occasion(a: StatementFrame, b: StatementFrame) -> bool:
    """Two statements that may be about one occasion: their times agree, and a calendar date on one
    side only ("on April 20 a quake caused no casualties" / "the quake killed 24") dates another one.
    News tells its own event by weekday or "today"; a month or a year names an earlier one."""
    if a.time and b.time:
        return a.time == b.time
    return not _CALENDAR.search(a.time or b.time or "")


def _negation_edges(i: int, fa: StatementFrame, j: int, fb: StatementFrame) -> list[_Edge]:
    if fa.predicate != fb.predicate or fa.negated == fb.negated or fa.role != "assertion" or fb.role != "assertion":
        return []
    if fa.predicate in _LIGHT_PREDICATES and not (fa.object and fa.object == fb.object
                                                  and _subject_known(fa.subject) and fa.subject == fb.subject):
        return []
    if fa.predicate in _LIGHT_PREDICATES and fa.subject == fa.object:
        return []  # "there were people ..." / "there wasn't anyone ...": existence, said of different sets
    if not _same_subject(fa, fb) or not _same_occasion(fa, fb):
        return []
    if (fa.object and fb.object and fa.object != fb.object) and not _shared_arguments(fa, fb):
        return []
    subject = fa.subject if _subject_known(fa.subject) else fb.subject
    topic = f"{subject or ''} {fa.predicate} {fa.object or fb.object or ''}".strip()
    first, second = (i, j) if not fa.negated else (j, i)
    return [_Edge("negation", topic, first, second, "yes", "no")]


def _harm_edges(i: int, fa: StatementFrame, j: int, fb: StatementFrame, rules: StatementRules) -> list[_Edge]:
    if not _same_occasion(fa, fb):
        return []
    a = _harm_frames(fa, rules)
    if not a:
        return []
    b = _harm_frames(fb, rules)
    for event_a, neg_a in a:
        for event_b, neg_b in b:
            if event_a == event_b and neg_a != neg_b:
                first, second = (i, j) if not neg_a else (j, i)
                return [_Edge("negation", f"people {event_a}", first, second, "yes", "no")]
    return []


class SubjectAligner:
    """Whether two argument keys name one thing: the same word or name ("ins tabar" / "tabar"), one
    `same_thing` group of statements.yaml, or phrases the story encoder finds close."""

    def __init__(self, rules: StatementRules, encoder: Encoder | None = None) -> None:
        self.rules = rules
        self.encoder = encoder
        self.groups = dict(rules.same_thing)
        self.vectors: dict[str, np.ndarray] = {}

    def _vector(self, key: str) -> np.ndarray | None:
        """"the <key>" encoded once, only for keys that reach a comparison (most pairs stop before)."""
        if self.encoder is None:
            return None
        if key not in self.vectors:
            self.vectors[key] = self.encoder.encode([f"the {key}"])[0]
        return self.vectors[key]

    def match(self, a: str, b: str) -> int:
        """2: the same word or name; 1: the same thing by meaning; 0: not shown to be the same."""
        if not a or not b:
            return 0
        if a == b or _same_name(a, b):
            return 2
        if a in self.groups and self.groups.get(a) == self.groups.get(b):
            return 1
        va, vb = self._vector(a), self._vector(b)
        if va is not None and vb is not None and round(float(va @ vb), SIMILARITY_DECIMALS) >= self.rules.threshold("subject"):
            return 1
        return 0

    def topics(self, a: str, b: str) -> int:
        """Two state topics ("subject[:predicate[:object]]") about one thing: the weaker part's match."""
        pa, pb = a.split(":"), b.split(":")
        if len(pa) != len(pb) or any(x != y for x, y in zip(pa[1:2], pb[1:2])):
            return 0
        return min(self.match(x, y) for x, y in zip(pa[:1] + pa[2:], pb[:1] + pb[2:]))


def _same_name(a: str, b: str) -> bool:
    """"ins tabar" and "tabar": one name the other ends with."""
    ta, tb = a.split(), b.split()
    short, long = (ta, tb) if len(ta) < len(tb) else (tb, ta)
    return 0 < len(short) < len(long) and long[-len(short):] == short and len(short[-1]) >= 3


def _state_stances(frame: StatementFrame, opposition: Opposition) -> dict[str, str]:
    """topic -> the state this frame gives it ("the vote was not unanimous": split)."""
    out: dict[str, str] = {}
    for cue in frame.states:
        state, _, topic = cue.partition("@")
        if state not in (opposition.first, opposition.second) or topic.split(":")[0] in _PRONOUNS:
            continue
        if frame.negated:
            if not opposition.negation_flips:
                continue  # "did not replace": the event is neither done nor to come
            state = opposition.second if state == opposition.first else opposition.first
        out[topic] = "" if out.get(topic, state) != state else state  # both states: none
    return {t: st for t, st in out.items() if st}


def _state_edges(i: int, fa: StatementFrame, j: int, fb: StatementFrame, rules: StatementRules,
                 aligner: SubjectAligner, sim: float, background: bool = False) -> list[_Edge]:
    """Opposite states of one subject; `background`: the frames come from relative clauses too."""
    if not fa.states or not fb.states:
        return []  # a state on each side or nothing to oppose: most pairs stop here
    if not _times_agree(fa, fb):
        return []
    edges = []
    for opposition in rules.oppositions:
        if background and not opposition.background:
            continue
        sa, sb = _state_stances(fa, opposition), _state_stances(fb, opposition)
        for ta, state_a in sa.items():
            for tb, state_b in sb.items():
                if state_a == state_b:
                    continue
                match = aligner.topics(ta, tb)
                if not match or (match == 1 and sim < rules.threshold("aligned_state")):
                    continue
                first, second = (i, j) if state_a == opposition.first else (j, i)
                topic = ta if len(ta) <= len(tb) else tb
                edges.append(_Edge("state", f"{topic.replace(':', ' ')}: {opposition.say_first} / {opposition.say_second}",
                                   first, second, opposition.first, opposition.second))
    return edges


def _exclusive_edges(i: int, fa: StatementFrame, j: int, fb: StatementFrame, rules: StatementRules) -> list[_Edge]:
    """Predicates that exclude each other on one subject: "three people suffocated" / "were burnt to death"."""
    if fa.predicate == fb.predicate or fa.object or fb.object or fa.negated or fb.negated:
        return []
    if not (_subject_known(fa.subject) and fa.subject == fb.subject) or not _times_agree(fa, fb):
        return []
    group_a, group_b = rules.exclusive_group(fa.predicate), rules.exclusive_group(fb.predicate)
    if group_a is None or group_b is None or group_a[0] != group_b[0] or group_a[1] == group_b[1]:
        return []
    first, second = (i, j) if fa.predicate < fb.predicate else (j, i)
    low, high = sorted((fa.predicate, fb.predicate))
    return [_Edge("exclusive", f"{group_a[0].replace('_', ' ')} of {fa.subject}", first, second, low, high)]


def _attribute_edges(i: int, fa: StatementFrame, j: int, fb: StatementFrame,
                     places_together: Callable[[str, str], bool] = lambda a, b: False,
                     rules: StatementRules | None = None) -> list[_Edge]:
    edges = []
    for attr_a in fa.attributes:
        klass_a, _, rest_a = attr_a.partition("=")
        value_a, _, head_a = rest_a.partition("@")
        for attr_b in fb.attributes:
            klass_b, _, rest_b = attr_b.partition("=")
            value_b, _, head_b = rest_b.partition("@")
            if klass_a == klass_b and head_a == head_b and value_a != value_b:
                if klass_a == "residence" and places_together(value_a, value_b):
                    continue  # "Eastfield, Kent": one place may hold the other
                if klass_a == "direction" and rules is not None and not rules.directions_apart(value_a, value_b):
                    continue  # "south of Tehran" / "southeast of Tehran": one bearing, told roughly
                first, second = (i, j) if value_a < value_b else (j, i)
                low, high = sorted((value_a, value_b))
                edges.append(_Edge("attribute", f"{klass_a} of {head_a.split('#')[0]}", first, second, low, high))
    return edges


def _attribute_conflicts(mentions: Sequence[Mention], similarity: np.ndarray, keys: list[str],
                         rules: StatementRules) -> list[_Edge]:
    """Conflicting attributes of one thing in close sentences; background clauses count (the car is grey either way)."""
    attributes = [
        {a for f in m.frames if not any(x in rules.uncertain_modals for x in f.modality)
         for a in f.attributes if not (f.hedges and a.startswith("residence="))}
        if not m.text.rstrip().endswith("?") else set() for m in mentions]
    texts = [m.text.lower() for m in mentions]
    articles = len({m.article_id for m in mentions})

    def setting(place: str) -> bool:
        """A place many articles name is where the story happens, a wider area than a street's."""
        named = len({m.article_id for m, t in zip(mentions, texts) if place in t})
        return named >= max(3, articles / 3)

    def places_together(a: str, b: str) -> bool:
        return a in b or b in a or setting(a) or setting(b) or any(a in t and b in t for t in texts)

    edges = []
    for i, mine in enumerate(attributes):
        if not mine:
            continue
        for j in range(i + 1, len(mentions)):
            if not attributes[j] or keys[i] == keys[j] or mentions[i].article_id == mentions[j].article_id:
                continue
            sim = float(similarity[i, j])
            if sim < rules.threshold("attribute"):
                if sim < rules.threshold("residence"):
                    continue
                # A named person's home ties the sentences by itself.
                ours = tuple(sorted(a for a in mine if a.startswith("residence=")))
                theirs = tuple(sorted(a for a in attributes[j] if a.startswith("residence=")))
            else:
                ours, theirs = tuple(sorted(mine)), tuple(sorted(attributes[j]))
            fa = StatementFrame(predicate="", attributes=ours)
            fb = StatementFrame(predicate="", attributes=theirs)
            edges += _attribute_edges(i, fa, j, fb, places_together, rules)
    return edges


def _antecedents(mentions: Sequence[Mention]) -> dict[int, Mention]:
    """The sentence before each mention in its article, when it is among the mentions."""
    at = {(m.article_id, m.index): m for m in mentions}
    return {k: at[(m.article_id, m.index - 1)] for k, m in enumerate(mentions) if (m.article_id, m.index - 1) in at}


def _asserts(claim: Mention, rules: StatementRules) -> bool:
    return not any(f.role == "denial" or (f.negated and not f.relative) for f in claim.frames) and any(
        f.role in ("assertion", "report") and _takes_a_side(f, claim, rules) for f in claim.frames)


def _denial_link(denial: StatementFrame, denier: Mention, claim: Mention, rules: StatementRules,
                 antecedent: Mention | None, common: frozenset[str]) -> int:
    """How many words of the denied claim a sentence asserts (0: it does not assert it; -1: it only
    hedges or tells in the background what is denied, or it does not name what a denial that X is Y
    is about, and must not be tied to it by meaning either)."""
    if any(f.role == "denial" or (f.negated and not f.relative) for f in claim.frames):
        return 0
    if not any(f.role in ("assertion", "report") and _takes_a_side(f, claim, rules) for f in claim.frames):
        return 0
    named = _names_what_is_denied(denial, denier, claim, rules)
    if named is False:
        return -1
    denied = _denied_content(denial, rules)
    # "denied the claims": the claim noun says nothing of what is claimed; the sentence does.
    if not _denied_content(denial, rules):
        # "denied the claims": what is denied was said in the sentence before.
        if antecedent is None:
            return 0
        denied = _stems(antecedent.text)
    owner = _denied_parts(denial, rules)[1]
    told = (denied | owner) & _stems(claim.text)
    # Whose claim it is counts once, however many words its name has ("Israel Defense Forces claims").
    shared = len(told - owner - common) + bool(told & owner - common)
    if told and not (denied | owner) & _stems(_asserted_text(claim, rules)):
        return -1  # what is denied sits only in the sentence's hedged or background clauses ("rumored to be X")
    # The denied clause's own predicate asserted by the claim ("denied it knew" / "they knew").
    denied_frames = [f for f in denier.frames if f.role == "assertion" and (
        f.cue in rules.denial_verbs or (f.relative and _inside_denied(f, denier, denial)))]
    if _opposite_state(denied_frames, claim, rules):
        return -1  # "refuted claims that the fighting has ended" / "troops continue to hold the line": agrees
    denied_frames = [f for f in denied_frames if f.predicate not in ("be", "have", "do", "say", "tell", "make")]
    # Not of another subject: "denied mortars were fired from inside" / "40 rockets were fired into town".
    if any(f.predicate == g.predicate and not _other_subjects(f, g) for f in denied_frames
           for g in claim.frames if g.role == "assertion" and not g.negated):
        shared += 4
    if named:
        shared += 2  # the claim names both who the denier says is not what ("X was the source")
    # "X accused the company of ..." / "the company denied ...": an accusation against the denier.
    accused = {f.object for f in claim.frames if f.predicate in rules.accusation_verbs and f.object and not f.negated}
    if denial.subject and any(a == denial.subject or _same_name(a, denial.subject) for a in accused):
        shared += 2
    # "ruled out reports of more deaths" / "four people died": the harm a claim noun names, asserted.
    if _harm_link(denial, claim, rules):
        shared += 4
    return shared


def _inside_denied(frame: StatementFrame, denier: Mention, denial: StatementFrame) -> bool:
    """A clause of the denial's sentence that is part of what it denies ("denied striking the camp
    where refugees lived"), not another clause of that sentence ("..., until Deep Throat dies")."""
    clause = denier.text[max(0, frame.start - denier.start):max(0, frame.end - denier.start)].strip(" ,.")
    return bool(clause) and clause in (denial.denied or "")


def _asserted_text(claim: Mention, rules: StatementRules) -> str:
    """A sentence without its hedged and background clauses ("rumored to be X", "who was said to ...").

    A frame's span runs from its first to its last token, so the clauses that take no side are
    cut out of the sentence rather than the others pasted together."""
    chars = list(claim.text)
    for f in claim.frames:
        if f.end > f.start and not (f.role in ("assertion", "report") and _takes_a_side(f, claim, rules)) \
                and f.role != "denial":
            for k in range(max(0, f.start - claim.start), min(len(chars), f.end - claim.start)):
                chars[k] = " "
    return "".join(chars)


def _harm_link(denial: StatementFrame, claim: Mention, rules: StatementRules) -> bool:
    """A denial of reports of harm ("ruled out rumours of more deaths") and a sentence that asserts that harm."""
    harm = _claimed_harm(denial.denied or "", rules)
    # A toll dated by its year ("killed 168,000 people in 2004") is another event's.
    if not harm or any(t.value[:4].isdigit() for t in claim.times):
        return False
    return any(event in harm and not negated for f in claim.frames if _takes_a_side(f, claim, rules)
               for event, negated in _harm_frames(f, rules))


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _claimed_harm(denied: str, rules: StatementRules) -> frozenset[str]:
    """The harm events a denied claim noun is about: "speculation about the rumor of several deaths" -> kill, die.

    Only harm named after a claim noun and "of" or "about" counts: "denied causing the deaths"
    denies a cause, not the deaths.
    """
    words = [_singular(w) for w in re.findall(r"[a-z]+", denied.lower())]
    claim_at = next((k for k, w in enumerate(words) if w in rules.claim_nouns), None)
    if claim_at is None:
        return frozenset()
    about_at = next((k for k in range(claim_at + 1, len(words)) if words[k] in ("of", "about")), None)
    if about_at is None:
        return frozenset()
    return frozenset(e for w in words[about_at + 1:] for e in rules.harm_events(w))


def _background_fact(frame: StatementFrame, mention: Mention, rules: StatementRules) -> bool:
    """A relative clause that states an event as done or to come ("the ship, which replaced ...")."""
    if not frame.relative or frame.hedges or mention.text.rstrip().endswith("?") or frame.cue in rules.denial_verbs:
        return False
    if any(m in rules.uncertain_modals for m in frame.modality):
        return False
    states = {cue.partition("@")[0] for cue in frame.states}
    return any(o.background and states & {o.first, o.second} for o in rules.oppositions)


def find_contradictions(mentions: Sequence[Mention], vectors: np.ndarray, voices: Voices,
                        rules: StatementRules | None = None, encoder: Encoder | None = None) -> list[Conflict]:
    """Contradictions between the mentions of one story (vectors: their unit embeddings; the
    encoder, when given, aligns subjects by meaning)."""
    rules = rules or load_statement_rules()
    count = len(mentions)
    if count < 2:
        return []
    # Rounded, so that a similarity at a threshold, or a tie between sentences told alike by several
    # outlets, does not depend on how many threads the maths library summed it with.
    similarity = np.round(vectors @ vectors.T, SIMILARITY_DECIMALS) if len(vectors) else np.zeros((0, 0))
    keys = [voices.key(m) for m in mentions]
    frames = [_speaker_as_subject(m) for m in mentions]
    usable = [[f for f in fs if _takes_a_side(f, m, rules)] for m, fs in zip(mentions, frames)]
    background = [[f for f in fs if _background_fact(f, m, rules)] for m, fs in zip(mentions, frames)]
    aligner = SubjectAligner(rules, encoder)
    lowest = min(rules.threshold(r) for r in ("negation", "harm", "state", "denial"))
    thresholds = tuple(rules.threshold(r) for r in ("negation", "harm", "state", "attribute"))
    edges: list[_Edge] = []
    for i in range(count):
        if not usable[i] and not background[i]:
            continue
        for j in np.flatnonzero(similarity[i, i + 1:] >= lowest) + i + 1:
            j = int(j)
            if (not usable[j] and not background[j]) or keys[i] == keys[j]:
                continue
            if mentions[i].article_id == mentions[j].article_id and not (
                    mentions[i].speaker and mentions[j].speaker):
                continue  # an outlet's own sentences are its one account
            sim = float(similarity[i, j])
            negation_close, harm_close, state_close, attribute_close = (sim >= at for at in thresholds)
            for fa in usable[i]:
                for fb in usable[j]:
                    if negation_close:
                        edges += _negation_edges(i, fa, j, fb)
                    if harm_close:
                        edges += _harm_edges(i, fa, j, fb, rules)
                    if state_close:
                        edges += _state_edges(i, fa, j, fb, rules, aligner, sim)
                    if attribute_close:
                        edges += _exclusive_edges(i, fa, j, fb, rules)
            if state_close and (background[i] or background[j]):
                for fa in usable[i] + background[i]:
                    for fb in usable[j] + background[j]:
                        if fa.relative or fb.relative:
                            edges += _state_edges(i, fa, j, fb, rules, aligner, sim, background=True)
    edges += _attribute_conflicts(mentions, similarity, keys, rules)
    edges += _denial_edges(mentions, usable, similarity, keys, rules, _antecedents(mentions), vectors, encoder)
    return _conflicts_from(edges, mentions, voices, rules)


MAX_DENIED = 3
SIMILARITY_DECIMALS = 4


_CLAIM_CLAUSE = re.compile(r"\b([a-z]+)\s+(?:that|of|about)\s+(.+)$", re.DOTALL)


def _denied_content(denial: StatementFrame, rules: StatementRules) -> frozenset[str]:
    """The words of what a denial denies beyond the claim noun: none for "denied the claims". Of a
    claim noun with its clause, the clause only: "Israel's claim that mortars were fired" -> mortar, fire
    (whose claim it is says nothing of what is claimed)."""
    return _denied_parts(denial, rules)[0]


def _denied_parts(denial: StatementFrame, rules: StatementRules) -> tuple[frozenset[str], frozenset[str]]:
    """(what is claimed, whose claim): "Russia's claims that the fighting has ended" -> (fight, end), (russia)."""
    nouns = {_stem(n) for n in rules.claim_nouns}
    text = (denial.denied or "").lower()
    clause = next((m for m in _CLAIM_CLAUSE.finditer(text) if _singular(m.group(1)) in rules.claim_nouns), None)
    if clause is None:
        return frozenset(w for w in _stems(text) if w not in nouns), frozenset()
    owner = _stems(text[:clause.start(1)]) - nouns
    return frozenset(w for w in _stems(clause.group(2)) if w not in nouns), frozenset(owner)


def _central(similarity: np.ndarray) -> np.ndarray:
    """Sentences at least as close to the rest of the story as its lowest quarter: the others tell
    background (another quake, an earlier case)."""
    centre = similarity.mean(axis=1) if len(similarity) else np.zeros(0)
    return centre >= float(np.percentile(centre, 25)) if len(centre) else np.zeros(0, dtype=bool)


def _denial_edges(mentions: Sequence[Mention], usable: list[list[StatementFrame]], similarity: np.ndarray,
                  keys: list[str], rules: StatementRules, antecedents: dict[int, Mention],
                  vectors: np.ndarray | None = None, encoder: Encoder | None = None) -> list[_Edge]:
    """Each denial linked to the few closest sentences, by other voices, that assert what it denies."""
    # Words most sentences of the story share ("Sudan", "camp") do not tie a denial to a claim.
    frequency = Counter(stem for m in mentions for stem in _stems(m.text))
    common = frozenset(stem for stem, n in frequency.items() if n > max(3, len(mentions) // 8))
    # A denial of background ("Kiir rejected claims that his country arms rebels") is not about
    # the story's event: both sides must be central to the story.
    central = _central(similarity)
    edges = []
    for d, frames in enumerate(usable):
        denial = next((f for f in frames if f.role == "denial"), None)
        if denial is None:
            continue
        antecedent = antecedents.get(d)
        # "... has denied the claims", "this remains an unsubstantiated claim": what is denied is the
        # sentence before, which then stands for the denial when claims are matched.
        proxy = d
        content = _denied_content(denial, rules)
        if not content:
            if antecedent is None or not _antecedent_denied(denial, mentions[d], antecedent, rules):
                continue
            proxy = mentions.index(antecedent)
            if central[proxy] and keys[proxy] != keys[d] and not any(
                    f.role == "denial" or f.negated for f in antecedent.frames if not f.relative):
                edges.append(_Edge("denial", "denial", proxy, d, "claims", "denies"))
        owner = _claim_owner(denial, rules)
        # What the denial itself denies, by meaning, when it says it ("denied bombing the camp").
        denied_vector = encoder.encode([denial.denied])[0] if content and encoder is not None and \
            "denied_clause" in dict(rules.similarity) else None
        # An article's first sentence tells its event, however its wording sits in the story.
        if not central[proxy] and mentions[proxy].index > 0:
            continue
        scored = []
        # Harm named on both sides ties sentences worded far apart ("rumours of more deaths" /
        # "four people died in the quake").
        for c in np.flatnonzero(similarity[proxy] >= rules.threshold("denial") - 0.25):
            c = int(c)
            if c in (d, proxy) or keys[c] == keys[d] or not usable[c] or not central[c]:
                continue
            if similarity[proxy, c] < rules.threshold("denial") - 0.15 and not _harm_link(denial, mentions[c], rules):
                continue
            if mentions[c].article_id == mentions[d].article_id and not mentions[c].speaker:
                continue
            if owner and not _same_voice(owner, keys[c]):
                continue  # "denied the police's account": what the police say, not what others say
            shared = _denial_link(denial, mentions[d], mentions[c], rules, antecedent, common)
            if shared < 0:
                continue
            sim = float(similarity[proxy, c])
            if proxy != d and (shared < 4 or sim < rules.threshold("retold")):
                continue  # the sentence before a bare denial, retold by others; not what is merely related to it
            # Meaning alone ties a claim to what is denied, not to the rest of the denial's sentence
            # ("Denying he was a gangster, he would wander the streets in a bathrobe").
            close = sim >= rules.threshold("denial") + 0.2 and (
                denied_vector is None or
                round(float(denied_vector @ vectors[c]), SIMILARITY_DECIMALS) >= rules.threshold("denied_clause"))
            # Words of the denied claim, or meaning close enough to stand without them.
            if (shared >= 2 and sim >= rules.threshold("denial")) or shared >= 4 or \
                    (shared == 1 and sim >= rules.threshold("denial") + 0.15) or \
                    (close and _asserts(mentions[c], rules)):
                scored.append((shared >= 4, sim, c))
        for _, _, c in sorted(scored, reverse=True)[:MAX_DENIED]:
            edges.append(_Edge("denial", "denial", c, d, "claims", "denies"))
    return edges


def _opposite_state(denied: Sequence[StatementFrame], claim: Mention, rules: StatementRules) -> bool:
    """A claim that gives the opposite of the state a denial denies sides with the denier."""
    said = {st.partition("@")[0] for f in denied if not f.negated for st in f.states}
    told = {st.partition("@")[0] for f in claim.frames if not f.relative and not f.negated for st in f.states}
    return any(o.first in said and o.second in told or o.second in said and o.first in told for o in rules.oppositions)


def _other_subjects(a: StatementFrame, b: StatementFrame) -> bool:
    """Two frames whose subjects are both known and not one name ("mortar" / "people")."""
    return _subject_known(a.subject) and _subject_known(b.subject) and a.subject != b.subject \
        and not _same_name(a.subject or "", b.subject or "")


def _antecedent_denied(denial: StatementFrame, denier: Mention, antecedent: Mention, rules: StatementRules) -> bool:
    """Whether the sentence before a bare denial ("denied the claims", "that is wrong") is what it denies.

    Not a denial itself ("..., denying he was the source. It was a lie he told": the lie is the
    denial). What a denial verb rejects is a claim against the denier, so the sentence before must
    accuse or blame, name a claim, or name the denier ("the official said 12 were killed. The army
    has denied the claims" leaves open which claims)."""
    if any(f.role == "denial" or f.predicate in rules.denial_verbs for f in antecedent.frames):
        return False
    if denial.predicate not in rules.denial_verbs:
        return True  # "this remains an unsubstantiated claim": a judgement of what was just said
    if any(f.predicate in rules.accusation_verbs or f.predicate in rules.claim_verbs for f in antecedent.frames):
        return True
    words = {_singular(w) for w in re.findall(r"[a-z]+", antecedent.text.lower())}
    if words & rules.claim_nouns:
        return True
    names = {w for name in (denial.subject, denier.speaker) if name and name not in _PRONOUNS
             for w in re.findall(r"[a-z]{3,}", name.lower()) if w not in _STOP}
    return bool(names & words)


_OWNED_CLAIM = re.compile(r"^(?:the\s+)?([a-z][\w .&-]*?)['’]s?\s+(?:[a-z]+\s+)?([a-z]+)$")


def _claim_owner(denial: StatementFrame, rules: StatementRules) -> str | None:
    """Whose claims a denial names when it names nothing else: "rejected the police's account" -> police."""
    found = _OWNED_CLAIM.match((denial.denied or "").lower().strip())
    if found is None or _singular(found.group(2)) not in rules.claim_nouns:
        return None
    return found.group(1).strip()


def _same_voice(owner: str, voice: str) -> bool:
    """A claim's voice that is the owner of the denied claims: "police" / "police", "nypd" / "the nypd"."""
    words, theirs = set(owner.split()), set(voice.split())
    return bool(words) and (words <= theirs or theirs <= words or _same_name(owner, voice))


def _names_what_is_denied(denial: StatementFrame, denier: Mention, claim: Mention,
                          rules: StatementRules) -> bool | None:
    """A denial that X is Y ("denied that he was the source", "denied the move was political") is
    answered only by a claim that names both Y and X (for a pronoun X, the denier): "the source was
    an insider" says nothing of who the denier is. None: the denial is not of that shape."""
    told = _stems(claim.text)
    found = None
    for f in denier.frames:
        if f.predicate != "be" or f.role != "assertion" or not f.object or not f.subject:
            continue
        if not (f.cue in rules.denial_verbs or _inside_denied(f, denier, denial)):
            continue
        if not _stems(f.object) <= told:
            return False
        who = {f.subject} if f.subject not in _PRONOUNS else {n for n in (denial.subject, denier.speaker) if n}
        if not any(_stems(w) & told for w in who):
            return False
        found = True
    return found


def _conflicts_from(edges: Sequence[_Edge], mentions: Sequence[Mention], voices: Voices,
                    rules: StatementRules) -> list[Conflict]:
    """One conflict per connected group of edges of one rule and topic."""
    # Attributes and states of different things are separate conflicts even when a sentence
    # takes part in both ("a grey car" / "Smith, of Eastfield").
    by_rule: dict[tuple[str, str], list[_Edge]] = defaultdict(list)
    for edge in edges:
        by_rule[(edge.rule, edge.topic if edge.rule in ("attribute", "state") else "")].append(edge)
    conflicts = []
    for (rule, _), group in by_rule.items():
        for component in _components(group):
            topic = max(Counter(e.topic for e in component).items(), key=lambda kv: (kv[1], kv[0]))[0]
            firsts = sorted({e.first for e in component} - {e.second for e in component})
            seconds = sorted({e.second for e in component})
            if not firsts or not seconds:
                continue
            say_first, say_second = component[0].say_first, component[0].say_second
            label_a = sorted({voices.label(mentions[i]) for i in firsts})
            label_b = sorted({voices.label(mentions[i]) for i in seconds})
            if rule == "denial":
                summary = f"{', '.join(label_b)} den{'y' if len(label_b) > 1 else 'ies'} what {', '.join(label_a)} report"
            elif rule == "negation":
                summary = f"{topic}: yes according to {', '.join(label_a)}; no according to {', '.join(label_b)}"
            elif rule == "state":
                opposition = next(o for o in rules.oppositions if o.first == say_first)
                summary = (f"{topic.split(':')[0].capitalize()}: {opposition.say_first} according to {', '.join(label_a)}; "
                           f"{opposition.say_second} according to {', '.join(label_b)}")
            else:
                summary = (f"{topic.capitalize()}: {say_first} according to {', '.join(label_a)}; "
                           f"{say_second} according to {', '.join(label_b)}")
            conflicts.append(Conflict(
                kind="contradiction", summary=summary, claim_ids=(), measure=None,
                sides=tuple([voices.side(mentions[i], say_first) for i in firsts]
                            + [voices.side(mentions[i], say_second) for i in seconds]),
            ))
    return _merge_overlapping(conflicts)


def _components(edges: Sequence[_Edge]) -> list[list[_Edge]]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in edges:
        parent[find(e.first)] = find(e.second)
    groups: dict[int, list[_Edge]] = defaultdict(list)
    for e in edges:
        groups[find(e.first)].append(e)
    return list(groups.values())


def _merge_overlapping(conflicts: list[Conflict]) -> list[Conflict]:
    """A conflict whose sentences all sit in a larger one adds nothing."""
    keyed = [(frozenset((s.article_id, s.start) for s in c.sides), c) for c in conflicts]
    keyed.sort(key=lambda kc: -len(kc[0]))
    kept: list[tuple[frozenset, Conflict]] = []
    for sentences, conflict in keyed:
        if any(sentences <= other for other, _ in kept):
            continue
        kept.append((sentences, conflict))
    return [c for _, c in kept]
