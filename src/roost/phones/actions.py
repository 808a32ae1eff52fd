"""Linking a phone to an account, and its settings.

A number is entered in international form and normalised to E.164 with
``phonenumbers`` (Google's libphonenumber, the same rules phones themselves use).
A six-digit code is texted to it, stored as a digest only, valid for ten minutes
and five tries; once it comes back, ``verified_number`` is set and the number is
that account's alone (a unique column). STOP/START and ON/OFF are here too, so the
text commands, the web page and the API change the same columns.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from roost.errors import NotFound, ValidationFailed
from roost.ids import new_id
from roost.phones.models import phones, sms_inbound, sms_texts
from roost.phones.outbound import queue_text
from roost.runtime import Runtime
from roost.store.ratelimit import RateRule
from roost.store.schema import utcnow

CODE_MINUTES = 10
CODE_TRIES = 5
# Each code is a text someone pays for: a few an hour per account.
CODE_RULE = RateRule("phone_codes", 5, 3600, per="account")
MAX_DAILY_CAP = 1000
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def check_number(raw: str) -> str:
    """E.164 (``+15551234567``), or ValidationFailed. The country code is required:
    an instance serves people from anywhere, so there is no default country."""
    try:
        parsed = phonenumbers.parse(raw.strip(), None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed(
            "Enter the number with its country code, such as +1 555 010 0000", field="number"
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationFailed("This is not a valid phone number", field="number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _digest(account_id: int, code: str) -> str:
    return hashlib.sha256(f"{account_id}:{code}".encode()).hexdigest()


def do_link_phone(rt: Runtime, account_id: int, raw_number: str) -> None:
    """Enters (or replaces) the account's number and texts it a code. A replaced
    number stops receiving at once: the account has no verified number until the
    new code comes back."""
    number = check_number(raw_number)
    rt.limiter.enforce(CODE_RULE, account_id)
    code = f"{secrets.randbelow(10**6):06d}"
    now = utcnow()
    with rt.db.write() as tx:
        owner = tx.conn.scalar(
            select(phones.c.account_id).where(phones.c.verified_number == number)
        )
        if owner is not None and owner != account_id:
            raise ValidationFailed("This number is linked to another account", field="number")
        values: dict[str, Any] = {
            "number": number,
            "code_hash": _digest(account_id, code),
            "code_sent_at": now,
            "code_attempts": 0,
        }
        if owner is None:
            values["verified_number"] = None
        changed = tx.conn.execute(
            update(phones).where(phones.c.account_id == account_id).values(**values)
        ).rowcount
        if not changed:
            tx.conn.execute(
                phones.insert().values(
                    id=new_id(),
                    account_id=account_id,
                    created_at=now,
                    **values,
                    texts_on=True,
                    stopped=False,
                    posts_on=True,
                    mentions_on=True,
                    dms_on=True,
                    quiet_hold=True,
                    time_zone="UTC",
                    daily_cap=100,
                )
            )
        body = f"Your Roost code is {code}. It expires in {CODE_MINUTES} minutes."
        queue_text(tx, rt, account_id, number, "code", body, key=f"code:{new_id()}")


def do_verify_phone(rt: Runtime, account_id: int, code: str) -> None:
    wrong = False
    try:
        with rt.db.write() as tx:
            row = tx.conn.execute(select(phones).where(phones.c.account_id == account_id)).first()
            if row is None:
                raise NotFound("No phone is linked")
            if row.code_hash is None:
                if row.verified_number is not None:
                    return  # verified already
                raise ValidationFailed("Ask for a new code", field="code")
            if row.code_attempts >= CODE_TRIES or (
                row.code_sent_at < utcnow() - timedelta(minutes=CODE_MINUTES)
            ):
                raise ValidationFailed("This code has expired: ask for a new one", field="code")
            if hmac.compare_digest(row.code_hash, _digest(account_id, code.strip())):
                tx.conn.execute(
                    update(phones)
                    .where(phones.c.id == row.id)
                    .values(verified_number=row.number, code_hash=None, stopped=False)
                )
            else:  # the attempt is counted: the transaction commits
                wrong = True
                tx.conn.execute(
                    update(phones)
                    .where(phones.c.id == row.id)
                    .values(code_attempts=phones.c.code_attempts + 1)
                )
    except IntegrityError as exc:  # someone else verified this number meanwhile
        raise ValidationFailed("This number is linked to another account", field="code") from exc
    if wrong:
        raise ValidationFailed("That code is not right", field="code")


def do_remove_phone(rt: Runtime, account_id: int) -> None:
    """Unlinks the phone; texts still waiting are dropped, never sent."""
    with rt.db.write() as tx:
        deleted = tx.conn.execute(delete(phones).where(phones.c.account_id == account_id)).rowcount
        if not deleted:
            raise NotFound("No phone is linked")
        tx.conn.execute(
            update(sms_texts)
            .where(sms_texts.c.account_id == account_id, sms_texts.c.status.in_(("queued", "held")))
            .values(status="dropped", detail="phone removed")
        )


SETTINGS = (
    "posts_on",
    "mentions_on",
    "dms_on",
    "texts_on",
    "quiet_start",
    "quiet_end",
    "quiet_hold",
    "time_zone",
    "daily_cap",
)


def do_update_phone_settings(rt: Runtime, account_id: int, **changes: Any) -> None:
    """Changes any of ``SETTINGS``; None leaves a setting as it is, except the quiet
    hours, where an empty string clears them."""
    values = {k: v for k, v in changes.items() if v is not None}
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise ValidationFailed(f"Unknown setting {sorted(unknown)[0]}")
    for name in ("quiet_start", "quiet_end"):
        if name in values:
            values[name] = values[name].strip() or None
            if values[name] is not None and not TIME_RE.match(values[name]):
                raise ValidationFailed("Give a time as HH:MM (24 hours)", field=name)
    if "time_zone" in values:
        values["time_zone"] = check_time_zone(values["time_zone"])
    if "daily_cap" in values and not 0 <= int(values["daily_cap"]) <= MAX_DAILY_CAP:
        raise ValidationFailed(
            f"The daily cap is between 0 and {MAX_DAILY_CAP} texts", field="daily_cap"
        )
    if not values:
        return
    with rt.db.write() as tx:
        changed = tx.conn.execute(
            update(phones).where(phones.c.account_id == account_id).values(**values)
        ).rowcount
    if not changed:
        raise NotFound("No phone is linked")


def check_time_zone(name: str) -> str:
    name = name.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationFailed("Unknown time zone", field="time_zone") from exc
    return name


def do_set_stopped(rt: Runtime, account_id: int, stopped: bool) -> None:
    """STOP (every text off, as carriers require) and START. Waiting texts are
    dropped on STOP: they would otherwise arrive after START."""
    with rt.db.write() as tx:
        tx.conn.execute(
            update(phones).where(phones.c.account_id == account_id).values(stopped=stopped)
        )
        if stopped:
            tx.conn.execute(
                update(sms_texts)
                .where(
                    sms_texts.c.account_id == account_id,
                    sms_texts.c.status.in_(("queued", "held")),
                )
                .values(status="dropped", detail="STOP")
            )


def do_record_inbound(rt: Runtime, message_sid: str, number: str, reply: str | None) -> None:
    """Remembers that an inbound text was acted on, and the answer given, so that
    Twilio's retry of the same MessageSid gets the answer again and acts nothing.
    The first record wins."""
    with rt.db.write() as tx:
        dialect_insert = sqlite_insert if tx.conn.dialect.name == "sqlite" else postgresql_insert
        tx.conn.execute(
            dialect_insert(sms_inbound)
            .values(message_sid=message_sid, from_number=number, reply=reply, created_at=utcnow())
            .on_conflict_do_nothing()
        )
