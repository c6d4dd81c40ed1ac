"""Antecedents of "it" and "they" as speakers (nlp/coref.py through the reading's resolver)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from storylens.errors import SettingsError
from storylens.nlp.coref import RULES_PATH, SCHEMA_PATH, Antecedent, load_coref_rules, pick_antecedent
from storylens.read import load_lexicon, read_doc
from storylens.records import Article


def last_reports(nlp, text: str) -> list[tuple[str, str]]:
    article = Article("c1", "c1.txt", "test", None, "2025-04-26", "en", "ok", None, text)
    mention = read_doc(article, nlp(text), load_lexicon()).mentions[-1]
    return [(r.speaker, r.verb) for r in mention.reports]


def test_the_bundled_rules_follow_their_schema() -> None:
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(RULES_PATH.read_text(encoding="utf-8")), schema)
    rules = load_coref_rules()
    assert "campaign" in rules.collectives and "minister" in rules.group_nouns and rules.reach >= 1


@pytest.mark.parametrize("content", ["collectives: [campaign]\n", "collectives: 5\ndocuments: []\ngroup_nouns: []\nperson_titles: []\nreach: 3\n",
                                     "collectives: []\ndocuments: []\ngroup_nouns: []\nperson_titles: []\nreach: -1\n", "a: [\n"])
def test_malformed_rules_are_a_settings_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "coref.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError):
        load_coref_rules(path)


@pytest.mark.parametrize(
    ("pronoun", "expected"),
    [("it", "Kestrel Bank"), ("they", "aides"), ("them", "aides"), ("he", None), ("we", None)],
)
def test_pick_antecedent_takes_the_latest_that_agrees_in_number(pronoun: str, expected: str | None) -> None:
    candidates = [Antecedent("Kestrel Bank", False, 10, 0), Antecedent("aides", True, 5, 1),
                  Antecedent("Ostrava Mills", False, 0, 0)]
    assert pick_antecedent(pronoun, candidates) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # "it": the nearest earlier organisation or document that is a subject or a speaker
        ("Harlow Motors cut 300 jobs at its plant on Monday. It said demand for its vans had fallen.", "Harlow Motors"),
        ("A survey of 400 shop owners found that sales had slowed. Rents rose faster than wages, it said.",
         "survey of 400 shop owners"),
        # "they": the nearest earlier plural group, a plural name or names joined by "and"
        ("The finance ministers met in Vienna on Tuesday. They said the new rules would take effect in May.",
         "finance ministers"),
        ("Harlow Motors and Brisk Logistics signed a supply deal. They said the first vans would ship in June.",
         "Harlow Motors and Brisk Logistics"),
        ("The Democrats won the seat. They said the vote showed a shift.", "Democrats"),
    ],
)
def test_it_and_they_take_an_agreeing_antecedent(nlp, text: str, speaker: str) -> None:
    assert last_reports(nlp, text) == [(speaker, "say")]


@pytest.mark.slow
def test_they_skips_a_singular_person_between(nlp) -> None:
    text = "Campaign aides met donors in Ohio. The mayor arrived late. They argued that the plan would pass."
    assert last_reports(nlp, text) == [("Campaign aides", "argue")]


@pytest.mark.slow
def test_they_in_a_second_clause_is_the_plural_speaker_of_the_first(nlp) -> None:
    text = "City officials said the bridge was closed, although they said it would reopen by noon."
    assert last_reports(nlp, text) == [("City officials", "say"), ("City officials", "say")]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # a place, an event or a person is never "it"
        "Lisbon was quiet on Sunday morning. It said nothing about the strike.",
        "The Harvest Festival drew large crowds in the town. It said the weather had been kind.",
        "Mara Voss left the meeting early. It said the budget was balanced.",
        # a singular organisation is never "they"; nor is anyone when no plural came before
        "Harlow Motors opened a new plant in Leeds. They said the first vans would ship in June.",
        "Jonah Marsh visited the estate. They said the repairs would be finished soon.",
        # a quotation given to another speaker ends the reach of what came before it
        "Harlow Motors cut 300 jobs at its plant. \"This is a sad day for the town,\" said Peter Quill, a union "
        "steward. It said demand for its vans had fallen.",
        "The finance ministers met in Vienna. \"These rules are a costly mistake for everyone,\" said Ola Brandt, "
        "a banker. They said the rules would take effect soon.",
        # too far back
        "Harlow Motors cut 300 jobs at its plant. The roads were icy. Snow fell all week. Schools stayed shut. "
        "It said demand for its vans had fallen.",
    ],
)
def test_it_and_they_without_an_agreeing_antecedent_are_no_report(nlp, text: str) -> None:
    assert last_reports(nlp, text) == []


@pytest.mark.slow
def test_they_inside_what_another_speaker_reports_is_not_resolved(nlp) -> None:
    # "they welcomed": whoever the senators name, not a report of its own
    assert last_reports(nlp, "The two senators said they welcomed the ruling on the water plan.") == [
        ("two senators", "say")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("apposition", "speaker"),
    [
        # a name the tagger leaves untyped or calls an organisation is a person with a person's title beside it
        (", director of the city's institute of politics,", "Bo Tallinger"),
        # without one it stays what the tagger says, and "he" goes to the last person
        ("", "Ada Lind"),
        (", the city's institute of politics,", "Ada Lind"),
    ],
)
def test_a_name_with_a_persons_title_is_an_antecedent_for_he(nlp, apposition: str, speaker: str) -> None:
    text = (f"Ada Lind met voters. In any case, Bo Tallinger{apposition} says the test is wrong. "
            "A better question, he said, is who would fix the roads.")
    assert last_reports(nlp, text) == [(speaker, "say")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # "the bank" is the last organisation quoted, or one whose name says it is a bank
        ("Kestrel Bank said rates would rise. The bank said it would hire more staff.", "Kestrel Bank"),
        ("Kestrel Bank said rates would rise. Orbis TV said its accounts had been frozen. The bank said the accounts "
         "were closed.", "Kestrel Bank"),
        ("Kestrel Bank said rates would rise. The company said it would hire more staff. The bank said loans were up.",
         "Kestrel Bank"),
        # a document binds no organisation to its noun
        ("Kestrel Bank said rates would rise. The statement said more staff would be hired.", "Kestrel Bank"),
        # an organisation the article already calls "the broadcaster" is not "the bank"
        ("Orbis TV said its accounts had been frozen. The broadcaster said it would appeal. The bank said the accounts "
         "were closed, not frozen.", "bank"),
        # a plural group is not what "the statement" comes from
        ("Many Democrats said the vote was unfair. The statement said the count would be checked.", "statement"),
    ],
)
def test_a_description_takes_an_organisation_that_agrees(nlp, text: str, speaker: str) -> None:
    assert last_reports(nlp, text) == [(speaker, "say")]
