"""The web app in Chromium against a real server: what a person does, with the
script on. Screenshots of the main pages land in ``test-artifacts/screenshots``."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from roost.posts.actions import do_create_post
from tests.conftest import PASSWORD
from tests.web.conftest import LiveServer, OpenPage, screenshot

pytestmark = pytest.mark.browser


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}"


def sign_up(page: Page, server: LiveServer, username: str) -> None:
    page.goto(server.url + "/")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password (at least 8 characters)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_label("New post")).to_be_visible()


def log_in(page: Page, server: LiveServer, username: str) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Settings")).to_be_visible()


def compose(page: Page, text: str) -> None:
    page.get_by_label("New post").fill(text)
    page.get_by_role("button", name="Post", exact=True).click()


def wait_for_stream(page: Page) -> None:
    # A locator assertion polls from Python: a string predicate would need eval, which
    # the page's CSP forbids, so it failed whenever the stream was not open yet.
    expect(page.locator("html")).to_have_attribute("data-live", "open")


def test_a_followed_post_appears_live_on_the_home_page(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    # given: two people sign up, and one follows the other
    reader, writer = open_page(), open_page()
    reader_name, writer_name = unique("reader"), unique("writer")
    sign_up(reader, live_server, reader_name)
    sign_up(writer, live_server, writer_name)
    reader.goto(f"{live_server.url}/@{writer_name}")
    reader.get_by_role("button", name="Follow").click()
    expect(reader.get_by_role("button", name="Unfollow")).to_be_visible()
    reader.goto(live_server.url + "/")
    wait_for_stream(reader)
    # when: the other posts
    compose(writer, "Fresh off the press #roost")
    expect(writer.locator("article.post").first).to_contain_text("Fresh off the press")
    # then: the reader's open page offers it without a reload, and shows it on click
    bar = reader.locator("#new-posts")
    expect(bar).to_have_text("Show 1 new post")
    bar.click()
    expect(reader.locator("article.post").first).to_contain_text("Fresh off the press")
    expect(bar).to_be_hidden()
    screenshot(reader, "home", dark=True)
    reader.goto(f"{live_server.url}/@{writer_name}/followers")
    expect(reader.get_by_role("link", name=reader_name)).to_be_visible()
    screenshot(reader, "followers")
    landing = open_page()
    landing.goto(live_server.url + "/")
    screenshot(landing, "landing")
    # A taken name is explained next to the field.
    landing.get_by_label("Username", exact=True).fill(reader_name)
    landing.get_by_label("Password (at least 8 characters)").fill(PASSWORD)
    landing.get_by_role("button", name="Sign up").click()
    expect(landing.locator("#username-error")).to_have_text("Username is already taken")
    expect(landing.get_by_label("Username", exact=True)).to_have_attribute("aria-invalid", "true")
    screenshot(landing, "signup-error")
    landing.goto(live_server.url + "/login")
    screenshot(landing, "login")


def test_like_repost_reply_and_open_the_thread(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    author, fan = unique("author"), unique("fan")
    live_server.register(author)
    live_server.register(fan)
    writer = open_page()
    log_in(writer, live_server, author)
    compose(writer, "What do you think about threads?")

    page = open_page()
    log_in(page, live_server, fan)
    page.goto(f"{live_server.url}/@{author}")
    post = page.locator("article.post").first
    post.get_by_role("button", name="Like (0)").click()
    expect(post.get_by_role("button", name="Like (1)")).to_have_attribute("aria-pressed", "true")
    post = page.locator("article.post").first
    post.get_by_role("button", name="Repost (0)").click()
    expect(
        page.locator("article.post").first.get_by_role("button", name="Repost (1)")
    ).to_have_attribute("aria-pressed", "true")
    page.locator("article.post").first.locator("a.time").click()
    expect(page.locator("article.post.focus")).to_contain_text("What do you think")
    page.get_by_label("Your reply").fill("Threads are great")
    page.get_by_role("button", name="Reply", exact=True).click()
    replies = page.get_by_role("region", name="Replies")
    expect(replies.locator("article.post")).to_contain_text("Threads are great")
    expect(page.locator("article.post.focus").get_by_role("link", name="Reply (1)")).to_be_visible()
    screenshot(page, "thread")
    page.goto(f"{live_server.url}/@{fan}")
    expect(page.locator("article.post").first).to_contain_text("reposted")
    screenshot(page, "profile")


def test_upload_an_avatar(open_page: OpenPage, live_server: LiveServer) -> None:
    name = unique("pic")
    live_server.register(name)
    page = open_page()
    log_in(page, live_server, name)
    page.goto(live_server.url + "/settings")
    image = io.BytesIO()
    Image.new("RGB", (64, 64), (30, 120, 200)).save(image, format="PNG")
    page.get_by_label("Avatar").set_input_files(
        {"name": "me.png", "mimeType": "image/png", "buffer": image.getvalue()}
    )
    page.get_by_label("Display name").fill("Pic Person")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_have_text("Your profile is saved.")
    avatar = page.get_by_alt_text("Your current avatar")
    expect(avatar).to_have_attribute("src", re.compile(r"/media/avatars/\w+\.(png|jpg)$"))
    # The new picture is really served, and shown on the profile too.
    src = avatar.get_attribute("src")
    assert src is not None
    assert page.request.get(src).headers["content-type"].startswith("image/")
    page.goto(f"{live_server.url}/@{name}")
    expect(page.get_by_alt_text("Pic Person's avatar")).to_have_attribute("src", src)


def test_the_composer_refuses_281_characters(open_page: OpenPage, live_server: LiveServer) -> None:
    name = unique("long")
    live_server.register(name)
    page = open_page()
    log_in(page, live_server, name)
    box = page.get_by_label("New post")
    box.fill("a" * 280)
    expect(page.locator("#status-count")).to_have_text("0 characters left")
    expect(page.get_by_role("button", name="Post", exact=True)).to_be_enabled()
    box.fill("a" * 281)
    expect(page.locator("#status-count")).to_have_text("-1 character left")
    expect(page.get_by_role("button", name="Post", exact=True)).to_be_disabled()
    # A link counts as 23 characters however long it is.
    box.fill("a" * 250 + " https://example.com/" + "x" * 100)
    expect(page.locator("#status-count")).to_have_text("6 characters left")
    # Forced through anyway, the server says why next to the field, and posts nothing.
    box.fill("a" * 281)
    page.eval_on_selector("#compose button[type=submit]", "b => { b.disabled = false; }")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#status-error")).to_contain_text("Text is too long")
    expect(page.locator("article.post")).to_have_count(0)


def test_a_hashtag_page_shows_new_posts_live(open_page: OpenPage, live_server: LiveServer) -> None:
    watcher_name, poster_name = unique("watch"), unique("chat")
    live_server.register(watcher_name)
    live_server.register(poster_name)
    watcher = open_page()
    log_in(watcher, live_server, watcher_name)
    watcher.goto(live_server.url + "/tags/hcsm")
    wait_for_stream(watcher)
    poster = open_page()
    log_in(poster, live_server, poster_name)
    compose(poster, "Q1 is up! #hcsm")
    expect(watcher.locator("article.post").first).to_contain_text("Q1 is up!")
    screenshot(watcher, "tag")


# Form controls a screen reader could not name, and images without alt text.
UNLABELLED = """() => [...document.querySelectorAll(
    'input:not([type=hidden]):not([hidden]), textarea, select, button, img'
)].filter(el => el.tagName === 'IMG'
    ? !el.hasAttribute('alt')
    : el.tagName === 'BUTTON'
        ? !(el.getAttribute('aria-label') || el.textContent.trim())
        : !(el.labels.length || el.getAttribute('aria-label'))
).map(el => el.outerHTML.slice(0, 80))"""


def test_phone_width_has_no_horizontal_scroll(open_page: OpenPage, live_server: LiveServer) -> None:
    name = unique("phone")
    live_server.register(name)
    page = open_page(width=360, height=740)
    page.goto(live_server.url + "/")
    log_in(page, live_server, name)
    compose(page, "A long word: " + "x" * 120 + " and https://example.com/" + "y" * 200)
    expect(page.locator("article.post").first).to_be_visible()
    pages = ("/", f"/@{name}", "/tags/hcsm", "/settings", "/likes", "/explore")
    for path in (*pages, "/notifications", "/messages", "/messages/new?to=someone"):
        for width in (360, 390):
            page.set_viewport_size({"width": width, "height": 740})
            page.goto(live_server.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        assert page.evaluate(UNLABELLED) == [], f"controls without a name on {path}"
    page.goto(live_server.url + "/settings")
    screenshot(page, "settings")
    page.goto(live_server.url + "/explore")
    screenshot(page, "explore")


def test_everything_core_works_with_javascript_off(
    open_page: OpenPage, live_server: LiveServer
) -> None:
    author = unique("plain")
    live_server.register(author)
    page = open_page(javascript=False)
    # Keyboard users can skip the navigation.
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    name = unique("nojs")
    sign_up(page, live_server, name)
    compose(page, "Written without a script")
    expect(page.locator("article.post").first).to_contain_text("Written without a script")
    # follow someone, then like, repost and reply to their post
    writer = open_page()
    log_in(writer, live_server, author)
    compose(writer, "Anyone without JavaScript?")
    expect(writer.locator("article.post").first).to_contain_text("Anyone without")
    page.goto(f"{live_server.url}/@{author}")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("button", name="Unfollow")).to_be_visible()
    post = page.locator("article.post").first
    post.get_by_role("button", name="Like (0)").click()
    post = page.locator("article.post").first
    expect(post.get_by_role("button", name="Like (1)")).to_have_attribute("aria-pressed", "true")
    post.get_by_role("button", name="Repost (0)").click()
    post = page.locator("article.post").first
    expect(post.get_by_role("button", name="Repost (1)")).to_have_attribute("aria-pressed", "true")
    post.get_by_role("link", name="Reply (0)").click()
    page.get_by_label("Your reply").fill(f"@{author} Me!")
    page.get_by_role("button", name="Reply", exact=True).click()
    replies = page.get_by_role("region", name="Replies")
    expect(replies.locator("article.post")).to_contain_text("Me!")
    expect(replies.get_by_role("link", name=f"Replying to @{author}")).to_be_visible()


def wait_for_badges(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("data-unread-stream", "open")


def test_a_mention_and_a_message_arrive_live(open_page: OpenPage, live_server: LiveServer) -> None:
    reader_name, writer_name = unique("reader"), unique("writer")
    live_server.register(reader_name)
    live_server.register(writer_name)
    reader, writer = open_page(), open_page()
    log_in(reader, live_server, reader_name)
    log_in(writer, live_server, writer_name)
    wait_for_badges(reader)
    notifications_badge = reader.locator('[data-unread="notifications"]')
    messages_badge = reader.locator('[data-unread="messages"]')
    expect(notifications_badge).to_be_hidden()
    # when: the writer mentions the reader
    compose(writer, f"@{reader_name} have you seen this?")
    # then: the badge appears on the reader's open page, and the page lists it
    expect(notifications_badge).to_have_text("1 unread")
    expect(reader.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
    reader.get_by_role("link", name="Notifications").click()
    expect(reader.locator(".notification").first).to_contain_text(f"{writer_name} mentioned you")
    expect(notifications_badge).to_be_hidden()
    screenshot(reader, "notifications")
    # when: the writer sends a direct message from the reader's profile
    wait_for_badges(reader)
    writer.goto(f"{live_server.url}/@{reader_name}")
    writer.get_by_role("link", name="Message", exact=True).click()
    box = writer.get_by_label("Message", exact=True)
    expect(box).to_have_value(f"@{reader_name} ")
    box.fill(f"@{reader_name} just between us")
    writer.get_by_role("button", name="Send").click()
    expect(writer.locator("#conversations li")).to_have_count(1)
    # then: the reader's Messages badge counts it, and the inbox shows it unread
    expect(messages_badge).to_have_text("1 unread")
    reader.get_by_role("link", name=re.compile("^Messages")).click()
    row = reader.locator("#conversations li").first
    expect(row).to_contain_text("just between us")
    expect(row).to_contain_text("(unread)")
    screenshot(reader, "messages")
    # the writer watches the conversation while the reader answers it
    writer.locator("#conversations a").first.click()
    expect(writer.locator("#messages article.post")).to_have_count(1)
    wait_for_badges(writer)
    row.get_by_role("link").click()
    expect(reader.locator("#messages article.post")).to_contain_text("just between us")
    expect(messages_badge).to_be_hidden()
    reply = reader.get_by_label("Your message")
    expect(reply).to_have_value(f"@{writer_name} ")
    reply.fill(f"@{writer_name} understood")
    reader.get_by_role("button", name="Send").click()
    expect(reader.locator("#messages article.post")).to_have_count(2)
    expect(writer.locator("#messages article.post").last).to_contain_text("understood")
    screenshot(reader, "conversation")
    for width in (1280, 390):
        reader.set_viewport_size({"width": width, "height": 844})
        overflow = reader.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the conversation scrolls sideways by {overflow}px at {width}px"
    assert reader.evaluate(UNLABELLED) == []


def test_search_results_appear_while_typing(open_page: OpenPage, live_server: LiveServer) -> None:
    author = unique("owl")
    author_id = live_server.register(author)
    word = unique("hoot")
    do_create_post(live_server.rt, author_id, f"a {word} in the night")
    page = open_page()
    page.goto(live_server.url + "/search")
    # typed, never submitted: the script fetches the results as the words come
    page.get_by_label("Posts, people and hashtags").press_sequentially(word, delay=20)
    expect(page.locator("#search-results")).to_contain_text(f"a {word} in the night")
    expect(page).to_have_url(re.compile(rf"/search\?q={word}"))
    screenshot(page, "search")
