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
        # a cue in a relative clause with its own subject (and the support he gave, an attitude)
        ("Tomas Vell, the harbour master, backed a new seawall, which he said the port should pay for.",
         [("Tomas Vell", "back"), ("Tomas Vell", "say")]),
        # "who said": the people the clause is about
        ("Most of the farmers who said they had lost crops were paid within a month.", [("farmers", "say")]),
        # a named source next to a reporting verb is an attribution of its own
        ("The minister said the talks had failed, according to a transcript seen by the paper.",
         [("minister", "say"), ("transcript", "according to")]),
        # a participle on the people after "with" ("with analysts saying"), however the parser hangs it
        ("Ferry shares fell on Friday, with analysts saying the winter timetable was too thin.",
         [("analysts", "say")]),
        # a parenthetical cue inside a sentence whose main verb reports too is a report of its own
        ("Nora Vale ran the market stall for years. At the market and in the shops, she said, customers told "
         "her that prices were too high.", [("Nora Vale", "say"), ("customers", "tell")]),
        # a parenthetical cue inside the clause of someone who speaks leaves that clause a report too
        ("Nora Vale ran the stall for years. The mayor, she said, denied the claims.",
         [("Nora Vale", "say"), ("mayor", "deny")]),
        # a clause of time in the past tense tells what was said
        ("When the pilot said on the radio that the runway was flooded, the tower closed it.", [("pilot", "say")]),
        ("Once the ferry company announced that the route would close, the town began to look for buyers.",
         [("ferry company", "announce")]),
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
        # a clause of time to come: nobody has said it yet
        ("When the inspectors say the bridge is sound, the road will reopen.", []),
        ("Residents may not return before the fire brigade announces that the fire is out.", []),
        # a cue coordinated under the reported clause may belong to someone else: left out
        ("Alma Roos said the vote was rushed and accused the chair of hiding the costs.", [("Alma Roos", "say")]),
        # what a parenthetical cue interrupts is what it reports, when its subject is no one who speaks
        ("Nora Vale ran the stall for years. That culture, she said, rewards speed over care.",
         [("Nora Vale", "say")]),
        # a thing calls for nothing; people do ("some are demanding ...")
        ("The harbour master's handling of the storm demanded a full inquiry.", []),
        ("The storm on the coast calls for care.", []),
        ("The storm is over, but some are demanding a full inquiry.", [(None, "demand")]),
        # markup left in the text names no one
        ('<tweet id="795655" author="@velmnews">The mayor calls the pier unsafe.', []),
        # a banner is no one: "with a banner saying ..." reports nothing
        ("Crowds gathered on the quay, with a banner saying the pier must stay.", []),
        # "a voice that said" is nobody
        ("Ines Palm said the town had lost a voice that said what others would not.", [("Ines Palm", "say")]),
        # "declined to comment" is a refusal of its own (its speaker named), never a "comment"
        ("The ministry declined to comment on the figures.", [("ministry", "decline")]),
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


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # a reporting noun with its holder: a possessor or "by"
        ("Residents were angered by the mayor's claim that the flooding was unforeseeable.", [("mayor", "claim")]),
        ("Orla Finn's warning that the costs would double went unheeded.", [("Orla Finn", "warning")]),
        ("The claim by the port authority that the dredging was finished drew laughter.",
         [("port authority", "claim")]),
        # a noun that needs what it says has it
        ("Lars Brenner's call for an inquiry was backed by two councillors.", [("Lars Brenner", "call")]),
        # a verb that only delivers the noun gives its holder
        ("The agency issued a warning that the river would rise.", [("agency", "warning")]),
        # "take" delivers a swipe or a stance
        ("Senator Karl Vos also took several swipes at the harbour board.", [("Karl Vos", "swipe")]),
        ("Karl Vos has taken a firm stance against the harbour deal.", [("Karl Vos", "stance")]),
        # the verb that delivers the noun is part of the cue
        ("Coach Ada Wilk offered her assessment of the season after the final match.",
         [("Ada Wilk", "assessment")]),
        # a speech or a piece of advice that says something
        ("Nora Vik delivered an angry speech blaming the ferry company for the delays.", [("Nora Vik", "speech")]),
        ("Nora Vik offered some advice for young sailors: stay ashore in winter.", [("Nora Vik", "advice")]),
    ],
)
def test_reporting_nouns_with_a_holder_are_reports(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The statement was posted on the ferry company's website.",  # no holder
        "Lars Brenner's call lasted forty minutes.",  # a phone call says nothing
        "Nora Vik faces two charges in the county court.",  # charges without content
        "Nora Vik said in a statement that the ferry would run.",  # the verb is the cue, not the noun
        "Lars Brenner's post as harbour master ends in May.",  # a post held, not written
        "The gunman took a shot at the officers.",  # a shot fired
        "Lars Brenner's court case for fraud was dropped.",  # a case in court, not an argument
        "Nora Vik gave a speech in Velm on Monday.",  # a speech, but nothing of what it said
        "The mayor's message lasted an hour.",
    ],
)
def test_reporting_nouns_without_holder_or_content_are_not_reports(nlp, text) -> None:
    nouns = load_lexicon().reporting_nouns
    assert [r.verb for r in read(nlp, text).mentions[-1].reports if r.verb in nouns] == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Senator Mila Roth was critical of the new tariffs.", [("Mila Roth", "critical")]),
        ("The fishermen's union is confident that the quota will be raised.", [("fishermen's union", "confident")]),
        ("Several growers remain skeptical about the new irrigation plan.", [("Several growers", "skeptical")]),
    ],
)
def test_stance_adjectives_after_a_copula_are_reports(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The critical report was published on Monday.",  # not after a copula
        "Mila Roth was confident.",  # a stance about nothing said
        "It was certain that the bridge would close.",  # nobody holds it
        "The governor was not critical of the plan.",  # negated
    ],
)
def test_stance_adjectives_in_other_uses_are_not_reports(nlp, text) -> None:
    assert reports(nlp, text) == []


@pytest.mark.slow
def test_continue_reports_only_after_what_was_said(nlp) -> None:
    said = "Ines Palm said the port was busy. “We have never seen so many ships,” she continued."
    assert reports(nlp, said) == [("Ines Palm", "continue")]
    assert reports(nlp, "Ines Palm runs the port. Prices continued to rise in May.") == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Marlow: the harbour will reopen in June.\n\nDeputy mayor Anke Marlow said the repairs were done.",
         ("Anke Marlow", "say")),
        ("Velmora Transit: no trains on Sunday.\n\nVelmora Transit said the line would close for repairs.",
         ("Velmora Transit", "say")),
    ],
)
def test_a_headline_name_before_a_colon_is_the_speaker(nlp, text, expected) -> None:
    first = read(nlp, text).mentions[0]
    assert (first.speaker, first.verb) == expected
    assert text[first.reports[0].cue_start:first.reports[0].cue_end] == ":"


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Who had the better night?\nAda Brink, The Harbour Gazette: \"The plan is dead. Nobody will build it.\"",
         "Ada Brink"),
        ("Views from the quay.\nTomas Vell, author of a book on ports: “The council blinked first.”", "Tomas Vell"),
    ],
)
def test_a_round_up_line_of_a_name_and_a_quotation_is_said_by_that_person(nlp, text, expected) -> None:
    said = [m for m in read(nlp, text).mentions if m.reports]
    assert [(m.speaker, m.verb) for m in said] == [(expected, "say")]
    assert text[said[0].reports[0].cue_start:said[0].reports[0].cue_end] == ":"


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        'Velmora, May 3: "The ferry is late again."',  # a place and a date, no person
        "Ada Brink, harbour master: a profile of the woman who runs the port.",  # no quotation: a topic
        "Ada Brink, who runs the port: “We are full.”",  # a verb in the label: not a round-up line
        "The report quoted one sailor, Ada Brink: “We are full.”",  # the name does not open the line
    ],
)
def test_a_name_before_a_colon_without_a_quotation_or_at_no_line_start_is_no_round_up(nlp, text) -> None:
    assert [(m.speaker, m.reports) for m in read(nlp, text).mentions if m.speaker == "Ada Brink"] == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Update: the harbour will reopen in June.",  # a label
        "Velmora: floods close the harbour road.",  # a place
        "Monday: the harbour reopens.",  # a date
        # a person the article does not quote: the headline is about them
        "Anke Marlow: harbour master missing after the storm.\n\nPolice said Marlow was last seen on the pier.",
        "HARBOUR WATCH: ferries cancelled again.",  # a label in capitals
    ],
)
def test_a_label_place_or_date_before_a_colon_is_not_a_speaker(nlp, text) -> None:
    first = read(nlp, text).mentions[0]
    assert (first.speaker, first.reports) == (None, ())


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Edda Kern, a councillor, expressed concern about the closures.", ("Edda Kern", "express")),
        ("Edda Kern proposed a new ferry timetable for the winter.", ("Edda Kern", "propose")),
        ("Edda Kern pointed out that the ferry had been late all week.", ("Edda Kern", "point out")),
        ("Edda Kern assured residents that the water was safe.", ("Edda Kern", "assure")),
        ("Edda Kern lambasted the ferry operator over the delays.", ("Edda Kern", "lambast")),
        ("Edda Kern touched on the ferry delays in her speech.", ("Edda Kern", "touch on")),
        ("Edda Kern apologized for the remark.", ("Edda Kern", "apologize")),
        ("Edda Kern charged that the tender had been rigged.", ("Edda Kern", "charge")),
        ("Edda Kern hailed the new timetable as a victory.", ("Edda Kern", "hail")),
        # writing a statement, a tweet, a retweet; a question with what was asked
        ("Edda Kern wrote the memo to the ferry board in 2019.", ("Edda Kern", "write")),
        ("Edda Kern wrote a letter to the harbour board.", ("Edda Kern", "write")),
        ("Edda Kern tweeted #SaveTheFerry after the vote.", ("Edda Kern", "tweet")),
        ("Edda Kern later retweeted the rumour about the ferry.", ("Edda Kern", "retweet")),
        ("Edda Kern asked the harbour board if the ferry would run.", ("Edda Kern", "ask")),
        # someone who does something, or a plan, may call for something
        ("The insurer proposed a new contract for the ferry.", ("insurer", "propose")),
        ("The harbour plan calls for two new piers.", ("harbour plan", "call for")),
        # answering a claim or a question
        ("Edda Kern responded to the allegations on the radio.", ("Edda Kern", "respond")),
    ],
)
def test_broader_reporting_verbs(nlp, text, expected) -> None:
    assert reports(nlp, text) == [expected]


@pytest.mark.slow
@pytest.mark.parametrize("text", ["Edda Kern wrote the memo to the ferry board in 2019.",
                                  "Several columnists tweeted #SaveTheFerry after the vote."])
def test_a_message_sent_is_a_report_but_not_the_sentence_s_speaker(nlp, text) -> None:
    # the sentence states what the outlet reports (a memo was written): its claims stay the outlet's
    mention = read(nlp, text).mentions[-1]
    assert mention.speaker is None and [r.kind for r in mention.reports] == ["writing"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Edda Kern expressed the parcel to Oslo.",  # no speech noun as object
        "Edda Kern assured her place in the final.",  # nothing said
        "The ferry continued across the bay.",  # continued, nothing said before
        "Police charged Edda Kern with fraud.",  # a charge in court
        "The crowd charged into the square.",  # a rush
        "Edda Kern wrote a song about the ferry.",  # a song states nothing
        "The coastguard responded to the call within minutes.",  # a call for help answered by a boat
        "The ferry will run if the harbour board asks.",  # a condition, nothing asked
    ],
)
def test_broader_reporting_verbs_in_other_senses_are_not_reports(nlp, text) -> None:
    assert reports(nlp, text) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # a surname alone the tagger took for an organisation is the person the article named in full
        ("Gerald Marsh spoke in Ohio on Monday. Marsh has repeatedly hammered Ryan and the party.",
         [("Gerald Marsh", "hammer")]),
        ("Gina Ford toured the docks. Ford repeatedly knocked Vell over the ferry deal.", [("Gina Ford", "knock")]),
        # a company is no person criticising
        ("Ford Motor cut jobs. Ford repeatedly knocked Vell over the ferry deal.", []),
        # a person criticising an institution
        ("Ada Brink slammed the administration over the ferry.", [("Ada Brink", "slam")]),
        ("Ada Brink hammered the media on Monday for its polls.", [("Ada Brink", "hammer")]),
        ("Ada Brink attacked the ferry timetable on Monday.", []),  # a thing, not someone criticised
    ],
)
def test_criticism_from_a_person_named_by_surname(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
def test_a_fronted_possessor_is_the_subject_of_the_clause_it_opens(nlp) -> None:
    text = ("Coach Piet Ramos said the team had improved. "
            "In her assessment of the season, Ada Wilk gave the young players top marks.")
    assert reports(nlp, text) == [("Ada Wilk", "assessment")]


@pytest.mark.slow
def test_a_surname_tagged_as_an_organisation_is_still_the_person_in_focus(nlp) -> None:
    # The tagger reads the lone "Marsh" as an organisation; "he" is still Marsh, not the last speaker.
    text = ("Governor Tom Marsh said the tax was needed. Senator Karl Vos said the tax was unfair. "
            "Marsh has defended the tax for years. “It pays for schools,” he said.")
    assert reports(nlp, text) == [("Tom Marsh", "say")]


REPORT_FLOOR = 0.95


@pytest.mark.slow
def test_gold_reports_meet_precision_and_recall_floors(nlp, data_dir, settings) -> None:
    """Every attribution of the reading gold's sentences that list their reports, as (speaker, lemma)."""
    import json

    from bench.reading import gold_article
    from storylens.read import read_articles

    gold = json.loads((data_dir / "reading" / "gold.json").read_text(encoding="utf-8"))
    tp = fp = fn = 0
    misses = []
    for entry in gold["articles"]:
        if not any("reports" in s for s in entry["sentences"]):
            continue
        article, offsets = gold_article(entry)
        reading = next(read_articles([article], nlp, load_lexicon(), settings))
        for start, end, sentence in offsets:
            if "reports" not in sentence:
                continue
            want = {tuple(r) for r in sentence["reports"]}
            got = {(r.speaker, r.verb) for m in reading.mentions if start <= m.start < end for r in m.reports}
            tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
            if want != got:
                misses.append(f"{sentence['text'][:70]!r}: want {sorted(want)} got {sorted(got)}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"\nreports precision {precision:.3f} recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})")
    assert tp >= 60
    assert precision >= REPORT_FLOOR and recall >= REPORT_FLOOR, "\n".join(misses)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # hypothetical or future speech is not said; nor what someone wants said
        ("Ines Palm said she did not want people to think the port was closing.", [("Ines Palm", "say")]),
        ("Ines Palm said the inspectors could write that the quay was safe.", [("Ines Palm", "say")]),
        # "from" names where nothing said comes from
        ("There was no comment from the ferry company on the delays.", []),
        ("Police were still gathering statements from witnesses at the quay.", []),
        # a content-needing noun with a mere "of"
        ("Lars Brenner's charges of fraud against the board were dropped.", []),
        # "sure to" is a likelihood
        ("Lars Brenner was sure to win the vote in the harbour ward.", []),
        # a relative possessor, and a noun that "according to" already holds
        ("The case rested on a former clerk, whose testimony was decisive.", []),
        ("According to Brenner's testimony, the board met in secret.", [("Brenner's testimony", "according to")]),
        # accused, not accusing
        ("Ines Palm said the clerk accused of fraud had left the town.", [("Ines Palm", "say")]),
        # a denied delivery
        ("Analysts said the ferry company would not make any announcement.", [("Analysts", "say")]),
        # the infinitive goes on after "or": the refusal covers both
        ("The mayor declined to blame the ferry company or even publicly criticise its owners.", []),
        # a noun with a participle is not a clause ("banners proclaiming ...")
        ("Marchers carried banners proclaiming that the harbour belonged to everyone.", []),
        # a relative clause's verb with no content
        ("Protesters threw stones at the officers, who responded with tear gas.", []),
    ],
)
def test_other_shapes_that_report_nothing(nlp, text, expected) -> None:
    if "Brenner's testimony" in text:
        text = "Lars Brenner chaired the board. " + text
    assert reports(nlp, text) == expected


@pytest.mark.slow
def test_a_possessor_in_the_clause_of_a_named_subject_is_that_subject(nlp) -> None:
    text = "Piet Ramos spoke first. Ada Wilk is outspoken in her belief that the league should expand."
    assert reports(nlp, text) == [("Ada Wilk", "belief")]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ferry Union Urges Council To Fund Repairs.\n\nThe Ferry Union said the ferries were unsafe.",
         ("Ferry Union", "urge")),
        ("Karl Vos Slams Harbour Deal As 'Reckless'.\n\nSenator Karl Vos said the deal was rushed.",
         ("Karl Vos", "slam")),
    ],
)
def test_a_title_case_headline_verb_after_a_name_reports(nlp, text, expected) -> None:
    first = read(nlp, text).mentions[0]
    assert (first.speaker, first.verb) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Apple Posts Record Profit In Quarter.\n\nApple said sales rose.",  # another sense of "post"
        "Court Rejects Motion Over Trial Venue.\n\nThe court ruled on Friday.",  # and of "reject"
        "Harbour Town Celebrates Its Ferry.\n\nThe ferry is a hundred years old.",  # no reporting verb
    ],
)
def test_a_title_case_headline_without_a_reporting_verb_does_not_report(nlp, text) -> None:
    assert read(nlp, text).mentions[0].reports == ()


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # a past tense the tagger reads as a participle is still the sentence's cue
        ("Senator Ivo Brandt on Wednesday called on the harbour board to resign.", [("Ivo Brandt", "call on")]),
        # "not" inside the quotation does not negate the verb after it
        ("“Are we ready? Probably not,” Ada Wilk said.", [("Ada Wilk", "say")]),
        # a participle after "by" takes the subject of the verb it hangs from
        ("Lars Brenner went on the radio and began by saying he would never resign.", [("Lars Brenner", "say")]),
    ],
)
def test_cues_the_parser_hides(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # a comma further back does not make "called" a parenthetical
        "She toured the docks in Velm, Norland; she called into a radio show when she was ill.",
        # a reporting noun with nothing of what was said
        "Lars Brenner's remarks on Saturday carried a warmer tone.",
        # "who" after a thing is not a person speaking
        "Ada Wilk took calls from listeners to her radio show who said the ferry was late.",
    ],
)
def test_shapes_that_look_like_reports_but_name_no_speaker_of_content(nlp, text) -> None:
    found = reports(nlp, text)
    assert not any(verb in ("call", "remark") or speaker == "radio show" for speaker, verb in found)


def test_the_bundled_lexicon_follows_its_schema() -> None:
    import json

    import jsonschema
    import yaml

    from storylens.nlp.lexicon import CUE_NAMES, QUALIFIER_NAMES
    from storylens.read import BUNDLED_LEXICON

    schema = json.loads((BUNDLED_LEXICON.parent / "lexicon.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(BUNDLED_LEXICON.read_text(encoding="utf-8")), schema)
    # the schema knows every section and cue name the loader knows
    assert set(schema["properties"]["cues"]["properties"]) == set(CUE_NAMES)
    assert set(schema["properties"]["qualifiers"]["properties"]) == set(QUALIFIER_NAMES)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"reporting_nouns": "statement"}, schema)
    from storylens.nlp.lexicon import parse_lexicon

    for name, spec in schema["properties"].items():  # the loader takes every section the schema names
        parse_lexicon({name: {} if spec.get("type") == "object" else []})


@pytest.mark.slow
def test_a_title_in_a_second_clause_is_not_resolved_to_the_last_person_named(nlp) -> None:
    text = ("Ada Wilk said the ferry would run. "
            "Ines Palm said the port was open, but the minister warned that the quay was closed.")
    assert reports(nlp, text) == [("Ines Palm", "say"), ("minister", "warn")]


@pytest.mark.slow
def test_the_president_is_the_person_the_article_gave_that_title(nlp) -> None:
    text = ("President Ana Voss met the mayor of Velm. Senator Karl Brek said the talks had failed. "
            "The president said the talks went well.")
    assert reports(nlp, text) == [("Ana Voss", "say")]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("A new poll shows the governor ahead by six points.", [("new poll", "show")]),
        ("The survey of harbour workers found that most oppose the night shifts.",
         [("survey of harbour workers", "find")]),
        ("But the study also finds that rents rose faster in the northern districts.", [("study", "find")]),
        ("The numbers point to a close race in the county.", [("numbers", "point to")]),
        ("The findings underscore the pressure on the ferry company.", [("findings", "underscore")]),
        # some of the documents; a document set off after what it shows
        ("Several of the latest surveys show that the ferry is losing riders.", [("latest surveys", "show")]),
        ("Riders fell by a third, the latest figures show.", [("latest figures", "show")]),
        ("Ridership: down a third, records show.", [("records", "show")]),
    ],
)
def test_a_document_shows_what_it_finds(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected
    mention = read(nlp, text).mentions[-1]
    assert mention.speaker is None  # a report of the sentence, not its speaker: a poll is no one the article quotes
    assert all(r.kind == "finding" for r in mention.reports)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "She found the keys under the mat.",  # a person finding something
        "A number of farmers found the new rules confusing.",  # "a number of" people, not the numbers
        "The report was found in a drawer at the depot.",  # passive: the report is found
        "The poll did not show a clear leader.",  # negated
        "None of the polls show a clear leader.",  # none of them
        "The ferry lost riders, as the records show.",  # "as ...": nothing shown of its own
        "If a study finds a link, the council will act.",  # a condition
        "The map shows the border between the two valleys.",  # a map is not a source in the lexicon
        "A study would show whether the pier is safe.",  # not (yet) found
    ],
)
def test_a_document_verb_without_a_document_shows_nothing(nlp, text) -> None:
    assert reports(nlp, text) == []


def test_a_document_does_not_become_the_person_a_pronoun_points_to(nlp) -> None:
    text = ("Mayor Lena Ortiz spoke at the depot. A new survey found that most riders want later buses. "
            "She said the council would look at the timetable.")
    mentions = read(nlp, text).mentions
    assert [(r.speaker, r.verb) for r in mentions[1].reports] == [("new survey", "find")]
    assert mentions[2].speaker == "Lena Ortiz"


@pytest.mark.slow
def test_a_person_counted_by_a_number_is_no_organisation_its_stands_for(nlp) -> None:
    # "one analyst" is a person (a number is no name): "its" further on is the broadcaster, not the analyst
    text = ("The Coastal Broadcaster ran the debate on Sunday. One analyst said on air that the ban was wrong. "
            "Despite its claims of neutrality, the station cut her off.")
    mentions = read(nlp, text).mentions
    assert [(r.speaker, r.verb) for r in mentions[1].reports] == [("One analyst", "say")]
    assert [r.speaker for r in mentions[2].reports] != ["One analyst"]


_DEBATE = "Senator Maria Holt and Governor Dan Reeve met in Denver on Tuesday to debate taxes.\n\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    "label_line, expected",
    [
        ("HOLT: I will not raise taxes on working families.", ("Maria Holt", "say")),
        ("REEVE: My opponent has raised them twice already, and the voters know it.", ("Dan Reeve", "say")),
        ("MARIA HOLT: Those were emergency measures.", ("Maria Holt", "say")),
    ],
)
def test_a_transcript_label_names_a_person_of_the_article(nlp, label_line, expected) -> None:
    text = _DEBATE + label_line
    mention = next(m for m in read(nlp, text).mentions if m.start >= len(_DEBATE))
    assert (mention.speaker, mention.verb) == expected
    assert text[mention.reports[0].cue_start:mention.reports[0].cue_end] == ":"


@pytest.mark.slow
@pytest.mark.parametrize(
    "label_line",
    [
        "UPDATE: The debate ran an hour over time.",  # a label, no person of the article
        "DENVER: The hall was full well before the start.",  # a place
        "HOLT AIDE: Nothing more to add tonight.",  # not a name the article gives
        "HOLT: yes.",  # nothing said on its line
    ],
)
def test_a_capital_label_that_names_no_person_of_the_article_is_no_speaker(nlp, label_line) -> None:
    text = _DEBATE + label_line
    mentions = [m for m in read(nlp, text).mentions if m.start >= len(_DEBATE)]
    assert all((m.speaker, m.reports) == (None, ()) for m in mentions)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ines Dahl made the case for a new ferry pier.", [("Ines Dahl", "make the case")]),
        ("Ines Dahl made the case that the pier was too short.", [("Ines Dahl", "make the case")]),
        ("Several councillors made clear that they would vote against the levy.",
         [("Several councillors", "make clear")]),
        ("Ines Dahl made it clear that the pool would stay closed.", [("Ines Dahl", "make clear")]),
    ],
)
def test_a_verb_with_the_word_that_makes_it_speech(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The winery made a case of wine for the guests.",  # a case of something
        "Her absence made clear the scale of the problem.",  # nothing said
        "The rain made the roads slippery and it became clear that the race would be delayed.",
        "The jeweller made a case of silver for the ring.",  # a box of something
        "The pier made the case harder for the council to close.",  # no "for" after the object, no clause
    ],
)
def test_a_verb_with_a_look_alike_object_says_nothing(nlp, text) -> None:
    assert reports(nlp, text) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Solberg Under Fire: Warns Of Deep Cuts.\n\nHanna Solberg said on Monday that the ferry must stay.",
         ("Hanna Solberg", "warn")),
        ("Dock Union Digs In: Urges Port To Hire Pilots.\n\nThe Dock Union said ships were waiting.",
         ("Dock Union", "urge")),
    ],
)
def test_a_headline_verb_after_a_colon_is_said_by_the_name_that_opens_it(nlp, text, expected) -> None:
    first = read(nlp, text).mentions[0]
    assert (first.speaker, first.verb) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # the name before the colon is no one the article names
        "Harbour Watch: Warns Of Storm Damage.\n\nHanna Solberg said on Monday that the ferry must stay.",
        # a verb with another sense after the colon ("Adds Jobs")
        "Solberg Economy: Adds Jobs For A Third Month.\n\nHanna Solberg said the ferry must stay.",
    ],
)
def test_a_headline_verb_after_a_colon_needs_a_name_of_the_article(nlp, text) -> None:
    first = read(nlp, text).mentions[0]
    assert (first.speaker, first.reports) == (None, ())


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Karl Brek declined to comment on the talks.", [("Karl Brek", "decline")]),
        ("Karl Brek refused to say whether the pier would close.", [("Karl Brek", "refuse")]),
        ("The harbour board did not respond to a request for comment.", [("harbour board", "not respond")]),
        ("Karl Brek has not yet responded to the mayor's remarks.", [("Karl Brek", "not respond")]),
    ],
)
def test_refusing_to_speak_is_a_refusal_report(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected
    mention = read(nlp, text).mentions[-1]
    assert mention.speaker is None  # a report of the sentence; nothing is claimed
    assert [r.kind for r in mention.reports] == ["refusal"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The president declined to threaten the rebels.",  # refusing to act, not to speak
        "Prices refused to fall in the spring.",  # no one
        "If Karl Brek declines to comment, the paper will print the letter.",  # a condition
        "Karl Brek did not respond to the attack on the convoy.",  # not something said or asked
        "Karl Brek declined the offer of a lift.",  # no infinitive
    ],
)
def test_refusing_something_else_is_no_report(nlp, text) -> None:
    assert reports(nlp, text) == []


@pytest.mark.slow
def test_a_refusal_takes_only_its_own_subject(nlp) -> None:
    text = ("At a news conference, police offered almost no details about the arrests and Chief Rolf Amble "
            "specifically declined to confirm reports of the raid.")
    assert ("police", "decline") not in reports(nlp, text)


@pytest.mark.slow
def test_a_document_that_says_something_stays_a_document(nlp) -> None:
    from storylens.nlp.attribution import attribute_sentence, find_quote_regions
    from storylens.read import load_lexicon

    text = "The harbour audit concluded that the cranes were unsafe."
    doc = nlp(text)
    found = attribute_sentence(next(doc.sents), load_lexicon(), find_quote_regions(text))
    assert (found.speaker, found.kind, found.verb) == ("harbour audit", "document", "conclude")
    # "they" is a group of people, not the survey named before
    text = ("Dock workers said on Monday that the cranes were old. A new survey suggested that most ferries run "
            "late. They said the night shifts were too long.")
    assert reports(nlp, text) == [("Dock workers", "say")]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Harbour officials put the number of missing sailors at 14.", ("Harbour officials", "put")),
        ("The seismic office placed the quake's strength at magnitude 5.3.", ("seismic office", "place")),
        ("The insurer pegged the damage at $3 million.", ("insurer", "peg")),
        ("Police put the crowd at about 3,000 people.", ("Police", "put")),
    ],
)
def test_a_figure_put_at_a_value_is_its_subject_s_estimate(nlp, text, expected) -> None:
    mention = read(nlp, text).mentions[-1]
    assert (mention.speaker, mention.verb) == expected
    assert [r.kind for r in mention.reports] == ["estimate"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Mara Lind put the parcel at the door.",  # a place, not a figure
        "The strike puts the whole season at risk.",  # a state
        "The referee placed the ball at the 20-yard line.",  # the figure is not what follows "at"
        "The coach put Ivo Brandt at centre back.",  # a position
        "The council put 40 benches along the seafront.",  # a figure, but no "at" before it
    ],
)
def test_putting_something_at_a_place_or_state_states_no_figure(nlp, text) -> None:
    assert reports(nlp, text) == []
    assert read(nlp, text).mentions[-1].speaker is None


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # a shortened passive: the noun is what is believed of, not who believes
        "Police arrested Mara Lind, the woman believed to have set the fire.",
        'Tobi Vane was named as "the Owl," the shadowy figure believed to have leaked the memo to the paper.',
        "The smuggler, known to be armed, fled across the border.",
        "Ivo Brandt, the man alleged to have forged the deeds, was released.",
    ],
)
def test_a_noun_believed_to_have_done_something_is_no_speaker(nlp, text) -> None:
    mention = read(nlp, text).mentions[-1]
    assert mention.speaker is None
    assert reports(nlp, text) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # the verb with its own clause, or after what was said, still reports
        ("Harbour officials believe the fire was set on purpose.", ("Harbour officials", "believe")),
        ('"The levy will fail," harbour officials believe.', ("harbour officials", "believe")),
        ("Police suspect the driver was drunk.", ("Police", "suspect")),
    ],
)
def test_a_belief_with_its_own_clause_still_reports(nlp, text, expected) -> None:
    mention = read(nlp, text).mentions[-1]
    assert (mention.speaker, mention.verb) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # an agentless passive of a reporting verb with what was reported
        ("Talks are expected to resume on Monday.", [(None, "expect", "belief")]),
        ("It was reported that the harbour master had resigned.", [(None, "report", "speech")]),
        # the text hedging, with an infinitive, a clause or a complement
        ("The new timetable appears to be working.", [(None, "appear", "hedge")]),
        ("It seems that the talks on the pier failed.", [(None, "seem", "hedge")]),
        ("Voters preferred candidates who appeared likable.", [(None, "appear", "hedge")]),
        # what is believed or known, by no one named
        ("Ada Brink is considered the favourite.", [(None, "consider", "belief")]),
        ("The old tower is known as the Needle.", [(None, "know", "belief")]),
        ("The ferry captain is thought to be in hiding.", [(None, "think", "belief")]),
        ("The old chief was seen as more wedded to the ferries.", [(None, "see", "belief")]),
        # what goes around, or a reporting noun no one holds, with a clause of what it says
        ("Ferry shares fell after news that the inquiry had reopened.", [(None, "news", "speech")]),
        ("Amid fears that the pier would close, many residents left.", [(None, "fear", "belief")]),
        ("Speculation that the harbour board could sell the pier grew on Friday.",
         [(None, "speculation", "speech")]),
        # one of those just described, not named
        ("We spoke to fishermen on the quay. “The season is over,” one said.", [(None, "say", "speech")]),
        ("We spoke to fishermen on the quay. Another said the nets had been cut.", [(None, "say", "speech")]),
        ("We spoke to fishermen on the quay. “We will be back,” said another.", [(None, "say", "speech")]),
        ("We spoke to fishermen on the quay. Others said the quotas were fair.", [(None, "say", "speech")]),
    ],
)
def test_a_report_that_names_no_source_has_no_speaker(nlp, text, expected) -> None:
    mention = read(nlp, text).mentions[-1]
    assert [(r.speaker, r.verb, r.kind) for r in mention.reports] == expected
    assert mention.speaker is None  # the sentence stays the outlet's own: claims and the dossier read it so


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("The critical report was published on Monday.", []),  # published, nothing reported
        ("The claims, which were reported last week, are false.", []),  # inside a relative clause
        ("The bridge was described as unsafe by engineers.", [("engineers", "describe")]),  # the agent speaks
        ("The mayor appeared at the rally on Monday.", []),  # appeared somewhere
        ("The video appeared on several websites.", []),
        ("The plan does not appear to work.", []),  # negated
        ("Ada Brink was considered for the post.", []),  # weighed, not believed
        ("Ada Brink was seen as she left the pier.", []),  # a time: seen, not believed
        ("Ada Brink was seen on the pier at dawn.", []),
        ("The fee is supposed to be paid in May.", []),  # what should happen
        ("The man believed to have set the fire was arrested.", []),  # a shortened passive: a description
        # what a speaker says seems so is the speaker's, not the text's
        ("Ada Brink said the new timetable appears to be working.", [("Ada Brink", "say")]),
        ("If the fee seems too high, riders will leave, Ada Brink said.", [("Ada Brink", "say")]),
        # the part of a group is named by the group
        ("One of the fishermen said the nets had been cut.", [("One of the fishermen", "say")]),
        ("The quay is busier than last year, as some of the harbour staff noted.",
         [("some of the harbour staff", "note")]),
        ("No one said the nets had been cut.", []),
        # a reporting noun with a holder, taken by a cue, or with no clause of what it says
        ("Officials denied reports that the pier would close.", [("Officials", "deny")]),
        ("Ada Brink's warning that the pier would close went unheeded.", [("Ada Brink", "warning")]),
        ("The ferry company faces claims of fraud.", []),
        ("The failure signals more bad news for the ferry company.", []),
        # "as" in a clause that says nothing: no report
        ("Prices fell as the fishing company posted a loss.", []),
    ],
)
def test_no_sourceless_report_without_a_report(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ('Ada Brink referred to him as "a liar."', [("Ada Brink", "refer to")]),
        ('Ada Brink spoke on Monday. "We are done," she said, referring to the talks.',
         [("Ada Brink", "say"), ("Ada Brink", "refer to")]),
        ("Ada Brink compared the plan to a house of cards.", [("Ada Brink", "compare to")]),  # describes its object
        ("Ada Brink called on the council to resign.", [("Ada Brink", "call on")]),
        ("The term refers to a rule of the tax code.", []),  # a thing refers to nothing said
        ("The doctor referred the patient to a clinic.", []),  # an object before the preposition
        ("The sheriff called the police for help.", []),
        ("Ada Brink called on Monday.", []),  # "on" before a date is no particle
        # a phrasal cue in a relative clause about people: they spoke
        ("Republicans who have called for the mayor to be replaced met on Monday.", [("Republicans", "call for")]),
        ("The officers, who responded with tear gas, were fined.", []),  # "respond" here is no speech
    ],
)
def test_a_phrasal_reporting_verb_needs_its_preposition_first_and_a_speaker(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # the speaker after the verb that follows a quotation, parsed as the object
        ('"We will not move," responded harbour master Ada Brink, adding that the ships were safe.',
         [("Ada Brink", "respond"), ("Ada Brink", "add")]),
        # the splitter cut the quotation off: the sentence opens with the subject of the verb
        ('Ada Brink called the pier office. "Can we meet on Tuesday?" her aide Tomas Vell wrote to the staff.',
         [("Tomas Vell", "write")]),
        # a name after the verb that is not right after a quotation is who was told
        ('"Stop," the guard told Ada Brink.', [("guard", "tell")]),
        ("The guard told Ada Brink to stop at the gate.", [("guard", "tell")]),
    ],
)
def test_a_speaker_after_a_quotation_and_its_verb(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ada Brink trumpeted the deal as a triumph.", [("Ada Brink", "trumpet")]),
        ("Ada Brink invoked an old anecdote to make her case.", [("Ada Brink", "invoke")]),
        ("Ada Brink lit into the council on Monday.", [("Ada Brink", "light into")]),
        ("Ada Brink extolled the bravery of the crew.", [("Ada Brink", "extol")]),  # lemmatised "extoll"
        ("Ada Brink thanked the volunteers for their work.", []),  # thanks: a courtesy, not a claim
        ("The lamp lit the room.", []),
    ],
)
def test_more_verbs_of_speech_praise_and_criticism(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


@pytest.mark.slow
def test_who_after_a_name_with_a_capital_inside_is_that_person(nlp) -> None:
    text = "McKeown, who said he plans to vote for Ada Brink, has argued that the party is lost."
    assert reports(nlp, text) == [("McKeown", "say"), ("McKeown", "argue")]
    # "which" after an organisation: it speaks; after a document or a thing, no one does here
    assert reports(nlp, "Greenpeace, which said the deal was bad, marched on Monday.") == [("Greenpeace", "say")]
    assert reports(nlp, "The survey, which said most riders were happy, was dropped.") == []
    assert reports(nlp, "The old radio, which said nothing all night, was thrown away.") == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        ("The bridge will close, according to sources.", [("sources", "according to")]),
        ("The bridge will close, according to a complaint filed on Monday.", [("complaint", "according to")]),
        ("Prices rose, according to estimates.", [("estimates", "according to")]),
        # "according to" as "in keeping with": no source
        ("The money is split according to a formula agreed by the parties.", []),
        ("Everything went according to plan.", []),
    ],
)
def test_according_to_needs_a_source(nlp, text, expected) -> None:
    assert reports(nlp, text) == expected


def _cues(nlp, text: str) -> list[tuple[str | None, str]]:
    """(speaker, cue text) of every report of the text's last sentence."""
    return [(r.speaker, text[r.cue_start:r.cue_end]) for r in read(nlp, text).mentions[-1].reports]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text, expected",
    [
        # the verb that opens the cue's verbal group is part of the cue
        ("Ada Brink went on to praise the harbour master.", [("Ada Brink", "went on to praise")]),
        ("Ada Brink instead began by threatening to sue the ferry company.",
         [("Ada Brink", "began by threatening")]),
        ("Ada Brink spent much of her rally on Monday attacking Vell over the ferry.",
         [("Ada Brink", "spent much of her rally on Monday attacking")]),
        # not a verb that takes note of something before the cue, nor a plain cue
        ("The newspaper took note of the ferry's troubles, writing: “The pier is unsafe.”",
         [("newspaper", "writing")]),
        ("Ada Brink said the pier was unsafe.", [("Ada Brink", "said")]),
    ],
)
def test_a_cue_covers_the_verb_that_opens_it(nlp, text, expected) -> None:
    assert _cues(nlp, text) == expected
