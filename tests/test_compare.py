from storylens.compare import ClaimSimilarity, compare_story, group_claims, merge_names
from storylens.records import (
    Actor,
    Article,
    ArticleReading,
    Entity,
    Framing,
    Mention,
    Quantity,
    StatementFrame,
    Story,
    TimeExpr,
)


def article(article_id, source, published="2026-03-04"):
    return Article(id=article_id, input=f"{source}.txt", source=source, title=f"{source} title", published=published,
                   language="en", status="ok", reason=None, text="")


def mention(article_id, index, text, speaker=None, cues=(), quantities=(), entities=(), times=(), hedges=(),
            frames=()):
    return Mention(article_id=article_id, index=index, text=text, start=index * 100, end=index * 100 + len(text),
                   speaker=speaker, verb="say" if speaker else None, cues=tuple(cues), quantities=tuple(quantities),
                   entities=tuple(entities), times=tuple(times), hedges=tuple(hedges), frames=tuple(frames))


HEDGES = {"approximate": "about", "lower_bound": "at_least", "upper_bound": "up_to"}


def figure(value, counted, event, qualifier="exact", modifiers=(), speaker=None):
    """A figure read as a frame: the event is what it measures; "another" makes it an increment."""
    flags = ("increment",) if "another" in modifiers else ()
    measure = counted if event in ("report", "say") else event  # a verb that only reports: the count is of its noun
    return Quantity(text=f"{value:,}", value=value, qualifier=qualifier, unit=None, counted=counted, event=event,
                    modifiers=tuple(modifiers), start=0, end=0, speaker=speaker, measure=measure,
                    hedge=HEDGES.get(qualifier, "exact"), flags=flags)


def reading(art, *mentions, actors=()):
    return ArticleReading(article=art, mentions=tuple(mentions), actors=tuple(actors), framing=Framing())


def dossier_for(readings, fake_encoder, settings):
    story = Story(id="s-1", article_ids=tuple(r.article.id for r in readings), headline="h")
    return compare_story(story, {r.article.id: r for r in readings}, fake_encoder, settings)


VALLEY = Entity("the Marrow valley", "LOC", 0, 5)


def test_numeric_conflict_between_different_speakers(fake_encoder, settings):
    a = reading(article("a", "Harbor Gazette"), mention(
        "a", 0, "The mayor said some 1,500 residents were evacuated from the valley overnight.", speaker="Elena Varga",
        quantities=[figure(1500, "resident", "evacuate", "approximate")]))
    b = reading(article("b", "Valley Post"), mention(
        "b", 0, "Police said 1,200 people were evacuated from homes along the river.", speaker="police",
        quantities=[figure(1200, "people", "evacuate")]))
    conflicts = dossier_for([a, b], fake_encoder, settings).conflicts
    assert [c.kind for c in conflicts] == ["numeric"]
    assert sorted(s.value for s in conflicts[0].sides) == [1200, 1500]
    assert {s.speaker for s in conflicts[0].sides} == {"Elena Varga", "police"}


def test_numeric_conflict_between_two_sources_of_one_sentence(fake_encoder, settings):
    a = reading(article("a", "Harbor Gazette"), mention(
        "a", 0, "Police said 2,100 people joined the rally, while organisers said 6,000 people joined.",
        speaker="police", quantities=[figure(2100, "people", "join", speaker="police"),
                                      figure(6000, "people", "join", speaker="organisers")]))
    conflicts = dossier_for([a], fake_encoder, settings).conflicts
    assert [c.kind for c in conflicts] == ["numeric"]
    assert sorted((s.value, s.speaker) for s in conflicts[0].sides) == [(2100, "police"), (6000, "organisers")]


def test_two_figures_of_one_source_in_one_sentence_do_not_conflict(fake_encoder, settings):
    a = reading(article("a", "Harbor Gazette"), mention(
        "a", 0, "Police said 2,100 people joined the rally, and 6,000 people joined the march that followed.",
        speaker="police", quantities=[figure(2100, "people", "join"), figure(6000, "people", "join")]))
    assert dossier_for([a], fake_encoder, settings).conflicts == ()


def test_qualifiers_reconcile_figures(fake_encoder, settings):
    a = reading(article("a", "A"), mention("a", 0, "More than 3,000 soldiers were wounded in the fighting there.",
                                           quantities=[figure(3000, "soldier", "wound", "lower_bound")]))
    b = reading(article("b", "B"), mention("b", 0, "Officials estimate some 4,000 soldiers were wounded in battle.",
                                           quantities=[figure(4000, "soldier", "wound", "approximate")]))
    assert dossier_for([a, b], fake_encoder, settings).conflicts == ()


def test_an_update_is_an_evolution_not_a_conflict(fake_encoder, settings):
    a = reading(article("a", "A"), mention("a", 0, "At least 41 people were killed when the dam gave way.",
                                           quantities=[figure(41, "people", "kill", "lower_bound")]))
    b = reading(article("b", "B", "2026-03-05"), mention(
        "b", 0, "The number of people killed rose to 57 on Thursday, officials said.", speaker="officials",
        cues=["update"], quantities=[figure(57, "people", "kill")]))
    assert dossier_for([a, b], fake_encoder, settings).conflicts == ()


def test_different_measures_do_not_conflict(fake_encoder, settings):
    a = reading(article("a", "A"), mention("a", 0, "About 300 soldiers were killed in the winter battles.",
                                           quantities=[figure(300, "soldier", "kill")]))
    b = reading(article("b", "B"), mention("b", 0, "Another 3,000 soldiers were sent to the front this year.",
                                           quantities=[figure(3000, "soldier", "send", modifiers=["another"])]))
    c = reading(article("c", "C"), mention("c", 0, "Some 11,000 troops have been sent to the front since October.",
                                           quantities=[figure(11000, "troop", "send", "approximate")]))
    assert dossier_for([a, b, c], fake_encoder, settings).conflicts == ()


def test_denial_is_linked_to_the_claim_it_denies(fake_encoder, settings):
    knew = StatementFrame("know", subject="company", preps=("about:crack",), cue="say")
    a = reading(article("a", "Harbor Gazette"), mention(
        "a", 0, "The company knew about cracks in the dam wall two years ago, engineers said.", speaker="engineers",
        frames=[knew, StatementFrame("say", subject="engineer", role="report")]))
    b = reading(article("b", "Valley Post"), mention(
        "b", 0, "The company denied it knew about cracks in the dam wall, calling the report baseless.",
        speaker="the company", cues=["denial"],
        frames=[StatementFrame("deny", subject="company", role="denial", denied="it knew about cracks in the dam wall"),
                StatementFrame("know", subject="it", preps=("about:crack",), cue="deny")]))
    conflicts = dossier_for([a, b], fake_encoder, settings).conflicts
    assert len(conflicts) == 1 and conflicts[0].kind == "contradiction"
    stances = {s.article_id: s.stance for s in conflicts[0].sides}
    assert stances == {"a": "claims", "b": "denies"}


def test_completed_against_continuing_of_one_subject(fake_encoder, settings):
    a = reading(article("a", "A"), mention(
        "a", 0, "The governor said the evacuation of the Marrow valley has been completed.", speaker="the governor",
        frames=[StatementFrame("complete", subject="evacuation", cue="say", states=("completed@evacuation",))]))
    b = reading(article("b", "B"), mention(
        "b", 0, "Rescuers said evacuations in the Marrow valley are still under way.", speaker="rescuers",
        frames=[StatementFrame("be", subject="evacuation", cue="say", states=("continuing@evacuation",))]))
    (conflict,) = dossier_for([a, b], fake_encoder, settings).conflicts
    assert conflict.kind == "contradiction"
    assert {s.stance for s in conflict.sides} == {"completed", "continuing"}
    assert conflict.summary.startswith("Evacuation")


def test_one_voice_does_not_contradict_itself(fake_encoder, settings):
    a = reading(article("a", "A"),
                mention("a", 0, "The governor said the evacuation of the Marrow valley has been completed.",
                        speaker="the governor",
                        frames=[StatementFrame("complete", subject="evacuation", states=("completed@evacuation",))]),
                mention("a", 1, "The governor said evacuations in the Marrow valley are still continuing tonight.",
                        speaker="the governor",
                        frames=[StatementFrame("continue", subject="evacuation", states=("continuing@evacuation",))]))
    b = reading(article("b", "B"), mention("b", 0, "Rain fell on the valley for a third day running on Tuesday."))
    assert dossier_for([a, b], fake_encoder, settings).conflicts == ()


def test_corroboration_counts_outlets_and_single_source_claims_stay_single(fake_encoder, settings):
    text = "The central bank raised its main interest rate by half a point to 6.75 percent."
    a = reading(article("a", "Ledger"), mention("a", 0, text))
    b = reading(article("b", "Courier"), mention("b", 0, "The central bank raised its main interest rate by half a point to 6.75 percent on Tuesday."))
    c = reading(article("c", "Wire"), mention("c", 0, "A former board member said the decision was taken under political pressure.",
                                              speaker="a former board member"))
    claims = dossier_for([a, b, c], fake_encoder, settings).claims
    corroborated = [cl for cl in claims if cl.status == "corroborated"]
    assert len(corroborated) == 1 and set(corroborated[0].sources) == {"Ledger", "Courier"}
    single = [cl for cl in claims if cl.status == "single_source"]
    assert [cl.sources for cl in single] == [("Wire",)]


def test_a_claim_takes_one_mention_per_article(fake_encoder):
    m1 = mention("a", 0, "The river burst its banks near the old mill on Monday night.")
    m2 = mention("a", 1, "The river burst its banks near the old mill on Monday night.")
    similarity = ClaimSimilarity([m1.text, m2.text], fake_encoder.encode([m1.text, m2.text]))
    assert group_claims([m1, m2], similarity, 0.5) == [[0], [1]]


def test_timeline_merges_events_across_outlets(fake_encoder, settings):
    day = TimeExpr("on 3 March", "2026-03-03", "day", 0, 0)
    a = reading(article("a", "A"), mention("a", 0, "The dam wall cracked on 3 March after days of heavy rain.", times=[day]))
    b = reading(article("b", "B"), mention("b", 0, "The dam wall cracked on 3 March after heavy rain, engineers said.", times=[day]))
    timeline = dossier_for([a, b], fake_encoder, settings).timeline
    assert [(t.date, t.article_ids) for t in timeline] == [("2026-03-03", ("a", "b"))]


def test_actors_merge_name_variants(fake_encoder, settings):
    a = reading(article("a", "A"), mention("a", 0, "x y z w v u t"),
                actors=[Actor("Valery Gerasimov", "person", 2, ("speaker",))])
    b = reading(article("b", "B"), mention("b", 0, "x y z w v u t"), actors=[Actor("Gerasimov", "person", 1)])
    actors = dossier_for([a, b], fake_encoder, settings).actors
    assert [(actor.name, ids) for actor, ids in actors] == [("Valery Gerasimov", ("a", "b"))]


def test_merge_names_prefers_the_name_without_titles():
    canon = merge_names(["Gerasimov", "Chief of the General Staff Valery Gerasimov", "Valeriy Gerasimov", "Maria Zakharova"])
    assert canon["Gerasimov"] == canon["Valeriy Gerasimov"] == "Valery Gerasimov"
    assert canon["Maria Zakharova"] == "Maria Zakharova"


def test_two_named_sources_in_one_article_can_disagree_on_a_figure(fake_encoder, settings):
    a = reading(article("a", "Harbor Gazette"),
                mention("a", 0, "Police said about 3,400 people joined the march through the old town.", speaker="police",
                        quantities=[figure(3400, "people", "join", "approximate")]),
                mention("a", 1, "Organisers said 5,000 people joined the march, far more than police counted.",
                        speaker="organisers", quantities=[figure(5000, "people", "join")]))
    b = reading(article("b", "Valley Post"), mention("b", 0, "Thousands marched through the old town on Saturday."))
    conflicts = dossier_for([a, b], fake_encoder, settings).conflicts
    assert [c.kind for c in conflicts] == ["numeric"]
    assert {(s.value, s.speaker) for s in conflicts[0].sides} == {(3400, "police"), (5000, "organisers")}


def test_an_outlets_own_figures_in_one_article_do_not_conflict(fake_encoder, settings):
    a = reading(article("a", "Harbor Gazette"),
                mention("a", 0, "About 3,400 people joined the march through the old town on Saturday.",
                        quantities=[figure(3400, "people", "join", "approximate")]),
                mention("a", 1, "By the evening 5,000 people had joined the march in the old town.",
                        quantities=[figure(5000, "people", "join")]))
    b = reading(article("b", "Valley Post"), mention("b", 0, "Thousands marched through the old town on Saturday."))
    assert dossier_for([a, b], fake_encoder, settings).conflicts == ()


def test_a_numeric_conflict_names_each_value_once_with_all_who_give_it(fake_encoder, settings):
    officials = "The safety office said 23 fires were reported."
    a = reading(article("a", "Home Review"), mention("a", 0, officials, speaker="safety office",
                                                     quantities=[figure(23, "fire", "report")]))
    b = reading(article("b", "North Wire"), mention("b", 0, officials, speaker="safety office",
                                                    quantities=[figure(23, "fire", "report")]))
    c = reading(article("c", "Consumer Weekly"), mention(
        "c", 0, "Oksana Reid said at least 35 fires were reported.", speaker="Oksana Reid",
        quantities=[figure(35, "fire", "report", "lower_bound")]))
    [conflict] = dossier_for([a, b, c], fake_encoder, settings).conflicts
    assert conflict.summary.endswith(
        ": 23 (Home Review, safety office; North Wire, safety office) vs at least 35 (Consumer Weekly, Oksana Reid)")
    assert len(conflict.sides) == 3
