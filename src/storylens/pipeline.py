"""The whole run: ingest -> clean -> dedupe -> read -> cluster -> compare, over a store.

`analyze` and `add` are the same operation: new articles go into the store, are read,
placed into stories (existing or new), and every touched story's dossier is rebuilt.
The store makes runs idempotent: the same input with the same content adds nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from .clean import clean_document
from .stories import StoryClusterer, build_inputs
from .compare import choose_headline, compare_story
from .dedupe import DuplicateIndex
from .ingest import canonical_input, read_inputs, reason_category
from .figures import load_figure_rules
from .read import load_lexicon, load_nlp, read_articles
from .outlets import OutletDirectory
from .records import Article, ArticleReading, Story
from .report.jsonout import dossier_to_dict, story_to_dict
from .settings import Settings
from .store import Store, StoreHttpCache

T = TypeVar("T")
log = logging.getLogger(__name__)
Progress = Callable[[Iterable[T], str, int | None], Iterable[T]]


def no_progress(items: Iterable[T], label: str, total: int | None = None) -> Iterable[T]:
    return items


@dataclass
class Models:
    """The heavy models, loaded once and passed to every stage."""

    nlp: Any
    encoder: Any
    lexicon: Any

    @classmethod
    def load(cls, settings: Settings, threads: int = 0) -> "Models":
        """The models of the settings; `threads` the encoder's (0: one per core, at most four)."""
        from .embed import RememberingEncoder, load_encoder

        encoder = load_encoder(threads=threads, quantized=settings.encoder_quantized)
        if encoder.text_by_text:  # its vectors can be remembered: each depends on its text alone
            encoder = RememberingEncoder(encoder)
        return cls(nlp=load_nlp(settings), encoder=encoder, lexicon=load_lexicon(settings.lexicon_path, settings.loaded_term_packs))


@dataclass
class RunSummary:
    """What one run did."""

    seen: int = 0
    new: int = 0
    already_stored: int = 0
    status: dict[str, int] = field(default_factory=dict)
    rejected_reasons: dict[str, int] = field(default_factory=dict)
    stories_touched: int = 0


def _distinct_id(article: Article) -> Article:
    """A second input with identical content gets its own id (it is recorded as a duplicate)."""
    salt = hashlib.sha256(f"{article.input}\x1f{article.content_hash}".encode()).hexdigest()[:12]
    return replace(article, id=f"{article.id[:6]}{salt[:6]}")


def _too_long(article: Article, settings: Settings) -> Article:
    """The article rejected when its text is past max_article_chars (the documented rule for long texts)."""
    if article.status != "ok" or len(article.text) <= settings.max_article_chars:
        return article
    reason = (f"too long: {len(article.text):,} characters of text, over the {settings.max_article_chars:,} "
              "limit (max_article_chars)")
    digest = hashlib.sha256(f"rejected\n{article.input}\n{reason}".encode()).hexdigest()
    return replace(article, id=digest[:12], status="rejected", reason=reason, text="", content_hash=None)


class Admission:
    """Decides, one cleaned article at a time in reading order, what a run stores, and stores it in
    batches of `ingest_batch_size` per transaction.

    An input already stored (by canonical path and content) is skipped; an article whose id is
    taken gets a distinct one; `check_duplicate` marks a copy of an earlier article. Both engines
    admit articles through this one class, so they store the same thing.
    """

    def __init__(self, store: Store, settings: Settings, summary: RunSummary) -> None:
        self.store = store
        self.settings = settings
        self.summary = summary
        self._batch: list[Article] = []
        self._ids: set[str] = set()
        self._canonical: dict[str, str] = {}
        # (canonical input, content hash) of the batch not yet stored; earlier batches are in the store
        self._inputs: set[tuple[str, str]] = set()

    def admit(self, article: Article, check_duplicate: Callable[[Article], Article]) -> Article | None:
        """The article as it will be stored, or None when it is stored already."""
        article = _too_long(article, self.settings)
        summary, store = self.summary, self.store
        summary.seen += 1
        identity = canonical_input(article.input)
        key = (identity, article.content_hash or "")
        if key in self._inputs or store.known_input(article.input, article.content_hash, identity):
            summary.already_stored += 1
            return None
        self._inputs.add(key)
        if article.status == "ok":
            if article.id in self._ids or store.has_article(article.id):
                article = _distinct_id(article)
            article = check_duplicate(article)
        elif article.id in self._ids or store.has_article(article.id):
            summary.already_stored += 1
            return None
        self._batch.append(article)
        self._ids.add(article.id)
        self._canonical[article.id] = identity
        summary.status[article.status] = summary.status.get(article.status, 0) + 1
        if article.status == "rejected":
            category = reason_category(article.reason or "")
            summary.rejected_reasons[category] = summary.rejected_reasons.get(category, 0) + 1
        if len(self._batch) >= self.settings.ingest_batch_size:
            self.commit()
        return article

    def commit(self) -> None:
        """Store the batch admitted so far in one transaction."""
        self.summary.new += self.store.add_articles(self._batch, self._canonical)
        self._batch.clear()
        self._ids.clear()
        self._canonical.clear()
        self._inputs.clear()


def ingest_into(store: Store, inputs: Sequence[str], settings: Settings, progress: Progress = no_progress,
                summary: RunSummary | None = None, *, fetch_client: Any = None) -> int:
    """Read, clean and deduplicate inputs; store the new ones, `ingest_batch_size` per transaction.

    Time is linear in the number of records, and an interrupted run keeps every batch it stored
    (the next run skips those inputs). Returns how many articles were stored.

    A caller's `fetch_client` (the web app's guarded or refusing one) does every fetch, without the
    store's HTTP cache, so nothing is read from the network or the cache that the client does not allow.
    """
    summary = summary or RunSummary()
    duplicates = DuplicateIndex(settings)
    for stored in store.articles(status="ok"):
        duplicates.add(stored)
    admission = Admission(store, settings, summary)
    for raw in progress(read_inputs(inputs, settings, client=fetch_client,
                                    cache=None if fetch_client is not None else StoreHttpCache(store)),
                        "reading inputs", None):
        admission.admit(clean_document(raw, settings), duplicates.check)
    admission.commit()
    return summary.new


def read_new(store: Store, models: Models, settings: Settings, progress: Progress = no_progress) -> int:
    """Read every stored article that has no reading yet; returns how many were read.

    Readings are stored every few dozen articles. An article the reader fails on is recorded as
    rejected with the reason, so one article never stops the others (nor later runs).
    """
    # Readings made by other reading rules (an upgrade, another figures file) are read again.
    rules_version = load_figure_rules(settings.figures_path).version
    unread = store.unread_articles(rules_version)
    count = 0
    chunk = max(1, settings.spacy_batch_size) * 2
    chunks = range(0, len(unread), chunk)
    for begin in progress(chunks, f"reading articles ({chunk} at a time)", len(chunks)):
        articles = unread[begin:begin + chunk]
        try:
            readings = list(read_articles(articles, models.nlp, models.lexicon, settings))
        except Exception:  # noqa: BLE001 - find the article at fault, read the rest
            readings = []
            for article in articles:
                try:
                    readings += read_articles([article], models.nlp, models.lexicon, settings)
                except Exception as error:  # noqa: BLE001 - spaCy and the rules can fail on odd text
                    log.warning("%s: cannot be read: %s", article.input, error)
                    store.reject_article(article.id, f"unreadable: the reader failed: {error}")
        store.save_readings(readings, rules_version)
        count += len(readings)
    return count


def restore_clusterer(store: Store, settings: Settings) -> StoryClusterer:
    """A clusterer holding every stored assignment, ready to place new articles."""
    clusterer = StoryClusterer(settings)
    for item, story_id in store.clustered():
        clusterer.add(item, story_id=story_id)
    return clusterer


def cluster_new(store: Store, models: Models, settings: Settings) -> set[str]:
    """Place every read but unplaced article into a story; returns the ids of touched stories."""
    clustered = {a for members in store.story_members().values() for a, _ in members}
    fresh = [a for a in store.read_article_ids() if a not in clustered]
    if not fresh:
        return set()
    items = []
    # Readings are heavy: hold a few hundred at a time, keep only what clustering needs.
    for begin in range(0, len(fresh), 256):
        readings = list(store.readings(fresh[begin:begin + 256]))
        items += build_inputs(readings, models.encoder)
    store.save_vectors(items)
    clusterer = restore_clusterer(store, settings)
    before = clusterer.assignments()
    # An empty store groups all articles at once (average link, order-free); otherwise each
    # new article is placed in the existing stories, oldest first.
    clusterer.add_batch(items)
    after = clusterer.assignments()
    touched = {after[i.article_id] for i in items}
    # Stories that absorbed others through a bridging article are touched too, and so are both
    # halves of a story that split because it had come to mix two events.
    moved = {a: s for a, s in before.items() if after[a] != s}
    touched |= {after[a] for a in moved} | set(moved.values())
    explanations = {a: why for story in clusterer.stories() for a, why in story.explanations}
    live = {after[a] for a in after if after[a] in touched}
    # The touched stories are marked with the assignments, in one transaction: a run stopped
    # before their dossiers are rebuilt leaves the marks, and the next run rebuilds them.
    store.save_assignments(after, explanations, stale=live)
    return live


def compare_stories(store: Store, story_ids: Iterable[str], models: Models, settings: Settings,
                    progress: Progress = no_progress) -> None:
    """Rebuild and store the dossier of each given story."""
    members = store.story_members()
    ids = [s for s in story_ids if s in members]
    for story_id in progress(ids, "comparing stories", len(ids)):
        readings = {r.article.id: r for r in store.readings([a for a, _ in members[story_id]])}
        headline, data = story_dossier(story_id, members[story_id], readings, models.encoder, settings)
        store.save_story_dossier(story_id, headline, data)
    store.drop_stale_dossiers(members)


def story_dossier(story_id: str, members: Sequence[tuple[str, str]], readings: dict[str, ArticleReading],
                  encoder: Any, settings: Settings) -> tuple[str, dict[str, Any]]:
    """A story's headline and dossier dict, from its (article id, why) members and their readings."""
    articles = {a: r.article for a, r in readings.items()}
    story = Story(
        id=story_id,
        article_ids=tuple(a for a, _ in members),
        headline=choose_headline(list(articles.values())),
        explanations=tuple(members),
    )
    dossier = compare_story(story, readings, encoder, settings)
    return story.headline, story_to_dict(dossier, articles)


def run(store: Store, inputs: Sequence[str], settings: Settings, models: Models,
        progress: Progress = no_progress, *, fetch_client: Any = None) -> RunSummary:
    """Ingest inputs into the store and bring every affected story's dossier up to date.

    Runs on one store take turns (the store's writer lock), so duplicates are found as if the
    runs came one after the other. Each step resumes what an interrupted run left: unread
    articles are read, unplaced ones placed, stories marked stale compared.
    """
    summary = RunSummary()
    with store.exclusive():
        ingest_into(store, inputs, settings, progress, summary, fetch_client=fetch_client)
        read_new(store, models, settings, progress)
        touched = cluster_new(store, models, settings)
        missing = set(store.story_members()) - {d["id"] for d in store.story_dossiers()}
        compare_stories(store, touched | missing | store.stale_story_ids(), models, settings, progress)
    summary.stories_touched = len(touched)
    return summary


def dossier_from_store(store: Store, generated_at: str | None = None,
                       outlets: OutletDirectory | None = None) -> dict[str, Any]:
    """The dossier dict of everything in the store, stories oldest first; outlet facts joined when given."""
    stories = store.story_dossiers()
    stories.sort(key=lambda s: (s.get("first_published") or "9999", s["id"]))
    dossier = dossier_to_dict(store.articles(), stories, generated_at)
    if outlets is not None:
        join_outlet_facts(dossier, outlets)
    return dossier


def join_outlet_facts(dossier: dict[str, Any], outlets: OutletDirectory) -> None:
    """Add the user's outlet facts (country, owner, tags) to every article and story of a dossier."""
    facts: dict[str, dict[str, Any]] = {}
    for article in dossier["articles"]:
        outlet = outlets.lookup(article["source"], article.get("url"))
        article["outlet"] = None if outlet is None else {
            "name": outlet.name, "domain": outlet.domain, "country": outlet.country, "owner": outlet.owner,
            "tags": list(outlet.tags)}
        if outlet is not None:
            facts[article["id"]] = article["outlet"]
    for story in dossier["stories"]:
        story["outlet_facts"] = list({f["name"]: f for a in story["article_ids"] if (f := facts.get(a))}.values())


def analyze_to_dict(inputs: Sequence[str], settings: Settings, models: Models, db: str = ":memory:") -> dict[str, Any]:
    """Run the pipeline over inputs in a store (in memory by default) and return the dossier dict."""
    with Store(db) as store:
        run(store, inputs, settings, models)
        return dossier_from_store(store)

