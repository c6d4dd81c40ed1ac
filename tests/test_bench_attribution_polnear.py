"""The PolNeAR attribution bench: brat parsing and scoring, on made-up strings (no corpus needed)."""

from __future__ import annotations

from bench.attribution_polnear import GoldAttribution, Prediction, names_someone, parse_ann, score_article

TEXT = "Mayor Ines Park said the bridge will reopen. The council disputed it. Rain is expected."
ANN = "\n".join([
    "T1\tSource 0 15\tMayor Ines Park",
    "T2\tCue 16 20\tsaid",
    "T3\tContent 21 43\tthe bridge will reopen",
    "T4\tAttribution 16 20\tsaid",
    "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3",
    "T5\tSource 45 56\tThe council",
    "T6\tCue 57 65\tdisputed",
    "T7\tAttribution 57 65\tdisputed",
    "E2\tAttribution:T7 Source:T5 Cue:T6",
    "E3\tAttribution:T7 Source:T5 Cue:T6",
    "T8\tCue 75 86\tis expected",
    "T9\tAttribution-no-source 75 86\tis expected",
    "E4\tAttribution-no-source:T9 Cue:T8",
    "T10\tDiscard 0 5\tMayor",
])


def test_parse_ann_reads_events_once_with_span_texts():
    gold = parse_ann(ANN, TEXT)
    assert [g.cue_text for g in gold] == ["said", "disputed", "is expected"]
    assert gold[0].source_text == "Mayor Ines Park" and gold[0].content == ((21, 43),)
    assert gold[2].source == ()


def test_names_someone():
    assert names_someone("Mayor Ines Park") and names_someone("the Post")
    assert not names_someone("he") and not names_someone("the newspaper")


def _gold():
    said = GoldAttribution(((16, 20),), ((0, 15),), (), "said", "Mayor Ines Park", (16, 20), "say", True)
    disputed = GoldAttribution(((57, 65),), ((45, 56),), (), "disputed", "The council", (57, 65), "dispute", False)
    return [said, disputed]


def test_score_counts_strict_lenient_and_named():
    preds = [Prediction((16, 20), (0, 44), "Ines Park", "say"), Prediction((70, 74), (70, 86), "Rain", "say")]
    scores = score_article(preds, _gold())
    assert (scores.cue_strict.tp, scores.cue_strict.fp, scores.cue_strict.fn) == (1, 1, 1)
    assert (scores.plain_strict.tp, scores.plain_strict.fp, scores.plain_strict.fn) == (1, 1, 0)
    assert (scores.named_total, scores.named_covered, scores.named_right) == (1, 1, 1)
    assert (scores.named_plain_total, scores.named_plain_covered, scores.named_plain_right) == (1, 1, 1)


def test_a_named_person_with_a_cue_not_plainly_spoken_counts_only_among_all_named():
    vetoed = GoldAttribution(((57, 65),), ((45, 56),), (), "vetoed", "Ines Park", (57, 65), "veto", True)
    scores = score_article([], [vetoed])
    assert (scores.named_total, scores.named_covered) == (1, 0)
    assert scores.named_plain_total == 0


def test_wrong_speaker_is_a_plain_false_positive():
    scores = score_article([Prediction((16, 20), (0, 44), "The council", "say")], _gold())
    assert scores.cue_strict.tp == 1
    assert (scores.plain_strict.tp, scores.plain_strict.fp, scores.plain_strict.fn) == (0, 1, 1)
    assert scores.named_right == 0


def test_prediction_on_its_sentence_matches_leniently_only():
    pred = Prediction((45, 69), (45, 69), "council", "state", on_sentence=True)
    scores = score_article([pred], _gold())
    assert scores.cue_lenient.tp == 1 and scores.cue_strict.tp == 0


def test_a_prediction_with_no_speaker_matches_only_a_gold_attribution_with_no_source():
    asked = GoldAttribution(((75, 86),), (), (), "is asked", "", (78, 86), "ask", False)
    scores = score_article([Prediction((78, 86), (70, 86), None, "ask")], [asked])
    assert (scores.plain_strict.tp, scores.plain_strict.fp) == (1, 0)
    # on a gold attribution that names its source, no speaker is a wrong speaker
    scores = score_article([Prediction((16, 20), (0, 44), None, "say")], _gold())
    assert scores.cue_strict.tp == 1
    assert (scores.plain_strict.tp, scores.plain_strict.fp, scores.plain_strict.fn) == (0, 1, 1)
