"""API fixtures: an HTTP client over the real ASGI app, and bearer tokens obtained
through the real OAuth endpoints.

``client`` talks to ``create_app(rt=rt)`` (jobs are not run in the background:
call ``settle()`` when a test needs them done). ``tokens.alice`` registers the
persona ``alice`` (the same account as ``people.alice``), signs her in through
``POST /oauth/token`` and returns her access token; ``tokens.auth("alice")``
gives the headers for it. Other scopes: ``tokens.issue("alice", "read")``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette asks for the httpx2 package; httpx (installed) works the same for tests.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from roost.app import create_app
from roost.runtime import Runtime
from tests.api.contract import Api
from tests.conftest import PASSWORD, People

BASE_URL = "http://roost.test"
ALL_SCOPES = "read write follow push"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class ClientApp:
    """An application registered through ``POST /api/v1/apps``."""

    id: str
    client_id: str
    client_secret: str
    redirect_uri: str


def register_app(
    client: TestClient,
    *,
    scopes: str = ALL_SCOPES,
    redirect_uri: str = "https://app.example/callback",
    name: str = "Test client",
) -> ClientApp:
    response = client.post(
        "/api/v1/apps",
        json={"client_name": name, "redirect_uris": redirect_uri, "scopes": scopes},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    return ClientApp(body["id"], body["client_id"], body["client_secret"], redirect_uri)


class Tokens:
    """Access tokens for the named personas, obtained with the password grant."""

    def __init__(self, client: TestClient, people: People, app: ClientApp) -> None:
        self.client = client
        self.people = people
        self.app = app
        self._cache: dict[str, str] = {}

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._cache:
            self._cache[name] = self.issue(name)
        return self._cache[name]

    def issue(self, name: str, scopes: str = ALL_SCOPES) -> str:
        getattr(self.people, name)  # registers the persona if needed
        response = self.client.post(
            "/oauth/token",
            data={
                "grant_type": "password",
                "client_id": self.app.client_id,
                "client_secret": self.app.client_secret,
                "username": name,
                "password": PASSWORD,
                "scope": scopes,
            },
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def auth(self, name: str) -> dict[str, str]:
        return bearer(getattr(self, name))

    def app_token(self, scopes: str = "read write") -> str:
        """A client_credentials token: the app, no user."""
        response = self.client.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": self.app.client_id,
                "client_secret": self.app.client_secret,
                "scope": scopes,
            },
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token


@pytest.fixture
def client(rt: Runtime) -> Iterator[TestClient]:
    settings = rt.settings.model_copy(update={"inprocess_worker": False})
    with TestClient(create_app(settings, rt=rt), base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def client_app(client: TestClient) -> ClientApp:
    return register_app(client)


@pytest.fixture
def tokens(client: TestClient, people: People, client_app: ClientApp) -> Tokens:
    return Tokens(client, people, client_app)


@pytest.fixture
def api(request: pytest.FixtureRequest, client: TestClient, tokens: Tokens) -> Iterator[Api]:
    """Calls routes by template and checks each answer (see tests/api/contract.py); at
    the end, the routes the test declared with ``@covers`` must all have been called."""
    recorder = Api(client, tokens)
    yield recorder
    recorder.check_declared(request.function)
