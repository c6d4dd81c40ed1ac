"""Contradictions between statement frames: every rule class, firing and not firing.

Sentences are our own, written in the shapes that went wrong on real news: denial verbs in
other senses, cues away from the subject's predicate, relative clauses, hedges.
"""

from __future__ import annotations

import numpy as np
import pytest

from storylens.contradictions import Voices, find_contradictions
from storylens.records import Article, Mention, StatementFrame, TimeExpr


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


def test_a_pronoun_the_speaker_says_of_himself_is_the_speaker() -> None:
    owner = mention("a", "He said he had owned the depot for seven years.",
                    StatementFrame("say", subject="he", role="report"),
                    StatementFrame("own", subject="he", object="depot", cue="say"), speaker="Ray Ollen")
    city = mention("b", "Harl does not own the depot, the clerk said.",
                   StatementFrame("own", subject="harl", object="depot", negated=True), speaker="clerk")
    assert contradictions([owner, city]) == []
    # a pronoun about someone else than the speaker still aligns when the rest of the frame does
    climber = mention("a", "He was wearing crampons, the inspector said.",
                      StatementFrame("wear", subject="he", object="crampon"), speaker="inspector")
    friend = mention("b", "The man was not wearing crampons, his friend said.",
                     StatementFrame("wear", subject="man", object="crampon", negated=True), speaker="friend")
    assert len(contradictions([climber, friend])) == 1


def test_people_killed_against_no_casualties_fires() -> None:
    a = mention("a", "An official said 9 people were killed in the raid.",
                StatementFrame("kill", subject="people"), speaker="an official")
    b = mention("b", "Aid workers said there were no casualties in the raid.",
                StatementFrame("be", object="casualty", negated=True), speaker="aid workers")
    (conflict,) = contradictions([a, b])
    assert {s.stance for s in conflict.sides} == {"yes", "no"}


@pytest.mark.parametrize("denial", [
    StatementFrame("require", subject="injury", object="surgery", negated=True),  # "the injury does not require surgery"
    StatementFrame("expect", subject="casualty", negated=True),  # "casualties were not expected"
])
def test_a_harm_noun_under_another_predicate_is_not_told_to_exist_or_not(denial) -> None:
    a = mention("a", "Four people were injured in the blast at the Orla mill.", StatementFrame("injure", object="people"))
    b = mention("b", "Doctors said the injury of the foreman does not require surgery.", denial, speaker="doctors")
    assert contradictions([a, b]) == []


@pytest.mark.parametrize("no_time, yes_time, fires", [
    (None, None, True),
    ("monday", None, True),  # a weekday tells the story's own event
    ("april", None, False),  # a month names another occasion ("on April 2 a quake caused no casualties")
    ("april", "april", True),
    ("2009", None, False),
])
def test_a_calendar_date_on_one_side_only_is_another_occasion(no_time, yes_time, fires) -> None:
    a = mention("a", "Officials said 9 people were killed by the quake.",
                StatementFrame("kill", subject="people", time=yes_time), speaker="officials")
    b = mention("b", "A quake shook the islands but caused no casualties.",
                StatementFrame("cause", subject="quake", object="casualty", negated=True, time=no_time))
    assert bool(contradictions([a, b])) is fires


def test_no_casualties_against_unrelated_sentence_does_not_fire() -> None:
    a = mention("a", "One shell detonated near the school.", StatementFrame("detonate", subject="one"))
    b = mention("b", "Aid workers said there were no casualties in the raid.",
                StatementFrame("be", object="casualty", negated=True), speaker="aid workers")
    assert contradictions([a, b], similarity=0.5) == []


def test_harm_not_caused_by_something_is_still_harm() -> None:
    a = mention("a", "A second deputy suffered a minor injury at the scene.",
                StatementFrame("suffer", subject="deputy", object="injury"))
    b = mention("b", "Officials said the deputy's injuries were not caused by gunfire.",
                StatementFrame("cause", subject="injury", preps=("by:gunfire",), negated=True), speaker="officials")
    assert contradictions([a, b]) == []


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


def test_bare_denial_after_a_plain_report_does_not_say_which_claims_it_denies() -> None:
    claim = mention("a", "The mayor said nine people were hurt at the Tamsin depot.",
                    StatementFrame("hurt", subject="people", cue="say"), speaker="mayor")
    before = mention("b", "The mayor said nine people were hurt at the Tamsin depot.",
                     StatementFrame("say", subject="mayor", role="report"),
                     StatementFrame("hurt", subject="people", cue="say"), speaker="mayor", index=0)
    denial = mention("b", "The army has denied the claims.",
                     StatementFrame("deny", subject="army", object="claim", role="denial", denied="the claims"),
                     speaker="the army", index=1)
    assert contradictions([claim, before, denial]) == []


def test_calling_a_denial_a_lie_is_not_a_denial_of_the_story() -> None:
    claim = mention("a", "Dorn ran the dock racket for years, police said.",
                    StatementFrame("run", subject="dorn", object="racket", cue="say"), speaker="police")
    before = mention("b", "Dorn spent years denying that he ran the dock racket.",
                     StatementFrame("spend", subject="dorn", object="year"),
                     StatementFrame("deny", subject="dorn", role="denial", denied="that he ran the dock racket",
                                    relative=True), index=0)
    lie = mention("b", "It was a lie he told to protect his crew.",
                  StatementFrame("be", subject="it", object="lie", role="denial", denied="It"), index=1)
    assert contradictions([claim, before, lie]) == []


def test_a_bare_denial_and_its_sentence_before_from_one_voice_are_one_account() -> None:
    before = mention("b", "Residents accused the port authority of hiding cracks in the seawall.",
                     StatementFrame("accuse", subject="resident", object="port authority"), index=0)
    denial = mention("b", "The authority rejected the claims on Monday.",
                     StatementFrame("reject", subject="authority", object="claim", role="denial", denied="the claims"),
                     index=1)
    other = mention("c", "The weather in the harbour was calm on Monday.", StatementFrame("be", subject="weather"))
    assert contradictions([before, denial, other]) == []


def test_a_bare_denial_is_tied_to_retellings_of_the_sentence_before_not_to_related_ones(fake_encoder) -> None:
    texts = ["Residents accused the port authority of hiding cracks in the seawall.",
             "The authority rejected the claims on Monday.",
             "Residents accused the port authority of hiding cracks in the seawall, the paper said.",
             "The port authority rebuilt the seawall last year after residents complained."]
    before = mention("b", texts[0], StatementFrame("accuse", subject="resident", object="port authority"), index=0)
    denial = mention("b", texts[1], StatementFrame("reject", subject="authority", object="claim", role="denial",
                                                   denied="the claims"), speaker="the authority", index=1)
    retold = mention("c", texts[2], StatementFrame("accuse", subject="resident", object="port authority"),
                     speaker="paper")
    related = mention("d", texts[3], StatementFrame("rebuild", subject="port authority", object="seawall"))
    voices = Voices({k: f"outlet-{k}" for k in "bcd"}, lambda m: m.speaker)
    found = find_contradictions([before, denial, retold, related], fake_encoder.encode(texts), voices,
                                encoder=fake_encoder)
    sides = {s.text for c in found for s in c.sides}
    assert texts[2] in sides and texts[3] not in sides


@pytest.mark.parametrize("claim_speaker, fires", [("police", True), ("the chief", False)])
def test_a_denial_of_someones_account_answers_that_voice_only(claim_speaker, fires) -> None:
    claim = mention("a", "The shooting on Mill Road followed police rules.",
                    StatementFrame("follow", subject="shooting", object="rule"), speaker=claim_speaker)
    denial = mention("b", "Witnesses on Mill Road say the police's account of the shooting is wrong.",
                     StatementFrame("be", subject="account", object="wrong", role="denial", denied="the police's account"),
                     speaker="witnesses")
    assert bool(contradictions([claim, denial], similarity=0.7)) is fires


@pytest.mark.parametrize("claim, fires", [
    # should fire: the claim names both who and what the denial says he is not
    ("Two clerks testified that Harrow was the informant in the Tamsin case.", True),
    # should not fire: the claim is about the informant, or about Harrow, not both
    ("The paper said the informant in the Tamsin case was one man, not several.", False),
    ("Harrow worked in the Tamsin case office for twelve years.", False),
])
def test_a_denial_that_x_is_y_is_answered_by_a_claim_naming_x_and_y(claim, fires) -> None:
    denial = mention("a", "Mr. Harrow denied that he was the informant in the Tamsin case.",
                     StatementFrame("deny", subject="harrow", role="denial", denied="that he was the informant"),
                     StatementFrame("be", subject="he", object="informant", cue="deny"), speaker="Harrow")
    other = mention("b", claim, StatementFrame("say", subject="paper", role="report"),
                    StatementFrame("be", subject="clerk", object="informant"), speaker="paper")
    assert bool(contradictions([denial, other], similarity=0.7)) is fires


@pytest.mark.parametrize("claim, fires", [
    ("Dorn Group said the old shaft was sealed in spring.", True),
    # whose claim it is says nothing of what is claimed
    ("Dorn Group said its quarterly profits rose in spring.", False),
])
def test_a_denied_claim_is_its_clause_not_its_owner(claim, fires) -> None:
    denial = mention("a", "The guild disputed Dorn Group's claim that the old shaft was sealed.",
                     StatementFrame("dispute", subject="guild", object="claim", role="denial",
                                    denied="Dorn Group's claim that the old shaft was sealed"), speaker="the guild")
    other = mention("b", claim, StatementFrame("say", subject="dorn group", role="report"),
                    StatementFrame("seal", subject="shaft", cue="say"), speaker="Dorn Group")
    assert bool(contradictions([denial, other], similarity=0.45)) is fires


@pytest.mark.parametrize("subject, fires", [("shell", True), ("it", True), ("people", False)])
def test_the_denied_predicate_ties_a_claim_only_of_the_same_subject(subject, fires) -> None:
    denial = mention("a", "The agency disputed that shells were fired from inside the Harl depot.",
                     StatementFrame("dispute", subject="agency", role="denial",
                                    denied="that shells were fired from inside the Harl depot"),
                     StatementFrame("fire", subject="shell", cue="dispute"), speaker="the agency")
    claim = mention("b", "Forty were fired into the northern town overnight, the army said.",
                    StatementFrame("fire", subject=subject, cue="say"), speaker="the army")
    assert bool(contradictions([denial, claim], similarity=0.45)) is fires


@pytest.mark.parametrize("claim, fires", [
    # should fire: the claim tells the state the denial denies
    (StatementFrame("complete", subject="army", object="operation", states=("completed@operation",), cue="claim"), True),
    # should not fire: the claim tells the opposite state, siding with the denier
    (StatementFrame("continue", subject="unit", states=("continuing@unit:hold",), cue="say"), False),
])
def test_a_claim_of_the_opposite_state_sides_with_the_denier(claim, fires) -> None:
    denial = mention("a", "Harl officials refuted the army's claims that the fighting in Tamsin has ended.",
                     StatementFrame("refute", subject="official", object="claim", role="denial",
                                    denied="the army's claims that the fighting in Tamsin has ended"),
                     StatementFrame("end", subject="fighting", states=("completed@fighting",), cue="refute"),
                     speaker="Harl officials")
    other = mention("b", "The army said the fighting in Tamsin has ended and units hold the line.", claim,
                    speaker="the army")
    assert bool(contradictions([denial, other], similarity=0.7)) is fires


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


def test_opposite_directions_from_one_place_fire_and_neighbouring_ones_do_not() -> None:
    a = mention("a", "The quake struck 30 miles east of Marlow.", StatementFrame("strike", attributes=("direction=east@marlow#distance",)))
    for value, fires in (("west", True), ("northwest", True), ("southeast", False), ("northeast", False), ("east", False)):
        b = mention("b", f"The quake struck 30 miles {value} of Marlow.",
                    StatementFrame("strike", attributes=(f"direction={value}@marlow#distance",)))
        assert bool(contradictions([a, b])) is fires, value


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


def test_existence_said_of_people_is_not_negated_by_another_set_of_people() -> None:
    a = mention("a", "There were a dozen other people at the party, the landlord said.",
                StatementFrame("be", subject="people", object="people"), speaker="the landlord")
    b = mention("b", "There wasn't anyone panicking, a guest said.",
                StatementFrame("be", subject="people", object="people", negated=True), speaker="a guest")
    assert contradictions([a, b]) == []


# ---------------------------------------------------------------- subjects aligned by meaning

def test_synonym_subjects_in_one_same_thing_group_align() -> None:
    a = mention("a", "The walkout at the depot is over, the operator said.",
                StatementFrame("be", subject="walkout", states=("completed@walkout",)), speaker="the operator")
    b = mention("b", "The stoppage at the depot was still going on, a union official said.",
                StatementFrame("go on", subject="stoppage", states=("continuing@stoppage",)), speaker="a union official")
    (conflict,) = contradictions([a, b])
    assert {s.article_id: s.stance for s in conflict.sides} == {"a": "completed", "b": "continuing"}


@pytest.mark.parametrize("similarity, second", [
    (0.8, ("continuing@talks",)),  # another thing: "the walkout is over" / "the talks are continuing"
    (0.8, ("continuing@ballot",)),
    (0.25, ("continuing@stoppage",)),  # synonyms, but the sentences are too far apart to be about one event
])
def test_subjects_not_shown_to_be_one_thing_do_not_align(similarity, second) -> None:
    a = mention("a", "The walkout at the depot is over, the operator said.",
                StatementFrame("be", subject="walkout", states=("completed@walkout",)), speaker="the operator")
    b = mention("b", "Another outlet's sentence about the depot.", StatementFrame("x", subject="s", states=second),
                speaker="a union official")
    assert contradictions([a, b], similarity=similarity) == []


class KeyEncoder:
    """Vectors for "the <subject>" phrases: two subjects share a vector, the rest are orthogonal."""

    dimensions = 8

    def __init__(self, same: set[str]) -> None:
        self.same = same
        self.axes: dict[str, int] = {}

    def encode(self, texts):
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            key = text.removeprefix("the ")
            axis = 0 if key in self.same else self.axes.setdefault(key, 1 + len(self.axes))
            out[row, axis] = 1.0
        return out


def test_the_encoder_aligns_subjects_outside_the_groups() -> None:
    a = mention("a", "The airlift is complete, the mayor said.",
                StatementFrame("be", subject="airlift", states=("completed@airlift",)), speaker="the mayor")
    b = mention("b", "The evacuation flights were continuing, the army said.",
                StatementFrame("continue", subject="flight", states=("continuing@flight",)), speaker="the army")
    vectors = np.linalg.cholesky(np.array([[1.0, 0.8], [0.8, 1.0]])).astype(np.float32)
    voices = Voices({"a": "outlet-a", "b": "outlet-b"}, lambda m: m.speaker)
    assert len(find_contradictions([a, b], vectors, voices, encoder=KeyEncoder({"airlift", "flight"}))) == 1
    assert find_contradictions([a, b], vectors, voices, encoder=KeyEncoder({"airlift"})) == []
    assert find_contradictions([a, b], vectors, voices) == []  # no encoder: only words and groups


# ---------------------------------------------------------------- one event done, or still to come

def test_an_event_told_as_done_and_as_still_to_come_fires() -> None:
    a = mention("a", "The Kestrel will eventually replace the Osprey on patrol.",
                StatementFrame("replace", subject="kestrel", object="osprey", modality=("will",),
                               states=("ahead@kestrel:replace:osprey",)))
    b = mention("b", "HMS Kestrel, which replaced the frigate Osprey last month, sailed on Monday.",
                StatementFrame("replace", subject="hms kestrel", object="osprey", relative=True,
                               states=("done@hms kestrel:replace:osprey",)),
                StatementFrame("sail", subject="hms kestrel"), speaker="a navy officer")
    (conflict,) = contradictions([a, b])
    assert {s.article_id: s.stance for s in conflict.sides} == {"a": "ahead", "b": "done"}


@pytest.mark.parametrize("second", [
    # another party
    StatementFrame("replace", subject="heron", object="osprey", states=("done@heron:replace:osprey",)),
    # the same tense
    StatementFrame("replace", subject="kestrel", object="osprey", states=("ahead@kestrel:replace:osprey",)),
    # hedged
    StatementFrame("replace", subject="kestrel", object="osprey", hedges=("reportedly",),
                   states=("done@kestrel:replace:osprey",)),
    # a past event of another kind
    StatementFrame("inspect", subject="kestrel", object="osprey", states=("done@kestrel:inspect:osprey",)),
])
def test_tense_states_that_do_not_clash(second) -> None:
    a = mention("a", "The Kestrel will eventually replace the Osprey on patrol.",
                StatementFrame("replace", subject="kestrel", object="osprey", modality=("will",),
                               states=("ahead@kestrel:replace:osprey",)))
    b = mention("b", "Another outlet's sentence about the patrol.", second, speaker="a navy officer")
    assert contradictions([a, b]) == []


# ---------------------------------------------------------------- entering

def test_entering_against_not_entering_fires_from_relative_clauses_too() -> None:
    a = mention("a", "Veltron bought Corra, a move that puts Veltron in the phone business.",
                StatementFrame("put", subject="move", object="veltron", relative=True,
                               states=("enters@veltron:business",)))
    b = mention("b", "He confirmed that Veltron was not getting into the phone business.",
                StatementFrame("get", subject="veltron", negated=True, relative=True,
                               states=("enters@veltron:business",)), speaker="Veltron's chief")
    (conflict,) = contradictions([a, b])
    assert {s.article_id: s.stance for s in conflict.sides} == {"a": "enters", "b": "stays_out"}


def test_entering_by_another_company_does_not_clash() -> None:
    a = mention("a", "Veltron bought Corra, a move that puts Corra in the phone business.",
                StatementFrame("put", subject="move", object="corra", relative=True, states=("enters@corra:business",)))
    b = mention("b", "He confirmed that Veltron was not getting into the phone business.",
                StatementFrame("get", subject="veltron", negated=True, relative=True,
                               states=("enters@veltron:business",)), speaker="Veltron's chief")
    assert contradictions([a, b]) == []


# ---------------------------------------------------------------- where a named person lives

def test_two_homes_of_one_named_person_fire() -> None:
    a = mention("a", "Dana Pruitt, 41, of Millbrook, was taken to hospital.",
                StatementFrame("take", attributes=("residence=millbrook@pruitt",)))
    b = mention("b", "Pruitt, who lived in Eastvale, died on Sunday, police said.",
                StatementFrame("live", subject="pruitt", relative=True, attributes=("residence=eastvale@pruitt",)),
                speaker="police")
    (conflict,) = contradictions([a, b], similarity=0.35)
    assert {s.stance for s in conflict.sides} == {"millbrook", "eastvale"}


def test_a_place_and_the_area_around_it_do_not_clash() -> None:
    a = mention("a", "Dana Pruitt, 41, of Millbrook, was taken to hospital.",
                StatementFrame("take", attributes=("residence=millbrook@pruitt",)))
    b = mention("b", "Pruitt, who lived in Harlow County, died on Sunday, police said.",
                StatementFrame("live", subject="pruitt", relative=True, attributes=("residence=harlow county@pruitt",)),
                speaker="police")
    c = mention("c", "The crash happened in Millbrook, Harlow County, on Friday.", StatementFrame("happen", subject="crash"))
    assert contradictions([a, b, c], similarity=0.35) == []


def test_a_place_most_articles_name_is_the_setting_not_a_home() -> None:
    a = mention("a", "Dana Pruitt, 41, of Harlow, was taken to hospital.",
                StatementFrame("take", attributes=("residence=harlow@pruitt",)))
    b = mention("b", "Pruitt, who lived in Eastvale, died on Sunday, police said.",
                StatementFrame("live", subject="pruitt", relative=True, attributes=("residence=eastvale@pruitt",)),
                speaker="police")
    others = [mention(x, f"The crash in Harlow closed the road, outlet {x} said.", StatementFrame("close", subject="crash"))
              for x in ("c", "d", "e")]
    assert contradictions([a, b, *others], similarity=0.35) == []


# ---------------------------------------------------------------- denials of harm and of accusations

def test_ruling_out_reports_of_deaths_denies_the_deaths() -> None:
    a = mention("a", "Six people died in the flood, the governor told reporters.",
                StatementFrame("die", subject="people", cue="tell"), speaker="the governor")
    b = mention("b", "The agency chief ruled out rumours of further deaths.",
                StatementFrame("rule out", subject="chief", object="rumour", role="denial",
                               denied="rumours of further deaths"), speaker="the agency chief", index=1)
    # Harm named on both sides ties sentences the encoder finds far apart.
    (conflict,) = contradictions([a, b], similarity=0.15)
    assert {s.article_id: s.stance for s in conflict.sides} == {"a": "claims", "b": "denies"}


@pytest.mark.parametrize("denied, claim_times", [
    ("causing the deaths at the plant", ()),  # a denied cause, not denied deaths
    ("rumours of further deaths", (TimeExpr("1998", "1998", "year", 40, 44),)),  # another event's toll
])
def test_harm_denials_that_are_not_linked(denied, claim_times) -> None:
    a = Mention(article_id="a", index=0, text="Six people died in the flood of 1998, the governor said.", start=0,
                end=60, speaker="the governor", times=claim_times,
                frames=(StatementFrame("die", subject="people", cue="say"),))
    b = mention("b", "The agency chief denied it.",
                StatementFrame("deny", subject="chief", role="denial", denied=denied), speaker="the agency chief", index=1)
    assert contradictions([a, b], similarity=0.25) == []


def test_a_denial_without_harm_needs_closer_sentences() -> None:
    a = mention("a", "Six workers dumped solvent at the plant, the governor told reporters.",
                StatementFrame("dump", subject="people", object="solvent", cue="tell"), speaker="the governor")
    b = mention("b", "The agency chief ruled out rumours of solvent dumped at the plant.",
                StatementFrame("rule out", subject="chief", object="rumour", role="denial",
                               denied="rumours of solvent dumped at the plant"), speaker="the agency chief", index=1)
    assert contradictions([a, b], similarity=0.15) == []
    assert len(contradictions([a, b], similarity=0.4)) == 1


def test_a_denial_answers_an_accusation_against_the_denier() -> None:
    a = mention("a", "He accused Norbay Freight of hiring crews from abroad.",
                StatementFrame("accuse", subject="he", object="norbay freight"), speaker="a union leader")
    b = mention("b", "Norbay Freight denied hiring foreign crews during the dispute.",
                StatementFrame("deny", subject="norbay freight", role="denial", denied="hiring foreign crews"),
                speaker="Norbay Freight")
    (conflict,) = contradictions([a, b], similarity=0.3)
    assert {s.article_id: s.stance for s in conflict.sides} == {"a": "claims", "b": "denies"}


def test_an_accusation_against_someone_else_is_not_answered() -> None:
    a = mention("a", "He accused the port authority of hiring crews from abroad.",
                StatementFrame("accuse", subject="he", object="port authority"), speaker="a union leader")
    b = mention("b", "Norbay Freight denied hiring foreign crews during the dispute.",
                StatementFrame("deny", subject="norbay freight", role="denial", denied="hiring foreign crews"),
                speaker="Norbay Freight")
    assert contradictions([a, b], similarity=0.3) == []


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
    ("The walkout at the Arlen bus depot is over, the operator said.",
     "A union official said the stoppage at the Arlen bus depot was still going on.", True),
    ("The walkout at the Arlen bus depot is over, the operator said.",
     "A union official said the talks at the Arlen bus depot were still going on.", False),
    ("The Kestrel will eventually replace the Osprey on the Arlen patrol.",
     "The Kestrel, which replaced the Osprey on the Arlen patrol in May, sailed on Monday.", True),
    ("The Kestrel will eventually replace the Osprey on the Arlen patrol.",
     "The Kestrel, which replaced the Heron on the Arlen patrol in May, sailed on Monday.", False),
    ("Veltron bought Corra on Monday, a move that puts Veltron in the phone business.",
     "Veltron is not getting into the phone business, its chief said on Monday.", True),
    # what is negotiated or expected is not told as done
    ("The council was negotiating to purchase the Harl depot, the paper said.",
     "The council has not purchased the Harl depot, its treasurer said.", False),
    ("The coroner said he was not expecting the toll of the Harl fire to rise.",
     "The toll of the Harl fire is not expected to rise, the coroner said.", False),
    # what was not done so far, and a later report that it was done: an update
    ("The results of the Harl water test were released on Wednesday, the council said.",
     "The results of the Harl water test have not been released.", False),
    ("The results of the Harl water test were released, the council said.",
     "The results of the Harl water test were not released, the mayor said.", True),
    ("A not guilty plea was entered on Dorn's behalf at the Harl court.",
     "Not guilty pleas were entered on Dorn's behalf at the Harl court.", False),
    # a denial answers what another voice asserts, not what it tells as a rumour
    ("Mr. Harrow denied that he was the informant in the Tamsin leak case.",
     "Harrow was among several clerks rumored to be the informant in the Tamsin leak case.", False),
    ("Mr. Harrow denied that he was the informant in the Tamsin leak case.",
     "Harrow was the informant in the Tamsin leak case, the prosecutor said.", True),
    # a denial is tied to what it denies, not to the rest of its sentence
    ("Mr. Harrow denied that he was the informant, and the paper said it will not name its source until after the "
     "informant dies.", "The coroner said Harrow died on Saturday at his home near the paper's offices.", False),
    ("Inspectors said Vantor Chemicals dumped solvent into the Elbe canal.",
     "Denying that it had broken any rule, Vantor Chemicals dumped solvent into the Elbe canal for years.", False),
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


def test_a_denial_is_tied_by_meaning_to_what_it_denies_not_to_the_rest_of_its_sentence(fake_encoder) -> None:
    texts = ["Dorn ran the dock racket in the harbour for years, police said.",
             "Dorn would wander the harbour in a bathrobe, neighbours said.",
             "Denying he ran the dock racket, Dorn would wander the harbour in a bathrobe."]
    claim = mention("a", texts[0], StatementFrame("run", subject="dorn", object="racket"), speaker="police")
    habit = mention("b", texts[1], StatementFrame("wander", subject="dorn", object="harbour"), speaker="neighbours")
    denial = mention("c", texts[2], StatementFrame("deny", subject="dorn", role="denial", denied="he ran the dock racket"),
                     StatementFrame("wander", subject="dorn", object="harbour"), speaker="Dorn")
    mentions = [claim, habit, denial]
    vectors = fake_encoder.encode(texts)
    voices = Voices({"a": "outlet-a", "b": "outlet-b", "c": "outlet-c"}, lambda m: m.speaker)
    (conflict,) = find_contradictions(mentions, vectors, voices, encoder=fake_encoder)
    assert {s.text for s in conflict.sides} == {texts[0], texts[2]}


def test_only_the_clauses_inside_what_is_denied_are_denied(fake_encoder) -> None:
    texts = ["Harrow denied that he was the informant, and the paper will not name its source until Harrow dies.",
             "The paper said Harrow died and that the paper will not name its source.",
             "Harrow was the informant of the paper, its source said."]
    tail = texts[0].index("until Harrow dies")
    denial = mention("a", texts[0],
                     StatementFrame("deny", subject="harrow", role="denial", denied="that he was the informant",
                                    start=0, end=len("Harrow denied that he was the informant,")),
                     StatementFrame("die", subject="harrow", relative=True, start=tail, end=len(texts[0]) - 1),
                     speaker="Harrow")
    died = mention("b", texts[1], StatementFrame("die", subject="harrow"), speaker="paper")
    informant = mention("c", texts[2], StatementFrame("be", subject="harrow", object="informant"), speaker="source")
    voices = Voices({"a": "outlet-a", "b": "outlet-b", "c": "outlet-c"}, lambda m: m.speaker)
    mentions = [denial, died, informant]
    found = find_contradictions(mentions, fake_encoder.encode(texts), voices, encoder=fake_encoder)
    assert not any(texts[1] in {s.text for s in c.sides} for c in found)


def test_the_answer_does_not_depend_on_the_last_digits_of_a_similarity(fake_encoder) -> None:
    # How many threads sum a dot product changes its last bits; sentences several outlets tell
    # alike must not then change which claims a denial is tied to.
    claim = "Dorn ran the dock racket in the harbour for years, police said."
    texts = [claim] * 5 + ["Denying he ran the dock racket, Dorn would wander the harbour in a bathrobe."]
    mentions = [mention(chr(97 + k), claim, StatementFrame("run", subject="dorn", object="racket"), speaker="police")
                for k in range(5)]
    mentions.append(mention("z", texts[-1], StatementFrame("deny", subject="dorn", role="denial",
                                                            denied="he ran the dock racket"), speaker="Dorn"))
    voices = Voices({m.article_id: f"outlet-{m.article_id}" for m in mentions}, lambda m: m.speaker)
    answers = set()
    for seed in range(6):
        noise = np.random.default_rng(seed).normal(0, 1e-7, (len(texts), fake_encoder.dimensions))
        vectors = fake_encoder.encode(texts) + noise.astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        found = find_contradictions(mentions, vectors, voices, encoder=fake_encoder)
        answers.add(tuple(sorted(s.article_id for c in found for s in c.sides)))
    assert len(answers) == 1
    assert len(next(iter(answers))) == 4  # the denial and the three closest of five equal claims
