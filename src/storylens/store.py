"""The SQLite store: the only module that speaks SQL.

Holds every article (with its fate), each reading, the clustering state (vectors and
story assignments) and the rendered dossier of each story, so that `storylens add`
can place new articles into existing stories and the web app can serve them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: runs are not serialised there
    fcntl = None  # type: ignore[assignment]

from .errors import SearchBudgetError, StoreError
from .reading_json import reading_from_json, reading_to_json
from .records import Article, ArticleReading
from .search import fts_query, index_form, restore_snippet
from .web_tables import STORY_ORDERS, WEB_SCHEMA, top_conflict, web_index_definition

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
CREATE INDEX IF NOT EXISTS articles_seq ON articles(seq);
CREATE TABLE IF NOT EXISTS input_identities (
    canonical TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (canonical, content_hash)
);
CREATE TABLE IF NOT EXISTS stale_stories (
    story_id TEXT PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS readings (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS vectors (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    vector BLOB NOT NULL,
    terms TEXT NOT NULL,
    day INTEGER,
    title TEXT NOT NULL,
    keyterms TEXT NOT NULL DEFAULT '[]',
    terms_version INTEGER NOT NULL DEFAULT 0,
    weekday INTEGER
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


def store_write_error(path: str, error: BaseException) -> StoreError:
    """A StoreError saying what a failed write of the store means and what to do."""
    text = str(error)
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or "full" in text:
        advice = ("the disk (or quota) is full. Free some space and run the same command again: "
                  "everything stored so far is kept, and the run goes on where it stopped")
    elif isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in text:
        advice = "the store or its folder is not writable. Check its permissions (and those of the -wal and .lock files)"
    elif "locked" in text or "busy" in text:
        advice = "another process holds the store. Wait for it to finish and run the command again"
    else:
        advice = "check that the file is a storylens database on a working disk"
    return StoreError(f"Cannot write the store at {path}: {text}: {advice}.")


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


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
            self._add_missing_columns()
        except (sqlite3.Error, OSError) as error:
            raise StoreError(f"Cannot open the store at {self.path}: {error}. "
                             "Check that the folder is writable and the file is a storylens database.") from error

    def _add_missing_columns(self) -> None:
        """Bring a store written by an earlier version up to this schema (its data stays)."""
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(vectors)")}
        with self.db:
            if "keyterms" not in columns:
                self.db.execute("ALTER TABLE vectors ADD COLUMN keyterms TEXT NOT NULL DEFAULT '[]'")
            if "terms_version" not in columns:
                self.db.execute("ALTER TABLE vectors ADD COLUMN terms_version INTEGER NOT NULL DEFAULT 0")
            if "weekday" not in columns:
                self.db.execute("ALTER TABLE vectors ADD COLUMN weekday INTEGER")
            # The version of the reading rules that made each reading (storylens.figures.FigureRules.version):
            # readings made by other rules are read again.
            if "rules_version" not in {row[1] for row in self.db.execute("PRAGMA table_info(readings)")}:
                self.db.execute("ALTER TABLE readings ADD COLUMN rules_version TEXT NOT NULL DEFAULT ''")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator["Store"]:
        """Hold the store's writer lock (runs on one store take turns) and turn write failures into StoreError.

        The lock is an advisory lock on `<store>.lock`, released by the system when the process dies.
        """
        lock = None
        try:
            if self.path != ":memory:":
                lock = open(self.path + ".lock", "a+b")
                if fcntl is not None:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        except OSError as error:
            if lock is not None:
                lock.close()
            raise store_write_error(self.path + ".lock", error) from error
        try:
            yield self
        except sqlite3.Error as error:
            raise store_write_error(self.path, error) from error
        finally:
            if lock is not None:
                lock.close()  # closing releases the lock

    # -- articles ---------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def known_input(self, input: str, content_hash: str | None, canonical: str | None = None) -> str | None:
        """The id of an article already stored from this input with this content, if any.

        `canonical` (the input's resolved path or URL) finds it whichever way the path was typed.
        """
        if canonical is not None:
            row = self.db.execute("SELECT article_id FROM input_identities WHERE canonical = ? AND content_hash = ?",
                                  (canonical, content_hash or "")).fetchone()
            if row:
                return str(row[0])
        row = self.db.execute(
            "SELECT id FROM articles WHERE input = ? AND content_hash IS ?", (input, content_hash)
        ).fetchone()
        return row["id"] if row else None

    def add_articles(self, articles: Iterable[Article], canonical: dict[str, str] | None = None) -> int:
        """Insert articles not stored yet, in one transaction; returns how many were new.

        `canonical` maps article ids to their inputs' canonical names, recorded for `known_input`.
        """
        added = 0
        canonical = canonical or {}
        with self.db:
            seq = first_seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
            now = _now()
            for article in articles:
                seq += 1
                values = [getattr(article, f) for f in ARTICLE_FIELDS]
                added += self.db.execute(
                    f"INSERT OR IGNORE INTO articles ({', '.join(ARTICLE_FIELDS)}, added_at, seq) "
                    f"VALUES ({', '.join('?' * len(ARTICLE_FIELDS))}, ?, ?)",
                    [*values, now, seq],
                ).rowcount
                if article.id in canonical:
                    self.db.execute(
                        "INSERT OR IGNORE INTO input_identities (canonical, content_hash, article_id) VALUES (?, ?, ?)",
                        (canonical[article.id], article.content_hash or "", article.id))
            self._index_articles_since(first_seq)
        return added

    def _article(self, row: sqlite3.Row) -> Article:
        return Article(**{f: row[f] for f in ARTICLE_FIELDS})

    def articles(self, status: str | None = None) -> list[Article]:
        return list(self.iter_articles(status))

    def iter_articles(self, status: str | None = None, unplaced: bool = False) -> Iterator[Article]:
        """Articles in arrival order, one at a time (a store may hold more than fits in memory);
        `unplaced`: only those in no story. Nothing may write to the store while they come."""
        where = [w for w, on in (("status = ?", status), ("id NOT IN (SELECT article_id FROM story_members)",
                                                          unplaced)) if on]
        query = "SELECT * FROM articles" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY seq"
        return (self._article(r) for r in self.db.execute(query, (status,) if status else ()))

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    # -- readings -----------------------------------------------------------------
    def save_readings(self, readings: Iterable[ArticleReading], rules_version: str = "") -> None:
        """Store readings made by the given rules; a story holding a re-read article is compared again."""
        self.save_reading_texts(((r.article.id, reading_to_json(r)) for r in readings), rules_version)

    def save_reading_texts(self, readings: Iterable[tuple[str, str]], rules_version: str = "") -> None:
        """`save_readings` for readings already encoded (article id, `reading_to_json`), e.g. by a worker."""
        rows = [(article_id, text, rules_version) for article_id, text in readings]
        with self.db:
            self.db.executemany(
                "INSERT OR IGNORE INTO stale_stories (story_id) SELECT story_id FROM story_members WHERE article_id = ?",
                ((row[0],) for row in rows))
            self.db.executemany(
                "INSERT OR REPLACE INTO readings (article_id, data, rules_version) VALUES (?, ?, ?)", rows)

    def reject_article(self, article_id: str, reason: str) -> None:
        """Record a stored article as rejected (e.g. the reader failed on it), so no run tries it again."""
        with self.db:
            self.db.execute("UPDATE articles SET status = 'rejected', reason = ? WHERE id = ?", (reason, article_id))

    def unread_articles(self, rules_version: str | None = None) -> list[Article]:
        """Ok articles without a reading, or (given a rules version) with one made by other rules."""
        rows = self.db.execute(
            "SELECT a.* FROM articles a LEFT JOIN readings r ON r.article_id = a.id "
            "WHERE a.status = 'ok' AND (r.article_id IS NULL OR (? IS NOT NULL AND r.rules_version != ?)) "
            "ORDER BY a.seq", (rules_version, rules_version)
        )
        return [self._article(r) for r in rows]

    def read_article_ids(self) -> list[str]:
        """Ids of every article with a stored reading, in arrival order."""
        return [row[0] for row in self.db.execute(
            "SELECT a.id FROM articles a JOIN readings r ON r.article_id = a.id ORDER BY a.seq")]

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

    def reading_rows(self, article_ids: Iterable[str]) -> list[tuple[dict[str, Any], str]]:
        """Stored readings as they are kept, (article fields, reading JSON), for a worker to decode
        (`reading_from_row`): the store's side does no decoding."""
        ids = list(article_ids)
        rows = self.db.execute(
            f"SELECT a.*, r.data FROM articles a JOIN readings r ON r.article_id = a.id "
            f"WHERE a.id IN ({', '.join('?' * len(ids))}) ORDER BY a.seq", ids)
        return [({f: row[f] for f in ARTICLE_FIELDS}, row["data"]) for row in rows]

    # -- clustering state ---------------------------------------------------------
    def save_vectors(self, items: Iterable[Any]) -> None:
        from .stories import TERMS_VERSION

        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO vectors (article_id, vector, terms, day, title, keyterms, terms_version, "
                "weekday) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((i.article_id, np.asarray(i.vector, dtype=np.float32).tobytes(), json.dumps(sorted(i.terms)),
                  i.day, i.title, json.dumps(i.keyterms), TERMS_VERSION, i.weekday) for i in items),
            )

    def _refresh_terms(self) -> None:
        """Recompute names, key terms and weekdays stored by an earlier version, from the stored readings."""
        from .stories import TERMS_VERSION, cluster_terms, event_weekday, key_terms

        stale = [row[0] for row in self.db.execute(
            "SELECT article_id FROM vectors WHERE terms_version < ?", (TERMS_VERSION,))]
        for begin in range(0, len(stale), 256):
            updates = [(json.dumps(sorted(cluster_terms(r))), json.dumps(key_terms(r.article.title or "", r.article.text)),
                        event_weekday(r.article.title or "", r.article.text), TERMS_VERSION, r.article.id)
                       for r in self.readings(stale[begin:begin + 256])]
            with self.db:
                self.db.executemany("UPDATE vectors SET terms = ?, keyterms = ?, weekday = ?, terms_version = ? "
                                    "WHERE article_id = ?", updates)

    def clustered(self) -> Iterator[tuple[Any, str]]:
        """(ClusterInput, story_id) of every placed article, in placement order."""
        from .stories import ClusterInput

        self._refresh_terms()
        rows = self.db.execute(
            "SELECT v.*, m.story_id FROM vectors v JOIN story_members m ON m.article_id = v.article_id ORDER BY m.seq")
        for row in rows:
            yield ClusterInput(
                article_id=row["article_id"], title=row["title"],
                vector=np.frombuffer(row["vector"], dtype=np.float32), terms=frozenset(json.loads(row["terms"])),
                day=row["day"], keyterms=tuple((t, n) for t, n in json.loads(row["keyterms"])), weekday=row["weekday"],
            ), row["story_id"]

    def save_assignments(self, assignments: dict[str, str], explanations: dict[str, str],
                         stale: Iterable[str] = ()) -> None:
        """Article -> story for every article (stories may have merged since last time).

        The `stale` stories are marked for comparing in the same transaction, so an interrupted
        run leaves them marked and the next run rebuilds their dossiers.
        """
        self.save_assignment_parts([(assignments, explanations, stale)])

    def save_assignment_parts(self, parts: Iterable[tuple[dict[str, str], dict[str, str], Iterable[str]]]) -> None:
        """`save_assignments` of parts taken one after another (as they are computed), in one transaction."""
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM story_members").fetchone()[0]
        with self.db:
            for assignments, explanations, stale in parts:
                self.db.executemany("INSERT OR IGNORE INTO stale_stories (story_id) VALUES (?)", ((s,) for s in stale))
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

    def story_sizes(self) -> dict[str, int]:
        """story id -> its number of articles (without holding the members of every story)."""
        return dict(self.db.execute("SELECT story_id, COUNT(*) FROM story_members GROUP BY story_id").fetchall())

    def members_of(self, story_id: str) -> list[tuple[str, str]]:
        """One story's [(article id, why)], in placement order, as `story_members` gives them."""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT article_id, why FROM story_members WHERE story_id = ? ORDER BY seq", (story_id,))]

    def stories_without_dossier(self) -> set[str]:
        return {r[0] for r in self.db.execute(
            "SELECT DISTINCT m.story_id FROM story_members m LEFT JOIN dossiers d ON d.story_id = m.story_id "
            "WHERE d.story_id IS NULL")}

    # -- dossiers -----------------------------------------------------------------
    def save_story_dossier(self, story_id: str, headline: str, data: dict[str, Any]) -> None:
        """Store a story's dossier and clear its mark for comparing, in one transaction."""
        self.save_encoded_dossier(story_id, headline, json.dumps(data, ensure_ascii=False), data)

    def save_encoded_dossier(self, story_id: str, headline: str, text: str, data: dict[str, Any] | None = None) -> None:
        """`save_story_dossier` for a dossier already encoded as JSON (e.g. by a worker); `data` is
        its dict when the caller has it (it is decoded here only for the web index)."""
        now = _now()
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO dossiers (story_id, headline, data, updated_at) VALUES (?, ?, ?, ?)",
                (story_id, headline, text, now))
            self.db.execute("DELETE FROM stale_stories WHERE story_id = ?", (story_id,))
            if self._has_web_index():  # in the same transaction: readers never see a dossier unindexed
                self._drop_story_index(story_id)
                self._index_story(story_id, json.loads(text) if data is None else data, now, len(text))

    def stale_story_ids(self) -> set[str]:
        """Stories marked for comparing whose dossiers are not rebuilt yet."""
        return {row[0] for row in self.db.execute("SELECT story_id FROM stale_stories")}

    def drop_stale_dossiers(self, live_ids: Iterable[str]) -> None:
        ids = list(live_ids)
        with self.db:
            if self._has_web_index():
                for row in self.db.execute(f"SELECT story_id FROM dossiers WHERE story_id NOT IN "
                                           f"({', '.join('?' * len(ids))})", ids).fetchall():
                    self._drop_story_index(row[0])
            self.db.execute(f"DELETE FROM dossiers WHERE story_id NOT IN ({', '.join('?' * len(ids))})", ids)
            self.db.execute(f"DELETE FROM stale_stories WHERE story_id NOT IN ({', '.join('?' * len(ids))})", ids)

    def story_dossiers(self) -> list[dict[str, Any]]:
        return [json.loads(r["data"]) for r in self.db.execute("SELECT data FROM dossiers ORDER BY updated_at DESC")]

    def story_dossier(self, story_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT data FROM dossiers WHERE story_id = ?", (story_id,)).fetchone()
        return json.loads(row["data"]) if row else None

    # -- web: search index, listings and pagination ---------------------------------
    # Added for the web app; the tables live in WEB_SCHEMA and are derived from
    # `articles` and `dossiers`, so they can be dropped and rebuilt at any time.
    def ensure_search_index(self) -> None:
        """Create the web's search and listing tables if missing, then bring them up to date.

        The tables are derived data: when their definition (WEB_SCHEMA, or how text is indexed)
        differs from the one they were built with, they are dropped and built again.
        """
        try:
            with self.db:
                self._drop_outdated_web_index()
                self.db.executescript(WEB_SCHEMA)
                self.db.execute("INSERT OR REPLACE INTO web_index_meta (name, value) VALUES ('definition', ?)",
                                (web_index_definition(),))
        except sqlite3.Error as error:
            raise StoreError(f"Cannot create the search index in {self.path}: {error}. "
                             "The web app needs SQLite with FTS5.") from error
        self.refresh_search_index()

    def _has_web_index(self) -> bool:
        """True when the store holds the web's search tables as this version builds them.

        From then on every write of articles and dossiers indexes them in its own transaction,
        so readers never have to bring the index up to date (and never wait for a writer).
        """
        if getattr(self, "_web_index_ready", False):
            return True
        try:
            row = self.db.execute("SELECT value FROM web_index_meta WHERE name = 'definition'").fetchone()
        except sqlite3.OperationalError:
            return False
        self._web_index_ready = bool(row) and row[0] == web_index_definition()
        return self._web_index_ready

    def _index_articles_since(self, seq: int) -> None:
        """Index the articles stored after placement number `seq` (called inside the write that stored them)."""
        if not self._has_web_index():
            return
        for row in self.db.execute("SELECT a.id, a.title, a.source, a.text FROM articles a LEFT JOIN "
                                   "web_indexed_articles w ON w.article_id = a.id "
                                   "WHERE a.seq > ? AND w.article_id IS NULL", (seq,)).fetchall():
            self.db.execute("INSERT INTO web_article_text (article_id, title, source, text) VALUES (?, ?, ?, ?)",
                            (row["id"], index_form(row["title"] or ""), index_form(row["source"]),
                             index_form(row["text"])))
            self.db.execute("INSERT INTO web_indexed_articles (article_id) VALUES (?)", (row["id"],))

    @contextlib.contextmanager
    def search_budget(self, budget: "SearchBudget") -> Iterator[None]:
        """Run a search under a progress handler that stops it past the budget's steps or seconds.

        A search stopped this way raises SearchBudgetError: its cost is bounded whatever the words.
        """
        import time

        calls = 0
        deadline = time.monotonic() + budget.seconds

        def over_budget() -> int:
            nonlocal calls
            calls += 1
            return 1 if calls > budget.steps or time.monotonic() > deadline else 0

        self.db.set_progress_handler(over_budget, PROGRESS_EVERY)
        try:
            yield
        except StoreError as error:
            if calls > budget.steps or time.monotonic() > deadline:
                raise SearchBudgetError("This search needs more work than one search may do; "
                                        "use rarer or fewer words.") from error
            raise
        finally:
            self.db.set_progress_handler(None, 0)

    def _drop_outdated_web_index(self) -> None:
        # Virtual tables first: dropping one drops its shadow tables.
        tables = [r[0] for r in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'web\\_%' ESCAPE '\\' "
            "ORDER BY sql LIKE 'CREATE VIRTUAL%' DESC, name")]
        if not tables:
            return
        built = None
        if "web_index_meta" in tables:
            row = self.db.execute("SELECT value FROM web_index_meta WHERE name = 'definition'").fetchone()
            built = row[0] if row else None
        if built == web_index_definition():
            return
        for table in tables:
            # A shadow table has gone with its virtual table by the time its turn comes.
            if self.db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone():
                self.db.execute(f'DROP TABLE "{table}"')

    def search_index_state(self) -> tuple[int, int, str]:
        """A cheap fingerprint of what the search index derives from: (articles, dossiers, last update)."""
        row = self.db.execute(
            "SELECT (SELECT COALESCE(MAX(seq), 0) FROM articles) AS a, (SELECT COUNT(*) FROM dossiers) AS d, "
            "(SELECT COALESCE(MAX(updated_at), '') FROM dossiers) AS u").fetchone()
        return int(row["a"]), int(row["d"]), str(row["u"])

    def refresh_search_index(self) -> int:
        """Index articles and story dossiers added or changed since the last refresh; returns how many were indexed."""
        count = 0
        with self.db:
            fresh = self.db.execute(
                "SELECT a.id, a.title, a.source, a.text FROM articles a "
                "LEFT JOIN web_indexed_articles w ON w.article_id = a.id WHERE w.article_id IS NULL").fetchall()
            for row in fresh:
                self.db.execute("INSERT INTO web_article_text (article_id, title, source, text) VALUES (?, ?, ?, ?)",
                                (row["id"], index_form(row["title"] or ""), index_form(row["source"]),
                                 index_form(row["text"])))
                self.db.execute("INSERT INTO web_indexed_articles (article_id) VALUES (?)", (row["id"],))
                count += 1
            stale = self.db.execute(
                "SELECT w.story_id FROM web_stories w LEFT JOIN dossiers d ON d.story_id = w.story_id "
                "WHERE d.story_id IS NULL OR d.updated_at != w.updated_at OR length(d.data) != w.data_size"
            ).fetchall()
            for row in stale:
                self._drop_story_index(row["story_id"])
            changed = self.db.execute(
                "SELECT d.story_id, d.data, d.updated_at FROM dossiers d "
                "LEFT JOIN web_stories w ON w.story_id = d.story_id WHERE w.story_id IS NULL").fetchall()
            for row in changed:
                self._index_story(row["story_id"], json.loads(row["data"]), row["updated_at"], len(row["data"]))
                count += 1
        return count

    def _drop_story_index(self, story_id: str) -> None:
        for table in ("web_stories", "web_story_outlets", "web_story_actors", "web_story_articles", "web_claim_text"):
            self.db.execute(f"DELETE FROM {table} WHERE story_id = ?", (story_id,))

    def _index_story(self, story_id: str, story: dict[str, Any], updated_at: str, size: int) -> None:
        article_ids = [str(a) for a in story.get("article_ids") or []]
        sources = {r["id"]: r["source"] for r in self.db.execute(
            f"SELECT id, source FROM articles WHERE id IN ({', '.join('?' * len(article_ids))})", article_ids)}
        outlets: dict[str, int] = {}
        for aid in article_ids:
            if aid in sources:
                outlets[sources[aid]] = outlets.get(sources[aid], 0) + 1
        for name in story.get("sources") or []:
            outlets.setdefault(str(name), 0)
        claims = story.get("claims") or []
        self.db.execute(
            "INSERT INTO web_stories (story_id, headline, first_published, last_published, updated_at, data_size, "
            "articles, outlets, claims, conflicts, disputed, top_conflict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (story_id, story.get("headline") or "", story.get("first_published"), story.get("last_published"),
             updated_at, size, len(article_ids), len(story.get("sources") or outlets), len(claims),
             len(story.get("conflicts") or []), sum(1 for c in claims if c.get("status") == "disputed"),
             json.dumps(top_conflict(story, sources), ensure_ascii=False)))
        self.db.executemany("INSERT OR IGNORE INTO web_story_outlets (story_id, outlet, articles) VALUES (?, ?, ?)",
                            [(story_id, name, n) for name, n in outlets.items()])
        self.db.executemany("INSERT OR IGNORE INTO web_story_articles (story_id, article_id) VALUES (?, ?)",
                            [(story_id, aid) for aid in article_ids])
        self.db.executemany("INSERT OR IGNORE INTO web_story_actors (story_id, actor, kind) VALUES (?, ?, ?)",
                            [(story_id, str(a.get("name")), a.get("kind")) for a in story.get("actors") or []
                             if isinstance(a, dict) and a.get("name")])
        self.db.executemany(
            "INSERT INTO web_claim_text (story_id, claim_id, speaker, text, shown_speaker, shown_text) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(story_id, str(c.get("id")), index_form(c.get("speaker") or ""), index_form(c.get("text") or ""),
              c.get("speaker") or "", c.get("text") or "") for c in claims])

    def story_rows(self, offset: int = 0, limit: int = 20, since: str | None = None, until: str | None = None,
                   outlet: str | None = None, actor: str | None = None, sort: str = "newest",
                   has_conflicts: bool = False) -> tuple[list[dict[str, Any]], int]:
        """Indexed stories filtered by date overlap, outlet (any part of its name) and actor; (rows, total matching).

        `sort` is one of STORY_ORDERS: newest (last publication), outlets (most first), conflicts (most first).
        """
        where, params = [], []
        if since:
            where.append("COALESCE(s.last_published, s.first_published, '9999') >= ?")
            params.append(since)
        if until:
            where.append("COALESCE(s.first_published, s.last_published, '0000') <= ?")
            params.append(until)
        if outlet:
            where.append("s.story_id IN (SELECT story_id FROM web_story_outlets WHERE outlet LIKE ? ESCAPE '\\')")
            params.append("%" + outlet.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        if has_conflicts:
            where.append("s.conflicts > 0")
        if actor:
            where.append("s.story_id IN (SELECT story_id FROM web_story_actors WHERE actor LIKE ? ESCAPE '\\')")
            params.append("%" + actor.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        total = self.db.execute(f"SELECT COUNT(*) FROM web_stories s{clause}", params).fetchone()[0]
        rows = self.db.execute(
            f"SELECT s.* FROM web_stories s{clause} ORDER BY {STORY_ORDERS[sort]}s.last_published IS NULL, "
            "s.last_published DESC, s.updated_at DESC, s.story_id LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
        out = []
        for row in rows:
            item = {k: row[k] for k in row.keys() if k != "data_size"}
            item["top_conflict"] = json.loads(row["top_conflict"] or "null")
            item["sources"] = [r["outlet"] for r in self.db.execute(
                "SELECT outlet FROM web_story_outlets WHERE story_id = ? ORDER BY outlet", (row["story_id"],))]
            out.append(item)
        return out, int(total)

    def stories_of_article(self, article_id: str) -> list[str]:
        """Ids of the indexed stories an article belongs to."""
        return [r["story_id"] for r in self.db.execute(
            "SELECT story_id FROM web_story_articles WHERE article_id = ? ORDER BY story_id", (article_id,))]

    def story_headlines(self, story_ids: Iterable[str]) -> dict[str, str]:
        """story id -> headline, for the given indexed stories."""
        ids = list(story_ids)
        return {r["story_id"]: r["headline"] for r in self.db.execute(
            f"SELECT story_id, headline FROM web_stories WHERE story_id IN ({', '.join('?' * len(ids))})", ids)}

    def article_rows(self, offset: int = 0, limit: int = 20, status: str | None = None,
                     source: str | None = None) -> tuple[list[Article], int]:
        """Stored articles, newest published first, optionally of one status or outlet; (articles, total)."""
        where, params = [], []
        if status:
            where.append("status = ?")
            params.append(status)
        if source:
            where.append("source = ? COLLATE NOCASE")
            params.append(source)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        total = self.db.execute(f"SELECT COUNT(*) FROM articles{clause}", params).fetchone()[0]
        rows = self.db.execute(
            f"SELECT * FROM articles{clause} ORDER BY published IS NULL, published DESC, seq DESC LIMIT ? OFFSET ?",
            [*params, limit, offset])
        return [self._article(r) for r in rows], int(total)

    def duplicates_of(self, article_id: str) -> list[Article]:
        """Articles recorded as copies of the given article."""
        rows = self.db.execute("SELECT * FROM articles WHERE duplicate_of = ? ORDER BY seq", (article_id,))
        return [self._article(r) for r in rows]

    def outlet_rows(self, offset: int = 0, limit: int = 50) -> tuple[list[dict[str, Any]], int]:
        """Outlets with their article and story counts, most articles first; (rows, total)."""
        total = self.db.execute("SELECT COUNT(DISTINCT source) FROM articles").fetchone()[0]
        rows = self.db.execute(
            "SELECT a.source AS outlet, COUNT(*) AS articles, SUM(a.status = 'ok') AS ok, "
            "(SELECT COUNT(*) FROM web_story_outlets o WHERE o.outlet = a.source) AS stories "
            "FROM articles a GROUP BY a.source ORDER BY articles DESC, a.source LIMIT ? OFFSET ?", (limit, offset))
        return [dict(r) for r in rows], int(total)

    def outlet_story_ids(self, outlet: str, offset: int = 0, limit: int = 20) -> tuple[list[str], int]:
        """Ids of the stories an outlet covers, newest first; (ids, total)."""
        total = self.db.execute("SELECT COUNT(*) FROM web_story_outlets WHERE outlet = ?", (outlet,)).fetchone()[0]
        rows = self.db.execute(
            "SELECT s.story_id FROM web_story_outlets o JOIN web_stories s ON s.story_id = o.story_id "
            "WHERE o.outlet = ? ORDER BY s.last_published IS NULL, s.last_published DESC, s.story_id "
            "LIMIT ? OFFSET ?", (outlet, limit, offset))
        return [r["story_id"] for r in rows], int(total)

    def search_text(self, query: str, offset: int = 0, limit: int = 20) -> tuple[list[dict[str, Any]], int]:
        """Articles and claims matching a search (see search.fts_query), best first; (hits, total).

        Snippets mark the matched words between \\x01 and \\x02, in the text as written.
        """
        match = fts_query(query)
        if not match:
            return [], 0
        union = (
            "SELECT 'article' AS kind, w.article_id AS id, NULL AS story_id, a.title AS title, a.source AS source, "
            "snippet(web_article_text, 3, char(1), char(2), ' … ', 16) AS snippet, a.text AS shown, "
            "bm25(web_article_text) AS rank "
            "FROM web_article_text w JOIN articles a ON a.id = w.article_id WHERE web_article_text MATCH ? "
            "UNION ALL "
            "SELECT 'claim', claim_id, story_id, shown_text, shown_speaker, "
            "snippet(web_claim_text, 3, char(1), char(2), ' … ', 24), shown_text, bm25(web_claim_text) "
            "FROM web_claim_text WHERE web_claim_text MATCH ?")
        try:
            total = self.db.execute(f"SELECT COUNT(*) FROM ({union})", (match, match)).fetchone()[0]
            rows = self.db.execute(f"SELECT * FROM ({union}) ORDER BY rank, kind, id LIMIT ? OFFSET ?",
                                   (match, match, limit, offset)).fetchall()
        except sqlite3.OperationalError as error:
            raise StoreError(f"Cannot search for {query!r}: {error}. Run the web app once to build the index.") from error
        hits = []
        for row in rows:
            hit = {k: row[k] for k in row.keys() if k not in ("rank", "shown")}
            hit["snippet"] = restore_snippet(row["snippet"] or "", row["shown"] or "", " … ")
            hits.append(hit)
        return hits, int(total)

    def outlet_names(self, limit: int = 500) -> list[str]:
        """Outlets of indexed stories, those in most stories first (for suggesting as one types)."""
        return [r[0] for r in self.db.execute(
            "SELECT outlet FROM web_story_outlets GROUP BY outlet ORDER BY COUNT(*) DESC, outlet LIMIT ?", (limit,))]

    def actor_names(self, limit: int = 500) -> list[str]:
        """Actors named in indexed stories, those in most stories first."""
        return [r[0] for r in self.db.execute(
            "SELECT actor FROM web_story_actors GROUP BY actor ORDER BY COUNT(*) DESC, actor LIMIT ?", (limit,))]

    def max_article_seq(self) -> int:
        """The placement number of the newest stored article (0 when empty)."""
        return int(self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])

    def articles_since(self, seq: int) -> list[Article]:
        """Articles stored after the given placement number, in order."""
        return [self._article(r) for r in self.db.execute("SELECT * FROM articles WHERE seq > ? ORDER BY seq", (seq,))]


PROGRESS_EVERY = 1000  # SQLite virtual machine steps between two checks of a search budget


@dataclasses.dataclass(frozen=True)
class SearchBudget:
    """How much work one search may do: budget checks (one per PROGRESS_EVERY SQLite steps) and seconds."""

    steps: int = 50_000
    seconds: float = 2.0


class StoreHttpCache:
    """The HTTP cache of ingest, kept in the store's `http_cache` table (thread-safe)."""

    def __init__(self, store: Store) -> None:
        import threading

        self.store = store
        self.lock = threading.Lock()

    def get(self, url: str) -> tuple[int, dict[str, str], bytes] | None:
        with self.lock:
            row = self.store.db.execute("SELECT status, headers, body FROM http_cache WHERE url = ?", (url,)).fetchone()
        return (row["status"], json.loads(row["headers"]), bytes(row["body"])) if row else None

    def put(self, url: str, status: int, headers: dict[str, str], body: bytes) -> None:
        with self.lock, self.store.db:
            self.store.db.execute(
                "INSERT OR REPLACE INTO http_cache (url, status, headers, body, fetched_at) VALUES (?, ?, ?, ?, ?)",
                (url, status, json.dumps(dict(headers)), body, _now()))

