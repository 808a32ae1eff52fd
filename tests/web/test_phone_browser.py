"""The phone pages in Chromium: linking with the texted code, the settings at phone
width, and the simulator's exchange. Screenshots land in ``test-artifacts``."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from roost.phones.queries import outbox
from tests.web.conftest import LiveServer, OpenPage, screenshot
from tests.web.test_browser import UNLABELLED, log_in

pytestmark = pytest.mark.browser


def texted_code(server: LiveServer, account_id: int) -> str:
    """The code the in-process worker texted (the log transport's outbox)."""
    for _ in range(200):  # the worker runs the job within moments; give up after 20 s
        for text in outbox(server.rt, account_id):
            found = re.search(r"code is (\d{6})", text.body)
            if text.kind == "code" and text.status == "sent" and found:
                return found.group(1)
        time.sleep(0.1)
    raise AssertionError("no code was texted")


def test_link_a_phone_choose_texts_and_try_the_simulator(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    name = f"sms{uuid.uuid4().hex[:6]}"
    account_id = live_server.register(name)
    page = open_page(width=390, height=844)
    log_in(page, live_server, name)
    page.goto(live_server.url + "/settings")
    page.get_by_role("link", name="Phone").click()
    page.get_by_label("Mobile number, with its country code").fill("+1 415 555 0142")
    page.get_by_role("button", name="Text me a code").click()
    expect(page.get_by_text("A code is on its way")).to_be_visible()
    page.get_by_label("Code", exact=True).fill(texted_code(live_server, account_id))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Linked: +14155550142")).to_be_visible()
    page.get_by_label("From", exact=True).fill("22:00")
    page.get_by_label("Until", exact=True).fill("07:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your text settings are saved.")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert page.evaluate(UNLABELLED) == []
    screenshot(page, "phone-settings")
    page.get_by_role("link", name="phone simulator").click()
    page.get_by_label("Text", exact=True).fill("WHOIS " + name)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text(f"(@{name}): 0 posts")).to_be_visible()
    screenshot(page, "phone-simulator")
