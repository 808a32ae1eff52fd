"""Rate limits, through the `limits` library: counters in a SQLite file of their own
for the embedded default (``store.limit_storage``), in Redis in scale mode, so every
web process counts the same attempts (in memory for a lone process: tests).

``RateRule`` declares one of Mastodon's limits (sign-up, posting, follows...); the
domain action that knows the account or the address enforces it, so every front
door (API, web) shares the count. ``ROOST_RATE_LIMITS=false`` turns the rules off
(benchmarks post hundreds a second from a few accounts); log-in limits stay on."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from limits import RateLimitItemPerSecond, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from roost.errors import RateLimited
from roost.store.db import is_unavailable
from roost.store.limit_storage import SqliteLimitStorage

log = logging.getLogger("roost.limits")


@dataclass(frozen=True)
class RateRule:
    """``amount`` actions per ``seconds``, counted per account or per client address."""

    name: str
    amount: int
    seconds: int
    per: Literal["account", "address"]

    @property
    def item(self) -> RateLimitItemPerSecond:
        return RateLimitItemPerSecond(self.amount, self.seconds)


@dataclass(frozen=True)
class RateState:
    limit: int
    remaining: int
    reset: float  # epoch seconds when the oldest counted action leaves the window


class RateLimiter:
    def __init__(
        self, storage_uri: str = "memory://", *, prefix: str = "roost:", enabled: bool = True
    ) -> None:
        options: dict[str, str] = {}
        if storage_uri.startswith(("redis://", "rediss://")):
            options["key_prefix"] = f"{prefix}limits"
        self._shared: SqliteLimitStorage | None = None
        if storage_uri.startswith("sqlite:"):  # the embedded default's processes share it
            self._shared = SqliteLimitStorage(Path(storage_uri.removeprefix("sqlite:")))
            self._limiter = MovingWindowRateLimiter(self._shared)
        else:
            self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri, **options))
        self.enabled = enabled

    def close(self) -> None:
        if self._shared is not None:
            self._shared.close()

    def hit(self, limit: str, *identifiers: str) -> bool:
        """Counts one attempt; False once ``limit`` (e.g. "5/minute") is exceeded."""
        return self._limiter.hit(parse(limit), *identifiers)

    def enforce(self, rule: RateRule, key: str | int | None) -> None:
        """Counts one action under ``rule``; raises ``RateLimited`` (with when to retry)
        past it. ``key`` None (trusted local callers) and disabled limits count nothing."""
        if not self.enabled or key is None:
            return
        try:
            allowed = self._limiter.hit(rule.item, rule.name, str(key))
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            # Redis is down: let the action through (a limit is a guard, not the service).
            log.warning("rate limit %s not counted: Redis unavailable", rule.name)
            return
        if not allowed:
            state = self.state(rule, key)
            raise RateLimited(
                "Too many requests",
                limit=state.limit,
                reset=state.reset,
                retry_after=max(1, math.ceil(state.reset - time.time())),
            )

    def state(self, rule: RateRule, key: str | int) -> RateState:
        """What is left of ``rule`` for ``key``, without counting (for the headers)."""
        reset, remaining = self._limiter.get_window_stats(rule.item, rule.name, str(key))
        return RateState(rule.amount, max(remaining, 0), reset)
