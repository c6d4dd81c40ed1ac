import pytest

from storylens.errors import StoreError
from storylens.records import Actor, Article, ArticleReading, Entity, Framing, Mention, Quantity, TimeExpr
from storylens.reading_json import reading_from_row, reading_to_json
from storylens.store import Store


@pytest.fixture
def fresh_store():
    with Store(":memory:") as store:
        yield store


def make_article(article_id="a1", status="ok"):
    return Article(id=article_id, input="x.txt", source="X", title="T", published="2026-01-02", language="en",
                   status=status, reason=None, text="Some text.", content_hash="h" + article_id)


def test_adding_the_same_articles_twice_adds_nothing(fresh_store):
    assert fresh_store.add_articles([make_article("a1"), make_article("a2")]) == 2
    assert fresh_store.add_articles([make_article("a1")]) == 0
    assert [a.id for a in fresh_store.articles()] == ["a1", "a2"]
    assert fresh_store.known_input("x.txt", "ha1") == "a1"


def test_reading_round_trips_through_the_store(fresh_store):
    article = make_article()
    fresh_store.add_articles([article])
    reading = ArticleReading(
        article=article,
        mentions=(Mention(article_id="a1", index=0, text="Some text.", start=0, end=10, speaker="Ann Lee",
                          verb="say", entities=(Entity("Ann Lee", "PERSON", 0, 7),),
                          quantities=(Quantity("some 5", 5.0, "approximate", None, "dog", "see", ("black",), 0, 6),),
                          times=(TimeExpr("on 2 May", "2026-05-02", "day", 0, 8),), hedges=("allegedly",),
                          cues=("denial",)),),
        actors=(Actor("Ann Lee", "person", 1, ("speaker",)),),
        framing=Framing(hedges=("allegedly",), voices=(("Ann Lee", 1),)),
    )
    fresh_store.save_readings([reading])
    assert list(fresh_store.readings()) == [reading]
    assert fresh_store.unread_articles() == []
    # Stored rows handed to a worker decode to the same reading; text a worker encoded stores the same.
    [(fields, text)] = fresh_store.reading_rows(["a1"])
    assert reading_from_row(fields, text) == reading
    fresh_store.save_reading_texts([("a1", reading_to_json(reading))])
    assert list(fresh_store.readings(["a1"])) == [reading]


def test_unusable_store_path_raises_a_clear_error(tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(StoreError, match="Cannot open the store"):
        Store(folder)


def test_http_cache_round_trips_responses(fresh_store):
    from storylens.store import StoreHttpCache

    cache = StoreHttpCache(fresh_store)
    assert cache.get("https://news.example/a") is None
    cache.put("https://news.example/a", 200, {"content-type": "text/html"}, b"<html>page</html>")
    assert cache.get("https://news.example/a") == (200, {"content-type": "text/html"}, b"<html>page</html>")


def test_a_store_from_an_earlier_version_gets_its_clustering_terms_recomputed(tmp_path):
    path = tmp_path / "old.db"
    article = make_article()
    article = Article(**{**article.__dict__, "text": "Ann Lee said the Marrow valley dam held on Tuesday. The dam held again."})
    reading = ArticleReading(
        article=article,
        mentions=(Mention(article_id="a1", index=0, text=article.text, start=0, end=len(article.text),
                          entities=(Entity("the Marrow valley", "LOC", 16, 33),)),),
        actors=(Actor("Ann Lee", "person", 1, ("speaker",)),), framing=Framing())
    with Store(path) as store:
        store.add_articles([article])
        store.save_readings([reading])
        # The vectors table as an earlier version wrote it: no key terms, names without places.
        store.db.executescript("""
            DROP TABLE vectors;
            CREATE TABLE vectors (article_id TEXT PRIMARY KEY, vector BLOB NOT NULL, terms TEXT NOT NULL,
                                  day INTEGER, title TEXT NOT NULL);
            INSERT INTO vectors VALUES ('a1', zeroblob(16), '["ann lee"]', NULL, 'T');
        """)
        store.save_assignments({"a1": "s-a1"}, {})
    with Store(path) as store:
        [(item, story_id)] = list(store.clustered())
    assert story_id == "s-a1"
    assert {"ann lee", "marrow valley", "marrow"} <= item.terms
    assert dict(item.keyterms)["dam"] == 2
    assert item.weekday == 1  # Tuesday, from the stored text
