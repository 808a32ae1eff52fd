"""Polls: creating one with its post, voting, and reading one as a viewer sees it.

A poll belongs to a post and is seen by whoever may see the post (the one visibility
rule, ``visible_clause``). Votes are rows; the per-option counts (``tallies``) are
kept beside them in the poll row, updated under the row's lock, so a page of
statuses reads its polls in one statement. Closing at expiry is a delayed job
(``POLL_EXPIRED_JOB``, handled in ``roost.notifications.polls``) enqueued with the
poll: it re-reads the poll and does nothing if it is not due (any more).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from roost.errors import NotFound, ValidationFailed
from roost.ids import new_id
from roost.posts.models import poll_votes, polls, posts
from roost.posts.search_index import mark_post_poll
from roost.posts.visibility import visible_clause
from roost.runtime import Runtime
from roost.store.db import Tx
from roost.store.schema import utcnow

POLL_EXPIRED_JOB = "polls.expired"

# Mastodon's defaults, advertised in /api/v2/instance (configuration.polls).
MAX_OPTIONS = 4
MIN_OPTIONS = 2
MAX_OPTION_CHARS = 50
MIN_EXPIRATION = 300
MAX_EXPIRATION = 7 * 24 * 3600


@dataclass(frozen=True)
class PollSpec:
    """A poll as the author asks for it (validated by ``check_poll``)."""

    options: list[str]
    expires_in: int
    multiple: bool = False
    hide_totals: bool = False

    def as_params(self) -> dict[str, Any]:
        """The stored form (a scheduled post's params, Mastodon's ScheduledStatus)."""
        return {
            "options": list(self.options),
            "expires_in": self.expires_in,
            "multiple": self.multiple,
            "hide_totals": self.hide_totals,
        }

    @classmethod
    def from_params(cls, value: dict[str, Any]) -> PollSpec:
        return cls(
            options=[str(o) for o in value["options"]],
            expires_in=int(value["expires_in"]),
            multiple=bool(value.get("multiple")),
            hide_totals=bool(value.get("hide_totals")),
        )


@dataclass
class PollView:
    """A poll as one viewer sees it; ``own_votes`` is None for an anonymous viewer."""

    row: Any
    own_votes: list[int] | None = None
    viewer_id: int | None = None

    @property
    def expired(self) -> bool:
        return bool(self.row.expires_at <= utcnow())

    @property
    def voted(self) -> bool:
        """Mastodon counts the author as having voted (they may not)."""
        return bool(self.own_votes) or self.row.account_id == self.viewer_id

    @property
    def tallies(self) -> list[int] | None:
        """Per-option counts, or None while ``hide_totals`` hides them (until the end)."""
        if self.row.hide_totals and not self.expired:
            return None
        return [int(n) for n in self.row.tallies]


def check_poll(spec: PollSpec) -> PollSpec:
    options = [o.strip() for o in spec.options]
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise ValidationFailed(
            f"A poll needs {MIN_OPTIONS} to {MAX_OPTIONS} options", field="poll[options]"
        )
    for option in options:
        if not option:
            raise ValidationFailed("Poll options can't be blank", field="poll[options]")
        if len(option) > MAX_OPTION_CHARS:
            raise ValidationFailed(
                f"Poll options are at most {MAX_OPTION_CHARS} characters", field="poll[options]"
            )
        if "\x00" in option:
            raise ValidationFailed("Text contains a NUL character", field="poll[options]")
    if len({o.lower() for o in options}) != len(options):
        raise ValidationFailed("Poll options must be different", field="poll[options]")
    if not MIN_EXPIRATION <= spec.expires_in <= MAX_EXPIRATION:
        raise ValidationFailed(
            f"A poll lasts {MIN_EXPIRATION} seconds to {MAX_EXPIRATION // 86400} days",
            field="poll[expires_in]",
        )
    return PollSpec(options, spec.expires_in, spec.multiple, spec.hide_totals)


def insert_poll(rt: Runtime, tx: Tx, post_id: int, account_id: int, spec: PollSpec) -> int:
    """Adds a (checked) poll to a post inside the post's transaction, and the job that
    closes it."""
    now = utcnow()
    poll_id = new_id()
    tx.conn.execute(
        insert(polls).values(
            id=poll_id,
            post_id=post_id,
            account_id=account_id,
            options=list(spec.options),
            tallies=[0] * len(spec.options),
            multiple=spec.multiple,
            hide_totals=spec.hide_totals,
            votes_count=0,
            voters_count=0,
            expires_at=now + timedelta(seconds=spec.expires_in),
            closed_at=None,
            created_at=now,
        )
    )
    rt.jobs.enqueue(tx, POLL_EXPIRED_JOB, {"poll_id": poll_id}, delay=spec.expires_in)
    mark_post_poll(tx.conn, post_id)  # has:poll in search
    return poll_id


def replace_poll(rt: Runtime, tx: Tx, post_id: int, account_id: int, spec: PollSpec | None) -> None:
    """An edit's poll: unchanged options keep their votes; new options or a new kind
    start again from no votes; the end moves to ``expires_in`` from now (as Mastodon's
    ``expires_in=``); None removes the poll."""
    current = tx.conn.execute(select(polls).where(polls.c.post_id == post_id)).first()
    if spec is None:
        if current is not None:
            tx.conn.execute(delete(polls).where(polls.c.id == current.id))
        return
    if current is None:
        insert_poll(rt, tx, post_id, account_id, spec)
        return
    values: dict[str, Any] = {
        "expires_at": utcnow() + timedelta(seconds=spec.expires_in),
        "closed_at": None,
        "hide_totals": spec.hide_totals,
    }
    if list(current.options) != list(spec.options) or current.multiple != spec.multiple:
        tx.conn.execute(delete(poll_votes).where(poll_votes.c.poll_id == current.id))
        values |= {
            "options": list(spec.options),
            "tallies": [0] * len(spec.options),
            "multiple": spec.multiple,
            "votes_count": 0,
            "voters_count": 0,
        }
    tx.conn.execute(update(polls).where(polls.c.id == current.id).values(**values))
    delay = max(0.0, (values["expires_at"] - utcnow()).total_seconds())
    rt.jobs.enqueue(tx, POLL_EXPIRED_JOB, {"poll_id": current.id}, delay=delay)


def poll_options_of(conn: Connection, post_id: int) -> list[str] | None:
    found = conn.scalar(select(polls.c.options).where(polls.c.post_id == post_id))
    return None if found is None else [str(o) for o in found]


def _access_poll(conn: Connection, poll_id: int, viewer_id: int | None) -> Any:
    """The poll row if its post is visible to the viewer; else NotFound (no leak)."""
    row = conn.execute(
        select(polls)
        .join(posts, posts.c.id == polls.c.post_id)
        .where(polls.c.id == poll_id, visible_clause(viewer_id))
    ).first()
    if row is None:
        raise NotFound("Record not found")
    return row


def _own_votes(conn: Connection, poll_id: int, viewer_id: int | None) -> list[int] | None:
    if viewer_id is None:
        return None
    return sorted(
        conn.scalars(
            select(poll_votes.c.choice).where(
                poll_votes.c.poll_id == poll_id, poll_votes.c.account_id == viewer_id
            )
        )
    )


def get_poll(rt: Runtime, viewer_id: int | None, poll_id: int) -> PollView:
    with rt.db.read() as conn:
        row = _access_poll(conn, poll_id, viewer_id)
        return PollView(row, _own_votes(conn, poll_id, viewer_id), viewer_id)


def _check_choices(row: Any, choices: list[int]) -> list[int]:
    unique = sorted(set(choices))
    if not unique:
        raise ValidationFailed("Choose at least one option", field="choices")
    if len(unique) != len(choices):
        raise ValidationFailed("Each option can be chosen once", field="choices")
    if any(not 0 <= c < len(row.options) for c in unique):
        raise ValidationFailed("That option is not in the poll", field="choices")
    if not row.multiple and len(unique) > 1:
        raise ValidationFailed("This poll allows one choice only", field="choices")
    return unique


def do_vote(rt: Runtime, account_id: int, poll_id: int, choices: list[int]) -> PollView:
    """Votes once: a second vote, a vote after the end and the author's own are refused."""
    try:
        with rt.db.write() as tx:
            _access_poll(tx.conn, poll_id, account_id)
            # Under the row's lock (PostgreSQL; SQLite's writer lock already holds it):
            # two votes at once cannot both add to the same stale tallies.
            row = tx.conn.execute(
                select(polls).where(polls.c.id == poll_id).with_for_update()
            ).one()
            if row.account_id == account_id:
                raise ValidationFailed("You cannot vote in your own poll", field="choices")
            if row.expires_at <= utcnow():
                raise ValidationFailed("The poll has already ended", field="choices")
            if _own_votes(tx.conn, poll_id, account_id):
                raise ValidationFailed("You have already voted in this poll", field="choices")
            chosen = _check_choices(row, choices)
            now = utcnow()
            tx.conn.execute(
                insert(poll_votes),
                [
                    {
                        "id": new_id(),
                        "poll_id": poll_id,
                        "account_id": account_id,
                        "choice": c,
                        "created_at": now,
                    }
                    for c in chosen
                ],
            )
            tallies = [int(n) for n in row.tallies]
            for c in chosen:
                tallies[c] += 1
            tx.conn.execute(
                update(polls)
                .where(polls.c.id == poll_id)
                .values(
                    tallies=tallies,
                    votes_count=polls.c.votes_count + len(chosen),
                    voters_count=polls.c.voters_count + 1,
                )
            )
    except IntegrityError:  # the same vote sent twice at once: the first one counted
        raise ValidationFailed("You have already voted in this poll", field="choices") from None
    return get_poll(rt, account_id, poll_id)


def voter_ids(conn: Connection, poll_id: int) -> list[int]:
    return sorted(
        set(conn.scalars(select(poll_votes.c.account_id).where(poll_votes.c.poll_id == poll_id)))
    )


def due_poll(conn: Connection, poll_id: int, now: datetime) -> Any:
    """The poll if it has ended and is not closed yet (the expiry job's re-read)."""
    return conn.execute(
        select(polls).where(
            polls.c.id == poll_id, polls.c.expires_at <= now, polls.c.closed_at.is_(None)
        )
    ).first()
