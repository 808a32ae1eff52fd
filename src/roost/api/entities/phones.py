"""Roost's Phone and PhoneSettings entities (``/api/roost/v1/phone``: Mastodon has no
phones). The number is shown to its own account only: no other entity carries it."""

from __future__ import annotations

from typing import Literal

import msgspec

from roost.phones.queries import PhoneView


class Phone(msgspec.Struct, kw_only=True):
    number: str  # E.164
    verified: bool
    receiving: bool  # verified, texts on, not stopped
    stopped: bool  # the phone texted STOP


class PhoneSettings(msgspec.Struct, kw_only=True):
    texts_on: bool  # ON / OFF
    posts: bool  # posts of the people whose notify switch is on
    mentions: bool
    direct_messages: bool
    quiet_hours_start: str | None  # "22:00", in time_zone
    quiet_hours_end: str | None
    quiet_hours: Literal["hold", "drop"]  # what happens to texts during them
    time_zone: str
    daily_cap: int


def phone_entity(view: PhoneView) -> Phone:
    return Phone(
        number=view.number, verified=view.verified, receiving=view.receiving, stopped=view.stopped
    )


def phone_settings_entity(view: PhoneView) -> PhoneSettings:
    return PhoneSettings(
        texts_on=view.texts_on,
        posts=view.posts_on,
        mentions=view.mentions_on,
        direct_messages=view.dms_on,
        quiet_hours_start=view.quiet_start,
        quiet_hours_end=view.quiet_end,
        quiet_hours="hold" if view.quiet_hold else "drop",
        time_zone=view.time_zone,
        daily_cap=view.daily_cap,
    )
