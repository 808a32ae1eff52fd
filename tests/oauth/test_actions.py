"""OAuth domain rules: client secrets, scope checks, authorization codes, revocation."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from roost.accounts.actions import do_change_password, do_log_out_everywhere
from roost.errors import ValidationFailed
from roost.oauth.actions import (
    check_authorization_request,
    do_create_application,
    do_create_authorization_code,
    do_exchange_code,
    do_issue_token,
    do_password_grant,
    do_revoke_account_tokens,
    do_revoke_authorized_app,
    do_revoke_token,
)
from roost.oauth.models import applications, authorization_codes
from roost.oauth.queries import (
    OAuthRejected,
    access_client,
    check_scopes,
    get_authorized_apps,
    get_token,
    parse_scopes,
    scope_allows,
)
from roost.runtime import Runtime
from roost.store.schema import utcnow
from tests.conftest import PASSWORD, People

CALLBACK = "https://app.example/cb"


def test_client_secret_is_stored_as_a_digest_and_checked(rt: Runtime) -> None:
    created = do_create_application(rt, "App", [CALLBACK], scopes="read write")
    with rt.db.read() as conn:
        stored = conn.scalar(select(applications.c.client_secret))
    assert stored != created.client_secret
    assert stored == hashlib.sha256(created.client_secret.encode()).hexdigest()
    assert access_client(rt, created.row.client_id, created.client_secret).id == created.row.id
    for client_id, secret in (
        (created.row.client_id, "wrong"),
        (created.row.client_id, None),
        ("unknown", created.client_secret),
        (None, None),
    ):
        with pytest.raises(OAuthRejected) as caught:
            access_client(rt, client_id, secret)
        assert caught.value.code == "invalid_client"


def test_application_input_is_validated(rt: Runtime) -> None:
    for name, uris, scopes in (
        ("", [CALLBACK], "read"),
        ("x" * 201, [CALLBACK], "read"),
        ("App", [], "read"),
        ("App", ["relative/path"], "read"),
        ("App", ["https://a.example/cb#fragment"], "read"),
        ("App", ["JavaScript:alert(document.cookie)"], "read"),
        ("App", ["data:text/html,<script>alert(1)</script>"], "read"),
        ("App", [CALLBACK], "read everything"),
    ):
        with pytest.raises(ValidationFailed):
            do_create_application(rt, name, uris, scopes=scopes)


def test_scope_rules() -> None:
    granted = parse_scopes("read write:statuses follow")
    assert scope_allows(granted, "read:accounts")
    assert scope_allows(granted, "write:statuses")
    assert not scope_allows(granted, "write:accounts")
    assert scope_allows(granted, "write:follows")  # the legacy "follow" scope
    assert not scope_allows(parse_scopes("read:statuses"), "read")
    check_scopes(parse_scopes("read:accounts"), parse_scopes("read"))
    with pytest.raises(OAuthRejected):
        check_scopes(parse_scopes("read"), parse_scopes("read:accounts"))
    with pytest.raises(OAuthRejected):
        check_scopes(parse_scopes("admin:everything"))


def test_admin_scopes_nest_like_the_others() -> None:
    check_scopes(parse_scopes("admin:read:reports admin:write:accounts"))
    assert scope_allows(parse_scopes("admin:read"), "admin:read:reports")
    assert scope_allows(parse_scopes("admin:read:reports"), "admin:read:reports")
    assert not scope_allows(parse_scopes("admin:read"), "admin:write:reports")
    assert not scope_allows(parse_scopes("read write"), "admin:read:reports")
    assert not scope_allows(parse_scopes("admin:read:accounts"), "admin:read:reports")


def test_token_scopes_must_be_within_the_apps(rt: Runtime, people: People) -> None:
    app = do_create_application(rt, "App", [CALLBACK], scopes="read").row
    token = do_issue_token(rt, app, None, "read:statuses")
    info = get_token(rt, token.access_token)
    assert info is not None
    assert info.scopes == {"read:statuses"}
    assert info.account_id is None
    with pytest.raises(OAuthRejected) as caught:
        do_password_grant(rt, app, "alice", PASSWORD, "read write", address=None)
    assert caught.value.code == "invalid_scope"
    assert people.alice


def test_authorization_code_is_single_use_and_bound(rt: Runtime, people: People) -> None:
    app = do_create_application(rt, "App", [CALLBACK, "myapp://cb"], scopes="read write").row
    other = do_create_application(rt, "Other", [CALLBACK]).row
    redirect, scopes = check_authorization_request(app, "myapp://cb", "read")
    code = do_create_authorization_code(rt, app, people.alice, redirect, scopes)
    for app_row, uri in ((other, "myapp://cb"), (app, CALLBACK)):
        fresh = do_create_authorization_code(rt, app, people.alice, redirect, scopes)
        with pytest.raises(OAuthRejected):
            do_exchange_code(rt, app_row, fresh, uri, None)
    unnamed = do_create_authorization_code(rt, app, people.alice, redirect, scopes)
    with pytest.raises(OAuthRejected):  # RFC 6749 §4.1.3: the URI must be named again
        do_exchange_code(rt, app, unnamed, None, None)
    token = do_exchange_code(rt, app, code, "myapp://cb", None)
    assert token.account_id == people.alice
    assert token.scopes == {"read"}
    with pytest.raises(OAuthRejected) as caught:
        do_exchange_code(rt, app, code, "myapp://cb", None)
    assert caught.value.code == "invalid_grant"


def test_expired_code_is_refused(rt: Runtime, people: People) -> None:
    app = do_create_application(rt, "App", [CALLBACK]).row
    code = do_create_authorization_code(rt, app, people.alice, CALLBACK, frozenset({"read"}))
    with rt.db.write() as tx:
        tx.conn.execute(
            update(authorization_codes).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    with pytest.raises(OAuthRejected) as caught:
        do_exchange_code(rt, app, code, CALLBACK, None)
    assert caught.value.code == "invalid_grant"


def test_pkce(rt: Runtime, people: People) -> None:
    app = do_create_application(rt, "App", [CALLBACK]).row
    verifier = "k" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    challenge_text = challenge.rstrip(b"=").decode()

    def code(method: str | None, value: str | None = challenge_text) -> str:
        return do_create_authorization_code(
            rt,
            app,
            people.alice,
            CALLBACK,
            frozenset({"read"}),
            code_challenge=value,
            code_challenge_method=method,
        )

    assert do_exchange_code(rt, app, code("S256"), CALLBACK, verifier).account_id
    with pytest.raises(OAuthRejected):
        do_exchange_code(rt, app, code("S256"), CALLBACK, challenge_text)  # not the verifier
    with pytest.raises(OAuthRejected):
        do_exchange_code(rt, app, code(None, None), CALLBACK, verifier)  # no challenge was made
    with pytest.raises(OAuthRejected):
        code("S512")
    with pytest.raises(OAuthRejected):
        code("plain", "short")
    for refused in ("plain", None):  # no method named means plain (RFC 7636 §4.3)
        with pytest.raises(OAuthRejected) as caught:
            code(refused)
        assert caught.value.code == "invalid_request"


def test_redirect_uri_checks(rt: Runtime) -> None:
    single = do_create_application(rt, "App", [CALLBACK]).row
    assert check_authorization_request(single, None, None) == (CALLBACK, frozenset({"read"}))
    with pytest.raises(OAuthRejected) as caught:
        check_authorization_request(single, "https://evil.example/cb", "read")
    assert caught.value.code == "invalid_redirect_uri"
    several = do_create_application(rt, "App", [CALLBACK, "myapp://cb"]).row
    with pytest.raises(OAuthRejected):
        check_authorization_request(several, None, "read")


def test_revocation(rt: Runtime, people: People) -> None:
    app = do_create_application(rt, "App", [CALLBACK], scopes="read write").row
    other = do_create_application(rt, "Other", [CALLBACK]).row
    assert people.alice
    assert people.bob
    first = do_password_grant(rt, app, "alice", PASSWORD, "read", address=None)
    second = do_password_grant(rt, app, "alice@example.com", PASSWORD, "write", address=None)
    bobs = do_password_grant(rt, app, "bob", PASSWORD, "read", address=None)
    with pytest.raises(OAuthRejected):
        do_revoke_token(rt, other, first.access_token)
    assert get_token(rt, first.access_token) is not None
    do_revoke_token(rt, app, "never issued")  # RFC 7009: not an error
    do_revoke_token(rt, app, first.access_token)
    assert get_token(rt, first.access_token) is None
    assert get_token(rt, second.access_token) is not None
    do_revoke_account_tokens(rt, people.alice)
    assert get_token(rt, second.access_token) is None
    assert get_token(rt, bobs.access_token) is not None


def test_tokens_die_with_a_password_change_and_log_out_everywhere(
    rt: Runtime, people: People
) -> None:
    # given tokens for alice and bob
    app = do_create_application(rt, "App", [CALLBACK], scopes="read").row
    assert people.alice
    assert people.bob
    before = do_password_grant(rt, app, "alice", PASSWORD, "read", address=None)
    bobs = do_password_grant(rt, app, "bob", PASSWORD, "read", address=None)
    # when alice changes her password
    do_change_password(rt, people.alice, PASSWORD, "a brand new password")
    # then her old token is dead at once, bob's lives, a new one works
    assert get_token(rt, before.access_token) is None
    assert get_token(rt, bobs.access_token) is not None
    after = do_password_grant(rt, app, "alice", "a brand new password", "read", address=None)
    assert get_token(rt, after.access_token) is not None
    assert [a.id for a in get_authorized_apps(rt, people.alice)] == [app.id]
    # and logging out everywhere kills that one too, and empties her apps list
    do_log_out_everywhere(rt, people.alice)
    assert get_token(rt, after.access_token) is None
    assert get_authorized_apps(rt, people.alice) == []
    assert get_token(rt, bobs.access_token) is not None


def test_authorized_apps_are_listed_and_revoked_per_person(rt: Runtime, people: People) -> None:
    first = do_create_application(rt, "First", [CALLBACK], scopes="read write").row
    second = do_create_application(rt, "Second", [CALLBACK], scopes="read").row
    assert people.alice
    assert people.bob
    a_read = do_password_grant(rt, first, "alice", PASSWORD, "read", address=None)
    a_write = do_password_grant(rt, first, "alice", PASSWORD, "write", address=None)
    a_second = do_password_grant(rt, second, "alice", PASSWORD, "read", address=None)
    b_first = do_password_grant(rt, first, "bob", PASSWORD, "read", address=None)
    listed = get_authorized_apps(rt, people.alice)
    assert [(a.name, a.scopes) for a in listed] == [
        ("Second", frozenset({"read"})),
        ("First", frozenset({"read", "write"})),
    ]
    # bob's revoking an app of alice's own does nothing to her
    assert not do_revoke_authorized_app(rt, people.bob, second.id)
    assert do_revoke_authorized_app(rt, people.alice, first.id)
    assert get_token(rt, a_read.access_token) is None
    assert get_token(rt, a_write.access_token) is None
    assert get_token(rt, a_second.access_token) is not None
    assert get_token(rt, b_first.access_token) is not None
    assert [a.name for a in get_authorized_apps(rt, people.alice)] == ["Second"]
    assert not do_revoke_authorized_app(rt, people.alice, first.id)
