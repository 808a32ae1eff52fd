"""What clients read first to learn the server: ``/api/v1/instance`` and
``/api/v2/instance`` (version and limits), ``/api/v1/custom_emojis`` and the
signed-in person's ``/api/v1/preferences``. Apps call these at launch and give up
on a 404, so Roost answers them truthfully: it has no custom emoji, and posting
defaults are Mastodon's."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost import __version__
from roost.api.entities.instance import InstanceV1, InstanceV2, instance_v1, instance_v2
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response

MASTODON_VERSION = "4.3.0"
VERSION = f"{MASTODON_VERSION} (compatible; Roost {__version__})"


@endpoint(response=InstanceV1)
def get_instance_v1(ctx: Ctx) -> Response:
    return json_response(instance_v1(ctx.rt, VERSION))


@endpoint(response=InstanceV2)
def get_instance_v2(ctx: Ctx) -> Response:
    return json_response(instance_v2(ctx.rt, VERSION))


@endpoint(response=list[dict[str, str]])
def custom_emojis(ctx: Ctx) -> Response:
    return json_response([])


PREFERENCES = {
    "posting:default:visibility": "public",
    "posting:default:sensitive": False,
    "posting:default:language": None,
    "reading:expand:media": "default",
    "reading:expand:spoilers": False,
}


@endpoint(scope="read:accounts", user=True, response=dict[str, str | bool | None])
def preferences(ctx: Ctx) -> Response:
    return json_response(PREFERENCES)


routes = [
    Route("/api/v1/custom_emojis", custom_emojis, methods=["GET"]),
    Route("/api/v1/preferences", preferences, methods=["GET"]),
    Route("/api/v1/instance", get_instance_v1, methods=["GET"]),
    Route("/api/v2/instance", get_instance_v2, methods=["GET"]),
]
