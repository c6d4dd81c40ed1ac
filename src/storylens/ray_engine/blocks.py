"""Stories at scale: the local clustering run per block of days, blocks overlapping, merged at edges.

An input of at most `block_articles` articles is one block: the local batch clustering,
whose answer it is, story for story. A larger one is cut into blocks of whole days
(`plan_blocks`), each of at least `block_articles` articles and wider than two clustering
windows, each also taking the articles one window either side of it; undated articles form
a block of their own. Articles further apart than the window never share a story, so each
block is clustered on its own (a Ray task) by `StoryClusterer` with term weights from the
whole input; an article in an overlap lands in two blocks, and the stories that share it
merge. A story made by such a merge is checked for a split as the local engine checks every
story it groups (`split_story`), so two events that met only at the edge part again. Cut
into blocks, the answer is close to the local one but not always the same: an article's
nearest neighbours are sought within its block, not among all articles.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..records import Story
from ..settings import Settings
from ..stories import ClusterInput, PairScorer, StoryClusterer, arrival_order, split_story

BLOCK_ARTICLES = 20_000  # inputs up to this size are clustered whole; larger ones in blocks at least this large
UNDATED = -1


class FixedWeightsScorer(PairScorer):
    """A pair scorer whose term weights come from every article of a run, not those it has seen."""

    def __init__(self, settings: Settings, document_frequency: Counter[str], articles: int) -> None:
        super().__init__(settings)
        self.document_frequency = document_frequency
        self.articles = articles

    def observe(self, item: ClusterInput) -> None:
        return None  # the weights are already those of the whole run


def term_counts(items: Iterable[ClusterInput]) -> Counter[str]:
    """Document frequencies of names and key terms, as `PairScorer.observe` counts them."""
    counts: Counter[str] = Counter()
    for item in items:
        counts.update(item.terms)
        counts.update(t for t, _ in item.keyterms)
    return counts


@dataclass(frozen=True)
class BlockPlan:
    """Where the blocks of days start. No starts: one block (number 0) holds every article, dated or not."""

    starts: tuple[int, ...]  # first day of blocks 1, 2, ... (block 0 takes the days before the first start)
    window: int  # the clustering window in days: articles this close to an edge are in both blocks

    @property
    def whole(self) -> bool:
        return not self.starts


def plan_blocks(days: Counter[int | None], settings: Settings, block_articles: int = BLOCK_ARTICLES) -> BlockPlan:
    """Blocks for articles with these publication days (None: undated), `block_articles` or more each."""
    window = max(settings.cluster_window_days, 1)
    if sum(days.values()) <= block_articles:
        return BlockPlan((), window)
    starts: list[int] = []
    first, count = None, 0
    for day in sorted(d for d in days if d is not None):
        if first is not None and count >= block_articles and day - first > 2 * window:
            starts.append(day)
            first, count = None, 0
        first = day if first is None else first
        count += days[day]
    if starts and sum(n for d, n in days.items() if d is not None and d >= starts[-1]) < block_articles:
        starts.pop()  # the last block would be small: the one before it takes its days
    return BlockPlan(tuple(starts), window)


def blocks_of(day: int | None, plan: BlockPlan) -> list[int]:
    """The blocks an article is clustered in: its own, and a neighbour's when it is within a window of the edge."""
    if plan.whole:
        return [0]
    if day is None:
        return [UNDATED]
    block = bisect.bisect_right(plan.starts, day)
    out = [block]
    if block > 0 and day - plan.starts[block - 1] < plan.window:
        out.append(block - 1)
    if block < len(plan.starts) and plan.starts[block] - day <= plan.window:
        out.append(block + 1)
    return out


@dataclass(frozen=True)
class Placement:
    """Where one block put one article: its block, the block-local story, and why."""

    block: int
    story: str
    article_id: str
    explanation: str
    home: bool  # the article's own block (not an overlap): its explanation is kept


def cluster_block(block: int, items: Sequence[ClusterInput], settings: Settings, plan: BlockPlan,
                  document_frequency: Counter[str], articles: int) -> list[Placement]:
    """The local batch clustering of one block's articles."""
    clusterer = StoryClusterer(settings, scorer=FixedWeightsScorer(settings, document_frequency, articles))
    clusterer.add_batch(items)
    home = {i.article_id for i in items if blocks_of(i.day, plan)[0] == block}
    return [Placement(block, story.id, article_id, why, article_id in home)
            for story in clusterer.stories() for article_id, why in story.explanations]


@dataclass(frozen=True)
class MergedStories:
    """The stories of all blocks after merging; `merged` names those made of stories of several blocks."""

    stories: list[Story]
    merged: frozenset[str]


def merge_blocks(placements: Iterable[Placement], order: dict[str, tuple[int, str]]) -> MergedStories:
    """Stories of all blocks, merged where they share an article, named and ordered as the local engine does.

    `order` is each article's arrival order (`arrival_order`); a story is named after its
    first article and stories come oldest first.
    """
    parent: dict[tuple[int, str], tuple[int, str]] = {}

    def find(key: tuple[int, str]) -> tuple[int, str]:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    story_of: dict[str, tuple[int, str]] = {}
    why: dict[str, str] = {}
    for placement in placements:
        key = find((placement.block, placement.story))
        other = story_of.setdefault(placement.article_id, key)
        if other != key:
            parent[find(other)] = key
        if placement.home or placement.article_id not in why:
            why[placement.article_id] = placement.explanation
    members: dict[tuple[int, str], list[str]] = {}
    for article_id, key in story_of.items():
        members.setdefault(find(key), []).append(article_id)
    parts = Counter(find(key) for key in parent)  # block stories in each merged story
    stories, merged = [], set()
    for root, ids in members.items():
        ids.sort(key=order.__getitem__)
        stories.append(_story(ids, why))
        if parts[root] > 1:
            merged.add(stories[-1].id)
    stories.sort(key=lambda s: order[s.article_ids[0]])
    return MergedStories(stories, frozenset(merged))


def _story(ids: Sequence[str], why: dict[str, str]) -> Story:
    """A story of articles in arrival order, named after its first one."""
    explanations = tuple((a, "first article of the story" if n == 0 else why[a]) for n, a in enumerate(ids))
    return Story(id=f"s-{ids[0]}", article_ids=tuple(ids), headline="", explanations=explanations)


def split_merged(merged: MergedStories, items: dict[str, ClusterInput], order: dict[str, tuple[int, str]],
                 settings: Settings, document_frequency: Counter[str], articles: int) -> list[Story]:
    """Every story, with each edge-merged one split as the local clustering splits the stories it groups.

    `items` holds the articles of the merged stories (at least), `order` every article's
    arrival order; the halves are named after their first articles and their members
    explained again within them. Stories come oldest first.
    """
    scorer = FixedWeightsScorer(settings, document_frequency, articles)
    explainer = StoryClusterer(settings, scorer=scorer)
    stories: list[Story] = []
    for story in merged.stories:
        if story.id not in merged.merged:
            stories.append(story)
            continue
        members = sorted((items[a] for a in story.article_ids), key=arrival_order)
        parts = split_story(members, scorer, settings.cluster_split_cut, settings.cluster_weekday_cut)
        if len(parts) == 1:
            stories.append(story)
            continue
        for part in parts:
            part.sort(key=arrival_order)
            why = {m.article_id: explainer.explain_within(m, part) for m in part[1:]}
            stories.append(_story([m.article_id for m in part], why))
    stories.sort(key=lambda s: order[s.article_ids[0]])
    return stories
