"""Typed records that flow from stage to stage.

ingest -> RawDocument -> clean -> Article -> read -> ArticleReading (Mentions)
-> cluster -> Story -> compare -> StoryDossier -> report.

All records are frozen: a stage builds new records, it never edits old ones.
Character offsets (`start`, `end`) are always into `Article.text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

ArticleStatus = Literal["ok", "duplicate", "rejected"]
Qualifier = Literal["exact", "approximate", "lower_bound", "upper_bound"]
Precision = Literal["year", "month", "part_of_month", "day", "range"]
ClaimStatus = Literal["corroborated", "single_source", "disputed"]
ConflictKind = Literal["contradiction", "numeric"]


@dataclass(frozen=True)
class RawDocument:
    """One input as read from disk or network, before cleaning.

    `body` is decoded text (kind "text"), an HTML page (kind "html"), or the
    text field of a structured record (kind "record"). When the input could not
    be read, `error` says why and `body` is None.
    """

    input: str
    kind: Literal["text", "html", "record"]
    body: str | None
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    external_id: str | None = None
    author: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Article:
    """A cleaned article, or the record of an input that was rejected."""

    id: str
    input: str
    source: str
    title: str | None
    published: str | None  # YYYY-MM-DD
    language: str | None
    status: ArticleStatus
    reason: str | None
    text: str
    url: str | None = None
    external_id: str | None = None
    duplicate_of: str | None = None
    content_hash: str | None = None
    place: str | None = None  # dateline place ("Seoul"), kept out of the text
    author: str | None = None


@dataclass(frozen=True)
class Entity:
    """A named entity in an article."""

    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, NORP, LOC, ...
    start: int
    end: int


@dataclass(frozen=True)
class Quantity:
    """A figure with what it counts: "some 11,000 troops sent"."""

    text: str
    value: float
    qualifier: Qualifier
    unit: str | None  # "%", "basis points", "hours", currency ...
    counted: str | None  # lemma of the counted noun: "troop", "soldier"
    event: str | None  # lemma of the governing verb: "send", "kill"
    modifiers: tuple[str, ...]  # key modifiers of the counted noun: "north korean", "additional"
    start: int
    end: int
    # Who gives this figure, when the sentence quotes several sources ("police said 3,400,
    # while organisers said 5,000"); None: the sentence's speaker.
    speaker: str | None = None
    # The figure's measure frame (see storylens.figures): its dimension (count, age, money,
    # length, magnitude, percent, duration, clock ...), the lemma of what it measures (the
    # predicate or property it is an argument of: "kill", "magnitude", "price"), whose or
    # where it is (a person's name for an age, a nationality, the thing priced), the clause's
    # time, flags (cumulative, forecast, other_event, part, increment, peak, previous,
    # conversion, update), the qualifier as read (exact, about, at_least, more_than, up_to,
    # less_than, nearly, just_over) and the upper end of a range ("$145-175 million").
    dimension: str = "count"
    measure: str | None = None
    holder: str | None = None
    time: str | None = None
    flags: tuple[str, ...] = ()
    hedge: str | None = None
    high: float | None = None


@dataclass(frozen=True)
class TimeExpr:
    """A temporal expression resolved against the publication date."""

    text: str
    value: str  # YYYY, YYYY-MM or YYYY-MM-DD
    precision: Precision
    start: int
    end: int


@dataclass(frozen=True)
class StatementFrame:
    """One predicate of a sentence read as a statement: who says that what does what to what.

    Argument keys are lowercased lemmas of the argument heads (a named argument keeps its
    name: "sudan armed forces"); `role` is "assertion", "denial" (the frame denies the claim
    in `denied`) or "report" (a reporting verb whose content is another frame).
    """

    predicate: str  # lemma of the predicate: "kill", "compete", "be"
    subject: str | None = None
    object: str | None = None  # direct object, attribute or complement head
    preps: tuple[str, ...] = ()  # "with:customer", "in:camp"
    negated: bool = False
    modality: tuple[str, ...] = ()  # modal auxiliaries: "may", "could", "will"
    hedges: tuple[str, ...] = ()  # hedges attached to this predicate: "reportedly", "i think"
    time: str | None = None
    place: str | None = None
    speaker: str | None = None  # the resolved speaker of the sentence
    cue: str | None = None  # the reporting verb that introduces the frame ("say", "deny")
    role: str = "assertion"
    denied: str | None = None  # for a denial: the frame or claim noun it denies, as text
    states: tuple[str, ...] = ()  # opposition cues on this predicate: "completed", "unanimous"
    attributes: tuple[str, ...] = ()  # "colour=grey@camry", "direction=west@aden"
    relative: bool = False  # a relative or subordinate clause: background, not the sentence's stance
    start: int = 0  # character span of the clause in the article
    end: int = 0


@dataclass(frozen=True)
class Report:
    """One attribution of a sentence: who (resolved) says what, with which cue, and where the cue is.

    `cue_start`/`cue_end` are the cue's offsets: its word ("said", "according", "urged") or the
    verbal group it opens with ("went on to praise", "issued a warning");
    `kind` is the cue's class in the lexicon (speech, writing, call_for, describe, ...).
    `speaker` is None for a report that names no source: "talks are expected to resume", "it was
    reported that ...", "he was asked whether ..." (something is reported, by no one the text names).
    """

    speaker: str | None
    verb: str
    cue_start: int
    cue_end: int
    kind: str | None = None
    speaker_title: str | None = None


@dataclass(frozen=True)
class Mention:
    """One sentence of an article, read: who says it, how, and what it contains.

    A mention with `speaker` None is the outlet's own statement.
    """

    article_id: str
    index: int
    text: str
    start: int
    end: int
    speaker: str | None = None
    verb: str | None = None
    direct: bool = False
    via: str | None = None
    content: str | None = None  # the reported content, without the attribution
    entities: tuple[Entity, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    hedges: tuple[str, ...] = ()
    scare_quotes: tuple[str, ...] = ()
    loaded_terms: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()  # "denial", "negation", "completed", "continuing", ...
    speaker_title: str | None = None  # the speaker's title as written: "chief of the general staff"
    frames: tuple[StatementFrame, ...] = ()  # the sentence's predicates read as statements
    # Every attribution of the sentence, in text order; the one of `speaker`/`verb` among them.
    # "Police said 40 were hurt, while organisers claimed 200" has two.
    reports: tuple[Report, ...] = ()

    @property
    def hedged(self) -> bool:
        return bool(self.hedges or self.scare_quotes)


@dataclass(frozen=True)
class Actor:
    """A person, organisation or country named in an article."""

    name: str
    kind: str  # person, organisation, country, group
    mentions: int
    roles: tuple[str, ...] = ()  # speaker, subject, object


@dataclass(frozen=True)
class Framing:
    """How an article frames its story."""

    hedges: tuple[str, ...] = ()
    scare_quotes: tuple[str, ...] = ()
    loaded_terms: tuple[str, ...] = ()
    voices: tuple[tuple[str, int], ...] = ()  # (speaker, sentences attributed)


@dataclass(frozen=True)
class ArticleReading:
    """Everything the reading stage learnt about one article."""

    article: Article
    mentions: tuple[Mention, ...]
    actors: tuple[Actor, ...] = ()
    framing: Framing = field(default_factory=Framing)


@dataclass(frozen=True)
class Story:
    """Articles about one event. `explanations` says why each article joined."""

    id: str
    article_ids: tuple[str, ...]
    headline: str
    explanations: tuple[tuple[str, str], ...] = ()  # (article_id, why)


@dataclass(frozen=True)
class Claim:
    """A statement made in one or more articles of a story."""

    id: str
    text: str
    speaker: str | None
    status: ClaimStatus
    mentions: tuple[Mention, ...]
    sources: tuple[str, ...]  # independent outlets that carry it


@dataclass(frozen=True)
class ConflictSide:
    """One side of a conflict, quoted from its article."""

    article_id: str
    source: str
    speaker: str | None
    text: str
    value: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    date: str | None = None
    start: int = 0
    end: int = 0
    stance: str | None = None  # "claims", "denies", "completed", "continuing"
    # Numeric sides: the interval of values the figure allows (None: unbounded), the figure as
    # written, and its reference time.
    low: float | None = None
    high: float | None = None
    quote: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class Conflict:
    """Two or more sides that cannot all be right."""

    kind: ConflictKind
    summary: str
    claim_ids: tuple[str, ...]
    sides: tuple[ConflictSide, ...]
    measure: str | None = None  # for numeric conflicts: what is counted
    # Numeric conflicts: the measure class (KILL, PRICE, ... or the measure's own lemma), whose
    # figure it is, the unit and the reference time shared by the sides.
    measure_class: str | None = None
    holder: str | None = None
    unit: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class FigurePoint:
    """One value in a figure's history: when, how much, who says so."""

    time: str
    value: float
    unit: str | None
    qualifier: str
    article_id: str
    source: str
    speaker: str | None
    quote: str
    text: str
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class FigureHistory:
    """A figure that changes from one report to the next (a toll rising): an update, not a conflict."""

    measure: str
    measure_class: str
    holder: str | None
    unit: str | None
    points: tuple[FigurePoint, ...]


@dataclass(frozen=True)
class TimelineEntry:
    """A dated event, merged across articles."""

    date: str
    precision: Precision
    event: str
    article_ids: tuple[str, ...]
    mentions: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class StoryDossier:
    """The cross-source comparison of one story."""

    story: Story
    sources: tuple[str, ...]
    first_published: str | None
    last_published: str | None
    claims: tuple[Claim, ...]
    conflicts: tuple[Conflict, ...]
    timeline: tuple[TimelineEntry, ...]
    actors: tuple[tuple[Actor, tuple[str, ...]], ...]  # actor merged over articles, article ids
    framing: tuple[tuple[str, Framing], ...]  # (article_id, framing)
    updates: tuple[FigureHistory, ...] = ()  # figures that rose or fell across report times
    # The settings and rule files the comparison used, echoed into dossier.json: (name, value).
    compared_with: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Dossier:
    """The whole output of a run: every article's fate and every story."""

    generated_at: str
    articles: tuple[Article, ...]
    stories: tuple[StoryDossier, ...]


def frame_from_dict(data: dict) -> StatementFrame:
    """A StatementFrame from its JSON form (lists back to tuples; unknown keys from newer versions ignored)."""
    names = {f.name for f in fields(StatementFrame)}
    return StatementFrame(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names})
