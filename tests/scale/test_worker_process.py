"""``roost worker`` as an operator runs it: stopped by SIGTERM (a deploy, systemd)
it finishes the job in hand and exits cleanly, leaving nothing leased."""

from __future__ import annotations

import os
import signal

import pytest
from sqlalchemy import select

from roost.accounts.actions import do_register
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from roost.store.jobs import jobs
from tests.scale.conftest import ScaleEnv, bulk_followers, wait_for

pytestmark = pytest.mark.slow


def test_sigterm_stops_a_worker_cleanly_after_its_current_job(
    scale_env: ScaleEnv, scale_rt: Runtime
) -> None:
    # given a worker that has claimed a fan-out
    author = do_register(scale_rt, "busy", "a long enough password")
    bulk_followers(scale_rt, author, 5_000)
    worker = scale_env.start_worker("stopping")
    log = scale_env.log_dir / "stopping.log"
    wait_for(lambda: log.exists() and b"started" in log.read_bytes(), timeout=30, step=0.05)
    do_create_post(scale_rt, author, "one")
    wait_for(lambda: leased(scale_rt) != [], timeout=30, step=0.001)
    # when
    os.killpg(worker.pid, signal.SIGTERM)
    # then it exits by itself, with success, after finishing the job it held
    assert worker.wait(timeout=10) == 0
    assert leased(scale_rt) == []


def leased(rt: Runtime) -> list[str]:
    with rt.db.read() as conn:
        return list(conn.scalars(select(jobs.c.locked_by).where(jobs.c.locked_by.is_not(None))))
