"""Reads of the instance settings and rules.

Every setting has a default here, so a fresh server answers without any row: the
registration mode's default is ``ROOST_REGISTRATIONS``; the rest are empty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from roost.config import RegistrationMode, registration_mode
from roost.errors import NotFound
from roost.instance.models import instance_settings, rules
from roost.runtime import Runtime

MODE = "registrations_mode"
USERS_MAY_INVITE = "users_may_invite"
CLOSED_MESSAGE = "closed_message"
SHORT_DESCRIPTION = "short_description"
EXTENDED_DESCRIPTION = "extended_description"
PRIVACY_POLICY = "privacy_policy"
TERMS_OF_SERVICE = "terms_of_service"
TEXT_KEYS = (
    CLOSED_MESSAGE,
    SHORT_DESCRIPTION,
    EXTENDED_DESCRIPTION,
    PRIVACY_POLICY,
    TERMS_OF_SERVICE,
)
KEYS = (MODE, USERS_MAY_INVITE, *TEXT_KEYS)
DEFAULT_SHORT_DESCRIPTION = "A self-hosted Roost community"


@dataclass(frozen=True)
class Setting:
    value: str
    updated_at: datetime | None  # None: never set, the default


@dataclass(frozen=True)
class InstanceSettings:
    """Every setting at once (one query), as the pages and the instance entity use them."""

    values: dict[str, Setting]
    default_mode: RegistrationMode

    def text(self, key: str) -> str:
        found = self.values.get(key)
        return found.value if found else ""

    def updated_at(self, key: str) -> datetime | None:
        found = self.values.get(key)
        return found.updated_at if found else None

    @property
    def mode(self) -> RegistrationMode:
        stored = self.values.get(MODE)
        if stored is None:
            return self.default_mode
        try:
            return registration_mode(stored.value)
        except ValueError:  # never written by Roost
            return self.default_mode

    @property
    def users_may_invite(self) -> bool:
        return self.text(USERS_MAY_INVITE) == "true"

    @property
    def short_description(self) -> str:
        return self.text(SHORT_DESCRIPTION) or DEFAULT_SHORT_DESCRIPTION


def get_instance_settings(rt: Runtime) -> InstanceSettings:
    with rt.db.read() as conn:
        rows = conn.execute(select(instance_settings)).all()
    return InstanceSettings(
        {row.key: Setting(row.value, row.updated_at) for row in rows},
        registration_mode(rt.settings.registrations),
    )


def get_registration_mode(rt: Runtime) -> RegistrationMode:
    return get_instance_settings(rt).mode


@dataclass(frozen=True)
class Rule:
    id: int
    position: int
    text: str
    hint: str


def list_rules(rt: Runtime) -> list[Rule]:
    with rt.db.read() as conn:
        rows = conn.execute(
            select(rules.c.id, rules.c.position, rules.c.text, rules.c.hint).order_by(
                rules.c.position, rules.c.id
            )
        ).all()
    return [Rule(row.id, row.position, row.text, row.hint) for row in rows]


def get_rule(rt: Runtime, rule_id: int) -> Rule:
    with rt.db.read() as conn:
        row = conn.execute(
            select(rules.c.id, rules.c.position, rules.c.text, rules.c.hint).where(
                rules.c.id == rule_id
            )
        ).first()
    if row is None:
        raise NotFound("Record not found")
    return Rule(row.id, row.position, row.text, row.hint)


def existing_rule_ids(rt: Runtime, rule_ids: list[int]) -> set[int]:
    """The ids among ``rule_ids`` that are rules of this server (reports cite them)."""
    if not rule_ids:
        return set()
    with rt.db.read() as conn:
        return set(conn.scalars(select(rules.c.id).where(rules.c.id.in_(rule_ids))))
