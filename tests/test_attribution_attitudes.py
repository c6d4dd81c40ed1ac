"""Attitudes reported of someone (belief, intent, support, opposition), what someone held back ("did not
reveal"), headlines that quote a name, transcript labels with a title, and documents in relative or
participle clauses: each a report of its own class, never a sentence's speaker unless said so below."""

from __future__ import annotations

import pytest

from storylens.errors import SettingsError
from storylens.nlp.lexicon import parse_lexicon
from storylens.read import load_lexicon, read_doc
from storylens.records import Article


def read(nlp, text: str):
    article = Article("a1", "test", "test", None, "2025-03-02", "en", "ok", None, text)
    return read_doc(article, nlp(text), load_lexicon())


def reports(nlp, text: str) -> list[tuple[str, str, str | None]]:
    """(speaker, verb, class) of every report of the text's last sentence."""
    return [(r.speaker, r.verb, r.kind) for r in read(nlp, text).mentions[-1].reports]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Edda Kern feels that the ferry plan will fail.", ("Edda Kern", "feel", "belief")),
        ("Most harbour workers consider the new shifts unfair.", ("Most harbour workers", "consider", "belief")),
        ("Many residents see the quota as a threat to the village.", ("Many residents", "see", "belief")),
        ("The Velmora council plans to close the old pier in May.", ("Velmora council", "plan", "intent")),
        ("Ada Wilk wants to run the port authority herself.", ("Ada Wilk", "want", "intent")),
        ("The union would like to meet the owners before the vote.", ("union", "like", "intent")),
        ("Ines Palm is determined to finish the seawall this year.", ("Ines Palm", "determined", "intent")),
        ("Senator Karl Vos backs the harbour levy.", ("Karl Vos", "back", "support")),
        ("Karl Vos sided with the dock workers.", ("Karl Vos", "side with", "support")),
        ("Most residents oppose the new ferry timetable.", ("Most residents", "oppose", "opposition")),
        ("Critics objected to the new quota.", ("Critics", "object", "opposition")),
        ("Karl Vos does not support the harbour levy.", ("Karl Vos", "not support", "support")),
        # the part of a group; investors and markets hold views; a relative clause set off by a comma
        ("Many of her closest aides want to delay the vote.", ("Many of her closest aides", "want", "intent")),
        ("Investors see the ferry merger as a threat.", ("Investors", "see", "belief")),
        ("The mayor met the dock workers, who until recently regarded the quota as a fair deal.",
         ("dock workers", "regard", "belief")),
    ],
)
def test_an_attitude_of_a_person_or_group_is_a_report_of_its_class(nlp, text, expected) -> None:
    assert expected in reports(nlp, text)
    mention = read(nlp, text).mentions[-1]
    assert (mention.speaker, mention.verb) == (None, None)  # an attitude is never the sentence's speaker


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Engineers fitted support beams under the old pier.",  # a noun
        "The town has plans for the bridge over the river.",  # a noun, no holder
        "The bridge is supported by six steel piers.",  # passive
        "The tide data support the view that the pier is sinking.",  # a thing is no holder
        "Karl Vos may support the harbour levy next year.",  # not held now
        "If the fishermen want to change the quota, they must petition.",  # a condition
        "Karl Vos backed down after the vote.",  # another verb
        "She saw the harbour master there in 1999.",  # seeing, not a view
        "Fishermen who regard the quota as fair are few.",  # a restrictive clause: said of the noun
        "She studied at the college in Velm, who wanted to expand.",  # "who" after a place or institution
        "Some of the money wants to go abroad.",  # a part of a thing is no holder
        "We saw prices rise all through the winter.",  # seeing, not a view
        "The skipper knew the harbour master for decades.",  # knowing someone
        "Karl Vos refused to support the harbour levy.",  # under another verb
        "The dock workers who oppose the levy marched on Friday.",  # said of the noun
        "The man believed to have set the fire was arrested.",  # no one believes here
    ],
)
def test_words_of_attitude_in_other_uses_report_nothing(nlp, text) -> None:
    assert not any(kind in ("belief", "intent", "support", "opposition") for _, _, kind in reports(nlp, text))


@pytest.mark.slow
def test_an_attitude_inside_what_someone_said_is_part_of_it(nlp) -> None:
    # "she planned" is what Ada Wilk said, not another report
    assert reports(nlp, "Ada Wilk said she planned to visit the port in June.") == [("Ada Wilk", "say", "speech")]


@pytest.mark.slow
def test_an_attitude_does_not_change_the_frames_of_its_sentence(nlp) -> None:
    """The sentence stays the outlet's own, with the frames it had before the attitude was read."""
    mention = read(nlp, "The Velmora council plans to close the old pier in May.").mentions[-1]
    assert mention.speaker is None
    assert all(frame.speaker is None and frame.role != "denial" for frame in mention.frames)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Senator Ina Vos did not reveal the name of the buyer.", ("Ina Vos", "not reveal", "refusal")),
        ("The harbour board has not announced whether the pier will reopen.",
         ("harbour board", "not announce", "refusal")),
    ],
)
def test_what_someone_held_back_is_a_refusal(nlp, text, expected) -> None:
    assert reports(nlp, text) == [expected]
    assert read(nlp, text).mentions[-1].speaker is None


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Ina Vos did not apologize for the delay.",  # nothing held back
        "The town did not add any jobs in May.",  # another sense
        "If the board does not announce a date, the union will strike.",  # a condition
    ],
)
def test_other_negated_verbs_hold_nothing_back(nlp, text) -> None:
    assert not any(kind == "refusal" for _, _, kind in reports(nlp, text))


@pytest.mark.slow
def test_a_headline_name_on_a_topic_speaks_the_quotation_after_the_colon(nlp) -> None:
    text = "Port chief Maria Holt on the strike: 'We will not sign.'\n\nMaria Holt said the union was firm."
    first = read(nlp, text).mentions[0]
    assert (first.speaker, first.verb) == ("Maria Holt", "say")
    assert text[first.reports[0].cue_start:first.reports[0].cue_end] == ":"


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # no quotation after the colon: a topic
        "Port chief Maria Holt on the strike: a long night at the docks.\n\nMaria Holt said the union was firm.",
        # a name the article does not give
        "Velm Harbour on the strike: 'Closed today.'\n\nThe union said the talks had failed.",
    ],
)
def test_a_headline_name_on_a_topic_without_a_quotation_is_no_speaker(nlp, text) -> None:
    first = read(nlp, text).mentions[0]
    assert (first.speaker, first.reports) == (None, ())


_DONORS = "Senator Maria Holt met donors in Velm on Tuesday.\n\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    "label_line, expected",
    [
        # a title before the name the article gives
        ("“SECRETARY HOLT: Well, I do not feel particularly brave today.”", ("Maria Holt", "say")),
        # an honorific: a person, named as the label has it
        ("“MR. BRANDT: We really did appreciate your work over the years.”", ("Brandt", "say")),
    ],
)
def test_a_transcript_label_may_open_with_a_title(nlp, label_line, expected) -> None:
    text = _DONORS + label_line
    mention = next(m for m in read(nlp, text).mentions if m.start >= len(_DONORS) and m.reports)
    assert (mention.reports[0].speaker, mention.reports[0].verb) == expected


@pytest.mark.slow
def test_a_capital_label_with_a_title_alone_is_no_speaker(nlp) -> None:
    text = _DONORS + "SECRETARY: The minutes were read and approved by all."
    mentions = [m for m in read(nlp, text).mentions if m.start >= len(_DONORS)]
    assert all(m.reports == () for m in mentions)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("There were more polls showing the mayor ahead.", [("more polls", "show", "finding")]),
        ("The report follows harbour figures, which showed a drop in traffic.",
         [("harbour figures", "show", "finding")]),
        ("The ferry was cut after early data showed a fall in riders.", [("early data", "show", "finding")]),
        ("Court records show a transfer of $5 million.", [("Court records", "show", "finding")]),
    ],
)
def test_a_document_in_a_relative_or_participle_clause_shows_what_it_finds(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The woman showing the house was polite.",  # a person showing something
        "If a study finds a link, the council will act.",  # a condition
    ],
)
def test_a_participle_of_a_document_verb_without_a_document_shows_nothing(nlp, text) -> None:
    assert reports(nlp, text) == []


def test_the_attitudes_section_is_checked_when_loaded() -> None:
    lexicon = parse_lexicon({"attitudes": {"support": {"verbs": ["back"], "with": ["object"]},
                                            "view": {"class": "belief", "verbs": ["see"], "with": ["as"]}}})
    assert [(a.name, a.klass) for a in lexicon.attitudes] == [("support", "support"), ("view", "belief")]
    with pytest.raises(SettingsError):
        parse_lexicon({"attitudes": {"support": {"verbs": ["back"], "with": ["anything"]}}})
    with pytest.raises(SettingsError):
        parse_lexicon({"attitudes": {"support": {"verbs": ["back"]}}})


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # a participle with its own subject after "with" says something
        ("The mayor left the hall, with aides saying she was tired.", ("aides", "say", "speech")),
        # "according to" a document: the document as written, not the last organisation named
        ("The harbour board met on Monday. “Traffic was mostly steady,” according to the report.",
         ("report", "according to", None)),
        # a denial of what something is said to be
        ("Karl Brek denied the existence of a second contract.", ("Karl Brek", "deny", "speech")),
    ],
)
def test_more_shapes_of_saying(nlp, text, expected) -> None:
    assert expected in reports(nlp, text)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The walls came down, with workers removing the old beams.",  # a participle that says nothing
        "The court denied the motions filed by the defence.",  # not a claim denied
    ],
)
def test_shapes_like_saying_that_say_nothing(nlp, text) -> None:
    assert reports(nlp, text) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The revelations threaten to sink the harbour plan.",  # a thing threatens: likely, not said
        "The new rules promise to cut the queues at the ferry.",  # a thing promises: likely
        "Ada Wilk contributed reporting from Velm.",  # a byline
        "Karl Brek reported from Velm and Ada Wilk from Dunmore.",  # a byline
        "Since Monday, no one has responded to the council's questions.",  # nobody
        "Just 40 percent back the levy, compared to 55 percent in May.",  # a participle, no one compares
    ],
)
def test_a_reporting_verb_from_no_one_who_speaks_reports_nothing(nlp, text) -> None:
    found = reports(nlp, text)
    assert not any(verb in ("threaten", "promise", "report", "respond", "not respond", "compare to")
                   for _, verb, _ in found)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Senator Ina Vos threatened to sue the port authority.", ("Ina Vos", "threaten", "speech")),
        ("Ada Wilk reported that the pier was closed.", ("Ada Wilk", "report", "speech")),
        # a document speaks through a reporting verb as before (kind "document", see test_attribution_reports)
        ("The tax returns reveal large losses in 1995.", ("tax returns", "reveal", "speech")),
    ],
)
def test_the_same_verbs_from_someone_who_speaks_report(nlp, text, expected) -> None:
    assert expected in reports(nlp, text)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # criticism from a named person against a named person or something of theirs
        ("Campaigning in Velm, Ina Vos attacked Karl Brek's record on the harbour.", ("Ina Vos", "attack")),
        ("Ina Vos hammered Karl Brek over the ferry delays.", ("Ina Vos", "hammer")),
        # what was said is quoted inside the object
        ("The writer Ada Wilk described a culture of “shouting down anyone who disagreed.”", ("Ada Wilk", "describe")),
        # a place where someone spoke, not a time
        ("It began with a post where Karl Brek claimed to own the pier.", ("Karl Brek", "claim")),
        ("Karl Brek, a harbour pilot, echoed that point.", ("Karl Brek", "echo")),
    ],
)
def test_criticism_descriptions_and_echoes_report(nlp, text, expected) -> None:
    assert expected in [(speaker, verb) for speaker, verb, _ in reports(nlp, text)]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Troops attacked the town at dawn.",  # not a person against a person
        "The gunman attacked the guards at the gate.",  # no named person
        "Ina Vos hammered the nails into the old sign.",  # another sense
        "Karl Brek described the route to the pier.",  # nothing said
        "In May, when Karl Brek claimed the seat, the party split.",  # a time
    ],
)
def test_the_same_verbs_in_other_senses_report_nothing(nlp, text) -> None:
    assert not any(verb in ("attack", "hammer", "describe", "claim") for _, verb, _ in reports(nlp, text))


@pytest.mark.slow
def test_a_country_attacking_is_no_criticism(nlp) -> None:
    assert reports(nlp, "Russia attacked Ukraine's ports overnight.") == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # a gerund after "before"/"after" happened: said by the subject of the clause it hangs on
        ("Karl Brek told the council that the pier was unsafe, before noting that repairs had begun.",
         [("Karl Brek", "tell", "speech"), ("Karl Brek", "note", "speech")]),
        ("Investigators reviewed the records before confirming that he had done nothing wrong.",
         [("Investigators", "confirm", "speech")]),
        # "who" after a name the tagger did not type
        ("Bone, who asked the candidates a question about energy, became famous overnight.",
         [("Bone", "ask", "ask")]),
    ],
)
def test_gerunds_after_before_and_names_before_who_report(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The ferry left the harbour before sailing past the old pier.",  # no saying
        "He is a liar, bully and birther who has pledged to close the port.",  # not a name before "who"
    ],
)
def test_gerunds_and_relatives_that_name_no_speaker(nlp, text) -> None:
    assert not any(verb in ("sail", "pledge") for _, verb, _ in reports(nlp, text))


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("The harbour master later clarified that most ferries would run.", ("harbour master", "clarify")),
        ("The port authority presents itself as a neutral referee.", ("port authority", "present")),
        ("The pier will close in May, according to a spokesman for the port.", ("spokesman", "according to")),
        ("The pier will close in May, according to a March article in the Velm Courier.",
         ("March article in the Velm Courier", "according to")),
    ],
)
def test_clarifying_presenting_and_according_to_a_document_report(nlp, text, expected) -> None:
    assert expected in [(speaker, verb) for speaker, verb, _ in reports(nlp, text)]


@pytest.mark.slow
def test_presenting_a_thing_reports_nothing(nlp) -> None:
    assert reports(nlp, "The chef presented the cake to the guests.") == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # the lemmatiser gives "hop" for "hoped" and "hoping"
        ("Karl Brek had hoped that the ferry would run all winter.", [("Karl Brek", "hope", "belief")]),
        ("The rabbit hopped over the fence.", []),
    ],
)
def test_a_lemma_the_lemmatiser_confuses_is_corrected(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


def test_lemma_corrections_are_checked_when_loaded() -> None:
    assert parse_lexicon({"lemma_corrections": {"hop": "hope"}}).lemma_corrections == (("hop", "hope"),)
    with pytest.raises(SettingsError):
        parse_lexicon({"lemma_corrections": ["hop"]})


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # a participle after a comma takes the subject of its clause, not the name before the comma
        ("Ina Vos appeared on the radio and defended Karl Brek, saying he did not mean to offend anyone.",
         ("Ina Vos", "say")),
        ("The Velm Courier became the latest paper to endorse Ina Vos, saying she was the most able.",
         ("Velm Courier", "say")),
        # an inverted speaker the parser made the object
        ('"We have no easy answers," responded harbour chief Ines Dahl, adding that the port needed time.',
         ("Ines Dahl", "add")),
    ],
)
def test_a_participle_after_a_comma_is_said_by_its_clauses_subject(nlp, text, expected) -> None:
    found = [(speaker, verb) for speaker, verb, _ in reports(nlp, text)]
    assert expected in found
    assert not any(speaker in ("Karl Brek",) for speaker, _ in found)
