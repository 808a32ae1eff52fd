"""Domain errors. Front doors translate them: HTTP status and JSON on the API,
a message next to the field on the web, a reply text on SMS."""

from __future__ import annotations


class RoostError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(RoostError):
    """The thing does not exist *for this viewer* (hidden things are not found, never forbidden)."""


class Forbidden(RoostError):
    pass


class ValidationFailed(RoostError):
    """Bad input; ``field`` names the input it concerns so a form can show it there.
    ``code`` is Mastodon's (``ERR_BLANK``, ``ERR_INVALID``, ``ERR_TAKEN``, ``ERR_TOO_SHORT``...)."""

    def __init__(
        self, message: str, *, field: str | None = None, code: str = "ERR_INVALID"
    ) -> None:
        super().__init__(message)
        self.field = field
        self.code = code

    @property
    def problems(self) -> list[ValidationFailed]:
        """Every problem found: this one alone, unless a check collected several."""
        return [self]


class InvalidFields(ValidationFailed):
    """Several inputs are bad at once (sign-up checks them all), so a form or an app
    can mark every one of them in one round trip. The first problem stands for all
    where only one can be shown."""

    def __init__(self, problems: list[ValidationFailed]) -> None:
        assert problems
        first = problems[0]
        super().__init__(", ".join(p.message for p in problems), field=first.field, code=first.code)
        self._problems = problems

    @property
    def problems(self) -> list[ValidationFailed]:
        return list(self._problems)


class RateLimited(RoostError):
    """Too many attempts; ``retry_after`` (seconds), ``limit`` and ``reset`` (epoch
    seconds) when a ``RateRule`` knows them, for Retry-After and X-RateLimit-*."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: int | None = None,
        limit: int | None = None,
        reset: float | None = None,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.limit = limit
        self.reset = reset
