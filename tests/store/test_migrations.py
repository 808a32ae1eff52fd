"""Revision 0002 on a database with earlier data: threads get their conversation, and
earlier direct messages show in the new inbox. On SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from sqlalchemy import Engine, text

from roost.store.db import make_engine
from roost.store.migrate import alembic_config
from tests.conftest import ADMIN_URL, BACKENDS


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    name = f"roost_mig_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(ADMIN_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            "postgresql+psycopg://"
            + ADMIN_URL.rsplit("/", 1)[0].removeprefix("postgresql://")
            + f"/{name}"
        )
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _seed_0001(engine: Engine) -> None:
    now = "2026-01-01 00:00:00+00:00"
    with engine.begin() as conn:
        for i, name in enumerate(["ann", "ben", "cat"], 1):
            conn.execute(
                text(
                    "INSERT INTO accounts (id, username, display_name, note, locked, bot,"
                    " discoverable, created_at, followers_count, following_count,"
                    " statuses_count, session_epoch) VALUES (:i, :u, '', '', false, false,"
                    " true, :t, 0, 0, 0, 0)"
                ),
                {"i": i, "u": name, "t": now},
            )
        for post_id, author, visibility, reply in [
            (10, 1, "direct", None),
            (11, 2, "direct", 10),
            (12, 1, "public", 11),
            (20, 3, "public", None),
        ]:
            conn.execute(
                text(
                    "INSERT INTO posts (id, account_id, text, content, spoiler_text, sensitive,"
                    " visibility, in_reply_to_id, created_at, replies_count, reblogs_count,"
                    " favourites_count) VALUES (:i, :a, '', '', '', false, :v, :r, :t, 0, 0, 0)"
                ),
                {"i": post_id, "a": author, "v": visibility, "r": reply, "t": now},
            )
        conn.execute(text("INSERT INTO mentions VALUES (10, 2), (11, 1)"))


def test_0002_gives_earlier_threads_conversations_and_an_inbox(empty_url: str) -> None:
    config = alembic_config(empty_url)
    command.upgrade(config, "0001")
    engine = make_engine(empty_url, pool_size=0)
    try:
        _seed_0001(engine)
        command.upgrade(config, "head")
        with engine.connect() as conn:
            threads = conn.execute(text("SELECT id, conversation_id FROM posts ORDER BY id")).all()
            inbox = conn.execute(
                text(
                    "SELECT account_id, conversation_id, last_post_id FROM account_conversations"
                    " ORDER BY account_id"
                )
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in threads] == [(10, 10), (11, 10), (12, 10), (20, 20)]
    assert [tuple(r) for r in inbox] == [(1, 10, 11), (2, 10, 11)]


def test_0014_indexes_the_posts_already_there(empty_url: str) -> None:
    config = alembic_config(empty_url)
    command.upgrade(config, "0001")
    engine = make_engine(empty_url, pool_size=0)
    try:
        _seed_0001(engine)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE posts SET text = 'old words https://example.com' WHERE id = 20")
            )
        command.upgrade(config, "head")
        with engine.connect() as conn:
            flags = conn.execute(
                text("SELECT post_id, has_link FROM post_search ORDER BY post_id")
            ).all()
            if conn.dialect.name == "sqlite":
                found = conn.execute(
                    text("SELECT rowid FROM post_fts WHERE post_fts MATCH 'words'")
                )
            else:
                found = conn.execute(
                    text("SELECT post_id FROM post_search WHERE document @@ 'words'::tsquery")
                )
            matched = [r[0] for r in found]
    finally:
        engine.dispose()
    assert [(r[0], bool(r[1])) for r in flags] == [
        (10, False), (11, False), (12, False), (20, True)
    ]  # fmt: skip
    assert matched == [20]
