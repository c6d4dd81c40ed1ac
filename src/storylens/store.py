"""The SQLite store: the only module that speaks SQL.

Holds every article (with its fate), each reading, the clustering state (vectors and
story assignments) and the rendered dossier of each story, so that `storylens add`
can place new articles into existing stories and the web app can serve them.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from .errors import StoreError
from .records import Actor, Article, ArticleReading, Entity, Framing, Mention, Quantity, TimeExpr

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    input TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT,
    published TEXT,
    language TEXT,
    status TEXT NOT NULL,
    reason TEXT,
    duplicate_of TEXT,
    text TEXT NOT NULL,
    url TEXT,
    external_id TEXT,
    content_hash TEXT,
    place TEXT,
    author TEXT,
    added_at TEXT NOT NULL,
    seq INTEGER
);
CREATE INDEX IF NOT EXISTS articles_hash ON articles(content_hash);
CREATE INDEX IF NOT EXISTS articles_input ON articles(input);
CREATE TABLE IF NOT EXISTS readings (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS vectors (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    vector BLOB NOT NULL,
    terms TEXT NOT NULL,
    day INTEGER,
    title TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS story_members (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    story_id TEXT NOT NULL,
    why TEXT NOT NULL,
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS story_members_story ON story_members(story_id);
CREATE TABLE IF NOT EXISTS dossiers (
    story_id TEXT PRIMARY KEY,
    headline TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS http_cache (
    url TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    fetched_at TEXT NOT NULL
);
"""

ARTICLE_FIELDS = [f.name for f in dataclasses.fields(Article)]


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def reading_to_json(reading: ArticleReading) -> str:
    """A reading without its article (stored separately) as JSON."""
    data = dataclasses.asdict(reading)
    del data["article"]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def reading_from_json(article: Article, text: str) -> ArticleReading:
    data = json.loads(text)

    def mention(m: dict[str, Any]) -> Mention:
        m = dict(m)
        m["entities"] = tuple(Entity(**e) for e in m.get("entities", ()))
        m["quantities"] = tuple(Quantity(**{**q, "modifiers": tuple(q.get("modifiers", ()))})
                                for q in m.get("quantities", ()))
        m["times"] = tuple(TimeExpr(**t) for t in m.get("times", ()))
        for key in ("hedges", "scare_quotes", "loaded_terms", "cues"):
            m[key] = tuple(m.get(key, ()))
        known = {f.name for f in dataclasses.fields(Mention)}
        return Mention(**{k: v for k, v in m.items() if k in known})

    framing = data.get("framing") or {}
    return ArticleReading(
        article=article,
        mentions=tuple(mention(m) for m in data.get("mentions", ())),
        actors=tuple(Actor(**{**a, "roles": tuple(a.get("roles", ()))}) for a in data.get("actors", ())),
        framing=Framing(
            hedges=tuple(framing.get("hedges", ())),
            scare_quotes=tuple(framing.get("scare_quotes", ())),
            loaded_terms=tuple(framing.get("loaded_terms", ())),
            voices=tuple((v[0], v[1]) for v in framing.get("voices", ())),
        ),
    )


class Store:
    """A storylens database file (or ':memory:')."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL" if self.path != ":memory:" else "PRAGMA journal_mode=MEMORY")
            self.db.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as error:
            raise StoreError(f"Cannot open the store at {self.path}: {error}. "
                             "Check that the folder is writable and the file is a storylens database.") from error

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles ---------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def known_input(self, input: str, content_hash: str | None) -> str | None:
        """The id of an article already stored from this input with this content, if any."""
        row = self.db.execute(
            "SELECT id FROM articles WHERE input = ? AND content_hash IS ?", (input, content_hash)
        ).fetchone()
        return row["id"] if row else None

    def add_articles(self, articles: Iterable[Article]) -> int:
        """Insert articles not stored yet; returns how many were new."""
        before = self.db.total_changes
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
        now = _now()
        with self.db:
            for article in articles:
                seq += 1
                values = [getattr(article, f) for f in ARTICLE_FIELDS]
                self.db.execute(
                    f"INSERT OR IGNORE INTO articles ({', '.join(ARTICLE_FIELDS)}, added_at, seq) "
                    f"VALUES ({', '.join('?' * len(ARTICLE_FIELDS))}, ?, ?)",
                    [*values, now, seq],
                )
        return self.db.total_changes - before

    def _article(self, row: sqlite3.Row) -> Article:
        return Article(**{f: row[f] for f in ARTICLE_FIELDS})

    def articles(self, status: str | None = None) -> list[Article]:
        query = "SELECT * FROM articles" + (" WHERE status = ?" if status else "") + " ORDER BY seq"
        return [self._article(r) for r in self.db.execute(query, (status,) if status else ())]

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    # -- readings -----------------------------------------------------------------
    def save_readings(self, readings: Iterable[ArticleReading]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO readings (article_id, data) VALUES (?, ?)",
                ((r.article.id, reading_to_json(r)) for r in readings),
            )

    def unread_articles(self) -> list[Article]:
        rows = self.db.execute(
            "SELECT a.* FROM articles a LEFT JOIN readings r ON r.article_id = a.id "
            "WHERE a.status = 'ok' AND r.article_id IS NULL ORDER BY a.seq"
        )
        return [self._article(r) for r in rows]

    def readings(self, article_ids: Iterable[str] | None = None) -> Iterator[ArticleReading]:
        if article_ids is None:
            rows = self.db.execute("SELECT a.*, r.data FROM articles a JOIN readings r ON r.article_id = a.id ORDER BY a.seq")
        else:
            ids = list(article_ids)
            rows = self.db.execute(
                f"SELECT a.*, r.data FROM articles a JOIN readings r ON r.article_id = a.id "
                f"WHERE a.id IN ({', '.join('?' * len(ids))}) ORDER BY a.seq", ids)
        for row in rows:
            yield reading_from_json(self._article(row), row["data"])

    # -- clustering state ---------------------------------------------------------
    def save_vectors(self, items: Iterable[Any]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO vectors (article_id, vector, terms, day, title) VALUES (?, ?, ?, ?, ?)",
                ((i.article_id, np.asarray(i.vector, dtype=np.float32).tobytes(), json.dumps(sorted(i.terms)),
                  i.day, i.title) for i in items),
            )

    def clustered(self) -> Iterator[tuple[str, np.ndarray, frozenset[str], int | None, str, str]]:
        """(article_id, vector, terms, day, title, story_id) of every placed article, in placement order."""
        rows = self.db.execute(
            "SELECT v.*, m.story_id FROM vectors v JOIN story_members m ON m.article_id = v.article_id ORDER BY m.seq")
        for row in rows:
            yield (row["article_id"], np.frombuffer(row["vector"], dtype=np.float32), frozenset(json.loads(row["terms"])),
                   row["day"], row["title"], row["story_id"])

    def unclustered_vectors(self) -> list[tuple[str, np.ndarray, frozenset[str], int | None, str]]:
        rows = self.db.execute(
            "SELECT v.* FROM vectors v LEFT JOIN story_members m ON m.article_id = v.article_id "
            "WHERE m.article_id IS NULL")
        return [(r["article_id"], np.frombuffer(r["vector"], dtype=np.float32), frozenset(json.loads(r["terms"])),
                 r["day"], r["title"]) for r in rows]

    def save_assignments(self, assignments: dict[str, str], explanations: dict[str, str]) -> None:
        """Article -> story for every article (stories may have merged since last time)."""
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM story_members").fetchone()[0]
        with self.db:
            for article_id, story_id in assignments.items():
                updated = self.db.execute(
                    "UPDATE story_members SET story_id = ?, why = ? WHERE article_id = ?",
                    (story_id, explanations.get(article_id, ""), article_id)).rowcount
                if not updated:
                    seq += 1
                    self.db.execute("INSERT INTO story_members (article_id, story_id, why, seq) VALUES (?, ?, ?, ?)",
                                    (article_id, story_id, explanations.get(article_id, ""), seq))

    def story_members(self) -> dict[str, list[tuple[str, str]]]:
        """story id -> [(article id, why)], in placement order."""
        out: dict[str, list[tuple[str, str]]] = {}
        for row in self.db.execute("SELECT * FROM story_members ORDER BY seq"):
            out.setdefault(row["story_id"], []).append((row["article_id"], row["why"]))
        return out

    # -- dossiers -----------------------------------------------------------------
    def save_story_dossier(self, story_id: str, headline: str, data: dict[str, Any]) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO dossiers (story_id, headline, data, updated_at) VALUES (?, ?, ?, ?)",
                (story_id, headline, json.dumps(data, ensure_ascii=False), _now()))

    def drop_stale_dossiers(self, live_ids: Iterable[str]) -> None:
        ids = list(live_ids)
        with self.db:
            self.db.execute(f"DELETE FROM dossiers WHERE story_id NOT IN ({', '.join('?' * len(ids))})", ids)

    def story_dossiers(self) -> list[dict[str, Any]]:
        return [json.loads(r["data"]) for r in self.db.execute("SELECT data FROM dossiers ORDER BY updated_at DESC")]

    def story_dossier(self, story_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT data FROM dossiers WHERE story_id = ?", (story_id,)).fetchone()
        return json.loads(row["data"]) if row else None
