"""The client's address, one rule for every front door (API, web, OAuth).

It is the peer of the connection. Behind a reverse proxy, ``roost serve`` rewrites
that peer from ``X-Forwarded-For`` only when the proxy's own address is listed in
``FORWARDED_ALLOW_IPS`` (see ``roost serve --help``); otherwise the header is
ignored, so nobody can pick the address their attempts are counted against."""

from __future__ import annotations

from starlette.requests import HTTPConnection


def client_address(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else "unknown"
