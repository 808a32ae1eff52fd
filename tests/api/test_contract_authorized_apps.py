"""Contract: Roost's authorised-apps API lists the apps holding one's tokens and revokes them."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.api.conftest import Tokens, bearer, register_app
from tests.api.contract import Api, covers
from tests.conftest import PASSWORD, People


@covers(
    "GET /api/roost/v1/authorized_apps",
    "POST /api/roost/v1/authorized_apps/{id}/revoke",
)
def test_authorized_apps(api: Api, client: TestClient, tokens: Tokens, people: People) -> None:
    # given alice's token of the test client, then a second app holding a read token
    assert tokens.alice
    other = register_app(client, scopes="read", name="Other client")
    granted = client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": other.client_id,
            "client_secret": other.client_secret,
            "username": "alice",
            "password": PASSWORD,
            "scope": "read",
        },
    )
    other_token = granted.json()["access_token"]
    listed = api.call("GET", "/api/roost/v1/authorized_apps", "[AuthorizedApp]")
    assert [a["name"] for a in listed] == ["Other client", "Test client"]
    assert listed[0]["scopes"] == ["read"]
    api.call("GET", "/api/roost/v1/authorized_apps", "Error", status=401, who=None)
    # when alice revokes it, its token stops working at once; hers still works
    at = {"id": other.id}
    assert api.call("POST", "/api/roost/v1/authorized_apps/{id}/revoke", "Empty", at=at) == {}
    check = client.get("/api/v1/accounts/verify_credentials", headers=bearer(other_token))
    assert check.status_code == 401
    listed = api.call("GET", "/api/roost/v1/authorized_apps", "[AuthorizedApp]")
    assert [a["name"] for a in listed] == ["Test client"]
    api.call("POST", "/api/roost/v1/authorized_apps/{id}/revoke", "Error", status=404, at=at)
    assert people.bob
    # an app bob never authorised is not his to revoke
    api.call(
        "POST", "/api/roost/v1/authorized_apps/{id}/revoke", "Error", status=404, at=at, who="bob"
    )
