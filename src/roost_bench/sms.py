"""The SMS step: one account with N phone-linked followers who turned its texts on.

Seeds the account, its followers (notify follows) and their verified phones in
bulk, starts a fake Twilio on loopback (``bench.carrier``), and posts once. Then
it times, with two worker threads in this process running the real jobs against
the run's database:

* the post path: the action that accepts the post (it only enqueues the fan-out);
* queued: from the post to every follower's text in the outbox, each with its
  send job (fan-out -> notifications -> compose jobs);
* sent: from the post to the carrier having every text, and the send rate,
  against ``ROOST_SMS_RATE``: the busiest one-second window the carrier saw must
  not exceed it;
* never twice: the carrier must have seen each number exactly once.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from roost.graph.models import follows
from roost.ids import new_id
from roost.phones.models import phones, sms_texts
from roost.posts.actions import do_create_post
from roost.runtime import Runtime, build_runtime
from roost.store.schema import utcnow
from roost.worker import Worker
from roost_bench.carrier import FakeTwilio
from roost_bench.seed import bulk_insert, create_people

WORKERS = 2


def seed_phone_followers(rt: Runtime, count: int) -> int:
    star = create_people(rt, ["smsstar"], followers=[count]).ids[0]
    fans = create_people(rt, [f"smsfan{i}" for i in range(count)], following=[1] * count).ids
    now = utcnow()
    bulk_insert(
        rt,
        follows,
        (
            {
                "id": new_id(),
                "account_id": f,
                "target_account_id": star,
                "created_at": now,
                "notify": True,
            }
            for f in fans
        ),
    )
    bulk_insert(
        rt,
        phones,
        (
            {
                "id": new_id(),
                "account_id": f,
                "number": f"+1415{i:07d}",
                "verified_number": f"+1415{i:07d}",
                "code_attempts": 0,
                "texts_on": True,
                "stopped": False,
                "posts_on": True,
                "mentions_on": True,
                "dms_on": True,
                "quiet_hold": True,
                "time_zone": "UTC",
                "daily_cap": 100,
                "created_at": now,
            }
            for i, f in enumerate(fans)
        ),
    )
    return star


def measure_sms(rt: Runtime, *, followers: int, rate: float, budget: float) -> dict[str, Any]:
    star = seed_phone_followers(rt, followers)
    with FakeTwilio() as carrier:
        settings = rt.settings.model_copy(
            update={
                "sms_transport": "twilio",
                "sms_twilio_base_url": carrier.url,
                "sms_twilio_account_sid": "ACbench",
                "sms_twilio_auth_token": "bench",
                "sms_from": "40404",
                "sms_rate": rate,
                "rate_limits": False,
            }
        )
        sender = build_runtime(settings, pool_size=WORKERS + 2)
        workers = [Worker(sender, name=f"sms-bench-{n}") for n in range(WORKERS)]
        try:
            started = time.perf_counter()
            post_id = do_create_post(sender, star, "The 8:15 is cancelled; next train 8:45.")
            post_path = time.perf_counter() - started
            for worker in workers:
                worker.start_thread()
            queued_at = sent_at = None
            while time.perf_counter() - started < budget:
                queued, sent = _progress(sender, post_id)
                now = time.perf_counter() - started
                if queued_at is None and queued >= followers:
                    queued_at = now
                if sent >= followers:
                    sent_at = now
                    break
                time.sleep(0.2)
        finally:
            for worker in workers:
                worker.stop()
            time.sleep(1.0)  # let the texts in hand finish
            sender.close()
        queued, sent = _progress(rt, post_id)
        arrivals = sorted(carrier.arrivals)
        numbers = Counter(r.form.get("To") for r in carrier.requests)
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    return {
        "followers": followers,
        "rate_setting": rate,
        "workers": WORKERS,
        "post_path_s": round(post_path, 4),
        "all_queued_s": None if queued_at is None else round(queued_at, 2),
        "all_sent_s": None if sent_at is None else round(sent_at, 2),
        "queued": queued,
        "sent": sent,
        "carrier_requests": len(carrier.requests),
        "sent_twice": sum(1 for n in numbers.values() if n > 1),
        "send_rate_per_s": round((len(arrivals) - 1) / span, 1) if span else None,
        "busiest_second": _busiest_second(arrivals),
        "budget_s": budget,
    }


def _progress(rt: Runtime, post_id: int) -> tuple[int, int]:
    with rt.db.read() as conn:
        rows: dict[str, int] = dict(
            conn.execute(
                select(sms_texts.c.status, func.count())
                .where(sms_texts.c.post_id == post_id)
                .group_by(sms_texts.c.status)
            ).all()
        )
    return sum(rows.values()), int(rows.get("sent", 0))


def _busiest_second(arrivals: list[float]) -> int:
    """The most texts the carrier received within any one second."""
    best, start = 0, 0
    for end, moment in enumerate(arrivals):
        while moment - arrivals[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best
