"""The Status entity and the ones it carries: Mention, Tag, Application, Quote, Context.

Built only from ``StatusView`` (which ``hydrate`` loads in a fixed number of
queries), so rendering a timeline page never goes back to the database.
Viewer-specific fields (``favourited``, ``bookmarked``, ...) are left out for
anonymous requests, as Mastodon does, through ``msgspec.UNSET``. Mastodon 4.5's
``quotes_count`` is left out: counting quotes needs a counter the posts table
does not keep yet, and an absent field is better than a wrong zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

from roost.api.entities.accounts import Account, account_entity, iso
from roost.api.entities.filters import FilterResult, filter_result_entity
from roost.api.entities.media import MediaAttachment, media_entity
from roost.api.entities.polls import Poll, poll_entity
from roost.filters.matcher import EMPTY, Matcher
from roost.posts.queries import Context as ContextView
from roost.posts.queries import StatusView
from roost.runtime import Runtime


class Mention(msgspec.Struct):
    id: str
    username: str
    url: str
    acct: str


class Tag(msgspec.Struct, kw_only=True):
    name: str
    url: str
    history: list[Any] | UnsetType = UNSET
    following: bool | UnsetType = UNSET


class StatusApplication(msgspec.Struct):
    """Mastodon's Application as a status shows it: the name and website only."""

    name: str
    website: str | None


class Quote(msgspec.Struct, kw_only=True):
    """Mastodon 4.5's Quote; nested one level down it is a ShallowQuote (an ID only)."""

    state: str
    quoted_status: Status | UnsetType | None = UNSET
    quoted_status_id: str | UnsetType | None = UNSET


class QuoteApproval(msgspec.Struct):
    """Mastodon 4.5: who may quote the post. Roost's one policy: anyone who can see
    a public or unlisted post may quote it; followers-only and direct posts, no one."""

    automatic: list[str]
    manual: list[str]
    current_user: str


_QUOTABLE = QuoteApproval(automatic=["public"], manual=[], current_user="automatic")
_UNQUOTABLE = QuoteApproval(automatic=[], manual=[], current_user="denied")


class StatusCircle(msgspec.Struct):
    """The circle a post is addressed to; ``name`` is None but to the circle's owner
    (a member replying in it) or once the circle is deleted."""

    id: str
    name: str | None


class RoostStatus(msgspec.Struct, kw_only=True):
    """Roost's own additions to a Status, shown to its author only."""

    circle: StatusCircle | UnsetType = UNSET


class Status(msgspec.Struct, kw_only=True):
    id: str
    created_at: str
    in_reply_to_id: str | None
    in_reply_to_account_id: str | None
    sensitive: bool
    spoiler_text: str
    visibility: str
    language: str | None
    uri: str
    url: str | None
    replies_count: int
    reblogs_count: int
    favourites_count: int
    edited_at: str | None
    favourited: bool | UnsetType = UNSET
    reblogged: bool | UnsetType = UNSET
    muted: bool | UnsetType = UNSET
    bookmarked: bool | UnsetType = UNSET
    pinned: bool | UnsetType = UNSET
    content: str
    filtered: list[FilterResult] | UnsetType = UNSET
    reblog: Status | None
    application: StatusApplication | None
    account: Account
    media_attachments: list[MediaAttachment]
    mentions: list[Mention]
    tags: list[Tag]
    emojis: list[Any]
    card: None
    poll: Poll | None
    quote: Quote | None
    quote_approval: QuoteApproval
    text: str | UnsetType = UNSET
    roost: RoostStatus | UnsetType = UNSET


class Context(msgspec.Struct):
    ancestors: list[Status]
    descendants: list[Status]


class _Builder:
    """Renders many statuses for one viewer, each author's Account only once;
    ``matcher`` (the viewer's filters for where they are shown) fills ``filtered``."""

    def __init__(self, rt: Runtime, matcher: Matcher = EMPTY) -> None:
        self.rt = rt
        self.matcher = matcher
        self.base = rt.settings.effective_base_url
        self.accounts: dict[int, Account] = {}

    def account(self, row: Any) -> Account:
        found = self.accounts.get(row.id)
        if found is None:
            found = self.accounts[row.id] = account_entity(self.rt, row)
        return found

    def status(self, view: StatusView, *, quoted: bool = False) -> Status:
        post, author = view.post, view.account
        base = self.base
        if post.reblog_of_id is not None:
            uri = f"{base}/users/{author.username}/statuses/{post.id}/activity"
            url: str | None = uri
        else:
            uri = f"{base}/users/{author.username}/statuses/{post.id}"
            url = f"{base}/@{author.username}/{post.id}"
        signed_in = view.viewer_id is not None
        # Marks belong to the reposted post; a repost shows that post's (as Mastodon,
        # whose ``reblogged?(status)`` looks at ``status.proper``).
        marks = view.reblog if view.reblog is not None else view
        own = signed_in and post.account_id == view.viewer_id
        pinnable = own and post.reblog_of_id is None and post.visibility != "direct"
        application = None
        if view.application is not None:
            application = StatusApplication(view.application.name, view.application.website)
        return Status(
            id=str(post.id),
            created_at=iso(post.created_at),
            in_reply_to_id=_str_or_none(post.in_reply_to_id),
            in_reply_to_account_id=_str_or_none(post.in_reply_to_account_id),
            # A moderator's "mark sensitive" covers every picture the author posts.
            sensitive=post.sensitive or (author.sensitized_at is not None and bool(view.media)),
            spoiler_text=post.spoiler_text,
            visibility=post.visibility,
            language=post.language,
            uri=uri,
            url=url,
            replies_count=post.replies_count,
            reblogs_count=post.reblogs_count,
            favourites_count=post.favourites_count,
            edited_at=iso(post.edited_at) if post.edited_at else None,
            favourited=marks.favourited if signed_in else UNSET,
            reblogged=marks.reblogged if signed_in else UNSET,
            muted=marks.muted if signed_in else UNSET,
            bookmarked=marks.bookmarked if signed_in else UNSET,
            pinned=view.pinned if pinnable else UNSET,
            content=post.content,
            filtered=[filter_result_entity(m) for m in self.matcher.matches(view)]
            if signed_in
            else UNSET,
            reblog=self.status(view.reblog, quoted=quoted) if view.reblog else None,
            application=application,
            account=self.account(author),
            media_attachments=[media_entity(self.rt, m) for m in view.media],
            mentions=[
                Mention(
                    id=str(m.id),
                    username=m.username,
                    url=f"{base}/@{m.username}",
                    acct=m.username,
                )
                for m in view.mentions
            ],
            tags=[Tag(name=name, url=f"{base}/tags/{name.lower()}") for name in view.tags],
            emojis=[],
            card=None,
            poll=poll_entity(view.poll) if view.poll is not None else None,
            quote=self.quote(view, quoted),
            quote_approval=_QUOTABLE
            if post.visibility in ("public", "unlisted") and post.circle_id is None
            else _UNQUOTABLE,
            roost=RoostStatus(circle=StatusCircle(str(post.circle_id), post.circle_name))
            if own and post.circle_id is not None
            else UNSET,
        )

    def quote(self, view: StatusView, quoted: bool) -> Quote | None:
        quoted_id = view.post.quote_of_id
        if quoted_id is None:
            return None
        if quoted:  # a quote inside a quote is shallow in Mastodon: an ID only
            return Quote(state="accepted", quoted_status_id=str(quoted_id))
        if view.quote is None:  # the viewer may not see it: say so, show nothing
            return Quote(state="unauthorized", quoted_status=None)
        return Quote(state="accepted", quoted_status=self.status(view.quote, quoted=True))


def _str_or_none(value: int | None) -> str | None:
    return None if value is None else str(value)


def status_entity(rt: Runtime, view: StatusView, matcher: Matcher = EMPTY) -> Status:
    return _Builder(rt, matcher).status(view)


def status_entities(
    rt: Runtime, views: Sequence[StatusView], matcher: Matcher = EMPTY
) -> list[Status]:
    """A page of statuses; use it rather than a loop so each author is rendered once."""
    builder = _Builder(rt, matcher)
    return [builder.status(v) for v in views]


def deleted_status_entity(rt: Runtime, view: StatusView, text: str) -> Status:
    """What DELETE returns: the status with its source ``text``, so a client can redraft it."""
    entity = _Builder(rt).status(view)
    entity.text = text
    return entity


def context_entity(rt: Runtime, context: ContextView, matcher: Matcher = EMPTY) -> Context:
    builder = _Builder(rt, matcher)
    return Context(
        ancestors=[builder.status(v) for v in context.ancestors],
        descendants=[builder.status(v) for v in context.descendants],
    )


def tag_entity(rt: Runtime, name: str) -> Tag:
    base = rt.settings.effective_base_url
    return Tag(name=name, url=f"{base}/tags/{name.lower()}", history=[])
