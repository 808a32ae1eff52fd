"""Sign-up through the API in each registration mode: approval-mode accounts wait
(their token and their password are refused with Mastodon's message) until a
moderator approves; rejected ones are removed; closed refuses; invite-only takes a
valid code and refuses expired or used-up ones."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select, update
from starlette.testclient import TestClient

from roost.accounts.models import accounts
from roost.accounts.queries import PENDING_APPROVAL
from roost.accounts.roles import do_set_role
from roost.instance.actions import do_add_rule, do_update_settings
from roost.registrations.actions import do_approve, do_create_invite, do_reject
from roost.registrations.models import invites
from roost.registrations.queries import INVITE_EXPIRED, INVITE_USED_UP, get_invite
from roost.runtime import Runtime
from roost.store.schema import utcnow
from tests.api.conftest import Tokens, bearer
from tests.conftest import People

PASSWORD = "a long enough password"


def set_mode(rt: Runtime, people: People, mode: str) -> int:
    """Makes ``owner`` the owner and sets the mode; returns the owner's id."""
    owner = people.owner
    do_set_role(rt, "owner", "owner")
    do_update_settings(rt, owner, {"registrations_mode": mode})
    return owner


def sign_up(client: TestClient, tokens: Tokens, name: str, **extra: object) -> httpx.Response:
    data = {
        "username": name,
        "email": f"{name}@example.com",
        "password": PASSWORD,
        "agreement": True,
        **extra,
    }
    response: httpx.Response = client.post(
        "/api/v1/accounts", json=data, headers=bearer(tokens.app_token())
    )
    return response


def password_grant(client: TestClient, tokens: Tokens, name: str) -> httpx.Response:
    response: httpx.Response = client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": tokens.app.client_id,
            "client_secret": tokens.app.client_secret,
            "username": name,
            "password": PASSWORD,
            "scope": "read",
        },
    )
    return response


def account_id(rt: Runtime, name: str) -> int | None:
    with rt.db.read() as conn:
        return conn.scalar(select(accounts.c.id).where(accounts.c.username == name))


def test_approval_mode_sign_up_waits_until_approved(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People
) -> None:
    # given approval mode
    owner = set_mode(rt, people, "approval")
    instance = client.get("/api/v1/instance").json()
    assert (instance["registrations"], instance["approval_required"]) == (True, True)
    v2 = client.get("/api/v2/instance").json()["registrations"]
    assert (v2["enabled"], v2["approval_required"]) == (True, True)
    # when someone signs up with a reason
    response = sign_up(client, tokens, "newbie", reason="I live next door")
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    # then the account waits: its token and its password are refused, with the reason
    me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert (me.status_code, me.json()["error"]) == (403, PENDING_APPROVAL)
    timeline = client.get("/api/v1/timelines/public", headers=bearer(token))
    assert timeline.status_code == 403
    grant = password_grant(client, tokens, "newbie")
    assert grant.status_code == 400
    assert grant.json()["error_description"] == PENDING_APPROVAL
    new_id = account_id(rt, "newbie")
    assert new_id is not None
    with rt.db.read() as conn:
        reason = conn.scalar(select(accounts.c.registration_reason).where(accounts.c.id == new_id))
    assert reason == "I live next door"
    # when a moderator approves it, both work
    do_approve(rt, owner, new_id)
    me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert me.status_code == 200
    assert password_grant(client, tokens, "newbie").status_code == 200


def test_rejected_sign_up_is_removed(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People
) -> None:
    owner = set_mode(rt, people, "approval")
    token = sign_up(client, tokens, "spammer").json()["access_token"]
    rejected = account_id(rt, "spammer")
    assert rejected is not None
    do_reject(rt, owner, rejected)
    assert account_id(rt, "spammer") is None
    # its token is dead and its name free again
    me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert me.status_code == 401
    assert sign_up(client, tokens, "spammer").status_code == 200


def test_closed_mode_refuses_sign_up(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People
) -> None:
    owner = set_mode(rt, people, "closed")
    do_update_settings(rt, owner, {"closed_message": "Back in *May*"})
    instance = client.get("/api/v1/instance").json()
    assert (instance["registrations"], instance["invites_enabled"]) == (False, False)
    v2 = client.get("/api/v2/instance").json()["registrations"]
    assert v2["enabled"] is False
    assert "<em>May</em>" in v2["message"]
    response = sign_up(client, tokens, "late")
    assert response.status_code == 403
    # an invite does not open a closed server
    code = get_invite(rt, do_create_invite(rt, owner))
    assert code is not None
    response = sign_up(client, tokens, "late", invite_code=code.code)
    assert response.status_code == 403
    assert account_id(rt, "late") is None


def test_invite_only_mode_takes_valid_codes_only(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People
) -> None:
    # given invite-only mode and three invites: once, expired, and for anyone
    owner = set_mode(rt, people, "invite")
    assert client.get("/api/v2/instance").json()["registrations"]["enabled"] is False
    once = get_invite(rt, do_create_invite(rt, owner, max_uses=1))
    expired = get_invite(rt, do_create_invite(rt, owner, expires_in=timedelta(hours=1)))
    assert once is not None
    assert expired is not None
    with rt.db.write() as tx:
        tx.conn.execute(
            update(invites)
            .where(invites.c.id == expired.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    # without a code, or with a wrong one: refused
    assert sign_up(client, tokens, "nocode").status_code == 403
    wrong = sign_up(client, tokens, "wrong", invite_code="nope")
    assert wrong.status_code == 422
    # a valid code: in at once, approved
    first = sign_up(client, tokens, "first", invite_code=once.code)
    assert first.status_code == 200, first.text
    token = first.json()["access_token"]
    me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert me.status_code == 200
    used = get_invite(rt, once.id)
    assert used is not None
    assert used.uses == 1
    # used up, and expired: refused with the reason
    second = sign_up(client, tokens, "second", invite_code=once.code)
    assert second.status_code == 422
    assert INVITE_USED_UP in second.json()["error"]
    late = sign_up(client, tokens, "late", invite_code=expired.code)
    assert late.status_code == 422
    assert INVITE_EXPIRED in late.json()["error"]
    assert account_id(rt, "second") is None
    assert account_id(rt, "late") is None


def test_an_invite_skips_approval(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People
) -> None:
    owner = set_mode(rt, people, "approval")
    invite = get_invite(rt, do_create_invite(rt, owner))
    assert invite is not None
    token = sign_up(client, tokens, "friend", invite_code=invite.code).json()["access_token"]
    me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert me.status_code == 200


def test_sign_up_needs_the_agreement(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People
) -> None:
    set_mode(rt, people, "open")
    response = sign_up(client, tokens, "hasty", agreement=False)
    assert response.status_code == 422
    assert "agreement" in response.json()["details"]


def test_instance_entity_lists_rules(rt: Runtime, client: TestClient, people: People) -> None:
    owner = set_mode(rt, people, "open")
    rule = do_add_rule(rt, owner, "Be kind")
    for path in ("/api/v1/instance", "/api/v2/instance"):
        assert client.get(path).json()["rules"] == [
            {"id": str(rule), "text": "Be kind", "hint": ""}
        ]
