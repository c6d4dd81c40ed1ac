import numpy as np
import pytest

from storylens.cluster import ClusterInput, StoryClusterer, cluster_articles
from storylens.settings import Settings


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
        item("e", unit(0.5, 0.5, 0.5), {"fair"}),
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
    from storylens.cluster import cluster_terms
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
