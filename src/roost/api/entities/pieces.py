"""Status and Account entities assembled from cached pieces: the timeline fast path.

A Status is two kinds of fields. Most are the same for everyone who may see the
post (its text, links, attachments, mentions, tags, application): those are
rendered once per version of the post (``roost.posts.pieces.post_stamp``) by the
ordinary renderer (``statuses._Builder``), encoded, and kept in the piece cache
(``roost.store.pieces``). The rest are added to each response: the counters
(read with the post anyway, so always current; caching them would have meant a
piece per like), the viewer's own flags (favourited, reblogged, muted,
bookmarked, pinned, filtered, poll votes, from ``hydrate``'s one query of marks),
the poll (its expiry is a matter of time), the quote (whether this viewer may
see the quoted post), the reposted post (itself assembled the same way) and the
author, an Account assembled the same way from its own piece and counters.

JSON objects are joined as bytes: a piece is an object without its closing
brace, the per-response part an object without its opening one; ``msgspec.Raw``
carries the result into the response. So the fields come in another order than
``status_entity`` gives them, with the same content (tests/api/test_pieces.py
compares both for a wide set of posts).

The cache never decides what a viewer may see: ``hydrate`` has already dropped
what they may not, and a piece holds nothing that depends on who reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import msgspec
from msgspec import UNSET, Raw, UnsetType

from roost.accounts.pieces import account_stamp
from roost.api.entities.accounts import Account, account_entity
from roost.api.entities.filters import FilterResult, filter_result_entity
from roost.api.entities.polls import Poll, poll_entity
from roost.api.entities.statuses import RoostStatus, StatusCircle, _Builder
from roost.filters.matcher import EMPTY, Matcher
from roost.posts.pieces import post_stamp
from roost.posts.queries import StatusView
from roost.runtime import Runtime
from roost.store.pieces import ACCOUNT, STATUS

_encoder = msgspec.json.Encoder()

# What a piece leaves out: added to each response by ``_StatusTail``/``_AccountTail``.
_STATUS_DYNAMIC = (
    "replies_count",
    "reblogs_count",
    "favourites_count",
    "favourited",
    "reblogged",
    "muted",
    "bookmarked",
    "pinned",
    "filtered",
    "reblog",
    "account",
    "poll",
    "quote",
    "text",
    "roost",
)
_ACCOUNT_DYNAMIC = ("followers_count", "following_count", "statuses_count", "last_status_at")


class _Quote(msgspec.Struct, kw_only=True):
    """``statuses.Quote`` with the quoted status already assembled."""

    state: str
    quoted_status: Raw | UnsetType | None = UNSET
    quoted_status_id: str | UnsetType | None = UNSET


class _StatusTail(msgspec.Struct, kw_only=True):
    replies_count: int
    reblogs_count: int
    favourites_count: int
    favourited: bool | UnsetType = UNSET
    reblogged: bool | UnsetType = UNSET
    muted: bool | UnsetType = UNSET
    bookmarked: bool | UnsetType = UNSET
    pinned: bool | UnsetType = UNSET
    filtered: list[FilterResult] | UnsetType = UNSET
    reblog: Raw | None
    account: Raw
    poll: Poll | None
    quote: _Quote | None
    roost: RoostStatus | UnsetType = UNSET


class _AccountTail(msgspec.Struct):
    followers_count: int
    following_count: int
    statuses_count: int
    last_status_at: str | None


# Stands in for the author while a piece is rendered (the piece leaves the author out).
_NO_ACCOUNT = Account(
    id="",
    username="",
    acct="",
    display_name="",
    locked=False,
    bot=False,
    discoverable=False,
    group=False,
    created_at="",
    note="",
    url="",
    uri="",
    avatar="",
    avatar_static="",
    header="",
    header_static="",
    followers_count=0,
    following_count=0,
    statuses_count=0,
    last_status_at=None,
    emojis=[],
    fields=[],
)


def _join(piece: bytes, tail: bytes) -> Raw:
    """``{"a":1`` + ``{"b":2}`` -> ``{"a":1,"b":2}``."""
    return Raw(piece[:-1] + b"," + tail[1:])


def _without(entity: msgspec.Struct, names: Sequence[str]) -> bytes:
    fields = msgspec.structs.asdict(entity)
    for name in names:
        fields.pop(name, None)
    return _encoder.encode(fields)


class _Assembler:
    def __init__(self, rt: Runtime, matcher: Matcher) -> None:
        self.rt = rt
        self.matcher = matcher
        self.statuses: dict[int, bytes] = {}
        self.accounts: dict[int, Raw] = {}

    def prepare(self, views: Sequence[StatusView]) -> None:
        """Finds (or renders and keeps) the pieces of every post and author on the page."""
        posts: dict[int, StatusView] = {}
        stack = list(views)
        while stack:
            view = stack.pop()
            if view.post.id in posts:
                continue
            posts[view.post.id] = view
            stack.extend(v for v in (view.reblog, view.quote) if v is not None)
        authors = {v.account.id: v.account for v in posts.values()}
        self._accounts(authors)
        # Posts loaded lean come with their piece; the others are looked up, or rendered.
        self.statuses = {i: v.piece for i, v in posts.items() if v.piece is not None}
        stamps = {i: post_stamp(v.post, v.account) for i, v in posts.items() if v.piece is None}
        if stamps:
            self.statuses.update(self.rt.pieces.get_many(STATUS, list(stamps.items())))
        missing = [posts[i] for i in stamps if i not in self.statuses]
        if missing:
            builder = _Builder(self.rt)
            # A piece leaves the author out (assembled apart): do not render it here.
            builder.accounts = dict.fromkeys(authors, _NO_ACCOUNT)
            rendered = []
            for view in missing:
                # Alone: no nested posts, no viewer, so nothing of anyone's in it.
                bare = replace(view, reblog=None, quote=None, poll=None, viewer_id=None)
                piece = _without(builder.status(bare), _STATUS_DYNAMIC)
                self.statuses[view.post.id] = piece
                rendered.append((view.post.id, stamps[view.post.id], piece))
            self.rt.pieces.put_many(STATUS, rendered)

    def _accounts(self, rows: dict[int, Any]) -> None:
        stamps = {account_id: account_stamp(row) for account_id, row in rows.items()}
        pieces = self.rt.pieces.get_many(ACCOUNT, list(stamps.items()))
        rendered = []
        for account_id, row in rows.items():
            piece = pieces.get(account_id)
            if piece is None:
                piece = _without(account_entity(self.rt, row), _ACCOUNT_DYNAMIC)
                rendered.append((account_id, stamps[account_id], piece))
            last = row.last_status_at
            tail = _AccountTail(
                followers_count=row.followers_count,
                following_count=row.following_count,
                statuses_count=row.statuses_count,
                last_status_at=last.date().isoformat() if last else None,
            )
            self.accounts[account_id] = _join(piece, _encoder.encode(tail))
        self.rt.pieces.put_many(ACCOUNT, rendered)

    def status(self, view: StatusView, *, quoted: bool = False) -> Raw:
        """Mirrors ``statuses._Builder.status`` for the fields a piece leaves out."""
        post = view.post
        signed_in = view.viewer_id is not None
        marks = view.reblog if view.reblog is not None else view
        own = signed_in and post.account_id == view.viewer_id
        pinnable = own and post.reblog_of_id is None and post.visibility != "direct"
        tail = _StatusTail(
            replies_count=post.replies_count,
            reblogs_count=post.reblogs_count,
            favourites_count=post.favourites_count,
            favourited=marks.favourited if signed_in else UNSET,
            reblogged=marks.reblogged if signed_in else UNSET,
            muted=marks.muted if signed_in else UNSET,
            bookmarked=marks.bookmarked if signed_in else UNSET,
            pinned=view.pinned if pinnable else UNSET,
            filtered=[filter_result_entity(m) for m in self.matcher.matches(view)]
            if signed_in
            else UNSET,
            reblog=self.status(view.reblog, quoted=quoted) if view.reblog else None,
            account=self.accounts[view.account.id],
            poll=poll_entity(view.poll) if view.poll is not None else None,
            quote=self.quote(view, quoted),
            roost=RoostStatus(circle=StatusCircle(str(post.circle_id), post.circle_name))
            if own and post.circle_id is not None
            else UNSET,
        )
        return _join(self.statuses[post.id], _encoder.encode(tail))

    def quote(self, view: StatusView, quoted: bool) -> _Quote | None:
        quoted_id = view.post.quote_of_id
        if quoted_id is None:
            return None
        if quoted:
            return _Quote(state="accepted", quoted_status_id=str(quoted_id))
        if view.quote is None:
            return _Quote(state="unauthorized", quoted_status=None)
        return _Quote(state="accepted", quoted_status=self.status(view.quote, quoted=True))


def status_page(rt: Runtime, views: Sequence[StatusView], matcher: Matcher = EMPTY) -> list[Raw]:
    """A page of statuses as ``status_entities`` renders them, from cached pieces."""
    assembler = _Assembler(rt, matcher)
    assembler.prepare(views)
    return [assembler.status(v) for v in views]
