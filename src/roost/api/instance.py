"""``/api/v1/instance`` and ``/api/v2/instance``: what clients read first to learn
the server's version and limits."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost import __version__
from roost.api.entities.instance import InstanceV1, InstanceV2, instance_v1, instance_v2
from roost.api.http import Ctx, endpoint, json_response

MASTODON_VERSION = "4.3.0"
VERSION = f"{MASTODON_VERSION} (compatible; Roost {__version__})"


@endpoint(response=InstanceV1)
def get_instance_v1(ctx: Ctx) -> Response:
    return json_response(instance_v1(ctx.rt, VERSION))


@endpoint(response=InstanceV2)
def get_instance_v2(ctx: Ctx) -> Response:
    return json_response(instance_v2(ctx.rt, VERSION))


routes = [
    Route("/api/v1/instance", get_instance_v1, methods=["GET"]),
    Route("/api/v2/instance", get_instance_v2, methods=["GET"]),
]
