"""Your data in Chromium, against a live server with its in-process worker: the
archive's page refreshes itself until the download link shows, an import's report
appears the same way, and an account is deleted. Screenshots land in
``test-artifacts``."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from playwright.sync_api import FilePayload, expect

from roost.accounts.actions import do_register
from roost.posts.actions import do_create_post
from tests.conftest import PASSWORD
from tests.web.conftest import LiveServer, OpenPage, screenshot
from tests.web.test_browser import UNLABELLED, log_in

pytestmark = pytest.mark.browser

# The pages refresh every 5 seconds while a job runs: wait for two refreshes.
REFRESHES = 15_000


def test_archive_import_and_deletion_in_a_browser(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    name = f"data{uuid.uuid4().hex[:6]}"
    friend = f"pal{uuid.uuid4().hex[:6]}"
    account_id = live_server.register(name)
    do_register(live_server.rt, friend, PASSWORD)
    do_create_post(live_server.rt, account_id, "something to keep")
    page = open_page()
    log_in(page, live_server, name)
    # the archive
    page.goto(live_server.url + "/settings")
    page.get_by_role("link", name="Your data").click()
    page.get_by_role("button", name="Request an archive").click()
    link = page.get_by_role("link", name="Download the archive")
    expect(link).to_be_visible(timeout=REFRESHES)
    with page.expect_download() as caught:
        link.click()
    archive = zipfile.ZipFile(io.BytesIO(caught.value.path().read_bytes()))
    assert "outbox.json" in archive.namelist()
    assert page.evaluate(UNLABELLED) == []
    screenshot(page, "your-data-export")
    # an import
    page.goto(live_server.url + "/settings/import")
    page.get_by_label("What the file holds").select_option("follows")
    upload: FilePayload = {
        "name": "following_accounts.csv",
        "mimeType": "text/csv",
        "buffer": f"{friend}\nnobody_at_all\n".encode(),
    }
    page.get_by_label("CSV file", exact=True).set_input_files(files=[upload])
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Done: 1 imported, 1 skipped, of 2 rows.")).to_be_visible(
        timeout=REFRESHES
    )
    expect(page.get_by_role("cell", name="unknown account")).to_be_visible()
    assert page.evaluate(UNLABELLED) == []
    screenshot(page, "your-data-import")
    # deletion
    page.goto(live_server.url + "/settings/delete")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I understand that my account").check()
    screenshot(page, "your-data-delete")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Your account is deleted")).to_be_visible()
    page.goto(live_server.url + f"/@{name}")
    expect(page.get_by_text("This page does not exist")).to_be_visible()
