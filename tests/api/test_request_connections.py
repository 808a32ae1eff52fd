"""A request's reads share one pooled connection (``Database.pinned``): a checkout
and, on PostgreSQL, a BEGIN/ROLLBACK pair cost more than a short query each."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from starlette.testclient import TestClient

from roost.filters.actions import KeywordChange, do_create_filter
from roost.graph.actions import do_follow
from roost.posts.actions import do_create_post
from roost.runtime import Runtime
from tests.api.conftest import Tokens, bearer
from tests.conftest import People


@contextmanager
def counting_checkouts(rt: Runtime) -> Iterator[list[int]]:
    counted = [0]

    def count(*_: Any) -> None:
        counted[0] += 1

    event.listen(rt.db.engine, "checkout", count)
    try:
        yield counted
    finally:
        event.remove(rt.db.engine, "checkout", count)


def test_a_home_timeline_request_checks_out_one_connection(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People, settle: Any
) -> None:
    # given a home with posts, a filter, and caches that know nothing yet
    do_follow(rt, people.alice, people.bob)
    for i in range(5):
        do_create_post(rt, people.bob, f"post {i}")
    do_create_filter(
        rt, people.alice, title="spoilers", context=["home"], keywords=[KeywordChange("finale")]
    )
    settle()
    headers = bearer(tokens.alice)
    assert client.get("/api/v1/timelines/home", headers=headers).status_code == 200
    rt.caches.clear()
    # when alice reads her home
    with counting_checkouts(rt) as counted:
        response = client.get("/api/v1/timelines/home", headers=headers)
    # then the token, the timeline, the posts and the filters came over one connection
    assert response.status_code == 200
    assert len(response.json()) == 5
    assert counted[0] == 1


def test_account_statuses_and_notifications_check_out_one_connection(
    rt: Runtime, client: TestClient, tokens: Tokens, people: People, settle: Any
) -> None:
    headers = bearer(tokens.alice)
    do_create_post(rt, people.bob, "hello @alice")
    settle()
    for path in (f"/api/v1/accounts/{people.bob}/statuses", "/api/v1/notifications"):
        rt.caches.clear()
        with counting_checkouts(rt) as counted:
            response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert response.json(), path
        assert counted[0] == 1, path
