"""The chat page in Chromium: posts read oldest first, a new post (one's own, or
anyone's through the live stream) lands at the bottom; the home side column shows
who to follow on a wide screen. Screenshots land in ``test-artifacts/screenshots``."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from tests.web.conftest import LiveServer, OpenPage, screenshot
from tests.web.test_browser import log_in, wait_for_stream

pytestmark = pytest.mark.browser


def test_a_chat_page_adds_posts_at_the_bottom(open_page: OpenPage, live_server: LiveServer) -> None:
    suffix = uuid.uuid4().hex[:6]
    tag, host, guest, friend = f"chat{suffix}", f"host{suffix}", f"guest{suffix}", f"fr{suffix}"
    host_id = live_server.register(host)
    guest_id = live_server.register(guest)
    friend_id = live_server.register(friend)
    do_follow(live_server.rt, guest_id, host_id)
    do_follow(live_server.rt, host_id, friend_id)
    do_create_post(live_server.rt, host_id, f"Welcome to #{tag}")
    page = open_page()
    log_in(page, live_server, guest)
    page.goto(f"{live_server.url}/chats/{tag}")
    wait_for_stream(page)
    # when the guest posts, the post is added at the bottom with the tag
    page.get_by_label("New post").fill(f"#{tag} hello from the guest")
    page.get_by_role("button", name="Post", exact=True).click()
    posts = page.locator("#timeline article.post")
    expect(posts).to_have_count(2)
    expect(posts.last).to_contain_text("hello from the guest")
    # and someone else's post arrives live, below it
    do_create_post(live_server.rt, host_id, f"Q1 what brings you here? #{tag}")
    expect(posts).to_have_count(3)
    expect(posts.last).to_contain_text("Q1 what brings you here?")
    expect(posts.first).to_contain_text("Welcome to")
    screenshot(page, "chat")
    # the home side column suggests the host's friend
    page.goto(live_server.url + "/")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_text(f"@{friend}")).to_be_visible()
    screenshot(page, "home-side")
