"""What protects people using the web app: CSRF tokens, cookie flags, the content
security policy, escaping, and keeping private things off other people's pages."""

from __future__ import annotations

import dataclasses
import re
import stat
from collections.abc import Callable

from roost.accounts.actions import do_update_profile
from roost.graph.actions import do_follow
from roost.paging import Page
from roost.posts.actions import do_create_post
from roost.posts.marks import do_bookmark, do_favourite
from roost.posts.queries import account_statuses
from roost.runtime import Runtime
from roost.web.auth import load_secret
from tests.conftest import People
from tests.web.conftest import WebClient, make_client


def test_a_form_without_the_right_csrf_token_is_refused_and_changes_nothing(
    web: WebClient, rt: Runtime
) -> None:
    alice = web.log_in("alice")
    for token in (None, "forged"):
        data = {"status": "sneaky"} | ({"csrf_token": token} if token else {})
        response = web.client.post("/posts", data=data, follow_redirects=False)
        assert response.status_code == 403
        assert "This form has expired" in response.text
    assert account_statuses(rt, alice, alice, Page()) == []


def test_a_token_from_before_log_in_does_not_work_after_it(web: WebClient, rt: Runtime) -> None:
    before = web.csrf("/login")
    alice = web.log_in("alice")
    response = web.client.post("/posts", data={"csrf_token": before, "status": "hi"})
    assert response.status_code == 403
    assert account_statuses(rt, alice, alice, Page()) == []


def test_session_cookie_is_http_only_and_same_site_lax(web: WebClient) -> None:
    cookie = web.get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over plain HTTP here


def test_session_cookie_is_secure_over_https(rt: Runtime) -> None:
    client = make_client(rt, base_url="https://roost.test")
    assert "; Secure" in client.get("/").headers["set-cookie"]


def test_pages_forbid_inline_scripts(web: WebClient, people: People) -> None:
    web.log_in("alice")
    for path in ("/", "/@alice", "/settings", "/tags/roost", "/login", "/@nobody"):
        response = web.get(path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert not re.search(r"<script(?![^>]*\bsrc=)", response.text), path
        assert not re.search(r"\son[a-z]+=", response.text), path


def test_post_text_and_names_are_escaped(
    web: WebClient, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_update_profile(rt, people.bob, display_name="<img src=x onerror=alert(1)>")
    do_create_post(rt, people.bob, "<script>alert('hi')</script> & #tag")
    settle()
    web.log_in("alice")
    for path in ("/@bob", "/tags/tag"):
        page = web.get(path).text
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_no_private_data_on_other_peoples_pages(
    web: WebClient, rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    # given: bob has an email, a followers-only post, likes and bookmarks
    public = do_create_post(rt, people.carol, "a public post by carol")
    do_create_post(rt, people.bob, "only for my followers", visibility="private")
    do_favourite(rt, people.bob, public)
    do_bookmark(rt, people.bob, public)
    settle()
    # when: alice, who does not follow bob, looks around
    web.log_in("alice")
    profile = web.get("/@bob").text
    replies = web.get("/@bob/with_replies").text
    # then
    assert "bob@example.com" not in profile
    assert "only for my followers" not in profile + replies
    assert web.get("/@bob/likes").status_code == 404
    assert 'href="/@bob/likes"' not in profile
    assert "a public post by carol" not in web.get("/bookmarks").text
    assert "a public post by carol" not in web.get("/likes").text
    # and once she follows him, the followers-only post is hers to see
    do_follow(rt, people.alice, people.bob)
    assert "only for my followers" in web.get("/@bob").text
    # his own settings show his email, to him only
    web.log_out()
    web.log_in("bob")
    assert "bob@example.com" in web.get("/settings").text
    assert "a public post by carol" in web.get("/likes").text


def test_the_session_secret_is_generated_once_and_private(rt: Runtime) -> None:
    make_client(rt)
    path = rt.settings.data_dir / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_text()
    assert len(first) >= 40
    assert load_secret(rt.settings) == first


def test_hsts_only_when_the_site_is_https(rt: Runtime) -> None:
    plain = make_client(rt)
    assert "strict-transport-security" not in plain.get("/").headers
    settings = rt.settings.model_copy(update={"base_url": "https://roost.test"})
    secure_rt = dataclasses.replace(rt, settings=settings, web_env=None)
    secure = make_client(secure_rt, base_url="https://roost.test")
    for path in ("/", "/api/v1/instance"):
        hsts = secure.get(path).headers["strict-transport-security"]
        assert hsts == "max-age=31536000; includeSubDomains"
