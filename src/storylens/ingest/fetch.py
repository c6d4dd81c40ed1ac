"""HTTP fetching: robots.txt, redirects checked hop by hop, retries with backoff, a size cap,
an optional cache, and failure reasons a user understands.

Every reason raised as FetchError starts with a short category ("HTTP 404", "timed out",
"redirect loop", "too many redirects", "robots.txt", "cannot connect", "invalid URL") so
rejected inputs can be counted by kind.
"""

from __future__ import annotations

import contextlib
import contextvars
import email.utils
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol, TypeVar
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from ..errors import FetchError
from ..settings import Settings
from .decode import check_size

__all__ = ["Fetched", "Fetcher", "HttpCache", "RobotsRules", "deadline_transport", "fetch_url", "make_client"]

# Statuses worth another try: the server may recover.
_RETRY_STATUSES = {429, 500, 502, 503, 504}
_BACKOFF_SECONDS = 0.5
_MAX_RETRY_AFTER_SECONDS = 30.0  # a server asking for a longer pause gets a clear failure, not a stalled batch
MAX_REDIRECTS = 10
# RFC 9309 lets crawlers stop reading robots.txt after 500 KiB.
_ROBOTS_MAX_BYTES = 500 * 1024
# The cache keeps the final URL of a redirected fetch under this header.
_FINAL_URL_HEADER = "content-location"

T = TypeVar("T")
R = TypeVar("R")


class HttpCache(Protocol):
    """A store of fetched responses, keyed by the requested URL.

    Called from fetch worker threads (one call at a time: `Fetcher` serialises them), so an
    implementation on SQLite needs a connection usable from any thread.
    """

    def get(self, url: str) -> tuple[int, dict[str, str], bytes] | None:
        """The stored (status, headers, body) for `url`, or None when it was never stored."""
        ...

    def put(self, url: str, status: int, headers: dict[str, str], body: bytes) -> None:
        """Store the response fetched for `url`."""
        ...


@dataclass(frozen=True)
class Fetched:
    """A fetched response: final URL, media type, raw bytes, status and headers (lower-case names)."""

    url: str
    media_type: str
    data: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    from_cache: bool = False


# The monotonic time by which the request running in this thread must be over, if any.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("storylens_fetch_deadline", default=None)


@contextlib.contextmanager
def _until(deadline: float) -> Iterator[None]:
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _remaining(timeout: float | None) -> float | None:
    """`timeout`, shortened to what is left before this thread's deadline; ReadTimeout once it has passed."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the URL's overall deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read, write and handshake stops at the request's deadline.

    httpx's timeouts hold per read, so a server sending its status line and headers one byte
    at a time would otherwise hold a fetch for as long as it likes.
    """

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,  # type: ignore[no-untyped-def]
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout)))

    def get_extra_info(self, info: str) -> object:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None,  # type: ignore[no-untyped-def]
                    socket_options=None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_tcp(host, port, _remaining(timeout), local_address, socket_options))

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # type: ignore[no-untyped-def]
        return _DeadlineStream(self._inner.connect_unix_socket(path, _remaining(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_transport() -> httpx.HTTPTransport:
    """httpx's transport, with sockets that honour the overall deadline of the fetch in progress."""
    transport = httpx.HTTPTransport()
    # httpx (pinned) builds its connection pool without a way to pass a network backend;
    # tests/test_ingest_limits.py fails if this attribute stops being the one the pool uses.
    transport._pool._network_backend = _DeadlineBackend()  # noqa: SLF001
    return transport


def make_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """An HTTP client configured from settings; pass a transport to stay off the network in tests."""
    return httpx.Client(
        transport=transport if transport is not None else deadline_transport(),
        timeout=settings.fetch_timeout,
        follow_redirects=False,  # fetch_url follows redirects itself, to check robots.txt and loops per hop
        headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )


class RobotsRules:
    """robots.txt of each host, fetched once through the run's client and kept in memory.

    A robots.txt that is missing, unreadable or cannot be fetched allows everything.
    """

    def __init__(self) -> None:
        self._rules: dict[str, RobotFileParser | None] = {}
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}

    def check(self, url: str, client: httpx.Client, settings: Settings, deadline: float | None = None) -> None:
        """Raise FetchError when the robots.txt of `url`'s host disallows it for our User-Agent.

        robots.txt is read at most until `deadline` (time.monotonic()), and never past 500 KiB.
        """
        parsed = httpx.URL(url)
        origin = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
        rules = self._rules_for(origin, client, settings, deadline)
        if rules is not None and not rules.can_fetch(settings.user_agent, url):
            path = parsed.raw_path.decode("ascii", "replace") or "/"
            raise FetchError(f"robots.txt of {parsed.netloc.decode('ascii')} disallows {path}")

    def _rules_for(self, origin: str, client: httpx.Client, settings: Settings,
                   deadline: float | None) -> RobotFileParser | None:
        with self._lock:
            if origin in self._rules:
                return self._rules[origin]
            host_lock = self._host_locks.setdefault(origin, threading.Lock())
        # One fetch per host even when several threads ask at once; other hosts are not held up.
        with host_lock:
            with self._lock:
                if origin in self._rules:
                    return self._rules[origin]
            rules = _read_robots(origin, client, settings, deadline)
            with self._lock:
                self._rules[origin] = rules
            return rules


def _read_robots(origin: str, client: httpx.Client, settings: Settings,
                 deadline: float | None = None) -> RobotFileParser | None:
    """Parsed robots.txt of an origin; None (everything allowed) when it cannot be had.

    The body is read in chunks and cut at 500 KiB, so an endless response costs no more memory
    than that; one still arriving at `deadline` counts as unavailable.
    """
    deadline = deadline if deadline is not None else time.monotonic() + settings.fetch_deadline
    body = bytearray()
    try:
        with _until(deadline), client.stream(
            "GET",
            f"{origin}/robots.txt",
            follow_redirects=True,
            timeout=_read_timeout(settings, deadline),
            headers={"User-Agent": settings.user_agent},
        ) as response:
            if response.status_code != 200:
                return None  # 4xx means no rules; a failing server is treated the same, so the batch goes on
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) >= _ROBOTS_MAX_BYTES:
                    break
                if time.monotonic() > deadline:
                    return None
    except httpx.HTTPError:
        return None
    text = bytes(body[:_ROBOTS_MAX_BYTES]).decode("utf-8", "replace")
    rules = RobotFileParser(f"{origin}/robots.txt")
    rules.parse(text.splitlines())
    return rules


def fetch_url(
    url: str,
    client: httpx.Client,
    settings: Settings,
    *,
    cache: HttpCache | None = None,
    robots: RobotsRules | None = None,
) -> Fetched:
    """GET a URL (from `cache` when it holds it); raise FetchError with a reason a user understands.

    Everything for one URL (robots.txt, redirects, retries, the body) ends by `fetch_deadline`.
    """
    if cache is not None:
        stored = cache.get(url)
        if stored is not None:
            return _from_cache(url, *stored)
    deadline = time.monotonic() + settings.fetch_deadline
    attempts = settings.fetch_retries + 1
    for attempt in range(attempts):
        try:
            fetched = _fetch_once(url, client, settings, robots, deadline)
            break
        except _Retryable as exc:
            wait = _BACKOFF_SECONDS * 2**attempt if exc.retry_after is None else exc.retry_after
            if attempt + 1 == attempts or wait > _MAX_RETRY_AFTER_SECONDS or time.monotonic() + wait > deadline:
                tries = f" (after {attempt + 1} attempts)" if attempt > 0 and not exc.timed_out else ""
                later = f"; the server asked to wait {wait:.0f}s" if exc.retry_after is not None and wait > 1 else ""
                raise FetchError(f"{exc}{tries}{later}") from exc
            time.sleep(wait)
    else:  # pragma: no cover - the loop breaks or raises
        raise FetchError(f"cannot connect: could not fetch {url}")
    if cache is not None:
        headers = dict(fetched.headers)
        headers.setdefault(_FINAL_URL_HEADER, fetched.url)
        cache.put(url, fetched.status, headers, fetched.data)
    return fetched


def _from_cache(url: str, status: int, headers: dict[str, str], body: bytes) -> Fetched:
    headers = {name.lower(): value for name, value in headers.items()}
    if status >= 400:
        raise FetchError(f"HTTP {status}: stored response for {url} (cached)")
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    final = headers.get(_FINAL_URL_HEADER) or url
    return Fetched(url=final, media_type=media_type, data=body, status=status, headers=headers, from_cache=True)


class _Retryable(Exception):
    """A failure that another attempt may fix."""

    def __init__(self, message: str, timed_out: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.timed_out = timed_out
        self.retry_after = retry_after  # what the server asked us to wait, when it said


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A Retry-After header (seconds, or an HTTP date) as seconds to wait; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _read_timeout(settings: Settings, deadline: float) -> float:
    """Seconds one network read may wait: fetch_timeout, or less when the URL's deadline is nearer."""
    return max(0.001, min(settings.fetch_timeout, deadline - time.monotonic()))


def _past_deadline(url: str, settings: Settings) -> FetchError:
    return FetchError(f"timed out: {url} took longer than {settings.fetch_deadline:g} s in all (fetch_deadline)")


def _fetch_once(url: str, client: httpx.Client, settings: Settings, robots: RobotsRules | None,
                deadline: float) -> Fetched:
    """One attempt: follow redirects hop by hop, checking robots.txt and loops at each."""
    visited = [url]
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        if robots is not None:
            robots.check(current, client, settings, deadline)
        if time.monotonic() > deadline:
            raise _past_deadline(url, settings)
        next_url = _request(current, url, client, settings, deadline)
        if isinstance(next_url, Fetched):
            return next_url
        if next_url in visited:
            raise FetchError(
                f"redirect loop: {url} keeps redirecting ({' -> '.join([*visited[visited.index(next_url):], next_url])})"
            )
        visited.append(next_url)
        current = next_url
    raise FetchError(f"too many redirects: more than {MAX_REDIRECTS} fetching {url}")


def _request(current: str, original: str, client: httpx.Client, settings: Settings, deadline: float) -> Fetched | str:
    """The response at `current`, or the URL it redirects to; FetchError when it is not all in by `deadline`."""
    try:
        with _until(deadline), client.stream(
            "GET",
            current,
            follow_redirects=False,
            timeout=_read_timeout(settings, deadline),
            headers={"User-Agent": settings.user_agent},
        ) as response:
            if response.next_request is not None:
                return str(response.next_request.url)
            status = response.status_code
            if status in _RETRY_STATUSES:
                raise _Retryable(f"HTTP {status}: {_phrase(response)} at {current}",
                                 retry_after=retry_after_seconds(response.headers.get("retry-after")))
            if status >= 400:
                raise FetchError(f"HTTP {status}: {_phrase(response)} at {current}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit():
                check_size(int(declared), settings.max_input_bytes, "response")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                check_size(size, settings.max_input_bytes, "response")
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise _past_deadline(original, settings)
            headers = {name.lower(): value for name, value in response.headers.items()}
            media_type = headers.get("content-type", "").split(";")[0].strip().lower()
            return Fetched(url=str(response.url), media_type=media_type, data=b"".join(chunks), status=status, headers=headers)
    except httpx.TimeoutException as exc:
        if time.monotonic() >= deadline:
            raise _past_deadline(original, settings) from exc
        raise _Retryable(
            f"timed out after {settings.fetch_timeout:g} s fetching {original} (fetch_timeout)", timed_out=True
        ) from exc
    except httpx.UnsupportedProtocol as exc:
        raise FetchError(f"invalid URL: {current} is not an http(s) address") from exc
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL: {current}: {exc}") from exc
    except httpx.TransportError as exc:
        raise _Retryable(f"cannot connect: {exc or type(exc).__name__} fetching {current}") from exc
    except httpx.HTTPError as exc:
        # e.g. a Location header that is not a URL: the server's fault, not worth retrying.
        raise FetchError(f"bad response: {exc or type(exc).__name__} fetching {current}") from exc


def _phrase(response: httpx.Response) -> str:
    return response.reason_phrase or "error"


class _LockedCache:
    """An HttpCache whose calls are made one at a time."""

    def __init__(self, cache: HttpCache) -> None:
        self._cache = cache
        self._lock = threading.Lock()

    def get(self, url: str) -> tuple[int, dict[str, str], bytes] | None:
        with self._lock:
            return self._cache.get(url)

    def put(self, url: str, status: int, headers: dict[str, str], body: bytes) -> None:
        with self._lock:
            self._cache.put(url, status, headers, body)


class Fetcher:
    """What one run fetches with: a client, robots.txt rules, an optional cache, a bound on parallel fetches."""

    def __init__(self, settings: Settings, client: httpx.Client | None = None, cache: HttpCache | None = None) -> None:
        self.settings = settings
        self._owned = client is None
        self.client = client or make_client(settings)  # no connection is opened until a URL is fetched
        self.cache = _LockedCache(cache) if cache is not None else None
        self.robots = RobotsRules()
        self._slots = threading.BoundedSemaphore(max(1, settings.fetch_concurrency))

    def fetch(self, url: str) -> Fetched:
        """fetch_url with this run's client, robots.txt rules and cache; at most fetch_concurrency at once."""
        with self._slots:
            return fetch_url(url, self.client, self.settings, cache=self.cache, robots=self.robots)

    def map(self, work: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """work(item) for each item, run on up to fetch_concurrency threads, results in input order."""
        items = list(items)
        workers = max(1, min(self.settings.fetch_concurrency, len(items)))
        if workers == 1:
            yield from map(work, items)
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(work, items)

    def close(self) -> None:
        """Close the client when this Fetcher built it."""
        if self._owned:
            self.client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
