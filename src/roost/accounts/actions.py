"""Every change to an account. Each action owns its transaction."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from roost.accounts.emails import CONFIRM, check_confirmed, send_link
from roost.accounts.models import accounts
from roost.accounts.profile import render_profile_text
from roost.accounts.queries import PENDING_APPROVAL
from roost.accounts.sessions import end_all_web_sessions
from roost.accounts.settings import ProfileSettings, profile_settings_values
from roost.errors import Forbidden, InvalidFields, RateLimited, ValidationFailed
from roost.ids import new_id
from roost.media.images import AVATAR_SIZE, HEADER_SIZE, process_image
from roost.runtime import Runtime
from roost.store.caches import account_tag
from roost.store.db import is_id_collision, retry_on_id_collision
from roost.store.ratelimit import RateRule
from roost.store.schema import utcnow

USERNAME_RE = re.compile(r"^[A-Za-z0-9_]{1,30}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The operator may use an address on a local host name (``admin@localhost``, as in
# Mastodon's development setup); people signing up need a domain with a dot.
LOCAL_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.][^@\s]*$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024

_hasher = PasswordHasher()
# Verifying against this keeps a login for an unknown user as slow as a real one,
# so response times do not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("not a real password")

# Mastodon's: 5 sign-ups per 30 minutes from one address.
SIGN_UP_RULE = RateRule("sign-up", 5, 30 * 60, per="address")
# A taken address and a malformed one get this same answer, so sign-up is not an
# oracle of who has an account here (the same query runs either way).
EMAIL_REFUSED = "Email address can't be used"

# An account was unlocked: ``roost.graph`` approves its pending follow requests.
UNLOCKED_JOB = "graph.unlocked"


def check_username(username: str) -> str:
    if not username:
        raise ValidationFailed("Username can't be blank", field="username", code="ERR_BLANK")
    if not USERNAME_RE.match(username):
        raise ValidationFailed(
            "Username must be 1–30 letters, digits or underscores", field="username"
        )
    return username


def check_password(password: str) -> str:
    if not password:
        raise ValidationFailed("Password can't be blank", field="password", code="ERR_BLANK")
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(
            f"Password must be at least {MIN_PASSWORD} characters",
            field="password",
            code="ERR_TOO_SHORT",
        )
    if len(password) > MAX_PASSWORD:
        raise ValidationFailed("Password is too long", field="password", code="ERR_TOO_LONG")
    return password


def check_email(email: str | None, *, local: bool = False) -> str | None:
    """The address, trimmed, or None when none is given. ``local``: the operator's
    own command, which may use a host name without a dot."""
    if email is None or email.strip() == "":
        return None
    email = email.strip()
    pattern = LOCAL_EMAIL_RE if local else EMAIL_RE
    if len(email) > 254 or not pattern.match(email):
        raise ValidationFailed(EMAIL_REFUSED, field="email")
    return email


def check_registration(
    rt: Runtime,
    username: str,
    password: str | None,
    email: str | None,
    *,
    email_required: bool = False,
    agreed: bool = True,
    local_email: bool = False,
) -> str | None:
    """Every sign-up rule at once, so a form or an app can mark every bad field in
    one round trip: raises ``InvalidFields`` listing each problem (blank, invalid,
    taken, too short, rules not accepted); returns the trimmed email address.
    ``password`` None: already hashed (seeding), not checked."""
    problems: list[ValidationFailed] = []

    def collect(check: Callable[[], object]) -> bool:
        try:
            check()
        except ValidationFailed as exc:
            problems.append(exc)
            return False
        return True

    username_ok = collect(lambda: check_username(username))
    address: str | None = None
    try:
        address = check_email(email, local=local_email)
    except ValidationFailed as exc:
        problems.append(exc)
    else:
        if address is None and email_required:
            problems.append(
                ValidationFailed("Email can't be blank", field="email", code="ERR_BLANK")
            )
    if password is not None:
        collect(lambda: check_password(password))
    if not agreed:
        problems.append(
            ValidationFailed("Agreement must be accepted", field="agreement", code="ERR_ACCEPTED")
        )
    with rt.db.read() as conn:
        if username_ok and conn.scalar(
            select(accounts.c.id).where(func.lower(accounts.c.username) == username.lower())
        ):
            problems.append(
                ValidationFailed("Username is already taken", field="username", code="ERR_TAKEN")
            )
        if address and conn.scalar(
            select(accounts.c.id).where(func.lower(accounts.c.email) == address.lower())
        ):
            problems.append(ValidationFailed(EMAIL_REFUSED, field="email"))
    if problems:
        raise InvalidFields(problems)
    return address


@retry_on_id_collision
def do_register(
    rt: Runtime,
    username: str,
    password: str,
    *,
    email: str | None = None,
    display_name: str = "",
    password_hash: str | None = None,
    email_required: bool = False,
    agreed: bool = True,
    local_email: bool = False,
    address: str | None = None,
    approved: bool = True,
    reason: str | None = None,
    in_transaction: Callable[[Connection], None] | None = None,
    confirm_email: bool = False,
) -> int:
    """Creates an account after ``check_registration`` (see there for the flags).
    ``address``: the client's, counted against ``SIGN_UP_RULE`` (None: the operator).
    ``approved`` False: the account waits for a moderator (``roost.registrations``),
    with the ``reason`` the person gave. ``in_transaction`` runs in the account's own
    transaction, before its insert: a write that must commit with the account or not
    at all (an invite's use); what it raises aborts the sign-up. ``confirm_email``: a
    person signing up, who is mailed a link to confirm the address; otherwise (the
    operator's command, seeding) the address is taken as confirmed."""
    rt.limiter.enforce(SIGN_UP_RULE, address)
    email = check_registration(
        rt,
        username,
        password if password_hash is None else None,
        email,
        email_required=email_required,
        agreed=agreed,
        local_email=local_email,
    )
    if password_hash is None:
        password_hash = _hasher.hash(password)
    account_id = new_id()
    now = utcnow()
    try:
        with rt.db.write() as tx:
            if in_transaction is not None:
                in_transaction(tx.conn)
            tx.conn.execute(
                insert(accounts).values(
                    id=account_id,
                    username=username,
                    email=email,
                    display_name=display_name[:100],
                    note="",
                    note_html="",
                    password_hash=password_hash,
                    locked=False,
                    bot=False,
                    discoverable=True,
                    created_at=utcnow(),
                    last_active_at=utcnow(),
                    followers_count=0,
                    following_count=0,
                    statuses_count=0,
                    session_epoch=0,
                    approved=approved,
                    registration_reason=reason,
                    email_confirmed_at=None if confirm_email else now,
                )
            )
            if confirm_email and email:
                send_link(rt, tx, account_id, username, email, CONFIRM)
    except IntegrityError as exc:  # a concurrent registration won the race
        if is_id_collision(exc):  # not the same thing: retried with a new ID
            raise
        raise ValidationFailed(
            "Username is already taken", field="username", code="ERR_TAKEN"
        ) from exc
    # A new account's home timeline exists from the start (empty), so fan-out reaches it.
    rt.timelines.replace(f"home:{account_id}", [])
    return account_id


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


# Per name *and* address, in tiers: a guesser slows down (5 a minute, then 30 an
# hour, then 100 a day) instead of locking the name, and nobody elsewhere can lock
# someone out by failing on purpose with their name.
LOGIN_ATTEMPTS_PER_NAME_AND_ADDRESS = ("5/minute", "30/hour", "100/day")
LOGIN_ATTEMPTS_PER_ADDRESS = "20/minute"


LOGIN_DISABLED = "Your login is currently disabled"


def authenticate(rt: Runtime, login: str, password: str, *, address: str | None) -> int | None:
    """The account whose username or email is ``login`` and whose password matches.

    Every front door passes the client's ``address`` (None only for trusted local
    callers), and attempts are limited per address and per name from that address
    (``LOGIN_ATTEMPTS_*``). Every attempt counts, successful or not, so a right
    guess past the limit still fails and tells the guesser nothing. The right
    password of an account whose address awaits confirmation raises
    ``EmailUnconfirmed`` (only the password's holder learns that)."""
    login = login.strip().lstrip("@")
    if address is not None:
        allowed = rt.limiter.hit(LOGIN_ATTEMPTS_PER_ADDRESS, "login-address", address)
        for tier in LOGIN_ATTEMPTS_PER_NAME_AND_ADDRESS:
            allowed = rt.limiter.hit(tier, "login", login.lower(), address) and allowed
        if not allowed:
            raise RateLimited("Too many log-in attempts. Wait a minute and try again.")
    with rt.db.read() as conn:
        column = accounts.c.email if "@" in login else accounts.c.username
        row = conn.execute(
            select(
                accounts.c.id,
                accounts.c.password_hash,
                accounts.c.approved,
                accounts.c.suspended_at,
                accounts.c.disabled_at,
                accounts.c.email,
                accounts.c.email_confirmed_at,
            ).where(func.lower(column) == login.lower(), accounts.c.deleted_at.is_(None))
        ).first()
    if row is None or not row.password_hash:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(row.password_hash, password):
        return None
    check_confirmed(rt, row.email, row.email_confirmed_at)
    if not row.approved:  # only the right password learns that the sign-up waits
        raise Forbidden(PENDING_APPROVAL)
    if row.suspended_at is not None or row.disabled_at is not None:
        # Only the right password learns why (a guesser learns nothing more).
        raise Forbidden("Your account is suspended" if row.suspended_at else LOGIN_DISABLED)
    if _hasher.check_needs_rehash(row.password_hash):
        with rt.db.write() as tx:
            tx.conn.execute(
                update(accounts)
                .where(accounts.c.id == row.id)
                .values(password_hash=_hasher.hash(password))
            )
    return int(row.id)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches the stored hash (a malformed hash matches nothing)."""
    return _verify(password_hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def do_update_profile(
    rt: Runtime,
    account_id: int,
    *,
    display_name: str | None = None,
    note: str | None = None,
    locked: bool | None = None,
    bot: bool | None = None,
    discoverable: bool | None = None,
    avatar: bytes | None = None,
    header: bytes | None = None,
    settings: ProfileSettings | None = None,
) -> None:
    """``settings``: the rest of Mastodon's profile (fields, posting defaults, ...)."""
    values: dict[str, Any] = {}
    if display_name is not None:
        if len(display_name) > 30:
            raise ValidationFailed(
                "Display name is longer than 30 characters", field="display_name"
            )
        values["display_name"] = display_name
    if note is not None:
        if len(note) > 500:
            raise ValidationFailed("Bio is longer than 500 characters", field="note")
        values["note"] = note
        values["note_html"] = render_profile_text(rt, note)
    if settings is not None:
        values |= profile_settings_values(rt, settings)
    for name, flag in (("locked", locked), ("bot", bot), ("discoverable", discoverable)):
        if flag is not None:
            values[name] = flag
    # Validate both images before saving either, so bad input changes nothing.
    processed = {}
    if avatar is not None:
        processed["avatar"] = process_image(avatar, field="avatar", size=AVATAR_SIZE, crop=True)
    if header is not None:
        processed["header"] = process_image(header, field="header", size=HEADER_SIZE, crop=True)
    for kind, (name, data) in processed.items():
        path = f"{kind}s/{name}"
        rt.media.save(path, data)
        values[kind] = path
    if not values:
        return
    with rt.db.write() as tx:
        was_locked = tx.conn.scalar(select(accounts.c.locked).where(accounts.c.id == account_id))
        tx.conn.execute(update(accounts).where(accounts.c.id == account_id).values(**values))
        if was_locked and locked is False:
            # As Mastodon: unlocking approves everyone who asked.
            rt.jobs.enqueue(tx, UNLOCKED_JOB, {"account_id": account_id})


def do_change_password(rt: Runtime, account_id: int, current: str, new: str) -> None:
    """Bumps the session epoch: every other web session and every API token ends."""
    with rt.db.read() as conn:
        stored = conn.scalar(select(accounts.c.password_hash).where(accounts.c.id == account_id))
    if not stored or not _verify(stored, current):
        raise ValidationFailed("Current password is wrong", field="current_password")
    new_hash = _hasher.hash(check_password(new))
    with rt.db.write() as tx:
        tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(password_hash=new_hash, session_epoch=accounts.c.session_epoch + 1)
        )
        end_all_web_sessions(tx, account_id)
        # Cached tokens carry no epoch: every process forgets the account's.
        tx.on_commit(lambda: rt.caches.forget_everywhere(account_tag(account_id)))


def do_log_out_everywhere(rt: Runtime, account_id: int) -> None:
    """Ends every web session and every API token: both carry the epoch this bumps
    (``oauth.queries.live_token_clause``)."""
    with rt.db.write() as tx:
        tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(session_epoch=accounts.c.session_epoch + 1)
        )
        end_all_web_sessions(tx, account_id)
        # Cached tokens carry no epoch: every process forgets the account's.
        tx.on_commit(lambda: rt.caches.forget_everywhere(account_tag(account_id)))


ACTIVITY_RESOLUTION = timedelta(hours=1)


def do_touch_active(rt: Runtime, account_id: int) -> bool:
    """Marks the account active; returns True when it had been idle past ``active_days``
    (its home timeline missed fan-out and must be rebuilt). Writes at most once an hour.

    Every home-timeline read calls this, so each process remembers whom it marked in
    the last hour and skips the database for them: the hot path stays query-free."""
    recently = rt.recently_active
    seen = recently.get(account_id)
    if seen is not None and time.monotonic() - seen < ACTIVITY_RESOLUTION.total_seconds():
        return False
    now = utcnow()
    with rt.db.read() as conn:
        last = conn.scalar(select(accounts.c.last_active_at).where(accounts.c.id == account_id))
    marked_ago = 0.0
    if last is None or now - last >= ACTIVITY_RESOLUTION:
        with rt.db.write() as tx:
            tx.conn.execute(
                update(accounts).where(accounts.c.id == account_id).values(last_active_at=now)
            )
    else:
        marked_ago = (now - last).total_seconds()
    if len(recently) > 100_000:  # bounded: forgetting only costs one query
        recently.clear()
    recently[account_id] = time.monotonic() - marked_ago
    return last is None or now - last > timedelta(days=rt.settings.active_days)
