"""OAuth 2 over HTTP: app registration, the authorize page, the token and revoke
endpoints, and scope enforcement."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import func, select
from starlette.testclient import TestClient

from roost.oauth.models import access_tokens, authorization_codes
from roost.runtime import Runtime
from tests.api.conftest import ClientApp, Tokens, bearer, register_app
from tests.conftest import PASSWORD, People

OOB = "urn:ietf:wg:oauth:2.0:oob"


def token_request(client: TestClient, app: ClientApp, **data: str) -> httpx.Response:
    response: httpx.Response = client.post(
        "/oauth/token",
        data={"client_id": app.client_id, "client_secret": app.client_secret, **data},
    )
    return response


def hidden_fields(page: str) -> dict[str, str]:
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    return {name: html.unescape(value) for name, value in pairs}


def open_authorize(
    client: TestClient, app: ClientApp, **params: str
) -> tuple[httpx.Response, dict[str, str]]:
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        "scope": "read write",
        **params,
    }
    page = client.get("/oauth/authorize", params=query)
    return page, hidden_fields(page.text)


def submit(
    client: TestClient,
    fields: dict[str, str],
    *,
    username: str = "alice",
    password: str = PASSWORD,
    decision: str = "approve",
) -> httpx.Response:
    response: httpx.Response = client.post(
        "/oauth/authorize",
        data={**fields, "username": username, "password": password, "decision": decision},
        follow_redirects=False,
    )
    return response


def s256(verifier: str) -> str:
    return (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )


def query_of(response: httpx.Response) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}


def count_tokens(rt: Runtime) -> int:
    with rt.db.read() as conn:
        return int(conn.scalar(select(func.count()).select_from(access_tokens)) or 0)


# --- Apps ----------------------------------------------------------------------


def test_registering_an_app_returns_its_credentials_once(client: TestClient) -> None:
    response = client.post(
        "/api/v1/apps",
        json={
            "client_name": "Tusky",
            "redirect_uris": ["https://a.example/cb", OOB],
            "scopes": "read write:statuses",
            "website": "https://tusky.example",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Tusky"
    assert body["redirect_uris"] == ["https://a.example/cb", OOB]
    assert body["redirect_uri"] == f"https://a.example/cb\n{OOB}"
    assert body["scopes"] == ["read", "write:statuses"]
    assert body["client_id"]
    assert body["client_secret"]
    assert body["client_secret_expires_at"] == 0


def test_app_verify_credentials_shows_no_secret(client: TestClient, tokens: Tokens) -> None:
    response = client.get("/api/v1/apps/verify_credentials", headers=bearer(tokens.app_token()))
    assert response.status_code == 200
    assert response.json()["name"] == "Test client"
    assert "client_secret" not in response.json()
    assert client.get("/api/v1/apps/verify_credentials").status_code == 401


def test_app_form_fields_and_default_scope(client: TestClient) -> None:
    response = client.post("/api/v1/apps", data={"client_name": "Form app", "redirect_uris": OOB})
    assert response.status_code == 200
    assert response.json()["scopes"] == ["read"]


def test_invalid_app_registrations_are_rejected(client: TestClient) -> None:
    for payload in (
        {"redirect_uris": OOB},
        {"client_name": "x"},
        {"client_name": "x", "redirect_uris": "not a uri"},
        {"client_name": "x", "redirect_uris": OOB, "scopes": "read destroy"},
    ):
        response = client.post("/api/v1/apps", json=payload)
        assert response.status_code == 422, payload
        assert "error" in response.json()


# --- Authorization code --------------------------------------------------------


def test_authorization_code_with_pkce_s256(
    client: TestClient, people: People, client_app: ClientApp
) -> None:
    # given
    assert people.alice  # registered
    verifier = "v" * 43 + "-verifier"
    page, fields = open_authorize(
        client,
        client_app,
        state="st4te",
        code_challenge=s256(verifier),
        code_challenge_method="S256",
    )
    assert page.status_code == 200
    assert "Test client" in page.text
    assert "write" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    # when
    response = submit(client, fields)
    # then
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(client_app.redirect_uri + "?")
    params = query_of(response)
    assert params["state"] == "st4te"
    wrong = token_request(
        client,
        client_app,
        grant_type="authorization_code",
        code=params["code"],
        redirect_uri=client_app.redirect_uri,
        code_verifier="x" * 50,
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"

    # A failed exchange used the code up; a fresh one with the right verifier works.
    _, fields = open_authorize(
        client, client_app, code_challenge=s256(verifier), code_challenge_method="S256"
    )
    code = query_of(submit(client, fields))["code"]
    exchanged = token_request(
        client,
        client_app,
        grant_type="authorization_code",
        code=code,
        redirect_uri=client_app.redirect_uri,
        code_verifier=verifier,
    )
    assert exchanged.status_code == 200, exchanged.text
    token = exchanged.json()
    assert token["token_type"] == "Bearer"
    assert token["scope"] == "read write"
    assert isinstance(token["created_at"], int)
    me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token["access_token"]))
    assert me.json()["username"] == "alice"
    # A code works once.
    again = token_request(
        client,
        client_app,
        grant_type="authorization_code",
        code=code,
        redirect_uri=client_app.redirect_uri,
        code_verifier=verifier,
    )
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_plain_pkce_is_refused_before_the_person_is_asked(
    client: TestClient, people: People, client_app: ClientApp
) -> None:
    """``plain`` (named, or RFC 7636's default when no method is) sends the verifier
    through the browser, so it guards nothing: refused as invalid_request."""
    assert people.alice  # registered
    for method in ("plain", None):
        extra = {"code_challenge_method": method} if method else {}
        page = client.get(
            "/oauth/authorize",
            params={
                "response_type": "code",
                "client_id": client_app.client_id,
                "redirect_uri": client_app.redirect_uri,
                "state": "xyz",
                "code_challenge": "p" * 50,
                **extra,
            },
            follow_redirects=False,
        )
        assert page.status_code == 302
        assert query_of(page) == {"error": "invalid_request", "state": "xyz"}


def test_code_exchange_needs_the_verifier_and_the_same_redirect_uri(
    client: TestClient, people: People, client_app: ClientApp
) -> None:
    assert people.alice  # registered
    verifier = "v" * 50
    _, fields = open_authorize(
        client, client_app, code_challenge=s256(verifier), code_challenge_method="S256"
    )
    code = query_of(submit(client, fields))["code"]
    missing = token_request(
        client,
        client_app,
        grant_type="authorization_code",
        code=code,
        redirect_uri=client_app.redirect_uri,
    )
    assert missing.json()["error"] == "invalid_grant"
    # RFC 6749 §4.1.3: the redirect_uri the authorization used must be named again
    _, fields = open_authorize(client, client_app)
    code = query_of(submit(client, fields))["code"]
    unnamed = token_request(client, client_app, grant_type="authorization_code", code=code)
    assert unnamed.json()["error"] == "invalid_grant"


def test_access_token_in_the_query_string_is_refused_outside_streaming(
    client: TestClient, tokens: Tokens
) -> None:
    url = f"/api/v1/accounts/verify_credentials?access_token={tokens.alice}"
    refused = client.get(url)
    assert refused.status_code == 401
    assert "Authorization header" in refused.json()["error"]
    public = client.get(f"/api/v1/timelines/public?access_token={tokens.alice}")
    assert public.status_code == 401
    # the streaming API reads it (403: this token was read, and lacks read:statuses)
    notes_only = tokens.issue("alice", "read:notifications")
    assert client.get(f"/api/v1/streaming/public?access_token={notes_only}").status_code == 403


def test_code_issued_to_one_app_is_refused_to_another(
    client: TestClient, people: People, client_app: ClientApp
) -> None:
    assert people.alice  # registered
    other = register_app(client, name="Other")
    _, fields = open_authorize(client, client_app)
    code = query_of(submit(client, fields))["code"]
    stolen = token_request(
        client,
        other,
        grant_type="authorization_code",
        code=code,
        redirect_uri=client_app.redirect_uri,
    )
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "invalid_grant"


def test_out_of_band_redirect_shows_the_code(client: TestClient, people: People) -> None:
    assert people.alice  # registered
    app = register_app(client, redirect_uri=OOB)
    _, fields = open_authorize(client, app)
    page = submit(client, fields)
    assert page.status_code == 200
    match = re.search(r'<code class="auth-code" id="code">([^<]+)</code>', page.text)
    assert match
    token = token_request(
        client, app, grant_type="authorization_code", code=match.group(1), redirect_uri=OOB
    )
    assert token.status_code == 200


def test_authorize_wrong_password_shows_the_form_again(
    client: TestClient, people: People, client_app: ClientApp
) -> None:
    assert people.alice  # registered
    _, fields = open_authorize(client, client_app)
    response = submit(client, fields, password="wrong password")
    assert response.status_code == 401
    assert "Wrong username" in response.text
    with client.app.state.rt.db.read() as conn:  # type: ignore[attr-defined]
        assert conn.scalar(select(func.count()).select_from(authorization_codes)) == 0


def test_authorize_accepts_email_and_deny_redirects_with_access_denied(
    client: TestClient, people: People, client_app: ClientApp
) -> None:
    assert people.alice  # registered
    _, fields = open_authorize(client, client_app, state="s")
    assert submit(client, fields, username="alice@example.com").status_code == 302
    denied = submit(client, fields, decision="deny")
    assert denied.status_code == 302
    assert query_of(denied) == {"error": "access_denied", "state": "s"}


def test_authorize_form_is_protected_against_csrf(
    rt: Runtime, client: TestClient, people: People, client_app: ClientApp
) -> None:
    assert people.alice  # registered
    _, fields = open_authorize(client, client_app, scope="read")
    # A form token does not verify in a browser without the session (a cross-site post)...
    client.cookies.clear()
    forged = submit(client, fields)
    assert forged.status_code == 403
    assert "location" not in forged.headers
    # ...nor is a made-up token accepted in one with a session.
    open_authorize(client, client_app, scope="read")
    guessed = submit(client, {**fields, "csrf_token": "0" * 43})
    assert guessed.status_code == 403
    with rt.db.read() as conn:
        assert conn.scalar(select(func.count()).select_from(authorization_codes)) == 0


def test_authorize_refuses_unknown_client_and_unregistered_redirect(
    client: TestClient, client_app: ClientApp
) -> None:
    unknown = client.get("/oauth/authorize", params={"client_id": "nope", "response_type": "code"})
    assert unknown.status_code == 400
    evil, _ = open_authorize(client, client_app, redirect_uri="https://evil.example/cb")
    assert evil.status_code == 400
    assert "location" not in evil.headers


def test_authorize_redirects_scope_errors_back_to_the_client(
    client: TestClient, client_app: ClientApp
) -> None:
    narrow = register_app(client, scopes="read")
    response = client.get(
        "/oauth/authorize",
        params={
            "client_id": narrow.client_id,
            "redirect_uri": narrow.redirect_uri,
            "response_type": "code",
            "scope": "read write",
            "state": "q",
        },
        follow_redirects=False,
    )
    assert response.status_code == 302
    assert query_of(response) == {"error": "invalid_scope", "state": "q"}


def test_authorize_page_escapes_the_app_name(client: TestClient) -> None:
    app = register_app(client, name='<script>alert("x")</script>')
    page, _ = open_authorize(client, app)
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;" in page.text


# --- Password and client credentials grants -----------------------------------


def test_password_grant_by_username_and_by_email(
    client: TestClient, people: People, client_app: ClientApp
) -> None:
    assert people.alice  # registered
    for login in ("alice", "ALICE@example.com"):
        response = token_request(
            client,
            client_app,
            grant_type="password",
            username=login,
            password=PASSWORD,
            scope="read",
        )
        assert response.status_code == 200, login
        assert response.json()["scope"] == "read"
        assert response.headers["cache-control"] == "no-store"


def test_password_grant_with_wrong_password_is_invalid_grant(
    rt: Runtime, client: TestClient, people: People, client_app: ClientApp
) -> None:
    assert people.alice  # registered
    before = count_tokens(rt)
    for login, password in (("alice", "not her password"), ("nobody", PASSWORD)):
        response = token_request(
            client, client_app, grant_type="password", username=login, password=password
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_grant"
        assert response.json()["error_description"]
    assert count_tokens(rt) == before


def test_client_credentials_grant_gives_an_app_token_without_a_user(
    client: TestClient, tokens: Tokens
) -> None:
    token = tokens.app_token("read")
    assert client.get("/api/v1/apps/verify_credentials", headers=bearer(token)).status_code == 200
    me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert me.status_code == 422


def test_client_authentication_is_required(
    client: TestClient, people: People, client_app: ClientApp
) -> None:
    assert people.alice  # registered
    wrong = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_app.client_id,
            "client_secret": "guess",
        },
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    basic = base64.b64encode(f"{client_app.client_id}:{client_app.client_secret}".encode())
    ok = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic.decode()}"},
    )
    assert ok.status_code == 200


def test_unsupported_grant_and_scope_errors(client: TestClient, client_app: ClientApp) -> None:
    assert token_request(client, client_app, grant_type="refresh_token").json()["error"] == (
        "unsupported_grant_type"
    )
    assert token_request(client, client_app).json()["error"] == "unsupported_grant_type"
    unknown = token_request(client, client_app, grant_type="client_credentials", scope="sudo")
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "invalid_scope"
    narrow = register_app(client, scopes="read:statuses")
    wider = token_request(client, narrow, grant_type="client_credentials", scope="read")
    assert wider.status_code == 400
    assert wider.json()["error"] == "invalid_scope"
    within = token_request(
        client,
        register_app(client, scopes="read"),
        grant_type="client_credentials",
        scope="read:accounts",
    )
    assert within.status_code == 200


def test_tokens_are_stored_as_digests(rt: Runtime, tokens: Tokens) -> None:
    secret = tokens.alice
    with rt.db.read() as conn:
        stored = list(conn.scalars(select(access_tokens.c.token_digest)))
    assert secret not in stored
    assert hashlib.sha256(secret.encode()).hexdigest() in stored


# --- Revocation and scopes ----------------------------------------------------


def test_revoked_token_gets_401(client: TestClient, tokens: Tokens, client_app: ClientApp) -> None:
    token = tokens.alice
    assert (
        client.get("/api/v1/accounts/verify_credentials", headers=bearer(token)).status_code == 200
    )
    revoked = client.post(
        "/oauth/revoke",
        data={
            "client_id": client_app.client_id,
            "client_secret": client_app.client_secret,
            "token": token,
        },
    )
    assert revoked.status_code == 200
    assert revoked.json() == {}
    after = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert after.status_code == 401
    assert after.json() == {"error": "The access token is invalid"}


def test_an_app_cannot_revoke_another_apps_token(client: TestClient, tokens: Tokens) -> None:
    token = tokens.alice
    other = register_app(client, name="Other")
    response = client.post(
        "/oauth/revoke",
        data={"client_id": other.client_id, "client_secret": other.client_secret, "token": token},
    )
    assert response.status_code == 403
    assert (
        client.get("/api/v1/accounts/verify_credentials", headers=bearer(token)).status_code == 200
    )


def test_read_only_token_cannot_write(client: TestClient, tokens: Tokens) -> None:
    token = tokens.issue("alice", "read")
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        data={"display_name": "Hijacked"},
        headers=bearer(token),
    )
    assert response.status_code == 403
    assert "error" in response.json()
    me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["display_name"] == ""


def test_verify_credentials_needs_a_token(client: TestClient) -> None:
    response = client.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 401
    bogus = client.get("/api/v1/accounts/verify_credentials", headers=bearer("made-up"))
    assert bogus.status_code == 401


def test_profile_scope_reads_only_the_own_account(client: TestClient, tokens: Tokens) -> None:
    app = register_app(client, scopes="profile")
    assert tokens.people.alice  # registered
    response = token_request(
        client, app, grant_type="password", username="alice", password=PASSWORD, scope="profile"
    )
    token = response.json()["access_token"]
    me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert me.status_code == 200
    other = client.get(f"/api/v1/accounts/{tokens.people.alice}", headers=bearer(token))
    assert other.status_code == 403


def test_authorization_server_metadata(client: TestClient) -> None:
    meta = client.get("/.well-known/oauth-authorization-server").json()
    assert meta["issuer"] == "http://roost.test/"
    assert meta["token_endpoint"] == "http://roost.test/oauth/token"
    assert meta["authorization_endpoint"] == "http://roost.test/oauth/authorize"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "write:statuses" in meta["scopes_supported"]
    assert set(meta["grant_types_supported"]) == {
        "authorization_code",
        "password",
        "client_credentials",
    }


def test_authorize_cookie_is_http_only_and_same_site(
    client: TestClient, client_app: ClientApp
) -> None:
    page, fields = open_authorize(client, client_app)
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert fields["csrf_token"]
    assert fields["client_id"] == client_app.client_id


def test_password_guessing_is_rate_limited(
    client: TestClient, people: People, client_app: ClientApp
) -> None:
    assert people.alice
    statuses = [
        token_request(
            client, client_app, grant_type="password", username="alice", password=f"guess {i}"
        ).status_code
        for i in range(5)
    ]
    assert statuses == [400] * 5
    # Once limited, even the right password is refused: a hit tells the guesser nothing.
    right = token_request(
        client, client_app, grant_type="password", username="ALICE", password=PASSWORD
    )
    assert right.status_code == 429
    assert "error" in right.json()
    _, fields = open_authorize(client, client_app)
    page = submit(client, fields)
    assert page.status_code == 429
    assert "location" not in page.headers
