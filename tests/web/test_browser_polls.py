"""In Chromium against a real server, with the script on: one person posts a poll
from the composer, another votes in it and sees the results."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.web.conftest import LiveServer, OpenPage, screenshot
from tests.web.test_browser import sign_up

pytestmark = pytest.mark.browser


def test_a_poll_is_posted_and_voted_in(open_page: OpenPage, live_server: LiveServer) -> None:
    author, voter = open_page(), open_page()
    author_name, voter_name = f"asker{uuid.uuid4().hex[:6]}", f"voter{uuid.uuid4().hex[:6]}"
    sign_up(author, live_server, author_name)
    sign_up(voter, live_server, voter_name)
    # when: the author builds a poll in the composer
    author.get_by_label("New post").fill("Which evening for the chat?")
    author.get_by_text("Add a poll").click()
    author.get_by_label("Choice 1").fill("Tuesday")
    author.get_by_label("Choice 2").fill("Thursday")
    author.get_by_label("Poll length").select_option("3600")
    screenshot(author, "composer-poll")
    author.get_by_role("button", name="Post", exact=True).click()
    post = author.locator("article.post", has_text="Which evening for the chat?").first
    expect(post.locator(".poll")).to_contain_text("Thursday")
    post_link = post.locator("a.time").first.get_attribute("href")
    assert post_link is not None
    # then: someone else votes and sees the result, and can vote once only
    voter.goto(live_server.url + post_link)
    voter.get_by_label("Thursday").check()
    voter.get_by_role("button", name="Vote").click()
    expect(voter.locator(".poll")).to_contain_text("(your choice)")
    expect(voter.locator(".poll")).to_contain_text("100%")
    expect(voter.get_by_role("button", name="Vote")).to_have_count(0)
    screenshot(voter, "poll-voted")
