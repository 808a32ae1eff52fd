"""A small random network for the privacy property: what it is (``WorldSpec``, drawn by
``worlds()``), and how it comes to exist (``build``), through the real actions only.

The spec says what the people *tried* to do; ``build`` returns a ``World``: the facts
that actually hold afterwards (an action the rules refuse, such as quoting a post one
cannot see, simply does not happen). The oracle judges from the ``World`` alone.

Order matters and is fixed: follows, lists and circles first (a list is fed by fan-out from
then on), then posts, reposts and marks, then blocks and mutes (so a block lands on
existing favourites, bookmarks, reposts and timelines), then filters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from hypothesis import strategies as st
from sqlalchemy import select, update

from roost.accounts.actions import do_register, do_update_profile
from roost.circles.actions import do_add_circle_members, do_create_circle
from roost.errors import Forbidden, NotFound, ValidationFailed
from roost.filters.actions import KeywordChange, do_create_filter
from roost.graph.actions import do_authorize_follow_request, do_follow
from roost.graph.blocks import do_block, do_mute
from roost.graph.models import follow_requests, follows, mutes
from roost.lists.actions import do_add_list_accounts, do_create_list
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.marks import do_bookmark, do_favourite
from roost.posts.models import posts
from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.worker import drain
from tests.conftest import _password_hash

KEYWORD = "spoilers"
TAG = "roost"
VISIBILITIES = ("public", "unlisted", "private", "direct")
CONTEXTS = ("home", "notifications", "public", "thread", "account")
REFUSED = (NotFound, Forbidden, ValidationFailed)


@dataclass(frozen=True)
class PostSpec:
    author: int
    visibility: str
    mentions: frozenset[int]
    reply_to: int | None  # index of an earlier post
    quote_of: int | None  # index of an earlier post
    tagged: bool
    keyword: bool
    circle: int | None = None  # index of one of the world's circles (the author's own)


@dataclass(frozen=True)
class CircleSpec:
    owner: int
    members: frozenset[int]


@dataclass(frozen=True)
class MuteSpec:
    account: int
    target: int
    notifications: bool
    expired: bool


@dataclass(frozen=True)
class ListSpec:
    owner: int
    members: frozenset[int]
    exclusive: bool
    replies_policy: str


@dataclass(frozen=True)
class FilterSpec:
    owner: int
    context: frozenset[str]
    hide: bool


@dataclass(frozen=True)
class WorldSpec:
    size: int
    locked: frozenset[int]
    follows: tuple[tuple[int, int], ...]
    approve: frozenset[tuple[int, int]]  # of the follows aimed at locked accounts
    posts: tuple[PostSpec, ...]
    reposts: tuple[tuple[int, int], ...]  # (reposter, post index)
    marks: tuple[tuple[str, int, int], ...]  # (favourite|bookmark, account, post index)
    blocks: tuple[tuple[int, int], ...]
    mutes: tuple[MuteSpec, ...]
    lists: tuple[ListSpec, ...]
    filters: tuple[FilterSpec, ...]
    circles: tuple[CircleSpec, ...] = ()


@dataclass
class Post:
    """A post as it exists: ``reblog_of`` and ``quote_of`` are post IDs."""

    id: int
    author: int
    visibility: str
    mentions: frozenset[int] = frozenset()
    in_reply_to_account: int | None = None
    reblog_of: int | None = None
    quote_of: int | None = None
    tagged: bool = False
    keyword: bool = False
    circle: int | None = None  # the circle's ID, as stored


@dataclass
class World:
    accounts: list[int]
    locked: set[int] = field(default_factory=set)
    follows: set[tuple[int, int]] = field(default_factory=set)  # approved: (follower, followed)
    # Before the blocks: what fan-out saw when the posts were made.
    follows_when_posting: set[tuple[int, int]] = field(default_factory=set)
    requests: set[tuple[int, int]] = field(default_factory=set)  # pending
    blocks: set[tuple[int, int]] = field(default_factory=set)
    mutes: dict[tuple[int, int], bool] = field(default_factory=dict)  # live -> notifications
    lists: dict[int, tuple[int, set[int], bool, str]] = field(default_factory=dict)
    filters: list[tuple[int, frozenset[str], bool]] = field(default_factory=list)
    posts: dict[int, Post] = field(default_factory=dict)
    marks: set[tuple[str, int, int]] = field(default_factory=set)  # (kind, account, post id)
    circles: dict[int, tuple[int, set[int]]] = field(default_factory=dict)  # id -> owner, members


@st.composite
def worlds(draw: st.DrawFn) -> WorldSpec:
    size = draw(st.integers(4, 8))
    person = st.integers(0, size - 1)
    pair = st.tuples(person, person).filter(lambda p: p[0] != p[1])
    locked = draw(st.frozensets(person, max_size=size // 2))
    follow_pairs = draw(st.lists(pair, min_size=size // 2, max_size=size * 2, unique=True))
    approve = draw(st.frozensets(st.sampled_from(follow_pairs))) if follow_pairs else frozenset()
    circles = draw(
        st.lists(
            st.builds(CircleSpec, owner=person, members=st.frozensets(person, max_size=3)),
            max_size=2,
        )
    )
    post_specs: list[PostSpec] = []
    for index in range(draw(st.integers(3, 12))):
        author = draw(person)
        earlier = st.none() | st.integers(0, index - 1) if index else st.none()
        own = [i for i, c in enumerate(circles) if c.owner == author]
        circle = draw(st.none() | st.sampled_from(own)) if own else None
        post_specs.append(
            PostSpec(
                author=author,
                visibility=draw(st.sampled_from(VISIBILITIES)),
                mentions=draw(st.frozensets(person, max_size=2)) - {author},
                reply_to=draw(earlier),
                quote_of=draw(earlier),
                tagged=draw(st.booleans()),
                keyword=draw(st.booleans()),
                circle=circle,
            )
        )
    post_index = st.integers(0, len(post_specs) - 1)
    return WorldSpec(
        size=size,
        locked=locked,
        follows=tuple(follow_pairs),
        approve=approve,
        posts=tuple(post_specs),
        reposts=tuple(draw(st.lists(st.tuples(person, post_index), max_size=4))),
        marks=tuple(
            draw(
                st.lists(
                    st.tuples(st.sampled_from(("favourite", "bookmark")), person, post_index),
                    max_size=4,
                )
            )
        ),
        blocks=tuple(draw(st.lists(pair, max_size=2, unique=True))),
        mutes=tuple(
            MuteSpec(a, b, n, e)
            for (a, b), n, e in draw(
                st.lists(st.tuples(pair, st.booleans(), st.booleans()), max_size=3)
            )
        ),
        lists=tuple(
            draw(
                st.lists(
                    st.builds(
                        ListSpec,
                        owner=person,
                        members=st.frozensets(person, max_size=3),
                        exclusive=st.booleans(),
                        replies_policy=st.sampled_from(("followed", "list", "none")),
                    ),
                    max_size=2,
                )
            )
        ),
        circles=tuple(circles),
        filters=tuple(
            draw(
                st.lists(
                    st.builds(
                        FilterSpec,
                        owner=person,
                        context=st.frozensets(st.sampled_from(CONTEXTS), min_size=1),
                        hide=st.booleans(),
                    ),
                    max_size=2,
                )
            )
        ),
    )


def _text(spec: PostSpec, names: list[str], index: int) -> str:
    words = [f"post {index}"]
    words += [f"@{names[m]}" for m in sorted(spec.mentions)]
    if spec.tagged:
        words.append(f"#{TAG}")
    if spec.keyword:
        words.append(KEYWORD)
    return " ".join(words)


def build(rt: Runtime, spec: WorldSpec) -> World:
    names = [f"user{i}" for i in range(spec.size)]
    ids = [
        do_register(rt, n, "unused", email=f"{n}@example.com", password_hash=_password_hash())
        for n in names
    ]
    world = World(accounts=ids)
    for i in spec.locked:
        do_update_profile(rt, ids[i], locked=True)
        world.locked.add(ids[i])
    for a, b in spec.follows:
        do_follow(rt, ids[a], ids[b])
        if (a, b) in spec.approve and ids[b] in world.locked:
            do_authorize_follow_request(rt, ids[b], ids[a])
    drain(rt)
    for lst in spec.lists:
        followed = {m for m in lst.members if (ids[lst.owner], ids[m]) in _follow_rows(rt)}
        list_id = do_create_list(
            rt, ids[lst.owner], "list", replies_policy=lst.replies_policy, exclusive=lst.exclusive
        )
        if followed:
            do_add_list_accounts(rt, ids[lst.owner], list_id, [ids[m] for m in sorted(followed)])
        world.lists[list_id] = (
            ids[lst.owner],
            {ids[m] for m in followed},
            lst.exclusive,
            lst.replies_policy,
        )
    circle_ids: list[int] = []
    for c in spec.circles:
        circle_id = do_create_circle(rt, ids[c.owner], "circle")
        members = [ids[m] for m in sorted(c.members - {c.owner})]
        if members:
            do_add_circle_members(rt, ids[c.owner], circle_id, members)
        circle_ids.append(circle_id)
        world.circles[circle_id] = (ids[c.owner], set(members))
    made: list[int | None] = []
    for index, p in enumerate(spec.posts):
        circle = circle_ids[p.circle] if p.circle is not None else None
        made.append(_create(rt, p, index, names, ids, made, circle))
        drain(rt)
    for reposter, index in spec.reposts:
        target = made[index]
        if target is None:
            continue
        try:
            do_reblog(rt, ids[reposter], target)
        except REFUSED:
            pass
    for kind, account, index in spec.marks:
        target = made[index]
        if target is None:
            continue
        try:
            (do_favourite if kind == "favourite" else do_bookmark)(rt, ids[account], target)
        except REFUSED:
            continue
        world.marks.add((kind, ids[account], target))
    drain(rt)
    world.follows_when_posting = _follow_rows(rt)
    for a, b in spec.blocks:
        do_block(rt, ids[a], ids[b])
        world.blocks.add((ids[a], ids[b]))
    for m in spec.mutes:
        do_mute(rt, ids[m.account], ids[m.target], notifications=m.notifications, duration=3600)
        if m.expired:  # no action makes a mute that already ran out; age this one
            with rt.db.write() as tx:
                tx.conn.execute(
                    update(mutes)
                    .where(
                        mutes.c.account_id == ids[m.account],
                        mutes.c.target_account_id == ids[m.target],
                    )
                    .values(expires_at=utcnow() - timedelta(seconds=60))
                )
            world.mutes.pop((ids[m.account], ids[m.target]), None)
        else:
            world.mutes[(ids[m.account], ids[m.target])] = m.notifications
    for f in spec.filters:
        do_create_filter(
            rt,
            ids[f.owner],
            title="f",
            context=sorted(f.context),
            filter_action="hide" if f.hide else "warn",
            keywords=[KeywordChange(keyword=KEYWORD)],
        )
        world.filters.append((ids[f.owner], f.context, f.hide))
    drain(rt)
    _record_facts(rt, world, spec, made, ids)
    return world


def _follow_rows(rt: Runtime) -> set[tuple[int, int]]:
    with rt.db.read() as conn:
        rows = conn.execute(select(follows.c.account_id, follows.c.target_account_id))
        return {(r[0], r[1]) for r in rows}


def _create(
    rt: Runtime,
    p: PostSpec,
    index: int,
    names: list[str],
    ids: list[int],
    made: list[int | None],
    circle: int | None = None,
) -> int | None:
    reply_to = made[p.reply_to] if p.reply_to is not None else None
    quote_of = made[p.quote_of] if p.quote_of is not None else None
    try:
        return do_create_post(
            rt,
            ids[p.author],
            _text(p, names, index),
            visibility=p.visibility,
            in_reply_to_id=reply_to,
            quote_id=quote_of,
            circle_id=circle,
        )
    except REFUSED:
        return None


def _record_facts(
    rt: Runtime, world: World, spec: WorldSpec, made: list[int | None], ids: list[int]
) -> None:
    """The graph after blocks (a block ends follows and requests), and the posts: who
    wrote them and what they reply to, repost and quote, as stored. Mentions, tags and
    keywords come from the spec: they are what the author wrote."""
    world.follows = _follow_rows(rt)
    with rt.db.read() as conn:
        world.requests = {
            (r[0], r[1])
            for r in conn.execute(
                select(follow_requests.c.account_id, follow_requests.c.target_account_id)
            )
        }
        rows = list(conn.execute(select(posts)))
    by_id = {post_id: spec.posts[i] for i, post_id in enumerate(made) if post_id is not None}
    for row in rows:
        written = by_id.get(row.id)
        world.posts[row.id] = Post(
            id=row.id,
            author=row.account_id,
            visibility=row.visibility,
            mentions=frozenset(ids[m] for m in written.mentions) if written else frozenset(),
            in_reply_to_account=row.in_reply_to_account_id,
            reblog_of=row.reblog_of_id,
            quote_of=row.quote_of_id,
            tagged=bool(written and written.tagged),
            keyword=bool(written and written.keyword),
            circle=row.circle_id,
        )
