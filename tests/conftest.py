"""Fixtures shared by every test.

``rt`` is a Runtime on a fresh database, once per backend: SQLite (a copy of a
migrated template file) and PostgreSQL (a database created for this run, emptied
between tests, dropped at the end). ``ROOST_TEST_BACKENDS`` narrows the list;
a backend that cannot be reached makes its tests fail, never skip.

``ROOST_TEST_SCALE=1`` runs every test in scale mode: timelines, pub/sub and the
job doorbell in the Redis at ``ROOST_TEST_REDIS_URL``, under a key prefix of
this test's own, whose keys are deleted afterwards (the Redis is shared, so
never a FLUSHALL).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from sqlalchemy import text

from roost.accounts.actions import do_register, hash_password
from roost.config import Settings
from roost.runtime import Runtime, build_runtime
from roost.store.migrate import migrate
from roost.store.models import load_all_models
from roost.worker import drain
from tests.smtp import SmtpServer

BACKENDS = [b for b in os.environ.get("ROOST_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]
ADMIN_URL = os.environ.get("ROOST_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")

SCALE = os.environ.get("ROOST_TEST_SCALE", "") == "1"
REDIS_URL = os.environ.get("ROOST_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

PASSWORD = "correct horse battery"


def delete_redis_prefix(url: str, prefix: str) -> None:
    """Deletes this prefix's keys only: other engineers' runs share the Redis."""
    client = redis.Redis.from_url(url)
    try:
        batch = list(client.scan_iter(match=f"{prefix}*", count=1000))
        for i in range(0, len(batch), 1000):
            client.unlink(*batch[i : i + 1000])
    finally:
        client.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "roost.sqlite3"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"roost_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(ADMIN_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    migrate("postgresql+psycopg://" + url.removeprefix("postgresql://"))
    try:
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _truncate_postgres(rt: Runtime) -> None:
    names = ", ".join(t.name for t in load_all_models().sorted_tables)
    with rt.db.write() as tx:
        tx.conn.execute(text(f"TRUNCATE {names} CASCADE"))


@pytest.fixture(params=BACKENDS)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    backend: str = request.param
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if backend == "sqlite":
        shutil.copy(request.getfixturevalue("sqlite_template"), data_dir / "roost.sqlite3")
        result = Settings(data_dir=data_dir, base_url="http://roost.test", rate_limits=False)
    else:
        url = request.getfixturevalue("postgres_url")
        result = Settings(
            data_dir=data_dir, database_url=url, base_url="http://roost.test", rate_limits=False
        )
    if SCALE:
        prefix = f"roost_test:{uuid.uuid4().hex[:12]}:"
        result = result.model_copy(update={"redis_url": REDIS_URL, "redis_prefix": prefix})
    try:
        yield result
    finally:
        if SCALE:
            delete_redis_prefix(REDIS_URL, result.redis_prefix)


@pytest.fixture
def rt(settings: Settings) -> Iterator[Runtime]:
    runtime = build_runtime(settings, pool_size=5)
    if settings.is_postgres:
        _truncate_postgres(runtime)
    try:
        yield runtime
    finally:
        runtime.close()


@functools.cache
def _password_hash() -> str:
    """Argon2 is slow on purpose; personas share one hash of PASSWORD to keep tests quick."""
    return hash_password(PASSWORD)


class People:
    """Named personas, created through the registration action on first use."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self._ids: dict[str, int] = {}

    def __getattr__(self, name: str) -> int:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._ids:
            self._ids[name] = do_register(
                self.rt, name, PASSWORD, email=f"{name}@example.com", password_hash=_password_hash()
            )
        return self._ids[name]


@pytest.fixture
def people(rt: Runtime) -> People:
    return People(rt)


@pytest.fixture
def settle(rt: Runtime) -> object:
    """Runs every queued job now, as a worker would."""
    return lambda: drain(rt)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on loopback (see tests/smtp.py)."""
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_rt(rt: Runtime, smtp_server: SmtpServer) -> Runtime:
    """``rt`` (same database and stores) with ``ROOST_SMTP_URL`` at ``smtp_server``."""
    settings = rt.settings.model_copy(update={"smtp_url": smtp_server.url()})
    return dataclasses.replace(rt, settings=settings, web_env=None)
