"""HTTP fetching with retries, a size cap and readable failure reasons."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from ..errors import FetchError
from ..settings import Settings
from .decode import check_size

# Statuses worth another try: the server may recover.
_RETRY_STATUSES = {429, 500, 502, 503, 504}
_BACKOFF_SECONDS = 0.5


@dataclass(frozen=True)
class Fetched:
    """A fetched response: final URL, media type and raw bytes."""

    url: str
    media_type: str
    data: bytes


def make_client(settings: Settings, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """An HTTP client configured from settings; pass a transport to stay off the network in tests."""
    return httpx.Client(
        transport=transport,
        timeout=settings.fetch_timeout,
        follow_redirects=True,
        max_redirects=10,
        headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )


def fetch_url(url: str, client: httpx.Client, settings: Settings) -> Fetched:
    """GET a URL; raise FetchError with a reason a user understands when it fails."""
    attempts = settings.fetch_retries + 1
    for attempt in range(attempts):
        try:
            return _fetch_once(url, client, settings)
        except _Retryable as exc:
            if attempt + 1 == attempts:
                raise FetchError(str(exc)) from exc
            time.sleep(_BACKOFF_SECONDS * 2**attempt)
    raise FetchError(f"could not fetch {url}")  # unreachable: the loop returns or raises


class _Retryable(Exception):
    """A failure that another attempt may fix."""


def _fetch_once(url: str, client: httpx.Client, settings: Settings) -> Fetched:
    try:
        with client.stream("GET", url) as response:
            if response.status_code in _RETRY_STATUSES:
                raise _Retryable(f"HTTP {response.status_code} {response.reason_phrase} from {url}")
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase} from {url}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit():
                check_size(int(declared), settings.max_input_bytes, "response")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                check_size(size, settings.max_input_bytes, "response")
                chunks.append(chunk)
            media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return Fetched(url=str(response.url), media_type=media_type, data=b"".join(chunks))
    except httpx.TimeoutException as exc:
        raise _Retryable(
            f"timed out after {settings.fetch_timeout:g} s fetching {url} (fetch_timeout)"
        ) from exc
    except httpx.TooManyRedirects as exc:
        raise FetchError(f"too many redirects fetching {url}") from exc
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL {url}: {exc}") from exc
    except httpx.TransportError as exc:
        raise _Retryable(f"cannot connect to fetch {url}: {exc or type(exc).__name__}") from exc
