"""The whole run: ingest -> clean -> dedupe -> read -> cluster -> compare, over a store.

`analyze` and `add` are the same operation: new articles go into the store, are read,
placed into stories (existing or new), and every touched story's dossier is rebuilt.
The store makes runs idempotent: the same input with the same content adds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from .clean import clean_document
from .stories import StoryClusterer, build_inputs
from .compare import compare_story
from .dedupe import DuplicateIndex
from .ingest import read_inputs, reason_category
from .read import load_lexicon, load_nlp, read_articles
from .outlets import OutletDirectory
from .records import Article, Story
from .report.jsonout import dossier_to_dict, story_to_dict
from .settings import Settings
from .store import Store, StoreHttpCache

T = TypeVar("T")
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
    def load(cls, settings: Settings) -> "Models":
        from .embed import load_encoder

        return cls(nlp=load_nlp(settings), encoder=load_encoder(quantized=settings.encoder_quantized), lexicon=load_lexicon(settings.lexicon_path))


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


def ingest_into(store: Store, inputs: Sequence[str], settings: Settings, progress: Progress = no_progress,
                summary: RunSummary | None = None) -> list[Article]:
    """Read, clean and deduplicate inputs; store the new ones. Returns the newly stored articles."""
    summary = summary or RunSummary()
    duplicates = DuplicateIndex(settings)
    for stored in store.articles(status="ok"):
        duplicates.add(stored)
    new: list[Article] = []
    for raw in progress(read_inputs(inputs, settings, cache=StoreHttpCache(store)), "reading inputs", None):
        article = clean_document(raw, settings)
        summary.seen += 1
        if store.known_input(article.input, article.content_hash):
            summary.already_stored += 1
            continue
        if article.status == "ok":
            if store.has_article(article.id) or any(a.id == article.id for a in new):
                article = _distinct_id(article)
            article = duplicates.check(article)
        elif store.has_article(article.id) or any(a.id == article.id for a in new):
            summary.already_stored += 1
            continue
        new.append(article)
        summary.status[article.status] = summary.status.get(article.status, 0) + 1
        if article.status == "rejected":
            category = reason_category(article.reason or "")
            summary.rejected_reasons[category] = summary.rejected_reasons.get(category, 0) + 1
    summary.new = store.add_articles(new)
    return new


def read_new(store: Store, models: Models, settings: Settings, progress: Progress = no_progress) -> int:
    """Read every stored article that has no reading yet; returns how many were read."""
    unread = store.unread_articles()
    batch = []
    count = 0
    for reading in progress(read_articles(unread, models.nlp, models.lexicon, settings), "reading articles",
                            len(unread)):
        batch.append(reading)
        count += 1
        if len(batch) >= 64:
            store.save_readings(batch)
            batch = []
    store.save_readings(batch)
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
    store.save_assignments(after, explanations)
    return {after[a] for a in after if after[a] in touched}


def compare_stories(store: Store, story_ids: Iterable[str], models: Models, settings: Settings,
                    progress: Progress = no_progress) -> None:
    """Rebuild and store the dossier of each given story."""
    members = store.story_members()
    ids = [s for s in story_ids if s in members]
    for story_id in progress(ids, "comparing stories", len(ids)):
        article_ids = [a for a, _ in members[story_id]]
        readings = {r.article.id: r for r in store.readings(article_ids)}
        articles = {a: r.article for a, r in readings.items()}
        dated = sorted(articles.values(), key=lambda a: (a.published or "9999", a.id))
        story = Story(
            id=story_id,
            article_ids=tuple(article_ids),
            headline=next((a.title for a in dated if a.title), ""),
            explanations=tuple(members[story_id]),
        )
        dossier = compare_story(story, readings, models.encoder, settings)
        store.save_story_dossier(story_id, story.headline, story_to_dict(dossier, articles))
    store.drop_stale_dossiers(members)


def run(store: Store, inputs: Sequence[str], settings: Settings, models: Models,
        progress: Progress = no_progress) -> RunSummary:
    """Ingest inputs into the store and bring every affected story's dossier up to date."""
    summary = RunSummary()
    ingest_into(store, inputs, settings, progress, summary)
    read_new(store, models, settings, progress)
    touched = cluster_new(store, models, settings)
    missing = set(store.story_members()) - {d["id"] for d in store.story_dossiers()}
    compare_stories(store, touched | missing, models, settings, progress)
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

