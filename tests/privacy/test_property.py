"""The privacy property: in any small network, nothing reaches a viewer the rules
(``tests/privacy/oracle.py``) keep from them, and what they allow does arrive.

Each example builds a random world through the real actions, settles its jobs, then
reads every path as every account and as a signed-out visitor (``reads.py``), and
watches the streams while a few more posts are made (``streams.py``).

Examples per backend: ``ROOST_PROPERTY_EXAMPLES`` (default 15, which keeps each
backend within about a minute); ``make bench-property`` (run by ``make bench``) asks
for 300, and a manual run for any number:
``ROOST_PROPERTY_EXAMPLES=300 .venv/bin/pytest -q tests/privacy``. Generation is
derandomized, so a run is repeatable and CI never flakes on a new random world.

Hypothesis runs many examples inside one test call, so the function-scoped ``rt``
cannot be rebuilt per example: ``Harness.reset`` empties the database (and the
Redis keys of scale mode) at the start of each one instead.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from sqlalchemy import exists, false, select

import roost.posts.hydration as hydration
import roost.posts.visibility as visibility
from roost.app import create_app
from roost.graph.models import follows
from roost.oauth.actions import do_create_application, do_register_token
from roost.posts.models import posts
from roost.runtime import Runtime
from roost.store.memo import Memo
from roost.store.models import load_all_models
from tests.conftest import REDIS_URL, SCALE, _truncate_postgres, delete_redis_prefix
from tests.privacy.oracle import Oracle
from tests.privacy.reads import Reader
from tests.privacy.streams import check_streams
from tests.privacy.world import World, WorldSpec, build, worlds

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

EXAMPLES = int(os.environ.get("ROOST_PROPERTY_EXAMPLES", "15"))
SCOPES = frozenset({"read", "write", "follow", "push"})


class Harness:
    """One runtime and app for the whole test; a fresh, empty database per example."""

    def __init__(self, rt: Runtime, client: TestClient) -> None:
        self.rt = rt
        self.client = client

    def reset(self) -> None:
        if self.rt.settings.is_postgres:
            _truncate_postgres(self.rt)
        else:
            with self.rt.db.write() as tx:
                for table in reversed(load_all_models().sorted_tables):
                    tx.conn.execute(table.delete())
        if SCALE:
            delete_redis_prefix(REDIS_URL, self.rt.settings.redis_prefix)
        self.rt.memo = Memo()

    def tokens(self, world: World) -> dict[int, str]:
        app = do_create_application(self.rt, "privacy", ["urn:ietf:wg:oauth:2.0:oob"])
        return {
            a: do_register_token(self.rt, app.row.id, a, SCOPES).access_token
            for a in world.accounts
        }

    def run(self, spec: WorldSpec, *, streams: bool = True) -> None:
        self.reset()
        world = build(self.rt, spec)
        oracle = Oracle(world)
        tokens = self.tokens(world)
        viewers: list[tuple[int | None, str | None]] = [(None, None), *tokens.items()]
        for viewer, token in viewers:
            name = "signed-out" if viewer is None else f"account {viewer}"
            Reader(self.client, oracle, viewer, token, name).check()
        if streams:
            check_streams(self.rt, self.client, world, tokens)


@pytest.fixture
def harness(rt: Runtime) -> Iterator[Harness]:
    app_settings = rt.settings.model_copy(update={"inprocess_worker": False})
    with TestClient(create_app(app_settings, rt=rt), base_url="http://roost.test") as client:
        yield Harness(rt, client)


def _settings(examples: int, *, shrink: bool = True) -> Callable[[Any], Any]:
    phases = [Phase.explicit, Phase.generate, *([Phase.shrink] if shrink else [])]
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=phases,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def test_nothing_leaks_and_everything_allowed_arrives(harness: Harness) -> None:
    @_settings(EXAMPLES)
    @given(worlds())
    def prop(spec: WorldSpec) -> None:
        harness.run(spec)

    prop()


# -- the property can fail: plant leaks ------------------------------------------------


def _rebuild_hydration(monkeypatch: pytest.MonkeyPatch) -> None:
    """``hydrate`` builds its statements once, at import, from ``visible_clause``: a
    rule patched in ``roost.posts.visibility`` reaches reads only once they are built
    again from it. Every read ends in ``hydrate``, so a leak planted here is a leak
    on every path."""
    monkeypatch.setattr(hydration, "visible_clause", visibility.visible_clause)
    monkeypatch.setattr(hydration, "muted_clause", visibility.muted_clause)
    by_viewer, for_timeline = hydration.posts_statements()
    monkeypatch.setattr(hydration, "_POSTS_FOR_VIEWER", by_viewer)
    monkeypatch.setattr(hydration, "_POSTS_FOR_TIMELINE", for_timeline)


def _expect_leak_found(harness: Harness) -> None:
    """The random search, without shrinking (a leak is found, not minimised), must fail."""

    @_settings(max(EXAMPLES, 15), shrink=False)
    @given(worlds())
    def prop(spec: WorldSpec) -> None:
        harness.run(spec, streams=False)

    with pytest.raises(AssertionError, match="LEAK"):
        prop()


def test_a_planted_followers_only_leak_is_caught(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = visibility.visible_clause

    def leaky(viewer_id: Any, table: Any = posts) -> Any:
        return real(viewer_id, table) | (table.c.visibility == "private")

    monkeypatch.setattr(visibility, "visible_clause", leaky)
    _rebuild_hydration(monkeypatch)
    _expect_leak_found(harness)


def test_a_planted_block_leak_is_caught(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(visibility, "blocked_clause", lambda *_args: false())
    _rebuild_hydration(monkeypatch)
    _expect_leak_found(harness)


def test_a_planted_circle_leak_is_caught(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule that lets any follower into a circle post must be caught."""
    real = visibility.circle_member_clause

    def leaky(viewer_id: Any, table: Any = posts) -> Any:
        follower = exists(
            select(follows.c.id).where(
                follows.c.account_id == viewer_id,
                follows.c.target_account_id == table.c.account_id,
            )
        )
        return real(viewer_id, table) | follower

    monkeypatch.setattr(visibility, "circle_member_clause", leaky)
    _rebuild_hydration(monkeypatch)
    _expect_leak_found(harness)
