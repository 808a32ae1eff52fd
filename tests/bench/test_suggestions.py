"""The benchmark's suggestions step seeds a follow graph and times the real query."""

from __future__ import annotations

from roost.runtime import Runtime
from roost.store.schema import utcnow
from roost.suggestions.queries import FRIENDS_OF_FRIENDS, get_suggestions
from roost_bench.graphs import powerlaw
from roost_bench.suggestions import measure_suggestions, seed_follow_graph


def test_suggestions_step_measures_every_kind_of_account(rt: Runtime) -> None:
    graph = powerlaw(300, mean_following=8)
    people = seed_follow_graph(rt, graph, lambda *_: None)
    result = measure_suggestions(rt, graph, people.ids, samples=20, limit=10)
    assert result["uniform"]["samples"] == 20
    assert result["most_following"]["samples"] == 2
    assert result["most_following"]["following"] == int(graph.following_counts().max())
    assert {"p50_ms", "p99_ms"} <= result["uniform"].keys()
    # the busiest follower gets friends of friends, none of whom they follow already
    busiest = people.ids[int(graph.following_counts().argmax())]
    found = get_suggestions(rt, busiest, utcnow(), limit=10)
    followed = {people.ids[int(b)] for a, b in graph.follows if people.ids[int(a)] == busiest}
    assert found
    assert found[0].source == FRIENDS_OF_FRIENDS
    assert not followed & {s.account.id for s in found}
