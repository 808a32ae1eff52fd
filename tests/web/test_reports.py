"""Reporting from the web app works without JavaScript: the ⋯ menu and the profile
lead to a form whose report reaches the moderators."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from roost.moderation.models import reports
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.conftest import People
from tests.web.conftest import WebClient


def _reports(rt: Runtime) -> list[Any]:
    with rt.db.read() as conn:
        return list(conn.execute(select(reports)).all())


def test_a_post_is_reported_from_its_menu(web: WebClient, rt: Runtime, people: People) -> None:
    # given bob's post, seen by alice
    post = do_create_post(rt, people.bob, "cheap watches here")
    web.log_in("alice")
    thread = web.get(f"/@bob/{post}").text
    form_page = f"/@bob/report?post={post}"
    assert form_page in thread
    # when alice reports it
    form = web.get(form_page)
    assert form.status_code == 200
    assert "cheap watches here" in form.text
    too_long = web.submit(
        "/@bob/report",
        {"post": str(post), "category": "spam", "comment": "x" * 1001},
        page=form_page,
    )
    assert too_long.status_code == 422
    sent = web.submit(
        "/@bob/report", {"post": str(post), "category": "spam", "comment": "ads"}, page=form_page
    )
    # then the moderators have it
    assert sent.status_code == 200
    assert "Thank you" in sent.text
    (row,) = _reports(rt)
    assert (row.account_id, row.target_account_id) == (people.alice, people.bob)
    assert (row.status_ids, row.category, row.comment) == ([str(post)], "spam", "ads")


def test_a_profile_is_reported(web: WebClient, rt: Runtime, people: People) -> None:
    assert people.bob
    web.log_in("alice")
    assert 'href="/@bob/report"' in web.get("/@bob").text
    sent = web.submit("/@bob/report", {"category": "other"}, page="/@bob/report")
    assert sent.status_code == 200
    (row,) = _reports(rt)
    assert row.status_ids == []


def test_a_hidden_post_cannot_be_reported(web: WebClient, rt: Runtime, people: People) -> None:
    hidden = do_create_post(rt, people.bob, "followers only", visibility="private")
    web.log_in("alice")
    assert web.get(f"/@bob/report?post={hidden}").status_code == 404
    refused = web.submit("/@bob/report", {"post": str(hidden)}, page="/@bob/report")
    assert refused.status_code == 404
    assert "followers only" not in refused.text
    assert _reports(rt) == []


def test_reporting_needs_a_login(web: WebClient, people: People) -> None:
    assert people.bob
    assert web.get("/@bob/report", follow_redirects=False).status_code in (302, 303)


def test_reporting_oneself_is_refused_with_a_reason(web: WebClient, rt: Runtime) -> None:
    web.log_in("alice")
    refused = web.submit("/@alice/report", {"category": "other"}, page="/@alice/report")
    assert refused.status_code == 422
    assert "You cannot report yourself" in refused.text
    assert _reports(rt) == []
