"""Server-side web sessions: the row behind a browser's session cookie.

The cookie (signed, ``roost.web.auth``) carries a random session ID; the table keeps
its SHA-256 with the account, so logging out deletes the row and a copy of the
cookie signs nobody in afterwards. A password change and "log out everywhere"
delete every row of the account (``roost.accounts.actions``), in the same
transaction that bumps the epoch API tokens carry.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update

from roost.accounts.models import web_sessions
from roost.runtime import Runtime
from roost.store.db import Tx
from roost.store.schema import utcnow

# "Last seen" is written at most this often, so a busy browser does not write per page.
SEEN_RESOLUTION = timedelta(hours=1)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def user_agent_summary(user_agent: str) -> str:
    """Enough of the browser's name to recognise it on a sessions page, bounded."""
    return " ".join(user_agent.split())[:200]


def do_start_web_session(rt: Runtime, account_id: int, user_agent: str = "") -> str:
    """A new session for a browser that just signed in; returns the ID for its cookie."""
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    with rt.db.write() as tx:
        tx.conn.execute(
            insert(web_sessions).values(
                digest=_digest(session_id),
                account_id=account_id,
                created_at=now,
                last_seen_at=now,
                user_agent=user_agent_summary(user_agent),
            )
        )
    return session_id


def do_end_web_session(rt: Runtime, session_id: str) -> None:
    """Logging out: the cookie's session is gone for every copy of the cookie."""
    with rt.db.write() as tx:
        tx.conn.execute(delete(web_sessions).where(web_sessions.c.digest == _digest(session_id)))


def end_all_web_sessions(tx: Tx, account_id: int) -> None:
    """Inside the caller's transaction: a password change, "log out everywhere"."""
    tx.conn.execute(delete(web_sessions).where(web_sessions.c.account_id == account_id))


def do_resume_web_session(rt: Runtime, session_id: str) -> int | None:
    """The account a session cookie signs in, or None once it has been ended; marks
    the session seen (at most once per ``SEEN_RESOLUTION``)."""
    digest = _digest(session_id)
    with rt.db.read() as conn:
        row = conn.execute(
            select(web_sessions.c.account_id, web_sessions.c.last_seen_at).where(
                web_sessions.c.digest == digest
            )
        ).first()
    if row is None:
        return None
    now = utcnow()
    if now - row.last_seen_at >= SEEN_RESOLUTION:
        _touch(rt, digest, now, row.last_seen_at)
    return int(row.account_id)


def _touch(rt: Runtime, digest: str, now: datetime, seen: datetime) -> None:
    with rt.db.write() as tx:
        tx.conn.execute(
            update(web_sessions)
            .where(web_sessions.c.digest == digest, web_sessions.c.last_seen_at == seen)
            .values(last_seen_at=now)
        )
