"""The archive: a zip with the account's posts as ActivityStreams, its pictures, its
profile and its relations, built by a job (``archive.export``) that reports progress.

Members, as Mastodon's archive has them (``BackupService``; Mastodon writes a
tar.gz, Roost a zip, which every system opens): ``outbox.json``, an
OrderedCollection of ``Create`` (a post, its ``Note`` inside) and ``Announce`` (a
repost) activities, oldest first; ``actor.json``, the ``Person`` with ``icon``/
``image`` pointing at ``avatar.*``/``header.*`` in the zip; ``likes.json`` and
``bookmarks.json``, collections of post URIs; the pictures under
``media_attachments/`` (the ``url`` of each attachment in the outbox is that path);
and Mastodon's export CSVs (``roost.archive.csvs``), which ``/settings/import``
reads back. One archive a week (Mastodon's rule); each is kept ``KEEP_DAYS``, in
media storage under a random name, and served only to its owner's session.
"""

from __future__ import annotations

import json
import posixpath
import secrets
import tempfile
import zipfile
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update

from roost.accounts.models import accounts
from roost.archive.csvs import FILES, address, export_csv
from roost.archive.models import archive_exports
from roost.errors import NotFound, RateLimited
from roost.ids import new_id
from roost.media.models import media_attachments
from roost.posts.models import bookmarks, favourites, mentions, post_tags, posts, tags
from roost.runtime import Runtime
from roost.store.schema import utcnow

EXPORT_JOB = "archive.export"
EXPIRE_JOB = "archive.expire"
KEEP_DAYS = 7
EVERY_DAYS = 7
BATCH = 200
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CONTEXT = "https://www.w3.org/ns/activitystreams"


def do_request_export(rt: Runtime, account_id: int) -> int:
    """Starts an archive: one a week, unless the last one never finished."""
    now = utcnow()
    with rt.db.write() as tx:
        recent = tx.conn.scalar(
            select(archive_exports.c.id).where(
                archive_exports.c.account_id == account_id,
                archive_exports.c.created_at > now - timedelta(days=EVERY_DAYS),
                # One still "running" a day on lost its job (parked): it does not count.
                or_(
                    archive_exports.c.state.in_(("done", "expired")),
                    archive_exports.c.created_at > now - timedelta(days=1),
                ),
            )
        )
        if recent is not None:
            raise RateLimited("You can ask for one archive a week: the last one is below.")
        total = tx.conn.scalar(
            select(func.count()).select_from(posts).where(posts.c.account_id == account_id)
        )
        export_id = new_id()
        tx.conn.execute(
            insert(archive_exports).values(
                id=export_id,
                account_id=account_id,
                state="pending",
                posts_total=int(total or 0),
                posts_done=0,
                created_at=now,
            )
        )
        rt.jobs.enqueue(tx, EXPORT_JOB, {"export_id": export_id})
    return export_id


def handle_export(rt: Runtime, payload: dict[str, Any]) -> None:
    """Builds the whole zip in a temporary file, then stores it: a retried job starts
    over and overwrites nothing but its own row (the name is chosen anew)."""
    export_id = int(payload["export_id"])
    with rt.db.read() as conn:
        export = conn.execute(
            select(archive_exports).where(archive_exports.c.id == export_id)
        ).first()
    if export is None or export.state == "done":
        return
    _set(rt, export_id, state="running", posts_done=0)
    builder = _Builder(rt, export_id, int(export.account_id))
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            builder.write(archive)
        spool.seek(0)
        data = spool.read()
    name = f"archives/{secrets.token_urlsafe(24)}.zip"
    rt.media.save(name, data)
    _set(rt, export_id, state="done", file_name=name, size=len(data), finished_at=utcnow())
    with rt.db.write() as tx:
        rt.jobs.enqueue(tx, EXPIRE_JOB, {"export_id": export_id}, delay=KEEP_DAYS * 24 * 3600.0)


def handle_expire(rt: Runtime, payload: dict[str, Any]) -> None:
    """A week on: the file goes; the row stays as "expired" (it still counts for the
    once-a-week rule until its week is over)."""
    export_id = int(payload["export_id"])
    with rt.db.read() as conn:
        name = conn.scalar(
            select(archive_exports.c.file_name).where(archive_exports.c.id == export_id)
        )
    if name:
        rt.media.delete(name)
    _set(rt, export_id, state="expired", file_name=None)


def remove_account_archives(rt: Runtime, account_id: int) -> None:
    """An account being removed: its archives' files go now (rows go with the account's)."""
    with rt.db.read() as conn:
        rows = conn.execute(
            select(archive_exports.c.id, archive_exports.c.file_name).where(
                archive_exports.c.account_id == account_id
            )
        ).all()
    for row in rows:
        if row.file_name:
            rt.media.delete(row.file_name)
        _set(rt, row.id, state="expired", file_name=None)


def _set(rt: Runtime, export_id: int, **values: Any) -> None:
    with rt.db.write() as tx:
        tx.conn.execute(
            update(archive_exports).where(archive_exports.c.id == export_id).values(**values)
        )


def get_exports(rt: Runtime, account_id: int) -> list[Any]:
    with rt.db.read() as conn:
        return list(
            conn.execute(
                select(archive_exports)
                .where(archive_exports.c.account_id == account_id)
                .order_by(archive_exports.c.id.desc())
                .limit(5)
            ).all()
        )


def access_archive(rt: Runtime, account_id: int, export_id: int) -> bytes:
    """The finished archive's bytes, for its owner only (anyone else: not found)."""
    with rt.db.read() as conn:
        name = conn.scalar(
            select(archive_exports.c.file_name).where(
                archive_exports.c.id == export_id,
                archive_exports.c.account_id == account_id,
                archive_exports.c.state == "done",
            )
        )
    data = rt.media.read(name) if name else None
    if data is None:
        raise NotFound("Record not found")
    return data


class _Builder:
    def __init__(self, rt: Runtime, export_id: int, account_id: int) -> None:
        self.rt = rt
        self.export_id = export_id
        self.account_id = account_id
        self.base = rt.settings.effective_base_url
        with rt.db.read() as conn:
            self.account = conn.execute(select(accounts).where(accounts.c.id == account_id)).one()
        self.actor = f"{self.base}/users/{self.account.username}"

    def write(self, archive: zipfile.ZipFile) -> None:
        self._outbox(archive)
        self._actor(archive)
        self._collection(archive, "likes.json", favourites)
        self._collection(archive, "bookmarks.json", bookmarks)
        for kind, name in FILES.items():
            archive.writestr(name, export_csv(self.rt, self.account_id, kind))

    # -- outbox ----------------------------------------------------------------
    def _outbox(self, archive: zipfile.ZipFile) -> None:
        """Streamed into the zip a batch at a time, so a long history never sits in
        memory whole; the pictures are copied after it (a zip writes one member at a
        time), and ``totalItems`` comes last (JSON keys have no order)."""
        pictures: list[str] = []
        done = 0
        after = 0
        with archive.open("outbox.json", "w") as out:
            out.write(
                b'{"@context": "%s", "id": "outbox.json", "type": "OrderedCollection", '
                b'"orderedItems": [' % CONTEXT.encode()
            )
            while True:
                with self.rt.db.read() as conn:
                    batch = conn.execute(
                        select(posts)
                        .where(posts.c.account_id == self.account_id, posts.c.id > after)
                        .order_by(posts.c.id)
                        .limit(BATCH)
                    ).all()
                    if not batch:
                        break
                    extras = _Extras(conn, [p.id for p in batch], [p.reblog_of_id for p in batch])
                for post in batch:
                    item = self._activity(post, extras, pictures)
                    out.write((b", " if done else b"") + json.dumps(item).encode())
                    done += 1
                after = batch[-1].id
                _set(self.rt, self.export_id, posts_done=done)
            out.write(b'], "totalItems": %d}' % done)
        for name in pictures:
            data = self.rt.media.read(name)
            if data is not None:
                archive.writestr(posixpath.join("media_attachments", name), data)

    def _status_uri(self, username: str, post_id: int) -> str:
        return f"{self.base}/users/{username}/statuses/{post_id}"

    def _audience(self, visibility: str, mentioned: list[str]) -> tuple[list[str], list[str]]:
        followers = f"{self.actor}/followers"
        if visibility == "public":
            return [PUBLIC], [followers, *mentioned]
        if visibility == "unlisted":
            return [followers], [PUBLIC, *mentioned]
        if visibility == "private":
            return [followers], mentioned
        return mentioned, []

    def _activity(self, post: Any, extras: _Extras, pictures: list[str]) -> dict[str, Any]:
        uri = self._status_uri(self.account.username, post.id)
        published = post.created_at.isoformat().replace("+00:00", "Z")
        mentioned = [f"{self.base}/users/{n}" for n in extras.mentions.get(post.id, [])]
        to, cc = self._audience(post.visibility, mentioned)
        if post.reblog_of_id is not None:
            original = extras.reblogged.get(post.reblog_of_id)
            return {
                "id": f"{uri}/activity",
                "type": "Announce",
                "actor": self.actor,
                "published": published,
                "to": to,
                "cc": cc,
                "object": self._status_uri(original, post.reblog_of_id) if original else None,
            }
        attachments = []
        for media in extras.media.get(post.id, []):
            path = posixpath.join("media_attachments", media.file_name)
            pictures.append(media.file_name)
            attachments.append(
                {
                    "type": "Document",
                    "mediaType": _media_type(media.file_name),
                    "url": path,
                    "name": media.description,
                    "blurhash": media.blurhash,
                    "width": media.width,
                    "height": media.height,
                }
            )
        in_reply_to = None
        if post.in_reply_to_id is not None:
            parent = extras.parents.get(post.in_reply_to_id)
            if parent is not None:
                in_reply_to = self._status_uri(parent, post.in_reply_to_id)
        tag_list: list[dict[str, Any]] = [
            {"type": "Mention", "href": href, "name": "@" + href.rsplit("/", 1)[1]}
            for href in mentioned
        ]
        tag_list += [
            {"type": "Hashtag", "href": f"{self.base}/tags/{name}", "name": f"#{name}"}
            for name in extras.tags.get(post.id, [])
        ]
        note: dict[str, Any] = {
            "id": uri,
            "type": "Note",
            "summary": post.spoiler_text or None,
            "inReplyTo": in_reply_to,
            "published": published,
            "updated": post.edited_at.isoformat().replace("+00:00", "Z")
            if post.edited_at
            else None,
            "url": f"{self.base}/@{self.account.username}/{post.id}",
            "attributedTo": self.actor,
            "to": to,
            "cc": cc,
            "sensitive": bool(post.sensitive),
            "content": post.content,
            "source": {"content": post.text, "mediaType": "text/plain"},
            "attachment": attachments,
            "tag": tag_list,
        }
        if post.language:
            note["contentMap"] = {post.language: post.content}
        return {
            "id": f"{uri}/activity",
            "type": "Create",
            "actor": self.actor,
            "published": published,
            "to": to,
            "cc": cc,
            "object": note,
        }

    # -- actor and collections -------------------------------------------------
    def _actor(self, archive: zipfile.ZipFile) -> None:
        account = self.account
        actor: dict[str, Any] = {
            "@context": [CONTEXT, "https://w3id.org/security/v1"],
            "id": self.actor,
            "type": "Service" if account.bot else "Person",
            "preferredUsername": account.username,
            "name": account.display_name,
            "summary": account.note_html or account.note,
            "url": f"{self.base}/@{account.username}",
            "published": account.created_at.isoformat().replace("+00:00", "Z"),
            "manuallyApprovesFollowers": bool(account.locked),
            "discoverable": bool(account.discoverable),
            "indexable": bool(account.indexable),
            "webfinger": address(self.rt, account.username),
            "followers": f"{self.actor}/followers",
            "following": f"{self.actor}/following",
            "outbox": "outbox.json",
            "likes": "likes.json",
            "bookmarks": "bookmarks.json",
            "attachment": [
                {"type": "PropertyValue", "name": f.get("name", ""), "value": f.get("value", "")}
                for f in (account.fields or [])
            ],
        }
        for kind, key in (("avatar", "icon"), ("header", "image")):
            name = account._mapping[kind]
            data = self.rt.media.read(name) if name else None
            if data is None:
                continue
            member = kind + posixpath.splitext(name)[1]
            archive.writestr(member, data)
            actor[key] = {"type": "Image", "mediaType": _media_type(name), "url": member}
        archive.writestr("actor.json", json.dumps(actor, ensure_ascii=False))

    def _collection(self, archive: zipfile.ZipFile, name: str, table: Any) -> None:
        with self.rt.db.read() as conn:
            rows = conn.execute(
                select(posts.c.id, accounts.c.username)
                .join(table, table.c.post_id == posts.c.id)
                .join(accounts, accounts.c.id == posts.c.account_id)
                .where(table.c.account_id == self.account_id)
                .order_by(table.c.id)
            ).all()
        items = [self._status_uri(r.username, r.id) for r in rows]
        collection = {
            "@context": CONTEXT,
            "id": name,
            "type": "OrderedCollection",
            "totalItems": len(items),
            "orderedItems": items,
        }
        archive.writestr(name, json.dumps(collection, ensure_ascii=False))


class _Extras:
    """What a batch of posts needs besides its rows, in one query each."""

    def __init__(self, conn: Any, post_ids: list[int], reblog_ids: list[int | None]) -> None:
        self.mentions: dict[int, list[str]] = {}
        for row in conn.execute(
            select(mentions.c.post_id, accounts.c.username)
            .join(accounts, accounts.c.id == mentions.c.account_id)
            .where(mentions.c.post_id.in_(post_ids))
        ):
            self.mentions.setdefault(row.post_id, []).append(row.username)
        self.tags: dict[int, list[str]] = {}
        for row in conn.execute(
            select(post_tags.c.post_id, tags.c.name)
            .join(tags, tags.c.id == post_tags.c.tag_id)
            .where(post_tags.c.post_id.in_(post_ids))
        ):
            self.tags.setdefault(row.post_id, []).append(row.name)
        self.media: dict[int, list[Any]] = {}
        for row in conn.execute(
            select(media_attachments)
            .where(
                media_attachments.c.post_id.in_(post_ids),
                media_attachments.c.file_name.is_not(None),
            )
            .order_by(media_attachments.c.position)
        ):
            self.media.setdefault(row.post_id, []).append(row)
        parents = select(posts.c.in_reply_to_id).where(posts.c.id.in_(post_ids))
        self.parents = _authors(conn, parents)
        self.reblogged = _authors(conn, [r for r in reblog_ids if r is not None])


def _authors(conn: Any, post_ids: Any) -> dict[int, str]:
    return {
        int(row.id): str(row.username)
        for row in conn.execute(
            select(posts.c.id, accounts.c.username)
            .join(accounts, accounts.c.id == posts.c.account_id)
            .where(posts.c.id.in_(post_ids))
        )
    }


def _media_type(name: str) -> str:
    ext = posixpath.splitext(name)[1].lower().lstrip(".")
    return {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif"}.get(
        ext, f"image/{ext}" if ext else "application/octet-stream"
    )


JOB_HANDLERS = {EXPORT_JOB: handle_export, EXPIRE_JOB: handle_expire}
