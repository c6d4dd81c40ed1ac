"""Markdown and standalone HTML reports rendered from a hand-made dossier."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from storylens.report.html import layout_timeline, locate_span, mark_text, plan_marks, render_html
from storylens.report.markdown import (
    anchor_id,
    article_anchor,
    escape_md,
    extract_figures,
    format_value,
    http_url,
    render_markdown,
    render_story_markdown,
)

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "spec" / "dossier.schema.json"
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "</style><svg onload=alert(1)>",
    "' onmouseover='alert(1)' x='",
    "</textarea></title><iframe src=https://evil.example/>",
]


def load_sample(data_dir: Path) -> dict[str, Any]:
    return json.loads((data_dir / "report" / "sample_dossier.json").read_text(encoding="utf-8"))


def poison(dossier: dict[str, Any], payload: str) -> dict[str, Any]:
    """The dossier with the payload in every title, body, outlet name, speaker, headline, event and URL."""
    bad = copy.deepcopy(dossier)
    outlets = {a["source"]: payload + a["source"] for a in bad["articles"]}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key in ("source",) and isinstance(value, str):
                    out[key] = outlets.get(value, payload + value)
                elif key == "sources" and isinstance(value, list):
                    out[key] = [outlets.get(v, payload + v) for v in value]
                elif key in ("speaker", "title", "headline", "event", "summary", "why", "measure") and isinstance(value, str):
                    out[key] = value + payload
                elif key == "text" and "mentions" in node:
                    out[key] = value + payload  # claim text
                else:
                    out[key] = walk(value)
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    bad = walk(bad)
    for article in bad["articles"]:
        # Appended so the sentence offsets stay valid.
        article["text"] += " " + payload
        article["url"] = payload if article["id"] in ("a1", "b1") else article["url"]
    bad["articles"][0]["url"] = " JavaScript:alert(1)"
    return bad


class Page(HTMLParser):
    """Tags, attributes and script bodies of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.marks: dict[str, str] = {}
        self._mark: str | None = None
        self.cells: dict[tuple[str, str], str] = {}
        self._cell: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")
        if tag == "mark" and attributes.get("id"):
            self._mark = attributes["id"]
            self.marks[self._mark] = ""
        if tag == "td" and attributes.get("data-claim"):
            self._cell = (str(attributes["data-claim"]), str(attributes.get("data-outlet")))
            self.cells[self._cell] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag == "mark":
            self._mark = None
        if tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        if self._mark:
            self.marks[self._mark] += data
        if self._cell:
            self.cells[self._cell] += data


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def story_md(dossier: dict[str, Any], index: int) -> str:
    return render_story_markdown(dossier, dossier["stories"][index])


def test_sample_dossier_offsets_point_at_their_sentences(data_dir: Path) -> None:
    dossier = load_sample(data_dir)
    texts = {a["id"]: a["text"] for a in dossier["articles"]}
    for story in dossier["stories"]:
        for claim in story["claims"]:
            for m in claim["mentions"]:
                assert texts[m["article_id"]][m["start"] : m["end"]] == m["sentence"]
        for conflict in story["conflicts"]:
            for side in conflict["sides"]:
                assert texts[side["article_id"]][side["start"] : side["end"]] == side["text"]


def test_sample_dossier_is_valid_against_the_schema(data_dir: Path) -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"dossier schema not found at {SCHEMA} (it lives in ../shared beside the repository)")
    import jsonschema

    jsonschema.validate(load_sample(data_dir), json.loads(SCHEMA.read_text(encoding="utf-8")))


@pytest.mark.parametrize("index", [0, 1])
def test_markdown_quotes_both_sides_of_every_conflict(data_dir: Path, index: int) -> None:
    dossier = load_sample(data_dir)
    text = story_md(dossier, index)
    conflicts = text.split("## Conflicts")[1].split("## Corroborated claims")[0]
    for conflict in dossier["stories"][index]["conflicts"]:
        for side in conflict["sides"]:
            assert f"> {escape_md(side['text'])}" in conflicts
            assert f"[{side['source']}](#{article_anchor(side['article_id'])})" in conflicts
            assert side["speaker"] in conflicts


@pytest.mark.parametrize("index", [0, 1])
def test_markdown_lists_every_outlet_of_a_corroborated_claim(data_dir: Path, index: int) -> None:
    dossier = load_sample(data_dir)
    lines = story_md(dossier, index).splitlines()
    for claim in dossier["stories"][index]["claims"]:
        if claim["status"] != "corroborated":
            continue
        line = next(x for x in lines if x.startswith(f"- {escape_md(claim['text'])}"))
        for mention in claim["mentions"]:
            assert f"[{mention['source']}](#{article_anchor(mention['article_id'])})" in line


def test_markdown_groups_single_source_claims_by_outlet(data_dir: Path) -> None:
    dossier = load_sample(data_dir)
    text = story_md(dossier, 0)
    section = text.split("### Only in Valley Standard")[1].split("###")[0]
    assert "Divers will search the river on Saturday." in section
    assert "The bridge was built in 1998." not in section


def test_markdown_summary_counts_claims_and_conflicts(data_dir: Path) -> None:
    summary = story_md(load_sample(data_dir), 0).split("## Summary")[1].split("##")[0]
    assert "4 articles from 4 outlets" in summary
    assert "2 are corroborated" in summary and "3 rest on a single source" in summary
    assert "4 are disputed" in summary and "2 conflicts" in summary


@pytest.mark.parametrize("index", [0, 1])
def test_markdown_citations_all_resolve_to_listed_articles(data_dir: Path, index: int) -> None:
    text = story_md(load_sample(data_dir), index)
    cited = set(re.findall(r"\]\(#([^)]+)\)", text))
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    assert cited and cited <= anchors


def test_markdown_timeline_and_framing_cite_outlets(data_dir: Path) -> None:
    text = story_md(load_sample(data_dir), 1)
    timeline = text.split("## Timeline")[1].split("## Framing")[0]
    assert "| 2026-10 | month | Negotiations between the union and the port authority break down |" in timeline
    framing = text.split("## Framing")[1].split("## Articles")[0]
    assert "| [Northern Ledger](#a-b2) | claims, so-called | “negotiations” | militant, crippling |" in framing


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_makes_hostile_text_inert(data_dir: Path, payload: str) -> None:
    text = render_markdown(poison(load_sample(data_dir), payload))
    raw_tags = re.findall(r"<[A-Za-z/][^>]*>?", text)
    assert all(re.fullmatch(r'<a id="[A-Za-z0-9_-]+">|</a>|<https?://[^>\s]+>', t) for t in raw_tags)
    assert "](javascript" not in text.lower() and "](<javascript" not in text.lower()


def test_html_loads_nothing_from_outside(data_dir: Path) -> None:
    dossier = load_sample(data_dir)
    page = render_html(dossier)
    tags = parse(page).tags
    allowed = {a["url"] for a in dossier["articles"] if a.get("url")}
    assert not [a for t, a in tags if "src" in a]
    assert not [a for t, a in tags if t == "link"]
    assert "@import" not in page and "url(" not in page
    outward = [a["href"] for t, a in tags if a.get("href") and not a["href"].startswith("#")]
    assert outward and set(outward) <= allowed


def test_html_has_run_summary_and_rejected_inputs(data_dir: Path) -> None:
    page = render_html(load_sample(data_dir))
    assert "<dt>Rejected</dt><dd>1</dd>" in page and "<dt>Duplicates</dt><dd>1</dd>" in page
    assert '<td class="mono">inputs/notes.txt</td><td>empty file</td>' in page


def test_html_marks_every_conflict_side_in_its_article(data_dir: Path) -> None:
    dossier = load_sample(data_dir)
    page = render_html(dossier)
    parsed = parse(page)
    links = [a.get("href", "") for t, a in parsed.tags if t == "a"]
    for story in dossier["stories"]:
        for conflict in story["conflicts"]:
            for side in conflict["sides"]:
                ids = [m for m, text in parsed.marks.items() if text == side["text"] and f"-{side['article_id']}-" in m]
                assert len(ids) == 1
                assert f"#{ids[0]}" in links


def test_html_marks_every_claim_mention(data_dir: Path) -> None:
    dossier = load_sample(data_dir)
    marked = set(parse(render_html(dossier)).marks.values())
    for story in dossier["stories"]:
        for claim in story["claims"]:
            assert {m["sentence"] for m in claim["mentions"]} <= marked


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_makes_hostile_text_inert(data_dir: Path, payload: str) -> None:
    clean = parse(render_html(load_sample(data_dir)))
    page = render_html(poison(load_sample(data_dir), payload))
    parsed = parse(page)
    # The same elements as the clean page; only links to the poisoned article URLs are gone.
    assert [t for t, _ in parsed.tags if t != "a"] == [t for t, _ in clean.tags if t != "a"]
    assert parsed.scripts == clean.scripts and len(parsed.scripts) == 1
    for _tag, attrs in parsed.tags:
        assert not [name for name in attrs if name.startswith("on")]
        for name in ("href", "xlink:href"):
            assert not str(attrs.get(name) or "").strip().lower().startswith("javascript:")
    assert str(escape(payload)) in page  # shown as text, escaped


def test_html_script_is_the_only_one_allowed_by_its_policy(data_dir: Path) -> None:
    page = render_html(load_sample(data_dir))
    script = parse(page).scripts[0]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    assert f"script-src 'sha256-{digest}'" in page
    assert "default-src 'none'" in page


@pytest.mark.parametrize(
    ("claim", "outlet", "state"),
    [
        ("c-5", "Channel Nine Online", "denies"),
        ("c-5", "Valley Standard", "hedges"),
        ("c-6", "Channel Nine Online", "reports"),
        ("c-1", "Northern Ledger", "reports"),
        ("c-7", "Brenfield Courier", "silent"),
    ],
)
def test_html_matrix_shows_how_each_outlet_treats_a_claim(
    data_dir: Path, claim: str, outlet: str, state: str
) -> None:
    cells = parse(render_html(load_sample(data_dir))).cells
    assert cells[(claim, outlet)].replace("·", "").strip() == state


def test_html_matrix_denies_from_claim_ids_when_no_side_says_denies(data_dir: Path) -> None:
    dossier = load_sample(data_dir)
    for side in dossier["stories"][0]["conflicts"][1]["sides"]:
        side["stance"] = None
    cells = parse(render_html(dossier)).cells
    assert cells[("c-5", "Channel Nine Online")].strip() == "denies"
    assert cells[("c-6", "Valley Standard")].strip() == "denies"


def test_html_timeline_has_one_point_per_entry(data_dir: Path) -> None:
    dossier = load_sample(data_dir)
    page = render_html(dossier)
    svgs = re.findall(r"<svg class=\"timeline\".*?</svg>", page, re.S)
    assert [s.count('class="tl-point') for s in svgs] == [len(s["timeline"]) for s in dossier["stories"]]
    assert "2026-03 (month): Last safety inspection of the footbridge" in svgs[0]


def test_timeline_precision_reads_as_words_not_record_labels(data_dir: Path) -> None:
    dossier = load_sample(data_dir)
    dossier["stories"][0]["timeline"][0]["precision"] = "part_of_month"
    page, markdown = render_html(dossier), render_markdown(dossier)
    assert "part_of_month" not in page and "part_of_month" not in markdown
    assert '<span class="precision">part of the month</span>' in page
    assert "| part of the month |" in markdown


def test_html_links_only_http_article_urls(data_dir: Path) -> None:
    dossier = load_sample(data_dir)
    dossier["articles"][0]["url"] = "javascript:alert(1)"
    dossier["articles"][1]["url"] = "data:text/html,hi"
    hrefs = [a.get("href") for t, a in parse(render_html(dossier)).tags if t == "a"]
    assert "https://channelnine.example/brenfield-council-denial" in hrefs
    assert not [h for h in hrefs if h and h.split(":")[0] in ("javascript", "data")]


def test_reports_render_a_dossier_with_only_required_fields() -> None:
    text = "Officials said the dam held. Residents said it broke."
    dossier = {
        "schema_version": "1",
        "generated_at": "2026-01-01T00:00:00Z",
        "articles": [
            {"id": "x", "input": "x.txt", "source": "X", "title": None, "published": None, "language": "en",
             "status": "ok", "reason": None, "text": text},
            {"id": "y", "input": "y.txt", "source": "Y", "title": "Y", "published": "2026-01-01", "language": "en",
             "status": "ok", "reason": None, "text": text},
        ],
        "stories": [{
            "id": "s", "headline": "Dam", "article_ids": ["x", "y"], "sources": ["X", "Y"],
            "claims": [{"id": "c", "text": "The dam held.", "speaker": "Officials", "status": "disputed",
                        "mentions": [{"article_id": "x", "sentence": "Officials said the dam held.",
                                      "speaker": "Officials", "hedged": False}]}],
            "conflicts": [{"kind": "contradiction", "summary": "Did the dam hold?", "claim_ids": ["c"],
                           "sides": [{"article_id": "x", "speaker": "Officials", "text": "Officials said the dam held.",
                                      "value": None},
                                     {"article_id": "y", "speaker": "Residents", "text": "Residents said it broke.",
                                      "value": None}]}],
            "timeline": [{"date": "2026", "event": "Dam", "article_ids": ["x"]}],
            "actors": [], "framing": [{"article_id": "y", "hedges": [], "scare_quotes": [], "loaded_terms": []}],
        }],
    }
    page = render_html(dossier)
    marks = parse(page).marks
    assert "Residents said it broke." in marks.values()  # found by its text, without offsets
    assert "Residents said it broke." in render_story_markdown(dossier, dossier["stories"][0])


def test_html_renders_an_empty_run() -> None:
    page = render_html({"schema_version": "1", "generated_at": "2026-01-01T00:00:00Z", "articles": [], "stories": []})
    assert "No stories" in page


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("The Dockers' Union said 2,400 members had joined.", ["2,400 members"]),
        ("Rates rose to 6.75% in 2024.", ["6.75%"]),
        ("On 19 November, 12 people were hurt.", ["12 people"]),
        ("Built in 1998, it carried 3 million passengers.", ["3 million passengers"]),
        ("It opened on March 4 and closed.", []),
        ("North Korea sent at least 3 000 additional soldiers.", ["3 000 additional"]),
        ("About 12\u202f500 people fled.", ["12\u202f500 people"]),
        ("In 2019 3 boats sank.", ["3 boats"]),
    ],
)
def test_extract_figures_finds_counts_not_dates(text: str, figures: list[str]) -> None:
    assert extract_figures(text) == figures


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "words"),
    [(12000, "troops", "approximate", "about 12,000 troops"), (6.75, "%", "exact", "6.75 %"),
     (15.0, "people", "lower_bound", "at least 15 people"), (None, "x", None, "")],
)
def test_format_value_writes_figures_for_readers(value: Any, unit: str, qualifier: str | None, words: str) -> None:
    assert format_value(value, unit, qualifier) == words


@pytest.mark.parametrize(
    ("url", "kept"),
    [("https://a.example/x", True), ("HTTP://a.example", True), ("javascript:alert(1)", False),
     (" javascript:alert(1)", False), ("java\nscript:x", False), ("data:text/html,x", False), ("//a.example", False),
     (None, False)],
)
def test_http_url_keeps_only_web_links(url: Any, kept: bool) -> None:
    assert (http_url(url) is not None) == kept


@pytest.mark.parametrize("raw", ["a 1", "a\"1", "<b>", "a/1", ""])
def test_anchor_id_is_safe_and_distinct(raw: str) -> None:
    made = anchor_id("a", raw)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", made)
    assert made != anchor_id("a", raw + "x")


def test_plan_marks_merges_overlapping_spans_into_the_first() -> None:
    plan = plan_marks([(0, 10), (0, 10), (2, 5), (8, 20), (30, 40)])
    assert plan == {(0, 10): (0, 10), (2, 5): (0, 10), (8, 20): (0, 10), (30, 40): (30, 40)}


def test_mark_text_escapes_around_and_inside_marks() -> None:
    marked = mark_text("<b>A</b> said <i>x</i>.", {(9, 22): ("m-1", "k-claim")})
    assert str(marked) == '&lt;b&gt;A&lt;/b&gt; <mark id="m-1" class="k-claim">said &lt;i&gt;x&lt;/i&gt;</mark>.'


@pytest.mark.parametrize(
    ("start", "end", "sentence", "span"),
    [(4, 9, "world", (4, 9)), (0, 3, "world", (4, 9)), (None, None, "world", (4, 9)), (50, 60, None, None)],
)
def test_locate_span_trusts_offsets_only_when_they_fit(start: Any, end: Any, sentence: Any, span: Any) -> None:
    assert locate_span("big world", start, end, sentence) == span


def test_layout_timeline_orders_points_and_skips_bad_dates() -> None:
    layout = layout_timeline([{"date": "2026-11-19"}, {"date": "1998"}, {"date": "soon"}, {"date": "2026-03"}])
    xs = {p["index"]: p["x"] for p in layout["points"]}
    assert set(xs) == {0, 1, 3}
    assert xs[1] < xs[3] < xs[0]
