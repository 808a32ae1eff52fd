"""Admins change the instance settings and the rules. Every action checks the
actor's rank itself (Mastodon's "manage settings" and "manage rules"), so the web
page and any future API route cannot forget it."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from roost.accounts.roles import MANAGE_RULES, MANAGE_SETTINGS, require_permission
from roost.config import registration_mode
from roost.errors import InvalidFields, NotFound, ValidationFailed
from roost.ids import new_id
from roost.instance.models import instance_settings, rules
from roost.instance.queries import KEYS, MODE, SHORT_DESCRIPTION, TEXT_KEYS, USERS_MAY_INVITE
from roost.runtime import Runtime
from roost.store.db import retry_on_id_collision
from roost.store.schema import utcnow

PAGE_MAX = 20_000
SHORT_MAX = 500
RULE_MAX = 300
HINT_MAX = 1000
RULES_MAX = 50


def _check_settings(changes: Mapping[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    problems: list[ValidationFailed] = []
    for key, raw in changes.items():
        if key not in KEYS:
            problems.append(ValidationFailed(f"Unknown setting {key}", field=key))
            continue
        value = raw.replace("\r\n", "\n").strip()
        if key == MODE:
            try:
                value = registration_mode(value)
            except ValueError:
                problems.append(
                    ValidationFailed(
                        "Registrations must be open, approval, closed or invite", field=key
                    )
                )
                continue
        elif key == USERS_MAY_INVITE:
            value = "true" if value in ("true", "on", "1") else "false"
        elif key in TEXT_KEYS:
            limit = SHORT_MAX if key == SHORT_DESCRIPTION else PAGE_MAX
            if len(value) > limit:
                problems.append(
                    ValidationFailed(f"At most {limit} characters", field=key, code="ERR_TOO_LONG")
                )
                continue
        values[key] = value
    if problems:
        raise InvalidFields(problems)
    return values


def do_update_settings(rt: Runtime, actor_id: int, changes: Mapping[str, str]) -> None:
    """Saves the given settings (others stay); an unchanged value keeps its date, so
    ``updated_at`` of a page is when its text last changed."""
    require_permission(rt, actor_id, MANAGE_SETTINGS)
    values = _check_settings(changes)
    now = utcnow()
    with rt.db.write() as tx:
        stored = dict(
            tx.conn.execute(select(instance_settings.c.key, instance_settings.c.value)).all()
        )
        for key, value in values.items():
            if key not in stored:
                tx.conn.execute(
                    insert(instance_settings).values(key=key, value=value, updated_at=now)
                )
            elif stored[key] != value:
                tx.conn.execute(
                    update(instance_settings)
                    .where(instance_settings.c.key == key)
                    .values(value=value, updated_at=now)
                )


def _check_rule(text: str, hint: str) -> tuple[str, str]:
    text, hint = text.strip(), hint.strip()
    if not text:
        raise ValidationFailed("A rule needs its text", field="text", code="ERR_BLANK")
    if len(text) > RULE_MAX:
        raise ValidationFailed(f"At most {RULE_MAX} characters", field="text", code="ERR_TOO_LONG")
    if len(hint) > HINT_MAX:
        raise ValidationFailed(f"At most {HINT_MAX} characters", field="hint", code="ERR_TOO_LONG")
    return text, hint


@retry_on_id_collision
def do_add_rule(rt: Runtime, actor_id: int, text: str, hint: str = "") -> int:
    """Adds a rule at the end of the list. Returns its id."""
    require_permission(rt, actor_id, MANAGE_RULES)
    text, hint = _check_rule(text, hint)
    rule_id = new_id()
    now = utcnow()
    with rt.db.write() as tx:
        count, last = tx.conn.execute(select(func.count(), func.max(rules.c.position))).one()
        if count >= RULES_MAX:
            raise ValidationFailed(f"At most {RULES_MAX} rules", field="text")
        tx.conn.execute(
            insert(rules).values(
                id=rule_id,
                position=(last or 0) + 1 if count else 0,
                text=text,
                hint=hint,
                created_at=now,
                updated_at=now,
            )
        )
    return rule_id


def do_edit_rule(rt: Runtime, actor_id: int, rule_id: int, text: str, hint: str = "") -> None:
    """Rewords a rule; it keeps its id, so reports citing it still do."""
    require_permission(rt, actor_id, MANAGE_RULES)
    text, hint = _check_rule(text, hint)
    with rt.db.write() as tx:
        done = tx.conn.execute(
            update(rules)
            .where(rules.c.id == rule_id)
            .values(text=text, hint=hint, updated_at=utcnow())
            .returning(rules.c.id)
        ).first()
    if done is None:
        raise NotFound("Record not found")


def _renumber(conn: Connection, ordered: list[int]) -> None:
    for position, rule_id in enumerate(ordered):
        conn.execute(update(rules).where(rules.c.id == rule_id).values(position=position))


def do_move_rule(rt: Runtime, actor_id: int, rule_id: int, offset: int) -> None:
    """Moves a rule up (``offset`` -1) or down (+1) the list; at an end it stays."""
    require_permission(rt, actor_id, MANAGE_RULES)
    with rt.db.write() as tx:
        ordered = list(tx.conn.scalars(select(rules.c.id).order_by(rules.c.position, rules.c.id)))
        if rule_id not in ordered:
            raise NotFound("Record not found")
        here = ordered.index(rule_id)
        there = min(max(here + offset, 0), len(ordered) - 1)
        ordered[here], ordered[there] = ordered[there], ordered[here]
        _renumber(tx.conn, ordered)


def do_delete_rule(rt: Runtime, actor_id: int, rule_id: int) -> None:
    """Reports that cited the rule keep its id; Mastodon's entity then omits it."""
    require_permission(rt, actor_id, MANAGE_RULES)
    with rt.db.write() as tx:
        done = tx.conn.execute(delete(rules).where(rules.c.id == rule_id).returning(rules.c.id))
        if done.first() is None:
            raise NotFound("Record not found")
