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


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, speaker, verb",
    [
        # reporting classes beyond speech: calls, urging, questions, descriptions, criticism, citing
        ("Senator Maren Holt called for an independent inquiry into the collapse.", "Maren Holt", "call for"),
        ("The union called on the board to publish the records.", "union", "call on"),
        ("The union urged the county to close the bridge.", "union", "urge"),
        ("Residents asked why the warnings had been ignored.", "Residents", "ask"),
        ("Dario Pell described the collapse as a failure of oversight.", "Dario Pell", "describe"),
        ("Dario Pell criticized the contractor for missing its deadlines.", "Dario Pell", "criticize"),
        ("Marta Lund cited an earlier survey that found no damage.", "Marta Lund", "cite"),
        # participle cues keep the subject of the verb they hang on
        ("The Harbour Authority issued a notice, saying the channel was closed.", "Harbour Authority", "say"),
        ("The pilots' association welcomed the work, warning that delays remained.", "pilots' association", "warn"),
    ],
)
def test_reporting_classes_and_participle_cues(nlp, text, speaker, verb) -> None:
    a = attribute(nlp, text)[-1]
    assert (a.speaker, a.verb) == (speaker, verb)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # the same verbs in senses that report nothing
        "The nation added thousands of jobs in the spring.",
        "The bakery posted a loss for the first time.",
        "The rebels claimed the hill town after a long siege.",
        "The court denied the motions filed by the defence.",
        "Redford United dismissed its manager after a run of defeats.",
        "The prosecutor rejected a plea offer from the defendant.",
        "The company maintained its lead in the regional market.",
        # a negated reporting verb attributes nothing
        "Governor Anna Velt has not announced whether she will run again.",
    ],
)
def test_non_reporting_senses_have_no_speaker(nlp, text) -> None:
    a = attribute(nlp, text)[-1]
    assert (a.speaker, a.anaphor, a.verb) == (None, None, None)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, speaker, kind",
    [
        # the head of the speaker phrase with its organisation, not the person it belongs to
        ("Velt aides said the governor would decide after the vote.", "Velt aides", "group"),
        ("Velt's spokeswoman said no decision had been made.", "Velt's spokeswoman", "person"),
        # a name in apposition is the speaker
        ("Velt's spokeswoman, Orla Brin, said no decision had been made.", "Orla Brin", "person"),
        ("The chief of the regional police, Gerald Ostrow, said the road was open.", "Gerald Ostrow", "person"),
        # groups stay groups
        ("The rail operator and the city council said security would be increased.", "rail operator and the city council", "group"),
    ],
)
def test_speaker_phrase_head(nlp, text, speaker, kind) -> None:
    a = attribute(nlp, text)[-1]
    assert (a.speaker, a.kind) == (speaker, kind)


@pytest.mark.slow
def test_main_reporting_verb_wins_over_a_deeper_one(nlp) -> None:
    # With depth compared by token index, "said" (the root) is the attribution, not "reported" below it.
    a = attribute(nlp, "Lena Ortiz said the agency reported that the dam was safe.")[-1]
    assert (a.speaker, a.verb) == ("Lena Ortiz", "say")
    assert ("agency", "report") in [(o.speaker or o.title, o.verb) for o in a.others]


@pytest.mark.slow
def test_every_reporting_predicate_of_a_sentence_is_kept(nlp) -> None:
    a = attribute(nlp, "The ministry said the dam was safe, but engineers warned that the spillway was cracked.")[-1]
    assert a.verb == "say"
    assert ("engineers", "warn") in [(o.speaker or o.title, o.verb) for o in a.others]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, speaker, verb",
    [
        # "for"/"on" parsed as the marker of the clause that follows still makes the phrasal cue
        ("Senator Maren Holt is calling for the county to close the bridge.", "Maren Holt", "call for"),
        ("Dario Pell has called for the bridge to be closed until spring.", "Dario Pell", "call for"),
        ("The union pushed for an independent inquiry into the collapse.", "union", "push for"),
        ("Marta Lund reaffirmed that the survey had found no damage.", "Marta Lund", "reaffirm"),
        ("Dario Pell wrote that the contractor had missed its deadlines.", "Dario Pell", "write"),
    ],
)
def test_phrasal_and_rarer_reporting_cues(nlp, text, speaker, verb) -> None:
    a = attribute(nlp, text)[-1]
    assert (a.speaker, a.verb) == (speaker, verb)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # writing, tweeting and the like report something only when they carry content
        "The bakery wrote a letter to the mayor last week.",
        "Dario Pell tweeted a photo of the bridge.",
    ],
)
def test_content_needing_cues_without_content_have_no_speaker(nlp, text) -> None:
    a = attribute(nlp, text)[-1]
    assert (a.speaker, a.verb) == (None, None)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Spokesman Carl Denholm said Tom Brisk, the harbour master, had been told of the delay. "
        "He said the ferries would run again on Friday.",
        "Carl Denholm, a spokesman for the port, said the ferries would resume. Denholm said Tom Brisk was informed "
        "on Monday. He said the harbour master agreed.",
        # the subject of the main clause outranks a person named in a clause below it
        "Carl Denholm took his son to the harbour on Sunday to explain who Arno Velt was. He said the boy had "
        "listened closely.",
    ],
)
def test_pronoun_speaker_is_the_last_speaker_not_a_person_named_in_his_content(nlp, text) -> None:
    from storylens.read import read_doc
    from storylens.records import Article

    article = Article("a1", "a1.txt", "test", None, "2025-04-26", "en", "ok", None, text)
    speakers = [m.speaker for m in read_doc(article, nlp(text), load_lexicon()).mentions]
    assert speakers[-1] == "Carl Denholm" and set(speakers) - {None} == {"Carl Denholm"}


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # a pronoun subject keeps its person in focus; a name inside the object is no subject
        "Tennis champion Ingrid Solvang remembered the coach warmly. She watched the Lea Munk-Rina Okafor final at "
        "the arena in 1990 and met her again in 2001. \u201cShe always smiled at me,\u201d she said.",
        "Ingrid Solvang was at the arena on Sunday. She believes Tom Brisk was the best coach the club ever had. "
        "\u201cHe taught me everything,\u201d she said.",
    ],
)
def test_pronoun_speaker_follows_the_person_in_focus(nlp, text) -> None:
    from storylens.read import read_doc
    from storylens.records import Article

    article = Article("a1", "a1.txt", "test", None, "2025-04-26", "en", "ok", None, text)
    assert read_doc(article, nlp(text), load_lexicon()).mentions[-1].speaker == "Ingrid Solvang"


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, speaker, verb",
    [
        # the splitter cuts the quotation off: the writing verb that follows it still reports
        ("\u201cThe bridge is a disgrace!\u201d Dario Pell tweeted on Sunday.", "Dario Pell", "tweet"),
        ("\u201cA sad day for the town!\u201d Marta Lund wrote.", "Marta Lund", "write"),
        # the parser hangs the speaker's name off a fronted phrase; the name right before the verb speaks
        ("In a statement to the Ledger, her senior policy adviser, Jo Lindqvist, said: \u201cMarta Lund believes "
         "that the bridge is safe.", "Jo Lindqvist", "say"),
    ],
)
def test_speaker_after_a_cut_quotation_or_a_fronted_phrase(nlp, text, speaker, verb) -> None:
    a = attribute(nlp, text)[-1]
    assert (a.speaker, a.verb) == (speaker, verb)
