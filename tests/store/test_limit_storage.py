"""Rate limits shared by the embedded default's web processes (``store.limit_storage``):
two limiters on one data folder stand for two processes, each with its own connection."""

from __future__ import annotations

from pathlib import Path

import pytest

from roost.errors import RateLimited
from roost.store.ratelimit import RateLimiter, RateRule

RULE = RateRule("test", amount=3, seconds=60, per="address")


def test_processes_of_one_instance_share_one_budget(tmp_path: Path) -> None:
    uri = f"sqlite:{tmp_path / 'limits.sqlite3'}"
    first, second = RateLimiter(uri), RateLimiter(uri)
    try:
        # given two attempts counted by one process and one by the other
        first.enforce(RULE, "10.0.0.1")
        second.enforce(RULE, "10.0.0.1")
        first.enforce(RULE, "10.0.0.1")
        # then the fourth is refused wherever it arrives, and both see none left
        with pytest.raises(RateLimited):
            second.enforce(RULE, "10.0.0.1")
        with pytest.raises(RateLimited):
            first.enforce(RULE, "10.0.0.1")
        assert first.state(RULE, "10.0.0.1").remaining == 0
        assert second.state(RULE, "10.0.0.1").remaining == 0
        # and another address has its own budget
        second.enforce(RULE, "10.0.0.2")
        assert first.state(RULE, "10.0.0.2").remaining == 2
    finally:
        first.close()
        second.close()


def test_log_in_limits_count_across_processes(tmp_path: Path) -> None:
    uri = f"sqlite:{tmp_path / 'limits.sqlite3'}"
    first, second = RateLimiter(uri), RateLimiter(uri)
    try:
        hits = [(first if i % 2 else second).hit("5/minute", "login", "ann") for i in range(7)]
    finally:
        first.close()
        second.close()
    assert hits == [True] * 5 + [False] * 2
