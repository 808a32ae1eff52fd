"""Who to follow: friends of friends first, popular local accounts after.

A friend of a friend is someone followed by people the viewer follows; more of
them first, then the one who posted most recently. To bound the work for someone
who follows thousands, only their ``MAX_FOLLOWEES`` most recent follows are
walked (the newest interests speak loudest; the benchmark measures the rest).

Never suggested: the viewer; people they follow or asked to follow; anyone across
a block, either way; people they mute; people they dismissed; and accounts that
keep to themselves: **locked** accounts (the viewer cannot see their posts, and a
suggestion would tell them who among their friends was let in) and accounts that
are not ``discoverable``. Roost's choice, stricter than "locked but visible".

Someone who follows nobody (or whose friends follow nobody new) gets the most
followed accounts that posted in the last ``ACTIVE_DAYS``, then any most-followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, and_, exists, or_, select

from roost.accounts.models import accounts
from roost.accounts.queries import PUBLIC_COLUMNS, AccountRow
from roost.graph.models import blocks, follow_requests, follows, mutes
from roost.runtime import Runtime
from roost.suggestions.models import suggestion_dismissals

MAX_FOLLOWEES = 500
ACTIVE_DAYS = 30
FRIENDS_OF_FRIENDS = "friends_of_friends"
MOST_FOLLOWED = "most_followed"


@dataclass
class SuggestionView:
    account: AccountRow
    source: str  # FRIENDS_OF_FRIENDS or MOST_FOLLOWED
    mutuals: int = 0  # how many of the viewer's follows follow them
    followed_by: list[str] = field(default_factory=list)  # some of those, by username

    @property
    def reason(self) -> str:
        if self.source == MOST_FOLLOWED:
            return "Popular on this server"
        names = self.followed_by[:1]
        others = self.mutuals - len(names)
        if not names:
            return f"Followed by {self.mutuals} people you follow"
        if others <= 0:
            return f"Followed by {names[0]}"
        if others == 1 and len(self.followed_by) > 1:
            return f"Followed by {names[0]} and {self.followed_by[1]}"
        return f"Followed by {names[0]} and {others} other{'s' if others > 1 else ''}"


def _eligible(
    viewer_id: int, candidate: ColumnElement[int], now: datetime
) -> list[ColumnElement[bool]]:
    """The rule of the module docstring, as conditions on ``candidate`` (joined to
    ``accounts``)."""
    return [
        candidate != viewer_id,
        accounts.c.locked.is_(False),
        accounts.c.discoverable.is_(True),
        accounts.c.approved.is_(True),
        ~exists().where(
            follows.c.account_id == viewer_id, follows.c.target_account_id == candidate
        ),
        ~exists().where(
            follow_requests.c.account_id == viewer_id,
            follow_requests.c.target_account_id == candidate,
        ),
        ~exists().where(
            or_(
                and_(blocks.c.account_id == viewer_id, blocks.c.target_account_id == candidate),
                and_(blocks.c.account_id == candidate, blocks.c.target_account_id == viewer_id),
            )
        ),
        ~exists().where(
            mutes.c.account_id == viewer_id,
            mutes.c.target_account_id == candidate,
            or_(mutes.c.expires_at.is_(None), mutes.c.expires_at > now),
        ),
        ~exists().where(
            suggestion_dismissals.c.account_id == viewer_id,
            suggestion_dismissals.c.target_account_id == candidate,
        ),
    ]


def get_suggestions(
    rt: Runtime, viewer_id: int, now: datetime, *, limit: int = 40
) -> list[SuggestionView]:
    """Up to ``limit`` people to follow, best first, each with its reason."""
    with rt.db.read() as conn:
        found = _friends_of_friends(conn, viewer_id, now, limit)
        # Most followed among the recently active, then among everyone: each walks
        # the followers_count index from the top and stops at the page's end.
        for active in (True, False):
            if len(found) >= limit:
                break
            taken = [s.account.id for s in found]
            popular = (
                select(*PUBLIC_COLUMNS)
                .where(*_eligible(viewer_id, accounts.c.id, now), accounts.c.id.not_in(taken))
                .order_by(accounts.c.followers_count.desc(), accounts.c.id.desc())
                .limit(limit - len(found))
            )
            if active:
                popular = popular.where(
                    accounts.c.last_status_at >= now - timedelta(days=ACTIVE_DAYS)
                )
            found += [
                SuggestionView(account=row, source=MOST_FOLLOWED) for row in conn.execute(popular)
            ]
    return found


def _friends_of_friends(
    conn: Connection, viewer_id: int, now: datetime, limit: int
) -> list[SuggestionView]:
    """In two steps, because the rule's checks cost an index probe each per candidate
    and most candidates never reach the page: first every (followee, their followee)
    pair, counted here; then the eligibility of the best candidates only, a chunk of
    whole "same count" groups at a time (the order within a group, recent activity,
    needs the group whole), until the page is full."""
    followees = (
        select(follows.c.target_account_id.label("id"))
        .where(follows.c.account_id == viewer_id)
        .order_by(follows.c.id.desc())
        .limit(MAX_FOLLOWEES)
        .subquery()
    )
    second = follows.alias("second")
    behind: dict[int, list[int]] = {}  # candidate -> the viewer's follows who follow them
    pairs = conn.execute(
        select(second.c.account_id, second.c.target_account_id)
        .join(followees, followees.c.id == second.c.account_id)
        .order_by(second.c.id.desc())
    ).all()  # in one fetch: rows one by one cost more than the query
    for followee, target in pairs:
        if target != viewer_id:
            behind.setdefault(target, []).append(followee)
    by_count: dict[int, list[int]] = {}
    for target, people in behind.items():
        by_count.setdefault(len(people), []).append(target)
    found: list[SuggestionView] = []
    chunk: list[int] = []
    counts = sorted(by_count, reverse=True)
    for i, count in enumerate(counts):
        chunk += by_count[count]
        if len(chunk) < 2 * (limit - len(found)) and i + 1 < len(counts):
            continue
        rows = conn.execute(
            select(*PUBLIC_COLUMNS).where(
                accounts.c.id.in_(chunk), *_eligible(viewer_id, accounts.c.id, now)
            )
        )
        ranked = sorted(
            rows,
            key=lambda r: (
                -len(behind[r.id]),
                -(r.last_status_at.timestamp() if r.last_status_at else 0.0),
                -r.id,
            ),
        )
        found += [
            SuggestionView(account=r, source=FRIENDS_OF_FRIENDS, mutuals=len(behind[r.id]))
            for r in ranked[: limit - len(found)]
        ]
        chunk = []
        if len(found) >= limit:
            break
    if found:
        named = {f for s in found for f in behind[s.account.id][:2]}
        rows = conn.execute(
            select(accounts.c.id, accounts.c.username).where(accounts.c.id.in_(named))
        )
        usernames = {r.id: r.username for r in rows}
        for suggestion in found:
            suggestion.followed_by = [usernames[f] for f in behind[suggestion.account.id][:2]]
    return found
