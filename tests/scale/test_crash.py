"""A worker killed in the middle of a large fan-out loses nothing and duplicates
nothing: the job it held comes back when its lease expires, and delivery is
idempotent.

The 20,000 followers are inserted in bulk through the tables and Redis (see
``bulk_followers``): registering them through the action would spend minutes
hashing passwords. Their timelines are checked by reading the sorted sets.
Everything else goes through the actions and real ``roost worker`` processes,
killed with SIGKILL, so no cleanup code runs.
"""

from __future__ import annotations

import os
import signal
import subprocess

import pytest
from sqlalchemy import func, select

from roost.accounts.actions import do_register
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from roost.store.jobs import jobs
from roost.timelines.actions import DELIVER_JOB, DELIVERY_BATCH
from roost.timelines.feeds import home_key
from tests.scale.conftest import ScaleEnv, bulk_followers, home_entries, wait_for

pytestmark = pytest.mark.slow

FOLLOWERS = 20_000
# Fan-out stays on for this many followers (the default threshold is 10,000).
WORKER_ENV = {"ROOST_FANOUT_MAX_FOLLOWERS": "50000"}


def start_worker(env: ScaleEnv, name: str) -> subprocess.Popen[bytes]:
    process = env.start_worker(name, **WORKER_ENV)
    log = env.log_dir / f"{name}.log"
    wait_for(lambda: log.exists() and b"started" in log.read_bytes(), timeout=30, step=0.05)
    return process


def deliveries_left(rt: Runtime) -> int:
    with rt.db.read() as conn:
        return int(
            conn.scalar(select(func.count()).select_from(jobs).where(jobs.c.kind == DELIVER_JOB))
            or 0
        )


def holders(rt: Runtime, followers: list[int], post_id: int) -> int:
    return sum(entries == [post_id] for entries in home_entries(rt, followers))


def test_a_worker_killed_mid_fanout_leaves_every_follower_the_post_exactly_once(
    scale_env: ScaleEnv, scale_rt: Runtime
) -> None:
    # given
    author = do_register(scale_rt, "author", "a long enough password")
    followers = bulk_followers(scale_rt, author, FOLLOWERS)
    doomed = start_worker(scale_env, "doomed")
    # when the only worker dies while delivery jobs are being worked through
    post_id = do_create_post(scale_rt, author, "to twenty thousand")
    batches = FOLLOWERS // DELIVERY_BATCH  # one delivered inline by the fan-out job
    wait_for(lambda: 0 < deliveries_left(scale_rt) < batches - 1, timeout=30, step=0.002)
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=10)
    # then it died with the work half done
    assert scale_rt.jobs.pending_count() > 0
    assert 0 < holders(scale_rt, followers, post_id) < FOLLOWERS
    # when workers start again, the dead worker's claims come back after their lease
    start_worker(scale_env, "heir-1")
    start_worker(scale_env, "heir-2")
    wait_for(lambda: scale_rt.jobs.pending_count() == 0, timeout=60, step=0.05)
    # then every follower has the post, once, and nothing was parked
    assert scale_rt.jobs.parked() == []
    assert holders(scale_rt, followers, post_id) == FOLLOWERS
    assert scale_rt.timelines.page(home_key(author)) == [post_id]
