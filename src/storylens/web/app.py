"""The web app: every page server-rendered, the same URL + ".json" gives its data, and an API to add articles.

Reads are open; writes (POST /api/articles) need the configured token. Article text
is hostile: templates autoescape, a strict Content-Security-Policy allows only our own
script and styles, request bodies are capped, and URL fetching is off unless allowed
(then only to public addresses).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hmac
import json
import queue
import secrets
import tempfile
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from ..errors import FetchError, InputError, SearchBudgetError, StorylensError
from ..report.html import TEMPLATES as REPORT_TEMPLATES
from ..settings import Settings
from ..store import SearchBudget, Store
from . import views
from .api_doc import describe_api, error_body, wants_json
from .guard import LOOPBACK_HOSTS, Guard, RateLimits
from .intake import FieldError, PayloadError, fetch_records, parse_articles, write_records, write_upload
from .netguard import Resolver, check_public_url, make_fetch_client, resolve_host

HERE = Path(__file__).resolve().parent
MAX_REQUEST_BYTES = 10_000_000
DATE = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"  # empty: a form's blank field, ignored
STORY_CACHE_SIZE = 64
MAX_PAGE = 100_000  # pages past this are refused: offsets stay small whatever a client asks
MAX_QUEUED_WRITES = 200
KEPT_JOBS = 1000
MAX_BATCH = 50  # queued writes run together in one pipeline run
EXPORT_COLUMNS = {
    "claims": ["claim_id", "status", "speaker", "text", "reports", "hedges", "denies", "silent"],
    "conflicts": ["conflict", "kind", "measure", "summary", "outlet", "speaker", "figure", "stance", "date", "text"],
    "figures": ["measure", "figure", "outlet", "speaker", "article_id", "disputed"],
}


# One post to the API: records with text, records with only a URL to fetch, uploaded files (name, bytes).
Post = tuple[list[dict[str, str]], list[dict[str, str]], list[tuple[str | None, bytes]]]


@dataclass
class WriteJob:
    """One queued write: its status (queued, running, done, failed) and, once finished, its result or error."""

    id: str
    status: str = "queued"
    result: dict[str, Any] | None = None
    error: tuple[int, str] | None = None
    work: Post | None = None  # what was posted, until the write has run
    future: concurrent.futures.Future = field(default_factory=concurrent.futures.Future)

    def describe(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "status": self.status, "href": f"/api/jobs/{self.id}"}
        if self.result is not None:
            data["result"] = self.result
        if self.error is not None:
            data["error"] = error_body(*self.error)["error"]
        return data


class WebState:
    """The app's handles: one read connection per thread, one writer fed by a queue, lazily loaded models.

    Readers never wait for writers: the store is in WAL mode and every write indexes what it
    stores in its own transaction, so a read sees the last committed state without any lock.
    Writes run one at a time on the writer thread, off the request path.
    """

    def __init__(self, db_path: str, token: str | None, settings: Settings, allow_fetch: bool, models: Any,
                 fetch_transport: httpx.BaseTransport | None, resolve: Resolver, budget: SearchBudget) -> None:
        self.db_path = db_path
        self.token = token
        self.settings = settings
        self.allow_fetch = allow_fetch
        self.models = models
        self.fetch_transport = fetch_transport
        self.resolve = resolve
        self.budget = budget
        self.local = threading.local()
        self.writer = Store(db_path)
        self.writer.ensure_search_index()
        self.indexed = self.writer.search_index_state()
        self.cache: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        self.cache_lock = threading.Lock()
        self.queue: queue.Queue[WriteJob | None] = queue.Queue()
        self.jobs: OrderedDict[str, WriteJob] = OrderedDict()
        self.jobs_lock = threading.Lock()
        self.worker: threading.Thread | None = None
        self.catch_up_pending = False

    def reader(self) -> Store:
        """This thread's read connection; a change made by another process is indexed by the writer, not here."""
        store = getattr(self.local, "store", None)
        if store is None:
            store = self.local.store = Store(self.db_path)
        if store.search_index_state() != self.indexed and not self.catch_up_pending:
            self.catch_up_pending = True
            self.queue.put(None)  # the writer thread catches up; this reader goes on without waiting
            self.start_worker()
        return store

    def search(self, store: Store, query: str, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """A search under this server's budget; one past it is a 422 that says to use rarer words."""
        try:
            with store.search_budget(self.budget):
                return store.search_text(query, offset, limit)
        except SearchBudgetError as error:
            raise HTTPException(422, str(error)) from error

    def load_models(self) -> Any:
        if self.models is None:
            from ..pipeline import Models

            self.models = Models.load(self.settings)
        return self.models

    def cached(self, key: tuple[Any, ...], build: Callable[[], str]) -> str:
        """A rendered page from the cache, keyed with the store's state so any change invalidates it."""
        key = (*key, self.reader().search_index_state())
        with self.cache_lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
        page = build()
        with self.cache_lock:
            self.cache[key] = page
            while len(self.cache) > STORY_CACHE_SIZE:
                self.cache.popitem(last=False)
        return page

    # -- writes: one writer thread, fed by a queue ----------------------------------
    def submit(self, records: list[dict[str, str]], urls: list[dict[str, str]],
               uploads: list[tuple[str | None, bytes]]) -> WriteJob:
        """Queue a write; the returned job's future resolves when the writer thread has run it."""
        if self.queue.qsize() >= MAX_QUEUED_WRITES:
            raise HTTPException(503, "Too many writes are waiting; try again in a minute.", headers={"Retry-After": "30"})
        job = WriteJob(id=secrets.token_hex(12), work=(records, urls, uploads))
        with self.jobs_lock:
            self.jobs[job.id] = job
            while len(self.jobs) > KEPT_JOBS:
                self.jobs.popitem(last=False)
        self.queue.put(job)
        self.start_worker()
        return job

    def job(self, job_id: str) -> WriteJob | None:
        with self.jobs_lock:
            return self.jobs.get(job_id)

    def start_worker(self) -> None:
        with self.jobs_lock:
            if self.worker is None or not self.worker.is_alive():
                self.worker = threading.Thread(target=self._work, name="storylens-writer", daemon=True)
                self.worker.start()

    def _work(self) -> None:
        """Run queued writes, those waiting together as one batch; stop after a quiet minute."""
        while True:
            try:
                job = self.queue.get(timeout=60)
            except queue.Empty:
                with self.jobs_lock:
                    if self.queue.empty():
                        self.worker = None
                        return
                continue
            if job is None:
                self._catch_up()
                continue
            batch = [job]
            while len(batch) < MAX_BATCH:
                try:
                    waiting = self.queue.get_nowait()
                except queue.Empty:
                    break
                if waiting is None:
                    self.catch_up_pending = False  # the batch's own refresh catches up
                else:
                    batch.append(waiting)
            self._run(batch)

    def _run(self, batch: list[WriteJob]) -> None:
        """One pipeline run for a batch of jobs; when it fails, each job again on its own, so only the bad one fails."""
        for job in batch:
            job.status = "running"
        try:
            results = self.add_batch([job.work for job in batch])  # type: ignore[misc]
        except Exception as error:  # noqa: BLE001 - the writer thread must outlive any one failed write
            if len(batch) > 1:
                for job in batch:
                    self._run([job])
                return
            batch[0].error, results = failure(error), [None]
        for job, result in zip(batch, results):
            job.result, job.work = result, None
            job.status = "failed" if job.error else "done"
            job.future.set_result(job)

    def _catch_up(self) -> None:
        """Index what another process (e.g. `storylens add`) wrote since the last look."""
        self.catch_up_pending = False
        self.writer.refresh_search_index()
        self.indexed = self.writer.search_index_state()

    def add(self, records: list[dict[str, str]], urls: list[dict[str, str]],
            uploads: list[tuple[str | None, bytes]]) -> dict[str, Any]:
        """Run the pipeline over posted articles; returns what was added and which stories changed."""
        return self.add_batch([(records, urls, uploads)])[0]

    def add_batch(self, posts: list[Post]) -> list[dict[str, Any]]:
        """Run the pipeline once over several posts; returns, per post, what it added and which stories changed.

        Every fetch, of a posted URL or of an uploaded feed's entries, goes through one client:
        refusing when the server does not fetch, guarded (public addresses only, on every hop) when it does.
        """
        from ..ingest import reason_category
        from ..pipeline import run

        with tempfile.TemporaryDirectory(prefix="storylens-upload-") as folder, \
                make_fetch_client(self.settings, self.allow_fetch, self.fetch_transport, self.resolve) as client:
            paths, folders = [], []
            for number, (records, urls, uploads) in enumerate(posts, 1):
                post_folder = Path(folder) / f"post-{number}"  # each post's files apart, to tell its articles
                post_folder.mkdir()
                folders.append(str(post_folder) + "/")
                if urls:
                    records = [*records, *fetch_records(urls, client, self.settings)]
                paths += [str(write_records(post_folder, records))] if records else []
                paths += [str(write_upload(post_folder, name, data, n)) for n, (name, data) in enumerate(uploads, 1)]
            models = self.load_models()
            before = self.writer.max_article_seq()
            summary = run(self.writer, paths, self.settings, models, fetch_client=client)
            added = self.writer.articles_since(before)
            self.writer.refresh_search_index()
            self.indexed = self.writer.search_index_state()
            story_of = {a.id: (self.writer.stories_of_article(a.id) or [None])[0] for a in added}
            headlines = self.writer.story_headlines({s for s in story_of.values() if s})
        results = []
        for post_folder in folders:
            mine = [a for a in added if a.input.startswith(post_folder)]
            stories = {story_of[a.id] for a in mine if story_of.get(a.id)}
            if len(posts) == 1:
                counts = asdict(summary)
            else:  # the run's summary covers the batch: this post's share of it
                statuses = Counter(a.status for a in mine)
                reasons = Counter(reason_category(a.reason or "") for a in mine if a.status == "rejected")
                counts = {"seen": len(mine), "new": len(mine), "already_stored": 0, "status": dict(statuses),
                          "rejected_reasons": dict(reasons), "stories_touched": len(stories)}
            results.append({
                "ok": True,
                "summary": counts,
                "articles": [{"id": a.id, "status": a.status,
                              "reason": views.hide_folders(a.reason or "", a.input) or None,
                              "duplicate_of": a.duplicate_of, "source": a.source, "title": a.title,
                              "story_id": story_of.get(a.id), "href": f"/articles/{a.id}"} for a in mine],
                "stories": [{"id": s, "headline": headlines.get(s, ""), "href": f"/stories/{s}"}
                            for s in sorted(stories)],
            })
        return results


def failure(error: Exception) -> tuple[int, str]:
    """The status and message a failed write reports."""
    if isinstance(error, HTTPException):
        return error.status_code, str(error.detail)
    if isinstance(error, FetchError):
        return 502, str(error)
    if isinstance(error, InputError):
        return 400, str(error)
    if isinstance(error, StorylensError):
        return 500, str(error)
    return 500, "The write failed; the server log has the details."


def create_app(db_path: str | Path, token: str | None = None, settings: Settings | None = None,
               allow_fetch: bool = False, *, models: Any = None, max_request_bytes: int = MAX_REQUEST_BYTES,
               fetch_transport: httpx.BaseTransport | None = None, resolve: Resolver = resolve_host,
               allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS, rate_limits: RateLimits = RateLimits(),
               search_budget: SearchBudget = SearchBudget()) -> FastAPI:
    """The web app over a store; models load on the first POST unless given; transport/resolve are for tests.

    `allowed_hosts` are the host names the app answers to ("*": any); by default the loopback names.
    """
    state = WebState(str(db_path), token or None, settings or Settings(), allow_fetch, models,
                     fetch_transport, resolve, search_budget)
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    app = FastAPI(title="storylens", version="1", docs_url=None, redoc_url=None,
                  description="What many reports of the same events establish, dispute, and by whom. "
                              "Every page has a JSON twin at the same path + '.json'.")
    app.state.web = state

    def html(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(template).render(**context), status_code=status)

    def render_error(path: str, status: int, message: str) -> Response:
        body = error_body(status, message)
        if wants_json(path):
            return JSONResponse(body, status_code=status)
        return html("error.html.j2", status, error=body["error"], page_title=body["error"]["title"])

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, error: HTTPException) -> Response:
        message = str(error.detail)
        if error.status_code == 404 and message == "Not Found":
            message = f"Nothing is at {request.url.path}."
        elif error.status_code == 405 and message == "Method Not Allowed":
            message = f"{request.method} is not allowed on {request.url.path}."
        response = render_error(request.url.path, error.status_code, message)
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
                             for e in error.errors())
        return render_error(request.url.path, 422, problems or "The request is not valid.")

    @app.exception_handler(Exception)
    async def on_crash(request: Request, error: Exception) -> Response:
        return render_error(request.url.path, 500, "The server failed to answer; the log has the details.")

    @app.exception_handler(StorylensError)
    async def on_storylens_error(request: Request, error: StorylensError) -> Response:
        return render_error(request.url.path, 500, str(error))

    def respond(request: Request, data: dict[str, Any], template: str, json_twin: bool,
                **context: Any) -> Response:
        if json_twin:
            return JSONResponse({"ok": True, **data})
        # Pager links in the data point at the JSON twin; the page links to its own HTML pages.
        pager = {k: str(data[k]).replace(".json?", "?", 1) if data.get(k) else None for k in ("next", "previous")}
        pager["numbers"] = views.numbered_pages(request.url.path, dict(request.query_params), data["page"],
                                                data["pages"]) if "pages" in data else []
        return html(template, **data, **context, pager=pager, json_href=request.url.path + ".json"
                    + (f"?{request.url.query}" if request.url.query else ""))

    def not_found(what: str) -> HTTPException:
        return HTTPException(404, f"No {what}.")

    # -- stories -------------------------------------------------------------------
    def stories_data(request: Request, page: int, size: int, since: str | None, until: str | None,
                     outlet: str | None, actor: str | None, sort: str = "newest",
                     conflicts: str | None = None) -> dict[str, Any]:
        store = state.reader()
        # A form sends its blank fields as empty strings: they filter nothing.
        since, until = since or None, until or None
        check_dates(since=since, until=until)
        outlet, actor = (outlet or "").strip() or None, (actor or "").strip() or None
        has_conflicts = bool(conflicts) and conflicts not in ("0", "false", "no")
        _, total = store.story_rows(0, 0, since, until, outlet, actor, sort, has_conflicts)
        window = views.paginate(page, size, total)
        rows, _ = store.story_rows(window["offset"], size, since, until, outlet, actor, sort, has_conflicts)
        params = {"since": since, "until": until, "outlet": outlet, "actor": actor,
                  "sort": sort if sort != "newest" else None, "conflicts": "1" if has_conflicts else None}
        return {"stories": [views.story_card(row) for row in rows], "filters": params, "sort": sort, **window,
                **views.page_links("/stories.json", params, window)}

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/stories", status_code=307)

    def stories_route(as_json: bool) -> Callable[..., Response]:
        def stories(request: Request, page: int = Query(1, ge=1, le=MAX_PAGE), size: int = Query(20, ge=1, le=200),
                    since: str | None = Query(None, pattern=DATE, description="stories still reported on or after"),
                    until: str | None = Query(None, pattern=DATE, description="stories reported on or before"),
                    outlet: str | None = Query(None, max_length=200, description="any part of an outlet's name"),
                    actor: str | None = Query(None, max_length=200),
                    sort: str = Query("newest", pattern="^(newest|outlets|conflicts)$"),
                    conflicts: str | None = Query(None, max_length=5, description="1: only stories with conflicts")
                    ) -> Response:
            data = stories_data(request, page, size, since, until, outlet, actor, sort, conflicts)
            if as_json:
                return respond(request, data, "stories.html.j2", as_json)
            store = state.reader()
            return respond(request, data, "stories.html.j2", as_json, page_title="Stories", sorts=views.STORY_SORTS,
                           outlet_names=store.outlet_names(), actor_names=store.actor_names())
        return stories

    for as_json in (True, False):
        app.get("/stories.json" if as_json else "/stories", summary="Stories, newest first",
                response_class=JSONResponse if as_json else HTMLResponse)(stories_route(as_json))

    def story_payload(story_id: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        store = state.reader()
        story = store.story_dossier(story_id)
        if story is None:
            raise not_found(f"story with id {story_id!r}")
        articles = {}
        for aid in story.get("article_ids") or []:
            article = store.article(str(aid))
            if article is not None:
                articles[article.id] = views.article_dict(article)
        return story, articles

    @app.get("/stories/{story_id}.json", summary="One story's dossier and its articles")
    def story_json(story_id: str) -> Response:
        def build() -> str:
            story, articles = story_payload(story_id)
            return json.dumps({"ok": True, "story": story, "articles": list(articles.values())},
                              ensure_ascii=False, separators=(",", ":"))

        # Built once per store state, like the story page: a big story costs its readers nothing more.
        return Response(state.cached(("story.json", story_id), build), media_type="application/json")

    def story_export(story_id: str) -> dict[str, list[dict[str, Any]]]:
        story, articles = story_payload(story_id)
        return views.export_rows(views.story_view(story, articles))

    @app.get("/stories/{story_id}/export.json", summary="One story's claims, conflict sides and figures as rows")
    def story_export_json(story_id: str) -> JSONResponse:
        return JSONResponse({"ok": True, "story_id": story_id, **story_export(story_id)},
                            headers={"Content-Disposition": f'attachment; filename="{_quote(story_id)}.json"'})

    @app.get("/stories/{story_id}/{part}.csv", summary="One story's claims, conflicts or figures as CSV")
    def story_export_csv(story_id: str, part: str) -> Response:
        columns = EXPORT_COLUMNS.get(part)
        if columns is None:
            raise HTTPException(404, f"No export named {part!r}: use claims.csv, conflicts.csv or figures.csv.")
        text = views.csv_text(story_export(story_id)[part], columns)
        return Response(text, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{_quote(story_id)}-{part}.csv"'})

    @app.get("/stories/{story_id}", response_class=HTMLResponse, summary="One story, side by side")
    def story_page(request: Request, story_id: str) -> HTMLResponse:
        def build() -> str:
            story, articles = story_payload(story_id)
            view = views.story_desk(views.story_view(story, articles))
            return env.get_template("story.html.j2").render(
                s=view, page_title=view["headline"], json_href=f"/stories/{story_id}.json")

        state.reader()
        return HTMLResponse(state.cached(("story", story_id), build))

    # -- articles ------------------------------------------------------------------
    def articles_route(as_json: bool) -> Callable[..., Response]:
        def articles(request: Request, page: int = Query(1, ge=1, le=MAX_PAGE), size: int = Query(20, ge=1, le=200),
                     status: str | None = Query(None, pattern="^(ok|duplicate|rejected)$"),
                     outlet: str | None = Query(None, max_length=200)) -> Response:
            store = state.reader()
            _, total = store.article_rows(0, 0, status, outlet)
            window = views.paginate(page, size, total)
            rows, _ = store.article_rows(window["offset"], size, status, outlet)
            items = []
            for article in rows:
                item = views.article_dict(article)
                # Listings leave the text out; the article's own page has it.
                item["chars"] = len(item.pop("text") or "")
                items.append({**item, "href": f"/articles/{article.id}"})
            params = {"status": status, "outlet": outlet}
            data = {"articles": items, "filters": params, **window,
                    **views.page_links("/articles.json", params, window)}
            return respond(request, data, "articles.html.j2", as_json, page_title="Articles")
        return articles

    for as_json in (True, False):
        app.get("/articles.json" if as_json else "/articles", summary="Articles and their fate",
                response_class=JSONResponse if as_json else HTMLResponse)(articles_route(as_json))

    def article_data(article_id: str) -> dict[str, Any]:
        store = state.reader()
        article = store.article(article_id)
        if article is None:
            raise not_found(f"article with id {article_id!r}")
        story_ids = store.stories_of_article(article.id)
        stories = [s for s in (store.story_dossier(sid) for sid in story_ids) if s]
        reading = next(iter(store.readings([article.id])), None)
        layers = views.article_layers(reading, stories, article.text)
        why = next((str(e.get("why")) for s in stories for e in s.get("explanations") or []
                    if isinstance(e, Mapping) and e.get("article_id") == article.id), None)
        original = store.article(article.duplicate_of) if article.duplicate_of else None
        return {
            "article": views.article_dict(article),
            "stories": [{"id": s.get("id"), "headline": s.get("headline"), "href": f"/stories/{s.get('id')}"}
                        for s in stories],
            "why": why,
            "duplicate_of": {"id": original.id, "source": original.source, "title": original.title,
                             "href": f"/articles/{original.id}"} if original else None,
            "duplicates": [{"id": d.id, "source": d.source, "href": f"/articles/{d.id}"}
                           for d in store.duplicates_of(article.id)],
            "marks": [{"start": s, "end": e, "kind": k, "label": t} for s, e, k, t in sorted(layers)],
        }

    @app.get("/articles/{article_id}.json", summary="One article: text, marks and fate")
    def article_json(article_id: str) -> JSONResponse:
        return JSONResponse({"ok": True, **article_data(article_id)})

    @app.get("/articles/{article_id}", response_class=HTMLResponse, summary="One article, marked")
    def article_page(request: Request, article_id: str) -> Response:
        data = article_data(article_id)
        text = data["article"]["text"]
        body = views.mark_layers(text, [(m["start"], m["end"], m["kind"], m["label"]) for m in data["marks"]])
        return respond(request, data, "article.html.j2", False, body=body, kinds=views.MARK_KINDS,
                       page_title=data["article"]["title"] or data["article"]["id"])

    # -- outlets -------------------------------------------------------------------
    def outlets_route(as_json: bool) -> Callable[..., Response]:
        def outlets(request: Request, page: int = Query(1, ge=1, le=MAX_PAGE), size: int = Query(50, ge=1, le=500)) -> Response:
            store = state.reader()
            _, total = store.outlet_rows(0, 0)
            window = views.paginate(page, size, total)
            rows, _ = store.outlet_rows(window["offset"], size)
            for row in rows:
                row["href"] = "/outlets/" + _quote(row["outlet"])
            data = {"outlets": rows, **window, **views.page_links("/outlets.json", {}, window)}
            return respond(request, data, "outlets.html.j2", as_json, page_title="Outlets")
        return outlets

    for as_json in (True, False):
        app.get("/outlets.json" if as_json else "/outlets", summary="Outlets with their article and story counts",
                response_class=JSONResponse if as_json else HTMLResponse)(outlets_route(as_json))

    def outlet_data(name: str, page: int, size: int) -> dict[str, Any]:
        store = state.reader()
        _, count = store.article_rows(0, 0, None, name)
        if not count:
            raise not_found(f"outlet named {name!r}")
        ids, total = store.outlet_story_ids(name, 0, 0)
        window = views.paginate(page, size, total)
        ids, _ = store.outlet_story_ids(name, window["offset"], size)
        stories = []
        for sid in ids:
            story = store.story_dossier(sid)
            if story is None:
                continue
            sources = {}
            for aid in story.get("article_ids") or []:
                article = store.article(str(aid))
                if article is not None:
                    sources[article.id] = article.source
            stories.append({**views.outlet_story(story, name, sources), "href": f"/stories/{sid}"})
        rows, _ = store.article_rows(0, 200, None, name)
        return {"outlet": name, "articles_total": count,
                "articles": [{"id": a.id, "title": a.title, "published": a.published, "status": a.status,
                              "href": f"/articles/{a.id}"} for a in rows],
                "stories": stories, **window,
                **views.page_links(f"/outlets/{_quote(name)}.json", {}, window)}

    @app.get("/outlets/{name:path}.json", summary="One outlet's coverage and framing across stories")
    def outlet_json(request: Request, name: str, page: int = Query(1, ge=1, le=MAX_PAGE),
                    size: int = Query(20, ge=1, le=200)) -> Response:
        store = state.reader()
        if not store.article_rows(0, 0, None, name)[1] and store.article_rows(0, 0, None, name + ".json")[1]:
            # No outlet `name`, but one named `name.json` (e.g. "Daily.json"): this path is its page.
            return outlet_page(request, name + ".json", page, size)
        return JSONResponse({"ok": True, **outlet_data(name, page, size)})

    @app.get("/outlets/{name:path}", response_class=HTMLResponse, summary="One outlet's coverage and framing")
    def outlet_page(request: Request, name: str, page: int = Query(1, ge=1, le=MAX_PAGE),
                    size: int = Query(20, ge=1, le=200)) -> Response:
        data = outlet_data(name, page, size)
        return respond(request, data, "outlet.html.j2", False, page_title=name)

    # -- search --------------------------------------------------------------------
    def search_route(as_json: bool) -> Callable[..., Response]:
        def search(request: Request, q: str = Query("", max_length=500, description="words to find"),
                   page: int = Query(1, ge=1, le=MAX_PAGE), size: int = Query(20, ge=1, le=200)) -> Response:
            store = state.reader()
            hits, total = state.search(store, q, 0, 0) if q.strip() else ([], 0)
            window = views.paginate(page, size, total)
            hits, _ = state.search(store, q, window["offset"], size) if q.strip() else ([], 0)
            headlines = store.story_headlines({str(h["story_id"]) for h in hits if h["kind"] == "claim"})
            for hit in hits:
                hit["story_headline"] = headlines.get(str(hit["story_id"])) if hit["kind"] == "claim" else None
                # A claim opens its story with the claim picked.
                hit["href"] = (f"/articles/{hit['id']}" if hit["kind"] == "article"
                               else f"/stories/{hit['story_id']}#{views.claim_key(hit['id'])}")
                if as_json:
                    hit["snippet"] = views.snippet_text(hit["snippet"])
                else:
                    hit["snippet"] = views.snippet_markup(hit["snippet"])
            data = {"q": q, "hits": hits, **window, **views.page_links("/search.json", {"q": q}, window)}
            return respond(request, data, "search.html.j2", as_json, page_title=f"Search: {q}" if q else "Search")
        return search

    for as_json in (True, False):
        app.get("/search.json" if as_json else "/search", summary="Full-text search over articles and claims",
                response_class=JSONResponse if as_json else HTMLResponse)(search_route(as_json))

    # -- writes --------------------------------------------------------------------
    @app.post("/api/articles", status_code=201, summary="Add articles (JSON or file upload); needs the token",
              openapi_extra={"requestBody": {"content": {
                  "application/json": {"schema": {"type": "object", "properties": {"articles": {
                      "type": "array", "items": {"type": "object", "properties": {
                          k: {"type": "string"} for k in ("title", "text", "source", "published", "url",
                                                          "author", "external_id")}}}}}},
                  "multipart/form-data": {"schema": {"type": "object", "properties": {
                      "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}})
    async def post_articles(request: Request, wait: bool = Query(
            True, description="false: answer 202 at once with a job to poll at /api/jobs/{id}")) -> JSONResponse:
        check_token(request)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        records: list[dict[str, str]] = []
        urls: list[dict[str, str]] = []
        uploads: list[tuple[str | None, bytes]] = []
        if kind == "application/json":
            try:
                intake = parse_articles(json.loads(await request.body()))
            except FieldError as error:
                raise HTTPException(422, f"Cannot accept the articles: {error}") from error
            except (ValueError, PayloadError) as error:
                raise HTTPException(400, f"Cannot read the articles: {error}") from error
            records, urls = intake.records, intake.urls
        elif kind == "multipart/form-data":
            async with request.form(max_files=200, max_fields=200) as form:
                for _, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        uploads.append((value.filename, await value.read()))
            if not uploads:
                raise HTTPException(400, "The form holds no files; attach articles as file fields.")
        else:
            raise HTTPException(415, "Send articles as application/json or as multipart/form-data file uploads.")
        if urls and not state.allow_fetch:
            raise HTTPException(403, "This server does not fetch URLs; send the article text, or start the "
                                     "server with --allow-fetch.")
        for item in urls:
            try:
                await run_in_threadpool(check_public_url, item["url"], state.resolve)
            except FetchError as error:
                raise HTTPException(400, str(error)) from error
        job = state.submit(records, urls, uploads)
        if not wait:
            return JSONResponse({"ok": True, "job": job.describe()}, status_code=202,
                                headers={"Location": f"/api/jobs/{job.id}"})
        await asyncio.wrap_future(job.future)
        if job.error is not None:
            raise HTTPException(*job.error)
        return JSONResponse(job.result, status_code=201)

    @app.get("/api/jobs/{job_id}", summary="A queued write: its status, then its result or error; needs the token")
    def write_job(request: Request, job_id: str) -> JSONResponse:
        check_token(request)
        job = state.job(job_id)
        if job is None:
            raise not_found(f"write job with id {job_id!r} (jobs are kept for the last {KEPT_JOBS:,} writes)")
        return JSONResponse({"ok": True, "job": job.describe()})

    def check_token(request: Request) -> None:
        if not state.token:
            raise HTTPException(403, "Writes are disabled: start the server with --token TOKEN "
                                     "(or set STORYLENS_TOKEN) and send it as 'Authorization: Bearer TOKEN'.")
        given = request.headers.get("x-storylens-token") or ""
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            given = value.strip()
        if not hmac.compare_digest(given.encode(), state.token.encode()):
            raise HTTPException(401, "A valid token is needed to add articles: send 'Authorization: Bearer TOKEN'.",
                                headers={"WWW-Authenticate": "Bearer"})

    # -- docs and assets -------------------------------------------------------------
    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        spec = app.openapi()
        routes = [{"path": path, "method": method.upper(), "summary": op.get("summary") or "",
                   "params": [p["name"] for p in op.get("parameters", [])]}
                  for path, ops in spec.get("paths", {}).items() for method, op in ops.items()]
        return html("docs.html.j2", routes=routes, page_title="API", json_href="/openapi.json")

    @app.get("/static/report.css", include_in_schema=False)
    def report_css() -> FileResponse:
        # The standalone report's stylesheet, shared so pages and reports look alike.
        return FileResponse(REPORT_TEMPLATES / "report.css", media_type="text/css")

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.openapi = lambda: describe_api(app)  # type: ignore[method-assign]
    app.add_middleware(Guard, max_bytes=max_request_bytes, render_error=render_error, allowed_hosts=allowed_hosts,
                       limits=rate_limits)
    return app


def check_dates(**dates: str | None) -> None:
    """422 for a date filter that matches the pattern but names no day of the calendar (2026-13-45)."""
    problems = []
    for name, value in dates.items():
        if not value:
            continue
        parts = [int(p) for p in value.split("-")]
        try:
            date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError as error:
            problems.append({"loc": ("query", name), "msg": f"{value!r} is not a date: {error}", "type": "value_error"})
    if problems:
        raise RequestValidationError(problems)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")

