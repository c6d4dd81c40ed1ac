"""The editor's desk in process (no browser): form filters, sorting, paging, story cards, the grid, export."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from deskdata import BIG_ID, BIG_OUTLETS, SMALL_COUNT, build_desk_store
from fastapi.testclient import TestClient

from storylens.records import Article
from storylens.store import Store
from storylens.web.app import create_app
from storylens.web.views import csv_text, numbered_pages


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    db = build_desk_store(tmp_path_factory.mktemp("desk") / "desk.db")
    return TestClient(create_app(db), base_url="http://127.0.0.1")


def ids(client: TestClient, query: str) -> list[str]:
    response = client.get(f"/stories.json?{query}")
    assert response.status_code == 200, response.text
    return [s["story_id"] for s in response.json()["stories"]]


def test_blank_form_fields_filter_nothing(client):
    everything = ids(client, "size=200")
    assert len(everything) == SMALL_COUNT + 1
    assert ids(client, "since=&until=&outlet=&actor=&size=200") == everything
    page = client.get("/stories?since=&until=&outlet=&actor=")
    assert page.status_code == 200 and page.text.count('class="story-card') == 20


def test_a_malformed_date_is_still_refused(client):
    assert client.get("/stories.json?since=yesterday").status_code == 422


@pytest.mark.parametrize("outlet", ["Sørlandet Avis", "sørlandet", "AVIS", "landet a"])
def test_outlet_filter_matches_any_part_of_the_name_in_any_case(client, outlet):
    assert ids(client, f"outlet={outlet}") == [BIG_ID]


def test_outlet_filter_does_not_match_other_outlets(client):
    assert ids(client, "outlet=Outlet%20B") and BIG_ID not in ids(client, "outlet=Outlet%20B")
    assert ids(client, "outlet=nobody%20at%20all") == []


def test_has_conflicts_keeps_only_disputed_stories(client):
    stories = client.get("/stories.json?conflicts=1&size=200").json()["stories"]
    assert stories and all(s["conflicts"] > 0 for s in stories)
    assert len(stories) < SMALL_COUNT + 1


@pytest.mark.parametrize("sort, key", [("outlets", "outlets"), ("conflicts", "conflicts")])
def test_sorting_puts_the_most_first(client, sort, key):
    stories = client.get(f"/stories.json?sort={sort}&size=200").json()["stories"]
    values = [s[key] for s in stories]
    assert values == sorted(values, reverse=True)
    assert stories[0]["story_id"] == BIG_ID


def test_newest_first_by_latest_publication(client):
    stories = client.get("/stories.json?size=200").json()["stories"]
    latest = [s["last_published"] for s in stories]
    assert latest == sorted(latest, reverse=True)


def test_unknown_sort_is_refused(client):
    assert client.get("/stories.json?sort=random").status_code == 422


def test_story_cards_lead_with_the_top_conflict(client):
    big = client.get("/stories.json?sort=conflicts").json()["stories"][0]
    lead = big["lead"]
    assert lead["measure"] == "people evacuated"
    positions = {p["label"]: p["outlets"] for p in lead["positions"]}
    assert positions["1,200 people"] == BIG_OUTLETS[:8]
    assert positions["1,500 people"] == BIG_OUTLETS[8:15]
    html = client.get("/stories?sort=conflicts").text
    cards = html.split('<li class="story-card')[1:]
    card = cards[0]
    assert "Figures differ" in card and "1,500 people" in card and "Lakeside Chronicle" in card


def test_updated_is_the_latest_publication_not_the_ingestion_time(client):
    card = client.get("/stories.json?sort=conflicts").json()["stories"][0]
    assert card["updated"] == "2026-03-05"
    html = client.get("/stories?sort=conflicts").text
    assert "updated 2026-03-05" in html
    assert not re.search(r"updated \d{4}-\d{2}-\d{2}T", html)


def test_paging_is_numbered_and_keeps_the_filters(client):
    html = client.get("/stories?size=5&sort=outlets&page=4").text
    numbers = re.findall(r'<a href="([^"]+)"[^>]*>(\d+)</a>', html[html.index('class="page-numbers"'):])
    labels = [n for _, n in numbers]
    assert labels[0] == "1" and labels[-1] == str(-(-(SMALL_COUNT + 1) // 5))
    assert "4" in labels and 'aria-current="page"' in html
    assert all("sort=outlets" in href and "size=5" in href for href, _ in numbers)
    assert "Older" not in html and "Newer" not in html


def test_numbered_pages_skip_the_middle():
    pages = numbered_pages("/stories", {"q": "x", "page": "7"}, 7, 20)
    shown = [p["number"] if p else None for p in pages]
    assert shown == [1, None, 5, 6, 7, 8, 9, None, 20]
    assert numbered_pages("/stories", {}, 1, 1) == []


def test_a_claim_found_by_search_opens_its_story_with_the_claim_picked(client):
    hits = client.get("/search.json?q=forecasters").json()["hits"]
    claim = next(h for h in hits if h["kind"] == "claim")
    assert claim["href"] == f"/stories/{BIG_ID}#claim-c-warning"
    assert 'id="claim-c-warning"' in client.get(claim["href"].split("#")[0]).text


def test_search_results_page_without_older(client):
    html = client.get("/search?q=rally&size=5").text
    assert 'class="page-numbers"' in html
    assert "Older" not in html and "Newer" not in html


def test_the_form_suggests_outlets_and_actors(client):
    html = client.get("/stories").text
    outlets = re.search(r'<datalist id="outlet-names">(.*?)</datalist>', html, re.S).group(1)
    actors = re.search(r'<datalist id="actor-names">(.*?)</datalist>', html, re.S).group(1)
    assert all(f'value="{name}"' in outlets for name in BIG_OUTLETS)
    assert 'value="Tarn Water Authority"' in actors
    assert 'list="outlet-names"' in html and 'list="actor-names"' in html


def test_story_page_opens_on_the_grid(client):
    html = client.get(f"/stories/{BIG_ID}").text
    assert html.index('class="grid"') < html.index('class="columns')
    assert html.count('<details class="column') == 30 and "<details class=\"column\" open" not in html
    row = next(r for r in html.split('<tr class="grid-row')[1:] if "the dam broke" in r)
    assert row.count("cell-denies") == 1 and row.count("cell-reports") == 12 and row.count("cell-silent") == 2
    assert "reports" in row and "Valley Gazette denies" in row  # states are words for screen readers too


def test_few_articles_stay_side_by_side(client):
    html = client.get("/stories/s-small-03").text
    assert html.count('<details class="column') == 4 and html.count('open>') >= 4


def test_figures_are_a_measure_by_outlet_table(client):
    html = client.get(f"/stories/{BIG_ID}").text
    table = html[html.index('class="plain figure-table"'):]
    table = table[:table.index("</table>")]
    head = re.findall(r'<th scope="col">([^<]*)</th>', table)
    assert head[0] == "What" and set(head[1:]) == set(BIG_OUTLETS)
    first = re.search(r"<tbody>\s*<tr[^>]*>(.*?)</tr>", table, re.S).group(1)
    assert "people evacuated" in first and first.count("1,200 people") == 8 and first.count("1,500 people") == 7
    assert "displaced · Tarn valley · 2026-03-03" in first  # the measure's class, holder and time


def test_picks_have_permalink_keys(client):
    html = client.get(f"/stories/{BIG_ID}").text
    assert 'id="conflict-0"' in html and 'id="conflict-1"' in html and 'id="claim-c-dam"' in html
    assert html.count('data-key="claim-c-dam"') == 2  # the picker and the grid's row


def test_timeline_is_a_list_and_its_picture_is_hidden_from_readers(client):
    html = client.get(f"/stories/{BIG_ID}").text
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'aria-hidden="true"' in svg and 'role="img"' not in svg and "<a " not in svg
    assert "PART_OF_MONTH" not in html and "part of the month" in html


def test_every_page_has_a_skip_link_and_a_search_button(client):
    for path in ("/stories", f"/stories/{BIG_ID}", "/articles", "/outlets", "/search?q=flood"):
        html = client.get(path).text
        assert '<a class="skip-link" href="#main">' in html and 'id="main"' in html
        assert re.search(r'<form class="search-box".*?<button type="submit">Search</button>', html, re.S)


def test_claims_export_as_csv(client):
    response = client.get(f"/stories/{BIG_ID}/claims.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="{BIG_ID}-claims.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    dam = next(r for r in rows if r["claim_id"] == "c-dam")
    assert dam["denies"] == "Valley Gazette"
    assert dam["silent"] == "Metro News; Union Journal"
    assert len(dam["reports"].split("; ")) == 12
    warning = next(r for r in rows if r["claim_id"] == "c-warning")
    assert len(warning["hedges"].split("; ")) == 6 and warning["reports"] == ""


def test_conflicts_and_figures_export_as_csv(client):
    conflicts = list(csv.DictReader(io.StringIO(client.get(f"/stories/{BIG_ID}/conflicts.csv").text)))
    assert {r["conflict"] for r in conflicts} == {"1", "2"}
    assert {r["stance"] for r in conflicts if r["conflict"] == "2"} == {"asserts", "denies"}
    figures = list(csv.DictReader(io.StringIO(client.get(f"/stories/{BIG_ID}/figures.csv").text)))
    assert sum(1 for r in figures if r["measure"] == "people evacuated") == 15


def test_export_json_has_the_same_rows(client):
    data = client.get(f"/stories/{BIG_ID}/export.json").json()
    claims = list(csv.DictReader(io.StringIO(client.get(f"/stories/{BIG_ID}/claims.csv").text)))
    assert data["ok"] is True and [c["claim_id"] for c in data["claims"]] == [c["claim_id"] for c in claims]
    assert set(data) == {"ok", "story_id", "claims", "conflicts", "figures"}


@pytest.mark.parametrize("path, status", [(f"/stories/{BIG_ID}/secrets.csv", 404), ("/stories/s-none/claims.csv", 404),
                                          ("/stories/s-none/export.json", 404)])
def test_export_of_nothing_is_not_found(client, path, status):
    assert client.get(path).status_code == status


def test_csv_cells_that_look_like_formulas_are_defused():
    text = csv_text([{"a": "=HYPERLINK(\"http://x\")", "b": "+1", "c": "@cmd", "d": "plain", "e": 12}],
                    ["a", "b", "c", "d", "e"])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row == {"a": "'=HYPERLINK(\"http://x\")", "b": "'+1", "c": "'@cmd", "d": "plain", "e": "12"}


def test_hostile_story_exports_safely(tmp_path):
    db = tmp_path / "h.db"
    text = "=cmd|' /C calc'!A0 said 40 people were hurt."
    article = Article(id="h1", input="h.txt", source="-Evil", title="t", published="2026-01-01", language="en",
                      status="ok", reason=None, text=text)
    story = {"id": "s-h", "headline": "h", "article_ids": ["h1"], "sources": ["-Evil"],
             "claims": [{"id": "c", "text": text, "speaker": "=cmd", "status": "single_source", "sources": ["-Evil"],
                         "mentions": [{"article_id": "h1", "source": "-Evil", "sentence": text, "speaker": "=cmd",
                                       "verb": "say", "hedged": False, "start": 0, "end": len(text)}]}],
             "conflicts": []}
    with Store(db) as store:
        store.add_articles([article])
        store.save_assignments({"h1": "s-h"}, {})
        store.save_story_dossier("s-h", "h", story)
    client = TestClient(create_app(db), base_url="http://127.0.0.1")
    rows = list(csv.DictReader(io.StringIO(client.get("/stories/s-h/claims.csv").text)))
    assert rows[0]["text"].startswith("'=") and rows[0]["speaker"] == "'=cmd" and rows[0]["reports"] == "'-Evil"
    assert json.loads(client.get("/stories/s-h/export.json").text)["claims"][0]["speaker"] == "=cmd"


def test_the_report_timeline_picture_is_not_an_image_of_links(data_dir):
    from storylens.report.html import render_html

    dossier = json.loads((data_dir / "report" / "sample_dossier.json").read_text(encoding="utf-8"))
    page = render_html(dossier)
    svgs = re.findall(r"<svg class=\"timeline\".*?</svg>", page, re.S)
    assert svgs
    for svg in svgs:
        assert 'role="img"' not in svg and 'aria-hidden="true"' in svg
        links = re.findall(r"<a [^>]*>", svg)
        assert links and all('tabindex="-1"' in link for link in links)
    assert page.count('<ol class="timeline-list">') == len(svgs)  # the same events, as links, for the keyboard


@pytest.mark.parametrize("query, marked", [("1200", "1,200"), ("evacuation", "evacuated"), ("OBERLIN", "Oberlin"),
                                           ('"flood warning"', "flood warning")])
def test_search_page_highlights_what_matched_as_written(client, query, marked):
    html = client.get("/search", params={"q": query}).text
    assert f'<mark class="hit">{marked}</mark>' in html
    data = client.get("/search.json", params={"q": query}).json()
    assert data["total"] > 0 and "\x01" not in data["hits"][0]["snippet"]
