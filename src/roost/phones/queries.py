"""Reads of phones and the outbox. A phone's number is read only for its own
account (or, in ``account_for_number``, by the gateway that received a text from
it): nothing here takes a viewer other than the owner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select

from roost.phones.models import phones, sms_inbound, sms_texts
from roost.runtime import Runtime


@dataclass(frozen=True)
class PhoneView:
    """One's own phone and its settings (what the settings page and API show)."""

    number: str
    verified: bool
    texts_on: bool
    stopped: bool
    posts_on: bool
    mentions_on: bool
    dms_on: bool
    quiet_start: str | None
    quiet_end: str | None
    quiet_hold: bool
    time_zone: str
    daily_cap: int

    @property
    def receiving(self) -> bool:
        return self.verified and self.texts_on and not self.stopped


def _view(row: Row[Any]) -> PhoneView:
    return PhoneView(
        number=row.number,
        verified=row.verified_number is not None,
        texts_on=row.texts_on,
        stopped=row.stopped,
        posts_on=row.posts_on,
        mentions_on=row.mentions_on,
        dms_on=row.dms_on,
        quiet_start=row.quiet_start,
        quiet_end=row.quiet_end,
        quiet_hold=row.quiet_hold,
        time_zone=row.time_zone,
        daily_cap=row.daily_cap,
    )


def get_phone(rt: Runtime, account_id: int) -> PhoneView | None:
    with rt.db.read() as conn:
        row = conn.execute(select(phones).where(phones.c.account_id == account_id)).first()
    return None if row is None else _view(row)


def account_for_number(rt: Runtime, number: str) -> int | None:
    """The account a verified number belongs to (for a text that came from it)."""
    with rt.db.read() as conn:
        found = conn.scalar(select(phones.c.account_id).where(phones.c.verified_number == number))
    return None if found is None else int(found)


def outbox(rt: Runtime, account_id: int | None, *, limit: int = 50) -> list[Row[Any]]:
    """The newest texts Roost sent or meant to send: one account's (its outbox page)
    or everyone's (``roost sms outbox``, for the operator)."""
    query = select(sms_texts).order_by(sms_texts.c.id.desc()).limit(limit)
    if account_id is not None:
        query = query.where(sms_texts.c.account_id == account_id)
    with rt.db.read() as conn:
        return list(conn.execute(query).all())


def inbound_reply(rt: Runtime, message_sid: str) -> tuple[bool, str | None]:
    """(seen, the reply given then) for an inbound MessageSid."""
    with rt.db.read() as conn:
        row = conn.execute(
            select(sms_inbound.c.reply).where(sms_inbound.c.message_sid == message_sid)
        ).first()
    return (False, None) if row is None else (True, row.reply)
