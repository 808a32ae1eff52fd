"""Every change to posts. Each action validates, writes in one transaction, and
enqueues the jobs that carry the change to timelines in that same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from roost.accounts.models import accounts
from roost.accounts.queries import find_existing_usernames
from roost.circles.models import circles
from roost.circles.queries import circle_audience_ids
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.ids import new_id
from roost.media.actions import attach_media, remove_post_media
from roost.posts.models import (
    VISIBILITIES,
    idempotency_keys,
    mentions,
    post_tags,
    posts,
    tags,
)
from roost.posts.polls import PollSpec, check_poll, insert_poll
from roost.posts.search_index import index_new_post, unindex_post
from roost.posts.visibility import access_visible_post
from roost.runtime import Runtime
from roost.store.db import is_id_collision, retry_on_id_collision
from roost.store.ratelimit import RateRule
from roost.store.schema import utcnow
from roost.text import Linker, count_length, extract_hashtags, extract_mentions, render_html

# Job kinds the timelines package handles (registered in roost.worker).
FANOUT_JOB = "timelines.fanout"
UNFANOUT_JOB = "timelines.unfanout"
# Records a public post's tags and links for trends (handled by roost.trends).
TRENDS_JOB = "trends.record"


# Mastodon's: 300 posts per 3 hours per account (API and web alike: counted here).
POSTING_RULE = RateRule("statuses", 300, 3 * 3600, per="account")


@retry_on_id_collision
def do_create_post(
    rt: Runtime,
    account_id: int,
    text: str,
    *,
    visibility: str | None = "public",
    in_reply_to_id: int | None = None,
    quote_id: int | None = None,
    spoiler_text: str = "",
    sensitive: bool = False,
    language: str | None = None,
    idempotency_key: str | None = None,
    application_id: int | None = None,
    circle_id: int | None = None,
    media_ids: Sequence[int] = (),
    poll: PollSpec | None = None,
    scheduled_id: int | None = None,
) -> int:
    """``circle_id``: address the post to one of the author's circles (it is stored
    as "private"). A reply to a circle post stays in that circle, whatever was asked.
    ``media_ids``: the author's unattached, processed attachments (up to 4); a post
    with pictures may have no text. ``visibility`` None: the author's default
    (``source[privacy]``). ``scheduled_id``: the scheduled post being published,
    whose held attachments these are."""
    text = text.replace("\r\n", "\n").strip()
    if visibility is None:
        visibility, language = posting_defaults(rt, account_id, visibility, language)
    if poll is not None:
        poll = check_poll(poll)
    if idempotency_key:
        existing = _idempotent_post(rt, account_id, idempotency_key)
        if existing is not None:
            return existing
    rt.limiter.enforce(POSTING_RULE, account_id)  # a retried request is not counted twice
    if visibility not in VISIBILITIES:
        raise ValidationFailed(
            f"Visibility must be one of {', '.join(VISIBILITIES)}", field="visibility"
        )
    for name, value in (("status", text), ("spoiler_text", spoiler_text), ("language", language)):
        if value and "\x00" in value:  # PostgreSQL cannot store NUL in text
            raise ValidationFailed("Text contains a NUL character", field=name)
    if not text and not media_ids:
        raise ValidationFailed("Text can't be blank", field="status", code="ERR_BLANK")
    limit = rt.settings.max_post_chars
    length = count_length(text) + len(spoiler_text)
    if length > limit:
        raise ValidationFailed(
            f"Text is too long ({length} characters; the limit is {limit})",
            field="status",
            code="ERR_TOO_LONG",
        )
    if language is not None and len(language) > 10:
        raise ValidationFailed("Language is not valid", field="language")

    mentioned = find_existing_usernames(rt, extract_mentions(text, rt.settings.domain))
    hashtags = extract_hashtags(text)
    base = rt.settings.effective_base_url
    content = render_html(
        text,
        Linker(base, lambda u: f"{base}/@{u}" if u.lower() in mentioned else None),
    )
    now = utcnow()
    post_id = new_id()
    try:
        with rt.db.write() as tx:
            in_reply_to_account_id = None
            conversation_id = post_id  # a new thread, unless it answers one
            inherited = None
            if in_reply_to_id is not None:
                parent = access_visible_post(tx.conn, in_reply_to_id, account_id)
                if parent.reblog_of_id is not None:
                    raise ValidationFailed("You cannot reply to a repost", field="in_reply_to_id")
                in_reply_to_account_id = parent.account_id
                conversation_id = parent.conversation_id or parent.id
                tx.conn.execute(
                    update(posts)
                    .where(posts.c.id == in_reply_to_id)
                    .values(replies_count=posts.c.replies_count + 1)
                )
                if parent.circle_id is not None:  # replies stay inside the circle
                    circle_id = inherited = parent.circle_id
            if circle_id is not None:
                if circle_id != inherited:
                    _check_own_circle(tx.conn, account_id, circle_id)
                visibility = "private"
            if quote_id is not None:
                quoted = access_visible_post(tx.conn, quote_id, account_id)
                if quoted.visibility not in ("public", "unlisted") or quoted.circle_id:
                    raise ValidationFailed("Only public posts can be quoted", field="quote_id")
            tx.conn.execute(
                insert(posts).values(
                    id=post_id,
                    account_id=account_id,
                    text=text,
                    content=content,
                    spoiler_text=spoiler_text,
                    sensitive=sensitive or bool(spoiler_text),
                    visibility=visibility,
                    language=language,
                    in_reply_to_id=in_reply_to_id,
                    in_reply_to_account_id=in_reply_to_account_id,
                    quote_of_id=quote_id,
                    application_id=application_id,
                    conversation_id=conversation_id,
                    circle_id=circle_id,
                    created_at=now,
                    replies_count=0,
                    reblogs_count=0,
                    favourites_count=0,
                )
            )
            if mentioned:
                tx.conn.execute(
                    insert(mentions),
                    [{"post_id": post_id, "account_id": a} for a in mentioned.values()],
                )
            tag_ids = _tag_ids(tx.conn, hashtags)
            if tag_ids:
                tx.conn.execute(
                    insert(post_tags), [{"post_id": post_id, "tag_id": t} for t in tag_ids]
                )
            attach_media(tx, account_id, post_id, media_ids, scheduled_id=scheduled_id)
            index_new_post(tx.conn, post_id, text, spoiler_text)  # searchable once committed
            if poll is not None:
                insert_poll(rt, tx, post_id, account_id, poll)  # after: it marks has:poll
            if idempotency_key:
                tx.conn.execute(
                    insert(idempotency_keys).values(
                        account_id=account_id,
                        key=idempotency_key[:200],
                        post_id=post_id,
                        created_at=now,
                    )
                )
            tx.conn.execute(
                update(accounts)
                .where(accounts.c.id == account_id)
                .values(statuses_count=accounts.c.statuses_count + 1, last_status_at=now)
            )
            rt.jobs.enqueue(tx, FANOUT_JOB, {"post_id": post_id})
            # Only a public post with a hashtag or (likely) a link needs the job; a
            # "://" that is no link costs a job that records nothing.
            if visibility == "public" and circle_id is None and (hashtags or "://" in text):
                rt.jobs.enqueue(tx, TRENDS_JOB, {"post_id": post_id})
    except IntegrityError as exc:
        if is_id_collision(exc):  # not the same thing: retried with a new ID
            raise
        if idempotency_key:  # a concurrent retry with the same key committed first
            existing = _idempotent_post(rt, account_id, idempotency_key)
            if existing is not None:
                return existing
        raise
    return post_id


def posting_defaults(
    rt: Runtime, account_id: int, visibility: str | None, language: str | None
) -> tuple[str, str | None]:
    """The author's ``source[privacy]`` and ``source[language]`` for what a post omits."""
    with rt.db.read() as conn:
        row = conn.execute(
            select(accounts.c.default_privacy, accounts.c.default_language).where(
                accounts.c.id == account_id
            )
        ).first()
    if row is None:
        return visibility or "public", language
    return visibility or row.default_privacy, language or row.default_language


def _check_own_circle(conn: Connection, account_id: int, circle_id: int) -> None:
    found = conn.scalar(
        select(circles.c.id).where(circles.c.id == circle_id, circles.c.account_id == account_id)
    )
    if found is None:
        raise ValidationFailed("Circle not found", field="circle_id")


def _idempotent_post(rt: Runtime, account_id: int, key: str) -> int | None:
    with rt.db.read() as conn:
        return conn.scalar(
            select(idempotency_keys.c.post_id).where(
                idempotency_keys.c.account_id == account_id, idempotency_keys.c.key == key[:200]
            )
        )


def _tag_ids(conn: Connection, names: Sequence[str]) -> list[int]:
    """IDs of these hashtags, creating the new ones. Two posts introducing the same
    tag at once must both succeed: the insert yields to the unique index, then reads."""
    if not names:
        return []
    dialect_insert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    found = _existing_tags(conn, names)
    # Sorted, so two transactions waiting on each other's new tags cannot deadlock.
    missing = sorted(
        {n.lower(): n for n in names if n.lower() not in found}.values(), key=str.lower
    )
    if missing:
        now = utcnow()
        # The new ones come back from the insert; only a tag another post created
        # meanwhile (the insert yielded to it) needs a second read.
        created = conn.execute(
            dialect_insert(tags).on_conflict_do_nothing().returning(tags.c.id, tags.c.name),
            [{"id": new_id(), "name": n, "created_at": now} for n in missing],
        ).all()
        found |= {r.name.lower(): r.id for r in created}
        if len(created) < len(missing):
            found = _existing_tags(conn, names)
    return [found[n.lower()] for n in names]


def _existing_tags(conn: Connection, names: Sequence[str]) -> dict[str, int]:
    lowered = [n.lower() for n in names]
    rows = conn.execute(
        select(tags.c.id, tags.c.name).where(func.lower(tags.c.name).in_(lowered))
    ).all()
    return {r.name.lower(): r.id for r in rows}


def do_delete_post(rt: Runtime, account_id: int, post_id: int, *, keep_media: bool = False) -> Any:
    """Deletes the post and its reposts; returns the deleted row (the API echoes its text).
    ``keep_media``: its pictures stay a day, unattached, for a redraft to post again."""
    with rt.db.write() as tx:
        post = tx.conn.execute(select(posts).where(posts.c.id == post_id)).first()
        if post is None:
            raise NotFound("Record not found")
        if post.account_id != account_id:
            raise Forbidden("This action is not allowed")
        reblogs = tx.conn.execute(
            select(posts.c.id, posts.c.account_id).where(posts.c.reblog_of_id == post_id)
        ).all()
        # Mentioned people got a followers-only post in their home timelines too; the
        # mentions go with the post, so the job is told who they were.
        mentioned = list(
            tx.conn.scalars(select(mentions.c.account_id).where(mentions.c.post_id == post_id))
        )
        if post.circle_id is not None:  # delivered to the circle, not the mentioned
            mentioned = circle_audience_ids(tx.conn, post.circle_id)
        tag_names = list(
            tx.conn.scalars(
                select(tags.c.name)
                .join(post_tags, post_tags.c.tag_id == tags.c.id)
                .where(post_tags.c.post_id == post_id)
            )
        )
        remove_post_media(rt, tx, [post_id], keep=keep_media)
        unindex_post(tx.conn, post_id)
        _delete_rows(tx.conn, post)
        for reblog in reblogs:
            _bump_statuses(tx.conn, reblog.account_id, -1)
        rt.jobs.enqueue(
            tx,
            UNFANOUT_JOB,
            {
                "post_ids": [post_id, *(r.id for r in reblogs)],
                "account_ids": [account_id, *(r.account_id for r in reblogs)],
                "recipient_ids": mentioned,
                # Who may hear of the deletion, and what it leaves behind: a follower
                # not mentioned in a direct post learns nothing about it, ever.
                "visibility": post.visibility,
                "circle_id": post.circle_id,
                "tags": tag_names,
                "conversation_id": post.conversation_id,
                "author_id": account_id,
            },
        )
    return post


def _delete_rows(conn: Connection, post: Any) -> None:
    if post.in_reply_to_id is not None:
        conn.execute(
            update(posts)
            .where(posts.c.id == post.in_reply_to_id, posts.c.replies_count > 0)
            .values(replies_count=posts.c.replies_count - 1)
        )
    if post.reblog_of_id is not None:
        conn.execute(
            update(posts)
            .where(posts.c.id == post.reblog_of_id, posts.c.reblogs_count > 0)
            .values(reblogs_count=posts.c.reblogs_count - 1)
        )
    conn.execute(delete(posts).where(posts.c.reblog_of_id == post.id))
    conn.execute(delete(posts).where(posts.c.id == post.id))
    _bump_statuses(conn, post.account_id, -1)


def _bump_statuses(conn: Connection, account_id: int, delta: int) -> None:
    conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id)
        .values(statuses_count=accounts.c.statuses_count + delta)
    )


def do_reblog(rt: Runtime, account_id: int, post_id: int) -> int:
    """Reposts a post; reposting twice returns the first repost."""
    with rt.db.write() as tx:
        target = access_visible_post(tx.conn, post_id, account_id)
        if target.reblog_of_id is not None:
            target = access_visible_post(tx.conn, target.reblog_of_id, account_id)
        if target.visibility not in ("public", "unlisted") or target.circle_id is not None:
            raise Forbidden("This post cannot be reposted")
        existing = tx.conn.scalar(
            select(posts.c.id).where(
                posts.c.reblog_of_id == target.id, posts.c.account_id == account_id
            )
        )
        if existing is not None:
            return int(existing)
        reblog_id = new_id()
        now = utcnow()
        tx.conn.execute(
            insert(posts).values(
                id=reblog_id,
                account_id=account_id,
                text="",
                content="",
                spoiler_text="",
                sensitive=False,
                visibility="public",
                reblog_of_id=target.id,
                created_at=now,
                replies_count=0,
                reblogs_count=0,
                favourites_count=0,
            )
        )
        tx.conn.execute(
            update(posts)
            .where(posts.c.id == target.id)
            .values(reblogs_count=posts.c.reblogs_count + 1)
        )
        tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(statuses_count=accounts.c.statuses_count + 1, last_status_at=now)
        )
        rt.jobs.enqueue(tx, FANOUT_JOB, {"post_id": reblog_id})
    return reblog_id


def do_unreblog(rt: Runtime, account_id: int, post_id: int) -> None:
    with rt.db.write() as tx:
        access_visible_post(tx.conn, post_id, account_id)
        reblog = tx.conn.execute(
            select(posts).where(posts.c.reblog_of_id == post_id, posts.c.account_id == account_id)
        ).first()
        if reblog is None:
            return
        _delete_rows(tx.conn, reblog)
        rt.jobs.enqueue(
            tx,
            UNFANOUT_JOB,
            {
                "post_ids": [reblog.id],
                "account_ids": [account_id],
                "visibility": "public",
                "reblog_of_id": post_id,
            },
        )


def ensure_tags(conn: Connection, names: Sequence[str]) -> list[int]:
    """IDs of these hashtags, creating the new ones: one can follow or feature a tag
    nobody has used yet, as in Mastodon."""
    return _tag_ids(conn, names)
