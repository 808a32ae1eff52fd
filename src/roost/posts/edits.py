"""Editing a post: its text, content warning, sensitivity, language, pictures and poll.

As Mastodon: only the author edits; visibility, replies and quotes stay; the first
edit also records the original, so the history's first entry is the post as it
was published. Mentions and hashtags are parsed again (removed mentions are no
longer listed; new ones are told by the job). The job ``EDITED_JOB``
(``roost.timelines.edits``) sends ``status.update`` where the post went and tells
those who reposted it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import delete, insert, select, update

from roost.accounts.queries import find_existing_usernames
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.ids import new_id
from roost.media.actions import replace_post_media
from roost.posts.actions import _tag_ids
from roost.posts.models import mentions, post_edits, post_tags, posts
from roost.posts.polls import PollSpec, check_poll, poll_options_of, replace_poll
from roost.posts.search_index import mark_post_poll, reindex_post
from roost.posts.visibility import visible_clause
from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.text import Linker, count_length, extract_hashtags, extract_mentions, render_html

EDITED_JOB = "posts.edited"


class _Keep:
    """The edit leaves the poll as it is (the web form has no poll fields)."""


KEEP_POLL: Final = _Keep()


@dataclass(frozen=True)
class Edit:
    text: str
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    poll: PollSpec | _Keep | None = KEEP_POLL
    media_ids: list[int] | None = None  # None: the pictures stay as they are


def _check(rt: Runtime, edit: Edit) -> Edit:
    text = edit.text.replace("\r\n", "\n").strip()
    for name, value in (("status", text), ("spoiler_text", edit.spoiler_text)):
        if value and "\x00" in value:
            raise ValidationFailed("Text contains a NUL character", field=name)
    if not text and not edit.media_ids:
        raise ValidationFailed("Text can't be blank", field="status", code="ERR_BLANK")
    length = count_length(text) + len(edit.spoiler_text)
    if length > rt.settings.max_post_chars:
        raise ValidationFailed(
            f"Text is too long ({length} characters; the limit is {rt.settings.max_post_chars})",
            field="status",
            code="ERR_TOO_LONG",
        )
    if edit.language is not None and len(edit.language) > 10:
        raise ValidationFailed("Language is not valid", field="language")
    poll = check_poll(edit.poll) if isinstance(edit.poll, PollSpec) else edit.poll
    return Edit(
        text,
        edit.spoiler_text,
        edit.sensitive or bool(edit.spoiler_text),
        edit.language,
        poll,
        edit.media_ids,
    )


def _snapshot(post: Any, poll_options: list[str] | None, at: Any) -> dict[str, Any]:
    return {
        "id": new_id(),
        "post_id": post.id,
        "account_id": post.account_id,
        "text": post.text,
        "content": post.content,
        "spoiler_text": post.spoiler_text,
        "sensitive": post.sensitive,
        "poll_options": poll_options,
        "created_at": at,
    }


def do_edit_post(rt: Runtime, account_id: int, post_id: int, edit: Edit) -> None:
    edit = _check(rt, edit)
    mentioned = find_existing_usernames(rt, extract_mentions(edit.text, rt.settings.domain))
    base = rt.settings.effective_base_url
    content = render_html(
        edit.text,
        Linker(base, lambda u: f"{base}/@{u}" if u.lower() in mentioned else None),
    )
    now = utcnow()
    with rt.db.write() as tx:
        post = tx.conn.execute(select(posts).where(posts.c.id == post_id)).first()
        if post is None or post.reblog_of_id is not None:
            raise NotFound("Record not found")
        if post.account_id != account_id:
            raise Forbidden("Only the author may edit a post")
        old_options = poll_options_of(tx.conn, post_id)
        if (
            tx.conn.scalar(select(post_edits.c.id).where(post_edits.c.post_id == post_id).limit(1))
            is None
        ):
            tx.conn.execute(
                insert(post_edits).values(**_snapshot(post, old_options, post.created_at))
            )
        before = set(
            tx.conn.scalars(select(mentions.c.account_id).where(mentions.c.post_id == post_id))
        )
        after = set(mentioned.values())
        if before - after:
            tx.conn.execute(
                delete(mentions).where(
                    mentions.c.post_id == post_id, mentions.c.account_id.in_(before - after)
                )
            )
        if after - before:
            tx.conn.execute(
                insert(mentions), [{"post_id": post_id, "account_id": a} for a in after - before]
            )
        tx.conn.execute(delete(post_tags).where(post_tags.c.post_id == post_id))
        for tag_id in _tag_ids(tx.conn, extract_hashtags(edit.text)):
            tx.conn.execute(insert(post_tags).values(post_id=post_id, tag_id=tag_id))
        if not isinstance(edit.poll, _Keep):
            replace_poll(rt, tx, post_id, account_id, edit.poll)
        if edit.media_ids is not None:
            replace_post_media(rt, tx, account_id, post_id, edit.media_ids)
        tx.conn.execute(
            update(posts)
            .where(posts.c.id == post_id)
            .values(
                text=edit.text,
                content=content,
                spoiler_text=edit.spoiler_text,
                sensitive=edit.sensitive,
                language=edit.language or post.language,
                edited_at=now,
            )
        )
        updated = tx.conn.execute(select(posts).where(posts.c.id == post_id)).one()
        tx.conn.execute(
            insert(post_edits).values(**_snapshot(updated, poll_options_of(tx.conn, post_id), now))
        )
        reindex_post(tx.conn, post_id)  # search: the new words, and has:poll as it is now
        mark_post_poll(tx.conn, post_id, poll_options_of(tx.conn, post_id) is not None)
        rt.jobs.enqueue(
            tx, EDITED_JOB, {"post_id": post_id, "new_mentions": sorted(after - before)}
        )


@dataclass
class Version:
    """One entry of a post's history (Mastodon's StatusEdit)."""

    text: str
    content: str
    spoiler_text: str
    sensitive: bool
    poll_options: list[str] | None
    created_at: Any


def get_history(rt: Runtime, viewer_id: int | None, post_id: int) -> tuple[Any, list[Version]]:
    """The post (as the viewer may see it) and its versions, the original first; a
    post never edited has one version, itself."""
    with rt.db.read() as conn:
        post = conn.execute(
            select(posts).where(posts.c.id == post_id, visible_clause(viewer_id))
        ).first()
        if post is None or post.reblog_of_id is not None:
            raise NotFound("Record not found")
        rows = list(
            conn.execute(
                select(post_edits).where(post_edits.c.post_id == post_id).order_by(post_edits.c.id)
            )
        )
        current_options = poll_options_of(conn, post_id)
    if not rows:
        return post, [
            Version(
                post.text,
                post.content,
                post.spoiler_text,
                post.sensitive,
                current_options,
                post.created_at,
            )
        ]
    return post, [
        Version(
            r.text,
            r.content,
            r.spoiler_text,
            r.sensitive,
            None if r.poll_options is None else [str(o) for o in r.poll_options],
            r.created_at,
        )
        for r in rows
    ]


def get_source(rt: Runtime, viewer_id: int | None, post_id: int) -> Any:
    """The post's text as written (Mastodon's StatusSource), for an edit form."""
    post, _ = get_history(rt, viewer_id, post_id)
    return post
