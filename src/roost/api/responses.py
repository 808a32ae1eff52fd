"""How the API answers: JSON rendered with msgspec, Mastodon's ``{"error": ...}``
bodies and its ``X-RateLimit-*`` headers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
from starlette.responses import Response

from roost.store.ratelimit import RateState

_encoder = msgspec.json.Encoder()


def json_response(
    content: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        _encoder.encode(content), status_code=status, headers=headers, media_type="application/json"
    )


def error_response(status: int, message: str, details: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"error": message}
    if details:
        body["details"] = details
    return json_response(body, status)


def rate_headers(state: RateState) -> dict[str, str]:
    """Mastodon's X-RateLimit-* headers (the reset as an ISO 8601 time)."""
    reset = datetime.fromtimestamp(state.reset, UTC).isoformat().replace("+00:00", "Z")
    return {
        "X-RateLimit-Limit": str(state.limit),
        "X-RateLimit-Remaining": str(state.remaining),
        "X-RateLimit-Reset": reset,
    }
