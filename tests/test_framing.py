"""Hedges, scare quotes, loaded terms, contradiction cues and voices."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from storylens.nlp.framing import SentenceText, find_cues, find_hedges, find_loaded_terms, find_scare_quotes, summarise_framing
from storylens.read import load_lexicon
from storylens.records import Mention


def hand_sent(text: str):
    words = text.split(" ")
    return Doc(Vocab(), words=words, spaces=[True] * (len(words) - 1) + [False])[:]


@pytest.mark.parametrize(
    "text, hedges",
    [
        ("Troops allegedly took the town", ("allegedly",)),
        ("Troops reportedly took the so-called buffer zone", ("reportedly", "so-called")),
        ("their so called resilience", ("so-called",)),
        ("Troops took the town", ()),
    ],
)
def test_hedges(text, hedges) -> None:
    assert find_hedges(SentenceText(hand_sent(text)), load_lexicon()) == hedges


@pytest.mark.parametrize(
    "text, terms",
    [
        ("It joined its illegal war against them", ("illegal war",)),
        ("They resist a brutal invasion", ("brutal invasion",)),
        ("the Center for Countering Disinformation said", ()),
    ],
)
def test_loaded_terms_prefer_the_longest_form(text, terms) -> None:
    sent = hand_sent(text)
    if "Center" in text:
        from spacy.tokens import Span

        sent.doc.ents = [Span(sent.doc, 1, 5, label="ORG")]
    assert find_loaded_terms(SentenceText(sent), load_lexicon(packs="war")) == terms


@pytest.mark.parametrize(
    "text, terms",
    [
        # should fire: evaluative and loaded language of any topic
        ("Critics slammed the reckless plan", ("slammed", "reckless")),
        ("The senator called the inquiry a witch hunt", ("witch hunt",)),
        ("The embattled mayor defended the lavish trip", ("embattled", "lavish")),
        # should not fire: words that are plain in most news unless a topic pack is on
        ("Police arrested him for illegal parking", ()),
        ("He faces a criminal charge of fraud", ()),
        ("The terrorist attack killed four people", ()),
        ("The invasion of Normandy began in 1944", ()),
    ],
)
def test_general_loaded_terms_without_topic_packs(text, terms) -> None:
    assert find_loaded_terms(SentenceText(hand_sent(text)), load_lexicon()) == terms


def test_war_pack_flags_its_terms_only_when_switched_on() -> None:
    sent = SentenceText(hand_sent("The occupiers shelled the town"))
    assert find_loaded_terms(sent, load_lexicon()) == ()
    assert find_loaded_terms(sent, load_lexicon(packs="war")) == ("occupiers",)


@pytest.mark.parametrize(
    "text, cue",
    [
        ("The ministry denied the report", "denial"),
        ("These claims are simply untrue", "denial"),
        ("It is nothing more than propaganda", "denial"),
        ("Forces completely liberated the region", "completed"),
        ("Ukrainian forces were pushed out", "completed"),
        ("Fighting is still ongoing", "continuing"),
        ("Troops repelled five assaults", "continuing"),
        ("The toll rose to 40", "update"),
        ("The toll now stands at 40", "update"),
        ("Russia acknowledged the troops", "admission"),
    ],
)
def test_cues(text, cue) -> None:
    assert cue in find_cues(SentenceText(hand_sent(text)), load_lexicon(), ())


def test_no_cue_in_a_neutral_sentence() -> None:
    assert find_cues(SentenceText(hand_sent("The minister visited the port")), load_lexicon(), ()) == ()


@pytest.mark.parametrize(
    "text, speaker, expected",
    [
        ("Forces had “liberated” the village", None, ("liberated",)),
        ('Forces had "liberated" the village', None, ("liberated",)),
        ("He said they showed “resilience and heroism” there", "Gerald Ostrow", ()),
        ("They watched “American Pie” together", None, ()),
        ("He said “we will stay here until the job is fully done” today", None, ()),
        # should fire: a word held at a distance, also with a capital at the start of a clause
        ("The so-called “experts” disagreed", None, ("experts",)),
        ("The minister's “reforms” cut pensions", None, ("reforms",)),
        # should not fire: titles and labels, whatever their capitals
        ("She sang “Made in America” at the rally", None, ()),
        ("They played the song “born to run” twice", None, ()),
        ("The firm sells a range called “simply good” in its shops", None, ()),
        ("The campaign “Stop the Cuts” began in May", None, ()),
        # should not fire: a speaker's partial quote
        ("Ostrow called the plan “reckless” on Monday", "Gerald Ostrow", ()),
    ],
)
def test_scare_quotes_are_short_and_not_a_speakers_words(text, speaker, expected) -> None:
    sent = hand_sent(text)
    assert find_scare_quotes(sent, speaker, (), []) == expected


@pytest.mark.slow
def test_negation_on_the_main_verb(nlp) -> None:
    doc = nlp("North Korea has not confirmed the dispatch.")
    sent = next(doc.sents)
    assert "negation" in find_cues(SentenceText(sent), load_lexicon(), (sent.root.i,))


def test_framing_summary_counts_voices_and_unions_terms() -> None:
    mentions = [
        Mention("a", 0, "x", 0, 1, speaker="Kim Lee", hedges=("allegedly",), loaded_terms=("regime",)),
        Mention("a", 1, "y", 2, 3, speaker="Kim Lee", scare_quotes=("liberated",), loaded_terms=("regime",)),
        Mention("a", 2, "z", 4, 5, speaker="Port Authority"),
        Mention("a", 3, "w", 6, 7),
    ]
    framing = summarise_framing(mentions)
    assert framing.voices == (("Kim Lee", 2), ("Port Authority", 1))
    assert framing.hedges == ("allegedly",) and framing.scare_quotes == ("liberated",) and framing.loaded_terms == ("regime",)
