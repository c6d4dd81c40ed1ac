"""Search finds what an editor types: word forms, accents, figures, phrases and CJK words, with highlighted snippets."""

from __future__ import annotations

import sqlite3

import pytest

from storylens.records import Article
from storylens.search import fts_query, index_form, restore_snippet
from storylens.store import Store

TEXTS = {
    "evac": "Officials ordered residents to evacuate the valley on Tuesday.",
    "evacd": "About 300 families evacuated their homes before the dam broke.",
    "evacn": "The evacuation of the coastal towns took two days.",
    "figure": "Police said 1,500 people marched; organisers counted 3 000 more.",
    "plain": "A crowd of 1500 gathered at the gate and 12 stayed overnight.",
    "accent": "Minister Lars Sørensen said the Ærø ferry would run again. José Müller agreed.",
    "phrase": "The central bank raised rates while the bank central to the plan stayed silent.",
    "scattered": "The bank said inflation was central to its thinking.",
    "cjk": "我在北京工作了三年。",
    "cjk2": "東京都は新しい計画を発表した。",
    "decimal": "Growth reached 1.5 percent, slower than 15 percent a decade ago.",
}


def article(key: str, text: str) -> Article:
    return Article(id=key, input=f"{key}.txt", source="Test Wire", title=f"Report {key}", published="2026-01-02",
                   language="en", status="ok", reason=None, text=text)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "search.db"
    with Store(path) as store:
        store.add_articles(article(k, t) for k, t in TEXTS.items())
        story = {"id": "s-1", "headline": "Dam", "article_ids": ["evacd"], "sources": ["Test Wire"],
                 "claims": [{"id": "c-1", "text": "Søren Kierkegaard said the evacuation was orderly",
                             "speaker": "Søren Kierkegaard", "status": "single_source", "sources": ["Test Wire"],
                             "mentions": []}], "conflicts": []}
        store.save_assignments({"evacd": "s-1"}, {})
        store.save_story_dossier("s-1", "Dam", story)
        store.ensure_search_index()
        yield store


def found(store: Store, query: str) -> set[str]:
    hits, total = store.search_text(query, 0, 50)
    assert total == len(hits)
    return {h["id"] for h in hits}


@pytest.mark.parametrize("query", ["evacuate", "evacuated", "evacuation", "Evacuating"])
def test_word_forms_find_each_other(store, query):
    assert {"evac", "evacd", "evacn"} <= found(store, query)


def test_stemming_does_not_match_unrelated_words(store):
    assert found(store, "evacuate") & {"figure", "plain", "phrase"} == set()


@pytest.mark.parametrize("query, expected", [
    ("sorensen", {"accent"}), ("Sørensen", {"accent"}), ("SORENSEN", {"accent"}), ("aero", set()),
    ("jose muller", {"accent"}), ("José Müller", {"accent"}),
])
def test_accents_and_letters_without_accents_fold(store, query, expected):
    assert found(store, query) == expected


def test_folded_claim_speakers_are_found(store):
    hits, _ = store.search_text("soren kierkegaard", 0, 10)
    assert [h["kind"] for h in hits] == ["claim"]
    assert hits[0]["title"].startswith("Søren Kierkegaard")  # shown as written


def test_a_dossier_stored_as_encoded_text_after_the_index_exists_is_found(tmp_path):
    # The Ray engine's workers hand dossiers over as JSON text; the index must take them as it takes dicts.
    import json

    with Store(tmp_path / "encoded.db") as store:
        store.add_articles([article("evacd", TEXTS["evacd"])])
        store.save_assignments({"evacd": "s-2"}, {})
        store.ensure_search_index()
        story = {"id": "s-2", "headline": "Levee", "article_ids": ["evacd"], "sources": ["Test Wire"],
                 "claims": [{"id": "c-1", "text": "Ingrid Dahl said the levee held", "speaker": "Ingrid Dahl",
                             "status": "single_source", "sources": ["Test Wire"], "mentions": []}], "conflicts": []}
        store.save_encoded_dossier("s-2", "Levee", json.dumps(story))
        hits, _ = store.search_text("ingrid dahl", 0, 10)
        assert [h["kind"] for h in hits] == ["claim"]
        assert store.story_dossier("s-2") == story


@pytest.mark.parametrize("query, expected", [
    ("1500", {"figure", "plain"}),
    ("1,500", {"figure", "plain"}),
    ("1 500", {"figure", "plain"}),
    ("3000", {"figure"}),
    ("3,000", {"figure"}),
    ("1.5", {"decimal"}),
    ("15", {"decimal"}),
])
def test_figures_match_whatever_their_grouping(store, query, expected):
    assert found(store, query) == expected


def test_a_number_does_not_match_its_parts_alone(store):
    assert "figure" not in found(store, "500")
    assert "decimal" not in found(store, "5")


def test_quoted_words_are_a_phrase(store):
    assert found(store, "central bank") == {"phrase", "scattered"}
    assert found(store, '"central bank"') == {"phrase"}
    assert found(store, '"bank central"') == {"phrase"}
    assert found(store, '"central bank" inflation') == set()


@pytest.mark.parametrize("query, expected", [("北京", {"cjk"}), ("工作", {"cjk"}), ("東京", {"cjk2"}),
                                             ("計画", {"cjk2"}), ("大阪", set()), ("北工", set())])
def test_cjk_words_inside_a_longer_run_are_found(store, query, expected):
    assert found(store, query) == expected


def test_snippets_highlight_the_matched_words_as_written(store):
    hits, _ = store.search_text("sorensen", 0, 5)
    assert "\x01Sørensen\x02" in hits[0]["snippet"]
    hits, _ = store.search_text("北京", 0, 5)
    assert "\x01北京\x02" in hits[0]["snippet"].replace("\x02\x01", "")
    assert "\u200b" not in hits[0]["snippet"]
    hits, _ = store.search_text("evacuations", 0, 5)
    assert any("\x01evacuated\x02" in h["snippet"] for h in hits)


@pytest.mark.parametrize("query", ['"', "NEAR(a b", "dam*", "a OR", "-", "^x", "()", '"unclosed phrase',
                                   "col:umn", "a AND NOT b", "\x00", "'; DROP TABLE articles; --"])
def test_query_syntax_is_never_passed_through(store, query):
    store.search_text(query, 0, 5)  # raises StoreError on an FTS5 syntax error


def test_fts_query_quotes_every_term():
    assert fts_query("evacuate NOT now") == '"evacuate" "NOT" "now"'
    assert fts_query("1,500") == "(\"1500\" OR \"1\u01c0500\")"
    assert fts_query('"central bank"') == '"central bank"'
    assert fts_query("北京") == '"北 京"'


def test_index_form_keeps_text_readable():
    assert index_form("Sørensen") == "Sorensen"
    assert index_form("北京").replace("\u200b", "") == "北京"
    assert restore_snippet("Mr \x01Sorensen\x02 said", "Mr Sørensen said more", " … ") == "Mr \x01Sørensen\x02 said"


def test_an_index_built_with_an_older_definition_is_rebuilt(tmp_path):
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.add_articles([article("evacn", TEXTS["evacn"])])
    db = sqlite3.connect(path)
    db.executescript("CREATE VIRTUAL TABLE web_article_text USING fts5(article_id UNINDEXED, title, source, text, "
                     "tokenize = 'unicode61 remove_diacritics 2'); "
                     "CREATE TABLE web_indexed_articles (article_id TEXT PRIMARY KEY);")
    db.execute("INSERT INTO web_article_text VALUES ('evacn', '', '', ?)", (TEXTS["evacn"],))
    db.execute("INSERT INTO web_indexed_articles VALUES ('evacn')")
    db.commit()
    db.close()
    with Store(path) as store:
        store.ensure_search_index()
        assert found(store, "evacuate") == {"evacn"}
