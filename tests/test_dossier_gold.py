"""Gold dossiers: each folder in tests/data/dossier is one story told by several outlets.

The pipeline runs on one folder at a time and its dossier is scored against the
folder's expected.json: conflicts found (precision, recall, with floors), claims
that should be corroborated or single-source, timeline dates and duplicates.
The fast tests check that the gold data itself is sound and that the scoring is right.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

GOLD = Path(__file__).resolve().parent / "data" / "dossier"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
STORY_DIRS = sorted(p for p in GOLD.iterdir() if (p / "expected.json").is_file())
STORY_NAMES = [p.name for p in STORY_DIRS]

CONFLICT_PRECISION_FLOOR = 0.85
# Contradictions come from aligned statement frames, not from cue words anywhere in a sentence;
# subjects align by meaning (same_thing groups of statements.yaml, the story encoder, event
# anaphors such as "the move"), so "the strike is over" meets "the stoppage is still going on".
# The contradiction rules are also measured on real news (bench/conflicts_real.py).
CONFLICT_RECALL_FLOOR = 0.85
CORROBORATED_FLOOR = 0.75
SINGLE_SOURCE_FLOOR = 0.85

TXT_HEADER = re.compile(r"^ date (\d{4}-\d{2}-\d{2}) (\S.*)$")
JSONL_FIELDS = {"id", "url", "source", "title", "published", "text"}
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
DATE_VALUE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class GoldArticle:
    """One article of a gold story as written on disk."""

    file: str
    source: str
    published: str
    title: str
    text: str


@dataclass(frozen=True)
class ConflictScore:
    """Counts behind conflict precision and recall."""

    predicted: int
    correct: int
    expected: int
    found: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    def __add__(self, other: "ConflictScore") -> "ConflictScore":
        return ConflictScore(self.predicted + other.predicted, self.correct + other.correct,
                             self.expected + other.expected, self.found + other.found)


# --- reading the gold data -------------------------------------------------------------


def load_expected(folder: Path) -> dict[str, Any]:
    """The expected.json of a gold story folder."""
    return json.loads((folder / "expected.json").read_text(encoding="utf-8"))


def read_gold_articles(folder: Path) -> list[GoldArticle]:
    """Every article file of a folder; a .txt file's outlet is its stem, a .jsonl record's is `source`."""
    articles = []
    for path in sorted(folder.iterdir()):
        if path.suffix == ".txt":
            header, blank, body = path.read_text(encoding="utf-8").split("\n", 2)
            match = TXT_HEADER.match(header)
            assert match and blank == "", f"{path}: first line must be ' date YYYY-MM-DD Title', then a blank line"
            articles.append(GoldArticle(path.name, path.stem, match[1], match[2], body.strip()))
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                assert set(record) == JSONL_FIELDS, f"{path}: record fields must be {sorted(JSONL_FIELDS)}"
                articles.append(GoldArticle(path.name, record["source"], record["published"][:10],
                                            record["title"], record["text"]))
    return articles


def normalize_source(name: str) -> str:
    """Outlet names compared loosely: 'The Riverside Post' and 'riverside-post' are the same outlet."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    return "-".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def spell_number(value: float) -> list[str]:
    """Ways a figure may be written in an article: 1200 -> '1,200', '1200'; 48e6 -> '48 million'."""
    forms = [f"{value:,.0f}", f"{value:.0f}"] if value == int(value) else [f"{value:g}"]
    if value in range(1, 11):
        forms.append(NUMBER_WORDS[int(value) - 1])
    if value >= 1_000_000 and value % 100_000 == 0:
        forms.append(f"{value / 1_000_000:g} million")
    return forms


# --- scoring a dossier ------------------------------------------------------------------


def contains(text: str | None, phrase: str) -> bool:
    """Case-insensitive substring test."""
    return phrase.lower() in (text or "").lower()


def match_conflict(predicted: dict[str, Any], expected: dict[str, Any]) -> bool:
    """A predicted conflict matches an expected one: same kind and same values, or every phrase in some side."""
    if predicted.get("kind") != expected["kind"]:
        return False
    sides = predicted.get("sides") or []
    if expected["kind"] == "numeric":
        found = sorted({float(s["value"]) for s in sides if s.get("value") is not None})
        wanted = sorted({float(v) for v in expected["values"]})
        return len(found) == len(wanted) and all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(found, wanted))
    return all(any(contains(side.get("text"), phrase) for side in sides) for phrase in expected["phrases"])


def score_conflicts(predicted: list[dict[str, Any]], expected: dict[str, Any]) -> ConflictScore:
    """Precision counts: a prediction is correct if it matches an expected conflict and no listed non-conflict."""
    wanted = expected["conflicts"]
    unwanted = expected.get("not_conflicts", [])
    found: set[int] = set()
    correct = 0
    for conflict in predicted:
        if any(match_conflict(conflict, n) for n in unwanted):
            continue
        hits = {i for i, e in enumerate(wanted) if match_conflict(conflict, e)}
        if hits:
            correct += 1
            found |= hits
    return ConflictScore(predicted=len(predicted), correct=correct, expected=len(wanted), found=len(found))


def claim_sentences(claim: dict[str, Any]) -> list[str]:
    """The claim text and the sentence of each of its mentions."""
    return [claim.get("text") or ""] + [m.get("sentence") or "" for m in claim.get("mentions", [])]


def find_corroborated(claims: list[dict[str, Any]], phrase: str, min_sources: int) -> bool:
    """Some corroborated claim carries the phrase and is backed by at least `min_sources` outlets."""
    return any(
        claim.get("status") == "corroborated"
        and any(contains(s, phrase) for s in claim_sentences(claim))
        and len({normalize_source(s) for s in claim.get("sources", [])}) >= min_sources
        for claim in claims
    )


def find_single_source(claims: list[dict[str, Any]], phrase: str, source: str) -> bool:
    """Some single-source claim carries the phrase, and its one outlet is `source`."""
    return any(
        claim.get("status") == "single_source"
        and any(contains(s, phrase) for s in claim_sentences(claim))
        and {normalize_source(s) for s in claim.get("sources", [])} == {normalize_source(source)}
        for claim in claims
    )


def story_conflicts(dossier: dict[str, Any]) -> list[dict[str, Any]]:
    """Every conflict of every story of a dossier."""
    return [c for story in dossier["stories"] for c in story.get("conflicts", [])]


def story_claims(dossier: dict[str, Any]) -> list[dict[str, Any]]:
    """Every claim of every story of a dossier."""
    return [c for story in dossier["stories"] for c in story.get("claims", [])]


def timeline_dates(dossier: dict[str, Any]) -> set[str]:
    """Every date on the timelines of a dossier."""
    return {entry["date"] for story in dossier["stories"] for entry in story.get("timeline", [])}


def hit_rate(hits: int, total: int) -> str:
    """'3/4 (75%)' for printing."""
    return f"{hits}/{total}" + (f" ({hits / total:.0%})" if total else "")


# --- running the pipeline (once per folder per session) -----------------------------------

ARTICLE_SUFFIXES = {".txt", ".html", ".jsonl"}


def article_files(folder: Path) -> list[str]:
    """The article files of a folder, leaving out expected.json and README.md."""
    return [str(p) for p in sorted(folder.iterdir()) if p.suffix in ARTICLE_SUFFIXES]

_RUNS: dict[str, dict[str, Any]] = {}


def analyze_folder(folder: Path, models: Any) -> dict[str, Any]:
    """The dossier dict of one gold folder, computed once per test session."""
    if folder.name not in _RUNS:
        from storylens.pipeline import analyze_to_dict
        from storylens.settings import Settings

        _RUNS[folder.name] = analyze_to_dict(article_files(folder), Settings(), models)
    return _RUNS[folder.name]


# --- the gold data is sound -------------------------------------------------------------


def test_gold_set_covers_every_case():
    expected = [load_expected(folder) for folder in STORY_DIRS]
    conflicts = [c for e in expected for c in e["conflicts"]]
    assert len(STORY_DIRS) >= 6
    assert any(c["kind"] == "numeric" for c in conflicts)
    assert sum(c["kind"] == "contradiction" for c in conflicts) >= 4
    assert any(e["not_conflicts"] for e in expected), "a toll that grows is not a conflict"
    assert sum(e["duplicates"] for e in expected) >= 2
    assert all(e["single_source"] and e["corroborated"] and e["timeline"] for e in expected)


@pytest.mark.parametrize("folder", STORY_DIRS, ids=STORY_NAMES)
def test_gold_story_is_well_formed(folder):
    expected = load_expected(folder)
    articles = read_gold_articles(folder)
    outlets = {normalize_source(a.source) for a in articles}
    assert expected["story"] == folder.name
    assert 3 <= len(outlets) <= 5
    for article in articles:
        words = len(article.text.split())
        assert 150 <= words <= 350, f"{article.source}: {words} words"
    assert all(DATE_VALUE.match(d) for d in expected["timeline"])
    assert set(expected) == {"story", "conflicts", "not_conflicts", "corroborated", "single_source",
                             "timeline", "duplicates"}


@pytest.mark.parametrize("folder", STORY_DIRS, ids=STORY_NAMES)
def test_gold_phrases_occur_in_the_articles(folder):
    expected = load_expected(folder)
    articles = read_gold_articles(folder)
    texts = [a.text for a in articles]
    for conflict in expected["conflicts"] + expected["not_conflicts"]:
        if conflict["kind"] == "contradiction":
            for phrase in conflict["phrases"]:
                assert any(contains(t, phrase) for t in texts), phrase
        else:
            for value in conflict["values"]:
                assert any(form in t for form in spell_number(value) for t in texts), value
    for item in expected["corroborated"]:
        carriers = {normalize_source(a.source) for a in articles if contains(a.text, item["phrase"])}
        assert carriers, item["phrase"]
    for item in expected["single_source"]:
        carriers = {normalize_source(a.source) for a in articles if contains(a.text, item["phrase"])}
        assert carriers == {normalize_source(item["source"])}, item["phrase"]


@pytest.mark.parametrize("folder", STORY_DIRS, ids=STORY_NAMES)
def test_gold_duplicates_are_copies_with_a_new_headline(folder):
    expected = load_expected(folder)
    articles = read_gold_articles(folder)
    copies = [
        (a, b) for i, a in enumerate(articles) for b in articles[i + 1:]
        if a.source != b.source and (a.text.startswith(b.text) or b.text.startswith(a.text))
    ]
    assert len(copies) == expected["duplicates"]
    for a, b in copies:
        assert a.title != b.title


def test_examples_follow_the_input_conventions():
    txt = sorted(EXAMPLES.glob("*.txt"))
    html = sorted(EXAMPLES.glob("*.html"))
    records = [json.loads(line) for path in EXAMPLES.glob("*.jsonl") for line in path.read_text().splitlines()]
    assert txt and html and records
    assert "fictional" in (EXAMPLES / "README.md").read_text(encoding="utf-8").split("\n\n")[1].lower()
    for path in txt:
        assert TXT_HEADER.match(path.read_text(encoding="utf-8").split("\n", 1)[0]), path.name
    for path in html:
        page = path.read_text(encoding="utf-8")
        for marker in ("<title>", 'property="og:site_name"', 'property="og:title"',
                       'property="article:published_time"', "<nav", "<article", "<footer"):
            assert marker in page, f"{path.name} lacks {marker}"
    assert all(set(r) == JSONL_FIELDS for r in records)
    assert 6 <= len(txt) + len(html) + len(records) <= 10


# --- the scoring is right ---------------------------------------------------------------

NUMERIC = {"kind": "numeric", "summary": "", "claim_ids": [], "measure": "evacuated",
           "sides": [{"text": "About 1,200 people left.", "value": 1200.0}, {"text": "Some 1,500 left.", "value": 1500}]}
CONTRADICTION = {"kind": "contradiction", "summary": "", "claim_ids": [], "measure": None,
                 "sides": [{"text": "The evacuation has been completed.", "value": None},
                           {"text": "Evacuations are still under way.", "value": None}]}


@pytest.mark.parametrize(("expected", "matches"), [
    ({"kind": "numeric", "values": [1500, 1200]}, True),
    ({"kind": "numeric", "values": [1200, 1400]}, False),
    ({"kind": "numeric", "values": [1200]}, False),
    ({"kind": "contradiction", "phrases": ["1,200", "1,500"]}, False),
])
def test_numeric_conflict_matches_on_its_set_of_values(expected, matches):
    assert match_conflict(NUMERIC, expected) is matches


@pytest.mark.parametrize(("phrases", "matches"), [
    (["EVACUATION HAS BEEN COMPLETED", "still under way"], True),
    (["has been completed"], True),
    (["has been completed", "still going on"], False),
])
def test_contradiction_matches_when_every_phrase_is_in_a_side(phrases, matches):
    assert match_conflict(CONTRADICTION, {"kind": "contradiction", "phrases": phrases}) is matches


@pytest.mark.parametrize(("predicted", "score"), [
    ([NUMERIC, CONTRADICTION], ConflictScore(predicted=2, correct=1, expected=1, found=1)),
    ([NUMERIC, NUMERIC], ConflictScore(predicted=2, correct=2, expected=1, found=1)),
    ([CONTRADICTION], ConflictScore(predicted=1, correct=0, expected=1, found=0)),
    ([], ConflictScore(predicted=0, correct=0, expected=1, found=0)),
])
def test_conflicts_that_match_nothing_cost_precision(predicted, score):
    expected = {"conflicts": [{"kind": "numeric", "values": [1200, 1500]}], "not_conflicts": []}
    assert score_conflicts(predicted, expected) == score


def test_a_listed_non_conflict_counts_as_a_false_positive():
    expected = {"conflicts": [{"kind": "numeric", "values": [1200, 1500]}],
                "not_conflicts": [{"kind": "numeric", "values": [1200, 1500]}]}
    result = score_conflicts([NUMERIC], expected)
    assert (result.precision, result.recall) == (0.0, 0.0)


@pytest.mark.parametrize(("status", "sources", "min_sources", "found"), [
    ("corroborated", ["Riverside Post", "valley-courier"], 2, True),
    ("corroborated", ["Riverside Post", "the riverside post"], 2, False),
    ("single_source", ["Riverside Post"], 1, False),
    ("disputed", ["Riverside Post", "valley-courier"], 2, False),
])
def test_corroboration_needs_enough_distinct_outlets(status, sources, min_sources, found):
    claims = [{"text": "x", "status": status, "sources": sources,
               "mentions": [{"sentence": "The dam failed late on Tuesday."}]}]
    assert find_corroborated(claims, "late on tuesday", min_sources) is found


@pytest.mark.parametrize(("status", "sources", "found"), [
    ("single_source", ["The Riverside Post"], True),
    ("single_source", ["Valley Courier"], False),
    ("corroborated", ["The Riverside Post", "Valley Courier"], False),
])
def test_single_source_claim_must_come_from_the_named_outlet(status, sources, found):
    claims = [{"text": "A farmer saw water over the wall.", "status": status, "sources": sources, "mentions": []}]
    assert find_single_source(claims, "farmer saw", "the-riverside-post") is found


# --- the pipeline against the gold set (slow) ---------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("folder", STORY_DIRS, ids=STORY_NAMES)
def test_gold_folder_makes_one_story(folder, models):
    expected = load_expected(folder)
    dossier = analyze_folder(folder, models)
    ok = {a["id"] for a in dossier["articles"] if a["status"] == "ok"}
    duplicates = [a for a in dossier["articles"] if a["status"] == "duplicate"]
    assert len(dossier["stories"]) == 1, [s["headline"] for s in dossier["stories"]]
    assert ok <= set(dossier["stories"][0]["article_ids"])
    assert len(duplicates) == expected["duplicates"]
    assert len(ok) + len(duplicates) == len(read_gold_articles(folder))


@pytest.mark.slow
def test_gold_conflicts_meet_the_floors(models):
    total = ConflictScore(0, 0, 0, 0)
    corroborated = [0, 0]
    single = [0, 0]
    dates = [0, 0]
    rows = []
    for folder in STORY_DIRS:
        expected = load_expected(folder)
        dossier = analyze_folder(folder, models)
        score = score_conflicts(story_conflicts(dossier), expected)
        total += score
        claims = story_claims(dossier)
        c_hits = sum(find_corroborated(claims, i["phrase"], i["min_sources"]) for i in expected["corroborated"])
        s_hits = sum(find_single_source(claims, i["phrase"], i["source"]) for i in expected["single_source"])
        d_hits = len(set(expected["timeline"]) & timeline_dates(dossier))
        corroborated = [corroborated[0] + c_hits, corroborated[1] + len(expected["corroborated"])]
        single = [single[0] + s_hits, single[1] + len(expected["single_source"])]
        dates = [dates[0] + d_hits, dates[1] + len(expected["timeline"])]
        rows.append(f"{folder.name:22} conflicts {score.correct}/{score.predicted} correct, "
                    f"{score.found}/{score.expected} found; corroborated {hit_rate(c_hits, len(expected['corroborated']))}; "
                    f"single-source {hit_rate(s_hits, len(expected['single_source']))}; "
                    f"timeline {hit_rate(d_hits, len(expected['timeline']))}")
    report = "\n".join(rows + [
        f"conflict precision {total.precision:.2f} ({total.correct}/{total.predicted}), "
        f"recall {total.recall:.2f} ({total.found}/{total.expected})",
        f"corroborated hit rate {hit_rate(*corroborated)}, single-source hit rate {hit_rate(*single)}, "
        f"timeline hit rate {hit_rate(*dates)}",
    ])
    print("\n" + report)
    assert total.precision >= CONFLICT_PRECISION_FLOOR, report
    assert total.recall >= CONFLICT_RECALL_FLOOR, report
    assert corroborated[0] >= CORROBORATED_FLOOR * corroborated[1], report
    assert single[0] >= SINGLE_SOURCE_FLOOR * single[1], report


@pytest.mark.slow
def test_examples_make_two_stories_and_one_duplicate(models):
    from storylens.pipeline import analyze_to_dict
    from storylens.settings import Settings

    dossier = analyze_to_dict(article_files(EXAMPLES), Settings(), models)
    statuses = [a["status"] for a in dossier["articles"]]
    assert (statuses.count("ok"), statuses.count("duplicate"), len(dossier["stories"])) == (6, 1, 2)
