"""After an edit: ``status.update`` where the post's ``update`` went, and notifications.

Listeners are the ones fan-out reached: the author, followers (or the circle, or the
mentioned), the lists holding the author, the public and hashtag streams for a
public post (the hashtags as they are now). Each stream renders the post for its
own listener, so nobody learns of a post they may not see. Those who reposted it
get an ``update`` notification (a fresh one per edit); people newly mentioned get
their ``mention`` through the same sync a new post uses (existing ones stay).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from roost.channels import home_channel, list_channel, public_channel, tag_channel
from roost.circles.queries import circle_audience
from roost.graph.queries import follower_ids
from roost.lists.queries import lists_holding
from roost.notifications.delivery import notify, notify_about_post, withdraw
from roost.notifications.policy import Cause
from roost.posts.edits import EDITED_JOB
from roost.posts.models import mentions, post_tags, posts, tags
from roost.posts.visibility import reaches_followers
from roost.runtime import Runtime


def handle_edited(rt: Runtime, payload: dict[str, Any]) -> None:
    post_id = int(payload["post_id"])
    with rt.db.read() as conn:
        post = conn.execute(
            select(posts.c.id, posts.c.account_id, posts.c.visibility, posts.c.circle_id).where(
                posts.c.id == post_id
            )
        ).first()
        if post is None:
            return
        mentioned = list(
            conn.scalars(select(mentions.c.account_id).where(mentions.c.post_id == post_id))
        )
        reposters = list(
            conn.scalars(select(posts.c.account_id).where(posts.c.reblog_of_id == post_id))
        )
        names = list(
            conn.scalars(
                select(tags.c.name)
                .join(post_tags, post_tags.c.tag_id == tags.c.id)
                .where(post_tags.c.post_id == post_id)
            )
        )
    _publish(rt, post, mentioned, names)
    if reposters:
        with rt.db.write() as tx:
            causes = [Cause(r, "update", post.account_id, post_id) for r in reposters]
            for cause in causes:
                withdraw(tx, cause)
            notify(tx, causes, rt)
    if payload.get("new_mentions"):
        notify_about_post(rt, post_id)


def _publish(rt: Runtime, post: Any, mentioned: list[int], names: list[str]) -> None:
    message = f"status.update:{post.id}"
    homes: set[int] = {post.account_id, *mentioned}
    if post.circle_id is not None:
        homes.update(circle_audience(rt, post.circle_id))
    elif reaches_followers(post.visibility, post.circle_id):
        homes.update(follower_ids(rt, post.account_id))
        for held in lists_holding(rt, [post.account_id]):
            rt.pubsub.publish(list_channel(held.id), message)
    for account_id in sorted(homes):
        rt.pubsub.publish(home_channel(account_id), message)
    if post.visibility == "public" and post.circle_id is None:
        rt.pubsub.publish(public_channel(), message)
        for name in names:
            rt.pubsub.publish(tag_channel(name), message)


JOB_HANDLERS = {EDITED_JOB: handle_edited}
