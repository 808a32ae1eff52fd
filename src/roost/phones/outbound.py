"""Texts out: composing them from their causes, and the durable job that sends each.

**Causes.** A text has the causes of a notification: a post by someone whose
``notify`` switch you turned on, a mention, a direct message. So the notification
code, which already finds those (once per post, in its fan-out job), calls
``queue_texts``: with the "notify me" followers before it writes their
notifications, and with mentions as its policy accepts them; nothing here walks
followers again. ``queue_texts`` keeps the recipients who have a phone that receives and
enqueues *compose* jobs of ``COMPOSE_BATCH`` each, so 10,000 phone-linked followers
cost the fan-out one indexed read and twenty job rows, and the post path nothing.

**Composing** writes one outbox row per text with an idempotency key
(``kind:post:account``, unique), and a *send* job for each new row, in one
transaction: a repeated compose job adds nothing.

**Sending** never sends a text twice. The send job marks the row ``sending``
(committed) before the carrier call and ``sent`` with the carrier's message ID
after it. If the carrier surely did not take it (could not connect, 5xx, 429) the
row goes back to ``queued`` and the job fails, to be retried with the queue's
backoff. If the worker dies between the two commits, the outcome is unknown:
Twilio's API has no idempotency key, so a rerun finds ``sending``, records
``unknown`` and does *not* resend. At-most-once is the choice for that one window
(seconds, after a crash): a lost "alice: lunch?" costs less than a doubled one on
someone's bill, and the outbox shows it. Every other failure is retried.

**Rules at send time**, read then (the settings may have changed since): STOP and
OFF and each kind's switch drop the text; quiet hours in the person's time zone
hold it until they end, or drop it, as they chose; past the daily cap (counted
from local midnight) it is dropped; a post deleted or no longer visible to them
drops it. The pace, ``ROOST_SMS_RATE`` texts a second, is a moving window in the
shared rate limiter (Redis in scale mode), so all workers together keep it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Row, func, select, true, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from roost.accounts.models import accounts
from roost.ids import new_id
from roost.phones.models import phones, sms_texts
from roost.phones.segments import fit
from roost.posts.models import posts
from roost.posts.visibility import visible_clause
from roost.runtime import Runtime
from roost.store.db import Tx
from roost.store.schema import utcnow
from roost.store.sms import SendFailed

COMPOSE_JOB = "phones.compose"
SEND_JOB = "phones.send"
COMPOSE_BATCH = 500
_IN_CHUNK = 500  # ids per IN (...) list

# Notification type -> kind of text (a mention in a direct post is a "dm").
TEXTED_CAUSES = {"status": "post", "mention": "mention"}
KIND_SWITCH = {"post": "posts_on", "mention": "mentions_on", "dm": "dms_on"}
LIVE = ("queued", "held")


def queue_texts(tx: Tx, rt: Runtime, causes: Iterable[tuple[int, str, int | None]]) -> None:
    """Called with the notifications just made, as (recipient, type, post): queues
    compose jobs for the recipients whose phone receives."""
    wanted = [(r, TEXTED_CAUSES[t], p) for r, t, p in causes if t in TEXTED_CAUSES and p]
    if not wanted:
        return
    recipients = sorted({r for r, _, _ in wanted})
    receiving: set[int] = set()
    for i in range(0, len(recipients), _IN_CHUNK):
        receiving.update(
            tx.conn.scalars(
                select(phones.c.account_id).where(
                    phones.c.account_id.in_(recipients[i : i + _IN_CHUNK]),
                    phones.c.verified_number.is_not(None),
                    phones.c.texts_on == true(),
                    phones.c.stopped != true(),
                )
            )
        )
    items = [[r, kind, p] for r, kind, p in wanted if r in receiving]
    rt.jobs.enqueue_many(
        tx,
        COMPOSE_JOB,
        [{"items": items[i : i + COMPOSE_BATCH]} for i in range(0, len(items), COMPOSE_BATCH)],
    )


def queue_text(
    tx: Tx,
    rt: Runtime,
    account_id: int,
    number: str,
    kind: str,
    body: str,
    *,
    key: str,
    post_id: int | None = None,
) -> None:
    """One text into the outbox, with its send job (a verification code)."""
    _insert_texts(
        tx,
        rt,
        [
            {
                "id": new_id(),
                "account_id": account_id,
                "to_number": number,
                "kind": kind,
                "post_id": post_id,
                "body": body,
                "key": key,
                "status": "queued",
                "created_at": utcnow(),
            }
        ],
    )


def _insert_texts(tx: Tx, rt: Runtime, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect_insert = sqlite_insert if tx.conn.dialect.name == "sqlite" else postgresql_insert
    new_ids = list(
        tx.conn.scalars(
            dialect_insert(sms_texts)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(sms_texts.c.id)
        )
    )
    rt.jobs.enqueue_many(tx, SEND_JOB, [{"text_id": i} for i in new_ids])


def handle_compose(rt: Runtime, payload: dict[str, Any]) -> None:
    items = [(int(r), str(k), int(p)) for r, k, p in payload["items"]]
    base = rt.settings.effective_base_url
    now = utcnow()
    with rt.db.write() as tx:
        post_rows = {
            row.id: row
            for row in tx.conn.execute(
                select(
                    posts.c.id,
                    posts.c.text,
                    posts.c.spoiler_text,
                    posts.c.visibility,
                    accounts.c.username,
                )
                .join(accounts, accounts.c.id == posts.c.account_id)
                .where(posts.c.id.in_({p for _, _, p in items}))
            )
        }
        phone_rows = {
            row.account_id: row
            for row in tx.conn.execute(
                select(phones).where(phones.c.account_id.in_({r for r, _, _ in items}))
            )
        }
        rows = []
        for recipient, kind, post_id in items:
            post, phone = post_rows.get(post_id), phone_rows.get(recipient)
            if post is None or phone is None or phone.verified_number is None:
                continue
            if kind == "mention" and post.visibility == "direct":
                kind = "dm"
            if not getattr(phone, KIND_SWITCH[kind]):
                continue
            rows.append(
                {
                    "id": new_id(),
                    "account_id": recipient,
                    "to_number": phone.verified_number,
                    "kind": kind,
                    "post_id": post_id,
                    "body": compose_body(base, kind, post),
                    "key": f"{kind}:{post_id}:{recipient}",
                    "status": "queued",
                    "created_at": now,
                }
            )
        _insert_texts(tx, rt, rows)


def compose_body(base_url: str, kind: str, post: Any) -> str:
    """``alice: text`` (``DM alice: text`` for a direct message, so the answer is
    ``D alice ...``), fitted to three segments with a link to the post when cut.
    A post behind a content warning sends the warning only, and the link."""
    link = f"{base_url}/@{post.username}/{post.id}"
    label = f"DM {post.username}" if kind == "dm" else post.username
    if post.spoiler_text:
        return fit(f"{label}: [CW: {post.spoiler_text}] {link}", link)
    return fit(f"{label}: {post.text}", link)


# -- sending -------------------------------------------------------------------


def handle_send(rt: Runtime, payload: dict[str, Any]) -> None:
    text_id = int(payload["text_id"])
    with rt.db.read() as conn:
        status = conn.scalar(select(sms_texts.c.status).where(sms_texts.c.id == text_id))
    if status not in (*LIVE, "sending"):
        return  # sent, dropped or failed already (a repeated job), or gone
    if status in LIVE:
        wait_for_turn(rt)  # before the transaction: waiting holds no lock
    with rt.db.write() as tx:
        text = tx.conn.execute(select(sms_texts).where(sms_texts.c.id == text_id)).first()
        if text is None or text.status not in (*LIVE, "sending"):
            return
        if text.status == "sending":
            _mark(tx, text_id, "unknown", "the worker stopped while sending: not sent again")
            return
        verdict, detail, delay = _verdict(tx.conn, text, utcnow())
        if verdict == "drop":
            _mark(tx, text_id, "dropped", detail)
            return
        if verdict == "hold":
            _mark(tx, text_id, "held", detail)
            rt.jobs.enqueue(tx, SEND_JOB, {"text_id": text_id}, delay=delay)
            return
        tx.conn.execute(
            update(sms_texts)
            .where(sms_texts.c.id == text_id)
            .values(status="sending", sent_at=utcnow(), detail=None)
        )
    try:
        sid = rt.sms.send(text.to_number, text.body)
    except SendFailed as exc:
        with rt.db.write() as tx:
            if exc.retry:
                _mark(tx, text_id, "queued", str(exc))
            else:
                _mark(tx, text_id, "unknown" if exc.maybe_sent else "failed", str(exc))
        if exc.retry:
            raise  # the job queue retries with backoff
        return
    with rt.db.write() as tx:
        tx.conn.execute(
            update(sms_texts)
            .where(sms_texts.c.id == text_id)
            .values(status="sent", carrier_sid=sid[:64])
        )


def _mark(tx: Tx, text_id: int, status: str, detail: str | None) -> None:
    tx.conn.execute(
        update(sms_texts)
        .where(sms_texts.c.id == text_id)
        .values(status=status, detail=(detail or None) and detail[:300])
    )


def _verdict(conn: Connection, text: Row[Any], now: datetime) -> tuple[str, str, float]:
    """("send" | "drop" | "hold", why, seconds to hold)."""
    phone = conn.execute(select(phones).where(phones.c.account_id == text.account_id)).first()
    if phone is None:
        return "drop", "phone removed", 0
    number = phone.number if text.kind == "code" else phone.verified_number
    if number != text.to_number:
        return "drop", "number changed", 0
    if phone.stopped:
        return "drop", "STOP", 0
    if text.kind == "code":
        return "send", "", 0
    if not phone.texts_on:
        return "drop", "texts off", 0
    if not getattr(phone, KIND_SWITCH.get(text.kind, "texts_on"), True):
        return "drop", f"{text.kind} texts off", 0
    if text.post_id is not None:
        seen = conn.scalar(
            select(posts.c.id).where(posts.c.id == text.post_id, visible_clause(text.account_id))
        )
        if seen is None:
            return "drop", "post gone", 0
    zone = ZoneInfo(phone.time_zone)
    wait = quiet_wait(phone.quiet_start, phone.quiet_end, now.astimezone(zone))
    if wait is not None:
        if phone.quiet_hold:
            return "hold", "quiet hours", wait
        return "drop", "quiet hours", 0
    if sent_today(conn, text.account_id, now, zone) >= phone.daily_cap:
        return "drop", "daily cap", 0
    return "send", "", 0


def quiet_wait(start: str | None, end: str | None, local: datetime) -> float | None:
    """Seconds until the quiet hours end if ``local`` is within them, else None.
    A window may cross midnight (22:00-07:00); equal ends mean no quiet hours."""
    if not start or not end or start == end:
        return None
    start_minute, end_minute = _minutes(start), _minutes(end)
    minute = local.hour * 60 + local.minute
    if start_minute < end_minute:
        inside = start_minute <= minute < end_minute
    else:
        inside = minute >= start_minute or minute < end_minute
    if not inside:
        return None
    ends = local.replace(hour=end_minute // 60, minute=end_minute % 60, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return max(1.0, (ends.astimezone(UTC) - local.astimezone(UTC)).total_seconds())


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def sent_today(conn: Connection, account_id: int, now: datetime, zone: ZoneInfo) -> int:
    """Texts handed to the carrier since local midnight (codes are not counted)."""
    midnight = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    return int(
        conn.scalar(
            select(func.count())
            .select_from(sms_texts)
            .where(
                sms_texts.c.account_id == account_id,
                sms_texts.c.kind != "code",
                sms_texts.c.status.in_(("sending", "sent", "unknown")),
                sms_texts.c.sent_at >= midnight.astimezone(UTC),
            )
        )
        or 0
    )


def wait_for_turn(rt: Runtime) -> None:
    """Blocks until the shared send pace allows one more text."""
    rate = rt.settings.sms_rate
    if rate <= 0:
        return
    limit = f"{int(rate)} per 1 second" if rate >= 1 else f"1 per {math.ceil(1 / rate)} second"
    pause = max(0.002, min(0.5, 0.5 / rate))
    while not rt.limiter.hit(limit, "sms-send"):
        time.sleep(pause)


JOB_HANDLERS = {COMPOSE_JOB: handle_compose, SEND_JOB: handle_send}
