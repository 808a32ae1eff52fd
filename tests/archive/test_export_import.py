"""The archive holds what Mastodon's does, and its CSVs bring a person's follows,
lists, blocks, mutes and bookmarks into a new account on the same server."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from roost.accounts.actions import do_update_profile
from roost.accounts.models import accounts
from roost.archive.csvs import FILES
from roost.archive.export import do_request_export, handle_expire
from roost.archive.imports import do_start_import
from roost.archive.queries import access_archive, get_exports, get_imports
from roost.errors import NotFound, RateLimited, ValidationFailed
from roost.graph.actions import do_follow
from roost.graph.blocks import do_block, do_mute
from roost.graph.models import blocks, follow_requests, follows, mutes
from roost.lists.actions import do_add_list_accounts, do_create_list
from roost.lists.models import list_accounts, lists
from roost.media.actions import do_upload_media
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.marks import do_bookmark, do_favourite
from roost.posts.models import bookmarks
from roost.runtime import Runtime
from tests.conftest import People
from tests.media.pictures import picture

BASE = "http://roost.test"


def _relations(rt: Runtime, account_id: int) -> dict[str, Any]:
    """Everything an import can carry, by username, comparable across accounts."""
    with rt.db.read() as conn:

        def names(table: Any, *extra: Any) -> set[tuple[Any, ...]]:
            rows = conn.execute(
                select(accounts.c.username, *extra)
                .join(table, table.c.target_account_id == accounts.c.id)
                .where(table.c.account_id == account_id)
            ).all()
            return {tuple(r) for r in rows}

        members = conn.execute(
            select(lists.c.title, accounts.c.username)
            .join(list_accounts, list_accounts.c.list_id == lists.c.id)
            .join(accounts, accounts.c.id == list_accounts.c.account_id)
            .where(lists.c.account_id == account_id)
        ).all()
        marked = set(
            conn.scalars(select(bookmarks.c.post_id).where(bookmarks.c.account_id == account_id))
        )
        return {
            "follows": names(follows, follows.c.notify),
            "requests": names(follow_requests),
            "blocks": names(blocks),
            "mutes": names(mutes, mutes.c.notifications),
            "lists": {tuple(r) for r in members},
            "bookmarks": marked,
        }


def _life(rt: Runtime, people: People) -> dict[str, int]:
    alice, bob, carol = people.alice, people.bob, people.carol
    do_update_profile(rt, alice, display_name="Alice A", avatar=picture("PNG", (64, 64)))
    do_follow(rt, alice, bob, notify=True)
    do_follow(rt, alice, carol)
    do_follow(rt, alice, people.dave)
    friends = do_create_list(rt, alice, "Friends, close")
    do_add_list_accounts(rt, alice, friends, [bob, carol])
    work = do_create_list(rt, alice, "work")
    do_add_list_accounts(rt, alice, work, [people.dave])
    do_block(rt, alice, people.erin)
    do_mute(rt, alice, people.frank, notifications=False)
    do_mute(rt, alice, people.grace)
    bob_post = do_create_post(rt, bob, "bob's news")
    do_bookmark(rt, alice, bob_post)
    do_favourite(rt, alice, bob_post)
    own = do_create_post(rt, alice, "a note to self", visibility="private")
    do_bookmark(rt, alice, own)
    media = do_upload_media(rt, alice, picture("PNG"), content_type="image/png", filename="p.png")
    first = do_create_post(rt, alice, "hello #gardening", media_ids=[media])
    do_create_post(rt, alice, "@bob direct", visibility="direct")
    do_create_post(rt, alice, "a reply", in_reply_to_id=bob_post)
    do_reblog(rt, alice, bob_post)
    return {"bob_post": bob_post, "first": first, "own": own}


def _archive(rt: Runtime, account_id: int, settle: Callable[[], object]) -> zipfile.ZipFile:
    export_id = do_request_export(rt, account_id)
    (export,) = get_exports(rt, account_id)
    assert (export.state, export.posts_done, export.posts_total) == ("pending", 0, 5)
    settle()
    (export,) = get_exports(rt, account_id)
    assert (export.state, export.posts_done) == ("done", 5)
    return zipfile.ZipFile(io.BytesIO(access_archive(rt, account_id, export_id)))


def test_the_archive_holds_posts_media_profile_and_csvs(
    rt: Runtime, people: People, settle: Callable[[], object]
) -> None:
    # given
    ids = _life(rt, people)
    # when
    archive = _archive(rt, people.alice, settle)
    # then
    names = set(archive.namelist())
    assert {"outbox.json", "actor.json", "likes.json", "bookmarks.json"} <= names
    (avatar,) = [n for n in names if n.startswith("avatar.")]
    assert set(FILES.values()) <= names
    outbox = json.loads(archive.read("outbox.json"))
    assert (outbox["type"], outbox["totalItems"]) == ("OrderedCollection", 5)
    items = outbox["orderedItems"]
    assert [i["type"] for i in items].count("Announce") == 1
    announce = next(i for i in items if i["type"] == "Announce")
    assert announce["object"] == f"{BASE}/users/bob/statuses/{ids['bob_post']}"
    create = next(
        i for i in items if i["type"] == "Create" and i["object"]["id"].endswith(str(ids["first"]))
    )
    note = create["object"]
    assert note["type"] == "Note"
    assert "hello" in note["content"]
    assert note["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert {"type": "Hashtag", "href": f"{BASE}/tags/gardening", "name": "#gardening"} in note[
        "tag"
    ]
    (attachment,) = note["attachment"]
    assert attachment["url"].startswith("media_attachments/")
    assert attachment["url"] in names
    reply = next(i for i in items if i["type"] == "Create" and "reply" in i["object"]["content"])
    assert reply["object"]["inReplyTo"] == f"{BASE}/users/bob/statuses/{ids['bob_post']}"
    direct = next(i for i in items if i["type"] == "Create" and "direct" in i["object"]["content"])
    assert direct["to"] == [f"{BASE}/users/bob"]
    actor = json.loads(archive.read("actor.json"))
    assert (actor["preferredUsername"], actor["name"]) == ("alice", "Alice A")
    assert actor["icon"]["url"] == avatar
    assert "image" not in actor  # no header was set
    assert actor["outbox"] == "outbox.json"
    likes = json.loads(archive.read("likes.json"))
    assert likes["orderedItems"] == [f"{BASE}/users/bob/statuses/{ids['bob_post']}"]
    marked = json.loads(archive.read("bookmarks.json"))["orderedItems"]
    assert len(marked) == 2
    # the CSVs, in Mastodon's formats
    following = list(csv.reader(io.StringIO(archive.read("following_accounts.csv").decode())))
    assert following == [
        ["Account address", "Show boosts", "Notify on new posts", "Languages"],
        ["bob@roost.test", "true", "true", ""],
        ["carol@roost.test", "true", "false", ""],
        ["dave@roost.test", "true", "false", ""],
    ]
    assert archive.read("lists.csv").decode().splitlines() == [
        '"Friends, close",bob@roost.test',
        '"Friends, close",carol@roost.test',
        "work,dave@roost.test",
    ]
    assert archive.read("blocked_accounts.csv").decode().splitlines() == ["erin@roost.test"]
    assert archive.read("muted_accounts.csv").decode().splitlines() == [
        "Account address,Hide notifications",
        "frank@roost.test,false",
        "grace@roost.test,true",
    ]
    assert archive.read("bookmarks.csv").decode().splitlines() == [
        f"{BASE}/@bob/{ids['bob_post']}",
        f"{BASE}/@alice/{ids['own']}",
    ]
    # one a week; nobody else can fetch it
    with pytest.raises(RateLimited):
        do_request_export(rt, people.alice)
    (export,) = get_exports(rt, people.alice)
    with pytest.raises(NotFound):
        access_archive(rt, people.bob, export.id)


def test_the_csvs_reimport_into_a_new_account(
    rt: Runtime, people: People, settle: Callable[[], object]
) -> None:
    # given
    ids = _life(rt, people)
    archive = _archive(rt, people.alice, settle)
    newcomer = people.alice2
    # when
    for kind in ("follows", "lists", "blocks", "mutes", "bookmarks"):
        do_start_import(rt, newcomer, kind, "merge", archive.read(FILES[kind]))
        settle()
    # then
    before, after = _relations(rt, people.alice), _relations(rt, newcomer)
    for kind in ("follows", "blocks", "mutes", "lists"):
        assert after[kind] == before[kind], kind
    # alice's private note cannot be bookmarked by someone who cannot see it
    assert after["bookmarks"] == {ids["bob_post"]}
    reports = {i.kind: i for i in get_imports(rt, newcomer)}
    assert all(i.finished for i in reports.values())
    assert reports["follows"].imported == 3
    assert [s["reason"] for s in reports["bookmarks"].skipped] == [
        "unknown post, or one you cannot see"
    ]
    # the lists file re-sent changes nothing: each row says why
    do_start_import(rt, newcomer, "lists", "merge", archive.read("lists.csv"))
    settle()
    again = get_imports(rt, newcomer)[0]
    assert again.imported == 0
    assert {s["reason"] for s in again.skipped} == {"already in the list"}
    assert _relations(rt, newcomer)["lists"] == before["lists"]


def test_an_import_reports_each_skipped_row_and_why(
    rt: Runtime, people: People, settle: Callable[[], object]
) -> None:
    # given
    alice = people.alice
    do_follow(rt, alice, people.bob)
    do_update_profile(rt, people.carol, locked=True)
    do_block(rt, people.dave, alice)
    lines = [
        "Account address,Show boosts,Notify on new posts,Languages",
        "bob@roost.test,true,false,",  # already following
        "nobody_here@roost.test,true,false,",  # unknown
        "someone@mastodon.social,true,false,",  # remote
        "not an address!,true,false,",  # invalid
        "alice@roost.test,true,false,",  # oneself
        "carol,true,false,",  # locked: a follow request, imported
        "dave@roost.test,true,false,",  # dave blocks alice: the action refuses
        "erin@roost.test,maybe,false,",  # not a boolean
        "@frank@roost.test,true,true,",  # fine, with a leading @
    ]
    assert people.erin
    assert people.frank
    # when
    import_id = do_start_import(rt, alice, "follows", "merge", "\n".join(lines).encode())
    (report,) = get_imports(rt, alice)
    assert (report.id, report.finished, report.batches_done) == (import_id, False, 0)
    settle()
    # then
    (report,) = get_imports(rt, alice)
    assert report.finished
    assert report.imported == 2
    reasons = {s["row"]: s["reason"] for s in report.skipped}
    assert reasons[2] == "already following"
    assert reasons[3] == "unknown account"
    assert reasons[4] == "remote account: this server does not federate"
    assert reasons[5] == "invalid row: not an account address"
    assert reasons[6] == "that is your own account"
    assert reasons[8] == "a block stands between you and this account"
    assert reasons[9] == "invalid row: 'maybe' is not true or false"
    relations = _relations(rt, alice)
    assert ("carol",) in relations["requests"]
    assert ("frank", True) in relations["follows"]


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("follows", b"", "Choose a file to import"),
        ("follows", b"\xff\xfe\x00junk", "The file is not UTF-8 text (a CSV file)"),
        ("follows", b"Account address,Show boosts\n", "The file has no rows"),
        ("bookmarks", b"bob@roost.test\n", "This is not a bookmarks file"),
        ("lists", b"bob@roost.test\n", "This is not a lists file"),
        ("follows", b"x\n" * 20_001, "The file has more than 20,000 rows"),
        ("follows", b"a" * (2 * 1024 * 1024 + 1), "The file is larger than 2 MB"),
        ("pictures", b"bob\n", "Choose what the file holds"),
    ],
)
def test_a_file_that_is_not_an_import_is_refused_with_the_reason(
    rt: Runtime, people: People, kind: str, data: bytes, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        do_start_import(rt, people.alice, kind, "merge", data)
    assert caught.value.message.startswith(message)
    assert get_imports(rt, people.alice) == []


def test_overwrite_removes_what_the_file_does_not_list(
    rt: Runtime, people: People, settle: Callable[[], object]
) -> None:
    # given
    alice = people.alice
    assert people.dave
    for name in ("bob", "carol"):
        do_follow(rt, alice, getattr(people, name))
    old = do_create_list(rt, alice, "old")
    do_add_list_accounts(rt, alice, old, [people.bob])
    keep = do_create_list(rt, alice, "keep")
    do_add_list_accounts(rt, alice, keep, [people.bob, people.carol])
    # when
    do_start_import(rt, alice, "follows", "overwrite", b"carol@roost.test\ndave@roost.test\n")
    settle()
    # then
    assert {r[0] for r in _relations(rt, alice)["follows"]} == {"carol", "dave"}
    report = get_imports(rt, alice)[0]
    assert (report.imported, report.removed, report.finished) == (1, 1, True)
    # lists: unnamed lists go, unlisted members leave
    do_start_import(rt, alice, "lists", "overwrite", b"keep,carol@roost.test\n")
    settle()
    assert _relations(rt, alice)["lists"] == {("keep", "carol")}


def test_an_archive_is_kept_a_week_then_its_file_goes(
    rt: Runtime, people: People, settle: Callable[[], object]
) -> None:
    # given
    export_id = do_request_export(rt, people.alice)
    settle()
    (export,) = get_exports(rt, people.alice)
    assert rt.media.read(export.file_name) is not None
    # when: the expiry job, queued a week ahead, comes due
    handle_expire(rt, {"export_id": export_id})
    # then
    assert rt.media.read(export.file_name) is None
    with pytest.raises(NotFound):
        access_archive(rt, people.alice, export_id)
    assert get_exports(rt, people.alice)[0].state == "expired"
    with pytest.raises(RateLimited):  # the week still counts
        do_request_export(rt, people.alice)
