"""Writing the full-text index, always inside the transaction that changes the post:
a post is searchable the moment it is committed, and gone from search with it.

Two backends, one table of flags (``post_search``): on SQLite the words go to the FTS5
table ``post_fts`` (rowid = post ID); on PostgreSQL to ``post_search.document``, a
tsvector computed by the database (``to_tsvector('simple', ...)``: no stemming, so
both backends match whole words the same way). Reposts carry no text and are not
indexed. ``roost.search`` reads the index.

Callers: ``do_create_post`` (``index_new_post``), ``do_delete_post`` (``unindex_post``),
an edit (``reindex_post``), and polls (``mark_post_poll``) once one is attached.
(``has:media`` reads the media table itself: ``roost.media.queries.has_media_clause``.)
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, text, update

from roost.posts.models import post_search, posts
from roost.text import extract_links


def index_post(conn: Connection, post_id: int) -> None:
    """Indexes a post's text and content warning (reads the row in ``conn``)."""
    row = conn.execute(
        select(posts.c.text, posts.c.spoiler_text, posts.c.reblog_of_id).where(
            posts.c.id == post_id
        )
    ).first()
    if row is None or row.reblog_of_id is not None:
        return
    index_new_post(conn, post_id, row.text, row.spoiler_text)


def index_new_post(conn: Connection, post_id: int, text: str, spoiler_text: str) -> None:
    """Indexes a post being created, from the values just inserted (no read back)."""
    _write(conn, post_id, f"{text} {spoiler_text}", has_link=bool(extract_links(text)))


def reindex_post(conn: Connection, post_id: int) -> None:
    """Re-indexes a post whose text changed (an edit), inside the edit's transaction;
    its poll flag is kept."""
    has_poll = conn.scalar(select(post_search.c.has_poll).where(post_search.c.post_id == post_id))
    unindex_post(conn, post_id)
    index_post(conn, post_id)
    if has_poll:
        mark_post_poll(conn, post_id)


def unindex_post(conn: Connection, post_id: int) -> None:
    """Takes a post out of the index (the flags row would also go in cascade with the
    post; the FTS5 rows have no foreign key and must be deleted here)."""
    conn.execute(delete(post_search).where(post_search.c.post_id == post_id))
    if conn.dialect.name == "sqlite":
        conn.execute(text("DELETE FROM post_fts WHERE rowid = :id"), {"id": post_id})


def mark_post_poll(conn: Connection, post_id: int, has_poll: bool = True) -> None:
    """For polls: whether the post has one (``has:poll``)."""
    conn.execute(
        update(post_search).where(post_search.c.post_id == post_id).values(has_poll=has_poll)
    )


def _write(conn: Connection, post_id: int, words: str, *, has_link: bool) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "INSERT INTO post_search (post_id, has_link, has_poll, document)"
                " VALUES (:id, :link, false, to_tsvector('simple', :words))"
            ),
            {"id": post_id, "link": has_link, "words": words},
        )
        return
    conn.execute(insert(post_search).values(post_id=post_id, has_link=has_link, has_poll=False))
    conn.execute(
        text("INSERT INTO post_fts (rowid, body) VALUES (:id, :words)"),
        {"id": post_id, "words": words},
    )
