"""What makes an account's rendered piece (``roost.store.pieces``) stale, and forgetting it.

An account's piece is keyed by its *stamp*: every column read but the counters and
times that move on their own (followers, posts, last post, last activity), which
every response adds afresh. A new display name, avatar, bio, field, role, lock,
bot flag or moderation state (``suspended_at``, ``silenced_at``, ``sensitized_at``)
changes the stamp, so the next read renders again, in every process, with nothing
to call — including columns added to the table later.

``forget_account`` is for a change the stamp cannot see (say, something rendered
from another table); call it after the commit.
"""

from __future__ import annotations

from roost.accounts.queries import PUBLIC_COLUMNS
from roost.runtime import Runtime
from roost.store.pieces import ACCOUNT, row_stamper

account_stamp = row_stamper(
    [c.name for c in PUBLIC_COLUMNS],
    frozenset(
        {"followers_count", "following_count", "statuses_count", "last_status_at", "last_active_at"}
    ),
)


def forget_account(rt: Runtime, account_id: int) -> None:
    """Drops the account's rendered piece in every process (after the change commits)."""
    rt.pieces.forget(ACCOUNT, account_id)
