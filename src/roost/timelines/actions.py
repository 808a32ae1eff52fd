"""Keeping home timelines right: fan-out, removal, back-fill, rebuild.

These run as jobs (see ``roost.worker``). The fan-out job is a new post's one
after-commit job: besides timelines, it creates the post's notifications and
updates direct conversations, so a post costs one job whatever it carries.
The fan-out job splits the
recipients into batches of ``DELIVERY_BATCH`` and enqueues one delivery job per
batch, so many workers share a large fan-out and a crash repeats at most one
batch. Every handler is idempotent and re-reads the post, treating "gone" as
done: at-least-once delivery never shows a post twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from roost.accounts.models import accounts
from roost.channels import home_channel, public_channel, tag_channel
from roost.conversations.delivery import deliver_direct, withdraw_direct
from roost.graph.actions import BACKFILL_JOB, PURGE_JOB
from roost.graph.queries import follower_ids, following_ids
from roost.ids import min_id_for
from roost.notifications.delivery import notify_about_post, sync_reblog
from roost.posts.actions import FANOUT_JOB, UNFANOUT_JOB
from roost.posts.models import mentions, post_tags, posts, tags
from roost.posts.queries import recent_post_ids
from roost.posts.visibility import home_clause, reaches_followers, shown_in_home, visible_clause
from roost.runtime import Runtime
from roost.store.schema import utcnow

# Followers per delivery job. Each job pays a claim, a post lookup and a completion
# (tens of milliseconds on a busy server) on top of the timeline writes (about 20 ms
# per 1,000 timelines in Redis): 2,500 keeps that overhead small for a 100,000-follower
# fan-out and still splits a 10,000-follower one across four workers.
DELIVERY_BATCH = 2500
DELIVER_JOB = "timelines.deliver"
BACKFILL_POSTS = 40
# Longer than any post's wait between taking its ID and committing.
REBUILD_OVERLAP = timedelta(minutes=1)


def home_key(account_id: int) -> str:
    return f"home:{account_id}"


def handle_fanout(rt: Runtime, payload: dict[str, Any]) -> None:
    post_id = int(payload["post_id"])
    with rt.db.read() as conn:
        post = conn.execute(
            select(
                posts.c.id,
                posts.c.account_id,
                posts.c.visibility,
                posts.c.reblog_of_id,
                posts.c.in_reply_to_account_id,
            ).where(posts.c.id == post_id)
        ).first()
        if post is None:
            return
        followers_count = (
            conn.scalar(select(accounts.c.followers_count).where(accounts.c.id == post.account_id))
            or 0
        )
        mentioned = list(
            conn.scalars(select(mentions.c.account_id).where(mentions.c.post_id == post_id))
        )
    recipients: set[int] = {post.account_id}
    if reaches_followers(post.visibility) and followers_count <= rt.settings.fanout_max_followers:
        active_since = utcnow() - timedelta(days=rt.settings.active_days)
        recipients.update(follower_ids(rt, post.account_id, active_since=active_since))
    if post.visibility == "private":
        recipients.update(mentioned)  # mentioned people may see it; put it where they will
    elif post.visibility == "direct" and mentioned:
        # As Mastodon: a direct post lands in the home timelines of the mentioned followers.
        recipients.update(set(mentioned) & set(follower_ids(rt, post.account_id)))
    replied_to = post.in_reply_to_account_id
    if replied_to is not None and replied_to != post.account_id:
        # Mastodon's home filter: a reply reaches those who follow the one it answers.
        listening = set(follower_ids(rt, replied_to))
        recipients = {
            r for r in recipients if shown_in_home(r, post.account_id, replied_to, r in listening)
        }
    _publish_public(rt, post_id, post.visibility, post.reblog_of_id)
    notify_about_post(rt, post_id)
    if post.visibility == "direct":
        deliver_direct(rt, post_id)
    ordered = sorted(recipients)
    first, rest = ordered[:DELIVERY_BATCH], ordered[DELIVERY_BATCH:]
    if rest:
        with rt.db.write() as tx:
            rt.jobs.enqueue_many(
                tx,
                DELIVER_JOB,
                [
                    {"post_id": post_id, "account_ids": rest[i : i + DELIVERY_BATCH]}
                    for i in range(0, len(rest), DELIVERY_BATCH)
                ],
            )
    deliver(rt, post_id, first)


def handle_deliver(rt: Runtime, payload: dict[str, Any]) -> None:
    post_id = int(payload["post_id"])
    with rt.db.read() as conn:
        if conn.scalar(select(posts.c.id).where(posts.c.id == post_id)) is None:
            return
    deliver(rt, post_id, [int(a) for a in payload["account_ids"]])


def deliver(rt: Runtime, post_id: int, account_ids: list[int]) -> None:
    rt.timelines.add_to_many([home_key(a) for a in account_ids], post_id)
    message = f"update:{post_id}"
    for account_id in account_ids:
        rt.pubsub.publish(home_channel(account_id), message)


def _publish_public(rt: Runtime, post_id: int, visibility: str, reblog_of_id: int | None) -> None:
    if visibility != "public" or reblog_of_id is not None:
        return
    with rt.db.read() as conn:
        names = list(
            conn.scalars(
                select(tags.c.name)
                .join(post_tags, post_tags.c.tag_id == tags.c.id)
                .where(post_tags.c.post_id == post_id)
            )
        )
    message = f"update:{post_id}"
    rt.pubsub.publish(public_channel(), message)
    for name in names:
        rt.pubsub.publish(tag_channel(name), message)


def handle_unfanout(rt: Runtime, payload: dict[str, Any]) -> None:
    """Removes deleted posts from every home timeline that may hold them, and tells
    only the listeners who could see them: a followers-only post's deletion is not
    announced on the public channel, a direct post's to none but its participants."""
    post_ids = [int(p) for p in payload["post_ids"]]
    visibility = payload.get("visibility", "public")
    mentioned = {int(a) for a in payload.get("recipient_ids", [])}
    holders: set[int] = set(mentioned)
    for account_id in {int(a) for a in payload["account_ids"]}:
        holders.add(account_id)
        if visibility != "direct":
            holders.update(follower_ids(rt, account_id))
    keys = [home_key(a) for a in sorted(holders)]
    for post_id in post_ids:
        for i in range(0, len(keys), DELIVERY_BATCH):
            rt.timelines.remove_from_many(keys[i : i + DELIVERY_BATCH], post_id)
        message = f"delete:{post_id}"
        if visibility == "public":
            rt.pubsub.publish(public_channel(), message)
            for name in payload.get("tags", []):
                rt.pubsub.publish(tag_channel(name), message)
        for account_id in holders:
            rt.pubsub.publish(home_channel(account_id), message)
    if payload.get("reblog_of_id") is not None:  # an unrepost withdraws its notification
        for account_id in {int(a) for a in payload["account_ids"]}:
            sync_reblog(rt, account_id, int(payload["reblog_of_id"]))
    if visibility == "direct" and payload.get("author_id") is not None:
        conversation_id = payload.get("conversation_id") or post_ids[0]
        withdraw_direct(rt, int(conversation_id), {int(payload["author_id"]), *mentioned})


def handle_backfill(rt: Runtime, payload: dict[str, Any]) -> None:
    """A new follow brings the followed account's recent posts into the home timeline."""
    account_id, target_id = int(payload["account_id"]), int(payload["target_id"])
    ids = recent_post_ids(rt, [target_id], limit=BACKFILL_POSTS, viewer_id=account_id)
    rt.timelines.add_many(home_key(account_id), ids)


def handle_purge(rt: Runtime, payload: dict[str, Any]) -> None:
    """An unfollow takes the unfollowed account's posts out of the home timeline."""
    account_id, target_id = int(payload["account_id"]), int(payload["target_id"])
    with rt.db.read() as conn:
        ids = list(
            conn.scalars(
                select(posts.c.id)
                .where(posts.c.account_id == target_id)
                .order_by(posts.c.id.desc())
                .limit(rt.timelines.cap * 2)
            )
        )
    rt.timelines.remove_many(home_key(account_id), ids)


def rebuild_home(rt: Runtime, account_id: int) -> None:
    """Materialises a home timeline from the database: the cache is never the only copy.

    A post committed while this runs may have had its fan-out skip the timeline
    (still missing then) after our read: so once the timeline exists, the posts
    of the last ``REBUILD_OVERLAP`` are read again and added (adding is idempotent).
    """
    started = utcnow()
    sources = [account_id, *following_ids(rt, account_id)]
    ids = recent_post_ids(rt, sources, limit=rt.timelines.cap, viewer_id=account_id)
    key = home_key(account_id)
    rt.timelines.replace(key, ids)
    with rt.db.read() as conn:
        late = list(
            conn.scalars(
                select(posts.c.id).where(
                    posts.c.account_id.in_(sources),
                    posts.c.id >= min_id_for(started - REBUILD_OVERLAP),
                    visible_clause(account_id),
                    home_clause(account_id),
                )
            )
        )
    rt.timelines.add_many(key, set(late) - set(ids))


JOB_HANDLERS = {
    FANOUT_JOB: handle_fanout,
    DELIVER_JOB: handle_deliver,
    UNFANOUT_JOB: handle_unfanout,
    BACKFILL_JOB: handle_backfill,
    PURGE_JOB: handle_purge,
}
