"""An account deleted by its owner leaves nothing personal anywhere: every table of the
schema is read after the purge job, looking for the account's id and its strings."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from roost.accounts.actions import authenticate, do_register, do_update_profile
from roost.accounts.deletion import do_delete_own_account
from roost.accounts.models import accounts
from roost.accounts.queries import get_account, get_account_by_username, search_accounts
from roost.accounts.recovery import do_request_password_reset
from roost.accounts.sessions import do_resume_web_session, do_start_web_session
from roost.accounts.settings import ProfileSettings
from roost.archive.export import do_request_export
from roost.archive.imports import do_start_import
from roost.archive.queries import access_archive, get_exports
from roost.circles.actions import do_add_circle_members, do_create_circle
from roost.errors import InvalidFields, NotFound, ValidationFailed
from roost.filters.actions import KeywordChange, do_create_filter
from roost.graph.actions import do_follow
from roost.graph.blocks import do_block, do_mute
from roost.lists.actions import do_add_list_accounts, do_create_list
from roost.media.actions import do_upload_media
from roost.media.models import media_attachments
from roost.moderation.actions import do_report
from roost.notifications.digest import do_set_digest
from roost.oauth.actions import do_register_token
from roost.oauth.queries import get_token
from roost.phones.actions import do_link_phone
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.hydration import hydrate
from roost.posts.marks import do_bookmark, do_favourite, do_pin
from roost.posts.models import posts
from roost.posts.polls import PollSpec
from roost.removal.actions import purge_account
from roost.runtime import Runtime
from roost.store.models import load_all_models
from roost.tags.actions import do_follow_tag
from roost.timelines.feeds import home_key, list_key
from tests.conftest import PASSWORD, People
from tests.media.pictures import picture

NAME = "zelda_gone"
EMAIL = "zelda.private@example.org"
SHOWN = "Zelda Quux"
BIO = "bio-marker-41"
POST_TEXT = "post-marker-77"


def _register_zelda(rt: Runtime) -> int:
    zelda = do_register(  # as a person signs up: a confirmation link is mailed
        rt, NAME, PASSWORD, email=EMAIL, display_name=SHOWN, confirm_email=True
    )
    do_update_profile(
        rt,
        zelda,
        note=BIO,
        avatar=picture("PNG", (64, 64)),
        header=picture("PNG", (90, 30)),
        settings=ProfileSettings(fields=[("field-marker", "value-marker-5")]),
    )
    return zelda


def _fill(rt: Runtime, people: People, zelda: int) -> dict[str, Any]:
    """Zelda's life on the server, and the traces it left in other people's data."""
    bob, carol = people.bob, people.carol
    do_follow(rt, bob, zelda)
    do_follow(rt, zelda, bob)
    do_follow(rt, zelda, carol)
    bob_list = do_create_list(rt, bob, "friends")
    do_add_list_accounts(rt, bob, bob_list, [zelda])
    own_list = do_create_list(rt, zelda, f"{POST_TEXT} list")
    do_add_list_accounts(rt, zelda, own_list, [bob])
    media_id = do_upload_media(
        rt, zelda, picture("PNG"), content_type="image/png", filename="a.png"
    )
    loose_media = do_upload_media(
        rt, zelda, picture("PNG"), content_type="image/png", filename="b.png"
    )
    public = do_create_post(rt, zelda, f"{POST_TEXT} public #gardening", media_ids=[media_id])
    private = do_create_post(rt, zelda, f"{POST_TEXT} private", visibility="private")
    do_create_post(rt, zelda, f"{POST_TEXT} @bob direct", visibility="direct")
    do_create_post(
        rt,
        zelda,
        f"{POST_TEXT} poll",
        poll=PollSpec(options=["yes", "no"], expires_in=3600),
    )
    do_pin(rt, zelda, public)
    bob_post = do_create_post(rt, bob, "bob says hello")
    do_create_post(rt, zelda, f"{POST_TEXT} reply", in_reply_to_id=bob_post)
    do_reblog(rt, zelda, bob_post)
    do_favourite(rt, zelda, bob_post)
    do_bookmark(rt, zelda, bob_post)
    # others' marks on zelda's posts
    do_favourite(rt, bob, public)
    do_bookmark(rt, bob, public)
    do_reblog(rt, bob, public)
    do_create_post(rt, bob, "a reply without names", in_reply_to_id=public)
    do_block(rt, zelda, people.dave)
    do_mute(rt, zelda, people.erin)
    do_mute(rt, bob, zelda)
    do_follow_tag(rt, zelda, "gardening")
    do_create_filter(
        rt, zelda, title="f", context=["home"], keywords=[KeywordChange(keyword="kw-marker")]
    )
    circle = do_create_circle(rt, zelda, "inner")
    do_add_circle_members(rt, zelda, circle, [bob])
    do_report(rt, zelda, people.dave, comment=f"{POST_TEXT} report")
    do_report(rt, bob, zelda, status_ids=[public], comment="spam")
    do_link_phone(rt, zelda, "+15005550006")
    export_id = do_request_export(rt, zelda)
    do_request_password_reset(rt, EMAIL, address=None)  # a mail and a link naming her
    do_set_digest(rt, zelda, True)
    session = do_start_web_session(rt, zelda, "Firefox")
    token = do_register_token(rt, None, zelda, frozenset({"read", "write"}))
    with rt.db.read() as conn:
        files = [
            n
            for row in conn.execute(
                select(media_attachments).where(media_attachments.c.id.in_([media_id, loose_media]))
            )
            for n in (row.file_name, row.preview_name)
            if n
        ]
        profile = get_account(rt, zelda)
    return {
        "posts": [public, private],
        "export": export_id,
        "session": session,
        "token": token.access_token,
        "bob_list": bob_list,
        "files": [*files, profile.avatar, profile.header],
    }


def _traces(rt: Runtime, zelda: int, strings: list[str]) -> list[str]:
    """Every value in every table that names the account, as ``table.column = value``."""
    found = []
    for table in load_all_models().sorted_tables:
        with rt.db.read() as conn:
            rows = conn.execute(select(table)).mappings().all()
        for row in rows:
            if table.name == "accounts" and row["id"] == zelda:
                continue  # the reserved row: checked on its own
            for column, value in row.items():
                text = value if isinstance(value, str) else json.dumps(value, default=str)
                if value == zelda or str(zelda) in text or any(s in text for s in strings):
                    found.append(f"{table.name}.{column} = {value!r}")
    return found


def test_deleting_an_account_leaves_no_personal_data_anywhere(
    rt: Runtime, people: People, settle: Callable[[], object]
) -> None:
    # given
    zelda = _register_zelda(rt)
    life = _fill(rt, people, zelda)
    settle()
    assert access_archive(rt, zelda, life["export"])
    life["files"].append(get_exports(rt, zelda)[0].file_name)  # the archive's file too
    bob_home = rt.timelines.page(home_key(people.bob), limit=100) or []
    assert set(life["posts"]) <= set(bob_home)
    strings = [EMAIL, SHOWN, BIO, POST_TEXT, "value-marker-5", "kw-marker", "+15005550006"]
    assert _traces(rt, zelda, strings), "the check must see the account before the purge"
    assert len(hydrate(rt, people.bob, life["posts"])) == 2
    # when: a wrong password changes nothing
    with pytest.raises(ValidationFailed):
        do_delete_own_account(rt, zelda, "not the password")
    assert get_account(rt, zelda).deleted_at is None
    do_delete_own_account(rt, zelda, PASSWORD)
    # then, at once: hidden, signed out everywhere, tokens dead
    with pytest.raises(NotFound):
        get_account(rt, zelda)
    with pytest.raises(NotFound):
        get_account_by_username(rt, NAME)
    assert search_accounts(rt, NAME) == []
    assert do_resume_web_session(rt, life["session"]) is None
    assert get_token(rt, life["token"]) is None
    assert authenticate(rt, NAME, PASSWORD, address=None) is None
    assert hydrate(rt, people.bob, life["posts"]) == []  # before the job ran
    # and once the job ran: nothing left
    settle()
    assert _traces(rt, zelda, strings) == []
    with rt.db.read() as conn:
        row = conn.execute(select(accounts).where(accounts.c.id == zelda)).one()
    assert row.username == NAME
    assert row.deleted_at is not None
    for column in ("email", "password_hash", "avatar", "header", "fields", "note_html"):
        assert row._mapping[column] is None, column
    assert (row.display_name, row.note) == ("", "")
    for name in life["files"]:
        assert rt.media.read(name) is None, name
    with pytest.raises(NotFound):
        access_archive(rt, zelda, life["export"])  # its row is gone too
    with rt.db.read() as conn:
        assert conn.scalar(select(posts.c.id).where(posts.c.id.in_(life["posts"]))) is None
    # stored timelines hold none of the posts (Redis in scale mode)
    for key in (home_key(people.bob), list_key(life["bob_list"])):
        assert not set(life["posts"]) & set(rt.timelines.page(key, limit=100) or [])
    assert not rt.timelines.exists(home_key(zelda))
    # counters of the people left behind are right
    bob = get_account(rt, people.bob)
    assert (bob.followers_count, bob.following_count) == (0, 0)
    # nobody can follow, block or mention the account any more
    with pytest.raises(NotFound):
        do_follow(rt, people.carol, zelda)
    with pytest.raises(NotFound):
        do_block(rt, people.carol, zelda)
    do_create_post(rt, people.carol, f"hello @{NAME}")
    settle()
    assert _traces(rt, zelda, strings) == []
    # the username stays reserved
    with pytest.raises(InvalidFields):
        do_register(rt, NAME, PASSWORD, email="new@example.org")


def test_purging_twice_is_harmless(
    rt: Runtime, people: People, settle: Callable[[], object]
) -> None:
    """A suspension's end calls it directly (no deletion first); a retried job repeats it."""
    zelda = _register_zelda(rt)
    do_create_post(rt, zelda, POST_TEXT)
    do_follow(rt, people.bob, zelda)
    purge_account(rt, zelda)
    purge_account(rt, zelda)
    settle()
    assert _traces(rt, zelda, [EMAIL, POST_TEXT, SHOWN]) == []
    with pytest.raises(NotFound):
        get_account(rt, zelda)
    assert get_account(rt, people.bob).following_count == 0


def test_an_import_queued_before_the_deletion_does_nothing_after_it(
    rt: Runtime, people: People, settle: Callable[[], object]
) -> None:
    # given: an import waiting in the queue
    zelda = _register_zelda(rt)
    assert people.bob
    do_start_import(rt, zelda, "follows", "merge", b"bob@roost.test\n")
    # when: the purge (here a suspension's end, called directly) runs before the batch
    purge_account(rt, zelda)
    settle()
    # then
    assert get_account(rt, people.bob).followers_count == 0
    assert _traces(rt, zelda, [EMAIL]) == []
