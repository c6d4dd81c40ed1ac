"""Stories: group articles about one event, in batch or one article at a time.

Pairs of articles are scored by scoring.py. A story's score for an article is the
average pair score with (a bounded sample of) its members. Candidates come from
approximate nearest-neighbour indexes, one per window-long span of days, searched only
where an article can reach, never from all articles: memory and time stay linear in
the number of articles. In batch the closest groups merge first; one at a
time, an article that reaches the threshold for several stories bridges them and they
merge, keeping the oldest story's id. Either way, a story whose articles form two groups
linked mostly among themselves splits in two (splits.py), and an article left alone joins
the story whose few closest members it is close to (a story's edge is far from its average).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from ..records import Story
from ..settings import Settings
from .inputs import ClusterInput, arrival_order
from .scoring import CLOSEST_MEMBERS, PairMatrix, PairScorer, closest_mean, sample_members
from .splits import SPLIT_MIN_PART, split_story

STRAGGLER_GROUP = 2  # groups this small may join the story whose closest members are close enough
_NEAREST_RULE = f"mean score with its {CLOSEST_MEMBERS} closest members"


class StoryClusterer:
    """Story clustering: `add` places one article at a time, `add_batch` groups many at once.

    A story's score for an article is the average of the article's pair scores with
    (a sample of) the story's members. Candidate stories come from the nearest
    articles in an approximate nearest-neighbour index, never from all stories.
    """

    def __init__(self, settings: Settings, dimensions: int = 384, scorer: PairScorer | None = None) -> None:
        """`scorer` replaces the default pair scorer (e.g. one with term weights of a larger run)."""
        from usearch.index import Index

        self.settings = settings
        self.scorer = scorer or PairScorer(settings)
        self._dimensions = dimensions
        self._indexes: dict[int | None, Index] = {}  # window-long span of days (None: undated) -> index
        self._items: list[ClusterInput] = []  # index key -> item
        self._article_story: dict[str, str] = {}
        self._members: dict[str, list[ClusterInput]] = {}
        self._order: dict[str, int] = {}
        self._merged_into: dict[str, str] = {}
        self._explanations: dict[str, str] = {}
        self._headlines: dict[str, str] = {}
        self._checked_size: dict[str, int] = {}  # story -> its size when last checked for a split

    def _resolve(self, story_id: str) -> str:
        while story_id in self._merged_into:
            story_id = self._merged_into[story_id]
        return story_id

    def _neighbours(self, item: ClusterInput) -> list[ClusterInput]:
        """The nearest articles that can share a story: dated ones within the window, and undated ones.

        Articles sit in one index per window-long span of days, so the search looks only at
        the spans an article can reach: recurring kinds of news in other months cost nothing.
        """
        spans = list(self._indexes) if item.day is None else [
            span for span in (None, *range(self._span(item.day) - 1, self._span(item.day) + 2)) if span in self._indexes]
        found: list[tuple[float, int]] = []
        for span in spans:
            index = self._indexes[span]
            matches = index.search(item.vector, min(self.settings.cluster_candidates, len(index)))
            found += zip(np.atleast_1d(matches.distances).tolist(), np.atleast_1d(matches.keys).tolist())
        found.sort()
        near = (self._items[int(key)] for _, key in found)
        return [n for n in near if self.scorer.within_window(item.day, n.day)][: self.settings.cluster_candidates]

    def _span(self, day: int) -> int:
        return day // max(self.settings.cluster_window_days, 1)

    def story_score(self, item: ClusterInput, story_id: str) -> tuple[float, float, ClusterInput]:
        """An article's average pair score with a story's (sampled) members, its mean score with
        the closest few, and the closest member."""
        members = sample_members(self._members[story_id])
        scores = [self.scorer.score(item, m) for m in members]
        best = max(range(len(members)), key=scores.__getitem__)
        closest = closest_mean(scores)
        if min(scores) < self.settings.cluster_threshold * self.settings.cluster_min_link:
            return 0.0, closest, members[best]
        return sum(scores) / len(scores), closest, members[best]

    def _open(self, story_id: str) -> None:
        self._members[story_id] = []
        self._order[story_id] = len(self._order)

    def _index_item(self, item: ClusterInput, story_id: str, why: str) -> None:
        self._members[story_id].append(item)
        self._article_story[item.article_id] = story_id
        self._explanations[item.article_id] = why
        if item.title and story_id not in self._headlines:
            self._headlines[story_id] = item.title
        span = None if item.day is None else self._span(item.day)
        if span not in self._indexes:
            from usearch.index import Index

            self._indexes[span] = Index(ndim=self._dimensions, metric="cos", dtype="f32")
        self._indexes[span].add(len(self._items), item.vector)
        self._items.append(item)

    def _merge(self, keep: str, other: str) -> None:
        for member in self._members[other]:
            self._article_story[member.article_id] = keep
        self._members[keep].extend(self._members.pop(other))
        self._headlines.setdefault(keep, self._headlines.get(other, ""))
        self._headlines.pop(other, None)
        self._merged_into[other] = keep
        self._checked_size.pop(other, None)

    def add(self, item: ClusterInput, story_id: str | None = None) -> str:
        """Place one article; returns its story id. `story_id` restores a stored assignment."""
        if item.article_id in self._article_story:
            return self._resolve(self._article_story[item.article_id])
        self.scorer.observe(item)
        if story_id is not None:
            story_id = self._resolve(story_id)
            if story_id not in self._members:
                self._open(story_id)
            self._index_item(item, story_id, "stored assignment")
            return story_id
        candidates = dict.fromkeys(self._resolve(self._article_story[n.article_id])
                                   for n in self._neighbours(item))
        matches = []
        nearest: tuple[float, str, ClusterInput] | None = None
        for candidate in candidates:
            score, closest_mean, closest = self.story_score(item, candidate)
            if score >= self.settings.cluster_threshold:
                matches.append((score, candidate, closest))
            elif len(self._members[candidate]) > STRAGGLER_GROUP and (nearest is None or closest_mean > nearest[0]):
                nearest = (closest_mean, candidate, closest)
        if not matches and nearest is not None and self._joins_nearest(nearest[0]):
            # No story takes the article on average, but a few of one story's members are close.
            score, story_id, closest = nearest
            self._index_item(item, story_id, self.scorer.explain(item, closest, score, _NEAREST_RULE,
                                                                 self.settings.cluster_straggler_score))
            self._recheck(story_id)
            return self._resolve_article(item.article_id)
        if not matches:
            story_id = f"s-{item.article_id}"
            self._open(story_id)
            self._index_item(item, story_id, "first article of the story")
            return story_id
        matches.sort(key=lambda m: self._order[m[1]])
        keep = matches[0][1]
        best = max(matches, key=lambda m: m[0])
        for _, other, _ in matches[1:]:
            self._merge(keep, other)
        why = self.scorer.explain(item, best[2], best[0])
        if len(matches) > 1:
            why += f"; bridged {len(matches)} stories"
        self._index_item(item, keep, why)
        self._recheck(keep, force=len(matches) > 1)
        return self._resolve_article(item.article_id)

    def _joins_nearest(self, closest_mean: float) -> bool:
        return self.settings.cluster_straggler_score > 0 and closest_mean >= self.settings.cluster_straggler_score

    def _resolve_article(self, article_id: str) -> str:
        return self._resolve(self._article_story[article_id])

    def _recheck(self, story_id: str, force: bool = False) -> None:
        """Split a growing story if it has come to mix two events.

        A story is checked when a bridge merges stories into it, whenever it has grown by a
        quarter since its last check (so the cost per article stays bounded), and (`force`)
        at the end of each batch of new articles for the stories they joined. The half
        holding the story's first article keeps its id; the other half opens a new story.
        """
        members = self._members[story_id]
        if self.settings.cluster_split_cut <= 0 or len(members) < 2 * SPLIT_MIN_PART:
            return
        if not force and len(members) < self._checked_size.get(story_id, 0) * 1.25:
            return
        self._checked_size[story_id] = len(members)
        parts = split_story(members, self.scorer, self.settings.cluster_split_cut, self.settings.cluster_weekday_cut)
        if len(parts) == 1:
            return
        first = members[0].article_id
        parts.sort(key=lambda part: not any(m.article_id == first for m in part))
        self._members[story_id] = parts[0]
        self._checked_size[story_id] = len(parts[0])
        self._relabel(story_id, parts[0])
        for part in parts[1:]:
            new_id = self._fresh_story_id(part[0].article_id, story_id)
            self._open(new_id)
            self._members[new_id] = part
            self._checked_size[new_id] = len(part)
            self._relabel(new_id, part)

    def _fresh_story_id(self, article_id: str, splitting: str) -> str:
        """An id for a split-off half: the id its first article's story had, if it merged into this one."""
        story_id, n = f"s-{article_id}", 1
        while story_id in self._members or story_id in self._merged_into:
            if story_id in self._merged_into and self._resolve(story_id) == splitting:
                del self._merged_into[story_id]  # the story that merged in comes back under its own id
                return story_id
            n += 1
            story_id = f"s-{article_id}-{n}"
        return story_id

    def _relabel(self, story_id: str, members: list[ClusterInput]) -> None:
        """Point members at their story and explain each again within it."""
        self._headlines[story_id] = next((m.title for m in members if m.title), "")
        for position, member in enumerate(members):
            self._article_story[member.article_id] = story_id
            if position == 0:
                self._explanations[member.article_id] = "first article of the story"
            else:
                # Written when the stories are read: a story may split again before then.
                self._explanations.pop(member.article_id, None)

    def _explanation(self, item: ClusterInput, story_id: str) -> str:
        why = self._explanations.get(item.article_id)
        if why is None:
            why = self._explanations[item.article_id] = self.explain_within(item, self._members[story_id])
        return why

    def explain_within(self, item: ClusterInput, members: Sequence[ClusterInput]) -> str:
        """Why `item` is one of `members`: its closest member and the score that kept it."""
        others = sample_members([m for m in members if m.article_id != item.article_id])
        scores = [self.scorer.score(item, o) for o in others]
        best = max(range(len(others)), key=scores.__getitem__)
        average = sum(scores) / len(scores)
        if average < self.settings.cluster_threshold and self._joins_nearest(closest_mean(scores)):
            return self.scorer.explain(item, others[best], closest_mean(scores), _NEAREST_RULE,
                                       self.settings.cluster_straggler_score)
        return self.scorer.explain(item, others[best], average)

    def add_batch(self, items: Iterable[ClusterInput]) -> None:
        """Group many articles at once: average-link merging over nearest-neighbour pairs.

        Each article starts as its own group; the closest pair of groups (average score
        over a bounded sample of their members) merges first, until no pair reaches the
        threshold. Unlike one-by-one placement the result does not depend on input order.
        """
        fresh = [i for i in items if i.article_id not in self._article_story]
        if not fresh:
            return
        if self._items:  # stories exist already: place the new articles one by one
            for item in sorted(fresh, key=arrival_order):
                self.add(item)
            # Then check every story they went to, not only those that grew by a quarter.
            for story_id in dict.fromkeys(self._resolve_article(i.article_id) for i in fresh):
                if story_id in self._members:
                    self._recheck(story_id, force=True)
            return
        fresh.sort(key=arrival_order)
        for item in fresh:
            self.scorer.observe(item)
        from usearch.index import Index

        index = Index(ndim=len(fresh[0].vector), metric="cos", dtype="f32")
        # One thread: a graph built by several threads depends on their timing, and so would the
        # neighbours found and the stories (searching it afterwards is the same on any thread count).
        index.add(np.arange(len(fresh)), np.stack([i.vector for i in fresh]), threads=1)
        k = min(self.settings.cluster_candidates, len(fresh))
        group = list(range(len(fresh)))  # item -> group id (union-find root)
        members: dict[int, list[int]] = {i: [i] for i in range(len(fresh))}

        def find(i: int) -> int:
            while group[i] != i:
                group[i] = group[group[i]]
                i = group[i]
            return i

        floor = self.settings.cluster_threshold * self.settings.cluster_min_link

        pairs = PairMatrix(fresh, self.scorer)

        def average(a: int, b: int) -> float:
            scores = pairs.scores(sample_members(members[a]), sample_members(members[b]))
            if scores.min() < floor:
                return 0.0  # some pair is plainly unrelated: two events, however alike on average
            return float(scores.mean())

        heap: list[tuple[float, int, int]] = []
        seen: set[tuple[int, int]] = set()
        neighbours: dict[int, set[int]] = {i: set() for i in range(len(fresh))}
        results = index.search(np.stack([i.vector for i in fresh]), k) if len(fresh) > 1 else None
        keys = results.keys if results is not None else np.zeros((1, 0), dtype=np.uint64)
        counts = results.counts if results is not None else np.zeros(1, dtype=np.int64)
        for i in range(len(fresh)):
            new = []
            for key in keys[i, : counts[i]]:
                j = int(key)
                if j == i or (min(i, j), max(i, j)) in seen:
                    continue
                seen.add((min(i, j), max(i, j)))
                neighbours[i].add(j)
                neighbours[j].add(i)
                new.append(j)
            for j, score in zip(new, pairs.scores([i], new)[0] if new else ()):
                if score >= self.settings.cluster_threshold:
                    heapq.heappush(heap, (-float(score), i, j))
        while heap:
            negative, a, b = heapq.heappop(heap)
            a, b = find(a), find(b)
            if a == b:
                continue
            current = average(a, b)
            if current < self.settings.cluster_threshold:
                continue
            if current < -negative - 1e-9:
                heapq.heappush(heap, (-current, a, b))  # stale: the groups grew since this entry
                continue
            keep, other = (a, b) if a < b else (b, a)
            group[other] = keep
            members[keep].extend(members.pop(other))
            neighbours[keep] |= neighbours.pop(other)
            for n in {find(x) for x in neighbours[keep]} - {keep}:
                score = average(keep, n)
                if score >= self.settings.cluster_threshold:
                    heapq.heappush(heap, (-score, keep, n))
        position_of = {item.article_id: i for i, item in enumerate(fresh)}
        groups = [[position_of[m.article_id] for m in part]
                  for indices in members.values()
                  for part in split_story([fresh[i] for i in sorted(indices)], self.scorer,
                                          self.settings.cluster_split_cut, self.settings.cluster_weekday_cut)]
        groups = self._absorb_stragglers(groups, fresh, lambda i: [int(k) for k in keys[i, : counts[i]]])
        for indices in sorted(groups, key=min):
            first = fresh[min(indices)]
            story_id = f"s-{first.article_id}"
            self._open(story_id)
            for position, i in enumerate(sorted(indices)):
                item = fresh[i]
                why = ("first article of the story" if position == 0
                       else self.explain_within(item, [fresh[j] for j in indices]))
                self._index_item(item, story_id, why)
            self._checked_size[story_id] = len(indices)

    def _absorb_stragglers(self, groups: list[list[int]], fresh: Sequence[ClusterInput],
                           neighbours_of: Callable[[int], list[int]]) -> list[list[int]]:
        """Groups of one or two articles join the story whose closest members are close enough.

        Average link holds a story to its average member: an article on the story's edge,
        close to some members but not to the average, would stay alone.
        """
        if self.settings.cluster_straggler_score <= 0:
            return groups
        group_of = {i: g for g, indices in enumerate(groups) for i in indices}
        target: dict[int, int] = {}
        for indices in groups:
            if len(indices) > STRAGGLER_GROUP:
                continue
            for i in indices:
                best_score, best_group = 0.0, None
                for g in dict.fromkeys(group_of[j] for j in neighbours_of(i)):
                    if len(groups[g]) <= STRAGGLER_GROUP:
                        continue
                    members = sample_members([fresh[j] for j in groups[g]])
                    score = closest_mean([self.scorer.score(fresh[i], m) for m in members])
                    if score > best_score:
                        best_score, best_group = score, g
                if best_group is not None and self._joins_nearest(best_score):
                    target[i] = best_group
        if not target:
            return groups
        out = [[i for i in indices if i not in target] for indices in groups]
        for i, g in target.items():
            out[g].append(i)
        return [sorted(indices) for indices in out if indices]

    def assignments(self) -> dict[str, str]:
        """Article id -> story id, for every article added."""
        return {article: self._resolve(story) for article, story in self._article_story.items()}

    def stories(self) -> list[Story]:
        """Current stories, oldest first."""
        out = []
        for story_id in sorted(self._members, key=self._order.__getitem__):
            members = [m.article_id for m in self._members[story_id]]
            out.append(Story(
                id=story_id,
                article_ids=tuple(members),
                headline=self._headlines.get(story_id, ""),
                explanations=tuple((m.article_id, self._explanation(m, story_id)) for m in self._members[story_id]),
            ))
        return out



def cluster_articles(items: Iterable[ClusterInput], settings: Settings) -> list[Story]:
    """Batch clustering of articles into stories."""
    clusterer = StoryClusterer(settings)
    clusterer.add_batch(items)
    return clusterer.stories()
