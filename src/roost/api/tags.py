"""``/api/v1/tags/:name``: the Tag entity. Roost keeps no usage history or tag follows
yet, so ``history`` is empty and ``following`` false; a valid name nobody has used
is still a tag (as in Mastodon), an invalid one is not found."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost.api.entities.statuses import Tag, tag_entity
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.posts.queries import get_tag_name
from roost.text import is_hashtag


@endpoint(response=Tag)
def show_tag(ctx: Ctx) -> Response:
    raw = ctx.request.path_params["name"].lstrip("#")
    if not is_hashtag(raw):
        raise ApiError(404, "Record not found")
    tag = tag_entity(ctx.rt, get_tag_name(ctx.rt, raw) or raw)
    if ctx.viewer_id is not None:
        tag.following = False
    return json_response(tag)


routes = [Route("/api/v1/tags/{name}", show_tag, methods=["GET"])]
