"""Compare the articles of one story: claims across outlets, conflicts, timeline, actors, framing.

`compare_story(story, readings, encoder, settings) -> StoryDossier` is pure: the
encoder is passed in, nothing touches disk.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from .contradictions import Voices, find_contradictions
from .figures import collect_figures, comparison_settings, find_figure_conflicts, load_figure_rules
from .records import (
    Actor,
    Article,
    ArticleReading,
    Claim,
    Conflict,
    Mention,
    Story,
    StoryDossier,
    TimelineEntry,
)
from .settings import Settings

MIN_CLAIM_WORDS = 6
WORD = re.compile(r"[A-Za-z\u00C0-\u024F'’-]+")
TITLES = re.compile(
    r"^(?:(?:the|a|an|president|prime|minister|chief|general|spokesperson|spokeswoman|spokesman|"
    r"foreign|defence|defense|of|staff|russian|ukrainian|mr|mrs|ms|dr|leader|head|director|mayor|"
    r"governor|senator|secretary|commander|colonel|lieutenant|major|captain|sir|lord|lady|"
    r"armed|forces)\b\.?\s*)+",
    re.IGNORECASE,
)


def _short_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]
    return f"{prefix}-{digest}"


def _name_tokens(name: str) -> tuple[str, ...]:
    return tuple(t.lower().strip("’'") for t in WORD.findall(name))


def _display_name(name: str) -> str:
    stripped = TITLES.sub("", name).strip(" ,")
    return stripped or name


def merge_names(names: Sequence[str]) -> dict[str, str]:
    """Map each name to one canonical form: "Gerasimov" and "Chief ... Valery Gerasimov" -> "Valery Gerasimov".

    Two names are the same entity when the shorter one's words all occur in the
    longer one and they share the final word (the surname or the head noun).
    """
    canon: dict[str, str] = {}
    frequency = Counter(names)
    forms = sorted(frequency, key=lambda n: (-len(_name_tokens(n)), -frequency[n], n))
    heads: list[tuple[tuple[str, ...], str]] = []
    for name in forms:
        tokens = _name_tokens(name)
        target = None
        if tokens:
            for head_tokens, head in heads:
                if tokens[-1] == head_tokens[-1] and set(tokens) <= set(head_tokens):
                    target = head
                    break
                # Surname-compatible spellings ("Valeriy" / "Valery Gerasimov").
                if len(tokens) >= 2 and tokens[-1] == head_tokens[-1] and len(tokens[-1]) > 3 \
                        and tokens[0][:4] in {t[:4] for t in head_tokens}:
                    target = head
                    break
        if target is None:
            heads.append((tokens or (name.lower(),), name))
            target = name
        canon[name] = target
    # Display the heads without titles ("Chief of the General Staff Valery Gerasimov" -> "Valery Gerasimov").
    display = {head: _display_name(head) for _, head in heads}
    return {name: display[target] for name, target in canon.items()}


def _claim_candidates(readings: Sequence[ArticleReading]) -> list[Mention]:
    mentions = []
    for reading in readings:
        for mention in reading.mentions:
            if len(WORD.findall(mention.text)) >= MIN_CLAIM_WORDS:
                mentions.append(mention)
    return mentions


STOPWORDS = frozenset("""
a an the and or but if of to in on at by for with from as into onto about over under after before
is are was were be been being has have had do does did will would shall should can could may might must
that this these those it its it's they them their there here he him his she her we our you your i me my
said says say told tell stated according also not no than then so such very more most less much many
who whom whose which what when where why how all any each both some other others own same just only
""".split())


def content_words(text: str) -> frozenset[str]:
    """Lowercased content words, crudely singularised, for lexical agreement between mentions."""
    words = set()
    for word in WORD.findall(text.lower()):
        word = word.strip("'’-")
        if len(word) < 3 or word in STOPWORDS:
            continue
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        words.add(word)
    return frozenset(words)


class ClaimSimilarity:
    """How strongly two mentions make the same claim: meaning (embeddings) checked by shared rare words.

    The whole matrix is computed at once (dense products and a sparse word matrix), so
    grouping a story's mentions costs array operations, not Python loops over pairs.
    """

    def __init__(self, texts: Sequence[str], vectors: np.ndarray, embedding_weight: float = 0.6) -> None:
        from scipy.sparse import csr_matrix

        count = len(texts)
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for i, text in enumerate(texts):
            for word in content_words(text):
                rows.append(i)
                cols.append(vocabulary.setdefault(word, len(vocabulary)))
        dense = (vectors @ vectors.T).astype(np.float32) if count else np.zeros((0, 0), np.float32)
        if vocabulary:
            present = csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(count, len(vocabulary)))
            frequency = np.asarray(present.sum(axis=0)).ravel()
            idf = (np.log((count + 1) / frequency) + 0.1).astype(np.float32)
            weighted = present.multiply(idf[None, :]).tocsr()
            shared = (weighted @ present.T).toarray()
            mass = np.asarray(weighted.sum(axis=1)).ravel()
            smaller = np.maximum(np.minimum(mass[:, None], mass[None, :]), 1e-9)
            overlap = (shared / smaller).astype(np.float32)
        else:
            overlap = np.zeros_like(dense)
        self.matrix = embedding_weight * dense + (1 - embedding_weight) * overlap

    def __call__(self, i: int, j: int) -> float:
        return float(self.matrix[i, j])


def group_claims(mentions: Sequence[Mention], similarity: ClaimSimilarity, threshold: float) -> list[list[int]]:
    """Group mentions into claims by average similarity, never two mentions of one article in a claim.

    A greedy pass puts each mention in the claim it matches best on average; a second
    pass merges claims that match each other as well, so the result depends little on
    the order in which articles arrived. An article that repeats a point does not
    corroborate itself.
    """
    count = len(mentions)
    if not count:
        return []
    matrix = similarity.matrix
    article_index = {a: k for k, a in enumerate(dict.fromkeys(m.article_id for m in mentions))}
    articles = np.array([article_index[m.article_id] for m in mentions])
    sums = np.zeros((count, count), dtype=np.float32)  # mention x group: summed similarity
    holds = np.zeros((len(article_index), count), dtype=bool)  # article x group: already has a mention
    sizes = np.zeros(count, dtype=np.int64)
    groups: list[list[int]] = []
    for i in range(count):
        g = len(groups)
        if g:
            scores = np.where(holds[articles[i], :g], -np.inf, sums[i, :g] / np.maximum(sizes[:g], 1))
            best = int(np.argmax(scores))
            if scores[best] >= threshold:
                g = best
        if g == len(groups):
            groups.append([])
        groups[g].append(i)
        sums[:, g] += matrix[:, i]
        holds[articles[i], g] = True
        sizes[g] += 1
    total = len(groups)
    sizes = sizes[:total].astype(np.float64)
    members = np.zeros((count, total), dtype=np.float32)
    for g, group in enumerate(groups):
        members[group, g] = 1.0
    pair_sums = members.T @ matrix @ members  # group x group: summed similarity
    holds = holds[:, :total]
    alive = np.ones(total, dtype=bool)
    # group x group: some article has a mention in both; kept up to date as groups merge
    shared = (holds.T.astype(np.int32) @ holds.astype(np.int32)) > 0
    while True:
        average = pair_sums / np.outer(sizes, sizes)
        blocked = shared | ~alive[:, None] | ~alive[None, :]
        average = np.where(blocked, -np.inf, np.triu(average, 1))
        np.fill_diagonal(average, -np.inf)
        a, b = np.unravel_index(int(np.argmax(average)), average.shape)
        if average[a, b] < threshold or not np.isfinite(average[a, b]):
            break
        groups[a] += groups[b]
        groups[b] = []
        pair_sums[a, :] += pair_sums[b, :]
        pair_sums[:, a] += pair_sums[:, b]
        sizes[a] += sizes[b]
        holds[:, a] |= holds[:, b]
        shared[a, :] |= shared[b, :]
        shared[:, a] |= shared[:, b]
        alive[b] = False
    return [sorted(g) for g in groups if g]


def _merge_timeline(mentions: Sequence[Mention], vectors: np.ndarray, index_of: Mapping[int, int],
                    threshold: float) -> list[TimelineEntry]:
    by_date: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for mention in mentions:
        for time in mention.times:
            by_date[(time.value, time.precision)].append(mention)
    entries = []
    for (value, precision), dated in by_date.items():
        events: list[list[Mention]] = []
        for mention in dated:
            vector = vectors[index_of[id(mention)]] if id(mention) in index_of else None
            placed = False
            if vector is not None:
                for event in events:
                    first = event[0]
                    if id(first) in index_of and float(vectors[index_of[id(first)]] @ vector) >= threshold:
                        event.append(mention)
                        placed = True
                        break
            if not placed:
                events.append([mention])
        for event in events:
            unique = list({m.article_id: m for m in event}.values())
            representative = min(event, key=lambda m: len(m.text))
            entries.append(TimelineEntry(
                date=value, precision=precision, event=representative.text,
                article_ids=tuple(dict.fromkeys(m.article_id for m in event)), mentions=tuple(unique),
            ))
    entries.sort(key=lambda e: (e.date, -len(e.article_ids)))
    return entries


def _merge_actors(readings: Sequence[ArticleReading]) -> list[tuple[Actor, tuple[str, ...]]]:
    names = [actor.name for r in readings for actor in r.actors]
    canon = merge_names(names)
    merged: dict[str, dict] = {}
    for reading in readings:
        for actor in reading.actors:
            name = canon.get(actor.name, actor.name)
            entry = merged.setdefault(name, {"kind": Counter(), "mentions": 0, "roles": set(), "articles": []})
            entry["kind"][actor.kind] += actor.mentions
            entry["mentions"] += actor.mentions
            entry["roles"].update(actor.roles)
            if reading.article.id not in entry["articles"]:
                entry["articles"].append(reading.article.id)
    out = [
        (Actor(name=name, kind=e["kind"].most_common(1)[0][0], mentions=e["mentions"], roles=tuple(sorted(e["roles"]))),
         tuple(e["articles"]))
        for name, e in merged.items()
    ]
    out.sort(key=lambda pair: (-len(pair[1]), -pair[0].mentions, pair[0].name))
    return out


def compare_story(story: Story, readings: Mapping[str, ArticleReading], encoder, settings: Settings) -> StoryDossier:
    """The dossier of one story: claims, conflicts, timeline, actors and framing."""
    story_readings = [readings[a] for a in story.article_ids if a in readings]
    sources = {r.article.id: r.article.source for r in story_readings}
    speakers = [m.speaker for r in story_readings for m in r.mentions if m.speaker]
    speakers += [q.speaker for r in story_readings for m in r.mentions for q in m.quantities if q.speaker]
    canon = merge_names(speakers)

    def speaker_of(mention: Mention) -> str | None:
        return canon.get(mention.speaker, mention.speaker) if mention.speaker else None

    candidates = _claim_candidates(story_readings)
    dated = [m for r in story_readings for m in r.mentions if m.times and m not in candidates]
    everything = candidates + dated
    if len(story_readings) > 1 and everything:
        vectors = encoder.encode([m.content or m.text for m in everything])
    else:
        vectors = np.eye(max(len(everything), 1), dtype=np.float32)[: len(everything)]
    index_of = {id(m): i for i, m in enumerate(everything)}
    claim_vectors = vectors[: len(candidates)]

    # Conflicts first: claims that take part in one are "disputed".
    articles = {r.article.id: r.article for r in story_readings}
    every_mention = [m for r in story_readings for m in r.mentions]
    figure_rules = load_figure_rules(settings.figures_path)
    figures = collect_figures(every_mention, articles, speaker_of, figure_rules, settings)
    numeric, updates = find_figure_conflicts(figures, settings, figure_rules)
    conflicts: list[Conflict] = list(numeric)
    similarity = ClaimSimilarity([m.content or m.text for m in candidates], claim_vectors)
    if len(candidates):
        conflicts += find_contradictions(candidates, claim_vectors, Voices(sources, speaker_of),
                                         encoder=encoder if len(story_readings) > 1 else None)

    groups = group_claims(candidates, similarity, settings.claim_threshold)
    claim_of_mention: dict[int, str] = {}
    claims: list[Claim] = []
    for group in groups:
        members = [candidates[i] for i in group]
        outlets = tuple(dict.fromkeys(sources[m.article_id] for m in members))
        named = Counter(speaker_of(m) for m in members if m.speaker)
        speaker = named.most_common(1)[0][0] if named else None
        first = members[0]
        claim_id = _short_id("c", story.id, first.article_id, str(first.start))
        for i in group:
            claim_of_mention[id(candidates[i])] = claim_id
        claims.append(Claim(
            id=claim_id,
            text=(first.content or first.text) if first.speaker else first.text,
            speaker=speaker,
            status="corroborated" if len(outlets) >= 2 else "single_source",
            mentions=tuple(members),
            sources=outlets,
        ))

    linked = []
    contested: set[tuple[str, int]] = set()
    by_sentence = {(m.article_id, m.start): claim_of_mention[id(m)] for m in candidates}
    for conflict in conflicts:
        ids = tuple(dict.fromkeys(
            by_sentence[(s.article_id, s.start)] for s in conflict.sides if (s.article_id, s.start) in by_sentence
        ))
        contested.update((s.article_id, s.start) for s in conflict.sides)
        linked.append(replace(conflict, claim_ids=ids))
    # A claim is disputed when most of its sentences take a side in a conflict; one outlet's
    # sentence that also carries a disputed aside does not make an established fact disputed.
    claims = [
        Claim(c.id, c.text, c.speaker, "disputed", c.mentions, c.sources)
        if 2 * sum((m.article_id, m.start) in contested for m in c.mentions) >= len(c.mentions) else c
        for c in claims
    ]
    claims.sort(key=lambda c: ({"disputed": 0, "corroborated": 1, "single_source": 2}[c.status], -len(c.sources)))
    claims = claims[: settings.max_claims_per_story]

    timeline = _merge_timeline(everything, vectors, index_of, settings.claim_threshold)
    dates = sorted(r.article.published for r in story_readings if r.article.published)
    return StoryDossier(
        story=story,
        sources=tuple(dict.fromkeys(sources[a] for a in story.article_ids if a in sources)),
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
        claims=tuple(claims),
        conflicts=tuple(linked),
        timeline=tuple(timeline),
        actors=tuple(_merge_actors(story_readings)),
        framing=tuple((r.article.id, r.framing) for r in story_readings),
        updates=tuple(updates),
        compared_with=comparison_settings(settings, figure_rules),
    )


def choose_headline(articles: Sequence[Article]) -> str:
    """A story's headline: the title that most other outlets' titles agree with, so no one outlet can take it.

    Each outlet has one say, whatever it posted or however early it dated its articles: a title
    scores the sum, over the other outlets, of its best word overlap with their titles. Ties (one
    or two outlets) go to the earliest dated title, as before.
    """
    titled = [a for a in articles if a.title and a.title.strip()]
    if not titled:
        return ""
    words_of = {a.id: {w.lower() for w in WORD.findall(a.title or "") if len(w) > 2} for a in titled}
    by_outlet: dict[str, list[set[str]]] = defaultdict(list)
    for article in titled:
        by_outlet[article.source.casefold()].append(words_of[article.id])

    def agreement(article: Article) -> float:
        own, words = article.source.casefold(), words_of[article.id]
        return sum(max((len(words & other) / len(words | other) if words | other else 0.0) for other in titles)
                   for outlet, titles in by_outlet.items() if outlet != own)

    best = min(titled, key=lambda a: (-round(agreement(a), 6), a.published or "9999", a.id))
    return best.title or ""
