"""Every answer under ``/api/``, ``/oauth/`` and ``/.well-known/`` is JSON, errors
included (clients parse them all): unknown routes, wrong methods, bodies too large
and crashes. Web pages keep their own error pages."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from roost.api import errors as api_errors
from roost.api import instance
from roost.app import create_app
from roost.runtime import Runtime
from tests.api.conftest import BASE_URL, Tokens

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def assert_json_error(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/json")  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert isinstance(body["error"], str)
    assert body["error"]
    return body  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "path", ["/api/v1/nope", "/api/v2/nothing/here", "/oauth/nope", "/.well-known/nodeinfo-x"]
)
def test_an_unknown_route_is_a_json_404(client: TestClient, path: str) -> None:
    assert_json_error(client.get(path), 404)
    assert_json_error(client.post(path, json={}), 404)


def test_a_wrong_method_is_a_json_405_that_says_what_is_allowed(client: TestClient) -> None:
    response = client.delete("/api/v1/timelines/home")
    assert_json_error(response, 405)
    assert "GET" in response.headers["allow"]
    assert_json_error(client.get("/oauth/token"), 405)
    assert_json_error(client.put("/api/v1/statuses"), 405)


def test_a_body_over_the_limit_is_a_json_413(client: TestClient, tokens: Tokens) -> None:
    too_big = b"x" * (api_errors.MAX_BODY_BYTES + 1)
    auth = tokens.auth("alice")
    declared = client.post(
        "/api/v1/statuses",
        content=too_big,
        headers={**auth, "content-type": "application/json"},
    )
    assert_json_error(declared, 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for start in range(0, len(too_big), 1 << 20):
            yield too_big[start : start + (1 << 20)]

    streamed = client.post(
        "/api/v1/statuses", content=chunks(), headers={**auth, "content-type": "application/json"}
    )
    assert_json_error(streamed, 413)
    form = client.patch(
        "/api/v1/accounts/update_credentials",
        files={"avatar": ("a.png", too_big, "image/png")},
        headers=auth,
    )
    assert_json_error(form, 413)


def test_a_crash_in_a_handler_is_a_json_500(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(instance, "instance_v1", broken)
    settings = rt.settings.model_copy(update={"inprocess_worker": False})
    app = create_app(settings, rt=rt)
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as crashing:
        body = assert_json_error(crashing.get("/api/v1/instance"), 500)
        assert "a bug" not in str(body)  # no internals leak
        # a web page that crashes is still not JSON
        monkeypatch.setattr("roost.web.timelines.public_statuses", broken)
        page = crashing.get("/explore")
        assert page.status_code == 500
        assert not page.headers["content-type"].startswith("application/json")


def test_web_pages_keep_their_error_pages(client: TestClient) -> None:
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert not missing.headers["content-type"].startswith("application/json")
    authorize = client.get("/oauth/authorize", params={"client_id": "nobody"})
    assert authorize.status_code == 400
    assert authorize.headers["content-type"].startswith("text/html")
