"""The benchmark's graphs: edge lists become follows both ways, power-law graphs are sane."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from roost_bench.graphs import load_edge_list, powerlaw, reed98


def test_edge_list_friendships_become_follows_both_ways(tmp_path: Path) -> None:
    # given: comments, a duplicate friendship (either direction) and a self-loop
    path = tmp_path / "tiny.edges"
    path.write_text("% a comment\n# another\nalice bob\nbob alice\nbob carol\ncarol carol\n")
    # when
    graph = load_edge_list(path)
    # then
    assert graph.people == 3
    assert sorted(map(tuple, graph.follows.tolist())) == [(0, 1), (1, 0), (1, 2), (2, 1)]
    assert graph.follower_counts().tolist() == [1, 2, 1]


def test_reed98_has_the_published_size() -> None:
    graph = reed98()
    assert graph.people == 962
    assert graph.follow_count == 2 * 18_812


def test_powerlaw_graph_is_heavy_tailed_without_self_follows() -> None:
    graph = powerlaw(2_000, mean_following=10)
    pairs = graph.follows
    assert graph.people == 2_000
    assert not (pairs[:, 0] == pairs[:, 1]).any()
    assert len(np.unique(pairs[:, 0] * graph.people + pairs[:, 1])) == graph.follow_count
    followers = graph.follower_counts()
    assert followers.max() > 20 * max(float(np.median(followers)), 1.0)
