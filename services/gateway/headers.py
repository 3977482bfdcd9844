"""Which headers cross the gateway, in each direction (RFC 9110 section 7.6.1).

End-to-end headers pass unchanged (Cookie, Set-Cookie, Authorization, X-CSRF-TOKEN, ETag,
If-None-Match, Location, ...). Hop-by-hop headers describe one connection only, so they are
dropped both ways, together with any header the sender named in `Connection`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
# Not hop-by-hop, but the gateway sets them itself: the body length is re-framed by the client
# library, `Expect: 100-continue` was already answered by our own server, and the forwarding
# headers are appended to below.
REQUEST_ONLY_DROPPED = frozenset({"content-length", "expect"})
# The gateway's own HTTP server always writes these two; relaying the upstream's as well would
# send them twice (gunicorn drops them from applications anyway).
RESPONSE_ONLY_DROPPED = frozenset({"server", "date"})
FORWARDED_APPENDED = (
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "X-Forwarded-Host",
    "X-Forwarded-Port",
)

Header = tuple[str, str]


@dataclass(frozen=True)
class Hop:
    """What the gateway itself saw of the connection it is forwarding."""

    peer: str
    scheme: str
    host: str
    port: str


# Request headers never passed on as they came: the gateway sets or extends them itself.
_REQUEST_REPLACED = (
    REQUEST_ONLY_DROPPED | {"x-request-id"} | {name.lower() for name in FORWARDED_APPENDED}
)


def connection_tokens(headers: Iterable[Header]) -> frozenset[str]:
    """Header names listed in `Connection` (lower-cased): hop-by-hop for this message."""
    tokens: set[str] = set()
    for name, value in headers:
        if name.lower() == "connection":
            tokens.update(t.strip().lower() for t in value.split(",") if t.strip())
    return frozenset(tokens)


def is_hop_by_hop(name: str, named_in_connection: frozenset[str]) -> bool:
    """True for headers that must not be forwarded (including `Proxy` and any `Proxy-*`)."""
    return _is_hop_by_hop_lowered(name.lower(), named_in_connection)


def _is_hop_by_hop_lowered(lowered: str, named_in_connection: frozenset[str]) -> bool:
    return (
        lowered in HOP_BY_HOP
        or lowered in named_in_connection
        or lowered == "proxy"
        or lowered.startswith("proxy-")
    )


def upstream_request_headers(incoming: Iterable[Header], hop: Hop, request_id: str) -> list[Header]:
    """The headers to send upstream: end-to-end ones unchanged, the forwarding chain extended."""
    # Every name lower-cased once: this runs on every proxied request.
    lowered = [(name.lower(), name, value) for name, value in incoming]
    named = connection_tokens((low, value) for low, _, value in lowered)
    headers = [
        (name, value)
        for low, name, value in lowered
        if low not in _REQUEST_REPLACED and not _is_hop_by_hop_lowered(low, named)
    ]
    # Every proxy appends what it saw, so the services (which trust two hops: nginx and us)
    # read the values nginx recorded about the real client.
    own = (hop.peer, hop.scheme, hop.host, hop.port)
    for name, value in zip(FORWARDED_APPENDED, own, strict=True):
        wanted = name.lower()
        previous = [v for low, _, v in lowered if low == wanted and v.strip()]
        if value:
            headers.append((name, ", ".join([*previous, value])))
        elif previous:
            headers.append((name, ", ".join(previous)))
    headers.append(("X-Request-ID", request_id))
    return headers


def downstream_response_headers(upstream: Iterable[Header]) -> list[Header]:
    """The upstream's response headers minus hop-by-hop ones; repeated headers stay repeated."""
    lowered = [(name.lower(), name, value) for name, value in upstream]
    named = connection_tokens((low, value) for low, _, value in lowered)
    return [
        (name, value)
        for low, name, value in lowered
        if low not in RESPONSE_ONLY_DROPPED and not _is_hop_by_hop_lowered(low, named)
    ]
