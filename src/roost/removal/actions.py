"""``purge_account``: everything an account holds, removed; its row kept, emptied.

Called by the ``accounts.purge`` job (an owner deleted their account) and by the
end of a suspension (``roost.moderation``). Each step is idempotent and commits on
its own, so a worker that dies midway leaves a job that finishes the rest.

The order matters. Posts go first, through ``do_delete_post`` (their media, search
entries, reposts, notifications and direct conversations go with them, as for any
deleted post), and while the account's followers and the lists holding it are still
known their stored timelines are cleaned here, at once: the deletion's own fan-out
job, running later, finds the follows gone. Then the relations that keep counters
(follows both ways, favourites) go through the graph and post actions' rules; then
every other row anywhere that refers to the account is removed, found through the
foreign keys of the whole schema (``metadata``), so a table added later is covered
without a change here, as its declared ``ondelete`` says (CASCADE: removed; SET
NULL: cleared), exactly what deleting the row would do. Last the row itself is
emptied of everything personal and its pictures deleted.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete, func, select, update

from roost.accounts.deletion import PURGE_ACCOUNT_JOB
from roost.accounts.models import accounts
from roost.archive.export import remove_account_archives
from roost.errors import NotFound
from roost.graph.actions import unfollow_in
from roost.graph.models import follows
from roost.graph.queries import follower_ids
from roost.lists.actions import do_delete_list
from roost.lists.queries import list_ids_of, lists_holding
from roost.media.actions import remove_account_media
from roost.phones.models import phones, sms_inbound
from roost.posts.actions import do_delete_post
from roost.posts.models import favourites, posts
from roost.runtime import Runtime
from roost.store.models import load_all_models
from roost.store.schema import utcnow
from roost.timelines.feeds import home_key, list_key

POST_BATCH = 200
EDGE_BATCH = 500


def purge_account(rt: Runtime, account_id: int) -> None:
    with rt.db.read() as conn:
        exists = conn.scalar(select(accounts.c.id).where(accounts.c.id == account_id))
    if exists is None:
        return
    _purge_posts(rt, account_id)
    _purge_follows(rt, account_id)
    _purge_favourites(rt, account_id)
    for list_id in list_ids_of(rt, account_id):
        try:
            do_delete_list(rt, account_id, list_id)
        except NotFound:  # deleted meanwhile
            pass
    remove_account_media(rt, account_id)
    remove_account_archives(rt, account_id)
    _purge_phone_traces(rt, account_id)
    _purge_references(rt, account_id)
    _empty_row(rt, account_id)
    rt.timelines.drop(home_key(account_id))


def _purge_posts(rt: Runtime, account_id: int) -> None:
    holders = [home_key(a) for a in {account_id, *follower_ids(rt, account_id)}]
    holders += [list_key(info.id) for info in lists_holding(rt, [account_id])]
    while True:
        with rt.db.read() as conn:
            batch = list(
                conn.scalars(
                    select(posts.c.id)
                    .where(posts.c.account_id == account_id)
                    .order_by(posts.c.id)
                    .limit(POST_BATCH)
                )
            )
        if not batch:
            return
        for post_id in batch:
            try:
                do_delete_post(rt, account_id, post_id)
            except NotFound:  # a repost deleted with the post it repeated
                pass
        for key in holders:
            rt.timelines.remove_many(key, batch)


def _purge_follows(rt: Runtime, account_id: int) -> None:
    """Both directions, through ``unfollow_in`` so that the other side's counters and
    follow notifications stay right (pending requests go with the references)."""
    following = select(follows.c.target_account_id).where(follows.c.account_id == account_id)
    followers = select(follows.c.account_id).where(follows.c.target_account_id == account_id)
    for query, outgoing in ((following, True), (followers, False)):
        while True:
            with rt.db.write() as tx:
                others = list(tx.conn.scalars(query.limit(EDGE_BATCH)))
                for other in others:
                    if outgoing:
                        unfollow_in(tx, rt, account_id, other)
                    else:
                        unfollow_in(tx, rt, other, account_id)
            if not others:
                break


def _purge_favourites(rt: Runtime, account_id: int) -> None:
    """The account's likes, and the counts they added to other people's posts."""
    while True:
        with rt.db.write() as tx:
            rows = tx.conn.execute(
                select(favourites.c.id, favourites.c.post_id)
                .where(favourites.c.account_id == account_id)
                .limit(EDGE_BATCH)
            ).all()
            for row in rows:
                tx.conn.execute(
                    update(posts)
                    .where(posts.c.id == row.post_id, posts.c.favourites_count > 0)
                    .values(favourites_count=posts.c.favourites_count - 1)
                )
            if rows:
                tx.conn.execute(delete(favourites).where(favourites.c.id.in_([r.id for r in rows])))
        if not rows:
            return


def _purge_phone_traces(rt: Runtime, account_id: int) -> None:
    """Texts received from the account's number name no account, only the number."""
    with rt.db.write() as tx:
        numbers = {
            n
            for row in tx.conn.execute(
                select(phones.c.number, phones.c.verified_number).where(
                    phones.c.account_id == account_id
                )
            )
            for n in row
            if n
        }
        if numbers:
            tx.conn.execute(delete(sms_inbound).where(sms_inbound.c.from_number.in_(numbers)))


def _purge_references(rt: Runtime, account_id: int) -> None:
    """Every row in the schema whose foreign key names the account, treated as its
    ``ondelete`` says; and replies to the account lose the account they answered."""
    metadata = load_all_models()
    for table in reversed(metadata.sorted_tables):
        if table.name == accounts.name:
            continue
        _purge_table(rt, table, account_id)
    with rt.db.write() as tx:
        tx.conn.execute(
            update(posts)
            .where(posts.c.in_reply_to_account_id == account_id)
            .values(in_reply_to_account_id=None)
        )


def _purge_table(rt: Runtime, table: Table, account_id: int) -> None:
    for fk in table.foreign_keys:
        if fk.column.table.name != accounts.name:
            continue
        column = fk.parent
        with rt.db.write() as tx:
            if (fk.ondelete or "").upper() == "SET NULL":
                tx.conn.execute(update(table).where(column == account_id).values({column: None}))
            else:
                tx.conn.execute(delete(table).where(column == account_id))


def _empty_row(rt: Runtime, account_id: int) -> None:
    with rt.db.write() as tx:
        row = tx.conn.execute(
            select(accounts.c.avatar, accounts.c.header).where(accounts.c.id == account_id)
        ).one()
        now = utcnow()
        tx.conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(
                email=None,
                password_hash=None,
                display_name="",
                note="",
                note_html=None,
                fields=None,
                avatar=None,
                header=None,
                registration_reason=None,
                default_language=None,
                discoverable=False,
                indexable=False,
                locked=False,
                bot=False,
                role="user",
                followers_count=0,
                following_count=0,
                statuses_count=0,
                last_status_at=None,
                last_active_at=None,
                email_confirmed_at=None,
                session_epoch=accounts.c.session_epoch + 1,
                # A suspension's purge marks the account deleted too; an owner's keeps its time.
                deleted_at=func.coalesce(accounts.c.deleted_at, now),
            )
        )
    for name in (row.avatar, row.header):
        if name:
            rt.media.delete(name)


def handle_purge_account(rt: Runtime, payload: dict[str, Any]) -> None:
    purge_account(rt, int(payload["account_id"]))


JOB_HANDLERS = {PURGE_ACCOUNT_JOB: handle_purge_account}
