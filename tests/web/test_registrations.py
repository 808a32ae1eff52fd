"""Registrations in the web app: the admins' settings and rules pages, the sign-up
form in each mode (reason, rules and "I agree"), waiting sign-ups that cannot log in
until a moderator approves them, invite links, and the about/terms/privacy pages,
whose edits the API reflects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from roost.accounts.actions import authenticate
from roost.accounts.models import accounts
from roost.accounts.queries import get_account_by_username
from roost.accounts.roles import do_set_role
from roost.errors import Forbidden
from roost.instance.actions import do_add_rule, do_update_settings
from roost.instance.queries import get_registration_mode, list_rules
from roost.moderation.models import reports
from roost.registrations.actions import do_create_invite, do_sign_up
from roost.registrations.queries import get_invite, list_invites
from roost.runtime import Runtime
from tests.conftest import PASSWORD, People
from tests.web.conftest import WebClient

ADMIN_PAGES = ("/admin/settings", "/admin/rules")


def owner(rt: Runtime, people: People) -> int:
    assert people.owner
    do_set_role(rt, "owner", "owner")
    return people.owner


def approved(rt: Runtime, name: str) -> bool | None:
    with rt.db.read() as conn:
        value = conn.scalar(select(accounts.c.approved).where(accounts.c.username == name))
    return None if value is None else bool(value)


def test_an_admin_chooses_the_mode_and_writes_the_pages(
    web: WebClient, rt: Runtime, people: People
) -> None:
    owner(rt, people)
    web.log_in("owner")
    assert 'href="/admin/settings"' in web.get("/").text
    form = {
        "registrations_mode": "approval",
        "users_may_invite": "on",
        "short_description": "Our street",
        "extended_description": "We are **neighbours**.",
        "terms_of_service": "Be nice.",
        "privacy_policy": "We keep little.",
        "closed_message": "",
    }
    saved = web.submit("/admin/settings", form, page="/admin/settings")
    assert saved.status_code == 303
    assert get_registration_mode(rt) == "approval"
    # the public pages and the API show what was written
    assert "<strong>neighbours</strong>" in web.get("/about").text
    assert "Be nice." in web.get("/terms").text
    assert "We keep little." in web.get("/privacy").text
    about = web.get("/api/v1/instance/extended_description").json()
    assert "<strong>neighbours</strong>" in about["content"]
    assert "Be nice." in web.get("/api/v1/instance/terms_of_service").json()["content"]
    assert web.get("/api/v1/instance").json()["short_description"] == "Our street"
    assert web.get("/api/v1/instance").json()["invites_enabled"] is True
    # a bad value is shown next to its field, and nothing changes
    bad = web.submit(
        "/admin/settings", {**form, "registrations_mode": "maybe"}, page="/admin/settings"
    )
    assert bad.status_code == 422
    assert get_registration_mode(rt) == "approval"


def test_an_admin_adds_edits_moves_and_deletes_rules(
    web: WebClient, rt: Runtime, people: People
) -> None:
    owner(rt, people)
    web.log_in("owner")
    page = "/admin/rules"
    assert web.submit(page, {"text": "Be kind", "hint": "Really"}, page=page).status_code == 303
    assert web.submit(page, {"text": "No spam"}, page=page).status_code == 303
    assert web.submit(page, {"text": ""}, page=page).status_code == 422
    first, second = list_rules(rt)
    assert web.submit(f"/admin/rules/{second.id}/up", page=page).status_code == 303
    assert [r.id for r in list_rules(rt)] == [second.id, first.id]
    edit = {"text": "Be very kind", "hint": ""}
    assert web.submit(f"/admin/rules/{first.id}/edit", edit, page=page).status_code == 303
    assert web.submit(f"/admin/rules/{second.id}/delete", page=page).status_code == 303
    rules = web.get("/api/v1/instance/rules").json()
    assert rules == [{"id": str(first.id), "text": "Be very kind", "hint": ""}]
    assert "Be very kind" in web.get("/about").text


@pytest.mark.parametrize("role", ["user", "moderator"])
def test_users_and_moderators_cannot_change_the_server(
    web: WebClient, rt: Runtime, people: People, role: str
) -> None:
    rule = do_add_rule(rt, owner(rt, people), "Be kind")
    web.log_in("someone")
    do_set_role(rt, "someone", role)
    for path in ADMIN_PAGES:
        assert web.get(path).status_code == 403
    page = "/settings"
    refused = web.submit("/admin/settings", {"registrations_mode": "closed"}, page=page)
    assert refused.status_code == 403
    assert web.submit("/admin/rules", {"text": "Mine"}, page=page).status_code == 403
    for verb in ("edit", "up", "down", "delete"):
        response = web.submit(f"/admin/rules/{rule}/{verb}", {"text": "x"}, page=page)
        assert response.status_code == 403
    assert get_registration_mode(rt) == "open"
    assert [r.text for r in list_rules(rt)] == ["Be kind"]


def test_users_cannot_see_or_decide_waiting_sign_ups(
    web: WebClient, rt: Runtime, people: People
) -> None:
    do_update_settings(rt, owner(rt, people), {"registrations_mode": "approval"})
    waiting = do_sign_up(rt, "waiting", PASSWORD, reason="secret reason", agreed=True)
    web.log_in("bob")
    refused = web.get("/admin/pending")
    assert refused.status_code == 403
    assert "secret reason" not in refused.text
    for verb in ("approve", "reject"):
        response = web.submit(f"/admin/pending/{waiting.account_id}/{verb}", page="/settings")
        assert response.status_code == 403
    assert approved(rt, "waiting") is False


def test_approval_mode_sign_up_waits_then_logs_in(
    web: WebClient, other_web: WebClient, rt: Runtime, people: People
) -> None:
    # given approval mode with a rule, and a moderator
    boss = owner(rt, people)
    do_update_settings(rt, boss, {"registrations_mode": "approval"})
    do_add_rule(rt, boss, "Be kind")
    landing = web.get("/").text
    assert 'name="reason"' in landing
    assert "Be kind" in landing
    assert 'name="agreement"' in landing
    # without agreeing to the rules: refused
    form = {"username": "newbie", "password": PASSWORD, "reason": "I live here"}
    assert web.submit("/signup", form).status_code == 422
    assert approved(rt, "newbie") is None
    # agreeing: the sign-up waits, and logging in says so
    joined = web.submit("/signup", {**form, "agreement": "on"})
    assert joined.status_code == 200
    assert "moderator" in joined.text
    assert approved(rt, "newbie") is False
    login = web.submit("/login", {"login": "newbie", "password": PASSWORD}, page="/login")
    assert login.status_code == 403
    assert "pending approval" in login.text
    # a moderator sees it with its reason, and approves it
    assert people.mod
    do_set_role(rt, "mod", "moderator")
    other_web.log_in("mod")
    pending = other_web.get("/admin/pending")
    assert pending.status_code == 200
    assert "I live here" in pending.text
    with pytest.raises(Forbidden, match="pending approval"):
        authenticate(rt, "newbie", PASSWORD, address=None)
    newbie = get_account_by_username(rt, "newbie").id
    decided = other_web.submit(f"/admin/pending/{newbie}/approve", page="/admin/pending")
    assert decided.status_code == 303
    assert "I live here" not in other_web.get("/admin/pending").text
    # now the person logs in
    login = web.submit("/login", {"login": "newbie", "password": PASSWORD}, page="/login")
    assert login.status_code == 303
    assert "@newbie" in web.get("/").text


def test_a_rejected_sign_up_is_deleted(web: WebClient, rt: Runtime, people: People) -> None:
    do_update_settings(rt, owner(rt, people), {"registrations_mode": "approval"})
    waiting = do_sign_up(rt, "spammer", PASSWORD, agreed=True)
    web.log_in("owner")
    response = web.submit(f"/admin/pending/{waiting.account_id}/reject", page="/admin/pending")
    assert response.status_code == 303
    assert approved(rt, "spammer") is None


def test_closed_mode_refuses_the_form(web: WebClient, rt: Runtime, people: People) -> None:
    do_update_settings(rt, owner(rt, people), {"registrations_mode": "closed"})
    assert 'action="/signup"' not in web.get("/").text
    response = web.submit("/signup", {"username": "late", "password": PASSWORD})
    assert response.status_code == 422
    assert "not accepting new accounts" in response.text
    assert approved(rt, "late") is None


def test_invite_links_in_invite_only_mode(
    web: WebClient, other_web: WebClient, rt: Runtime, people: People
) -> None:
    # given invite-only mode
    boss = owner(rt, people)
    do_update_settings(rt, boss, {"registrations_mode": "invite"})
    assert 'action="/signup"' not in web.get("/").text
    assert web.submit("/signup", {"username": "late", "password": PASSWORD}).status_code == 422
    # when the owner makes a link for one person on /invites
    other_web.log_in("owner")
    made = other_web.submit("/invites", {"max_uses": "1", "expires_in": "86400"}, page="/invites")
    assert made.status_code == 303
    (invite,) = list_invites(rt, boss)
    assert f"/invite/{invite.code}" in other_web.get("/invites").text
    # then the link opens the sign-up form, and signs someone up
    link = f"/invite/{invite.code}"
    opened = web.get(link)
    assert opened.status_code == 200
    assert f'value="{invite.code}"' in opened.text
    form = {"username": "guest", "password": PASSWORD, "invite_code": invite.code}
    assert web.submit("/signup", form, page=link).status_code == 303
    assert approved(rt, "guest") is True
    # and now it is used up: refused with a clear message
    used = other_web.get(link)
    assert used.status_code == 410
    assert "used as many times" in used.text
    again = other_web.submit("/signup", {**form, "username": "guest2"}, page="/invites")
    assert again.status_code == 422
    assert "used as many times" in again.text
    assert approved(rt, "guest2") is None
    assert web.get("/invite/nonsense").status_code == 404


def test_an_expired_invite_link_is_refused(web: WebClient, rt: Runtime, people: People) -> None:
    boss = owner(rt, people)
    do_update_settings(rt, boss, {"registrations_mode": "invite"})
    invite = get_invite(rt, do_create_invite(rt, boss, expires_in=timedelta(minutes=30)))
    assert invite is not None
    web.log_in("owner")
    ended = web.submit(f"/invites/{invite.id}/expire", page="/invites")
    assert ended.status_code == 303
    web.log_out()
    refused = web.get(f"/invite/{invite.code}")
    assert refused.status_code == 410
    assert "expired" in refused.text


def test_users_make_invites_only_when_allowed(web: WebClient, rt: Runtime, people: People) -> None:
    boss = owner(rt, people)
    bob = web.log_in("bob")
    assert "Only moderators and admins" in web.get("/invites").text
    form = {"max_uses": "", "expires_in": ""}
    assert web.submit("/invites", form, page="/invites").status_code == 403
    do_update_settings(rt, boss, {"users_may_invite": "on"})
    assert web.submit("/invites", form, page="/invites").status_code == 303
    (mine,) = list_invites(rt, bob)
    assert (mine.max_uses, mine.expires_at) == (None, None)
    # bob does not see, and cannot end, the owner's invites
    theirs = get_invite(rt, do_create_invite(rt, boss))
    assert theirs is not None
    assert theirs.code not in web.get("/invites").text
    assert web.submit(f"/invites/{theirs.id}/expire", page="/invites").status_code == 404


def test_a_report_cites_the_rules_it_breaks(web: WebClient, rt: Runtime, people: People) -> None:
    # given two rules
    boss = owner(rt, people)
    kind = do_add_rule(rt, boss, "Be kind")
    do_add_rule(rt, boss, "No spam")
    assert people.bob
    web.log_in("alice")
    form_page = "/@bob/report"
    form = web.get(form_page).text
    assert f'name="rule_{kind}"' in form
    # when alice reports bob for breaking the first
    sent = web.submit(form_page, {"category": "violation", f"rule_{kind}": "on"}, page=form_page)
    assert sent.status_code == 200
    # then the report cites it
    with rt.db.read() as conn:
        cited = conn.scalar(select(reports.c.rule_ids))
    assert cited == [str(kind)]
