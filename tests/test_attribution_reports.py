"""Several attributions per sentence (Mention.reports): who says what with which cue, and where."""

from __future__ import annotations

import pytest

from storylens.read import load_lexicon, read_doc
from storylens.reading_json import reading_from_json, reading_to_json
from storylens.records import Article, Report


def read(nlp, text: str):
    article = Article("r1", "test", "test", None, "2025-03-02", "en", "ok", None, text)
    return read_doc(article, nlp(text), load_lexicon())


def reports(nlp, text: str) -> list[tuple[str, str]]:
    """(speaker, verb) of every report of the text's last sentence."""
    return [(r.speaker, r.verb) for r in read(nlp, text).mentions[-1].reports]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # a second clause with its own subject
        ("The mayor said the bridge was safe, while engineers warned that the pillars were cracked.",
         [("mayor", "say"), ("engineers", "warn")]),
        # participles take the subject of the clause they hang from, through an infinitive of purpose
        ("Senator Ivo Brandt went on radio to defend the budget, calling it fair and insisting that no school "
         "would close.", [("Ivo Brandt", "call"), ("Ivo Brandt", "insist")]),
        # a cue coordinated with the main one shares its subject
        ("Petra Lusk criticised the chair and said the vote had been rushed.",
         [("Petra Lusk", "criticise"), ("Petra Lusk", "say")]),
        # a concessive clause still says that someone spoke
        ("Although the agency said the water was clean, residents boiled it for weeks.", [("agency", "say")]),
        # a cue in a relative clause with its own subject
        ("Tomas Vell, the harbour master, backed a new seawall, which he said the port should pay for.",
         [("Tomas Vell", "say")]),
        # "who said": the people the clause is about
        ("Most of the farmers who said they had lost crops were paid within a month.", [("farmers", "say")]),
        # a named source next to a reporting verb is an attribution of its own
        ("The minister said the talks had failed, according to a transcript seen by the paper.",
         [("minister", "say"), ("transcript", "according to")]),
    ],
)
def test_every_attribution_of_a_sentence_is_a_report(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # the cue hangs from a predicate that reports nothing: its subject is not the speaker
        ("Alma Roos said the warning showed that the governor did not know the facts, and accused the "
         "board of misleading him.", [("Alma Roos", "say")]),
        # "when ..." is a time, not who speaks in this sentence; "if ..." a condition
        ("The club dropped Kai Moro in March, when the new owner called for a younger squad.", []),
        ("The road will reopen if the inspectors say the bridge is sound.", []),
        # a cue coordinated under the reported clause may belong to someone else: left out
        ("Alma Roos said the vote was rushed and accused the chair of hiding the costs.", [("Alma Roos", "say")]),
        # "a voice that said" is nobody
        ("Ines Palm said the town had lost a voice that said what others would not.", [("Ines Palm", "say")]),
        # "declined to comment" reports nothing
        ("The ministry declined to comment on the figures.", []),
        # "they" in a clause of its own is too far to resolve
        ("Asked which team they thought would win, most fans named the home side.", []),
    ],
)
def test_other_cues_that_name_nobody_are_left_out(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
def test_the_main_report_is_the_mentions_speaker_and_verb(nlp) -> None:
    text = "The mayor said the bridge was safe, while engineers warned that the pillars were cracked."
    mention = read(nlp, text).mentions[-1]
    main = next(r for r in mention.reports if r.speaker == mention.speaker)
    assert main.verb == mention.verb
    assert text[main.cue_start:main.cue_end] == "said"
    assert [text[r.cue_start:r.cue_end] for r in mention.reports] == ["said", "warned"]
    assert [r.kind for r in mention.reports] == ["speech", "speech"]


@pytest.mark.slow
def test_a_pronoun_in_a_second_clause_resolves_like_the_main_speaker(nlp) -> None:
    text = ("Vera Lind said the vote was close. She voted against the plan, and she later told reporters "
            "that it was too costly.")
    assert ("Vera Lind", "tell") in reports(nlp, text)


def test_reports_survive_the_store_round_trip() -> None:
    from storylens.records import ArticleReading, Mention

    article = Article("r1", "test", "test", None, None, "en", "ok", None, "Ana said so, and Bo denied it.")
    mention = Mention("r1", 0, article.text, 0, len(article.text), speaker="Ana", verb="say",
                      reports=(Report("Ana", "say", 4, 8, "speech"), Report("Bo", "deny", 20, 26, "speech")))
    reading = ArticleReading(article=article, mentions=(mention,))
    assert reading_from_json(article, reading_to_json(reading)).mentions[0].reports == mention.reports


def test_a_stored_reading_without_reports_still_loads() -> None:
    article = Article("r1", "test", "test", None, None, "en", "ok", None, "Ana said so.")
    stored = '{"mentions":[{"article_id":"r1","index":0,"text":"Ana said so.","start":0,"end":12,"speaker":"Ana"}]}'
    assert reading_from_json(article, stored).mentions[0].reports == ()
