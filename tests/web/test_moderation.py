"""The moderators' reports queue in the web app: moderators only, without JavaScript."""

from __future__ import annotations

from roost.accounts.roles import do_set_role
from roost.moderation.actions import do_report
from roost.moderation.queries import get_report
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.conftest import People
from tests.web.conftest import WebClient


def test_a_moderator_takes_on_and_resolves_a_report(
    web: WebClient, rt: Runtime, people: People
) -> None:
    # given carol's post reported by bob
    post = do_create_post(rt, people.carol, "cheap watches here")
    report_id = do_report(rt, people.bob, people.carol, status_ids=[post], comment="ads")
    alice = web.log_in("alice")
    do_set_role(rt, "alice", "moderator")
    # the queue shows the report and the post
    assert 'href="/admin/reports"' in web.get("/").text
    queue = web.get("/admin/reports")
    assert queue.status_code == 200
    assert "cheap watches here" in queue.text
    assert "@bob" in queue.text
    # when alice takes it on and resolves it
    page = "/admin/reports"
    assert web.submit(f"/admin/reports/{report_id}/assign", page=page).status_code == 303
    assert get_report(rt, report_id).assigned_account_id == alice
    assert web.submit(f"/admin/reports/{report_id}/resolve", page=page).status_code == 303
    row = get_report(rt, report_id)
    assert row.action_taken_by_account_id == alice
    # then it leaves the open queue for the resolved one
    assert "cheap watches here" not in web.get("/admin/reports").text
    assert "cheap watches here" in web.get("/admin/reports?resolved=1").text


def test_users_cannot_see_or_work_the_queue(web: WebClient, rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.carol, "cheap watches here")
    report_id = do_report(rt, people.bob, people.carol, status_ids=[post])
    web.log_in("bob")
    assert 'href="/admin/reports"' not in web.get("/").text
    refused = web.get("/admin/reports")
    assert refused.status_code == 403
    assert "cheap watches here" not in refused.text
    csrf_page = "/settings"
    assert web.submit(f"/admin/reports/{report_id}/resolve", page=csrf_page).status_code == 403
    assert get_report(rt, report_id).action_taken_at is None
