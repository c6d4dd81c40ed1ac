"""Figures read from parsed sentences as measure frames, and compared end to end (spaCy: slow).

Each reading rule of nlp/figure_frames.py fires on a sentence built for it and stays quiet on
one that only looks alike; the pairs at the end are two outlets' sentences that must (or must
not) make a numeric conflict once read and compared.
"""

from __future__ import annotations

import pytest

from storylens.figures import load_figure_rules, measure_of
from storylens.nlp.quantities import extract_quantities
from storylens.nlp.timex import extract_times, parse_published
from storylens.read import load_lexicon

from figure_texts import compare_both, compare_texts  # tests/figure_texts.py

pytestmark = pytest.mark.slow
RULES = load_figure_rules()


def figures(nlp, text, published=None):
    lexicon = load_lexicon()
    out = []
    for sent in nlp(text).sents:
        out.extend(extract_quantities(sent, lexicon, extract_times(sent, parse_published(published)), RULES))
    return out


def only(nlp, text):
    (q,) = figures(nlp, text)
    return q


# --- values, units and dimensions -----------------------------------------------------------


@pytest.mark.parametrize(("text", "value", "dimension", "unit"), [
    ("The deal is worth $4.5bn, the company said.", 4.5e9, "money", "USD"),
    ("Farmers shipped 5m tonnes of grain.", 5e6, "mass", "tonne"),
    ("More than 2000 people marched through the city.", 2000, "count", None),
    ("The Red Sox offered $US1 million to the player.", 1e6, "money", "USD"),
    ("A 10-year-old girl died in the collapse.", 10, "age", "yr"),
    ("A quake of magnitude 7.6 struck the coast.", 7.6, "magnitude", None),
    ("The quake struck at a depth of 35 kilometres.", 35, "length", "km"),
    ("Charles broke an 86-yard run.", 86, "length", "yd"),
    ("Turnout was 90 percent.", 90, "percent", "%"),
])
def test_values_units_and_dimensions_are_read(nlp, text, value, dimension, unit):
    q = only(nlp, text)
    assert (q.value, q.dimension, q.unit) == (value, dimension, unit)


@pytest.mark.parametrize("text", [
    "The 2004 tsunami was the worst in memory.",
    "The talks began in 2019 and ended later.",
    "A small 10m dhow was seen.",  # metres, not ten million
])
def test_years_are_not_counts_and_a_metre_is_not_a_million(nlp, text):
    assert all(q.value < 1e6 and q.dimension != "count" or q.value < 100 for q in figures(nlp, text))


# --- what is measured ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "klass"), [
    ("At least 12 people were killed in the attack.", "KILL"),
    ("Five people were injured, the governor said.", "WOUND"),
    ("The death toll rose to 57 on Thursday.", "KILL"),
    ("Police arrested 23 pirates off the coast.", "ARREST"),
    ("About 14,000 people were evacuated from the coast.", "EVACUATE"),
    ("Yida is a camp of about 20,000 refugees.", "POPULATION"),
    ("Turnout was 90 percent.", "TURNOUT"),
    ("The 13-inch model starts at $1,199.", "PRICE"),
    ("Wolcott put the real cost at 60 million.", "PRICE"),
    ("Police put the march at roughly 30,000 people.", "PROTEST"),
    ("Reports pegged the offer to be as high as $184 million.", "VALUE"),
    ("The island, home to 120,000 people, was shaken.", "POPULATION"),
    ("The camp consists of over 24,000 refugees.", "POPULATION"),
    ("The city of population 167,000 lost power.", "POPULATION"),
    ("Greek stocks plunged 5.4 per cent.", "FALL"),
    ("Two undersea cables suffered severe damage.", "DAMAGE"),
    ("A gunman shot to death one person.", "KILL"),
    ("The 15-inch model sells for $1,499.", "PRICE"),
    ("Greek stocks closed down 3.9 percent.", "FALL"),
    ("The latest count of the dead is only one person.", "KILL"),
    ("The 15-inch MacBook Pro starts off at $1,799.", "PRICE"),
    ("The start-up is backed with $60 million in funding.", "FUNDING"),
])
def test_the_measure_class_follows_the_predicate_or_property(nlp, text, klass):
    q = only(nlp, text)
    assert measure_of(q, RULES).klass == klass


@pytest.mark.parametrize(("text", "klass"), [
    ("Police put 30,000 people at risk.", "PROTEST"),  # no object that names a measure
    ("Aid reached 24,000 refugees in the camp.", "POPULATION"),  # reaching is not holding
    ("Planes dropped four bombs.", "FALL"),  # a count under a verb of falling prices
    ("A gunman shot three people.", "KILL"),
    ("The shops closed at 9 and reopened at 11 with 40 staff.", "FALL"),  # no "down"
    ("The victims were 12 children.", "KILL"),  # a subject of no class
    ("The buyer paid $60 million in cash.", "FUNDING"),  # cash is no measure
])
def test_the_measure_class_stays_quiet_on_lookalikes(nlp, text, klass):
    assert all(measure_of(q, RULES) is None or measure_of(q, RULES).klass != klass for q in figures(nlp, text))


@pytest.mark.parametrize(("text", "wanted"), [
    ("No one was killed or injured in the attack.", [("KILL", 0.0), ("WOUND", 0.0)]),
    ("Fortunately there were no casualties in the camp.", [("WOUND", 0.0)]),
])
def test_a_count_of_none_is_read(nlp, text, wanted):
    assert [(measure_of(q, RULES).klass, q.value) for q in figures(nlp, text)] == wanted


@pytest.mark.parametrize("text", [
    "He had no children.",  # no class of people counted
    "No decision was taken on Friday.",
])
def test_a_negative_determiner_alone_is_no_figure(nlp, text):
    assert figures(nlp, text) == []


def test_a_count_of_no_further_casualties_is_an_increment(nlp):
    assert "increment" in only(nlp, "There were no further casualties.").flags


def test_an_unknown_predicate_keeps_its_own_lemma(nlp):
    q = only(nlp, "Planes dropped four bombs on the camp.")
    assert (q.measure, measure_of(q, RULES).klass) == ("drop", "drop")


# --- holders ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "holder"), [
    ("Sean Smith, 38, was arrested on Friday.", "Sean Smith"),
    ("Officials said 500 Japanese troops were killed.", "japanese"),
    ("Wayne had five catches in the game.", "wayne"),
    ("A second quake of magnitude 7.4 hit hours later.", "second"),
    ("The 13-inch MacBook Pro starts at $1,199.", "13 inch macbook pro"),
    ("The navy seized three other rifles.", "other navy"),
    ("Around 30 people were seriously injured.", "seriously"),
    ("Officials named the four hardest-hit villages.", "hardest-hit"),
    ("One bomb fell within the camp.", "within camp"),
    ("Clashes broke out in Salonika, where 50,000 people marched.", "in salonika"),
    ("More than a dozen people were killed by a quake in eastern China.", "in eastern china"),
    ("The quake struck Qeshm island, home to 120,000 people.", "qeshm"),
    ("Yida is a camp of about 20,000 refugees.", "yida"),
    ("In a village a landslide engulfed a farm, killing one man.", "in village"),
    ("A 32-year-old British climber died on the ridge.", "british climber"),
    ("A 36-year-old climber died on the ridge.", "climber"),
])
def test_holders_come_from_the_parse(nlp, text, holder):
    assert only(nlp, text).holder == holder


@pytest.mark.parametrize("text", [
    "Seven automatic rifles were found.",  # a describing adjective
    "More than 300 crew members were held.",  # a noun of the same kind of people
    "Around 30 people were injured.",
    "Twelve people were killed in the attack.",  # an event, not a place
    "The camp consists of over 24,000 refugees.",  # a place with no name
    "A strong tremor shook the valley, injuring nine people.",  # a quake with no magnitude said
])
def test_holders_stay_empty_without_a_subset_or_place(nlp, text):
    assert only(nlp, text).holder is None


def test_a_count_under_a_quake_of_a_stated_magnitude_is_held_by_it(nlp):
    found = figures(nlp, "A magnitude-5.1 tremor has hurt four people.")
    assert [(q.value, q.dimension, q.holder) for q in found] == [(5.1, "magnitude", None), (4, "count", "magnitude 5.1")]


@pytest.mark.parametrize(("text", "value"), [
    ("Seismologists put the tremor at magnitude-5.2.", 5.2),  # the scale named before its value
    ("A 5.8 quake hit the valley on Monday.", 5.8),  # a decimal before a quake noun
])
def test_magnitudes_written_without_the_usual_order_are_read(nlp, text, value):
    q = only(nlp, text)
    assert (q.value, q.dimension) == (value, "magnitude")


@pytest.mark.parametrize("text", [
    "Two quakes hit the valley on Monday.",  # a whole number of quakes is a count
    "The firm fielded a company-5 team.",  # a hyphen after another word
    "A 4.7 quake is rare in this valley.",  # a kind of quake, said of no quake
])
def test_counts_of_quakes_and_other_hyphens_are_no_magnitude(nlp, text):
    assert all(q.dimension != "magnitude" for q in figures(nlp, text))


def test_an_adverb_of_another_event_on_the_verb_holds_the_magnitude(nlp):
    assert only(nlp, "Earlier on Monday a 5.8 quake hit the valley.").holder == "earlier"
    assert only(nlp, "On Monday a 5.8 quake hit the valley.").holder is None


def test_the_second_of_two_magnitudes_joined_by_and_is_another_quake(nlp):
    found = figures(nlp, "Aid came after two quakes, measuring 7.6 and 7.4, struck the coast.")
    assert [q.holder for q in found if q.dimension == "magnitude"] == [None, "second"]


def test_two_magnitudes_of_two_outlets_keep_no_holder(nlp):
    found = figures(nlp, "A quake measuring 7.6 struck the coast, and aftershocks followed.")
    assert [q.holder for q in found if q.dimension == "magnitude"] == [None]


def test_a_nationality_holder_needs_no_list_of_nationalities(nlp):
    assert only(nlp, "Officials said 40 Ruritanian soldiers were captured.").holder in (None, "ruritanian")


# --- flags that keep a figure out of comparisons --------------------------------------------


@pytest.mark.parametrize(("text", "flag"), [
    ("The Red Sox offered $US1 million ($1.52 million) to him.", "conversion"),
    ("The epicentre was 25 km (15 miles) from the town.", "conversion"),
    ("The bank cut its rate to 3.25 per cent from 3.75 per cent.", "previous"),
    ("Three of the port's five terminals were closed.", "part"),
    ("The three bank workers, a man and two women, died in the fire.", "part"),
    ("The North may have sent another 3,000 soldiers.", "increment"),
    ("If there was just one cable down, traffic could be rerouted.", "hypothetical"),
    ("So far this year 42 ships were hijacked.", "cumulative"),
    ("The economy will grow by 1.5 per cent.", "forecast"),
    ("He hit 33 homers last season.", "other_event"),
    ("The death toll rose to 57 on Thursday.", "update"),
    ("Almost all of the 2.5 million people eligible voted.", "whole"),
    ("The merged firm will be worth $38 billion a year.", "per_period"),
    ("Kiir accused Sudan of bombing Guffa in recent days, killing at least seven people.", "other_event"),
    ("The offer dwarfs the $90 million deal that he signed last summer.", "other_event"),
    ("One shell hit the school; two other shells struck the market.", "part"),
    ("At one point as many as 300 flights were grounded at the hub.", "peak"),
    ("Forty percent of the grid was offline on Monday, and the company has now restored power.", "earlier"),
    ("Nine hikers were missing on Sunday, but the number has since fallen, rangers said.", "earlier"),
    ("The deal is expected to be worth about $80 million.", "expected"),
])
def test_flags_fire(nlp, text, flag):
    assert any(flag in q.flags for q in figures(nlp, text))


@pytest.mark.parametrize(("text", "flag"), [
    ("The Red Sox offered $1 million to him.", "conversion"),
    ("The bank cut its rate to 3.25 per cent.", "previous"),
    ("Three terminals were closed.", "part"),
    ("Seven AK-47s, three rifles and 13 magazines were found.", "part"),
    ("The North has sent 3,000 soldiers.", "increment"),
    ("Three cables were cut on Friday.", "hypothetical"),
    ("42 ships were hijacked on Friday.", "cumulative"),
    ("The economy grew by 1.5 per cent.", "forecast"),
    ("He hit 33 homers on Sunday.", "other_event"),
    ("The bombers dropped four bombs.", "update"),
    ("Reports put the offer as high as $184 million.", "peak"),
    ("More than 300 people marched through the city.", "increment"),
    ("The club signed a $90 million deal that he accepted on Sunday.", "other_event"),
    ("Some 2.5 million people voted on Sunday.", "whole"),
    ("The firm paid $38 billion for a rival.", "per_period"),
    ("Five shells were fired at the port; four shells were fired at the market.", "part"),  # one verb
    ("Nine hikers were missing at one campsite.", "peak"),
    ("Nine hikers were missing on Sunday, rangers said, and the park warden has since resigned.", "earlier"),
    ("Nine hikers were missing on Sunday, and the search widened.", "earlier"),
    ("Forty percent of the grid is offline now.", "earlier"),
    ("The offer will be worth $80 million.", "expected"),
    ("Fans hope the offer reaches $80 million.", "expected"),
    ("Forty percent of the grid was offline.", "part"),  # the share measured, not a part of a figure
])
def test_flags_stay_quiet(nlp, text, flag):
    assert not any(flag in q.flags for q in figures(nlp, text))


@pytest.mark.parametrize(("first", "second"), [
    ("Turnout was 61 percent as of 3 p.m., officials said.", "Turnout was 74 percent."),
    ("Up to midday Monday, the toll stood at two people, officials said.", "The quake killed five people."),
    ("The club upgraded its offer to between $80 million and $90 million.", "The club made a $70 million offer."),
])
def test_a_figure_with_its_own_reference_time_or_a_verb_of_change_is_an_update(nlp, first, second):
    conflicts, histories = compare_both(nlp, first, second)
    assert conflicts == [] and len(histories) == 1 and len(histories[0].points) == 2


def test_an_expected_range_then_a_reported_value_is_an_update(nlp):
    conflicts, histories = compare_both(
        nlp, "The club's offer was expected to be in the range of $60 million to $70 million.",
        "The club offered the striker a deal worth $85 million.")
    assert conflicts == [] and [p.value for p in histories[0].points] == [60e6, 85e6]


def test_an_expectation_is_still_compared_with_what_another_source_says_will_be(nlp):
    found = compare_texts(nlp, "The central bank now expects the economy to grow by 0.9 per cent this year.",
                          "The minister said the economy would grow by 1.7 per cent this year.")
    assert len(found) == 1 and "[forecast]" in found[0].measure


@pytest.mark.parametrize(("first", "second"), [
    ("The new phone will start at $899.", "The phone starts at $699."),  # what will be is no expectation
    ("Fans hope the club's offer will reach $120 million.", "The club offered the striker a deal worth $85 million."),
])
def test_what_will_be_or_is_hoped_for_is_no_update(nlp, first, second):
    assert compare_both(nlp, first, second) == ([], [])


@pytest.mark.parametrize(("text", "value", "high", "measure"), [
    ("The bid was in the range of $2 billion to $3 billion.", 2e9, 3e9, "bid"),
    ("The club's offer was expected to be in the range of $60 million to $70 million.", 60e6, 70e6, "offer"),
])
def test_a_range_opened_by_its_word_is_one_figure_of_what_the_copula_is_said_of(nlp, text, value, high, measure):
    q = only(nlp, text)
    assert (q.value, q.high, q.hedge, q.measure) == (value, high, "range", measure)


def _parsed(words, heads, deps, tags):
    from spacy.tokens import Doc
    from spacy.vocab import Vocab
    pos = {"VBD": "VERB", "VBG": "VERB", "NN": "NOUN", "NNP": "PROPN", "DT": "DET"}
    return Doc(Vocab(), words=words, heads=heads, deps=deps, tags=tags, pos=[pos[t] for t in tags])


def test_a_clause_parsed_apart_from_the_object_before_it_takes_that_object_as_subject():
    from storylens.nlp.figure_holders import _subject_of
    # "Lee reported the city team offered ...": the parser made "team" the object of "reported"
    doc = _parsed(["Lee", "reported", "the", "city", "team", "offered"], [1, 1, 4, 4, 1, 1],
                  ["nsubj", "ROOT", "det", "compound", "dobj", "ccomp"], ["NNP", "VBD", "DT", "NN", "NN", "VBD"])
    assert _subject_of(doc[5]).text == "team"


def test_a_clause_apart_from_the_object_or_not_finite_keeps_the_subject_above():
    from storylens.nlp.figure_holders import _subject_of
    # "Lee reported the team on Monday offered": the object does not end where the clause begins
    doc = _parsed(["Lee", "reported", "the", "team", "Monday", "offered"], [1, 1, 3, 1, 1, 1],
                  ["nsubj", "ROOT", "det", "dobj", "npadvmod", "ccomp"], ["NNP", "VBD", "DT", "NN", "NNP", "VBD"])
    assert _subject_of(doc[5]).text == "Lee"
    doc = _parsed(["Lee", "reported", "the", "team", "offering"], [1, 1, 3, 1, 1],
                  ["nsubj", "ROOT", "det", "dobj", "ccomp"], ["NNP", "VBD", "DT", "NN", "VBG"])
    assert _subject_of(doc[4]).text == "Lee"


def test_a_change_from_one_value_to_another_is_no_range(nlp):
    assert [q.high for q in figures(nlp, "The toll rose from 12 to 18.")] == [None, None]


def test_a_figure_its_sentence_says_was_overtaken_comes_first_in_its_history(nlp):
    conflicts, histories = compare_both(
        nlp, "Some 25 percent of the grid is offline.",
        "Forty percent of the grid was offline on Monday morning, though the situation has since improved.")
    assert conflicts == [] and [p.value for p in histories[0].points] == [40, 25]


@pytest.mark.parametrize(("text", "flag"), [
    ("Some 2.1 million people cast their ballots as of 4 p.m. local time.", "as_of"),
    ("Until noon on Sunday, 12 people were confirmed dead.", "as_of"),
    ("The death toll reached 57 on Thursday.", "update"),
])
def test_reference_times_and_running_counts_are_flagged(nlp, text, flag):
    assert all(flag in q.flags for q in figures(nlp, text))


@pytest.mark.parametrize(("text", "flag"), [
    ("Tremors shook the coast until Monday, mainly Manokwari, which is home to 170,000 people.", "as_of"),
    ("Prices rose by up to 80 percent.", "as_of"),
    ("Officials said turnout reached 84 percent.", "update"),
])
def test_reference_times_and_running_counts_stay_quiet(nlp, text, flag):
    assert not any(flag in q.flags for q in figures(nlp, text))


@pytest.mark.parametrize(("text", "measure", "holder"), [
    ("Some 71 percent of eligible voters cast ballots.", "turnout", None),
    ("Sixty percent of traffic to Chile was down.", "down", "chile"),
    ("Some 45 percent of phone lines to Peru were out of service.", "out of service", "peru"),
    ("Shares of the shipping firm were down 4 percent on Monday.", None, None),  # how far they fell
    ("About 30 percent of the votes were down to postal ballots.", None, None),
    ("Up to 70 per cent of web services in Egypt, and 60 per cent in India, were disrupted.", "disrupt", "egypt"),
])
def test_a_percentage_is_read_by_its_base_and_place(nlp, text, measure, holder):
    q = figures(nlp, text)[0]
    assert (q.measure, q.holder) == (measure, holder)


@pytest.mark.parametrize(("text", "measure"), [
    ("There are about 12,000 soldiers in the region.", "be"),  # how many there are
    ("The company said 190 miners had been underground at the time.", "be"),  # where they were
    ("The two men were to appear in court on Monday.", None),  # a copula describing them
    ("His 20 points were an afterthought on the night.", None),
])
def test_a_copula_counts_only_what_there_is(nlp, text, measure):
    assert only(nlp, text).measure == measure


def test_a_version_after_a_name_is_no_age(nlp):
    assert not any(q.dimension == "age" for q in figures(nlp, "Users should move from Firefox 2 to Firefox 3.05."))


def test_an_age_of_several_people_has_no_holder(nlp):
    assert all(q.holder is None for q in figures(nlp, "Twelve- and 15-year-old girls cannot consent.")
               if q.dimension == "age")
    assert only(nlp, "A 15-year-old girl was taken to hospital.").holder == "girl"


def test_an_age_without_a_person_has_no_holder(nlp):
    assert only(nlp, "Doctors screen patients under age 40 every year.").holder is None


def test_a_noun_behind_its_own_determiner_is_not_what_a_number_counts(nlp):
    q = only(nlp, "Witnesses said there were more than 40,000 -- easily the biggest protest since the election.")
    assert (q.counted, q.measure, q.hedge) == (None, "protest", "more_than")
    assert only(nlp, "More than 40,000 protesters joined the rally.").counted == "protester"


def test_a_participle_after_a_bare_number_is_its_predicate(nlp):
    found = figures(nlp, "Officers said 14 people had been injured in the unrest and 9 arrested for looting.")
    assert [(q.value, q.measure) for q in found] == [(14, "injure"), (9, "arrest")]


def test_a_count_of_none_is_read_but_no_report_of_any_is_not(nlp):
    assert [q.value for q in figures(nlp, "No one was hurt when the roof fell in.")] == [0]
    assert figures(nlp, "Officials said no damage or injuries had been reported after the tremor.") == []


@pytest.mark.parametrize(("text", "floor"), [
    ("The storm swept the coast, injuring dozens.", 24),
    ("Hundreds of people were evacuated from the valley.", 200),
])
def test_a_vague_plural_is_a_vague_floor(nlp, text, floor):
    (q,) = [q for q in figures(nlp, text) if "vague" in q.flags]
    assert (q.value, q.hedge) == (floor, "at_least")


def test_a_scale_word_of_a_number_is_no_vague_count(nlp):
    assert not any("vague" in q.flags for q in figures(nlp, "Two hundred people were evacuated."))


def test_a_range_is_one_figure(nlp):
    (q,) = [q for q in figures(nlp, "Offers ranged between $165 million and $180 million.") if q.dimension == "money"]
    assert (q.value, q.high, q.hedge) == (165e6, 180e6, "range")


def test_qualifiers_are_read_as_written(nlp):
    hedges = [q.hedge for q in figures(nlp, "Nearly 300 crew were held, more than 14 ships were seized and "
                                            "as many as 20,000 people marched.")]
    assert hedges == ["nearly", "more_than", "up_to"]


def test_a_year_in_the_clause_is_its_time(nlp):
    q = only(nlp, "The 2004 tsunami killed 230,000 people.")
    assert q.time == "2004"


@pytest.mark.parametrize(("text", "time"), [
    ("In 2004, a huge earthquake triggered a tsunami that killed 230,000 people.", "2004"),
    ("That temblor killed at least six people and caused heavy damage in September.", "month:september"),
])
def test_the_time_of_the_clause_a_figure_depends_on_is_its_time(nlp, text, time):
    assert figures(nlp, text)[0].time == time


def test_a_figure_in_an_undated_clause_has_no_time(nlp):
    assert only(nlp, "The quake triggered a tsunami that killed 230,000 people.").time is None


def test_as_high_as_is_an_upper_bound(nlp):
    assert only(nlp, "Reports put the offer as high as $184 million.").hedge == "up_to"


# --- end to end: two outlets, read and compared ---------------------------------------------


@pytest.mark.parametrize(("first", "second"), [
    ("At least 12 people were killed in the attack.", "Five people were killed in the attack."),
    ("Police said as many as 20,000 people marched.", "Some 100,000 people marched, organisers said."),
    ("The quake had a magnitude of 7.6, the USGS said.", "The quake had a magnitude of 7.7, officials said."),
    ("Five people were injured, the governor said.", "The quake injured two people, ISNA reported."),
    ("The storm flattened the pier. The mayor said the storm injured 9 people.", "The storm injured 30 people."),
    ("A 6.2 magnitude quake struck, injuring nine people.", "A 6.2 magnitude quake injured four people."),
    ("Officers said 14 people had been hurt and 9 arrested.", "Police said 40 people were arrested."),
    ("Some 71 percent of eligible voters cast ballots, officials said.", "Turnout was 80 percent."),
    ("Officials said turnout reached 84 percent.", "Turnout was 70 percent, monitors said."),
    ("Up to 80 percent of phone services in Chile were cut.", "Up to 60 percent of phone services in Chile were cut."),
    ("Three undersea cables were damaged.", "Four submarine cables were damaged."),
    ("One shell landed inside the market, officials said.", "Two of the shells landed inside the market."),
    ("Ortiz ran for 190 yards, including a 71-yard scamper in the third quarter.", "Ortiz broke a 75-yard run."),
    ("Four cables running across the sea were cut.", "Three cables were cut in the sea."),  # running is no measure
    ("Police put the protest at 8,000 people.",
     "But witnesses said there were more than 20,000 -- easily the biggest protest since the election."),
])
def test_sentences_that_disagree_make_a_conflict(nlp, first, second):
    assert len(compare_texts(nlp, first, second)) == 1


@pytest.mark.parametrize(("first", "second"), [
    ("Forty percent of the grid was offline, the utility said.", "Some 25 percent of the grid was offline."),
    ("About 45 percent of trains to Lyon were out of service.", "Some 20 percent of trains to Lyon were out of service."),
])
def test_shares_of_a_service_out_of_action_are_compared(nlp, first, second):
    assert len(compare_texts(nlp, first, second)) == 1


@pytest.mark.parametrize(("first", "second"), [
    ("Twelve people were killed in the attack.", "Forty people were injured in the attack."),
    ("Manokwari is a city of 160,000 people.", "Five people were killed in Manokwari."),
    ("The 2004 tsunami killed 230,000 people.", "The quake killed five people."),
    ("The Red Sox offered $US1 million ($1.52 million) to him.", "The Red Sox offered $US1 million to him."),
    ("So far this year 4,000 people have been arrested.", "Police arrested 120 people in the raid."),
    ("He hit 33 homers last season.", "He hit 13 homers on Sunday."),
    ("There are about 12,000 soldiers in the region.", "There are 11,800 soldiers in the region."),
    ("More than 2000 people marched in the city.", "About 2,100 people marched in the city."),
    ("Tokyo sent 500 Japanese troops.", "Washington sent 800 American troops."),
    ("Three of the five terminals were closed.", "Five terminals were closed."),
    ("If one cable was cut, traffic would flow.", "Three cables were cut."),
    ("The economy will grow by 1.5 per cent next year.", "The economy grew by 0.8 per cent."),
    ("A second quake of magnitude 7.4 hit later.", "The first quake had a magnitude of 7.6."),
    ("Sean Smith, 38, was arrested.", "Raj Chohan, 59, died at the scene."),
    ("The epicentre was 25 km from Aden.", "The epicentre was 15.5 miles from Aden."),
    ("A magnitude-5.1 tremor hurt four people the next day.", "The quake injured nine people."),
    ("The storm swept the coast, injuring dozens. The mayor said the storm injured 9 people at the school.",
     "The storm injured 30 people."),
    ("No injuries were reported after the aftershock.", "The quake injured nine people."),
    ("Officers said 14 people had been hurt and 9 arrested.", "Police said 14 people were hurt."),
    ("Up to 80 percent of phone services in Chile were cut.", "Up to 60 percent of phone services in Peru were cut."),
    ("Up to 80 percent of phone services were cut.", "About 60 percent of phone services were cut."),
    ("Turnout was 61 percent as of 3 p.m., officials said.", "Turnout was 74 percent."),
    ("The club upgraded its offer to $90 million.", "The club made a $70 million offer."),
    ("Two of the shells landed inside the market.", "Five shells were fired at the town."),
    ("The two men were to appear in court on Monday.", "Seven men were trapped in the mine."),
    ("One shell hit the school; two other shells struck the market.", "Seven shells hit the town."),
    ("Two of the five shells landed inside the market.", "One shell landed inside the market."),
    ("Ortiz ran for 190 yards, including a 71-yard scamper.", "Ortiz ran for 160 yards in the game."),
])
def test_sentences_about_different_measures_make_no_conflict(nlp, first, second):
    assert compare_texts(nlp, first, second) == []


@pytest.mark.slow
@pytest.mark.parametrize("text, value, holder, unheld", [
    # should fire: a named person who did what is counted holds the count; a pronoun leaves it unheld
    ("Maria Lopez added 16 points for the Harl Hawks, and Kevin Brown had 14.", 16, "maria lopez", False),
    ("Maria Lopez added 16 points for the Harl Hawks, and Kevin Brown had 14.", 14, "kevin brown", False),
    ("Jo Bexley led the Hawks, scoring 23 points.", 23, "jo bexley", False),
    ("She scored six goals in the final.", 6, None, True),
    # should not fire: counts of what was done to people, and subjects that are not people
    ("The gunman killed 10 people at the Harl depot.", 10, None, False),
    ("Police arrested 23 people in Harl on Friday.", 23, None, False),
    ("The council approved 40 grants on Monday.", 40, None, False),
])
def test_a_person_who_did_what_is_counted_holds_the_count(nlp, text, value, holder, unheld) -> None:
    figure = next(q for q in figures(nlp, text) if q.value == value)
    assert figure.holder == holder
    assert ("unresolved_agent" in figure.flags) is unheld



# --- held-out failure classes: what a count under a verb of having, a statistic or a described group measures ---


def measured(nlp, text, value):
    figure = next(q for q in figures(nlp, text) if q.value == value)
    return figure, measure_of(figure, RULES)


@pytest.mark.parametrize(("text", "value", "klass"), [
    # should fire: a counted noun of a class named by nouns, a count that names what it counts
    ("Twelve deaths were reported in the town.", 12, "KILL"),
    ("Two ferries were cancelled on Friday.", 2, "CANCEL"),
    ("The town had 12 deaths after the storm.", 12, "KILL"),
])
def test_counted_nouns_of_noun_classes_name_their_measure(nlp, text, value, klass):
    assert measured(nlp, text, value)[1].klass == klass


@pytest.mark.parametrize(("text", "value"), [
    # should not fire: a noun of a verb's class ("fights", "saves"), a verb of having or involving
    ("The boxer is best known for his three fights with Cole.", 3),
    ("The keeper made 30 saves in the final.", 30),
    ("The Hawks had two chances to level the score.", 2),
    ("Marta had nine rebounds for the Hawks.", 9),
    ("The charge against the pastor involves 20 people.", 20),
    # a group the sentence describes, counted before ("the three men who were killed were students")
    ("The three men who were killed were students from the valley.", 3),
])
def test_verbs_of_having_and_nouns_of_verb_classes_measure_nothing(nlp, text, value):
    assert measured(nlp, text, value)[1] is None


@pytest.mark.parametrize(("text", "value", "flag", "fires"), [
    ("The Hawks won 18 of their last 23 games.", 23, "whole", True),
    ("Cole completed 28 of 41 passes for 300 yards.", 41, "whole", True),
    ("The Hawks won 23 games.", 23, "whole", False),
    ("The club won 40 games and took the champions to six games last season.", 40, "other_event", True),
    ("Rebels killed 12 people and burned 40 homes on Friday.", 40, "other_event", False),
])
def test_the_group_of_a_numbered_portion_and_a_coordinated_period(nlp, text, value, flag, fires):
    assert (flag in measured(nlp, text, value)[0].flags) is fires


def test_several_dozen_is_no_figure(nlp):
    assert [q.value for q in figures(nlp, "Several dozen people were hurt in the crush.")] == []
    assert [q.value for q in figures(nlp, "About a dozen ships are still held.")] == [12]


@pytest.mark.parametrize(("text", "value", "holder"), [
    # should fire: the person a relative pronoun or a charge stands for; a part of the event's time;
    # the place of a strike told as one of several
    ("Jo Garrow, who completed 28 passes, ran for two yards.", 28, "jo garrow"),
    ("Wes Blake is charged with marrying 20 women.", 20, "wes blake"),
    ("Lopez scored 14 points in the second half.", 14, "lopez in second half"),
    ("Shelling of houses in the refugee camp left at least five dead.", 5, "in refugee camp"),
    ("Twelve people were killed in an air strike on their house.", 12, "on house"),
    # should not fire: the story's own event named with its definite article
    ("The quake in the province killed five people.", 5, None),
])
def test_holders_of_statistics_and_strikes(nlp, text, value, holder):
    assert measured(nlp, text, value)[0].holder == holder


@pytest.mark.parametrize(("first", "second", "conflicts"), [
    # should not conflict: a part of the game, a run of points, two players, one of several strikes
    ("During the deciding run, Lopez grabbed three rebounds and blocked two shots.",
     "Lopez grabbed 11 rebounds and blocked six shots.", 0),
    ("Lopez scored four straight points early on.", "Lopez scored 14 points in the game.", 0),
    ("Jo Garrow, who completed 28 passes, ran for two yards.", "Ty Manners completed 17 passes.", 0),
    ("Wes Blake is charged with marrying 20 women, while Al Orr is accused of marrying two women.",
     "Al Orr is accused of marrying two women.", 0),
    ("Shelling of houses in the refugee camp left at least five dead.", "The strike on the school killed 40 people.", 0),
    ("The Hawks had two chances to level.", "The Hawks had one last chance to win.", 0),
    # should conflict: one player's count of one game, two tolls of the story's event
    ("Lopez blocked two shots in the game.", "Lopez blocked six shots.", 1),
    ("The quake in the province killed five people.", "The quake killed 12 people.", 1),
])
def test_statistics_and_strikes_conflict_only_when_one_measure(nlp, first, second, conflicts):
    assert len(compare_texts(nlp, first, second)) == conflicts


@pytest.mark.parametrize(("text", "value", "flag", "fires"), [
    # should fire: events a plural demonstrative points back to; a raised offer "as high as"
    ("The minister said nine people were killed in those raids.", 9, "anaphoric", True),
    ("The club bumped its offer as high as $95 million.", 95e6, "update", True),
    # should not fire: the events named with their article; an offer stated once
    ("Nine people were killed in the raids.", 9, "anaphoric", False),
    ("The club offered as much as $95 million.", 95e6, "update", False),
])
def test_pointed_back_events_and_raised_offers(nlp, text, value, flag, fires):
    assert (flag in measured(nlp, text, value)[0].flags) is fires


@pytest.mark.parametrize(("text", "value"), [
    ("Hawks Raise Offer to Cole as High as $95M", 95e6),
    ("The firm paid $2.5M for the plant.", 2.5e6),
])
def test_a_capital_scale_after_a_currency_is_read(nlp, text, value):
    assert value in [q.value for q in figures(nlp, text)]


def test_a_capital_m_without_a_currency_is_no_money(nlp):
    assert all(q.dimension != "money" for q in figures(nlp, "The 10M boat was seen."))


def test_the_owner_of_an_offer_is_its_possessor(nlp):
    assert measured(nlp, "The Hawks' offer was raised to $95 million.", 95e6)[0].holder == "hawks"


@pytest.mark.parametrize(("first", "second", "conflicts"), [
    # should conflict: one of several quakes when the story names one other quake
    ("One of the quakes, a 6.3-magnitude tremor, was felt on the coast.", "A second quake measuring 6.6 hit later.", 1),
    # should not conflict: one of several against the main quake
    ("One of the quakes, a 6.3-magnitude tremor, was felt on the coast.", "The quake had a magnitude of 6.6.", 0),
])
def test_one_of_several_quakes_is_the_other_quake_named(nlp, first, second, conflicts):
    assert len(compare_texts(nlp, first, second)) == conflicts


@pytest.mark.parametrize(("first", "second", "conflicts"), [
    # should not conflict: the first outlet gives 5.8 to an earlier quake, so the other's 5.8 is that quake
    ("A magnitude-5.4 tremor shook the valley, officials said. Earlier on Monday a 5.8 quake hit the valley.",
     "A 5.8 magnitude quake hit the valley.", 0),
    # should conflict: without the earlier quake, two magnitudes of one quake
    ("A magnitude-5.4 tremor shook the valley, officials said.", "A 5.8 magnitude quake hit the valley.", 1),
])
def test_a_value_an_outlet_gives_to_another_event_is_not_set_against_its_own(nlp, first, second, conflicts):
    assert len(compare_texts(nlp, first, second)) == conflicts


@pytest.mark.parametrize(("first", "second", "conflicts"), [
    # should not conflict: a person told apart by an age the other holder lacks
    ("A 36-year-old man died on Friday after falling 150 metres from a ridge.", "The man fell about 600 metres.", 0),
    # should conflict: one person named more fully
    ("Rob Tarrant fell 600 metres from the ridge.", "Tarrant fell 150 metres from the ridge.", 1),
])
def test_a_holder_told_apart_by_an_age_is_not_merged(nlp, first, second, conflicts):
    assert len(compare_texts(nlp, first, second)) == conflicts


@pytest.mark.parametrize(("text", "value", "flag", "fires"), [
    # should fire: a total over several events; a breakdown restating the same things
    ("In their five patrols, the crew have seized 31 magazines.", 31, "cumulative", True),
    ("The three workers, a man and two women, died in the fire.", 2, "part", True),
    # should not fire: one event, or days of the story's own event; a list of different things
    ("In the raid, police seized 12 rifles.", 12, "cumulative", False),
    ("Twelve people were killed over two days.", 12, "cumulative", False),
    ("Seven pistols, three other rifles and 13 magazines were found on the boat.", 3, "part", False),
])
def test_totals_over_several_events_and_lists_that_are_no_breakdown(nlp, text, value, flag, fires):
    assert (flag in measured(nlp, text, value)[0].flags) is fires
