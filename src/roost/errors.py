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
    """Bad input; ``field`` names the input it concerns so a form can show it there."""

    def __init__(
        self, message: str, *, field: str | None = None, code: str = "ERR_INVALID"
    ) -> None:
        super().__init__(message)
        self.field = field
        self.code = code


class RateLimited(RoostError):
    pass
