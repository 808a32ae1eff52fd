"""Keeping home and list timelines right: fan-out, removal, back-fill (the jobs).
What a stored timeline is, and its rebuild, are in ``roost.timelines.feeds``.

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

import itertools
from collections.abc import Generator, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from roost.accounts.models import accounts
from roost.channels import home_channel, list_channel, public_channel, tag_channel
from roost.circles.queries import circle_audience
from roost.conversations.delivery import deliver_direct, withdraw_direct
from roost.errors import NotFound
from roost.graph.actions import BACKFILL_JOB, PURGE_JOB
from roost.graph.queries import follower_ids, followers_among, is_following, iter_follower_ids
from roost.lists.actions import LIST_MEMBERS_JOB, LIST_RESET_JOB
from roost.lists.queries import (
    access_list,
    exclusive_member_ids,
    list_ids_of,
    lists_also_holding,
    lists_holding,
    lists_with_account,
    shown_in_list,
)
from roost.notifications.delivery import notify_about_post, sync_reblog
from roost.posts.actions import FANOUT_JOB, UNFANOUT_JOB
from roost.posts.models import mentions, post_tags, posts, tags
from roost.posts.queries import recent_post_ids
from roost.posts.visibility import (
    reaches_followers,
    shown_in_home,
)
from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.tags.actions import HOME_RESET_JOB
from roost.tags.queries import tag_follower_ids, tag_follower_ids_named
from roost.timelines.feeds import (
    home_key,
    list_feed,
    list_key,
    merge_floor,
)

# Followers per delivery job. Each job pays a claim, a post lookup and a completion
# (tens of milliseconds on a busy server) on top of the timeline writes (about 20 ms
# per 1,000 timelines in Redis): 2,500 keeps that overhead small for a 100,000-follower
# fan-out and still splits a 10,000-follower one across four workers.
DELIVERY_BATCH = 2500
ENQUEUED_TOGETHER = 8  # delivery jobs per insert while a large fan-out is split
DELIVER_JOB = "timelines.deliver"
REMOVE_JOB = "timelines.remove"
REFRESH_JOB = "timelines.refresh"
BACKFILL_POSTS = 40
# Jobs that each write thousands of timelines: a worker claims one at a time (see
# ``roost.store.jobs.JobQueue.claim``), so idle workers share a large fan-out.
SOLO_JOBS = frozenset({DELIVER_JOB, REMOVE_JOB, REFRESH_JOB})


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
                posts.c.circle_id,
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
    # Everyone but plain followers, who may be 100,000: those are streamed below.
    recipients: set[int] = {post.account_id}
    fans_out = (
        post.circle_id is None
        and reaches_followers(post.visibility, post.circle_id)
        and followers_count <= rt.settings.fanout_max_followers
    )
    if post.circle_id is not None:
        # A circle post reaches its members' homes only, followers of the author or not.
        recipients.update(circle_audience(rt, post.circle_id))
    if post.visibility == "private" and post.circle_id is None:
        recipients.update(mentioned)  # mentioned people may see it; put it where they will
    elif post.visibility == "direct" and mentioned:
        # As Mastodon: a direct post lands in the home timelines of the mentioned followers.
        recipients.update(followers_among(rt, post.account_id, mentioned))
    held = (
        lists_holding(rt, [post.account_id])
        if reaches_followers(post.visibility, post.circle_id)
        else []
    )
    # An exclusive list keeps its members' posts out of its owner's home.
    excluded = {held_list.account_id for held_list in held if held_list.exclusive}
    recipients -= excluded
    if post.visibility == "public" and post.reblog_of_id is None:  # followed_tags_clause
        active_since = utcnow() - timedelta(days=rt.settings.active_days)
        recipients.update(tag_follower_ids(rt, post_id, active_since=active_since))
    replied_to = post.in_reply_to_account_id
    is_reply = replied_to is not None and replied_to != post.account_id
    active_since = utcnow() - timedelta(days=rt.settings.active_days)
    listening: set[int] = set()
    if is_reply:
        assert replied_to is not None
        # Mastodon's home filter: a reply reaches those who follow the one it answers,
        # which is asked of every recipient: here the followers are loaded whole.
        if fans_out:
            followers = set(follower_ids(rt, post.account_id, active_since=active_since))
            recipients |= followers - excluded
            fans_out = False
        listening = followers_among(rt, replied_to, recipients | {h.account_id for h in held})
        recipients = {
            r for r in recipients if shown_in_home(r, post.account_id, replied_to, r in listening)
        }
    batches = _batches(
        rt, post.account_id, recipients, excluded, active_since if fans_out else None
    )
    try:
        first = next(batches, [])
        # The split commits with the post's mark: a retried fan-out (its worker died
        # before reporting) enqueues no batch twice and announces nothing twice. Live
        # events are sent after that commit, so a crash right there loses them (the
        # timelines, rewritten by the retry, stay complete): at most once for the push,
        # at least once for storage. The followers stream in while the batches are
        # enqueued, so a 100,000-follower fan-out never holds them all in memory.
        with rt.db.write() as tx:
            announce = rt.jobs.mark_once(tx, f"{FANOUT_JOB}:{post_id}")
            if announce:
                while group := list(itertools.islice(batches, ENQUEUED_TOGETHER)):
                    rt.jobs.enqueue_many(
                        tx, DELIVER_JOB, [{"post_id": post_id, "account_ids": b} for b in group]
                    )
    finally:
        batches.close()
    if announce:
        _publish_public(rt, post_id, post.visibility, post.reblog_of_id)
    notify_about_post(rt, post_id)
    if post.visibility == "direct":
        deliver_direct(rt, post_id)
    if held:
        members = lists_also_holding(rt, [h.id for h in held], replied_to) if is_reply else set()
        deliver_lists(
            rt,
            post_id,
            [
                h.id
                for h in held
                if shown_in_list(
                    h,
                    post.account_id,
                    replied_to,
                    replied_to_is_member=h.id in members,
                    owner_follows_replied_to=h.account_id in listening,
                )
            ],
            announce=announce,
        )
    deliver(rt, post_id, first, announce=announce)


def _batches(
    rt: Runtime,
    author_id: int,
    others: set[int],
    excluded: set[int],
    followers_since: datetime | None,
) -> Generator[list[int], None, None]:
    """The recipients in delivery batches: the followers active since
    ``followers_since`` (none if None) as the database streams them, less ``excluded``
    and less ``others``, which follow them (each recipient is in one batch only)."""
    batch: list[int] = []
    if followers_since is not None:
        for part in iter_follower_ids(
            rt, author_id, active_since=followers_since, chunk=DELIVERY_BATCH
        ):
            batch.extend(a for a in part if a not in others and a not in excluded)
            while len(batch) >= DELIVERY_BATCH:
                yield batch[:DELIVERY_BATCH]
                batch = batch[DELIVERY_BATCH:]
    batch.extend(sorted(others))
    while batch:
        yield batch[:DELIVERY_BATCH]
        batch = batch[DELIVERY_BATCH:]


def handle_deliver(rt: Runtime, payload: dict[str, Any]) -> None:
    post_id = int(payload["post_id"])
    with rt.db.read() as conn:
        if conn.scalar(select(posts.c.id).where(posts.c.id == post_id)) is None:
            return
    account_ids = [int(a) for a in payload["account_ids"]]
    with rt.db.write() as tx:  # a retried batch stores again but announces once
        announce = rt.jobs.mark_once(tx, f"{DELIVER_JOB}:{post_id}:{account_ids[0]}")
    deliver(rt, post_id, account_ids, announce=announce)


def deliver(rt: Runtime, post_id: int, account_ids: list[int], *, announce: bool = True) -> None:
    rt.timelines.add_to_many([home_key(a) for a in account_ids], post_id)
    if not announce:
        return
    rt.pubsub.publish_many([home_channel(a) for a in account_ids], f"update:{post_id}")


def deliver_lists(rt: Runtime, post_id: int, list_ids: list[int], *, announce: bool = True) -> None:
    """Lists are few beside followers (each is one owner's): one delivery per post."""
    keys = [list_key(i) for i in list_ids]
    for i in range(0, len(keys), DELIVERY_BATCH):
        rt.timelines.add_to_many(keys[i : i + DELIVERY_BATCH], post_id)
    if not announce:
        return
    rt.pubsub.publish_many([list_channel(i) for i in list_ids], f"update:{post_id}")


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
    # A circle post was delivered to its author and members (``recipient_ids``) only.
    circle = payload.get("circle_id") is not None
    for account_id in {int(a) for a in payload["account_ids"]}:
        holders.add(account_id)
        if visibility != "direct" and not circle:
            holders.update(follower_ids(rt, account_id))
    if visibility == "public":  # followers of its tags got it too
        holders.update(tag_follower_ids_named(rt, payload.get("tags", [])))
    # Lists hold no direct posts; they hold the others of their members.
    list_ids = (
        []
        if visibility == "direct" or circle
        else [h.id for h in lists_holding(rt, [int(a) for a in payload["account_ids"]])]
    )
    list_keys = [list_key(i) for i in list_ids]
    for post_id in post_ids:
        for i in range(0, len(list_keys), DELIVERY_BATCH):
            rt.timelines.remove_from_many(list_keys[i : i + DELIVERY_BATCH], post_id)
        message = f"delete:{post_id}"
        if visibility == "public":
            rt.pubsub.publish(public_channel(), message)
            for name in payload.get("tags", []):
                rt.pubsub.publish(tag_channel(name), message)
        for list_id in list_ids:
            rt.pubsub.publish(list_channel(list_id), message)
    # A widely reposted post has many holders: bounded jobs, as delivery, so that no job
    # outlives its lease and idle workers share the work.
    homes = sorted(holders)
    first, rest = homes[:DELIVERY_BATCH], homes[DELIVERY_BATCH:]
    if rest:
        with rt.db.write() as tx:
            rt.jobs.enqueue_many(
                tx,
                REMOVE_JOB,
                [
                    {"post_ids": post_ids, "account_ids": rest[i : i + DELIVERY_BATCH]}
                    for i in range(0, len(rest), DELIVERY_BATCH)
                ],
            )
    remove_from_homes(rt, post_ids, first)
    if payload.get("reblog_of_id") is not None:  # an unrepost withdraws its notification
        for account_id in {int(a) for a in payload["account_ids"]}:
            sync_reblog(rt, account_id, int(payload["reblog_of_id"]))
    if visibility == "direct" and payload.get("author_id") is not None:
        conversation_id = payload.get("conversation_id") or post_ids[0]
        withdraw_direct(rt, int(conversation_id), {int(payload["author_id"]), *mentioned})


def handle_remove(rt: Runtime, payload: dict[str, Any]) -> None:
    """One batch of a deletion's home timelines (see ``handle_unfanout``)."""
    remove_from_homes(rt, [int(p) for p in payload["post_ids"]], payload["account_ids"])


def remove_from_homes(rt: Runtime, post_ids: list[int], account_ids: list[int]) -> None:
    keys = [home_key(int(a)) for a in account_ids]
    for post_id in post_ids:
        rt.timelines.remove_from_many(keys, post_id)
        channels = [home_channel(int(a)) for a in account_ids]
        rt.pubsub.publish_many(channels, f"delete:{post_id}")


def handle_backfill(rt: Runtime, payload: dict[str, Any]) -> None:
    """A new follow brings the followed account's recent posts into the home timeline.
    Follow, unfollow and follow again may be handled by several workers in any order: each
    job acts on the follow as it is now, so a backfill run after the unfollow adds nothing."""
    account_id, target_id = int(payload["account_id"]), int(payload["target_id"])
    if not is_following(rt, account_id, target_id):
        return
    ids = recent_post_ids(rt, [target_id], limit=BACKFILL_POSTS, viewer_id=account_id)
    rt.timelines.add_many(home_key(account_id), ids)


def handle_purge(rt: Runtime, payload: dict[str, Any]) -> None:
    """An unfollow takes the unfollowed account's posts out of the home timeline, and
    out of the follower's lists (whose memberships the unfollow deleted with the follow).
    As the backfill, it acts on the state as it is now: a follow made again since keeps
    home, and a list the account was put back in keeps its posts."""
    account_id, target_id = int(payload["account_id"]), int(payload["target_id"])
    if payload.get("followers_left") == merge_floor(rt.settings.fanout_max_followers):
        _fell_to_merge_floor(rt, target_id)
    keys = [] if is_following(rt, account_id, target_id) else [home_key(account_id)]
    holding = {info.id for info in lists_with_account(rt, account_id, target_id)}
    keys += [list_key(i) for i in list_ids_of(rt, account_id) if i not in holding]
    if not keys:
        return
    ids = _stored_posts_of(rt, [target_id])
    for key in keys:
        rt.timelines.remove_many(key, ids)


def _fell_to_merge_floor(rt: Runtime, account_id: int) -> None:
    """This unfollow took the account down to the merge floor (exactly one unfollow
    does): reads stop merging its posts, so its followers' stored homes, which lack the
    posts it made while above the threshold, are dropped in batches and rebuilt when
    read. If it has climbed back above the floor since, reads still merge it."""
    floor = merge_floor(rt.settings.fanout_max_followers)
    with rt.db.read() as conn:
        now = conn.scalar(select(accounts.c.followers_count).where(accounts.c.id == account_id))
    if now is None or now > floor:
        return
    followers = sorted(follower_ids(rt, account_id))
    with rt.db.write() as tx:
        rt.jobs.enqueue_many(
            tx,
            REFRESH_JOB,
            [
                {"account_ids": followers[i : i + DELIVERY_BATCH]}
                for i in range(0, len(followers), DELIVERY_BATCH)
            ],
        )


def handle_refresh(rt: Runtime, payload: dict[str, Any]) -> None:
    """Drops these home timelines: each is rebuilt from the database when next read."""
    for account_id in payload["account_ids"]:
        rt.timelines.drop(home_key(int(account_id)))


def _stored_posts_of(rt: Runtime, account_ids: Iterable[int]) -> list[int]:
    """Every post of these accounts a timeline may still hold (its cap, twice over)."""
    with rt.db.read() as conn:
        return list(
            conn.scalars(
                select(posts.c.id)
                .where(posts.c.account_id.in_(list(account_ids)))
                .order_by(posts.c.id.desc())
                .limit(rt.timelines.cap * 2)
            )
        )


def handle_list_members(rt: Runtime, payload: dict[str, Any]) -> None:
    """New members' recent posts come into the list, removed members' go; of an
    exclusive list, the same members' posts leave (or come back to) the owner's home."""
    list_id, owner_id = int(payload["list_id"]), int(payload["owner_id"])
    added = [int(a) for a in payload["added"]]
    removed = [int(a) for a in payload["removed"]]
    if removed:
        rt.timelines.remove_many(list_key(list_id), _stored_posts_of(rt, removed))
    try:
        info = access_list(rt, owner_id, list_id)
    except NotFound:
        return  # deleted since: its reset job drops the timeline
    if added:
        feed = list_feed(rt, info)
        ids = recent_post_ids(
            rt, added, limit=BACKFILL_POSTS, viewer_id=owner_id, belongs=feed.belongs
        )
        rt.timelines.add_many(feed.key, ids)
    if not payload.get("exclusive"):
        return
    hidden = exclusive_member_ids(rt, owner_id)
    if added:
        rt.timelines.remove_many(home_key(owner_id), _stored_posts_of(rt, added))
    back = [a for a in removed if a not in hidden]
    if back:
        ids = recent_post_ids(rt, back, limit=BACKFILL_POSTS, viewer_id=owner_id)
        rt.timelines.add_many(home_key(owner_id), ids)


def handle_list_reset(rt: Runtime, payload: dict[str, Any]) -> None:
    """A list deleted or whose rule changed: its stored timeline (and the owner's home,
    when exclusivity changed) is dropped, to be rebuilt from the database when read."""
    rt.timelines.drop(list_key(int(payload["list_id"])))
    if payload.get("home"):
        rt.timelines.drop(home_key(int(payload["owner_id"])))


def handle_home_reset(rt: Runtime, payload: dict[str, Any]) -> None:
    """Followed hashtags changed: home is dropped, to be rebuilt when next read."""
    rt.timelines.drop(home_key(int(payload["account_id"])))


JOB_HANDLERS = {
    HOME_RESET_JOB: handle_home_reset,
    FANOUT_JOB: handle_fanout,
    DELIVER_JOB: handle_deliver,
    UNFANOUT_JOB: handle_unfanout,
    REMOVE_JOB: handle_remove,
    REFRESH_JOB: handle_refresh,
    BACKFILL_JOB: handle_backfill,
    PURGE_JOB: handle_purge,
    LIST_MEMBERS_JOB: handle_list_members,
    LIST_RESET_JOB: handle_list_reset,
}
