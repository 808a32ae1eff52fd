"""``/api/v1/accounts``: registration, credentials, profiles, posts, follow lists,
follows, relationships and search, over HTTP."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image
from sqlalchemy import func, select
from starlette.testclient import TestClient

from roost.accounts.models import accounts
from roost.accounts.roles import do_set_role
from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.marks import do_pin
from roost.runtime import Runtime
from tests.api.conftest import BASE_URL, Tokens, bearer
from tests.conftest import People


def png_bytes(size: tuple[int, int] = (64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def count_accounts(rt: Runtime) -> int:
    with rt.db.read() as conn:
        return int(conn.scalar(select(func.count()).select_from(accounts)) or 0)


def signup(client: TestClient, token: str, **overrides: object) -> object:
    data = {
        "username": "newbie",
        "email": "newbie@example.com",
        "password": "a long enough password",
        "agreement": True,
        "locale": "en",
        **overrides,
    }
    return client.post("/api/v1/accounts", json=data, headers=bearer(token))


# --- Registration ---------------------------------------------------------------


def test_registration_returns_a_working_token(client: TestClient, tokens: Tokens) -> None:
    app_token = tokens.app_token("read write")
    response = client.post(
        "/api/v1/accounts",
        json={
            "username": "newbie",
            "email": "newbie@example.com",
            "password": "a long enough password",
            "agreement": True,
            "locale": "en",
        },
        headers=bearer(app_token),
    )
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["token_type"] == "Bearer"
    assert token["scope"] == "read write"
    me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "newbie"


def test_registration_with_a_taken_username_is_422_and_creates_nothing(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People
) -> None:
    assert people.alice
    before = count_accounts(rt)
    response = client.post(
        "/api/v1/accounts",
        data={
            "username": "Alice",
            "email": "other@example.com",
            "password": "a long enough password",
            "agreement": "true",
        },
        headers=bearer(tokens.app_token()),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"].startswith("Validation failed")
    assert body["details"]["username"][0]["error"] == "ERR_TAKEN"
    assert count_accounts(rt) == before


def test_registration_requires_agreement_email_and_a_good_password(
    rt: Runtime, client: TestClient, tokens: Tokens
) -> None:
    app_token = tokens.app_token()
    before = count_accounts(rt)
    cases = {
        "agreement": {"username": "newbie", "email": "n@example.com", "password": "long enough!"},
        "email": {"username": "newbie", "password": "long enough!", "agreement": "1"},
        "password": {
            "username": "newbie",
            "email": "n@example.com",
            "password": "short",
            "agreement": "1",
        },
        "username": {
            "username": "no spaces!",
            "email": "n@example.com",
            "password": "long enough!",
            "agreement": "1",
        },
    }
    for field, data in cases.items():
        response = client.post("/api/v1/accounts", data=data, headers=bearer(app_token))
        assert response.status_code == 422, field
        assert field in response.json()["details"], field
    assert count_accounts(rt) == before


def test_registration_names_every_invalid_field_at_once(
    rt: Runtime, client: TestClient, tokens: Tokens
) -> None:
    app_token = tokens.app_token()
    before = count_accounts(rt)
    # given four bad fields in one request
    response = signup(
        client, app_token, username="no spaces!", email="nope", password="short", agreement=False
    )
    # then one 422 names all four, each with Mastodon's error code
    assert response.status_code == 422  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    codes = {field: [e["error"] for e in errors] for field, errors in body["details"].items()}
    assert codes == {
        "username": ["ERR_INVALID"],
        "email": ["ERR_INVALID"],
        "password": ["ERR_TOO_SHORT"],
        "agreement": ["ERR_ACCEPTED"],
    }
    assert body["error"].startswith("Validation failed: ")
    for field in ("Username", "Email", "Password", "Agreement"):
        assert field in body["error"]
    assert all(e["description"] for errors in body["details"].values() for e in errors)
    # blank fields are blank, each of them
    blank = signup(client, app_token, username="", email="", password="", agreement="1")
    details = blank.json()["details"]  # type: ignore[attr-defined]
    assert {f: d[0]["error"] for f, d in details.items()} == {
        "username": "ERR_BLANK",
        "email": "ERR_BLANK",
        "password": "ERR_BLANK",
    }
    assert count_accounts(rt) == before


def test_registration_reports_a_taken_username_and_email_together(
    client: TestClient, tokens: Tokens, people: People
) -> None:
    assert people.alice
    response = signup(client, tokens.app_token(), username="ALICE", email="Alice@Example.com")
    details = response.json()["details"]  # type: ignore[attr-defined]
    assert {f: d[0]["error"] for f, d in details.items()} == {
        "username": "ERR_TAKEN",
        "email": "ERR_INVALID",  # the same answer as a malformed address: not an oracle
    }


def test_registration_refuses_an_address_without_a_public_domain(
    client: TestClient, tokens: Tokens
) -> None:
    response = signup(client, tokens.app_token(), email="admin@localhost")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert list(response.json()["details"]) == ["email"]  # type: ignore[attr-defined]


def test_registration_is_403_when_closed(rt: Runtime, client: TestClient, tokens: Tokens) -> None:
    app_token = tokens.app_token()
    rt.settings = rt.settings.model_copy(update={"registrations": "closed"})
    before = count_accounts(rt)
    response = client.post(
        "/api/v1/accounts",
        json={
            "username": "newbie",
            "email": "n@example.com",
            "password": "long enough!",
            "agreement": True,
        },
        headers=bearer(app_token),
    )
    assert response.status_code == 403
    assert "error" in response.json()
    assert count_accounts(rt) == before


def test_registration_needs_an_app_token_with_write_scope(
    client: TestClient, tokens: Tokens
) -> None:
    data = {
        "username": "newbie",
        "email": "n@example.com",
        "password": "long enough!",
        "agreement": True,
    }
    assert client.post("/api/v1/accounts", json=data).status_code == 401
    read_only = tokens.app_token("read")
    assert client.post("/api/v1/accounts", json=data, headers=bearer(read_only)).status_code == 403


# --- Credentials and profile updates ------------------------------------------


def test_verify_credentials_returns_the_credential_account(
    client: TestClient, tokens: Tokens, people: People
) -> None:
    response = client.get("/api/v1/accounts/verify_credentials", headers=tokens.auth("alice"))
    assert response.status_code == 200
    me = response.json()
    assert me["id"] == str(people.alice)
    assert me["acct"] == "alice"
    assert me["source"]["privacy"] == "public"
    assert me["source"]["discoverable"] is True
    assert me["role"]["id"] == "-99"
    assert me["url"] == f"{BASE_URL}/@alice"
    assert "email" not in me
    assert "password_hash" not in me


def test_roles_show_on_profiles_only_when_highlighted(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People
) -> None:
    # given alice moderates and bob is a user
    assert people.alice
    assert people.bob
    do_set_role(rt, "alice", "moderator")
    alice = client.get(f"/api/v1/accounts/{people.alice}").json()
    bob = client.get(f"/api/v1/accounts/{people.bob}").json()
    # then alice's profile shows her role, bob's none
    assert alice["roles"] == [{"id": "1", "name": "Moderator", "color": ""}]
    assert bob["roles"] == []
    # and alice's own role carries Mastodon's permission bitmask
    me = client.get("/api/v1/accounts/verify_credentials", headers=tokens.auth("alice")).json()
    assert me["role"]["name"] == "Moderator"
    assert me["role"]["highlighted"] is True
    assert int(me["role"]["permissions"]) & 0x10  # manage_reports
    assert not int(me["role"]["permissions"]) & 0x1  # not an administrator


def test_update_credentials_changes_the_profile(client: TestClient, tokens: Tokens) -> None:
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        data={
            "display_name": "Alice A.",
            "note": "Hello #roost",
            "locked": "true",
            "bot": "true",
            "discoverable": "false",
        },
        headers=tokens.auth("alice"),
    )
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["display_name"] == "Alice A."
    assert me["source"]["note"] == "Hello #roost"
    assert "#" in me["note"]
    assert me["locked"] is True
    assert me["bot"] is True
    assert me["discoverable"] is False
    put = client.put(
        "/api/v1/accounts/update_credentials", json={"locked": False}, headers=tokens.auth("alice")
    )
    assert put.json()["locked"] is False
    assert put.json()["display_name"] == "Alice A."


def test_avatar_upload_is_served_from_media(client: TestClient, tokens: Tokens) -> None:
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        files={
            "avatar": ("me.png", png_bytes((800, 600)), "image/png"),
            "header": ("h.png", png_bytes((900, 300)), "image/png"),
        },
        headers=tokens.auth("alice"),
    )
    assert response.status_code == 200, response.text
    avatar = response.json()["avatar"]
    assert avatar.startswith(f"{BASE_URL}/media/")
    fetched = client.get(avatar.removeprefix(BASE_URL))
    assert fetched.status_code == 200
    image = Image.open(io.BytesIO(fetched.content))
    assert image.size == (400, 400)
    profile = client.get(f"/api/v1/accounts/{tokens.people.alice}").json()
    assert profile["avatar"] == avatar
    assert profile["header"].startswith(f"{BASE_URL}/media/")


def test_non_image_upload_is_422_and_changes_nothing(client: TestClient, tokens: Tokens) -> None:
    before = client.get("/api/v1/accounts/verify_credentials", headers=tokens.auth("alice")).json()
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        data={"display_name": "Changed"},
        files={"avatar": ("evil.png", b"<?php system($_GET['c']); ?>", "image/png")},
        headers=tokens.auth("alice"),
    )
    assert response.status_code == 422
    assert "avatar" in response.json()["details"]
    after = client.get("/api/v1/accounts/verify_credentials", headers=tokens.auth("alice")).json()
    assert after == before


def test_too_long_display_name_is_422(client: TestClient, tokens: Tokens) -> None:
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        data={"display_name": "x" * 31},
        headers=tokens.auth("alice"),
    )
    assert response.status_code == 422
    assert response.json()["details"]["display_name"]


# --- Reading accounts ---------------------------------------------------------


def test_show_account_and_unknown_ids(client: TestClient, people: People) -> None:
    response = client.get(f"/api/v1/accounts/{people.bob}")
    assert response.status_code == 200
    assert response.json()["username"] == "bob"
    for bad in ("12345", "abc", "99999999999999999999999"):
        missing = client.get(f"/api/v1/accounts/{bad}")
        assert missing.status_code == 404
        assert missing.json() == {"error": "Record not found"}


def test_lookup_by_acct(client: TestClient, people: People) -> None:
    assert people.bob
    for acct in ("bob", "@bob", "BOB", "bob@roost.test"):
        response = client.get("/api/v1/accounts/lookup", params={"acct": acct})
        assert response.status_code == 200, acct
        assert response.json()["id"] == str(people.bob)
    assert (
        client.get("/api/v1/accounts/lookup", params={"acct": "bob@elsewhere.example"}).status_code
        == 404
    )
    assert client.get("/api/v1/accounts/lookup", params={"acct": "nobody"}).status_code == 404
    assert client.get("/api/v1/accounts/lookup").status_code == 422


def test_account_statuses_never_leak_private_or_direct_posts(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime
) -> None:
    # given
    assert people.carol  # exists before she is mentioned
    public = do_create_post(rt, people.bob, "for everyone")
    private = do_create_post(rt, people.bob, "followers only", visibility="private")
    direct = do_create_post(rt, people.bob, "psst @carol", visibility="direct")
    do_follow(rt, people.alice, people.bob)
    path = f"/api/v1/accounts/{people.bob}/statuses"

    def seen(headers: dict[str, str] | None = None) -> set[int]:
        response = client.get(path, headers=headers or {})
        assert response.status_code == 200
        return {int(s["id"]) for s in response.json()}

    # then
    assert seen() == {public}
    assert seen(tokens.auth("dave")) == {public}
    assert seen(tokens.auth("alice")) == {public, private}
    assert seen(tokens.auth("carol")) == {public, direct}
    assert seen(tokens.auth("bob")) == {public, private, direct}


def test_account_statuses_filters(client: TestClient, people: People, rt: Runtime) -> None:
    root = do_create_post(rt, people.bob, "a thread #cats")
    self_reply = do_create_post(rt, people.bob, "continued", in_reply_to_id=root)
    other = do_create_post(rt, people.carol, "carol here")
    reply = do_create_post(rt, people.bob, "@carol hi", in_reply_to_id=other)
    reblog = do_reblog(rt, people.bob, other)
    do_pin(rt, people.bob, root)
    path = f"/api/v1/accounts/{people.bob}/statuses"

    def ids(**params: str) -> list[int]:
        response = client.get(path, params=params)
        assert response.status_code == 200
        return [int(s["id"]) for s in response.json()]

    assert ids() == [reblog, reply, self_reply, root]
    assert ids(exclude_replies="true") == [reblog, self_reply, root]
    assert ids(exclude_reblogs="true") == [reply, self_reply, root]
    assert ids(pinned="true") == [root]
    assert ids(tagged="cats") == [root]
    assert ids(only_media="true") == []
    statuses = client.get(path, params={"exclude_replies": "1"}).json()
    assert statuses[0]["reblog"]["id"] == str(other)
    assert client.get("/api/v1/accounts/424242/statuses").status_code == 404


def test_account_statuses_pagination_links(client: TestClient, people: People, rt: Runtime) -> None:
    ids = [do_create_post(rt, people.bob, f"post {i}") for i in range(5)]
    path = f"/api/v1/accounts/{people.bob}/statuses"
    first = client.get(path, params={"limit": 2})
    assert [int(s["id"]) for s in first.json()] == [ids[4], ids[3]]
    following = first.links["next"]["url"]
    assert f"max_id={ids[3]}" in following
    assert f"min_id={ids[4]}" in first.links["prev"]["url"]
    second = client.get(following.removeprefix(BASE_URL))
    assert [int(s["id"]) for s in second.json()] == [ids[2], ids[1]]


def test_followers_and_following_are_paginated_by_follow(
    client: TestClient, people: People, rt: Runtime
) -> None:
    fans = [people.alice, people.carol, people.dave]
    for fan in fans:
        do_follow(rt, fan, people.bob)
    response = client.get(f"/api/v1/accounts/{people.bob}/followers", params={"limit": 2})
    assert response.status_code == 200
    assert [a["id"] for a in response.json()] == [str(people.dave), str(people.carol)]
    rest = client.get(response.links["next"]["url"].removeprefix(BASE_URL))
    assert [a["id"] for a in rest.json()] == [str(people.alice)]
    following = client.get(f"/api/v1/accounts/{people.alice}/following")
    assert [a["id"] for a in following.json()] == [str(people.bob)]
    assert "Link" in following.headers
    empty = client.get(f"/api/v1/accounts/{people.bob}/following")
    assert empty.json() == []
    assert "Link" not in empty.headers


# --- Following ----------------------------------------------------------------


def test_follow_and_unfollow_return_the_relationship(
    client: TestClient, tokens: Tokens, people: People, settle: Callable[[], int]
) -> None:
    response = client.post(f"/api/v1/accounts/{people.bob}/follow", headers=tokens.auth("alice"))
    assert response.status_code == 200
    rel = response.json()
    assert rel["id"] == str(people.bob)
    assert rel["following"] is True
    assert rel["followed_by"] is False
    settle()
    bob = client.get(f"/api/v1/accounts/{people.bob}").json()
    assert bob["followers_count"] == 1
    again = client.post(f"/api/v1/accounts/{people.bob}/follow", headers=tokens.auth("alice"))
    assert again.json()["following"] is True
    assert client.get(f"/api/v1/accounts/{people.bob}").json()["followers_count"] == 1
    gone = client.post(f"/api/v1/accounts/{people.bob}/unfollow", headers=tokens.auth("alice"))
    assert gone.status_code == 200
    assert gone.json()["following"] is False
    assert client.get(f"/api/v1/accounts/{people.bob}").json()["followers_count"] == 0


def test_follow_errors(client: TestClient, tokens: Tokens, people: People) -> None:
    me = client.post(f"/api/v1/accounts/{people.alice}/follow", headers=tokens.auth("alice"))
    assert me.status_code == 422
    missing = client.post("/api/v1/accounts/4242/follow", headers=tokens.auth("alice"))
    assert missing.status_code == 404
    anonymous = client.post(f"/api/v1/accounts/{people.bob}/follow")
    assert anonymous.status_code == 401
    read_only = tokens.issue("alice", "read")
    forbidden = client.post(f"/api/v1/accounts/{people.bob}/follow", headers=bearer(read_only))
    assert forbidden.status_code == 403
    assert client.get(f"/api/v1/accounts/{people.bob}").json()["followers_count"] == 0


def test_relationships(client: TestClient, tokens: Tokens, people: People, rt: Runtime) -> None:
    do_follow(rt, people.alice, people.bob)
    do_follow(rt, people.carol, people.alice)
    response = client.get(
        "/api/v1/accounts/relationships",
        params=[
            ("id[]", str(people.bob)),
            ("id[]", str(people.carol)),
            ("id[]", "777"),
            ("id[]", "junk"),
        ],
        headers=tokens.auth("alice"),
    )
    assert response.status_code == 200
    rels = {r["id"]: r for r in response.json()}
    assert set(rels) == {str(people.bob), str(people.carol)}
    assert rels[str(people.bob)]["following"] is True
    assert rels[str(people.bob)]["followed_by"] is False
    assert rels[str(people.carol)]["followed_by"] is True
    single = client.get(
        "/api/v1/accounts/relationships",
        params={"id": str(people.bob)},
        headers=tokens.auth("alice"),
    )
    assert [r["id"] for r in single.json()] == [str(people.bob)]
    assert client.get("/api/v1/accounts/relationships").status_code == 401


def test_search(client: TestClient, tokens: Tokens, people: People, rt: Runtime) -> None:
    assert people.bobby
    assert people.bob
    do_follow(rt, people.alice, people.bobby)
    response = client.get(
        "/api/v1/accounts/search", params={"q": "bob"}, headers=tokens.auth("alice")
    )
    assert response.status_code == 200
    assert response.json()[0]["username"] == "bob"
    assert {a["username"] for a in response.json()} == {"bob", "bobby"}
    followed = client.get(
        "/api/v1/accounts/search",
        params={"q": "bob", "following": "true"},
        headers=tokens.auth("alice"),
    )
    assert [a["username"] for a in followed.json()] == ["bobby"]
    limited = client.get(
        "/api/v1/accounts/search", params={"q": "bob", "limit": 1}, headers=tokens.auth("alice")
    )
    assert len(limited.json()) == 1
    assert client.get("/api/v1/accounts/search", params={"q": "bob"}).status_code == 401


def test_profile_note_is_rendered_as_escaped_html(client: TestClient, tokens: Tokens) -> None:
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        data={"note": '<script>alert("x")</script> <img src=x onerror=alert(1)>'},
        headers=tokens.auth("alice"),
    )
    assert response.status_code == 200
    note = response.json()["note"]
    assert "<script" not in note
    assert "<img" not in note
    assert "&lt;script&gt;" in note
    assert response.json()["source"]["note"].startswith("<script>")


def test_app_token_sees_only_public_posts(
    client: TestClient, tokens: Tokens, people: People, rt: Runtime
) -> None:
    public = do_create_post(rt, people.bob, "hello")
    do_create_post(rt, people.bob, "followers only", visibility="private")
    do_create_post(rt, people.bob, "only me and nobody", visibility="direct")
    response = client.get(
        f"/api/v1/accounts/{people.bob}/statuses", headers=bearer(tokens.app_token("read"))
    )
    assert response.status_code == 200
    assert [int(s["id"]) for s in response.json()] == [public]
