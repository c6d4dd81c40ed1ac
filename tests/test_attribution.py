"""Speakers, reporting verbs, direct quotes, nested sources."""

from __future__ import annotations

import pytest

from storylens.nlp.attribution import attribute_sentence, find_quote_regions
from storylens.read import load_lexicon


@pytest.mark.parametrize(
    "text, quoted",
    [
        ("He said “we won” today.", ["“we won”"]),
        ('He said "we won" today.', ['"we won"']),
        ("“First part.\nNext line", ["“First part."]),
        ("no quotes here", []),
        ("ends here.” He said.", ["ends here.”"]),
    ],
)
def test_quote_regions_cover_curly_and_straight_quotes(text, quoted) -> None:
    assert [text[s:e] for s, e in find_quote_regions(text)] == quoted


def attribute(nlp, text: str):
    doc = nlp(text)
    regions = find_quote_regions(text)
    return [attribute_sentence(sent, load_lexicon(), regions) for sent in doc.sents]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, speaker, verb, direct",
    [
        ("Gerald Ostrow stated that the border was calm.", "Gerald Ostrow", "state", False),
        ("“The border is calm and quiet tonight, all of it,” Gerald Ostrow said.", "Gerald Ostrow", "say", True),
        ("The chief of the regional police, Gerald Ostrow, confirmed that the border was calm.", "Gerald Ostrow", "confirm", False),
        ("This was stated by the chief of police Gerald Ostrow in a report.", "Gerald Ostrow", "state", False),
        ("According to the Harbour Authority, the port is closed.", "Harbour Authority", "according to", False),
        ("The Harbour Authority denied that the port was closed.", "Harbour Authority", "deny", False),
        ("The port is closed for repairs.", None, None, False),
        ("Talks are expected to resume next week.", None, None, False),
        # A reporting verb in a clause of time or condition says nothing about who speaks.
        ("The coast road is closed, and residents may not return until the fire service says it is safe.",
         None, None, False),
        ("The vote will be repeated if the commission says the count was wrong.", None, None, False),
        ("Police said the road was closed before the council announced the evacuation.", "Police", "say", False),
        ("As Lena Ortiz said on Monday, the troops have left.", "Lena Ortiz", "say", False),
    ],
)
def test_speaker_and_verb(nlp, text, speaker, verb, direct) -> None:
    a = attribute(nlp, text)[-1]
    assert (a.speaker, a.verb, a.direct) == (speaker, verb, direct)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, anaphor",
    [("He said the port was closed.", "person"), ("The agency said the port was closed.", "organisation"),
     ("The statement read that the port was closed.", "organisation"), ("According to him, the port is closed.", "person")],
)
def test_pronouns_and_bare_nouns_are_left_for_resolution(nlp, text, anaphor) -> None:
    a = attribute(nlp, text)[-1]
    assert a.speaker is None and a.anaphor == anaphor and a.verb is not None


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, via",
    [
        ("Gerald Ostrow said the port was closed, according to Reuters.", "Reuters"),
        ("The Daily Ledger reported the closure, citing the Harbour Authority.", "Harbour Authority"),
    ],
)
def test_nested_sources_go_to_via(nlp, text, via) -> None:
    assert attribute(nlp, text)[-1].via == via


@pytest.mark.slow
def test_reporting_verb_inside_a_quote_is_not_the_attribution(nlp) -> None:
    first, second = attribute(nlp, "“Ostrow reported that all was calm. We will never forget it,” Sputnik reported, quoting her.")
    assert first.quoted and first.speaker is None
    assert second.anaphor == "person" and second.via == "Sputnik"


@pytest.mark.slow
def test_indirect_content_excludes_the_attribution(nlp) -> None:
    (a,) = attribute(nlp, "Gerald Ostrow said that the border was calm.")
    assert a.content == "the border was calm"
