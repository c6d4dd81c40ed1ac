"""The web app's front door: Host allow-list, security headers, per-client rate limits and a body-size cap."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]

# Host names a server bound to loopback answers to; others are refused (a DNS-rebinding page cannot read the store).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class RateLimits:
    """Requests per second (and burst) each client may make to search and to the write API."""

    search_per_second: float = 10.0
    search_burst: int = 30
    write_per_second: float = 5.0
    write_burst: int = 60


class RateLimiter:
    """Token buckets per client: `rate` tokens a second, at most `burst` saved up."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.lock = threading.Lock()

    def wait_needed(self, client: str) -> float:
        """0 when the client may go ahead (a token is spent), else the seconds until it may."""
        now = time.monotonic()
        with self.lock:
            tokens, then = self.buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self.buckets[client] = (tokens - 1 if wait == 0 else tokens, now)
            while len(self.buckets) > 10_000:
                self.buckets.popitem(last=False)
        return wait


def host_name(header: str) -> str:
    """The host of a Host header, without its port or IPv6 brackets, lower-cased."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class Guard:
    """ASGI middleware: Host allow-list, HEAD as GET without a body, security headers on every response,
    per-client rate limits on search and writes, and a cap on request body size."""

    def __init__(self, app: ASGIApp, max_bytes: int, render_error: Callable[[str, int, str], Response],
                 allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS, limits: RateLimits = RateLimits()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.render_error = render_error
        self.allowed_hosts = {h.lower().strip("[]") for h in allowed_hosts}
        self.search_limit = RateLimiter(limits.search_per_second, limits.search_burst)
        self.write_limit = RateLimiter(limits.write_per_second, limits.write_burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[h for h in SECURITY_HEADERS if h[0] not in names]]
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        headers = dict(scope.get("headers") or [])
        host = host_name(headers.get(b"host", b"").decode("latin-1"))
        if "*" not in self.allowed_hosts and host not in self.allowed_hosts:
            message = ("This server does not answer to that host name; open it by the name it was started with "
                       "(see --allow-host).")
            await self.render_error(scope["path"], 400, message)(scope, receive, send_with_headers)
            return
        limiter = (self.search_limit if scope["path"] in ("/search", "/search.json")
                   else self.write_limit if scope["method"] == "POST" else None)
        if limiter is not None:
            wait = limiter.wait_needed(str((scope.get("client") or ("?",))[0]))
            if wait > 0:
                response = self.render_error(scope["path"], 429, f"Too many requests from this client; "
                                                                 f"try again in {wait:.1f} s.")
                response.headers["Retry-After"] = str(max(1, round(wait + 0.5)))
                await response(scope, receive, send_with_headers)
                return
        too_large = f"The request body is larger than {self.max_bytes:,} bytes; send fewer or smaller articles."
        declared = headers.get(b"content-length", b"")
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
