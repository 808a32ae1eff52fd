"""Server-side web sessions (issue 9, finding 9): logging out ends the session for
every copy of its cookie."""

from __future__ import annotations

from sqlalchemy import select

from roost.accounts.actions import do_change_password
from roost.accounts.models import web_sessions
from roost.runtime import Runtime
from tests.conftest import PASSWORD, People
from tests.web.conftest import WebClient


def _replay(web: WebClient, cookie: str | None) -> int:
    web.client.cookies.set("roost_session", cookie or "", domain="roost.test")
    status: int = web.get("/settings", follow_redirects=False).status_code
    return status


def test_a_copied_cookie_stops_working_after_log_out(
    web: WebClient, other_web: WebClient, people: People
) -> None:
    # given a signed-in browser whose cookie someone copied
    web.log_in("alice")
    copied = web.client.cookies.get("roost_session")
    assert _replay(other_web, copied) == 200  # the copy works while the session lives
    # when the browser logs out
    web.log_out()
    # then the copy is signed out too
    assert _replay(other_web, copied) == 303
    assert _replay(web, copied) == 303


def test_logging_out_one_browser_leaves_the_others_signed_in(
    web: WebClient, other_web: WebClient, people: People
) -> None:
    web.log_in("alice")
    other_web.log_in("alice")
    web.log_out()
    assert other_web.get("/settings", follow_redirects=False).status_code == 200


def test_the_table_keeps_a_digest_not_the_cookie_and_a_password_change_ends_all(
    web: WebClient, other_web: WebClient, rt: Runtime, people: People
) -> None:
    web.log_in("alice")
    other_web.log_in("alice")
    with rt.db.read() as conn:
        rows = conn.execute(select(web_sessions)).all()
    assert len(rows) == 2
    assert {r.account_id for r in rows} == {people.alice}
    assert all(r.digest not in (web.client.cookies.get("roost_session") or "") for r in rows)
    assert all(r.user_agent for r in rows)
    # when the password changes (through the action: no browser stays signed in)
    do_change_password(rt, people.alice, PASSWORD, "another good password")
    with rt.db.read() as conn:
        assert conn.execute(select(web_sessions)).all() == []
    assert web.get("/settings", follow_redirects=False).status_code == 303
    assert other_web.get("/settings", follow_redirects=False).status_code == 303
