"""Bulk seeding leaves the same world the actions would: counters, tokens, homes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from roost.accounts.models import accounts
from roost.oauth.queries import get_token
from roost.runtime import Runtime
from roost.timelines.feeds import home_key, rebuild_home
from roost_bench.graphs import load_edge_list
from roost_bench.presence import holders, materialise_empty
from roost_bench.seed import seed_graph


def test_seeded_world_matches_what_the_actions_would_build(rt: Runtime, tmp_path: Path) -> None:
    # given: a path a-b-c plus d following nobody
    path = tmp_path / "tiny.edges"
    path.write_text("a b\nb c\nd b\n")
    graph = load_edge_list(path)
    # when
    world = seed_graph(rt, graph, posts_total=40, home_depth=800, advance=lambda *_: None)
    # then: counters agree with the follow rows
    with rt.db.read() as conn:
        counts = {
            r.username: (r.followers_count, r.following_count, r.statuses_count)
            for r in conn.execute(select(accounts))
        }
    assert counts["u1"][:2] == (3, 3)  # b is everyone's friend
    assert sum(c[2] for c in counts.values()) == 40
    # tokens authenticate through the real lookup, with the seeded scopes
    token = get_token(rt, world.people.tokens[1])
    assert token is not None
    assert token.account_id == world.people.ids[1]
    assert {"read", "write", "follow"} <= token.scopes
    # each home timeline is what rebuild_home makes of it
    for account_id in world.people.ids:
        seeded = rt.timelines.page(home_key(account_id), limit=100)
        rebuild_home(rt, account_id)
        assert seeded == rt.timelines.page(home_key(account_id), limit=100)


def test_presence_finds_exactly_the_timelines_holding_a_post(rt: Runtime) -> None:
    keys = ["home:1", "home:2", "home:3"]
    materialise_empty(rt, keys)
    rt.timelines.add_to_many(keys[:2], 77)
    assert holders(rt, keys, 77) == {"home:1", "home:2"}
