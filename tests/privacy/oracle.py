"""Who may see what, written from the rules (README "Who sees what" and issue 8), never
from Roost's own functions: plain Python over a ``World``.

The audience of a post by its visibility is ``AUDIENCE``, one function per visibility;
a circle post (stored as ``private`` with its circle) has the circle's owner and
current members as its audience, whoever follows whom. Everything else builds on it:

- a block between two people hides each from the other everywhere, either way;
- a repost is visible when the reposted post is, and the reposter is not blocked;
- a mute (not expired) takes the muted person's posts, and reposts of them, out of
  home, list, public and hashtag timelines and streams; by link and on the profile
  they stay;
- a ``hide`` filter takes a post whose text has its keyword out of that context's
  listings, never from reads by ID; one's own posts are never filtered;
- home: one's own posts, and posts by followed accounts (a reply only when it answers
  its own author, the viewer, or someone the viewer follows), less the members of the
  viewer's exclusive lists. Roost also puts a followers-only post in the home of the
  people it mentions (Mastodon shows it only in their notifications).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.privacy.world import Post, World

Viewer = int | None


def _everyone(_o: Oracle, _viewer: int, _post: Post) -> bool:
    return True


def _followers_and_mentioned(o: Oracle, viewer: int, post: Post) -> bool:
    """Approved followers only: a pending follow request grants nothing."""
    return o.follows(viewer, post.author) or viewer in post.mentions


def _mentioned(_o: Oracle, viewer: int, post: Post) -> bool:
    return viewer in post.mentions


# Who, besides the author, may see a post of each visibility (a signed-in viewer; a
# signed-out visitor sees only what ``SIGNED_OUT`` lists).
AUDIENCE: dict[str, Callable[[Oracle, int, Post], bool]] = {
    "public": _everyone,
    "unlisted": _everyone,
    "private": _followers_and_mentioned,
    "direct": _mentioned,
}
SIGNED_OUT = frozenset({"public", "unlisted"})
# Which visibilities belong in public and hashtag timelines.
LISTED = frozenset({"public"})


class Oracle:
    def __init__(self, world: World) -> None:
        self.world = world

    # -- the graph ------------------------------------------------------------------

    def follows(self, a: int, b: int) -> bool:
        return (a, b) in self.world.follows

    def blocked(self, viewer: Viewer, other: int) -> bool:
        if viewer is None:
            return False
        return (viewer, other) in self.world.blocks or (other, viewer) in self.world.blocks

    def mutes(self, viewer: Viewer, author: int) -> bool:
        return viewer is not None and (viewer, author) in self.world.mutes

    def mutes_notifications(self, viewer: int, author: int) -> bool:
        return self.world.mutes.get((viewer, author), False)

    # -- posts -----------------------------------------------------------------------

    def post(self, post_id: int) -> Post:
        return self.world.posts[post_id]

    def proper(self, post: Post) -> Post:
        """The post a repost shows (a post itself otherwise)."""
        return self.post(post.reblog_of) if post.reblog_of is not None else post

    def can_see(self, viewer: Viewer, post_id: int) -> bool:
        post = self.post(post_id)
        if self.blocked(viewer, post.author):
            return False
        if post.reblog_of is not None:
            return self.can_see(viewer, post.reblog_of)
        if viewer is None:
            return post.visibility in SIGNED_OUT
        if post.circle is not None:
            return post.author == viewer or self.in_circle(viewer, post.circle)
        return post.author == viewer or AUDIENCE[post.visibility](self, viewer, post)

    def in_circle(self, viewer: int, circle_id: int) -> bool:
        """Its owner and current members; a circle that is gone has no one."""
        owner, members = self.world.circles.get(circle_id, (None, set()))
        return viewer == owner or viewer in members

    def visible(self, viewer: Viewer) -> set[int]:
        return {i for i in self.world.posts if self.can_see(viewer, i)}

    def muted_in_timelines(self, viewer: Viewer, post_id: int) -> bool:
        """By a muted person, or a repost of one (reposted by or of)."""
        post = self.post(post_id)
        return self.mutes(viewer, post.author) or self.mutes(viewer, self.proper(post).author)

    def hidden(self, viewer: Viewer, post_id: int, context: str) -> bool:
        if viewer is None:
            return False
        proper = self.proper(self.post(post_id))
        if proper.author == viewer or not proper.keyword:
            return False
        return any(
            owner == viewer and hide and context in contexts
            for owner, contexts, hide in self.world.filters
        )

    def timeline_ok(self, viewer: Viewer, post_id: int, context: str) -> bool:
        """May appear (top level) in a timeline or stream of ``context``."""
        return (
            self.can_see(viewer, post_id)
            and not self.muted_in_timelines(viewer, post_id)
            and not self.hidden(viewer, post_id, context)
        )

    # -- listings --------------------------------------------------------------------

    def public(self, viewer: Viewer, *, tagged: bool = False) -> set[int]:
        return {
            p.id
            for p in self.world.posts.values()
            if p.reblog_of is None
            and p.visibility in LISTED
            and (p.tagged or not tagged)
            and self.timeline_ok(viewer, p.id, "public")
        }

    def account_statuses(self, viewer: Viewer, account: int) -> set[int]:
        return {
            p.id
            for p in self.world.posts.values()
            if p.author == account
            and self.can_see(viewer, p.id)
            and not self.hidden(viewer, p.id, "account")
        }

    def exclusive_members(self, viewer: int) -> set[int]:
        return {
            m
            for owner, members, exclusive, _policy in self.world.lists.values()
            if owner == viewer and exclusive
            for m in members
        }

    def home_reply_ok(self, viewer: int, post: Post, follows: set[tuple[int, int]]) -> bool:
        replied = post.in_reply_to_account
        return (
            post.author == viewer
            or replied is None
            or replied in (post.author, viewer)
            or (viewer, replied) in follows
        )

    def home_may(self, viewer: int, post_id: int, *, must: bool = False) -> bool:
        """May appear in the home timeline (an upper bound). A reply is judged by whom
        the viewer followed when it was posted (a later block ends a follow but does
        not take back a visible reply already delivered); ``must``: by the follows
        that still stand."""
        follows = self.world.follows if must else self.world.follows_when_posting
        post = self.post(post_id)
        if not self.timeline_ok(viewer, post_id, "home"):
            return False
        if post.author == viewer:
            return True
        if post.circle is not None:  # delivered to its audience, followed or not
            return not must
        if post.author in self.exclusive_members(viewer):
            return False
        return self.home_reply_ok(viewer, post, follows) and (
            self.follows(viewer, post.author)
            or (post.visibility == "private" and viewer in post.mentions)
        )

    def home_must(self, viewer: int) -> set[int]:
        """Must appear: own posts and followed accounts' posts (not reposts, whose
        de-duplication is the timeline's business) that the rules put in home."""
        return {
            p.id
            for p in self.world.posts.values()
            if p.reblog_of is None and self.home_may(viewer, p.id, must=True)
        }

    def list_may(self, viewer: int, list_id: int, post_id: int) -> bool:
        owner, members, _exclusive, _policy = self.world.lists[list_id]
        post = self.post(post_id)
        return (
            owner == viewer
            and post.author in members | {viewer}
            and self.proper(post).circle is None  # circle posts never reach lists
            and self.timeline_ok(viewer, post_id, "home")
        )

    def mention_notifications_must(self, viewer: int) -> set[int]:
        """Posts whose mention of the viewer must be in the viewer's notifications: the
        crisp cases only (no block or mute between the two at all; a direct post from
        someone the viewer does not follow is filed as a request, as Mastodon 4.3)."""
        result = set()
        for p in self.world.posts.values():
            if p.reblog_of is not None or viewer not in p.mentions or p.author == viewer:
                continue
            if (viewer, p.author) in self.world.mutes or self.blocked(viewer, p.author):
                continue
            unsolicited = (
                p.visibility == "direct"
                and not self.follows(viewer, p.author)
                and p.in_reply_to_account != viewer
            )
            if unsolicited or self.hidden(viewer, p.id, "notifications"):
                continue
            if self.can_see(viewer, p.id):
                result.add(p.id)
        return result
