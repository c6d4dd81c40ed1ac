"""The web app's tables in the store: their schema, the version of what is written into them,
and the conflict a story's row leads with. Derived from `articles` and `dossiers`: they can be
dropped and built again at any time (store.py does so when their definition changes)."""

from __future__ import annotations

import hashlib
from typing import Any

STORY_ORDERS = {"newest": "", "outlets": "s.outlets DESC, ", "conflicts": "s.conflicts DESC, s.disputed DESC, "}
WEB_INDEX_VERSION = 2  # raise when what is written into the web tables changes (e.g. search.index_form)


def web_index_definition() -> str:
    """What the web tables were built with: their schema and the version of how text goes into them."""
    return f"{WEB_INDEX_VERSION}:" + hashlib.sha256(WEB_SCHEMA.encode("utf-8")).hexdigest()[:16]


def top_conflict(story: dict[str, Any], sources: dict[str, str]) -> dict[str, Any] | None:
    """The conflict a story list leads with: the one whose sides span the most outlets (figures first on a tie)."""
    best, best_key = None, None
    for conflict in story.get("conflicts") or []:
        sides = [{"outlet": str(side.get("source") or sources.get(str(side.get("article_id"))) or "?"),
                  "value": side.get("value"), "unit": side.get("unit"), "stance": side.get("stance")}
                 for side in conflict.get("sides") or []]
        key = (len({s["outlet"] for s in sides}), conflict.get("kind") == "numeric", len(sides))
        if best_key is None or key > best_key:
            best_key = key
            best = {"kind": conflict.get("kind"), "summary": conflict.get("summary") or "",
                    "measure": conflict.get("measure"), "sides": sides}
    return best


WEB_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS web_article_text USING fts5(
    article_id UNINDEXED, title, source, text, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS web_indexed_articles (article_id TEXT PRIMARY KEY);
CREATE VIRTUAL TABLE IF NOT EXISTS web_claim_text USING fts5(
    story_id UNINDEXED, claim_id UNINDEXED, speaker, text, shown_speaker UNINDEXED, shown_text UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS web_stories (
    story_id TEXT PRIMARY KEY,
    headline TEXT NOT NULL,
    first_published TEXT,
    last_published TEXT,
    updated_at TEXT NOT NULL,
    data_size INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    outlets INTEGER NOT NULL,
    claims INTEGER NOT NULL,
    conflicts INTEGER NOT NULL,
    disputed INTEGER NOT NULL,
    top_conflict TEXT
);
CREATE TABLE IF NOT EXISTS web_index_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS web_stories_newest ON web_stories(last_published, updated_at);
CREATE TABLE IF NOT EXISTS web_story_outlets (
    story_id TEXT NOT NULL, outlet TEXT NOT NULL, articles INTEGER NOT NULL, PRIMARY KEY (story_id, outlet));
CREATE INDEX IF NOT EXISTS web_story_outlets_outlet ON web_story_outlets(outlet);
CREATE TABLE IF NOT EXISTS web_story_actors (
    story_id TEXT NOT NULL, actor TEXT NOT NULL, kind TEXT, PRIMARY KEY (story_id, actor));
CREATE INDEX IF NOT EXISTS web_story_actors_actor ON web_story_actors(actor);
CREATE TABLE IF NOT EXISTS web_story_articles (
    story_id TEXT NOT NULL, article_id TEXT NOT NULL, PRIMARY KEY (story_id, article_id));
CREATE INDEX IF NOT EXISTS web_story_articles_article ON web_story_articles(article_id);
"""
