"""The archive's contents, as Mastodon's archive has them (see ``roost.archive.export``):
posts as ActivityStreams activities, the actor, likes and bookmarks collections, the
pictures and the CSVs, written into an open zip."""

from __future__ import annotations

import json
import posixpath
import zipfile
from typing import Any

from sqlalchemy import select, update

from roost.accounts.models import accounts
from roost.archive.csvs import FILES, address, export_csv
from roost.archive.models import archive_exports
from roost.media.models import media_attachments
from roost.posts.models import bookmarks, favourites, mentions, post_tags, posts, tags
from roost.runtime import Runtime

BATCH = 200
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CONTEXT = "https://www.w3.org/ns/activitystreams"


def set_progress(rt: Runtime, export_id: int, done: int) -> None:
    with rt.db.write() as tx:
        tx.conn.execute(
            update(archive_exports).where(archive_exports.c.id == export_id).values(posts_done=done)
        )


class ArchiveWriter:
    """Writes one account's archive into an open zip, reporting posts done as it goes."""

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
                set_progress(self.rt, self.export_id, done)
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
