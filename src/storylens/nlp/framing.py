"""How a sentence is framed: hedges, scare quotes, loaded terms, and contradiction cues.

Phrases are matched on a token string of the sentence in which names (ORG, LAW,
WORK_OF_ART, FAC, EVENT entities) are blanked out, so "Center for Countering
Disinformation" is not a loaded term, and again on its lemmas so that inflected
forms ("regimes", "continues") match their lexicon entry.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from typing import Iterable

from spacy.tokens import Span

from ..records import Framing, Mention
from .lexicon import Lexicon, compile_matchers

_NAME_LABELS = frozenset({"ORG", "LAW", "WORK_OF_ART", "FAC", "EVENT", "PRODUCT"})
_SCARE = re.compile(r"(?<!\w)[‘'](?P<s>[^‘’'\n]{1,40}?)[’'](?!\w)|[“\"](?P<d>[^“”\"\n]{1,40}?)[”\"]")
_NEG_WORDS = frozenset({"no", "never", "none", "nobody", "nothing"})


class SentenceText:
    """Token and lemma strings of a sentence, built once and shared by the matchers."""

    __slots__ = ("sent", "words", "lemmas", "offsets")

    def __init__(self, sent: Span) -> None:
        self.sent = sent
        words: list[str] = []
        lemmas: list[str] = []
        offsets: list[int] = []
        pos = 0
        for tok in sent:
            if tok.is_space:
                continue
            blank = tok.ent_type_ in _NAME_LABELS
            # Hand-built Docs may lack lexical attributes; fall back on the raw text.
            word = "_" if blank else (tok.lower_ or tok.text.lower())
            offsets.append(pos)
            words.append(word)
            lemmas.append("_" if blank else (tok.lemma_.lower() or word))
            pos += len(word) + 1
        self.words = " ".join(words)
        self.lemmas = " ".join(lemmas)
        self.offsets = offsets

    def token_index(self, char: int) -> int:
        """Index (among non-space tokens) of the token at a character of `words`."""
        return max(bisect_right(self.offsets, char) - 1, 0)


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def find_hedges(st: SentenceText, lexicon: Lexicon, reporting_verb: str | None = None) -> tuple[str, ...]:
    """Hedging words in a sentence ("allegedly", "so-called"), not counting its own reporting verb."""
    pattern = compile_matchers(lexicon).hedges
    if pattern is None:
        return ()
    tokens = [t for t in st.sent if not t.is_space]
    found = []
    for m in pattern.finditer(st.words):
        tok = tokens[st.token_index(m.start())]
        # "X alleged that ..." reports; "the alleged conclusion" hedges.
        if tok.pos_ == "VERB" and tok.dep_ in ("ROOT", "ccomp", "conj", "advcl") and tok.lemma_.lower() == reporting_verb:
            continue
        found.append(re.sub(r"[\s-]+", " ", m.group(0)).replace("so called", "so-called"))
    return _dedupe(found)


def find_loaded_terms(st: SentenceText, lexicon: Lexicon) -> tuple[str, ...]:
    """Loaded terms of the lexicon, longest form only ("brutal invasion", not also "invasion")."""
    pattern = compile_matchers(lexicon).loaded_terms
    if pattern is None:
        return ()
    found = [re.sub(r"[\s-]+", " ", m.group(0)) for m in pattern.finditer(st.words)]
    for m in pattern.finditer(st.lemmas):
        found.append(re.sub(r"[\s-]+", " ", m.group(0)))
    if not found:
        return ()  # most sentences: no need to spell out every term of the lexicon
    terms = {re.sub(r"[\s-]+", " ", t): t for t in lexicon.loaded_terms}
    canon = [terms.get(f, f) for f in found]
    unique = _dedupe(canon)
    return tuple(t for t in unique if not any(t != o and re.search(rf"(?<!\w){re.escape(t)}(?!\w)", o) for o in unique))


_TITLE_NOUNS = re.compile(
    r"\b(?:song|single|album|track|film|movie|book|novel|play|show|series|episode|poem|painting|titled|entitled|"
    r"called|named|dubbed|nicknamed|slogan|motto|hashtag|label|brand|campaign|operation|programme|program|"
    r"initiative|bill|act|headline|tagline|catchphrase|banner|sign|app)\s*[,:]?\s*$", re.IGNORECASE)
_FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "and", "or", "to", "for", "at", "by", "with", "it",
                             "is", "my", "me", "you", "we"})


def _is_title(words: list[str], before: str, doc, start: int, end: int) -> bool:
    """A quoted title, name or label rather than words held at a distance: capitalised content
    words ("Made in America"), a title noun in front ("the song 'born to run'"), or a name entity."""
    content = [w for w in words if w.lower() not in _FUNCTION_WORDS]
    if content and all(w[0].isupper() for w in content) and words[0][0].isupper():
        return True
    if _TITLE_NOUNS.search(before) and not re.search(r"so[\s-]called\s*$", before, re.IGNORECASE):
        return True  # "so-called" is the very mark of a scare quote
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(t.ent_type_ in ("WORK_OF_ART", "ORG", "PRODUCT", "EVENT", "LAW") for t in span)


def find_scare_quotes(sent: Span, speaker: str | None, hedges: tuple[str, ...], regions: list[tuple[int, int]]) -> tuple[str, ...]:
    """Short quoted words (1-4) the outlet holds at a distance, not quotations of a speaker."""
    text = sent.text
    base = sent.start_char
    doc = sent.doc
    found = []
    for m in _SCARE.finditer(text):
        inner = m.group("s") if m.group("s") is not None else m.group("d")
        words = re.findall(r"\w[\w'’-]*", inner)
        if not 1 <= len(words) <= 4:
            continue
        if _is_title(words, text[: m.start()], doc, base + m.start() + 1, base + m.end() - 1):
            continue  # titles, names and labels: "American Pie", the song "Shake It Off", a label called "made here"
        start = base + m.start()
        # A short quote nested in a longer quotation belongs to the quoted speaker.
        if any(s < start and base + m.end() <= e and (e - s) > (m.end() - m.start()) + 2 for s, e in regions):
            continue
        span = doc.char_span(start + 1, base + m.end() - 1, alignment_mode="expand")
        has_verb = span is not None and any(t.pos_ == "VERB" for t in span)
        before = text[: m.start()].lower()
        hedged = bool(re.search(r"(?:so[\s-]called|alleged(?:ly)?|supposed(?:ly)?|purported(?:ly)?)\s*$", before))
        # In an attributed sentence a longer quote is the speaker's own words.
        if speaker is None or hedged or (has_verb and len(words) <= 2):
            found.append(inner.strip())
    return _dedupe(found)


def find_cues(st: SentenceText, lexicon: Lexicon, main_verbs: tuple[int, ...]) -> tuple[str, ...]:
    """Contradiction cues of a sentence; `main_verbs` are token indices whose negation counts."""
    matchers = compile_matchers(lexicon)
    cues = []
    for name, pattern in matchers.cues:
        if pattern.search(st.words) or pattern.search(st.lemmas):
            cues.append(name)
    doc = st.sent.doc
    for i in main_verbs:
        verb = doc[i]
        for child in verb.children:
            if child.dep_ == "neg" or (child.lower_ in _NEG_WORDS and child.dep_ in ("advmod", "det")):
                cues.append("negation")
                break
            if child.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and any(
                g.lower_ in _NEG_WORDS and g.dep_ == "det" for g in child.children
            ):
                cues.append("negation")
                break
    return _dedupe(c for c in ("denial", "negation", "completed", "continuing", "update", "admission") if c in cues) + _dedupe(
        c for c in cues if c not in ("denial", "negation", "completed", "continuing", "update", "admission")
    )


def summarise_framing(mentions: Iterable[Mention]) -> Framing:
    """An article's framing from its mentions: every hedge, scare quote and loaded term, and its voices."""
    hedges: list[str] = []
    scare: list[str] = []
    loaded: list[str] = []
    voices: Counter[str] = Counter()
    for m in mentions:
        hedges.extend(m.hedges)
        scare.extend(m.scare_quotes)
        loaded.extend(m.loaded_terms)
        if m.speaker:
            voices[m.speaker] += 1
    ordered = sorted(voices.items(), key=lambda kv: (-kv[1], kv[0]))
    return Framing(_dedupe(hedges), _dedupe(scare), _dedupe(loaded), tuple(ordered))
