"""Statement frames read from the parse: what each predicate asserts, denies, negates or hedges."""

from __future__ import annotations

import pytest

from storylens.errors import SettingsError
from storylens.nlp.frames import load_statement_rules, parse_statement_rules, read_frames


def frames_of(nlp, text: str):
    from storylens.read import load_lexicon

    doc = nlp(text)
    return [f for sent in doc.sents for f in read_frames(sent, load_lexicon(), load_statement_rules(), None, None)]


def frame(nlp, text: str, predicate: str):
    return next(f for f in frames_of(nlp, text) if f.predicate == predicate)


@pytest.mark.slow
@pytest.mark.parametrize("text, denied", [
    # should fire: a denial verb whose complement is a claim
    ("The ministry denied that it had approved the sale.", "that it had approved the sale"),
    ("Vantor Chemicals denied dumping solvent into the canal.", "dumping solvent"),
    ("The mayor rejected claims that the audit had been delayed.", "claims that the audit had been delayed"),
    ("The allegations are baseless.", "The allegations"),
    ("The allegations were lies.", "The allegations"),
    ("However, this remains an unsubstantiated claim.", "this"),
])
def test_denials_of_claims(nlp, text, denied) -> None:
    found = [f for f in frames_of(nlp, text) if f.role == "denial"]
    assert [f.denied for f in found] == [denied]


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    # should not fire: denial verbs in other senses, and a denial that is itself negated
    "Redford United dismissed its manager after a run of defeats.",
    "The court denied the motions filed by the defence.",
    "The prosecutor denied a plea offer from the defendant.",
    "The judge rejected the request for bail.",
    "The engineer has not ruled out a second crack in the wall.",
    "The report was published on Monday.",
    "The claim was filed in March.",
    "This remains an open question.",
])
def test_denial_verbs_in_other_senses_are_not_denials(nlp, text) -> None:
    assert [f for f in frames_of(nlp, text) if f.role == "denial"] == []


@pytest.mark.slow
def test_a_relative_clause_is_background_and_does_not_flip_the_stance(nlp) -> None:
    found = frames_of(nlp, "The mayor, who has denied any wrongdoing, said the audit was completed.")
    denial = next(f for f in found if f.predicate == "deny")
    completed = next(f for f in found if f.predicate == "complete")
    assert denial.relative and not completed.relative and not completed.negated
    assert completed.states == ("completed@audit",)


@pytest.mark.slow
@pytest.mark.parametrize("text, predicate, negated", [
    ("No one was killed in the blast.", "kill", True),
    ("Nobody was hurt in the blast.", "hurt", True),
    ("The firm did not pay the fine.", "pay", True),
    ("\"We are not intending to compete with our suppliers,\" Reel said.", "compete", True),
    ("Four people were killed in the blast.", "kill", False),
    ("The firm paid the fine, though it had not agreed to.", "pay", False),
])
def test_negation_sits_on_its_predicate(nlp, text, predicate, negated) -> None:
    assert frame(nlp, text, predicate).negated is negated


@pytest.mark.slow
@pytest.mark.parametrize("text, predicate, modality, hedges", [
    ("The dam could fail within days.", "fail", ("could",), ()),
    ("The dam will be repaired.", "repair", ("will",), ()),
    ("The minister reportedly resigned.", "resign", (), ("reportedly",)),
    ("Katie got into the university, I think.", "get", (), ("think",)),
])
def test_modality_and_hedges_attach_to_their_predicate(nlp, text, predicate, modality, hedges) -> None:
    found = frame(nlp, text, predicate)
    assert (found.modality, found.hedges) == (modality, hedges)


@pytest.mark.slow
@pytest.mark.parametrize("text, states", [
    # should fire: the cue on the subject's own predicate
    ("The repairs to the bridge were completed.", {"completed@repair"}),
    ("The board voted unanimously.", {"unanimous@board"}),
    ("The result came as a surprise.", {"surprise@result"}),
    ("The company completed its acquisition of the mill.", {"completed@acquisition"}),
    # should not fire: a cue that is another clause's, or none at all
    ("Traffic is still heavy on the bridge.", set()),
    ("The storm is expected to make landfall on Friday.", {"expected@storm:make"}),
])
def test_states_are_the_states_of_their_own_subject(nlp, text, states) -> None:
    assert {s for f in frames_of(nlp, text) for s in f.states} == states


@pytest.mark.slow
@pytest.mark.parametrize("text, attributes", [
    ("She was hit by a grey 2013 Toyota Camry.", {"colour=grey@camry"}),
    ("She was hit by a gray Toyota Camry.", {"colour=grey@camry"}),
    ("The ship was attacked 150 nautical miles west of Aden.", {"direction=west@aden#distance"}),
    ("An armed man robbed the bank.", {"armed=armed@people"}),
    ("The Chiefs got the ball back late in the fourth quarter.", {"phase=late@fourth quarter"}),
    # not attributes: a name, a fixed phrase, a place not placed
    ("The White House said the talks were over.", set()),
    ("Sudan's armed forces crossed the border.", set()),
])
def test_attributes(nlp, text, attributes) -> None:
    assert {a for f in frames_of(nlp, text) for a in f.attributes} == attributes


def test_rules_file_is_checked_against_its_schema() -> None:
    with pytest.raises(SettingsError, match="denial_verbs"):
        parse_statement_rules({"denial_verbs": "deny", "claim_nouns": [], "falsity_words": [], "state_cues": {},
                               "oppositions": [], "similarity": {"negation": 0.3, "harm": 0.4, "denial": 0.3,
                                                                 "attribute": 0.4, "state": 0.4}})
    with pytest.raises(SettingsError):
        parse_statement_rules({"denial_verbs": ["deny"], "claim_nouns": [], "falsity_words": [], "state_cues": {},
                               "oppositions": [], "similarity": {"negation": 2}})


def test_bundled_rules_load() -> None:
    rules = load_statement_rules()
    assert "deny" in rules.denial_verbs and "allegation" in rules.claim_nouns
    assert rules.attribute_class("silver") == "colour" and rules.canonical_value("gray") == "grey"
    assert 0 < rules.threshold("denial") < 1


def test_frames_survive_the_store_round_trip() -> None:
    from storylens.records import Article, ArticleReading, Mention, StatementFrame
    from storylens.reading_json import reading_from_json, reading_to_json

    article = Article("a", "a.txt", "t", None, None, "en", "ok", None, "No one was hurt.")
    frame = StatementFrame("hurt", subject="people", negated=True, preps=("in:blast",), states=("completed@x",))
    reading = ArticleReading(article, (Mention("a", 0, "No one was hurt.", 0, 16, frames=(frame,)),))
    assert reading_from_json(article, reading_to_json(reading)).mentions[0].frames == (frame,)


@pytest.mark.slow
@pytest.mark.parametrize("text, states", [
    ("Councillors voted by seven votes to two in favour of the plan.", {"split@plan"}),
    ("The board voted by nine votes to zero for the merger.", set()),
])
def test_a_vote_margin_is_a_split_vote_on_what_was_voted(nlp, text, states) -> None:
    assert {s for f in frames_of(nlp, text) for s in f.states} == states


@pytest.mark.slow
def test_rejected_as_baseless_claims_is_a_denial(nlp) -> None:
    found = [f for f in frames_of(nlp, "The firm rejected as baseless claims that it had known about the fault.")
             if f.role == "denial"]
    assert len(found) == 1 and found[0].denied.startswith("baseless claims")


@pytest.mark.slow
@pytest.mark.parametrize("text, state", [
    # should fire: one event told as still to come, and as done (active, passive, relative clause)
    ("The Kestrel will eventually replace the Osprey on patrol.", "ahead@kestrel:replace:osprey"),
    ("The Osprey was replaced by the Kestrel last month.", "done@kestrel:replace:osprey"),
    ("The Kestrel, which replaced the Osprey in May, sailed on Monday.", "done@kestrel:replace:osprey"),
    ("Mayor Ann Colby has resigned.", "done@ann colby:resign"),
])
def test_single_events_told_as_done_or_to_come(nlp, text, state) -> None:
    assert state in {s for f in frames_of(nlp, text) for s in f.states}


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    # should not fire: negated, conditional, repeated, uncertain, or not a single event
    "The Kestrel did not replace the Osprey.",
    "If the Kestrel replaced the Osprey, the navy would say so.",
    "The Kestrel replaced the Osprey again.",
    "The Kestrel might replace the Osprey.",
    "Veltron bought Corra last week.",
])
def test_events_that_are_neither_done_nor_to_come(nlp, text) -> None:
    states = {s for f in frames_of(nlp, text) for s in f.states}
    assert not {s for s in states if s.startswith(("done@", "ahead@"))}


@pytest.mark.slow
@pytest.mark.parametrize("text, negated", [
    ("Veltron enters the phone business with the purchase.", False),
    ("Veltron is not getting into the phone business, its chief said.", True),
    ("The purchase puts Veltron in the phone business.", False),
    ("The deal takes Veltron into the phone business.", False),
])
def test_entering_is_read_from_the_parse(nlp, text, negated) -> None:
    entering = [f for f in frames_of(nlp, text) if "enters@veltron:business" in f.states]
    assert [f.negated for f in entering] == [negated]


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "Veltron took the call in the office.",
    "The deal takes Corra into the phone business.",
    "Veltron is getting ready for the launch.",
])
def test_what_is_not_an_entry_by_veltron(nlp, text) -> None:
    assert not any(s.startswith("enters@veltron") for f in frames_of(nlp, text) for s in f.states)


@pytest.mark.slow
def test_not_only_is_not_a_negation(nlp) -> None:
    turn = frame(nlp, "Veltron will not only enter the phone market, it will lead it.", "enter")
    assert not turn.negated


@pytest.mark.slow
@pytest.mark.parametrize("text, residence", [
    ("Dana Pruitt, 41, of Millbrook, was taken to hospital.", "residence=millbrook@pruitt"),
    ("Pruitt, who lived in Eastvale, died on Sunday.", "residence=eastvale@pruitt"),
])
def test_where_a_named_person_lives(nlp, text, residence) -> None:
    assert residence in {a for f in frames_of(nlp, text) for a in f.attributes}


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "Pruitt lived in Eastvale until 2015.",  # a past home
    "Pruitt moved to Eastvale four years ago.",  # a move
    "The mayor of Millbrook opened the bridge.",  # an office, not a home
    "The company, which is based in Eastvale, grew.",
])
def test_what_does_not_say_where_someone_lives(nlp, text) -> None:
    assert not any(a.startswith("residence=") for f in frames_of(nlp, text) for a in f.attributes)


@pytest.mark.slow
def test_a_state_of_an_event_anaphor_is_the_state_of_the_clause_before(nlp) -> None:
    states = {s for f in frames_of(nlp, "The bank lowered its rate, and the size of the move took markets by surprise.")
              for s in f.states}
    assert "surprise@lower" in states


@pytest.mark.slow
def test_a_date_is_not_a_state_cue(nlp) -> None:
    states = {s for f in frames_of(nlp, "The Kestrel, which relieved the Osprey at the end of May, sailed on.")
              for s in f.states}
    assert not any(s.startswith("completed@") for s in states)


@pytest.mark.slow
def test_no_one_with_a_hyphen_negates_its_clause(nlp) -> None:
    injured = frame(nlp, "The fire chief added that no-one had been injured in the blaze.", "injure")
    assert injured.negated and injured.subject == "people"


@pytest.mark.slow
@pytest.mark.parametrize("text, predicate, background", [
    # what an infinitive aims at is not stated
    ("Crews worked hard to ensure that the fire didn't spread further.", "spread", True),
    ("The firm acted to make sure that no data was lost.", "lose", True),
    # a reported clause and an infinitive itself are
    ("The chief said that the fire didn't spread further.", "spread", False),
    ("We are not intending to compete with our customers.", "compete", False),
])
def test_the_aim_of_an_infinitive_is_background(nlp, text, predicate, background) -> None:
    assert frame(nlp, text, predicate).relative is background


@pytest.mark.slow
@pytest.mark.parametrize("text, predicate, hedged", [
    # should fire: what is negotiated, needed, planned or expected is not told as done
    ("The council was negotiating to purchase the depot.", "purchase", True),
    ("He still needs to withdraw the licence for the quarry.", "withdraw", True),
    ("The coroner told reporters he was not expecting the toll to rise.", "rise", True),
    ("Fans are betting that Marsh will return next season.", "return", True),
    ("The union is trying to win the vote on Monday.", "win", True),
    # should not fire: a stated intent is a stance on what will happen
    ("\"We are not intending to compete with our suppliers,\" Reel said.", "compete", False),
    # should not fire: complements of verbs that tell the event happened, and main clauses
    ("The council managed to purchase the depot.", "purchase", False),
    ("The council said it had purchased the depot.", "purchase", False),
    ("The council purchased the depot in May.", "purchase", False),
])
def test_complements_of_prospective_verbs_take_no_side(nlp, text, predicate, hedged) -> None:
    assert bool(frame(nlp, text, predicate).hedges) is hedged


@pytest.mark.slow
@pytest.mark.parametrize("text, predicate, negated", [
    # should not fire: "not" on an adjective of the subject
    ("A not guilty plea was entered on his behalf.", "enter", False),
    ("Not guilty pleas were entered on her behalf at the hearing.", "enter", False),
    # should fire: "not" and "no" on the clause or its subject
    ("A plea was not entered at the hearing.", "enter", True),
    ("No plea was entered at the hearing.", "enter", True),
])
def test_a_not_on_an_adjective_does_not_negate_the_clause(nlp, text, predicate, negated) -> None:
    assert frame(nlp, text, predicate).negated is negated


@pytest.mark.slow
@pytest.mark.parametrize("text, predicate, negated", [
    # should not fire: the "not" belongs to the adjective a verb gives ("the plea is 'not guilty'")
    ("The driver pleaded not guilty to the charges at the Harl court.", "plead", False),
    ("The clerk was found not guilty of the theft.", "find", False),
    # should fire: a copula with "not", and a "not" on the verb itself
    ("The vote on the harbour plan was not unanimous.", "be", True),
    ("The clerk is not guilty of the theft, his lawyer said.", "be", True),
    ("The driver did not plead guilty to the charges.", "plead", True),
])
def test_not_before_a_verbs_adjective_negates_the_adjective(nlp, text, predicate, negated) -> None:
    assert frame(nlp, text, predicate).negated is negated


@pytest.mark.slow
def test_a_denial_takes_the_claim_after_its_verb_over_a_clause_before_it(nlp) -> None:
    found = frames_of(nlp, "The Harbor League is active in the north-it denies claims that it takes money from the "
                           "council.")
    assert [f.denied for f in found if f.role == "denial"] == ["claims that it takes money from the council"]


@pytest.mark.slow
@pytest.mark.parametrize("text, predicate, modality", [
    # should fire: a participle or joined verb without its own subject takes the modal of its head
    ("Denying he was a smuggler, Dorn would walk the docks in a raincoat.", "deny", ("would",)),
    ("The dam could crack and flood the valley.", "flood", ("could",)),
    # should not fire: a head without a modal, or a verb with its own subject
    ("Denying any role in the leak, the firm said it would cooperate.", "deny", ()),
    ("The dam could crack, and engineers fear the river will flood the valley.", "flood", ("will",)),
])
def test_a_clause_that_shares_its_heads_subject_shares_its_modal(nlp, text, predicate, modality) -> None:
    assert frame(nlp, text, predicate).modality == modality


@pytest.mark.slow
@pytest.mark.parametrize("text, predicate, dated", [
    ("A storm hit the Harl coast on Monday but caused no deaths.", "cause", True),
    ("A storm hit the Harl coast on Monday, killing two fishermen.", "kill", True),
    ("A storm hit the Harl coast on Monday, and officials said two fishermen died.", "die", False),
])
def test_a_clause_that_shares_its_heads_subject_shares_its_time(nlp, text, predicate, dated) -> None:
    assert (frame(nlp, text, predicate).time == "monday") is dated


@pytest.mark.slow
@pytest.mark.parametrize("text, predicate, time", [
    # should fire: a negated passive in the present perfect is the state so far
    ("The names of the two divers have not been released.", "release", "so far"),
    # should not fire: active ("we have not bombed" denies), past perfect, or not negated
    ("\"We have not shelled any villages,\" the army said.", "shell", None),
    ("The names of the two divers had not been released.", "release", None),
    ("The names of the two divers have been released.", "release", None),
])
def test_not_done_so_far_is_dated_so_far(nlp, text, predicate, time) -> None:
    assert frame(nlp, text, predicate).time == time


@pytest.mark.slow
@pytest.mark.parametrize("text, attributes", [
    ("The quake was centred about 58km south-west of Bandar Lengeh.", {"direction=southwest@bandar lengeh#distance"}),
    ("The quake was centred about 58km west of Bandar Lengeh.", {"direction=west@bandar lengeh#distance"}),
])
def test_compass_directions_are_read_whole(nlp, text, attributes) -> None:
    assert {a for f in frames_of(nlp, text) for a in f.attributes} == attributes


@pytest.mark.slow
def test_an_infinitive_of_purpose_is_background(nlp) -> None:
    assert frame(nlp, "There comes a time for the right person to sing it.", "sing").relative
    assert not frame(nlp, "The right person sang it at the gala.", "sing").relative


@pytest.mark.slow
@pytest.mark.parametrize("text, predicate, hedged", [
    ("His sister said she doubted her brother was carrying a knife.", "carry", True),
    ("The clerk is thought to be the source of the leak.", "be", True),
    ("The clerk was the source of the leak.", "be", False),
    # the tagger lemmatises "hoped"/"hoping" as "hop": a hope is still a hedge
    ("The mayor had hoped that the bridge would reopen in May.", "reopen", True),
    ("The coach is hoping the striker will be fit on Sunday.", "be", True),
    ("The rabbit hopped over the fence before the dog woke.", "wake", False),
])
def test_doubt_and_hearsay_hedge_what_they_govern(nlp, text, predicate, hedged) -> None:
    assert bool(frame(nlp, text, predicate).hedges) is hedged


@pytest.mark.slow
@pytest.mark.parametrize("text, denial", [
    ("The clerk denied the accusations until he came forward in 2019.", False),
    ("The clerk steadfastly denied the accusations until finally coming forward in 2019.", False),
    ("The clerk denied the accusations on Tuesday.", True),
    # a first answer, since taken back
    ("The club initially denied reports that its coach would leave, but later confirmed them.", False),
    ("The club denied reports that its coach would leave.", True),
    # a stance held through a past span is history; one still held is not
    ("The clerk adamantly denied over the years that he was the informant.", False),
    ("For years the clerk denied that he was the informant.", False),
    ("The clerk has denied for years that he was the informant.", True),
])
def test_a_denial_that_ended_is_no_denial_now(nlp, text, denial) -> None:
    assert (frame(nlp, text, "deny").role == "denial") is denial
