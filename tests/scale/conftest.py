"""Scale mode as it runs in production: real ``roost serve`` and ``roost worker``
processes against a PostgreSQL database created for this module and a private
``redis-server`` (private, so a test may FLUSHALL it without touching anyone
else's keys).

The test process talks to the same database and Redis through its own
``Runtime`` to set up data quickly and to look inside timelines.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import insert, update

from roost.accounts.models import accounts
from roost.config import Settings
from roost.graph.models import follows
from roost.ids import new_id
from roost.runtime import Runtime, build_runtime
from roost.store.migrate import migrate
from roost.store.redis_timelines import SENTINEL, RedisTimelineStore
from roost.store.schema import utcnow
from roost.timelines.feeds import home_key
from tests.conftest import ADMIN_URL
from tests.store.redis_server import free_port, private_redis

ROOST = str(Path(sys.executable).parent / "roost")


@dataclass
class ScaleEnv:
    database_url: str
    redis_url: str
    data_dir: Path
    log_dir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "ROOST_DATABASE_URL": self.database_url,
            "ROOST_REDIS_URL": self.redis_url,
            "ROOST_REDIS_PREFIX": "roost:",
            "ROOST_DATA_DIR": str(self.data_dir),
            "ROOST_INPROCESS_WORKER": "false",
            "ROOST_SECRET_KEY": "scale-test-secret-shared-by-every-web-process",
            "ROOST_JOB_LEASE_SECONDS": "2",
            **extra,
        }

    def settings(self) -> Settings:
        return Settings(
            database_url=self.database_url,
            redis_url=self.redis_url,
            redis_prefix="roost:",
            data_dir=self.data_dir,
            base_url="http://roost.test",
        )

    def _start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append(process)
        return process

    def start_web(self, *, web_processes: int = 1) -> str:
        """``roost serve`` on a free port; returns its base URL once it answers."""
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = self.env(ROOST_PORT=str(port), ROOST_BASE_URL=base)
        self._start(f"web-{port}", [ROOST, "serve", "--workers", str(web_processes)], env)
        return base

    def start_worker(self, name: str, **extra: str) -> subprocess.Popen[bytes]:
        return self._start(name, [ROOST, "worker"], self.env(**extra))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes.clear()


def wait_until_up(base: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}/api/v1/instance", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"roost serve at {base} did not start")
        time.sleep(0.1)


def wait_for(check: Callable[[], bool], timeout: float, step: float = 0.01) -> float:
    """Seconds until ``check()`` held; fails the test after ``timeout``."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not true after {timeout} s")
        time.sleep(step)
    return time.monotonic() - started


@pytest.fixture(scope="module")
def scale_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaleEnv]:
    name = f"roost_scale_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(ADMIN_URL, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    folder = tmp_path_factory.mktemp("scale")
    (folder / "data").mkdir()
    (folder / "logs").mkdir()
    try:
        migrate("postgresql+psycopg://" + url.removeprefix("postgresql://"))
        with private_redis(folder) as redis_url:
            env = ScaleEnv(url, redis_url, folder / "data", folder / "logs")
            try:
                yield env
            finally:
                env.stop_all()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="module")
def scale_rt(scale_env: ScaleEnv) -> Iterator[Runtime]:
    runtime = build_runtime(scale_env.settings(), pool_size=4)
    try:
        yield runtime
    finally:
        runtime.close()


def bulk_followers(rt: Runtime, target_id: int, count: int) -> list[int]:
    """Creates ``count`` active accounts following ``target_id``, with empty home
    timelines, by inserting rows and Redis entries directly: registering through
    ``do_register`` would spend minutes hashing passwords and one Redis round trip
    per timeline. The rows and entries are what the actions write."""
    now = utcnow()
    ids = [new_id() for _ in range(count)]
    tag = uuid.uuid4().hex[:6]
    with rt.db.write() as tx:
        tx.conn.execute(
            insert(accounts),
            [
                {
                    "id": a,
                    "username": f"f{tag}{i}",
                    "display_name": "",
                    "note": "",
                    "locked": False,
                    "bot": False,
                    "discoverable": True,
                    "created_at": now,
                    "last_active_at": now,
                    "followers_count": 0,
                    "following_count": 1,
                    "statuses_count": 0,
                    "session_epoch": 0,
                }
                for i, a in enumerate(ids)
            ],
        )
        tx.conn.execute(
            insert(follows),
            [
                {"id": new_id(), "account_id": a, "target_account_id": target_id, "created_at": now}
                for a in ids
            ],
        )
        tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == target_id)
            .values(followers_count=accounts.c.followers_count + count)
        )
    store = redis_store(rt)
    pipe = store.client.pipeline(transaction=False)
    for a in ids:
        pipe.zadd(store.prefix + home_key(a), {SENTINEL: 0})
    pipe.execute()
    return ids


def redis_store(rt: Runtime) -> RedisTimelineStore:
    assert isinstance(rt.timelines, RedisTimelineStore)
    return rt.timelines


def home_entries(rt: Runtime, account_ids: list[int]) -> list[list[int] | None]:
    """Every entry of these home timelines, read in one round trip; ``None`` for a
    missing timeline. Reads the sorted sets themselves, so a duplicate or a stray
    member would show."""
    store = redis_store(rt)
    pipe = store.client.pipeline(transaction=False)
    for a in account_ids:
        pipe.zrange(store.prefix + home_key(a), 0, -1)
    result: list[list[int] | None] = []
    for members in pipe.execute():
        if not members:
            result.append(None)
        else:
            assert members[0] == SENTINEL
            result.append([int(m) for m in members[1:]])
    return result
