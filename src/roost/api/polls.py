"""``/api/v1/polls``: reading a poll and voting in it; and the ``poll[...]`` parameters
of a new or edited status, which arrive as ``poll[options][]=a`` (a form) or
``{"poll": {"options": [...]}}`` (JSON)."""

from __future__ import annotations

import msgspec
from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.polls import Poll, poll_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.params import Params
from roost.api.responses import json_response
from roost.posts.polls import PollSpec, do_vote, get_poll


class NewPoll(msgspec.Struct, kw_only=True):
    """``poll`` of ``POST /api/v1/statuses`` and ``PUT /api/v1/statuses/:id``."""

    options: list[str] = []
    expires_in: int | None = None
    multiple: bool | None = None
    hide_totals: bool | None = None


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "on", "yes", "t")


def poll_spec(params: Params) -> PollSpec | None:
    """The poll asked for, or None; shapes are checked here, limits by ``check_poll``."""
    values = params.values
    nested = values.get("poll")
    poll: dict[str, object] = dict(nested) if isinstance(nested, dict) else {}
    for key, value in values.items():
        if key.startswith("poll[") and key.endswith("]"):
            name, _, rest = key[5:].partition("]")
            index = rest.strip("[]")
            if index.isdigit():  # poll[options][0]=a (indexed form)
                slot = poll.setdefault(name, {})
                if isinstance(slot, dict):
                    slot[index] = value
            else:
                poll[name] = value
    if not poll or not any(str(v).strip() for v in poll.values() if v is not None):
        return None
    options = poll.get("options", [])
    if isinstance(options, dict):
        options = [options[k] for k in sorted(options, key=lambda k: int(str(k)))]
    if not isinstance(options, list):
        options = [options]
    try:
        expires_in = int(str(poll.get("expires_in", "")).strip())
    except ValueError:
        raise ApiError(
            422,
            "Validation failed: poll[expires_in] must be a number of seconds",
            {"poll[expires_in]": [{"error": "ERR_INVALID", "description": "not a number"}]},
        ) from None
    return PollSpec(
        options=[str(o) for o in options],
        expires_in=expires_in,
        multiple=_flag(poll.get("multiple", False)),
        hide_totals=_flag(poll.get("hide_totals", False)),
    )


class Vote(msgspec.Struct, kw_only=True):
    choices: list[int] = []


@endpoint(scope="read:statuses", response=Poll)
def show_poll(ctx: Ctx) -> Response:
    """Visible only to those who may see its post (a 404 otherwise)."""
    return json_response(poll_entity(get_poll(ctx.rt, ctx.viewer_id, ctx.path_id())))


@endpoint(scope="write:statuses", user=True, response=Poll, request=Vote)
def vote(ctx: Ctx) -> Response:
    choices: list[int] = ctx.input.choices
    return json_response(poll_entity(do_vote(ctx.rt, ctx.account_id, ctx.path_id(), choices)))


routes = [
    Route("/api/v1/polls/{id}", show_poll, methods=["GET"]),
    Route("/api/v1/polls/{id}/votes", vote, methods=["POST"]),
]
