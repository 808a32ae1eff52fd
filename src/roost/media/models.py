"""Media attachments: pictures uploaded by an account, attached to at most one post.

``post_id`` is NULL until a post takes the attachment; an attachment nobody posts
is removed a day after its upload (``media.cleanup``), unless a scheduled post
holds it (``scheduled_id``: no foreign key, the scheduled posts' table is not this
package's business) until it is published or cancelled. The files themselves live
in the media storage (``roost.store.media``) under the names kept here; the
upload awaiting its processing job is kept under ``upload_name`` until then.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String, Table, Text

from roost.store.schema import Id, UTCDateTime, metadata

# What an attachment's processing came to (``state``).
PROCESSING = "processing"
READY = "ready"
FAILED = "failed"

media_attachments = Table(
    "media_attachments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("post_id", Id, ForeignKey("posts.id", ondelete="CASCADE"), nullable=True),
    Column("scheduled_id", Id, nullable=True),
    Column("position", Integer, nullable=False, default=0),
    Column("type", String(10), nullable=False, default="image"),
    Column("state", String(12), nullable=False, default=PROCESSING),
    Column("upload_name", String(200), nullable=True),
    Column("file_name", String(200), nullable=True),
    Column("preview_name", String(200), nullable=True),
    Column("description", Text, nullable=True),
    Column("focus_x", Float, nullable=False, default=0.0),
    Column("focus_y", Float, nullable=False, default=0.0),
    Column("width", Integer, nullable=True),
    Column("height", Integer, nullable=True),
    Column("small_width", Integer, nullable=True),
    Column("small_height", Integer, nullable=True),
    Column("blurhash", String(100), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_media_attachments_post", media_attachments.c.post_id, media_attachments.c.position)
Index("ix_media_attachments_account", media_attachments.c.account_id, media_attachments.c.id)
Index("ix_media_attachments_scheduled", media_attachments.c.scheduled_id)
