"""Rate limits, through the `limits` library: counters in memory for the embedded
default, in Redis in scale mode so every web process counts the same attempts."""

from __future__ import annotations

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class RateLimiter:
    def __init__(self, storage_uri: str = "memory://", *, prefix: str = "roost:") -> None:
        options: dict[str, str] = {}
        if storage_uri.startswith(("redis://", "rediss://")):
            options["key_prefix"] = f"{prefix}limits"
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri, **options))

    def hit(self, limit: str, *identifiers: str) -> bool:
        """Counts one attempt; False once ``limit`` (e.g. "5/minute") is exceeded."""
        return self._limiter.hit(parse(limit), *identifiers)
