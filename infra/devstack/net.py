"""Small network helpers: free ports, port checks and HTTP probes."""

from __future__ import annotations

import contextlib
import socket
import urllib.error
import urllib.request


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """`count` distinct free TCP ports on 127.0.0.1: every socket is held open until all are
    chosen, so the system cannot hand the same port out twice (as calling `free_port` in a loop
    can, and then two services of one stack fight over it)."""
    with contextlib.ExitStack() as held:
        socks = [
            held.enter_context(
                contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            )
            for _ in range(count)
        ]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts connections on `host:port`."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def http_status(url: str, timeout_s: float = 2.0) -> int | None:
    """The status code of GET `url`, or None when nothing answers."""
    request = urllib.request.Request(url, headers={"User-Agent": "fi-devstack"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (OSError, ValueError):
        return None
