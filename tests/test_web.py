"""The web app in process: every route and its JSON twin, the one error shape, escaping, limits and writes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from storylens.errors import FetchError
from storylens.records import Article
from storylens.settings import Settings
from storylens.store import Store
from storylens.web.app import create_app
from storylens.web.guard import CSP
from storylens.web.netguard import GuardedTransport, check_public_url, is_public_address
from storylens.web.views import mark_layers

TOKEN = "s3cret-token"
HOSTILE = '<script>alert("x")</script>'
EVIL_URL = "javascript:alert(1)"


def client_for(db: Path, **options) -> TestClient:
    # The app answers only to its allowed host names (loopback by default), like a browser on 127.0.0.1.
    return TestClient(create_app(db, **options), base_url="http://127.0.0.1")


def build_hostile_store(path: Path) -> tuple[str, str, str]:
    """A store whose titles, bodies, outlet names and URLs are attacks; returns (story id, article id, outlet)."""
    outlet = f"Evil {HOSTILE} Times"
    text = f"Officials said 40 people {HOSTILE} were hurt. <img src=x onerror=alert(2)> The mayor denied it."
    article = Article(id="evil0001", input="evil.html", source=outlet, title=f"Title {HOSTILE}",
                      published="2026-01-02", language="en", status="ok", reason=None, text=text, url=EVIL_URL)
    copy = Article(id="evil0002", input="copy.html", source=f"{HOSTILE}", title=HOSTILE, published="2026-01-02",
                   language="en", status="duplicate", reason=f"copy {HOSTILE}", text=text, duplicate_of="evil0001")
    end = text.index("hurt.") + len("hurt.")
    story = {
        "id": "s-evil", "headline": f"Headline {HOSTILE}", "article_ids": ["evil0001", "evil0002"],
        "sources": [outlet], "first_published": "2026-01-02", "last_published": "2026-01-02",
        "explanations": [{"article_id": "evil0001", "why": f"first {HOSTILE}"}],
        "claims": [{"id": "c-1", "text": f"Claim {HOSTILE}", "speaker": HOSTILE, "status": "single_source",
                    "sources": [outlet], "mentions": [{"article_id": "evil0001", "source": outlet,
                                                       "sentence": text[:end], "speaker": HOSTILE, "verb": "say",
                                                       "hedged": False, "start": 0, "end": end}]}],
        "conflicts": [{"kind": "contradiction", "summary": f"Summary {HOSTILE}", "claim_ids": ["c-1"],
                       "measure": None, "sides": [{"article_id": "evil0001", "source": outlet, "speaker": HOSTILE,
                                                   "text": text[:end], "value": None, "unit": None,
                                                   "qualifier": None, "date": None, "start": 0, "end": end,
                                                   "stance": "claims"}]}],
        "timeline": [{"date": "2026-01-01", "precision": "day", "event": f"Event {HOSTILE}",
                      "article_ids": ["evil0001"], "mentions": [{"article_id": "evil0001", "start": 0, "end": end}]}],
        "actors": [{"name": HOSTILE, "kind": "person", "article_ids": ["evil0001"], "mentions": 1}],
        "framing": [{"article_id": "evil0001", "source": outlet, "hedges": [HOSTILE], "scare_quotes": [HOSTILE],
                     "loaded_terms": [], "voices": [{"speaker": HOSTILE, "sentences": 1}]}],
    }
    with Store(path) as store:
        store.add_articles([article, copy])
        store.save_assignments({"evil0001": "s-evil", "evil0002": "s-evil"}, {})
        store.save_story_dossier("s-evil", story["headline"], story)
    return "s-evil", "evil0001", outlet


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[TestClient, str, str, str]:
    path = tmp_path_factory.mktemp("hostile") / "evil.db"
    story_id, article_id, outlet = build_hostile_store(path)
    return client_for(path), story_id, article_id, outlet


# -- reading pages -----------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("path", [
    "/stories", "/stories/s-860d0495f122", "/articles", "/articles/e7c2f7d05149", "/outlets",
    "/outlets/Meridian%20Wire", "/search?q=dam",
])
def test_every_page_has_a_json_twin(examples_db, path):
    client = client_for(examples_db)
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    base, _, query = path.partition("?")
    twin = client.get(base + ".json" + (f"?{query}" if query else ""))
    assert twin.status_code == 200
    assert twin.headers["content-type"] == "application/json"
    assert twin.json()["ok"] is True


@pytest.mark.slow
def test_stories_are_listed_newest_first_with_counts(examples_db):
    data = client_for(examples_db).get("/stories.json").json()
    assert data["total"] == 2
    first, second = data["stories"]
    assert first["last_published"] >= second["last_published"]
    assert first["headline"].startswith("Veldana central bank")
    assert first["outlets"] == 3 and first["conflicts"] >= 1
    assert set(first["sources"]) == {"The Morning Exchange", "capital-ledger", "Meridian Wire"}


@pytest.mark.slow
@pytest.mark.parametrize("query, expected", [
    ("outlet=the%20morning%20exchange", ["s-8f7230eacc13"]),
    ("outlet=Meridian%20Wire", ["s-8f7230eacc13", "s-860d0495f122"]),
    ("actor=kessling", ["s-860d0495f122"]),
    ("since=2026-05-01", ["s-8f7230eacc13"]),
    ("until=2026-03-31", ["s-860d0495f122"]),
    ("since=2027-01-01", []),
])
def test_stories_filter_by_date_outlet_and_actor(examples_db, query, expected):
    data = client_for(examples_db).get(f"/stories.json?{query}").json()
    assert [s["story_id"] for s in data["stories"]] == expected


@pytest.mark.slow
def test_lists_paginate_with_next_and_previous_links(examples_db):
    client = client_for(examples_db)
    first = client.get("/articles.json?size=3").json()
    assert first["total"] == 7 and first["pages"] == 3 and len(first["articles"]) == 3
    assert first["previous"] is None and first["next"] == "/articles.json?page=2&size=3"
    last = client.get("/articles.json?page=3&size=3").json()
    assert len(last["articles"]) == 1 and last["next"] is None
    seen = {a["id"] for page in (1, 2, 3) for a in client.get(f"/articles.json?page={page}&size=3").json()["articles"]}
    assert len(seen) == 7
    html = client.get("/stories?size=1").text
    assert 'href="/stories?page=2&amp;size=1"' in html


@pytest.mark.slow
@pytest.mark.parametrize("words, kind", [("Greyhollow", "article"), ("delaying repairs", "claim")])
def test_search_finds_articles_and_claims(examples_db, words, kind):
    data = client_for(examples_db).get("/search.json", params={"q": words}).json()
    hits = [h for h in data["hits"] if h["kind"] == kind]
    assert hits, data
    assert all(h["href"].startswith("/articles/" if kind == "article" else "/stories/") for h in hits)


@pytest.mark.slow
@pytest.mark.parametrize("query", ['"', "NEAR(a b", "dam*", "a OR", "-", "^x", "()"])
def test_search_treats_query_syntax_as_words(examples_db, query):
    response = client_for(examples_db).get("/search.json", params={"q": query})
    assert response.status_code == 200


@pytest.mark.slow
def test_story_page_links_each_conflict_to_marked_sentences(examples_db):
    client = client_for(examples_db)
    conflicts = client.get("/stories/s-860d0495f122.json").json()["story"]["conflicts"]
    html = client.get("/stories/s-860d0495f122").text
    mark_ids = set(re.findall(r'<mark id="([^"]+)"', html))
    pickers = re.findall(r'class="pick pick-conflict" data-marks="([^"]*)"', html)
    assert conflicts and len(pickers) == len(conflicts)
    for marks in pickers:
        ids = marks.split()
        assert ids and set(ids) <= mark_ids


@pytest.mark.slow
def test_story_json_holds_the_dossier_and_its_articles(examples_db):
    data = client_for(examples_db).get("/stories/s-860d0495f122.json").json()
    assert data["story"]["id"] == "s-860d0495f122"
    assert {a["id"] for a in data["articles"]} == set(data["story"]["article_ids"])
    assert all(a["text"] for a in data["articles"])


@pytest.mark.slow
def test_article_page_tells_a_duplicates_fate(examples_db):
    client = client_for(examples_db)
    data = client.get("/articles/da4e6f14ed6f.json").json()
    assert data["article"]["status"] == "duplicate"
    assert data["duplicate_of"]["id"] == "e7c2f7d05149"
    html = client.get("/articles/da4e6f14ed6f").text
    assert 'href="/articles/e7c2f7d05149"' in html and "not counted as independent support" in html
    original = client.get("/articles/e7c2f7d05149.json").json()
    assert [d["id"] for d in original["duplicates"]] == ["da4e6f14ed6f"]


@pytest.mark.slow
def test_article_marks_claims_and_figures(examples_db):
    data = client_for(examples_db).get("/articles/860d0495f122.json").json()
    kinds = {m["kind"] for m in data["marks"]}
    assert {"claim", "figure"} <= kinds
    text = data["article"]["text"]
    figures = [text[m["start"]:m["end"]] for m in data["marks"] if m["kind"] == "figure"]
    assert any("1,500" in f for f in figures)


@pytest.mark.slow
def test_outlet_page_shows_coverage_across_stories(examples_db):
    data = client_for(examples_db).get("/outlets/Meridian%20Wire.json").json()
    assert data["articles_total"] == 2
    assert {s["id"] for s in data["stories"]} == {"s-860d0495f122", "s-8f7230eacc13"}
    assert all(s["claims"] >= 1 for s in data["stories"])


def test_reading_pages_never_load_models(tmp_path):
    build_hostile_store(tmp_path / "s.db")
    app = create_app(tmp_path / "s.db")
    client = TestClient(app, base_url="http://127.0.0.1")
    assert client.get("/stories").status_code == 200
    assert app.state.web.models is None


# -- errors ----------------------------------------------------------------------------

def test_json_error_shape_is_pinned(tmp_path):
    client = client_for(tmp_path / "empty.db")
    response = client.get("/stories/s-missing.json")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error": {"status": 404, "title": "Not found",
                                                      "message": "No story with id 's-missing'."}}


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/nowhere.json", 404),
    ("GET", "/articles/zzz.json", 404),
    ("GET", "/outlets/Nobody.json", 404),
    ("GET", "/stories.json?page=0", 422),
    ("GET", "/stories.json?since=yesterday", 422),
    ("GET", "/articles.json?status=maybe", 422),
    ("DELETE", "/stories.json", 405),
    ("POST", "/api/articles", 403),
])
def test_every_json_error_has_the_same_shape(tmp_path, method, path, status):
    response = client_for(tmp_path / "empty.db").request(method, path, json={"text": "x"})
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"ok", "error"} and body["ok"] is False
    assert set(body["error"]) == {"status", "title", "message"}
    assert body["error"]["status"] == status and body["error"]["message"]


@pytest.mark.parametrize("path", ["/nowhere", "/stories/s-missing", "/articles/zzz"])
def test_html_errors_are_pages(tmp_path, path):
    response = client_for(tmp_path / "empty.db").get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Not found" in response.text


# -- safety ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/stories", "/stories/s-evil", "/articles", "/articles/evil0001", "/articles/evil0002", "/outlets",
    "/search?q=script", "/search?q=alert", "/stories?actor=script",
])
def test_hostile_content_is_escaped(hostile, path):
    client, *_ = hostile
    response = client.get(path)
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text
    assert 'href="javascript:' not in response.text.lower()


def test_hostile_outlet_page_is_escaped(hostile):
    client, _, _, outlet = hostile
    response = client.get("/outlets/" + httpx.URL("http://x/").copy_with(path="/" + outlet).raw_path.decode()[1:])
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;" in response.text


def test_hostile_json_keeps_the_data_as_data(hostile):
    client, story_id, article_id, _ = hostile
    data = client.get(f"/articles/{article_id}.json").json()
    assert data["article"]["title"] == f"Title {HOSTILE}"
    assert data["article"]["link"] is None  # a javascript: URL is never offered as a link


@pytest.mark.parametrize("path", ["/stories", "/stories.json", "/nowhere.json", "/nowhere", "/static/web.js"])
def test_every_response_carries_a_strict_content_security_policy(tmp_path, path):
    response = client_for(tmp_path / "empty.db").get(path)
    assert response.headers["content-security-policy"] == CSP
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_pages_load_no_inline_or_remote_script(hostile):
    client, story_id, *_ = hostile
    for path in ("/stories", f"/stories/{story_id}", "/docs"):
        html = client.get(path).text
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/web.js" defer>']
        assert "http://" not in html.replace('href="http://', "") and "https://" not in html


@pytest.mark.parametrize("chunked", [False, True])
def test_oversized_requests_are_refused(tmp_path, chunked):
    client = client_for(tmp_path / "empty.db", token=TOKEN, max_request_bytes=1_000)
    body = json.dumps({"text": "x" * 5_000}).encode()
    content = iter([body[:2_000], body[2_000:]]) if chunked else body
    response = client.post("/api/articles", content=content, headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["title"] == "Content too large"


# -- writes ----------------------------------------------------------------------------

@pytest.mark.parametrize("token, headers, status", [
    (None, {"Authorization": f"Bearer {TOKEN}"}, 403),
    (TOKEN, {}, 401),
    (TOKEN, {"Authorization": "Bearer wrong"}, 401),
    (TOKEN, {"X-Storylens-Token": "wrong"}, 401),
])
def test_writes_need_the_token(tmp_path, token, headers, status):
    response = client_for(tmp_path / "empty.db", token=token).post(
        "/api/articles", json={"text": "Some article text."}, headers=headers)
    assert response.status_code == status
    assert response.json()["ok"] is False


@pytest.mark.parametrize("body, content_type, status", [
    (b"{not json", "application/json", 400),
    (b"[]", "application/json", 400),
    (b'{"articles": [{"title": "no text"}]}', "application/json", 400),
    (b'{"articles": [{"text": "x", "colour": "red"}]}', "application/json", 400),
    (b'{"articles": [{"text": ["a"]}]}', "application/json", 400),
    (b"plain words", "text/plain", 415),
])
def test_bad_payloads_are_refused_with_reasons(tmp_path, body, content_type, status):
    response = client_for(tmp_path / "empty.db", token=TOKEN).post(
        "/api/articles", content=body, headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": content_type})
    assert response.status_code == status
    assert response.json()["error"]["message"]


def test_fetching_urls_is_off_by_default(tmp_path):
    response = client_for(tmp_path / "empty.db", token=TOKEN).post(
        "/api/articles", json={"url": "http://example.com/news"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 403
    assert "--allow-fetch" in response.json()["error"]["message"]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/admin", "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/",
    "http://localhost/", "http://192.168.0.10/", "http://[::ffff:127.0.0.1]/", "file:///etc/passwd",
])
def test_fetching_refuses_private_addresses(tmp_path, url):
    resolve = {"localhost": ["127.0.0.1", "::1"]}.get
    client = client_for(tmp_path / "empty.db", token=TOKEN, allow_fetch=True,
                        resolve=lambda host: resolve(host, []))
    response = client.post("/api/articles", json={"articles": [{"url": url}]},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400
    assert "refused" in response.json()["error"]["message"]


@pytest.mark.parametrize("address, public", [
    ("93.184.216.34", True), ("2606:2800:220:1::1", True), ("127.0.0.1", False), ("10.0.0.1", False),
    ("172.16.5.4", False), ("192.168.1.1", False), ("169.254.169.254", False), ("::1", False),
    ("fe80::1", False), ("fc00::1", False), ("224.0.0.1", False), ("0.0.0.0", False), ("100.64.0.1", False),
    ("::ffff:10.0.0.1", False), ("not an ip", False),
])
def test_public_addresses_are_told_apart(address, public):
    assert is_public_address(address) is public


def test_redirects_to_private_addresses_are_refused():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://10.0.0.7/secret"})

    transport = GuardedTransport(httpx.MockTransport(handler), resolve=lambda host: ["93.184.216.34"])
    with httpx.Client(transport=transport, follow_redirects=True) as client:
        with pytest.raises(FetchError, match="10.0.0.7"):
            client.get("http://news.example/story")


def test_hostnames_resolving_to_private_addresses_are_refused():
    with pytest.raises(FetchError, match="private"):
        check_public_url("http://intranet.example/", resolve=lambda host: ["93.184.216.34", "10.0.0.2"])


@pytest.mark.slow
def test_posted_articles_join_their_story_and_become_searchable(examples_db, tmp_path, models):
    db = tmp_path / "copy.db"
    shutil.copy(examples_db, db)
    client = client_for(db, token=TOKEN, models=models)
    article = {
        "title": "Greyhollow Dam breach: Pellam Hydro faces inquiry as Orrin Falls evacuees wait",
        "source": "Harbour Gazette", "published": "2026-03-05",
        "text": ("Residents evacuated after the Greyhollow Dam breach above Orrin Falls were still waiting on "
                 "Thursday to return home, as the Pellam Valley Water Authority said some 1,500 people had left "
                 "the valley. Pellam Hydro, the dam operator, again denied that it had delayed repairs. "
                 "Councillors in Orrin Falls called for an inquiry into the breach and the zanzibarite seal."),
    }
    response = client.post("/api/articles", json={"articles": [article]},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["summary"]["new"] == 1
    (added,) = data["articles"]
    assert added["status"] == "ok" and added["story_id"] == "s-860d0495f122"
    story = client.get("/stories/s-860d0495f122.json").json()["story"]
    assert added["id"] in story["article_ids"]
    hits = client.get("/search.json?q=zanzibarite").json()["hits"]
    assert [h["id"] for h in hits if h["kind"] == "article"] == [added["id"]]
    assert "Harbour Gazette" in client.get("/stories/s-860d0495f122").text


@pytest.mark.slow
def test_uploaded_files_are_added(tmp_path, models):
    client = client_for(tmp_path / "new.db", token=TOKEN, models=models)
    text = ("Veldana port strike ends after three days\n\nDock workers in the port of Corvath returned to work on "
            "Friday after union leaders accepted a pay offer of 6 percent, the port authority said. "
            "The union said 2,400 members had voted on the deal.\n")
    response = client.post("/api/articles", files=[("files", ("../../corvath-herald.txt", text.encode(), "text/plain"))],
                           headers={"X-Storylens-Token": TOKEN})
    assert response.status_code == 201, response.text
    (added,) = response.json()["articles"]
    assert added["source"] == "corvath-herald" and added["status"] == "ok"
    assert client.get("/stories.json").json()["total"] == 1


def test_openapi_describes_the_api(tmp_path):
    client = client_for(tmp_path / "empty.db")
    spec = client.get("/openapi.json").json()
    for path in ("/stories.json", "/stories/{story_id}.json", "/articles/{article_id}.json", "/search.json",
                 "/api/articles"):
        assert path in spec["paths"]
    assert "/api/articles" in client.get("/docs").text


@pytest.mark.parametrize("layers, expected", [
    ([(0, 4, "claim", "c")], '<mark class="k-claim" title="c">a&lt;b&gt;</mark> tail'),
    ([(0, 7, "claim", "c"), (2, 4, "figure", "f")],
     '<mark class="k-claim" title="c">a&lt;</mark><mark class="k-claim k-figure" title="c; f">b&gt;</mark>'
     '<mark class="k-claim" title="c"> ta</mark>il'),
    ([], "a&lt;b&gt; tail"),
])
def test_marks_may_nest_and_text_is_escaped(layers, expected):
    assert str(mark_layers("a<b> tail", layers)) == expected


def test_settings_are_passed_through(tmp_path):
    app = create_app(tmp_path / "empty.db", settings=Settings().with_changes(min_text_chars=10))
    assert app.state.web.settings.min_text_chars == 10
