"""Joining, logging in, settings and sessions through the web forms (no JavaScript)."""

from __future__ import annotations

import dataclasses
import io

from PIL import Image

from roost.accounts.actions import authenticate
from roost.accounts.queries import get_account, get_account_by_username
from roost.runtime import Runtime
from tests.conftest import PASSWORD, People
from tests.web.conftest import WebClient, make_client


def test_sign_up_logs_the_new_person_in(web: WebClient, rt: Runtime) -> None:
    response = web.submit(
        "/signup", {"username": "newbie", "password": PASSWORD, "display_name": "New Bie"}
    )
    assert response.status_code == 303
    home = web.get("/")
    assert 'aria-label="New post"' in home.text or "New post" in home.text
    assert get_account_by_username(rt, "newbie").display_name == "New Bie"


def test_sign_up_errors_are_shown_next_to_the_field_and_change_nothing(
    web: WebClient, rt: Runtime, people: People
) -> None:
    assert people.alice
    taken = web.submit("/signup", {"username": "Alice", "password": PASSWORD})
    assert taken.status_code == 422
    assert 'id="username-error"' in taken.text
    assert "Username is already taken" in taken.text
    assert 'value="Alice"' in taken.text  # what was typed is kept
    short = web.submit("/signup", {"username": "brandnew", "password": "short"})
    assert short.status_code == 422
    assert 'id="password-error"' in short.text
    assert "at least 8 characters" in short.text
    bad_email = web.submit(
        "/signup", {"username": "brandnew", "password": PASSWORD, "email": "nope"}
    )
    assert 'id="email-error"' in bad_email.text
    bad_name = web.submit("/signup", {"username": "no spaces!", "password": PASSWORD})
    assert 'id="username-error"' in bad_name.text
    assert authenticate(rt, "brandnew", PASSWORD, address=None) is None
    assert "Log out" not in web.get("/").text


def test_sign_up_shows_every_bad_field_at_once(web: WebClient, people: People) -> None:
    assert people.alice
    response = web.submit(
        "/signup", {"username": "alice", "password": "short", "email": "alice@example.com"}
    )
    assert response.status_code == 422
    for field in ("username", "password", "email"):
        assert f'id="{field}-error"' in response.text, field
    assert "Username is already taken" in response.text
    assert "at least 8 characters" in response.text
    assert "can&#39;t be used" in response.text or "can't be used" in response.text


def test_wrong_password_is_shown_next_to_the_field(web: WebClient, people: People) -> None:
    assert people.alice
    response = web.submit("/login", {"login": "alice", "password": "not it"}, page="/login")
    assert response.status_code == 422
    assert 'id="password-error"' in response.text
    assert "Wrong username or password" in response.text
    assert "Log out" not in web.get("/").text


def test_log_in_goes_back_to_a_local_page_only(web: WebClient, people: People) -> None:
    assert people.alice
    page = web.get("/login?next=/settings").text
    assert 'name="next" value="/settings"' in page
    response = web.submit(
        "/login", {"login": "alice", "password": PASSWORD, "next": "/settings"}, page="/login"
    )
    assert response.headers["location"] == "/settings"
    web.log_out()
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = web.submit(
            "/login", {"login": "alice", "password": PASSWORD, "next": evil}, page="/login"
        )
        assert response.headers["location"] == "/"
        web.log_out()


def test_pages_that_need_an_account_send_visitors_to_log_in(web: WebClient) -> None:
    response = web.get("/settings", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/settings"


def test_log_in_is_rate_limited(web: WebClient, people: People) -> None:
    assert people.alice
    for _ in range(5):
        wrong = web.submit("/login", {"login": "alice", "password": "guess"}, page="/login")
        assert wrong.status_code == 422
    # given five failures, even the right password is refused for now
    limited = web.submit("/login", {"login": "alice", "password": PASSWORD}, page="/login")
    assert limited.status_code == 429
    assert "Too many log-in attempts" in limited.text
    assert "Log out" not in web.get("/").text


def test_profile_settings_save_name_bio_and_avatar(
    web: WebClient, rt: Runtime, people: People
) -> None:
    alice = web.log_in("alice")
    image = io.BytesIO()
    Image.new("RGB", (50, 50), (200, 10, 10)).save(image, format="PNG")
    response = web.submit(
        "/settings/profile",
        {"display_name": "Alice A.", "note": "I post about #birds"},
        page="/settings",
        files={"avatar": ("me.png", image.getvalue(), "image/png")},
    )
    assert response.status_code == 303
    account = get_account(rt, alice)
    assert account.display_name == "Alice A."
    assert account.avatar is not None
    profile = web.get("/@alice").text
    assert rt.media.url(account.avatar) in profile
    assert 'href="http://roost.test/tags/birds"' in profile


def test_a_bad_avatar_is_refused_next_to_its_field(
    web: WebClient, rt: Runtime, people: People
) -> None:
    alice = web.log_in("alice")
    response = web.submit(
        "/settings/profile",
        {"display_name": "Changed", "note": ""},
        page="/settings",
        files={"avatar": ("me.png", b"not an image", "image/png")},
    )
    assert response.status_code == 422
    assert 'id="avatar-error"' in response.text
    assert get_account(rt, alice).display_name == ""
    assert get_account(rt, alice).avatar is None


def test_password_change_keeps_this_session_and_ends_the_others(
    web: WebClient, other_web: WebClient, rt: Runtime
) -> None:
    web.log_in("alice")
    other_web.log_in("alice")
    wrong = web.submit(
        "/settings/password",
        {
            "current_password": "nope",
            "new_password": "a new password",
            "confirm_password": "a new password",
        },
        page="/settings",
    )
    assert wrong.status_code == 422
    assert 'id="current_password-error"' in wrong.text
    response = web.submit(
        "/settings/password",
        {
            "current_password": PASSWORD,
            "new_password": "a new password",
            "confirm_password": "a new password",
        },
        page="/settings",
    )
    assert response.status_code == 303
    assert web.get("/settings", follow_redirects=False).status_code == 200
    assert other_web.get("/settings", follow_redirects=False).status_code == 303
    assert authenticate(rt, "alice", "a new password", address=None) is not None


def test_log_out_everywhere_ends_every_session(
    web: WebClient, other_web: WebClient, people: People
) -> None:
    web.log_in("alice")
    other_web.log_in("alice")
    stale = web.client.cookies.get("roost_session")
    response = web.submit("/settings/logout-everywhere", page="/settings")
    assert response.status_code == 303
    assert other_web.get("/settings", follow_redirects=False).status_code == 303
    assert web.get("/settings", follow_redirects=False).status_code == 303
    # A copy of the old cookie does not work either.
    web.client.cookies.set("roost_session", stale or "", domain="roost.test")
    assert web.get("/settings", follow_redirects=False).status_code == 303


def test_visitors_are_asked_to_log_in_to_follow(web: WebClient, people: People) -> None:
    assert people.bob
    page = web.get("/@bob").text
    assert 'href="/login?next=/%40bob">Follow</a>' in page


def test_no_sign_up_when_registrations_are_closed(rt: Runtime) -> None:
    settings = rt.settings.model_copy(update={"registrations": "closed"})
    closed = dataclasses.replace(rt, settings=settings, web_env=None)
    client = WebClient(make_client(closed), People(closed))
    assert "not accepting new accounts" in client.get("/").text
    response = client.submit("/signup", {"username": "late", "password": PASSWORD})
    assert response.status_code == 422
    assert authenticate(rt, "late", PASSWORD, address=None) is None
