from dataclasses import replace

import numpy as np
import pytest

from storylens.stories import ClusterInput, PairMatrix, StoryClusterer, cluster_articles, event_weekday, key_terms
from storylens.settings import Settings
from storylens.stories import best_split, weekdays_apart


def unit(*weights: float) -> np.ndarray:
    vector = np.zeros(384, dtype=np.float32)
    vector[: len(weights)] = weights
    return vector / np.linalg.norm(vector)


def item(article_id, vector, terms=(), day=738000, title="t"):
    return ClusterInput(article_id, title, vector, frozenset(terms), day)


def test_same_event_from_different_angles_joins_one_story(settings):
    items = [
        item("a", unit(1, 0.1, 0), {"valery gerasimov", "kursk"}),
        item("b", unit(1, 0.25, 0), {"gerasimov", "kursk", "putin"}),
        item("c", unit(0.9, 0.3, 0.1), {"kursk"}),
    ]
    stories = cluster_articles(items, settings)
    assert [s.article_ids for s in stories] == [("a", "b", "c")]


def test_same_kind_of_event_elsewhere_stays_apart(settings):
    # Similar wording, different people and places: the entity signal keeps them apart.
    items = [
        item("a", unit(1, 0.55, 0), {"tara reid", "promises"}),
        item("b", unit(1, 0.2, 0.5), {"lindsay lohan", "cliffside"}),
    ]
    stories = cluster_articles(items, settings.with_changes(cluster_threshold=0.75))
    assert sorted(s.article_ids for s in stories) == [("a",), ("b",)]


def test_articles_outside_the_time_window_never_join(settings):
    items = [item("a", unit(1, 0), {"x"}, day=738000), item("b", unit(1, 0), {"x"}, day=738100)]
    assert len(cluster_articles(items, settings)) == 2


def test_bridging_article_merges_stories_and_keeps_oldest_id():
    settings = Settings().with_changes(cluster_threshold=0.7, cluster_entity_weight=0.0, cluster_embedding_weight=1.0)
    clusterer = StoryClusterer(settings)
    first = clusterer.add(item("a", unit(1, 0, 0)))
    second = clusterer.add(item("b", unit(0, 1, 0)))
    assert first != second
    bridge = clusterer.add(item("c", unit(1, 1, 0)))
    assert bridge == first
    assert clusterer.assignments() == {"a": first, "b": first, "c": first}
    assert "bridged 2 stories" in dict(clusterer.stories()[0].explanations)["c"]


def test_restored_assignments_keep_story_ids(settings):
    clusterer = StoryClusterer(settings)
    clusterer.add(item("a", unit(1, 0)), story_id="s-old")
    assert clusterer.add(item("b", unit(1, 0.05), day=738001)) == "s-old"


@pytest.mark.parametrize("order", [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]])
def test_grouping_does_not_depend_on_arrival_order(settings, order):
    items = [
        item("a", unit(1, 0.1, 0), {"dam", "varga"}), item("b", unit(0.95, 0.2, 0), {"dam"}),
        item("c", unit(0, 0.1, 1), {"bank"}), item("d", unit(0.1, 0, 1), {"bank", "rate"}),
    ]
    clusterer = StoryClusterer(settings)
    for i in order:
        clusterer.add(items[i])
    groups = {frozenset(s.article_ids) for s in clusterer.stories()}
    assert groups == {frozenset("ab"), frozenset("cd")}


def test_every_join_is_explained(settings):
    stories = cluster_articles([item("a", unit(1, 0), {"kursk"}), item("b", unit(1, 0.1), {"kursk"})], settings)
    why = dict(stories[0].explanations)
    assert why["a"] == "first article of the story"
    assert "title+lead similarity" in why["b"] and "kursk" in why["b"]


def test_batch_clustering_does_not_depend_on_input_order(settings):
    items = [
        item("a", unit(1, 0.1, 0), {"dam", "varga"}), item("b", unit(0.95, 0.2, 0), {"dam"}),
        item("c", unit(0, 0.1, 1), {"bank"}), item("d", unit(0.1, 0, 1), {"bank", "rate"}),
        item("e", unit(0.25, 0.25, 0.25, 0.9), {"fair"}),  # halfway between both stories, close to neither
    ]
    forward = {frozenset(s.article_ids) for s in cluster_articles(items, settings)}
    backward = {frozenset(s.article_ids) for s in cluster_articles(items[::-1], settings)}
    assert forward == backward
    assert frozenset("ab") in forward and frozenset("cd") in forward


def test_publication_days_apart_lower_the_score(settings):
    clusterer = StoryClusterer(settings)
    same_day = clusterer.scorer.score(item("a", unit(1, 0.3)), item("b", unit(0.3, 1)))
    days_apart = clusterer.scorer.score(item("a", unit(1, 0.3)), item("b", unit(0.3, 1), day=738010))
    too_far = clusterer.scorer.score(item("a", unit(1, 0.3)), item("b", unit(0.3, 1), day=738100))
    assert same_day > days_apart > too_far == 0.0


def test_places_and_named_things_count_as_shared_names():
    from storylens.stories import cluster_terms
    from storylens.records import Actor, Article, ArticleReading, Entity, Mention

    article = Article(id="a", input="a.txt", source="A", title="Fire near Sorrel Bay", published=None,
                      language="en", status="ok", reason=None, text="")
    sentence = Mention(article_id="a", index=0, text="The fire near Sorrel Bay reached the Marrow valley.", start=0,
                       end=50, entities=(Entity("Sorrel Bay", "LOC", 14, 24), Entity("the Marrow valley", "LOC", 33, 50),
                                         Entity("Monday", "DATE", 0, 0)))
    reading = ArticleReading(article=article, mentions=(sentence,), actors=(Actor("Henrik Alvarez", "person", 2),))
    terms = cluster_terms(reading)
    assert {"sorrel bay", "marrow valley", "henrik alvarez", "alvarez"} <= terms
    assert "monday" not in terms


# Two title defences by one boxer, four years apart, undated (as text exports often are):
# same kind of event, same champion, similar leads.
FIRST_DEFENCE = [
    ("Klitschko stops Rahman in Mannheim", "Wladimir Klitschko stopped Hasim Rahman in the seventh round at the SAP "
     "Arena in Mannheim. Rahman, a late substitute for Povetkin, barely threw a punch."),
    ("Rahman no match for champion", "Hasim Rahman was outclassed in Mannheim. The referee waved it off in round "
     "seven with Rahman taking jabs on the ropes."),
    ("Substitute Rahman overwhelmed", "Povetkin pulled out injured and Rahman took the fight at short notice. "
     "Mannheim saw a one-sided seventh-round stoppage."),
    ("Champion jabs his way past Rahman", "Klitschko jabbed Rahman for seven rounds in Mannheim before referee "
     "Tony Weeks stepped in."),
    ("Rahman: I was not ready", "Rahman said the short notice after Povetkin's withdrawal left him unprepared "
     "for the Mannheim bout."),
]
SECOND_DEFENCE = [
    ("Klitschko knocks out Thompson in Bern", "Wladimir Klitschko knocked out Tony Thompson in the sixth round at "
     "the Stade de Suisse in Bern, a rematch of their 2008 fight."),
    ("Thompson dropped twice in Switzerland", "Tony Thompson hit the canvas twice before the sixth-round finish in "
     "Bern, where 26,000 fans filled the stadium."),
    ("Rematch ends early at Stade de Suisse", "Four years after their first meeting, Thompson again could not "
     "solve the champion. Bern's football stadium hosted the bout."),
    ("Thompson, 40, retires after Bern defeat", "The 40-year-old Thompson hinted at retirement after the knockout "
     "at the Stade de Suisse."),
    ("Klitschko eyes next defence after Thompson", "After beating Thompson in Bern, the champion's team named "
     "possible opponents for the autumn."),
]


def defence_items(prefix, articles, direction, names):
    """Title+lead vectors share a 'boxing title fight' direction; each event adds its own."""
    out = []
    for k, (title, text) in enumerate(articles):
        weights = [1.0, 0.3, 0, 0, 0, 0, 0, 0]
        weights[direction] = 0.7
        weights[5 + k % 3] = 0.25
        out.append(ClusterInput(f"{prefix}{k}", title, unit(*weights), frozenset(names), None, key_terms(title, text)))
    return out


@pytest.fixture
def two_defences():
    return (defence_items("a", FIRST_DEFENCE, 3, {"klitschko", "rahman", "mannheim"}),
            defence_items("b", SECOND_DEFENCE, 4, {"klitschko", "thompson", "bern", "stade de suisse"}))


def test_two_events_of_one_kind_are_split_apart(settings, two_defences):
    first, second = two_defences
    unsplit = cluster_articles(first + second, settings.with_changes(cluster_split_cut=0))
    assert len(unsplit) == 1  # average link alone joins them: the pairs across are close enough
    stories = cluster_articles(first + second, settings)
    assert sorted(s.article_ids for s in stories) == [tuple(i.article_id for i in first),
                                                     tuple(i.article_id for i in second)]


def test_one_event_from_many_angles_is_not_split(settings, two_defences):
    for event in two_defences:
        assert len(cluster_articles(event, settings)) == 1


def test_articles_arriving_one_by_one_split_the_same_way_and_keep_ids(settings, two_defences):
    first, second = two_defences
    clusterer = StoryClusterer(settings)
    for a, b in zip(first, second):  # the two events interleaved, as a feed would deliver them
        clusterer.add(a)
        clusterer.add(b)
    stories = {s.id: s for s in clusterer.stories()}
    assert {s: set(story.article_ids) for s, story in stories.items()} == {
        "s-a0": {i.article_id for i in first}, "s-b0": {i.article_id for i in second}}
    for story in stories.values():
        for article_id, why in story.explanations[1:]:
            closest = why.split("closest article ")[1].split(":")[0]
            assert closest in story.article_ids and closest != article_id


def test_best_split_finds_the_seam_between_two_events(settings, two_defences):
    first, second = two_defences
    clusterer = StoryClusterer(settings)
    for i in first + second:
        clusterer.scorer.observe(i)
    split = best_split(first + second, clusterer.scorer)
    assert {frozenset(i.article_id for i in split.left), frozenset(i.article_id for i in split.right)} == {
        frozenset(i.article_id for i in first), frozenset(i.article_id for i in second)}
    assert split.cut < settings.cluster_split_cut
    whole = best_split(first, clusterer.scorer)
    assert whole.cut > settings.cluster_split_cut


def _edge_of_a_story():
    """Six articles on two angles of one event, and one close to a single angle only."""
    # Angles 37 degrees apart (similarity 0.8); the straggler 46 degrees off the first angle
    # (0.7), on the far side from the second (0.13): 0.42 on average, 0.7 with its closest three.
    angle_a = [item(f"a{i}", unit(1, 0, 0, 0.05 * i)) for i in range(3)]
    angle_b = [item(f"b{i}", unit(0.8, 0.6, 0, 0.05 * i)) for i in range(3)]
    straggler = item("s", unit(0.7, -0.714, 0))
    settings = Settings().with_changes(
        cluster_threshold=0.5, cluster_entity_weight=0.0, cluster_term_weight=0.0, cluster_embedding_weight=1.0,
        cluster_time_bonus=0.0, cluster_split_cut=0.0, cluster_straggler_score=0.65)
    return angle_a + angle_b, straggler, settings


def test_an_article_close_to_part_of_a_story_joins_it_in_batch_and_one_at_a_time():
    members, straggler, settings = _edge_of_a_story()
    stories = cluster_articles(members + [straggler], settings)
    assert [sorted(s.article_ids) for s in stories] == [["a0", "a1", "a2", "b0", "b1", "b2", "s"]]
    assert "3 closest members" in dict(stories[0].explanations)["s"]
    clusterer = StoryClusterer(settings)
    for member in members:
        clusterer.add(member)
    assert clusterer.add(straggler) == clusterer.assignments()["a0"]
    assert "3 closest members" in dict(clusterer.stories()[0].explanations)["s"]


def test_without_the_straggler_rule_the_article_stays_alone():
    members, straggler, settings = _edge_of_a_story()
    stories = cluster_articles(members + [straggler], settings.with_changes(cluster_straggler_score=0.0))
    assert sorted(sorted(s.article_ids) for s in stories) == [["a0", "a1", "a2", "b0", "b1", "b2"], ["s"]]


MORE_ON_THE_FIRST_DEFENCE = [
    ("Mannheim crowd cheers Klitschko", "The SAP Arena crowd in Mannheim roared as Klitschko dominated Rahman from "
     "the opening bell."),
    ("Rahman's corner defends short-notice bout", "Rahman's trainer said taking the Mannheim fight after Povetkin "
     "withdrew was worth the risk."),
    ("Povetkin injury opened door for Rahman", "An ankle injury forced Povetkin out, and Rahman stepped in for the "
     "Mannheim date."),
    ("Seventh-round stoppage in Mannheim", "Referee Tony Weeks stopped the Mannheim fight in round seven as Rahman "
     "failed to answer Klitschko's jabs."),
    ("Klitschko: Rahman deserved respect", "Klitschko praised Rahman for accepting the Mannheim bout at short notice."),
    ("Rahman fades after bright start", "Rahman landed one right hand in Mannheim and little else before the "
     "seventh-round stoppage."),
    ("What next after Mannheim", "With Rahman beaten in Mannheim, talk turned to a rescheduled Povetkin fight."),
]


def test_a_story_is_checked_for_a_split_after_every_batch_it_takes_in(settings, two_defences):
    first, second = two_defences
    # Twelve articles on the first event; two on the second are under a quarter of that,
    # which alone would not prompt a check.
    large = first + defence_items("c", MORE_ON_THE_FIRST_DEFENCE, 3, {"klitschko", "rahman", "mannheim"})
    clusterer = StoryClusterer(settings)
    clusterer.add_batch(large)
    assert len(clusterer.stories()) == 1
    clusterer.add_batch(second[:2])
    assert sorted(sorted(s.article_ids) for s in clusterer.stories()) == [
        sorted(i.article_id for i in large), ["b0", "b1"]]


def on_weekday(items, *days):
    """The items with the weekdays their leads name, in turn."""
    return [replace(i, weekday=days[k % len(days)]) for k, i in enumerate(items)]


SATURDAY, TUESDAY, WEDNESDAY = 5, 1, 2


def test_a_weak_seam_splits_when_the_halves_date_their_events_to_different_weekdays(settings, two_defences):
    first, second = two_defences
    # A seam too weak to split on its own (the cut is about 0.63)...
    weak = settings.with_changes(cluster_split_cut=0.5, cluster_weekday_cut=0.98)
    assert len(cluster_articles(first + second, weak)) == 1
    # ... splits when one event happened on a Saturday and the other on a Tuesday,
    stories = cluster_articles(on_weekday(first, SATURDAY) + on_weekday(second, TUESDAY), weak)
    assert sorted(s.article_ids for s in stories) == [tuple(i.article_id for i in first),
                                                     tuple(i.article_id for i in second)]
    clusterer = StoryClusterer(weak)  # one at a time, as `storylens add` places them
    clusterer.add_batch(on_weekday(first, SATURDAY))
    clusterer.add_batch(on_weekday(second, TUESDAY))
    assert sorted(s.article_ids for s in clusterer.stories()) == sorted(s.article_ids for s in stories)
    # but not when they are a day apart (the same event, told the next day), nor with the rule off.
    assert len(cluster_articles(on_weekday(first, TUESDAY) + on_weekday(second, WEDNESDAY), weak)) == 1
    off = weak.with_changes(cluster_weekday_cut=0.0)
    assert len(cluster_articles(on_weekday(first, SATURDAY) + on_weekday(second, TUESDAY), off)) == 1


def test_one_event_is_not_split_by_the_weekdays_its_articles_name(settings, two_defences):
    first, _ = two_defences
    # Without a seam (cut about 1.07), disagreeing weekdays alone never split a story.
    assert len(cluster_articles(on_weekday(first, SATURDAY, TUESDAY), settings)) == 1


@pytest.mark.parametrize(("left", "right", "apart"), [
    ((SATURDAY, SATURDAY, None), (TUESDAY, TUESDAY), (SATURDAY, TUESDAY)),
    ((SATURDAY, SATURDAY, TUESDAY), (TUESDAY, TUESDAY), (SATURDAY, TUESDAY)),  # two thirds agree
    ((SATURDAY, TUESDAY), (TUESDAY, TUESDAY), None),  # the left half does not agree on a day
    ((SATURDAY,), (TUESDAY, TUESDAY), None),  # one article naming a day is too little
    ((TUESDAY, TUESDAY), (WEDNESDAY, WEDNESDAY), None),  # a day apart
    ((None, None), (TUESDAY, TUESDAY), None),
])
def test_weekdays_apart_needs_each_half_to_agree_on_a_day_two_or_more_days_from_the_other(left, right, apart):
    def half(prefix, days):
        return [item(f"{prefix}{k}", unit(1, 0)) for k in range(len(days))]
    assert weekdays_apart(on_weekday(half("l", left), *left), on_weekday(half("r", right), *right)) == apart


@pytest.mark.parametrize(("title", "text", "weekday"), [
    ("Sixers fire coach", "The team fired its coach on Saturday. Saturday's loss was the last straw; "
     "on Monday the search begins.", SATURDAY),
    ("Vote count", "Officials said on Tuesday that the count was complete.", TUESDAY),
    ("Markets", "Shares rose on Monday and fell on Friday.", None),  # a tie: no single day
    ("Report", "Nothing here names a day.", None),
])
def test_event_weekday_is_the_day_the_title_and_lead_name_most(title, text, weekday):
    assert event_weekday(title, text) == weekday


def test_key_terms_keep_years_but_not_other_numbers():
    terms = dict(key_terms("The 2008 season", "In 2008 some 12,000 fans, 20000 tickets and 2010.5 million."))
    assert terms["2008"] == 4
    assert not {"2000", "2010", "12,000"} & set(terms)


def test_batch_pair_matrix_scores_every_pair_as_the_scorer_does(settings, two_defences):
    first, second = two_defences
    dated = [replace(i, day=738000 + k * 2) for k, i in enumerate(first)]  # some pairs past the time bonus
    late = [replace(second[0], article_id="late", day=738100)]  # outside the window of all dated ones
    items = dated + second + late + [item("bare", unit(1, 0.3))]  # no names, no key terms
    clusterer = StoryClusterer(settings)
    for i in items:
        clusterer.scorer.observe(i)
    rows = list(range(len(items)))
    matrix = PairMatrix(items, clusterer.scorer).scores(rows, rows)
    expected = np.array([[clusterer.scorer.score(a, b) for b in items] for a in items])
    assert np.allclose(matrix, expected, atol=1e-6)
    assert matrix[rows[-2], 0] == 0.0 and matrix[0, 1] > 0.0
