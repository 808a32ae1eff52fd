"""The web moderation area: acting on an account from a report and from its page,
its history, the audit log, the person's warnings page, and who may do each."""

from __future__ import annotations

from roost.accounts.roles import do_set_role
from roost.moderation.actions import do_report
from roost.moderation.queries import get_account_for_staff, get_report
from roost.moderation.sanctions import do_account_action
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.conftest import People
from tests.web.conftest import WebClient


def _moderator(web: WebClient, rt: Runtime, name: str = "alice", role: str = "moderator") -> int:
    account_id = web.log_in(name)
    do_set_role(rt, name, role)
    return account_id


def test_a_moderator_limits_from_a_report_deletes_a_post_and_resolves_with_a_note(
    web: WebClient, rt: Runtime, people: People
) -> None:
    # given two of carol's posts reported by bob
    kept = do_create_post(rt, people.carol, "cheap watches here")
    awful = do_create_post(rt, people.carol, "something awful")
    report_id = do_report(rt, people.bob, people.carol, status_ids=[kept, awful])
    _moderator(web, rt)
    page = "/admin/reports"
    queue = web.get(page).text
    assert f'action="/admin/accounts/{people.carol}/action"' in queue
    assert f'href="/@carol/{kept}"' in queue  # the post in its thread
    # when alice deletes one post and limits carol on the report
    assert (
        web.submit(
            f"/admin/posts/{awful}/delete", {"report_id": str(report_id)}, page=page
        ).status_code
        == 303
    )
    assert "something awful" not in web.get(page).text
    assert (
        web.submit(
            f"/admin/accounts/{people.carol}/action",
            {"type": "silence", "text": "No ads here", "report_id": str(report_id)},
            page=page,
        ).status_code
        == 303
    )
    # then carol is limited and the report resolved
    assert get_account_for_staff(rt, people.carol).silenced_at is not None
    assert get_report(rt, report_id).action_taken_at is not None
    # and the account page tells the story
    history = web.get(f"/admin/accounts/{people.carol}").text
    assert "account.silence" in history
    assert "delete_statuses" in history  # the warning that told carol
    assert "No ads here" in history
    # a moderator adds a note, which carol never sees
    assert (
        web.submit(
            f"/admin/accounts/{people.carol}/note", {"content": "third strike"}, page=page
        ).status_code
        == 303
    )
    assert "third strike" in web.get(f"/admin/accounts/{people.carol}").text
    # a resolving note on another report
    other = do_report(rt, people.dave, people.carol)
    assert (
        web.submit(f"/admin/reports/{other}/resolve", {"note": "duplicate"}, page=page).status_code
        == 303
    )
    assert "duplicate" in web.get(f"/admin/reports/{other}").text
    # the audit log lists it all (moderators may read it, as Mastodon's default role)
    log = web.get("/admin/audit").text
    for action in ("account.silence", "status.destroy", "report.resolve", "note.create"):
        assert action in log
    # carol reads her warnings, not the notes
    web.log_out()
    web.log_in("carol")
    warnings = web.get("/settings/warnings").text
    assert "No ads here" in warnings
    assert "Your account is limited" in warnings
    assert "third strike" not in warnings


def test_the_accounts_list_filters(web: WebClient, rt: Runtime, people: People) -> None:
    assert people.bob
    mod = _moderator(web, rt)
    do_account_action(rt, mod, people.carol, "suspend")
    suspended = web.get("/admin/accounts?status=suspended").text
    assert "@carol" in suspended
    assert "@bob" not in suspended
    named = web.get("/admin/accounts?username=bo").text
    assert "@bob" in named
    assert "@carol" not in named
    assert "@alice" in web.get("/admin/accounts?staff=1").text


def test_suspend_and_unsuspend_from_the_account_page(
    web: WebClient, rt: Runtime, people: People
) -> None:
    post = do_create_post(rt, people.carol, "hello world")
    _moderator(web, rt)
    page = f"/admin/accounts/{people.carol}"
    web.submit(f"/admin/accounts/{people.carol}/action", {"type": "suspend"}, page=page)
    assert web.get("/@carol").status_code == 404
    assert web.get(f"/@carol/{post}").status_code == 404
    # the moderator still sees the account's page
    assert "suspended" in web.get(page).text
    # a moderator may not remove the data (admins may)
    assert web.submit(f"/admin/accounts/{people.carol}/remove", page=page).status_code == 403
    web.submit(f"/admin/accounts/{people.carol}/unsuspend", page=page)
    assert "hello world" in web.get("/@carol").text


def test_a_suspended_person_is_signed_out_and_cannot_sign_in(
    web: WebClient, rt: Runtime, people: People
) -> None:
    mod = people.mod
    do_set_role(rt, "mod", "moderator")
    web.log_in("carol")
    assert web.get("/settings").status_code == 200
    do_account_action(rt, mod, people.carol, "suspend")
    # the session is gone
    assert web.get("/settings", follow_redirects=False).status_code in (302, 303, 307)
    refused = web.submit(
        "/login", {"login": "carol", "password": "correct horse battery"}, page="/login"
    )
    assert refused.status_code == 403
    assert "suspended" in refused.text


def test_users_and_moderators_are_refused_what_is_not_theirs(
    web: WebClient, rt: Runtime, people: People
) -> None:
    # given bob, a user, signed in
    post = do_create_post(rt, people.carol, "hello")
    report_id = do_report(rt, people.dave, people.carol, status_ids=[post])
    web.log_in("bob")
    for path in (
        "/admin/accounts",
        f"/admin/accounts/{people.carol}",
        "/admin/audit",
        f"/admin/reports/{report_id}",
    ):
        refused = web.get(path)
        assert refused.status_code == 403, path
        assert "carol@example.com" not in refused.text
    carol = people.carol
    for action, data in (
        (f"/admin/accounts/{carol}/action", {"type": "suspend"}),
        (f"/admin/accounts/{carol}/unsilence", {}),
        (f"/admin/accounts/{carol}/unsuspend", {}),
        (f"/admin/accounts/{carol}/unsensitive", {}),
        (f"/admin/accounts/{carol}/enable", {}),
        (f"/admin/accounts/{carol}/remove", {}),
        (f"/admin/accounts/{carol}/note", {"content": "x"}),
        (f"/admin/posts/{post}/delete", {}),
    ):
        assert web.submit(action, data, page="/settings").status_code == 403, action
    assert get_account_for_staff(rt, carol).suspended_at is None
    # a moderator may not act on an admin
    web.log_out()
    assert people.owen
    do_set_role(rt, "owen", "admin")
    _moderator(web, rt)
    owen = people.owen
    page = f"/admin/accounts/{owen}"
    assert (
        web.submit(f"/admin/accounts/{owen}/action", {"type": "suspend"}, page=page).status_code
        == 403
    )
    assert get_account_for_staff(rt, owen).suspended_at is None
