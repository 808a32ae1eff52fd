"""What clients read first to learn the server: ``/api/v1/instance`` and
``/api/v2/instance`` (version and limits), ``/api/v1/custom_emojis`` and the
signed-in person's ``/api/v1/preferences``. Apps call these at launch and give up
on a 404, so Roost answers them truthfully: it has no custom emoji, and posting
defaults are Mastodon's."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from roost import __version__
from roost.api.entities.accounts import iso
from roost.api.entities.instance import (
    ExtendedDescription,
    InstanceRule,
    InstanceV1,
    InstanceV2,
    PrivacyPolicy,
    TermsOfService,
    instance_v1,
    instance_v2,
    rule_entity,
)
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.responses import json_response
from roost.instance.pages import get_page
from roost.instance.queries import (
    EXTENDED_DESCRIPTION,
    PRIVACY_POLICY,
    TERMS_OF_SERVICE,
    list_rules,
)

MASTODON_VERSION = "4.3.0"
VERSION = f"{MASTODON_VERSION} (compatible; Roost {__version__})"


@endpoint(response=InstanceV1)
def get_instance_v1(ctx: Ctx) -> Response:
    return json_response(instance_v1(ctx.rt, VERSION))


@endpoint(response=InstanceV2)
def get_instance_v2(ctx: Ctx) -> Response:
    return json_response(instance_v2(ctx.rt, VERSION))


@endpoint(response=list[InstanceRule])
def rules(ctx: Ctx) -> Response:
    """The server's rules, in the admins' order (the ids reports cite)."""
    return json_response([rule_entity(r) for r in list_rules(ctx.rt)])


@endpoint(response=ExtendedDescription)
def extended_description(ctx: Ctx) -> Response:
    page = get_page(ctx.rt, EXTENDED_DESCRIPTION)
    updated = iso(page.updated_at) if page.updated_at else None
    return json_response(ExtendedDescription(updated_at=updated, content=page.html))


@endpoint(response=PrivacyPolicy)
def privacy_policy(ctx: Ctx) -> Response:
    page = get_page(ctx.rt, PRIVACY_POLICY)
    assert page.updated_at is not None  # Roost's own policy stands in for a missing one
    return json_response(PrivacyPolicy(updated_at=iso(page.updated_at), content=page.html))


@endpoint(response=TermsOfService)
def terms_of_service(ctx: Ctx) -> Response:
    """404 until the admins write terms, as Mastodon answers without any."""
    page = get_page(ctx.rt, TERMS_OF_SERVICE)
    if page.updated_at is None:
        raise ApiError(404, "Record not found")
    return json_response(
        TermsOfService(
            effective_date=page.updated_at.date().isoformat(),
            effective=True,
            content=page.html,
            succeeded_by=None,
        )
    )


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
    Route("/api/v1/instance/rules", rules, methods=["GET"]),
    Route("/api/v1/instance/extended_description", extended_description, methods=["GET"]),
    Route("/api/v1/instance/privacy_policy", privacy_policy, methods=["GET"]),
    Route("/api/v1/instance/terms_of_service", terms_of_service, methods=["GET"]),
]
