"""Contract: the admin accounts API answers Mastodon's Admin::Account, and only to
staff with admin scopes; deleting data is for admins."""

from __future__ import annotations

from roost.accounts.roles import do_set_role
from roost.moderation.actions import do_report
from roost.moderation.queries import get_report
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.conftest import Tokens, register_app
from tests.api.contract import Api, covers
from tests.conftest import People

ADMIN_SCOPES = "read write admin:read admin:write"
ACCOUNT_ROUTES = (
    ("GET", "/api/v1/admin/accounts/{id}", "Admin::Account"),
    ("POST", "/api/v1/admin/accounts/{id}/action", "Empty"),
    ("POST", "/api/v1/admin/accounts/{id}/unsuspend", "Admin::Account"),
    ("POST", "/api/v1/admin/accounts/{id}/unsilence", "Admin::Account"),
    ("POST", "/api/v1/admin/accounts/{id}/unsensitive", "Admin::Account"),
    ("POST", "/api/v1/admin/accounts/{id}/enable", "Admin::Account"),
    ("DELETE", "/api/v1/admin/accounts/{id}", "Admin::Account"),
)


def _staff(api: Api, people: People, rt: Runtime) -> tuple[str, str]:
    """Tokens with admin scopes for alice (moderator) and owen (admin)."""
    assert people.alice
    assert people.owen
    do_set_role(rt, "alice", "moderator")
    do_set_role(rt, "owen", "admin")
    admin = Tokens(api.client, people, register_app(api.client, scopes=ADMIN_SCOPES))
    return admin.issue("alice", ADMIN_SCOPES), admin.issue("owen", ADMIN_SCOPES)


@covers(
    "GET /api/v1/admin/accounts",
    "GET /api/v2/admin/accounts",
    *(f"{method} {route}" for method, route, _ in ACCOUNT_ROUTES),
)
def test_admin_accounts(api: Api, rt: Runtime, people: People) -> None:
    moderator, admin = _staff(api, people, rt)
    carol = people.carol
    post = do_create_post(rt, carol, "buy cheap watches")
    report_id = do_report(rt, people.bob, carol, status_ids=[post], category="spam")
    at = {"id": str(carol)}
    # listing and filters
    listed = api.call(
        "GET", "/api/v1/admin/accounts", "[Admin::Account]", token=moderator, paginated=True
    )
    assert str(carol) in [a["id"] for a in listed]
    staff = api.call(
        "GET",
        "/api/v1/admin/accounts",
        "[Admin::Account]",
        token=moderator,
        params={"staff": "true"},
    )
    assert sorted(a["username"] for a in staff) == ["alice", "owen"]
    named = api.call(
        "GET",
        "/api/v1/admin/accounts",
        "[Admin::Account]",
        token=moderator,
        params={"username": "car", "email": "carol@"},
    )
    assert [a["id"] for a in named] == [str(carol)]
    assert named[0]["email"] == "carol@example.com"
    assert (
        api.call(
            "GET",
            "/api/v1/admin/accounts",
            "[Admin::Account]",
            token=moderator,
            params={"remote": "true"},
        )
        == []
    )
    shown = api.call("GET", "/api/v1/admin/accounts/{id}", "Admin::Account", token=moderator, at=at)
    assert (shown["suspended"], shown["silenced"], shown["approved"]) == (False, False, True)
    # act: limit on the report (which resolves it), then mark sensitive, disable, suspend
    for kind in ("silence", "sensitive", "disable", "suspend"):
        body: dict[str, object] = {"type": kind, "text": "Please stop", "warning_preset_id": "1"}
        if kind == "silence":
            body["report_id"] = str(report_id)
        assert (
            api.call(
                "POST",
                "/api/v1/admin/accounts/{id}/action",
                "Empty",
                token=moderator,
                at=at,
                json=body,
            )
            == {}
        )
    assert get_report(rt, report_id).action_taken_at is not None
    shown = api.call("GET", "/api/v1/admin/accounts/{id}", "Admin::Account", token=moderator, at=at)
    assert (shown["suspended"], shown["silenced"], shown["disabled"]) == (True, True, True)
    suspended = api.call(
        "GET",
        "/api/v2/admin/accounts",
        "[Admin::Account]",
        token=moderator,
        params={"status": "suspended", "origin": "local"},
    )
    assert [a["id"] for a in suspended] == [str(carol)]
    api.call(
        "GET",
        "/api/v2/admin/accounts",
        "Error",
        status=422,
        token=moderator,
        params={"status": "frozen"},
    )
    # the suspended profile is hidden from everyone else
    api.call("GET", "/api/v1/accounts/{id}", "Error", status=404, who="dave", at=at)
    # lift each
    for verb, field in (
        ("unsilence", "silenced"),
        ("unsensitive", "sensitized"),
        ("enable", "disabled"),
        ("unsuspend", "suspended"),
    ):
        lifted = api.call(
            "POST",
            f"/api/v1/admin/accounts/{{id}}/{verb}",
            "Admin::Account",
            token=moderator,
            at=at,
        )
        assert lifted[field] is False
    assert api.call("GET", "/api/v1/accounts/{id}", "Account", who="dave", at=at)["id"] == at["id"]
    # DELETE: only a suspended account, only by an admin
    api.call("DELETE", "/api/v1/admin/accounts/{id}", "Error", status=403, token=admin, at=at)
    api.call(
        "POST",
        "/api/v1/admin/accounts/{id}/action",
        "Empty",
        token=moderator,
        at=at,
        json={"type": "suspend"},
    )
    api.call("DELETE", "/api/v1/admin/accounts/{id}", "Error", status=403, token=moderator, at=at)
    removed = api.call(
        "DELETE", "/api/v1/admin/accounts/{id}", "Admin::Account", token=admin, at=at
    )
    assert removed["suspended"] is True
    # bad input
    api.call(
        "POST",
        "/api/v1/admin/accounts/{id}/action",
        "Error",
        status=422,
        token=moderator,
        at={"id": str(people.dave)},
        json={"type": "vanish"},
    )
    api.call(
        "POST",
        "/api/v1/admin/accounts/{id}/action",
        "Error",
        status=404,
        token=moderator,
        at={"id": str(people.dave)},
        json={"type": "none", "report_id": str(report_id)},
    )
    missing = {"id": "123456789"}
    api.call("GET", "/api/v1/admin/accounts/{id}", "Error", status=404, token=moderator, at=missing)


def test_admin_accounts_are_refused_to_users_to_outranked_staff_and_without_scopes(
    api: Api, rt: Runtime, people: People
) -> None:
    moderator, admin = _staff(api, people, rt)
    scoped = Tokens(api.client, people, register_app(api.client, scopes=ADMIN_SCOPES))
    target = {"id": str(people.carol)}
    # a user whose token holds admin scopes: refused everywhere
    user = scoped.issue("bob", ADMIN_SCOPES)
    api.call("GET", "/api/v1/admin/accounts", "Error", status=403, token=user)
    api.call("GET", "/api/v2/admin/accounts", "Error", status=403, token=user)
    for method, route, _ in ACCOUNT_ROUTES:
        api.call(
            method, route, "Error", status=403, token=user, at=target, json={"type": "suspend"}
        )
    # a moderator cannot act on an admin, nor remove data
    owen = {"id": str(people.owen)}
    api.call(
        "POST",
        "/api/v1/admin/accounts/{id}/action",
        "Error",
        status=403,
        token=moderator,
        at=owen,
        json={"type": "suspend"},
    )
    # staff whose token lacks admin scopes
    api.call("GET", "/api/v1/admin/accounts", "Error", status=403, who="alice")
    api.call(
        "POST",
        "/api/v1/admin/accounts/{id}/action",
        "Error",
        status=403,
        who="owen",
        at=target,
        json={"type": "suspend"},
    )
    api.call("GET", "/api/v1/admin/accounts", "Error", status=401, who=None)
    # nothing changed
    shown = api.call("GET", "/api/v1/admin/accounts/{id}", "Admin::Account", token=admin, at=target)
    assert (shown["suspended"], shown["silenced"]) == (False, False)
