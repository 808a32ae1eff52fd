"""Every path a post can come through, read through the real API as each viewer
(each account, and a signed-out visitor), and judged by the oracle.

``check_reads`` asserts both ways where the rules are crisp (status by ID and
``?id[]=``, account timelines, public and hashtag timelines, home, mention
notifications, bookmarks and favourites) and one way, "nothing that should not",
everywhere (context, list timelines, search, favourited_by/reblogged_by, notifications,
conversations, and every status nested in a repost or a quote).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tests.privacy.oracle import Oracle, Viewer
from tests.privacy.world import TAG

if TYPE_CHECKING:  # imported for real (with its warning silenced) by the test module
    from starlette.testclient import TestClient

LIMIT = {"limit": "40"}


def statuses_in(body: Any) -> Iterator[dict[str, Any]]:
    """Every status entity anywhere in a response, nested ones (reposted, quoted,
    notification and conversation statuses) included."""
    if isinstance(body, list):
        for item in body:
            yield from statuses_in(item)
    elif isinstance(body, dict):
        if "visibility" in body and "uri" in body:
            yield body
        for value in body.values():
            yield from statuses_in(value)


def top_ids(body: Any) -> set[int]:
    return {int(s["id"]) for s in body}


class Reader:
    """One viewer's view through the API, checked against the oracle."""

    def __init__(
        self, client: TestClient, oracle: Oracle, viewer: Viewer, token: str | None, name: str
    ) -> None:
        self.client = client
        self.oracle = oracle
        self.viewer = viewer
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.name = name

    def get(self, url: str, params: Any = None, status: int = 200) -> Any:
        response = self.client.get(url, params=params, headers=self.headers)
        got = response.status_code
        # A 200 where the rules say "not found" is a leak; the other way, a post lost.
        verdict = "LEAK: " if (status, got) == (404, 200) else ""
        assert got == status, f"{verdict}{self.name} GET {url}: {got}, not {status}"
        return response.json()

    def no_leak(self, body: Any, where: str, *, timeline: bool = False) -> None:
        """Nothing in the response the viewer may not see (in a timeline: nothing by
        someone the viewer mutes either)."""
        for status in statuses_in(body):
            post_id = int(status["id"])
            assert self.oracle.can_see(self.viewer, post_id), (
                f"LEAK: {self.name} got post {post_id} "
                f"({self.oracle.post(post_id)}) through {where}"
            )
            if timeline:
                assert not self.oracle.muted_in_timelines(self.viewer, post_id), (
                    f"{self.name} got muted post {post_id} through {where}"
                )

    def listing(self, url: str, where: str, params: Any = None) -> set[int]:
        body = self.get(url, params={**LIMIT, **(params or {})})
        self.no_leak(body, where, timeline=where in ("home", "public", "tag", "list"))
        return top_ids(body)

    def check(self) -> None:
        o, v = self.oracle, self.viewer
        visible = o.visible(v)
        all_ids = sorted(o.world.posts)
        # by ID, one and many
        for post_id in all_ids:
            status = 200 if post_id in visible else 404
            body = self.get(f"/api/v1/statuses/{post_id}", status=status)
            if status == 200:
                self.no_leak(body, f"status {post_id}")
                context = self.get(f"/api/v1/statuses/{post_id}/context")
                self.no_leak(context, f"context of {post_id}")
                for part in ("ancestors", "descendants"):
                    for s in context[part]:
                        assert not o.hidden(v, int(s["id"]), "thread"), f"{self.name} thread"
            else:
                self.get(f"/api/v1/statuses/{post_id}/context", status=404)
            for who in ("favourited_by", "reblogged_by"):
                accounts = self.get(f"/api/v1/statuses/{post_id}/{who}", status=status)
                if status == 200:
                    for account in accounts:
                        assert not o.blocked(v, int(account["id"])), f"{self.name} {who} block"
        many = self.get("/api/v1/statuses", params={"id[]": [str(i) for i in all_ids]})
        self.no_leak(many, "?id[]=")
        assert top_ids(many) == visible, f"{self.name} ?id[]="
        # profiles: exactly what the rules allow
        for account in o.world.accounts:
            got = self.listing(f"/api/v1/accounts/{account}/statuses", "account")
            assert got == o.account_statuses(v, account), f"{self.name} profile of {account}"
        # public and hashtag timelines: exactly the listed posts
        assert self.listing("/api/v1/timelines/public", "public") == o.public(v), (
            f"{self.name} public timeline"
        )
        assert self.listing(f"/api/v1/timelines/tag/{TAG}", "tag") == o.public(v, tagged=True), (
            f"{self.name} tag timeline"
        )
        # search: nothing the viewer may not read (one way: it leaves out more, unlisted)
        found = self.get("/api/v2/search", params={"q": "post", "type": "statuses", **LIMIT})
        for status in found["statuses"]:
            assert o.can_see(v, int(status["id"])), f"LEAK: {self.name} search {status['id']}"
        # trending posts: only visible ones, none by people the viewer mutes
        trending = self.get("/api/v1/trends/statuses", params=LIMIT)
        self.no_leak(trending, "trends", timeline=True)
        if v is not None:
            self.check_signed_in(v)

    def check_signed_in(self, v: int) -> None:
        o = self.oracle
        home = self.listing("/api/v1/timelines/home", "home")
        for post_id in home:
            assert o.home_may(v, post_id) or self._repost_in_home(v, post_id), (
                f"{self.name} home has {post_id} ({o.post(post_id)})"
            )
        missing = o.home_must(v) - home
        assert not missing, f"{self.name} home lacks {[o.post(i) for i in missing]}"
        for list_id, (owner, *_rest) in o.world.lists.items():
            if owner != v:
                self.get(f"/api/v1/timelines/list/{list_id}", status=404)
                continue
            for post_id in self.listing(f"/api/v1/timelines/list/{list_id}", "list"):
                assert o.list_may(v, list_id, post_id) or self._repost_in_home(v, post_id), (
                    f"{self.name} list {list_id} has {post_id}"
                )
        notifications = self.get("/api/v1/notifications", params=LIMIT)
        self.no_leak(notifications, "notifications")
        mentioned = set()
        for n in notifications:
            assert not o.blocked(v, int(n["account"]["id"])), f"{self.name} notified across block"
            if n["type"] == "mention":
                mentioned.add(int(n["status"]["id"]))
        missing = o.mention_notifications_must(v) - mentioned
        assert not missing, f"{self.name} lacks mention notifications {missing}"
        for kind, path in (("bookmark", "bookmarks"), ("favourite", "favourites")):
            got = self.listing(f"/api/v1/{path}", path)
            marked = {p for k, a, p in o.world.marks if k == kind and a == v}
            assert got == {p for p in marked if o.can_see(v, p)}, f"{self.name} {path}"
        conversations = self.get("/api/v1/conversations", params=LIMIT)
        self.no_leak(conversations, "conversations")

    def _repost_in_home(self, v: int, post_id: int) -> bool:
        """A repost by someone the viewer follows (or by the viewer) may be in home."""
        o = self.oracle
        post = o.post(post_id)
        return (
            post.reblog_of is not None
            and (post.author == v or o.follows(v, post.author))
            and o.timeline_ok(v, post_id, "home")
        )
