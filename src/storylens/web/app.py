"""The web app: every page server-rendered, the same URL + ".json" gives its data, and an API to add articles.

Reads are open; writes (POST /api/articles) need the configured token. Article text
is hostile: templates autoescape, a strict Content-Security-Policy allows only our own
script and styles, request bodies are capped, and URL fetching is off unless allowed
(then only to public addresses).
"""

from __future__ import annotations

import hmac
import json
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import asdict
from http import HTTPStatus
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
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import FetchError, InputError, StorylensError
from ..report.html import TEMPLATES as REPORT_TEMPLATES
from ..settings import Settings
from ..store import Store
from . import views
from .intake import PayloadError, fetch_records, parse_articles, write_records, write_upload
from .netguard import Resolver, check_public_url, make_guarded_client, resolve_host

HERE = Path(__file__).resolve().parent
MAX_REQUEST_BYTES = 10_000_000
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          413: "Content too large", 415: "Unsupported media type", 422: "Invalid request",
          500: "Internal server error", 502: "Bad gateway"}
DATE = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"  # empty: a form's blank field, ignored
STORY_CACHE_SIZE = 64
EXPORT_COLUMNS = {
    "claims": ["claim_id", "status", "speaker", "text", "reports", "hedges", "denies", "silent"],
    "conflicts": ["conflict", "kind", "measure", "summary", "outlet", "speaker", "figure", "stance", "date", "text"],
    "figures": ["measure", "figure", "outlet", "speaker", "article_id", "disputed"],
}


def wants_json(path: str) -> bool:
    """JSON twins end in .json; the API lives under /api/."""
    return path.endswith(".json") or path.startswith("/api/")


def error_body(status: int, message: str) -> dict[str, Any]:
    """The one JSON error shape of the API."""
    title = TITLES.get(status) or HTTPStatus(status).phrase.capitalize()
    return {"ok": False, "error": {"status": status, "title": title, "message": message}}


class Guard:
    """ASGI middleware: security headers on every response, and a cap on request body size."""

    def __init__(self, app: ASGIApp, max_bytes: int, render_error: Callable[[str, int, str], Response]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.render_error = render_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[h for h in SECURITY_HEADERS if h[0] not in names]]
            await send(message)

        too_large = f"The request body is larger than {self.max_bytes:,} bytes; send fewer or smaller articles."
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self.render_error(scope["path"], 413, too_large)(scope, receive, send_with_headers)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised inside the endpoint's read, so the app's error handler answers with 413.
                    raise HTTPException(413, too_large)
            return message

        await self.app(scope, counted_receive, send_with_headers)


class WebState:
    """The app's handles: one read connection per thread, one locked writer, lazily loaded models."""

    def __init__(self, db_path: str, token: str | None, settings: Settings, allow_fetch: bool, models: Any,
                 fetch_transport: httpx.BaseTransport | None, resolve: Resolver) -> None:
        self.db_path = db_path
        self.token = token
        self.settings = settings
        self.allow_fetch = allow_fetch
        self.models = models
        self.fetch_transport = fetch_transport
        self.resolve = resolve
        self.write_lock = threading.Lock()
        self.local = threading.local()
        self.writer = Store(db_path)
        self.writer.ensure_search_index()
        self.indexed = self.writer.search_index_state()
        self.cache: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        self.cache_lock = threading.Lock()

    def reader(self) -> Store:
        """This thread's read connection, with the search index brought up to date if the store changed."""
        store = getattr(self.local, "store", None)
        if store is None:
            store = self.local.store = Store(self.db_path)
        state = store.search_index_state()
        if state != self.indexed:
            with self.write_lock:
                self.writer.refresh_search_index()
                self.indexed = state
        return store

    def load_models(self) -> Any:
        if self.models is None:
            from ..pipeline import Models

            self.models = Models.load(self.settings)
        return self.models

    def cached(self, key: tuple[Any, ...], build: Callable[[], str]) -> str:
        """A rendered page from the cache, keyed with the store's state so any change invalidates it."""
        key = (*key, self.indexed)
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

    def add(self, records: list[dict[str, str]], urls: list[dict[str, str]],
            uploads: list[tuple[str | None, bytes]]) -> dict[str, Any]:
        """Run the pipeline over posted articles; returns what was added and which stories changed."""
        from ..pipeline import run

        with self.write_lock, tempfile.TemporaryDirectory(prefix="storylens-upload-") as folder:
            if urls:
                with make_guarded_client(self.settings, self.fetch_transport, self.resolve) as client:
                    records = [*records, *fetch_records(urls, client, self.settings)]
            paths = [str(write_records(Path(folder), records))] if records else []
            paths += [str(write_upload(Path(folder), name, data, n)) for n, (name, data) in enumerate(uploads, 1)]
            models = self.load_models()
            before = self.writer.max_article_seq()
            summary = run(self.writer, paths, self.settings, models)
            added = self.writer.articles_since(before)
            self.writer.refresh_search_index()
            self.indexed = self.writer.search_index_state()
            story_of = {a.id: (self.writer.stories_of_article(a.id) or [None])[0] for a in added}
            headlines = self.writer.story_headlines({s for s in story_of.values() if s})
        return {
            "ok": True,
            "summary": asdict(summary),
            "articles": [{"id": a.id, "status": a.status, "reason": a.reason, "duplicate_of": a.duplicate_of,
                          "source": a.source, "title": a.title, "story_id": story_of.get(a.id),
                          "href": f"/articles/{a.id}"} for a in added],
            "stories": [{"id": s, "headline": h, "href": f"/stories/{s}"} for s, h in sorted(headlines.items())],
        }


def create_app(db_path: str | Path, token: str | None = None, settings: Settings | None = None,
               allow_fetch: bool = False, *, models: Any = None, max_request_bytes: int = MAX_REQUEST_BYTES,
               fetch_transport: httpx.BaseTransport | None = None, resolve: Resolver = resolve_host) -> FastAPI:
    """The web app over a store; models load on the first POST unless given; transport/resolve are for tests."""
    state = WebState(str(db_path), token or None, settings or Settings(), allow_fetch, models,
                     fetch_transport, resolve)
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
        def stories(request: Request, page: int = Query(1, ge=1), size: int = Query(20, ge=1, le=200),
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
    def story_json(story_id: str) -> JSONResponse:
        story, articles = story_payload(story_id)
        return JSONResponse({"ok": True, "story": story, "articles": list(articles.values())})

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
        def articles(request: Request, page: int = Query(1, ge=1), size: int = Query(20, ge=1, le=200),
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
        def outlets(request: Request, page: int = Query(1, ge=1), size: int = Query(50, ge=1, le=500)) -> Response:
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
    def outlet_json(name: str, page: int = Query(1, ge=1), size: int = Query(20, ge=1, le=200)) -> JSONResponse:
        return JSONResponse({"ok": True, **outlet_data(name, page, size)})

    @app.get("/outlets/{name:path}", response_class=HTMLResponse, summary="One outlet's coverage and framing")
    def outlet_page(request: Request, name: str, page: int = Query(1, ge=1),
                    size: int = Query(20, ge=1, le=200)) -> Response:
        data = outlet_data(name, page, size)
        return respond(request, data, "outlet.html.j2", False, page_title=name)

    # -- search --------------------------------------------------------------------
    def search_route(as_json: bool) -> Callable[..., Response]:
        def search(request: Request, q: str = Query("", max_length=500, description="words to find"),
                   page: int = Query(1, ge=1), size: int = Query(20, ge=1, le=200)) -> Response:
            store = state.reader()
            hits, total = store.search_text(q, 0, 0) if q.strip() else ([], 0)
            window = views.paginate(page, size, total)
            hits, _ = store.search_text(q, window["offset"], size) if q.strip() else ([], 0)
            for hit in hits:
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
    async def post_articles(request: Request) -> JSONResponse:
        check_token(request)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        records: list[dict[str, str]] = []
        urls: list[dict[str, str]] = []
        uploads: list[tuple[str | None, bytes]] = []
        if kind == "application/json":
            try:
                intake = parse_articles(json.loads(await request.body()))
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
        try:
            result = await run_in_threadpool(state.add, records, urls, uploads)
        except FetchError as error:
            raise HTTPException(502, str(error)) from error
        except InputError as error:
            raise HTTPException(400, str(error)) from error
        return JSONResponse(result, status_code=201)

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
    app.add_middleware(Guard, max_bytes=max_request_bytes, render_error=render_error)
    return app


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")

