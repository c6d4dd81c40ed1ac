"""The web app and API under attack and load: nothing fetched that should not be, no reader waiting on a
writer, bounded search, copies never independent, limits on every field, and the API document true."""

from __future__ import annotations

import difflib
import json
import random
import threading
from pathlib import Path
from types import SimpleNamespace

import httpx
import jsonschema
import pytest
from fastapi.testclient import TestClient

from storylens.compare import choose_headline
from storylens.dedupe import mark_duplicates
from storylens.records import Article
from storylens.search import MAX_TERMS, fts_query
from storylens.settings import Settings
from storylens.store import SearchBudget, Store
from storylens.web.app import create_app
from storylens.web.guard import RateLimits
from storylens.web.netguard import GuardedTransport, make_fetch_client

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BASE = "http://127.0.0.1"
# Models for writes that store nothing to read (every entry of an uploaded feed refused): no model loads.
NO_MODELS = SimpleNamespace(nlp=SimpleNamespace(max_length=1_000_000), encoder=None, lexicon=None)


def client_for(db: Path, **options) -> TestClient:
    return TestClient(create_app(db, **options), base_url=BASE)


def article(key: str, text: str, source: str = "Test Wire", input: str | None = None, **fields) -> Article:
    values = {"title": f"Report {key}", "published": "2026-01-02", "language": "en", "status": "ok",
              "reason": None, **fields}
    return Article(id=key, input=input or f"{key}.txt", source=source, text=text, **values)


def store_with(path: Path, *articles: Article, stories: dict[str, dict] | None = None) -> Path:
    with Store(path) as store:
        store.add_articles(articles)
        for story_id, story in (stories or {}).items():
            store.save_assignments({a: story_id for a in story["article_ids"]}, {})
            store.save_story_dossier(story_id, story["headline"], story)
    return path


def feed_of(links: list[str]) -> str:
    """An RSS feed whose entries carry no text, so a reader would fetch each link."""
    items = "".join(f"<item><title>Entry {n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Upload</title><link>{BASE}/</link>'
            f"<description>d</description>{items}</channel></rss>")


# -- 1. one fetch policy for every route that can fetch --------------------------------------

@pytest.mark.parametrize("allow_fetch", [False, True])
@pytest.mark.parametrize("name", ["feed.xml", "feed.rss", "notes.txt"])
def test_an_uploaded_feed_makes_the_server_fetch_nothing_internal(tmp_path, local_site, allow_fetch, name):
    port = local_site.base.rsplit(":", 1)[1]
    links = [local_site.url("pages/storm.html"), f"http://localhost:{port}/pages/bridge.html",
             f"http://0.0.0.0:{port}/pages/ferry.html", f"http://2130706433:{port}/pages/lighthouse.html",
             f"http://127.1:{port}/private/memo.html", f"http://[::1]:{port}/pages/storm.html",
             "http://169.254.169.254/latest/meta-data/", f"{BASE}/openapi.json"]
    # A public name whose redirect points back at the loopback site.
    redirect = httpx.MockTransport(lambda request: httpx.Response(302, headers={"Location": links[0]}))
    links.append("http://news.example/moved")
    client = client_for(tmp_path / "s.db", token=TOKEN, allow_fetch=allow_fetch, models=NO_MODELS,
                        fetch_transport=redirect, resolve=lambda host: ["93.184.216.34"])
    response = client.post("/api/articles", headers=AUTH,
                           files=[("files", (name, feed_of(links).encode(), "text/plain"))])
    assert response.status_code == 201, response.text
    assert local_site.requests == []
    added = response.json()["articles"]
    assert len(added) == len(links) and {a["status"] for a in added} == {"rejected"}
    assert client.get("/search.json", params={"q": "coast road"}).json()["hits"] == []


def test_the_web_fetch_client_refuses_every_request_when_fetching_is_off(local_site):
    with make_fetch_client(Settings(), allow_fetch=False) as client:
        with pytest.raises(Exception, match="does not fetch"):
            client.get(local_site.url("pages/storm.html"))
    assert local_site.requests == []


def test_the_guard_connects_to_the_address_it_checked():
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])  # a second lookup would be the rebinding
    lookups: list[str] = []
    sent: list[httpx.Request] = []

    def resolve(host: str) -> list[str]:
        lookups.append(host)
        return next(answers)

    def inner(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, text="ok")

    with httpx.Client(transport=GuardedTransport(httpx.MockTransport(inner), resolve=resolve)) as client:
        assert client.get("https://news.example/story").status_code == 200
    assert lookups == ["news.example"]
    (request,) = sent
    assert request.url.host == "93.184.216.34"
    assert request.headers["host"] == "news.example"
    assert request.extensions["sni_hostname"] == "news.example"


# -- 3. readers never wait for a writer --------------------------------------------------------

def test_reads_answer_while_a_write_holds_the_store(tmp_path, monkeypatch):
    db = store_with(tmp_path / "s.db", article("a1", "The dam held after the storm, engineers said."),
                    stories={"s-1": {"id": "s-1", "headline": "Dam holds", "article_ids": ["a1"],
                                     "sources": ["Test Wire"], "claims": []}})
    writing, release = threading.Event(), threading.Event()

    def slow_run(store, paths, settings, models, progress=None, *, fetch_client=None):
        # A large write in progress: its first batch is stored, its next transaction is open (SQLite's
        # write lock held) until released.
        store.add_articles([article("a9", "A second report on the dam, from the valley.")])
        store.db.execute("BEGIN IMMEDIATE")
        store.db.execute("UPDATE articles SET title = 'changing' WHERE id = 'a1'")
        writing.set()
        release.wait(60)
        store.db.rollback()
        from storylens.pipeline import RunSummary
        return RunSummary()

    monkeypatch.setattr("storylens.pipeline.run", slow_run)
    client = client_for(db, token=TOKEN, models=NO_MODELS)
    queued = client.post("/api/articles", params={"wait": "false"}, headers=AUTH,
                         json={"articles": [{"text": "A new report on the dam."}]})
    assert queued.status_code == 202
    job = queued.json()["job"]["href"]
    assert writing.wait(60)
    answers = {}

    def read_all() -> None:
        for path in ("/stories.json", "/stories/s-1", "/articles.json", "/search.json?q=dam", "/outlets.json"):
            answers[path] = client.get(path)

    reader = threading.Thread(target=read_all)
    reader.start()
    reader.join(60)
    try:
        assert not reader.is_alive(), "a read waited for the write"
        assert client.get(job, headers=AUTH).json()["job"]["status"] == "running"  # reads finished first
        assert {p: r.status_code for p, r in answers.items()} == dict.fromkeys(answers, 200)
        assert answers["/stories.json"].json()["stories"][0]["headline"] == "Dam holds"
        # The first batch is searchable as soon as it is stored: indexed inside its own write.
        assert {h["id"] for h in answers["/search.json?q=dam"].json()["hits"]} == {"a1", "a9"}
    finally:
        release.set()
        reader.join(60)


def test_a_queued_write_reports_its_result_when_polled(tmp_path, monkeypatch):
    from storylens.pipeline import RunSummary

    monkeypatch.setattr("storylens.pipeline.run", lambda *args, **kwargs: RunSummary(seen=1))
    client = client_for(tmp_path / "s.db", token=TOKEN, models=NO_MODELS)
    queued = client.post("/api/articles?wait=false", headers=AUTH, json={"text": "Short report."})
    assert queued.status_code == 202 and queued.headers["location"] == queued.json()["job"]["href"]
    for _ in range(600):
        job = client.get(queued.headers["location"], headers=AUTH).json()["job"]
        if job["status"] in ("done", "failed"):
            break
        threading.Event().wait(0.05)
    assert job["status"] == "done" and job["result"]["summary"]["seen"] == 1
    assert client.get(queued.headers["location"]).status_code == 401
    assert client.get("/api/jobs/nope", headers=AUTH).status_code == 404


def poll(client: TestClient, href: str) -> dict:
    for _ in range(1200):
        job = client.get(href, headers=AUTH).json()["job"]
        if job["status"] in ("done", "failed"):
            return job
        threading.Event().wait(0.05)
    raise AssertionError(f"{href} did not finish")


def test_writes_waiting_together_run_as_one_batch(tmp_path, monkeypatch):
    from storylens.pipeline import RunSummary

    runs: list[list[str]] = []
    first_running, release = threading.Event(), threading.Event()

    def fake_run(store, paths, settings, models, progress=None, *, fetch_client=None):
        runs.append(list(paths))
        if len(runs) == 1:
            first_running.set()
            release.wait(60)
        store.add_articles([article(f"r{len(runs)}p{n}", f"Report {n}.", input=f"{path}#1")
                            for n, path in enumerate(paths)])
        return RunSummary()

    monkeypatch.setattr("storylens.pipeline.run", fake_run)
    client = client_for(tmp_path / "s.db", token=TOKEN, models=NO_MODELS)

    def post(text: str) -> str:
        response = client.post("/api/articles?wait=false", headers=AUTH, json={"text": text})
        assert response.status_code == 202
        return response.headers["location"]

    first = post("First report.")
    assert first_running.wait(60)
    waiting = [post(f"Report {n}.") for n in range(3)]
    release.set()
    jobs = [poll(client, href) for href in [first, *waiting]]
    assert [len(paths) for paths in runs] == [1, 3]
    assert [j["status"] for j in jobs] == ["done"] * 4
    ids = [[a["id"] for a in j["result"]["articles"]] for j in jobs]
    assert all(len(mine) == 1 for mine in ids) and len({i for mine in ids for i in mine}) == 4
    assert all(j["result"]["summary"]["new"] == 1 for j in jobs[1:])


def test_a_write_that_fails_in_a_batch_fails_alone(tmp_path, monkeypatch):
    from storylens.pipeline import RunSummary

    first_running, release = threading.Event(), threading.Event()
    runs = []

    def fake_run(store, paths, settings, models, progress=None, *, fetch_client=None):
        runs.append(len(paths))
        if len(runs) == 1:
            first_running.set()
            release.wait(60)
        if any("poison" in Path(p).read_text() for p in paths):
            raise RuntimeError("a reader failed")
        return RunSummary()

    monkeypatch.setattr("storylens.pipeline.run", fake_run)
    client = client_for(tmp_path / "s.db", token=TOKEN, models=NO_MODELS)
    hrefs = [client.post("/api/articles?wait=false", headers=AUTH, json={"text": "First."}).headers["location"]]
    assert first_running.wait(60)
    hrefs += [client.post("/api/articles?wait=false", headers=AUTH, json={"text": t}).headers["location"]
              for t in ("Fine.", "poison", "Also fine.")]
    release.set()
    jobs = [poll(client, href) for href in hrefs]
    assert [j["status"] for j in jobs] == ["done", "done", "failed", "done"]
    assert jobs[2]["error"]["status"] == 500
    assert client.post("/api/articles", headers=AUTH, json={"text": "Still writable."}).status_code == 201


def test_a_write_by_another_process_is_indexed_without_any_reader_refreshing(tmp_path):
    db = store_with(tmp_path / "s.db", article("a1", "The dam held after the storm."))
    client = client_for(db)
    assert client.get("/search.json?q=ferry").json()["total"] == 0
    with Store(db) as other:  # e.g. `storylens add` while the server runs
        other.add_articles([article("a2", "The ferry sailed again on Monday.")])
        other.save_story_dossier("s-2", "Ferry sails", {"id": "s-2", "headline": "Ferry sails",
                                                       "article_ids": ["a2"], "sources": ["Test Wire"]})
    assert [h["id"] for h in client.get("/search.json?q=ferry").json()["hits"]] == ["a2"]
    assert [s["story_id"] for s in client.get("/stories.json").json()["stories"]] == ["s-2"]


# -- 4. search cost bounded by design ------------------------------------------------------------

def test_a_repeated_word_is_searched_once():
    assert fts_query(" ".join(["the"] * 20)) == fts_query("the")
    assert fts_query("the The THE dam") == fts_query("the dam")


def test_a_search_uses_at_most_a_capped_number_of_words():
    words = [f"word{n}" for n in range(40)]
    assert fts_query(" ".join(words)).count('"') == 2 * MAX_TERMS


def test_a_search_past_its_budget_stops_with_a_clear_answer(tmp_path):
    texts = [f"The report number {n} says the the dam and the road and the bridge." for n in range(300)]
    db = store_with(tmp_path / "s.db", *[article(f"a{n}", t) for n, t in enumerate(texts)])
    tight = client_for(db, search_budget=SearchBudget(steps=2, seconds=60))
    response = tight.get("/search.json", params={"q": " ".join(["the"] * 20)})
    assert response.status_code == 422
    assert "rarer or fewer words" in response.json()["error"]["message"]
    roomy = client_for(db)
    assert roomy.get("/search.json", params={"q": " ".join(["the"] * 20)}).json()["total"] == 300


def test_search_and_writes_are_rate_limited_per_client(tmp_path):
    client = client_for(tmp_path / "s.db", token=TOKEN,
                        rate_limits=RateLimits(search_per_second=0.01, search_burst=2,
                                               write_per_second=0.01, write_burst=1))
    assert [client.get("/search.json?q=dam").status_code for _ in range(3)] == [200, 200, 429]
    limited = client.get("/search?q=dam")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert client.get("/stories.json").status_code == 200  # other reads are not limited
    statuses = [client.post("/api/articles", headers=AUTH, json={"x": 1}).status_code for _ in range(2)]
    assert statuses == [400, 429]


# -- 5. copies never count as independent outlets; no outlet takes the headline ------------------

BASE_TEXT = (
    "The regional water authority said on Tuesday that some 1,500 residents had been evacuated from the valley "
    "after the dam above the town showed cracks. Engineers from the operator inspected the structure overnight "
    "and found that a seal had failed near the spillway. The mayor said buses would take people to shelters in "
    "the capital and that schools would stay closed until Friday. Police closed the main road and asked drivers "
    "to use the northern bypass. The operator denied that it had delayed repairs, saying the seal had been "
    "checked in March. Opposition councillors called for an independent inquiry into the breach and the "
    "authority's warning system, which they said had sounded two hours late.")


def near_copies(count: int) -> list[str]:
    rng = random.Random(7)
    words = BASE_TEXT.split()
    copies = []
    for _ in range(count):
        changed = list(words)
        for i in rng.sample(range(len(words)), 3):
            changed[i] = changed[i] + "s"
        copies.append(" ".join(changed))
    return copies


def test_near_copies_under_new_outlet_names_are_duplicates(settings):
    texts = near_copies(10)
    assert min(difflib.SequenceMatcher(None, texts[0], t, autojunk=False).ratio() for t in texts[1:]) >= 0.98
    articles = [article(f"c{n}", t, source=f"Outlet {n}") for n, t in enumerate(texts)]
    marked = mark_duplicates(articles, settings)
    assert [a.status for a in marked] == ["ok"] + ["duplicate"] * 9
    assert {a.duplicate_of for a in marked[1:]} == {"c0"}


def test_independent_reports_of_one_event_are_not_duplicates(settings):
    other = ("Hundreds of families spent a second night in school halls in the capital on Wednesday, "
             "waiting for word on when they could go home. Volunteers handed out blankets and soup while "
             "council staff drew up lists of people who needed medicine. Several residents said the alarm "
             "had come far too late, and one farmer said he had watched the water rise in his fields before "
             "anyone knocked on his door. A spokesperson for the authority promised a full review of the "
             "warning system once the valley was safe again.")
    marked = mark_duplicates([article("c0", BASE_TEXT, source="A"), article("c1", other, source="B")], settings)
    assert [a.status for a in marked] == ["ok", "ok"]


def test_one_outlet_cannot_take_a_storys_headline():
    agreed = [article(f"o{n}", "x", source=f"Outlet {n}", title=title, published="2026-03-02")
              for n, title in enumerate(["Dam cracks force valley evacuation", "Valley evacuated as dam cracks",
                                         "Evacuation ordered after dam cracks in valley"])]
    takeover = [article(f"t{n}", "x", source="Loud Post", title="BUY CHEAP WATCHES NOW", published="1990-01-01")
                for n in range(20)]
    headline = choose_headline(takeover + agreed)
    assert headline in {a.title for a in agreed}


def test_with_one_outlet_the_earliest_title_is_the_headline():
    assert choose_headline([article("b", "x", title="Later", published="2026-03-03"),
                            article("a", "x", title="Earlier", published="2026-03-02")]) == "Earlier"


# -- 2, 6. field sizes ----------------------------------------------------------------------------

@pytest.mark.parametrize("field, size", [("title", 3_000_000), ("source", 3_000_000), ("author", 2_000_000),
                                         ("text", 1_200_000), ("url", 5_000), ("published", 1_000)])
def test_huge_fields_are_refused_at_the_boundary(tmp_path, field, size):
    client = client_for(tmp_path / "s.db", token=TOKEN, max_request_bytes=50_000_000)
    body = {"text": "Short report.", field: "x" * size}
    response = client.post("/api/articles", headers=AUTH, json=body)
    assert response.status_code == 422
    assert f'"{field}"' in response.json()["error"]["message"]
    assert "accepted" in response.json()["error"]["message"]


def test_a_request_body_past_the_cap_is_413(tmp_path):
    client = client_for(tmp_path / "s.db", token=TOKEN)
    response = client.post("/api/articles", headers=AUTH, json={"text": "x" * 11_000_000})
    assert response.status_code == 413


@pytest.mark.parametrize("raw", ['{"text": 1e999}', '{"text": -1e999}', '{"text": NaN}', '{"title": Infinity}'])
def test_numbers_that_are_not_finite_are_refused(tmp_path, raw):
    client = client_for(tmp_path / "s.db", token=TOKEN)
    response = client.post("/api/articles", headers={**AUTH, "Content-Type": "application/json"}, content=raw)
    assert response.status_code == 422
    assert "finite" in response.json()["error"]["message"]


# -- 7. paging, HEAD, hosts, paths, dates, names ---------------------------------------------------

@pytest.mark.parametrize("path", ["/stories", "/stories.json", "/articles.json", "/outlets.json", "/search.json?q=dam",
                                  "/outlets/Test%20Wire.json"])
def test_absurd_pages_are_refused_cleanly(tmp_path, path):
    db = store_with(tmp_path / "s.db", article("a1", "The dam held."))
    response = client_for(db).get(path + ("&" if "?" in path else "?") + f"page={10**18}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json" if ".json" in path else "text/html")


@pytest.mark.parametrize("path", ["/stories", "/stories.json", "/articles", "/openapi.json", "/static/web.css",
                                  "/nowhere"])
def test_head_answers_like_get_without_a_body(tmp_path, path):
    client = client_for(store_with(tmp_path / "s.db", article("a1", "The dam held.")))
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-security-policy"] == get.headers["content-security-policy"]


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", ""])
def test_unknown_host_names_are_refused(tmp_path, host):
    client = client_for(tmp_path / "s.db")
    for path in ("/", "/stories.json", "/stories"):
        response = client.get(path, headers={"Host": host}, follow_redirects=False)
        assert response.status_code == 400
        assert "location" not in response.headers


def test_allowed_host_names_are_answered(tmp_path):
    client = TestClient(create_app(tmp_path / "s.db", allowed_hosts=("news.internal",)),
                        base_url="http://news.internal:8765")
    assert client.get("/stories.json").status_code == 200
    assert client.get("/stories.json", headers={"Host": "127.0.0.1"}).status_code == 400
    for host in ("localhost:8765", "[::1]:8765", "127.0.0.1"):
        assert client_for(tmp_path / "s.db").get("/stories.json", headers={"Host": host}).status_code == 200


def test_public_views_show_no_server_paths(tmp_path):
    secret = "/home/editor/private-folder/upload-x9/"
    db = store_with(tmp_path / "s.db",
                    article("a1", "The dam held.", input=secret + "dam.txt"),
                    article("a2", "", input=secret + "feed.xml#3", status="rejected",
                            reason=f"file not found: {secret}feed.xml#3", title=None))
    client = client_for(db)
    pages = [client.get(p) for p in ("/articles", "/articles.json", "/articles/a1", "/articles/a1.json",
                                     "/articles/a2", "/articles/a2.json", "/search.json?q=dam")]
    assert all(r.status_code == 200 for r in pages)
    for page in pages:
        assert "/home/editor" not in page.text and "private-folder" not in page.text
    assert client.get("/articles/a1.json").json()["article"]["input"] == "dam.txt"
    assert client.get("/articles/a2.json").json()["article"]["input"] == "feed.xml#3"


@pytest.mark.parametrize("query, status", [("since=2026-13-45", 422), ("until=2026-02-30", 422),
                                           ("since=2026-00", 422), ("since=2026-02-28", 200),
                                           ("until=2024-02-29", 200), ("since=2026-06", 200)])
def test_impossible_dates_are_refused(tmp_path, query, status):
    response = client_for(tmp_path / "s.db").get(f"/stories.json?{query}")
    assert response.status_code == status
    if status == 422:
        assert "not a date" in response.json()["error"]["message"]


def test_an_outlet_named_like_a_json_twin_has_a_reachable_page(tmp_path):
    db = store_with(tmp_path / "s.db", article("a1", "The dam held.", source="Daily.json"))
    client = client_for(db)
    page = client.get("/outlets/Daily.json")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Daily.json" in page.text
    twin = client.get("/outlets/Daily.json.json")
    assert twin.status_code == 200 and twin.json()["outlet"] == "Daily.json"
    listed = client.get("/outlets.json").json()["outlets"][0]["href"]
    assert client.get(listed).headers["content-type"].startswith("text/html")


# -- the API document ------------------------------------------------------------------------------

def test_openapi_states_bearer_auth_and_the_real_error_shape(tmp_path):
    client = client_for(tmp_path / "s.db", token=TOKEN)
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in json.dumps(spec)
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": spec["components"]["securitySchemes"]["bearer"]["description"]}
    post = spec["paths"]["/api/articles"]["post"]
    assert post["security"] == [{"bearer": []}]
    assert {"201", "202", "401", "403", "413", "415", "422", "429"} <= set(post["responses"])
    error_schema = spec["components"]["schemas"]["Error"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and (path.endswith(".json") or path.startswith("/api/")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (path, method, status)
                elif status.startswith(("4", "5")):
                    assert set(response["content"]) == {"text/html"}, (path, method, status)
    # The errors the app really sends have that shape.
    for response in (client.get("/stories.json?page=0"), client.get("/stories/nope.json"),
                     client.post("/api/articles", json={}), client.post("/api/articles", headers=AUTH, json=[]),
                     client.get("/search.json?q=" + "x" * 600)):
        assert response.status_code >= 400
        jsonschema.validate(response.json(), error_schema)


@pytest.mark.parametrize("argv, hosts", [
    ([], {"127.0.0.1", "localhost", "::1"}),
    (["--host", "192.0.2.7"], {"192.0.2.7"}),
    (["--host", "0.0.0.0", "--allow-host", "news.internal", "--allow-host", "192.0.2.7"],
     {"0.0.0.0", "news.internal", "192.0.2.7"}),
])
def test_serve_answers_only_to_the_bound_host_and_those_allowed(monkeypatch, tmp_path, argv, hosts):
    import uvicorn

    from storylens.cli import main
    from storylens.web import app as web_app

    seen: dict = {}
    monkeypatch.setattr(web_app, "create_app", lambda db, **options: seen.update(options) or "app")
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: None)
    assert main(["serve", "--db", str(tmp_path / "s.db"), *argv]) == 0
    assert set(seen["allowed_hosts"]) == hosts
