"""Contract: reports, and the admin reports API (moderators only), answer Mastodon's
entities."""

from __future__ import annotations

from roost.accounts.roles import do_set_role
from roost.instance.actions import do_add_rule
from roost.moderation.actions import do_report
from roost.moderation.queries import get_report
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.conftest import Tokens, register_app
from tests.api.contract import Api, covers
from tests.conftest import People


@covers("POST /api/v1/reports")
def test_reports(api: Api, rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.bob, "buy cheap watches")
    assert people.carol
    do_set_role(rt, "carol", "admin")
    rule = do_add_rule(rt, people.carol, "No spam")
    report = api.call(
        "POST",
        "/api/v1/reports",
        "Report",
        json={
            "account_id": str(people.bob),
            "status_ids": [str(post)],
            "comment": "spam",
            "category": "spam",
            "rule_ids": [str(rule)],
            "forward": True,
        },
    )
    assert report["target_account"]["id"] == str(people.bob)
    # citing a rule makes it a violation report, as Mastodon does
    assert (report["status_ids"], report["category"]) == ([str(post)], "violation")
    assert report["rule_ids"] == [str(rule)]
    assert (report["action_taken"], report["forwarded"]) == (False, False)
    bare = api.call("POST", "/api/v1/reports", "Report", data={"account_id": str(people.bob)})
    assert (bare["status_ids"], bare["category"]) == ([], "other")
    api.call(
        "POST",
        "/api/v1/reports",
        "Error",
        status=422,
        json={"account_id": str(people.bob), "category": "rude"},
    )
    api.call(
        "POST",
        "/api/v1/reports",
        "Error",
        status=422,
        json={"account_id": str(people.bob), "comment": "x" * 1001},
    )
    for unknown in (["1"], ["not a number"]):  # only this server's rules can be cited
        api.call(
            "POST",
            "/api/v1/reports",
            "Error",
            status=422,
            json={"account_id": str(people.bob), "rule_ids": unknown},
        )
    api.call("POST", "/api/v1/reports", "Error", status=404, json={"account_id": "123456789"})
    api.call("POST", "/api/v1/reports", "Error", status=401, who=None, json={})


ADMIN_SCOPES = "read write admin:read admin:write"
REPORT_ROUTES = (
    ("GET", "/api/v1/admin/reports/{id}"),
    ("POST", "/api/v1/admin/reports/{id}/assign_to_self"),
    ("POST", "/api/v1/admin/reports/{id}/unassign"),
    ("POST", "/api/v1/admin/reports/{id}/resolve"),
    ("POST", "/api/v1/admin/reports/{id}/reopen"),
)


@covers(
    "GET /api/v1/admin/reports",
    *(f"{method} {route}" for method, route in REPORT_ROUTES),
)
def test_admin_reports(api: Api, rt: Runtime, people: People) -> None:
    # given carol's post reported by bob, and alice a moderator
    post = do_create_post(rt, people.carol, "buy cheap watches")
    report_id = do_report(rt, people.bob, people.carol, status_ids=[post], category="spam")
    assert people.alice
    do_set_role(rt, "alice", "moderator")
    admin = Tokens(api.client, people, register_app(api.client, scopes=ADMIN_SCOPES))
    moderator = admin.issue("alice", ADMIN_SCOPES)
    at = {"id": str(report_id)}
    # the queue holds the open report, with the reported post
    (queued,) = api.call("GET", "/api/v1/admin/reports", "[Admin::Report]", token=moderator)
    assert queued["id"] == str(report_id)
    assert queued["account"]["id"] == str(people.bob)
    assert queued["target_account"]["id"] == str(people.carol)
    assert [s["id"] for s in queued["statuses"]] == [str(post)]
    filtered = api.call(
        "GET",
        "/api/v1/admin/reports",
        "[Admin::Report]",
        token=moderator,
        params={"target_account_id": str(people.bob)},
    )
    assert filtered == []
    shown = api.call("GET", "/api/v1/admin/reports/{id}", "Admin::Report", token=moderator, at=at)
    assert shown["id"] == queued["id"]
    # assign, unassign, resolve, reopen
    mine = api.call(
        "POST", "/api/v1/admin/reports/{id}/assign_to_self", "Admin::Report", token=moderator, at=at
    )
    assert mine["assigned_account"]["id"] == str(people.alice)
    freed = api.call(
        "POST", "/api/v1/admin/reports/{id}/unassign", "Admin::Report", token=moderator, at=at
    )
    assert freed["assigned_account"] is None
    done = api.call(
        "POST", "/api/v1/admin/reports/{id}/resolve", "Admin::Report", token=moderator, at=at
    )
    assert done["action_taken"] is True
    assert done["action_taken_by_account"]["id"] == str(people.alice)
    assert api.call("GET", "/api/v1/admin/reports", "[Admin::Report]", token=moderator) == []
    resolved = api.call(
        "GET",
        "/api/v1/admin/reports",
        "[Admin::Report]",
        token=moderator,
        params={"resolved": "true"},
    )
    assert [r["id"] for r in resolved] == [str(report_id)]
    opened = api.call(
        "POST", "/api/v1/admin/reports/{id}/reopen", "Admin::Report", token=moderator, at=at
    )
    assert opened["action_taken"] is False
    missing = {"id": "123456789"}
    api.call("GET", "/api/v1/admin/reports/{id}", "Error", status=404, token=moderator, at=missing)
    api.call(
        "POST",
        "/api/v1/admin/reports/{id}/resolve",
        "Error",
        status=404,
        token=moderator,
        at=missing,
    )


def test_admin_reports_are_refused_to_users_and_to_tokens_without_admin_scopes(
    api: Api, rt: Runtime, people: People
) -> None:
    post = do_create_post(rt, people.carol, "hello")
    report_id = do_report(rt, people.bob, people.carol, status_ids=[post])
    assert people.alice
    do_set_role(rt, "alice", "moderator")
    admin = Tokens(api.client, people, register_app(api.client, scopes=ADMIN_SCOPES))
    # a user whose token holds admin scopes (the reporter and the reported too)
    for name in ("bob", "carol", "dave"):
        user = admin.issue(name, ADMIN_SCOPES)
        api.call("GET", "/api/v1/admin/reports", "Error", status=403, token=user)
        for method, route in REPORT_ROUTES:
            api.call(method, route, "Error", status=403, token=user, at={"id": str(report_id)})
    # a moderator whose token lacks admin scopes
    for method, route in REPORT_ROUTES:
        api.call(method, route, "Error", status=403, who="alice", at={"id": str(report_id)})
    api.call("GET", "/api/v1/admin/reports", "Error", status=403, who="alice")
    api.call("GET", "/api/v1/admin/reports", "Error", status=401, who=None)
    # nothing changed
    row = get_report(rt, report_id)
    assert (row.assigned_account_id, row.action_taken_at) == (None, None)
