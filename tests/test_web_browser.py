"""The editor's desk in headless Chromium: filters, sorting, paging, a 30-article story, permalinks, export,
a phone-sized screen, the keyboard, and an axe-core accessibility check of the main pages.

One server per module over a store built from constructed articles (tests/deskdata.py), so no model loads;
the last test runs the real pipeline over the seeds and is marked slow.
"""

from __future__ import annotations

import csv
import io
import re
import socket
import threading
import time
from pathlib import Path

import pytest
from deskdata import BIG_ID, BIG_OUTLETS, SMALL_COUNT, build_desk_store

from storylens.settings import Settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WIDE = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}


def serve(db: Path):
    """Start the app on a free port of 127.0.0.1 in a thread; returns (base URL, server, thread)."""
    import uvicorn

    from storylens.web.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the web server did not start"
    return f"http://127.0.0.1:{port}", server, thread


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.skip(f"headless browser not found at {CHROMIUM} (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    db = build_desk_store(tmp_path_factory.mktemp("desk") / "desk.db")
    base, server, thread = serve(db)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=WIDE, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def card_titles(page) -> list[str]:
    return page.locator(".story-card .story-link").all_inner_texts()


# -- the stories list ------------------------------------------------------------------------

def test_the_filter_form_works_with_blank_fields(page, desk):
    page.goto(f"{desk}/stories")
    page.get_by_label("Outlet", exact=True).fill("harbour")  # part of "Harbour Times", any case
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/stories?*outlet=harbour*")
    assert "since=&" in page.url  # the browser sent the blank date fields, and they were ignored
    assert page.locator("h1").inner_text() == "Stories"
    titles = card_titles(page)
    assert titles and titles[0].startswith("Flood in the Tarn valley")
    assert page.get_by_label("Outlet", exact=True).input_value() == "harbour"


def test_the_form_suggests_outlets_and_actors(page, desk):
    page.goto(f"{desk}/stories")
    outlets = page.locator("datalist#outlet-names option").evaluate_all("options => options.map(o => o.value)")
    actors = page.locator("datalist#actor-names option").evaluate_all("options => options.map(o => o.value)")
    assert set(BIG_OUTLETS) <= set(outlets)
    assert "Tarn Water Authority" in actors
    assert page.get_by_label("Outlet", exact=True).get_attribute("list") == "outlet-names"


def test_has_conflicts_filter_and_sorting(page, desk):
    page.goto(f"{desk}/stories")
    page.get_by_label("Sort by").select_option("conflicts")
    page.get_by_label("Only stories with conflicts").check()
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**sort=conflicts**")
    cards = page.locator(".story-card")
    assert cards.count() > 0
    assert cards.count() == page.locator(".story-card.has-conflicts").count()
    assert card_titles(page)[0].startswith("Flood in the Tarn valley")  # two conflicts, the most
    page.get_by_label("Sort by").select_option("outlets")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**sort=outlets**")
    counts = [int(t.split()[0]) for t in page.locator(".story-meta span:first-child").all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and counts[0] == len(BIG_OUTLETS)


def test_cards_lead_with_the_top_conflict_and_its_sides(page, desk):
    page.goto(f"{desk}/stories")
    lead = page.locator(".story-card").first.locator(".story-lead")
    text = lead.inner_text()
    assert "people evacuated" in text.lower()
    assert "1,200 people" in text and "1,500 people" in text
    assert "Northern Herald" in text and "Lakeside Chronicle" in text
    meta = page.locator(".story-card").first.locator(".story-meta").inner_text()
    assert "updated 2026-03-05" in meta  # the latest publication, not when the store took it in


def test_numbered_paging(page, desk):
    page.goto(f"{desk}/stories?size=10")
    total = SMALL_COUNT + 1
    pages = -(-total // 10)
    numbers = page.locator(".page-numbers a")
    assert numbers.first.inner_text() == "1" and numbers.last.inner_text() == str(pages)
    assert page.locator(".page-numbers a[aria-current=page]").inner_text() == "1"
    seen = set(card_titles(page))
    page.get_by_role("link", name=f"Page {pages}").click()
    page.wait_for_url(f"**page={pages}**")
    last = card_titles(page)
    assert len(last) == total - 10 * (pages - 1) and not seen & set(last)
    assert page.locator(".page-numbers a[aria-current=page]").inner_text() == str(pages)
    assert page.get_by_role("link", name="← Previous").is_visible()


def test_search_pages_are_numbered_not_older(page, desk):
    page.goto(f"{desk}/stories")
    page.get_by_label("Search articles and claims").fill("evacuation")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?q=evacuation")
    assert page.locator(".hit").count() > 0
    assert page.locator("mark.hit").first.inner_text().lower().startswith("evacuat")
    body = page.locator("main").inner_text()
    assert "Older" not in body and "Newer" not in body


# -- a 30-article story -----------------------------------------------------------------------

def test_a_thirty_article_story_fits_and_opens_on_the_grid(page, desk):
    page.goto(f"{desk}/stories/{BIG_ID}")
    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size[0] <= WIDE["width"], "no sideways scrolling"
    assert size[1] < 8000, f"the page is {size[1]} px tall"
    grid = page.locator("table.grid")
    assert grid.is_visible()
    assert grid.bounding_box()["y"] < page.locator(".columns").bounding_box()["y"]
    heads = page.locator("table.grid thead th.grid-outlet").all_inner_texts()
    assert heads == BIG_OUTLETS
    row = page.locator("table.grid tbody tr").filter(has_text="the dam broke")
    cells = row.locator("td")
    states = [c.get_attribute("class").split("cell-")[1] for c in cells.all()]
    assert states.count("denies") == 1 and states.count("silent") == 2 and states.count("reports") == 12
    assert page.locator("details.column").count() == 30
    assert page.locator("details.column[open]").count() == 0
    figures = page.locator("table.figure-table")
    assert figures.locator("tbody tr").first.locator("th").inner_text().startswith("people evacuated")
    assert figures.bounding_box()["height"] < 1500


def test_picking_a_claim_opens_the_articles_that_carry_it(page, desk):
    page.goto(f"{desk}/stories/{BIG_ID}")
    page.locator("table.grid .grid-pick").filter(has_text="Forecasters may extend").click()
    lit = page.locator("mark.is-lit")
    assert lit.count() == 12  # six outlets, two articles each
    assert page.locator("details.column[open]").count() == 12
    assert lit.first.is_visible()
    page.locator("table.grid .grid-pick").filter(has_text="Forecasters may extend").click()
    assert page.locator("mark.is-lit").count() == 0
    assert page.locator("details.column[open]").count() == 0


# -- permalinks and export ---------------------------------------------------------------------

def test_a_picked_conflict_is_in_the_address_and_the_link_opens_it(page, desk):
    page.goto(f"{desk}/stories/{BIG_ID}")
    page.locator("button.pick-conflict").filter(has_text="Contradiction").click()
    assert page.url.endswith("#conflict-1")
    link = page.url
    page.goto(f"{desk}/stories")
    page.goto(link)
    pressed = page.locator("button.pick-conflict[aria-pressed=true]")
    assert pressed.count() == 1 and "contradiction" in pressed.inner_text().lower()
    texts = " ".join(page.locator("mark.is-lit").all_inner_texts())
    assert "the dam broke" in texts and "denied that the dam broke" in texts
    assert page.locator("mark.is-lit").first.is_visible()


def test_a_claim_permalink_opens_with_the_claim_picked(page, desk):
    page.goto(f"{desk}/stories/{BIG_ID}#claim-c-rescue")
    assert page.locator("#claim-c-rescue").get_attribute("aria-pressed") == "true"
    assert page.locator("table.grid .grid-pick[aria-pressed=true]").count() == 1
    assert page.locator("mark.is-lit").count() == 20


def test_claims_conflicts_and_figures_download(page, desk):
    page.goto(f"{desk}/stories/{BIG_ID}")
    rows = {}
    for part in ("claims", "conflicts", "figures"):
        with page.expect_download() as download:
            page.get_by_role("link", name=f"{part} (CSV)").click()
        assert download.value.suggested_filename == f"{BIG_ID}-{part}.csv"
        rows[part] = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    dam = next(r for r in rows["claims"] if r["claim_id"] == "c-dam")
    assert dam["denies"] == "Valley Gazette" and dam["status"] == "disputed"
    assert {r["figure"] for r in rows["conflicts"] if r["conflict"] == "1"} == {"1,200 people", "1,500 people"}
    assert any(r["measure"] == "people evacuated" and r["outlet"] == "Sørlandet Avis" for r in rows["figures"])
    with page.expect_download() as download:
        page.get_by_role("link", name="all (JSON)").click()
    import json

    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert len(data["claims"]) == len(rows["claims"]) and len(data["conflicts"]) == len(rows["conflicts"])


def test_print_shows_every_article_without_the_app(page, desk):
    page.goto(f"{desk}/stories/{BIG_ID}")
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details.column[open]").count() == 30
    assert not page.locator("header.topbar").is_visible()
    assert not page.locator(".actions").is_visible()
    assert page.locator("table.grid").is_visible()


# -- a phone --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/stories", f"/stories/{BIG_ID}", "/search?q=flood", "/articles", "/outlets",
                                  "/articles/big00", "/outlets/Northern%20Herald"])
def test_no_page_is_wider_than_a_phone(phone, desk, path):
    phone.goto(desk + path)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_picking_on_a_phone_scrolls_to_the_sentence(phone, desk):
    phone.goto(f"{desk}/stories/{BIG_ID}")
    phone.locator("button.pick-conflict").filter(has_text="Figures differ").click()
    lit = phone.locator("mark.is-lit")
    assert lit.count() == 15
    box = lit.first.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], "the first sentence is on screen"


# -- the keyboard ------------------------------------------------------------------------------------

def contrast(one: str, two: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    def luminance(color: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", color)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


FOCUS_STYLE = """() => { const e = document.activeElement, s = getComputedStyle(e);
  let bg = 'rgb(255, 255, 255)';
  for (let n = e.parentElement; n; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; } }
  return {text: e.textContent.trim(), style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          color: s.outlineColor, background: bg, visible: e.getBoundingClientRect().top >= 0}; }"""


def test_skip_link_comes_first_and_jumps_past_the_picker(page, desk):
    page.goto(f"{desk}/stories/{BIG_ID}")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUS_STYLE)
    assert focused["text"] == "Skip to content" and focused["visible"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    presses = 0
    while presses < 40:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("document.activeElement.classList.contains('grid-pick')"):
            break
    assert presses < 10, f"{presses} Tab presses from the skip link to the first claim of the grid"


def test_a_second_skip_link_goes_to_the_articles(page, desk):
    page.goto(f"{desk}/stories/{BIG_ID}")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_STYLE)["text"] == "Skip to the articles"
    page.keyboard.press("Enter")
    for presses in range(1, 6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY" and presses <= 4
    page.keyboard.press("Enter")
    assert page.locator("details.column[open]").count() == 1


@pytest.mark.parametrize("path", ["/stories", f"/stories/{BIG_ID}"])
def test_focus_is_visible_with_good_contrast(page, desk, path):
    page.goto(desk + path)
    seen = 0
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if not focused["text"]:
            continue
        seen += 1
        assert focused["style"] != "none" and focused["width"] >= 2, focused
        assert contrast(focused["color"], focused["background"]) >= 3, focused
    assert seen >= 6


def test_the_timeline_picture_holds_no_links(page, desk):
    page.goto(f"{desk}/stories/{BIG_ID}")
    svg = page.locator("svg.timeline")
    assert svg.get_attribute("role") != "img" and svg.get_attribute("aria-hidden") == "true"
    assert svg.locator("a").count() == 0
    assert page.locator(".timeline-list a").count() == 2
    assert "PART_OF_MONTH" not in page.locator(".timeline-list").inner_text()


# -- axe-core ------------------------------------------------------------------------------------

AXE_PAGES = ["/stories", "/stories?outlet=herald&sort=outlets", f"/stories/{BIG_ID}", f"/stories/{BIG_ID}#conflict-0",
             "/stories/s-small-03", "/search?q=evacuated", "/articles", "/articles/big00", "/outlets",
             "/outlets/Northern%20Herald", "/docs"]


@pytest.mark.parametrize("path, viewport", [*((p, WIDE) for p in AXE_PAGES),
                                            ("/stories", PHONE), (f"/stories/{BIG_ID}", PHONE)])
def test_main_pages_have_no_serious_accessibility_violations(browser, desk, path, viewport):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        page.goto(desk + path)
        results = Axe().run(page)
    finally:
        context.close()
    serious = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_the_accessibility_check_finds_what_it_should(browser, desk):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport=WIDE)
    try:
        page.goto(f"{desk}/stories")
        page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                      "'<img src=\"data:,\"><a href=\"/x\"></a>')")
        found = {v["id"] for v in Axe().run(page).response["violations"]}
    finally:
        page.close()
    assert {"image-alt", "link-name"} <= found


# -- the real pipeline ------------------------------------------------------------------------------

@pytest.mark.slow
def test_picking_a_numeric_conflict_highlights_both_sentences(seeds_dir, models, tmp_path, browser):
    from storylens.pipeline import run
    from storylens.store import Store

    db = tmp_path / "seeds.db"
    with Store(db) as store:
        run(store, [str(seeds_dir)], Settings(), models)
        story = next(s for s in store.story_dossiers() if any(
            {c.get("value") for c in [*conflict["sides"]]} >= {11000.0, 12000.0}
            for conflict in s["conflicts"] if conflict["kind"] == "numeric"))
    base, server, thread = serve(db)
    try:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.goto(f"{base}/stories")
        page.get_by_role("link", name=story["headline"]).click()
        page.wait_for_url(f"**/stories/{story['id']}")
        conflict = page.locator("button.pick-conflict").filter(has_text="11,000").filter(has_text="12,000")
        assert conflict.count() == 1
        conflict.click()
        lit = page.locator("mark.is-lit")
        assert lit.count() == 2
        texts = " ".join(lit.all_inner_texts())
        assert "11,000" in texts and "12 000" in texts
        assert conflict.get_attribute("aria-pressed") == "true"
        for mark in lit.all():
            assert mark.is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "story-conflict-11000-vs-12000.png"))
        assert problems == []
        page.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
