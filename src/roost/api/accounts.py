"""``/api/v1/accounts``: sign-up, the signed-in account's profile, other people's
profiles, posts and follow lists, and following them.

People are public in Roost; their posts are not, and every list of posts here
comes from ``posts.queries``, which applies the visibility rule for the viewer.
"""

from __future__ import annotations

import msgspec
from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.routing import Route

from roost.accounts.actions import SIGN_UP_RULE, do_update_profile
from roost.accounts.profile import collections_hidden
from roost.accounts.queries import (
    get_account,
    get_account_by_username,
    get_accounts,
    search_accounts,
)
from roost.accounts.settings import ProfileSettings
from roost.addresses import client_address
from roost.api.entities.accounts import (
    Account,
    CredentialAccount,
    FamiliarFollowers,
    Relationship,
    account_entity,
    credential_account_entity,
    relationship_entity,
)
from roost.api.entities.oauth import Token, token_entity
from roost.api.entities.pieces import status_page
from roost.api.entities.statuses import Status
from roost.api.errors import ApiError
from roost.api.http import Ctx, endpoint
from roost.api.pagination import PageParams, link_header, read_page
from roost.api.responses import json_response
from roost.errors import NotFound, ValidationFailed
from roost.filters.queries import get_matcher
from roost.graph.actions import FOLLOW_RULE, do_follow, do_unfollow
from roost.graph.queries import (
    familiar_followers,
    follow_requests_count,
    followers,
    following,
    following_ids,
    relationships,
)
from roost.ids import parse_id
from roost.media.images import MAX_UPLOAD_BYTES
from roost.oauth.actions import do_register_token
from roost.oauth.queries import scope_allows
from roost.posts.queries import account_statuses
from roost.registrations.actions import do_sign_up
from roost.store.ratelimit import RateRule

READ = "read:accounts"
WRITE = "write:accounts"
MAX_RELATIONSHIPS = 100


class NewAccount(msgspec.Struct, kw_only=True):
    """``POST /api/v1/accounts``; ``reason`` is read by the moderators in approval
    mode, ``invite_code`` lets someone in by an invite link; ``locale`` is unused."""

    username: str = ""
    email: str = ""
    password: str = ""
    agreement: bool = False
    locale: str | None = None
    reason: str | None = None
    invite_code: str | None = None


@endpoint(scope=WRITE, auth=True, response=Token, request=NewAccount, limit=SIGN_UP_RULE)
def register(ctx: Ctx) -> Response:
    """Signs up and returns the new account's token (with the scopes of the app token
    that registered it), as Mastodon does: a link to confirm the address is mailed,
    and with ``ROOST_SMTP_URL`` set logging in again waits for it; in approval mode, as
    in Mastodon, every call with the token answers 403 "pending approval" until a
    moderator approves. Every bad field is reported in one 422 (``details``), so an
    app can mark them all. Closed (or invite-only without a code): 403."""
    form: NewAccount = ctx.input
    joined = do_sign_up(
        ctx.rt,
        form.username,
        form.password,
        email=form.email,
        email_required=True,
        agreed=form.agreement,
        reason=form.reason,
        invite_code=form.invite_code,
        address=client_address(ctx.request),
    )
    assert ctx.token is not None
    token = do_register_token(ctx.rt, ctx.token.application_id, joined.account_id, ctx.token.scopes)
    return json_response(token_entity(token))


def _credential_account(ctx: Ctx) -> Response:
    entity = credential_account_entity(
        ctx.rt,
        get_account(ctx.rt, ctx.account_id),
        follow_requests_count=follow_requests_count(ctx.rt, ctx.account_id),
    )
    return json_response(entity)


@endpoint(user=True, response=CredentialAccount)
def verify_credentials(ctx: Ctx) -> Response:
    """``profile`` is the narrow scope made for "sign in with Roost": it reads only this."""
    assert ctx.token is not None
    if not (scope_allows(ctx.token.scopes, READ) or "profile" in ctx.token.scopes):
        raise ApiError(403, "This action is outside the authorized scopes")
    return _credential_account(ctx)


def _upload(ctx: Ctx, name: str) -> bytes | None:
    upload: UploadFile | None = ctx.params.get_file(name)
    if upload is None:
        return None
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if not data:
        raise ValidationFailed(f"{name} is empty", field=name)
    return data


class ProfileField(msgspec.Struct, kw_only=True):
    name: str = ""
    value: str = ""


class ProfileChanges(msgspec.Struct, kw_only=True):
    """``PATCH /api/v1/accounts/update_credentials`` (``avatar`` and ``header`` are
    multipart files): every profile setting, up to 4 profile fields in any of the
    shapes clients send (``fields_attributes[0][name]``, ``fields_attributes[][name]``,
    a JSON list or a JSON object keyed by index) and the ``source[...]`` posting
    defaults. ``attribution_domains`` is refused (not kept)."""

    display_name: str | None = None
    note: str | None = None
    locked: bool | None = None
    bot: bool | None = None
    discoverable: bool | None = None
    hide_collections: bool | None = None
    indexable: bool | None = None
    attribution_domains: list[str] = []
    source: dict[str, str | bool | None] = {}
    fields_attributes: list[ProfileField] | dict[str, ProfileField] | None = None


_TRUE = ("true", "1", "on", "yes", "t")


def _profile_settings(changes: ProfileChanges) -> ProfileSettings:
    fields = changes.fields_attributes
    if isinstance(fields, dict):  # keyed by index: {"0": {...}, "1": {...}}
        fields = [fields[k] for k in sorted(fields, key=lambda k: int(k) if k.isdigit() else 0)]
    source = changes.source
    sensitive = source.get("sensitive")
    language = source.get("language")
    privacy = source.get("privacy")
    return ProfileSettings(
        fields=[(f.name, f.value) for f in fields] if fields is not None else None,
        indexable=changes.indexable,
        hide_collections=changes.hide_collections,
        privacy=str(privacy) if privacy else None,
        sensitive=None
        if sensitive is None
        else (sensitive if isinstance(sensitive, bool) else str(sensitive).lower() in _TRUE),
        language=str(language) if language is not None else None,
    )


def _check_supported(changes: ProfileChanges) -> None:
    """``attribution_domains`` (for link previews of articles) is not kept: refused
    with a 422 that changes nothing rather than dropped."""
    if any(domain.strip() for domain in changes.attribution_domains):
        message = "attribution_domains: not supported on this server yet"
        raise ApiError(
            422,
            f"Validation failed: {message}",
            {"attribution_domains": [{"error": "ERR_INVALID", "description": message}]},
        )


@endpoint(
    scope=WRITE,
    user=True,
    response=CredentialAccount,
    request=ProfileChanges,
    files=("avatar", "header"),
)
def update_credentials(ctx: Ctx) -> Response:
    """Every profile setting: name, bio, pictures, flags, up to 4 profile fields
    (``fields_attributes``) and the posting defaults (``source[...]``)."""
    changes: ProfileChanges = ctx.input
    _check_supported(changes)
    do_update_profile(
        ctx.rt,
        ctx.account_id,
        display_name=changes.display_name,
        note=changes.note,
        locked=changes.locked,
        bot=changes.bot,
        discoverable=changes.discoverable,
        avatar=_upload(ctx, "avatar"),
        header=_upload(ctx, "header"),
        settings=_profile_settings(changes),
    )
    return _credential_account(ctx)


@endpoint(scope=READ, response=Account)
def show_account(ctx: Ctx) -> Response:
    return json_response(account_entity(ctx.rt, get_account(ctx.rt, ctx.path_id())))


class LookupQuery(msgspec.Struct, kw_only=True):
    acct: str = ""


@endpoint(scope=READ, response=Account, request=LookupQuery)
def lookup(ctx: Ctx) -> Response:
    """Only local accounts exist; ``name@this.domain`` is the same as ``name``."""
    acct = ctx.input.acct.strip().lstrip("@")
    if not acct:
        raise ValidationFailed("acct can't be blank", field="acct", code="ERR_BLANK")
    username, _, domain = acct.partition("@")
    if domain and domain.lower() != ctx.rt.settings.domain.lower():
        raise NotFound("Record not found")
    return json_response(account_entity(ctx.rt, get_account_by_username(ctx.rt, username)))


class StatusesQuery(msgspec.Struct, kw_only=True):
    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None
    limit: int | None = None
    exclude_replies: bool = False
    exclude_reblogs: bool = False
    only_media: bool = False
    pinned: bool = False
    tagged: str | None = None


@endpoint(scope="read:statuses", response=list[Status], request=StatusesQuery)
def statuses(ctx: Ctx) -> Response:
    account = get_account(ctx.rt, ctx.path_id())
    query: StatusesQuery = ctx.input
    page = read_page(query)
    views = account_statuses(
        ctx.rt,
        ctx.viewer_id,
        account.id,
        page,
        exclude_replies=query.exclude_replies,
        exclude_reblogs=query.exclude_reblogs,
        only_media=query.only_media,
        pinned=query.pinned,
        tagged=query.tagged or None,
        lean=True,
    )
    matcher = get_matcher(ctx.rt, ctx.viewer_id, "account")
    return json_response(
        status_page(ctx.rt, matcher.shown(views), matcher),
        headers=link_header(ctx.request, [v.post.id for v in views], page),
    )


def _follow_list(ctx: Ctx, which: str) -> Response:
    account = get_account(ctx.rt, ctx.path_id())
    page = read_page(ctx.input, default=40, maximum=80)
    read = followers if which == "followers" else following
    rows = [] if collections_hidden(account, ctx.viewer_id) else read(ctx.rt, account.id, page)
    return json_response(
        [account_entity(ctx.rt, row) for _, row in rows],
        headers=link_header(ctx.request, [cursor for cursor, _ in rows], page),
    )


@endpoint(scope=READ, response=list[Account], request=PageParams)
def show_followers(ctx: Ctx) -> Response:
    return _follow_list(ctx, "followers")


@endpoint(scope=READ, response=list[Account], request=PageParams)
def show_following(ctx: Ctx) -> Response:
    return _follow_list(ctx, "following")


def _relationship(ctx: Ctx, target_id: int) -> Response:
    (rel,) = relationships(ctx.rt, ctx.account_id, [target_id])
    return json_response(relationship_entity(rel))


class FollowInput(msgspec.Struct, kw_only=True):
    """``notify``: tell me when they post; following again with it changes it."""

    notify: bool | None = None
    reblogs: bool | None = None  # accepted; Roost always shows reposts
    languages: list[str] | None = None  # accepted; Roost does not filter by language


@endpoint(
    scope="write:follows",
    user=True,
    response=Relationship,
    request=FollowInput,
    limit=FOLLOW_RULE,
)
def follow(ctx: Ctx) -> Response:
    target_id = ctx.path_id()
    do_follow(ctx.rt, ctx.account_id, target_id, notify=ctx.input.notify)
    return _relationship(ctx, target_id)


@endpoint(scope="write:follows", user=True, response=Relationship)
def unfollow(ctx: Ctx) -> Response:
    target = get_account(ctx.rt, ctx.path_id())
    do_unfollow(ctx.rt, ctx.account_id, target.id)
    return _relationship(ctx, target.id)


class AccountIdsQuery(msgspec.Struct, kw_only=True):
    """``id[]``: the accounts asked about (the first 100 are answered)."""

    id: list[str] = []
    with_suspended: bool = False  # accepted; Roost suspends no one yet


def _known_ids(ctx: Ctx) -> list[int]:
    """The accounts named by ``id[]``, in order; as Mastodon, unknown IDs are left
    out, not an error."""
    ids: list[int] = []
    for raw in ctx.input.id[:MAX_RELATIONSHIPS]:
        value = parse_id(raw)
        if value is not None and value not in ids:
            ids.append(value)
    existing = get_accounts(ctx.rt, ids)
    return [i for i in ids if i in existing]


@endpoint(scope="read:follows", user=True, response=list[Relationship], request=AccountIdsQuery)
def show_relationships(ctx: Ctx) -> Response:
    known = _known_ids(ctx)
    return json_response(
        [relationship_entity(r) for r in relationships(ctx.rt, ctx.account_id, known)]
    )


@endpoint(
    scope="read:follows", user=True, response=list[FamiliarFollowers], request=AccountIdsQuery
)
def show_familiar_followers(ctx: Ctx) -> Response:
    """For each account in ``id[]``: the people the viewer follows who follow it."""
    found = familiar_followers(ctx.rt, ctx.account_id, _known_ids(ctx))
    return json_response(
        [
            FamiliarFollowers(
                id=str(account_id), accounts=[account_entity(ctx.rt, row) for row in rows]
            )
            for account_id, rows in found.items()
        ]
    )


# Mastodon's general API limit (300 per 5 minutes per account) applied to search.
SEARCH_RULE = RateRule("search", 300, 5 * 60, per="account")


class SearchQuery(msgspec.Struct, kw_only=True):
    """``limit`` is clamped to 1..80 and ``offset`` to 0 or more, as Mastodon does;
    ``resolve`` is accepted and changes nothing (no remote accounts)."""

    q: str = ""
    limit: int | None = None
    offset: int | None = None
    resolve: bool = False
    following: bool = False


@endpoint(scope=READ, user=True, response=list[Account], request=SearchQuery, limit=SEARCH_RULE)
def search(ctx: Ctx) -> Response:
    ctx.rt.limiter.enforce(SEARCH_RULE, ctx.account_id)
    query: SearchQuery = ctx.input
    limit = min(max(query.limit or 40, 1), 80)
    offset = max(query.offset or 0, 0)
    rows = search_accounts(ctx.rt, query.q, limit=limit, offset=offset)
    if query.following:
        followed = set(following_ids(ctx.rt, ctx.account_id))
        rows = [r for r in rows if r.id in followed]
    return json_response([account_entity(ctx.rt, r) for r in rows])


routes = [
    Route("/api/v1/accounts", register, methods=["POST"]),
    Route("/api/v1/accounts/verify_credentials", verify_credentials, methods=["GET"]),
    Route("/api/v1/accounts/update_credentials", update_credentials, methods=["PATCH", "PUT"]),
    Route("/api/v1/accounts/relationships", show_relationships, methods=["GET"]),
    Route("/api/v1/accounts/familiar_followers", show_familiar_followers, methods=["GET"]),
    Route("/api/v1/accounts/search", search, methods=["GET"]),
    Route("/api/v1/accounts/lookup", lookup, methods=["GET"]),
    # Every fixed name above, every ``{id}`` below (tests/api/test_routes.py checks it).
    Route("/api/v1/accounts/{id}", show_account, methods=["GET"]),
    Route("/api/v1/accounts/{id}/statuses", statuses, methods=["GET"]),
    Route("/api/v1/accounts/{id}/followers", show_followers, methods=["GET"]),
    Route("/api/v1/accounts/{id}/following", show_following, methods=["GET"]),
    Route("/api/v1/accounts/{id}/follow", follow, methods=["POST"]),
    Route("/api/v1/accounts/{id}/unfollow", unfollow, methods=["POST"]),
]
