"""Posting a picture with alt text in Chromium, at phone width, with the script on:
the composer warns before a picture without a description goes out, and the post
shows the picture sized and described."""

from __future__ import annotations

import pytest
from playwright.sync_api import Dialog, expect

from tests.media.pictures import picture
from tests.web.conftest import LiveServer, OpenPage, screenshot
from tests.web.test_browser import log_in, unique

pytestmark = pytest.mark.browser


def test_post_a_picture_with_alt_text(open_page: OpenPage, live_server: LiveServer) -> None:
    name = unique("pics")
    live_server.register(name)
    page = open_page(width=390, height=844)
    log_in(page, live_server, name)
    page.get_by_text("Add pictures").click()
    page.locator("#compose-media-1").set_input_files(
        {"name": "hours.png", "mimeType": "image/png", "buffer": picture("PNG")}
    )
    page.get_by_label("New post").fill("Our new opening hours")
    # Without a description the script asks first; saying no keeps the draft.
    questions: list[str] = []

    def decline(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_label("New post")).to_have_value("Our new opening hours")
    assert questions
    assert "no description" in questions[0]
    expect(page.locator("article.post")).to_have_count(0)
    # With one, it goes out at once and shows the picture, described.
    page.locator("#compose-alt-1").fill("Open 9 to 5 on weekdays")
    page.get_by_role("button", name="Post", exact=True).click()
    shown = page.locator("article.post").first.get_by_role("img", name="Open 9 to 5 on weekdays")
    expect(shown).to_be_visible()
    expect(shown).to_have_attribute("loading", "lazy")
    expect(shown).to_have_attribute("width", "120")
    expect(page.locator("#compose-media-1")).to_have_value("")  # the composer is reset
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    screenshot(page, "picture-post")
