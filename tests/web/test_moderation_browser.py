"""A moderator works a report in Chromium: opens the queue, reads the reported post
in its thread, limits the account with a message and a note, and finds the report
resolved with the note."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from roost.accounts.roles import do_set_role
from roost.graph.actions import do_follow
from roost.moderation.actions import do_report
from roost.moderation.queries import get_account_for_staff, list_warnings
from roost.posts.actions import do_create_post
from tests.web.conftest import LiveServer, OpenPage, screenshot
from tests.web.test_browser import log_in

pytestmark = pytest.mark.browser


def test_a_moderator_walks_through_a_report(open_page: OpenPage, live_server: LiveServer) -> None:
    # given a spammer's post, reported by a reader, and a moderator
    suffix = uuid.uuid4().hex[:6]
    spammer, reader, mod = f"spam{suffix}", f"reader{suffix}", f"mod{suffix}"
    rt = live_server.rt
    spammer_id = live_server.register(spammer)
    reader_id = live_server.register(reader)
    live_server.register(mod)
    do_set_role(rt, mod, "moderator")
    fan_id = live_server.register(f"fan{suffix}")
    do_follow(rt, fan_id, spammer_id)
    post = do_create_post(rt, spammer_id, f"Cheap watches {suffix}, click here")
    report_id = do_report(rt, reader_id, spammer_id, status_ids=[post], comment="ads")
    page = open_page()
    log_in(page, live_server, mod)
    # the moderator opens the queue from the navigation
    page.get_by_role("link", name="Reports").click()
    report = page.locator(f"#report-{report_id}")
    expect(report).to_contain_text(f"Cheap watches {suffix}")
    expect(report).to_contain_text("ads")
    screenshot(page, "moderation-queue")
    # reads the post in its thread, and comes back
    report.get_by_role("link", name="See it in its thread").click()
    expect(page.get_by_text(f"Cheap watches {suffix}")).to_be_visible()
    page.go_back()
    # limits the account, with a message for them and a note for the moderators
    report = page.locator(f"#report-{report_id}")
    report.get_by_label("Limit (followers only)").check()
    report.get_by_label(f"Message to @{spammer}").fill("Advertising is not allowed here.")
    report.get_by_label("Note for the moderators").fill("Limited: first offence")
    report.get_by_role("button", name="Apply and resolve").click()
    # the report leaves the open queue and is resolved with the note
    expect(page.locator(f"#report-{report_id}")).to_have_count(0)
    page.get_by_role("link", name="Resolved reports").click()
    resolved = page.locator(f"#report-{report_id}")
    expect(resolved).to_contain_text("Limited: first offence")
    expect(resolved).to_contain_text("limited")
    # the account's page shows what was done
    resolved.get_by_role("link", name=f"@{spammer}").click()
    expect(page.get_by_text("account.silence")).to_be_visible()
    screenshot(page, "moderation-account")
    assert get_account_for_staff(rt, spammer_id).silenced_at is not None
    (warning,) = list_warnings(rt, spammer_id)
    assert warning.text == "Advertising is not allowed here."
