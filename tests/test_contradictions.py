"""Contradictions between statement frames: every rule class, firing and not firing.

Sentences are our own, written in the shapes that went wrong on real news: denial verbs in
other senses, cues away from the subject's predicate, relative clauses, hedges.
"""

from __future__ import annotations

import numpy as np
import pytest

from storylens.contradictions import Voices, find_contradictions
from storylens.records import Article, Mention, StatementFrame


def mention(article_id: str, text: str, *frames: StatementFrame, speaker: str | None = None, index: int = 0) -> Mention:
    return Mention(article_id=article_id, index=index, text=text, start=index * 100, end=index * 100 + len(text),
                   speaker=speaker, frames=frames)


def contradictions(mentions: list[Mention], similarity: float = 0.8):
    vectors = np.full((len(mentions), len(mentions)), similarity, dtype=np.float32)
    np.fill_diagonal(vectors, 1.0)
    # A unit-vector stand-in with the given pairwise similarity: Cholesky of the Gram matrix.
    gram = np.linalg.cholesky(vectors.astype(np.float64)).astype(np.float32)
    sources = {m.article_id: f"outlet-{m.article_id}" for m in mentions}
    return find_contradictions(mentions, gram, Voices(sources, lambda m: m.speaker))


# ---------------------------------------------------------------- negation on the same subject

def test_negated_predicate_on_the_same_subject_fires() -> None:
    a = mention("a", "Harlow Foods will compete with its own suppliers.",
                StatementFrame("compete", subject="harlow foods", preps=("with:supplier",), modality=("will",)))
    b = mention("b", "We are not competing with our suppliers, said Dana Reel.",
                StatementFrame("compete", subject="we", preps=("with:supplier",), negated=True), speaker="Dana Reel")
    (conflict,) = contradictions([a, b])
    assert {s.article_id: s.stance for s in conflict.sides} == {"a": "yes", "b": "no"}


@pytest.mark.parametrize("other", [
    # uncertain modality takes no side
    StatementFrame("compete", subject="we", preps=("with:supplier",), negated=True, modality=("could",)),
    # a hedge takes no side
    StatementFrame("compete", subject="we", preps=("with:supplier",), negated=True, hedges=("reportedly",)),
    # a relative clause is background
    StatementFrame("compete", subject="we", preps=("with:supplier",), negated=True, relative=True),
    # another subject and nothing else shared
    StatementFrame("compete", subject="brook farms", negated=True),
    # a light predicate says too little without the same subject and object
    StatementFrame("be", subject="we", object="ready", negated=True),
])
def test_negation_does_not_fire_without_an_aligned_stated_frame(other: StatementFrame) -> None:
    a = mention("a", "Harlow Foods will compete with its own suppliers.",
                StatementFrame("compete", subject="harlow foods", preps=("with:supplier",)),
                StatementFrame("be", subject="harlow foods", object="ready"))
    b = mention("b", "A sentence from another outlet.", other, speaker="Dana Reel")
    assert contradictions([a, b]) == []


def test_two_pronoun_subjects_do_not_align() -> None:
    a = mention("a", "That turned the ball over to the visitors.", StatementFrame("turn", subject="that", object="ball"))
    b = mention("b", "He did not turn the ball over all game.", StatementFrame("turn", subject="he", object="ball",
                                                                            negated=True))
    assert contradictions([a, b]) == []


def test_people_killed_against_no_casualties_fires() -> None:
    a = mention("a", "An official said 9 people were killed in the raid.",
                StatementFrame("kill", subject="people"), speaker="an official")
    b = mention("b", "Aid workers said there were no casualties in the raid.",
                StatementFrame("be", object="casualty", negated=True), speaker="aid workers")
    (conflict,) = contradictions([a, b])
    assert {s.stance for s in conflict.sides} == {"yes", "no"}


def test_no_casualties_against_unrelated_sentence_does_not_fire() -> None:
    a = mention("a", "One shell detonated near the school.", StatementFrame("detonate", subject="one"))
    b = mention("b", "Aid workers said there were no casualties in the raid.",
                StatementFrame("be", object="casualty", negated=True), speaker="aid workers")
    assert contradictions([a, b], similarity=0.5) == []


def test_dissimilar_sentences_never_conflict() -> None:
    a = mention("a", "An official said 9 people were killed in the raid.", StatementFrame("kill", subject="people"),
                speaker="an official")
    b = mention("b", "Aid workers said there were no casualties.", StatementFrame("be", object="casualty", negated=True),
                speaker="aid workers")
    assert contradictions([a, b], similarity=0.1) == []


# ---------------------------------------------------------------- denials

def test_denial_of_a_claim_links_to_the_assertion_it_denies() -> None:
    a = mention("a", "Vantor Chemicals dumped solvent into the Elbe canal, inspectors said.",
                StatementFrame("dump", subject="vantor chemicals", object="solvent", preps=("into:canal",), cue="say"),
                speaker="inspectors")
    b = mention("b", "Vantor Chemicals denied that it dumped solvent into the canal.",
                StatementFrame("deny", subject="vantor chemicals", role="denial",
                               denied="that it dumped solvent into the canal"),
                StatementFrame("dump", subject="it", object="solvent", cue="deny"), speaker="Vantor Chemicals")
    (conflict,) = contradictions([a, b])
    assert {s.article_id: s.stance for s in conflict.sides} == {"a": "claims", "b": "denies"}


def test_denial_in_a_relative_clause_is_background() -> None:
    a = mention("a", "The audit of the harbour accounts was completed, officials said.",
                StatementFrame("complete", subject="audit", cue="say"), speaker="officials")
    b = mention("b", "The mayor, who has denied any wrongdoing, said the audit was completed.",
                StatementFrame("deny", subject="mayor", object="wrongdoing", role="denial", denied="any wrongdoing",
                               relative=True),
                StatementFrame("complete", subject="audit", cue="say"), speaker="the mayor")
    assert contradictions([a, b]) == []


def test_denial_with_no_shared_words_is_not_linked() -> None:
    a = mention("a", "The river burst its banks near the old mill on Sunday.",
                StatementFrame("burst", subject="river", object="bank"))
    b = mention("b", "The ministry denied that it had sold the frigates to a broker.",
                StatementFrame("deny", subject="ministry", role="denial", denied="that it had sold the frigates"),
                speaker="the ministry")
    assert contradictions([a, b], similarity=0.4) == []


def test_denial_of_the_claims_takes_them_from_the_sentence_before() -> None:
    claim = mention("a", "Critics say the port authority hid the cracks in the seawall.",
                    StatementFrame("hide", subject="port authority", object="crack", cue="say"), speaker="critics")
    before = mention("b", "Residents accused the port authority of hiding cracks in the seawall.",
                     StatementFrame("accuse", subject="resident", object="port authority"), index=0)
    denial = mention("b", "The authority rejected the claims on Monday.",
                     StatementFrame("reject", subject="authority", object="claim", role="denial", denied="the claims"),
                     speaker="the authority", index=1)
    conflicts = contradictions([claim, before, denial])
    assert len(conflicts) == 1
    sides = {(s.article_id, s.stance) for s in conflicts[0].sides}
    assert ("b", "denies") in sides and ("b", "claims") in sides


# ---------------------------------------------------------------- opposite states of one subject

def test_opposite_states_of_the_same_subject_fire() -> None:
    a = mention("a", "The repairs to the bridge were completed, the council said.",
                StatementFrame("complete", subject="repair", states=("completed@repair",)), speaker="the council")
    b = mention("b", "Engineers said the repairs to the bridge were continuing.",
                StatementFrame("continue", subject="repair", states=("continuing@repair",)), speaker="engineers")
    (conflict,) = contradictions([a, b])
    assert {s.stance for s in conflict.sides} == {"completed", "continuing"}


@pytest.mark.parametrize("first, second", [
    # "repairs to the bridge were completed" vs "traffic is still heavy"
    (("completed@repair",), ("continuing@traffic",)),
    # "the board voted unanimously" vs "shareholders narrowly approved"
    (("unanimous@board",), ("split@shareholder",)),
    # "expected to make landfall" vs "residents were caught by surprise"
    (("expected@storm:make",), ("surprise@resident",)),
])
def test_states_of_different_subjects_do_not_fire(first, second) -> None:
    a = mention("a", "First outlet's sentence about the story.", StatementFrame("x", subject="s", states=first))
    b = mention("b", "Second outlet's sentence about the story.", StatementFrame("y", subject="t", states=second))
    assert contradictions([a, b]) == []


def test_a_negated_state_is_the_opposite_state() -> None:
    a = mention("a", "The board's vote was unanimous.", StatementFrame("be", subject="vote", states=("unanimous@vote",)))
    b = mention("b", "The vote was not unanimous, a director said.",
                StatementFrame("be", subject="vote", negated=True, states=("unanimous@vote",)), speaker="a director")
    (conflict,) = contradictions([a, b])
    assert {s.article_id: s.stance for s in conflict.sides} == {"a": "unanimous", "b": "split"}


# ---------------------------------------------------------------- conflicting attributes

def test_conflicting_colours_of_one_thing_fire() -> None:
    a = mention("a", "The cyclist was struck by a blue Ford Transit.", StatementFrame("strike", subject="cyclist",
                                                                                      attributes=("colour=blue@transit",)))
    b = mention("b", "Police said a white Ford Transit hit the cyclist.",
                StatementFrame("hit", subject="transit", attributes=("colour=white@transit",)), speaker="police")
    (conflict,) = contradictions([a, b])
    assert {s.stance for s in conflict.sides} == {"blue", "white"}


@pytest.mark.parametrize("second", [
    ("colour=white@helmet",),  # another thing
    ("colour=blue@transit",),  # the same value
    ("direction=north@border#state",),  # another class
])
def test_attributes_that_do_not_clash(second) -> None:
    a = mention("a", "The cyclist was struck by a blue Ford Transit.",
                StatementFrame("strike", attributes=("colour=blue@transit", "direction=south@border#distance")))
    b = mention("b", "Police said the van was found later.", StatementFrame("find", attributes=second), speaker="police")
    assert contradictions([a, b]) == []


def test_exclusive_causes_of_death_of_the_same_people_fire() -> None:
    a = mention("a", "Two people suffocated in the burning warehouse.", StatementFrame("suffocate", subject="people"))
    b = mention("b", "Police said the two people were shot in the warehouse.", StatementFrame("shoot", subject="people"),
                speaker="police")
    (conflict,) = contradictions([a, b])
    assert {s.stance for s in conflict.sides} == {"shoot", "suffocate"}


@pytest.mark.parametrize("second", [
    StatementFrame("choke", subject="people"),  # the same cause in other words
    StatementFrame("burn", subject="people", object="tyre"),  # "people burned tyres" is another event
    StatementFrame("shoot", subject="guard"),  # someone else
])
def test_causes_of_death_that_do_not_clash(second) -> None:
    a = mention("a", "Two people suffocated in the burning warehouse.", StatementFrame("suffocate", subject="people"))
    b = mention("b", "Another outlet's sentence.", second, speaker="police")
    assert contradictions([a, b]) == []


def test_early_against_late_in_one_period_fires_and_other_periods_do_not() -> None:
    a = mention("a", "The visitors scored early in the second half.",
                StatementFrame("score", attributes=("phase=early@second half",)))
    b = mention("b", "The visitors scored late in the second half.",
                StatementFrame("score", attributes=("phase=late@second half",)), speaker="the club")
    c = mention("c", "The hosts scored late in the first half.",
                StatementFrame("score", attributes=("phase=late@first half",)), speaker="the league")
    (conflict,) = contradictions([a, b, c])
    assert {s.article_id for s in conflict.sides} == {"a", "b"}


def test_one_outlet_never_contradicts_itself() -> None:
    a = mention("a", "The cyclist was struck by a blue Ford Transit.",
                StatementFrame("strike", attributes=("colour=blue@transit",)), index=0)
    b = mention("a", "A white Ford Transit was seen leaving the scene.",
                StatementFrame("see", attributes=("colour=white@transit",)), index=1)
    assert contradictions([a, b]) == []


# ---------------------------------------------------------------- from parsed sentences

@pytest.mark.slow
@pytest.mark.parametrize("first, second, fires", [
    ("Inspectors said Vantor Chemicals dumped solvent into the Elbe canal.",
     "Vantor Chemicals denied that it dumped solvent into the Elbe canal.", True),
    ("Inspectors said Vantor Chemicals dumped solvent into the Elbe canal.",
     "Redford United dismissed its manager after the defeat at the Elbe canal ground.", False),
    ("The prosecutor said the defendant dumped solvent into the Elbe canal.",
     "The court denied the motions filed by the defendant over the solvent in the Elbe canal.", False),
    ("An official said 9 people were killed in the raid on the Tamsin camp.",
     "Aid workers said no one was killed in the raid on the Tamsin camp.", True),
    ("The repairs to the Tamsin bridge were completed on Friday.",
     "Traffic on the Tamsin bridge is still heavy after the repairs.", False),
    ("The cyclist was struck by a blue Ford Transit on Mill Road.",
     "Police said the cyclist was struck by a white Ford Transit on Mill Road.", True),
    ("Harlow Foods will compete with its own suppliers in the bread market, analysts said.",
     "\"We are not competing with our suppliers in the bread market,\" Dana Reel said.", True),
])
def test_parsed_sentence_pairs(nlp, fake_encoder, first, second, fires) -> None:
    from storylens.read import load_lexicon, read_doc

    mentions = []
    for article_id, text in (("a", first), ("b", second)):
        article = Article(article_id, f"{article_id}.txt", f"outlet-{article_id}", None, None, "en", "ok", None, text)
        mentions += read_doc(article, nlp(text), load_lexicon()).mentions
    vectors = fake_encoder.encode([m.content or m.text for m in mentions])
    found = find_contradictions(mentions, vectors, Voices({"a": "outlet-a", "b": "outlet-b"}, lambda m: m.speaker))
    assert bool(found) is fires
