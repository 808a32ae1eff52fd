"""Registrations in the domain: who may make invites, how uses are counted (also
when people race for the last one), and approval and rejection."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from roost.accounts.models import accounts
from roost.accounts.queries import search_accounts
from roost.accounts.roles import do_set_role
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.instance.actions import do_update_settings
from roost.paging import Page
from roost.registrations.actions import (
    do_approve,
    do_create_invite,
    do_expire_invite,
    do_reject,
    do_sign_up,
)
from roost.registrations.queries import get_invite, list_invites, pending_accounts
from roost.runtime import Runtime
from roost.search.queries import directory
from roost.worker import drain
from tests.conftest import PASSWORD, People
from tests.smtp import SmtpServer


def staff(rt: Runtime, people: People) -> tuple[int, int]:
    """(an admin, a moderator)"""
    assert people.admin
    assert people.mod
    do_set_role(rt, "admin", "admin")
    do_set_role(rt, "mod", "moderator")
    return people.admin, people.mod


def test_users_invite_only_when_the_admins_allow(rt: Runtime, people: People) -> None:
    admin, mod = staff(rt, people)
    assert do_create_invite(rt, mod)
    with pytest.raises(Forbidden):
        do_create_invite(rt, people.user)
    do_update_settings(rt, admin, {"users_may_invite": "on"})
    mine = do_create_invite(rt, people.user, max_uses=5, expires_in=timedelta(days=1))
    assert [i.id for i in list_invites(rt, people.user)] == [mine]
    with pytest.raises(ValidationFailed):
        do_create_invite(rt, people.user, max_uses=0)
    with pytest.raises(ValidationFailed):
        do_create_invite(rt, people.user, expires_in=timedelta(days=400))


def test_an_invite_is_ended_by_its_maker_or_an_admin_only(rt: Runtime, people: People) -> None:
    admin, mod = staff(rt, people)
    invite = do_create_invite(rt, mod)
    with pytest.raises(NotFound):  # someone else's: not even shown to exist
        do_expire_invite(rt, people.user, invite)
    do_expire_invite(rt, admin, invite)
    found = get_invite(rt, invite)
    assert found is not None
    assert found.state() == "expired"


@pytest.mark.parametrize("racers", [6])
def test_concurrent_sign_ups_share_an_invites_uses(
    rt: Runtime, people: People, racers: int
) -> None:
    # given invite-only mode and an invite for 2
    admin, _ = staff(rt, people)
    do_update_settings(rt, admin, {"registrations_mode": "invite"})
    invite = get_invite(rt, do_create_invite(rt, admin, max_uses=2))
    assert invite is not None
    results: list[str] = []
    start = threading.Barrier(racers)

    def race(n: int) -> None:
        start.wait()
        try:
            do_sign_up(rt, f"racer{n}", PASSWORD, agreed=True, invite_code=invite.code)
        except ValidationFailed:
            results.append("refused")
        else:
            results.append("joined")

    threads = [threading.Thread(target=race, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then exactly two joined, and the invite counts two uses
    assert sorted(results) == ["joined"] * 2 + ["refused"] * (racers - 2)
    with rt.db.read() as conn:
        joined = conn.scalar(select(func.count()).where(accounts.c.username.like("racer%")))
    assert joined == 2
    used = get_invite(rt, invite.id)
    assert used is not None
    assert used.uses == 2


def test_approval_is_for_moderators_and_only_of_waiting_accounts(
    rt: Runtime, people: People
) -> None:
    admin, mod = staff(rt, people)
    do_update_settings(rt, admin, {"registrations_mode": "approval"})
    first = do_sign_up(rt, "first", PASSWORD, reason="please", agreed=True)
    second = do_sign_up(rt, "second", PASSWORD, agreed=True)
    assert not first.approved
    assert [a.username for a in pending_accounts(rt, Page())] == ["second", "first"]
    with pytest.raises(Forbidden):
        do_approve(rt, people.user, first.account_id)
    with pytest.raises(Forbidden):
        do_reject(rt, people.user, first.account_id)
    do_approve(rt, mod, first.account_id)
    with pytest.raises(Forbidden):  # not waiting any more
        do_reject(rt, mod, first.account_id)
    with pytest.raises(Forbidden):  # never waited
        do_approve(rt, mod, people.user)
    do_reject(rt, mod, second.account_id)
    assert pending_accounts(rt, Page()) == []
    with pytest.raises(NotFound):
        do_approve(rt, mod, second.account_id)


def test_a_waiting_sign_up_is_not_found_in_search_or_the_directory(
    rt: Runtime, people: People
) -> None:
    admin, mod = staff(rt, people)
    do_update_settings(rt, admin, {"registrations_mode": "approval"})
    waiting = do_sign_up(rt, "hopeful", PASSWORD, agreed=True)
    assert search_accounts(rt, "hopeful") == []
    assert "hopeful" not in [a.username for a in directory(rt, None)]
    do_approve(rt, mod, waiting.account_id)
    assert [a.username for a in search_accounts(rt, "hopeful")] == ["hopeful"]
    assert "hopeful" in [a.username for a in directory(rt, None)]


def test_the_decision_on_a_sign_up_is_mailed(
    smtp_rt: Runtime, smtp_server: SmtpServer, people: People
) -> None:
    rt = smtp_rt
    admin, mod = staff(rt, people)
    do_update_settings(rt, admin, {"registrations_mode": "approval"})
    yes = do_sign_up(rt, "yes", PASSWORD, email="yes@example.com", agreed=True)
    no = do_sign_up(rt, "no", PASSWORD, email="no@example.com", agreed=True)
    do_approve(rt, mod, yes.account_id)
    do_reject(rt, mod, no.account_id)
    drain(rt)
    welcome = [m for m in smtp_server.to("yes@example.com") if "Welcome" in m.message["Subject"]]
    assert len(welcome) == 1
    assert "has been approved" in welcome[0].text
    rejected = [m for m in smtp_server.to("no@example.com") if "sign-up" in m.message["Subject"]]
    assert len(rejected) == 1
    assert "did not approve" in rejected[0].text
