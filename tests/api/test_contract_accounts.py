"""Contract: ``/api/v1/accounts``, ``/api/v1/apps`` and OAuth answer Mastodon's
entities (see tests/api/contract.py)."""

from __future__ import annotations

from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.conftest import ClientApp, Tokens
from tests.api.contract import Api, covers
from tests.conftest import PASSWORD, People


@covers(
    "POST /api/v1/apps",
    "GET /api/v1/apps/verify_credentials",
    "POST /oauth/token",
    "POST /oauth/revoke",
    "GET /.well-known/oauth-authorization-server",
)
def test_apps_and_oauth(api: Api, tokens: Tokens, people: People) -> None:
    app = api.call(
        "POST",
        "/api/v1/apps",
        "CredentialApplication",
        who=None,
        json={"client_name": "Contract", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
    )
    credentials = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
    api.call("POST", "/api/v1/apps", "Error", status=422, who=None, json={"client_name": ""})
    app_token = api.call(
        "POST",
        "/oauth/token",
        "Token",
        who=None,
        data={**credentials, "grant_type": "client_credentials", "scope": "read"},
    )
    verified = api.call(
        "GET", "/api/v1/apps/verify_credentials", "Application", token=app_token["access_token"]
    )
    assert "client_secret" not in verified
    assert verified["name"] == "Contract"
    api.call("GET", "/api/v1/apps/verify_credentials", "Error", status=401, who=None)
    assert people.alice
    user_token = api.call(
        "POST",
        "/oauth/token",
        "Token",
        who=None,
        data={**credentials, "grant_type": "password", "username": "alice", "password": PASSWORD},
    )
    assert user_token["token_type"] == "Bearer"
    api.call(
        "POST",
        "/oauth/token",
        "OAuthError",
        status=400,
        who=None,
        data={**credentials, "grant_type": "password", "username": "alice", "password": "no"},
    )
    api.call(
        "POST",
        "/oauth/revoke",
        "Empty",
        who=None,
        data={**credentials, "token": user_token["access_token"]},
    )
    api.call("GET", "/api/v1/accounts/verify_credentials", "Error", status=401, token="gone")
    metadata = api.call(
        "GET", "/.well-known/oauth-authorization-server", "OAuthServerMetadata", who=None
    )
    assert metadata["token_endpoint"].endswith("/oauth/token")


@covers(
    "POST /api/v1/accounts",
    "GET /api/v1/accounts/verify_credentials",
    "PATCH /api/v1/accounts/update_credentials",
    "PUT /api/v1/accounts/update_credentials",
)
def test_sign_up_and_own_profile(api: Api, tokens: Tokens, client_app: ClientApp) -> None:
    app_token = tokens.app_token()
    signup = {
        "username": "newbie",
        "email": "newbie@example.com",
        "password": "long enough password",
        "agreement": True,
    }
    token = api.call("POST", "/api/v1/accounts", "Token", token=app_token, json=signup)
    errors = api.call("POST", "/api/v1/accounts", "Error", status=422, token=app_token, json={})
    assert set(errors["details"]) >= {"username", "email", "password", "agreement"}
    me = api.call(
        "GET",
        "/api/v1/accounts/verify_credentials",
        "CredentialAccount",
        token=token["access_token"],
    )
    assert me["source"]["privacy"] == "public"
    patched = api.call(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        "CredentialAccount",
        data={"display_name": "Alice", "note": "Hello #there"},
    )
    assert (patched["display_name"], patched["source"]["note"]) == ("Alice", "Hello #there")
    assert patched["note"].startswith("<p>")  # the HTML; source.note keeps the text
    put = api.call(
        "PUT", "/api/v1/accounts/update_credentials", "CredentialAccount", json={"bot": True}
    )
    assert put["bot"] is True
    api.call(
        "PATCH",
        "/api/v1/accounts/update_credentials",
        "Error",
        status=422,
        data={"fields_attributes[0][name]": "x" * 300, "fields_attributes[0][value]": "y"},
    )


@covers(
    "GET /api/v1/accounts/{id}",
    "GET /api/v1/accounts/{id}/statuses",
    "GET /api/v1/accounts/{id}/followers",
    "GET /api/v1/accounts/{id}/following",
    "POST /api/v1/accounts/{id}/follow",
    "POST /api/v1/accounts/{id}/unfollow",
    "GET /api/v1/accounts/relationships",
    "GET /api/v1/accounts/familiar_followers",
    "GET /api/v1/accounts/search",
    "GET /api/v1/accounts/lookup",
)
def test_other_people(api: Api, rt: Runtime, people: People) -> None:
    bob, carol = people.bob, people.carol
    do_follow(rt, carol, bob)
    do_create_post(rt, bob, "hello #contract")
    account = api.call("GET", "/api/v1/accounts/{id}", "Account", who=None, at={"id": bob})
    assert account["acct"] == "bob"
    api.call("GET", "/api/v1/accounts/{id}", "Error", status=404, at={"id": 4242})
    statuses = api.call(
        "GET", "/api/v1/accounts/{id}/statuses", "[Status]", at={"id": bob}, paginated=True
    )
    assert len(statuses) == 1
    relationship = api.call("POST", "/api/v1/accounts/{id}/follow", "Relationship", at={"id": bob})
    assert relationship["following"] is True
    api.call("POST", "/api/v1/accounts/{id}/follow", "Relationship", at={"id": carol})
    followers = api.call(
        "GET", "/api/v1/accounts/{id}/followers", "[Account]", at={"id": bob}, paginated=True
    )
    assert len(followers) == 2
    following = api.call(
        "GET",
        "/api/v1/accounts/{id}/following",
        "[Account]",
        at={"id": people.alice},
        paginated=True,
    )
    assert len(following) == 2
    relationships = api.call(
        "GET",
        "/api/v1/accounts/relationships",
        "[Relationship]",
        params=[("id[]", bob), ("id[]", carol)],
    )
    assert [r["following"] for r in relationships] == [True, True]
    familiar = api.call(
        "GET", "/api/v1/accounts/familiar_followers", "[FamiliarFollowers]", params={"id[]": bob}
    )
    assert [a["username"] for a in familiar[0]["accounts"]] == ["carol"]
    found = api.call("GET", "/api/v1/accounts/search", "[Account]", params={"q": "bo"})
    assert [a["username"] for a in found] == ["bob"]
    looked_up = api.call("GET", "/api/v1/accounts/lookup", "Account", params={"acct": "@bob"})
    assert looked_up["id"] == str(bob)
    api.call("GET", "/api/v1/accounts/lookup", "Error", status=404, params={"acct": "nobody"})
    undone = api.call("POST", "/api/v1/accounts/{id}/unfollow", "Relationship", at={"id": bob})
    assert undone["following"] is False
