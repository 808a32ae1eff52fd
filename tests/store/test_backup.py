"""``roost backup`` while the instance keeps writing, and ``roost restore`` into a
new, empty instance: every account, post, follow, timeline and media file is back."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from roost.accounts.models import accounts
from roost.cli import app
from roost.config import Settings
from roost.graph.actions import do_follow
from roost.graph.models import follows
from roost.paging import Page
from roost.posts.actions import do_create_post
from roost.posts.models import posts
from roost.runtime import Runtime, build_runtime
from roost.timelines.feeds import home_page_ids
from tests.conftest import ADMIN_URL, REDIS_URL, SCALE, People, delete_redis_prefix


def env(settings: Settings) -> dict[str, str]:
    values = {"ROOST_DATA_DIR": str(settings.data_dir), "ROOST_DATABASE_URL": settings.database_url}
    if settings.redis_url:
        values |= {
            "ROOST_REDIS_URL": settings.redis_url,
            "ROOST_REDIS_PREFIX": settings.redis_prefix,
        }
    return values


def world(rt: Runtime, before: int | None = None) -> dict[str, object]:
    """Everything a restore must bring back, as plain values (homes older than
    ``before`` only: posts made during the backup may or may not be in it)."""
    with rt.db.read() as conn:
        account_ids = set(conn.scalars(select(accounts.c.id)))
        post_ids = set(conn.scalars(select(posts.c.id)))
        pairs = set(conn.execute(select(follows.c.account_id, follows.c.target_account_id)))
    homes = {a: home_page_ids(rt, a, Page(limit=40, max_id=before)) for a in sorted(account_ids)}
    return {"accounts": account_ids, "posts": post_ids, "follows": pairs, "homes": homes}


@pytest.fixture
def empty_instance(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """A second instance with nothing in it yet (its own database, folder and prefix)."""
    data_dir = tmp_path / "restored"
    data_dir.mkdir()
    values: dict[str, object] = {"data_dir": data_dir}
    name = f"roost_restore_{uuid.uuid4().hex[:8]}"
    if settings.is_postgres:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        values["database_url"] = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    if SCALE:
        values["redis_prefix"] = f"roost_test:{uuid.uuid4().hex[:12]}:"
    restored = settings.model_copy(update=values)
    try:
        yield restored
    finally:
        if settings.is_postgres:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if SCALE:
            delete_redis_prefix(REDIS_URL, restored.redis_prefix)


def test_a_backup_taken_while_serving_restores_every_account_post_follow_and_timeline(
    rt: Runtime,
    settings: Settings,
    people: People,
    settle: Callable[[], int],
    empty_instance: Settings,
    tmp_path: Path,
) -> None:
    # given a small network with posts, follows and an uploaded file
    alice, bob, carol = people.alice, people.bob, people.carol
    for follower, target in ((alice, bob), (bob, alice), (carol, alice), (carol, bob)):
        do_follow(rt, follower, target)
    for author in (alice, bob, carol):
        for i in range(3):
            do_create_post(rt, author, f"post {i} by {author}")
    do_create_post(rt, bob, "for my followers", visibility="private")
    settle()
    rt.media.save("cat.png", b"\x89PNG not really")
    before = world(rt)
    # when a backup is taken while bob keeps posting
    stop = threading.Event()

    def keep_posting() -> None:
        while not stop.is_set():
            do_create_post(rt, bob, "meanwhile")

    writer = threading.Thread(target=keep_posting)
    writer.start()
    try:
        result = CliRunner().invoke(app, ["backup", str(tmp_path / "backup")], env=env(settings))
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    # and restored into an empty instance
    result = CliRunner().invoke(
        app, ["restore", "--yes", str(tmp_path / "backup")], env=env(empty_instance)
    )
    assert result.exit_code == 0, result.output
    # then everything from before the backup is there, timelines read the same
    restored = build_runtime(empty_instance, pool_size=2)
    try:
        assert isinstance(before["posts"], set)
        after = world(restored, before=max(before["posts"]) + 1)
        assert before["accounts"] == after["accounts"]
        assert before["follows"] == after["follows"]
        assert isinstance(after["posts"], set)
        assert before["posts"] <= after["posts"]  # and perhaps some posts made meanwhile
        assert before["homes"] == after["homes"]
        media = empty_instance.data_dir / "media" / "cat.png"
        assert media.read_bytes() == b"\x89PNG not really"
    finally:
        restored.close()


def test_a_backup_refuses_a_folder_that_is_not_empty(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "something").write_text("x")
    result = CliRunner().invoke(app, ["backup", str(tmp_path / "old")], env=env(settings))
    assert result.exit_code == 1
    assert "not empty" in result.output
