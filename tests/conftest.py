"""Shared fixtures. Model-loading fixtures are session-scoped; tests that use them are marked slow."""

from __future__ import annotations

from pathlib import Path

import pytest

from storylens.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"reference seeds not found at {seeds} (they live in ../shared beside the repository)")
    return seeds


@pytest.fixture(scope="session")
def ecbplus_path() -> Path:
    path = SHARED / "bench" / "ecbplus.jsonl"
    if not path.is_file():
        pytest.skip(f"ECB+ corpus not found at {path} (it lives in ../shared beside the repository)")
    return path


@pytest.fixture(scope="session")
def nlp():
    from storylens.read import load_nlp

    return load_nlp(Settings())


@pytest.fixture(scope="session")
def encoder():
    from storylens.embed import load_encoder

    return load_encoder()


@pytest.fixture
def data_dir() -> Path:
    return DATA


class BagOfWordsEncoder:
    """A deterministic stand-in for the sentence encoder: hashed bag of lowercased words."""

    dimensions = 384

    def encode(self, texts):
        import re
        import zlib

        import numpy as np

        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                if len(word) > 2:
                    out[row, zlib.crc32(word.encode()) % self.dimensions] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


@pytest.fixture
def fake_encoder() -> BagOfWordsEncoder:
    return BagOfWordsEncoder()


@pytest.fixture(scope="session")
def models():
    from storylens.pipeline import Models

    return Models.load(Settings())


class LocalSite:
    """A web site on 127.0.0.1 for fetch tests, served from tests/data/ingest/site.

    Text files have `{base}` replaced by the site's address. Routes beyond the files:
    /slow (answers after `slow_seconds`), /status/<code>, /loop/a <-> /loop/b (a redirect loop),
    /redirect/<path> (301 to /<path>), /pause/<path> (the file after `pause_seconds`).
    `requests` records (path, User-Agent); `max_in_flight` the most requests served at once.
    """

    slow_seconds = 1.5
    pause_seconds = 0.25
    _MEDIA_TYPES = {
        ".html": "text/html; charset=utf-8",
        ".rss": "application/rss+xml",
        ".xml": "application/xml",
        ".atom": "application/atom+xml",
        ".txt": "text/plain; charset=utf-8",
        ".json": "application/json",
    }

    def __init__(self, root: Path) -> None:
        import threading

        self.root = root
        self.base = ""
        self.requests: list[tuple[str, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def hits(self, path: str) -> int:
        return sum(1 for seen, _agent in self.requests if seen == path)

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) for a request path."""
        import time

        if path == "/slow":
            time.sleep(self.slow_seconds)
            return 200, {"Content-Type": "text/html"}, b"<html><body><p>Too late.</p></body></html>"
        if path.startswith("/status/"):
            return int(path.rsplit("/", 1)[1]), {"Content-Type": "text/plain"}, b"failure on purpose"
        if path.startswith("/busy/"):  # 429 Too Many Requests, asking the client to wait N seconds
            return 429, {"Content-Type": "text/plain", "Retry-After": path.rsplit("/", 1)[1]}, b"slow down"
        if path in ("/loop/a", "/loop/b"):
            return 302, {"Location": "/loop/b" if path.endswith("a") else "/loop/a"}, b""
        if path.startswith("/redirect/"):
            return 301, {"Location": path[len("/redirect") :]}, b""
        if path.startswith("/pause/"):
            time.sleep(self.pause_seconds)
            path = path[len("/pause") :]
        file = (self.root / path.lstrip("/")).resolve()
        if not file.is_file() or self.root.resolve() not in file.parents:
            return 404, {"Content-Type": "text/plain"}, b"no such page"
        media_type = self._MEDIA_TYPES.get(file.suffix, "application/octet-stream")
        body = file.read_bytes()
        if not media_type.startswith("application/octet"):
            body = body.replace(b"{base}", self.base.encode())
        return 200, {"Content-Type": media_type}, body


@pytest.fixture
def local_site():
    """A LocalSite running on a free port of 127.0.0.1 for the length of one test."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    site = LocalSite(DATA / "ingest" / "site")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            path = self.path.split("?", 1)[0]
            with site.lock:
                site.requests.append((path, self.headers.get("User-Agent", "")))
                site.in_flight += 1
                site.max_in_flight = max(site.max_in_flight, site.in_flight)
            done = False

            def finish() -> None:
                nonlocal done
                if not done:
                    with site.lock:
                        site.in_flight -= 1
                    done = True

            try:
                status, headers, body = site.respond(path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # Count the request as finished before the client can have all of it: once the
                # client has the body it may start its next request while this thread is still here.
                finish()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout under test); nothing to answer
            finally:
                finish()

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory, models) -> Path:
    """A store built once by the real pipeline over the bundled examples (articles only, not the README)."""
    from storylens.pipeline import run
    from storylens.store import Store

    examples = REPO / "examples"
    inputs = sorted(str(p) for p in examples.iterdir() if p.suffix in (".txt", ".html", ".jsonl"))
    path = tmp_path_factory.mktemp("examples-store") / "storylens.db"
    with Store(path) as store:
        run(store, inputs, Settings(), models)
    return path


def _analyze_once(inputs, models, folder: Path) -> dict:
    from storylens.pipeline import dossier_from_store, run
    from storylens.store import Store

    with Store(folder / "storylens.db") as store:
        run(store, [str(i) for i in inputs], Settings(), models)
        return dossier_from_store(store)


@pytest.fixture(scope="session")
def seeds_dossier(seeds_dir, models, tmp_path_factory) -> dict:
    """The dossier of the reference seeds, analysed once per session."""
    return _analyze_once([seeds_dir], models, tmp_path_factory.mktemp("seeds"))


@pytest.fixture(scope="session")
def examples_dossier(models, tmp_path_factory) -> dict:
    """The dossier of the bundled examples folder, analysed as the README does."""
    return _analyze_once([REPO / "examples"], models, tmp_path_factory.mktemp("examples"))


@pytest.fixture(scope="session")
def dossier_schema() -> dict:
    import json

    path = SHARED / "spec" / "dossier.schema.json"
    if not path.is_file():
        pytest.skip(f"dossier schema not found at {path} (it lives in ../shared beside the repository)")
    return json.loads(path.read_text(encoding="utf-8"))
