"""What makes a post's rendered piece (``roost.store.pieces``) stale, and forgetting it.

A post's piece is keyed by its *stamp*: the post row as ``hydrate`` reads it but for
its counters (which every response adds afresh), and its author's name and
moderation state. Editing (the only way a post's text, mentions, tags and
attachments change: a posted attachment is changed by an edit of its post, and an
attachment is posted only once processed) or marking it sensitive changes the
stamp, so the next read renders again, in every process, with nothing to call.
A deleted post is not read at all, so never served. Because the stamp needs no
more than the post and its author, ``hydrate(lean=True)`` skips loading mentions,
tags, attachments and application of the posts whose piece is held.

``forget_post`` is for a change the stamp cannot see; call it after the commit.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from roost.accounts.queries import PUBLIC_COLUMNS
from roost.posts.models import posts
from roost.runtime import Runtime
from roost.store.pieces import STATUS, row_stamper

# ``hydrate`` reads ``posts`` and the viewer's ``circle_name`` (which no piece holds).
# The text (``text``, ``content``) changes only in an edit, which moves ``edited_at``:
# left out, it is not kept twice in memory (in the piece and in its stamp).
_post_row_stamp = row_stamper(
    [*(c.name for c in posts.c), "circle_name"],
    frozenset(
        {"replies_count", "reblogs_count", "favourites_count", "circle_name", "text", "content"}
    ),
)
_ACCOUNT_NAMES = [c.name for c in PUBLIC_COLUMNS]
_author_part = itemgetter(
    *(
        _ACCOUNT_NAMES.index(name)
        for name in ("username", "suspended_at", "silenced_at", "sensitized_at", "deleted_at")
    )
)


def post_stamp(post: Any, author: Any) -> tuple[Any, ...]:
    """The version of a post's viewer-independent rendering, from its row and its
    author's, as ``hydrate`` reads them."""
    return (
        _post_row_stamp(post),
        _author_part(author) if len(author) == len(_ACCOUNT_NAMES) else tuple(author),
    )


def forget_post(rt: Runtime, post_id: int) -> None:
    """Drops the post's rendered piece in every process (after the change commits)."""
    rt.pieces.forget(STATUS, post_id)
