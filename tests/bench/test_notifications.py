"""Bulk-seeded notifications are rows the delivery jobs could have written, and the
API lists them page by page."""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

from sqlalchemy import select, text

from roost.app import create_app
from roost.notifications.models import notifications
from roost.posts.models import posts
from roost.runtime import Runtime
from roost_bench.graphs import load_edge_list
from roost_bench.listing import probe_list
from roost_bench.notifications import TYPES, seed_notifications
from roost_bench.seed import seed_graph

with warnings.catch_warnings():
    # Starlette asks for the httpx2 package; httpx (installed) works the same for tests.
    from starlette.exceptions import StarletteDeprecationWarning

    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

INDEXES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'notifications'",
    "postgresql": "SELECT indexname FROM pg_indexes WHERE tablename = 'notifications'",
}


def test_seeded_notifications_are_listed_by_the_api(rt: Runtime, tmp_path: Path) -> None:
    # given: a small graph with posts, then 5 people with 20 notifications each
    path = tmp_path / "tiny.edges"
    path.write_text("a b\nb c\nc d\nd e\ne f\nf a\n")
    world = seed_graph(
        rt, load_edge_list(path), posts_total=60, home_depth=50, advance=lambda *_: None
    )
    # when
    notified = seed_notifications(
        rt,
        world.people.ids,
        world.post_ids,
        world.post_authors,
        people=5,
        each=20,
        posts_each=4,
        advance=lambda *_: None,
    )
    # then: every row is there, mixed, from the graph's people, unique per cause
    with rt.db.read() as conn:
        rows = conn.execute(select(notifications)).all()
        post_authors = dict(conn.execute(select(posts.c.id, posts.c.account_id)).all())
        indexes = set(conn.scalars(text(INDEXES[conn.dialect.name])))
    assert len(rows) == notified.rows == 100
    assert Counter(r.account_id for r in rows) == dict.fromkeys(notified.people.ids, 20)
    assert set(Counter(r.type for r in rows)) == set(TYPES)
    assert {r.from_account_id for r in rows} <= set(world.people.ids)
    assert len({(r.account_id, r.type, r.from_account_id, r.post_id) for r in rows}) == 100
    # likes and reposts are of the recipient's posts, mentions of the sender's
    for r in rows:
        if r.type in ("favourite", "reblog"):
            assert post_authors[r.post_id] == r.account_id
            assert r.group_key.startswith(f"{r.type}-{r.post_id}-")
        elif r.type == "follow":
            assert r.post_id is None
            assert r.group_key.startswith("follow--")
        else:
            assert post_authors[r.post_id] == r.from_account_id
            assert r.group_key == f"ungrouped-{r.id}"
        assert r.created_at.timestamp() * 1000 == r.id >> 16
        assert r.group_key.startswith("ungrouped-") or int(r.group_key.rsplit("-", 1)[1]) * (
            3600
        ) <= int(r.created_at.timestamp())
    # the indexes dropped for the load are back
    assert {"ix_notifications_list", "ix_notifications_post", "uq_notifications_cause"} <= indexes
    # the API lists them newest first, and a max_id page goes on from there
    settings = rt.settings.model_copy(update={"inprocess_worker": False})
    mine = sorted((r.id for r in rows if r.account_id == notified.people.ids[0]), reverse=True)
    auth = {"Authorization": f"Bearer {notified.people.tokens[0]}"}
    with TestClient(create_app(settings, rt=rt), base_url="http://roost.test") as client:
        first = client.get("/api/v1/notifications", params={"limit": 15}, headers=auth)
        assert first.status_code == 200, first.text
        assert [int(n["id"]) for n in first.json()] == mine[:15]
        rest = client.get("/api/v1/notifications", params={"max_id": mine[14]}, headers=auth).json()
        assert [int(n["id"]) for n in rest] == mine[15:]
        grouped = client.get("/api/v2/notifications", headers=auth)
        assert grouped.status_code == 200, grouped.text
        assert sum(g["notifications_count"] for g in grouped.json()["notification_groups"]) == 20
    # the probe times the list and reads the page query's plan (at 100 rows
    # PostgreSQL rightly prefers a scan; SQLite's plan does not depend on statistics)
    probe = probe_list(rt, notified, samples=3)
    assert probe["statements_per_page"] >= 1
    assert probe["plans"]["first_page"]
    if rt.db.is_sqlite:
        assert "ix_notifications_list" in " ".join(probe["plans"]["first_page"])
