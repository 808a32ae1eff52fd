"""The per-process token cache (``oauth.queries.get_token``): a token verified once
is not looked up again, and every change that ends a token ends it at the next
request (``oauth.actions.forget_tokens`` and the forgets after each revocation)."""

from __future__ import annotations

from sqlalchemy import update
from starlette.testclient import TestClient

from roost.accounts.actions import do_change_password, do_log_out_everywhere
from roost.oauth.actions import forget_tokens
from roost.oauth.models import access_tokens
from roost.runtime import Runtime
from roost.store.schema import utcnow
from tests.api.conftest import ClientApp, Tokens, bearer
from tests.conftest import PASSWORD, People

HOME = "/api/v1/timelines/home"


def _revoke_behind_the_cache(rt: Runtime, account_id: int) -> None:
    """What a change that forgot to forget would leave: the row revoked, the cache not told."""
    with rt.db.write() as tx:
        tx.conn.execute(
            update(access_tokens)
            .where(access_tokens.c.account_id == account_id)
            .values(revoked_at=utcnow())
        )


def test_a_verified_token_is_served_from_the_cache_until_forgotten(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People
) -> None:
    # given alice's token, verified once
    token = tokens.alice
    assert client.get(HOME, headers=bearer(token)).status_code == 200
    # when it is revoked in the database without telling the cache
    _revoke_behind_the_cache(rt, people.alice)
    # then this process still trusts it (the cache is in use) ...
    assert client.get(HOME, headers=bearer(token)).status_code == 200
    # ... until the account's tokens are forgotten, as suspension will do
    forget_tokens(rt, people.alice)
    assert client.get(HOME, headers=bearer(token)).status_code == 401


def test_revoking_a_token_ends_it_at_the_next_request(
    client: TestClient, tokens: Tokens, client_app: ClientApp
) -> None:
    token, other = tokens.alice, tokens.issue("alice")
    for t in (token, other):
        assert client.get(HOME, headers=bearer(t)).status_code == 200
    response = client.post(
        "/oauth/revoke",
        data={
            "client_id": client_app.client_id,
            "client_secret": client_app.client_secret,
            "token": token,
        },
    )
    assert response.status_code == 200
    assert client.get(HOME, headers=bearer(token)).status_code == 401
    assert client.get(HOME, headers=bearer(other)).status_code == 200


def test_revoking_an_app_token_ends_it(
    client: TestClient, tokens: Tokens, client_app: ClientApp
) -> None:
    token = tokens.app_token()
    assert client.get("/api/v1/apps/verify_credentials", headers=bearer(token)).status_code == 200
    client.post(
        "/oauth/revoke",
        data={
            "client_id": client_app.client_id,
            "client_secret": client_app.client_secret,
            "token": token,
        },
    )
    assert client.get("/api/v1/apps/verify_credentials", headers=bearer(token)).status_code == 401


def test_deauthorising_an_app_ends_its_tokens(client: TestClient, tokens: Tokens) -> None:
    token = tokens.alice
    assert client.get(HOME, headers=bearer(token)).status_code == 200
    apps = client.get("/api/roost/v1/authorized_apps", headers=bearer(token)).json()
    revoke = client.post(
        f"/api/roost/v1/authorized_apps/{apps[0]['id']}/revoke", headers=bearer(token)
    )
    assert revoke.status_code == 200
    assert client.get(HOME, headers=bearer(token)).status_code == 401


def test_logging_out_everywhere_ends_cached_tokens(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People
) -> None:
    token, bobs = tokens.alice, tokens.bob
    for t in (token, bobs):
        assert client.get(HOME, headers=bearer(t)).status_code == 200
    do_log_out_everywhere(rt, people.alice)
    assert client.get(HOME, headers=bearer(token)).status_code == 401
    assert client.get(HOME, headers=bearer(bobs)).status_code == 200


def test_changing_the_password_ends_cached_tokens(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People
) -> None:
    token = tokens.alice
    assert client.get(HOME, headers=bearer(token)).status_code == 200
    do_change_password(rt, people.alice, PASSWORD, "another long enough password")
    assert client.get(HOME, headers=bearer(token)).status_code == 401


def test_a_token_issued_after_a_forget_works(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People
) -> None:
    assert client.get(HOME, headers=bearer(tokens.alice)).status_code == 200
    do_log_out_everywhere(rt, people.alice)
    fresh = tokens.issue("alice")
    assert client.get(HOME, headers=bearer(fresh)).status_code == 200
