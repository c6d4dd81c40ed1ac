"""End to end in headless Chromium: open a story built from the seeds, pick the 11,000 vs 12,000 conflict."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from storylens.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.mark.slow
@pytest.mark.browser
def test_picking_a_numeric_conflict_highlights_both_sentences(seeds_dir, models, tmp_path):
    if not CHROMIUM.is_file():
        pytest.skip(f"headless browser not found at {CHROMIUM} (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    import uvicorn

    from storylens.pipeline import run
    from storylens.store import Store
    from storylens.web.app import create_app

    db = tmp_path / "seeds.db"
    with Store(db) as store:
        run(store, [str(seeds_dir)], Settings(), models)
        story = next(s for s in store.story_dossiers() if any(
            {c.get("value") for c in [*conflict["sides"]]} >= {11000.0, 12000.0}
            for conflict in s["conflicts"] if conflict["kind"] == "numeric"))

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "the web server did not start"
        with playwright.sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                problems: list[str] = []
                page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
                page.goto(f"http://127.0.0.1:{port}/stories")
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
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
