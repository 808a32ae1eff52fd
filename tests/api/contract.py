"""The machinery of the contract tests (``test_contract_*.py``): every API route is
called live, on both backends, and each answer is checked against Mastodon's
entity (``mastodon_entities``, written from Mastodon's docs) and against the
schema ``/openapi.json`` publishes for it.

A contract test declares the routes it covers with ``@covers("GET /api/v1/x/{id}")``
and calls them through the ``api`` fixture (``api.call(...)``), which records what
was really exercised: the test fails if a declared route was not called, and
``test_contract_coverage.py`` fails if a served route is declared by no test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from jsonschema import Draft202012Validator
from starlette.testclient import TestClient

from tests.api.mastodon_entities import problems

if TYPE_CHECKING:  # conftest defines the ``api`` fixture with this module's Api
    from tests.api.conftest import Tokens

F = TypeVar("F", bound=Callable[..., Any])


def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def check(doc: dict[str, Any], path: str, method: str, response: httpx.Response) -> None:
    """Validates a response body against the schema the document gives for it."""
    operation = doc["paths"][path][method]
    status = str(response.status_code)
    described = operation["responses"].get(status) or operation["responses"][f"{status[0]}XX"]
    schema = described["content"]["application/json"]["schema"]
    # Refs point into the document ("#/components/..."): validate with it as the root.
    Draft202012Validator({**schema, "components": doc["components"]}).validate(response.json())


def covers(*routes: str) -> Callable[[F], F]:
    """Declares the ``"METHOD /route/{param}"`` pairs a contract test exercises."""

    def mark(test: F) -> F:
        test.__contract_routes__ = frozenset(routes)  # type: ignore[attr-defined]
        return test

    return mark


def declared_routes(*modules: Any) -> set[str]:
    return {
        route
        for module in modules
        for value in vars(module).values()
        for route in getattr(value, "__contract_routes__", ())
    }


class Api:
    """Calls routes by their template and checks every answer against its entity."""

    def __init__(self, client: TestClient, tokens: Tokens) -> None:
        self.client = client
        self.tokens = tokens
        self.doc = document(client)
        self.exercised: set[str] = set()

    def call(
        self,
        method: str,
        route: str,
        entity: str,
        *,
        status: int = 200,
        who: str | None = "alice",
        token: str | None = None,
        at: Mapping[str, object] | None = None,
        paginated: bool = False,
        **request: Any,
    ) -> Any:
        """``entity``: the Mastodon entity of the answer (``[Status]`` for a list);
        ``who``: the persona whose token is sent (None: anonymous) unless ``token``;
        ``at``: the route's path parameters; ``paginated``: a non-empty answer must
        carry Link ``next`` and ``prev``."""
        headers = dict(request.pop("headers", {}))
        if token is None and who is not None:
            token = getattr(self.tokens, who)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        path = route.format(**(at or {}))
        response = self.client.request(method, path, headers=headers, **request)
        self.exercised.add(f"{method} {route}")
        assert response.status_code == status, f"{method} {path}: {response.text}"
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        found = problems(entity, body)
        assert not found, f"{method} {path} is not a Mastodon {entity}: {found}"
        check(self.doc, route, method.lower(), response)
        if paginated and body:
            assert {"next", "prev"} <= set(response.links), f"{method} {path}: no Link"
        return body

    def check_declared(self, test: Callable[..., Any]) -> None:
        declared: frozenset[str] = getattr(test, "__contract_routes__", frozenset())
        missing = declared - self.exercised
        assert not missing, f"declared with @covers but never called: {sorted(missing)}"
