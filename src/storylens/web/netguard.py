"""Server-side fetching of user-supplied URLs: off unless the server allows it, then only to public addresses.

A URL a user submits, or one inside a feed they upload, must not make the server reach
its own loopback, the private network it sits in, or cloud metadata endpoints
(link-local). Every request the web app's fetch client sends, redirects and feed entries
included, passes through `GuardedTransport`, which resolves the host once, checks every
address and then connects to the checked address (so a second DNS answer cannot point
the connection elsewhere). With fetching off, `RefusingTransport` answers every request
with a FetchError and nothing leaves the server.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import httpx

from ..errors import FetchError
from ..ingest.fetch import deadline_transport, make_client
from ..settings import Settings

Resolver = Callable[[str], Iterable[str]]


def resolve_host(host: str) -> list[str]:
    """Every address a host name resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"cannot resolve {host!r}: {error}") from error
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address; False for private, loopback, link-local, multicast, reserved."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or getattr(ip, "is_site_local", False)):
        return False
    return ip.is_global


def check_public_url(url: str, resolve: Resolver = resolve_host) -> list[str]:
    """The public addresses of the URL's host; FetchError unless it is http(s) and every one is public."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as error:
        raise FetchError(f"invalid URL {url!r}: {error}") from error
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise FetchError(f"refused {url!r}: only absolute http(s) URLs can be fetched")
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = list(resolve(host))
    if not addresses:
        raise FetchError(f"refused {url!r}: {host} resolves to no address")
    private = [a for a in addresses if not is_public_address(a)]
    if private:
        raise FetchError(f"refused {url!r}: {host} resolves to a private, loopback or link-local address "
                         f"({', '.join(private)}); only public addresses can be fetched")
    return addresses


def pin_address(request: httpx.Request, address: str) -> httpx.Request:
    """The request sent to `address` itself, with the original Host header and TLS server name kept."""
    host = request.url.host
    literal = f"[{address}]" if ":" in address else address
    pinned = httpx.Request(request.method, request.url.copy_with(host=literal), headers=request.headers,
                           stream=request.stream, extensions=dict(request.extensions))
    pinned.headers["Host"] = request.headers.get("Host") or host
    if request.url.scheme == "https":
        pinned.extensions["sni_hostname"] = host
    return pinned


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport that resolves each request's host once, checks it, and connects to the checked address."""

    def __init__(self, inner: httpx.BaseTransport | None = None, resolve: Resolver = resolve_host) -> None:
        self.inner = inner or deadline_transport()
        self.resolve = resolve

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        addresses = check_public_url(str(request.url), self.resolve)
        return self.inner.handle_request(pin_address(request, addresses[0]))

    def close(self) -> None:
        self.inner.close()


class RefusingTransport(httpx.BaseTransport):
    """An httpx transport for a server that does not fetch: every request fails before any connection."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise FetchError(f"refused {request.url}: this server does not fetch URLs (start it with --allow-fetch)")


def make_guarded_client(settings: Settings, inner: httpx.BaseTransport | None = None,
                        resolve: Resolver = resolve_host) -> httpx.Client:
    """A fetch client configured from settings that refuses non-public hosts, redirects included."""
    return make_client(settings, transport=GuardedTransport(inner, resolve))


def make_fetch_client(settings: Settings, allow_fetch: bool, inner: httpx.BaseTransport | None = None,
                      resolve: Resolver = resolve_host) -> httpx.Client:
    """The one fetch client of every web route that can fetch: guarded when fetching is allowed, else refusing."""
    if not allow_fetch:
        return make_client(settings, transport=RefusingTransport())
    return make_guarded_client(settings, inner, resolve)
