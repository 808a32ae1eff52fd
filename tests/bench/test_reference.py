"""The reference app: the fixed page it serves is the real one it was given, byte for
byte in meaning, on any path (wrk asks for the home timeline's)."""

from __future__ import annotations

import warnings

import msgspec
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():  # as in tests/api/conftest.py: httpx serves for httpx2
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from roost_bench.reference import build_app


def test_the_reference_app_serves_its_page_on_any_path() -> None:
    page = [
        {"id": str(i), "content": f"<p>post {i}</p>", "account": {"id": "1"}} for i in range(20)
    ]
    with TestClient(build_app(page)) as client:
        home = client.get("/api/v1/timelines/home", headers={"Authorization": "Bearer x"})
        other = client.get("/")
    assert home.status_code == 200
    assert home.headers["content-type"] == "application/json"
    assert msgspec.json.decode(home.content) == page
    assert other.content == home.content
