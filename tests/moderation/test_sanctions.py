"""Moderators' actions on accounts: what each hides, from whom, who may take it, and
that lifting it brings everything back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from roost.accounts.actions import authenticate
from roost.accounts.models import accounts
from roost.accounts.queries import get_account, get_account_by_username
from roost.accounts.roles import do_set_role
from roost.accounts.sessions import do_resume_web_session, do_start_web_session
from roost.audit.models import audit_log
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.graph.actions import do_follow
from roost.graph.queries import following
from roost.moderation.actions import do_report, do_resolve_report
from roost.moderation.models import account_warnings, moderation_notes
from roost.moderation.queries import get_report, list_warnings
from roost.moderation.removal import handle_purge
from roost.moderation.sanctions import (
    PURGE_JOB,
    RETENTION,
    do_account_action,
    do_add_note,
    do_moderator_delete_post,
    do_remove_suspended_account,
    do_unsilence,
    do_unsuspend,
)
from roost.oauth.actions import do_create_application, do_issue_token
from roost.oauth.queries import get_token
from roost.paging import Page
from roost.posts.actions import do_create_post
from roost.posts.models import posts
from roost.posts.queries import (
    StatusView,
    account_statuses,
    get_status,
    public_statuses,
    tag_statuses,
)
from roost.runtime import Runtime
from roost.search.queries import find_accounts, search
from roost.store.jobs import jobs
from roost.store.schema import utcnow
from roost.timelines.feeds import home_timeline
from tests.conftest import PASSWORD, People


def _moderator(rt: Runtime, people: People, name: str = "mod", role: str = "moderator") -> int:
    account_id: int = getattr(people, name)
    do_set_role(rt, name, role)
    return account_id


def _token(rt: Runtime, account_id: int) -> str:
    app = do_create_application(rt, "app", ["urn:ietf:wg:oauth:2.0:oob"], scopes="read write")
    return do_issue_token(rt, app.row, account_id, "read").access_token


def _ids(views: list[StatusView]) -> list[int]:
    return [v.post.id for v in views]


def test_suspension_hides_everything_signs_out_and_unsuspension_restores(
    rt: Runtime, people: People, settle: Callable[[], None]
) -> None:
    # given spammer with a public tagged post, a follower, a session and a token
    mod = _moderator(rt, people)
    spammer = people.spammer
    post = do_create_post(rt, spammer, "cheap watches #deals")
    do_follow(rt, people.fan, spammer)
    settle()
    session = do_start_web_session(rt, spammer)
    token = _token(rt, spammer)
    assert get_token(rt, token) is not None
    # when a moderator suspends them
    do_account_action(rt, mod, spammer, "suspend", text="spam")
    # then nobody sees the profile or the posts
    with pytest.raises(NotFound):
        get_account(rt, spammer)
    with pytest.raises(NotFound):
        get_account_by_username(rt, "spammer")
    for viewer in (None, people.fan, people.other):
        with pytest.raises(NotFound):
            get_status(rt, viewer, post)
        assert post not in _ids(public_statuses(rt, viewer, Page(limit=20)))
        assert post not in _ids(tag_statuses(rt, viewer, "deals", Page(limit=20)))
        assert post not in _ids(account_statuses(rt, viewer, spammer, Page(limit=20)))
        assert post not in _ids(search(rt, viewer, "watches").statuses)
    assert post not in _ids(home_timeline(rt, people.fan, Page(limit=20)))
    assert [a.id for a in find_accounts(rt, people.other, "spam")] == []
    assert [a.id for _, a in following(rt, people.fan, Page(limit=20))] == []
    # and they are signed out everywhere and cannot sign in
    assert get_token(rt, token) is None
    assert do_resume_web_session(rt, session) is None
    with pytest.raises(Forbidden):
        authenticate(rt, "spammer", PASSWORD, address=None)
    # when unsuspended, everything comes back (follows were kept)
    do_unsuspend(rt, mod, spammer)
    assert get_account(rt, spammer).id == spammer
    assert get_status(rt, people.other, post).post.id == post
    assert post in _ids(public_statuses(rt, None, Page(limit=20)))
    assert post in _ids(home_timeline(rt, people.fan, Page(limit=20)))
    assert [a.id for _, a in following(rt, people.fan, Page(limit=20))] == [spammer]
    assert authenticate(rt, "spammer", PASSWORD, address=None) == spammer
    # but the old token and session stay ended
    assert get_token(rt, token) is None
    assert do_resume_web_session(rt, session) is None


def test_a_limited_account_is_seen_by_its_followers_only(
    rt: Runtime, people: People, settle: Callable[[], None]
) -> None:
    mod = _moderator(rt, people)
    loud = people.loud
    do_follow(rt, people.fan, loud)
    post = do_create_post(rt, loud, "hello #news")
    settle()
    do_account_action(rt, mod, loud, "silence")
    # strangers and anonymous readers do not see the post, anywhere
    for viewer in (None, people.stranger):
        with pytest.raises(NotFound):
            get_status(rt, viewer, post)
        assert post not in _ids(account_statuses(rt, viewer, loud, Page(limit=20)))
        assert post not in _ids(search(rt, viewer, "hello").statuses)
    assert [a.id for a in find_accounts(rt, people.stranger, "loud")] == []
    # public and hashtag timelines leave it out for everyone, followers too (Mastodon)
    for viewer in (None, people.stranger, people.fan):
        assert post not in _ids(public_statuses(rt, viewer, Page(limit=20)))
        assert post not in _ids(tag_statuses(rt, viewer, "news", Page(limit=20)))
    # the follower still sees it, in home too, and finds the account
    assert get_status(rt, people.fan, post).post.id == post
    assert post in _ids(home_timeline(rt, people.fan, Page(limit=20)))
    assert [a.id for a in find_accounts(rt, people.fan, "loud")] == [loud]
    # the profile itself stays (a limit is not a suspension), and so does log-in
    assert get_account(rt, loud).id == loud
    assert authenticate(rt, "loud", PASSWORD, address=None) == loud
    # lifting the limit brings it back
    do_unsilence(rt, mod, loud)
    assert get_status(rt, people.stranger, post).post.id == post
    assert post in _ids(public_statuses(rt, None, Page(limit=20)))


def test_disabled_log_in_refuses_the_password_and_ends_tokens(rt: Runtime, people: People) -> None:
    mod = _moderator(rt, people)
    token = _token(rt, people.bob)
    do_account_action(rt, mod, people.bob, "disable")
    assert get_token(rt, token) is None
    with pytest.raises(Forbidden):
        authenticate(rt, "bob", PASSWORD, address=None)
    # a wrong password learns nothing about the account's state
    assert authenticate(rt, "bob", "wrong password!", address=None) is None


def test_the_suspension_job_removes_the_data_after_30_days_only(
    rt: Runtime, people: People
) -> None:
    admin = _moderator(rt, people, "admin", "admin")
    spammer = people.spammer
    post = do_create_post(rt, spammer, "buy now")
    do_account_action(rt, admin, spammer, "suspend")
    # the suspension enqueued a job that runs in 30 days
    with rt.db.read() as conn:
        job = conn.execute(select(jobs).where(jobs.c.kind == PURGE_JOB)).one()
    assert job.run_at - utcnow() > RETENTION - timedelta(minutes=5)
    # run early (a clock set wrong, a retry), it does nothing
    handle_purge(rt, {"account_id": spammer})
    with rt.db.read() as conn:
        assert conn.scalar(select(func.count()).where(posts.c.id == post)) == 1
    # after 30 days it removes the posts and personal data; the username stays taken
    with rt.db.write() as tx:
        tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == spammer)
            .values(suspended_at=utcnow() - RETENTION - timedelta(hours=1))
        )
    handle_purge(rt, {"account_id": spammer})
    with rt.db.read() as conn:
        assert conn.scalar(select(func.count()).where(posts.c.account_id == spammer)) == 0
        row = conn.execute(select(accounts).where(accounts.c.id == spammer)).one()
    assert row.username == "spammer"
    assert (row.email, row.password_hash, row.display_name, row.note) == (None, None, "", "")
    assert row.deleted_at is not None
    # once removed, it cannot be unsuspended
    with pytest.raises(Forbidden):
        do_unsuspend(rt, admin, spammer)


def test_an_unsuspended_account_is_kept_when_its_job_comes(rt: Runtime, people: People) -> None:
    mod = _moderator(rt, people)
    post = do_create_post(rt, people.bob, "hello")
    do_account_action(rt, mod, people.bob, "suspend")
    do_unsuspend(rt, mod, people.bob)
    handle_purge(rt, {"account_id": people.bob})
    assert get_status(rt, None, post).post.id == post


def test_an_admin_removes_a_suspended_accounts_data_now(
    rt: Runtime, people: People, settle: Callable[[], None]
) -> None:
    _moderator(rt, people, "admin", "admin")
    mod = _moderator(rt, people)
    post = do_create_post(rt, people.bob, "hello")
    # only a suspended account, and not by a moderator (``delete_user_data``)
    with pytest.raises(Forbidden):
        do_remove_suspended_account(rt, people.admin, people.bob)
    do_account_action(rt, mod, people.bob, "suspend")
    with pytest.raises(Forbidden):
        do_remove_suspended_account(rt, mod, people.bob)
    do_remove_suspended_account(rt, people.admin, people.bob)
    settle()
    with rt.db.read() as conn:
        assert conn.scalar(select(func.count()).where(posts.c.id == post)) == 0


def test_who_may_act_on_whom(rt: Runtime, people: People) -> None:
    mod = _moderator(rt, people)
    _moderator(rt, people, "boss", "admin")
    other_mod = _moderator(rt, people, "othermod")
    # a user may not act at all
    with pytest.raises(Forbidden):
        do_account_action(rt, people.bob, people.carol, "suspend")
    with pytest.raises(Forbidden):
        do_unsuspend(rt, people.bob, people.carol)
    # a moderator may not act on their rank or above
    for target in (people.boss, other_mod, mod):
        with pytest.raises(Forbidden):
            do_account_action(rt, mod, target, "silence")
    # an admin may act on a moderator
    do_account_action(rt, people.boss, other_mod, "silence")
    with pytest.raises(ValidationFailed):
        do_account_action(rt, mod, people.carol, "obliterate")
    with rt.db.read() as conn:
        silenced = conn.scalars(select(accounts.c.id).where(accounts.c.silenced_at.is_not(None)))
        assert list(silenced) == [other_mod]


def test_report_action_resolve_and_the_audit_log(rt: Runtime, people: People) -> None:
    # given two reports against bob
    mod = _moderator(rt, people)
    post = do_create_post(rt, people.bob, "rude words")
    first = do_report(rt, people.alice, people.bob, status_ids=[post], category="violation")
    second = do_report(rt, people.carol, people.bob)
    # a warning on the first resolves it alone
    do_account_action(rt, mod, people.bob, "none", text="Please be kind", report_id=first)
    assert get_report(rt, first).action_taken_by_account_id == mod
    assert get_report(rt, second).action_taken_at is None
    # the person reads the warning
    (warning,) = list_warnings(rt, people.bob)
    assert (warning.action, warning.text, warning.report_id) == ("none", "Please be kind", first)
    # a limit resolves every open report against them
    do_account_action(rt, mod, people.bob, "silence")
    assert get_report(rt, second).action_taken_at is not None
    # a report cannot be used for an action on someone else
    third = do_report(rt, people.alice, people.carol)
    with pytest.raises(NotFound):
        do_account_action(rt, mod, people.bob, "none", report_id=third)
    # resolving with a note keeps it on the report
    do_resolve_report(rt, mod, third, "looked fine")
    with rt.db.read() as conn:
        notes = list(conn.scalars(select(moderation_notes.c.content)))
        log = [
            (r.account_id, r.action, r.target_type, r.target_id)
            for r in conn.execute(select(audit_log).order_by(audit_log.c.id))
        ]
    assert notes == ["looked fine"]
    assert log == [
        (None, "account.change_role", "account", mod),
        (mod, "account.warn", "account", people.bob),
        (mod, "report.resolve", "report", first),
        (mod, "account.silence", "account", people.bob),
        (mod, "report.resolve", "report", second),
        (mod, "report.resolve", "report", third),
    ]


def test_a_moderator_deletes_a_post_and_its_author_is_told(rt: Runtime, people: People) -> None:
    mod = _moderator(rt, people)
    post = do_create_post(rt, people.bob, "something awful")
    with pytest.raises(Forbidden):
        do_moderator_delete_post(rt, people.carol, post)
    do_moderator_delete_post(rt, mod, post, text="Removed: harassment")
    with pytest.raises(NotFound):
        get_status(rt, people.bob, post)
    (warning,) = list_warnings(rt, people.bob)
    assert (warning.action, warning.status_ids) == ("delete_statuses", [str(post)])
    with rt.db.read() as conn:
        entry = conn.execute(select(audit_log).where(audit_log.c.action == "status.destroy")).one()
    assert "something awful" in entry.note


def test_notes_on_an_account_are_for_moderators(rt: Runtime, people: People) -> None:
    mod = _moderator(rt, people)
    with pytest.raises(Forbidden):
        do_add_note(rt, people.carol, "hm", target_account_id=people.bob)
    do_add_note(rt, mod, "watch this one", target_account_id=people.bob)
    with pytest.raises(ValidationFailed):
        do_add_note(rt, mod, "   ", target_account_id=people.bob)
    with rt.db.read() as conn:
        assert list(conn.scalars(select(moderation_notes.c.content))) == ["watch this one"]
        # nothing the account reads: warnings stay empty
        assert conn.scalar(select(func.count()).select_from(account_warnings)) == 0


def test_a_warning_and_a_removed_post_are_mailed_unless_the_moderator_says_not(
    rt: Runtime, people: People
) -> None:
    from roost.mail.models import mail_messages

    mod = _moderator(rt, people)
    post = do_create_post(rt, people.spammer, "buy now")
    do_account_action(rt, mod, people.spammer, "silence", text="Please stop advertising.")
    do_account_action(rt, mod, people.quiet, "none", text="Unmailed.", send_email=False)
    do_moderator_delete_post(rt, mod, post, text="Advertising.")
    with rt.db.read() as conn:
        mails = conn.execute(
            select(
                mail_messages.c.to_address, mail_messages.c.kind, mail_messages.c.text_body
            ).where(mail_messages.c.kind == "warning")
        ).all()
    assert [(m.to_address, m.kind) for m in mails] == [
        ("spammer@example.com", "warning"),
        ("spammer@example.com", "warning"),
    ]
    bodies = sorted(m.text_body for m in mails)
    assert any("limited your account" in b and "Please stop advertising." in b for b in bodies)
    assert any("removed one of your posts" in b and "Advertising." in b for b in bodies)
